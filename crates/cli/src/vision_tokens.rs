//! `frontier vision-tokens --width W --height H --scheme S`: how a vision encoder tokenizes an
//! image of that size (the grounding widget's numbers).

use clap::Args as ClapArgs;
use frontier_grounding::encoders::{self, QWEN_MAX_PIXELS, QWEN_MIN_PIXELS};
use frontier_grounding::{Plan, Resize};
use serde_json::{json, Value};

use crate::UsageError;

pub const SCHEMES: [&str; 7] =
    ["clip-224", "clip-336-crop", "clip-336-pad", "clip-336-squash", "llava-next", "qwen2-vl", "internvl"];

#[derive(ClapArgs)]
pub struct Args {
    #[arg(long)]
    width: u32,
    #[arg(long)]
    height: u32,
    /// clip-224 | clip-336-crop | clip-336-pad | clip-336-squash | llava-next | qwen2-vl | internvl
    #[arg(long)]
    scheme: String,
    /// clip-224 only: crop (CLIP's own processor, the default), pad or squash.
    #[arg(long, default_value = "crop")]
    resize: String,
    /// Qwen2-VL's lower bound on the resized image's pixels (default 3136 = 56²).
    #[arg(long)]
    min_pixels: Option<u64>,
    /// Qwen2-VL's upper bound (default 12845056 = 16384·28²).
    #[arg(long)]
    max_pixels: Option<u64>,
    /// InternVL's tile bounds (defaults 1 and 12).
    #[arg(long, default_value_t = 1)]
    min_tiles: u32,
    #[arg(long, default_value_t = 12)]
    max_tiles: u32,
}

fn resize(name: &str) -> Result<Resize, UsageError> {
    match name {
        "crop" => Ok(Resize::CenterCrop),
        "pad" => Ok(Resize::Pad),
        "squash" => Ok(Resize::Squash),
        other => Err(UsageError(format!("--resize: {other:?} is not one of crop, pad, squash"))),
    }
}

pub fn run(args: &Args) -> Result<Value, UsageError> {
    let (w, h) = (args.width, args.height);
    if (args.min_pixels.is_some() || args.max_pixels.is_some()) && args.scheme != "qwen2-vl" {
        return Err(UsageError("--min-pixels and --max-pixels apply to --scheme qwen2-vl only".into()));
    }
    let plan = match args.scheme.as_str() {
        "clip-224" => encoders::clip(w, h, 224, resize(&args.resize)?),
        "clip-336-crop" => encoders::clip(w, h, 336, Resize::CenterCrop),
        "clip-336-pad" => encoders::clip(w, h, 336, Resize::Pad),
        "clip-336-squash" => encoders::clip(w, h, 336, Resize::Squash),
        "llava-next" => encoders::llava_next(w, h),
        "qwen2-vl" => encoders::qwen2_vl(
            w,
            h,
            args.min_pixels.unwrap_or(QWEN_MIN_PIXELS),
            args.max_pixels.unwrap_or(QWEN_MAX_PIXELS),
        ),
        "internvl" => encoders::internvl(w, h, args.min_tiles, args.max_tiles),
        other => return Err(UsageError(format!("--scheme: {other:?} is not one of {}", SCHEMES.join(", ")))),
    }
    .map_err(|e| UsageError(e.to_string()))?;
    Ok(to_json(&plan))
}

fn to_json(plan: &Plan) -> Value {
    json!({
        "scheme": plan.scheme,
        "tokens": plan.tokens,
        "grid": [plan.grid.0, plan.grid.1],
        "pixels_per_token": [plan.pixels_per_token.0, plan.pixels_per_token.1],
        "cropped_fraction": plan.cropped_fraction,
        "padded_fraction": plan.padded_fraction,
        "tiles": plan.tiles,
        "note": plan.note,
    })
}

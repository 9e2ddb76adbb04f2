//! `frontier vision-tokens --width W --height H --scheme S`: how a vision encoder tokenizes an
//! image of that size (the grounding widget's numbers). `tokens` are the visual tokens only and
//! `delimiter_tokens` the scheme's other tokens for the image (see `frontier_grounding::encoders`).

use clap::Args as ClapArgs;
use frontier_grounding::encoders::{QWEN_MAX_PIXELS, QWEN_MIN_PIXELS};
use frontier_grounding::schemes::{Scheme, Settings};
use frontier_grounding::{Plan, Resize};
use serde_json::{json, Value};

use crate::UsageError;

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
    let scheme = Scheme::from_id(&args.scheme).map_err(|e| UsageError(format!("--scheme: {e}")))?;
    if (args.min_pixels.is_some() || args.max_pixels.is_some()) && scheme != Scheme::Qwen2Vl {
        return Err(UsageError("--min-pixels and --max-pixels apply to --scheme qwen2-vl only".into()));
    }
    let settings = Settings {
        clip_224_resize: resize(&args.resize)?,
        qwen_min_pixels: args.min_pixels.unwrap_or(QWEN_MIN_PIXELS),
        qwen_max_pixels: args.max_pixels.unwrap_or(QWEN_MAX_PIXELS),
        internvl_min_tiles: args.min_tiles,
        internvl_max_tiles: args.max_tiles,
    };
    let plan = scheme.plan(w, h, &settings).map_err(|e| UsageError(format!("--scheme {}: {e}", args.scheme)))?;
    Ok(to_json(&plan))
}

fn to_json(plan: &Plan) -> Value {
    json!({
        "scheme": plan.scheme,
        "tokens": plan.tokens,
        "delimiter_tokens": plan.delimiter_tokens,
        "grid": [plan.grid.0, plan.grid.1],
        "pixels_per_token": [plan.pixels_per_token.0, plan.pixels_per_token.1],
        "cropped_fraction": plan.cropped_fraction,
        "padded_fraction": plan.padded_fraction,
        "tiles": plan.tiles,
        "note": plan.note,
    })
}

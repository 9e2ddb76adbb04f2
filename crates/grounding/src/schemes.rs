//! The schemes by the ids the CLI and the widget share, with their settings.

use serde::{Deserialize, Serialize};

use crate::encoders::{self, Plan, PlanError, Resize, QWEN_MAX_PIXELS, QWEN_MIN_PIXELS};

/// The scheme ids, in the order the widget lists them.
pub const SCHEME_IDS: [&str; 7] =
    ["clip-224", "clip-336-crop", "clip-336-pad", "clip-336-squash", "llava-next", "qwen2-vl", "internvl"];

/// The knobs some schemes have. Defaults are each model's shipped configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// How `clip-224` makes the image square (CLIP's own processor crops).
    pub clip_224_resize: Resize,
    pub qwen_min_pixels: u64,
    pub qwen_max_pixels: u64,
    pub internvl_min_tiles: u32,
    pub internvl_max_tiles: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            clip_224_resize: Resize::CenterCrop,
            qwen_min_pixels: QWEN_MIN_PIXELS,
            qwen_max_pixels: QWEN_MAX_PIXELS,
            internvl_min_tiles: 1,
            internvl_max_tiles: 12,
        }
    }
}

/// A short human name for a scheme id.
pub fn label(id: &str) -> &'static str {
    match id {
        "clip-224" => "CLIP ViT-L/14 @ 224",
        "clip-336-crop" => "CLIP @ 336, centre crop",
        "clip-336-pad" => "CLIP @ 336, pad (LLaVA-1.5)",
        "clip-336-squash" => "CLIP @ 336, squash",
        "llava-next" => "LLaVA-NeXT AnyRes",
        "qwen2-vl" => "Qwen2-VL dynamic",
        "internvl" => "InternVL dynamic tiles",
        _ => "unknown scheme",
    }
}

/// The plan of scheme `id` for an image `width × height`.
pub fn plan(id: &str, width: u32, height: u32, s: &Settings) -> Result<Plan, PlanError> {
    match id {
        "clip-224" => encoders::clip(width, height, 224, s.clip_224_resize),
        "clip-336-crop" => encoders::clip(width, height, 336, Resize::CenterCrop),
        "clip-336-pad" => encoders::clip(width, height, 336, Resize::Pad),
        "clip-336-squash" => encoders::clip(width, height, 336, Resize::Squash),
        "llava-next" => encoders::llava_next(width, height),
        "qwen2-vl" => encoders::qwen2_vl(width, height, s.qwen_min_pixels, s.qwen_max_pixels),
        "internvl" => encoders::internvl(width, height, s.internvl_min_tiles, s.internvl_max_tiles),
        other => {
            Err(PlanError::Setting(format!("unknown scheme {other:?}; the schemes are {}", SCHEME_IDS.join(", "))))
        }
    }
}

/// Every scheme's plan, in [`SCHEME_IDS`] order.
pub fn plan_all(width: u32, height: u32, s: &Settings) -> Vec<(&'static str, Result<Plan, PlanError>)> {
    SCHEME_IDS.iter().map(|id| (*id, plan(id, width, height, s))).collect()
}

/// What the article's sentence ("a 1080p image becomes 576 tokens of about 45×45 px") comes to
/// for this image: the three ways a 336-px CLIP can make it square.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArticleClaim {
    pub crop: Plan,
    pub pad: Plan,
    pub squash: Plan,
}

pub fn article_claim(width: u32, height: u32) -> Result<ArticleClaim, PlanError> {
    Ok(ArticleClaim {
        crop: encoders::clip(width, height, 336, Resize::CenterCrop)?,
        pad: encoders::clip(width, height, 336, Resize::Pad)?,
        squash: encoders::clip(width, height, 336, Resize::Squash)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_plans_and_unknown_ids_name_the_known_ones() {
        let all = plan_all(1920, 1080, &Settings::default());
        let tokens: Vec<u32> = all.iter().map(|(_, p)| p.as_ref().map_or(0, |p| p.tokens)).collect();
        // Visual tokens: 256 (224 crop), 576 ×3, AnyRes 48×28 + 576 = 1,920, Qwen 69×39 = 2,691,
        // InternVL 9 × 256 = 2,304.
        assert_eq!(tokens, [256, 576, 576, 576, 1920, 2691, 2304]);
        // Delimiters: none for CLIP, AnyRes's 28 row newlines, Qwen's vision start and end,
        // InternVL's <img> and </img>.
        let delimiters: Vec<u32> = all.iter().map(|(_, p)| p.as_ref().map_or(99, |p| p.delimiter_tokens)).collect();
        assert_eq!(delimiters, [0, 0, 0, 0, 28, 2, 2]);
        let err = plan("vit", 10, 10, &Settings::default()).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("clip-336-pad"), "{err}");
        assert!(SCHEME_IDS.iter().all(|id| label(id) != "unknown scheme"));
    }
}

//! The schemes, as one enum whose ids the CLI and the widget share, with their settings.

use serde::{Deserialize, Serialize};

use crate::encoders::{self, Plan, PlanError, Resize, QWEN_MAX_PIXELS, QWEN_MIN_PIXELS};

/// A way an encoder turns an image into tokens; the serde name is the id links and the CLI use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scheme {
    #[serde(rename = "clip-224")]
    Clip224,
    #[serde(rename = "clip-336-crop")]
    Clip336Crop,
    #[serde(rename = "clip-336-pad")]
    Clip336Pad,
    #[serde(rename = "clip-336-squash")]
    Clip336Squash,
    #[serde(rename = "llava-next")]
    LlavaNext,
    #[serde(rename = "qwen2-vl")]
    Qwen2Vl,
    #[serde(rename = "internvl")]
    InternVl,
}

impl Scheme {
    /// Every scheme, in the order the widget lists them.
    pub const ALL: [Scheme; 7] = [
        Scheme::Clip224,
        Scheme::Clip336Crop,
        Scheme::Clip336Pad,
        Scheme::Clip336Squash,
        Scheme::LlavaNext,
        Scheme::Qwen2Vl,
        Scheme::InternVl,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Scheme::Clip224 => "clip-224",
            Scheme::Clip336Crop => "clip-336-crop",
            Scheme::Clip336Pad => "clip-336-pad",
            Scheme::Clip336Squash => "clip-336-squash",
            Scheme::LlavaNext => "llava-next",
            Scheme::Qwen2Vl => "qwen2-vl",
            Scheme::InternVl => "internvl",
        }
    }

    pub fn parse(id: &str) -> Option<Scheme> {
        Scheme::ALL.into_iter().find(|s| s.id() == id)
    }

    /// Parses an id, or names the known ones.
    pub fn from_id(id: &str) -> Result<Scheme, PlanError> {
        Scheme::parse(id).ok_or_else(|| {
            let known: Vec<&str> = Scheme::ALL.iter().map(|s| s.id()).collect();
            PlanError::Setting(format!("unknown scheme {id:?}; the schemes are {}", known.join(", ")))
        })
    }

    /// A short human name.
    pub fn label(self) -> &'static str {
        match self {
            Scheme::Clip224 => "CLIP ViT-L/14 @ 224",
            Scheme::Clip336Crop => "CLIP @ 336, centre crop",
            Scheme::Clip336Pad => "CLIP @ 336, pad (LLaVA-1.5)",
            Scheme::Clip336Squash => "CLIP @ 336, squash",
            Scheme::LlavaNext => "LLaVA-NeXT AnyRes",
            Scheme::Qwen2Vl => "Qwen2-VL dynamic",
            Scheme::InternVl => "InternVL dynamic tiles",
        }
    }

    /// The plan for an image `width × height`.
    pub fn plan(self, width: u32, height: u32, s: &Settings) -> Result<Plan, PlanError> {
        match self {
            Scheme::Clip224 => encoders::clip(width, height, 224, s.clip_224_resize),
            Scheme::Clip336Crop => encoders::clip(width, height, 336, Resize::CenterCrop),
            Scheme::Clip336Pad => encoders::clip(width, height, 336, Resize::Pad),
            Scheme::Clip336Squash => encoders::clip(width, height, 336, Resize::Squash),
            Scheme::LlavaNext => encoders::llava_next(width, height),
            Scheme::Qwen2Vl => encoders::qwen2_vl(width, height, s.qwen_min_pixels, s.qwen_max_pixels),
            Scheme::InternVl => encoders::internvl(width, height, s.internvl_min_tiles, s.internvl_max_tiles),
        }
    }
}

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

/// Every scheme's plan, in [`Scheme::ALL`] order.
pub fn plan_all(width: u32, height: u32, s: &Settings) -> Vec<(Scheme, Result<Plan, PlanError>)> {
    Scheme::ALL.into_iter().map(|scheme| (scheme, scheme.plan(width, height, s))).collect()
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
        let err = Scheme::from_id("vit").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("clip-336-pad"), "{err}");
        for scheme in Scheme::ALL {
            assert_eq!(Scheme::parse(scheme.id()), Some(scheme));
            assert_eq!(serde_json::to_value(scheme).ok(), Some(serde_json::Value::from(scheme.id())));
        }
    }
}

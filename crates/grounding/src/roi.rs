//! The region-of-interest plan of the article's grounded encoder: the whole image once at the
//! encoder's resolution, then each region cropped and encoded again at that same resolution.
//!
//! The article's `GroundedVisualEncoder` mean-pools each region's tokens into one token and adds
//! a projection of its box, so a region costs one token. Keeping every token of the region is
//! the other end of the trade; both are offered, because the budget differs by the square of
//! the patch grid (1 against 256 at 224 px).

use serde::Serialize;

use crate::encoders::{clip, Plan, PlanError, Resize};

/// A box drawn on the image, in original pixels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
pub struct Region {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// What a region turns into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pooling {
    /// The article's design: the mean of the region's tokens plus its box embedding, one token.
    Mean,
    /// Every patch token of the re-encoded region.
    AllTokens,
}

/// The encoder both passes use: a square ViT input of `input_px`, patches of `patch_px`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
pub struct RoiEncoder {
    pub input_px: u32,
    pub patch_px: u32,
    /// How the whole image is made square for the global pass.
    pub global_resize: Resize,
    pub pooling: Pooling,
}

impl RoiEncoder {
    /// The article's: both passes at 224×224 (here CLIP ViT-L/14, 16×16 patches), the full
    /// image squashed to the square as `image: [B, 3, H, W]` into a 224 encoder implies.
    pub const ARTICLE: RoiEncoder =
        RoiEncoder { input_px: 224, patch_px: 14, global_resize: Resize::Squash, pooling: Pooling::Mean };
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionPlan {
    /// The box after clipping to the image.
    pub region: Region,
    pub tokens: u32,
    /// Original pixels one patch covers in the region's pass (the region is resized to the
    /// square input, as the article's `roi_crops` are).
    pub pixels_per_patch: (f64, f64),
    /// How many times finer than the global pass, per side (the geometric mean of both axes).
    pub resolution_gain: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoiPlan {
    pub global: Plan,
    pub regions: Vec<RegionPlan>,
    /// Global tokens plus every region's.
    pub total_tokens: u32,
    /// Tokens a uniform grid would need to reach the finest region's detail everywhere.
    pub uniform_tokens_for_same_detail: f64,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RoiError {
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error("region {index}: {reason}")]
    Region { index: usize, reason: String },
    #[error("the input must be a positive multiple of the patch size (got {input_px} px, patch {patch_px} px)")]
    Encoder { input_px: u32, patch_px: u32 },
    #[error("at most {MAX_REGIONS} regions")]
    TooMany,
}

pub const MAX_REGIONS: usize = 64;

/// Plans the global pass and one pass per region of an image `width × height`.
pub fn plan(width: u32, height: u32, encoder: RoiEncoder, regions: &[Region]) -> Result<RoiPlan, RoiError> {
    let RoiEncoder { input_px, patch_px, global_resize, pooling } = encoder;
    if patch_px == 0 || input_px < patch_px || !input_px.is_multiple_of(patch_px) || input_px > 4096 {
        return Err(RoiError::Encoder { input_px, patch_px });
    }
    if regions.len() > MAX_REGIONS {
        return Err(RoiError::TooMany);
    }
    let side = input_px / patch_px;
    let global = clip_like(width, height, input_px, patch_px, global_resize)?;
    let global_ppt = (global.pixels_per_token.0 * global.pixels_per_token.1).sqrt();
    let (w, h) = (f64::from(width), f64::from(height));
    let mut planned = Vec::with_capacity(regions.len());
    for (index, r) in regions.iter().enumerate() {
        let clipped = clip_to_image(r, w, h).map_err(|reason| RoiError::Region { index, reason })?;
        let pixels_per_patch = (clipped.width / f64::from(side), clipped.height / f64::from(side));
        let region_ppt = (pixels_per_patch.0 * pixels_per_patch.1).sqrt();
        planned.push(RegionPlan {
            region: clipped,
            tokens: match pooling {
                Pooling::Mean => 1,
                Pooling::AllTokens => side * side,
            },
            pixels_per_patch,
            resolution_gain: global_ppt / region_ppt,
        });
    }
    let total_tokens = global.tokens + planned.iter().map(|p| p.tokens).sum::<u32>();
    let finest = planned.iter().map(|p| p.pixels_per_patch.0 * p.pixels_per_patch.1).fold(f64::INFINITY, f64::min);
    let uniform_tokens_for_same_detail = if finest.is_finite() { w * h / finest } else { f64::from(global.tokens) };
    Ok(RoiPlan { global, regions: planned, total_tokens, uniform_tokens_for_same_detail })
}

/// The global pass: CLIP's plan at this input size and patch size (patch 14 is CLIP ViT-L/14;
/// other patch sizes scale the same way).
fn clip_like(width: u32, height: u32, input_px: u32, patch_px: u32, resize: Resize) -> Result<Plan, PlanError> {
    if patch_px == 14 {
        return clip(width, height, input_px, resize);
    }
    // Plan at patch 14 for the geometry, then restate the grid for this patch size.
    let mut plan = clip(width, height, 14 * (input_px / patch_px), resize)?;
    let side = input_px / patch_px;
    let view = plan.tiles.first().copied();
    if let Some(view) = view {
        plan.pixels_per_token = (view.width / f64::from(side), view.height / f64::from(side));
    }
    plan.scheme = format!("ViT/{patch_px}@{input_px} ({resize:?})");
    Ok(plan)
}

fn clip_to_image(r: &Region, w: f64, h: f64) -> Result<Region, String> {
    let values = [r.x, r.y, r.width, r.height];
    if values.iter().any(|v| !v.is_finite()) {
        return Err("the box has a coordinate that is not a number".into());
    }
    let (x0, y0) = (r.x.min(r.x + r.width).max(0.0), r.y.min(r.y + r.height).max(0.0));
    let (x1, y1) = (r.x.max(r.x + r.width).min(w), r.y.max(r.y + r.height).min(h));
    if x1 - x0 < 1.0 || y1 - y0 < 1.0 {
        return Err(format!(
            "the box ({}, {}, {}×{}) covers less than one pixel of the image",
            r.x, r.y, r.width, r.height
        ));
    }
    Ok(Region { x: x0, y: y0, width: x1 - x0, height: y1 - y0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(x: f64, y: f64, width: f64, height: f64) -> Region {
        Region { x, y, width, height }
    }

    #[test]
    fn the_articles_design_on_a_1080p_frame() {
        // Global: 1920×1080 squashed into 224 → 16×16 patches of 120×67.5 px (256 tokens).
        // A 224×224 region re-encoded at 224: 14×14 px per patch, one pooled token.
        let p = plan(1920, 1080, RoiEncoder::ARTICLE, &[region(100.0, 100.0, 224.0, 224.0)])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.global.tokens, 256);
        assert_eq!(p.total_tokens, 257);
        assert_eq!(p.regions[0].pixels_per_patch, (14.0, 14.0));
        // sqrt(120 × 67.5) = 90 px against 14 px: 6.43× finer per side.
        assert!((p.regions[0].resolution_gain - 90.0 / 14.0).abs() < 1e-12);
        // A uniform grid at 14 px per patch over the frame: 1920·1080/196 ≈ 10,580 tokens.
        assert!((p.uniform_tokens_for_same_detail - 1920.0 * 1080.0 / 196.0).abs() < 1e-9);
        let all = RoiEncoder { pooling: Pooling::AllTokens, ..RoiEncoder::ARTICLE };
        let p = plan(1920, 1080, all, &[region(0.0, 0.0, 448.0, 448.0), region(1000.0, 500.0, 100.0, 50.0)])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.total_tokens, 256 + 2 * 256);
    }

    #[test]
    fn boxes_are_clipped_and_bad_ones_named() {
        let p =
            plan(100, 100, RoiEncoder::ARTICLE, &[region(90.0, -10.0, 50.0, 30.0)]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.regions[0].region, region(90.0, 0.0, 10.0, 20.0));
        let err = plan(100, 100, RoiEncoder::ARTICLE, &[region(1.0, 1.0, 5.0, 5.0), region(200.0, 0.0, 5.0, 5.0)]);
        assert!(matches!(err, Err(RoiError::Region { index: 1, .. })), "{err:?}");
        assert!(plan(100, 100, RoiEncoder::ARTICLE, &[region(f64::NAN, 0.0, 5.0, 5.0)]).is_err());
        let odd = RoiEncoder { input_px: 225, ..RoiEncoder::ARTICLE };
        assert!(matches!(plan(100, 100, odd, &[]), Err(RoiError::Encoder { .. })));
        // Negative sizes describe the same box drawn the other way.
        let flipped =
            plan(100, 100, RoiEncoder::ARTICLE, &[region(60.0, 60.0, -20.0, -20.0)]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(flipped.regions[0].region, region(40.0, 40.0, 20.0, 20.0));
    }

    #[test]
    fn a_vit_b_16_global_pass() {
        let enc = RoiEncoder { input_px: 224, patch_px: 16, ..RoiEncoder::ARTICLE };
        let p = plan(1920, 1080, enc, &[]).unwrap_or_else(|e| panic!("{e}"));
        // 14×14 patches; 1920/14 × 1080/14 px each.
        assert_eq!(p.global.tokens, 196);
        assert_eq!(p.global.pixels_per_token, (1920.0 / 14.0, 1080.0 / 14.0));
    }
}

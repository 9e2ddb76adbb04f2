//! Token plans for CLIP ViT-L/14, LLaVA-NeXT AnyRes, Qwen2-VL and InternVL, each as its
//! processor computes it (the references are in `shared/references`, part D).
//!
//! One convention for every scheme: [`Plan::tokens`] counts the visual tokens, those the patch
//! grid yields (after merging, unpadding, tiles and overview views), and
//! [`Plan::delimiter_tokens`] the other tokens the scheme puts in the language model's sequence
//! for one image: Qwen2-VL's `<|vision_start|>` and `<|vision_end|>` (2), InternVL's `<img>` and
//! `</img>` around all of an image's tiles (2), LLaVA-NeXT's `image_newline` after each row of
//! its high-resolution grid (one per row: 28 for a 1080p frame, which its processor counts in
//! its 1,948 = 1,920 + 28), and none for CLIP as LLaVA-1.5 uses it. CLIP's class token counts
//! in neither: the encoder computes it but the language model never receives it. What one image
//! costs in the context is [`Plan::sequence_tokens`], the sum.

use serde::{Deserialize, Serialize};

/// How a fixed-size encoder makes a square input from a rectangle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Resize {
    /// Short side to S, then the centre S×S (CLIP's own processor): the rest is dropped.
    CenterCrop,
    /// Long side to S, the rest padded (LLaVA-1.5's `pad`): nothing dropped, tokens wasted.
    Pad,
    /// Both sides to S: nothing dropped, shapes distorted.
    Squash,
}

/// A rectangle of the original image (pixels; may reach outside it where padding is).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Tile {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// Tokens per side of this tile (a `columns × rows` patch grid).
    pub columns: u32,
    pub rows: u32,
    /// A low-resolution view of the whole image beside the tiles (AnyRes's base image,
    /// InternVL's thumbnail), as opposed to a tile of the high-resolution view.
    pub overview: bool,
}

/// What an encoder does with one image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub scheme: String,
    /// Visual tokens sent to the language model: one per cell of the patch (or merged-patch)
    /// grid of every view, and nothing else (see the module's convention).
    pub tokens: u32,
    /// The scheme's other tokens for this image: Qwen2-VL's vision start and end (2), InternVL's
    /// `<img>` and `</img>` (2), LLaVA-NeXT's newline token per grid row; CLIP's 0 (its class
    /// token is not passed on).
    pub delimiter_tokens: u32,
    /// Tokens across and down the highest-resolution view of the whole image (tiles joined).
    pub grid: (u32, u32),
    /// Original pixels one token covers, across and down (in the highest-resolution view).
    pub pixels_per_token: (f64, f64),
    /// Share of the original image's area the encoder never sees.
    pub cropped_fraction: f64,
    /// Share of the encoder's input that is padding.
    pub padded_fraction: f64,
    /// The views, in original-image coordinates: tiles, and any global or thumbnail view.
    pub tiles: Vec<Tile>,
    pub note: String,
}

impl Plan {
    /// Positions one image takes in the language model's sequence: visual plus delimiter tokens.
    pub fn sequence_tokens(&self) -> u32 {
        self.tokens + self.delimiter_tokens
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error("the image must be at least 1×1 pixel and at most 100,000 on a side (got {0}×{1})")]
    Size(u32, u32),
    #[error("{0}")]
    Setting(String),
}

fn check(w: u32, h: u32) -> Result<(f64, f64), PlanError> {
    if w == 0 || h == 0 || w > 100_000 || h > 100_000 {
        return Err(PlanError::Size(w, h));
    }
    Ok((f64::from(w), f64::from(h)))
}

/// CLIP ViT-L/14 at `size` (224 or 336): (size/14)² patch tokens, the count a language model
/// receives (LLaVA drops the encoder's class token, and adds no delimiters).
pub fn clip(w: u32, h: u32, size: u32, resize: Resize) -> Result<Plan, PlanError> {
    let (wf, hf) = check(w, h)?;
    if size < 14 || !size.is_multiple_of(14) {
        return Err(PlanError::Setting(format!("CLIP's input size must be a multiple of 14 (got {size})")));
    }
    let side = size / 14;
    let (view, cropped, padded) = match resize {
        Resize::CenterCrop => {
            let short = wf.min(hf);
            let view = Tile {
                x: (wf - short) / 2.0,
                y: (hf - short) / 2.0,
                width: short,
                height: short,
                columns: side,
                rows: side,
                overview: false,
            };
            (view, 1.0 - short * short / (wf * hf), 0.0)
        }
        Resize::Pad => {
            let long = wf.max(hf);
            let view = Tile {
                x: (wf - long) / 2.0,
                y: (hf - long) / 2.0,
                width: long,
                height: long,
                columns: side,
                rows: side,
                overview: false,
            };
            (view, 0.0, 1.0 - wf * hf / (long * long))
        }
        Resize::Squash => {
            (Tile { x: 0.0, y: 0.0, width: wf, height: hf, columns: side, rows: side, overview: false }, 0.0, 0.0)
        }
    };
    Ok(Plan {
        scheme: format!("CLIP ViT-L/14@{size} ({resize:?})"),
        tokens: side * side,
        delimiter_tokens: 0,
        grid: (side, side),
        pixels_per_token: (view.width / f64::from(side), view.height / f64::from(side)),
        cropped_fraction: cropped,
        padded_fraction: padded,
        tiles: vec![view],
        note: format!("{side}×{side} patch tokens (the encoder's class token is not passed on)"),
    })
}

/// LLaVA-NeXT's grid pinpoints as (height, width), in the processor's order: the order decides
/// ties (a 2×1 image fits every grid equally well and gets the first, 336 high by 672 wide).
pub const ANYRES_PINPOINTS: [(u32, u32); 5] = [(336, 672), (672, 336), (672, 672), (1008, 336), (336, 1008)];

/// LLaVA-NeXT (1.6) AnyRes: the best pinpoint resolution, 336-px tiles of 24×24 features,
/// padding features removed, and the 576-token base image (the visual tokens); a newline token
/// per row of the unpadded grid (the delimiters). The processor's count is the sum.
pub fn llava_next(w: u32, h: u32) -> Result<Plan, PlanError> {
    let (wf, hf) = check(w, h)?;
    // select_best_resolution: most effective pixels, then least waste.
    let mut best = (0u32, 0u32);
    let (mut best_effective, mut best_waste) = (0.0f64, f64::INFINITY);
    for (ph, pw) in ANYRES_PINPOINTS {
        let scale = (f64::from(pw) / wf).min(f64::from(ph) / hf);
        let (dw, dh) = ((wf * scale).floor(), (hf * scale).floor());
        let effective = (dw * dh).min(wf * hf);
        let waste = f64::from(pw) * f64::from(ph) - effective;
        if effective > best_effective || (effective == best_effective && waste < best_waste) {
            best = (pw, ph);
            best_effective = effective;
            best_waste = waste;
        }
    }
    let (pw, ph) = best;
    let (cols, rows) = (pw / 336, ph / 336);
    let (feat_w, feat_h) = (cols * 24, rows * 24);
    // unpad: drop the feature rows or columns that only saw padding.
    // The reference truncates after rounding to 7 decimals (`int(round(x, 7))`), so that a
    // product like 27.999999999 counts as 28 but 27.6 counts as 27.
    let truncate = |x: f64| ((x * 1e7).round_ties_even() / 1e7).floor() as u32;
    let (unpad_w, unpad_h) = if wf / hf > f64::from(feat_w) / f64::from(feat_h) {
        let new_h = truncate(hf * (f64::from(feat_w) / wf));
        let padding = (feat_h - new_h.min(feat_h)) / 2;
        (feat_w, feat_h - 2 * padding)
    } else {
        let new_w = truncate(wf * (f64::from(feat_h) / hf));
        let padding = (feat_w - new_w.min(feat_w)) / 2;
        (feat_w - 2 * padding, feat_h)
    };
    let tokens = unpad_w * unpad_h + 576;
    let newlines = unpad_h;
    // The high-resolution canvas, in original pixels, centred on the image.
    let scale = (f64::from(pw) / wf).min(f64::from(ph) / hf);
    let (canvas_w, canvas_h) = (f64::from(pw) / scale, f64::from(ph) / scale);
    let tile = 336.0 / scale;
    let mut tiles = Vec::new();
    for r in 0..rows {
        for c in 0..cols {
            tiles.push(Tile {
                x: (wf - canvas_w) / 2.0 + f64::from(c) * tile,
                y: (hf - canvas_h) / 2.0 + f64::from(r) * tile,
                width: tile,
                height: tile,
                columns: 24,
                rows: 24,
                overview: false,
            });
        }
    }
    let long = wf.max(hf);
    tiles.push(Tile {
        x: (wf - long) / 2.0,
        y: (hf - long) / 2.0,
        width: long,
        height: long,
        columns: 24,
        rows: 24,
        overview: true,
    });
    Ok(Plan {
        scheme: "LLaVA-NeXT AnyRes".into(),
        tokens,
        delimiter_tokens: newlines,
        grid: (unpad_w, unpad_h),
        pixels_per_token: (tile / 24.0, tile / 24.0),
        cropped_fraction: 0.0,
        padded_fraction: 1.0 - wf * hf / (canvas_w * canvas_h),
        tiles,
        note: format!(
            "grid {pw}×{ph}: {unpad_w}×{unpad_h} features after unpadding and 576 for the base image, plus {newlines} newline tokens"
        ),
    })
}

/// Qwen2-VL's defaults.
pub const QWEN_MIN_PIXELS: u64 = 56 * 56;
pub const QWEN_MAX_PIXELS: u64 = 28 * 28 * 16_384;
/// The most pixels either Qwen2-VL bound may ask for: 2²⁰ tokens of 28×28 px (822 Mpx), more
/// than any released context holds. Without it a link could ask for a grid of 10¹⁵ cells.
pub const QWEN_PIXELS_LIMIT: u64 = 28 * 28 * (1 << 20);

/// Qwen2-VL (and 2.5-VL): `smart_resize` to multiples of 28 within [min, max] pixels; one
/// token per 28×28 pixels (14-px patches merged 2×2); the vision start and end tokens are the
/// two delimiters.
pub fn qwen2_vl(w: u32, h: u32, min_pixels: u64, max_pixels: u64) -> Result<Plan, PlanError> {
    let (wf, hf) = check(w, h)?;
    if min_pixels == 0 || min_pixels > max_pixels || max_pixels > QWEN_PIXELS_LIMIT {
        return Err(PlanError::Setting(format!(
            "min_pixels {min_pixels} must be positive and at most max_pixels {max_pixels}, \
             which must be at most {QWEN_PIXELS_LIMIT} (2^20 tokens of 28×28 px)"
        )));
    }
    if wf.max(hf) / wf.min(hf) > 200.0 {
        return Err(PlanError::Setting("Qwen2-VL refuses aspect ratios above 200".into()));
    }
    let factor = 28.0;
    // Python's round() rounds halves to even. transformers' processor does not clamp the
    // rounded side to at least 28 (qwen-vl-utils does): a side under 14 px rounds to 0, and the
    // image then takes the minimum-pixels branch. Only such slivers differ between the two.
    let mut hb = factor * (hf / factor).round_ties_even();
    let mut wb = factor * (wf / factor).round_ties_even();
    let (min, max) = (min_pixels as f64, max_pixels as f64);
    if hb * wb > max {
        let beta = (hf * wf / max).sqrt();
        hb = factor.max((hf / beta / factor).floor() * factor);
        wb = factor.max((wf / beta / factor).floor() * factor);
    } else if hb * wb < min {
        let beta = (min / (hf * wf)).sqrt();
        hb = (hf * beta / factor).ceil() * factor;
        wb = (wf * beta / factor).ceil() * factor;
    }
    let (cols, rows) = ((wb / factor) as u32, (hb / factor) as u32);
    // Within the pixel limit the product fits easily; checked all the same, never wrapped.
    let tokens = cols.checked_mul(rows).ok_or_else(|| PlanError::Setting(format!("{cols}×{rows} tokens overflow")))?;
    Ok(Plan {
        scheme: "Qwen2-VL".into(),
        tokens,
        delimiter_tokens: 2,
        grid: (cols, rows),
        pixels_per_token: (wf / f64::from(cols), hf / f64::from(rows)),
        cropped_fraction: 0.0,
        padded_fraction: 0.0,
        tiles: vec![Tile { x: 0.0, y: 0.0, width: wf, height: hf, columns: cols, rows, overview: false }],
        note: format!(
            "resized to {}×{}: {cols}×{rows} tokens of 28×28 px, plus vision start and end",
            wb as u32, hb as u32
        ),
    })
}

/// InternVL 1.5–2.5 dynamic tiles: the grid (i, j) with i·j in [min_num, max_num] whose aspect
/// ratio is closest to the image's; the image is stretched to 448·i × 448·j, cut into 448-px
/// tiles of 256 tokens each, plus a 448-px thumbnail when there is more than one tile. The
/// processor writes `<img>` and `</img>` once around all of them: two delimiters per image.
pub fn internvl(w: u32, h: u32, min_num: u32, max_num: u32) -> Result<Plan, PlanError> {
    let (wf, hf) = check(w, h)?;
    if min_num == 0 || min_num > max_num || max_num > 64 {
        return Err(PlanError::Setting(format!(
            "tile counts must satisfy 1 ≤ min ≤ max ≤ 64 (got {min_num}, {max_num})"
        )));
    }
    let mut ratios: Vec<(u32, u32)> = Vec::new();
    for i in 1..=max_num {
        for j in 1..=max_num {
            if (min_num..=max_num).contains(&(i * j)) {
                ratios.push((i, j));
            }
        }
    }
    // Sorted by tile count, as the reference's `sorted(..., key=lambda x: x[0] * x[1])`.
    ratios.sort_by_key(|&(i, j)| i * j);
    let aspect = wf / hf;
    let (mut best, mut best_diff) = ((1, 1), f64::INFINITY);
    for (i, j) in ratios {
        let diff = (aspect - f64::from(i) / f64::from(j)).abs();
        if diff < best_diff {
            best_diff = diff;
            best = (i, j);
        } else if diff == best_diff && wf * hf > 0.5 * 448.0 * 448.0 * f64::from(i * j) {
            best = (i, j);
        }
    }
    let (cols, rows) = best;
    let n = cols * rows;
    let thumbnail = n > 1;
    let (tw, th) = (wf / f64::from(cols), hf / f64::from(rows));
    let mut tiles: Vec<Tile> = (0..rows)
        .flat_map(|r| (0..cols).map(move |c| (r, c)))
        .map(|(r, c)| Tile {
            x: f64::from(c) * tw,
            y: f64::from(r) * th,
            width: tw,
            height: th,
            columns: 16,
            rows: 16,
            overview: false,
        })
        .collect();
    if thumbnail {
        tiles.push(Tile { x: 0.0, y: 0.0, width: wf, height: hf, columns: 16, rows: 16, overview: true });
    }
    Ok(Plan {
        scheme: format!("InternVL (tiles {min_num}–{max_num})"),
        tokens: 256 * (n + u32::from(thumbnail)),
        delimiter_tokens: 2,
        grid: (cols * 16, rows * 16),
        pixels_per_token: (tw / 16.0, th / 16.0),
        cropped_fraction: 0.0,
        padded_fraction: 0.0,
        tiles,
        note: format!("{cols}×{rows} tiles of 448 px (stretched){}", if thumbnail { " and a thumbnail" } else { "" }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(p: Result<Plan, PlanError>) -> Plan {
        p.unwrap_or_else(|e| panic!("{e}"))
    }

    /// The references' worked example, 1920×1080, computed by hand from each processor's code.
    #[test]
    fn a_1080p_frame_under_every_scheme() {
        let crop = plan(clip(1920, 1080, 336, Resize::CenterCrop));
        // The article's "576 tokens of 45×45 px" holds only here, and 840 of 1,920 columns go.
        assert_eq!((crop.tokens, crop.pixels_per_token), (576, (45.0, 45.0)));
        // 24×24 patches; the class token is not passed on and LLaVA-1.5 adds no delimiters.
        assert_eq!((crop.delimiter_tokens, crop.sequence_tokens()), (0, 576));
        assert!((crop.cropped_fraction - 840.0 / 1920.0).abs() < 1e-12);
        let pad = plan(clip(1920, 1080, 336, Resize::Pad));
        assert_eq!(pad.pixels_per_token, (80.0, 80.0));
        assert!((1.0 - pad.padded_fraction - 0.5625).abs() < 1e-12, "56 % of the tokens see the image");
        let squash = plan(clip(1920, 1080, 224, Resize::Squash));
        assert_eq!((squash.tokens, squash.pixels_per_token), (256, (120.0, 67.5)));
        // AnyRes: 672×672 wins; 48×48 features unpad to 48×28, + 576 = 1,920 visual tokens,
        // and 28 newlines: the processor's 1,948.
        let next = plan(llava_next(1920, 1080));
        assert_eq!((next.tokens, next.delimiter_tokens, next.sequence_tokens()), (1920, 28, 1948));
        assert!(next.note.starts_with("grid 672×672"));
        // 2×2 tiles of 336 px plus the base image, which is the one overview.
        assert_eq!(next.tiles.iter().map(|t| t.overview).collect::<Vec<_>>(), [false, false, false, false, true]);
        // InternVL, up to 12 tiles: 4×2 (ties with 2×1 on ratio; the image is large) + thumbnail.
        let intern = plan(internvl(1920, 1080, 1, 12));
        assert_eq!((intern.tokens, intern.pixels_per_token), (2304, (30.0, 33.75)));
        // 9 views × 256 = 2,304, and <img> … </img> around them.
        assert_eq!((intern.delimiter_tokens, intern.sequence_tokens()), (2, 2306));
        assert_eq!(intern.tiles.iter().filter(|t| !t.overview).count(), 8);
        // Qwen2-VL: 1932×1092 by default (69×39 = 2,691 tokens); 1316×728 (1,222) under 1280·28².
        let qwen = plan(qwen2_vl(1920, 1080, QWEN_MIN_PIXELS, QWEN_MAX_PIXELS));
        assert_eq!((qwen.tokens, qwen.delimiter_tokens, qwen.sequence_tokens()), (2691, 2, 2693));
        let capped = plan(qwen2_vl(1920, 1080, QWEN_MIN_PIXELS, 1280 * 28 * 28));
        assert_eq!(capped.tokens, 1222);
        assert!(capped.note.contains("1316×728"));
    }

    #[test]
    fn small_and_odd_images() {
        // A tiny image is scaled up to the minimum: 10×10 → 56×56 = 4 tokens.
        assert_eq!(plan(qwen2_vl(10, 10, QWEN_MIN_PIXELS, QWEN_MAX_PIXELS)).tokens, 4);
        // A square image needs one InternVL tile and no thumbnail.
        assert_eq!(plan(internvl(448, 448, 1, 12)).tokens, 256);
        assert!(clip(0, 10, 336, Resize::Pad).is_err());
        assert!(qwen2_vl(10_000, 10, QWEN_MIN_PIXELS, QWEN_MAX_PIXELS).is_err());
        assert!(internvl(100, 100, 3, 2).is_err());
        assert!(clip(100, 100, 300, Resize::Pad).is_err());
    }

    #[test]
    fn pixel_bounds_beyond_the_limit_are_refused_not_planned() {
        // The link that asked for a 47,619,048 × 26,785,715 grid (and wrapped to 3,745,635,130).
        let huge = qwen2_vl(1920, 1080, 1_000_000_000_000_000_000, 1_000_000_000_000_000_000);
        let message = huge.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("822083584"), "{message}");
        // At the limit itself: 1920×1080 scaled up to 822 Mpx is √(822083584 / 2073600) =
        // 19.911× a side, 768.0 rows and 1365.33 columns of 28 px, rounded up to 1366×768
        // = 1,049,088 tokens (2^20 plus the partial column).
        let at = plan(qwen2_vl(1920, 1080, QWEN_PIXELS_LIMIT, QWEN_PIXELS_LIMIT));
        assert_eq!((at.grid, at.tokens), ((1366, 768), 1_049_088));
    }

    proptest::proptest! {
        #[test]
        fn every_plan_is_bounded(w in 1u32..=100_000, h in 1u32..=100_000, min in 1u64..=QWEN_PIXELS_LIMIT, extra in 0u64..=QWEN_PIXELS_LIMIT) {
            let max = (min + extra).min(QWEN_PIXELS_LIMIT);
            if let Ok(p) = qwen2_vl(w, h, min, max) {
                // The rounding up to whole 28-px cells adds at most one row and one column.
                proptest::prop_assert!(u64::from(p.tokens) <= (1 << 20) + 2 * 30_000, "{}", p.tokens);
            }
            for plan in [llava_next(w, h), internvl(w, h, 1, 64)].into_iter().flatten() {
                proptest::prop_assert!(plan.tokens <= 65 * 256);
            }
        }
    }
}

//! Token counts for 157 image sizes against the processors' own code in transformers 5.24.0,
//! run once by `tests/reference/grounding_reference.py` (its output is the fixture).
//!
//! What each fixture number measured, in the plan's terms (visual `tokens`, `delimiter_tokens`):
//! LLaVA-NeXT's `_get_number_of_features` counts the newline tokens with the features, so it is
//! `tokens + delimiter_tokens`; Qwen2-VL's count is the smart_resize grid and InternVL's the
//! tiles × 256, the visual tokens alone (neither counts its start and end tokens).

use frontier_grounding::encoders::{clip, internvl, llava_next, qwen2_vl, QWEN_MAX_PIXELS, QWEN_MIN_PIXELS};
use frontier_grounding::Resize;
use serde_json::Value;

fn fixture() -> Vec<Value> {
    let text = include_str!("fixtures/vision_tokens_reference.json");
    let json: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("fixture: {e}"));
    json["sizes"].as_array().cloned().unwrap_or_else(|| panic!("fixture has no sizes"))
}

fn dims(row: &Value) -> (u32, u32) {
    let get = |key: &str| row[key].as_u64().and_then(|v| u32::try_from(v).ok()).unwrap_or_else(|| panic!("{key}"));
    (get("width"), get("height"))
}

fn expected_u32(value: &Value) -> u32 {
    value.as_u64().and_then(|v| u32::try_from(v).ok()).unwrap_or_else(|| panic!("not a count: {value}"))
}

#[test]
fn llava_next_matches_the_processor_for_every_size() {
    for row in fixture() {
        let (w, h) = dims(&row);
        let plan = llava_next(w, h).unwrap_or_else(|e| panic!("{w}×{h}: {e}"));
        assert_eq!(plan.tokens + plan.delimiter_tokens, expected_u32(&row["llava_next"]), "{w}×{h}: {}", plan.note);
        // One newline per row of the unpadded grid.
        assert_eq!(plan.delimiter_tokens, plan.grid.1, "{w}×{h}");
    }
}

#[test]
fn qwen2_vl_matches_smart_resize_at_both_settings() {
    for row in fixture() {
        let (w, h) = dims(&row);
        for (key, min, max) in
            [("qwen2_vl", QWEN_MIN_PIXELS, QWEN_MAX_PIXELS), ("qwen2_vl_1280", 256 * 28 * 28, 1280 * 28 * 28)]
        {
            let expected = &row[key];
            match qwen2_vl(w, h, min, max) {
                // Vision start and end are the delimiters, which smart_resize does not count.
                Ok(plan) => {
                    assert_eq!(plan.tokens, expected_u32(&expected["tokens"]), "{key} {w}×{h}");
                    assert_eq!(plan.delimiter_tokens, 2, "{key} {w}×{h}");
                }
                Err(e) => assert!(expected.get("error").is_some(), "{key} {w}×{h}: we refused ({e}), it did not"),
            }
        }
    }
}

#[test]
fn internvl_matches_the_tiled_canvas_at_12_and_6_tiles() {
    for row in fixture() {
        let (w, h) = dims(&row);
        for (key, max) in [("internvl_12", 12), ("internvl_6", 6)] {
            let plan = internvl(w, h, 1, max).unwrap_or_else(|e| panic!("{w}×{h}: {e}"));
            assert_eq!(plan.tokens, expected_u32(&row[key]["tokens"]), "{key} {w}×{h}: {}", plan.note);
            assert_eq!(plan.delimiter_tokens, 2, "{key} {w}×{h}: <img> and </img>");
            let grid = &row[key]["grid"];
            assert_eq!(plan.grid, (16 * expected_u32(&grid[0]), 16 * expected_u32(&grid[1])), "{key} {w}×{h}");
        }
    }
}

#[test]
fn clip_centre_crop_drops_what_the_resize_drops() {
    for row in fixture() {
        let (w, h) = dims(&row);
        let plan = clip(w, h, 336, Resize::CenterCrop).unwrap_or_else(|e| panic!("{w}×{h}: {e}"));
        let expected = row["clip_336_cropped_fraction"].as_f64().unwrap_or_else(|| panic!("fraction"));
        // The processor resizes to whole pixels first (the long side truncated), so the two
        // agree to within one resized column out of the long side.
        let long_resized = 336.0 * f64::from(w.max(h)) / f64::from(w.min(h));
        let tolerance = 1.0 / long_resized.floor().max(1.0) + 1e-12;
        assert!(
            (plan.cropped_fraction - expected).abs() <= tolerance,
            "{w}×{h}: {} vs {expected}",
            plan.cropped_fraction
        );
    }
}

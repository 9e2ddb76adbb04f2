//! The `frontier vision-tokens` command on the 1080p worked example (the grounding references,
//! part D2, computed by hand from each processor's code).

mod common;

use common::frontier;

fn tokens_1080p(scheme: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["vision-tokens", "--width", "1920", "--height", "1080", "--scheme", scheme];
    args.extend_from_slice(extra);
    let (code, v, err) = frontier(&args);
    assert_eq!(code, 0, "{scheme}: {err}");
    v
}

#[test]
fn the_1080p_frame_under_each_scheme() {
    let crop = tokens_1080p("clip-336-crop", &[]);
    assert_eq!((crop["tokens"].clone(), crop["grid"].clone()), (576.into(), serde_json::json!([24, 24])));
    assert_eq!(crop["pixels_per_token"], serde_json::json!([45.0, 45.0]));
    assert_eq!(crop["cropped_fraction"], 0.4375); // 840 of 1,920 columns
    let pad = tokens_1080p("clip-336-pad", &[]);
    assert_eq!(pad["pixels_per_token"], serde_json::json!([80.0, 80.0]));
    assert_eq!(pad["padded_fraction"], 0.4375); // 1 − 1080/1920
    let squash = tokens_1080p("clip-224", &["--resize", "squash"]);
    assert_eq!(squash["pixels_per_token"], serde_json::json!([120.0, 67.5]));
    // 24×24 patches; no delimiters (the class token is not passed on).
    assert_eq!(crop["delimiter_tokens"], 0);
    // AnyRes: 48×28 unpadded features + 576 base = 1,920 visual tokens, and one newline per
    // row, 28: the processor's 1,948.
    let next = tokens_1080p("llava-next", &[]);
    assert_eq!((next["tokens"].clone(), next["delimiter_tokens"].clone()), (1920.into(), 28.into()));
    // 4×2 tiles + thumbnail, 9 × 256; <img> and </img>.
    let intern = tokens_1080p("internvl", &[]);
    assert_eq!((intern["tokens"].clone(), intern["delimiter_tokens"].clone()), (2304.into(), 2.into()));
    // 69×39 = 2,691 visual tokens, and vision start and end.
    let qwen = tokens_1080p("qwen2-vl", &[]);
    assert_eq!(qwen["grid"], serde_json::json!([69, 39]));
    assert_eq!((qwen["tokens"].clone(), qwen["delimiter_tokens"].clone()), (2691.into(), 2.into()));
    let capped = tokens_1080p("qwen2-vl", &["--min-pixels", "200704", "--max-pixels", "1003520"]);
    assert_eq!(capped["grid"], serde_json::json!([47, 26]));
}

#[test]
fn bad_input_exits_with_status_2_and_says_why() {
    let (code, _, err) = frontier(&["vision-tokens", "--width", "0", "--height", "10", "--scheme", "llava-next"]);
    assert_eq!(code, 2);
    assert!(err.contains("at least 1×1"), "{err}");
    let (code, _, err) = frontier(&["vision-tokens", "--width", "10", "--height", "10", "--scheme", "vit"]);
    assert_eq!(code, 2);
    assert!(err.contains("clip-336-pad"), "{err}");
    let (code, _, err) =
        frontier(&["vision-tokens", "--width", "10", "--height", "10", "--scheme", "internvl", "--max-pixels", "9"]);
    assert_eq!(code, 2);
    assert!(err.contains("qwen2-vl only"), "{err}");
}

#[test]
fn pixel_bounds_of_10_to_the_18_are_refused_not_wrapped() {
    // This printed "tokens": 3745635130 (a 47,619,048 × 26,785,715 grid wrapped in u32).
    let huge = "1000000000000000000";
    let (code, out, err) = frontier(&[
        "vision-tokens",
        "--width",
        "1920",
        "--height",
        "1080",
        "--scheme",
        "qwen2-vl",
        "--min-pixels",
        huge,
        "--max-pixels",
        huge,
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("at most 822083584"), "{err}");
}

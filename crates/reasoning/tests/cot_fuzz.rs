//! The trace checker never panics and keeps its promises on any input: findings point inside
//! the trace on character boundaries, at a step that exists. Inputs that once crashed it are
//! kept in fixtures/fuzz/cot-*.txt and replayed.

use frontier_reasoning::arith::check_step;
use frontier_reasoning::trace::{parse_batch, BatchFormat, StepMode};
use frontier_reasoning::{analyze, Analysis, Options};
use proptest::prelude::*;

fn assert_sound(trace: &str, analysis: &Analysis) {
    for f in &analysis.findings {
        assert!(f.start <= f.end && f.end <= trace.len(), "{f:?} outside {} bytes", trace.len());
        assert!(trace.is_char_boundary(f.start) && trace.is_char_boundary(f.end), "{f:?} splits a character");
        assert!(f.step < analysis.steps, "{f:?} of {} steps", analysis.steps);
    }
    for c in &analysis.checks {
        assert!(c.start <= c.end && c.end <= trace.len() && c.result_start <= c.result_end);
        assert!(trace.is_char_boundary(c.start) && trace.is_char_boundary(c.end), "{c:?}");
    }
}

fn check_everything(trace: &str) {
    for mode in StepMode::ALL {
        for baseline in [false, true] {
            let analysis = analyze(trace, Some(trace), Options { mode, baseline });
            assert_sound(trace, &analysis);
        }
    }
    for format in [BatchFormat::Jsonl, BatchFormat::Csv, BatchFormat::Text] {
        let _ = parse_batch(trace, format);
    }
    let _ = check_step(trace, 0);
}

/// Pieces traces are made of, so random strings reach the interesting paths.
const PIECES: &[&str] = &[
    "3",
    "12",
    "1,000",
    "0.5",
    ".05",
    "007",
    "1.666...",
    "½",
    "%",
    "$",
    "€",
    " x ",
    "×",
    "*",
    "/",
    "÷",
    "+",
    "-",
    "−",
    " – ",
    "^",
    "**",
    "(",
    ")",
    "=",
    "==",
    "≈",
    " = ",
    "<<",
    ">>",
    "<<3*4=12>>",
    "\\frac{",
    "}{",
    "}",
    "\\cdot",
    "\\times",
    "\\boxed{",
    "$",
    "\\(",
    "\\",
    ",\\!",
    " is ",
    " of ",
    " because ",
    " since ",
    "Therefore",
    "So ",
    "A: ",
    "####",
    "Step 1:",
    "2.",
    "not ",
    " not",
    "The box is red",
    "Tom has ",
    " apples",
    "6:00",
    "2024-02-28",
    "1-2",
    "5!",
    "D2",
    "2x",
    "km/h",
    " million",
    " percent",
    "\n",
    "\n\n",
    "\r\n",
    " ",
    "\t",
    "é",
    "İ",
    "ß",
    "🙂",
    "\u{1c}",
    "\u{a0}",
    ".",
    ",",
    ";",
    "?",
    "\"",
    "{",
    "\"trace\":",
    "trace,id",
];

fn piece_trace() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(PIECES), 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn pieced_traces_never_break_it(trace in piece_trace()) {
        check_everything(&trace);
    }

    #[test]
    fn arbitrary_strings_never_break_it(trace in "\\PC{0,200}") {
        check_everything(&trace);
    }
}

#[test]
fn kept_crashes_stay_fixed() {
    let dir = format!("{}/tests/fixtures/fuzz", env!("CARGO_MANIFEST_DIR"));
    let mut replayed = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir}: {e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        if path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("cot-")) {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            check_everything(&text);
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no cot-* fixtures in {dir}");
}

#[test]
fn deep_nesting_and_huge_numbers_stay_bounded() {
    let deep = format!("{}1{} = 1", "(".repeat(10_000), ")".repeat(10_000));
    check_everything(&deep);
    let latex = format!("{}1{} = 1", "\\frac{".repeat(500), "}{2}".repeat(500));
    check_everything(&latex);
    let big = format!("{} * {} = 1", "9".repeat(5000), "9".repeat(5000));
    check_everything(&big);
    check_everything(&"2^".repeat(2000));
    check_everything(&"not \n".repeat(3000));
}

#[test]
fn numbers_beyond_f64_and_long_annotations_stay_bounded() {
    // A conclusion with a number past f64's range once made the support window NaN.
    check_everything(&format!("So the answer is 1{}", "0".repeat(330)));
    check_everything(&format!("<<{}1=1>>", format!("1{}/{}*", "0".repeat(399), "9".repeat(400)).repeat(200)));
    check_everything(&format!("{}because 2+2=4", "1 ".repeat(20_000)));
}

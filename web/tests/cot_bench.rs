//! Not a test: `cargo xtask bench cot` runs it (ignored otherwise). The chain-of-thought checker
//! on traces of 0.25, 0.5 and 1 MB in wasm in headless Chromium; the aim is under 100 ms per MB.

use frontier_reasoning::score::parse_corpus;
use frontier_reasoning::synthetic::{long_trace, repeated};
use frontier_reasoning::{analyze, Options};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

#[wasm_bindgen_test]
#[ignore = "a benchmark, run by `cargo xtask bench cot`"]
fn bench_checking_a_megabyte_trace() {
    let corpus = parse_corpus(include_str!("../../crates/reasoning/tests/fixtures/cot_corpus.jsonl"))
        .unwrap_or_else(|e| panic!("{e}"));
    let real: Vec<&str> = corpus.iter().map(|t| t.trace.as_str()).collect();
    let workloads = [
        ("dense synthetic", long_trace(250_000)),
        ("dense synthetic", long_trace(500_000)),
        ("dense synthetic", long_trace(1_000_000)),
        ("corpus traces repeated", repeated(&real, 1_000_000)),
    ];
    for (name, trace) in workloads {
        let mut times = Vec::new();
        let mut findings = 0;
        for _ in 0..5 {
            let start = now_ms();
            findings = analyze(&trace, None, Options::default()).findings.len();
            times.push(now_ms() - start);
        }
        times.sort_by(f64::total_cmp);
        let mut base_times = Vec::new();
        for _ in 0..5 {
            let start = now_ms();
            let _ = analyze(&trace, None, Options { baseline: true, ..Options::default() });
            base_times.push(now_ms() - start);
        }
        base_times.sort_by(f64::total_cmp);
        console_log!(
            "cot in wasm (headless Chromium), {name}: {} bytes, {} lines, {findings} findings: detectors median {:.1} ms ({:.1} ms per MB), article's rules median {:.1} ms",
            trace.len(),
            trace.lines().count(),
            times[2],
            times[2] * 1e6 / trace.len() as f64,
            base_times[2]
        );
    }
}

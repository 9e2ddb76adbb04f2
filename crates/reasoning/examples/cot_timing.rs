//! Native timing of the trace checker on the benchmark's inputs (the dense synthetic trace and
//! the development corpus repeated, each at 0.25, 1 and 2 MB), median and minimum of 5 runs, so
//! that a change to the checker can be measured without the whole `cargo xtask bench cot`.
//!
//! `cargo run --release -p frontier-reasoning --example cot_timing [-- RUNS [NAME]]`: NAME keeps
//! only the workloads whose name contains it ("synthetic", "corpus"), to profile one.

use std::time::Instant;

use frontier_reasoning::score::parse_corpus;
use frontier_reasoning::synthetic::{long_trace, repeated};
use frontier_reasoning::{analyze, Options};

/// Median and minimum: on a shared machine the minimum is the steadier of the two.
fn median_min(mut times: Vec<f64>) -> (f64, f64) {
    times.sort_by(f64::total_cmp);
    (times.get(times.len() / 2).copied().unwrap_or(f64::NAN), times.first().copied().unwrap_or(f64::NAN))
}

// A hand-run report: reading the clock is its whole point (the core ban is for library code).
#[allow(clippy::disallowed_methods)]
fn time(trace: &str, runs: usize) -> ((f64, f64), usize) {
    let mut times = Vec::with_capacity(runs);
    let mut findings = 0;
    for _ in 0..runs {
        let start = Instant::now();
        findings = analyze(trace, None, Options::default()).findings.len();
        times.push(start.elapsed().as_secs_f64());
    }
    (median_min(times), findings)
}

fn main() {
    let runs = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(5);
    let only = std::env::args().nth(2).unwrap_or_default();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cot_corpus.jsonl");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let corpus = parse_corpus(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let real: Vec<&str> = corpus.iter().map(|t| t.trace.as_str()).collect();
    let workloads = [
        ("dense synthetic", long_trace(250_000)),
        ("dense synthetic", long_trace(1_000_000)),
        ("dense synthetic", long_trace(2_000_000)),
        ("corpus repeated", repeated(&real, 250_000)),
        ("corpus repeated", repeated(&real, 1_000_000)),
        ("corpus repeated", repeated(&real, 2_000_000)),
    ];
    for (name, trace) in workloads.iter().filter(|(name, _)| name.contains(&only)) {
        let ((t, min), findings) = time(trace, runs);
        let per_mb = 1e3 * 1e6 / trace.len() as f64;
        println!(
            "{name:<16} {:>9} bytes {findings:>6} findings: median {:>7.1} ms ({:>5.1} ms per MB), min {:>7.1} ms ({:>5.1} ms per MB)",
            trace.len(),
            t * 1e3,
            t * per_mb,
            min * 1e3,
            min * per_mb
        );
    }
}

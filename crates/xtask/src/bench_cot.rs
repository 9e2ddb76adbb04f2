//! `cargo xtask bench cot`: the chain-of-thought checker's quality and speed.
//! - Precision and recall per finding type on the labeled corpora (the development corpus the
//!   detectors were written against, and the held-out corpus), for the detectors and for the
//!   article's three rules on the same traces.
//! - Time to check traces of 0.25 to 2 MB natively (linear in length), the article's analyzer in
//!   Python on the same 1 MB beside it, then the same traces in wasm in headless Chromium.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result};
use frontier_reasoning::score::{parse_corpus, score, Score};
use frontier_reasoning::synthetic::{long_trace, repeated};
use frontier_reasoning::{analyze, Options};

use crate::bench::median;
use crate::cmd::{capture, run as run_cmd, step};

const CORPORA: [(&str, &str); 2] = [("development", "cot_corpus.jsonl"), ("held-out", "cot_corpus_heldout.jsonl")];

fn ratio(x: Option<f64>) -> String {
    x.map_or("  —  ".into(), |v| format!("{v:.3}"))
}

fn print_scores(name: &str, traces: usize, detectors: &Score, baseline: &Score) {
    println!("  {name} corpus, {traces} traces: precision / recall (true positives, false positives, false negatives)");
    for (d, b) in detectors.types.iter().zip(&baseline.types) {
        println!(
            "    {:<20} detectors {} / {} ({:>3}, {:>3}, {:>3})    article's rules {} / {} ({:>3}, {:>3}, {:>3})",
            d.kind,
            ratio(d.precision),
            ratio(d.recall),
            d.true_positives,
            d.false_positives,
            d.false_negatives,
            ratio(b.precision),
            ratio(b.recall),
            b.true_positives,
            b.false_positives,
            b.false_negatives
        );
    }
}

fn quality(root: &Path) -> Result<()> {
    step("bench cot: precision and recall on the labeled corpora (crates/reasoning/tests/fixtures)");
    let fixtures = root.join("crates/reasoning/tests/fixtures");
    for (name, file) in CORPORA {
        let path = fixtures.join(file);
        if !path.exists() {
            println!("  {name} corpus: {} is missing", path.display());
            continue;
        }
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let corpus = parse_corpus(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let detectors = score(&corpus, Options::default());
        let baseline = score(&corpus, Options { baseline: true, ..Options::default() });
        print_scores(name, corpus.len(), &detectors, &baseline);
    }
    Ok(())
}

fn speed(root: &Path) -> Result<()> {
    step("bench cot: checking long traces natively (median of 5), the article's analyzer in Python beside it");
    let path = root.join("crates/reasoning/tests/fixtures/cot_corpus.jsonl");
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let corpus = parse_corpus(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let real: Vec<&str> = corpus.iter().map(|t| t.trace.as_str()).collect();
    let workloads = [
        ("dense synthetic", long_trace(250_000)),
        ("dense synthetic", long_trace(500_000)),
        ("dense synthetic", long_trace(1_000_000)),
        ("dense synthetic", long_trace(2_000_000)),
        ("corpus traces repeated", repeated(&real, 1_000_000)),
    ];
    for (name, trace) in workloads {
        let bytes = trace.len();
        let mut times = Vec::new();
        let mut base_times = Vec::new();
        let mut findings = 0;
        for _ in 0..5 {
            let start = Instant::now();
            findings = analyze(&trace, None, Options::default()).findings.len();
            times.push(start.elapsed().as_secs_f64());
            let start = Instant::now();
            let _ = analyze(&trace, None, Options { baseline: true, ..Options::default() });
            base_times.push(start.elapsed().as_secs_f64());
        }
        let t = median(times).context("no timings")?;
        let b = median(base_times).context("no timings")?;
        println!(
            "  {name:<23} {:>9} bytes, {:>6} lines, {findings:>5} findings: detectors {:>7.1} ms ({:>5.1} ms per MB), article's rules {:>6.1} ms",
            trace.len(),
            trace.lines().count(),
            t * 1e3,
            t * 1e3 * 1e6 / trace.len() as f64,
            b * 1e3
        );
        if name == "dense synthetic" && (1_000_000..1_100_000).contains(&bytes) {
            let file = crate::test::target_dir(root).join("cot-bench-1mb.txt");
            std::fs::write(&file, &trace).with_context(|| format!("cannot write {}", file.display()))?;
            let script = root.join("tests/reference/bench_cot.py");
            let output = capture(Command::new("python3").arg(&script).arg(&file))
                .context("the Python reference did not run (python3 is needed)")?;
            let reference: serde_json::Value =
                serde_json::from_str(output.trim()).with_context(|| format!("the reference printed {output:?}"))?;
            let py = reference["seconds"].as_f64().context("no seconds")?;
            println!(
                "  the article's analyzer in Python on the same 1 MB: {:.1} ms ({} findings): {:.0}× the detectors' time, {:.0}× the Rust baseline's",
                py * 1e3,
                reference["findings"],
                py / t,
                py / b
            );
        }
    }
    Ok(())
}

pub fn run(root: &Path) -> Result<()> {
    quality(root)?;
    speed(root)?;
    step("bench cot: the same traces in wasm, headless Chromium (release build)");
    let mut cmd = crate::test::wasm_test_command(root, &crate::test::chromedriver())?;
    cmd.args(["--release", "--test", "cot_bench", "--", "--include-ignored", "--nocapture"]);
    run_cmd(&mut cmd)
}

//! The Benchmarks page's jobs in headless Chromium, at small sizes, through the same function the
//! benchmarks' worker calls (`bench::reply`): the clock is the browser's `performance.now()`, and each result has
//! the shape the page shows and exports.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_WEBDRIVER_JSON=$PWD/target/webdriver-frontier-web.json
//! cargo test --target wasm32-unknown-unknown -p frontier-web --test bench`

#![cfg(target_arch = "wasm32")]

use frontier_web::bench::{self, BenchJob, BenchResult};
use frontier_web::jobs::JobReply;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Runs `bench` as the worker would and returns its result and the progress it reported.
fn run(bench: BenchJob) -> (BenchResult, Vec<(usize, usize)>) {
    let mut progress = Vec::new();
    let reply = bench::reply(&bench, |r| {
        if let JobReply::Progress { done, total } = r {
            progress.push((done, total));
        }
    });
    let JobReply::Done { result } = reply else { panic!("{bench:?} failed: {reply:?}") };
    (serde_json::from_str(&result).unwrap_or_else(|e| panic!("{e}: {result}")), progress)
}

#[wasm_bindgen_test]
fn the_browser_clock_moves() {
    let start = bench::now_ms();
    assert!(start > 0.0, "performance.now() gave {start}");
    let mut x = 0u64;
    for i in 0..2_000_000u64 {
        x = x.wrapping_add(i * i);
    }
    std::hint::black_box(x);
    assert!(bench::now_ms() >= start);
}

#[wasm_bindgen_test]
fn the_trace_checking_benchmark_reports_ms_per_megabyte() {
    let (r, progress) = run(BenchJob::Traces { bytes: 50_000 });
    assert_eq!((r.id.as_str(), r.unit.as_str(), r.higher_is_better), ("traces-dense-50000", "ms per MB", false));
    assert_eq!(r.samples, 5);
    assert!(r.value.is_finite() && r.value >= 0.0 && r.median_ms >= 0.0, "{r:?}");
    assert_eq!(progress.last(), Some(&(5, 5)));
    assert!(bench::reference(&r.id).is_none());
}

#[wasm_bindgen_test]
fn the_retrieval_benchmark_reports_its_median_query() {
    let (r, progress) = run(BenchJob::Retrieval { memories: 2_000, dims: 64, k: 10 });
    assert_eq!((r.id.as_str(), r.unit.as_str()), ("retrieval-2000x64-top10", "ms per query"));
    assert_eq!((r.samples, r.value), (20, r.median_ms));
    assert!(r.value.is_finite() && r.value >= 0.0, "{r:?}");
    assert_eq!(progress.last(), Some(&(2_025, 2_025)));
    // The page's CSV carries the figure; a size the project did not measure has no reference.
    let csv = bench::to_csv(std::slice::from_ref(&r));
    assert_eq!(csv.lines().count(), 2);
    assert!(csv.lines().nth(1).is_some_and(|l| l.starts_with("retrieval-2000x64-top10,Memory retrieval,")));
}

#[wasm_bindgen_test]
fn an_absurd_size_is_refused_in_the_browser_too() {
    let reply = bench::reply(&BenchJob::Retrieval { memories: 200_000, dims: 1536, k: 10 }, |_| {});
    assert!(matches!(reply, JobReply::Failed { ref error } if error.contains("at most")), "{reply:?}");
}

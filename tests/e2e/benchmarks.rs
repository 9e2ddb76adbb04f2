//! The Benchmarks page: reached from the footer in the `home` module, nothing runs until a
//! button is pressed, the trace-checking benchmark runs in the benchmarks' own worker and its figure appears beside
//! the project's, and Cancel stops a long one.

use std::time::Duration;

use anyhow::{ensure, Result};
use frontier_e2e::run;

const TRACES: &str = r#"button[data-testid="bench-run-traces-dense-1000000"]"#;
const RETRIEVAL: &str = r#"button[data-testid="bench-run-retrieval-100000x384-top10"]"#;
const STATUS: &str = r#"[data-testid="bench-status"]"#;

#[tokio::test]
async fn the_benchmarks_page_runs_a_benchmark_on_a_click_and_compares_it() -> Result<()> {
    run(|page| async move {
        page.goto("#/").await?;
        page.wait_for(r#"[data-testid="benchmarks-link"]"#).await?.click().await?;
        page.wait_for(r#"[data-testid="benchmarks"]"#).await?;
        // The page is part of `home` (no other module loads), and opening it starts nothing.
        let modules: Vec<String> =
            page.app_requests().iter().map(|r| r.path.clone()).filter(|p| p.ends_with("_bg.wasm")).collect();
        ensure!(modules.len() == 1 && modules[0].contains("frontier-home-"), "modules fetched: {modules:?}");
        ensure!(page.count(".job-progress").await? == 0, "a benchmark started by itself");
        page.wait_for(r#"[data-testid="bench-no-results"]"#).await?;
        ensure!(page.count(r#"[data-testid="bench-references"] li"#).await? >= 3, "the reference figures");

        page.wait_for(TRACES).await?.click().await?;
        page.wait_for_text_within(STATUS, |t| t.starts_with("Done"), Duration::from_secs(120)).await?;
        let row = r#"tr[data-result="traces-dense-1000000"]"#;
        let yours = page.text(&format!(r#"{row} [data-testid="bench-yours"]"#)).await?;
        ensure!(yours.ends_with("ms per MB"), "{yours}");
        let comparison = page.text(&format!(r#"{row} [data-testid="bench-comparison"]"#)).await?;
        ensure!(comparison.starts_with("your machine is"), "{comparison}");
        let exports_disabled = page
            .client
            .execute("return document.querySelector('[data-testid=\"bench-export-csv\"]').disabled;", Vec::new())
            .await?;
        ensure!(exports_disabled == serde_json::Value::Bool(false), "export stays disabled with a result");
        // It ran in the benchmarks' own worker (its relaxed-SIMD build, which Chromium validates),
        // not in the labs' worker.
        let scripts: Vec<String> =
            page.app_requests().iter().map(|r| r.path.clone()).filter(|p| p.contains("worker")).collect();
        ensure!(scripts.iter().any(|p| p.starts_with("/bench_worker-relaxed_loader-")), "workers fetched: {scripts:?}");
        ensure!(!scripts.iter().any(|p| p.starts_with("/worker")), "the labs' worker was fetched: {scripts:?}");

        // A long one stops on Cancel and leaves the results as they were.
        page.wait_for(RETRIEVAL).await?.click().await?;
        page.wait_for(".job-progress button").await?.click().await?;
        page.wait_for_text(STATUS, |t| t == "Cancelled.").await?;
        ensure!(page.count(".job-progress").await? == 0, "the progress bar stayed");
        ensure!(page.count(r#"[data-testid="bench-results"] tbody tr"#).await? == 1, "the results changed");
        Ok(())
    })
    .await
}

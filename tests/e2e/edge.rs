//! End-to-end tests of the edge-feasibility widget and of the Web Worker job mechanism.

use anyhow::{ensure, Context, Result};
use frontier_e2e::run;

const EDGE: &str = r#"section.widget[data-widget="edge-feasibility"]"#;
const VERDICT: &str = r#"[data-testid="edge-verdict"]"#;

/// Moves a slider to its maximum the way a drag would (new value, then `input`).
fn slide_to_max(testid: &str) -> String {
    format!(
        r#"const s = document.querySelector('input[type=range][data-testid="{testid}"]');
        s.focus(); s.value = s.max; s.dispatchEvent(new Event('input', {{ bubbles: true }})); return s.value;"#
    )
}

#[tokio::test]
async fn edge_widget_loads_the_iphone_example_and_a_slider_changes_the_verdict() -> Result<()> {
    run(|page| async move {
        page.goto("#/edge/edge-feasibility").await?;
        page.wait_for(EDGE).await?;
        // The article's case: 8B Q4_K_M on an iPhone 16 Pro needs 5.75 GB of 4.8 GB usable.
        let verdict = page.wait_for_text(VERDICT, |t| !t.is_empty()).await?;
        ensure!(verdict == "Does not fit", "the example's realistic verdict reads {verdict:?}");
        let article = page.text(r#"[data-testid="article-verdict"]"#).await?;
        ensure!(article.contains("Fits") && article.contains("25.0 tokens/s"), "article verdict: {article:?}");

        // 256 GB of RAM: now it fits, and the state goes into the URL.
        page.client.execute(&slide_to_max("ram_gb-slider"), Vec::new()).await?;
        page.wait_for_text(VERDICT, |t| t == "Fits").await.context("more RAM should make the model fit")?;
        let hash = page
            .wait_for_script("the state in the URL", "return location.hash.includes('s=1.') ? location.hash : null;")
            .await?;

        // The URL round-trips: a reload restores the changed verdict.
        page.client.refresh().await?;
        page.wait_for(EDGE).await?;
        page.wait_for_text(VERDICT, |t| t == "Fits").await.with_context(|| format!("after a reload of {hash}"))?;
        Ok(())
    })
    .await
}

#[tokio::test]
async fn edge_widget_embeds() -> Result<()> {
    run(|page| async move {
        page.goto("#/embed/edge-feasibility").await?;
        page.wait_for(EDGE).await?;
        ensure!(page.count("header.site-header").await? == 0, "embed mode must not show the site header");
        let verdict = page.wait_for_text(VERDICT, |t| !t.is_empty()).await?;
        ensure!(verdict == "Does not fit", "embedded verdict reads {verdict:?}");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn grid_export_runs_in_the_web_worker() -> Result<()> {
    run(|page| async move {
        page.goto("#/training/train-cost").await?;
        page.wait_for(r#"section.widget[data-widget="train-cost"]"#).await?;
        let start = "document.querySelector('details.grid-export').open = true; \
                     document.querySelector('[data-testid=grid-start]').click(); return true;";
        page.client.execute(start, Vec::new()).await?;
        // 300 × 300 cells computed in the worker; the page reports the finished row count.
        let status = page
            .wait_for_script(
                "the grid job to finish",
                "const s = document.querySelector('details.grid-export .status'); \
                 return s && s.textContent.length ? s.textContent : null;",
            )
            .await?;
        ensure!(status.as_str() == Some("Done: 90000 rows."), "the grid job ended with {status}");
        Ok(())
    })
    .await
}

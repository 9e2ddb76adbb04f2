//! The interpretability lab: the worked example trains in the worker and recovers its features;
//! a run pauses, resumes and cancels; the bundled MiniLM activations train and show tokens in
//! context; the embed route renders the widget.

use anyhow::{ensure, Result};
use frontier_e2e::run;

const SAE: &str = r#"section.widget[data-widget="sae"]"#;
const STATUS: &str = r#"[data-testid="sae-status"]"#;

/// Sets a select or text field by test id and fires the events a user's change fires.
fn set_field(testid: &str, value: &str) -> String {
    format!(
        r#"const e = document.querySelector('[data-testid="{testid}"]');
        e.value = {value:?}; e.dispatchEvent(new Event('input', {{ bubbles: true }}));
        e.dispatchEvent(new Event('change', {{ bubbles: true }})); return true;"#
    )
}

fn click(testid: &str) -> String {
    format!(
        r#"const b = document.querySelector('[data-testid="{testid}"]'); if (!b) return false; b.click(); return true;"#
    )
}

/// The value in the summary row whose heading starts with `label`.
fn summary_value(label: &str) -> String {
    format!(
        r#"const rows = document.querySelectorAll('[data-testid="sae-summary"] tr');
        for (const r of rows) {{ if (r.querySelector('th').textContent.startsWith({label:?})) return r.querySelector('td').textContent; }}
        return null;"#
    )
}

#[tokio::test]
async fn the_worked_example_trains_and_recovers_its_features() -> Result<()> {
    run(|page| async move {
        page.goto("#/interpretability/sae").await?;
        page.wait_for(SAE).await?;
        page.wait_for_text(STATUS, |t| t == "Trained.").await?;
        let mmcs = page.wait_for_script("the recovery row", &summary_value("Mean max cosine, true")).await?;
        let mmcs: f64 = mmcs.as_str().unwrap_or("").parse()?;
        ensure!(mmcs > 0.9, "the worked example's mean max cosine is {mmcs}");
        ensure!(page.count("figure.chart").await? >= 4, "the four training curves are drawn");
        // Open the most frequent feature: its histogram and its best true feature appear.
        page.client
            .execute("document.querySelector('.sae-features button.link').click(); return true;", Vec::new())
            .await?;
        let detail =
            page.wait_for_text(r#"[data-testid="sae-feature"]"#, |t| t.contains("closest to true feature")).await?;
        ensure!(detail.contains("Fires on"), "{detail}");
        // An evaluation input: the true features that made it, and the learned ones that fire.
        let input = page.wait_for_text(r#"[data-testid="sae-input-features"]"#, |t| t.contains("→ true #")).await?;
        ensure!(!input.is_empty());
        // Chromium has relaxed SIMD, so the run trained in the worker built with it.
        let workers = page
            .client
            .execute(
                "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('worker'));",
                Vec::new(),
            )
            .await?;
        let workers = workers.to_string();
        ensure!(workers.contains("worker-relaxed_loader-"), "the worker scripts loaded: {workers}");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn a_run_pauses_resumes_and_cancels() -> Result<()> {
    run(|page| async move {
        page.goto("#/interpretability/sae").await?;
        page.wait_for(SAE).await?;
        page.wait_for_text(STATUS, |t| t == "Trained.").await?;
        page.client.execute(&set_field("sae-steps-input", "100000"), Vec::new()).await?;
        page.client.execute(&click("sae-train"), Vec::new()).await?;
        page.wait_for_text(STATUS, |t| t.starts_with("Training: step")).await?;
        page.wait_for_script("the Pause button", &click("sae-pause")).await?;
        let paused = page.wait_for_text(STATUS, |t| t.starts_with("Paused at step")).await?;
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        let still = page.text(STATUS).await?;
        ensure!(still == paused, "a paused run moved on: {paused:?} then {still:?}");
        page.wait_for_script("the Resume button", &click("sae-resume")).await?;
        page.wait_for_text(STATUS, |t| t.starts_with("Training: step") && t != paused).await?;
        page.wait_for_script("the Cancel button", &click("sae-cancel")).await?;
        page.wait_for_text(STATUS, |t| t == "Not trained yet.").await?;
        Ok(())
    })
    .await
}

#[tokio::test]
async fn real_minilm_activations_show_tokens_in_context() -> Result<()> {
    run(|page| async move {
        page.goto("#/interpretability/sae").await?;
        page.wait_for(SAE).await?;
        page.wait_for_text(STATUS, |t| t == "Trained.").await?;
        page.client.execute(&set_field("sae-data", "minilm"), Vec::new()).await?;
        page.client.execute(&set_field("sae-ratio-input", "1"), Vec::new()).await?;
        page.client.execute(&set_field("sae-steps-input", "60"), Vec::new()).await?;
        page.client.execute(&set_field("sae-batch-input", "256"), Vec::new()).await?;
        page.client.execute(&click("sae-train"), Vec::new()).await?;
        let started =
            page.wait_for_text(r#"[data-testid="sae-started"]"#, |t| t.starts_with("Training 384 features")).await?;
        ensure!(started.contains("10240 rows"), "{started}");
        page.wait_for_text(STATUS, |t| t == "Trained.").await?;
        page.client
            .execute("document.querySelector('.sae-features button.link').click(); return true;", Vec::new())
            .await?;
        page.wait_for(".sae-context .tok.peak").await?;
        let features = page.wait_for_text(r#"[data-testid="sae-input-features"]"#, |t| t.contains('#')).await?;
        ensure!(!features.is_empty());
        Ok(())
    })
    .await
}

#[tokio::test]
async fn the_embed_route_waits_for_train_then_trains() -> Result<()> {
    run(|page| async move {
        page.goto("#/embed/sae").await?;
        page.wait_for(SAE).await?;
        ensure!(page.count("header.site-header").await? == 0, "embed mode must not show the site header");
        // An embed never starts heavy work by itself: it says what Train would cost.
        let work = page.wait_for_text(r#"[data-testid="sae-work"]"#, |t| !t.is_empty()).await?;
        ensure!(work == "This run: about 8 s on a mid-range laptop (31.5 GFLOP).", "{work}");
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let status = page.text(STATUS).await?;
        ensure!(status == "Not trained yet.", "the embed started by itself: {status}");
        page.client.execute(&click("sae-train"), Vec::new()).await?;
        page.wait_for_text(STATUS, |t| t == "Trained.").await?;
        Ok(())
    })
    .await
}

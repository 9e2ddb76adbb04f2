//! The SAE lab on WebGPU and every way back to the CPU: headless Chromium with
//! `--enable-unsafe-webgpu` has a WebGPU adapter (SwiftShader); without it the adapter is null;
//! with WebGPU switched off there is no `navigator.gpu`; `device.destroy()` loses the device.

use anyhow::{ensure, Result};
use frontier_e2e::{run, run_with_args, Page};

const WEBGPU: &[&str] = &["--enable-unsafe-webgpu"];
const STATUS: &str = r#"[data-testid="sae-status"]"#;
const BACKEND: &str = r#"[data-testid="sae-backend-name"]"#;
const NOTE: &str = r#"[data-testid="sae-backend-note"]"#;

/// Sets a select or text field by test id and fires the events a user's change fires.
fn set_field(testid: &str, value: &str) -> String {
    format!(
        r#"const e = document.querySelector('[data-testid="{testid}"]');
        e.value = {value:?}; e.dispatchEvent(new Event('input', {{ bubbles: true }}));
        e.dispatchEvent(new Event('change', {{ bubbles: true }})); return true;"#
    )
}

const TRAIN: &str = r#"const b = document.querySelector('[data-testid="sae-train"]'); b.click(); return true;"#;

const MMCS: &str = r#"const rows = document.querySelectorAll('[data-testid="sae-summary"] tr');
    for (const r of rows) { if (r.querySelector('th').textContent.startsWith("Mean max cosine, true")) return r.querySelector('td').textContent; }
    return null;"#;

/// Opens the lab, waits for the worked example, then trains it again with `backend` chosen.
async fn train_with(page: &Page, backend: &str) -> Result<()> {
    page.goto("#/interpretability/sae").await?;
    page.wait_for_text(STATUS, |t| t == "Trained.").await?;
    page.client.execute(&set_field("sae-backend", backend), Vec::new()).await?;
    page.client.execute(TRAIN, Vec::new()).await?;
    Ok(())
}

async fn recovered(page: &Page) -> Result<f64> {
    page.wait_for_text(STATUS, |t| t == "Trained.").await?;
    let mmcs = page.wait_for_script("the recovery row", MMCS).await?;
    Ok(mmcs.as_str().unwrap_or("").parse()?)
}

#[tokio::test]
async fn webgpu_trains_the_worked_example_and_names_its_adapter() -> Result<()> {
    run_with_args(WEBGPU, |page| async move {
        // Auto keeps the worked example off a software adapter, and says why.
        page.goto("#/interpretability/sae").await?;
        let note = page.wait_for_text(NOTE, |t| !t.is_empty()).await?;
        ensure!(note.contains("computes on the CPU"), "auto on SwiftShader: {note}");
        train_with(&page, "webgpu").await?;
        let backend = page.wait_for_text(BACKEND, |t| t.starts_with("GPU:")).await?;
        ensure!(backend.contains("WebGPU"), "{backend}");
        let mmcs = recovered(&page).await?;
        ensure!(mmcs > 0.9, "the worked example on WebGPU recovers its features: mean max cosine {mmcs}");
        ensure!(page.count(NOTE).await? == 0, "no note when the GPU trains");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn a_null_adapter_falls_back_to_the_cpu_with_a_note() -> Result<()> {
    run(|page| async move {
        train_with(&page, "webgpu").await?;
        let note = page.wait_for_text(NOTE, |t| !t.is_empty()).await?;
        ensure!(note.contains("no adapter"), "{note}");
        let backend = page.text(BACKEND).await?;
        ensure!(backend.starts_with("CPU"), "{backend}");
        ensure!(recovered(&page).await? > 0.9);
        Ok(())
    })
    .await
}

#[tokio::test]
async fn no_navigator_gpu_falls_back_to_the_cpu_with_a_note() -> Result<()> {
    run_with_args(&["--disable-blink-features=WebGPU"], |page| async move {
        train_with(&page, "webgpu").await?;
        let note = page.wait_for_text(NOTE, |t| !t.is_empty()).await?;
        ensure!(note.contains("no navigator.gpu"), "{note}");
        ensure!(recovered(&page).await? > 0.9);
        Ok(())
    })
    .await
}

#[tokio::test]
async fn a_lost_device_is_replaced_from_the_last_checkpoint_and_the_run_finishes() -> Result<()> {
    run_with_args(WEBGPU, |page| async move {
        train_with(&page, "webgpu").await?;
        page.wait_for_text(BACKEND, |t| t.starts_with("GPU:")).await?;
        // After the first checkpoint (step 250), lose the device.
        let at_step = |t: &str| {
            t.strip_prefix("Training: step ")
                .and_then(|rest| rest.split(' ').next())
                .and_then(|n| n.parse::<u64>().ok())
                .is_some_and(|n| n >= 300)
        };
        page.wait_for_text(STATUS, at_step).await?;
        page.client.execute("window.frontierSaeLoseDevice(); return true;", Vec::new()).await?;
        let note = page.wait_for_text(NOTE, |t| t.contains("was lost")).await?;
        ensure!(note.contains("checkpoint of step 250"), "{note}");
        let mmcs = recovered(&page).await?;
        ensure!(mmcs > 0.9, "the run finished after the loss: mean max cosine {mmcs}");
        Ok(())
    })
    .await
}

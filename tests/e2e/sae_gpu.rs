//! The SAE lab on WebGPU and every way back to the CPU: headless Chromium with
//! `--enable-unsafe-webgpu` has a WebGPU adapter (SwiftShader, which computes on the CPU: runs
//! here are kept small); without it the adapter is null; `device.destroy()` loses the device.
//! (Chromium's flags do not take `navigator.gpu` away from a worker: that path is tested in
//! `crates/sae-gpu/tests/browser.rs`, by shadowing the property.)

use std::time::{Duration, Instant};

use anyhow::{ensure, Result};
use frontier_e2e::{run, run_with_args, Page};

const WEBGPU: &[&str] = &["--enable-unsafe-webgpu"];
const STATUS: &str = r#"[data-testid="sae-status"]"#;
const BACKEND: &str = r#"[data-testid="sae-backend-name"]"#;
const NOTE: &str = r#"[data-testid="sae-backend-note"]"#;
/// A run on SwiftShader: at most this long.
const SLOW: Duration = Duration::from_secs(120);

/// Sets a select or text field by test id and fires the events a user's change fires.
fn set_field(testid: &str, value: &str) -> String {
    format!(
        r#"const e = document.querySelector('[data-testid="{testid}"]');
        e.value = {value:?}; e.dispatchEvent(new Event('input', {{ bubbles: true }}));
        e.dispatchEvent(new Event('change', {{ bubbles: true }})); return true;"#
    )
}

const TRAIN: &str = r#"const b = document.querySelector('[data-testid="sae-train"]'); b.click(); return true;"#;

/// The value of the summary row whose heading starts with `label`.
fn summary(label: &str) -> String {
    format!(
        r#"const rows = document.querySelectorAll('[data-testid="sae-summary"] tr');
        for (const r of rows) {{ if (r.querySelector('th').textContent.startsWith({label:?})) return r.querySelector('td').textContent; }}
        return null;"#
    )
}

/// Opens the lab and waits for the worked example; then sets a small run (`steps`, batch 64).
async fn small_run(page: &Page, steps: u32) -> Result<()> {
    page.goto("#/interpretability/sae").await?;
    page.wait_for_text_within(STATUS, |t| t == "Trained.", SLOW).await?;
    page.client.execute(&set_field("sae-steps-input", &steps.to_string()), Vec::new()).await?;
    page.client.execute(&set_field("sae-batch-input", "64"), Vec::new()).await?;
    Ok(())
}

/// Trains with `backend` and returns the final mean max cosine and MSE.
async fn train(page: &Page, backend: &str) -> Result<(f64, f64)> {
    page.client.execute(&set_field("sae-backend", backend), Vec::new()).await?;
    page.client.execute(TRAIN, Vec::new()).await?;
    let started = Instant::now();
    page.wait_for_text_within(STATUS, |t| t.starts_with("Training") || t == "Starting…", SLOW).await?;
    page.wait_for_text_within(STATUS, |t| t == "Trained.", SLOW).await?;
    eprintln!("trained on {backend} in {:.1} s", started.elapsed().as_secs_f64());
    let number = |v: serde_json::Value| v.as_str().unwrap_or("").replace(',', "").parse::<f64>();
    let mmcs = number(page.wait_for_script("the recovery row", &summary("Mean max cosine, true")).await?)?;
    let loss = number(page.wait_for_script("the MSE row", &summary("MSE")).await?)?;
    Ok((mmcs, loss))
}

#[tokio::test]
async fn webgpu_trains_what_the_cpu_trains_and_names_its_adapter() -> Result<()> {
    run_with_args(WEBGPU, |page| async move {
        // Auto keeps the worked example off a software adapter, and says why.
        page.goto("#/interpretability/sae").await?;
        let note = page.wait_for_text(NOTE, |t| !t.is_empty()).await?;
        ensure!(note.contains("computes on the CPU"), "auto on SwiftShader: {note}");
        small_run(&page, 120).await?;
        let (cpu_mmcs, cpu_loss) = train(&page, "cpu").await?;
        let (gpu_mmcs, gpu_loss) = train(&page, "webgpu").await?;
        let backend = page.text(BACKEND).await?;
        ensure!(backend.starts_with("GPU:") && backend.contains("WebGPU"), "{backend}");
        ensure!(page.count(NOTE).await? == 0, "no note when the GPU trains");
        // Same seed, same batches: the two backends end the same run at the same place.
        ensure!((gpu_mmcs - cpu_mmcs).abs() <= 0.01, "mean max cosine: WebGPU {gpu_mmcs}, CPU {cpu_mmcs}");
        ensure!((gpu_loss - cpu_loss).abs() <= 0.02 * cpu_loss.abs(), "MSE: WebGPU {gpu_loss}, CPU {cpu_loss}");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn a_null_adapter_falls_back_to_the_cpu_with_a_note() -> Result<()> {
    run(|page| async move {
        small_run(&page, 200).await?;
        train(&page, "webgpu").await?;
        let note = page.wait_for_text(NOTE, |t| !t.is_empty()).await?;
        ensure!(note.contains("no adapter"), "{note}");
        let backend = page.text(BACKEND).await?;
        ensure!(backend.starts_with("CPU"), "{backend}");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn a_lost_device_is_replaced_from_the_last_checkpoint_and_the_run_finishes() -> Result<()> {
    run_with_args(WEBGPU, |page| async move {
        small_run(&page, 80).await?;
        page.client.execute(&set_field("sae-backend", "webgpu"), Vec::new()).await?;
        page.client.execute(TRAIN, Vec::new()).await?;
        page.wait_for_text_within(BACKEND, |t| t.starts_with("GPU:"), SLOW).await?;
        let step_of = |t: &str| {
            t.strip_prefix("Training: step ")
                .and_then(|rest| rest.split(' ').next())
                .and_then(|s| s.parse::<u64>().ok())
        };
        let status = page.wait_for_text_within(STATUS, |t| step_of(t).is_some_and(|s| s >= 10), SLOW).await?;
        page.client.execute("window.frontierSaeLoseDevice(); return true;", Vec::new()).await?;
        let lost_after = step_of(&status).unwrap_or(0);
        let note = page.wait_for_text_within(NOTE, |t| t.contains("was lost"), SLOW).await?;
        // Checkpoints come at the start and every 250 steps; the run goes on from the last one.
        let checkpoint = note
            .split("from the checkpoint of step ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|s| s.parse::<u64>().ok());
        ensure!(
            checkpoint.is_some_and(|c| c % 250 == 0 && c <= lost_after + 250),
            "lost after step {lost_after}: {note}"
        );
        ensure!(note.contains("on a new device"), "{note}");
        page.wait_for_text_within(STATUS, |t| t == "Trained.", SLOW).await?;
        let caption = page.text(r#"[data-testid="sae-summary"] caption"#).await?;
        ensure!(caption.starts_with("After 80 steps"), "{caption}");
        Ok(())
    })
    .await
}

//! End-to-end tests of the Model lab (`#/edge/model`): the model loads from the local site,
//! greedy generation gives the reference's tokens (`crates/lm/tests/fixtures/`), a reload loads it
//! from the browser's cache with no download, Stop ends a generation, and a damaged cached copy
//! gives a clear error. Skipped, with a message, when the build has no model file.

use std::time::Duration;

use anyhow::{ensure, Context, Result};
use base64::Engine as _;
use frontier_e2e::{dist_dir, run_within, Page};

const LAB: &str = r#"section.widget[data-widget="model"]"#;
const MODEL_PATH: &str = "models/SmolLM2-135M-Instruct.Q4_1.gguf";
const PROMPT: &str = "Once upon a time, there was a little robot who";
/// Loading and generating in wasm on a busy machine.
const SLOW: Duration = Duration::from_secs(150);

fn has_model() -> bool {
    let found = dist_dir().join(MODEL_PATH).is_file();
    if !found {
        println!("skipped: {} has no {MODEL_PATH} (run `cargo xtask assets` before the build)", dist_dir().display());
    }
    found
}

/// The reference's first 16 greedy tokens after [`PROMPT`] (transformers on the same GGUF).
fn reference_tokens() -> Result<Vec<u64>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../crates/lm/tests/fixtures/smollm2_reference.json");
    let fixture: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let case = fixture["cases"]
        .as_array()
        .and_then(|cases| cases.iter().find(|c| c["prompt"] == PROMPT))
        .context("the fixture has no case for the prompt")?;
    let ids: Vec<u64> = case["greedy"].as_array().context("no greedy ids")?.iter().filter_map(|v| v.as_u64()).collect();
    ensure!(ids.len() >= 16, "the fixture has {} greedy ids", ids.len());
    Ok(ids[..16].to_vec())
}

/// The lab's route with a state: raw completion of `prompt`, `max_tokens` at `temperature`.
/// The address of the lab with this prompt and these settings. Seed 1: sampled at 0.8, the story
/// about the sea goes past 40 tokens (`frontier lm generate … --temperature 0.8 --top-k 0 --top-p 1
/// --seed 1`); with seeds 3, 5 and 7 the first token drawn is the end of the text.
fn route(prompt: &str, max_tokens: usize, temperature: f64) -> String {
    let state = serde_json::json!({
        "mode": "complete", "prompt": prompt, "max_tokens": max_tokens, "temperature": temperature,
        "top_k": 0, "top_p": 1.0, "seed": 1, "layer": 6, "activation_text": "Hello world", "device": "apple-m2",
    });
    let link = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(state.to_string());
    format!("#/edge/model?s=1.{link}")
}

async fn click(page: &Page, testid: &str) -> Result<()> {
    let script = format!("const b = document.querySelector('[data-testid=\"{testid}\"]'); if (!b || b.disabled) return false; b.click(); return true;");
    page.wait_for_script(&format!("{testid} to be clickable"), &script).await?;
    Ok(())
}

async fn wait_loaded(page: &Page) -> Result<()> {
    page.wait_for_text_within(r#"[data-testid="lm-loaded"]"#, |t| t.starts_with("Loaded"), SLOW)
        .await
        .context("the model did not load")?;
    Ok(())
}

/// Generates and returns the token ids shown, once the generation has finished.
async fn generate(page: &Page) -> Result<Vec<u64>> {
    click(page, "lm-generate").await?;
    page.wait_for_text_within(r#"[data-testid="lm-finished"]"#, |t| t.contains("tokens; ended"), SLOW).await?;
    let ids = page
        .client
        .execute(
            "return Array.from(document.querySelectorAll('[data-testid=lm-token]')).map(e => Number(e.dataset.tokenId));",
            Vec::new(),
        )
        .await?;
    Ok(serde_json::from_value(ids)?)
}

fn model_downloads(page: &Page) -> usize {
    page.app_requests().iter().filter(|r| r.path.ends_with(MODEL_PATH)).count()
}

#[tokio::test]
async fn model_lab_generates_the_reference_from_the_site_then_from_the_cache_and_stops() -> Result<()> {
    if !has_model() {
        return Ok(());
    }
    let want = reference_tokens()?;
    run_within(&[], Duration::from_secs(540), move |page| async move {
        page.goto(&route(PROMPT, 16, 0.0)).await?;
        page.wait_for(LAB).await?;
        click(&page, "lm-load").await?;
        wait_loaded(&page).await?;
        ensure!(model_downloads(&page) == 1, "the model should be downloaded once: {:?}", page.app_requests());
        let ids = generate(&page).await?;
        ensure!(ids == want, "greedy tokens {ids:?}, the reference's {want:?}");
        // Chromium has relaxed SIMD: the model ran in the worker built with it (fused multiply–adds),
        // and its greedy tokens are still the reference's.
        let relaxed = page.app_requests().iter().any(|r| r.path.starts_with("/lm_worker-relaxed_loader-"));
        ensure!(relaxed, "the relaxed-SIMD model worker was not loaded: {:?}", page.app_requests());
        // A token's details: the ten candidates and the entropy.
        click(&page, "lm-token").await?;
        let entropy = page.wait_for_text(r#"[data-testid="lm-entropy"]"#, |t| t.contains("nats")).await?;
        ensure!(entropy.starts_with("Entropy"), "{entropy}");
        let speed = page.text(r#"[data-testid="lm-decode-rate"]"#).await?;
        ensure!(speed.ends_with("tokens/s"), "the measured decode speed reads {speed:?}");
        let prefill = page.text(r#"[data-testid="lm-prefill-rate"]"#).await?;
        println!("measured in headless Chromium: prefill {prefill}, decode {speed}");

        // A reload loads the kept copy by itself: no second download, the same tokens.
        page.client.refresh().await?;
        page.wait_for(LAB).await?;
        wait_loaded(&page).await?;
        ensure!(model_downloads(&page) == 1, "the reload downloaded the model again: {:?}", page.app_requests());
        let again = generate(&page).await?;
        ensure!(again == want, "from the cache: {again:?}, the reference's {want:?}");

        // Stop in the middle of a long sampled generation.
        page.goto(&route("Write a long story about the sea.", 512, 0.8)).await?;
        page.client.refresh().await?;
        page.wait_for(LAB).await?;
        wait_loaded(&page).await?;
        click(&page, "lm-generate").await?;
        page.wait_for_script("a few tokens", "return document.querySelectorAll('[data-testid=lm-token]').length >= 3;")
            .await?;
        click(&page, "lm-stop").await?;
        let reason = page
            .wait_for_script(
                "the generation to stop",
                "const f = document.querySelector('[data-testid=lm-finished]'); return f ? f.dataset.reason : null;",
            )
            .await?;
        ensure!(reason == "Stopped", "the generation ended as {reason}");
        let count = page.count(r#"[data-testid="lm-token"]"#).await?;
        ensure!(count < 512, "Stop did not stop: {count} tokens");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn model_lab_says_clearly_when_the_kept_model_is_damaged() -> Result<()> {
    if !has_model() {
        return Ok(());
    }
    run_within(&[], Duration::from_secs(240), |page| async move {
        page.goto(&route(PROMPT, 16, 0.0)).await?;
        page.wait_for(LAB).await?;
        page.wait_for(r#"[data-testid="lm-load"]"#).await?;
        // Garbage where the model is kept, as a damaged storage would leave it.
        let damage = format!(
            "window.damaged = null; caches.open('frontier-models-v1').then(c => c.put('./{MODEL_PATH}', new Response('this is not a model'))) \
             .then(() => {{ window.damaged = 'done'; }}, e => {{ window.damaged = String(e); }}); return true;"
        );
        page.client.execute(&damage, Vec::new()).await?;
        let done = page.wait_for_script("the damaged copy to be kept", "return window.damaged;").await?;
        ensure!(done == "done", "could not damage the cache: {done}");
        page.client.refresh().await?;
        page.wait_for(LAB).await?;
        let error = page.wait_for_text_within(r#"[data-testid="lm-error"]"#, |t| !t.is_empty(), SLOW).await?;
        ensure!(error.contains("not a GGUF file"), "the error reads {error:?}");
        ensure!(model_downloads(&page) == 0, "nothing should have been downloaded: {:?}", page.app_requests());
        // Remove forgets the damaged copy; the Load button is back.
        click(&page, "lm-remove").await?;
        page.wait_for(r#"[data-testid="lm-load"]"#).await?;
        let note = page.wait_for_text(r#"[data-testid="lm-note"]"#, |t| !t.is_empty()).await?;
        ensure!(note.contains("removed"), "{note}");
        Ok(())
    })
    .await
}

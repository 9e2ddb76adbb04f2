//! End-to-end tests of the release build in headless Chromium, against the app's DOM contract:
//! every page loads its example, responds to input, survives a reload and renders in embed mode.
//! After each test the harness also checks that the console has no error and that nothing was
//! requested from another origin. Run them with `cargo xtask test`, which builds `dist/` first.

use std::collections::BTreeSet;

use anyhow::{ensure, Context, Result};
use frontier_e2e::run;

mod alignment;
mod benchmarks;
mod bundles;
mod calibration;
mod contract;
mod edge;
mod grounding;
mod hostile;
mod landscape;
mod lessons;
mod memory;
mod model;
mod nothing_lost;
mod offline;
mod reasoning;
mod sae;
mod sae_gpu;

const PROBLEMS: [&str; 8] =
    ["reasoning", "hallucination", "memory", "training", "alignment", "interpretability", "edge", "grounding"];
const TRAIN_COST: &str = r#"section.widget[data-widget="train-cost"]"#;
const MFU: &str = r#"output[data-testid="mfu"]"#;
/// The `s=` parameter of the hash route (`#/training/train-cost?s=…`), or null.
const STATE_PARAM: &str = "const m = location.hash.match(/[?&]s=([^&]*)/); return m ? m[1] : null;";

/// Moves the hours slider a quarter of its range away from where it is, the way a drag would:
/// a new value, then `input` and `change` events. Returns the values before and after.
const MOVE_HOURS_SLIDER: &str = r#"
const s = document.querySelector('input[type=range][data-testid="hours-slider"]');
const min = s.min === '' ? 0 : Number(s.min);
const max = s.max === '' ? 100 : Number(s.max);
const before = s.value;
const target = Number(before) > (min + max) / 2 ? min + (max - min) / 4 : min + 3 * (max - min) / 4;
s.focus();
s.value = String(target);
s.dispatchEvent(new Event('input', { bubbles: true }));
s.dispatchEvent(new Event('change', { bubbles: true }));
return [before, s.value];
"#;

#[tokio::test]
async fn home_lists_the_eight_problems() -> Result<()> {
    run(|page| async move {
        page.goto("#/").await?;
        let script = "const cards = document.querySelectorAll('article.problem-card'); \
                      return cards.length >= 8 ? Array.from(cards).map(c => c.getAttribute('data-problem')) : null;";
        let found = page.wait_for_script("eight article.problem-card elements", script).await?;
        let problems: Vec<Option<String>> = serde_json::from_value(found)?;
        ensure!(problems.len() == 8, "expected 8 problem cards, found {}: {problems:?}", problems.len());
        let found: BTreeSet<&str> = problems.iter().flatten().map(String::as_str).collect();
        let expected: BTreeSet<&str> = PROBLEMS.into_iter().collect();
        ensure!(
            found == expected,
            "the cards' data-problem values are {problems:?}, expected each of {PROBLEMS:?} once"
        );
        Ok(())
    })
    .await
}

#[tokio::test]
async fn training_widget_responds_to_its_slider_and_survives_a_reload() -> Result<()> {
    run(|page| async move {
        page.goto("#/training/train-cost").await?;
        page.wait_for(TRAIN_COST).await?;
        let initial = page.wait_for_text(MFU, |text| !text.is_empty()).await?;
        ensure!(initial.starts_with("0.34"), "the DeepSeek-V3 example's MFU should read 0.34…, it reads {initial:?}");
        let state_before = page.client.execute(STATE_PARAM, Vec::new()).await?;

        page.wait_for(r#"input[type=range][data-testid="hours-slider"]"#).await?;
        let moved = page.client.execute(MOVE_HOURS_SLIDER, Vec::new()).await?;
        let moved: (String, String) = serde_json::from_value(moved)?;
        ensure!(moved.0 != moved.1, "the hours slider did not move (its value stayed {})", moved.0);
        let changed = page
            .wait_for_text(MFU, |text| !text.is_empty() && text != initial)
            .await
            .context("the MFU did not change when the hours slider moved")?;

        // The state reaches the URL (it may be written a moment after the input settles).
        let changed_state = format!("const s = (() => {{ {STATE_PARAM} }})(); return s !== {state_before} ? s : null;");
        let state_after = page.wait_for_script("the URL's s= parameter to change", &changed_state).await?;

        page.client.refresh().await?;
        page.wait_for(TRAIN_COST).await?;
        let reloaded = page
            .wait_for_text(MFU, |text| text == changed)
            .await
            .with_context(|| format!("after a reload the MFU should still read {changed:?} (state {state_after})"))?;
        ensure!(reloaded == changed);
        Ok(())
    })
    .await
}

#[tokio::test]
async fn embed_route_shows_the_widget_alone() -> Result<()> {
    run(|page| async move {
        page.goto("#/embed/train-cost").await?;
        page.wait_for(TRAIN_COST).await?;
        ensure!(page.count("header.site-header").await? == 0, "embed mode must not show the site header");
        let link = page.wait_for("a.open-full").await?;
        let href = link.attr("href").await?.unwrap_or_default();
        ensure!(href.contains("#/training/train-cost"), "the open-full link points to {href:?}");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn embedded_widget_posts_its_height_to_the_host_page() -> Result<()> {
    run(|page| async move {
        page.goto_harness().await?;
        let script = "const r = window.__resize; \
                      return r && typeof r.height === 'number' && r.height > 100 ? r.height : null;";
        let height = page.wait_for_script("a frontier-lab:resize message with a height over 100", script).await?;
        ensure!(height.as_f64().is_some_and(|h| h > 100.0), "the posted height is {height}");

        // The framed app itself rendered the widget.
        page.client.enter_frame(0).await?;
        page.wait_for(TRAIN_COST).await?;
        page.client.enter_parent_frame().await?;
        Ok(())
    })
    .await
}
mod accessibility;
mod phones;

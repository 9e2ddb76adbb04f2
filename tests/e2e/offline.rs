//! Offline and installable: after one visit, pages reload with the site's server unreachable
//! (the service worker serves the shell and what the pages fetched); a new deploy is announced
//! once; the manifest is served and names the icon.

use anyhow::{ensure, Result};
use frontier_e2e::run;

use crate::TRAIN_COST;

const LESSON_STEP: &str = r#"[data-testid="lesson-step"] section.widget"#;
const CALIBRATION: &str = r#"section.widget[data-widget="calibration"]"#;

#[tokio::test]
async fn after_one_visit_three_routes_reload_offline() -> Result<()> {
    run(|page| async move {
        let routes = [
            ("#/training/train-cost", TRAIN_COST),
            ("#/lessons/training-mfu-and-cost", LESSON_STEP),
            ("#/hallucination/calibration", CALIBRATION),
        ];
        page.goto("#/").await?;
        page.wait_for_script(
            "a service worker controlling the page",
            "return navigator.serviceWorker && navigator.serviceWorker.controller ? true : null;",
        )
        .await?;
        for (route, ready) in routes {
            page.goto(route).await?;
            page.client.refresh().await?;
            page.wait_for(ready).await?;
        }
        // Let the last page's own fetches finish before the network goes.
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        page.set_offline(true);
        let before = page.app_requests().len();
        for (route, ready) in routes {
            page.goto(route).await?;
            page.client.refresh().await?;
            page.wait_for(ready).await?;
        }
        // The lesson's file and the calibration sample came from the cache, not the server.
        let answered = page.app_requests();
        ensure!(answered.len() == before, "the server answered while offline: {:?}", &answered[before..]);
        page.set_offline(false);
        Ok(())
    })
    .await
}

#[tokio::test]
async fn a_new_deploy_is_announced_once() -> Result<()> {
    run(|page| async move {
        page.goto("#/").await?;
        page.wait_for("article.problem-card").await?;
        ensure!(page.count(r#"[data-testid="update-notice"]"#).await? == 0, "a first visit is not an update");
        // The last visit ran another build.
        page.client
            .execute("localStorage.setItem('frontier-lab:build', './frontier-web-0000.js'); return true;", Vec::new())
            .await?;
        page.client.refresh().await?;
        let notice = page.wait_for_text(r#"[data-testid="update-notice"]"#, |t| !t.is_empty()).await?;
        ensure!(notice.contains("updated since your last visit"), "{notice}");
        page.client.refresh().await?;
        page.wait_for("article.problem-card").await?;
        ensure!(page.count(r#"[data-testid="update-notice"]"#).await? == 0, "announced twice");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn the_manifest_makes_the_site_installable() -> Result<()> {
    run(|page| async move {
        page.goto("#/").await?;
        page.wait_for("article.problem-card").await?;
        let script = "const l = document.querySelector('link[rel=manifest]'); if (!l) return null; \
                      return fetch(l.href).then(r => r.json()).then(m => [m.name, m.start_url, m.display, m.icons[0].src]);";
        let found = page.wait_for_script("the manifest", script).await?;
        let fields: Vec<String> = serde_json::from_value(found)?;
        ensure!(fields == ["Frontier Lab", "./", "standalone", "icon.svg"], "{fields:?}");
        Ok(())
    })
    .await
}

/// An embed where storage is blocked (a sandboxed frame, partitioned third-party storage) works
/// as any other: its widget renders, answers a change, and shows no warning about saving, which
/// an embed never does anyway; the full page says plainly that changes are not saved.
#[tokio::test]
async fn embeds_work_with_storage_blocked() -> Result<()> {
    run(|page| async move {
        page.block_storage().await?;
        page.goto("#/embed/train-cost").await?;
        page.client.refresh().await?;
        page.wait_for(TRAIN_COST).await?;
        let blocked = page
            .client
            .execute("try { localStorage.length; return false; } catch (e) { return true; }", Vec::new())
            .await?;
        ensure!(blocked == serde_json::Value::Bool(true), "storage was not blocked");
        let before = page.wait_for_text(crate::MFU, |t| !t.is_empty()).await?;
        page.client.execute(crate::MOVE_HOURS_SLIDER, Vec::new()).await?;
        page.wait_for_text(crate::MFU, |t| !t.is_empty() && t != before).await?;
        let notices = page.text(&format!("{TRAIN_COST} .notices")).await?;
        ensure!(notices.trim().is_empty(), "the embed shows: {notices}");
        page.goto("#/training/train-cost").await?;
        page.client.refresh().await?;
        let notices = page.wait_for_text(&format!("{TRAIN_COST} .notices"), |t| !t.trim().is_empty()).await?;
        ensure!(notices.contains("not saved in this browser"), "{notices}");
        Ok(())
    })
    .await
}

/// After a deploy, a cached file of the old build must never meet the new page: every file the
/// page loads by name carries a hash of its content, except the addresses others use (the page
/// itself, the service worker, the embed script, the manifest and icon, the host's headers).
#[test]
fn every_file_but_the_public_addresses_carries_a_content_hash() -> Result<()> {
    let dist = frontier_e2e::dist_dir();
    let stable = ["index.html", "sw.js", "embed.js", "manifest.webmanifest", "icon.svg", "_headers"];
    let mut plain = Vec::new();
    let mut hashed = 0;
    for entry in std::fs::read_dir(&dist)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.file_type()?.is_file() || stable.contains(&name.as_str()) {
            continue;
        }
        // `stem-<16 hex>.ext` or `stem-<16 hex>_bg.wasm`.
        let stem = name.split('.').next().unwrap_or_default().trim_end_matches("_bg");
        let hash = stem.rsplit('-').next().unwrap_or_default();
        if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            hashed += 1;
        } else {
            plain.push(name);
        }
    }
    ensure!(plain.is_empty(), "files without a content hash in {}: {plain:?}", dist.display());
    // The app (2), its styles, the worker (3), the boot script and the five data files.
    ensure!(hashed >= 12, "only {hashed} hashed files");
    let page = std::fs::read_to_string(dist.join("index.html"))?;
    ensure!(
        page.contains(r#"<meta name="frontier-files" content="{&quot;"#)
            && page.contains("&quot;boot.js&quot;:&quot;boot-"),
        "index.html names no files"
    );
    Ok(())
}

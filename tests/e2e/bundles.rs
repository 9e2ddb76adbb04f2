//! Load only what a page needs: the home page loads the `home` module, a problem's widget and
//! its embed that problem's module, the lessons `full`; an address of another part reloads into
//! that part's module; and the app's files carry content hashes (see `web/src/bundle.rs`).

use anyhow::{ensure, Result};
use frontier_e2e::{run, Page};

use crate::TRAIN_COST;

const MEMORY: &str = r#"section.widget[data-widget="memory"]"#;

/// The module of each part fetched so far, in order (`home`, `training`, `full`, …).
fn modules(page: &Page) -> Vec<String> {
    page.app_requests()
        .iter()
        .filter_map(|r| {
            let name = r.path.rsplit('/').next()?;
            let stem = name.strip_prefix("frontier-")?.strip_suffix("_bg.wasm")?;
            let part = stem.rsplit_once('-')?.0;
            Some(if part == "web" { "full".to_string() } else { part.to_string() })
        })
        .collect()
}

#[tokio::test]
async fn each_part_of_the_site_loads_its_own_module() -> Result<()> {
    run(|page| async move {
        page.goto("#/").await?;
        page.wait_for(".problem-card").await?;
        ensure!(modules(&page) == ["home"], "the home page fetched {:?}", modules(&page));

        // Into a problem: the page loads afresh with that problem's module.
        page.goto("#/training/train-cost").await?;
        page.wait_for(TRAIN_COST).await?;
        ensure!(modules(&page) == ["home", "training"], "after a widget route: {:?}", modules(&page));
        // The shared pages need nothing more.
        page.goto("#/about").await?;
        page.wait_for("h1").await?;
        page.goto("#/training").await?;
        page.wait_for(TRAIN_COST).await?;
        ensure!(modules(&page) == ["home", "training"], "about and the problem page: {:?}", modules(&page));

        page.goto("#/embed/cot").await?;
        page.wait_for(r#"section.widget[data-widget="cot"]"#).await?;
        page.goto("#/lessons").await?;
        page.wait_for(r#"[data-testid="write-lesson"]"#).await?;
        ensure!(
            modules(&page) == ["home", "training", "reasoning", "full"],
            "an embed and the lessons: {:?}",
            modules(&page)
        );
        // `full` serves every address; loaded afresh, an address with empty segments reads the
        // same in the boot script as in the router.
        page.goto("#//memory//memory/").await?;
        page.wait_for(MEMORY).await?;
        page.client.refresh().await?;
        page.wait_for(MEMORY).await?;
        ensure!(modules(&page).last().map(String::as_str) == Some("memory"), "{:?}", modules(&page));
        Ok(())
    })
    .await
}

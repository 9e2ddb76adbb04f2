//! Nothing is lost: whatever replaces a widget's state (Reset, an import, a link, another tab)
//! keeps the old one in Recent work, restorable; another tab's save is offered, not obeyed.

use anyhow::{ensure, Result};
use frontier_e2e::run;

use crate::{MFU, MOVE_HOURS_SLIDER, TRAIN_COST};

const KEY: &str = "frontier-lab:v1:train-cost";

fn click(testid: &str) -> String {
    format!(
        r#"const b = document.querySelector('[data-testid="{testid}"]'); if (!b) return false; b.click(); return true;"#
    )
}

/// The number of versions the Recent work menu lists.
const RECENT_COUNT: &str = r#"
const s = document.querySelector('[data-testid="recent-work"] summary');
const m = s && s.textContent.match(/\((\d+)\)/); return m ? Number(m[1]) : null;"#;

#[tokio::test]
async fn reset_keeps_the_replaced_work_in_recent_work_and_it_comes_back() -> Result<()> {
    run(|page| async move {
        page.goto("#/training/train-cost").await?;
        page.wait_for(TRAIN_COST).await?;
        let example = page.wait_for_text(MFU, |t| !t.is_empty()).await?;
        page.client.execute(MOVE_HOURS_SLIDER, Vec::new()).await?;
        let changed = page.wait_for_text(MFU, |t| !t.is_empty() && t != example).await?;
        ensure!(page.client.execute(RECENT_COUNT, Vec::new()).await? == 0, "Recent work starts empty");
        page.client.execute(&click("reset"), Vec::new()).await?;
        page.wait_for_text(MFU, |t| t == example).await?;
        ensure!(page.client.execute(RECENT_COUNT, Vec::new()).await? == 1, "Reset kept no copy");
        // It survives a reload, and Restore brings the changed work back.
        page.client.refresh().await?;
        page.wait_for(TRAIN_COST).await?;
        let described = page.text(r#"[data-testid="recent-work"] li"#).await?;
        ensure!(described.contains("replaced by Reset"), "{described}");
        page.client.execute(&click("restore-0"), Vec::new()).await?;
        page.wait_for_text(MFU, |t| t == changed).await?;
        // The example it replaced is now the one kept.
        let described = page.text(r#"[data-testid="recent-work"] li"#).await?;
        ensure!(described.contains("replaced by a restored version"), "{described}");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn another_tabs_save_is_offered_not_obeyed() -> Result<()> {
    run(|page| async move {
        page.goto("#/training/train-cost").await?;
        page.wait_for(TRAIN_COST).await?;
        let mine = page.wait_for_text(MFU, |t| !t.is_empty()).await?;
        // Another tab saves other hours for the same widget: the browser tells this tab with a
        // `storage` event.
        let script = format!(
            r#"const stored = JSON.parse(localStorage.getItem('{KEY}'));
            stored.state.inputs.hours = 660;
            const text = JSON.stringify(stored);
            window.dispatchEvent(new StorageEvent('storage', {{ key: '{KEY}', newValue: text }}));
            return text;"#
        );
        page.client.execute(&script, Vec::new()).await?;
        page.wait_for(r#"[data-testid="other-tab"]"#).await?;
        // Until the reader chooses, this tab saves nothing over the other's work.
        let read = format!("return localStorage.getItem('{KEY}');");
        let before = page.client.execute(&read, Vec::new()).await?;
        page.client.execute(MOVE_HOURS_SLIDER, Vec::new()).await?;
        page.wait_for_text(MFU, |t| t != mine).await?;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        ensure!(page.client.execute(&read, Vec::new()).await? == before, "this tab saved while the choice was open");
        page.client.execute(&click("use-other-tab"), Vec::new()).await?;
        // 660 hours instead of 1,320: twice the MFU of the example.
        let taken = page.wait_for_text(MFU, |t| t.starts_with("0.68") || t.starts_with("0.69")).await?;
        ensure!(page.count(r#"[data-testid="other-tab"]"#).await? == 0, "the choice stays on screen");
        ensure!(page.client.execute(RECENT_COUNT, Vec::new()).await? == 1, "this tab's work was not kept ({taken})");
        Ok(())
    })
    .await
}

//! End-to-end tests of the memory widget: the worked example fills the store, a new fact
//! supersedes an old one (previewed first), forgetting a subject cascades, and the user's
//! operations survive a reload.

use anyhow::{ensure, Context, Result};
use frontier_e2e::run;

const MEM: &str = r#"section.widget[data-widget="memory"]"#;

fn set_input(testid: &str, value: &str) -> String {
    format!(
        r#"const el = document.querySelector('[data-testid="{testid}"]');
        el.value = {value:?}; el.dispatchEvent(new Event('input', {{ bubbles: true }}));
        el.dispatchEvent(new Event('change', {{ bubbles: true }})); return true;"#
    )
}

fn click(testid: &str) -> String {
    format!(r#"document.querySelector('[data-testid="{testid}"]').click(); return true;"#)
}

#[tokio::test]
async fn memory_widget_supersedes_forgets_and_keeps_work_across_a_reload() -> Result<()> {
    run(|page| async move {
        page.goto("#/memory/memory").await?;
        page.wait_for(MEM).await?;
        // The example: 16 lines said, one repeat absorbed, so 15 memories.
        let caption = page.wait_for_text(r#"[data-testid="mem-table"] caption"#, |t| t.contains("memories")).await?;
        ensure!(caption.starts_with("15 memories"), "the table caption reads {caption:?}");
        let best = page.wait_for_text(r#"[data-testid="mem-results"] tbody tr"#, |t| !t.is_empty()).await?;
        ensure!(best.contains("Zurich"), "where do I live, at day 60: {best:?}");
        let score = page.text(r#"[data-testid="mem-quiz-score"]"#).await?;
        ensure!(score.contains("answered correctly"), "quiz: {score:?}");

        // A new address: previewed as superseding m10, then stored.
        page.client.execute(&set_input("mem-new", "I live in Geneva"), Vec::new()).await?;
        let preview = page.wait_for_text(r#"[data-testid="mem-preview"]"#, |t| t.contains("Supersede")).await?;
        ensure!(preview.starts_with("Supersede m10"), "the preview reads {preview:?}");
        page.client.execute(&click("mem-store"), Vec::new()).await?;
        page.wait_for_text(r#"[data-testid="mem-results"] tbody tr"#, |t| t.contains("Geneva"))
            .await
            .context("the new address should answer the query")?;

        // Forgetting Priya: a dry run names the lunch, the book tip and, cascaded, the summary.
        let dry = page.wait_for_text(r#"[data-testid="mem-forget-preview"]"#, |t| t.contains("Would remove")).await?;
        ensure!(dry.contains("m5, m8") && dry.contains("derived from them: m9"), "the dry run reads {dry:?}");
        page.client.execute(&click("mem-forget"), Vec::new()).await?;
        page.wait_for_text(r#"[data-testid="mem-table"] caption"#, |t| t.starts_with("13 memories"))
            .await
            .context("15 + Geneva − m5, m8, m9 = 13")?;

        // Both operations are in the state: a reload brings them back.
        page.client.refresh().await?;
        page.wait_for(MEM).await?;
        page.wait_for_text(r#"[data-testid="mem-table"] caption"#, |t| t.starts_with("13 memories"))
            .await
            .context("the operations should survive a reload")?;

        // The distilled embeddings come from this site (the harness fails any other request).
        let pick = r#"const s = document.querySelector('[data-testid="mem-embedder"]'); s.value = 'static';
                      s.dispatchEvent(new Event('change', { bubbles: true })); return true;"#;
        page.client.execute(pick, Vec::new()).await?;
        page.wait_for_text(r#"[data-testid="mem-table"] caption"#, |t| t.starts_with("13 memories"))
            .await
            .context("the store should be rebuilt with the static embeddings")?;
        let best = page.wait_for_text(r#"[data-testid="mem-results"] tbody tr"#, |t| !t.is_empty()).await?;
        ensure!(best.contains("Geneva"), "with static embeddings, where do I live: {best:?}");
        ensure!(
            page.app_requests().iter().any(|r| r.path.contains("/static-minilm") && r.path.ends_with(".bin")),
            "the table should have been fetched from the app's own server"
        );
        Ok(())
    })
    .await
}

//! The landscape page: the eight problems as linked nodes, the six dependencies the article
//! names, its tables as charts with text alternatives, and the note on the lost charts.

use anyhow::{ensure, Result};
use frontier_e2e::run;

#[tokio::test]
async fn the_landscape_links_every_problem_and_charts_the_articles_tables() -> Result<()> {
    run(|page| async move {
        page.goto("#/").await?;
        page.wait_for(r#"[data-testid="landscape-link"]"#).await?.click().await?;
        page.wait_for(r#"[data-testid="landscape-graph"]"#).await?;
        let nodes = page
            .wait_for_script(
                "eight problem nodes",
                "const n = document.querySelectorAll('[data-testid=\"landscape-graph\"] g.node'); \
                 return n.length === 8 ? Array.from(n).map(a => a.getAttribute('data-href')) : null;",
            )
            .await?;
        let hrefs: Vec<String> = serde_json::from_value(nodes)?;
        ensure!(hrefs.iter().any(|h| h == "#/grounding") && hrefs.iter().any(|h| h == "#/memory"), "{hrefs:?}");
        ensure!(page.count(r#"[data-testid="dependencies"] li"#).await? == 6, "six dependencies");
        let deps = page.text(r#"[data-testid="dependencies"]"#).await?;
        ensure!(deps.contains("Edge inference makes Scalable alignment more urgent"), "{deps}");
        for chart in ["landscape-reasoning", "landscape-grounding", "landscape-costs"] {
            ensure!(page.count(&format!(r#"svg[data-testid="{chart}"]"#)).await? == 1, "{chart} missing");
        }
        ensure!(page.text(r#"[data-testid="lost-charts"]"#).await?.contains("Estimated years"), "lost charts note");
        // A node is a link to its problem's page (an SVG group has no click(); a click event is what a
        // pointer or the keyboard's Enter delivers).
        let click = "document.querySelector('g.node[data-problem=\"grounding\"]')\
                     .dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true })); return true;";
        page.client.execute(click, Vec::new()).await?;
        page.wait_for_script("the grounding page", "return location.hash.startsWith('#/grounding') ? true : null;")
            .await?;
        Ok(())
    })
    .await
}

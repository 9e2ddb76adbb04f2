//! Every route on a phone: at 360 and 320 px wide nothing makes the page scroll sideways (wide
//! tables scroll inside their own container, charts scale, controls wrap).

use anyhow::{ensure, Result};
use frontier_e2e::{run_within, REGISTRY_TEST_LIMIT};

use crate::contract::every_route;

/// How far the page is wider than its viewport, and the elements that reach past its right edge
/// outside any scrolling container (menus while closed excepted).
const OVERFLOW: &str = "const w = document.documentElement.clientWidth; const out = []; \
    document.querySelectorAll('body *').forEach(e => { const r = e.getBoundingClientRect(); \
      if (r.right <= w + 1 || r.width === 0) return; \
      for (let p = e.parentElement; p; p = p.parentElement) { if (getComputedStyle(p).overflowX !== 'visible') return; } \
      out.push(e.tagName.toLowerCase() + (e.className && e.className.baseVal === undefined && e.className ? '.' + e.className.split(' ').join('.') : '') + ' +' + Math.round(r.right - w) + ' px'); }); \
    return [document.documentElement.scrollWidth - w, out.slice(0, 5)];";

#[tokio::test]
async fn no_route_scrolls_sideways_on_a_phone() -> Result<()> {
    run_within(&[], REGISTRY_TEST_LIMIT, |page| async move {
        let (_, routes) = every_route(&page).await?;
        let mut found = Vec::new();
        for width in [360, 320] {
            page.emulate_width(width).await?;
            for route in &routes {
                page.goto(route).await?;
                tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
                let (over, elements): (i64, Vec<String>) =
                    serde_json::from_value(page.client.execute(OVERFLOW, Vec::new()).await?)?;
                if over > 0 {
                    found.push(format!("{route} at {width} px: {over} px too wide ({})", elements.join(", ")));
                }
            }
        }
        ensure!(found.is_empty(), "pages wider than a phone:\n  {}", found.join("\n  "));
        Ok(())
    })
    .await
}

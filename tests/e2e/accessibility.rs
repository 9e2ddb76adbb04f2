//! axe-core on every route: the home, about and landscape pages, each problem page and each
//! widget with its worked example, in the light and the dark scheme, against the WCAG 2.0 and
//! 2.1 A and AA rules (colour contrast among them). `cargo xtask
//! test` installs the pinned axe-core and names its script in `FRONTIER_AXE`.

use anyhow::{ensure, Context, Result};
use frontier_e2e::{run_within, REGISTRY_TEST_LIMIT};

use crate::contract::every_route;

/// axe-core's script: `FRONTIER_AXE`, or where `cargo xtask setup` puts it.
fn axe_script() -> Result<String> {
    let path = std::env::var_os("FRONTIER_AXE").map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.tools/axe/node_modules/axe-core/axe.min.js"),
        std::path::PathBuf::from,
    );
    std::fs::read_to_string(&path)
        .with_context(|| format!("{}: install axe-core with `cargo xtask setup`", path.display()))
}

/// Runs axe in the page (injected by WebDriver, which the page's CSP does not govern) and returns
/// each violation as "rule (impact): where".
const RUN_AXE: &str = "const done = arguments[arguments.length - 1]; \
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }) \
      .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))) \
      .catch(e => done(['axe failed: ' + e]));";

#[tokio::test]
async fn axe_finds_no_wcag_21_aa_violation_on_any_route() -> Result<()> {
    run_within(&[], REGISTRY_TEST_LIMIT, |page| async move {
        let axe = axe_script()?;
        let (widgets, routes) = every_route(&page).await?;
        let mut found = Vec::new();
        for dark in [false, true] {
            page.emulate_scheme(dark).await?;
            let scheme = if dark { "dark" } else { "light" };
            for route in &routes {
                page.goto(route).await?;
                if let Some(w) = widgets.iter().find(|w| &w.route() == route) {
                    page.wait_for(&w.section()).await?;
                }
                // The worked examples draw their results a moment after the page.
                tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
                page.client.execute(&format!("{axe}; return true;"), Vec::new()).await?;
                let violations: Vec<String> =
                    serde_json::from_value(page.client.execute_async(RUN_AXE, Vec::new()).await?)?;
                found.extend(violations.into_iter().map(|v| format!("{route} ({scheme}): {v}")));
            }
        }
        println!("axe-core checked {} routes in both schemes", routes.len());
        ensure!(found.is_empty(), "axe-core found violations:\n  {}", found.join("\n  "));
        Ok(())
    })
    .await
}

/// Finds the visible controls that the keyboard cannot reach (out of the tab order, or inside
/// something inert) or that show no focus when reached: "tag#id.class: why" for each.
const KEYBOARD_GAPS: &str = r#"
const controls = document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]');
const gaps = [];
const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.dataset.testid ? '[' + el.dataset.testid + ']' : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '');
const shown = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el); return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' || el.closest('label'); };
const ring = (el) => { const s = getComputedStyle(el); return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; };
for (const el of controls) {
  if (el.disabled || el.closest('[hidden], [inert], details:not([open]) > :not(summary)')) continue;
  if (el.getAttribute('tabindex') === '-1' && el.id === 'main') continue;
  if (!shown(el)) continue;
  if (el.tabIndex < 0) { gaps.push(name(el) + ': not in the tab order'); continue; }
  if (el.closest('[aria-hidden=true]')) { gaps.push(name(el) + ': focusable inside aria-hidden'); continue; }
  el.focus({ preventScroll: true });
  if (document.activeElement !== el) { gaps.push(name(el) + ': does not take focus'); continue; }
  const label = el.closest('label');
  if (!ring(el) && !(label && ring(label))) gaps.push(name(el) + ': no visible focus');
}
document.activeElement && document.activeElement.blur && document.activeElement.blur();
return gaps.slice(0, 10);
"#;

/// Every visible control on every route is in the tab order and shows where the focus is.
#[tokio::test]
async fn every_control_is_reachable_by_keyboard_with_a_visible_focus() -> Result<()> {
    run_within(&[], REGISTRY_TEST_LIMIT, |page| async move {
        let (widgets, routes) = every_route(&page).await?;
        let mut found = Vec::new();
        for route in &routes {
            page.goto(route).await?;
            page.client.refresh().await?;
            if let Some(w) = widgets.iter().find(|w| &w.route() == route) {
                page.wait_for(&w.section()).await?;
            }
            tokio::time::sleep(std::time::Duration::from_millis(800)).await;
            let gaps: Vec<String> = serde_json::from_value(page.client.execute(KEYBOARD_GAPS, Vec::new()).await?)?;
            found.extend(gaps.into_iter().map(|g| format!("{route}: {g}")));
        }
        ensure!(found.is_empty(), "controls the keyboard cannot use:\n  {}", found.join("\n  "));
        Ok(())
    })
    .await
}

//! The widget contract, checked on every widget the site registers. The widgets come from the
//! running site (the home page lists the registry: id, problem and hideable controls of each), so
//! a new widget is held to the contract the moment it is registered, with no list kept here.
//!
//! For every widget: the worked example opens with no console error; its share link reopens the
//! same state; a state file exported and changed imports back, survives a reload and Reset
//! returns to the example; the embed route renders in a frame on another origin and posts its
//! height; a classroom link hides each control it names; every Export item produces its file.

use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use fantoccini::Locator;
use frontier_e2e::{browser_log, run_within, Page, REGISTRY_TEST_LIMIT, WAIT};
use serde_json::{json, Value};

/// One registered widget as the home page lists it.
#[derive(Debug, Clone)]
pub(crate) struct Registered {
    pub(crate) id: String,
    pub(crate) problem: String,
    pub(crate) controls: Vec<String>,
    /// The compact views the widget declares: id, natural height, the parts each shows.
    pub(crate) views: Vec<(String, u32, Vec<String>)>,
}

impl Registered {
    pub(crate) fn route(&self) -> String {
        format!("#/{}/{}", self.problem, self.id)
    }

    pub(crate) fn section(&self) -> String {
        format!(r#"section.widget[data-widget="{}"]"#, self.id)
    }
}

/// Every widget the site registers, read from the home page.
pub(crate) async fn registered_widgets(page: &Page) -> Result<Vec<Registered>> {
    page.goto("#/").await?;
    let script = "const links = document.querySelectorAll('a[data-widget]'); \
                  return links.length ? Array.from(links).map(a => [a.dataset.widget, \
                  a.getAttribute('href'), a.dataset.controls || '', a.dataset.views || '[]']) : null;";
    let found = page.wait_for_script("the home page's widget links", script).await?;
    let rows: Vec<(String, String, String, String)> = serde_json::from_value(found)?;
    let mut widgets = Vec::new();
    for (id, href, controls, views) in rows {
        let problem = href
            .strip_prefix("#/")
            .and_then(|rest| rest.strip_suffix(&format!("/{id}")))
            .with_context(|| format!("the link of {id} is {href:?}, not #/<problem>/{id}"))?;
        let controls = controls.split(',').filter(|c| !c.is_empty()).map(str::to_string).collect();
        let views: Vec<(String, u32, Vec<String>)> =
            serde_json::from_str(&views).with_context(|| format!("the views of {id}: {views}"))?;
        widgets.push(Registered { id, problem: problem.to_string(), controls, views });
    }
    ensure!(widgets.len() >= 12, "the home page lists {} widgets; the registry has at least 12", widgets.len());
    Ok(widgets)
}

/// Every route of the site: home, about, landscape, benchmarks, the lessons (their list, the editor and a
/// lesson), each problem page, then each widget (the widgets are returned too).
pub(crate) async fn every_route(page: &Page) -> Result<(Vec<Registered>, Vec<String>)> {
    let widgets = registered_widgets(page).await?;
    let mut routes: Vec<String> = vec![
        "#/".into(),
        "#/about".into(),
        "#/landscape".into(),
        "#/benchmarks".into(),
        "#/lessons".into(),
        "#/lessons/author".into(),
        "#/lessons/grounding-vision-tokens".into(),
    ];
    for w in &widgets {
        let problem = format!("#/{}", w.problem);
        if !routes.contains(&problem) {
            routes.push(problem);
        }
    }
    routes.extend(widgets.iter().map(Registered::route));
    Ok((widgets, routes))
}

/// Opens `route` as a new route of the running app (a hash change, as a reader's click would be),
/// and waits for the widget's frame.
pub(crate) async fn open(page: &Page, widget: &Registered, route: &str) -> Result<()> {
    page.goto("#/").await?;
    page.goto(route).await?;
    page.wait_for(&widget.section()).await.with_context(|| format!("{}: {route} shows no widget", widget.id))?;
    Ok(())
}

/// Makes the widget's part of the site (its problem's module, `web/src/bundle.rs`) the page's,
/// so that the next hash navigations to it stay in this document: a test that watches the
/// document (a heartbeat, an observer) must start watching after this.
pub(crate) async fn enter_part(page: &Page, widget: &Registered) -> Result<()> {
    open(page, widget, &widget.route()).await
}

/// The `s=` state of the current route once the widget has written it.
pub(crate) async fn link_state(page: &Page, widget: &Registered) -> Result<String> {
    let script = "const m = location.hash.match(/[?&]s=([^&]*)/); return m ? decodeURIComponent(m[1]) : null;";
    let value = page.wait_for_script(&format!("{}'s state in the URL", widget.id), script).await?;
    value.as_str().map(str::to_string).context("the s= parameter is not text")
}

/// The JSON inside a link state `<version>.<base64url(JSON)>`.
pub(crate) fn decode_state(link: &str) -> Result<(u64, Value)> {
    let (version, data) = link.split_once('.').with_context(|| format!("{link:?} has no version"))?;
    let bytes = URL_SAFE_NO_PAD.decode(data).with_context(|| format!("{link:?} is not base64url"))?;
    Ok((version.parse()?, serde_json::from_slice(&bytes)?))
}

/// Console errors since the last look.
pub(crate) async fn console_errors(page: &Page) -> Result<Vec<String>> {
    Ok(browser_log(&page.client).await?.into_iter().filter(|e| e.level == "SEVERE").map(|e| e.message).collect())
}

/// Runs `check` on every registered widget and fails with every widget's failure listed.
async fn for_every_widget<F, Fut>(page: Page, check: F) -> Result<()>
where
    F: Fn(Page, Registered) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let widgets = registered_widgets(&page).await?;
    let mut failures = Vec::new();
    for widget in widgets {
        let id = widget.id.clone();
        if let Err(e) = check(page.clone(), widget).await {
            failures.push(format!("{id}: {e:#}"));
        }
    }
    ensure!(failures.is_empty(), "{} widget(s) broke the contract:\n  {}", failures.len(), failures.join("\n  "));
    Ok(())
}

#[tokio::test]
async fn every_widget_opens_its_worked_example_without_a_console_error() -> Result<()> {
    run_within(&[], REGISTRY_TEST_LIMIT, |page| async move {
        for_every_widget(page, |page, widget| async move {
            console_errors(&page).await?;
            open(&page, &widget, &widget.route()).await?;
            let (_, state) = decode_state(&link_state(&page, &widget).await?)?;
            ensure!(state.is_object(), "the example's state is not an object: {state}");
            let errors = console_errors(&page).await?;
            ensure!(errors.is_empty(), "the console has errors: {errors:?}");
            Ok(())
        })
        .await
    })
    .await
}

#[tokio::test]
async fn every_share_link_reopens_the_same_state() -> Result<()> {
    run_within(&[], REGISTRY_TEST_LIMIT, |page| async move {
        for_every_widget(page, |page, widget| async move {
            open(&page, &widget, &widget.route()).await?;
            let shared = link_state(&page, &widget).await?;
            // A reader with nothing saved opens the link in a new page.
            page.client.execute("localStorage.clear(); return true;", Vec::new()).await?;
            page.client.goto("about:blank").await?;
            let link = format!("{}?s={shared}", widget.route());
            page.goto(&link).await?;
            page.wait_for(&widget.section()).await?;
            let reopened = link_state(&page, &widget).await?;
            ensure!(decode_state(&reopened)? == decode_state(&shared)?, "the link opened {reopened}, not {shared}");
            ensure!(
                page.count(&format!("{} .notice.warning", widget.section())).await? == 0,
                "opening its own share link raised a warning: {}",
                page.text(&format!("{} .notice.warning", widget.section())).await?
            );
            Ok(())
        })
        .await
    })
    .await
}

#[tokio::test]
async fn every_embed_renders_in_a_frame_and_posts_its_height() -> Result<()> {
    run_within(&[], REGISTRY_TEST_LIMIT, |page| async move {
        for_every_widget(page, |page, widget| async move {
            page.goto_harness_route(&format!("#/embed/{}", widget.id)).await?;
            let script = "const r = window.__resize; \
                          return r && typeof r.height === 'number' && r.height > 100 ? r.height : null;";
            page.wait_for_script("a frontier-lab:resize message with a height over 100", script).await?;
            page.client.enter_frame(0).await?;
            let framed = page.wait_for(&widget.section()).await.map(|_| ());
            let headers = page.count("header.site-header").await;
            page.client.enter_parent_frame().await?;
            framed?;
            ensure!(headers? == 0, "the embed shows the site header");
            Ok(())
        })
        .await
    })
    .await
}

/// Every widget offers at least one compact view; framed on another origin, each posts a
/// height within the one it declares (so the Embed menu's `<iframe>` line fits it) and shows
/// the parts it names and none of the widget's other hideable parts.
#[tokio::test]
async fn every_compact_view_fits_its_declared_height_on_another_origin() -> Result<()> {
    run_within(&[], REGISTRY_TEST_LIMIT, |page| async move {
        for_every_widget(page, |page, widget| async move {
            ensure!(!widget.views.is_empty(), "{} declares no compact view", widget.id);
            for (view, height_px, shows) in &widget.views {
                page.goto_harness_route(&format!("#/embed/{}?view={view}", widget.id)).await?;
                let script = "const r = window.__resize; \
                              return r && typeof r.height === 'number' && r.height > 100 ? r.height : null;";
                page.wait_for_script("a frontier-lab:resize message", script).await?;
                // Let late parts (charts drawn after a measurement) settle, then read again.
                tokio::time::sleep(Duration::from_millis(600)).await;
                let posted = page.client.execute("return window.__resize.height;", Vec::new()).await?;
                let posted = posted.as_f64().context("a height")?;
                page.client.enter_frame(0).await?;
                let mut missing = Vec::new();
                let mut extra = Vec::new();
                for control in &widget.controls {
                    let n = page.count(&format!(r#"{} [data-control="{control}"]"#, widget.section())).await?;
                    match (shows.contains(control), n > 0) {
                        (true, false) => missing.push(control.clone()),
                        (false, true) => extra.push(control.clone()),
                        _ => {}
                    }
                }
                let toolbar = page.count(&format!(r#"{} [aria-label="Widget actions"]"#, widget.section())).await?;
                // Parts that only a compact view leaves out (`data-part`) are out of every view.
                let parts = page.count(&format!("{} [data-part]", widget.section())).await?;
                page.client.enter_parent_frame().await?;
                ensure!(missing.is_empty(), "{}?view={view} does not show {missing:?}", widget.id);
                ensure!(extra.is_empty(), "{}?view={view} also shows {extra:?}", widget.id);
                ensure!(toolbar == 0, "{}?view={view} shows the widget's toolbar", widget.id);
                ensure!(parts == 0, "{}?view={view} shows {parts} part(s) marked data-part", widget.id);
                ensure!(
                    posted <= f64::from(*height_px),
                    "{}?view={view} is {posted} px tall; it declares {height_px}",
                    widget.id
                );
            }
            Ok(())
        })
        .await
    })
    .await
}

#[tokio::test]
async fn every_classroom_link_hides_what_it_names() -> Result<()> {
    run_within(&[], REGISTRY_TEST_LIMIT, |page| async move {
        for_every_widget(page, |page, widget| async move {
            ensure!(widget.controls.iter().any(|c| c == "explain"), "the explanation is not hideable");
            open(&page, &widget, &widget.route()).await?;
            for control in &widget.controls {
                let part = format!(r#"{} [data-control="{control}"]"#, widget.section());
                page.wait_for(&part).await.with_context(|| format!("the full widget shows no {control:?}"))?;
            }
            for control in &widget.controls {
                open(&page, &widget, &format!("{}?hide={control}", widget.route())).await?;
                let part = format!(r#"{} [data-control="{control}"]"#, widget.section());
                ensure!(page.count(&part).await? == 0, "hide={control} leaves {control:?} on the page");
                let others = widget.controls.iter().filter(|c| *c != control).take(1);
                for other in others {
                    let kept = format!(r#"{} [data-control="{other}"]"#, widget.section());
                    page.wait_for(&kept).await.with_context(|| format!("hide={control} also hid {other:?}"))?;
                }
            }
            Ok(())
        })
        .await
    })
    .await
}

/// Keeps every file the page offers for download in `window.__downloads` (name, text) instead
/// of saving it.
pub(crate) const CAPTURE_DOWNLOADS: &str = r#"
if (!window.__downloads) {
  window.__downloads = [];
  const blobs = new Map();
  const create = URL.createObjectURL;
  URL.createObjectURL = function (blob) { const url = create.call(URL, blob); blobs.set(url, blob); return url; };
  HTMLAnchorElement.prototype.click = function () {
    const blob = blobs.get(this.href);
    if (this.download && blob) {
      const entry = { name: this.download, text: null };
      window.__downloads.push(entry);
      blob.text().then(t => { entry.text = t; });
    }
  };
}
window.__downloads.length = 0;
return true;
"#;

#[tokio::test]
async fn every_export_produces_its_file_and_a_changed_state_file_imports_back() -> Result<()> {
    run_within(&[], REGISTRY_TEST_LIMIT, |page| async move {
        for_every_widget(page, |page, widget| async move {
            open(&page, &widget, &widget.route()).await?;
            let example = decode_state(&link_state(&page, &widget).await?)?;
            page.client.execute(CAPTURE_DOWNLOADS, Vec::new()).await?;
            let files = export_everything(&page, &widget).await?;
            let state_file = files
                .iter()
                .find(|(name, _)| *name == format!("{}-state.json", widget.id))
                .context("Export has no state file")?;
            let envelope: Value = serde_json::from_str(&state_file.1).context("the state file is not JSON")?;
            ensure!(envelope["widget"] == json!(widget.id), "the state file names {}", envelope["widget"]);
            ensure!(
                envelope["state"] == example.1,
                "the state file holds {}, the link {}",
                envelope["state"],
                example.1
            );

            let changed = import_a_changed_state(&page, &widget, &envelope).await?;
            page.client.refresh().await?;
            page.wait_for(&widget.section()).await?;
            let reloaded = decode_state(&link_state(&page, &widget).await?)?.1;
            ensure!(same(&reloaded, &changed), "after a reload the state is {reloaded}, not the imported {changed}");

            let reset = format!(r#"{} .toolbar button[data-testid="reset"]"#, widget.section());
            page.client.find(Locator::Css(&reset)).await?.click().await?;
            let deadline = Instant::now() + WAIT;
            loop {
                if decode_state(&link_state(&page, &widget).await?)? == example {
                    break;
                }
                if Instant::now() > deadline {
                    bail!("Reset did not bring back the worked example");
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Ok(())
        })
        .await
    })
    .await
}

/// Clicks every item of the Export menu and returns the files they made. An item that needs
/// work the example starts by itself (training, a worker job) is tried again until it succeeds.
async fn export_everything(page: &Page, widget: &Registered) -> Result<Vec<(String, String)>> {
    let items = format!("{} details.export-menu .menu-items button", widget.section());
    page.client
        .execute(
            &format!("document.querySelector('{} details.export-menu').open = true; return true;", widget.section()),
            Vec::new(),
        )
        .await?;
    let count = page.count(&items).await?;
    ensure!(count >= 1, "the Export menu is empty");
    let mut files = Vec::new();
    for index in 0..count {
        let deadline = Instant::now() + WAIT * 3;
        loop {
            let script = "window.__downloads.length = 0; \
                          const b = document.querySelectorAll(arguments[0])[arguments[1]]; b.click(); return b.textContent;";
            let label = page.client.execute(script, vec![json!(items), json!(index)]).await?;
            tokio::time::sleep(Duration::from_millis(300)).await;
            let got = page
                .client
                .execute(
                    "return window.__downloads.filter(d => d.text !== null).map(d => [d.name, d.text]);",
                    Vec::new(),
                )
                .await?;
            let got: Vec<(String, String)> = serde_json::from_value(got)?;
            if let Some(file) = got.into_iter().next() {
                ensure!(!file.1.is_empty(), "{label} made an empty file {}", file.0);
                files.push(file);
                break;
            }
            if Instant::now() > deadline {
                let status = page.text(&format!("{} p.status", widget.section())).await.unwrap_or_default();
                bail!("{label} produced no file (status: {status:?})");
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
    Ok(files)
}

/// Imports the exported state changed in one field, trying fields until the widget accepts
/// one, and checks that the page then holds exactly that state. Returns the imported state.
async fn import_a_changed_state(page: &Page, widget: &Registered, envelope: &Value) -> Result<Value> {
    let input = format!("{} .toolbar input[type=file]", widget.section());
    let folder = std::env::temp_dir().join(format!("frontier-contract-{}-{}", std::process::id(), widget.id));
    std::fs::create_dir_all(&folder)?;
    let mut tried = Vec::new();
    for (n, changed) in variations(&envelope["state"]).into_iter().take(24).enumerate() {
        let mut file = envelope.clone();
        file["state"] = changed.clone();
        let path = folder.join(format!("state-{n}.json"));
        std::fs::write(&path, serde_json::to_string(&file)?)?;
        page.client
            .execute("document.querySelectorAll('.notice').forEach(n => n.remove()); return true;", Vec::new())
            .await?;
        page.client.find(Locator::Css(&input)).await?.send_keys(&path.to_string_lossy()).await?;
        let script = format!(
            "const n = document.querySelector({}); const t = n ? n.textContent : ''; \
             return t.includes('State imported') ? 'ok' : t.includes('could not be imported') ? t : null;",
            json!(format!("{} .notices", widget.section()))
        );
        let outcome = page.wait_for_script("the import's notice", &script).await?;
        if outcome == json!("ok") {
            let now = decode_state(&link_state(page, widget).await?)?.1;
            let _ = std::fs::remove_dir_all(&folder);
            ensure!(same(&now, &changed), "imported {changed}, but the page holds {now}");
            return Ok(changed);
        }
        tried.push(outcome.to_string());
    }
    let _ = std::fs::remove_dir_all(&folder);
    bail!("no changed state file was accepted; the widget said: {}", tried.join(" | "))
}

/// States that differ from `state` in one field each: a number nudged, a flag flipped, then text
/// lengthened (an id or an enum's name would be refused, and the next one is tried).
fn variations(state: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    let mut paths = Vec::new();
    leaves(state, &mut Vec::new(), &mut paths);
    for path in paths {
        let original = get(state, &path).clone();
        let candidates: Vec<Value> = match &original {
            Value::Bool(b) => vec![json!(!b)],
            Value::Number(n) if n.is_u64() || n.is_i64() => {
                let v = n.as_i64().unwrap_or(0);
                vec![json!(v + 1), json!(v - 1), json!(v * 2)]
            }
            Value::Number(n) => {
                let v = n.as_f64().unwrap_or(0.0);
                vec![json!(v * 1.25), json!(v * 0.8)]
            }
            _ => Vec::new(),
        };
        if original.is_string() {
            continue; // after every number and flag, below
        }
        for candidate in candidates {
            let mut changed = state.clone();
            if let Some(slot) = get_mut(&mut changed, &path) {
                *slot = candidate;
                out.push(changed);
            }
        }
    }
    for path in paths_of_strings(state) {
        let mut changed = state.clone();
        if let Some(slot) = get_mut(&mut changed, &path) {
            let text = slot.as_str().unwrap_or_default().to_string();
            *slot = json!(format!("{text}\n"));
            out.push(changed);
        }
    }
    out
}

fn paths_of_strings(value: &Value) -> Vec<Vec<String>> {
    let mut all = Vec::new();
    leaves(value, &mut Vec::new(), &mut all);
    all.into_iter().filter(|p| get(value, p).is_string()).collect()
}

fn leaves(value: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                at.push(key.clone());
                leaves(v, at, out);
                at.pop();
            }
        }
        Value::Bool(_) | Value::Number(_) | Value::String(_) => out.push(at.clone()),
        _ => {}
    }
}

fn get<'a>(value: &'a Value, path: &[String]) -> &'a Value {
    path.iter().fold(value, |v, key| &v[key.as_str()])
}

fn get_mut<'a>(value: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |v, key| v.get_mut(key.as_str()))
}

/// JSON equality with numbers compared to 1e-12 relative (the page re-serializes floats).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap_or(f64::NAN), y.as_f64().unwrap_or(f64::NAN));
            x == y || (x - y).abs() <= 1e-12 * x.abs().max(y.abs())
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w)),
        _ => a == b,
    }
}

#[test]
fn variations_change_one_leaf_each() {
    let state = json!({"gpus": 8, "nested": {"on": true, "rate": 0.5, "name": "x"}});
    let found = variations(&state);
    assert_eq!(found.len(), 3 + 1 + 2 + 1);
    assert_eq!(found[6], json!({"gpus": 8, "nested": {"on": true, "rate": 0.5, "name": "x\n"}}));
    assert!(found.contains(&json!({"gpus": 9, "nested": {"on": true, "rate": 0.5, "name": "x"}})));
    assert!(found.contains(&json!({"gpus": 8, "nested": {"on": false, "rate": 0.5, "name": "x"}})));
    assert!(found.contains(&json!({"gpus": 8, "nested": {"on": true, "rate": 0.625, "name": "x"}})));
    assert!(same(&json!({"a": 0.1 + 0.2}), &json!({"a": 0.3})));
    assert!(!same(&json!({"a": 0.1}), &json!({"a": 0.11})));
}

#[test]
fn link_states_decode() -> Result<()> {
    // "1." + base64url of {"a":1}
    assert_eq!(decode_state("1.eyJhIjoxfQ")?, (1, json!({"a": 1})));
    assert!(decode_state("nodot").is_err());
    Ok(())
}

/// The longest task on the page's own thread while each widget's worked example opens and runs
/// (a `PerformanceObserver` of long tasks, which the browser reports from 50 ms). Work longer
/// than the budget belongs in the worker.
const LONG_TASK_BUDGET_MS: f64 = 200.0;

#[tokio::test]
async fn every_worked_example_keeps_the_main_thread_within_the_long_task_budget() -> Result<()> {
    run_within(&[], REGISTRY_TEST_LIMIT, |page| async move {
        let observe = "window.__longest = 0; new PerformanceObserver(list => { for (const e of list.getEntries()) \
                       window.__longest = Math.max(window.__longest, e.duration); }).observe({ type: 'longtask' }); return true;";
        let widgets = registered_widgets(&page).await?;
        let mut measured = Vec::new();
        for widget in &widgets {
            page.client.goto("about:blank").await?;
            // Into the widget's part of the site first: its module must be the page's already,
            // or opening the widget loads the page afresh and the observer goes with the old one.
            enter_part(&page, widget).await?;
            page.goto("#/").await?;
            page.client.execute(observe, Vec::new()).await?;
            open(&page, widget, &widget.route()).await?;
            tokio::time::sleep(Duration::from_millis(2500)).await;
            let longest = page.client.execute("return window.__longest;", Vec::new()).await?;
            measured.push((widget.id.clone(), longest.as_f64().unwrap_or(f64::NAN)));
        }
        eprintln!("longest main-thread task while each worked example runs (ms): {measured:?}");
        let over: Vec<_> = measured.iter().filter(|(_, ms)| ms.is_nan() || *ms > LONG_TASK_BUDGET_MS).collect();
        ensure!(over.is_empty(), "over the {LONG_TASK_BUDGET_MS} ms long-task budget: {over:?}");
        Ok(())
    })
    .await
}

//! Hostile links: the corpus in `tests/hostile/links.jsonl` and generic attacks on every
//! registered widget's state. Each opens in the running app; the page must keep answering (a
//! heartbeat in the page never stalls a second), show no fatal panel, and leave the reader's
//! stored work as it was wherever the link is refused.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{bail, ensure, Context, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use frontier_e2e::{run_within, Page, REGISTRY_TEST_LIMIT};
use serde_json::{json, Value};

use crate::contract::{decode_state, enter_part, link_state, open, registered_widgets, Registered};

/// The longest the page's own thread may stall while a hostile link opens.
const MAX_STALL_MS: f64 = 1000.0;

/// Starts (or keeps) a heartbeat every 50 ms and resets the longest gap seen.
const HEARTBEAT: &str = r#"
if (!window.__heartbeat) {
  window.__heartbeat = { last: performance.now(), worst: 0 };
  setInterval(() => { const now = performance.now(); const h = window.__heartbeat;
    h.worst = Math.max(h.worst, now - h.last); h.last = now; }, 50);
}
window.__heartbeat.worst = 0; window.__heartbeat.last = performance.now();
return true;"#;

/// The longest gap since the last reset, once the heartbeat has beaten again.
const WORST_GAP: &str = r#"
const h = window.__heartbeat; if (!h) return -1;
return performance.now() - h.last < 200 ? h.worst : null;"#;

/// Every stored key of the app, with its value.
const STORAGE: &str = r#"
const out = {}; for (let i = 0; i < localStorage.length; i++) { const k = localStorage.key(i);
  if (k.startsWith('frontier-lab:') && !k.startsWith('frontier-lab:aside:')) out[k] = localStorage.getItem(k); }
return out;"#;

#[derive(Debug, Clone, serde::Deserialize)]
struct Case {
    widget: String,
    why: String,
    expect: String,
    #[serde(default)]
    set: BTreeMap<String, Value>,
    #[serde(default)]
    raw: Option<String>,
}

fn corpus() -> Result<Vec<Case>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("hostile/links.jsonl");
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).with_context(|| format!("{}:{}", path.display(), i + 1)))
        .collect()
}

/// Sets the field at `path` (`a/b/c`) of `state`.
fn set_path(state: &mut Value, path: &str, value: Value) -> Result<()> {
    let mut at = state;
    let parts: Vec<&str> = path.split('/').collect();
    for part in &parts[..parts.len() - 1] {
        at = at.get_mut(*part).with_context(|| format!("the example has no field {path:?}"))?;
    }
    let last = parts[parts.len() - 1];
    let object = at.as_object_mut().with_context(|| format!("{path:?} is not inside an object"))?;
    ensure!(object.contains_key(last), "the example has no field {path:?}");
    object.insert(last.to_string(), value);
    Ok(())
}

/// Applies `change` to every number (or every leaf) of `value`.
fn map_leaves(value: &Value, change: &dyn Fn(&Value) -> Option<Value>) -> Value {
    match value {
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), map_leaves(v, change))).collect()),
        Value::Array(items) => Value::Array(items.iter().map(|v| map_leaves(v, change)).collect()),
        leaf => change(leaf).unwrap_or_else(|| leaf.clone()),
    }
}

fn encode(version: u64, state: &Value) -> String {
    format!("{version}.{}", URL_SAFE_NO_PAD.encode(state.to_string()))
}

/// What one hostile link did.
struct Opened {
    /// The widget refused the state (it shows another) and said so.
    refused: bool,
    stall_ms: f64,
}

/// The first `n` characters, for messages about long values.
fn clip(text: &str, n: usize) -> String {
    let mut out: String = text.chars().take(n).collect();
    if text.chars().count() > n {
        out.push('…');
    }
    out
}

/// Opens `s` on `widget` and checks the page stayed alive; storage must be unchanged when the
/// link was refused.
async fn open_hostile(page: &Page, widget: &Registered, s: &str) -> Result<Opened> {
    enter_part(page, widget).await?;
    page.goto("#/").await?;
    page.client.execute(HEARTBEAT, Vec::new()).await?;
    let before = page.client.execute(STORAGE, Vec::new()).await?;
    open(page, widget, &format!("{}?s={s}", widget.route())).await?;
    // Let the widget do what the link asks for a moment, then take the heartbeat's word.
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let stall = page.wait_for_script("the page's heartbeat", WORST_GAP).await?;
    let stall_ms = stall.as_f64().context("no heartbeat")?;
    ensure!(stall_ms >= 0.0, "the document was replaced (no heartbeat)");
    ensure!(stall_ms < MAX_STALL_MS, "the page stalled {stall_ms:.0} ms");
    ensure!(page.count("#fatal-error").await? == 0, "the fatal panel: {}", page.text("#fatal-error").await?);
    // The host's own words when it cannot use a link's state (`framework/host.rs`).
    let script = format!(
        "return Array.from(document.querySelectorAll('{} .notice.warning')).map(n => n.textContent);",
        widget.section().replace('\'', "\\'")
    );
    let notices: Vec<String> = serde_json::from_value(page.client.execute(&script, Vec::new()).await?)?;
    let refused = notices.iter().any(|n| n.contains("The link's settings could not be used"));
    if refused {
        let after = page.client.execute(STORAGE, Vec::new()).await?;
        // Nothing stored is lost or changed; only the records of replaced work may grow.
        let (before, after) =
            (before.as_object().cloned().unwrap_or_default(), after.as_object().cloned().unwrap_or_default());
        for (key, value) in &before {
            let kept = key.starts_with("frontier-lab:previous:") || key.starts_with("frontier-lab:history:");
            ensure!(
                kept || after.get(key) == Some(value),
                "a refused link changed {key}: {} then {}",
                clip(&value.to_string(), 200),
                clip(&after.get(key).map(Value::to_string).unwrap_or_default(), 200)
            );
        }
    }
    Ok(Opened { refused, stall_ms })
}

#[tokio::test]
async fn every_link_of_the_hostile_corpus_is_refused_or_bounded() -> Result<()> {
    run_within(&[], REGISTRY_TEST_LIMIT, |page| async move {
        let widgets = registered_widgets(&page).await?;
        let mut examples: BTreeMap<String, (u64, Value)> = BTreeMap::new();
        let mut failures = Vec::new();
        let mut worst: BTreeMap<String, f64> = BTreeMap::new();
        for case in corpus()? {
            let widget =
                widgets.iter().find(|w| w.id == case.widget).with_context(|| format!("no widget {}", case.widget))?;
            if !examples.contains_key(&widget.id) {
                open(&page, widget, &widget.route()).await?;
                examples.insert(widget.id.clone(), decode_state(&link_state(&page, widget).await?)?);
            }
            let s = match &case.raw {
                Some(raw) => raw.clone(),
                None => {
                    let (version, mut state) = examples[&widget.id].clone();
                    for (path, value) in &case.set {
                        set_path(&mut state, path, value.clone())?;
                    }
                    encode(version, &state)
                }
            };
            let outcome = open_hostile(&page, widget, &s).await.and_then(|o| match (case.expect.as_str(), o.refused) {
                ("warning", false) => bail!("expected a warning, the link opened as given"),
                ("loads", true) => bail!("expected the link to open, it was refused"),
                _ => Ok(o),
            });
            match outcome {
                Ok(o) => {
                    let w = worst.entry(widget.id.clone()).or_default();
                    *w = w.max(o.stall_ms);
                }
                Err(e) => failures.push(format!("{} ({}): {e:#}", case.widget, case.why)),
            }
        }
        eprintln!("worst main-thread stall per widget while hostile links opened (ms): {worst:?}");
        ensure!(failures.is_empty(), "{} hostile link(s) misbehaved:\n  {}", failures.len(), failures.join("\n  "));
        Ok(())
    })
    .await
}

/// The same attacks on every widget, whatever its fields: every number 10^18, every number
/// negative, every field of the wrong type.
#[tokio::test]
async fn generic_attacks_on_every_widget_are_refused_or_bounded() -> Result<()> {
    run_within(&[], REGISTRY_TEST_LIMIT, |page| async move {
        let widgets = registered_widgets(&page).await?;
        let mut failures = Vec::new();
        for widget in &widgets {
            open(&page, widget, &widget.route()).await?;
            let (version, example) = decode_state(&link_state(&page, widget).await?)?;
            let attacks: [(&str, Value); 3] = [
                ("every number 10^18", map_leaves(&example, &|v| v.is_number().then(|| json!(1e18)))),
                ("every number negative", map_leaves(&example, &|v| v.as_f64().map(|x| json!(-1.0 - x.abs())))),
                (
                    "every field the wrong type",
                    map_leaves(&example, &|v| Some(if v.is_string() { json!([[[1]]]) } else { json!("x") })),
                ),
            ];
            for (name, state) in attacks {
                if let Err(e) = open_hostile(&page, widget, &encode(version, &state)).await {
                    failures.push(format!("{} ({name}): {e:#}", widget.id));
                }
            }
        }
        ensure!(failures.is_empty(), "{} attack(s) misbehaved:\n  {}", failures.len(), failures.join("\n  "));
        Ok(())
    })
    .await
}

/// Another site may frame an embed, never a full page (which holds saved work and its controls).
#[tokio::test]
async fn full_pages_refuse_to_be_framed_and_embeds_do_not() -> Result<()> {
    frontier_e2e::run(|page| async move {
        page.goto_harness_route("#/training/train-cost").await?;
        page.client.enter_frame(0).await?;
        let refused = page.wait_for(r#"[data-testid="framed-refused"]"#).await.map(|_| ());
        let widgets = page.count("section.widget").await;
        page.client.enter_parent_frame().await?;
        refused?;
        ensure!(widgets? == 0, "a framed full page still shows its widget");
        page.goto_harness_route("#/embed/train-cost").await?;
        page.client.enter_frame(0).await?;
        let shown = page.wait_for(r#"section.widget[data-widget="train-cost"]"#).await.map(|_| ());
        page.client.enter_parent_frame().await?;
        shown
    })
    .await
}

/// A trap in the WebAssembly (what a failed allocation is: an abort, with no panic hook) shows
/// the fatal panel with a reload button, not a dead page.
#[tokio::test]
async fn a_webassembly_trap_after_start_shows_the_fatal_panel() -> Result<()> {
    frontier_e2e::run(|page| async move {
        page.goto("#/training/train-cost").await?;
        page.wait_for(r#"section.widget[data-widget="train-cost"]"#).await?;
        let hooked = page.client.execute("return typeof window.frontierAbort === 'function';", Vec::new()).await?;
        ensure!(hooked == json!(true), "no test hook: build dist/ with `cargo xtask dist --test-hooks`");
        page.client.execute("setTimeout(() => window.frontierAbort(), 0); return true;", Vec::new()).await?;
        let panel = page.wait_for_text("#fatal-error", |t| !t.is_empty()).await?;
        ensure!(panel.contains("Frontier Lab stopped") && panel.contains("Reload"), "{panel}");
        // The trap is the expected console error of this test, not a failure of the harness's.
        let _ = frontier_e2e::browser_log(&page.client).await?;
        Ok(())
    })
    .await
}

/// The end-of-test check sees requests that no document lists: a worker's too. The harness page
/// (no CSP of its own) starts a worker that fetches from another origin; the browser's proxy,
/// which every test's Chromium uses, must receive it.
#[tokio::test]
async fn requests_for_another_origin_are_seen_even_from_a_worker() -> Result<()> {
    frontier_e2e::run(|page| async move {
        page.goto_harness_route("#/embed/train-cost").await?;
        let script = r#"
const code = "fetch('http://worker-request.invalid/probe').catch(() => {});";
new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
return true;"#;
        page.client.execute(script, Vec::new()).await?;
        let deadline = std::time::Instant::now() + frontier_e2e::WAIT;
        let mut seen = Vec::new();
        while !seen.iter().any(|r: &frontier_e2e::Request| r.path.contains("worker-request.invalid")) {
            ensure!(std::time::Instant::now() < deadline, "the proxy saw no request from the worker: {seen:?}");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            seen.extend(page.take_proxied());
        }
        // The refused fetch may log a network error: it is this test's, not the app's.
        let _ = frontier_e2e::browser_log(&page.client).await?;
        Ok(())
    })
    .await
}

/// A large upload (well above what the page analyses itself) is read and analysed in the worker:
/// the page's heartbeat never stalls a second, and every row is counted.
#[tokio::test]
async fn a_large_confidence_file_never_stalls_the_page() -> Result<()> {
    frontier_e2e::run(|page| async move {
        use crate::calibration::{million_rows, upload, wait_long};
        let dir = frontier_e2e::TempDir::new("frontier-e2e-large-upload")?;
        let path = dir.path().join("large.csv");
        let rows = 300_000;
        std::fs::write(&path, million_rows(rows))?;
        page.goto("#/hallucination/calibration").await?;
        page.wait_for_text(r#"output[data-testid="ece"]"#, |t| !t.is_empty()).await?;
        page.client.execute(HEARTBEAT, Vec::new()).await?;
        upload(&page, &path).await?;
        wait_long(&page, r#"output[data-testid="n"]"#, |t| t.replace(',', "") == rows.to_string()).await?;
        let stall = page.wait_for_script("the page's heartbeat", WORST_GAP).await?;
        let stall_ms = stall.as_f64().context("the heartbeat is not a number")?;
        println!("a {rows}-row upload: the page's longest stall was {stall_ms:.0} ms");
        ensure!(stall_ms < MAX_STALL_MS, "the page stalled {stall_ms:.0} ms while reading and analysing {rows} rows");
        Ok(())
    })
    .await
}

/// A PNG of `width` × `height` 1-bit grey pixels, with deflate's stored blocks (no compressor
/// needed): every row is a stripe pattern, so the image is not blank.
fn striped_png(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    let row_bytes = width.div_ceil(8) as usize;
    let mut raw = Vec::with_capacity((row_bytes + 1) * height as usize);
    for y in 0..height {
        raw.push(0); // no filter
        raw.extend(std::iter::repeat_n(if (y / 64) % 2 == 0 { 0xF0 } else { 0x0F }, row_bytes));
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in &raw {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        zlib.extend_from_slice(&len.to_le_bytes());
        zlib.extend_from_slice(&(!len).to_le_bytes());
        zlib.extend_from_slice(block);
    }
    zlib.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[1, 0, 0, 0, 0]); // 1-bit greyscale
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &zlib);
    chunk(&mut png, b"IEND", &[]);
    png
}

/// An image of 64 million pixels (under the 100 million limit) is decoded and scaled for
/// display without stalling the page a second.
#[tokio::test]
async fn a_64_megapixel_image_never_stalls_the_page() -> Result<()> {
    frontier_e2e::run(|page| async move {
        let dir = frontier_e2e::TempDir::new("frontier-e2e-large-image")?;
        let path = dir.path().join("large.png");
        std::fs::write(&path, striped_png(8_000, 8_000))?;
        page.goto("#/grounding/grounding").await?;
        page.wait_for(r#"section.widget[data-widget="grounding"]"#).await?;
        page.client.execute(HEARTBEAT, Vec::new()).await?;
        let input = page.client.find(fantoccini::Locator::Css(r#"[data-testid="grounding-file"]"#)).await?;
        input.send_keys(&path.display().to_string()).await.context("the file input refused the image")?;
        let message = page
            .wait_for_text(r#"[data-testid="grounding-message"]"#, |t| {
                t.contains("8000×8000") || t.contains("could not")
            })
            .await?;
        ensure!(message.contains("8000×8000"), "the image was not read: {message}");
        let stall = page.wait_for_script("the page's heartbeat", WORST_GAP).await?;
        let stall_ms = stall.as_f64().context("the heartbeat is not a number")?;
        println!("a 64-megapixel PNG: the page's longest stall was {stall_ms:.0} ms");
        ensure!(stall_ms < MAX_STALL_MS, "the page stalled {stall_ms:.0} ms decoding a 64-megapixel image");
        Ok(())
    })
    .await
}

/// An embed starts no heavy work by itself: weak-to-strong neither fetches its corpus nor trains
/// until Train, and a large CSP from a stranger's embed waits for Solve (the worked example,
/// 15 person–room pairs, still solves at once).
#[tokio::test]
async fn embeds_wait_for_a_click_before_heavy_work() -> Result<()> {
    frontier_e2e::run(|page| async move {
        page.goto_harness_route("#/embed/weak-to-strong").await?;
        page.client.enter_frame(0).await?;
        page.wait_for(r#"[data-testid="w2s-waiting"]"#).await?;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let fetched = |page: &Page| {
            page.app_requests().iter().any(|r| r.path.contains("weak-to-strong-brown") && r.path.ends_with(".bin"))
        };
        ensure!(!fetched(&page), "the embed fetched its corpus before Train");
        page.client.find(fantoccini::Locator::Css(r#"[data-testid="w2s-waiting"] button"#)).await?.click().await?;
        page.wait_for(r#"[data-testid="w2s-ceiling"]"#).await.context("Train should train")?;
        ensure!(fetched(&page), "the corpus should be fetched after Train");
        page.client.enter_parent_frame().await?;

        // Eleven people and ten rooms: 110 pairs, over the 100 an embed solves by itself.
        let people: Vec<String> = (0..11).map(|i| format!("P{i}")).collect();
        let rooms: Vec<String> = (0..10).map(|i| format!("R{i} (2)")).collect();
        let problem = format!("people: {}\nrooms: {}\n", people.join(", "), rooms.join(", "));
        let state = json!({ "problem": problem, "proposal": "", "count_limit": 100 });
        page.goto_harness_route(&format!("#/embed/csp?s={}", encode(1, &state))).await?;
        page.client.enter_frame(0).await?;
        page.wait_for(r#"[data-testid="csp-waiting"]"#).await?;
        page.client.find(fantoccini::Locator::Css(r#"[data-testid="csp-waiting"] + button"#)).await?.click().await?;
        let status = page.wait_for_text(r#"[data-testid="csp-status"]"#, |t| !t.is_empty()).await?;
        ensure!(status.contains("ways") || status.contains("way "), "after Solve: {status}");
        page.goto_harness_route("#/embed/csp").await?;
        page.client.enter_frame(0).await?;
        page.wait_for_text(r#"[data-testid="csp-status"]"#, |t| t.starts_with("2 ways")).await?;
        page.client.enter_parent_frame().await?;
        Ok(())
    })
    .await
}

/// Hostile files through the page's own inputs: state files for Import (nested 50,000 deep, for
/// another widget, from a future release) are refused with their reason and leave the state as
/// it was; a 1.4 MB trace is refused by the trace editor before it is read.
#[tokio::test]
async fn hostile_state_and_trace_files_are_refused_in_the_page() -> Result<()> {
    frontier_e2e::run(|page| async move {
        let files = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("hostile/files");
        page.goto("#/training/train-cost").await?;
        let section = r#"section.widget[data-widget="train-cost"]"#;
        page.wait_for(section).await?;
        let before = page.client.current_url().await?.to_string();
        for (name, says) in [
            ("state-deep.json", "recursion limit"),
            ("state-other-widget.json", "no-such-widget"),
            ("state-future-version.json", "newer release"),
        ] {
            page.client
                .execute("document.querySelectorAll('.notice').forEach(n => n.remove()); return true;", Vec::new())
                .await?;
            let input =
                page.client.find(fantoccini::Locator::Css(&format!("{section} .toolbar input[type=file]"))).await?;
            input.send_keys(&files.join(name).display().to_string()).await?;
            let notice =
                page.wait_for_text(&format!("{section} .notices"), |t| t.contains("could not be imported")).await?;
            ensure!(notice.contains(says), "{name}: the notice reads {notice:?}");
        }
        ensure!(page.client.current_url().await?.to_string() == before, "a refused import changed the state");

        page.goto("#/reasoning/cot").await?;
        page.wait_for(r#"section.widget[data-widget="cot"]"#).await?;
        let input = page.client.find(fantoccini::Locator::Css("#cot-file")).await?;
        input.send_keys(&files.join("cot-one-long-line.txt").display().to_string()).await?;
        let error = page.wait_for_text(r#"section.widget[data-widget="cot"] p.error"#, |t| !t.is_empty()).await?;
        ensure!(error.contains("the editor keeps 256 KB"), "the trace editor says {error:?}");
        Ok(())
    })
    .await
}

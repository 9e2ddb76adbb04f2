//! Browser-only behaviour, tested in headless Chromium with wasm-bindgen-test: storage,
//! the URL, and the training widget mounted into a real DOM.

use frontier_state::envelope::storage_key;
use frontier_web::framework::dom;
use frontier_web::framework::storage::Store;
use frontier_web::widgets::render;
use frontier_web::widgets::train_cost::TrainCostState;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const KEY: &str = "frontier-lab:v1:train-cost";

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).unwrap_or_else(|| panic!("no document"))
}

/// Mounts the widget into a fresh container and returns it.
fn mount_widget(hash: &str) -> web_sys::HtmlElement {
    dom::replace_hash(hash);
    let container: web_sys::HtmlElement = document()
        .create_element("div")
        .and_then(|e| e.dyn_into().map_err(Into::into))
        .unwrap_or_else(|e| panic!("{e:?}"));
    document().body().unwrap_or_else(|| panic!("no body")).append_child(&container).unwrap_or_else(|e| panic!("{e:?}"));
    let query = frontier_state::Route::parse(hash);
    let query = match query {
        frontier_state::Route::Widget { query, .. } => query,
        _ => Default::default(),
    };
    leptos::mount::mount_to(container.clone(), move || render("train-cost", query.clone(), false)).forget();
    container
}

/// Yields to the browser's event loop until `cond` holds (effects run after the current
/// task), giving up after 200 turns. Waits for an event, never for a duration.
async fn until(mut cond: impl FnMut() -> bool) -> bool {
    for _ in 0..200 {
        if cond() {
            return true;
        }
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
            }
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
    cond()
}

fn text_of(root: &web_sys::HtmlElement, selector: &str) -> String {
    root.query_selector(selector).ok().flatten().and_then(|e| e.text_content()).unwrap_or_default()
}

fn clear_storage() {
    if let Ok(Some(s)) = web_sys::window().unwrap_or_else(|| panic!("no window")).local_storage() {
        let _ = s.clear();
    }
}

#[wasm_bindgen_test]
fn local_storage_round_trips() {
    let store = Store::open();
    assert!(store.is_available());
    assert_eq!(store.set("frontier-lab:test", "value"), Ok(()));
    assert_eq!(store.get("frontier-lab:test"), Ok(Some("value".to_string())));
    assert_eq!(store.remove("frontier-lab:test"), Ok(()));
    assert_eq!(store.get("frontier-lab:test"), Ok(None));
}

#[wasm_bindgen_test]
async fn widget_shows_the_articles_mfu_and_writes_its_state_to_the_url_and_storage() {
    clear_storage();
    let root = mount_widget("#/training/train-cost");
    // 6 · 37e9 · 14.8e12 / (2048 · 989e12 · 1320 · 3600) = 0.341 (the article's own inputs).
    assert_eq!(text_of(&root, "output[data-testid=mfu]"), "0.341");
    assert_eq!(text_of(&root, "output[data-testid=total_cost_usd]"), "$5,406,720");
    assert!(until(|| dom::current_hash().starts_with("#/training/train-cost?s=1.")).await, "{}", dom::current_hash());
    let saved = Store::open().get(&storage_key("train-cost")).ok().flatten().unwrap_or_default();
    assert_eq!(frontier_state::Envelope::unwrap::<TrainCostState>(&saved), Ok(TrainCostState::example()));
    root.remove();
}

#[wasm_bindgen_test]
fn a_link_state_wins_and_the_replaced_work_is_kept() {
    clear_storage();
    let mut mine = TrainCostState::example();
    mine.inputs.hours = 660.0; // Half the time: MFU doubles to 0.683.
    let text = frontier_state::Envelope::wrap(&mine).unwrap_or_default();
    Store::open().set(KEY, &text).unwrap_or_else(|e| panic!("{e}"));

    let mut linked = TrainCostState::example();
    linked.inputs.gpus = 4096.0; // Twice the GPUs for the same hours: MFU halves to 0.171.
    let s = frontier_state::encode_link_state(&linked).unwrap_or_default();
    let root = mount_widget(&format!("#/training/train-cost?s={s}"));
    assert_eq!(text_of(&root, "output[data-testid=mfu]"), "0.171");
    let kept = Store::open().get("frontier-lab:previous:train-cost").ok().flatten().unwrap_or_default();
    assert_eq!(frontier_state::Envelope::unwrap::<TrainCostState>(&kept), Ok(mine));
    assert!(text_of(&root, ".notices").contains("replaced your earlier work"));
    root.remove();
}

#[wasm_bindgen_test]
fn unreadable_saved_work_is_kept_aside_not_overwritten() {
    clear_storage();
    let garbage =
        "{\"format\":\"frontier-lab/widget-state\",\"widget\":\"train-cost\",\"version\":1,\"state\":{\"inputs\":42}}";
    Store::open().set(KEY, garbage).unwrap_or_else(|e| panic!("{e}"));
    let root = mount_widget("#/training/train-cost");
    // The widget falls back to the worked example...
    assert_eq!(text_of(&root, "output[data-testid=mfu]"), "0.341");
    assert!(text_of(&root, ".notices").contains("could not be read"));
    // ...and the unreadable text survives byte for byte under an aside key.
    let storage =
        web_sys::window().and_then(|w| w.local_storage().ok().flatten()).unwrap_or_else(|| panic!("no storage"));
    let len = storage.length().unwrap_or(0);
    let aside: Vec<String> = (0..len)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.starts_with("frontier-lab:aside:train-cost:"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(storage.get_item(&aside[0]).ok().flatten().as_deref(), Some(garbage));
    root.remove();
}

#[wasm_bindgen_test]
fn a_bad_link_falls_back_with_a_notice() {
    clear_storage();
    let root = mount_widget("#/training/train-cost?s=1.not-base64!");
    assert_eq!(text_of(&root, "output[data-testid=mfu]"), "0.341");
    assert!(text_of(&root, ".notices").contains("could not be used"));
    root.remove();
}

#[wasm_bindgen_test]
fn classroom_hide_removes_controls_and_explanation() {
    clear_storage();
    let root = mount_widget("#/training/train-cost?hide=gpus,explain");
    assert!(root.query_selector("[data-testid=gpus-slider]").ok().flatten().is_none());
    assert!(root.query_selector(".explain").ok().flatten().is_none());
    assert!(root.query_selector("[data-testid=hours-slider]").ok().flatten().is_some());
    root.remove();
}

#[wasm_bindgen_test]
fn the_fatal_error_panel_shows_text_and_a_reload_button() {
    // Markup in the message must come out as text, never as HTML.
    frontier_web::framework::fatal::show_fatal_error("boom <b>not bold</b>");
    let panel = document().get_element_by_id("fatal-error").unwrap_or_else(|| panic!("no panel"));
    assert_eq!(panel.get_attribute("role").as_deref(), Some("alert"));
    let detail = panel.query_selector("pre").ok().flatten().and_then(|p| p.text_content()).unwrap_or_default();
    assert_eq!(detail, "boom <b>not bold</b>");
    assert!(panel.query_selector("pre b").ok().flatten().is_none());
    let button = panel.query_selector("button").ok().flatten().and_then(|b| b.text_content()).unwrap_or_default();
    assert_eq!(button, "Reload");
    panel.remove();
}

/// The page picks the worker built with relaxed SIMD where the browser validates the probe
/// module. Chromium has shipped relaxed SIMD since version 114, so the test browser validates it;
/// the same module with its opcode changed to one that does not exist (0xfd 0x1ff) is refused.
#[wasm_bindgen_test]
fn chromium_validates_the_relaxed_simd_probe_and_refuses_a_broken_one() {
    use frontier_web::framework::files::{relaxed_simd, RELAXED_SIMD_PROBE};
    assert!(relaxed_simd());
    let mut broken = RELAXED_SIMD_PROBE;
    let at = broken.len() - 3;
    assert_eq!(broken[at..], [0x85, 0x02, 0x0b], "the probe ends with relaxed_madd's opcode and `end`");
    broken[at] = 0xff;
    broken[at + 1] = 0x03;
    let bytes = js_sys::Uint8Array::from(&broken[..]);
    assert_eq!(js_sys::WebAssembly::validate(&bytes).ok(), Some(false));
}

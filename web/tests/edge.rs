//! The edge widget in a real DOM: its worked example shows the article's verdict beside the
//! realistic one, and a link state changes the verdict.

use frontier_web::framework::dom;
use frontier_web::widgets::edge::EdgeState;
use frontier_web::widgets::render;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn mount(query: frontier_state::Query) -> web_sys::HtmlElement {
    let doc = web_sys::window().and_then(|w| w.document()).unwrap_or_else(|| panic!("no document"));
    let el: web_sys::HtmlElement =
        doc.create_element("div").ok().and_then(|e| e.dyn_into().ok()).unwrap_or_else(|| panic!("no div"));
    doc.body().unwrap_or_else(|| panic!("no body")).append_child(&el).unwrap_or_else(|e| panic!("{e:?}"));
    leptos::mount::mount_to(el.clone(), move || render("edge-feasibility", query.clone(), false)).forget();
    el
}

fn text(root: &web_sys::HtmlElement, selector: &str) -> String {
    root.query_selector(selector).ok().flatten().and_then(|e| e.text_content()).unwrap_or_default()
}

#[wasm_bindgen_test]
fn the_iphone_example_fits_for_the_article_but_not_in_reality() {
    dom::replace_hash("#/edge/edge-feasibility");
    let root = mount(Default::default());
    // Article: 4 GB + 0.5 GB ≤ 8 GB, 100 GB/s / 4 GB = 25 tokens/s.
    assert!(text(&root, "[data-testid=article-verdict]").contains("25.0 tokens/s"));
    assert!(text(&root, "[data-testid=article-verdict]").contains("Fits"));
    // Realistic: 5.75 GB needed against 8 GB × 0.6 usable.
    assert_eq!(text(&root, "[data-testid=edge-verdict]"), "Does not fit");
    assert!(text(&root, "[data-testid=realistic-verdict]").contains("0.95 GB missing"));
    root.remove();
}

#[wasm_bindgen_test]
fn a_link_to_a_bigger_device_fits() {
    let mut state = EdgeState::example();
    state.device = frontier_costs::edge::Device::by_id("apple-m2-max").unwrap_or_else(|| panic!("no preset"));
    let s = frontier_state::encode_link_state(&state).unwrap_or_default();
    dom::replace_hash(&format!("#/edge/edge-feasibility?s={s}"));
    let root = mount(frontier_state::Query { state: Some(s), hide: vec![], view: None });
    assert_eq!(text(&root, "[data-testid=edge-verdict]"), "Fits");
    // 400 GB/s · 0.72 / 5.45 GB per step = 52.8 tokens/s.
    assert_eq!(text(&root, "[data-testid=edge-tps]"), "52.8 tokens/s");
    root.remove();
}

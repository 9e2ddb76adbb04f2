//! Embed mode tells its parent page how tall it is, so the host's iframe can fit it:
//! `{"type":"frontier-lab:resize","height":N}` on every height change.

use wasm_bindgen::{closure::Closure, JsCast, JsValue};

/// Starts observing the document's height and posting it to the parent window.
/// The message carries only a height, so `"*"` as target origin discloses nothing.
pub fn start_posting_height() {
    let Some(window) = web_sys::window() else { return };
    let Ok(parent) = window.parent() else { return };
    let Some(parent) = parent else { return };
    let Some(root) = window.document().and_then(|d| d.document_element()) else { return };
    let last_height = std::cell::Cell::new(-1.0_f64);
    let post = move || {
        let Some(doc_el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else {
            return;
        };
        let height = f64::from(doc_el.scroll_height()).ceil();
        if (height - last_height.get()).abs() < 1.0 {
            return; // Same height: no message, so host and frame cannot oscillate.
        }
        last_height.set(height);
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"type".into(), &"frontier-lab:resize".into());
        let _ = js_sys::Reflect::set(&message, &"height".into(), &JsValue::from_f64(height));
        let _ = parent.post_message(&message, "*");
    };
    post();
    let callback = Closure::<dyn FnMut(js_sys::Array, web_sys::ResizeObserver)>::new(move |_entries, _observer| post());
    if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
        observer.observe(&root);
        if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
            observer.observe(&body);
        }
    }
    callback.forget(); // Observes for the page's whole life.
}

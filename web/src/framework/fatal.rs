//! The error panel shown when the app panics: readable text and a reload button instead of
//! a dead page. Built with plain DOM calls because leptos may be what failed.

use std::panic;

use wasm_bindgen::JsCast;

/// Replaces the default panic behaviour: log to the console, then show the panel.
pub fn install_panic_hook() {
    panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_fatal_error(&info.to_string());
    }));
}

/// In the tests' build only (`FRONTIER_TEST_HOOKS`): `window.frontierAbort()` aborts the
/// WebAssembly as a failed allocation does (a trap, with no panic hook), so the tests can see the
/// page answer it with the fatal panel (`static/boot.js`).
pub fn install_test_hooks() {
    if option_env!("FRONTIER_TEST_HOOKS").is_none() {
        return;
    }
    let Some(window) = web_sys::window() else { return };
    let abort = wasm_bindgen::closure::Closure::<dyn Fn()>::new(|| std::process::abort());
    let _ = js_sys::Reflect::set(&window, &"frontierAbort".into(), abort.as_ref());
    abort.forget(); // Lives as long as the page, like the hook it is.
}

/// Removes the "loading" notice that index.html shows until the wasm starts.
pub fn clear_boot_notice() {
    if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("boot")) {
        el.remove();
    }
}

/// Shows `message` in the fatal-error panel (as text, never as HTML).
pub fn show_fatal_error(message: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(body) = doc.body() else { return };
    if doc.get_element_by_id("fatal-error").is_some() {
        return; // The first error is the one that matters; later ones are consequences.
    }
    let build = || -> Result<(), wasm_bindgen::JsValue> {
        let panel = doc.create_element("div")?;
        panel.set_id("fatal-error");
        panel.set_attribute("role", "alert")?;
        let title = doc.create_element("h2")?;
        title.set_text_content(Some("Something went wrong"));
        let text = doc.create_element("p")?;
        text.set_text_content(Some(
            "Frontier Lab stopped because of an internal error. Your saved work is still in this browser; \
             reloading usually fixes it. If it happens again, please report the message below.",
        ));
        let detail = doc.create_element("pre")?;
        detail.set_text_content(Some(message));
        let button = doc.create_element("button")?;
        button.set_text_content(Some("Reload"));
        button.set_attribute("type", "button")?;
        let reload = wasm_bindgen::closure::Closure::<dyn Fn()>::new(|| {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        });
        if let Some(b) = button.dyn_ref::<web_sys::HtmlElement>() {
            b.set_onclick(Some(reload.as_ref().unchecked_ref()));
        }
        reload.forget(); // The page is finished; the closure lives until reload.
        for child in [&title, &text, &detail, &button] {
            panel.append_child(child)?;
        }
        body.append_child(&panel)?;
        Ok(())
    };
    let _ = build();
}

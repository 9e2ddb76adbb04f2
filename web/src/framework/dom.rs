//! Small browser helpers: downloads, clipboard, location. Every failure is returned, never
//! unwrapped: a blocked clipboard or download must not take the page down.

use wasm_bindgen::{JsCast, JsValue};

fn js_err(e: JsValue) -> String {
    e.as_string()
        .or_else(|| js_sys::JSON::stringify(&e).ok().and_then(|s| s.as_string()))
        .unwrap_or_else(|| "unknown error".into())
}

fn document() -> Result<web_sys::Document, String> {
    web_sys::window().and_then(|w| w.document()).ok_or_else(|| "no document".to_string())
}

/// Offers `bytes` as a file download named `filename`.
pub fn download_bytes(filename: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    download_blob(filename, &typed_blob(bytes, mime)?)
}

/// A `Blob` holding a copy of `bytes`, with a MIME type.
fn typed_blob(bytes: &[u8], mime: &str) -> Result<web_sys::Blob, String> {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(js_err)
}

/// A `Blob` holding a copy of `bytes`, to attach to a worker job.
pub fn bytes_blob(bytes: &[u8]) -> Result<web_sys::Blob, String> {
    typed_blob(bytes, "application/octet-stream")
}

/// Offers a blob as a file download.
pub fn download_blob(filename: &str, blob: &web_sys::Blob) -> Result<(), String> {
    let url = web_sys::Url::create_object_url_with_blob(blob).map_err(js_err)?;
    let doc = document()?;
    let a: web_sys::HtmlAnchorElement =
        doc.create_element("a").map_err(js_err)?.dyn_into().map_err(|_| "not an anchor")?;
    a.set_href(&url);
    a.set_download(filename);
    a.click();
    // The click has started the download; the URL can go once this task ends.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 1000);
    }
    Ok(())
}

/// Copies text to the clipboard. Resolves to an error where the browser refuses (no
/// permission, insecure context); callers then show the text for manual copying.
pub async fn copy_text(text: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let clipboard = window.navigator().clipboard();
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text)).await.map(|_| ()).map_err(js_err)
}

/// The page URL without its hash, for building share links.
pub fn page_base_url() -> String {
    let Some(window) = web_sys::window() else { return String::new() };
    let href = window.location().href().unwrap_or_default();
    match href.split_once('#') {
        Some((base, _)) => base.to_string(),
        None => href,
    }
}

/// The current `location.hash`.
pub fn current_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// Rewrites the hash without adding a history entry or firing `hashchange`.
pub fn replace_hash(hash: &str) {
    let Some(window) = web_sys::window() else { return };
    if current_hash() == hash {
        return;
    }
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(hash));
    }
}

/// Milliseconds since the epoch, for unique names (never for analysis).
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The file chosen in the `<input type="file">` an event came from; the input is cleared so
/// choosing the same file again fires again.
pub fn event_file(ev: &web_sys::Event) -> Option<web_sys::File> {
    let input = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())?;
    let file = input.files().and_then(|f| f.get(0));
    input.set_value("");
    file
}

/// Reads a user-chosen file as text.
pub async fn read_file_text(file: &web_sys::File) -> Result<String, String> {
    let promise = file.text();
    let value = wasm_bindgen_futures::JsFuture::from(promise).await.map_err(js_err)?;
    value.as_string().ok_or_else(|| "the file is not text".to_string())
}

/// The bytes at `url` (this site's own: the CSP allows nothing else).
pub async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let url = &crate::framework::files::resolve(url);
    let response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(url)).await.map_err(js_err)?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| "not a response".to_string())?;
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    let buffer =
        wasm_bindgen_futures::JsFuture::from(response.array_buffer().map_err(js_err)?).await.map_err(js_err)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Opens the browser's print dialog (the print stylesheet makes handouts of lessons and labs).
pub fn print() {
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}

/// Scrolls the page back to its top (a new lesson step starts there).
pub fn scroll_to_top() {
    if let Some(w) = web_sys::window() {
        w.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// Goes to another route of the site (a new history entry; the router follows `hashchange`).
pub fn set_hash(hash: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(hash);
    }
}

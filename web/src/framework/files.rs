//! Where this build put a file: the release build gives the workers, the boot script and the data
//! files content-hashed names (`cargo xtask dist`, `crates/xtask/src/names.rs`) and lists them in
//! `<meta name="frontier-files">`, so a cached file of an older build never meets this page.
//! Without the list (`trunk serve`) a file keeps its plain name.

use std::collections::BTreeMap;

thread_local! {
    static NAMES: BTreeMap<String, String> = read_names();
}

fn read_names() -> BTreeMap<String, String> {
    let content = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(r#"meta[name="frontier-files"]"#).ok().flatten())
        .and_then(|meta| meta.get_attribute("content"));
    content.and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_default()
}

/// The URL of `url` (`./name`, relative to the page) in this build.
pub fn resolve(url: &str) -> String {
    let Some(name) = url.strip_prefix("./") else { return url.to_string() };
    NAMES.with(|names| names.get(name).map_or_else(|| url.to_string(), |hashed| format!("./{hashed}")))
}

/// The loader script of the worker that runs long jobs (Trunk's `worker_loader.js`).
pub fn worker_url() -> String {
    resolve("./worker_loader.js")
}

/// The loader script of the model lab's worker, which holds the language model
/// (`lm_worker_loader.js`): only the page that uses the model loads it.
pub fn lm_worker_url() -> String {
    resolve("./lm_worker_loader.js")
}

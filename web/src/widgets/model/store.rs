//! The model file in this browser: downloaded from this site only when the reader asks (with
//! progress and Cancel), then kept in Cache Storage so that it survives reloads and works
//! offline, and removed on request. Nothing here ever addresses another origin: the URL is the
//! site's own `./models/…`.

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Where the site serves the model (`cargo xtask dist` copies it there when this checkout has it).
pub const MODEL_URL: &str = "./models/SmolLM2-135M-Instruct.Q4_1.gguf";
/// The Cache Storage bucket the model is kept in. Not `frontier-lab-…`: the service worker drops
/// those of older builds, and a model the reader downloaded must outlive a deploy.
pub const CACHE_NAME: &str = "frontier-models-v1";
/// The file's size, for the button's label and the progress bar when the server gives none.
pub const MODEL_BYTES: f64 = 98_362_432.0;

/// Why a download did not give a file.
#[derive(Debug, Clone, PartialEq)]
pub enum FetchError {
    /// The site has no model file (404).
    NotInstalled,
    Cancelled,
    Failed(String),
}

fn js_err(e: JsValue) -> String {
    e.as_string()
        .or_else(|| e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())))
        .unwrap_or_else(|| format!("{e:?}"))
}

async fn cache() -> Result<web_sys::Cache, String> {
    let window = web_sys::window().ok_or("no window")?;
    let storage = window.caches().map_err(|e| format!("this page may not use the browser's storage ({})", js_err(e)))?;
    JsFuture::from(storage.open(CACHE_NAME)).await.map_err(js_err)?.dyn_into::<web_sys::Cache>().map_err(js_err)
}

/// The kept model's bytes, if this browser has them (`Ok(None)`: not kept; `Err`: no storage).
pub async fn cached() -> Result<Option<Uint8Array>, String> {
    let cache = cache().await?;
    let hit = JsFuture::from(cache.match_with_str(MODEL_URL)).await.map_err(js_err)?;
    let Ok(response) = hit.dyn_into::<web_sys::Response>() else { return Ok(None) };
    let buffer = JsFuture::from(response.array_buffer().map_err(js_err)?).await.map_err(js_err)?;
    Ok(Some(Uint8Array::new(&buffer)))
}

/// Whether this browser keeps the model, without reading it.
pub async fn is_cached() -> Result<bool, String> {
    let cache = cache().await?;
    let hit = JsFuture::from(cache.match_with_str(MODEL_URL)).await.map_err(js_err)?;
    Ok(hit.is_instance_of::<web_sys::Response>())
}

/// Keeps `bytes` as the model (a copy: the array stays usable).
pub async fn keep(bytes: &Uint8Array) -> Result<(), String> {
    let cache = cache().await?;
    let init = web_sys::ResponseInit::new();
    init.set_status(200);
    let response = web_sys::Response::new_with_opt_buffer_source_and_init(Some(bytes.as_ref()), &init).map_err(js_err)?;
    JsFuture::from(cache.put_with_str(MODEL_URL, &response)).await.map_err(js_err)?;
    Ok(())
}

/// Forgets the kept model.
pub async fn remove() -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let storage = window.caches().map_err(js_err)?;
    JsFuture::from(storage.delete(CACHE_NAME)).await.map_err(js_err)?;
    Ok(())
}

/// Downloads the model from this site, reporting `(bytes so far, total)`; `signal` cancels.
pub async fn download(signal: &web_sys::AbortSignal, progress: impl Fn(f64, f64)) -> Result<Uint8Array, FetchError> {
    let failed = |e: JsValue| {
        if signal.aborted() {
            FetchError::Cancelled
        } else {
            FetchError::Failed(js_err(e))
        }
    };
    let window = web_sys::window().ok_or(FetchError::Failed("no window".into()))?;
    let init = web_sys::RequestInit::new();
    init.set_signal(Some(signal));
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(MODEL_URL, &init))
        .await
        .map_err(failed)?
        .dyn_into()
        .map_err(failed)?;
    if response.status() == 404 {
        return Err(FetchError::NotInstalled);
    }
    if !response.ok() {
        return Err(FetchError::Failed(format!("the site answered {} {}", response.status(), response.status_text())));
    }
    let total = response
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|&n| n > 0.0)
        .unwrap_or(MODEL_BYTES);
    let body = response.body().ok_or(FetchError::Failed("the response has no body".into()))?;
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut chunks: Vec<Uint8Array> = Vec::new();
    let mut done_bytes = 0.0;
    progress(0.0, total);
    loop {
        let step = JsFuture::from(reader.read()).await.map_err(failed)?;
        if Reflect::get(&step, &"done".into()).ok().and_then(|v| v.as_bool()).unwrap_or(true) {
            break;
        }
        let Ok(chunk) = Reflect::get(&step, &"value".into()).map_err(failed)?.dyn_into::<Uint8Array>() else {
            return Err(FetchError::Failed("the download gave something other than bytes".into()));
        };
        done_bytes += f64::from(chunk.length());
        chunks.push(chunk);
        progress(done_bytes, total.max(done_bytes));
    }
    // One array of the whole file, filled chunk by chunk.
    let whole = Uint8Array::new_with_length(done_bytes as u32);
    let mut at = 0u32;
    for chunk in chunks {
        whole.set(&chunk, at);
        at += chunk.length();
    }
    Ok(whole)
}

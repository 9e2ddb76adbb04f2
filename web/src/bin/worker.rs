//! The Web Worker: receives a [`Job`] as JSON (with a file beside it for jobs that read one),
//! posts progress and the result back.

use std::cell::{Cell, RefCell};

use frontier_web::jobs::{run_job, ByteSource, DisplayCopy, Finished, Job, JobReply};
use frontier_web::sae_worker::{SaeCommand, SaeDriver, SaeReply};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};

/// Milliseconds of training between yields: short enough that Pause answers at once and the
/// curves move smoothly, long enough that posting costs little.
const SLICE_MS: f64 = 60.0;

thread_local! {
    /// The SAE run this worker holds (one per worker; Cancel terminates the worker). A slice of
    /// training takes it out while it runs (GPU slices wait on the GPU), so messages that arrive
    /// meanwhile only set the flags below.
    static SAE: RefCell<Option<SaeDriver>> = const { RefCell::new(None) };
    static PAUSED: Cell<bool> = const { Cell::new(false) };
    /// The steps done, for the `Paused` reply while a slice holds the run.
    static LAST_STEP: Cell<u64> = const { Cell::new(0) };
    /// Destroy the GPU device before the next slice (the recovery tests).
    static LOSE_DEVICE: Cell<bool> = const { Cell::new(false) };
}

fn post(scope: &web_sys::DedicatedWorkerGlobalScope, reply: &JobReply) {
    if let Ok(text) = serde_json::to_string(reply) {
        let _ = scope.post_message(&text.into());
    }
}

/// A finished job's reply with its result's bytes beside it (`{ reply, bytes }`), the buffer
/// transferred rather than copied.
fn post_with_bytes(scope: &web_sys::DedicatedWorkerGlobalScope, result: String, bytes: &[u8]) {
    let Ok(text) = serde_json::to_string(&JobReply::Done { result }) else { return };
    let array = js_sys::Uint8Array::from(bytes);
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"reply".into(), &text.into());
    let _ = js_sys::Reflect::set(&message, &"bytes".into(), &array);
    let transfer = js_sys::Array::of1(&array.buffer());
    let _ = scope.post_message_with_transfer(&message, &transfer);
}

/// A `Blob` read slice by slice. Workers may read synchronously, so the job's loop needs no
/// async plumbing, and only one slice is in memory at a time.
struct BlobSource {
    blob: web_sys::Blob,
    reader: web_sys::FileReaderSync,
}

impl ByteSource for BlobSource {
    fn size_bytes(&self) -> u64 {
        self.blob.size() as u64
    }

    fn read(&mut self, start: u64, end: u64) -> Result<Vec<u8>, String> {
        let slice = self.blob.slice_with_f64_and_f64(start as f64, end as f64).map_err(|e| format!("{e:?}"))?;
        let buffer = self.reader.read_as_array_buffer(&slice).map_err(|e| format!("the file cannot be read: {e:?}"))?;
        Ok(js_sys::Uint8Array::new(&buffer).to_vec())
    }
}

/// The job's JSON and its file, from a message `{ job: string, file?: Blob }`.
fn unpack(data: &JsValue) -> Result<(Job, Option<web_sys::Blob>), String> {
    let text =
        js_sys::Reflect::get(data, &"job".into()).ok().and_then(|v| v.as_string()).ok_or("the job is not text")?;
    let job = serde_json::from_str::<Job>(&text).map_err(|e| format!("the job is not understood: {e}"))?;
    let file = js_sys::Reflect::get(data, &"file".into()).ok().and_then(|v| v.dyn_into::<web_sys::Blob>().ok());
    Ok((job, file))
}

fn post_sae(scope: &web_sys::DedicatedWorkerGlobalScope, reply: &SaeReply, weights: Option<&[u8]>) {
    let Ok(text) = serde_json::to_string(reply) else { return };
    match weights {
        None => {
            let _ = scope.post_message(&text.into());
        }
        Some(bytes) => {
            let message = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&message, &"reply".into(), &text.into());
            let _ = js_sys::Reflect::set(&message, &"weights".into(), &js_sys::Uint8Array::from(bytes));
            let _ = scope.post_message(&message);
        }
    }
}

fn now_ms(scope: &web_sys::DedicatedWorkerGlobalScope) -> f64 {
    scope.performance().map_or_else(js_sys::Date::now, |p| p.now())
}

/// Runs one slice of training and schedules the next, unless paused or finished.
fn sae_tick(scope: web_sys::DedicatedWorkerGlobalScope) {
    if PAUSED.get() {
        return;
    }
    let Some(mut driver) = SAE.with_borrow_mut(Option::take) else { return };
    wasm_bindgen_futures::spawn_local(async move {
        if LOSE_DEVICE.replace(false) {
            driver.lose_device();
        }
        let replies = driver.slice(SLICE_MS, || now_ms(&scope)).await;
        LAST_STEP.set(driver.step());
        match replies {
            Ok(replies) => replies.iter().for_each(|r| post_sae(&scope, r, None)),
            Err(error) => return post_sae(&scope, &SaeReply::Failed { error }, None),
        }
        if driver.done() {
            match driver.finish().await {
                Ok((finished, weights)) => post_sae(&scope, &SaeReply::Finished(Box::new(finished)), Some(&weights)),
                Err(error) => post_sae(&scope, &SaeReply::Failed { error }, None),
            }
            return;
        }
        SAE.with_borrow_mut(|d| *d = Some(driver));
        schedule_tick(&scope);
    });
}

fn schedule_tick(scope: &web_sys::DedicatedWorkerGlobalScope) {
    let next = scope.clone();
    let callback = Closure::once_into_js(move || sae_tick(next));
    let _ = scope.set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), 0);
}

/// Handles `{ sae: <SaeCommand JSON>, file?: Blob }`.
fn handle_sae(scope: &web_sys::DedicatedWorkerGlobalScope, data: &JsValue, text: &str) {
    let command = match serde_json::from_str::<SaeCommand>(text) {
        Ok(c) => c,
        Err(e) => {
            return post_sae(scope, &SaeReply::Failed { error: format!("the command is not understood: {e}") }, None)
        }
    };
    match command {
        SaeCommand::Start { state, file_name } => {
            let file = js_sys::Reflect::get(data, &"file".into()).ok().and_then(|v| v.dyn_into::<web_sys::Blob>().ok());
            let bytes = match file.map(read_blob) {
                Some(Ok(b)) => Some(b),
                Some(Err(error)) => return post_sae(scope, &SaeReply::Failed { error }, None),
                None => None,
            };
            let mut driver = match SaeDriver::start(&state, file_name.as_deref(), bytes.as_deref()) {
                Ok(driver) => driver,
                Err(error) => return post_sae(scope, &SaeReply::Failed { error }, None),
            };
            let scope = scope.clone();
            wasm_bindgen_futures::spawn_local(async move {
                driver.choose_backend(state.backend).await;
                post_sae(&scope, &driver.started(), None);
                SAE.with_borrow_mut(|d| *d = Some(driver));
                schedule_tick(&scope);
            });
        }
        SaeCommand::Pause => {
            PAUSED.set(true);
            let step = SAE.with_borrow(|d| d.as_ref().map(SaeDriver::step)).unwrap_or_else(|| LAST_STEP.get());
            post_sae(scope, &SaeReply::Paused { step }, None);
        }
        SaeCommand::Resume => {
            PAUSED.set(false);
            schedule_tick(scope);
        }
        // Only the tests' build answers it (see `widgets::sae::session::TEST_HOOKS`).
        SaeCommand::LoseDevice => LOSE_DEVICE.set(option_env!("FRONTIER_TEST_HOOKS").is_some()),
    }
}

/// Decodes `blob` and scales it to `width` pixels wide with `createImageBitmap` and an
/// `OffscreenCanvas`, here in the worker: decoding and scaling 64 million pixels held the page's
/// own thread for over half a second, even through `createImageBitmap` there.
async fn display_copy(
    scope: &web_sys::DedicatedWorkerGlobalScope,
    blob: &web_sys::Blob,
    width: u32,
) -> Result<DisplayCopy, String> {
    let js = |e: JsValue| e.as_string().unwrap_or_else(|| format!("{e:?}"));
    let unreadable =
        || "it could not be read as an image (PNG, JPEG, GIF, WebP, AVIF, BMP or SVG are supported)".to_string();
    let options = web_sys::ImageBitmapOptions::new();
    options.set_resize_width(width.max(1));
    options.set_resize_quality(web_sys::ResizeQuality::Medium);
    let promise = scope.create_image_bitmap_with_blob_and_image_bitmap_options(blob, &options).map_err(js)?;
    let bitmap: web_sys::ImageBitmap = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|_| unreadable())?
        .dyn_into()
        .map_err(|_| unreadable())?;
    let (w, h) = (bitmap.width(), bitmap.height());
    let canvas = web_sys::OffscreenCanvas::new(w, h).map_err(js)?;
    let ctx: web_sys::OffscreenCanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(js)?
        .ok_or("no 2-D canvas")?
        .dyn_into()
        .map_err(|_| "no 2-D canvas".to_string())?;
    // JPEG has no transparency: paint white first so transparent areas do not turn black.
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, f64::from(w), f64::from(h));
    ctx.draw_image_with_image_bitmap(&bitmap, 0.0, 0.0).map_err(js)?;
    bitmap.close();
    let encode = web_sys::ImageEncodeOptions::new();
    encode.set_type("image/jpeg");
    let jpeg = wasm_bindgen_futures::JsFuture::from(canvas.convert_to_blob_with_options(&encode).map_err(js)?)
        .await
        .map_err(js)?
        .dyn_into::<web_sys::Blob>()
        .map_err(|_| "the copy is not a blob".to_string())?;
    let url = web_sys::FileReaderSync::new().map_err(js)?.read_as_data_url(&jpeg).map_err(js)?;
    Ok(DisplayCopy { width: w, height: h, url })
}

/// The whole of a `Blob`, read synchronously (workers may), once its size is known to be within
/// the upload limit: a file over it is refused before a byte is read.
fn read_blob(blob: web_sys::Blob) -> Result<Vec<u8>, String> {
    frontier_base::limits::check_upload("the file", blob.size() as u64).map_err(|e| e.to_string())?;
    let reader = web_sys::FileReaderSync::new().map_err(|e| format!("no file reader: {e:?}"))?;
    let buffer = reader.read_as_array_buffer(&blob).map_err(|e| format!("the file cannot be read: {e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

fn main() {
    console_error_panic_hook::set_once();
    let Ok(scope) = js_sys::global().dyn_into::<web_sys::DedicatedWorkerGlobalScope>() else { return };
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
        let data = ev.data();
        if let Some(text) = js_sys::Reflect::get(&data, &"sae".into()).ok().and_then(|v| v.as_string()) {
            return handle_sae(&reply_scope, &data, &text);
        }
        let reply = match unpack(&data) {
            Ok((Job::DisplayCopy { width }, file)) => {
                let scope = reply_scope.clone();
                return wasm_bindgen_futures::spawn_local(async move {
                    let copy = match file {
                        Some(blob) => display_copy(&scope, &blob, width).await,
                        None => Err("no image was attached".into()),
                    };
                    let reply = copy
                        .and_then(|c| serde_json::to_string(&c).map_err(|e| e.to_string()))
                        .map_or_else(|error| JobReply::Failed { error }, |result| JobReply::Done { result });
                    post(&scope, &reply);
                });
            }
            Ok((job, file)) => {
                let mut source =
                    match file.map(|blob| web_sys::FileReaderSync::new().map(|reader| BlobSource { blob, reader })) {
                        Some(Ok(s)) => Some(s),
                        Some(Err(e)) => {
                            post(&reply_scope, &JobReply::Failed { error: format!("no file reader: {e:?}") });
                            return;
                        }
                        None => None,
                    };
                let input = source.as_mut().map(|s| s as &mut dyn ByteSource);
                run_job(&job, input, |progress| post(&reply_scope, &progress))
            }
            Err(error) => JobReply::Failed { error }.into(),
        };
        match reply {
            Finished { reply: JobReply::Done { result }, bytes: Some(bytes) } => {
                post_with_bytes(&reply_scope, result, &bytes)
            }
            Finished { reply, .. } => post(&reply_scope, &reply),
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget(); // The handler lives as long as the worker.
    post(&scope, &JobReply::Ready);
}

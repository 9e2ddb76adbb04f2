//! The page's side of the model: where the file stands (on the site, downloading, kept in this
//! browser, loaded), the model's worker (`lm_worker`), and what it sends back, as signals the
//! views read.

use std::cell::RefCell;
use std::rc::Rc;

use frontier_costs::edge::measured::MeasuredSpeed;
use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};

use super::store::{self, FetchError};
use crate::framework::files;
use crate::framework::worker::lost_job;
use crate::lm_worker::{FinishReason, GenerateRequest, LmCommand, LmReply, ModelInfo, TokenInfo};

/// Where the model stands.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelStatus {
    /// Looking in this browser's storage.
    Checking,
    /// Not in this browser: a click downloads it.
    Absent,
    Downloading { done: f64, total: f64 },
    /// Reading the file into the worker.
    Loading,
    Loaded(ModelInfo),
    /// This site has no model file.
    NotInstalled,
    Failed(String),
}

/// A generation as it streams.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Generation {
    /// Which generation this is (the token views key on it and the position).
    pub serial: u64,
    pub prompt: Vec<String>,
    pub tokens: Vec<TokenInfo>,
    pub running: bool,
    pub finish: Option<FinishReason>,
    pub error: Option<String>,
}

/// The residual norms the worker measured (the `.npy` is kept beside, outside signals).
#[derive(Debug, Clone, PartialEq)]
pub struct Activations {
    pub layer: usize,
    pub tokens: Vec<String>,
    pub norms: Vec<f32>,
}

struct Handle {
    worker: web_sys::Worker,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

/// Everything the model lab's views share. `Copy`.
#[derive(Clone, Copy)]
pub struct Client {
    pub status: RwSignal<ModelStatus>,
    /// Whether this browser keeps the model (`None`: its storage cannot be used here).
    pub cached: RwSignal<Option<bool>>,
    /// A remark about storage (the model could not be kept, or was removed).
    pub note: RwSignal<Option<String>>,
    pub generation: RwSignal<Generation>,
    pub speed: RwSignal<Option<MeasuredSpeed>>,
    pub activations: RwSignal<Option<Result<Activations, String>>>,
    pub activations_busy: RwSignal<bool>,
    pub npy: StoredValue<Option<Vec<u8>>, LocalStorage>,
    handle: StoredValue<Option<Handle>, LocalStorage>,
    abort: StoredValue<Option<web_sys::AbortController>, LocalStorage>,
}

impl Default for Client {
    fn default() -> Self {
        Self::new()
    }
}

fn command_message(command: &LmCommand, bytes: Option<&js_sys::Uint8Array>) -> Result<JsValue, String> {
    let text = serde_json::to_string(command).map_err(|e| e.to_string())?;
    let message = js_sys::Object::new();
    js_sys::Reflect::set(&message, &"lm".into(), &text.into()).map_err(|e| format!("{e:?}"))?;
    if let Some(bytes) = bytes {
        js_sys::Reflect::set(&message, &"bytes".into(), bytes).map_err(|e| format!("{e:?}"))?;
    }
    Ok(message.into())
}

impl Client {
    pub fn new() -> Self {
        Client {
            status: RwSignal::new(ModelStatus::Checking),
            cached: RwSignal::new(None),
            note: RwSignal::new(None),
            generation: RwSignal::new(Generation::default()),
            speed: RwSignal::new(None),
            activations: RwSignal::new(None),
            activations_busy: RwSignal::new(false),
            npy: StoredValue::new_local(None),
            handle: StoredValue::new_local(None),
            abort: StoredValue::new_local(None),
        }
    }

    pub fn info(&self) -> Option<ModelInfo> {
        self.status.with(|s| match s {
            ModelStatus::Loaded(info) => Some(info.clone()),
            _ => None,
        })
    }

    /// Looks for the model in this browser; loads it from there when `load` (reading the local
    /// cache is not a download).
    pub fn check(self, load: bool) {
        leptos::task::spawn_local(async move {
            match store::is_cached().await {
                Ok(true) => {
                    self.cached.set(Some(true));
                    if load {
                        self.load_cached().await;
                    } else {
                        self.status.set(ModelStatus::Absent);
                    }
                }
                Ok(false) => {
                    self.cached.set(Some(false));
                    self.status.set(ModelStatus::Absent);
                }
                Err(e) => {
                    self.cached.set(None);
                    self.note.set(Some(format!("The model cannot be kept in this browser: {e}.")));
                    self.status.set(ModelStatus::Absent);
                }
            }
        });
    }

    async fn load_cached(self) {
        self.status.set(ModelStatus::Loading);
        match store::cached().await {
            Ok(Some(bytes)) => self.start_worker(bytes),
            Ok(None) => {
                self.cached.set(Some(false));
                self.status.set(ModelStatus::Absent);
            }
            Err(e) => self.status.set(ModelStatus::Failed(format!("the kept model cannot be read: {e}"))),
        }
    }

    /// Downloads the model from this site, keeps it in this browser, and loads it.
    pub fn download(self) {
        let Ok(controller) = web_sys::AbortController::new() else {
            return self.status.set(ModelStatus::Failed("this browser cannot cancel a download".into()));
        };
        let signal = controller.signal();
        self.abort.set_value(Some(controller));
        self.status.set(ModelStatus::Downloading { done: 0.0, total: store::MODEL_BYTES });
        leptos::task::spawn_local(async move {
            let status = self.status;
            // Redrawn at each whole percent, not at each of the stream's ~1,500 chunks.
            let shown = std::cell::Cell::new(-1.0);
            let result = store::download(&signal, move |done, total| {
                let percent = (100.0 * done / total).floor();
                if percent > shown.get() && matches!(status.get_untracked(), ModelStatus::Downloading { .. }) {
                    shown.set(percent);
                    status.set(ModelStatus::Downloading { done, total });
                }
            })
            .await;
            self.abort.set_value(None);
            match result {
                Ok(bytes) => {
                    match store::keep(&bytes).await {
                        Ok(()) => self.cached.set(Some(true)),
                        Err(e) => self.note.set(Some(format!(
                            "The model could not be kept in this browser ({e}); it works until you leave the page."
                        ))),
                    }
                    self.status.set(ModelStatus::Loading);
                    self.start_worker(bytes);
                }
                Err(FetchError::NotInstalled) => self.status.set(ModelStatus::NotInstalled),
                Err(FetchError::Cancelled) => self.status.set(ModelStatus::Absent),
                Err(FetchError::Failed(e)) => self.status.set(ModelStatus::Failed(format!("the download failed: {e}"))),
            }
        });
    }

    /// Cancels a download.
    pub fn cancel(&self) {
        if let Some(controller) = self.abort.try_update_value(Option::take).flatten() {
            controller.abort();
        }
        self.status.set(ModelStatus::Absent);
    }

    /// Unloads the model and forgets the kept file.
    pub fn remove(self) {
        self.handle.set_value(None);
        self.generation.set(Generation::default());
        leptos::task::spawn_local(async move {
            match store::remove().await {
                Ok(()) => {
                    self.cached.set(Some(false));
                    self.note.set(Some("The model was removed from this browser.".into()));
                }
                Err(e) => self.note.set(Some(format!("The model could not be removed: {e}"))),
            }
            self.status.set(ModelStatus::Absent);
        });
    }

    fn post(&self, command: &LmCommand) -> Result<(), String> {
        let message = command_message(command, None)?;
        self.handle.with_value(|h| match h {
            Some(h) => h.worker.post_message(&message).map_err(|e| format!("{e:?}")),
            None => Err("the model is not loaded".into()),
        })
    }

    pub fn generate(&self, request: GenerateRequest) {
        self.speed.set(None);
        let serial = self.generation.with_untracked(|g| g.serial) + 1;
        self.generation.set(Generation { serial, running: true, ..Generation::default() });
        if let Err(e) = self.post(&LmCommand::Generate(request)) {
            self.generation.update(|g| {
                g.running = false;
                g.error = Some(e);
            });
        }
    }

    pub fn stop(&self) {
        let _ = self.post(&LmCommand::Stop);
    }

    pub fn activations(&self, text: String, layer: usize) {
        self.activations_busy.set(true);
        if let Err(e) = self.post(&LmCommand::Activations { text, layer }) {
            self.activations_busy.set(false);
            self.activations.set(Some(Err(e)));
        }
    }

    /// A fresh worker, sent the model's bytes once it says it is ready.
    fn start_worker(self, bytes: js_sys::Uint8Array) {
        self.handle.set_value(None);
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Classic);
        let worker = match web_sys::Worker::new_with_options(&files::lm_worker_url(), &options) {
            Ok(w) => w,
            Err(e) => return self.status.set(ModelStatus::Failed(format!("the model's worker could not start: {e:?}"))),
        };
        let pending = Rc::new(RefCell::new(Some(bytes)));
        let worker_msg = worker.clone();
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            let data = ev.data();
            let (text, bytes) = match data.as_string() {
                Some(text) => (text, None),
                None => (
                    js_sys::Reflect::get(&data, &"reply".into()).ok().and_then(|v| v.as_string()).unwrap_or_default(),
                    js_sys::Reflect::get(&data, &"bytes".into())
                        .ok()
                        .and_then(|v| v.dyn_into::<js_sys::Uint8Array>().ok())
                        .map(|a| a.to_vec()),
                ),
            };
            match serde_json::from_str::<LmReply>(&text) {
                Ok(LmReply::Ready) => {
                    let Some(bytes) = pending.borrow_mut().take() else { return };
                    let sent = command_message(&LmCommand::Load, Some(&bytes)).and_then(|m| {
                        worker_msg
                            .post_message_with_transfer(&m, &js_sys::Array::of1(&bytes.buffer()))
                            .map_err(|e| format!("{e:?}"))
                    });
                    if let Err(e) = sent {
                        self.status.set(ModelStatus::Failed(format!("the model could not be sent to its worker: {e}")));
                    }
                }
                Ok(reply) => self.on_reply(reply, bytes),
                Err(e) => self.status.set(ModelStatus::Failed(format!("unexpected message from the model's worker: {e}"))),
            }
        });
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            self.handle.set_value(None);
            self.generation.update(|g| g.running = false);
            self.activations_busy.set(false);
            self.status.set(ModelStatus::Failed(lost_job("the model", &ev)));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        self.handle.set_value(Some(Handle { worker, _on_message: on_message, _on_error: on_error }));
    }

    fn on_reply(&self, reply: LmReply, bytes: Option<Vec<u8>>) {
        match reply {
            LmReply::Ready => {}
            LmReply::Loaded(info) => self.status.set(ModelStatus::Loaded(info)),
            LmReply::Started { prompt, .. } => self.generation.update(|g| g.prompt = prompt),
            LmReply::Tokens { tokens } => self.generation.update(|g| g.tokens.extend(tokens)),
            LmReply::Finished { reason, prompt_tokens, prefill_ms, generated, decode_ms } => {
                self.generation.update(|g| {
                    g.running = false;
                    g.finish = Some(reason);
                });
                let measured = MeasuredSpeed {
                    prompt_tokens: prompt_tokens as f64,
                    prefill_seconds: prefill_ms / 1000.0,
                    generated_tokens: generated as f64,
                    decode_seconds: decode_ms / 1000.0,
                };
                self.speed.set(measured.validate().is_ok().then_some(measured));
            }
            LmReply::Activations { layer, tokens, norms } => {
                self.npy.set_value(bytes);
                self.activations_busy.set(false);
                self.activations.set(Some(Ok(Activations { layer, tokens, norms })));
            }
            LmReply::Failed { error } => {
                if matches!(self.status.get_untracked(), ModelStatus::Loading) {
                    self.handle.set_value(None);
                    self.status.set(ModelStatus::Failed(error));
                } else if self.activations_busy.get_untracked() {
                    self.activations_busy.set(false);
                    self.activations.set(Some(Err(error)));
                } else {
                    self.generation.update(|g| {
                        g.running = false;
                        g.error = Some(error);
                    });
                }
            }
        }
    }
}

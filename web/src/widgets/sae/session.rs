//! The page's side of a training run in the worker: start (with the data file attached), pause,
//! resume, cancel, and the replies as they come.

use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};

use crate::sae_worker::{SaeCommand, SaeReply};

/// The window property the recovery tests call to lose the GPU device of the running worker:
/// `window.frontierSaeLoseDevice()`. It exists only in the build the end-to-end tests run
/// (`cargo xtask test` builds `dist/` with `FRONTIER_TEST_HOOKS` set); `cargo xtask dist` leaves
/// it out.
const LOSE_DEVICE_HOOK: &str = "frontierSaeLoseDevice";

/// Whether this build carries the test hooks.
pub const TEST_HOOKS: bool = option_env!("FRONTIER_TEST_HOOKS").is_some();

struct Running {
    worker: web_sys::Worker,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
    _lose_device: Closure<dyn FnMut()>,
}

/// However a run ends (cancelled, restarted, or the lab closed mid-run), its worker stops and
/// nothing can call the handlers dropped with it.
impl Drop for Running {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
        if let Some(window) = web_sys::window().filter(|_| TEST_HOOKS) {
            let _ = js_sys::Reflect::delete_property(&window, &LOSE_DEVICE_HOOK.into());
        }
    }
}

/// One training run at a time. `Copy`, for handlers.
#[derive(Clone, Copy)]
pub struct Session {
    running: StoredValue<Option<Running>, LocalStorage>,
}

impl Session {
    pub fn new() -> Self {
        Self { running: StoredValue::new_local(None) }
    }

    /// Starts a run; every reply (with the weights, when they come) goes to `on_reply`.
    pub fn start(
        &self,
        command: &SaeCommand,
        file: Option<web_sys::Blob>,
        on_reply: impl Fn(SaeReply, Option<Vec<u8>>) + 'static,
    ) {
        self.cancel();
        let on_reply = Rc::new(on_reply);
        let fail = |on_reply: &Rc<dyn Fn(SaeReply, Option<Vec<u8>>)>, error: String| {
            on_reply(SaeReply::Failed { error }, None)
        };
        let on_reply: Rc<dyn Fn(SaeReply, Option<Vec<u8>>)> = on_reply;
        let message = match command_message(command, file) {
            Ok(m) => m,
            Err(e) => return fail(&on_reply, e),
        };
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Classic);
        let worker = match web_sys::Worker::new_with_options(&crate::framework::files::worker_url(), &options) {
            Ok(w) => w,
            Err(e) => return fail(&on_reply, format!("the worker could not start: {e:?}")),
        };
        let worker_msg = worker.clone();
        let reply_msg = on_reply.clone();
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            let data = ev.data();
            let (text, weights) = match data.as_string() {
                Some(text) => (text, None),
                None => {
                    let text = js_sys::Reflect::get(&data, &"reply".into()).ok().and_then(|v| v.as_string());
                    let weights = js_sys::Reflect::get(&data, &"weights".into())
                        .ok()
                        .and_then(|v| v.dyn_into::<js_sys::Uint8Array>().ok())
                        .map(|a| a.to_vec());
                    (text.unwrap_or_default(), weights)
                }
            };
            match serde_json::from_str::<SaeReply>(&text) {
                Ok(SaeReply::Ready) => {
                    if let Err(e) = worker_msg.post_message(&message) {
                        reply_msg(SaeReply::Failed { error: format!("the run could not be sent: {e:?}") }, None);
                    }
                }
                Ok(reply) => reply_msg(reply, weights),
                Err(e) => {
                    reply_msg(SaeReply::Failed { error: format!("unexpected message from the worker: {e}") }, None)
                }
            }
        });
        let reply_err = on_reply.clone();
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            let error = crate::framework::worker::lost_job("the training run", &ev);
            reply_err(SaeReply::Failed { error }, None);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let worker_hook = worker.clone();
        let lose_device = Closure::<dyn FnMut()>::new(move || {
            if let Ok(message) = command_message(&SaeCommand::LoseDevice, None) {
                let _ = worker_hook.post_message(&message);
            }
        });
        if let Some(window) = web_sys::window().filter(|_| TEST_HOOKS) {
            let _ = js_sys::Reflect::set(&window, &LOSE_DEVICE_HOOK.into(), lose_device.as_ref());
        }
        self.running.set_value(Some(Running {
            worker,
            _on_message: on_message,
            _on_error: on_error,
            _lose_device: lose_device,
        }));
    }

    /// Sends Pause or Resume to the running worker.
    pub fn send(&self, command: &SaeCommand) {
        let Ok(text) = serde_json::to_string(command) else { return };
        let message = js_sys::Object::new();
        if js_sys::Reflect::set(&message, &"sae".into(), &text.into()).is_err() {
            return;
        }
        self.running.with_value(|r| {
            if let Some(r) = r {
                let _ = r.worker.post_message(&message);
            }
        });
    }

    /// Stops the run: the worker is terminated, its state lost.
    pub fn cancel(&self) {
        if let Some(r) = self.running.try_update_value(Option::take).flatten() {
            r.worker.terminate();
            if let Some(window) = web_sys::window() {
                let _ = js_sys::Reflect::delete_property(&window, &LOSE_DEVICE_HOOK.into());
            }
        }
    }
}

/// `{ sae: <command JSON>, file?: Blob }`.
fn command_message(command: &SaeCommand, file: Option<web_sys::Blob>) -> Result<JsValue, String> {
    let text = serde_json::to_string(command).map_err(|e| e.to_string())?;
    let message = js_sys::Object::new();
    js_sys::Reflect::set(&message, &"sae".into(), &text.into()).map_err(|e| format!("{e:?}"))?;
    if let Some(file) = file {
        js_sys::Reflect::set(&message, &"file".into(), &file).map_err(|e| format!("{e:?}"))?;
    }
    Ok(message.into())
}

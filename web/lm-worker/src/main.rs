//! The model lab's Web Worker: holds SmolLM2 (`frontier_lm`) and answers the page's
//! [`LmCommand`]s. It is its own module, loaded only by the page that uses the model, so no other
//! page pays for the engine.
//!
//! Generation runs in slices of about 40 ms between which the worker yields to its event loop,
//! so Stop arrives while tokens stream; each slice posts the tokens it made.

use std::cell::{Cell, RefCell};

use frontier_web::lm_worker::{load_bytes_needed, Engine, FinishReason, LmCommand, LmReply, Running};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};

/// Milliseconds of generation between yields.
const SLICE_MS: f64 = 40.0;

thread_local! {
    static ENGINE: RefCell<Option<Engine>> = const { RefCell::new(None) };
    static RUNNING: RefCell<Option<Running>> = const { RefCell::new(None) };
    static STOP: Cell<bool> = const { Cell::new(false) };
}

type Scope = web_sys::DedicatedWorkerGlobalScope;

fn post(scope: &Scope, reply: &LmReply) {
    if let Ok(text) = serde_json::to_string(reply) {
        let _ = scope.post_message(&text.into());
    }
}

/// A reply with bytes beside it (`{ reply, bytes }`), the buffer transferred.
fn post_with_bytes(scope: &Scope, reply: &LmReply, bytes: &[u8]) {
    let Ok(text) = serde_json::to_string(reply) else { return };
    let array = js_sys::Uint8Array::from(bytes);
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"reply".into(), &text.into());
    let _ = js_sys::Reflect::set(&message, &"bytes".into(), &array);
    let _ = scope.post_message_with_transfer(&message, &js_sys::Array::of1(&array.buffer()));
}

fn now(scope: &Scope) -> f64 {
    scope.performance().map_or_else(js_sys::Date::now, |p| p.now())
}

fn failed(scope: &Scope, error: String) {
    post(scope, &LmReply::Failed { error });
}

/// Reads the model from the bytes beside the command, once it is known that they fit.
fn load(scope: &Scope, data: &JsValue) {
    let Some(array) =
        js_sys::Reflect::get(data, &"bytes".into()).ok().and_then(|v| v.dyn_into::<js_sys::Uint8Array>().ok())
    else {
        return failed(scope, "no model file came with the command".into());
    };
    let len = array.length() as usize;
    // Check the whole need before copying a byte: a memory that cannot grow that far is an
    // error here, not a crash halfway through the load.
    let mut bytes: Vec<u8> = Vec::new();
    let mut probe: Vec<u8> = Vec::new();
    if bytes.try_reserve_exact(len).is_err() || probe.try_reserve_exact(load_bytes_needed(len) - len).is_err() {
        return failed(
            scope,
            format!(
                "this browser cannot give the model the {} MB of memory it needs here; close other tabs, or use a device with more memory",
                load_bytes_needed(len) >> 20
            ),
        );
    }
    drop(probe);
    bytes.resize(len, 0);
    array.copy_to(&mut bytes);
    drop(array);
    let clock = || now(scope);
    match Engine::load(&bytes, &clock) {
        Ok((engine, info)) => {
            ENGINE.with_borrow_mut(|e| *e = Some(engine));
            post(scope, &LmReply::Loaded(info));
        }
        Err(error) => failed(scope, error),
    }
}

/// Produces tokens for one slice, posts them, and schedules the next slice or the end.
fn tick(scope: Scope) {
    let Some(mut running) = RUNNING.with_borrow_mut(Option::take) else { return };
    let clock = || now(&scope);
    let start = clock();
    let mut tokens = Vec::new();
    let mut ended = None;
    ENGINE.with_borrow(|engine| {
        let Some(engine) = engine else {
            ended = Some(Err("the model is not loaded".to_string()));
            return;
        };
        while !STOP.get() && clock() - start < SLICE_MS {
            match running.next(engine, &clock) {
                Ok(Some(t)) => tokens.push(t),
                Ok(None) => {
                    ended = Some(Ok(running.reason()));
                    break;
                }
                Err(e) => {
                    ended = Some(Err(e));
                    break;
                }
            }
        }
    });
    if !tokens.is_empty() {
        post(&scope, &LmReply::Tokens { tokens });
    }
    if STOP.replace(false) && ended.is_none() {
        ended = Some(Ok(FinishReason::Stopped));
    }
    match ended {
        Some(Ok(reason)) => post(&scope, &running.finished(reason)),
        Some(Err(error)) => failed(&scope, error),
        None => {
            RUNNING.with_borrow_mut(|r| *r = Some(running));
            schedule(&scope);
        }
    }
}

fn schedule(scope: &Scope) {
    let next = scope.clone();
    let callback = Closure::once_into_js(move || tick(next));
    let _ = scope.set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), 0);
}

fn handle(scope: &Scope, data: &JsValue) {
    let Some(text) = js_sys::Reflect::get(data, &"lm".into()).ok().and_then(|v| v.as_string()) else {
        return failed(scope, "the message is not a model command".into());
    };
    let command = match serde_json::from_str::<LmCommand>(&text) {
        Ok(c) => c,
        Err(e) => return failed(scope, format!("the command is not understood: {e}")),
    };
    match command {
        LmCommand::Load => load(scope, data),
        LmCommand::Stop => STOP.set(true),
        LmCommand::Generate(request) => {
            // A new generation replaces one still running.
            RUNNING.with_borrow_mut(|r| *r = None);
            STOP.set(false);
            let clock = || now(scope);
            let started = ENGINE.with_borrow(|engine| match engine {
                Some(engine) => engine.start(&request, &clock),
                None => Err("the model is not loaded".into()),
            });
            match started {
                Ok((running, prompt)) => {
                    post(scope, &LmReply::Started { prompt, prefill_ms: running.prefill_ms });
                    RUNNING.with_borrow_mut(|r| *r = Some(running));
                    schedule(scope);
                }
                Err(error) => failed(scope, error),
            }
        }
        LmCommand::Activations { text, layer } => {
            let result = ENGINE.with_borrow(|engine| match engine {
                Some(engine) => engine.activations(&text, layer),
                None => Err("the model is not loaded".into()),
            });
            match result {
                Ok((tokens, norms, npy)) => {
                    post_with_bytes(scope, &LmReply::Activations { layer, tokens, norms }, &npy)
                }
                Err(error) => failed(scope, error),
            }
        }
    }
}

fn main() {
    console_error_panic_hook::set_once();
    let Ok(scope) = js_sys::global().dyn_into::<Scope>() else { return };
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
        handle(&reply_scope, &ev.data());
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget(); // The handler lives as long as the worker.
    post(&scope, &LmReply::Ready);
}

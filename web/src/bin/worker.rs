//! The Web Worker: receives a [`Job`] as JSON, posts progress and the result back.

use frontier_web::jobs::{run_job, Job, JobReply};
use wasm_bindgen::{closure::Closure, JsCast};

fn post(scope: &web_sys::DedicatedWorkerGlobalScope, reply: &JobReply) {
    if let Ok(text) = serde_json::to_string(reply) {
        let _ = scope.post_message(&text.into());
    }
}

fn main() {
    console_error_panic_hook::set_once();
    let Ok(scope) = js_sys::global().dyn_into::<web_sys::DedicatedWorkerGlobalScope>() else { return };
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
        let reply = match ev.data().as_string().map(|t| serde_json::from_str::<Job>(&t)) {
            Some(Ok(job)) => run_job(&job, |progress| post(&reply_scope, &progress)),
            Some(Err(e)) => JobReply::Failed { error: format!("the job is not understood: {e}") },
            None => JobReply::Failed { error: "the job is not text".into() },
        };
        post(&reply_scope, &reply);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget(); // The handler lives as long as the worker.
    post(&scope, &JobReply::Ready);
}

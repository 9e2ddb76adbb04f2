//! The Benchmarks page's Web Worker: receives a [`Job::Benchmark`] as JSON, runs it (the WebGPU
//! one awaited), posts progress and the [`frontier_web::bench::BenchResult`]. A worker of its own,
//! so that the labs' worker does not carry the benchmarks (the memory store, the GPU timing) and
//! this page does not load the labs' jobs.

use frontier_web::bench::{reply, sae_gpu, BenchJob};
use frontier_web::jobs::{Job, JobReply};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};

type Scope = web_sys::DedicatedWorkerGlobalScope;

fn post(scope: &Scope, reply: &JobReply) {
    if let Ok(text) = serde_json::to_string(reply) {
        let _ = scope.post_message(&text.into());
    }
}

fn now_ms(scope: &Scope) -> f64 {
    scope.performance().map_or_else(js_sys::Date::now, |p| p.now())
}

/// The benchmark in a message (`{ job }`, as the page's `JobRunner` posts it).
fn benchmark(data: &JsValue) -> Result<BenchJob, String> {
    let text =
        js_sys::Reflect::get(data, &"job".into()).ok().and_then(|v| v.as_string()).ok_or("the job is not text")?;
    match serde_json::from_str::<Job>(&text).map_err(|e| format!("the job is not understood: {e}"))? {
        Job::Benchmark { bench } => Ok(bench),
        other => Err(format!("this worker only runs benchmarks, not {}", other.describe())),
    }
}

fn main() {
    console_error_panic_hook::set_once();
    let Ok(scope) = js_sys::global().dyn_into::<Scope>() else { return };
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
        let scope = reply_scope.clone();
        match benchmark(&ev.data()) {
            Err(error) => post(&scope, &JobReply::Failed { error }),
            Ok(bench @ BenchJob::SaeGpu { .. }) => wasm_bindgen_futures::spawn_local(async move {
                let progress = |done, total| post(&scope, &JobReply::Progress { done, total });
                let measured = sae_gpu(&bench, || now_ms(&scope), progress)
                    .await
                    .and_then(|r| serde_json::to_string(&r).map_err(|e| e.to_string()));
                let answer =
                    measured.map_or_else(|error| JobReply::Failed { error }, |result| JobReply::Done { result });
                post(&scope, &answer);
            }),
            Ok(bench) => {
                let answer = reply(&bench, |progress| post(&scope, &progress));
                post(&scope, &answer);
            }
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post(&scope, &JobReply::Ready);
}

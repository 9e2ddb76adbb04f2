//! Long work in a Web Worker, with progress and cancel, so the page never freezes.
//!
//! The worker is a second build of this crate (`src/bin/worker.rs`) that runs jobs from
//! [`crate::jobs`]. Cancel terminates the worker outright (the job's loop cannot be
//! interrupted from outside, and a fresh worker costs one module instantiation), and the
//! next job starts a new one.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};

use crate::jobs::{Job, JobReply};

/// Progress of the running job, for a progress bar.
#[derive(Clone, Copy, PartialEq, Debug, Default)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// What the caller gets back.
pub enum JobOutcome {
    Done(String),
    Failed(String),
}

struct Running {
    worker: web_sys::Worker,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

/// However a job ends (finished, cancelled, or its widget closed mid-job), its worker stops and
/// can call none of the handlers dropped with it: a late message into a dropped closure throws.
impl Drop for Running {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

/// Runs one job at a time in a worker. `Copy`, so views and handlers can hold it freely.
#[derive(Clone, Copy)]
pub struct JobRunner {
    running: StoredValue<Option<Running>, LocalStorage>,
    /// The worker the jobs run in (`files::worker_loader_url`): the labs' own, or the benchmarks'.
    worker: &'static str,
    pub progress: RwSignal<Option<Progress>>,
}

impl Default for JobRunner {
    fn default() -> Self {
        Self::new()
    }
}

type Finish = Rc<RefCell<Option<Box<dyn FnOnce(JobOutcome, Option<Vec<u8>>)>>>>;

/// A reply's JSON and the bytes that came beside it (`{ reply, bytes }`: a large result that
/// would cost the page more to parse as JSON, sent as a transferred buffer).
fn reply_parts(data: &wasm_bindgen::JsValue) -> Option<(String, Option<Vec<u8>>)> {
    if let Some(text) = data.as_string() {
        return Some((text, None));
    }
    let text = js_sys::Reflect::get(data, &"reply".into()).ok()?.as_string()?;
    let bytes = js_sys::Reflect::get(data, &"bytes".into()).ok()?.dyn_into::<js_sys::Uint8Array>().ok()?;
    Some((text, Some(bytes.to_vec())))
}

/// The message for a job whose worker crashed: which job was lost, and why if the browser says.
pub fn lost_job(what: &str, ev: &web_sys::Event) -> String {
    let why = ev.dyn_ref::<web_sys::ErrorEvent>().map(web_sys::ErrorEvent::message).filter(|m| !m.is_empty());
    let why = why.map_or_else(String::new, |m| format!(" ({m})"));
    format!("The worker stopped{why}, and {what} was lost. Start it again: a new worker will run it.")
}

impl JobRunner {
    pub fn new() -> Self {
        Self::for_worker(crate::framework::files::JOBS_WORKER)
    }

    /// A runner whose jobs go to worker `stem` instead of the labs' own.
    pub fn for_worker(stem: &'static str) -> Self {
        Self { running: StoredValue::new_local(None), progress: RwSignal::new(None), worker: stem }
    }

    /// Starts `job`, with `file` attached for jobs that read one; `done` is called once with
    /// the result, unless the job is cancelled.
    ///
    /// The job is posted only when the worker says it is ready: its wasm loads
    /// asynchronously, and a message that arrives before its handler exists is lost.
    pub fn start(&self, job: &Job, file: Option<web_sys::Blob>, done: impl FnOnce(JobOutcome) + 'static) {
        self.start_with_data(job, file, move |outcome, _| done(outcome));
    }

    /// As [`JobRunner::start`], for jobs whose result comes with bytes beside its JSON.
    pub fn start_with_data(
        &self,
        job: &Job,
        file: Option<web_sys::Blob>,
        done: impl FnOnce(JobOutcome, Option<Vec<u8>>) + 'static,
    ) {
        self.cancel();
        let message = match job_message(job, file) {
            Ok(m) => m,
            Err(e) => return done(JobOutcome::Failed(format!("job cannot be sent: {e}")), None),
        };
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Classic);
        let worker =
            match web_sys::Worker::new_with_options(&crate::framework::files::worker_loader_url(self.worker), &options)
            {
                Ok(w) => w,
                Err(e) => return done(JobOutcome::Failed(format!("the worker could not start: {e:?}")), None),
            };
        let runner = *self;
        let finish: Finish = Rc::new(RefCell::new(Some(Box::new(move |outcome: JobOutcome, bytes| {
            runner.cancel();
            done(outcome, bytes);
        }))));
        let call_with = |finish: &Finish, outcome: JobOutcome, bytes: Option<Vec<u8>>| {
            let f = finish.borrow_mut().take();
            if let Some(f) = f {
                f(outcome, bytes);
            }
        };
        let call = move |finish: &Finish, outcome: JobOutcome| call_with(finish, outcome, None);
        let progress = self.progress;
        let finish_msg = finish.clone();
        let worker_msg = worker.clone();
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            let Some((text, bytes)) = reply_parts(&ev.data()) else { return };
            match serde_json::from_str::<JobReply>(&text) {
                Ok(JobReply::Ready) => {
                    if let Err(e) = worker_msg.post_message(&message) {
                        call(&finish_msg, JobOutcome::Failed(format!("the job could not be sent: {e:?}")));
                    }
                }
                Ok(JobReply::Progress { done, total }) => progress.set(Some(Progress { done, total })),
                Ok(JobReply::Done { result }) => call_with(&finish_msg, JobOutcome::Done(result), bytes),
                Ok(JobReply::Failed { error }) => call(&finish_msg, JobOutcome::Failed(error)),
                Err(e) => call(&finish_msg, JobOutcome::Failed(format!("unexpected message from the worker: {e}"))),
            }
        });
        let finish_err = finish.clone();
        let what = job.describe();
        // A worker that crashed (out of memory, a trap) is terminated with the job; the next
        // start gets a new one.
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            call(&finish_err, JobOutcome::Failed(lost_job(what, &ev)));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        self.progress.set(Some(Progress::default()));
        self.running.set_value(Some(Running { worker, _on_message: on_message, _on_error: on_error }));
    }

    /// Stops the running job, if any; its `done` callback is not called.
    pub fn cancel(&self) {
        let running = self.running.try_update_value(Option::take).flatten();
        if let Some(r) = running {
            r.worker.terminate();
        }
        self.progress.set(None);
    }

    pub fn is_running(&self) -> bool {
        self.progress.with_untracked(Option::is_some)
    }
}

/// The message the worker expects: `{ job: <JSON text>, file?: Blob }`. A `Blob` is passed
/// by reference (structured clone), not copied, so attaching a large file costs nothing.
fn job_message(job: &Job, file: Option<web_sys::Blob>) -> Result<wasm_bindgen::JsValue, String> {
    let text = serde_json::to_string(job).map_err(|e| e.to_string())?;
    let message = js_sys::Object::new();
    js_sys::Reflect::set(&message, &"job".into(), &text.into()).map_err(|e| format!("{e:?}"))?;
    if let Some(file) = file {
        js_sys::Reflect::set(&message, &"file".into(), &file).map_err(|e| format!("{e:?}"))?;
    }
    Ok(message.into())
}

/// A progress bar with a Cancel button, shown while a job runs.
#[component]
pub fn JobProgress(runner: JobRunner, label: &'static str) -> impl IntoView {
    let progress = runner.progress;
    move || {
        progress.get().map(|p| {
            let cancel = move |_| runner.cancel();
            view! {
                <div class="job-progress" role="group" aria-label=label>
                    <progress max=p.total.max(1).to_string() value=p.done.to_string() aria-label=label></progress>
                    <span>{format!("{label}: {} %", p.done * 100 / p.total.max(1))}</span>
                    <button type="button" on:click=cancel>"Cancel"</button>
                </div>
            }
        })
    }
}

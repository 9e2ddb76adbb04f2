//! The Web Worker: receives a [`Job`] as JSON (with a file beside it for jobs that read one),
//! posts progress and the result back.

use frontier_web::jobs::{run_job, ByteSource, Job, JobReply};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};

fn post(scope: &web_sys::DedicatedWorkerGlobalScope, reply: &JobReply) {
    if let Ok(text) = serde_json::to_string(reply) {
        let _ = scope.post_message(&text.into());
    }
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

fn main() {
    console_error_panic_hook::set_once();
    let Ok(scope) = js_sys::global().dyn_into::<web_sys::DedicatedWorkerGlobalScope>() else { return };
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
        let reply = match unpack(&ev.data()) {
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
            Err(error) => JobReply::Failed { error },
        };
        post(&reply_scope, &reply);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget(); // The handler lives as long as the worker.
    post(&scope, &JobReply::Ready);
}

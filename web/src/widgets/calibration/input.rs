//! Choosing the data: a bundled sample, or a file the user uploads, drops or pastes. Files are
//! read in a Web Worker, in slices, with progress and Cancel; parsing errors name the row and
//! column.

use frontier_calibration::data::ColumnMapping;
use frontier_calibration::samples::DataChoice;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::saved::{self, SaveOutcome, SavedUpload};
use super::state::CalibrationState;
use crate::framework::dom;
use crate::framework::worker::{JobOutcome, JobProgress, JobRunner};
use crate::jobs::{Job, ReadOutcome};

/// Files above this are refused before they are read. Reading streams, so the bound is the
/// parsed rows kept in memory (about 17 bytes a row for top-label files).
const MAX_UPLOAD_BYTES: f64 = 200.0 * 1024.0 * 1024.0;

/// A status line: (is it an error, text).
type Message = Option<(bool, String)>;

/// The data picker's signals, shared by its handlers.
#[derive(Clone, Copy)]
struct Picker {
    state: RwSignal<CalibrationState>,
    uploaded: RwSignal<Option<SavedUpload>>,
    message: RwSignal<Message>,
    skip_invalid: RwSignal<bool>,
    runner: JobRunner,
    /// The last file read (kept to re-read it with a column mapping) and its columns when
    /// they were not recognised.
    last_file: StoredValue<Option<(web_sys::Blob, String)>, LocalStorage>,
    unmapped: RwSignal<Option<Vec<String>>>,
}

impl Picker {
    fn refuse_if_too_large(&self, name: &str, size_bytes: f64) -> bool {
        if size_bytes <= MAX_UPLOAD_BYTES {
            return false;
        }
        self.message.set(Some((
            true,
            format!("{name} is {:.1} MB; the limit is {} MB.", size_bytes / 1048576.0, MAX_UPLOAD_BYTES / 1048576.0),
        )));
        true
    }

    /// Reads `blob` in the worker; on success the data replaces the current upload.
    fn read(self, blob: web_sys::Blob, name: String, mapping: ColumnMapping) {
        if self.refuse_if_too_large(&name, blob.size()) {
            return;
        }
        self.last_file.set_value(Some((blob.clone(), name.clone())));
        self.unmapped.set(None);
        self.message.set(None);
        let job = Job::ReadCalibration { skip_invalid: self.skip_invalid.get_untracked(), mapping };
        let started_ms = dom::now_ms();
        self.runner.start_with_data(&job, Some(blob), move |outcome, bytes| {
            let seconds = (dom::now_ms() - started_ms) / 1000.0;
            let outcome = match outcome {
                JobOutcome::Done(json) => serde_json::from_str::<ReadOutcome>(&json)
                    .map_err(|e| e.to_string())
                    .and_then(|o| o.with_bytes(bytes.as_deref())),
                JobOutcome::Failed(e) => Err(e),
            };
            match outcome {
                Ok(ReadOutcome { dataset: Some(dataset), .. }) => self.accept(SavedUpload { name, dataset }, seconds),
                Ok(ReadOutcome { error, columns, .. }) => {
                    self.unmapped.set(columns);
                    let error = error.unwrap_or_else(|| "no rows".into());
                    self.message.set(Some((true, format!("{name}: {error}"))));
                }
                Err(e) => self.message.set(Some((true, format!("{name}: {e}")))),
            }
        });
    }

    fn accept(self, upload: SavedUpload, seconds: f64) {
        let d = &upload.dataset;
        let rows = d.confidences.len();
        let mut text = match d.skipped.first() {
            Some(first) => format!(
                "{}: {rows} rows read in {seconds:.2} s, {} skipped (first: {first}).",
                upload.name,
                d.skipped.len()
            ),
            None => format!("{}: {rows} rows read in {seconds:.2} s.", upload.name),
        };
        match saved::save(&upload) {
            SaveOutcome::Saved => {}
            SaveOutcome::TooLarge { chars } => text.push_str(&format!(
                " It is too large to keep across a reload (at least {:.1} MB once parsed; {:.0} MB fit), so open it again after one.",
                chars as f64 / 1e6,
                saved::MAX_SAVED_CHARS as f64 / 1e6
            )),
            SaveOutcome::Failed(why) => text.push_str(&format!(" It could not be kept across a reload: {why}.")),
        }
        self.uploaded.set(Some(upload));
        self.state.update(|s| s.data = DataChoice::Upload);
        self.message.set(Some((false, text)));
    }
}

fn text_blob(text: &str) -> Option<web_sys::Blob> {
    web_sys::Blob::new_with_str_sequence(&js_sys::Array::of1(&text.into())).ok()
}

#[component]
fn MappingStep(picker: Picker) -> impl IntoView {
    let mapping = RwSignal::new(ColumnMapping::default());
    let role_select = move |label: &'static str, role: &'static str, cols: Vec<String>| {
        let on_change = move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            let v = (!v.is_empty()).then_some(v);
            mapping.update(|m| match role {
                "prediction" => m.prediction = v,
                "confidence" => m.confidence = v,
                _ => m.label = v,
            });
        };
        view! {
            <div class="field inline">
                <label>{label}
                    <select on:change=on_change>
                        <option value="">"—"</option>
                        {cols.into_iter().map(|c| view! { <option value=c.clone()>{c.clone()}</option> }).collect_view()}
                    </select>
                </label>
            </div>
        }
    };
    move || {
        picker.unmapped.get().map(|cols| {
            let apply = move |_| {
                if let Some((blob, name)) = picker.last_file.get_value() {
                    picker.read(blob, name, mapping.get_untracked());
                }
            };
            view! {
                <fieldset class="group" data-testid="cal-mapping">
                    <legend>"Which column is which?"</legend>
                    <p class="hint">"The columns were not recognised. Choose the column with the model's answer, its confidence, and the correct answer."</p>
                    <div class="row">
                        {role_select("Prediction", "prediction", cols.clone())}
                        {role_select("Confidence", "confidence", cols.clone())}
                        {role_select("Label", "label", cols)}
                    </div>
                    <button type="button" on:click=apply>"Analyse with this mapping"</button>
                </fieldset>
            }
        })
    }
}

#[component]
pub fn DataPicker(
    state: RwSignal<CalibrationState>,
    uploaded: RwSignal<Option<SavedUpload>>,
    /// A note from restoring the last visit's file (or why it could not be restored).
    restored: Message,
) -> impl IntoView {
    let picker = Picker {
        state,
        uploaded,
        message: RwSignal::new(restored),
        skip_invalid: RwSignal::new(false),
        runner: JobRunner::new(),
        last_file: StoredValue::new_local(None),
        unmapped: RwSignal::new(None),
    };
    let message = picker.message;
    let pasted = RwSignal::new(String::new());
    let dragging = RwSignal::new(false);
    let read_file = move |file: web_sys::File| {
        let name = file.name();
        picker.read(file.into(), name, ColumnMapping::default());
    };
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let file = input.files().and_then(|f| f.get(0));
        input.set_value("");
        if let Some(file) = file {
            read_file(file);
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
            read_file(file);
        }
    };
    let on_paste = move |_| match text_blob(&pasted.get_untracked()) {
        Some(blob) => picker.read(blob, "Pasted text".into(), ColumnMapping::default()),
        None => message.set(Some((true, "The pasted text could not be read.".into()))),
    };
    let on_select = move |ev: leptos::ev::Event| {
        let Some(choice) = DataChoice::parse(&event_target_value(&ev)) else { return };
        if choice == DataChoice::Upload && uploaded.with_untracked(Option::is_none) {
            message.set(Some((true, "Upload or paste a file first.".into())));
            return;
        }
        state.update(|s| s.data = choice);
    };
    let upload_label = move || {
        uploaded.with(|u| u.as_ref().map_or_else(|| "Your file".to_string(), |u| format!("Your file: {}", u.name)))
    };
    view! {
        <div class="calibration-input">
            <div class="field">
                <label for="cal-data">"Data"</label>
                <select id="cal-data" data-testid="cal-data" on:change=on_select prop:value=move || state.with(|s| s.data.id())>
                    {DataChoice::SAMPLES.map(|c| view! { <option value=c.id()>{c.description()}</option> }).collect_view()}
                    <option value=DataChoice::Upload.id()>{upload_label}</option>
                </select>
            </div>
            <details class="group-details">
                <summary>"Analyse your own data (stays in this browser)"</summary>
                <p class="hint">"CSV, TSV, JSON or JSONL with columns prediction, confidence, label; or p_0 … p_K and label; or logit_0 … logit_K and label; or p and label (binary). Other columns are ignored."</p>
                <div
                    class=move || if dragging.get() { "drop-zone dragging" } else { "drop-zone" }
                    data-testid="cal-drop"
                    on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
                    on:dragleave=move |_| dragging.set(false)
                    on:drop=on_drop
                >
                    <label class="button">"Upload a file"
                        <input type="file" class="visually-hidden" data-testid="cal-file" accept=".csv,.tsv,.json,.jsonl,.txt" on:change=on_file/>
                    </label>
                    <span class="hint">" or drop one here"</span>
                </div>
                <label class="check"><input type="checkbox" prop:checked=move || picker.skip_invalid.get() on:change=move |_| picker.skip_invalid.update(|v| *v = !*v)/>"Skip invalid rows (and count them)"</label>
                <label for="cal-paste">"Or paste"</label>
                <textarea id="cal-paste" data-testid="cal-paste" rows="4" spellcheck="false" prop:value=move || pasted.get()
                    on:input=move |ev| pasted.set(event_target_value(&ev))
                    placeholder="prediction,confidence,label&#10;cat,0.92,cat"></textarea>
                <button type="button" data-testid="cal-analyse" on:click=on_paste>"Analyse pasted text"</button>
                <p class="note">"Your data is read in this page and kept in this browser's storage (files up to about 2 MB once parsed); it is never put in links or sent anywhere."</p>
            </details>
            <JobProgress runner=picker.runner label="Reading your file"/>
            <MappingStep picker=picker/>
            {move || message.get().map(|(is_error, text)| view! {
                <p class=if is_error { "error" } else { "status" } role=if is_error { "alert" } else { "status" } data-testid="cal-message">{text}</p>
            })}
        </div>
    }
}

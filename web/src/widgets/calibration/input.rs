//! Choosing the data: a bundled sample, or a file the user uploads or pastes. Parsing errors
//! name the row and column.

use frontier_calibration::data::Dataset;
use frontier_calibration::data::{columns, parse_mapped, ColumnMapping, ParseError};
use frontier_calibration::samples::SAMPLES;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::state::{CalibrationState, UPLOAD};
use crate::framework::dom;

/// Files above this are refused before they are read.
const MAX_UPLOAD_BYTES: f64 = 50.0 * 1024.0 * 1024.0;

#[component]
pub fn DataPicker(state: RwSignal<CalibrationState>, uploaded: RwSignal<Option<Dataset>>) -> impl IntoView {
    let message = RwSignal::new(None::<(bool, String)>);
    let skip_invalid = RwSignal::new(false);
    let pasted = RwSignal::new(String::new());
    // The last text that needed a mapping, its columns, and the mapping being chosen.
    let unmapped = RwSignal::new(None::<(String, String, Vec<String>)>);
    let mapping = RwSignal::new(ColumnMapping::default());
    let load_mapped = move |text: &str, name: &str, map: &ColumnMapping| match parse_mapped(
        text,
        None,
        skip_invalid.get_untracked(),
        map,
    ) {
        Ok(d) => {
            let skipped = d.skipped.len();
            let rows = d.confidences.len();
            let first_skip = d.skipped.first().map(ToString::to_string);
            uploaded.set(Some(d));
            state.update(|s| s.data = UPLOAD.into());
            let text = match first_skip {
                Some(first) => format!("{name}: {rows} rows analysed, {skipped} skipped (first: {first})."),
                None => format!("{name}: {rows} rows analysed."),
            };
            message.set(Some((false, text)));
        }
        Err(e) => {
            if matches!(e, ParseError::UnknownShape(_)) {
                if let Ok(cols) = columns(text, None) {
                    unmapped.set(Some((text.to_string(), name.to_string(), cols)));
                }
            }
            message.set(Some((true, format!("{name}: {e}"))));
        }
    };
    let load = move |text: &str, name: &str| {
        unmapped.set(None);
        load_mapped(text, name, &ColumnMapping::default());
    };
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
    let mapping_step = move || {
        unmapped.get().map(|(text, name, cols)| {
            let apply = move |_| load_mapped(&text, &name, &mapping.get_untracked());
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
    };
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        input.set_value("");
        if file.size() > MAX_UPLOAD_BYTES {
            message.set(Some((
                true,
                format!(
                    "{} is {:.1} MB; the limit is {} MB.",
                    file.name(),
                    file.size() / 1048576.0,
                    MAX_UPLOAD_BYTES / 1048576.0
                ),
            )));
            return;
        }
        leptos::task::spawn_local(async move {
            match dom::read_file_text(&file).await {
                Ok(text) => load(&text, &file.name()),
                Err(e) => message.set(Some((true, format!("{}: cannot be read: {e}", file.name())))),
            }
        });
    };
    let on_select = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        if id == UPLOAD && uploaded.with_untracked(Option::is_none) {
            message.set(Some((true, "Upload or paste a file first.".into())));
            return;
        }
        state.update(|s| s.data = id);
    };
    view! {
        <div class="calibration-input">
            <div class="field">
                <label for="cal-data">"Data"</label>
                <select id="cal-data" data-testid="cal-data" on:change=on_select prop:value=move || state.with(|s| s.data.clone())>
                    {SAMPLES.iter().map(|(id, label)| view! { <option value=*id>{*label}</option> }).collect_view()}
                    <option value=UPLOAD>"Your file"</option>
                </select>
            </div>
            <details class="group-details">
                <summary>"Analyse your own data (stays in this browser)"</summary>
                <p class="hint">"CSV, TSV, JSON or JSONL with columns prediction, confidence, label; or p_0 … p_K and label; or logit_0 … logit_K and label; or p and label (binary). Other columns are ignored."</p>
                <label class="button">"Upload a file"
                    <input type="file" class="visually-hidden" data-testid="cal-file" accept=".csv,.tsv,.json,.jsonl,.txt" on:change=on_file/>
                </label>
                <label class="check"><input type="checkbox" prop:checked=move || skip_invalid.get() on:change=move |_| skip_invalid.update(|v| *v = !*v)/>"Skip invalid rows (and count them)"</label>
                <label for="cal-paste">"Or paste"</label>
                <textarea id="cal-paste" data-testid="cal-paste" rows="4" spellcheck="false" prop:value=move || pasted.get()
                    on:input=move |ev| pasted.set(event_target_value(&ev))
                    placeholder="prediction,confidence,label&#10;cat,0.92,cat"></textarea>
                <button type="button" data-testid="cal-analyse" on:click=move |_| load(&pasted.get_untracked(), "Pasted text")>"Analyse pasted text"</button>
                <p class="note">"Uploaded data is kept only while this page is open; it is never put in links or sent anywhere."</p>
            </details>
            {mapping_step}
            {move || message.get().map(|(is_error, text)| view! {
                <p class=if is_error { "error" } else { "status" } role=if is_error { "alert" } else { "status" } data-testid="cal-message">{text}</p>
            })}
        </div>
    }
}

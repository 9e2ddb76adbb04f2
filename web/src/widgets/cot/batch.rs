//! Many traces at once: a file (JSON Lines with a `trace` field, CSV with a `trace` column, or
//! text separated by blank lines) checked in the Web Worker, shown as a table with totals.

use frontier_reasoning::batch::{to_csv, BatchReport, TypeCounts};
use frontier_reasoning::trace::StepMode;
use frontier_reasoning::FindingType;
use leptos::prelude::*;

use crate::framework::dom;
use crate::framework::worker::{JobOutcome, JobProgress, JobRunner};
use crate::jobs::{Job, MAX_TRACE_FILE_BYTES};

/// Rows drawn in the table (all of them are in the export).
const MAX_ROWS_SHOWN: usize = 500;

fn counts_cells(c: &TypeCounts) -> impl IntoView {
    FindingType::ALL.iter().map(|k| view! { <td>{c.get(*k).to_string()}</td> }).collect_view()
}

#[component]
pub fn Batch(mode: Signal<StepMode>, report: RwSignal<Option<BatchReport>>) -> impl IntoView {
    let runner = JobRunner::new();
    let error = RwSignal::new(None::<String>);
    let on_file = move |ev: leptos::ev::Event| {
        let Some(file) = dom::event_file(&ev) else { return };
        if file.size() as u64 > MAX_TRACE_FILE_BYTES {
            error.set(Some(format!("{} is over {} MB.", file.name(), MAX_TRACE_FILE_BYTES >> 20)));
            return;
        }
        error.set(None);
        let job = Job::AnalyzeTraces { mode: mode.get_untracked() };
        runner.start(&job, Some(file.into()), move |outcome| match outcome {
            JobOutcome::Done(json) => match serde_json::from_str::<BatchReport>(&json) {
                Ok(r) => report.set(Some(r)),
                Err(e) => error.set(Some(e.to_string())),
            },
            JobOutcome::Failed(e) => error.set(Some(e)),
        });
    };
    let download = move |_| {
        if let Some(r) = report.get_untracked() {
            if let Err(e) = dom::download_bytes("cot-batch.csv", "text/csv", to_csv(&r).as_bytes()) {
                error.set(Some(e));
            }
        }
    };
    let table = move || {
        report.get().map(|r| {
            let header = FindingType::ALL.iter().map(|k| view! { <th scope="col">{k.label()}</th> }).collect_view();
            let rows = r
                .rows
                .iter()
                .take(MAX_ROWS_SHOWN)
                .map(|row| {
                    view! { <tr><td>{row.id.clone()}</td><td>{row.steps.to_string()}</td>{counts_cells(&row.counts)}</tr> }
                })
                .collect_view();
            let more = r.rows.len().saturating_sub(MAX_ROWS_SHOWN);
            view! {
                <p class="status" data-testid="cot-batch-summary">{format!(
                    "{} traces: {} with findings; {} arithmetic errors, {} self-contradictions, {} phantom steps, {} unsupported numbers (the article's rules: {}, {}, {}, {}).",
                    r.rows.len(), r.traces_flagged, r.totals.arithmetic_error, r.totals.self_contradiction,
                    r.totals.phantom_step, r.totals.unsupported_number, r.baseline_totals.arithmetic_error,
                    r.baseline_totals.self_contradiction, r.baseline_totals.phantom_step, r.baseline_totals.unsupported_number
                )}</p>
                <button type="button" on:click=download>"Download the table (CSV)"</button>
                <div class="table-scroll" tabindex="0">
                    <table class="cot-batch">
                        <caption>"Findings per trace"</caption>
                        <thead><tr><th scope="col">"Trace"</th><th scope="col">"Steps"</th>{header}</tr></thead>
                        <tbody>{rows}</tbody>
                        <tfoot><tr><th scope="row">"Total"</th><td></td>{counts_cells(&r.totals)}</tr>
                            <tr><th scope="row">"The article's rules"</th><td></td>{counts_cells(&r.baseline_totals)}</tr></tfoot>
                    </table>
                </div>
                {(more > 0).then(|| view! { <p class="hint">{format!("{more} more rows are in the CSV.")}</p> })}
            }
        })
    };
    view! {
        <section class="group" aria-label="Many traces">
            <h3>"Many traces"</h3>
            <div class="field">
                <label for="cot-batch-file">"A file of traces: JSON Lines (a \"trace\" field), CSV (a \"trace\" column) or text with a blank line between traces"</label>
                <input id="cot-batch-file" data-testid="cot-batch-file" type="file" accept=".jsonl,.json,.csv,.txt,text/plain" on:change=on_file/>
            </div>
            <JobProgress runner=runner label="Checking the traces"/>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {table}
        </section>
    }
}

//! Grid export: MFU and cost over a grid of two inputs, computed in the Web Worker with a
//! progress bar and Cancel, downloaded as CSV.

use frontier_costs::{AxisRange, SweepAxis};
use leptos::prelude::*;

use super::state::TrainCostState;
use crate::framework::dom;
use crate::framework::worker::{JobOutcome, JobProgress, JobRunner};
use crate::jobs::Job;

const RESOLUTIONS: [usize; 4] = [100, 300, 600, 1000];

#[component]
pub fn GridExport(state: RwSignal<TrainCostState>) -> impl IntoView {
    let runner = JobRunner::new();
    let x_axis = RwSignal::new(SweepAxis::Gpus);
    let y_axis = RwSignal::new(SweepAxis::Hours);
    let steps = RwSignal::new(300_usize);
    let status = RwSignal::new(String::new());
    let start = move |_| {
        let inputs = state.with_untracked(|s| s.inputs);
        let n = steps.get_untracked();
        let (xa, ya) = (x_axis.get_untracked(), y_axis.get_untracked());
        if xa == ya {
            status.set("Choose two different inputs.".into());
            return;
        }
        let job = Job::CostGrid { inputs, x: AxisRange::around(xa, &inputs, n), y: AxisRange::around(ya, &inputs, n) };
        status.set(String::new());
        runner.start(&job, None, move |outcome| match outcome {
            JobOutcome::Done(csv) => {
                let result = dom::download_bytes(
                    &format!("train-cost-grid-{}-{}.csv", xa.id(), ya.id()),
                    "text/csv",
                    csv.as_bytes(),
                );
                status.set(match result {
                    Ok(()) => format!("Done: {} rows.", n * n),
                    Err(e) => format!("The download failed: {e}"),
                });
            }
            JobOutcome::Failed(e) => status.set(format!("The grid could not be computed: {e}")),
        });
    };
    let axis_select = move |label: &'static str, id: &'static str, signal: RwSignal<SweepAxis>| {
        view! {
            <div class="field inline">
                <label for=id>{label}</label>
                <select id=id prop:value=move || signal.get().id().to_string()
                    on:change=move |ev| { if let Some(a) = SweepAxis::from_id(&event_target_value(&ev)) { signal.set(a) } }>
                    {SweepAxis::ALL.into_iter().map(|a| view! { <option value=a.id()>{a.label()}</option> }).collect_view()}
                </select>
            </div>
        }
    };
    view! {
        <details class="grid-export">
            <summary>"Grid export (CSV)"</summary>
            <p>"MFU and cost for every pair of values of two inputs, from a tenth to ten times their current values on a log scale. Large grids run in the background; the page stays responsive and you can cancel."</p>
            <div class="row">
                {axis_select("Columns", "grid-x", x_axis)}
                {axis_select("Rows", "grid-y", y_axis)}
                <div class="field inline">
                    <label for="grid-steps">"Points per axis"</label>
                    <select id="grid-steps" prop:value=move || steps.get().to_string()
                        on:change=move |ev| { if let Ok(n) = event_target_value(&ev).parse() { steps.set(n) } }>
                        {RESOLUTIONS.into_iter().map(|n| view! { <option value=n.to_string()>{format!("{n} × {n}")}</option> }).collect_view()}
                    </select>
                </div>
                <button type="button" data-testid="grid-start" on:click=start disabled=move || runner.progress.get().is_some()>"Compute and download"</button>
            </div>
            <JobProgress runner=runner label="Computing the grid"/>
            <p class="status" aria-live="polite">{move || status.get()}</p>
        </details>
    }
}

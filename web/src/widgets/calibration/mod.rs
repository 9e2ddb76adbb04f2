//! The calibration widget: upload model confidences, measure miscalibration every way that
//! matters, recalibrate on held-out rows, and see what abstaining would buy.

mod charts;
mod consistency;
mod explain;
mod input;
mod results;
mod saved;
use frontier_labs::calibration as state;

pub use state::CalibrationState;

use std::sync::Arc;

use frontier_calibration::analysis::{analyse, encode, on_page, Analysis, MAIN_THREAD_ROWS};
use frontier_calibration::data::Dataset;
use frontier_calibration::samples::DataChoice;
use frontier_calibration::Binning;
use frontier_state::{Control, CompactView, WidgetMeta};
use leptos::prelude::*;

use crate::framework::frame::WidgetFrame;
use crate::framework::host::Host;
use crate::framework::widget::Widget;
use crate::framework::worker::{JobOutcome, JobProgress, JobRunner};
use crate::jobs::Job;

/// The analysis shown, or why there is none (the worker failed or was cancelled).
type Analysed = Option<Result<Arc<Analysis>, String>>;

/// Analyses the data under the state's binning whenever either changes: at once for small data,
/// in the worker (with progress and Cancel) above [`MAIN_THREAD_ROWS`] rows.
fn analysed(state: RwSignal<CalibrationState>, data: Memo<Option<Arc<Dataset>>>, runner: JobRunner) -> RwSignal<Analysed> {
    let out = RwSignal::new(None);
    let binning = Memo::new(move |_| state.with(|s| (s.bins, s.binning)));
    let run = move |d: Arc<Dataset>, (bins, binning): (usize, Binning)| {
        runner.cancel();
        if on_page(&d) {
            return out.set(Some(Ok(Arc::new(analyse(&d, bins, binning)))));
        }
        let blob = match encode(&d).and_then(|bytes| crate::framework::dom::bytes_blob(&bytes)) {
            Ok(b) => b,
            Err(e) => return out.set(Some(Err(e))),
        };
        out.set(None);
        runner.start(&Job::AnalyseCalibration { bins, binning }, Some(blob), move |outcome| {
            out.set(Some(match outcome {
                JobOutcome::Done(json) => serde_json::from_str(&json).map(Arc::new).map_err(|e| e.to_string()),
                JobOutcome::Failed(e) => Err(e),
            }));
        });
    };
    // The first analysis runs now, so the worked example shows its numbers with the page.
    if let Some(d) = data.get_untracked() {
        run(d, binning.get_untracked());
    }
    Effect::new(move |first: Option<()>| {
        let (d, b) = (data.get(), binning.get());
        match d {
            Some(d) if first.is_some() => run(d, b),
            Some(_) => {}
            None => out.set(None),
        }
    });
    out
}


/// The widget as the registry declares it.
pub struct CalibrationWidget;

impl Widget for CalibrationWidget {
    type State = CalibrationState;
    const META: WidgetMeta = WidgetMeta {
        id: "calibration",
        problem: "hallucination",
        title: "Calibration",
        summary: "Upload model confidences: ECE and its relatives under every convention, recalibration, abstention.",
        intro: "Does the model's confidence match how often it is right? ECE and its relatives under every binning convention, recalibration, and abstention.",
        controls: &[
            Control { id: "data", label: "Data choice and upload" },
            Control { id: "binning", label: "Bins and convention" },
            Control { id: "recalibration", label: "Recalibration" },
            Control { id: "abstention", label: "Abstention" },
            Control { id: "consistency", label: "Self-consistency" },
                    Control { id: "summary", label: "Metrics" },
            Control { id: "charts", label: "Charts" },
            Control { id: "more_charts", label: "Histogram and risk–coverage" },
        ],
        views: &[
            CompactView { id: "diagram", label: "Reliability diagram", height_px: 760, shows: &["charts"] },
            CompactView { id: "abstention", label: "Abstention threshold", height_px: 700, shows: &["abstention"] },
        ],
    };

    fn example() -> CalibrationState {
        CalibrationState::example()
    }

    fn explain() -> AnyView {
        view! { <explain::Explanation/> <p class="model-link">"See a real model's confidence token by token, with the ten candidates it weighed, in the "<a href="#/edge/model">"Model lab"</a>"."</p> }.into_any()
    }

    fn view(host: Host<CalibrationState>) -> AnyView {
        view! { <Calibration host=host/> }.into_any()
    }

    /// The sample's analysis, or for an upload the most the page analyses itself (larger data
    /// goes to the worker).
    fn page_work(s: &CalibrationState) -> frontier_base::work::Work {
        let (rows, classes) = s.data.sample().map_or((MAIN_THREAD_ROWS, 2), |d| {
            (d.confidences.len(), d.scores.first().map_or(0, Vec::len))
        });
        frontier_calibration::analysis::page_work(rows, classes)
    }

    #[cfg(test)]
    fn open_natively(s: &CalibrationState) {
        if let Some(d) = s.data.sample() {
            let _ = analyse(&d, s.bins, s.binning);
        }
    }
}

#[component]
fn Calibration(host: Host<CalibrationState>) -> impl IntoView {
    let state = host.state;
    // The last visit's file comes back with the page; it is never part of the state or links.
    let (restored, note) = match saved::load() {
        Ok(Some(upload)) => {
            let note =
                format!("{}: kept from your last visit ({} rows).", upload.name, upload.dataset.confidences.len());
            (Some(upload), Some((false, note)))
        }
        Ok(None) => (None, None),
        Err(why) => (None, Some((true, why))),
    };
    if restored.is_none() && state.with_untracked(|s| s.data == DataChoice::Upload) {
        // A link can name "your file", but the file never travels with it.
        host.warn_once(
            "This link's data is the sender's own file, which stays in their browser; showing the sample data instead. Upload your file to use it."
                .into(),
        );
        state.update(|s| s.data = CalibrationState::example().data);
    }
    let uploaded: RwSignal<Option<saved::SavedUpload>> = RwSignal::new(restored);
    let data = Memo::new(move |_| {
        let choice = state.with(|s| s.data);
        if choice == DataChoice::Upload {
            uploaded.with(|u| u.as_ref().map(|u| Arc::new(u.dataset.clone())))
        } else {
            choice.sample().map(Arc::new)
        }
    });
    // Computed once and shared: each metric needs a pass (or a sort) over every row, and five
    // million rows are allowed.
    let runner = JobRunner::new();
    let analysed = analysed(state, data, runner);
    let analysis = Memo::new(move |_| analysed.with(|a| a.as_ref().and_then(|r| r.as_ref().ok()).cloned()));
    let report = Memo::new(move |_| analysis.get().map(|a| Arc::new(a.report.clone())));
    let curve = Memo::new(move |_| analysis.get().and_then(|a| a.risk.clone()).map(Arc::new));
    let failed = move || analysed.with(|a| a.as_ref().and_then(|r| r.as_ref().err()).cloned());
    let show = host.shows();
    view! {
        <WidgetFrame host=host.clone() exports=results::exports(state, data)>
            {show("data").then(|| view! { <div class="control" data-control="data"> <input::DataPicker state=state uploaded=uploaded restored=note.clone()/> </div> })}
            <JobProgress runner=runner label="Analysing the data"/>
            {move || failed().map(|e| view! { <p class="error" role="alert">{format!("The analysis stopped: {e}")}</p> })}
            {show("summary").then(|| view! { <div class="control" data-control="summary"> <results::Summary state=state data=data analysis=analysis show_binning=show("binning")/> </div> })}
            {show("charts").then(|| view! { <div class="control" data-control="charts"> <charts::Charts state=state data=data report=report curve=curve show_more=show("more_charts")/> </div> })}
            {show("recalibration").then(|| view! { <div class="control" data-control="recalibration"> <results::Recalibration analysis=analysis/> </div> })}
            {show("abstention").then(|| view! { <div class="control" data-control="abstention"> <results::Abstention state=state data=data curve=curve/> </div> })}
            {show("consistency").then(|| view! { <div class="control" data-control="consistency"> <consistency::SelfConsistency/> </div> })}
        </WidgetFrame>
    }
}

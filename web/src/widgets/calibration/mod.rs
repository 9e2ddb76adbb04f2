//! The calibration widget: upload model confidences, measure miscalibration every way that
//! matters, recalibrate on held-out rows, and see what abstaining would buy.

mod charts;
mod consistency;
mod explain;
mod input;
mod results;
mod saved;
mod state;

pub use state::CalibrationState;

use std::sync::Arc;

use frontier_calibration::evaluate;
use frontier_calibration::samples::DataChoice;
use frontier_calibration::selective::risk_coverage;
use frontier_state::{Control, WidgetMeta};
use leptos::prelude::*;

use crate::framework::frame::WidgetFrame;
use crate::framework::host::Host;
use crate::framework::widget::Widget;


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
        ],
    };

    fn example() -> CalibrationState {
        CalibrationState::example()
    }

    fn explain() -> AnyView {
        view! { <explain::Explanation/> }.into_any()
    }

    fn view(host: Host<CalibrationState>) -> AnyView {
        view! { <Calibration host=host/> }.into_any()
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
    // Computed once and shared: each needs a pass (or a sort) over every row, and a million
    // rows are allowed. The bins change the report; only the data changes the curve.
    let report = Memo::new(move |_| {
        let (bins, binning) = state.with(|s| (s.bins, s.binning));
        data.get().map(|d| Arc::new(evaluate(&d.confidences, &d.correct, bins, binning)))
    });
    let curve = Memo::new(move |_| data.get().and_then(|d| risk_coverage(&d.confidences, &d.correct)).map(Arc::new));
    let show = host.shows();
    view! {
        <WidgetFrame host=host.clone() exports=results::exports(state, data)>
            {show("data").then(|| view! { <div class="control" data-control="data"> <input::DataPicker state=state uploaded=uploaded restored=note.clone()/> </div> })}
            <results::Summary state=state data=data report=report show_binning=show("binning")/>
            <charts::Charts state=state data=data report=report curve=curve/>
            {show("recalibration").then(|| view! { <div class="control" data-control="recalibration"> <results::Recalibration state=state data=data/> </div> })}
            {show("abstention").then(|| view! { <div class="control" data-control="abstention"> <results::Abstention state=state data=data curve=curve/> </div> })}
            {show("consistency").then(|| view! { <div class="control" data-control="consistency"> <consistency::SelfConsistency/> </div> })}
        </WidgetFrame>
    }
}

//! The calibration widget: upload model confidences, measure miscalibration every way that
//! matters, recalibrate on held-out rows, and see what abstaining would buy.

mod charts;
mod consistency;
mod explain;
mod input;
mod results;
mod state;

pub use state::CalibrationState;

use frontier_calibration::data::Dataset;
use frontier_calibration::samples::sample;
use frontier_state::Query;
use leptos::prelude::*;

use crate::framework::frame::{Hideable, WidgetFrame};
use crate::framework::host::Host;
use state::UPLOAD;

const HIDEABLES: &[Hideable] = &[
    Hideable { id: "data", label: "Data choice and upload" },
    Hideable { id: "binning", label: "Bins and convention" },
    Hideable { id: "recalibration", label: "Recalibration" },
    Hideable { id: "abstention", label: "Abstention" },
    Hideable { id: "consistency", label: "Self-consistency" },
    Hideable { id: "explain", label: "Explanation" },
];

#[component]
pub fn Calibration(query: Query, embed: bool) -> impl IntoView {
    let host = Host::new("hallucination", query, embed, CalibrationState::example);
    let state = host.state;
    let uploaded: RwSignal<Option<Dataset>> = RwSignal::new(None);
    let data = Memo::new(move |_| {
        let id = state.with(|s| s.data.clone());
        if id == UPLOAD {
            uploaded.get()
        } else {
            sample(&id)
        }
    });
    let show = {
        let host = host.clone();
        move |id: &str| !host.hides(id)
    };
    view! {
        <WidgetFrame
            host=host.clone()
            title="Calibration"
            summary="Does the model's confidence match how often it is right? ECE and its relatives under every binning convention, recalibration, and abstention."
            exports=results::exports(state, data)
            hideables=HIDEABLES.to_vec()
            explain=ViewFn::from(explain::Explanation)
        >
            {show("data").then(|| view! { <input::DataPicker state=state uploaded=uploaded/> })}
            <results::Summary state=state data=data show_binning=show("binning")/>
            <charts::Charts state=state data=data/>
            {show("recalibration").then(|| view! { <results::Recalibration state=state data=data/> })}
            {show("abstention").then(|| view! { <results::Abstention state=state data=data/> })}
            {show("consistency").then(|| view! { <consistency::SelfConsistency/> })}
        </WidgetFrame>
    }
}

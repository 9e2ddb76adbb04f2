//! The training-efficiency widget: FLOPs, MFU and cost of a training run.

mod charts;
mod explain;
mod fields;
mod grid;
mod results;
mod state;

pub use state::TrainCostState;

use frontier_state::Query;
use leptos::prelude::*;

use crate::framework::frame::{Hideable, WidgetFrame};
use crate::framework::host::Host;

const HIDEABLES: &[Hideable] = &[
    Hideable { id: "presets", label: "Presets" },
    Hideable { id: "active_params", label: "Active parameters" },
    Hideable { id: "tokens", label: "Tokens" },
    Hideable { id: "gpus", label: "GPUs" },
    Hideable { id: "hours", label: "Hours" },
    Hideable { id: "hardware", label: "Hardware and peak" },
    Hideable { id: "usd_per_gpu_hour", label: "Price" },
    Hideable { id: "attention", label: "Attention FLOPs" },
    Hideable { id: "charts", label: "Charts" },
    Hideable { id: "grid", label: "Grid export" },
    Hideable { id: "explain", label: "Explanation" },
];

#[component]
pub fn TrainCost(query: Query, embed: bool) -> impl IntoView {
    let host = Host::new("training", query, embed, TrainCostState::example);
    let state = host.state;
    let report = Memo::new(move |_| state.with(|s| s.inputs.evaluate()));
    view! {
        <WidgetFrame
            host=host.clone()
            title="Training efficiency and cost"
            summary="How much compute a training run used, how much of its GPUs' peak that was (MFU), and what it cost."
            exports=results::exports(state)
            hideables=HIDEABLES.to_vec()
            explain=ViewFn::from(explain::Explanation)
        >
            <div class="train-cost">
                <fields::Inputs host=host.clone()/>
                <results::Results report=report/>
            </div>
            <results::ClaimCheck state=state report=report/>
            {(!host.hides("charts")).then(|| view! { <charts::Charts state=state/> })}
            {(!host.hides("grid")).then(|| view! { <grid::GridExport state=state/> })}
        </WidgetFrame>
    }
}

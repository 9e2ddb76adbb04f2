//! The training-efficiency widget: FLOPs, MFU and cost of a training run.

mod charts;
mod explain;
mod fields;
mod grid;
mod results;
use frontier_labs::train_cost as state;

pub use state::TrainCostState;

use frontier_state::{Control, CompactView, WidgetMeta};
use leptos::prelude::*;

use crate::framework::frame::WidgetFrame;
use crate::framework::host::Host;
use crate::framework::widget::Widget;


/// The widget as the registry declares it.
pub struct TrainCostWidget;

impl Widget for TrainCostWidget {
    type State = TrainCostState;
    const META: WidgetMeta = WidgetMeta {
        id: "train-cost",
        problem: "training",
        title: "Training efficiency and cost",
        summary: "FLOPs, MFU and dollars of a training run, from the article's formula to the conventions behind published numbers.",
        intro: "How much compute a training run used, how much of its GPUs' peak that was (MFU), and what it cost.",
        controls: &[
            Control { id: "presets", label: "Presets" },
            Control { id: "active_params", label: "Active parameters" },
            Control { id: "tokens", label: "Tokens" },
            Control { id: "gpus", label: "GPUs" },
            Control { id: "hours", label: "Hours" },
            Control { id: "hardware", label: "Hardware and peak" },
            Control { id: "usd_per_gpu_hour", label: "Price" },
            Control { id: "attention", label: "Attention FLOPs" },
            Control { id: "charts", label: "Charts" },
            Control { id: "grid", label: "Grid export" },
                    Control { id: "results", label: "Results" },
            Control { id: "claim", label: "The preset's claim" },
        ],
        views: &[
            CompactView { id: "mfu", label: "MFU and cost, with GPUs and hours", height_px: 760, shows: &["gpus", "hours", "results"] },
            CompactView { id: "chart", label: "The sweep chart", height_px: 820, shows: &["charts"] },
        ],
    };

    fn example() -> TrainCostState {
        TrainCostState::example()
    }

    fn explain() -> AnyView {
        view! { <explain::Explanation/> }.into_any()
    }

    fn view(host: Host<TrainCostState>) -> AnyView {
        view! { <TrainCost host=host/> }.into_any()
    }

    /// The report and the chart's sweep: a closed form each, 62 in all.
    fn page_work(_: &TrainCostState) -> frontier_base::work::Work {
        frontier_base::work::Work { flop: (charts::SWEEP_POINTS + 1) as f64 * 1_000.0, bytes: 64 << 10 }
    }

    #[cfg(test)]
    fn open_natively(s: &TrainCostState) {
        let _ = s.inputs.evaluate();
        let range = frontier_costs::AxisRange::around(s.chart_axis, &s.inputs, charts::SWEEP_POINTS);
        let _ = frontier_costs::sweep(&s.inputs, &range);
    }
}

#[component]
fn TrainCost(host: Host<TrainCostState>) -> impl IntoView {
    let state = host.state;
    let report = Memo::new(move |_| state.with(|s| s.inputs.evaluate()));
    let show = host.shows();
    view! {
        <WidgetFrame host=host.clone() exports=results::exports(state)>
            <div class="train-cost">
                <fields::Inputs host=host.clone()/>
                {show("results").then(|| view! { <div class="control" data-control="results"> <results::Results report=report/> </div> })}
            </div>
            {show("claim").then(|| view! { <div class="control" data-control="claim"> <results::ClaimCheck state=state report=report/> </div> })}
            {(!host.hides("charts")).then(|| view! { <div class="control" data-control="charts"> <charts::Charts state=state show_more=show("article_table")/> </div> })}
            {(!host.hides("grid")).then(|| view! { <div class="control" data-control="grid"> <grid::GridExport state=state/> </div> })}
        </WidgetFrame>
    }
}

//! The edge-inference widget: will this model run on that device, how fast, and what would
//! make it fit. The article's check and the realistic model side by side.

mod charts;
mod directions;
mod explain;
mod inputs;
use frontier_labs::edge as state;
mod verdict;

pub use state::EdgeState;

use frontier_state::{Control, CompactView, WidgetMeta};
use leptos::prelude::*;

use crate::framework::frame::WidgetFrame;
use crate::framework::host::Host;
use crate::framework::widget::Widget;


/// The widget as the registry declares it.
pub struct EdgeFeasibilityWidget;

impl Widget for EdgeFeasibilityWidget {
    type State = EdgeState;
    const META: WidgetMeta = WidgetMeta {
        id: "edge-feasibility",
        problem: "edge",
        title: "Edge feasibility",
        summary: "Will a model fit on a device, how fast will it run, and what would make it fit.",
        intro: "Will a model fit on a phone, a laptop or a GPU, how fast will it generate, and what would make it fit.",
        controls: &[
            Control { id: "article", label: "Article mode" },
            Control { id: "model", label: "Model and format" },
            Control { id: "context", label: "Context and batch" },
            Control { id: "device", label: "Device" },
            Control { id: "directions", label: "Directions" },
            Control { id: "inverse", label: "Inverse questions" },
            Control { id: "charts", label: "Charts" },
                    Control { id: "verdict", label: "Verdicts" },
            Control { id: "breakdown", label: "Memory and speed breakdown" },
            Control { id: "corrections", label: "Corrections to the article" },
        ],
        views: &[
            CompactView { id: "verdict", label: "Will it run: the verdicts", height_px: 760, shows: &["verdict"] },
            CompactView { id: "speed", label: "Speed by weight format (chart)", height_px: 700, shows: &["charts"] },
        ],
    };

    fn example() -> EdgeState {
        EdgeState::example()
    }

    fn explain() -> AnyView {
        view! { <explain::Explanation/> <p class="model-link">"Measure a real model on this device beside this prediction: SmolLM2-135M in the "<a href="#/edge/model">"Model lab"</a>"."</p> }.into_any()
    }

    fn view(host: Host<EdgeState>) -> AnyView {
        view! { <EdgeFeasibility host=host/> }.into_any()
    }

    /// The verdict, the memory grid of a few models by a few formats, and the format sweep:
    /// closed forms, a few hundred in all.
    fn page_work(_: &EdgeState) -> frontier_base::work::Work {
        frontier_base::work::Work { flop: 1e6, bytes: 64 << 10 }
    }

    #[cfg(test)]
    fn open_natively(s: &EdgeState) {
        let _ = verdict::analysis(s);
        let _ = verdict::report(s);
        let _ = charts::memory_rows(s);
        let _ = charts::speed_points(s);
    }
}

#[component]
fn EdgeFeasibility(host: Host<EdgeState>) -> impl IntoView {
    let state = host.state;
    let show = host.shows();
    view! {
        <WidgetFrame host=host.clone() exports=verdict::exports(state)>
            {show("verdict").then(|| view! { <div class="control" data-control="verdict"> <verdict::Verdicts state=state show_article=show("article")/> </div> })}
            <div class="edge-grid">
                <inputs::Inputs host=host.clone()/>
                {show("breakdown").then(|| view! { <div class="control" data-control="breakdown"> <verdict::Breakdown state=state/> </div> })}
            </div>
            {show("corrections").then(|| view! { <div class="control" data-control="corrections"> <verdict::Corrections state=state/> </div> })}
            {show("directions").then(|| view! { <div class="control" data-control="directions"> <directions::Directions state=state/> </div> })}
            {show("inverse").then(|| view! { <div class="control" data-control="inverse"> <directions::Inverse state=state/> </div> })}
            {show("charts").then(|| view! { <div class="control" data-control="charts"> <charts::Charts state=state show_more=show("more_charts")/> </div> })}
        </WidgetFrame>
    }
}

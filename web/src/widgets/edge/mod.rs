//! The edge-inference widget: will this model run on that device, how fast, and what would
//! make it fit. The article's check and the realistic model side by side.

mod charts;
mod directions;
mod explain;
mod inputs;
mod state;
mod verdict;

pub use state::EdgeState;

use frontier_state::Query;
use leptos::prelude::*;

use crate::framework::frame::{Hideable, WidgetFrame};
use crate::framework::host::Host;

const HIDEABLES: &[Hideable] = &[
    Hideable { id: "article", label: "Article mode" },
    Hideable { id: "model", label: "Model and format" },
    Hideable { id: "context", label: "Context and batch" },
    Hideable { id: "device", label: "Device" },
    Hideable { id: "directions", label: "Directions" },
    Hideable { id: "inverse", label: "Inverse questions" },
    Hideable { id: "charts", label: "Charts" },
    Hideable { id: "explain", label: "Explanation" },
];

#[component]
pub fn EdgeFeasibility(query: Query, embed: bool) -> impl IntoView {
    let host = Host::new("edge", query, embed, EdgeState::example);
    let state = host.state;
    let show = host.shows();
    view! {
        <WidgetFrame
            host=host.clone()
            title="Edge feasibility"
            summary="Will a model fit on a phone, a laptop or a GPU, how fast will it generate, and what would make it fit."
            exports=verdict::exports(state)
            hideables=HIDEABLES.to_vec()
            explain=ViewFn::from(explain::Explanation)
        >
            <verdict::Verdicts state=state show_article=show("article")/>
            <div class="edge-grid">
                <inputs::Inputs host=host.clone()/>
                <verdict::Breakdown state=state/>
            </div>
            <verdict::Corrections state=state/>
            {show("directions").then(|| view! { <directions::Directions state=state/> })}
            {show("inverse").then(|| view! { <directions::Inverse state=state/> })}
            {show("charts").then(|| view! { <charts::Charts state=state/> })}
        </WidgetFrame>
    }
}

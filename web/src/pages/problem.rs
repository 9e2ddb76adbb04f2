//! A problem's page: its explanation and its widgets, full-size.

use frontier_state::Query;
use leptos::prelude::*;

use crate::bundle::render;
use crate::problems::problem;
use crate::widgets::widgets_of;

#[component]
pub fn ProblemPage(id: String) -> impl IntoView {
    let Some(p) = problem(&id) else {
        return view! { <section class="page"><h1>"Unknown problem"</h1><p><a href="#/">"See all problems"</a></p></section> }.into_any();
    };
    let widgets = widgets_of(p.id).filter_map(|w| render(w.id, Query::default(), false)).collect_view();
    view! {
        <section class="page">
            <nav class="crumbs" aria-label="Breadcrumb"><a href="#/">"Problems"</a>" / "{p.name}</nav>
            <h1>{p.name}</h1>
            <div class="prose">{p.explanation.iter().map(|para| view! { <p>{*para}</p> }).collect_view()}</div>
            {widgets}
        </section>
    }
    .into_any()
}

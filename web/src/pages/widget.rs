//! One widget full-size (`#/<problem>/<widget>`) or embedded (`#/embed/<widget>`).

use frontier_state::Query;
use leptos::prelude::*;

use crate::bundle::render;
use crate::framework::resize::start_posting_height;
use crate::problems::problem;
use crate::widgets::widget;

#[component]
pub fn WidgetPage(problem: String, widget: String, query: Query) -> impl IntoView {
    let found = self::widget(&widget).filter(|w| w.problem == problem);
    let Some(info) = found else {
        return view! { <section class="page"><h1>"Unknown widget"</h1><p><a href="#/">"See all problems"</a></p></section> }.into_any();
    };
    let problem_name = self::problem(info.problem).map_or("", |p| p.name);
    view! {
        <section class="page">
            <nav class="crumbs" aria-label="Breadcrumb">
                <a href="#/">"Problems"</a>" / "<a href=format!("#/{}", info.problem)>{problem_name}</a>" / "{info.title}
            </nav>
            {render(info.id, query, false)}
        </section>
    }
    .into_any()
}

#[component]
pub fn EmbedPage(widget: String, query: Query) -> impl IntoView {
    let Some(info) = self::widget(&widget) else {
        return view! { <p>"This widget does not exist. " <a href="#/" target="_blank" rel="noopener">"Open Frontier Lab"</a></p> }.into_any();
    };
    start_posting_height();
    render(info.id, query, true).unwrap_or_else(|| view! { <p>"This widget is not available."</p> }.into_any())
}

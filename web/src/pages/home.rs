//! Home: the eight problems as cards.

use leptos::prelude::*;

use crate::problems::PROBLEMS;
use crate::widgets::widgets_of;

#[component]
pub fn Home() -> impl IntoView {
    let cards = PROBLEMS
        .iter()
        .map(|p| {
            let widgets: Vec<_> = widgets_of(p.id).collect();
            let widget_list = if widgets.is_empty() {
                view! { <p class="no-widgets">"Explanation only, widgets to come."</p> }.into_any()
            } else {
                view! {
                    <ul class="widget-links">
                        {widgets.into_iter().map(|w| {
                            // The registry, readable from the page: the contract suite takes its widgets from here.
                            let controls = w.hideable().map(|c| c.id).collect::<Vec<_>>().join(",");
                            let views: Vec<_> = w.views.iter().map(|v| (v.id, v.height_px, v.shows)).collect();
                            let views = serde_json::to_string(&views).unwrap_or_default();
                            view! { <li><a href=format!("#/{}/{}", p.id, w.id) data-widget=w.id data-controls=controls data-views=views>{w.title}</a></li> }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            };
            view! {
                <article class="problem-card" data-problem=p.id>
                    <h2><a href=format!("#/{}", p.id)>{p.name}</a></h2>
                    <p>{p.open_question}</p>
                    {widget_list}
                </article>
            }
        })
        .collect_view();
    view! {
        <section class="page">
            <h1>"Eight open problems of LLM research"</h1>
            <p class="lead">"Run real analyses on your own data, in your own browser. Every widget starts with a worked example; change it, share the link, or embed it in a post."</p>
            <p><a href="#/landscape" data-testid="landscape-link">"How the eight problems connect, and the article's numbers charted"</a></p>
            <div class="cards">{cards}</div>
        </section>
    }
}

//! A lesson's prose on the page: the blocks of `frontier_lessons::markdown` as elements, never
//! as HTML, so nothing an author writes can run.

use frontier_lessons::markdown::{parse, Block, Inline};
use leptos::prelude::*;

fn inline(nodes: Vec<Inline>) -> AnyView {
    nodes
        .into_iter()
        .map(|node| match node {
            Inline::Text(t) => t.into_any(),
            Inline::Strong(t) => view! { <strong>{t}</strong> }.into_any(),
            Inline::Emphasis(t) => view! { <em>{t}</em> }.into_any(),
            Inline::Code(t) => view! { <code>{t}</code> }.into_any(),
            Inline::Link { text, href } if href.starts_with("#/") => view! { <a href=href>{text}</a> }.into_any(),
            Inline::Link { text, href } => {
                view! { <a href=href target="_blank" rel="noopener noreferrer">{text}</a> }.into_any()
            }
        })
        .collect_view()
        .into_any()
}

/// Renders `text`; headings start at `<h3>` (the step's title is the `<h2>`).
#[component]
pub fn Prose(text: String) -> impl IntoView {
    let blocks = parse(&text)
        .into_iter()
        .map(|block| match block {
            Block::Heading { level: 1, text } => view! { <h3>{inline(text)}</h3> }.into_any(),
            Block::Heading { level: 2, text } => view! { <h4>{inline(text)}</h4> }.into_any(),
            Block::Heading { text, .. } => view! { <h5>{inline(text)}</h5> }.into_any(),
            Block::Paragraph(text) => view! { <p>{inline(text)}</p> }.into_any(),
            Block::List { ordered: true, items } => {
                view! { <ol>{items.into_iter().map(|i| view! { <li>{inline(i)}</li> }).collect_view()}</ol> }.into_any()
            }
            Block::List { ordered: false, items } => {
                view! { <ul>{items.into_iter().map(|i| view! { <li>{inline(i)}</li> }).collect_view()}</ul> }.into_any()
            }
            Block::Code(code) => view! { <pre><code>{code}</code></pre> }.into_any(),
        })
        .collect_view();
    view! { <div class="prose">{blocks}</div> }
}

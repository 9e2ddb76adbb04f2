//! The article's grounding table beside the benchmarks that can anchor it.

use frontier_grounding::anchors::ARTICLE_TABLE;
use leptos::prelude::*;

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{v} %"))
}

#[component]
pub fn Anchors() -> impl IntoView {
    view! {
        <section class="group" aria-labelledby="anchors-title">
            <h3 id="anchors-title">"The article's table, and what the benchmarks say"</h3>
            <p class="hint">"The article gives a model and a human figure per task with no benchmark or source. Rows marked “no source” have no published anchor here; their numbers are the article's alone."</p>
            <div class="table-scroll" tabindex="0">
                <table class="anchors" data-testid="grounding-anchors">
                    <caption>"Article figures (percent correct) against published anchors"</caption>
                    <thead><tr>
                        <th scope="col">"Task"</th><th scope="col">"Article: model / human"</th>
                        <th scope="col">"Anchor"</th><th scope="col">"Model"</th><th scope="col">"Human"</th><th scope="col">"Source"</th>
                    </tr></thead>
                    <tbody>
                        {ARTICLE_TABLE.iter().map(|row| {
                            let span = row.anchors.len().max(1).to_string();
                            let article = format!("{} % / {} % (gap {} points)", row.article_model_percent, row.article_human_percent, row.article_gap_points);
                            let head = view! {
                                <th scope="row" rowspan=span.clone()>{row.task}<br/><span class="verdict-note">{row.verdict}</span></th>
                                <td rowspan=span>{article}</td>
                            };
                            match row.anchors.split_first() {
                                None => view! { <tr class="unsourced">{head}<td colspan="4"><strong>"No source"</strong>" — no benchmark found for this row"</td></tr> }.into_any(),
                                Some((first, rest)) => {
                                    let cells = |a: &'static frontier_grounding::anchors::Anchor| view! {
                                        <td>{a.benchmark}<br/><span class="verdict-note">{a.note}</span></td>
                                        <td class="num">{pct(a.model_percent)}<br/><span class="verdict-note">{a.model}</span></td>
                                        <td class="num">{pct(a.human_percent)}</td>
                                        <td class="source">{a.source}</td>
                                    };
                                    view! {
                                        <tr>{head}{cells(first)}</tr>
                                        {rest.iter().map(|a| view! { <tr>{cells(a)}</tr> }).collect_view()}
                                    }.into_any()
                                }
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

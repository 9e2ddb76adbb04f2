//! The landscape: the eight problems and the dependencies the article names between them, each
//! node a link to its page; then the article's tables that carry numbers, drawn as charts with
//! their sources, and a note on the charts whose numbers did not survive.

use frontier_costs::ARTICLE_COST_TABLE;
use frontier_grounding::anchors::ARTICLE_TABLE as GROUNDING_TABLE;
use leptos::prelude::*;

use crate::problems::{problem, Dependency, ARTICLE_REASONING_FAILURES, DEPENDENCIES, PROBLEMS};
use crate::widgets::widgets_of;

/// Around the circle in this order, so that most arrows join neighbours.
const RING: [&str; 8] =
    ["reasoning", "interpretability", "alignment", "edge", "memory", "training", "hallucination", "grounding"];
const CX: f64 = 330.0;
const CY: f64 = 250.0;
const RADIUS: f64 = 185.0;
const NODE_R: f64 = 50.0;

fn position(id: &str) -> (f64, f64) {
    let i = RING.iter().position(|r| *r == id).unwrap_or(0) as f64;
    let angle = -std::f64::consts::FRAC_PI_2 + i * std::f64::consts::TAU / RING.len() as f64;
    (CX + RADIUS * angle.cos(), CY + RADIUS * angle.sin())
}

/// The arrow from the edge of one circle to the edge of the other.
fn arrow(d: &Dependency) -> (f64, f64, f64, f64) {
    let ((x1, y1), (x2, y2)) = (position(d.from), position(d.to));
    let len = ((x2 - x1).powi(2) + (y2 - y1).powi(2)).sqrt().max(1.0);
    let (ux, uy) = ((x2 - x1) / len, (y2 - y1) / len);
    (x1 + ux * NODE_R, y1 + uy * NODE_R, x2 - ux * (NODE_R + 6.0), y2 - uy * (NODE_R + 6.0))
}

fn name(id: &str) -> &'static str {
    problem(id).map_or("?", |p| p.name)
}

#[component]
fn Graph() -> impl IntoView {
    view! {
        <figure class="landscape-graph">
            <svg viewBox="0 0 660 500" role="img" aria-labelledby="graph-caption" data-testid="landscape-graph">
                <defs>
                    <marker id="arrow-head" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0 0L10 5L0 10z" class="arrow-head"/>
                    </marker>
                </defs>
                {DEPENDENCIES.iter().map(|d| {
                    let (x1, y1, x2, y2) = arrow(d);
                    view! { <line class="dependency" class:urgency=d.urgency x1=x1 y1=y1 x2=x2 y2=y2 marker-end="url(#arrow-head)"><title>{format!("{} → {}: {}", name(d.from), name(d.to), d.why)}</title></line> }
                }).collect_view()}
                {PROBLEMS.iter().map(|p| {
                    let (x, y) = position(p.id);
                    let words: Vec<&str> = p.name.split(' ').collect();
                    let hash = format!("#/{}", p.id);
                    let go = {
                        let hash = hash.clone();
                        move || {
                            if let Some(w) = web_sys::window() {
                                let _ = w.location().set_hash(&hash);
                            }
                        }
                    };
                    let go_key = go.clone();
                    // An SVG group acting as a link: leptos builds `<a>` as an HTML element, which
                    // SVG does not draw, so the group takes the link role, focus and Enter.
                    view! {
                        <g class="node" role="link" tabindex="0" data-problem=p.id data-href=hash aria-label=p.name
                            on:click=move |_| go()
                            on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" { go_key() }>
                            <circle cx=x cy=y r=NODE_R/>
                            {words.iter().enumerate().map(|(i, w)| view! {
                                <text x=x y=y + (i as f64 - (words.len() as f64 - 1.0) / 2.0) * 15.0 + 4.0 text-anchor="middle">{*w}</text>
                            }).collect_view()}
                        </g>
                    }
                }).collect_view()}
            </svg>
            <figcaption id="graph-caption">
                "Arrows point from a problem to the one whose progress it enables, as the article's summary states them; the dashed arrow is the one that adds urgency rather than capability. Long-term memory is the one problem the article connects to none of the others."
            </figcaption>
        </figure>
        <ol class="dependencies" data-testid="dependencies">
            {DEPENDENCIES.iter().map(|d| view! {
                <li><a href=format!("#/{}", d.from)>{name(d.from)}</a>{if d.urgency { " makes " } else { " enables " }}
                    <a href=format!("#/{}", d.to)>{name(d.to)}</a>{if d.urgency { " more urgent" } else { "" }}": "{d.why}"."</li>
            }).collect_view()}
        </ol>
    }
}

/// One row of a paired bar chart: a model and a human figure in percent, and anchors (published
/// model scores) drawn as marks.
struct Pair {
    label: &'static str,
    model: f64,
    human: f64,
    marks: Vec<(f64, &'static str)>,
}

#[component]
fn PairedBars(id: &'static str, caption: &'static str, model_label: &'static str, rows: Vec<Pair>) -> impl IntoView {
    const LEFT: f64 = 250.0;
    const WIDTH: f64 = 330.0;
    const ROW: f64 = 44.0;
    let x = |pct: f64| LEFT + WIDTH * pct / 100.0;
    let height = 30.0 + ROW * rows.len() as f64;
    let table_rows: Vec<_> = rows
        .iter()
        .map(|r| {
            let marks = r.marks.iter().map(|(v, what)| format!("{what}: {v} %")).collect::<Vec<_>>().join("; ");
            view! { <tr><th scope="row">{r.label}</th><td class="num">{format!("{} %", r.model)}</td><td class="num">{format!("{} %", r.human)}</td><td>{marks}</td></tr> }
        })
        .collect();
    view! {
        <figure class="chart landscape-chart">
            <svg viewBox=format!("0 0 600 {height}") role="img" aria-label=caption data-testid=id>
                {[0.0, 25.0, 50.0, 75.0, 100.0].map(|t| view! {
                    <line class="gridline" x1=x(t) x2=x(t) y1="0" y2=height - 20.0/>
                    <text class="tick" x=x(t) y=height - 6.0 text-anchor="middle">{format!("{t}%")}</text>
                })}
                {rows.iter().enumerate().map(|(i, r)| {
                    let y = 6.0 + ROW * i as f64;
                    view! {
                        <text class="bar-label" x=LEFT - 8.0 y=y + 18.0 text-anchor="end">{r.label}</text>
                        <rect class="bar model" x=LEFT y=y width=WIDTH * r.model / 100.0 height="14"/>
                        <rect class="bar human" x=LEFT y=y + 16.0 width=WIDTH * r.human / 100.0 height="14"/>
                        {r.marks.iter().map(|(v, what)| view! {
                            <path class="anchor-mark" d=format!("M{} {}l5 -8h-10z", x(*v), y + 8.0)><title>{format!("{what}: {v} %")}</title></path>
                        }).collect_view()}
                    }
                }).collect_view()}
            </svg>
            <figcaption>{caption}" Dark bars: "{model_label}"; light bars: humans; triangles: published model scores where an anchor exists."</figcaption>
            <details>
                <summary>"The numbers"</summary>
                <table><thead><tr><th scope="col">"Task"</th><th scope="col">{model_label}</th><th scope="col">"Human"</th><th scope="col">"Anchors"</th></tr></thead>
                <tbody>{table_rows}</tbody></table>
            </details>
        </figure>
    }
}

/// The article's training-cost ranges on a log axis, with the cost that published GPU-hours give.
#[component]
fn CostRanges() -> impl IntoView {
    const LEFT: f64 = 190.0;
    const WIDTH: f64 = 380.0;
    let (lo, hi) = (1e6f64.log10(), 1e9f64.log10());
    let x = move |usd: f64| LEFT + WIDTH * (usd.max(1e6).log10() - lo) / (hi - lo);
    let height = 30.0 + 36.0 * ARTICLE_COST_TABLE.len() as f64;
    view! {
        <figure class="chart landscape-chart">
            <svg viewBox=format!("0 0 600 {height}") role="img" aria-label="The article's training-cost estimates against costs recomputed from published GPU-hours" data-testid="landscape-costs">
                {[1e6, 1e7, 1e8, 1e9].map(|t| view! {
                    <line class="gridline" x1=x(t) x2=x(t) y1="0" y2=height - 20.0/>
                    <text class="tick" x=x(t) y=height - 6.0 text-anchor="middle">{format!("${}M", t / 1e6)}</text>
                })}
                {ARTICLE_COST_TABLE.iter().enumerate().map(|(i, row)| {
                    let y = 6.0 + 36.0 * i as f64;
                    let checked = row.checked_cost_usd();
                    view! {
                        <text class="bar-label" x=LEFT - 8.0 y=y + 14.0 text-anchor="end">{row.model}</text>
                        <rect class="bar model" x=x(row.claimed_low_usd) y=y width=(x(row.claimed_high_usd) - x(row.claimed_low_usd)).max(3.0) height="16"/>
                        {checked.map(|c| view! { <circle class="checked" cx=x(c) cy=y + 8.0 r="6"><title>{format!("from published GPU-hours: ${:.1}M", c / 1e6)}</title></circle> })}
                    }
                }).collect_view()}
            </svg>
            <figcaption>"Bars: the article's cost ranges (log scale). Dots: the final run's compute recomputed from published GPU-hours at $2 per GPU-hour, where GPU-hours are public. "
                <a href="#/training/train-cost">"The training-cost widget"</a>" explains each row."</figcaption>
            <details>
                <summary>"The numbers"</summary>
                <table><thead><tr><th scope="col">"Model"</th><th scope="col">"Article"</th><th scope="col">"From GPU-hours"</th><th scope="col">"Note"</th></tr></thead>
                <tbody>{ARTICLE_COST_TABLE.iter().map(|r| view! {
                    <tr><th scope="row">{r.model}</th><td class="num">{format!("${:.0}M–${:.0}M", r.claimed_low_usd / 1e6, r.claimed_high_usd / 1e6)}</td>
                    <td class="num">{r.checked_cost_usd().map_or_else(|| "—".to_string(), |c| format!("${:.1}M", c / 1e6))}</td><td>{r.note}</td></tr>
                }).collect_view()}</tbody></table>
            </details>
        </figure>
    }
}

#[component]
pub fn Landscape() -> impl IntoView {
    let reasoning: Vec<Pair> = ARTICLE_REASONING_FAILURES
        .iter()
        .map(|r| Pair { label: r.task, model: r.gpt4o_percent, human: r.human_percent, marks: Vec::new() })
        .collect();
    let grounding: Vec<Pair> = GROUNDING_TABLE
        .iter()
        .map(|r| Pair {
            label: r.task,
            model: r.article_model_percent,
            human: r.article_human_percent,
            marks: r.anchors.iter().filter_map(|a| a.model_percent.map(|v| (v, a.benchmark))).collect(),
        })
        .collect();
    let widget_count = PROBLEMS.iter().map(|p| widgets_of(p.id).count()).sum::<usize>();
    view! {
        <section class="page landscape">
            <h1>"The landscape: how the eight problems connect"</h1>
            <p class="lead">"The article ends by saying the problems are a coupled system: progress on one enables progress on others. Here are the links it names, and its tables that carry numbers. Choose a problem to open its page and its "{widget_count}" widgets."</p>
            <Graph/>
            <h2>"The article's numbers, charted"</h2>
            <PairedBars id="landscape-reasoning" model_label="GPT-4o"
                caption="Simple tasks that defeat models: accuracy as the article gives it (approximate, no benchmark or source named)."
                rows=reasoning/>
            <PairedBars id="landscape-grounding" model_label="best model (2025)"
                caption="Multimodal grounding: the article's model and human accuracy per task, with published anchors where they exist (see the grounding widget for sources)."
                rows=grounding/>
            <CostRanges/>
            <h2>"Charts whose numbers were lost"</h2>
            <p data-testid="lost-charts">"Three of the article's charts survive only as an axis label in its text: hallucination rates (“Hallucination rate %”), edge-device memory (“GB”) and the difficulty landscape (“Estimated years”). Their values are not in the text, so they are not drawn here; nothing is invented to replace them."</p>
        </section>
    }
}

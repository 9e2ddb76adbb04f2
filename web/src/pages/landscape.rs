//! The landscape: the eight problems and the dependencies the article names between them, each
//! node a link to its page; then the article's tables that carry numbers, drawn as charts with
//! their sources, and a note on the charts whose numbers did not survive.

use frontier_costs::ARTICLE_COST_TABLE;
use frontier_grounding::anchors::ARTICLE_TABLE as GROUNDING_TABLE;
use leptos::prelude::*;

use crate::framework::chart::{with_testid, Axis, Bar, BarChart, BarRow, DataTable, Figure, Key, LegendEntry, Mark};
use crate::framework::theme;
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
            // A group, not an image: it holds links, and an image's children are not announced.
            <svg viewBox="0 0 660 500" role="group" aria-labelledby="graph-caption" data-testid="landscape-graph">
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
                            // Each word keeps its space in the text (SVG does not draw a trailing one), so the
                            // visible text reads as the link's name does.
                            {words.iter().enumerate().map(|(i, w)| view! {
                                <text x=x y=y + (i as f64 - (words.len() as f64 - 1.0) / 2.0) * 15.0 + 4.0 text-anchor="middle">
                                    {if i + 1 < words.len() { format!("{w} ") } else { (*w).to_string() }}</text>
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

fn drawn(id: &str, chart: &BarChart) -> String {
    chart
        .svg(theme::current())
        .map(|svg| with_testid(svg, id))
        .unwrap_or_else(|e| format!("<p>chart unavailable: {e}</p>"))
}

fn percent_axis() -> Axis {
    Axis {
        min: 0.0,
        max: 100.0,
        log: false,
        ticks: [0.0, 25.0, 50.0, 75.0, 100.0].iter().map(|t| (*t, format!("{t}%"))).collect(),
        title: "Accuracy".into(),
    }
}

/// The paired bars of a table of model and human accuracy, with published scores as diamonds.
fn paired_chart(model_label: &str, rows: &[Pair]) -> BarChart {
    let has_marks = rows.iter().any(|r| !r.marks.is_empty());
    let mut legend = vec![
        LegendEntry { name: model_label.into(), series: 0, key: Key::Bar },
        LegendEntry { name: "Humans".into(), series: 2, key: Key::Bar },
    ];
    if has_marks {
        legend.push(LegendEntry { name: "Published model score".into(), series: 1, key: Key::Diamond });
    }
    BarChart {
        axis: percent_axis(),
        rows: rows
            .iter()
            .map(|r| BarRow {
                label: r.label.into(),
                bars: vec![
                    Bar { from: 0.0, to: r.model, series: 0, value_label: None },
                    Bar { from: 0.0, to: r.human, series: 2, value_label: None },
                ],
                marks: r.marks.iter().map(|(v, _)| Mark { at: *v, on_bar: 0, series: 1, key: Key::Diamond }).collect(),
            })
            .collect(),
        legend,
    }
}

/// The article's cost ranges on a log axis, with the cost from published GPU-hours as dots.
fn cost_chart() -> BarChart {
    BarChart {
        axis: Axis {
            min: 1e6,
            max: 1e9,
            log: true,
            ticks: vec![(1e6, "$1M".into()), (1e7, "$10M".into()), (1e8, "$100M".into()), (1e9, "$1B".into())],
            title: "Training cost (US dollars, log scale)".into(),
        },
        rows: ARTICLE_COST_TABLE
            .iter()
            .map(|row| BarRow {
                label: row.model.into(),
                bars: vec![Bar { from: row.claimed_low_usd, to: row.claimed_high_usd, series: 0, value_label: None }],
                marks: row
                    .checked_cost_usd()
                    .map(|c| Mark { at: c, on_bar: 0, series: 1, key: Key::Dot })
                    .into_iter()
                    .collect(),
            })
            .collect(),
        legend: vec![
            LegendEntry { name: "The article's range".into(), series: 0, key: Key::Bar },
            LegendEntry { name: "From GPU-hours".into(), series: 1, key: Key::Dot },
        ],
    }
}

#[component]
fn PairedBars(id: &'static str, caption: &'static str, model_label: &'static str, rows: Vec<Pair>) -> impl IntoView {
    let has_marks = rows.iter().any(|r| !r.marks.is_empty());
    let chart = paired_chart(model_label, &rows);
    let svg = Signal::derive(move || drawn(id, &chart));
    let table = DataTable {
        headers: vec!["Task".into(), model_label.into(), "Human".into(), "Anchors".into()],
        rows: rows
            .iter()
            .map(|r| {
                let marks = r.marks.iter().map(|(v, what)| format!("{what}: {v} %")).collect::<Vec<_>>().join("; ");
                vec![r.label.into(), format!("{} %", r.model), format!("{} %", r.human), marks]
            })
            .collect(),
    };
    let marks_note = if has_marks { " Diamonds: published model scores where an anchor exists." } else { "" };
    let caption = format!("{caption} Upper bar of each pair: {model_label}; lower bar: humans.{marks_note}");
    view! { <Figure svg=svg caption=caption table=table name=id/> }
}

/// The article's training-cost ranges on a log axis, with the cost that published GPU-hours give.
#[component]
fn CostRanges() -> impl IntoView {
    let chart = cost_chart();
    let svg = Signal::derive(move || drawn("landscape-costs", &chart));
    let table = DataTable {
        headers: vec!["Model".into(), "Article".into(), "From GPU-hours".into(), "Note".into()],
        rows: ARTICLE_COST_TABLE
            .iter()
            .map(|r| {
                vec![
                    r.model.into(),
                    format!("${:.0}M–${:.0}M", r.claimed_low_usd / 1e6, r.claimed_high_usd / 1e6),
                    r.checked_cost_usd().map_or_else(|| "—".to_string(), |c| format!("${:.1}M", c / 1e6)),
                    r.note.into(),
                ]
            })
            .collect(),
    };
    view! {
        <Figure svg=svg table=table name="landscape-costs"
            caption="The article's training-cost estimates against costs recomputed from published GPU-hours. Bars: the article's cost ranges (log scale). Dots: the final run's compute recomputed from published GPU-hours at $2 per GPU-hour, where GPU-hours are public.">
            <p class="hint"><a href="#/training/train-cost">"The training-cost widget"</a>" explains each row."</p>
        </Figure>
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

#[cfg(test)]
mod tests {
    use super::*;

    fn reasoning_rows() -> Vec<Pair> {
        ARTICLE_REASONING_FAILURES
            .iter()
            .map(|r| Pair { label: r.task, model: r.gpt4o_percent, human: r.human_percent, marks: Vec::new() })
            .collect()
    }

    #[test]
    fn the_articles_tables_draw_with_every_row_label_and_the_test_ids() -> Result<(), String> {
        let paired = paired_chart("GPT-4o", &reasoning_rows());
        assert_eq!(paired.rows.len(), ARTICLE_REASONING_FAILURES.len());
        for theme in [theme::LIGHT, theme::DARK] {
            let svg = with_testid(paired.svg(&theme)?, "landscape-reasoning");
            assert!(svg.contains("data-testid=\"landscape-reasoning\""));
            assert!(ARTICLE_REASONING_FAILURES.iter().all(|r| svg.contains(r.task)), "{svg}");
            let costs = cost_chart().svg(&theme)?;
            assert!(ARTICLE_COST_TABLE.iter().all(|r| costs.contains(r.model)));
        }
        Ok(())
    }
}

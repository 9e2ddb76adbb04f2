//! The feature browser: every feature's density and strength; for the one selected, its
//! activation histogram and top-activating inputs (tokens in context for the MiniLM data, the
//! best-matching true feature on synthetic data); decoder directions drawn for 2-D toy models;
//! and the top features of any input.

use frontier_sae::features::FeatureStats;
use frontier_sae::{features, Matrix};
use leptos::prelude::*;
use plotters::prelude::*;

use super::{curves::short, DataKind, Lab, Trained};
use crate::framework::theme::current as theme;
use crate::framework::chart::{draw_svg, DataTable, Figure};
use crate::framework::shared::Shared;

/// Features listed at once (sorted by density; the export has all).
const LISTED: usize = 200;
/// Tokens of context on each side of a top-activating token.
const CONTEXT: usize = 8;

#[component]
pub fn Browser(lab: Lab) -> impl IntoView {
    move || {
        lab.trained.get().map(|t| {
            view! {
                <section class="group" aria-label="Feature browser" data-testid="sae-browser">
                    <h3>"Features"</h3>
                    <FeatureList lab=lab trained=t.clone()/>
                    <FeatureDetail lab=lab trained=t.clone()/>
                    {t.finished.truth.clone().filter(|m| m.cols == 2).map(|truth| view! { <Directions trained=t.clone() truth=truth/> })}
                    <Inspect lab=lab trained=t/>
                </section>
            }
        })
    }
}

#[component]
fn FeatureList(lab: Lab, trained: Shared<Trained>) -> impl IntoView {
    let f = &trained.finished;
    let mut order: Vec<usize> = (0..f.features.len()).collect();
    order.sort_by(|&a, &b| f.features[b].density.total_cmp(&f.features[a].density).then(a.cmp(&b)));
    let dead = f.features.iter().filter(|s| s.density == 0.0).count();
    let rows = order
        .into_iter()
        .filter(|&j| f.features[j].density > 0.0)
        .take(LISTED)
        .map(|j| {
            let s = &f.features[j];
            let best = f.best_true.as_ref().and_then(|b| b.get(j)).map(|(t, c)| format!("#{t} ({c:.3})")).unwrap_or_default();
            let select = move |_| lab.state.update(|st| st.feature = Some(j));
            let selected = move || lab.state.with(|st| st.feature == Some(j));
            view! {
                <tr class:selected=selected>
                    <td><button type="button" class="link" on:click=select aria-label=format!("Show feature {j}")>{format!("#{j}")}</button></td>
                    <td>{format!("{:.3} %", s.density * 100.0)}</td>
                    <td>{short(f64::from(s.max_activation))}</td>
                    <td>{short(f64::from(s.mean_active))}</td>
                    <td>{best}</td>
                </tr>
            }
        })
        .collect_view();
    let truth_header = f.best_true.is_some().then_some("Best true feature (cos)");
    view! {
        <p class="hint">{format!("{} features; {dead} never fired on the {} inputs indexed. Listed by how often they fire (up to {LISTED}).",
            f.features.len(), crate::sae_worker::INDEX_ROWS)}</p>
        <div class="table-scroll sae-features" tabindex="0">
            <table>
                <caption>"Features by density"</caption>
                <thead><tr><th scope="col">"Feature"</th><th scope="col">"Density"</th><th scope="col">"Max"</th><th scope="col">"Mean when active"</th><th scope="col">{truth_header}</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn histogram_svg(s: &FeatureStats) -> String {
    let top = s.histogram.iter().copied().max().unwrap_or(1).max(1) as f64;
    let width = f64::from(s.max_activation.max(1e-6)) / s.histogram.len() as f64;
    draw_svg((420, 200), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(44)
            .build_cartesian_2d(0.0..f64::from(s.max_activation.max(1e-6)), 0.0..top * 1.05)
            .map_err(|e| e.to_string())?;
        chart.configure_mesh().x_desc("Activation").y_desc("Inputs").draw().map_err(|e| e.to_string())?;
        chart
            .draw_series(s.histogram.iter().enumerate().map(|(i, &c)| {
                let x = i as f64 * width;
                Rectangle::new([(x, 0.0), (x + width * 0.9, c as f64)], theme().series[0].filled())
            }))
            .map_err(|e| e.to_string())?;
        Ok(())
    })
    .unwrap_or_default()
}

#[component]
fn FeatureDetail(lab: Lab, trained: Shared<Trained>) -> impl IntoView {
    move || {
        let j = lab.state.with(|s| s.feature)?;
        let s = trained.finished.features.get(j)?.clone();
        let svg = histogram_svg(&s);
        let width = s.max_activation / s.histogram.len() as f32;
        let table = DataTable {
            headers: vec!["From".into(), "To".into(), "Inputs".into()],
            rows: s
                .histogram
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    vec![short(f64::from(i as f32 * width)), short(f64::from((i + 1) as f32 * width)), c.to_string()]
                })
                .collect(),
        };
        let best = trained.finished.best_true.as_ref().and_then(|b| b.get(j)).map(|(t, c)| {
            view! {
                <p>{format!("Its decoder direction is closest to true feature #{t}: cosine {c:.3}.")}</p>
            }
        });
        let caption = format!("Feature #{j}: how strongly it fires when it fires");
        let examples = top_examples(lab, &trained, j, &s);
        Some(view! {
            <div class="sae-feature" data-testid="sae-feature">
                <h4>{format!("Feature #{j}")}</h4>
                <p>{format!("Fires on {:.3} % of inputs; strongest {}; mean {} when active.", s.density * 100.0, short(f64::from(s.max_activation)), short(f64::from(s.mean_active)))}</p>
                {best}
                <Figure svg=svg caption=caption table=table name="sae-feature-histogram"/>
                {examples}
            </div>
        })
    }
}

/// The top-activating inputs: tokens in their sentence (shaded by this feature's activation) for
/// the MiniLM data, row numbers otherwise.
fn top_examples(lab: Lab, trained: &Shared<Trained>, j: usize, s: &FeatureStats) -> AnyView {
    let tokens = lab.tokens.get_untracked().filter(|_| lab.state.with_untracked(|st| st.data == DataKind::Minilm));
    let Some(tokens) = tokens else {
        let rows = s
            .top
            .iter()
            .map(|(r, a)| view! { <li>{format!("input {r}: {}", short(f64::from(*a)))}</li> })
            .collect_view();
        return view! { <h5>"Top-activating inputs"</h5><ol class="sae-top">{rows}</ol> }.into_any();
    };
    let items = s
        .top
        .iter()
        .map(|&(row, a)| {
            let row = row as usize;
            let seq = tokens.sequence_of(row);
            let lo = row.saturating_sub(CONTEXT).max(seq.start);
            let hi = (row + CONTEXT + 1).min(seq.end);
            let acts = match features::activations_on(&trained.sae, &tokens.activations, lo..hi, j) {
                Ok(acts) => acts,
                Err(e) => return view! { <li class="error" role="alert">{e.to_string()}</li> }.into_any(),
            };
            let peak = acts.iter().copied().fold(0.0f32, f32::max).max(1e-9);
            let spans = (lo..hi)
                .zip(acts)
                .map(|(r, act)| {
                    // Five shades: the class carries the strength (inline styles are not allowed).
                    let level = ((act / peak) * 4.0).ceil() as usize;
                    let class = format!("tok act-{}{}", level.min(4), if r == row { " peak" } else { "" });
                    let text = tokens.tokens[r].clone();
                    let text = text.strip_prefix("##").map_or_else(|| format!(" {text}"), str::to_string);
                    view! { <span class=class title=format!("{act:.3}")>{text}</span> }
                })
                .collect_view();
            view! { <li><span class="sae-act">{short(f64::from(a))}</span>" "<span class="sae-context">{spans}</span>{format!(" ({})", tokens.source_of(row))}</li> }.into_any()
        })
        .collect_view();
    view! { <h5>"Top-activating tokens, in context"</h5><ol class="sae-top">{items}</ol> }.into_any()
}

/// The true feature directions (muted) and the decoder's (accent) as arrows from the origin.
fn directions_svg(trained: &Trained, truth: &Matrix) -> String {
    let sae = &trained.sae;
    draw_svg((360, 360), |root| {
        let mut chart =
            ChartBuilder::on(root).margin(10).build_cartesian_2d(-1.3..1.3, -1.3..1.3).map_err(|e| e.to_string())?;
        let unit = |v: &[f32]| {
            let n = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-9);
            (f64::from(v[0] / n), f64::from(v[1] / n))
        };
        for i in 0..truth.rows {
            let (x, y) = unit(truth.row(i));
            chart
                .draw_series(LineSeries::new([(0.0, 0.0), (x, y)], theme().muted.stroke_width(6)))
                .map_err(|e| e.to_string())?;
        }
        for j in 0..sae.cfg.d_sae {
            let (x, y) = unit(sae.w_dec.row(j));
            chart
                .draw_series(LineSeries::new([(0.0, 0.0), (x * 1.1, y * 1.1)], theme().series[1].stroke_width(2)))
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    })
    .unwrap_or_default()
}

/// A 2-D toy model: the true feature directions and the SAE's decoder rows, drawn as arrows.
#[component]
fn Directions(trained: Shared<Trained>, truth: Matrix) -> impl IntoView {
    let drawn = trained.clone();
    let truth_drawn = truth.clone();
    // Drawn in a signal so that it follows the reader's light or dark scheme.
    let svg = Signal::derive(move || directions_svg(&drawn, &truth_drawn));
    let sae = &trained.sae;
    let table = DataTable {
        headers: vec!["Direction".into(), "x".into(), "y".into()],
        rows: (0..truth.rows)
            .map(|i| vec![format!("true #{i}"), short(f64::from(truth.row(i)[0])), short(f64::from(truth.row(i)[1]))])
            .chain((0..sae.cfg.d_sae).map(|j| {
                vec![
                    format!("decoder #{j}"),
                    short(f64::from(sae.w_dec.row(j)[0])),
                    short(f64::from(sae.w_dec.row(j)[1])),
                ]
            }))
            .collect(),
    };
    view! {
        <Figure svg=svg caption="The toy model's feature directions (grey) and the SAE's decoder directions (vermillion), in its 2-D hidden space" table=table name="sae-directions"/>
    }
}

/// Pick an input (a row of the data) and see its strongest features.
#[component]
fn Inspect(lab: Lab, trained: Shared<Trained>) -> impl IntoView {
    let trained_synthetic = trained.clone();
    let on_row = move |ev: leptos::ev::Event| {
        if let Ok(v) = event_target_value(&ev).trim().parse::<usize>() {
            lab.state.update(|s| s.input_row = v);
        }
    };
    let result = move || {
        let row = lab.state.with(|s| s.input_row);
        let tokens = lab.tokens.get().filter(|_| lab.state.with_untracked(|s| s.data == DataKind::Minilm))?;
        let row = row.min(tokens.activations.rows.saturating_sub(1));
        let x = Matrix::from_vec(1, tokens.activations.cols, tokens.activations.row(row).to_vec())?;
        let top = match trained.sae.top_features(&x, 10) {
            Ok(top) => top,
            Err(e) => return Some(view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any()),
        };
        let seq = tokens.sequence_of(row);
        let sentence: String = seq
            .clone()
            .map(|r| {
                let t = &tokens.tokens[r];
                let t = t.strip_prefix("##").map_or_else(|| format!(" {t}"), str::to_string);
                if r == row {
                    format!(" [{}]", t.trim())
                } else {
                    t
                }
            })
            .collect();
        let items = top
            .first()?
            .iter()
            .filter(|(_, a)| *a > 0.0)
            .map(|&(j, a)| {
                let open = move |_| lab.state.update(|s| s.feature = Some(j));
                view! { <li><button type="button" class="link" on:click=open>{format!("#{j}")}</button>{format!(" {}", short(f64::from(a)))}</li> }
            })
            .collect_view();
        Some(
            view! {
                <p>{format!("Token {row}: {}", sentence.trim())}</p>
                <ol class="sae-top" data-testid="sae-input-features">{items}</ol>
            }
            .into_any(),
        )
    };
    let synthetic_result = move || synthetic_input(lab, &trained_synthetic);
    let real = move || lab.state.with(|s| s.data == DataKind::Minilm);
    let coding = move || lab.state.with(|s| s.data == DataKind::SparseCoding);
    move || {
        let result = result.clone();
        let synthetic_result = synthetic_result.clone();
        if coding() {
            return Some(view! {
                <h4>"An input's top features"</h4>
                <div class="field">
                    <label for="sae-input-row">{format!("Evaluation input number (0 – {})", SYNTHETIC_INPUTS - 1)}</label>
                    <input id="sae-input-row" type="number" min="0" max=(SYNTHETIC_INPUTS - 1).to_string() inputmode="numeric"
                        prop:value=move || lab.state.with(|s| s.input_row.to_string()) on:change=on_row/>
                </div>
                {synthetic_result}
            }.into_any());
        }
        real().then(|| view! {
            <h4>"An input's top features"</h4>
            <div class="field">
                <label for="sae-input-row">"Token number (0 – 10,239)"</label>
                <input id="sae-input-row" type="number" min="0" inputmode="numeric" prop:value=move || lab.state.with(|s| s.input_row.to_string()) on:change=on_row/>
            </div>
            {result}
        }.into_any())
    }
}

/// Synthetic inputs that can be inspected (regenerated in the page from the run's seed).
const SYNTHETIC_INPUTS: usize = 1000;

/// A sparse-coding input: which true features made it, and which learned features fire on it,
/// each with the true feature it is closest to.
fn synthetic_input(lab: Lab, trained: &Shared<Trained>) -> Option<AnyView> {
    let s = lab.state.get();
    let Some(frontier_sae::data::SyntheticSpec::SparseCoding(spec)) = s.synthetic() else { return None };
    let coding = frontier_sae::data::SparseCoding::new(spec).ok()?;
    let row = s.input_row.min(SYNTHETIC_INPUTS - 1);
    let mut rng = frontier_sae::data::evaluation_rng(s.seed);
    let error =
        |e: frontier_sae::SaeError| Some(view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any());
    let (x, codes) = match coding.sample_with_codes(&mut rng, row + 1) {
        Ok(sample) => sample,
        Err(e) => return error(e),
    };
    let input = Matrix::from_vec(1, x.cols, x.row(row).to_vec())?;
    let mut truth: Vec<(usize, f32)> = codes.row(row).iter().copied().enumerate().filter(|(_, c)| *c > 0.0).collect();
    truth.sort_by(|a, b| b.1.total_cmp(&a.1));
    let truth_text = truth.iter().map(|(i, c)| format!("#{i} × {c:.3}")).collect::<Vec<_>>().join(", ");
    let best = trained.finished.best_true.clone().unwrap_or_default();
    let top = match trained.sae.top_features(&input, 10) {
        Ok(top) => top,
        Err(e) => return error(e),
    };
    let items = top.first()?.iter().filter(|(_, a)| *a > 0.0).map(|&(j, a)| {
        let open = move |_| lab.state.update(|s| s.feature = Some(j));
        let matched = best.get(j).map(|(t, c)| format!(" → true #{t} (cos {c:.3})")).unwrap_or_default();
        view! { <li><button type="button" class="link" on:click=open>{format!("#{j}")}</button>{format!(" {}{matched}", short(f64::from(a)))}</li> }
    }).collect_view();
    Some(view! {
        <p>{format!("Made of true features: {}.", if truth_text.is_empty() { "none".to_string() } else { truth_text })}</p>
        <ol class="sae-top" data-testid="sae-input-features">{items}</ol>
    }.into_any())
}

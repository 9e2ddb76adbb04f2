//! The training curves: loss, L0, dead features and (on synthetic data) recovery of the true
//! features, redrawn as points arrive from the worker.

use frontier_sae::train::HistoryPoint;
use leptos::prelude::*;
use plotters::prelude::*;

use crate::framework::theme::current as theme;
use crate::framework::chart::{draw_svg, DataTable, Figure};

/// Rows of each curve's data table (every point is in the metrics export).
const TABLE_ROWS: usize = 20;

/// One curve: which value of a point it plots.
#[derive(Clone, Copy)]
pub struct Curve {
    pub name: &'static str,
    pub label: &'static str,
    pub value: fn(&HistoryPoint) -> Option<f64>,
    /// Plot log10 of the value (losses span decades).
    pub log: bool,
}

pub const CURVES: [Curve; 4] = [
    Curve { name: "sae-loss", label: "Loss", value: |p| Some(f64::from(p.stats.loss)), log: true },
    Curve {
        name: "sae-l0",
        label: "L0 (active features per input)",
        value: |p| Some(f64::from(p.stats.l0)),
        log: false,
    },
    Curve { name: "sae-dead", label: "Dead features", value: |p| Some(p.stats.dead as f64), log: false },
    Curve {
        name: "sae-mmcs",
        label: "Mean max cosine with the true features",
        value: |p| p.mmcs.map(f64::from),
        log: false,
    },
];

fn svg(points: &[(f64, f64)], curve: Curve) -> String {
    let err = |e: &dyn std::fmt::Display| e.to_string();
    let x_max = points.last().map_or(1.0, |p| p.0).max(1.0);
    let (lo, hi) = points.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| (lo.min(p.1), hi.max(p.1)));
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    // A flat curve (no dead features, say) still gets a readable axis around its value.
    let pad = if hi - lo < 1e-9 { (hi.abs() * 0.1).max(1.0) } else { (hi - lo) * 0.05 };
    // Counts and fractions never go below zero; neither does their axis.
    let bottom = if !curve.log && lo >= 0.0 { (lo - pad).max(0.0) } else { lo - pad };
    let y_desc = if curve.log { format!("log10 {}", curve.label) } else { curve.label.to_string() };
    draw_svg((420, 240), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .x_label_area_size(32)
            .y_label_area_size(52)
            .build_cartesian_2d(0.0..x_max, bottom..(hi + pad))
            .map_err(|e| err(&e))?;
        chart
            .configure_mesh()
            .x_desc("Step")
            .y_desc(y_desc)
            .label_style(("sans-serif", 11).into_font().color(&theme().ink))
            .draw()
            .map_err(|e| err(&e))?;
        chart.draw_series(LineSeries::new(points.iter().copied(), theme().series[0].stroke_width(2))).map_err(|e| err(&e))?;
        Ok(())
    })
    .unwrap_or_default()
}

#[component]
pub fn Curves(history: RwSignal<Vec<HistoryPoint>>) -> impl IntoView {
    let figures = CURVES
        .into_iter()
        .map(|curve| {
            let points = Memo::new(move |_| {
                history.with(|h| {
                    h.iter()
                        .filter_map(|p| {
                            let v = (curve.value)(p)?;
                            let v = if curve.log { v.max(1e-12).log10() } else { v };
                            v.is_finite().then_some((p.step as f64, v))
                        })
                        .collect::<Vec<_>>()
                })
            });
            let shown = move || points.with(|p| !p.is_empty());
            let svg_text = Signal::derive(move || points.with(|p| svg(p, curve)));
            let caption = Signal::derive(move || {
                let last = history.with(|h| h.last().and_then(|p| (curve.value)(p).map(|v| (p.step, v))));
                match last {
                    Some((step, v)) => format!("{} over training; at step {step}: {}", curve.label, short(v)),
                    None => curve.label.to_string(),
                }
            });
            let table = Signal::derive(move || {
                history.with(|h| {
                    let every = (h.len() / TABLE_ROWS).max(1);
                    DataTable {
                        headers: vec!["Step".into(), curve.label.into()],
                        rows: h
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| i % every == 0 || *i + 1 == h.len())
                            .filter_map(|(_, p)| (curve.value)(p).map(|v| vec![p.step.to_string(), short(v)]))
                            .collect(),
                    }
                })
            });
            view! { <Show when=shown><Figure svg=svg_text caption=caption table=table name=curve.name/></Show> }
        })
        .collect_view();
    view! { <div class="sae-curves">{figures}</div> }
}

/// Four significant digits, without exponent noise for ordinary sizes.
pub fn short(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if (1e-3..1e5).contains(&v.abs()) {
        let digits = (3 - v.abs().max(1e-300).log10().floor() as i32).clamp(0, 6) as usize;
        format!("{v:.digits$}")
    } else {
        format!("{v:.3e}")
    }
}

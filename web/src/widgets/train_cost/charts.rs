//! The widget's charts: MFU and cost along one input, and the article's cost table.

use frontier_costs::{sweep, AxisRange, SweepAxis, SweepPoint, ARTICLE_COST_TABLE};
use leptos::prelude::*;
use plotters::prelude::*;

use super::state::TrainCostState;
use crate::framework::theme::current as theme;
use crate::framework::chart::{draw_svg, DataTable, Figure};
use crate::framework::format::{sci, short, usd};

pub(super) const SWEEP_POINTS: usize = 61;
/// Picks the plotted quantity out of a sweep point.
type ValueOf = fn(&SweepPoint) -> f64;

fn axis_value(axis: SweepAxis, v: f64) -> String {
    match axis {
        SweepAxis::UsdPerGpuHour => usd(v),
        SweepAxis::ActiveParams | SweepAxis::Tokens => short(v),
        _ => sci(v),
    }
}

/// MFU (top) and cost (bottom) against `axis`, with the current inputs marked.
fn sweep_svg(points: &[SweepPoint], axis: SweepAxis, current: f64) -> Result<String, String> {
    let (Some(first), Some(last)) = (points.first(), points.last()) else { return Err("no points".into()) };
    let (x0, x1) = (first.x, last.x);
    // MFU above 1 is impossible (the run could not have finished in that time): show a
    // little of that region, with the limit drawn, rather than stretching the axis.
    let mfu_max = (points.iter().map(|p| p.report.mfu).fold(0.0, f64::max) * 1.1).min(1.25);
    let cost_max = points.iter().map(|p| p.report.total_cost_usd).fold(0.0, f64::max) * 1.1;
    let current_point =
        points.iter().min_by(|a, b| (a.x.ln() - current.ln()).abs().total_cmp(&(b.x.ln() - current.ln()).abs()));
    draw_svg((640, 440), |root| {
        let (top, bottom) = root.split_vertically(220);
        let panels = [
            (&top, "MFU", mfu_max.max(1e-9), (|p| p.report.mfu) as ValueOf, theme().series[0]),
            (&bottom, "Cost (USD)", cost_max.max(1e-9), (|p| p.report.total_cost_usd) as ValueOf, theme().series[1]),
        ];
        for (area, name, y_max, value, color) in panels {
            let mut chart = ChartBuilder::on(area)
                .margin(8)
                .x_label_area_size(34)
                .y_label_area_size(70)
                .build_cartesian_2d((x0..x1).log_scale(), 0.0..y_max)
                .map_err(|e| e.to_string())?;
            chart
                .configure_mesh()
                .x_desc(axis.label())
                .y_desc(name)
                .x_label_formatter(&|v| axis_value(axis, *v))
                .y_label_formatter(&|v| if name == "MFU" { format!("{v:.2}") } else { usd(*v) })
                .light_line_style(theme().grid)
                .label_style(("sans-serif", 12).into_font().color(&theme().ink))
                .draw()
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(LineSeries::new(points.iter().map(|p| (p.x, value(p))), color.stroke_width(2)))
                .map_err(|e| e.to_string())?;
            if name == "MFU" && y_max > 1.0 {
                chart
                    .draw_series(LineSeries::new([(x0, 1.0), (x1, 1.0)], theme().ink.mix(0.6).stroke_width(1)))
                    .map_err(|e| e.to_string())?
                    .label("MFU = 1, the physical limit");
            }
            if let Some(p) = current_point {
                chart
                    .draw_series(std::iter::once(Circle::new((p.x, value(p)), 5, color.filled())))
                    .map_err(|e| e.to_string())?;
            }
        }
        Ok(())
    })
}

/// The article's cost ranges (bars) with the cost recomputed from public GPU-hours (dots).
fn article_svg() -> Result<String, String> {
    let rows = ARTICLE_COST_TABLE;
    let n = rows.len() as f64;
    draw_svg((640, 300), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .x_label_area_size(34)
            .y_label_area_size(130)
            .build_cartesian_2d((1e6..1e9).log_scale(), -0.5..n - 0.5)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc("Training cost (USD, log scale)")
            .x_label_formatter(&|v| usd(*v))
            .y_labels(rows.len())
            .y_label_formatter(&|v| {
                let i = v.round();
                if (v - i).abs() < 0.01 && i >= 0.0 && (i as usize) < rows.len() {
                    rows[rows.len() - 1 - i as usize].model.to_string()
                } else {
                    String::new()
                }
            })
            .label_style(("sans-serif", 12).into_font().color(&theme().ink))
            .draw()
            .map_err(|e| e.to_string())?;
        for (i, row) in rows.iter().enumerate() {
            let y = n - 1.0 - i as f64;
            let (lo, hi) = (
                row.claimed_low_usd,
                row.claimed_high_usd * if row.claimed_high_usd == row.claimed_low_usd { 1.06 } else { 1.0 },
            );
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(lo, y - 0.18), (hi, y + 0.18)],
                    theme().series[0].mix(0.55).filled(),
                )))
                .map_err(|e| e.to_string())?;
            if let Some(c) = row.checked_cost_usd() {
                chart.draw_series(std::iter::once(Circle::new((c, y), 6, theme().series[1].filled()))).map_err(|e| e.to_string())?;
            }
        }
        Ok(())
    })
}

/// A sentence comparing each checkable row's claim with the recomputed cost.
fn article_caption() -> String {
    let checks: Vec<String> = ARTICLE_COST_TABLE
        .iter()
        .filter_map(|r| {
            let computed = r.checked_cost_usd()?;
            Some(format!(
                "{}: {} recomputed against {} – {} claimed",
                r.model,
                usd(computed),
                usd(r.claimed_low_usd),
                usd(r.claimed_high_usd)
            ))
        })
        .collect();
    format!(
        "Bars: the article's estimated ranges. Dots: cost recomputed from published GPU-hours at $2 per hour, where they exist. {}.",
        checks.join("; ")
    )
}

#[component]
pub fn Charts(
    state: RwSignal<TrainCostState>,
    /// The article's cost table besides the sweep (a compact view leaves it out).
    show_more: bool,
) -> impl IntoView {
    let points = Memo::new(move |_| {
        state.with(|s| {
            let range = AxisRange::around(s.chart_axis, &s.inputs, SWEEP_POINTS);
            sweep(&s.inputs, &range).map_err(|e| e.to_string())
        })
    });
    let svg = Signal::derive(move || {
        let (axis, current) = state.with(|s| (s.chart_axis, s.chart_axis.get(&s.inputs)));
        match points.get() {
            Ok(p) => sweep_svg(&p, axis, current).unwrap_or_else(|e| format!("<p>chart unavailable: {e}</p>")),
            Err(e) => format!("<p>chart unavailable: {e}</p>"),
        }
    });
    let caption = Signal::derive(move || {
        let axis = state.with(|s| s.chart_axis);
        let text = match axis {
            SweepAxis::Hours | SweepAxis::Gpus => {
                "MFU falls in proportion as the same work takes more GPU-hours; cost rises in proportion."
            }
            SweepAxis::PeakTflops => "A higher peak lowers MFU for the same run; the cost does not change.",
            SweepAxis::UsdPerGpuHour => "The price changes the cost only; MFU does not depend on it.",
            SweepAxis::ActiveParams | SweepAxis::Tokens => {
                "More work in the same GPU-hours means a higher MFU; the cost does not change."
            }
        };
        format!(
            "MFU and compute cost as {} varies from a tenth to ten times its current value. {text} The thin line marks MFU = 1: a run above it could not have finished in that time.",
            axis.label().to_lowercase()
        )
    });
    let table = Signal::derive(move || {
        let axis = state.with(|s| s.chart_axis);
        let rows = points.get().unwrap_or_default();
        DataTable {
            headers: vec![axis.label().to_string(), "MFU".into(), "Cost".into()],
            rows: rows
                .iter()
                .step_by(6)
                .map(|p| vec![axis_value(axis, p.x), format!("{:.3}", p.report.mfu), usd(p.report.total_cost_usd)])
                .collect(),
        }
    });
    let article_table = DataTable {
        headers: vec![
            "Model".into(),
            "Article's estimate".into(),
            "From public GPU-hours at $2/h".into(),
            "Note".into(),
        ],
        rows: ARTICLE_COST_TABLE
            .iter()
            .map(|r| {
                let claimed = if r.claimed_low_usd == r.claimed_high_usd {
                    format!("≈ {}", usd(r.claimed_low_usd))
                } else {
                    format!("{} – {}", usd(r.claimed_low_usd), usd(r.claimed_high_usd))
                };
                vec![
                    r.model.into(),
                    claimed,
                    r.checked_cost_usd().map_or("no public inputs".into(), usd),
                    r.note.into(),
                ]
            })
            .collect(),
    };
    // A signal, so that it redraws in the reader's light or dark scheme.
    let article = Signal::derive(|| article_svg().unwrap_or_else(|e| format!("<p>chart unavailable: {e}</p>")));
    let on_axis = move |ev: leptos::ev::Event| {
        if let Some(axis) = SweepAxis::from_id(&event_target_value(&ev)) {
            state.update(|s| s.chart_axis = axis);
        }
    };
    view! {
        <section class="charts" aria-label="Charts">
            <div class="field inline">
                <label for="train-axis">"Vary"</label>
                <select id="train-axis" on:change=on_axis prop:value=move || state.with(|s| s.chart_axis.id().to_string())>
                    {SweepAxis::ALL.into_iter().map(|a| view! { <option value=a.id()>{a.label()}</option> }).collect_view()}
                </select>
            </div>
            <Figure svg=svg caption=caption table=table name="train-cost-sweep"/>
            {show_more.then(|| view! { <div data-part="article_table">
            <h3>"The article's cost table, checked"</h3>
            <Figure
                svg=article
                caption=Signal::derive(article_caption)
                table=Signal::derive(move || article_table.clone())
                name="train-cost-article-table"/>
            </div> })}
        </section>
    }
}

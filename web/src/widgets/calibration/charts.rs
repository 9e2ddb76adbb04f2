//! Charts: the reliability diagram with bin counts, the confidence histogram, and the
//! risk–coverage curve. Drawing only; the numbers come from the core.

use std::sync::Arc;

use frontier_calibration::data::Dataset;
use frontier_calibration::selective::RiskCoverage;
use frontier_calibration::{BinStats, Report};
use leptos::prelude::*;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Points drawn of the risk–coverage curve (the data table shows 20 of them).
const CURVE_POINTS: usize = 400;

use super::state::CalibrationState;
use crate::framework::theme::current as theme;
use crate::framework::chart::{draw_svg, DataTable, Figure};


type Drawn = Result<String, String>;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Axes from 0 to 1 across and 0 to `top` up, labelled, as every chart here uses.
fn unit_axes<'a, 'b>(
    root: &'a DrawingArea<SVGBackend<'b>, Shift>,
    top: f64,
    x_desc: &str,
    y_desc: &str,
) -> Result<Chart<'a, 'b>, String> {
    let mut chart = ChartBuilder::on(root)
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(48)
        .build_cartesian_2d(0.0..1.0, 0.0..top)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .label_style(("sans-serif", 12).into_font().color(&theme().ink))
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// Accuracy per bin (bars) against the diagonal, mean confidence marked; counts on top.
fn reliability_svg(bins: &[BinStats]) -> Drawn {
    draw_svg((560, 400), |root| {
        let mut chart = unit_axes(root, 1.05, "Confidence", "Accuracy")?;
        chart.draw_series(LineSeries::new([(0.0, 0.0), (1.0, 1.0)], theme().ink.mix(0.5).stroke_width(1))).map_err(err)?;
        for b in bins {
            let (Some(acc), Some(conf)) = (b.accuracy, b.confidence) else { continue };
            let (lo, hi) = if b.hi > b.lo { (b.lo, b.hi) } else { (b.lo - 0.01, b.hi + 0.01) };
            let pad = (hi - lo) * 0.06;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(lo + pad, 0.0), (hi - pad, acc)],
                    theme().series[0].mix(0.7).filled(),
                )))
                .map_err(err)?;
            chart.draw_series(std::iter::once(Circle::new((conf, acc), 3, theme().series[1].filled()))).map_err(err)?;
            let label = Text::new(
                b.count.to_string(),
                ((lo + hi) / 2.0, (acc + 0.03).min(1.03)),
                ("sans-serif", 10).into_font().color(&theme().ink),
            );
            chart.draw_series(std::iter::once(label)).map_err(err)?;
        }
        Ok(())
    })
}

fn histogram_svg(bins: &[BinStats]) -> Drawn {
    let top = bins.iter().map(|b| b.count).max().unwrap_or(1).max(1) as f64 * 1.1;
    draw_svg((560, 240), |root| {
        let mut chart = unit_axes(root, top, "Confidence", "Rows")?;
        for b in bins.iter().filter(|b| b.count > 0) {
            let (lo, hi) = if b.hi > b.lo { (b.lo, b.hi) } else { (b.lo - 0.01, b.hi + 0.01) };
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(lo, 0.0), (hi, b.count as f64)],
                    theme().series[0].mix(0.6).filled(),
                )))
                .map_err(err)?;
        }
        Ok(())
    })
}

fn risk_svg(points: &[(f64, f64)], threshold_coverage: f64) -> Drawn {
    let top = points.iter().map(|p| p.1).fold(0.0, f64::max).max(0.05) * 1.1;
    draw_svg((560, 280), |root| {
        let mut chart = unit_axes(root, top, "Coverage (share answered)", "Risk (error rate)")?;
        chart.draw_series(LineSeries::new(points.iter().copied(), theme().series[0].stroke_width(2))).map_err(err)?;
        chart
            .draw_series(LineSeries::new([(threshold_coverage, 0.0), (threshold_coverage, top)], theme().series[1].stroke_width(1)))
            .map_err(err)?;
        Ok(())
    })
}

fn or_message(d: Drawn) -> String {
    d.unwrap_or_else(|e| format!("<p>chart unavailable: {e}</p>"))
}

#[component]
pub fn Charts(
    state: RwSignal<CalibrationState>,
    data: Memo<Option<Arc<Dataset>>>,
    report: Memo<Option<Arc<Report>>>,
    curve: Memo<Option<Arc<RiskCoverage>>>,
    /// The histogram and the risk–coverage curve besides the reliability diagram.
    show_more: bool,
) -> impl IntoView {
    let bins = Memo::new(move |_| report.get().map(|r| r.bins.clone()).unwrap_or_default());
    let table = Signal::derive(move || DataTable {
        headers: vec!["Bin".into(), "Rows".into(), "Accuracy".into(), "Mean confidence".into(), "Gap".into()],
        rows: bins
            .get()
            .iter()
            .map(|b| {
                let fmt = |v: Option<f64>| v.map_or("—".to_string(), |x| format!("{x:.3}"));
                let gap = b.accuracy.zip(b.confidence).map(|(a, c)| a - c);
                vec![
                    format!("{:.2}–{:.2}", b.lo, b.hi),
                    b.count.to_string(),
                    fmt(b.accuracy),
                    fmt(b.confidence),
                    fmt(gap),
                ]
            })
            .collect(),
    });
    let reliability = Signal::derive(move || or_message(reliability_svg(&bins.get())));
    let reliability_caption = Signal::derive(move || {
        let b = bins.get();
        let over = b.iter().filter(|x| x.confidence.zip(x.accuracy).is_some_and(|(c, a)| c > a)).count();
        let filled = b.iter().filter(|x| x.count > 0).count();
        format!("Reliability diagram: accuracy of each bin (bars, with its row count) against the diagonal of perfect calibration; dots mark each bin's mean confidence. In {over} of {filled} non-empty bins the model is more confident than accurate.")
    });
    let histogram = Signal::derive(move || or_message(histogram_svg(&bins.get())));
    let histogram_caption = Signal::derive(|| "How many rows fall in each confidence bin.".to_string());
    let curve = Memo::new(move |_| {
        let points: Vec<(f64, f64)> = curve
            .get()
            .map(|rc| rc.thinned(CURVE_POINTS).iter().map(|p| (p.coverage, p.risk)).collect())
            .unwrap_or_default();
        points
    });
    let risk = Signal::derive(move || {
        let threshold = state.with(|s| s.threshold);
        let cov = data
            .get()
            .map_or(1.0, |d| frontier_calibration::selective::at_threshold(&d.confidences, &d.correct, threshold).0);
        or_message(risk_svg(&curve.get(), cov))
    });
    let risk_caption = Signal::derive(|| {
        "Risk–coverage: the error rate among the answered questions as the model answers more of them, most confident first. The vertical line is the chosen abstention threshold.".to_string()
    });
    let risk_table = Signal::derive(move || DataTable {
        headers: vec!["Coverage".into(), "Risk".into()],
        rows: {
            let c = curve.get();
            let step = (c.len() / 20).max(1);
            c.iter().step_by(step).map(|(cov, r)| vec![format!("{cov:.3}"), format!("{r:.3}")]).collect()
        },
    });
    view! {
        <section class="charts" aria-label="Charts">
            <Figure svg=reliability caption=reliability_caption table=table name="calibration-reliability"/>
            {show_more.then(|| view! { <div class="control" data-control="more_charts">
                <Figure svg=histogram caption=histogram_caption table=table name="calibration-histogram"/>
                <Figure svg=risk caption=risk_caption table=risk_table name="calibration-risk-coverage"/>
            </div> })}
        </section>
    }
}

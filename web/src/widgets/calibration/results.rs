//! Numbers: the metrics with the binning controls, recalibration on held-out rows, and the
//! abstention threshold. Every value comes from frontier-calibration.

use std::sync::Arc;

use frontier_base::csv::push_row;
use frontier_calibration::analysis::Analysis;
use frontier_calibration::data::Dataset;
use frontier_calibration::recalibrate::Recalibrator;
use frontier_calibration::selective::{at_threshold, RiskCoverage};
use frontier_calibration::{evaluate, Binning, Report};
use leptos::prelude::*;

use super::state::CalibrationState;
use crate::framework::frame::ExportItem;
use crate::framework::scale::Scale;
use crate::framework::slider::NumberField;

pub fn report(s: &CalibrationState, d: &Dataset) -> Report {
    evaluate(&d.confidences, &d.correct, s.bins, s.binning)
}

fn f3(v: f64) -> String {
    format!("{v:.4}")
}

pub fn exports(state: RwSignal<CalibrationState>, data: Memo<Option<Arc<Dataset>>>) -> Vec<ExportItem> {
    let json = move || -> Result<String, String> {
        let s = state.get_untracked();
        let d = data.get_untracked().ok_or("no data")?;
        serde_json::to_string_pretty(&report(&s, &d)).map_err(|e| e.to_string())
    };
    let csv = move || -> Result<String, String> {
        let s = state.get_untracked();
        let d = data.get_untracked().ok_or("no data")?;
        let r = report(&s, &d);
        let mut out = String::new();
        push_row(&mut out, ["lo", "hi", "count", "accuracy", "confidence"]);
        for b in r.bins {
            let opt = |v: Option<f64>| v.map_or(String::new(), |x| x.to_string());
            push_row(
                &mut out,
                [b.lo.to_string(), b.hi.to_string(), b.count.to_string(), opt(b.accuracy), opt(b.confidence)],
            );
        }
        Ok(out)
    };
    let recalibrated = move || -> Result<String, String> {
        let s = state.get_untracked();
        let d = data.get_untracked().ok_or("no data")?;
        // Maps fitted on all rows; the held-out table shows how well they generalise.
        let iso = Recalibrator::fit_isotonic(&d.confidences, &d.correct);
        let hist = Recalibrator::fit_histogram(&d.confidences, &d.correct, s.bins);
        let mut out = String::new();
        push_row(&mut out, ["row", "confidence", "correct", "isotonic", "histogram"]);
        for (i, (&c, &ok)) in d.confidences.iter().zip(&d.correct).enumerate() {
            let row = [(i + 1).to_string(), c.to_string(), u8::from(ok).to_string()];
            push_row(&mut out, row.into_iter().chain([iso.apply(c).to_string(), hist.apply(c).to_string()]));
        }
        Ok(out)
    };
    vec![
        ExportItem {
            label: "Recalibrated confidences (CSV)",
            filename: "calibration-recalibrated.csv".into(),
            mime: "text/csv",
            make: Arc::new(recalibrated),
        },
        ExportItem {
            label: "Bins (CSV)",
            filename: "calibration-bins.csv".into(),
            mime: "text/csv",
            make: Arc::new(csv),
        },
        ExportItem {
            label: "Metrics (JSON)",
            filename: "calibration-metrics.json".into(),
            mime: "application/json",
            make: Arc::new(json),
        },
    ]
}

#[component]
pub fn Summary(
    state: RwSignal<CalibrationState>,
    data: Memo<Option<Arc<Dataset>>>,
    analysis: Memo<Option<Arc<Analysis>>>,
    show_binning: bool,
) -> impl IntoView {
    let controls = show_binning.then(|| {
        let on_binning = move |ev: leptos::ev::Event| {
            if let Some(b) = Binning::from_id(&event_target_value(&ev)) {
                state.update(|s| s.binning = b);
            }
        };
        let set_bins = Callback::new(move |v: f64| {
            let bins = v.round() as usize;
            if (1..=100).contains(&bins) {
                state.update(|s| s.bins = bins);
                Ok(())
            } else {
                Err("between 1 and 100 bins".to_string())
            }
        });
        view! {
            <div class="row" data-control="binning">
                <NumberField id="bins" label="Bins" whole=true value=Signal::derive(move || state.with(|s| s.bins as f64))
                    on_change=set_bins scale=Scale { min: 1.0, max: 50.0, log: false } display=|v| format!("{v}")/>
                <div class="field">
                    <label for="cal-binning">"Binning convention"</label>
                    <select id="cal-binning" on:change=on_binning prop:value=move || state.with(|s| s.binning.id().to_string())>
                        <option value="article">"Article: min(⌊c·B⌋, B−1)"</option>
                        <option value="linspace">"numpy linspace edges [lo, hi) (netcal)"</option>
                        <option value="right-closed">"Right-closed (lo, hi] (scikit-learn, Kumar et al.)"</option>
                        <option value="torchmetrics">"torchmetrics (c = 1 in its own bin)"</option>
                        <option value="quantile">"Equal mass (quantile, ties together)"</option>
                    </select>
                </div>
            </div>
        }
    });
    let numbers = move || {
        let d = data.get()?;
        let a = analysis.get()?;
        let (r, interval, smooth) = (&a.report, a.interval, a.smooth);
        let (cw, tl, cm) = (a.classwise_ece, a.top_label_ece, a.class_metrics);
        Some(view! {
            <div class="headline">
                <div class="big">
                    <span class="big-label">"ECE"</span>
                    <output data-testid="ece">{f3(r.ece)}</output>
                    <span class="big-note">{interval.map_or("interval skipped for large data".to_string(), |i| format!("95 % bootstrap: {} – {}", f3(i.low), f3(i.high)))}</span>
                </div>
                <div class="big">
                    <span class="big-label">"Accuracy vs confidence"</span>
                    <output data-testid="accuracy">{format!("{:.3} vs {:.3}", r.accuracy, r.mean_confidence)}</output>
                    <span class="big-note"><output data-testid="n">{r.n}</output>{format!(" rows{}", if d.skipped.is_empty() { String::new() } else { format!(", {} skipped", d.skipped.len()) })}</span>
                </div>
            </div>
            <dl class="numbers">
                <dt>"MCE"</dt><dd>{f3(r.mce)}</dd>
                <dt>"RMS calibration error"</dt><dd>{f3(r.rmsce)}</dd>
                <dt>"Debiased l2 (Kumar et al.)"</dt><dd>{f3(r.debiased_l2)}</dd>
                <dt>"Equal-mass ECE"</dt><dd>{f3(r.ece_equal_mass)}</dd>
                <dt>"Brier (top label)"</dt><dd>{f3(r.brier)}</dd>
                <dt>"Log loss (top label, clip 1e-15)"</dt><dd>{f3(r.nll_top_label)}</dd>
                {smooth.map(|(v, sigma)| view! { <dt>"Smooth ECE (no bins)"</dt><dd>{format!("{} (bandwidth {:.3})", f3(v), sigma)}</dd> })}
                {cm.map(|m| view! { <dt>"NLL (clip 1e-15)"</dt><dd>{f3(m.nll)}</dd><dt>"Brier (all classes)"</dt><dd>{f3(m.brier_full)}</dd> })}
                {cw.map(|v| view! { <dt>"Class-wise ECE"</dt><dd>{f3(v)}</dd> })}
                {tl.map(|v| view! { <dt>"Top-label ECE"</dt><dd>{f3(v)}</dd> })}
                {(r.unbinned > 0).then(|| view! { <dt>"Rows in no bin"</dt><dd>{r.unbinned}</dd> })}
            </dl>
        })
    };
    view! {
        <section class="cal-summary" aria-label="Calibration metrics">
            {controls}
            <div aria-live="polite">{numbers}</div>
        </section>
    }
}

#[component]
pub fn Recalibration(analysis: Memo<Option<Arc<Analysis>>>) -> impl IntoView {
    move || {
        let a = analysis.get()?;
        let h = a.held_out?;
        let temperature = a.temperature;
        Some(view! {
            <section class="recalibration" aria-label="Recalibration">
                <h3>"Recalibration"</h3>
                <div class="table-scroll" tabindex="0">
                    <table>
                        <caption>{format!("Fitted on {} rows, ECE measured on the other {} (article binning)", h.fit_rows, h.test_rows)}</caption>
                        <thead><tr><th scope="col">"Method"</th><th scope="col">"Held-out ECE"</th></tr></thead>
                        <tbody>
                            <tr><td>"None"</td><td>{f3(h.test_ece_before)}</td></tr>
                            <tr><td>"Histogram binning"</td><td>{f3(h.test_ece_histogram)}</td></tr>
                            <tr><td>"Isotonic regression"</td><td data-testid="isotonic-ece">{f3(h.test_ece_isotonic)}</td></tr>
                        </tbody>
                    </table>
                </div>
                {temperature.map(|t| view! {
                    <p data-testid="temperature">{format!(
                        "Temperature scaling on all rows: T = {:.4} (fitted exactly: Newton's method on 1/T converged in {} steps); NLL {:.4} → {:.4}.",
                        t.temperature, t.iterations, t.nll_before, t.nll_after)}</p>
                })}
            </section>
        })
    }
}

#[component]
pub fn Abstention(
    state: RwSignal<CalibrationState>,
    data: Memo<Option<Arc<Dataset>>>,
    curve: Memo<Option<Arc<RiskCoverage>>>,
) -> impl IntoView {
    let set_threshold = Callback::new(move |v: f64| {
        if (0.0..=1.0).contains(&v) {
            state.update(|s| s.threshold = v);
            Ok(())
        } else {
            Err("a threshold between 0 and 1".to_string())
        }
    });
    let summary = move || {
        let threshold = state.with(|s| s.threshold);
        let d = data.get()?;
        let rc = curve.get()?;
        let (coverage, accuracy, abstained) = at_threshold(&d.confidences, &d.correct, threshold);
        Some(view! {
            <p data-testid="abstention">{format!(
                "Answering only at confidence ≥ {:.2}: {:.1} % of questions answered, {} abstained on, accuracy {} (all: {:.3}).",
                threshold, coverage * 100.0, abstained, accuracy.map_or("—".to_string(), |a| format!("{a:.3}")),
                d.correct.iter().filter(|&&c| c).count() as f64 / d.correct.len().max(1) as f64)}</p>
            <p>{format!("AURC {:.4}; a perfect ordering would give {:.4}, so E-AURC is {:.4}.", rc.aurc, rc.optimal_aurc, rc.e_aurc)}</p>
        })
    };
    view! {
        <section class="abstention" aria-label="Abstention">
            <h3>"Abstention"</h3>
            <NumberField id="threshold" label="Abstain below confidence" value=Signal::derive(move || state.with(|s| s.threshold))
                on_change=set_threshold scale=Scale { min: 0.0, max: 1.0, log: false } display=|v| format!("{v:.2}")/>
            {summary}
        </section>
    }
}

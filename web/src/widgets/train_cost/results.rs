//! The widget's outputs, the check of a preset's published claim, and result exports.

use std::sync::Arc;

use frontier_base::csv::push_row;
use frontier_costs::{convention_table, AttentionMode, InputError, TrainingReport};
use leptos::prelude::*;

use super::state::TrainCostState;
use crate::framework::format::{percent, sci, short, usd};
use crate::framework::frame::ExportItem;

type ReportMemo = Memo<Result<TrainingReport, InputError>>;

pub fn exports(state: RwSignal<TrainCostState>) -> Vec<ExportItem> {
    let csv = move || -> Result<String, String> {
        let report = state.with_untracked(|s| s.inputs.evaluate()).map_err(|e| e.to_string())?;
        let mut out = String::new();
        push_row(&mut out, ["quantity", "value", "unit"]);
        for frontier_labs::Measurement { id: key, value, unit, .. } in frontier_labs::train_cost::report_rows(&report) {
            push_row(&mut out, [key.to_string(), value.to_string(), unit.to_string()]);
        }
        Ok(out)
    };
    let json = move || -> Result<String, String> {
        let s = state.get_untracked();
        let report = s.inputs.evaluate().map_err(|e| e.to_string())?;
        let value = serde_json::json!({
            "widget": "train-cost",
            "preset": s.preset,
            "hardware": s.hardware,
            "precision": s.precision,
            "inputs": s.inputs,
            "report": report,
        });
        serde_json::to_string_pretty(&value).map_err(|e| e.to_string())
    };
    vec![
        ExportItem {
            label: "Results (CSV)",
            filename: "train-cost-results.csv".into(),
            mime: "text/csv",
            make: Arc::new(csv),
        },
        ExportItem {
            label: "Results (JSON)",
            filename: "train-cost-results.json".into(),
            mime: "application/json",
            make: Arc::new(json),
        },
    ]
}

#[component]
pub fn Results(report: ReportMemo) -> impl IntoView {
    move || {
        match report.get() {
        Err(e) => view! { <p class="error" role="alert">{format!("These inputs cannot be evaluated: {e}")}</p> }.into_any(),
        Ok(r) => view! {
            <div class="results" aria-live="polite">
                <div class="headline">
                    <div class="big">
                        <span class="big-label">"MFU"</span>
                        <output data-testid="mfu">{format!("{:.3}", r.mfu)}</output>
                        <span class="big-note">{percent(r.mfu)}" of peak"</span>
                    </div>
                    <div class="big">
                        <span class="big-label">"Compute cost"</span>
                        <output data-testid="total_cost_usd">{usd(r.total_cost_usd)}</output>
                        <span class="big-note">{format!("{} GPU-hours", sci(r.gpu_hours))}</span>
                    </div>
                </div>
                <dl class="numbers">
                    <dt>"Total compute"</dt><dd>{format!("{} FLOP", sci(r.total_flops))}</dd>
                    <dt>"Per token"</dt><dd>{format!("{} FLOP", sci(r.flops_per_token))}
                        {(r.attention_flops_per_token > 0.0).then(|| format!(" (attention {})", percent(r.attention_flops_per_token / r.flops_per_token)))}</dd>
                    <dt>"Achieved per GPU"</dt><dd>{format!("{} TFLOPS", sci((r.effective_tflops_per_gpu * 10.0).round() / 10.0))}</dd>
                    <dt>"Wall-clock"</dt><dd>{format!("{} days", sci((r.wall_clock_days * 10.0).round() / 10.0))}</dd>
                    <dt>"Tokens per dollar"</dt><dd>{short(r.tokens_per_dollar)}</dd>
                    <dt>"FLOPs per dollar"</dt><dd>{sci(r.flops_per_dollar)}</dd>
                    <dt>"Tokens per active parameter"</dt><dd>{sci((r.tokens_per_param * 10.0).round() / 10.0)}</dd>
                    <dt>"Chinchilla-optimal for this compute"</dt>
                    <dd>{format!("{} parameters on {} tokens", short(r.chinchilla.params), short(r.chinchilla.tokens))}</dd>
                </dl>
            </div>
        }
        .into_any(),
    }
    }
}

/// Where a preset carries a published claim: the claim beside the arithmetic, and the same
/// run under every MFU convention.
#[component]
pub fn ClaimCheck(state: RwSignal<TrainCostState>, report: ReportMemo) -> impl IntoView {
    let claim = move || {
        let s = state.get();
        let claim = s.preset().and_then(|p| p.claim)?;
        let r = report.get().ok()?;
        let mfu_line = claim.mfu.map(|claimed| {
            let needed_days = s.inputs.hours_for_mfu(claimed).ok().map(|h| h / 24.0);
            format!(
                "{} states an MFU of about {claimed}; these inputs give {:.3}.{}",
                claim.said_by,
                r.mfu,
                needed_days.map_or(String::new(), |d| format!(
                    " An MFU of {claimed} would need the run to take {d:.1} days, not {:.1}.",
                    s.inputs.hours / 24.0
                ))
            )
        });
        let cost_line = claim.total_cost_usd.map(|c| {
            format!("{} states a cost of about {}; these inputs give {}.", claim.said_by, usd(c), usd(r.total_cost_usd))
        });
        Some(view! {
            <div class="claim" data-testid="claim">
                <h3>"Claim and arithmetic"</h3>
                {mfu_line.map(|l| view! { <p>{l}</p> })}
                {cost_line.map(|l| view! { <p>{l}</p> })}
            </div>
        })
    };
    let conventions = move || {
        let s = state.get();
        let rows = convention_table(&s.inputs, &s.hardware).ok()?;
        let current = (s.precision, s.inputs.attention);
        Some(view! {
            <div class="table-scroll" tabindex="0">
                <table class="conventions">
                    <caption>{format!("The same run under each MFU convention ({}, attention at {} tokens)", s.accelerator().map_or("", |a| a.name), short(s.inputs.shape.seq_len))}</caption>
                    <thead><tr><th scope="col">"Peak"</th><th scope="col">"Attention"</th><th scope="col">"MFU"</th></tr></thead>
                    <tbody>
                        {rows.into_iter().map(|row| {
                            let attention = match row.attention {
                                AttentionMode::Off => "not counted",
                                AttentionMode::Causal => "causal (half)",
                                AttentionMode::Full => "full (PaLM)",
                            };
                            let is_current = (row.precision, row.attention) == current;
                            view! {
                                <tr class:current=is_current>
                                    <td>{format!("{} ({} TFLOPS)", row.precision.label(), sci(row.peak_tflops))}</td>
                                    <td>{attention}</td>
                                    <td>{format!("{:.3}", row.mfu)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })
    };
    view! {
        <section class="claim-check" aria-label="Claims and conventions">
            {claim}
            {conventions}
        </section>
    }
}

//! Verdicts up front (article mode beside realistic mode), the memory and speed breakdown,
//! the corrections that apply, and result exports.

use std::sync::Arc;

use frontier_base::csv::push_row;
use frontier_costs::edge::realistic::Bound;
use frontier_costs::edge::{Correction, EdgeAnalysis, EdgeReport};
use leptos::prelude::*;

use super::state::EdgeState;
use crate::framework::format::{sci, short};
use crate::framework::frame::ExportItem;

fn gb(v: f64) -> String {
    format!("{v:.2} GB")
}

fn tps(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0} tokens/s")
    } else {
        format!("{v:.1} tokens/s")
    }
}

/// The analysis `frontier edge` runs, on the page's settings.
pub fn analysis(state: &EdgeState) -> Result<EdgeAnalysis, String> {
    state.settings()?.analyze().map_err(|e| e.to_string())
}

pub fn report(state: &EdgeState) -> Result<EdgeReport, String> {
    analysis(state).map(|a| a.realistic)
}

pub fn exports(state: RwSignal<EdgeState>) -> Vec<ExportItem> {
    let json = move || -> Result<String, String> {
        let s = state.get_untracked();
        let a = analysis(&s)?;
        let value = serde_json::json!({
            "widget": "edge-feasibility", "state": s, "article": a.article, "realistic": a.realistic,
            "corrections": a.corrections,
        });
        serde_json::to_string_pretty(&value).map_err(|e| e.to_string())
    };
    let csv = move || -> Result<String, String> {
        let s = state.get_untracked();
        let r = report(&s)?;
        let rows = [
            ("weights_gb", r.weights_gb),
            ("kv_bytes_per_token", r.kv_bytes_per_token),
            ("kv_cache_gb", r.kv_cache_gb),
            ("runtime_gb", r.runtime_gb),
            ("total_memory_gb", r.total_memory_gb),
            ("usable_memory_gb", r.usable_memory_gb),
            ("fits", if r.fits { 1.0 } else { 0.0 }),
            ("headroom_gb", r.headroom_gb),
            ("decode_tokens_per_sec", r.decode_tokens_per_sec),
            ("sustained_tokens_per_sec", r.sustained_tokens_per_sec),
            ("decode_ceiling_tokens_per_sec", r.decode_ceiling_tokens_per_sec),
            ("prefill_seconds", r.prefill_seconds),
        ];
        let mut out = String::new();
        push_row(&mut out, ["quantity", "value"]);
        for (k, v) in rows {
            push_row(&mut out, [k.to_string(), v.to_string()]);
        }
        Ok(out)
    };
    vec![
        ExportItem {
            label: "Results (CSV)",
            filename: "edge-feasibility-results.csv".into(),
            mime: "text/csv",
            make: Arc::new(csv),
        },
        ExportItem {
            label: "Results (JSON)",
            filename: "edge-feasibility-results.json".into(),
            mime: "application/json",
            make: Arc::new(json),
        },
    ]
}

#[component]
pub fn Verdicts(state: RwSignal<EdgeState>, show_article: bool) -> impl IntoView {
    let article = move || {
        let a = state.with(|s| s.article);
        a.evaluate().ok().map(|r| {
            view! {
                <div class="verdict-card" data-testid="article-verdict">
                    <h3>"The article's check"</h3>
                    <p class="verdict">{if r.fits_in_ram { "Fits" } else { "Does not fit" }}</p>
                    <p>{format!("{} + fixed 0.5 GB cache = {} of {} GB RAM", gb(r.model_size_gb), gb(r.total_memory_gb), sci(a.ram_gb))}</p>
                    <p><strong>{tps(r.achievable_tokens_per_sec)}</strong>{format!(" (needs {:.0} GB/s for {})", r.bandwidth_needed_gb_s, tps(a.target_tps))}</p>
                </div>
            }
        })
    };
    let realistic = move || {
        let s = state.get();
        match report(&s) {
            Ok(r) => view! {
                <div class="verdict-card" class:bad=!r.fits data-testid="realistic-verdict">
                    <h3>"Realistic model"</h3>
                    <p class="verdict" data-testid="edge-verdict">{if r.fits { "Fits" } else { "Does not fit" }}</p>
                    <p>{if r.fits {
                        format!("{} of {} usable; {} free", gb(r.total_memory_gb), gb(r.usable_memory_gb), gb(r.headroom_gb))
                    } else {
                        format!("{} needed, {} usable: {} missing", gb(r.total_memory_gb), gb(r.usable_memory_gb), gb(-r.headroom_gb))
                    }}</p>
                    <p><strong data-testid="edge-tps">{tps(r.decode_tokens_per_sec)}</strong>
                        {format!(" burst, {} sustained", tps(r.sustained_tokens_per_sec))}</p>
                </div>
            }
            .into_any(),
            Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
        }
    };
    view! {
        <div class="verdicts" aria-live="polite">
            {show_article.then_some(article)}
            {realistic}
        </div>
    }
}

#[component]
pub fn Breakdown(state: RwSignal<EdgeState>) -> impl IntoView {
    move || {
        let s = state.get();
        let Ok(r) = report(&s) else { return None };
        let bound = |b: Bound| match b {
            Bound::Memory => "bandwidth-bound",
            Bound::Compute => "compute-bound",
        };
        Some(view! {
            <div class="results">
                <table class="breakdown">
                    <caption>"Memory"</caption>
                    <tbody>
                        <tr><th scope="row">"Weights"</th><td>{gb(r.weights_gb)}</td></tr>
                        <tr><th scope="row">"KV cache"</th><td>{format!("{} ({} bytes per token, {} tokens)", gb(r.kv_cache_gb), sci(r.kv_bytes_per_token), sci(s.context))}</td></tr>
                        <tr><th scope="row">"Runtime buffers"</th><td>{gb(r.runtime_gb)}</td></tr>
                        <tr><th scope="row">"Total"</th><td><strong>{gb(r.total_memory_gb)}</strong></td></tr>
                        <tr><th scope="row">"Usable"</th><td>{format!("{} ({} GB × {:.2})", gb(r.usable_memory_gb), sci(s.device.ram_gb), s.device.usable_fraction)}</td></tr>
                    </tbody>
                </table>
                <table class="breakdown">
                    <caption>"Speed"</caption>
                    <tbody>
                        <tr><th scope="row">"Read per decode step"</th><td>{gb(r.bytes_per_step / 1e9)}</td></tr>
                        <tr><th scope="row">"Bandwidth ceiling"</th><td>{tps(r.decode_ceiling_tokens_per_sec)}</td></tr>
                        <tr><th scope="row">"Decode (efficiency applied)"</th><td>{tps(r.decode_tokens_per_sec)}</td></tr>
                        <tr><th scope="row">"Sustained"</th><td>{tps(r.sustained_tokens_per_sec)}</td></tr>
                        <tr><th scope="row">"Prefill"</th><td>{format!("{:.2} s for {} prompt tokens", r.prefill_seconds, sci(s.prompt_tokens))}</td></tr>
                        <tr><th scope="row">"Roofline"</th><td>{format!(
                            "decode {:.1} FLOP/byte ({}), prefill {} FLOP/byte ({}); ridge {:.0}",
                            r.roofline.decode_flops_per_byte, bound(r.roofline.decode_bound),
                            sci(r.roofline.prefill_flops_per_byte.round()), bound(r.roofline.prefill_bound), r.roofline.ridge_flops_per_byte)}</td></tr>
                    </tbody>
                </table>
            </div>
        })
    }
}

/// One correction in words; every number comes from the core's [`Correction`].
fn correction_text(c: &Correction) -> String {
    match c {
        Correction::Bandwidth { device_name, article_gb_s, real_gb_s, estimated, .. } => format!(
            "Bandwidth: the article's check reads the weights at {} GB/s; the {device_name} has {} GB/s{}, used here.",
            sci(*article_gb_s),
            sci(*real_gb_s),
            if *estimated { " (estimated)" } else { "" }
        ),
        Correction::WeightsSize {
            model_name, format, article_params, article_bits, article_gb, bits_per_weight, real_gb, real_gib, ..
        } => match format {
            Some(f) => format!(
                "Weights: a real {f} file of {model_name} is {real_gib:.2} GiB ({}, {bits_per_weight:.2} bits per weight over the whole file), not the {} that {} parameters at {} plain bits give.",
                gb(*real_gb), gb(*article_gb), short(*article_params), sci(*article_bits)
            ),
            None => format!(
                "Weights: {model_name} at {} bits per weight is {}, not the {} that {} parameters at {} bits give.",
                sci(*bits_per_weight), gb(*real_gb), gb(*article_gb), short(*article_params), sci(*article_bits)
            ),
        },
        Correction::KvCache { article_gb, kv_bytes_per_token, context_tokens, batch, real_gb, .. } => format!(
            "The KV cache is not a fixed {}: this model stores {} bytes per token, {} for {}.",
            gb(*article_gb),
            sci(*kv_bytes_per_token),
            gb(*real_gb),
            if *batch > 1.0 {
                format!("{} sequences of {} tokens", sci(*batch), sci(*context_tokens))
            } else {
                format!("{} tokens of context", sci(*context_tokens))
            }
        ),
    }
}

/// Where the article's assumptions meet the chosen model or device, the sourced corrections
/// the core finds for them.
#[component]
pub fn Corrections(state: RwSignal<EdgeState>) -> impl IntoView {
    move || {
        let corrections = state.with(analysis).map(|a| a.corrections).unwrap_or_default();
        (!corrections.is_empty()).then(|| {
            view! {
                <section class="claim" aria-label="Corrections to the article" data-testid="edge-corrections">
                    <h3>"Where the article's numbers differ"</h3>
                    <ul>
                        {corrections
                            .into_iter()
                            .map(|c| view! {
                                <li>{correction_text(&c)}" "<span class="source">{format!("Source: {}.", c.source())}</span></li>
                            })
                            .collect_view()}
                    </ul>
                </section>
            }
        })
    }
}

//! Verdicts up front (article mode beside realistic mode), the memory and speed breakdown,
//! the corrections that apply, and result exports.

use std::sync::Arc;

use frontier_costs::edge::realistic::Bound;
use frontier_costs::edge::{EdgeReport, WeightFormat, GIB};
use leptos::prelude::*;

use super::state::EdgeState;
use crate::framework::format::sci;
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

pub fn report(state: &EdgeState) -> Result<EdgeReport, String> {
    state.inputs()?.evaluate().map_err(|e| e.to_string())
}

pub fn exports(state: RwSignal<EdgeState>) -> Vec<ExportItem> {
    let json = move || -> Result<String, String> {
        let s = state.get_untracked();
        let article = s.article.evaluate().map_err(|e| e.to_string())?;
        let realistic = report(&s)?;
        let value =
            serde_json::json!({ "widget": "edge-feasibility", "state": s, "article": article, "realistic": realistic });
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
        let mut out = String::from("quantity,value\n");
        for (k, v) in rows {
            out.push_str(&format!("{k},{v}\n"));
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

/// Where the article's assumptions meet the chosen model or device, the sourced correction.
#[component]
pub fn Corrections(state: RwSignal<EdgeState>) -> impl IntoView {
    move || {
        let s = state.get();
        let mut items = Vec::new();
        if s.device.id == "iphone-16-pro" && s.article.bandwidth_gb_s >= 100.0 {
            items.push(format!(
                "The article gives the iPhone 16 Pro 100 GB/s, the figure of a base M2/M3 Mac. Apple publishes none for the A18 Pro; a 64-bit LPDDR5X-7500 bus gives about {} GB/s (estimated), used here.",
                sci(s.device.bandwidth_gb_s)
            ));
        }
        if s.model_id == "llama-3.1-8b" {
            if let Some(f) = WeightFormat::by_id(&s.format) {
                let gib = s.model().map_or(0.0, |m| m.total_params * f.bits_per_weight / 8.0 / GIB);
                items.push(format!(
                    "A real {} file of Llama 3.1 8B is {gib:.2} GiB ({:.2} bits per weight over the whole file, llama.cpp's measurement), not the {} GB that {} plain bits give.",
                    f.id, f.bits_per_weight, sci(8e9 * s.article.bits / 8e9), sci(s.article.bits)
                ));
            }
        }
        if let Ok(r) = report(&s) {
            items.push(format!(
                "The KV cache is not a fixed 0.5 GB: this model stores {} bytes per token, {} at {} tokens of context.",
                sci(r.kv_bytes_per_token),
                gb(r.kv_cache_gb),
                sci(s.context)
            ));
        }
        (!items.is_empty()).then(|| {
            view! {
                <section class="claim" aria-label="Corrections to the article">
                    <h3>"Where the article's numbers differ"</h3>
                    <ul>{items.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul>
                </section>
            }
        })
    }
}

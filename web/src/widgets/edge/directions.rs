//! The article's directions as live models, and the inverse questions.

use frontier_costs::edge::directions::{flash_tokens_per_sec, moe_offload_tokens_per_sec, speculative_on_device};
use frontier_costs::edge::{Device, ModelArch, MODELS};
use leptos::prelude::*;

use super::inputs::setter;
use super::state::EdgeState;
use super::verdict::{analysis, report};
use crate::framework::format::{sci, short};
use crate::framework::scale::Scale;
use crate::framework::slider::NumberField;

fn two(v: f64) -> String {
    format!("{v:.2}")
}

#[component]
pub fn Directions(state: RwSignal<EdgeState>) -> impl IntoView {
    let speculative = move || {
        let s = state.get();
        let inputs = s.inputs().ok()?;
        let draft = ModelArch::by_id(&s.directions.draft_id)?;
        let r = speculative_on_device(&inputs, &draft, s.directions.alpha, s.directions.gamma).ok()?;
        Some(view! {
            <p data-testid="speculative-result">{format!(
                "{:.2} tokens per target step; cost ratio c = {:.3}; speedup {:.2}× → {:.1} tokens/s. The draft needs {:.2} GB: together {:.2} GB, {}.",
                r.expected_tokens_per_step, r.cost_ratio, r.speedup, r.speculative_tokens_per_sec, r.draft_memory_gb, r.total_memory_gb,
                if r.fits { "which fits" } else { "which does not fit" })}</p>
        })
    };
    let moe = move || {
        let s = state.get();
        let model = s.model()?;
        model.experts?;
        let bits = s.bits_per_weight()?;
        let limit = moe_offload_tokens_per_sec(&model, bits, s.directions.link_gb_s, s.directions.hit_rate).ok()??;
        Some(view! {
            <div>
                <h4>"Mixture of experts: experts across a link"</h4>
                <p>"Fit needs every expert somewhere; speed needs the active ones each token. With the experts that miss the cache streamed over the link:"</p>
                <NumberField id="link_gb_s" label="Link bandwidth (PCIe ≈ 25, NVMe ≈ 7, phone UFS ≈ 4)" unit="GB/s" value=Signal::derive(move || state.with(|s| s.directions.link_gb_s))
                    on_change=setter(state, |s, v| s.directions.link_gb_s = v) scale=Scale { min: 0.5, max: 100.0, log: true } display=sci/>
                <NumberField id="hit_rate" label="Expert cache hit rate" value=Signal::derive(move || state.with(|s| s.directions.hit_rate))
                    on_change=setter(state, |s, v| s.directions.hit_rate = v) scale=Scale { min: 0.0, max: 1.0, log: false } display=two/>
                <p>{format!("At most {:.1} tokens/s from the link.", limit)}</p>
            </div>
        })
    };
    let flash = move || {
        let s = state.get();
        let r = report(&s).ok()?;
        let limit =
            flash_tokens_per_sec(r.bytes_per_step, s.directions.resident_fraction, s.directions.flash_gb_s).ok()?;
        Some(
            view! { <p>{format!("At most {} tokens/s, {:.2} s per token, when the rest streams from flash.", sci((limit * 100.0).round() / 100.0), 1.0 / limit)}</p> },
        )
    };
    view! {
        <section class="directions" aria-label="Directions">
            <h3>"What would help"</h3>
            <div class="direction">
                <h4>"Speculative decoding"</h4>
                <label class="check">
                    <input type="checkbox" prop:checked=move || state.with(|s| s.directions.speculative)
                        on:change=move |_| state.update(|s| s.directions.speculative = !s.directions.speculative)/>
                    "Use a draft model"
                </label>
                {move || state.with(|s| s.directions.speculative).then(|| view! {
                    <div class="field">
                        <label for="edge-draft">"Draft model"</label>
                        <select id="edge-draft" prop:value=move || state.with(|s| s.directions.draft_id.clone())
                            on:change=move |ev| { let id = event_target_value(&ev); state.update(|s| s.directions.draft_id = id) }>
                            {MODELS.iter().map(|m| view! { <option value=m.id.to_string()>{m.name.to_string()}</option> }).collect_view()}
                        </select>
                    </div>
                    <NumberField id="alpha" label="Acceptance rate α" value=Signal::derive(move || state.with(|s| s.directions.alpha))
                        on_change=setter(state, |s, v| s.directions.alpha = v) scale=Scale { min: 0.05, max: 0.99, log: false } display=two/>
                    <NumberField id="gamma" label="Draft length γ" whole=true value=Signal::derive(move || state.with(|s| s.directions.gamma))
                        on_change=setter(state, |s, v| s.directions.gamma = v) scale=Scale { min: 1.0, max: 16.0, log: false } display=sci/>
                    {speculative}
                })}
            </div>
            <div class="direction">{moe}</div>
            <div class="direction">
                <h4>"Progressive loading from flash"</h4>
                <NumberField id="resident_fraction" label="Fraction of each token's bytes kept in RAM" value=Signal::derive(move || state.with(|s| s.directions.resident_fraction))
                    on_change=setter(state, |s, v| s.directions.resident_fraction = v) scale=Scale { min: 0.0, max: 1.0, log: false } display=two/>
                <NumberField id="flash_gb_s" label="Flash read speed" unit="GB/s" value=Signal::derive(move || state.with(|s| s.directions.flash_gb_s))
                    on_change=setter(state, |s, v| s.directions.flash_gb_s = v) scale=Scale { min: 0.5, max: 20.0, log: true } display=sci/>
                {flash}
            </div>
        </section>
    }
}

#[component]
pub fn Inverse(state: RwSignal<EdgeState>) -> impl IntoView {
    let answers = move || {
        let s = state.get();
        let a = analysis(&s).ok()?;
        let (ctx, format, devices) = (a.max_context, a.best_format, a.devices.unwrap_or_default());
        Some(view! {
            <p data-testid="max-context">{match ctx {
                Some(c) => format!("Longest context that fits: {} tokens.", short(c)),
                None => "Not even the weights fit on this device.".to_string(),
            }}</p>
            <p>{match format {
                Some(f) => format!("Best format that fits at this context: {} ({:.2} bits per weight).", f.id, f.bits_per_weight),
                None => "No format in the table fits at this context.".to_string(),
            }}</p>
            <div class="table-scroll" tabindex="0">
                <table>
                    <caption>{format!("Devices for this model at ≥ {} tokens/s", sci(s.directions.min_tps))}</caption>
                    <thead><tr><th scope="col">"Device"</th><th scope="col">"Fits"</th><th scope="col">"Decode"</th><th scope="col">"Meets target"</th></tr></thead>
                    <tbody>
                        {devices.into_iter().map(|d| {
                            let name = Device::by_id(&d.device).map_or(d.device.clone(), |x| x.name);
                            view! {
                                <tr class:current=d.meets_target>
                                    <td>{name}</td>
                                    <td>{if d.fits { "yes" } else { "no" }}</td>
                                    <td>{format!("{:.1} tokens/s", d.decode_tokens_per_sec)}</td>
                                    <td>{if d.meets_target { "yes" } else { "no" }}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })
    };
    view! {
        <section class="inverse" aria-label="Inverse questions">
            <h3>"Inverse questions"</h3>
            <NumberField id="min_tps" label="Target speed" unit="tokens/s" value=Signal::derive(move || state.with(|s| s.directions.min_tps))
                on_change=setter(state, |s, v| s.directions.min_tps = v) scale=Scale { min: 1.0, max: 500.0, log: true } display=sci/>
            {answers}
        </section>
    }
}

//! The edge widget's inputs: model (preset or config.json), format, context, device.

use frontier_costs::edge::config::parse_config;
use frontier_costs::edge::{Device, KvFormat, MODELS, WEIGHT_FORMATS};
use leptos::prelude::*;

use super::state::{EdgeState, CUSTOM, PLAIN_BITS};
use crate::framework::format::{sci, short};
use crate::framework::host::Host;
use crate::framework::scale::Scale;
use crate::framework::slider::NumberField;

/// Applies `set` to a copy of the state and keeps it only if the whole state stays valid.
pub fn setter(state: RwSignal<EdgeState>, set: fn(&mut EdgeState, f64)) -> Callback<f64, Result<(), String>> {
    crate::framework::slider::setter(state, set)
}

fn fraction(v: f64) -> String {
    format!("{:.2}", v)
}

#[component]
pub fn Inputs(host: Host<EdgeState>) -> impl IntoView {
    let state = host.state;
    let show = move |id: &str| !host.hides(id);
    let config_error = RwSignal::new(None::<String>);

    let on_model = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        state.update(|s| {
            if id == CUSTOM && s.custom_model.is_none() {
                return; // Nothing to switch to until a config is pasted.
            }
            s.model_id = id;
            let limit = s.model().map_or(s.context, |m| m.context);
            s.context = s.context.min(limit);
        });
    };
    let on_config = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        if text.trim().is_empty() {
            return;
        }
        match parse_config(&text, "Pasted config.json") {
            Ok(model) => {
                config_error.set(None);
                state.update(|s| {
                    s.context = s.context.min(model.context);
                    s.custom_model = Some(model);
                    s.model_id = CUSTOM.into();
                });
            }
            Err(e) => config_error.set(Some(e.to_string())),
        }
    };
    let on_format = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        state.update(|s| s.format = id);
    };
    let on_device = move |ev: leptos::ev::Event| {
        if let Some(d) = Device::by_id(&event_target_value(&ev)) {
            state.update(|s| s.device = d);
        }
    };
    let kv_radio = move |k: KvFormat| {
        view! {
            <label class="radio">
                <input type="radio" name="edge-kv" prop:checked=move || state.with(|s| s.kv_format == k)
                    on:change=move |_| state.update(|s| s.kv_format = k)/>
                {k.id()}
            </label>
        }
    };
    let context_max = move || state.with(|s| s.model().map_or(131_072.0, |m| m.context));

    view! {
        <div class="inputs">
            {show("article").then(|| view! { <div class="control" data-control="article">
                <details class="group-details">
                    <summary>"Article mode inputs"</summary>
                    <NumberField id="article_params" label="Parameters" value=Signal::derive(move || state.with(|s| s.article.params))
                        on_change=setter(state, |s, v| s.article.params = v) scale=Scale { min: 1e8, max: 1e12, log: true } display=short/>
                    <NumberField id="article_bits" label="Bits per parameter" value=Signal::derive(move || state.with(|s| s.article.bits))
                        on_change=setter(state, |s, v| s.article.bits = v) scale=Scale { min: 1.0, max: 32.0, log: true } display=sci/>
                    <NumberField id="article_ram" label="Device RAM" unit="GB" value=Signal::derive(move || state.with(|s| s.article.ram_gb))
                        on_change=setter(state, |s, v| s.article.ram_gb = v) scale=Scale { min: 1.0, max: 256.0, log: true } display=sci/>
                    <NumberField id="article_bandwidth" label="Bandwidth" unit="GB/s" value=Signal::derive(move || state.with(|s| s.article.bandwidth_gb_s))
                        on_change=setter(state, |s, v| s.article.bandwidth_gb_s = v) scale=Scale { min: 5.0, max: 5000.0, log: true } display=sci/>
                    <NumberField id="article_target" label="Target speed" unit="tokens/s" value=Signal::derive(move || state.with(|s| s.article.target_tps))
                        on_change=setter(state, |s, v| s.article.target_tps = v) scale=Scale { min: 1.0, max: 500.0, log: true } display=sci/>
                </details> </div> })}
            {show("model").then(|| view! { <div class="control" data-control="model">
                <div class="field">
                    <label for="edge-model">"Model"</label>
                    <select id="edge-model" data-testid="edge-model" on:change=on_model prop:value=move || state.with(|s| s.model_id.clone())>
                        {MODELS.iter().map(|m| view! { <option value=m.id.to_string()>{m.name.to_string()}</option> }).collect_view()}
                        <option value=CUSTOM>"Custom (pasted config.json)"</option>
                    </select>
                    <p class="source">{move || state.with(|s| s.model().map(|m| format!(
                        "{} parameters ({} active); source: {}", short(m.total_params), short(m.active_params), m.source)))}</p>
                </div>
                <details class="group-details">
                    <summary>"Define a model from its config.json"</summary>
                    <label for="edge-config">"Paste a Hugging Face config.json"</label>
                    <textarea id="edge-config" rows="5" spellcheck="false" on:change=on_config
                        placeholder="{\"hidden_size\": 4096, \"num_hidden_layers\": 32, …}"></textarea>
                    <p class="field-error" aria-live="polite">{move || config_error.get()}</p>
                </details>
                <div class="field">
                    <label for="edge-format">"Weight format"</label>
                    <select id="edge-format" data-testid="edge-format" on:change=on_format prop:value=move || state.with(|s| s.format.clone())>
                        {WEIGHT_FORMATS.iter().map(|f| view! {
                            <option value=f.id>{format!("{} — {:.2} bits/weight{}{}", f.id, f.bits_per_weight,
                                f.delta_ppl.map_or(String::new(), |d| format!(", +{d} perplexity")),
                                if f.estimated { " (estimated)" } else { "" })}</option>
                        }).collect_view()}
                        <option value=PLAIN_BITS>"Plain N-bit (the article's idealisation)"</option>
                    </select>
                </div>
                {move || (state.with(|s| s.format == PLAIN_BITS)).then(|| view! {
                    <NumberField id="bits" label="Bits per weight" value=Signal::derive(move || state.with(|s| s.bits))
                        on_change=setter(state, |s, v| s.bits = v) scale=Scale { min: 1.0, max: 32.0, log: true } display=sci/>
                })} </div> })}
            {show("context").then(|| view! { <div class="control" data-control="context">
                <NumberField id="context" label="Context" unit="tokens" whole=true value=Signal::derive(move || state.with(|s| s.context))
                    on_change=setter(state, |s, v| s.context = v.round().max(1.0)) scale=Scale { min: 128.0, max: 1_048_576.0, log: true } display=short/>
                <p class="hint">{move || format!("This model's limit: {} tokens.", short(context_max()))}</p>
                <div class="radios" role="radiogroup" aria-label="KV-cache format">
                    <span>"KV cache: "</span>{kv_radio(KvFormat::F16)}{kv_radio(KvFormat::Q8_0)}{kv_radio(KvFormat::Q4_0)}
                </div>
                <NumberField id="batch" label="Batch (parallel sequences)" whole=true value=Signal::derive(move || state.with(|s| s.batch))
                    on_change=setter(state, |s, v| s.batch = v) scale=Scale { min: 1.0, max: 256.0, log: true } display=sci/>
                <NumberField id="prompt_tokens" label="Prompt length (for prefill)" unit="tokens" whole=true value=Signal::derive(move || state.with(|s| s.prompt_tokens))
                    on_change=setter(state, |s, v| s.prompt_tokens = v) scale=Scale { min: 16.0, max: 131_072.0, log: true } display=short/> </div> })}
            {show("device").then(|| view! { <div class="control" data-control="device">
                <fieldset class="group">
                    <legend>"Device"</legend>
                    <div class="field">
                        <label for="edge-device">"Preset"</label>
                        <select id="edge-device" data-testid="edge-device" on:change=on_device prop:value=move || state.with(|s| s.device.id.clone())>
                            {Device::all().into_iter().map(|d| {
                                let label = format!("{}{}", d.name, if d.estimated { " (estimated)" } else { "" });
                                view! { <option value=d.id.clone()>{label}</option> }
                            }).collect_view()}
                            <option value=CUSTOM>"Custom device"</option>
                        </select>
                        <p class="source">{move || state.with(|s| format!("Source: {}", s.device.source))}</p>
                    </div>
                    <NumberField id="ram_gb" label="RAM" unit="GB" value=Signal::derive(move || state.with(|s| s.device.ram_gb))
                        on_change=setter(state, |s, v| { s.device.ram_gb = v; s.device.id = CUSTOM.into(); }) scale=Scale { min: 1.0, max: 256.0, log: true } display=sci/>
                    <NumberField id="usable_fraction" label="Usable by one app" value=Signal::derive(move || state.with(|s| s.device.usable_fraction))
                        on_change=setter(state, |s, v| s.device.usable_fraction = v) scale=Scale { min: 0.1, max: 1.0, log: false } display=fraction/>
                    <NumberField id="bandwidth_gb_s" label="Memory bandwidth" unit="GB/s" value=Signal::derive(move || state.with(|s| s.device.bandwidth_gb_s))
                        on_change=setter(state, |s, v| { s.device.bandwidth_gb_s = v; s.device.id = CUSTOM.into(); }) scale=Scale { min: 5.0, max: 5000.0, log: true } display=sci/>
                    <NumberField id="compute_tflops" label="Compute (FP16)" unit="TFLOPS" value=Signal::derive(move || state.with(|s| s.device.compute_tflops))
                        on_change=setter(state, |s, v| { s.device.compute_tflops = v; s.device.id = CUSTOM.into(); }) scale=Scale { min: 0.05, max: 2000.0, log: true } display=sci/>
                    <NumberField id="bandwidth_efficiency" label="Bandwidth efficiency" value=Signal::derive(move || state.with(|s| s.device.bandwidth_efficiency))
                        on_change=setter(state, |s, v| s.device.bandwidth_efficiency = v) scale=Scale { min: 0.1, max: 1.0, log: false } display=fraction/>
                    <NumberField id="sustained_factor" label="Sustained (thermal) factor" value=Signal::derive(move || state.with(|s| s.device.sustained_factor))
                        on_change=setter(state, |s, v| s.device.sustained_factor = v) scale=Scale { min: 0.1, max: 1.0, log: false } display=fraction/>
                </fieldset> </div> })}
        </div>
    }
}

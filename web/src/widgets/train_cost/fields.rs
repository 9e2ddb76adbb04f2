//! The widget's inputs: presets, sliders with typed entry, hardware, attention convention.

use frontier_costs::{AttentionMode, Precision, TrainingInputs, TrainingPreset, ACCELERATORS, TRAINING_PRESETS};
use leptos::prelude::*;

use super::state::{TrainCostState, CUSTOM_HARDWARE};
use crate::framework::format::{sci, short};
use crate::framework::host::Host;
use crate::framework::scale::Scale;
use crate::framework::slider::NumberField;

/// A callback that applies `set` to a copy of the inputs and keeps it only if the core
/// accepts it, so the state (and every link made from it) is always valid.
fn setter(state: RwSignal<TrainCostState>, set: fn(&mut TrainingInputs, f64)) -> Callback<f64, Result<(), String>> {
    Callback::new(move |v: f64| {
        let mut inputs = state.with_untracked(|s| s.inputs);
        set(&mut inputs, v);
        inputs.validate().map_err(|e| e.to_string())?;
        state.update(|s| {
            if s.inputs != inputs {
                s.inputs = inputs;
                s.preset = None;
            }
        });
        Ok(())
    })
}

fn days_and_hours(hours: f64) -> String {
    if hours >= 48.0 {
        format!("{} h ≈ {} days", sci(hours), sci((hours / 24.0 * 10.0).round() / 10.0))
    } else {
        format!("{} h", sci(hours))
    }
}

#[component]
pub fn Inputs(host: Host<TrainCostState>) -> impl IntoView {
    let state = host.state;
    let inputs = move || state.with(|s| s.inputs);
    let show = move |id: &str| !host.hides(id);

    let preset_select = show("presets").then(|| {
        let on_change = move |ev: leptos::ev::Event| {
            if let Some(p) = TrainingPreset::by_id(&event_target_value(&ev)) {
                state.set(TrainCostState::from_preset(p));
            }
        };
        view! {
            <div class="field" data-control="presets">
                <label for="train-preset">"Preset"</label>
                <select id="train-preset" data-testid="preset" on:change=on_change
                    prop:value=move || state.with(|s| s.preset.clone().unwrap_or_default())>
                    <option value="">"Custom"</option>
                    {TRAINING_PRESETS.iter().map(|p| view! { <option value=p.id>{p.name}</option> }).collect_view()}
                </select>
                <p class="source">{move || state.with(|s| s.preset().map(|p| format!("Source: {}", p.source)))}</p>
            </div>
        }
    });

    let hardware = show("hardware").then(|| {
        let on_hardware = move |ev: leptos::ev::Event| {
            let id = event_target_value(&ev);
            state.update(|s| {
                if let Some(acc) = frontier_costs::Accelerator::by_id(&id) {
                    let precision = if acc.peak_tflops(s.precision).is_some() { s.precision } else { Precision::Bf16 };
                    s.precision = precision;
                    s.inputs.peak_tflops = acc.peak_tflops(precision).unwrap_or(acc.bf16_dense_tflops);
                    s.preset = None;
                }
                s.hardware = id;
            });
        };
        let on_precision = move |p: Precision| {
            state.update(|s| {
                if let Some(peak) = s.accelerator().and_then(|a| a.peak_tflops(p)) {
                    s.precision = p;
                    s.inputs.peak_tflops = peak;
                    s.preset = None;
                }
            })
        };
        let peak_setter = setter(state, |i, v| i.peak_tflops = v);
        let on_peak = Callback::new(move |v: f64| {
            peak_setter.run(v)?;
            state.update(|s| {
                let from_table = s.accelerator().and_then(|a| a.peak_tflops(s.precision));
                if from_table != Some(v) {
                    s.hardware = CUSTOM_HARDWARE.to_string();
                }
            });
            Ok(())
        });
        view! {
            <fieldset class="group" data-control="hardware">
                <legend>"Hardware"</legend>
                <div class="field">
                    <label for="train-hardware">"GPU"</label>
                    <select id="train-hardware" data-testid="hardware" on:change=on_hardware prop:value=move || state.with(|s| s.hardware.clone())>
                        {ACCELERATORS.iter().map(|a| view! {
                            <option value=a.id>{format!("{}{}", a.name, if a.estimated { " (estimated)" } else { "" })}</option>
                        }).collect_view()}
                        <option value=CUSTOM_HARDWARE>"Custom peak"</option>
                    </select>
                    <p class="source">{move || state.with(|s| s.accelerator().map(|a| format!("Source: {}", a.source)))}</p>
                </div>
                <div class="radios" role="radiogroup" aria-label="Precision of the peak">
                    {Precision::ALL.into_iter().map(|p| {
                        let disabled = move || state.with(|s| s.accelerator().is_some_and(|a| a.peak_tflops(p).is_none()));
                        view! {
                            <label class="radio">
                                <input type="radio" name="train-precision" prop:checked=move || state.with(|s| s.precision == p)
                                    disabled=disabled on:change=move |_| on_precision(p)/>
                                {p.label()}
                            </label>
                        }
                    }).collect_view()}
                </div>
                <NumberField id="peak_tflops" label="Dense peak per GPU" unit="TFLOPS" value=Signal::derive(move || inputs().peak_tflops)
                    on_change=on_peak scale=Scale { min: 10.0, max: 10_000.0, log: true } display=sci/>
            </fieldset>
        }
    });

    let attention = show("attention").then(|| {
        let mode_radio = move |m: AttentionMode, label: &'static str| {
            let on_change = move |_| {
                state.update(|s| {
                    s.inputs.attention = m;
                    s.preset = None;
                })
            };
            view! {
                <label class="radio">
                    <input type="radio" name="train-attention" data-testid=format!("attention-{}", m.id())
                        prop:checked=move || state.with(|s| s.inputs.attention == m) on:change=on_change/>
                    {label}
                </label>
            }
        };
        let shape_fields = move || {
            (inputs().attention != AttentionMode::Off).then(|| {
                view! {
                    <NumberField id="layers" label="Layers" value=Signal::derive(move || inputs().shape.layers) whole=true
                        on_change=setter(state, |i, v| i.shape.layers = v) scale=Scale { min: 1.0, max: 256.0, log: true } display=sci/>
                    <NumberField id="heads" label="Attention heads" value=Signal::derive(move || inputs().shape.heads) whole=true
                        on_change=setter(state, |i, v| i.shape.heads = v) scale=Scale { min: 1.0, max: 256.0, log: true } display=sci/>
                    <NumberField id="head_dim" label="Query/key head dimension" value=Signal::derive(move || inputs().shape.head_dim) whole=true
                        on_change=setter(state, |i, v| i.shape.head_dim = v) scale=Scale { min: 16.0, max: 512.0, log: true } display=sci/>
                    <NumberField id="v_head_dim" label="Value head dimension" whole=true
                        value=Signal::derive(move || { let s = inputs().shape; s.v_head_dim.unwrap_or(s.head_dim) })
                        on_change=setter(state, |i, v| i.shape.v_head_dim = Some(v)) scale=Scale { min: 16.0, max: 512.0, log: true } display=sci/>
                    <NumberField id="seq_len" label="Sequence length" unit="tokens" value=Signal::derive(move || inputs().shape.seq_len) whole=true
                        on_change=setter(state, |i, v| i.shape.seq_len = v) scale=Scale { min: 128.0, max: 1_048_576.0, log: true } display=short/>
                }
            })
        };
        view! {
            <fieldset class="group" data-control="attention">
                <legend>"Attention FLOPs"</legend>
                <div class="radios" role="radiogroup" aria-label="Attention FLOPs convention">
                    {mode_radio(AttentionMode::Off, "Not counted (the article)")}
                    {mode_radio(AttentionMode::Causal, "Causal (half)")}
                    {mode_radio(AttentionMode::Full, "Full (PaLM)")}
                </div>
                {shape_fields}
            </fieldset>
        }
    });

    view! {
        <div class="inputs">
            {preset_select}
            {show("active_params").then(|| view! { <div class="control" data-control="active_params">
                <NumberField id="active_params" label="Active parameters" value=Signal::derive(move || inputs().active_params)
                    on_change=setter(state, |i, v| i.active_params = v) scale=Scale { min: 1e8, max: 1e13, log: true } display=short/> </div> })}
            {show("tokens").then(|| view! { <div class="control" data-control="tokens">
                <NumberField id="tokens" label="Training tokens" value=Signal::derive(move || inputs().tokens)
                    on_change=setter(state, |i, v| i.tokens = v) scale=Scale { min: 1e9, max: 1e15, log: true } display=short/> </div> })}
            {show("gpus").then(|| view! { <div class="control" data-control="gpus">
                <NumberField id="gpus" label="GPUs" value=Signal::derive(move || inputs().gpus) whole=true
                    on_change=setter(state, |i, v| i.gpus = v) scale=Scale { min: 1.0, max: 1e6, log: true } display=sci/> </div> })}
            {show("hours").then(|| view! { <div class="control" data-control="hours">
                <NumberField id="hours" label="Wall-clock time" unit="hours" value=Signal::derive(move || inputs().hours)
                    on_change=setter(state, |i, v| i.hours = v) scale=Scale { min: 1.0, max: 1e5, log: true } display=sci/>
                <p class="hint">{move || days_and_hours(inputs().hours)}</p> </div> })}
            {show("usd_per_gpu_hour").then(|| view! { <div class="control" data-control="usd_per_gpu_hour">
                <NumberField id="usd_per_gpu_hour" label="Price per GPU-hour" unit="USD" value=Signal::derive(move || inputs().usd_per_gpu_hour)
                    on_change=setter(state, |i, v| i.usd_per_gpu_hour = v) scale=Scale { min: 0.1, max: 100.0, log: true } display=sci/>
                <p class="hint">"$2 is DeepSeek's own assumption; 2026 rental prices for an H100 range from about $1.50 to $4.80 per hour."</p> </div> })}
            {hardware}
            {attention}
        </div>
    }
}

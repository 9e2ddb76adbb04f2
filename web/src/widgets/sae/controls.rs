//! The settings: data, architecture and hyperparameters. Every change goes through the state's
//! validation; a change takes effect at the next Train.

use frontier_sae::config::{Arch, Preset};
use frontier_sae_gpu::choice::BackendChoice;
use leptos::prelude::*;

use super::{DataKind, Lab, SaeState};
use crate::framework::choice::Choice;
use crate::framework::dom;
use crate::framework::scale::Scale;
use crate::framework::seed::NewSeed;
use crate::framework::slider::{setter, NumberField};

const DATA: &[(&str, &str)] = &[
    ("sparse_coding", "Sparse coding: known features in fewer dimensions"),
    ("tms", "Toy model of superposition"),
    ("minilm", "Real: MiniLM layer-3 activations (bundled)"),
    ("upload", "Your activations (.npy, .safetensors, .csv)"),
];
const ARCHS: &[(&str, &str)] = &[("relu", "ReLU + L1 (the article)"), ("topk", "TopK"), ("batchtopk", "BatchTopK")];
const BACKENDS: &[(&str, &str)] = &[
    ("auto", "Auto: WebGPU on a hardware GPU for runs large enough to gain"),
    ("webgpu", "WebGPU whenever it works (software adapters too)"),
    ("cpu", "CPU (WebAssembly)"),
];
const PRESETS: &[(&str, &str)] = &[
    ("recommended", "Recommended (tied init, unit-norm decoder, warm-ups, dead-feature handling)"),
    ("article", "The article's code, nothing more"),
];

fn whole(v: f64) -> String {
    format!("{}", v.round())
}

/// Three significant digits, as a person would type them (0.001, 3, 0.25).
fn sig(v: f64) -> String {
    format!("{}", crate::framework::scale::round_significant(v, 3))
}

#[component]
pub fn Controls(lab: Lab) -> impl IntoView {
    let state = lab.state;
    let get = move |f: fn(&SaeState) -> f64| Signal::derive(move || state.with(f));
    let data = Signal::derive(move || state.with(|s| s.data.id().to_string()));
    let arch = Signal::derive(move || state.with(|s| s.arch.id().to_string()));
    let preset = Signal::derive(move || state.with(|s| s.preset.id().to_string()));
    let backend = Signal::derive(move || state.with(|s| s.backend.id().to_string()));
    let set_backend = Callback::new(move |id: String| {
        if let Some(choice) = BackendChoice::parse(&id) {
            state.update(|s| s.backend = choice);
        }
    });
    let set_data = Callback::new(move |id: String| {
        if let Some(kind) = DataKind::parse(&id) {
            state.update(|s| {
                s.data = kind;
                s.feature = None;
                // A toy model has 2 hidden dimensions: below 1× the dictionary would be 1 feature.
                if kind == DataKind::Tms {
                    s.ratio = s.ratio.max(1.0);
                }
            });
        }
    });
    let set_arch = Callback::new(move |id: String| {
        if let Some(a) = Arch::parse(&id) {
            state.update(|s| {
                s.arch = a;
                if a != Arch::Relu && s.preset == Preset::Recommended {
                    s.l1 = Preset::Recommended.default_l1(a);
                } else if a == Arch::Relu && s.l1 == 0.0 {
                    s.l1 = Preset::Recommended.default_l1(Arch::Relu);
                }
            });
        }
    });
    let set_preset = Callback::new(move |id: String| {
        if let Some(preset) = Preset::parse(&id) {
            state.update(|s| {
                s.preset = preset;
                s.l1 = preset.default_l1(s.arch);
            })
        }
    });
    let on_file = move |ev: leptos::ev::Event| {
        if let Some(file) = dom::event_file(&ev) {
            lab.upload_name.set(Some(file.name()));
            lab.upload.set_value(Some(file));
            state.update(|s| s.data = DataKind::Upload);
        }
    };
    let synthetic = move || {
        match state.with(|s| s.data) {
        DataKind::SparseCoding => view! {
            <NumberField id="sae-features" label="True features" value=get(|s| s.features as f64)
                on_change=setter(state, |s, v| s.features = v.round() as usize) scale=Scale { min: 2.0, max: 4096.0, log: true } whole=true display=whole/>
            <NumberField id="sae-dims" label="Dimensions" value=get(|s| s.dims as f64)
                on_change=setter(state, |s, v| s.dims = v.round() as usize) scale=Scale { min: 2.0, max: 1024.0, log: true } whole=true display=whole/>
            <NumberField id="sae-active" label="Active features per input (mean)" value=get(|s| f64::from(s.active))
                on_change=setter(state, |s, v| s.active = v as f32) scale=Scale { min: 0.5, max: 64.0, log: true } display=sig/>
            <NumberField id="sae-correlation" label="Correlation of firing" value=get(|s| f64::from(s.correlation))
                on_change=setter(state, |s, v| s.correlation = v as f32) scale=Scale { min: 0.0, max: 1.0, log: false } display=sig/>
        }.into_any(),
        DataKind::Tms => view! {
            <NumberField id="sae-tms-features" label="Features" value=get(|s| s.tms_features as f64)
                on_change=setter(state, |s, v| s.tms_features = v.round() as usize) scale=Scale { min: 2.0, max: 64.0, log: true } whole=true display=whole/>
            <NumberField id="sae-tms-hidden" label="Hidden dimensions" value=get(|s| s.tms_hidden as f64)
                on_change=setter(state, |s, v| s.tms_hidden = v.round() as usize) scale=Scale { min: 1.0, max: 16.0, log: false } whole=true display=whole/>
            <NumberField id="sae-tms-sparsity" label="Sparsity (probability a feature is zero)" value=get(|s| f64::from(s.tms_sparsity))
                on_change=setter(state, |s, v| s.tms_sparsity = v as f32) scale=Scale { min: 0.0, max: 0.99, log: false } display=sig/>
        }.into_any(),
        DataKind::Minilm => view! { <p class="hint">"10,240 tokens × 384 dimensions (7.9 MB), fetched from this site when training starts."</p> }.into_any(),
        DataKind::Upload => view! {
            <div class="field">
                <label for="sae-upload">"Activations: a 2-D array [tokens, d_in] as .npy (f32, f16, f64), .safetensors or .csv"</label>
                <input id="sae-upload" data-testid="sae-upload" type="file" accept=".npy,.safetensors,.csv,.tsv,.txt" on:change=on_file/>
                <p class="hint">{move || lab.upload_name.get().map_or_else(|| "No file chosen; files are read in this browser only.".to_string(), |n| format!("Chosen: {n}"))}</p>
            </div>
        }.into_any(),
    }
    };
    let uses_k = move || state.with(|s| s.arch.uses_k());
    view! {
        <section class="group" aria-label="Settings">
            <h3>"Data"</h3>
            <Choice id="sae-data" label="Train on" options=DATA value=data on_change=set_data/>
            <div class="sae-fields">{synthetic}</div>
            <h3>"Model"</h3>
            <div class="sae-fields">
            <Choice id="sae-arch" label="Architecture" options=ARCHS value=arch on_change=set_arch/>
            <Choice id="sae-preset" label="Recipe" options=PRESETS value=preset on_change=set_preset/>
            <NumberField id="sae-ratio" label="Dictionary size (× input width)" value=get(|s| f64::from(s.ratio))
                on_change=setter(state, |s, v| s.ratio = v as f32) scale=Scale { min: 0.25, max: 64.0, log: true } display=sig/>
            <Show when=uses_k>
                <NumberField id="sae-k" label="k (active features per input)" value=get(|s| s.k as f64)
                    on_change=setter(state, |s, v| s.k = v.round() as usize) scale=Scale { min: 1.0, max: 256.0, log: true } whole=true display=whole/>
            </Show>
            <NumberField id="sae-l1" label="Sparsity coefficient (L1)" value=get(|s| f64::from(s.l1))
                on_change=setter(state, |s, v| s.l1 = v as f32) scale=Scale { min: 1e-4, max: 100.0, log: true } display=sig/>
            </div>
            <h3>"Training"</h3>
            <div class="sae-fields">
            <NumberField id="sae-lr" label="Learning rate" value=get(|s| f64::from(s.lr))
                on_change=setter(state, |s, v| s.lr = v as f32) scale=Scale { min: 1e-5, max: 1e-1, log: true } display=sig/>
            <NumberField id="sae-steps" label="Steps" value=get(|s| s.steps as f64)
                on_change=setter(state, |s, v| s.steps = v.round() as u64) scale=Scale { min: 10.0, max: 200_000.0, log: true } whole=true display=whole/>
            <NumberField id="sae-batch" label="Batch size" value=get(|s| s.batch as f64)
                on_change=setter(state, |s, v| s.batch = v.round() as usize) scale=Scale { min: 16.0, max: 8192.0, log: true } whole=true display=whole/>
            <NumberField id="sae-seed" label="Seed" value=get(|s| s.seed as f64)
                on_change=setter(state, |s, v| s.seed = v.max(0.0).round() as u64) scale=Scale { min: 0.0, max: 1000.0, log: false } whole=true display=whole/>
            <NewSeed id="sae-seed" below=1000 on_seed=Callback::new(move |seed: u64| state.update(|s| s.seed = seed))/>
            <Choice id="sae-backend" label="Backend" options=BACKENDS value=backend on_change=set_backend/>
            </div>
        </section>
    }
}

//! The model lab's panels: loading the model, the prompt, the sampling settings, the speed
//! beside the edge model's prediction, the activations, and the explanation.

use frontier_costs::edge::devices::Device;
use frontier_costs::edge::measured::{MeasuredSpeed, SpeedComparison};
use frontier_state::WidgetState;
use leptos::prelude::*;

use super::client::{Client, ModelStatus};
use super::store;
use super::tokens::visible;
use super::{ModelState, LAYERS, MAX_NEW_TOKENS, SEED_BELOW, VOCAB};
use crate::framework::chart::{Axis, DataTable, Figure, Line, LineChart};
use crate::framework::dom;
use crate::framework::scale::Scale;
use crate::framework::seed::NewSeed;
use crate::framework::slider::{setter, NumberField};
use crate::framework::theme;
use crate::lm_worker::{FinishReason, Mode};

fn megabytes(bytes: f64) -> String {
    format!("{:.0} MB", bytes / 1e6)
}

/// Loading, progress and Cancel, and Remove.
#[component]
pub fn Loader(client: Client, embed: bool, full_site: String) -> impl IntoView {
    let status = client.status;
    let download = move |_| client.download();
    let cancel = move |_| client.cancel();
    let remove = move |_| client.remove();
    let retry_cached = move |_| client.check(true);
    let body = move || match status.get() {
        ModelStatus::Checking => view! { <p role="status">"Looking for the model in this browser…"</p> }.into_any(),
        ModelStatus::Absent if embed && client.cached.get() != Some(true) => view! {
            <p class="claim" data-testid="lm-embed-note">"The model must be loaded once on the full site (a 98 MB download, then kept in this browser); embedded here, it only runs from this browser's copy. "
                <a href=full_site.clone() target="_blank" rel="noopener">"Open the Model lab in Frontier Lab"</a></p>
        }
        .into_any(),
        ModelStatus::Absent => view! {
            <p>
                <button type="button" class="primary" data-testid="lm-load" on:click=download>{format!("Load the model ({})", megabytes(store::MODEL_BYTES))}</button>
                {move || (client.cached.get() == Some(true)).then(|| view! { " " <button type="button" on:click=retry_cached>"Load from this browser"</button> })}
            </p>
            <p class="hint">"SmolLM2-135M-Instruct, 4-bit (Q4_1). The download comes from this site only, once: the browser keeps it for the next visits and for offline use."</p>
        }
        .into_any(),
        ModelStatus::Downloading { done, total } => view! {
            <div class="job-progress" role="group" aria-label="Downloading the model">
                <progress max=total.to_string() value=done.to_string() aria-label="Downloading the model" data-testid="lm-progress"></progress>
                <span>{format!("{} of {}", megabytes(done), megabytes(total))}</span>
                <button type="button" data-testid="lm-cancel" on:click=cancel>"Cancel"</button>
            </div>
        }
        .into_any(),
        ModelStatus::Loading => view! { <p role="status">"Reading the model into its worker…"</p> }.into_any(),
        ModelStatus::Loaded(info) => view! {
            <p data-testid="lm-loaded" role="status">
                {format!(
                    "Loaded: SmolLM2-135M, {} layers, width {}, {} heads ({} for keys and values), {} tokens in its vocabulary, {} of weights in memory, read in {:.1} s.",
                    info.layers, info.d_model, info.heads, info.kv_heads, info.vocab, megabytes(info.weight_bytes as f64), info.load_ms / 1000.0
                )}
            </p>
        }
        .into_any(),
        ModelStatus::NotInstalled => view! {
            <p class="claim" data-testid="lm-not-installed">"The model is not installed on this site: its file (models/SmolLM2-135M-Instruct.Q4_1.gguf) is not here. Whoever runs the site can add it with cargo xtask assets fetch before cargo xtask dist."</p>
        }
        .into_any(),
        ModelStatus::Failed(e) => view! {
            <p class="error" role="alert" data-testid="lm-error">{format!("The model could not be loaded: {e}")}</p>
            <p class="hint">"If the kept copy is damaged, remove it and load the model again."</p>
        }
        .into_any(),
    };
    let removable = move || client.cached.get() == Some(true) || matches!(status.get(), ModelStatus::Loaded(_) | ModelStatus::Failed(_));
    view! {
        <section class="lm-loader" aria-label="The model">
            {body}
            {move || removable().then(|| view! { <p><button type="button" data-testid="lm-remove" on:click=remove>"Remove the model"</button>
                <span class="hint">" Deletes the kept copy from this browser."</span></p> })}
            {move || client.note.get().map(|n| view! { <p class="hint" role="status" data-testid="lm-note">{n}</p> })}
        </section>
    }
}

const MODES: &[(&str, &str)] = &[("chat", "Chat (the instruct template)"), ("complete", "Raw completion")];

/// The prompt, Generate and Stop.
#[component]
pub fn Prompt(state: RwSignal<ModelState>, client: Client, selected: RwSignal<Option<usize>>) -> impl IntoView {
    let loaded = move || matches!(client.status.get(), ModelStatus::Loaded(_));
    let running = move || client.generation.with(|g| g.running);
    let generate = move |_| {
        selected.set(None);
        client.generate(state.get_untracked().request());
    };
    let stop = move |_| client.stop();
    let on_mode = move |ev: leptos::ev::Event| {
        let mode = if event_target_value(&ev) == "complete" { Mode::Complete } else { Mode::Chat };
        state.update(|s| s.mode = mode);
    };
    let on_prompt = move |ev: leptos::ev::Event| {
        let mut next = state.get_untracked();
        next.prompt = event_target_value(&ev);
        if next.validate().is_ok() {
            state.set(next);
        }
    };
    let template = move || {
        (state.with(|s| s.mode) == Mode::Chat)
            .then(|| client.info())
            .flatten()
            .map(|info| view! {
                <details><summary>"The chat template"</summary>
                    <p class="hint">"In chat mode your text becomes the user's turn of the model's own template, after its default system prompt; the model writes the assistant's turn and stops at its end."</p>
                    <pre class="mono lm-template" data-testid="lm-template">{info.chat_template_example}</pre>
                </details>
            })
    };
    let finish = move || {
        client.generation.with(|g| {
            if let Some(e) = &g.error {
                return Some(view! { <p class="error" role="alert" data-testid="lm-generate-error">{e.clone()}</p> }.into_any());
            }
            g.finish.map(|f| {
                let why = match f {
                    FinishReason::EndToken => "the model ended its answer",
                    FinishReason::MaxTokens => "the most tokens asked for",
                    FinishReason::Stopped => "stopped",
                };
                view! { <p class="hint" role="status" data-testid="lm-finished" data-reason=format!("{f:?}")>{format!("{} tokens; ended: {why}.", g.tokens.len())}</p> }.into_any()
            })
        })
    };
    view! {
        <fieldset class="group">
            <legend>"Prompt"</legend>
            <div class="field">
                <label for="lm-mode">"Mode"</label>
                <select id="lm-mode" data-testid="lm-mode" prop:value=move || if state.with(|s| s.mode) == Mode::Chat { "chat" } else { "complete" } on:change=on_mode>
                    {MODES.iter().map(|(v, label)| view! { <option value=*v>{*label}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="lm-prompt">{move || if state.with(|s| s.mode) == Mode::Chat { "Your message" } else { "Text to continue" }}</label>
                <textarea id="lm-prompt" data-testid="lm-prompt" rows="3" maxlength=super::MAX_PROMPT_BYTES.to_string()
                    prop:value=move || state.with(|s| s.prompt.clone()) on:change=on_prompt></textarea>
            </div>
            {template}
            <p>
                <button type="button" class="primary" data-testid="lm-generate" on:click=generate disabled=move || !loaded() || running()>"Generate"</button>
                " "
                <button type="button" data-testid="lm-stop" on:click=stop disabled=move || !running()>"Stop"</button>
                {move || (!loaded()).then(|| view! { <span class="hint">" Load the model first."</span> })}
            </p>
            {finish}
        </fieldset>
    }
}

/// Max tokens, temperature, top-k, top-p and seed.
#[component]
pub fn Settings(state: RwSignal<ModelState>) -> impl IntoView {
    let plain = |v: f64| format!("{v}");
    view! {
        <fieldset class="group">
            <legend>"Sampling"</legend>
            <div class="row">
                <NumberField id="lm-max-tokens" label="Max new tokens" whole=true value=Signal::derive(move || state.with(|s| s.max_tokens as f64))
                    on_change=setter(state, |s, v| s.max_tokens = v as usize) scale=Scale { min: 1.0, max: MAX_NEW_TOKENS as f64, log: true } display=plain/>
                <NumberField id="lm-temperature" label="Temperature (0: greedy)" value=Signal::derive(move || state.with(|s| s.temperature))
                    on_change=setter(state, |s, v| s.temperature = v) scale=Scale { min: 0.0, max: 2.0, log: false } display=plain/>
                <NumberField id="lm-top-k" label="Top-k (0: no cut)" whole=true value=Signal::derive(move || state.with(|s| s.top_k as f64))
                    on_change=setter(state, |s, v| s.top_k = v as usize) scale=Scale { min: 0.0, max: 200.0, log: false } display=plain/>
                <NumberField id="lm-top-p" label="Top-p (1: no cut)" value=Signal::derive(move || state.with(|s| s.top_p))
                    on_change=setter(state, |s, v| s.top_p = v) scale=Scale { min: 0.01, max: 1.0, log: false } display=plain/>
                <NumberField id="lm-seed" label="Seed" whole=true value=Signal::derive(move || state.with(|s| s.seed as f64))
                    on_change=setter(state, |s, v| s.seed = v as u64) scale=Scale { min: 0.0, max: 10_000.0, log: false } display=plain/>
                <NewSeed id="lm-seed" below=SEED_BELOW on_seed=Callback::new(move |seed: u64| state.update(|s| s.seed = seed))/>
            </div>
            <p class="hint">{format!("Temperature 0 always takes the likeliest token (greedy; the seed then does not matter). Top-k keeps the k likeliest of the {VOCAB} tokens, top-p the fewest whose probabilities add up to p.")}</p>
        </fieldset>
    }
}

/// The edge model's prediction for SmolLM2-135M Q4_1 on the state's device, for a typical run
/// (a 30-token prompt, 48 tokens out) when nothing was measured yet.
pub fn prediction(s: &ModelState) -> Result<SpeedComparison, String> {
    let device = Device::by_id(&s.device).ok_or_else(|| format!("unknown device {:?}", s.device))?;
    let typical = MeasuredSpeed { prompt_tokens: 30.0, prefill_seconds: 1.0, generated_tokens: 48.0, decode_seconds: 1.0 };
    typical.compare(device).map_err(|e| e.to_string())
}

fn rate(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0} tokens/s")
    } else {
        format!("{v:.1} tokens/s")
    }
}

/// Measured speeds beside the prediction.
#[component]
pub fn Speed(state: RwSignal<ModelState>, client: Client) -> impl IntoView {
    let devices: Vec<(String, String)> = Device::all().into_iter().map(|d| (d.id.clone(), d.name.clone())).collect();
    let on_device = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        if Device::by_id(&id).is_some() {
            state.update(|s| s.device = id);
        }
    };
    let table = move || {
        let s = state.get();
        let compared = match client.speed.get() {
            Some(measured) => Device::by_id(&s.device).ok_or_else(|| "unknown device".to_string()).and_then(|d| measured.compare(d).map_err(|e| e.to_string())),
            None => prediction(&s),
        };
        let measured = client.speed.get().is_some();
        match compared {
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
            Ok(c) => view! {
                <div class="table-scroll" tabindex="0">
                    <table data-testid="lm-speed">
                        <caption>{format!("SmolLM2-135M Q4_1: measured in this browser, and the edge model's prediction for {}", c.device)}</caption>
                        <thead><tr><th scope="col">"Phase"</th><th scope="col">"Measured here"</th><th scope="col">"Predicted"</th><th scope="col">"Measured ÷ predicted"</th></tr></thead>
                        <tbody>
                            <tr><th scope="row">"Prefill (reading the prompt)"</th>
                                <td data-testid="lm-prefill-rate">{if measured { rate(c.measured_prefill_tokens_per_sec) } else { "—".into() }}</td>
                                <td>{rate(c.predicted_prefill_tokens_per_sec)}</td>
                                <td>{if measured { format!("{:.3}", c.prefill_ratio) } else { "—".into() }}</td></tr>
                            <tr><th scope="row">"Decode (one token at a time)"</th>
                                <td data-testid="lm-decode-rate">{if measured { rate(c.measured_decode_tokens_per_sec) } else { "—".into() }}</td>
                                <td>{rate(c.predicted_decode_tokens_per_sec)}</td>
                                <td>{if measured { format!("{:.3}", c.decode_ratio) } else { "—".into() }}</td></tr>
                        </tbody>
                    </table>
                </div>
            }
            .into_any(),
        }
    };
    view! {
        <fieldset class="group">
            <legend>"Speed on this device"</legend>
            <div class="field">
                <label for="lm-device">"Predict for"</label>
                <select id="lm-device" data-testid="lm-device" prop:value=move || state.with(|s| s.device.clone()) on:change=on_device>
                    {devices.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                </select>
            </div>
            {table}
            <p class="hint">"The prediction is the edge lab's realistic model: decode reads every weight once per token, so it is bound by memory bandwidth; prefill reads them once for the whole prompt and is bound by compute. Here the model runs on one CPU thread in WebAssembly, with 128-bit SIMD (4 floats at a time), not on the device's GPU with its full bandwidth and many cores: expect the measured speeds to be a small fraction of the prediction, prefill most of all (one core's arithmetic, against the GPU's TFLOPS)."</p>
        </fieldset>
    }
}

/// A layer and a text: the residual norm per token, and the activations as `.npy`.
#[component]
pub fn ActivationsPanel(state: RwSignal<ModelState>, client: Client) -> impl IntoView {
    let loaded = move || matches!(client.status.get(), ModelStatus::Loaded(_));
    let on_text = move |ev: leptos::ev::Event| {
        let mut next = state.get_untracked();
        next.activation_text = event_target_value(&ev);
        if next.validate().is_ok() {
            state.set(next);
        }
    };
    let compute = move |_| {
        let s = state.get_untracked();
        client.activations(s.activation_text, s.layer);
    };
    let status = RwSignal::new(String::new());
    let download = move |_| {
        let done = client.npy.with_value(|b| match b {
            Some(bytes) => dom::download_bytes("model-activations.npy", "application/octet-stream", bytes),
            None => Err("compute the activations first".into()),
        });
        status.set(done.err().map(|e| format!("Export failed: {e}")).unwrap_or_default());
    };
    let result = move || {
        client.activations.get().map(|r| match r {
            Err(e) => view! { <p class="error" role="alert" data-testid="lm-activations-error">{e}</p> }.into_any(),
            Ok(a) => {
                let max = a.norms.iter().copied().fold(0.0f32, f32::max).max(1e-6);
                let n = a.norms.len();
                let chart = LineChart {
                    x: Axis {
                        min: 0.0,
                        max: (n.max(2) - 1) as f64,
                        log: false,
                        ticks: (0..n).step_by(n.div_ceil(8).max(1)).map(|i| (i as f64, i.to_string())).collect(),
                        title: "Token position".into(),
                    },
                    y: Axis {
                        min: 0.0,
                        max: f64::from(max) * 1.1,
                        log: false,
                        ticks: (0..=4).map(|k| (f64::from(max) * 1.1 * f64::from(k) / 4.0, format!("{:.0}", f64::from(max) * 1.1 * f64::from(k) / 4.0))).collect(),
                        title: "L2 norm of the residual stream".into(),
                    },
                    lines: vec![Line { points: a.norms.iter().enumerate().map(|(i, &v)| (i as f64, f64::from(v))).collect(), series: 0, dashed: false }],
                    legend: Vec::new(),
                };
                let svg = Signal::derive(move || chart.svg(theme::current()).unwrap_or_else(|e| format!("<p>chart unavailable: {e}</p>")));
                let table = DataTable {
                    headers: vec!["Position".into(), "Token".into(), "Norm".into()],
                    rows: a.tokens.iter().zip(&a.norms).enumerate().map(|(i, (t, v))| vec![i.to_string(), visible(t), format!("{v:.2}")]).collect(),
                };
                let caption = format!("Residual-stream norm per token after {} of {LAYERS} blocks ({n} tokens)", a.layer);
                view! {
                    <Figure svg=svg caption=caption table=table name="model-residual-norms"/>
                    <p><button type="button" data-testid="lm-npy" on:click=download>{format!("Download the activations (.npy, {n} × 576 float32)")}</button>
                        <span class="status" role="status">{move || status.get()}</span></p>
                    <p class="hint">"The SAE lab trains on such a file: choose “Your own activations” there and give it this .npy."</p>
                }
                .into_any()
            }
        })
    };
    view! {
        <fieldset class="group">
            <legend>"Activations"</legend>
            <div class="row">
                <NumberField id="lm-layer" label="After block (0: the embeddings)" whole=true value=Signal::derive(move || state.with(|s| s.layer as f64))
                    on_change=setter(state, |s, v| s.layer = v as usize) scale=Scale { min: 0.0, max: LAYERS as f64, log: false } display=|v| format!("{v}")/>
            </div>
            <div class="field">
                <label for="lm-activation-text">"Text"</label>
                <textarea id="lm-activation-text" data-testid="lm-activation-text" rows="2" prop:value=move || state.with(|s| s.activation_text.clone()) on:change=on_text></textarea>
            </div>
            <p><button type="button" data-testid="lm-activations" on:click=compute disabled=move || !loaded() || client.activations_busy.get()>"Read the residual stream"</button></p>
            {result}
        </fieldset>
    }
}

#[component]
pub fn Explanation() -> impl IntoView {
    view! {
        <div class="explain">
            <h3>"What runs here"</h3>
            <p>"SmolLM2-135M-Instruct (Hugging Face, 2024): a Llama-style decoder of 30 blocks, width 576, 9 attention heads sharing 3 key-value heads, an MLP of 1,536, and 49,152 tokens, 134.5 million parameters in all. Its weights are stored in llama.cpp's Q4_1 format (blocks of 32 weights with a scale and a minimum: 5 bits a weight), and run by Frontier Lab's own engine in WebAssembly, in a worker of its own so the page stays responsive."</p>
            <h3>"What the numbers mean"</h3>
            <p>"A token's probability is p(token | everything before it) under the model at temperature 1, before any top-k or top-p cut. Entropy is H = −Σ p log p over the whole vocabulary, in nats: 0 when the model is certain, ln 49,152 ≈ 10.8 at most. The whole text's log-probability is the sum of its tokens' log-probabilities (natural logarithm)."</p>
            <p>"Prefill speed is the prompt's tokens over the time of one forward pass over all of them; decode speed is the generated tokens over the time spent making them one at a time. The prediction beside them is the edge lab's realistic model (its source notes in the edge lab), for the device you choose."</p>
            <p>"The residual stream is what each block adds to: after block n it holds the sum of the embeddings and the first n blocks' outputs. Its L2 norm per token shows which tokens carry large activations (the first token usually does: an attention sink)."</p>
        </div>
    }
}

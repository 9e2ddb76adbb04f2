//! The model lab: SmolLM2-135M-Instruct (Q4_1) running in the reader's browser, in its own Web
//! Worker (`web/lm-worker`). Load it once (a 98 MB download from this site, kept in the
//! browser), then chat with it or let it complete a text, see each token's probability and the
//! alternatives, measure its speed on this device beside the edge model's prediction, and export
//! its residual stream for the SAE lab. The link carries the prompt and settings, never the
//! weights.

mod client;
mod panels;
mod store;
mod tokens;

use std::sync::Arc;

use frontier_costs::edge::devices::Device;
use frontier_state::{CompactView, Control, WidgetMeta, WidgetState};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::framework::frame::{ExportItem, WidgetFrame};
use crate::framework::host::Host;
use crate::framework::widget::Widget;
use crate::lm_worker::{GenerateRequest, Mode, MAX_ACTIVATION_TEXT_BYTES};
use client::Client;

/// The longest prompt a link may carry, in bytes.
pub const MAX_PROMPT_BYTES: usize = 4 << 10;
/// The most tokens one generation may ask for.
pub const MAX_NEW_TOKENS: usize = 512;
/// The model's vocabulary (top-k beyond it cuts nothing).
pub const VOCAB: usize = 49_152;
/// The model's blocks: the residual stream is read after 0 (the embeddings) to this many.
pub const LAYERS: usize = 30;
/// Seeds stay below this, so that they fit the field and stay exact as numbers.
pub const SEED_BELOW: u64 = 1 << 32;
/// The longest text whose activations a link may carry, in bytes.
pub const MAX_ACTIVATION_LINK_BYTES: usize = 4 << 10;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelState {
    pub mode: Mode,
    pub prompt: String,
    pub max_tokens: usize,
    /// 0: greedy.
    pub temperature: f64,
    /// 0: no top-k cut.
    pub top_k: usize,
    pub top_p: f64,
    pub seed: u64,
    /// The residual stream is read after this many blocks (0: the embeddings).
    pub layer: usize,
    pub activation_text: String,
    /// The edge model's device the measured speed is set beside.
    pub device: String,
}

impl ModelState {
    pub fn example() -> Self {
        ModelState {
            mode: Mode::Chat,
            prompt: "What is the capital of France?".into(),
            max_tokens: 48,
            temperature: 0.0,
            top_k: 40,
            top_p: 0.95,
            seed: 2025,
            layer: 6,
            activation_text: "The quick brown fox jumps over the lazy dog.".into(),
            device: "apple-m2".into(),
        }
    }

    pub fn request(&self) -> GenerateRequest {
        GenerateRequest {
            mode: self.mode,
            prompt: self.prompt.clone(),
            max_tokens: self.max_tokens,
            temperature: self.temperature as f32,
            top_k: self.top_k,
            top_p: self.top_p as f32,
            seed: self.seed,
        }
    }
}

impl WidgetState for ModelState {
    const WIDGET_ID: &'static str = <ModelWidget as Widget>::META.id;
    const VERSION: u32 = 1;

    fn validate(&self) -> Result<(), String> {
        if self.prompt.len() > MAX_PROMPT_BYTES {
            return Err(format!("prompt: at most {} KB", MAX_PROMPT_BYTES >> 10));
        }
        if !(1..=MAX_NEW_TOKENS).contains(&self.max_tokens) {
            return Err(format!("max_tokens: 1 to {MAX_NEW_TOKENS}"));
        }
        if !(self.temperature.is_finite() && (0.0..=2.0).contains(&self.temperature)) {
            return Err("temperature: 0 (greedy) to 2".into());
        }
        if self.top_k > VOCAB {
            return Err(format!("top_k: 0 (no cut) to {VOCAB}"));
        }
        if !(self.top_p.is_finite() && self.top_p >= 0.01 && self.top_p <= 1.0) {
            return Err("top_p: 0.01 to 1 (1: no cut)".into());
        }
        if self.seed >= SEED_BELOW {
            return Err(format!("seed: 0 to {}", SEED_BELOW - 1));
        }
        if self.layer > LAYERS {
            return Err(format!("layer: 0 (the embeddings) to {LAYERS}"));
        }
        if self.activation_text.len() > MAX_ACTIVATION_LINK_BYTES.min(MAX_ACTIVATION_TEXT_BYTES) {
            return Err(format!("activation_text: at most {} KB", MAX_ACTIVATION_LINK_BYTES >> 10));
        }
        if Device::by_id(&self.device).is_none() {
            return Err(format!("device: {:?} is not a known device", self.device));
        }
        Ok(())
    }
}

/// The widget as the registry declares it.
pub struct ModelWidget;

impl Widget for ModelWidget {
    type State = ModelState;
    const META: WidgetMeta = WidgetMeta {
        id: "model",
        problem: "edge",
        title: "Model lab: a language model in your browser",
        summary: "Run SmolLM2-135M in this page: stream tokens with their probabilities, measure its speed, export its activations.",
        intro: "SmolLM2-135M-Instruct runs here, in your browser, on your device: nothing is sent anywhere. Load it once (98 MB from this site, kept in the browser), then chat or complete a text, see how sure it was of each token, time it against the edge model's prediction and export its activations for the SAE lab.",
        controls: &[
            Control { id: "load", label: "Loading the model" },
            Control { id: "generate", label: "Prompt and generation" },
            Control { id: "settings", label: "Sampling settings" },
            Control { id: "tokens", label: "Tokens and probabilities" },
            Control { id: "speed", label: "Speed on this device" },
            Control { id: "activations", label: "Activations" },
        ],
        views: &[CompactView { id: "generate", label: "Prompt and tokens", height_px: 720, shows: &["load", "generate", "tokens"] }],
    };

    fn example() -> ModelState {
        ModelState::example()
    }

    fn explain() -> AnyView {
        view! { <panels::Explanation/> }.into_any()
    }

    fn view(host: Host<ModelState>) -> AnyView {
        view! { <ModelLab host=host/> }.into_any()
    }

    /// The page computes only the edge model's prediction for one device (a closed form);
    /// the model itself runs in its worker, and only on a click or from this browser's cache.
    fn page_work(_: &ModelState) -> frontier_base::work::Work {
        frontier_base::work::Work { flop: 1e4, bytes: 16 << 10 }
    }

    #[cfg(test)]
    fn open_natively(s: &ModelState) {
        let _ = panels::prediction(s);
    }
}

fn exports(state: RwSignal<ModelState>, client: Client) -> Vec<ExportItem> {
    let tokens = move || -> Result<String, String> {
        let generation = client.generation.get_untracked();
        serde_json::to_string_pretty(&serde_json::json!({
            "widget": "model",
            "model": "SmolLM2-135M-Instruct.Q4_1",
            "state": state.get_untracked(),
            "prompt_tokens": generation.prompt,
            "tokens": generation.tokens,
            "text_logprob": tokens::text_logprob(&generation.tokens),
        }))
        .map_err(|e| e.to_string())
    };
    let norms = move || -> Result<String, String> {
        // Only the header until the activations are read (the model may not be loaded).
        let mut out = String::from("position,token,layer,norm\n");
        if let Some(Ok(a)) = client.activations.get_untracked() {
            for (i, (t, n)) in a.tokens.iter().zip(&a.norms).enumerate() {
                out.push_str(&format!("{i},\"{}\",{},{n}\n", t.replace('"', "\"\""), a.layer));
            }
        }
        Ok(out)
    };
    vec![
        ExportItem {
            label: "Generated tokens with probabilities (JSON)",
            filename: "model-tokens.json".into(),
            mime: "application/json",
            make: Arc::new(tokens),
        },
        ExportItem { label: "Residual norms per token (CSV)", filename: "model-norms.csv".into(), mime: "text/csv", make: Arc::new(norms) },
    ]
}

#[component]
fn ModelLab(host: Host<ModelState>) -> impl IntoView {
    let state = host.state;
    let show = host.shows();
    let client = Client::new();
    // Reading the model from this browser's own cache is not a download: it loads by itself
    // when it is there; otherwise the page waits for a click.
    client.check(true);
    let selected = RwSignal::new(None::<usize>);
    let embed = host.embed;
    let full_site = host.link(false, Vec::new());
    view! {
        <WidgetFrame host=host.clone() exports=exports(state, client)>
            {show("load").then(|| view! { <div class="control" data-control="load"> <panels::Loader client=client embed=embed full_site=full_site.clone()/> </div> })}
            {show("generate").then(|| view! { <div class="control" data-control="generate"> <panels::Prompt state=state client=client selected=selected/> </div> })}
            {show("settings").then(|| view! { <div class="control" data-control="settings"> <panels::Settings state=state/> </div> })}
            {show("tokens").then(|| view! { <div class="control" data-control="tokens">
                <section class="lm-tokens" aria-label="Generated tokens">
                    <tokens::Legend/>
                    <tokens::Stream client=client selected=selected/>
                    <tokens::Details client=client selected=selected/>
                    <tokens::TokenTable client=client/>
                </section>
            </div> })}
            {show("speed").then(|| view! { <div class="control" data-control="speed"> <panels::Speed state=state client=client/> </div> })}
            {show("activations").then(|| view! { <div class="control" data-control="activations"> <panels::ActivationsPanel state=state client=client/> </div> })}
        </WidgetFrame>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_is_valid_and_each_limit_is_enforced() {
        let ok = ModelState::example();
        assert_eq!(ok.validate(), Ok(()));
        let bad = |f: fn(&mut ModelState)| {
            let mut s = ModelState::example();
            f(&mut s);
            s.validate().err().unwrap_or_default()
        };
        assert!(bad(|s| s.prompt = "x".repeat(MAX_PROMPT_BYTES + 1)).starts_with("prompt"));
        assert!(bad(|s| s.max_tokens = 0).starts_with("max_tokens"));
        assert!(bad(|s| s.max_tokens = MAX_NEW_TOKENS + 1).starts_with("max_tokens"));
        assert!(bad(|s| s.temperature = f64::NAN).starts_with("temperature"));
        assert!(bad(|s| s.temperature = -0.1).starts_with("temperature"));
        assert!(bad(|s| s.top_k = VOCAB + 1).starts_with("top_k"));
        assert!(bad(|s| s.top_p = 0.0).starts_with("top_p"));
        assert!(bad(|s| s.top_p = 1.5).starts_with("top_p"));
        assert!(bad(|s| s.seed = SEED_BELOW).starts_with("seed"));
        assert!(bad(|s| s.layer = LAYERS + 1).starts_with("layer"));
        assert!(bad(|s| s.activation_text = "x".repeat(MAX_ACTIVATION_LINK_BYTES + 1)).starts_with("activation_text"));
        assert!(bad(|s| s.device = "toaster".into()).starts_with("device"));
    }

    #[test]
    fn a_link_carries_the_prompt_and_settings_and_nothing_else() -> Result<(), String> {
        let mut s = ModelState::example();
        s.mode = Mode::Complete;
        s.temperature = 0.7;
        s.top_p = 0.9;
        let link = frontier_state::encode_link_state(&s).map_err(|e| e.to_string())?;
        let back: ModelState = frontier_state::decode_link_state(&link).map_err(|e| e.to_string())?;
        assert_eq!(back, s);
        let request = back.request();
        assert_eq!((request.mode, request.temperature, request.top_p), (Mode::Complete, 0.7, 0.9));
        let json = serde_json::to_value(&s).map_err(|e| e.to_string())?;
        let keys: Vec<&str> = json.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
        assert_eq!(
            keys,
            ["activation_text", "device", "layer", "max_tokens", "mode", "prompt", "seed", "temperature", "top_k", "top_p"]
        );
        Ok(())
    }
}

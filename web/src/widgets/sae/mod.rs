//! The interpretability lab: train a sparse autoencoder in the page (in a Web Worker) on
//! synthetic data with known features, on real MiniLM activations, or on your own; watch its
//! curves; then browse what its features respond to and export it for SAELens.

mod browser;
mod controls;
mod curves;
mod session;
use frontier_labs::sae as state;

pub use state::{DataKind, SaeState};

use std::sync::Arc;

use frontier_sae::data::bundled::TokenActivations;
use frontier_sae::saelens;
use frontier_sae::train::HistoryPoint;
use frontier_sae::Sae;
use frontier_state::{CompactView, Control, WidgetMeta, WidgetState};
use leptos::prelude::*;

use crate::framework::dom;
use crate::framework::frame::{ExportItem, WidgetFrame};
use crate::framework::host::Host;
use crate::framework::widget::Widget;
use crate::framework::shared::Shared;
use crate::sae_worker::{Finished, SaeCommand, SaeReply};
use browser::Browser;
use controls::Controls;
use curves::Curves;
use session::Session;

/// The bundled activations, copied next to index.html by Trunk.
const MINILM_URL: &str = "./minilm-l3.safetensors";


/// Where a run stands.
#[derive(Clone, PartialEq, Debug)]
pub enum RunStatus {
    Idle,
    Starting,
    Running { step: u64, total: u64 },
    Paused { step: u64, total: u64 },
    Finished,
    Failed(String),
}

/// A finished run as the page keeps it.
pub struct Trained {
    pub finished: Finished,
    pub sae: Sae,
    pub weights: Vec<u8>,
}

/// Everything the views share.
#[derive(Clone, Copy)]
pub struct Lab {
    pub state: RwSignal<SaeState>,
    pub status: RwSignal<RunStatus>,
    pub history: RwSignal<Vec<HistoryPoint>>,
    pub started: RwSignal<Option<String>>,
    /// The backend that trains, and why it is not the GPU (or what happened to the GPU).
    pub backend: RwSignal<Option<(String, Option<String>)>>,
    pub trained: RwSignal<Option<Shared<Trained>>>,
    pub tokens: RwSignal<Option<Shared<TokenActivations>>>,
    pub upload: StoredValue<Option<web_sys::File>, LocalStorage>,
    pub upload_name: RwSignal<Option<String>>,
    session: Session,
}

impl Lab {
    /// Starts training with the current settings (fetching the bundled data first if needed).
    pub fn train(self) {
        let s = self.state.get_untracked();
        self.history.set(Vec::new());
        self.trained.set(None);
        self.started.set(None);
        self.backend.set(None);
        self.status.set(RunStatus::Starting);
        match s.data {
            DataKind::SparseCoding | DataKind::Tms => self.launch(&s, None, None),
            DataKind::Upload => match self.upload.get_value() {
                Some(file) => self.launch(&s, Some(file.name()), Some(file.into())),
                None => self
                    .status
                    .set(RunStatus::Failed("Choose a file of activations (.npy, .safetensors or .csv) first.".into())),
            },
            DataKind::Minilm => leptos::task::spawn_local(async move {
                match dom::fetch_bytes(MINILM_URL).await {
                    Ok(bytes) => {
                        match TokenActivations::parse(&bytes) {
                            Ok(t) => self.tokens.set(Some(Shared::new(t))),
                            Err(e) => return self.status.set(RunStatus::Failed(format!("bundled activations: {e}"))),
                        }
                        match bytes_blob(&bytes) {
                            Ok(blob) => self.launch(&s, Some("minilm-l3.safetensors".into()), Some(blob)),
                            Err(e) => self.status.set(RunStatus::Failed(e)),
                        }
                    }
                    Err(e) => {
                        self.status.set(RunStatus::Failed(format!("the bundled activations could not be loaded: {e}")))
                    }
                }
            }),
        }
    }

    fn launch(self, s: &SaeState, file_name: Option<String>, file: Option<web_sys::Blob>) {
        let command = SaeCommand::Start { state: s.clone(), file_name };
        self.session.start(&command, file, move |reply, weights| self.on_reply(reply, weights));
    }

    fn on_reply(self, reply: SaeReply, weights: Option<Vec<u8>>) {
        match reply {
            SaeReply::Ready => {}
            SaeReply::Started { d_in, d_sae, rows, memory, backend, note } => {
                let rows = rows.map(|r| format!(", {r} rows")).unwrap_or_default();
                self.started.set(Some(format!(
                    "Training {d_sae} features on {d_in}-dimensional data{rows}; it holds {memory}."
                )));
                self.backend.set(Some((backend, note)));
            }
            SaeReply::Backend { backend, note, rewound_to } => {
                self.history.update(|h| h.retain(|p| p.step <= rewound_to));
                self.backend.set(Some((backend, Some(note))));
            }
            SaeReply::Update { step, total, points } => {
                self.history.update(|h| h.extend(points));
                if !matches!(self.status.get_untracked(), RunStatus::Paused { .. }) {
                    self.status.set(RunStatus::Running { step, total });
                }
            }
            SaeReply::Paused { step } => {
                let total = self.state.with_untracked(|s| s.steps);
                self.status.set(RunStatus::Paused { step, total });
            }
            SaeReply::Finished(finished) => {
                self.session.cancel();
                let Some(weights) = weights else {
                    return self.status.set(RunStatus::Failed("the weights did not arrive".into()));
                };
                match saelens::load(&weights, &finished.cfg_json) {
                    Ok((sae, _)) => {
                        self.trained.set(Some(Shared::new(Trained { finished: *finished, sae, weights })));
                        self.status.set(RunStatus::Finished);
                    }
                    Err(e) => self.status.set(RunStatus::Failed(e.to_string())),
                }
            }
            SaeReply::Failed { error } => {
                self.session.cancel();
                self.status.set(RunStatus::Failed(error));
            }
        }
    }

    pub fn pause(self) {
        self.session.send(&SaeCommand::Pause);
    }

    pub fn resume(self) {
        if let RunStatus::Paused { step, total } = self.status.get_untracked() {
            self.status.set(RunStatus::Running { step, total });
        }
        self.session.send(&SaeCommand::Resume);
    }

    pub fn cancel(self) {
        self.session.cancel();
        self.status.set(RunStatus::Idle);
    }
}

fn bytes_blob(bytes: &[u8]) -> Result<web_sys::Blob, String> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(|e| format!("{e:?}"))
}

fn exports(lab: Lab) -> Vec<ExportItem> {
    let metrics = move || -> Result<String, String> {
        let value = lab.trained.with_untracked(|t| {
            serde_json::json!({
                "widget": "sae",
                "state": lab.state.get_untracked(),
                "report": t.as_ref().map(|t| &t.finished.report),
                "history": lab.history.get_untracked(),
                "features": t.as_ref().map(|t| &t.finished.features),
            })
        });
        serde_json::to_string_pretty(&value).map_err(|e| e.to_string())
    };
    let cfg = move || -> Result<String, String> {
        lab.trained
            .with_untracked(|t| t.as_ref().map(|t| t.finished.cfg_json.clone()))
            .ok_or_else(|| "train an SAE first".to_string())
    };
    vec![
        ExportItem {
            label: "Metrics and curves (JSON)",
            filename: "sae-metrics.json".into(),
            mime: "application/json",
            make: Arc::new(metrics),
        },
        ExportItem {
            label: "cfg.json (SAELens)",
            filename: "cfg.json".into(),
            mime: "application/json",
            make: Arc::new(cfg),
        },
    ]
}

/// The widget as the registry declares it.
pub struct SaeWidget;

impl Widget for SaeWidget {
    type State = SaeState;
    const META: WidgetMeta = WidgetMeta {
        id: "sae",
        problem: "interpretability",
        title: "Sparse autoencoders",
        summary: "Train a sparse autoencoder in your browser on superposed toy features or real MiniLM activations, measure it, and browse its features.",
        intro: "Train a sparse autoencoder in your browser, watch it find the features hidden in superposition, and browse them.",
        controls: &[
            Control { id: "settings", label: "Settings" },
            Control { id: "browser", label: "Feature browser" },
                    Control { id: "curves", label: "Training and its curves" },
        ],
        views: &[
            CompactView { id: "curves", label: "Training curves", height_px: 760, shows: &["curves"] },
        ],
    };

    fn example() -> SaeState {
        SaeState::example()
    }

    fn explain() -> AnyView {
        view! { <Explain/> <p class="model-link">"Activations of a real language model: the "<a href="#/edge/model">"Model lab"</a>" exports SmolLM2-135M's residual stream as a .npy this lab trains on."</p> }.into_any()
    }

    fn view(host: Host<SaeState>) -> AnyView {
        view! { <SaeLab host=host/> }.into_any()
    }

    /// Nothing trains on the page (the worker does, gated by the run's own estimate); after a
    /// run the inspector draws up to 1,000 evaluation inputs and encodes one.
    fn page_work(s: &SaeState) -> frontier_base::work::Work {
        // The widest input any data choice gives (MiniLM's 384 or the synthetic width), and the
        // dictionary that ratio makes of it.
        let dims = s.dims.max(s.tms_hidden).max(384) as f64;
        let features = dims * f64::from(s.ratio);
        frontier_base::work::Work { flop: 1_000.0 * (features + 8.0 * dims) + 2.0 * dims * features, bytes: (4.0 * 1_000.0 * (dims + features)) as u64 }
    }

    #[cfg(test)]
    fn open_natively(s: &SaeState) {
        let _ = s.synthetic();
    }
}

#[component]
fn SaeLab(host: Host<SaeState>) -> impl IntoView {
    let lab = Lab {
        state: host.state,
        status: RwSignal::new(RunStatus::Idle),
        history: RwSignal::new(Vec::new()),
        started: RwSignal::new(None),
        backend: RwSignal::new(None),
        trained: RwSignal::new(None),
        tokens: RwSignal::new(None),
        upload: StoredValue::new_local(None),
        upload_name: RwSignal::new(None),
        session: Session::new(),
    };
    // The worked example trains as soon as the page opens (a few seconds, in the worker); a
    // link that asks for more, and any embed, waits for Train.
    let embedded = host.embed;
    if host.state.with_untracked(|s| s.validate().is_ok() && s.work().is_some_and(|w| w.starts_by_itself(true, embedded))) {
        lab.train();
    }
    on_cleanup(move || lab.session.cancel());
    let show = host.shows();
    let show_settings = show("settings");
    let show_browser = show("browser");
    let show_curves = show("curves");
    let download_weights = move |_| {
        if let Some(t) = lab.trained.get_untracked() {
            if let Err(e) = dom::download_bytes(saelens::WEIGHTS_FILE, "application/octet-stream", &t.weights) {
                lab.status.set(RunStatus::Failed(e));
            }
        }
    };
    view! {
        <WidgetFrame host=host.clone() exports=exports(lab)>
            {show_settings.then(|| view! { <div class="control" data-control="settings"> <Controls lab=lab/> </div> })}
            {show_curves.then(|| view! { <div class="control" data-control="curves"> <RunBar lab=lab/> <Curves history=lab.history/> </div> })}
            {move || lab.trained.get().map(|t| view! {
                <Summary trained=t/>
                <p><button type="button" data-testid="sae-weights" on:click=download_weights>"Download the weights (sae_weights.safetensors)"</button>
                " With cfg.json (Export) they open in SAELens: SAE.load_from_disk(folder)."</p>
            })}
            {show_browser.then(|| view! { <div class="control" data-control="browser"> <Browser lab=lab/> </div> })}
        </WidgetFrame>
    }
}

/// Train / Pause / Resume / Cancel and where the run stands.
#[component]
fn RunBar(lab: Lab) -> impl IntoView {
    let status = lab.status;
    let text = move || match status.get() {
        RunStatus::Idle => "Not trained yet.".to_string(),
        RunStatus::Starting => "Starting…".into(),
        RunStatus::Running { step, total } => format!("Training: step {step} of {total}."),
        RunStatus::Paused { step, total } => format!("Paused at step {step} of {total}."),
        RunStatus::Finished => "Trained.".into(),
        RunStatus::Failed(e) => e,
    };
    let busy =
        move || matches!(status.get(), RunStatus::Starting | RunStatus::Running { .. } | RunStatus::Paused { .. });
    let progress = move || match status.get() {
        RunStatus::Running { step, total } | RunStatus::Paused { step, total } => Some((step, total)),
        _ => None,
    };
    view! {
        <div class="toolbar" role="group" aria-label="Training">
            <button type="button" data-testid="sae-train" on:click=move |_| lab.train()>{move || if busy() { "Restart" } else { "Train" }}</button>
            <Show when=move || matches!(status.get(), RunStatus::Running { .. })>
                <button type="button" data-testid="sae-pause" on:click=move |_| lab.pause()>"Pause"</button>
            </Show>
            <Show when=move || matches!(status.get(), RunStatus::Paused { .. })>
                <button type="button" data-testid="sae-resume" on:click=move |_| lab.resume()>"Resume"</button>
            </Show>
            <Show when=busy>
                <button type="button" data-testid="sae-cancel" on:click=move |_| lab.cancel()>"Cancel"</button>
            </Show>
            {move || progress().map(|(step, total)| view! {
                <progress max=total.max(1).to_string() value=step.to_string() aria-label="Training progress"></progress>
            })}
        </div>
        <p class="status" data-testid="sae-status" aria-live="polite"
            class:error=move || matches!(status.get(), RunStatus::Failed(_))>{text}</p>
        <p class="hint" data-testid="sae-work">{move || lab.state.with(|s| s.work()).map(|w| format!("This run: {}.", w.describe()))}</p>
        {move || lab.started.get().map(|s| view! { <p class="hint" data-testid="sae-started">{s}</p> })}
        {move || lab.backend.get().map(|(name, note)| view! {
            <p class="hint">"Backend: "<strong data-testid="sae-backend-name">{name}</strong></p>
            {note.map(|n| view! { <p class="hint" data-testid="sae-backend-note" role="note">{n}</p> })}
        })}
    }
}

/// The run's final metrics.
#[component]
fn Summary(trained: Shared<Trained>) -> impl IntoView {
    let r = &trained.finished.report;
    let mut rows: Vec<(&str, String)> = vec![
        ("MSE (mean over elements)", curves::short(r.mse)),
        ("Fraction of variance unexplained", curves::short(r.fvu)),
        ("L0 (active features per input)", curves::short(r.l0)),
        ("L1 (Σ|f| per input)", curves::short(r.l1)),
        ("The article's loss", curves::short(r.loss)),
        ("Dead features (never fired)", format!("{:.1} %", r.dead_fraction * 100.0)),
        ("Dense features (fire on > 10 %)", format!("{:.1} %", r.dense_fraction * 100.0)),
        ("Shrinkage ‖x̂‖/‖x‖", curves::short(r.shrinkage)),
        ("Features resampled", r.resampled.to_string()),
    ];
    if let (Some(mmcs), Some(back), Some(mcc)) = (r.mmcs, r.mmcs_learned_to_true, r.mcc) {
        rows.push(("Mean max cosine, true → learned", curves::short(f64::from(mmcs))));
        rows.push(("Mean max cosine, learned → true", curves::short(f64::from(back))));
        rows.push(("One-to-one matching (Hungarian) mean |cos|", curves::short(f64::from(mcc))));
        if let (Some(found), Some(total)) = (r.recovered_090, r.true_features) {
            rows.push(("True features found (cos ≥ 0.9)", format!("{found} of {total}")));
        }
    }
    view! {
        <table class="sae-summary" data-testid="sae-summary">
            <caption>{format!("After {} steps, measured on {} inputs", r.steps, frontier_sae::report::EVALUATION_ROWS)}</caption>
            <tbody>{rows.into_iter().map(|(k, v)| view! { <tr><th scope="row">{k}</th><td>{v}</td></tr> }).collect_view()}</tbody>
        </table>
    }
}

#[component]
fn Explain() -> impl IntoView {
    view! {
        <h3>"What this shows"</h3>
        <p>"A sparse autoencoder (SAE) rewrites each activation vector as a sparse, non-negative combination of many learned directions: features = ReLU(W_enc x + b_enc), reconstruction = W_dec features + b_dec. The article's loss adds the mean squared error to a sparsity penalty (its coefficient times the mean |feature|). With more directions than dimensions, the hope is that each direction is one thing the network represents."</p>
        <p>"On synthetic data the true features are known, so recovery can be measured: the mean, over true features, of the best cosine with a learned direction (Sharkey et al. 2022), and a one-to-one matching. The toy model of superposition (Elhage et al. 2022) squeezes sparse features into fewer dimensions; the sparse-coding benchmark hides 64 or 512 features in fewer dimensions with a few active at a time."</p>
        <p>"The recommended preset adds what practice found since: the decoder bias at the geometric median and subtracted from the input, unit-norm decoder rows, a warm-up of the L1 coefficient, a learning-rate decay, and dead-feature handling — resampling from badly reconstructed inputs (Towards Monosemanticity) for ReLU, the AuxK loss (Gao et al. 2024) for TopK and BatchTopK. The article preset is its code and nothing else."</p>
        <p>"The real data are all-MiniLM-L6-v2's residual stream after layer 3 on sentences from the Brown corpus, the CIA World Factbook and State of the Union addresses (10,240 tokens; provenance in static/sae/README.md)."</p>
        <p>"Training runs in a background worker, on WebGPU or on the CPU (WebAssembly). Both compute the same step — checked against each other and against PyTorch to 0.5 % — so the backend changes the speed, not the result. Auto picks WebGPU on a hardware GPU once a step is large enough (8 million operations) to repay the GPU's fixed cost of about 0.75 ms a step; if WebGPU is missing, gives no adapter, runs out of memory or loses its device, training continues on the CPU (after a lost device, from the last checkpoint) and the page says why. BatchTopK and the AuxK loss train on either backend."</p>
    }
}

//! SAE training in the Web Worker, driven step by step: the worker runs a slice of steps, posts
//! the new points of the training curves, and yields (so Pause and Resume messages get through
//! between slices); at the end it posts the report, the feature index and the weights.
//!
//! A run starts on the CPU backend and moves to WebGPU when the choice (and, under auto, its size
//! and the adapter) says so. Every failure to get or keep a GPU ends on the CPU with a note: no
//! WebGPU, no adapter, no device, too little memory, or a device lost mid-run (then the run
//! first tries a new device, restoring the last checkpoint).
//!
//! Everything here is orchestration over `frontier_sae` and `frontier_sae_gpu`; it runs natively
//! in tests too.

use frontier_sae::data::bundled::TokenActivations;
use frontier_sae::data::DataSource;
use frontier_sae::features::{index_features, FeatureStats};
use frontier_sae::io::parse_activations;
use frontier_sae::memory::{format_bytes, training_bytes, WASM_BUDGET_BYTES};
use frontier_sae::report::{report_of, RunReport};
use frontier_sae::saelens::{self, Extras};
use frontier_sae::train::{HistoryPoint, Schedule};
use frontier_sae::{CpuBackend, Matrix, Sae, Trainer};
use frontier_sae_gpu::choice::{auto_accepts_adapter, auto_wants_gpu, BackendChoice};
use frontier_sae_gpu::run::Checkpoint;
use frontier_sae_gpu::{GpuContext, GpuError, GpuRun};
use serde::{Deserialize, Serialize};

use crate::widgets::sae::{DataKind, SaeState};

/// Rows the feature browser indexes (real data: the first this many; synthetic: a fresh sample).
pub const INDEX_ROWS: usize = 16_384;
/// Top-activating rows kept per feature.
pub const TOP_ROWS: usize = 12;

/// What the page asks of the worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SaeCommand {
    /// Train with these settings; real data comes attached as a file named `file_name`.
    Start {
        state: SaeState,
        file_name: Option<String>,
    },
    Pause,
    Resume,
    /// Destroys the GPU device, as a driver reset would (the end-to-end tests of recovery).
    LoseDevice,
}

/// What the worker answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SaeReply {
    Ready,
    /// `note` says why the run is not on the GPU, where it is not.
    Started {
        d_in: usize,
        d_sae: usize,
        rows: Option<usize>,
        memory: String,
        backend: String,
        note: Option<String>,
    },
    /// The run moved to another backend (the GPU was lost); curve points after `rewound_to` are
    /// retrained.
    Backend {
        backend: String,
        note: String,
        rewound_to: u64,
    },
    Update {
        step: u64,
        total: u64,
        points: Vec<HistoryPoint>,
    },
    Paused {
        step: u64,
    },
    Finished(Box<Finished>),
    Failed {
        error: String,
    },
}

/// The end of a run. The weights travel beside this, as safetensors bytes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finished {
    pub report: RunReport,
    pub features: Vec<FeatureStats>,
    /// Per learned feature, its best true feature and the cosine (synthetic data).
    pub best_true: Option<Vec<(usize, f32)>>,
    /// The true feature directions, when small enough to draw (toy models).
    pub truth: Option<Matrix>,
    /// `cfg.json` for the weights.
    pub cfg_json: String,
    pub density_histogram: Vec<usize>,
}

/// Where the steps run.
enum Engine {
    Cpu(Box<Trainer>),
    Gpu(Box<GpuRun>),
}

/// The CPU backend's name on the page.
const CPU_NAME: &str = "CPU (WebAssembly, one thread)";

/// A run in progress.
pub struct SaeDriver {
    /// `None` only while moving between backends.
    engine: Option<Engine>,
    sent_points: usize,
    /// Rows of real data (none for synthetic data, which is drawn as it goes).
    rows: Option<usize>,
    backend: String,
    note: Option<String>,
}

impl SaeDriver {
    /// Builds the data and the trainer (on the CPU); `file` holds the bundled or uploaded
    /// activations. [`SaeDriver::choose_backend`] may move it to the GPU before the first step.
    pub fn start(state: &SaeState, file_name: Option<&str>, file: Option<&[u8]>) -> Result<Self, String> {
        let (data, rows) = match (state.data, state.synthetic()) {
            (_, Some(spec)) => (spec.build().map_err(|e| e.to_string())?, None),
            (DataKind::Minilm, None) => {
                let bytes = file.ok_or("the bundled activations did not arrive")?;
                let tokens = TokenActivations::parse(bytes).map_err(|e| format!("bundled activations: {e}"))?;
                let rows = tokens.activations.rows;
                (DataSource::activations(tokens.activations), Some(rows))
            }
            (_, None) => {
                let bytes = file.ok_or("choose a file of activations first")?;
                let name = file_name.unwrap_or("activations.npy");
                let m = parse_activations(name, bytes).map_err(|e| format!("{name}: {e}"))?;
                if m.rows == 0 {
                    return Err(format!("{name} has no rows"));
                }
                let rows = m.rows;
                (DataSource::activations(m), Some(rows))
            }
        };
        let cfg = state.train_config(data.d_in());
        let trainer = Trainer::new(cfg, data, WASM_BUDGET_BYTES).map_err(|e| e.to_string())?;
        Ok(Self {
            engine: Some(Engine::Cpu(Box::new(trainer))),
            sent_points: 0,
            rows,
            backend: CPU_NAME.into(),
            note: None,
        })
    }

    /// The `Started` reply, naming the backend chosen and why the GPU is not used where it is not.
    pub fn started(&self) -> SaeReply {
        match self.schedule() {
            Some(schedule) => SaeReply::Started {
                d_in: schedule.cfg.sae.d_in,
                d_sae: schedule.cfg.sae.d_sae,
                rows: self.rows,
                memory: format_bytes(training_bytes(&schedule.cfg)),
                backend: self.backend.clone(),
                note: self.note.clone(),
            },
            None => SaeReply::Failed { error: "the run has no backend".into() },
        }
    }

    /// Moves the run to WebGPU when `choice` (and, under auto, the run's size and the adapter)
    /// says so and a device can be had; otherwise it stays on the CPU and [`SaeDriver::started`]
    /// says why. Call before the first step.
    pub async fn choose_backend(&mut self, choice: BackendChoice) {
        let Some(Engine::Cpu(trainer)) = self.engine.as_ref() else { return };
        if choice == BackendChoice::Cpu {
            return;
        }
        let cfg = *trainer.cfg();
        if let Err(e) = frontier_sae_gpu::sae::supports(&cfg.sae, trainer.schedule().params_at(0).auxk_coeff) {
            self.note = Some(format!("Training on the CPU: {e}."));
            return;
        }
        if choice == BackendChoice::Auto {
            if let Err(why) = auto_wants_gpu(&cfg) {
                self.note = Some(format!("Training on the CPU: {why}."));
                return;
            }
        }
        let ctx = match GpuContext::new().await {
            Ok(ctx) => ctx,
            Err(e) => {
                self.note = Some(format!("Training on the CPU: {}.", no_gpu_reason(&e)));
                return;
            }
        };
        if choice == BackendChoice::Auto {
            if let Err(why) = auto_accepts_adapter(ctx.is_software(), &ctx.describe()) {
                self.note = Some(format!("Training on the CPU: {why}."));
                return;
            }
        }
        let Some(Engine::Cpu(trainer)) = self.engine.take() else { return };
        let sae = trainer.sae();
        let (schedule, cpu) = (*trainer).into_parts();
        match GpuRun::new(&ctx, schedule, sae).await {
            Ok(run) => {
                self.backend = format!("GPU: {} (WebGPU)", ctx.describe());
                self.engine = Some(Engine::Gpu(Box::new(run)));
            }
            Err((e, schedule)) => {
                self.note = Some(format!("Training on the CPU: {e}."));
                self.engine = Some(Engine::Cpu(Box::new(Trainer::from_parts(schedule, cpu))));
            }
        }
    }

    fn schedule(&self) -> Option<&Schedule> {
        match self.engine.as_ref()? {
            Engine::Cpu(t) => Some(t.schedule()),
            Engine::Gpu(r) => Some(r.schedule()),
        }
    }

    pub fn done(&self) -> bool {
        self.schedule().is_none_or(Schedule::done)
    }

    pub fn step(&self) -> u64 {
        self.schedule().map_or(0, Schedule::step)
    }

    /// Destroys the GPU device (a test of recovery); nothing on the CPU.
    pub fn lose_device(&self) {
        if let Some(Engine::Gpu(run)) = &self.engine {
            run.context().destroy();
        }
    }

    /// Trains until `budget_ms` have passed by `now` (at least one step on the CPU), and returns
    /// the replies: a `Backend` one if the GPU was lost and the run moved, then the new points.
    pub async fn slice(&mut self, budget_ms: f64, mut now: impl FnMut() -> f64) -> Result<Vec<SaeReply>, String> {
        let start = now();
        let mut replies = Vec::new();
        match self.engine.as_mut().ok_or("the run has no backend")? {
            Engine::Cpu(trainer) => loop {
                trainer.run(1).map_err(|e| e.to_string())?;
                if trainer.done() || now() - start >= budget_ms {
                    break;
                }
            },
            Engine::Gpu(run) => {
                let mut more = || now() - start < budget_ms;
                let mut outcome = run.advance(&mut more).await;
                if outcome.is_ok() && run.all_submitted() {
                    outcome = run.drain().await;
                }
                if let Err(e) = outcome {
                    let lost = run.context().lost();
                    if lost.is_none() && !matches!(e, GpuError::DeviceLost(_) | GpuError::Readback(_)) {
                        return Err(e.to_string());
                    }
                    replies.push(self.recover(lost.unwrap_or_else(|| e.to_string())).await);
                }
            }
        }
        let sent = self.sent_points;
        let schedule = self.schedule().ok_or("the run has no backend")?;
        let history = schedule.history();
        let points = history[sent.min(history.len())..].to_vec();
        let update = SaeReply::Update { step: schedule.step(), total: schedule.cfg.steps, points };
        self.sent_points = history.len();
        replies.push(update);
        Ok(replies)
    }

    /// After a lost device: the last checkpoint on a new device, or on the CPU.
    async fn recover(&mut self, reason: String) -> SaeReply {
        let Some(Engine::Gpu(run)) = self.engine.take() else {
            return SaeReply::Failed { error: "the run was not on the GPU".into() };
        };
        let lost_at = run.step();
        let (schedule, checkpoint) = run.into_parts();
        let rewound_to = checkpoint.step;
        let lost = format!("The GPU device was lost at step {lost_at} ({reason})");
        let restored = match GpuContext::new().await {
            Ok(ctx) => GpuRun::restore(&ctx, schedule, checkpoint.clone()).await.map(|run| (ctx, run)),
            Err(e) => Err((e, schedule)),
        };
        let note = match restored {
            Ok((ctx, run)) => {
                self.backend = format!("GPU: {} (WebGPU)", ctx.describe());
                self.engine = Some(Engine::Gpu(Box::new(run)));
                format!("{lost}. Training goes on from the checkpoint of step {rewound_to} on a new device.")
            }
            Err((e, schedule)) => {
                self.backend = CPU_NAME.into();
                self.engine = Some(Engine::Cpu(Box::new(cpu_from_checkpoint(schedule, checkpoint))));
                format!("{lost}, and no new device could be had ({e}). Training goes on from the checkpoint of step {rewound_to} on the CPU.")
            }
        };
        self.sent_points = self.schedule().map_or(0, |s| s.history().len());
        self.note = Some(note.clone());
        SaeReply::Backend { backend: self.backend.clone(), note, rewound_to }
    }

    /// The weights now.
    async fn sae(&mut self) -> Result<Sae, String> {
        match self.engine.as_mut().ok_or("the run has no backend")? {
            Engine::Cpu(trainer) => Ok(trainer.sae()),
            Engine::Gpu(run) => run.sae().await.map_err(|e| e.to_string()),
        }
    }

    /// The report, the feature index and the weights (safetensors bytes).
    pub async fn finish(&mut self) -> Result<(Finished, Vec<u8>), String> {
        let sae = self.sae().await?;
        let schedule = self.schedule().ok_or("the run has no backend")?;
        let measured = report_of(&sae, schedule, true);
        let data = schedule.data();
        let sample = data.evaluation_sample(schedule.cfg.seed, INDEX_ROWS);
        let features = index_features(&sae, &sample, TOP_ROWS);
        let truth = data.ground_truth();
        let extras = Extras {
            l1_coefficient: Some(schedule.cfg.l1_coeff),
            metadata: serde_json::json!({
                "trained_by": "Frontier Lab SAE lab",
                "backend": self.backend,
                "train": schedule.cfg,
                "report": measured.summary,
            }),
        };
        let (weights, cfg_json) = saelens::save(&sae, &extras).map_err(|e| e.to_string())?;
        let finished = Finished {
            report: measured.summary,
            features,
            best_true: measured.recovery.map(|r| r.best_true),
            truth: truth.filter(|t| t.cols <= 3 && t.rows <= 64),
            cfg_json,
            density_histogram: measured.evaluation.density_histogram,
        };
        Ok((finished, weights))
    }
}

/// Why there is no GPU, in the page's words.
fn no_gpu_reason(e: &GpuError) -> String {
    match e {
        GpuError::NoAdapter(_) => format!("WebGPU gave no adapter ({e})"),
        other => other.to_string(),
    }
}

/// A CPU trainer that continues from a GPU checkpoint.
fn cpu_from_checkpoint(mut schedule: Schedule, checkpoint: Checkpoint) -> Trainer {
    schedule.rewind(checkpoint.step);
    let mut backend = CpuBackend::new(checkpoint.sae);
    backend.set_steps_since_fired(&checkpoint.steps_since_fired);
    Trainer::from_parts(schedule, backend)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn the_worked_example_trains_in_slices_and_recovers_its_features() {
        let state = SaeState::example();
        let mut driver = SaeDriver::start(&state, None, None).unwrap_or_else(|e| panic!("{e}"));
        pollster::block_on(driver.choose_backend(frontier_sae_gpu::choice::BackendChoice::Cpu));
        assert!(matches!(driver.started(), SaeReply::Started { d_in: 32, d_sae: 128, note: None, .. }));
        let mut clock = 0.0;
        let mut points = 0;
        while !driver.done() {
            // A fake clock: each call advances 1 ms, so a 10 ms slice is about 5 steps.
            let now = || {
                clock += 1.0;
                clock
            };
            for reply in pollster::block_on(driver.slice(10.0, now)).unwrap_or_else(|e| panic!("{e}")) {
                match reply {
                    SaeReply::Update { points: p, .. } => points += p.len(),
                    other => panic!("{other:?}"),
                }
            }
        }
        assert!(points >= 100, "{points} curve points");
        let (finished, weights) = pollster::block_on(driver.finish()).unwrap_or_else(|e| panic!("{e}"));
        let mmcs = finished.report.mmcs.unwrap_or(0.0);
        assert!(mmcs > 0.9, "the worked example should recover its features: mmcs {mmcs}");
        assert_eq!(finished.features.len(), 128);
        let (sae, _) = saelens::load(&weights, &finished.cfg_json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sae.cfg.d_sae, 128);
    }
}

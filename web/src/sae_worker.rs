//! SAE training in the Web Worker, driven step by step: the worker runs a slice of steps, posts
//! the new points of the training curves, and yields (so Pause and Resume messages get through
//! between slices); at the end it posts the report, the feature index and the weights.
//!
//! Which backend trains the run, the CPU fallback with its note, lost-device recovery and the
//! checkpoints are `frontier_sae_gpu::driver` (a state machine with its own tests); this file
//! builds the run's data from the page's state, turns the driver's slices into replies, and
//! packages the end of the run. It runs natively in tests too.

use frontier_sae::data::bundled::TokenActivations;
use frontier_sae::data::DataSource;
use frontier_sae::features::{index_features, FeatureStats};
use frontier_sae::io::parse_activations;
use frontier_sae::memory::{format_bytes, training_bytes, WASM_BUDGET_BYTES};
use frontier_sae::report::{report_of, RunReport};
use frontier_sae::saelens::{self, Extras};
use frontier_sae::train::HistoryPoint;
use frontier_sae::{Matrix, Trainer};
use frontier_sae_gpu::choice::BackendChoice;
use frontier_sae_gpu::driver::Driver;
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

/// A run in progress: the data it trains on, and the crate's driver, which holds the backend
/// choice, the CPU fallback, lost-device recovery and the checkpoints.
pub struct SaeDriver {
    run: Driver,
    /// Rows of real data (none for synthetic data, which is drawn as it goes).
    rows: Option<usize>,
}

impl SaeDriver {
    /// Builds the data and the trainer (on the CPU); `file` holds the bundled or uploaded
    /// activations. [`SaeDriver::choose_backend`] may move it to the GPU before the first step.
    pub fn start(state: &SaeState, file_name: Option<&str>, file: Option<&[u8]>) -> Result<Self, String> {
        let (data, rows) = match (state.data, state.synthetic()) {
            (_, Some(spec)) => (spec.build_within(state.batch, WASM_BUDGET_BYTES).map_err(|e| e.to_string())?, None),
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
        cfg.check_work().map_err(|e| e.to_string())?;
        let trainer = Trainer::new(cfg, data, WASM_BUDGET_BYTES).map_err(|e| e.to_string())?;
        Ok(Self { run: Driver::new(trainer), rows })
    }

    /// The `Started` reply, naming the backend chosen and why the GPU is not used where it is not.
    pub fn started(&self) -> SaeReply {
        match self.run.schedule() {
            Some(schedule) => SaeReply::Started {
                d_in: schedule.cfg.sae.d_in,
                d_sae: schedule.cfg.sae.d_sae,
                rows: self.rows,
                memory: format_bytes(training_bytes(&schedule.cfg)),
                backend: self.run.backend().into(),
                note: self.run.note().map(String::from),
            },
            None => SaeReply::Failed { error: "the run has no backend".into() },
        }
    }

    /// Moves the run to WebGPU when the driver's rule says so (see `frontier_sae_gpu::driver`).
    /// Call before the first step.
    pub async fn choose_backend(&mut self, choice: BackendChoice) {
        self.run.choose_backend(choice).await;
    }

    pub fn done(&self) -> bool {
        self.run.done()
    }

    pub fn step(&self) -> u64 {
        self.run.step()
    }

    /// Destroys the GPU device (a test of recovery); nothing on the CPU.
    pub fn lose_device(&self) {
        self.run.lose_device();
    }

    /// Trains until `budget_ms` have passed by `now` (at least one step on the CPU), and returns
    /// the replies: a `Backend` one if the GPU was lost and the run moved, then the new points.
    pub async fn slice(&mut self, budget_ms: f64, now: impl FnMut() -> f64) -> Result<Vec<SaeReply>, String> {
        let slice = self.run.slice(budget_ms, now).await?;
        let moved =
            slice.moved.map(|m| SaeReply::Backend { backend: m.backend, note: m.note, rewound_to: m.rewound_to });
        let update = SaeReply::Update { step: slice.step, total: slice.total, points: slice.points };
        Ok(moved.into_iter().chain([update]).collect())
    }

    /// The report, the feature index and the weights (safetensors bytes).
    pub async fn finish(&mut self) -> Result<(Finished, Vec<u8>), String> {
        let sae = self.run.sae().await?;
        let schedule = self.run.schedule().ok_or("the run has no backend")?;
        let measured = report_of(&sae, schedule, true);
        let data = schedule.data();
        let sample = data.evaluation_sample(schedule.cfg.seed, INDEX_ROWS);
        let features = index_features(&sae, &sample, TOP_ROWS);
        let truth = data.ground_truth();
        let extras = Extras {
            l1_coefficient: Some(schedule.cfg.l1_coeff),
            metadata: serde_json::json!({
                "trained_by": "Frontier Lab SAE lab",
                "backend": self.run.backend(),
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

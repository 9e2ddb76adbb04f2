//! SAE training in the Web Worker, driven step by step: the worker runs a slice of steps, posts
//! the new points of the training curves, and yields (so Pause and Resume messages get through
//! between slices); at the end it posts the report, the feature index and the weights.
//!
//! Everything here is orchestration over `frontier_sae`; it runs natively in tests too.

use frontier_sae::data::bundled::TokenActivations;
use frontier_sae::data::DataSource;
use frontier_sae::features::{index_features, FeatureStats};
use frontier_sae::io::parse_activations;
use frontier_sae::memory::{format_bytes, training_bytes, WASM_BUDGET_BYTES};
use frontier_sae::report::{report, RunReport};
use frontier_sae::saelens::{self, Extras};
use frontier_sae::train::HistoryPoint;
use frontier_sae::{Matrix, Trainer};
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
}

/// What the worker answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SaeReply {
    Ready,
    Started { d_in: usize, d_sae: usize, rows: Option<usize>, memory: String, backend: String },
    Update { step: u64, total: u64, points: Vec<HistoryPoint> },
    Paused { step: u64 },
    Finished(Box<Finished>),
    Failed { error: String },
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

/// A run in progress.
pub struct SaeDriver {
    trainer: Trainer,
    sent_points: usize,
    pub paused: bool,
}

impl SaeDriver {
    /// Builds the data and the trainer; `file` holds the bundled or uploaded activations.
    pub fn start(state: &SaeState, file_name: Option<&str>, file: Option<&[u8]>) -> Result<(Self, SaeReply), String> {
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
        let started = SaeReply::Started {
            d_in: cfg.sae.d_in,
            d_sae: cfg.sae.d_sae,
            rows,
            memory: format_bytes(training_bytes(&cfg)),
            backend: "CPU (WebAssembly, one thread)".into(),
        };
        Ok((Self { trainer, sent_points: 0, paused: false }, started))
    }

    pub fn done(&self) -> bool {
        self.trainer.done()
    }

    pub fn step(&self) -> u64 {
        self.trainer.step()
    }

    /// Trains until `budget_ms` have passed by `now` (at least one step), and returns the new
    /// curve points.
    pub fn slice(&mut self, budget_ms: f64, mut now: impl FnMut() -> f64) -> Result<SaeReply, String> {
        let start = now();
        loop {
            self.trainer.run(1).map_err(|e| e.to_string())?;
            if self.trainer.done() || now() - start >= budget_ms {
                break;
            }
        }
        let history = self.trainer.history();
        let points = history[self.sent_points.min(history.len())..].to_vec();
        self.sent_points = history.len();
        Ok(SaeReply::Update { step: self.trainer.step(), total: self.trainer.cfg().steps, points })
    }

    /// The report, the feature index and the weights (safetensors bytes).
    pub fn finish(&self) -> Result<(Finished, Vec<u8>), String> {
        let measured = report(&self.trainer, true);
        let sae = self.trainer.sae();
        let data = self.trainer.data();
        let sample = data.evaluation_sample(self.trainer.cfg().seed, INDEX_ROWS);
        let features = index_features(&sae, &sample, TOP_ROWS);
        let truth = data.ground_truth();
        let extras = Extras {
            l1_coefficient: Some(self.trainer.cfg().l1_coeff),
            metadata: serde_json::json!({ "trained_by": "Frontier Lab SAE lab", "train": self.trainer.cfg(), "report": measured.summary }),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worked_example_trains_in_slices_and_recovers_its_features() {
        let state = SaeState::example();
        let (mut driver, started) = SaeDriver::start(&state, None, None).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(started, SaeReply::Started { d_in: 32, d_sae: 128, .. }));
        let mut clock = 0.0;
        let mut points = 0;
        while !driver.done() {
            // A fake clock: each call advances 1 ms, so a 10 ms slice is about 5 steps.
            let now = || {
                clock += 1.0;
                clock
            };
            match driver.slice(10.0, now).unwrap_or_else(|e| panic!("{e}")) {
                SaeReply::Update { points: p, .. } => points += p.len(),
                other => panic!("{other:?}"),
            }
        }
        assert!(points >= 100, "{points} curve points");
        let (finished, weights) = driver.finish().unwrap_or_else(|e| panic!("{e}"));
        let mmcs = finished.report.mmcs.unwrap_or(0.0);
        assert!(mmcs > 0.9, "the worked example should recover its features: mmcs {mmcs}");
        assert_eq!(finished.features.len(), 128);
        let (sae, _) = saelens::load(&weights, &finished.cfg_json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sae.cfg.d_sae, 128);
    }
}

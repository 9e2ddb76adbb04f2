//! A training run: batches from a data source, the learning-rate and L1 schedules, dead features
//! (resampling or AuxK), recovery of known features, and a history to chart. It runs a few steps at
//! a time, so a worker can report progress, pause and resume between calls.

use serde::{Deserialize, Serialize};

use crate::backend::{Backend, StepParams, StepStats};
use crate::config::{Arch, BDecInit, TrainConfig};
use crate::cpu::CpuBackend;
use crate::data::{geometric_median, DataSource};
use crate::error::SaeError;
use crate::model::{l2, Sae};
use crate::recovery;
use crate::rng::Rng;
use crate::Matrix;

/// Rows used to estimate the geometric median for b_dec.
const MEDIAN_SAMPLE_ROWS: usize = 4096;
/// Towards Monosemanticity scales a resampled encoder column to 0.2 × the mean live column norm.
const RESAMPLE_ENCODER_SCALE: f32 = 0.2;

/// One point of the training curves.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HistoryPoint {
    pub step: u64,
    pub stats: StepStats,
    pub lr: f32,
    pub l1_coeff: f32,
    /// Mean max cosine of the true features with the decoder (synthetic data only).
    pub mmcs: Option<f32>,
}

pub struct Trainer<B: Backend = CpuBackend> {
    pub cfg: TrainConfig,
    backend: B,
    data: DataSource,
    ground_truth: Option<Matrix>,
    rng: Rng,
    step: u64,
    history: Vec<HistoryPoint>,
    resampled: usize,
    /// Record a history point (and the recovery measure) every this many steps.
    pub record_every: u64,
}

impl Trainer<CpuBackend> {
    /// A run on the CPU backend. Checks the settings, the data width and the memory budget first.
    pub fn new(cfg: TrainConfig, data: DataSource, budget_bytes: u64) -> Result<Self, SaeError> {
        let (sae, rng) = initial_sae(&cfg, &data, budget_bytes)?;
        Ok(Self::with_backend(cfg, data, CpuBackend::new(sae), rng))
    }
}

/// Validates `cfg` against the data and the budget and draws the initial weights. Returns the
/// generator positioned after initialisation, for the trainer to continue.
pub fn initial_sae(cfg: &TrainConfig, data: &DataSource, budget_bytes: u64) -> Result<(Sae, Rng), SaeError> {
    cfg.validate()?;
    if data.d_in() != cfg.sae.d_in {
        return Err(SaeError::Width { expected: cfg.sae.d_in, found: data.d_in() });
    }
    crate::memory::check(cfg, budget_bytes)?;
    let mut rng = Rng::new(cfg.seed);
    let mut init_rng = rng.fork(1);
    let mut sae = Sae::init(cfg.sae, cfg.init, cfg.unit_norm_decoder, &mut init_rng);
    if cfg.b_dec_init == BDecInit::GeometricMedian {
        let sample = data.evaluation_sample(cfg.seed, MEDIAN_SAMPLE_ROWS);
        sae.b_dec = geometric_median(&sample);
    }
    Ok((sae, rng))
}

impl<B: Backend> Trainer<B> {
    pub fn with_backend(cfg: TrainConfig, data: DataSource, backend: B, rng: Rng) -> Self {
        let record_every = (cfg.steps / 200).max(1);
        Self {
            ground_truth: data.ground_truth(),
            cfg,
            backend,
            data,
            rng,
            step: 0,
            history: Vec::new(),
            resampled: 0,
            record_every,
        }
    }

    pub fn step(&self) -> u64 {
        self.step
    }

    pub fn done(&self) -> bool {
        self.step >= self.cfg.steps
    }

    pub fn history(&self) -> &[HistoryPoint] {
        &self.history
    }

    /// Features resampled so far.
    pub fn resampled(&self) -> usize {
        self.resampled
    }

    pub fn backend(&self) -> &B {
        &self.backend
    }

    pub fn sae(&self) -> Sae {
        self.backend.sae()
    }

    pub fn data(&self) -> &DataSource {
        &self.data
    }

    /// Runs up to `max_steps` more steps (fewer at the end of training); returns the last step's
    /// measurements.
    pub fn run(&mut self, max_steps: u64) -> Result<Option<StepStats>, SaeError> {
        let mut last = None;
        for _ in 0..max_steps {
            if self.done() {
                break;
            }
            self.maybe_resample();
            let batch = self.data.next_batch(&mut self.rng, self.cfg.batch);
            let params = self.params();
            let stats = self.backend.train_step(&batch, &params)?;
            self.step += 1;
            if self.step.is_multiple_of(self.record_every) || self.done() || self.step == 1 {
                let mmcs = self
                    .ground_truth
                    .as_ref()
                    .map(|truth| recovery::recovery(truth, &self.backend.sae().w_dec).mmcs_true_to_learned);
                self.history.push(HistoryPoint {
                    step: self.step,
                    stats,
                    lr: params.lr,
                    l1_coeff: params.l1_coeff,
                    mmcs,
                });
            }
            last = Some(stats);
        }
        Ok(last)
    }

    fn params(&self) -> StepParams {
        let cfg = &self.cfg;
        StepParams {
            step: self.step,
            lr: cfg.lr_at(self.step),
            l1_coeff: cfg.l1_at(self.step),
            beta1: cfg.adam_beta1,
            beta2: cfg.adam_beta2,
            eps: cfg.adam_eps,
            unit_norm_decoder: cfg.unit_norm_decoder,
            auxk_coeff: if cfg.sae.arch == Arch::Relu { 0.0 } else { cfg.dead.auxk_coeff },
            k_aux: cfg.k_aux(),
            dead_window: cfg.dead.window_steps.max(1),
        }
    }

    /// Towards Monosemanticity's resampling, for ReLU SAEs on schedule: each dead feature gets the
    /// direction of an input drawn with probability ∝ its squared reconstruction loss.
    fn maybe_resample(&mut self) {
        let dead_cfg = self.cfg.dead;
        let until = (self.cfg.steps as f64 * f64::from(dead_cfg.resample_until_fraction)) as u64;
        if self.cfg.sae.arch != Arch::Relu
            || dead_cfg.resample_every == 0
            || self.step == 0
            || !self.step.is_multiple_of(dead_cfg.resample_every)
            || self.step > until
        {
            return;
        }
        let counts = self.backend.steps_since_fired();
        let dead: Vec<usize> = (0..counts.len()).filter(|&j| counts[j] >= dead_cfg.window_steps.max(1)).collect();
        if dead.is_empty() {
            return;
        }
        let sae = self.backend.sae();
        let batch = self.data.next_batch(&mut self.rng, self.cfg.batch.max(dead.len()));
        let recon = sae.decode(&sae.encode(&batch));
        let weights: Vec<f64> = (0..batch.rows)
            .map(|r| {
                let loss: f64 = batch.row(r).iter().zip(recon.row(r)).map(|(a, b)| f64::from(a - b).powi(2)).sum();
                loss * loss
            })
            .collect();
        let mut directions = Matrix::zeros(dead.len(), sae.cfg.d_in);
        for n in 0..dead.len() {
            let r = self.rng.weighted_index(&weights);
            let row = directions.row_mut(n);
            row.copy_from_slice(batch.row(r));
            if sae.cfg.apply_b_dec_to_input {
                row.iter_mut().zip(&sae.b_dec).for_each(|(v, b)| *v -= b);
            }
        }
        let alive: Vec<f32> = (0..sae.cfg.d_sae)
            .filter(|j| !dead.contains(j))
            .map(|j| l2(&(0..sae.cfg.d_in).map(|i| sae.w_enc.values[i * sae.cfg.d_sae + j]).collect::<Vec<_>>()))
            .collect();
        let mean_alive = if alive.is_empty() { 1.0 } else { alive.iter().sum::<f32>() / alive.len() as f32 };
        self.backend.resample(&dead, &directions, RESAMPLE_ENCODER_SCALE * mean_alive);
        self.resampled += dead.len();
    }
}

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

/// Everything about a run but the weights: the data, the schedules, the generator, the step, the
/// history, and the resampling of dead features. [`Trainer`] pairs it with a synchronous
/// [`Backend`]; the GPU backend drives it asynchronously.
pub struct Schedule {
    pub cfg: TrainConfig,
    data: DataSource,
    ground_truth: Option<Matrix>,
    rng: Rng,
    step: u64,
    history: Vec<HistoryPoint>,
    resampled: usize,
    /// Record a history point (and the recovery measure) every this many steps.
    pub record_every: u64,
}

/// New directions for dead features, as [`Backend::resample`] takes them.
#[derive(Debug, Clone)]
pub struct ResamplePlan {
    pub features: Vec<usize>,
    pub directions: Matrix,
    pub encoder_norm: f32,
}

pub struct Trainer<B: Backend = CpuBackend> {
    schedule: Schedule,
    backend: B,
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
        let sample = data.try_evaluation_sample(cfg.seed, MEDIAN_SAMPLE_ROWS)?;
        sae.b_dec = geometric_median(&sample);
    }
    Ok((sae, rng))
}

impl Schedule {
    pub fn new(cfg: TrainConfig, data: DataSource, rng: Rng) -> Self {
        let record_every = (cfg.steps / 200).max(1);
        Self {
            ground_truth: data.ground_truth(),
            cfg,
            data,
            rng,
            step: 0,
            history: Vec::new(),
            resampled: 0,
            record_every,
        }
    }

    /// Steps done.
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

    pub fn data(&self) -> &DataSource {
        &self.data
    }

    /// The true features, for synthetic data.
    pub fn ground_truth(&self) -> Option<&Matrix> {
        self.ground_truth.as_ref()
    }

    /// The next training batch.
    pub fn next_batch(&mut self) -> Result<Matrix, SaeError> {
        self.data.next_batch(&mut self.rng, self.cfg.batch)
    }

    /// The parameters of step `step` (0-based).
    pub fn params_at(&self, step: u64) -> StepParams {
        let cfg = &self.cfg;
        StepParams {
            step,
            lr: cfg.lr_at(step),
            l1_coeff: cfg.l1_at(step),
            beta1: cfg.adam_beta1,
            beta2: cfg.adam_beta2,
            eps: cfg.adam_eps,
            unit_norm_decoder: cfg.unit_norm_decoder,
            auxk_coeff: if cfg.sae.arch == Arch::Relu { 0.0 } else { cfg.dead.auxk_coeff },
            k_aux: cfg.k_aux(),
            dead_window: cfg.dead.window_steps.max(1),
        }
    }

    /// Whether a history point is recorded after `steps_done` steps.
    pub fn records_after(&self, steps_done: u64) -> bool {
        steps_done.is_multiple_of(self.record_every) || steps_done >= self.cfg.steps || steps_done == 1
    }

    /// Counts one step done and records its history point where due, with the recovery of the
    /// true features measured on `decoder` (the decoder after the step) when given. A decoder of
    /// another width than the true features is an error, and the step is not counted.
    pub fn finish_step(
        &mut self,
        stats: StepStats,
        params: &StepParams,
        decoder: Option<&Matrix>,
    ) -> Result<(), SaeError> {
        let step = self.step + 1;
        if self.records_after(step) {
            let mmcs = match (&self.ground_truth, decoder) {
                (Some(truth), Some(w_dec)) => Some(recovery::recovery(truth, w_dec)?.mmcs_true_to_learned),
                _ => None,
            };
            self.history.push(HistoryPoint { step, stats, lr: params.lr, l1_coeff: params.l1_coeff, mmcs });
        }
        self.step = step;
        Ok(())
    }

    /// Goes back to an earlier step (a checkpoint restored after the GPU was lost): later history
    /// points are dropped; the generator goes on, so the retrained steps see fresh batches.
    pub fn rewind(&mut self, step: u64) {
        self.step = step.min(self.step);
        self.history.retain(|p| p.step <= step);
    }

    /// Whether Towards Monosemanticity's resampling is due before the next step (ReLU SAEs, on
    /// schedule).
    pub fn resample_due(&self) -> bool {
        self.resample_due_at(self.step)
    }

    /// Whether resampling is due before step `step` (0-based) runs.
    pub fn resample_due_at(&self, step: u64) -> bool {
        let dead_cfg = self.cfg.dead;
        let until = (self.cfg.steps as f64 * f64::from(dead_cfg.resample_until_fraction)) as u64;
        self.cfg.sae.arch == Arch::Relu
            && dead_cfg.resample_every != 0
            && step != 0
            && step.is_multiple_of(dead_cfg.resample_every)
            && step <= until
    }

    /// The features counted dead from their steps-since-fired counters.
    pub fn dead_features(&self, counts: &[u64]) -> Vec<usize> {
        let window = self.cfg.dead.window_steps.max(1);
        (0..counts.len()).filter(|&j| counts[j] >= window).collect()
    }

    /// Each dead feature gets the direction of an input drawn with probability ∝ its squared
    /// reconstruction loss under `sae`; encoder columns are scaled to a fraction of the mean live
    /// column norm.
    pub fn resample_plan(&mut self, dead: &[usize], sae: &Sae) -> Result<ResamplePlan, SaeError> {
        let batch = self.data.next_batch(&mut self.rng, self.cfg.batch.max(dead.len()))?;
        let recon = sae.decode(&sae.encode(&batch)?)?;
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
        self.resampled += dead.len();
        Ok(ResamplePlan { features: dead.to_vec(), directions, encoder_norm: RESAMPLE_ENCODER_SCALE * mean_alive })
    }
}

impl<B: Backend> Trainer<B> {
    pub fn with_backend(cfg: TrainConfig, data: DataSource, backend: B, rng: Rng) -> Self {
        Self { schedule: Schedule::new(cfg, data, rng), backend }
    }

    /// A trainer that continues `schedule` on `backend` (a run moved between backends).
    pub fn from_parts(schedule: Schedule, backend: B) -> Self {
        Self { schedule, backend }
    }

    /// The schedule and the backend, to continue the run elsewhere.
    pub fn into_parts(self) -> (Schedule, B) {
        (self.schedule, self.backend)
    }

    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    pub fn cfg(&self) -> &TrainConfig {
        &self.schedule.cfg
    }

    pub fn step(&self) -> u64 {
        self.schedule.step()
    }

    pub fn done(&self) -> bool {
        self.schedule.done()
    }

    pub fn history(&self) -> &[HistoryPoint] {
        self.schedule.history()
    }

    /// Features resampled so far.
    pub fn resampled(&self) -> usize {
        self.schedule.resampled()
    }

    pub fn backend(&self) -> &B {
        &self.backend
    }

    pub fn sae(&self) -> Sae {
        self.backend.sae()
    }

    pub fn data(&self) -> &DataSource {
        self.schedule.data()
    }

    /// Runs up to `max_steps` more steps (fewer at the end of training); returns the last step's
    /// measurements.
    pub fn run(&mut self, max_steps: u64) -> Result<Option<StepStats>, SaeError> {
        let mut last = None;
        for _ in 0..max_steps {
            if self.done() {
                break;
            }
            self.maybe_resample()?;
            let batch = self.schedule.next_batch()?;
            let params = self.schedule.params_at(self.schedule.step());
            let stats = self.backend.train_step(&batch, &params)?;
            let decoder = (self.schedule.records_after(self.schedule.step() + 1)
                && self.schedule.ground_truth.is_some())
            .then(|| self.backend.sae().w_dec);
            self.schedule.finish_step(stats, &params, decoder.as_ref())?;
            last = Some(stats);
        }
        Ok(last)
    }

    fn maybe_resample(&mut self) -> Result<(), SaeError> {
        if !self.schedule.resample_due() {
            return Ok(());
        }
        let dead = self.schedule.dead_features(&self.backend.steps_since_fired());
        if dead.is_empty() {
            return Ok(());
        }
        let plan = self.schedule.resample_plan(&dead, &self.backend.sae())?;
        self.backend.resample(&plan.features, &plan.directions, plan.encoder_norm);
        Ok(())
    }
}

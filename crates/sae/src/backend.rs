//! The training step as an interface, so that the CPU and GPU backends train the same SAE the same
//! way, and the trainer (schedules, dead features, resampling, metrics) is written once.

use crate::config::SaeConfig;
use crate::error::SaeError;
use crate::model::Sae;
use crate::Matrix;

/// What one step uses beyond the weights.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepParams {
    /// 0-based index of this step (Adam's t is `step + 1`).
    pub step: u64,
    pub lr: f32,
    pub l1_coeff: f32,
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    pub unit_norm_decoder: bool,
    /// AuxK (TopK, BatchTopK): coefficient (0: off) and how many dead features it may use.
    pub auxk_coeff: f32,
    pub k_aux: usize,
    /// Steps without firing after which a feature counts as dead.
    pub dead_window: u64,
}

impl StepParams {
    /// The step `cargo xtask bench sae` times on every side (and `tests/reference/bench_sae.py` in
    /// PyTorch): Adam at lr 1e-3, L1 coefficient 1e-3, unit-norm decoder, no AuxK.
    pub fn benchmark(step: u64) -> Self {
        Self {
            step,
            lr: 1e-3,
            l1_coeff: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            unit_norm_decoder: true,
            auxk_coeff: 0.0,
            k_aux: 0,
            dead_window: 1000,
        }
    }
}

/// Measurements of one step, on its batch, before the update.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct StepStats {
    pub loss: f32,
    /// Mean over elements of (x̂ − x)², as the article's `mse_loss`.
    pub mse: f32,
    pub sparsity_loss: f32,
    pub aux_loss: f32,
    /// Mean number of active features per row.
    pub l0: f32,
    /// Mean over rows of Σ|f|.
    pub l1: f32,
    /// Fraction of the batch's variance left unexplained.
    pub fvu: f32,
    /// Features that have not fired for the dead window, after this step.
    pub dead: usize,
}

/// A place SAE training steps run.
pub trait Backend {
    /// A name to show, with the device where there is one.
    fn name(&self) -> String;

    fn config(&self) -> SaeConfig;

    /// One step of forward, loss, backward and Adam on `batch` (`[rows, d_in]`).
    fn train_step(&mut self, batch: &Matrix, params: &StepParams) -> Result<StepStats, SaeError>;

    /// The current weights.
    fn sae(&self) -> Sae;

    /// Steps since each feature last fired.
    fn steps_since_fired(&self) -> Vec<u64>;

    /// Gives `features` new directions (rows of `directions`, any norm): decoder rows become the unit
    /// directions, encoder columns the same scaled to `encoder_norm`, encoder biases zero, and their
    /// Adam moments and firing counters are reset.
    fn resample(&mut self, features: &[usize], directions: &Matrix, encoder_norm: f32);
}

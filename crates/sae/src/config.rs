//! What an SAE is (its shape and activation) and how it is trained.

use serde::{Deserialize, Serialize};

use crate::error::{setting, SaeError};

/// The activation that turns pre-activations into features.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Arch {
    /// ReLU with an L1 penalty (the article's model; SAELens "standard").
    Relu,
    /// Keep the k largest pre-activations of each row, then ReLU (Gao et al. 2024).
    TopK,
    /// Keep the k·B largest pre-activations of the whole batch, then ReLU (Bussmann et al. 2024);
    /// at inference a learned global threshold replaces the batch rule.
    BatchTopK,
}

impl Arch {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "relu" => Some(Self::Relu),
            "topk" => Some(Self::TopK),
            "batchtopk" => Some(Self::BatchTopK),
            _ => None,
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Self::Relu => "relu",
            Self::TopK => "topk",
            Self::BatchTopK => "batchtopk",
        }
    }

    pub fn uses_k(self) -> bool {
        self != Self::Relu
    }
}

/// The shape of an SAE and the rule that makes its features.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SaeConfig {
    pub d_in: usize,
    pub d_sae: usize,
    pub arch: Arch,
    /// Active features per row for TopK and BatchTopK (ignored by ReLU).
    pub k: usize,
    /// Subtract `b_dec` from the input before encoding (SAELens's default; the article does not).
    pub apply_b_dec_to_input: bool,
}

impl SaeConfig {
    pub fn validate(&self) -> Result<(), SaeError> {
        if self.d_in == 0 {
            return Err(setting("d_in", "must be at least 1"));
        }
        if self.d_sae == 0 {
            return Err(setting("d_sae", "must be at least 1"));
        }
        if self.arch.uses_k() && !(1..=self.d_sae).contains(&self.k) {
            return Err(setting("k", format!("must be between 1 and d_sae = {}", self.d_sae)));
        }
        Ok(())
    }
}

/// How the weights start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InitScheme {
    /// As PyTorch's `nn.Linear` initialises the article's encoder and decoder: weights and biases
    /// uniform in ±1/√fan_in.
    Article,
    /// Decoder rows in random directions, the encoder its transpose, biases zero (Conerly et al.,
    /// April 2024; SAELens v6; OpenAI's tied initialisation).
    Tied,
}

/// Where `b_dec` starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BDecInit {
    /// As the scheme says (zero for `Tied`, uniform for `Article`).
    Default,
    /// The geometric median of a sample of the data (Towards Monosemanticity; OpenAI).
    GeometricMedian,
}

/// The learning rate over time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LrSchedule {
    Constant,
    /// Linear warm-up over `warmup_steps`, then constant, then a linear decay to zero over the last
    /// `decay_fraction` of training (the April 2024 recipe decays over the last 20 %).
    WarmupDecay {
        warmup_steps: u64,
        decay_fraction: f32,
    },
    /// Linear warm-up, then a cosine decay to a tenth of the rate (SAELens's `lr_end` default).
    Cosine {
        warmup_steps: u64,
    },
}

/// Dead-feature handling.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DeadConfig {
    /// A feature that has not fired for this many steps is dead.
    pub window_steps: u64,
    /// ReLU SAEs: resample dead features every this many steps (0: never), as in Towards
    /// Monosemanticity (inputs drawn by squared reconstruction loss; Adam state reset).
    pub resample_every: u64,
    /// Resampling stops after this fraction of training, so the last resampled features settle.
    pub resample_until_fraction: f32,
    /// TopK / BatchTopK: the AuxK loss coefficient (Gao et al.: 1/32; 0 turns it off).
    pub auxk_coeff: f32,
    /// Dead features the AuxK loss reconstructs the residual from (0: d_in / 2, as SAELens and
    /// dictionary_learning read Gao et al.'s appendix B.1).
    pub k_aux: usize,
}

/// Everything about a training run but the data.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    pub sae: SaeConfig,
    pub steps: u64,
    pub batch: usize,
    pub lr: f32,
    pub schedule: LrSchedule,
    pub adam_beta1: f32,
    pub adam_beta2: f32,
    pub adam_eps: f32,
    /// The article's sparsity coefficient: loss = MSE + l1_coeff · mean|f|.
    pub l1_coeff: f32,
    /// The coefficient ramps linearly from 0 over this many steps (0: no warm-up).
    pub l1_warmup_steps: u64,
    /// Keep decoder rows at unit norm, projecting out the radial part of their gradient.
    pub unit_norm_decoder: bool,
    pub init: InitScheme,
    pub b_dec_init: BDecInit,
    pub dead: DeadConfig,
    pub seed: u64,
}

impl TrainConfig {
    /// The article's model and loss, trained with Adam at its defaults.
    pub fn article(d_in: usize, d_sae: usize) -> Self {
        Self {
            sae: SaeConfig { d_in, d_sae, arch: Arch::Relu, k: 0, apply_b_dec_to_input: false },
            steps: 2_000,
            batch: 1024,
            lr: 1e-3,
            schedule: LrSchedule::Constant,
            adam_beta1: 0.9,
            adam_beta2: 0.999,
            adam_eps: 1e-8,
            l1_coeff: 1e-3,
            l1_warmup_steps: 0,
            unit_norm_decoder: false,
            init: InitScheme::Article,
            b_dec_init: BDecInit::Default,
            dead: DeadConfig {
                window_steps: 500,
                resample_every: 0,
                resample_until_fraction: 0.5,
                auxk_coeff: 0.0,
                k_aux: 0,
            },
            seed: 0,
        }
    }

    /// The settings this project recommends: tied initialisation, b_dec at the geometric median and
    /// subtracted from the input, unit-norm decoder, L1 warm-up over the first 5 %, a decay over the
    /// last 20 %, resampling (ReLU) or AuxK (TopK, BatchTopK).
    pub fn recommended(d_in: usize, d_sae: usize, arch: Arch, k: usize, steps: u64) -> Self {
        Self {
            sae: SaeConfig { d_in, d_sae, arch, k, apply_b_dec_to_input: true },
            steps,
            batch: 1024,
            lr: 1e-3,
            schedule: LrSchedule::WarmupDecay { warmup_steps: 0, decay_fraction: 0.2 },
            adam_beta1: 0.9,
            adam_beta2: 0.999,
            adam_eps: 1e-8,
            // With the article's mean-over-elements loss, an L1 coefficient near 1 balances the two
            // terms for unit-norm decoders (the sweep in the README).
            l1_coeff: if arch == Arch::Relu { 1.0 } else { 0.0 },
            l1_warmup_steps: steps / 20,
            unit_norm_decoder: true,
            init: InitScheme::Tied,
            b_dec_init: BDecInit::GeometricMedian,
            dead: DeadConfig {
                window_steps: 200,
                resample_every: if arch == Arch::Relu { 500 } else { 0 },
                resample_until_fraction: 0.5,
                auxk_coeff: if arch == Arch::Relu { 0.0 } else { 1.0 / 32.0 },
                k_aux: 0,
            },
            seed: 0,
        }
    }

    pub fn validate(&self) -> Result<(), SaeError> {
        self.sae.validate()?;
        if self.batch == 0 {
            return Err(setting("batch", "must be at least 1"));
        }
        if !(self.lr.is_finite() && self.lr > 0.0) {
            return Err(setting("lr", "must be a positive number"));
        }
        if !(self.l1_coeff.is_finite() && self.l1_coeff >= 0.0) {
            return Err(setting("l1", "must be zero or positive"));
        }
        if !(0.0..1.0).contains(&self.adam_beta1) || !(0.0..1.0).contains(&self.adam_beta2) {
            return Err(setting("adam betas", "must lie in [0, 1)"));
        }
        if !(self.adam_eps.is_finite() && self.adam_eps > 0.0) {
            return Err(setting("adam eps", "must be positive"));
        }
        if !(self.dead.auxk_coeff.is_finite() && self.dead.auxk_coeff >= 0.0) {
            return Err(setting("auxk", "must be zero or positive"));
        }
        Ok(())
    }

    /// The learning rate at `step` (0-based).
    pub fn lr_at(&self, step: u64) -> f32 {
        let warm = |warmup_steps: u64| {
            if warmup_steps > 0 && step < warmup_steps {
                (step + 1) as f32 / warmup_steps as f32
            } else {
                1.0
            }
        };
        match self.schedule {
            LrSchedule::Constant => self.lr,
            LrSchedule::WarmupDecay { warmup_steps, decay_fraction } => {
                let decay_steps = (self.steps as f64 * f64::from(decay_fraction.clamp(0.0, 1.0))).round() as u64;
                let decay_start = self.steps.saturating_sub(decay_steps);
                let decay = if decay_steps > 0 && step >= decay_start {
                    (self.steps - step) as f32 / decay_steps as f32
                } else {
                    1.0
                };
                self.lr * warm(warmup_steps).min(decay)
            }
            LrSchedule::Cosine { warmup_steps } => {
                if step < warmup_steps {
                    return self.lr * warm(warmup_steps);
                }
                let span = self.steps.saturating_sub(warmup_steps).max(1) as f32;
                let progress = ((step - warmup_steps) as f32 / span).min(1.0);
                let end = self.lr / 10.0;
                end + (self.lr - end) * 0.5 * (1.0 + (std::f32::consts::PI * progress).cos())
            }
        }
    }

    /// The sparsity coefficient at `step`, after the warm-up.
    pub fn l1_at(&self, step: u64) -> f32 {
        if self.l1_warmup_steps == 0 || step >= self.l1_warmup_steps {
            self.l1_coeff
        } else {
            self.l1_coeff * (step + 1) as f32 / self.l1_warmup_steps as f32
        }
    }

    /// The number of dead features AuxK uses.
    pub fn k_aux(&self) -> usize {
        if self.dead.k_aux > 0 {
            self.dead.k_aux
        } else {
            (self.sae.d_in / 2).max(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warmup_decay_reaches_zero_at_the_end_and_full_rate_in_the_middle() {
        let mut cfg = TrainConfig::recommended(4, 8, Arch::Relu, 0, 100);
        cfg.schedule = LrSchedule::WarmupDecay { warmup_steps: 10, decay_fraction: 0.2 };
        assert!((cfg.lr_at(0) - cfg.lr * 0.1).abs() < 1e-9);
        assert_eq!(cfg.lr_at(50), cfg.lr);
        // Decay over the last 20 steps: step 90 has 10 of 20 left.
        assert!((cfg.lr_at(90) - cfg.lr * 0.5).abs() < 1e-9);
        assert!((cfg.lr_at(99) - cfg.lr * 0.05).abs() < 1e-9);
    }

    #[test]
    fn cosine_ends_at_a_tenth() {
        let mut cfg = TrainConfig::recommended(4, 8, Arch::Relu, 0, 100);
        cfg.schedule = LrSchedule::Cosine { warmup_steps: 0 };
        assert_eq!(cfg.lr_at(0), cfg.lr);
        assert!((cfg.lr_at(50) - cfg.lr * 0.55).abs() < 1e-6);
        assert!((cfg.lr_at(100) - cfg.lr * 0.1).abs() < 1e-9);
    }

    #[test]
    fn l1_ramps_linearly() {
        let mut cfg = TrainConfig::article(4, 8);
        cfg.l1_warmup_steps = 4;
        assert!((cfg.l1_at(0) - 0.25e-3).abs() < 1e-12);
        assert!((cfg.l1_at(3) - 1e-3).abs() < 1e-12);
        assert_eq!(cfg.l1_at(10), 1e-3);
    }

    #[test]
    fn k_must_fit_the_dictionary() {
        let cfg = SaeConfig { d_in: 4, d_sae: 8, arch: Arch::TopK, k: 9, apply_b_dec_to_input: true };
        assert!(cfg.validate().is_err());
    }
}

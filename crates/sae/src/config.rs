//! What an SAE is (its shape and activation) and how it is trained.

use frontier_base::work::{flop_text, Work};
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

/// The most work one run in the page may ask for: 10¹⁵ FLOP is about 80 s of the WGSL step on an
/// H100 (12.6 TFLOP/s, `cargo xtask bench sae --gpu`) and days on a laptop's CPU, where it never
/// starts without a click.
pub const MAX_RUN_FLOP: f64 = 1e15;

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

    /// FLOP of one training step: five products of batch × d_in × d_sae multiply-adds (the
    /// encoder and decoder forward, and three in the backward pass).
    pub fn step_flop(&self) -> f64 {
        10.0 * self.batch as f64 * self.sae.d_in as f64 * self.sae.d_sae as f64
    }

    /// The whole run's work: every step's products, and the memory the run holds.
    pub fn work(&self) -> Work {
        Work { flop: self.steps as f64 * self.step_flop(), bytes: crate::memory::training_bytes(self) }
    }

    /// [`TrainConfig::work`], refused above [`MAX_RUN_FLOP`]: what a link may ask a browser for.
    pub fn check_work(&self) -> Result<Work, SaeError> {
        let work = self.work();
        if work.flop > MAX_RUN_FLOP {
            return Err(setting(
                "steps",
                format!(
                    "this run is {}, more than the {} a run in the page may ask for; use fewer steps, a smaller batch or a smaller dictionary",
                    flop_text(work.flop),
                    flop_text(MAX_RUN_FLOP)
                ),
            ));
        }
        Ok(work)
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

/// The recipe a run starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// [`TrainConfig::recommended`]: tied initialisation, geometric-median `b_dec`, unit-norm
    /// decoder, warm-ups and decay, resampling or AuxK.
    #[default]
    Recommended,
    /// [`TrainConfig::article`]: the article's model, loss and `nn.Linear` initialisation, nothing
    /// else.
    Article,
}

impl Preset {
    pub const ALL: [Preset; 2] = [Preset::Recommended, Preset::Article];

    /// The id in links and on the command line (`--preset`).
    pub fn id(self) -> &'static str {
        match self {
            Preset::Recommended => "recommended",
            Preset::Article => "article",
        }
    }

    pub fn parse(id: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.id() == id)
    }

    /// The run this preset describes before any choice overrides it.
    pub fn base(self, d_in: usize, d_sae: usize, arch: Arch, k: usize, steps: u64) -> TrainConfig {
        match self {
            Preset::Recommended => TrainConfig::recommended(d_in, d_sae, arch, k, steps),
            Preset::Article => TrainConfig::article(d_in, d_sae),
        }
    }

    /// The preset's sparsity coefficient for `arch` (the article: 1e-3; recommended: 1 for ReLU,
    /// 0 for TopK and BatchTopK, whose sparsity is k).
    pub fn default_l1(self, arch: Arch) -> f32 {
        self.base(1, 1, arch, 1, 1).l1_coeff
    }
}

/// How many features the dictionary has.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DictionarySize {
    /// Exactly this many (`frontier sae train --d-sae`).
    Features(usize),
    /// This multiple of the input width, rounded, at least 1 (the page's "× input width").
    Ratio(f32),
}

impl DictionarySize {
    /// `d_sae` for data `d_in` wide.
    pub fn features(self, d_in: usize) -> usize {
        match self {
            DictionarySize::Features(n) => n,
            DictionarySize::Ratio(ratio) => ((ratio * d_in as f32).round() as usize).max(1),
        }
    }
}

/// What a person chooses for a training run, the same for the page and `frontier sae train`;
/// [`TrainSettings::config`] turns it into the run for data of a given width.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainSettings {
    pub preset: Preset,
    pub arch: Arch,
    pub dictionary: DictionarySize,
    /// Active features per row for TopK and BatchTopK (ignored by ReLU); at most the dictionary.
    pub k: usize,
    /// The sparsity coefficient; `None` keeps the preset's ([`Preset::default_l1`]).
    pub l1: Option<f32>,
    /// The learning rate; `None` keeps the preset's (1e-3).
    pub lr: Option<f32>,
    pub steps: u64,
    pub batch: usize,
    pub seed: u64,
    /// The preset's dead-feature handling (resampling for ReLU, AuxK for TopK and BatchTopK);
    /// `false` turns both off.
    pub dead_handling: bool,
}

impl TrainSettings {
    /// Checks what can be checked before the data's width is known; the error names the setting.
    pub fn validate(&self) -> Result<(), SaeError> {
        match self.dictionary {
            DictionarySize::Features(0) => return Err(setting("d_sae", "must be at least 1")),
            DictionarySize::Features(n) if self.arch.uses_k() && !(1..=n).contains(&self.k) => {
                return Err(setting("k", format!("must be between 1 and d_sae = {n}")));
            }
            DictionarySize::Ratio(ratio) if !(ratio.is_finite() && ratio > 0.0) => {
                return Err(setting("ratio", "must be a positive multiple of the input width"));
            }
            _ => {}
        }
        if self.arch.uses_k() && self.k == 0 {
            return Err(setting("k", "must be at least 1"));
        }
        if self.batch == 0 {
            return Err(setting("batch", "must be at least 1"));
        }
        if self.lr.is_some_and(|lr| !(lr.is_finite() && lr > 0.0)) {
            return Err(setting("lr", "must be a positive number"));
        }
        if self.l1.is_some_and(|l1| !(l1.is_finite() && l1 >= 0.0)) {
            return Err(setting("l1", "must be zero or positive"));
        }
        Ok(())
    }

    /// The run on data `d_in` wide: the preset's recipe (its L1 warm-up over the first
    /// `steps / 20` steps when recommended), with the chosen architecture, dictionary, k (clamped
    /// to 1 ..= d_sae when the dictionary is a ratio), steps, batch, seed, and L1 and learning rate
    /// where given.
    pub fn config(&self, d_in: usize) -> TrainConfig {
        let d_sae = self.dictionary.features(d_in);
        let mut cfg = self.preset.base(d_in, d_sae, self.arch, self.k, self.steps);
        cfg.sae.arch = self.arch;
        cfg.sae.k = if self.arch.uses_k() { self.k.clamp(1, d_sae) } else { 0 };
        cfg.steps = self.steps;
        cfg.batch = self.batch;
        cfg.seed = self.seed;
        cfg.l1_coeff = self.l1.unwrap_or(cfg.l1_coeff);
        cfg.lr = self.lr.unwrap_or(cfg.lr);
        if !self.dead_handling {
            cfg.dead.resample_every = 0;
            cfg.dead.auxk_coeff = 0.0;
        }
        cfg
    }
}

/// The backend a user asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackendChoice {
    /// WebGPU on a hardware adapter for runs large enough to gain from it; otherwise the CPU.
    #[default]
    Auto,
    /// WebGPU whenever it works, software adapters included.
    Webgpu,
    Cpu,
}

impl BackendChoice {
    pub const ALL: [BackendChoice; 3] = [Self::Auto, Self::Webgpu, Self::Cpu];

    pub fn id(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Webgpu => "webgpu",
            Self::Cpu => "cpu",
        }
    }

    pub fn parse(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Auto => "Auto (WebGPU for large runs)",
            Self::Webgpu => "WebGPU",
            Self::Cpu => "CPU",
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

    /// The page's worked example (web/src/widgets/sae/state.rs, `SaeState::example`): sparse
    /// coding in 32 dimensions, a 4× recommended ReLU SAE, L1 1, learning rate 1e-3, 1,500 steps
    /// of 512 rows, seed 0.
    fn page_example() -> TrainSettings {
        TrainSettings {
            preset: Preset::Recommended,
            arch: Arch::Relu,
            dictionary: DictionarySize::Ratio(4.0),
            k: 4,
            l1: Some(1.0),
            lr: Some(1e-3),
            steps: 1500,
            batch: 512,
            seed: 0,
            dead_handling: true,
        }
    }

    /// `frontier sae train --data … --d-sae 128` with every other flag at its default (arch relu,
    /// k 8, steps 3000, batch 1024, seed 0, preset recommended, no --l1, --lr or
    /// --no-dead-handling).
    fn cli_defaults() -> TrainSettings {
        TrainSettings {
            preset: Preset::Recommended,
            arch: Arch::Relu,
            dictionary: DictionarySize::Features(128),
            k: 8,
            l1: None,
            lr: None,
            steps: 3000,
            batch: 1024,
            seed: 0,
            dead_handling: true,
        }
    }

    #[test]
    fn the_page_example_is_the_recommended_relu_run() {
        let settings = page_example();
        assert_eq!(settings.validate(), Ok(()));
        let cfg = settings.config(32);
        assert_eq!(cfg.validate(), Ok(()));
        assert_eq!(cfg.sae, SaeConfig { d_in: 32, d_sae: 128, arch: Arch::Relu, k: 0, apply_b_dec_to_input: true });
        assert_eq!((cfg.steps, cfg.batch, cfg.seed), (1500, 512, 0));
        // The L1 warm-up is the first 5 %: 1500 / 20 = 75 steps.
        assert_eq!(cfg.l1_warmup_steps, 75);
        assert_eq!((cfg.l1_coeff, cfg.lr), (1.0, 1e-3));
        assert_eq!(cfg.schedule, LrSchedule::WarmupDecay { warmup_steps: 0, decay_fraction: 0.2 });
        assert_eq!((cfg.adam_beta1, cfg.adam_beta2, cfg.adam_eps), (0.9, 0.999, 1e-8));
        assert!(cfg.unit_norm_decoder);
        assert_eq!((cfg.init, cfg.b_dec_init), (InitScheme::Tied, BDecInit::GeometricMedian));
        assert_eq!(
            cfg.dead,
            DeadConfig {
                window_steps: 200,
                resample_every: 500,
                resample_until_fraction: 0.5,
                auxk_coeff: 0.0,
                k_aux: 0
            }
        );
        // The decay covers the last 300 of 1500 steps: half-way through it the rate is halved.
        assert!((cfg.lr_at(1350) - 0.5e-3).abs() < 1e-9);
        assert!((cfg.l1_at(0) - 1.0 / 75.0).abs() < 1e-7);
    }

    #[test]
    fn the_cli_defaults_are_the_recommended_relu_run() {
        let settings = cli_defaults();
        assert_eq!(settings.validate(), Ok(()));
        let cfg = settings.config(64);
        assert_eq!(cfg.sae, SaeConfig { d_in: 64, d_sae: 128, arch: Arch::Relu, k: 0, apply_b_dec_to_input: true });
        assert_eq!((cfg.steps, cfg.batch, cfg.seed), (3000, 1024, 0));
        // 3000 / 20 = 150 warm-up steps; the preset's coefficient (1 for ReLU) and rate (1e-3).
        assert_eq!(cfg.l1_warmup_steps, 150);
        assert_eq!((cfg.l1_coeff, cfg.lr), (1.0, 1e-3));
        assert_eq!((cfg.dead.resample_every, cfg.dead.auxk_coeff), (500, 0.0));

        // TopK: no L1, AuxK at 1/32, k kept.
        let topk = TrainSettings { arch: Arch::TopK, ..settings }.config(64);
        assert_eq!(
            (topk.sae.k, topk.l1_coeff, topk.dead.auxk_coeff, topk.dead.resample_every),
            (8, 0.0, 1.0 / 32.0, 0)
        );
        // --no-dead-handling turns off resampling and AuxK.
        let bare = TrainSettings { arch: Arch::TopK, dead_handling: false, ..settings }.config(64);
        assert_eq!((bare.dead.resample_every, bare.dead.auxk_coeff), (0, 0.0));
        // --preset article: its loss coefficient 1e-3, no warm-up, constant rate, nn.Linear init.
        let article = TrainSettings { preset: Preset::Article, ..settings }.config(64);
        assert_eq!((article.l1_coeff, article.l1_warmup_steps, article.lr), (1e-3, 0, 1e-3));
        assert_eq!(article.schedule, LrSchedule::Constant);
        assert_eq!((article.init, article.b_dec_init), (InitScheme::Article, BDecInit::Default));
        assert!(!article.unit_norm_decoder && !article.sae.apply_b_dec_to_input);
        assert_eq!((article.steps, article.batch, article.sae.d_sae), (3000, 1024, 128));
    }

    /// The page's `SaeState::train_config` before the settings moved here (as of commit 371b3a9).
    fn old_page(s: &TrainSettings, ratio: f32, d_in: usize) -> TrainConfig {
        let d_sae = ((ratio * d_in as f32).round() as usize).max(1);
        let mut cfg = if s.preset == Preset::Article {
            let mut cfg = TrainConfig::article(d_in, d_sae);
            cfg.sae.arch = s.arch;
            cfg
        } else {
            TrainConfig::recommended(d_in, d_sae, s.arch, s.k, s.steps)
        };
        cfg.sae.k = if s.arch.uses_k() { s.k.min(d_sae).max(1) } else { 0 };
        cfg.steps = s.steps;
        cfg.batch = s.batch;
        cfg.lr = s.lr.unwrap_or(f32::NAN);
        cfg.l1_coeff = s.l1.unwrap_or(f32::NAN);
        cfg.l1_warmup_steps = if s.preset == Preset::Article { 0 } else { s.steps / 20 };
        cfg.seed = s.seed;
        cfg
    }

    /// `frontier sae train`'s mapping before the settings moved here (as of commit 371b3a9).
    fn old_cli(s: &TrainSettings, d_sae: usize, d_in: usize) -> TrainConfig {
        let mut cfg = match s.preset {
            Preset::Recommended => TrainConfig::recommended(d_in, d_sae, s.arch, s.k, s.steps),
            Preset::Article => TrainConfig {
                sae: SaeConfig { arch: s.arch, k: s.k, ..TrainConfig::article(d_in, d_sae).sae },
                ..TrainConfig::article(d_in, d_sae)
            },
        };
        cfg.steps = s.steps;
        cfg.batch = s.batch;
        cfg.seed = s.seed;
        if !s.arch.uses_k() {
            cfg.sae.k = 0;
        }
        if let Some(l1) = s.l1 {
            cfg.l1_coeff = l1;
        }
        if let Some(lr) = s.lr {
            cfg.lr = lr;
        }
        if !s.dead_handling {
            cfg.dead.resample_every = 0;
            cfg.dead.auxk_coeff = 0.0;
        }
        cfg
    }

    #[test]
    fn every_choice_gives_the_config_the_page_and_the_cli_gave_before() {
        let archs = [Arch::Relu, Arch::TopK, Arch::BatchTopK];
        for (preset, arch, k, steps) in Preset::ALL
            .into_iter()
            .flat_map(|p| archs.into_iter().map(move |a| (p, a)))
            .flat_map(|(p, a)| [(p, a, 1, 1), (p, a, 4, 1500), (p, a, 64, 3000), (p, a, 5000, 19)])
        {
            let base = TrainSettings { preset, arch, k, steps, seed: 7, batch: 256, ..page_example() };
            for (ratio, d_in) in [(4.0, 32), (0.25, 2), (1.0, 2), (64.0, 384)] {
                let page =
                    TrainSettings { dictionary: DictionarySize::Ratio(ratio), l1: Some(0.3), lr: Some(2e-4), ..base };
                assert_eq!(page.config(d_in), old_page(&page, ratio, d_in), "page {page:?} on {d_in}");
            }
            for (d_sae, dead_handling, l1, lr) in
                [(128, true, None, None), (4096, false, Some(0.5), Some(3e-4)), (8, true, Some(0.0), None)]
            {
                let cli = TrainSettings { dictionary: DictionarySize::Features(d_sae), dead_handling, l1, lr, ..base };
                if cli.validate().is_ok() {
                    assert_eq!(cli.config(64), old_cli(&cli, d_sae, 64), "cli {cli:?}");
                } else {
                    // Refused before the run, as the old code's run refused it.
                    assert!(old_cli(&cli, d_sae, 64).validate().is_err(), "cli {cli:?}");
                }
            }
        }
    }

    #[test]
    fn invalid_settings_name_the_setting() {
        let named = |s: TrainSettings| match s.validate() {
            Err(SaeError::Setting { setting, .. }) => setting,
            other => panic!("{other:?}"),
        };
        let topk = TrainSettings { arch: Arch::TopK, ..cli_defaults() };
        assert_eq!(
            TrainSettings { k: 129, ..topk }.validate().map_err(|e| e.to_string()),
            Err("k: must be between 1 and d_sae = 128".to_string())
        );
        assert_eq!(named(TrainSettings { k: 0, ..topk }), "k");
        assert_eq!(named(TrainSettings { k: 0, arch: Arch::BatchTopK, ..page_example() }), "k");
        assert_eq!(named(TrainSettings { dictionary: DictionarySize::Features(0), ..topk }), "d_sae");
        assert_eq!(named(TrainSettings { dictionary: DictionarySize::Ratio(f32::NAN), ..topk }), "ratio");
        assert_eq!(named(TrainSettings { batch: 0, ..topk }), "batch");
        assert_eq!(named(TrainSettings { lr: Some(0.0), ..topk }), "lr");
        assert_eq!(named(TrainSettings { l1: Some(-1.0), ..topk }), "l1");
        // ReLU ignores k.
        assert_eq!(TrainSettings { k: 0, ..cli_defaults() }.validate(), Ok(()));
        // A ratio's dictionary is known only with the data: k is clamped to it.
        let small = TrainSettings { dictionary: DictionarySize::Ratio(1.0), k: 9, ..topk }.config(2);
        assert_eq!((small.sae.d_sae, small.sae.k), (2, 2));
    }

    #[test]
    fn presets_by_id_and_their_l1() {
        for preset in Preset::ALL {
            assert_eq!(Preset::parse(preset.id()), Some(preset));
        }
        assert_eq!(Preset::parse("fast"), None);
        assert_eq!(Preset::Article.default_l1(Arch::TopK), 1e-3);
        assert_eq!(Preset::Recommended.default_l1(Arch::Relu), 1.0);
        assert_eq!(Preset::Recommended.default_l1(Arch::BatchTopK), 0.0);
    }
}

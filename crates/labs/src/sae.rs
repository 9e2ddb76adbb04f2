//! The SAE lab's settings: which data, which architecture, the hyperparameters and what is
//! selected in the browser. They live in the link, so a shared link trains the same SAE.

use frontier_base::work::Work;
use frontier_sae::config::BackendChoice;
use frontier_sae::config::{Arch, DictionarySize, Preset, TrainConfig, TrainSettings};
use frontier_sae::data::{SparseCodingSpec, SyntheticSpec, TmsSpec};
use frontier_state::WidgetState;

use crate::measure::{Lab, Measurement};
use serde::{Deserialize, Serialize};

/// Where the rows come from.
/// Width of the bundled MiniLM layer-3 activations (all-MiniLM-L6-v2's hidden size).
pub const MINILM_DIMS: usize = 384;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataKind {
    SparseCoding,
    Tms,
    /// The bundled all-MiniLM-L6-v2 layer-3 activations.
    Minilm,
    /// A file the user chose (it is not in the link; the link says one is needed).
    Upload,
}

impl DataKind {
    pub fn id(self) -> &'static str {
        match self {
            Self::SparseCoding => "sparse_coding",
            Self::Tms => "tms",
            Self::Minilm => "minilm",
            Self::Upload => "upload",
        }
    }

    pub fn parse(id: &str) -> Option<Self> {
        [Self::SparseCoding, Self::Tms, Self::Minilm, Self::Upload].into_iter().find(|k| k.id() == id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaeState {
    pub data: DataKind,
    /// Sparse coding: true features, dimensions, mean active, correlation.
    pub features: usize,
    pub dims: usize,
    pub active: f32,
    pub correlation: f32,
    /// Toy model: features, hidden dimensions, sparsity.
    pub tms_features: usize,
    pub tms_hidden: usize,
    pub tms_sparsity: f32,
    pub arch: Arch,
    /// `recommended` or `article` in links.
    pub preset: Preset,
    /// Dictionary size as a multiple of the input width (the article: 8–64×).
    pub ratio: f32,
    pub k: usize,
    pub l1: f32,
    pub lr: f32,
    pub steps: u64,
    pub batch: usize,
    pub seed: u64,
    /// The feature open in the browser.
    pub feature: Option<usize>,
    /// The row whose top features are shown.
    pub input_row: usize,
    /// Where training runs (links made before the choice existed mean auto).
    #[serde(default)]
    pub backend: BackendChoice,
}

pub const MAX_STEPS: u64 = 200_000;
pub const MAX_BATCH: usize = 8192;
pub const MAX_SYNTHETIC_FEATURES: usize = 4096;
pub const MAX_DIMS: usize = 1024;

impl SaeState {
    /// The worked example: 64 true features in 32 dimensions, 3 active at a time, a 4× ReLU SAE.
    /// It trains in a few seconds and recovers nearly every feature.
    pub fn example() -> Self {
        Self {
            data: DataKind::SparseCoding,
            features: 64,
            dims: 32,
            active: 3.0,
            correlation: 0.0,
            tms_features: 5,
            tms_hidden: 2,
            tms_sparsity: 0.9,
            arch: Arch::Relu,
            preset: Preset::Recommended,
            ratio: 4.0,
            k: 4,
            l1: 1.0,
            lr: 1e-3,
            steps: 1500,
            batch: 512,
            seed: 0,
            feature: None,
            input_row: 0,
            backend: BackendChoice::Auto,
        }
    }

    /// The synthetic data spec, when the data is synthetic.
    pub fn synthetic(&self) -> Option<SyntheticSpec> {
        match self.data {
            DataKind::SparseCoding => Some(SyntheticSpec::SparseCoding(SparseCodingSpec {
                n_features: self.features,
                d: self.dims,
                avg_active: self.active,
                decay: 0.99,
                correlation: self.correlation,
                seed: self.seed,
            })),
            DataKind::Tms => Some(SyntheticSpec::Tms(TmsSpec {
                n_features: self.tms_features,
                m_hidden: self.tms_hidden,
                sparsity: self.tms_sparsity,
                seed: self.seed,
                ..TmsSpec::default()
            })),
            DataKind::Minilm | DataKind::Upload => None,
        }
    }

    /// The run's settings, as `frontier sae train` fills them from its flags.
    pub fn settings(&self) -> TrainSettings {
        TrainSettings {
            preset: self.preset,
            arch: self.arch,
            dictionary: DictionarySize::Ratio(self.ratio),
            k: self.k,
            l1: Some(self.l1),
            lr: Some(self.lr),
            steps: self.steps,
            batch: self.batch,
            seed: self.seed,
            dead_handling: true,
        }
    }

    /// The data's width where the settings fix it (an upload's is known once it is read).
    pub fn d_in(&self) -> Option<usize> {
        match self.data {
            DataKind::SparseCoding => Some(self.dims),
            DataKind::Tms => Some(self.tms_hidden),
            DataKind::Minilm => Some(MINILM_DIMS),
            DataKind::Upload => None,
        }
    }

    /// The run's work, where the data's width is known.
    pub fn work(&self) -> Option<Work> {
        self.d_in().map(|d_in| self.train_config(d_in).work())
    }

    /// The training configuration for data `d_in` wide.
    pub fn train_config(&self, d_in: usize) -> TrainConfig {
        self.settings().config(d_in)
    }
}

impl WidgetState for SaeState {
    const WIDGET_ID: &'static str = "sae";
    const VERSION: u32 = 1;

    fn validate(&self) -> Result<(), String> {
        let check = |ok: bool, message: &str| if ok { Ok(()) } else { Err(message.to_string()) };
        check((2..=MAX_SYNTHETIC_FEATURES).contains(&self.features), "features: 2 to 4096")?;
        check((1..=MAX_DIMS).contains(&self.dims), "dims: 1 to 1024")?;
        check(self.active > 0.0 && self.active <= self.features as f32, "active: more than 0, at most the features")?;
        check((0.0..=1.0).contains(&self.correlation), "correlation: 0 to 1")?;
        check(
            (2..=64).contains(&self.tms_features) && (1..=16).contains(&self.tms_hidden),
            "toy model: 2–64 features in 1–16 dimensions",
        )?;
        check((0.0..1.0).contains(&self.tms_sparsity), "sparsity: 0 to below 1")?;
        check(self.ratio >= 0.25 && self.ratio <= 64.0, "dictionary ratio: 0.25 to 64")?;
        check(self.k >= 1 && self.k <= 4096, "k: 1 to 4096")?;
        check(self.l1.is_finite() && self.l1 >= 0.0 && self.l1 <= 1000.0, "l1: 0 to 1000")?;
        check(self.lr.is_finite() && self.lr > 0.0 && self.lr <= 1.0, "learning rate: above 0, at most 1")?;
        check((1..=MAX_STEPS).contains(&self.steps), "steps: 1 to 200,000")?;
        check((1..=MAX_BATCH).contains(&self.batch), "batch: 1 to 8192")?;
        self.settings().validate().map_err(|e| e.to_string())?;
        if let Some(d_in) = self.d_in() {
            self.train_config(d_in).check_work().map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

impl Lab for SaeState {
    /// The run's size from its settings: what it would learn and what training costs. (What a
    /// run recovers needs the run itself, which the page trains on request.)
    fn measures(&self) -> Result<Vec<Measurement>, String> {
        let d_in = self.d_in().ok_or("the data is the reader's own upload, which only their browser holds")?;
        let config = self.train_config(d_in);
        let work = config.work();
        let mut out = vec![
            Measurement::new("d_in", "Input width", d_in as f64, "dimensions"),
            Measurement::new("d_sae", "Dictionary size", config.sae.d_sae as f64, "features"),
            Measurement::new(
                "expansion",
                "Dictionary size over input width",
                config.sae.d_sae as f64 / d_in as f64,
                "×",
            ),
            Measurement::new(
                "parameters",
                "Parameters (encoder, decoder, biases)",
                (2 * d_in * config.sae.d_sae + config.sae.d_sae + d_in) as f64,
                "parameters",
            ),
            Measurement::new("training_gflop", "Training compute", work.flop / 1e9, "GFLOP"),
            Measurement::new(
                "tokens_seen",
                "Activations trained on",
                (self.steps as f64) * (self.batch as f64),
                "rows",
            ),
        ];
        if self.data == DataKind::SparseCoding {
            out.push(Measurement::new("true_features", "True features in the data", self.features as f64, "features"));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_starts_by_itself_and_heavy_links_wait_or_are_refused() {
        // 10 · 512 rows · 32 dims · 128 features · 1,500 steps = 31.46 GFLOP: about 8 s.
        let work = SaeState::example().work().unwrap_or_else(|| unreachable!());
        assert_eq!(work.flop, 31_457_280_000.0);
        assert!(work.starts_by_itself(true, false) && !work.starts_by_itself(true, true));
        // The link that froze Pause for minutes: 6.9·10¹⁶ FLOP, refused outright.
        let huge = SaeState { steps: 200_000, batch: 8192, dims: 1024, features: 4096, ..SaeState::example() };
        assert!(huge.validate().is_err_and(|e| e.contains("68.7 PFLOP")), "{:?}", huge.validate());
        // Heavy but allowed: 2.1·10¹⁴ FLOP loads, and waits for Train.
        let heavy = SaeState { steps: 20_000, batch: 4096, dims: 256, ..SaeState::example() };
        assert_eq!(heavy.validate(), Ok(()));
        assert!(!heavy.work().is_some_and(|w| w.starts_by_itself(true, false)));
    }

    /// Every combination of each numeric field's extremes that validates asks for at most the
    /// run limit: a link cannot pass validation and still ask for unbounded work.
    #[test]
    fn no_valid_state_exceeds_the_run_limit() {
        let mut valid = 0;
        for data in [DataKind::SparseCoding, DataKind::Tms, DataKind::Minilm] {
            for (features, dims) in [(2, 1), (MAX_SYNTHETIC_FEATURES, MAX_DIMS), (2, MAX_DIMS)] {
                for ratio in [0.25, 64.0] {
                    for steps in [1, MAX_STEPS] {
                        for batch in [1, MAX_BATCH] {
                            let s = SaeState {
                                data,
                                features,
                                dims,
                                active: 1.0,
                                ratio,
                                steps,
                                batch,
                                tms_hidden: 16,
                                ..SaeState::example()
                            };
                            if s.validate().is_ok() {
                                valid += 1;
                                let flop = s.work().map_or(0.0, |w| w.flop);
                                assert!(flop <= frontier_sae::config::MAX_RUN_FLOP, "{flop} for {s:?}");
                            }
                        }
                    }
                }
            }
        }
        assert!(valid > 20, "{valid} valid combinations");
    }

    #[test]
    fn the_example_is_valid_and_its_config_is_the_recommended_relu() {
        let s = SaeState::example();
        assert_eq!(s.validate(), Ok(()));
        let cfg = s.train_config(32);
        assert_eq!(cfg.sae.d_sae, 128);
        assert!(cfg.unit_norm_decoder && cfg.sae.apply_b_dec_to_input);
        assert_eq!(cfg.validate(), Ok(()));
        // What the page built itself before `TrainSettings` (1500 steps: a warm-up of 75).
        assert_eq!((cfg.steps, cfg.batch, cfg.l1_warmup_steps, cfg.sae.k), (1500, 512, 75, 0));
        assert_eq!((cfg.l1_coeff, cfg.lr, cfg.dead.resample_every), (1.0, 1e-3, 500));
        // Links name the preset as before.
        let json = serde_json::to_value(&s).unwrap_or_default();
        assert_eq!(json["preset"], "recommended");
    }
}

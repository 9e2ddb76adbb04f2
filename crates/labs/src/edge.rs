//! The edge widget's state: the article's inputs and the realistic model's, side by side.

use frontier_costs::edge::realistic::{DEFAULT_COMPUTE_EFFICIENCY, DEFAULT_RUNTIME_GB};
use frontier_costs::edge::{
    ArticleEdgeInputs, Device, EdgeInputs, EdgeSettings, KvFormat, ModelArch, WeightFormat, Weights,
};
use frontier_state::WidgetState;

use crate::measure::{Lab, Measurement};
use serde::{Deserialize, Serialize};

/// Format id meaning "plain N-bit weights" (the article's idealisation), with `bits`.
pub const PLAIN_BITS: &str = "bits";
/// Model or device id meaning "defined by the user".
pub const CUSTOM: &str = "custom";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Directions {
    pub speculative: bool,
    pub draft_id: String,
    pub alpha: f64,
    pub gamma: f64,
    pub link_gb_s: f64,
    pub hit_rate: f64,
    pub resident_fraction: f64,
    pub flash_gb_s: f64,
    pub min_tps: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EdgeState {
    pub article: ArticleEdgeInputs,
    /// A model preset id, or [`CUSTOM`] with the model in `custom_model`.
    pub model_id: String,
    #[serde(default)]
    pub custom_model: Option<ModelArch>,
    /// A weight-format id, or [`PLAIN_BITS`].
    pub format: String,
    pub bits: f64,
    pub kv_format: KvFormat,
    pub context: f64,
    pub batch: f64,
    pub prompt_tokens: f64,
    /// The device, always spelled out so that edits (usable fraction, efficiency) stick.
    pub device: Device,
    pub directions: Directions,
}

impl EdgeState {
    /// The worked example: the article's iPhone case, in both modes.
    pub fn example() -> Self {
        EdgeState {
            article: ArticleEdgeInputs::EXAMPLE,
            model_id: "llama-3.1-8b".into(),
            custom_model: None,
            format: "Q4_K_M".into(),
            bits: 4.0,
            kv_format: KvFormat::F16,
            context: 4096.0,
            batch: 1.0,
            prompt_tokens: 512.0,
            device: Device::by_id("iphone-16-pro").unwrap_or_else(|| Device::all().remove(0)),
            directions: Directions {
                speculative: false,
                draft_id: "llama-3.2-1b".into(),
                alpha: 0.8,
                gamma: 4.0,
                link_gb_s: 4.0,
                hit_rate: 0.6,
                resident_fraction: 0.5,
                flash_gb_s: 6.4,
                min_tps: 20.0,
            },
        }
    }

    pub fn model(&self) -> Option<ModelArch> {
        if self.model_id == CUSTOM {
            self.custom_model.clone()
        } else {
            ModelArch::by_id(&self.model_id)
        }
    }

    pub fn weights(&self) -> Option<Weights> {
        if self.format == PLAIN_BITS {
            Some(Weights::PlainBits(self.bits))
        } else {
            WeightFormat::by_id(&self.format).map(Weights::Format)
        }
    }

    pub fn bits_per_weight(&self) -> Option<f64> {
        self.weights().map(Weights::bits_per_weight)
    }

    /// The analysis' settings (the same struct `frontier edge` fills), if the ids resolve.
    pub fn settings(&self) -> Result<EdgeSettings, String> {
        Ok(EdgeSettings {
            article: self.article,
            model: self.model().ok_or_else(|| format!("model: unknown id {:?}", self.model_id))?,
            weights: self.weights().ok_or_else(|| format!("format: unknown id {:?}", self.format))?,
            kv_format: self.kv_format,
            context: self.context,
            batch: self.batch,
            prompt_tokens: self.prompt_tokens,
            device: self.device.clone(),
            runtime_gb: DEFAULT_RUNTIME_GB,
            compute_efficiency: DEFAULT_COMPUTE_EFFICIENCY,
            min_tokens_per_sec: Some(self.directions.min_tps),
        })
    }

    /// The realistic model's inputs, if the ids resolve.
    pub fn inputs(&self) -> Result<EdgeInputs, String> {
        self.settings().map(|s| s.inputs())
    }
}

impl WidgetState for EdgeState {
    const WIDGET_ID: &'static str = "edge-feasibility";
    const VERSION: u32 = 1;

    fn validate(&self) -> Result<(), String> {
        self.settings()?.validate().map_err(|e| e.to_string())?;
        if ModelArch::by_id(&self.directions.draft_id).is_none() {
            return Err(format!("draft: unknown id {:?}", self.directions.draft_id));
        }
        let d = &self.directions;
        let in_unit = |name: &str, v: f64, min: f64, max: f64| {
            if v.is_finite() && (min..=max).contains(&v) {
                Ok(())
            } else {
                Err(format!("{name}: {v} is outside [{min}, {max}]"))
            }
        };
        in_unit("alpha", d.alpha, 0.01, 1.0)?;
        in_unit("gamma", d.gamma, 1.0, 16.0)?;
        in_unit("link_gb_s", d.link_gb_s, 0.01, 1000.0)?;
        in_unit("hit_rate", d.hit_rate, 0.0, 1.0)?;
        in_unit("resident_fraction", d.resident_fraction, 0.0, 1.0)?;
        in_unit("flash_gb_s", d.flash_gb_s, 0.01, 1000.0)?;
        in_unit("min_tps", d.min_tps, 0.01, 10_000.0)?;
        Ok(())
    }
}

fn flag(b: bool) -> f64 {
    if b {
        1.0
    } else {
        0.0
    }
}

impl Lab for EdgeState {
    /// The article's check and the realistic model, as the lab's two columns show them. Yes/no
    /// answers are 1 or 0.
    fn measures(&self) -> Result<Vec<Measurement>, String> {
        let a = self.settings()?.analyze().map_err(|e| e.to_string())?;
        let (article, real) = (a.article, a.realistic);
        Ok(vec![
            Measurement::new("article_model_size_gb", "Model size (article)", article.model_size_gb, "GB"),
            Measurement::new("article_kv_cache_gb", "KV cache (article)", article.kv_cache_gb, "GB"),
            Measurement::new("article_total_memory_gb", "Memory needed (article)", article.total_memory_gb, "GB"),
            Measurement::new("article_fits", "Fits in RAM (article; 1 = yes)", flag(article.fits_in_ram), "yes/no"),
            Measurement::new(
                "article_bandwidth_needed_gb_s",
                "Bandwidth needed (article)",
                article.bandwidth_needed_gb_s,
                "GB/s",
            ),
            Measurement::new(
                "article_tokens_per_sec",
                "Achievable speed (article)",
                article.achievable_tokens_per_sec,
                "tokens/s",
            ),
            Measurement::new(
                "bits_per_weight",
                "Bits per weight of the file",
                self.bits_per_weight().unwrap_or(f64::NAN),
                "bits",
            ),
            Measurement::new("weights_gb", "Weights", real.weights_gb, "GB"),
            Measurement::new("kv_cache_gb", "KV cache", real.kv_cache_gb, "GB"),
            Measurement::new("total_memory_gb", "Memory needed", real.total_memory_gb, "GB"),
            Measurement::new("usable_memory_gb", "Usable memory on the device", real.usable_memory_gb, "GB"),
            Measurement::new("fits", "Fits (1 = yes)", flag(real.fits), "yes/no"),
            Measurement::new("headroom_gb", "Memory left over", real.headroom_gb, "GB"),
            Measurement::new("device_bandwidth_gb_s", "Device memory bandwidth", self.device.bandwidth_gb_s, "GB/s"),
            Measurement::new("decode_tokens_per_sec", "Decode speed", real.decode_tokens_per_sec, "tokens/s"),
            Measurement::new(
                "sustained_tokens_per_sec",
                "Sustained decode speed",
                real.sustained_tokens_per_sec,
                "tokens/s",
            ),
            Measurement::new("prefill_seconds", "Prefill time", real.prefill_seconds, "s"),
            Measurement::new("max_context", "Longest context that fits", a.max_context.unwrap_or(0.0), "tokens"),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_is_valid_and_resolves() {
        let s = EdgeState::example();
        assert_eq!(s.validate(), Ok(()));
        assert_eq!(s.bits_per_weight(), Some(4.8944));
        let mut bad = s.clone();
        bad.model_id = "gpt-9".into();
        assert!(bad.validate().is_err_and(|e| e.starts_with("model")));
    }
}

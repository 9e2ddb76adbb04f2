//! The edge widget's analysis in one call: typed settings with `validate()`, and
//! [`EdgeSettings::analyze`] to a report holding the article's check, the realistic model,
//! the corrections between them and the inverse answers. `frontier edge` and the page both
//! call it; the charts' sweeps are here too, so the page only draws.

use serde::Serialize;

use super::article::{ArticleEdgeInputs, ArticleEdgeReport};
use super::corrections::{self, Correction};
use super::devices::Device;
use super::formats::{KvFormat, WeightFormat, Weights, WEIGHT_FORMATS};
use super::inverse::{best_format, devices_meeting, max_context, DeviceVerdict};
use super::models::ModelArch;
use super::realistic::{EdgeInputs, EdgeReport, DEFAULT_COMPUTE_EFFICIENCY, DEFAULT_RUNTIME_GB};
use crate::error::{InputError, Problem};

/// Everything the edge analysis takes: the article's five numbers, and the realistic model's
/// model, weights, cache, context and device.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EdgeSettings {
    /// The article's check, which the corrections compare with the realistic model.
    pub article: ArticleEdgeInputs,
    pub model: ModelArch,
    pub weights: Weights,
    pub kv_format: KvFormat,
    /// Tokens in the context (prompt plus generated) the cache must hold.
    pub context: f64,
    pub batch: f64,
    pub prompt_tokens: f64,
    pub device: Device,
    pub runtime_gb: f64,
    pub compute_efficiency: f64,
    /// When set, which preset devices reach this decode speed (tokens per second).
    pub min_tokens_per_sec: Option<f64>,
}

/// The report: field names are the JSON keys of `frontier edge` where it prints them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EdgeAnalysis {
    pub article: ArticleEdgeReport,
    pub realistic: EdgeReport,
    pub corrections: Vec<Correction>,
    /// The longest context that fits, up to the model's limit; `None` when nothing fits.
    pub max_context: Option<f64>,
    /// The format with the most bits per weight that fits at this context.
    pub best_format: Option<&'static WeightFormat>,
    /// Present when `min_tokens_per_sec` is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub devices: Option<Vec<DeviceVerdict>>,
}

impl EdgeSettings {
    /// The article's example beside `model` in `weights` on `device`, with the defaults of
    /// `frontier edge` (4,096 tokens of context in an F16 cache, batch 1, a 512-token prompt).
    pub fn new(model: ModelArch, weights: Weights, device: Device) -> Self {
        EdgeSettings {
            article: ArticleEdgeInputs::EXAMPLE,
            model,
            weights,
            kv_format: KvFormat::F16,
            context: 4096.0,
            batch: 1.0,
            prompt_tokens: 512.0,
            device,
            runtime_gb: DEFAULT_RUNTIME_GB,
            compute_efficiency: DEFAULT_COMPUTE_EFFICIENCY,
            min_tokens_per_sec: None,
        }
    }

    /// The realistic model's inputs.
    pub fn inputs(&self) -> EdgeInputs {
        EdgeInputs {
            model: self.model.clone(),
            bits_per_weight: self.weights.bits_per_weight(),
            kv_format: self.kv_format,
            context: self.context,
            batch: self.batch,
            device: self.device.clone(),
            runtime_gb: self.runtime_gb,
            compute_efficiency: self.compute_efficiency,
            prompt_tokens: self.prompt_tokens,
        }
    }

    pub fn validate(&self) -> Result<(), InputError> {
        self.inputs().validate()?;
        self.article.validate()?;
        if let Some(min) = self.min_tokens_per_sec {
            if !min.is_finite() {
                return Err(InputError::new("min_tokens_per_sec", Problem::NotFinite));
            }
            if min < 0.0 {
                return Err(InputError::new("min_tokens_per_sec", Problem::Negative(min)));
            }
            if min > 1e9 {
                return Err(InputError::new("min_tokens_per_sec", Problem::TooLarge { value: min, max: 1e9 }));
            }
        }
        Ok(())
    }

    pub fn analyze(&self) -> Result<EdgeAnalysis, InputError> {
        self.validate()?;
        let inputs = self.inputs();
        let article = self.article.evaluate()?;
        let realistic = inputs.evaluate()?;
        let corrections = corrections::find(&self.article, &article, &inputs, self.weights, &realistic);
        let devices = match self.min_tokens_per_sec {
            Some(min) => Some(devices_meeting(&inputs, min)?),
            None => None,
        };
        Ok(EdgeAnalysis {
            article,
            realistic,
            corrections,
            max_context: max_context(&inputs)?,
            best_format: best_format(&inputs)?,
            devices,
        })
    }
}

/// One point of the speed chart: the realistic model in one weight format.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FormatPoint {
    pub format: &'static WeightFormat,
    pub decode_tokens_per_sec: f64,
    pub fits: bool,
}

/// Decode speed and fit of `inputs` in every format of the table (formats whose inputs do
/// not validate are left out).
pub fn format_sweep(inputs: &EdgeInputs) -> Vec<FormatPoint> {
    WEIGHT_FORMATS
        .iter()
        .filter_map(|format| {
            let r = EdgeInputs { bits_per_weight: format.bits_per_weight, ..inputs.clone() }.evaluate().ok()?;
            Some(FormatPoint { format, decode_tokens_per_sec: r.decode_tokens_per_sec, fits: r.fits })
        })
        .collect()
}

/// Total memory (GB) of each of `models` in each of `formats` on `inputs`' device, at its
/// context capped at each model's own limit; `None` where the inputs do not validate.
pub fn memory_grid(inputs: &EdgeInputs, models: &[ModelArch], formats: &[&WeightFormat]) -> Vec<Vec<Option<f64>>> {
    models
        .iter()
        .map(|model| {
            formats
                .iter()
                .map(|f| {
                    let i = EdgeInputs {
                        model: model.clone(),
                        bits_per_weight: f.bits_per_weight,
                        context: inputs.context.min(model.context),
                        ..inputs.clone()
                    };
                    i.evaluate().ok().map(|r| r.total_memory_gb)
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edge::corrections::CorrectionKind;

    fn preset(model: &str, format: &str, device: &str) -> EdgeSettings {
        let model = ModelArch::by_id(model).unwrap_or_else(|| panic!("no model {model}"));
        let format = WeightFormat::by_id(format).unwrap_or_else(|| panic!("no format {format}"));
        let device = Device::by_id(device).unwrap_or_else(|| panic!("no device {device}"));
        EdgeSettings::new(model, Weights::Format(format), device)
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn the_articles_iphone_example_gets_all_three_corrections() -> Result<(), InputError> {
        // The article: Llama 3 8B at 4 bits on an iPhone 16 Pro with 100 GB/s, 0.5 GB of cache.
        let a = preset("llama-3.1-8b", "Q4_K_M", "iphone-16-pro").analyze()?;
        let kinds: Vec<CorrectionKind> = a.corrections.iter().map(Correction::kind).collect();
        assert_eq!(kinds, [CorrectionKind::Bandwidth, CorrectionKind::WeightsSize, CorrectionKind::KvCache]);
        // Bandwidth: the article's 100 GB/s against 64-bit LPDDR5X-7500 = 8 B · 7.5e9 = 60 GB/s
        // (references, A3; estimated, Apple publishes none).
        let Correction::Bandwidth { article_gb_s, real_gb_s, estimated, ref source, .. } = a.corrections[0] else {
            panic!("{:?}", a.corrections[0])
        };
        assert_eq!((article_gb_s, real_gb_s, estimated), (100.0, 60.0, true));
        assert!(source.contains("LPDDR5X-7500"), "{source}");
        // Whole file: the article's 8e9 · 4 / 8 = 4.0 GB against 8.03e9 · 4.8944 / 8 =
        // 4.912754 GB = 4.57536 GiB (llama.cpp lists 4.58 GiB for the 8,030,261,248-parameter file).
        let Correction::WeightsSize { format, article_gb, real_gb, real_gib, bits_per_weight, estimated, .. } =
            a.corrections[1]
        else {
            panic!("{:?}", a.corrections[1])
        };
        assert_eq!((format, article_gb, bits_per_weight, estimated), (Some("Q4_K_M"), 4.0, 4.8944, false));
        assert!(close(real_gb, 4.912_754, 1e-6), "{real_gb}");
        assert!(close(real_gib, 4.575_36, 1e-5), "{real_gib}");
        assert!(a.corrections[1].source().contains("llama.cpp"));
        // KV cache: the fixed 0.5 GB against 2 · 32 layers · 8 KV heads · 128 · 2 bytes =
        // 131,072 B per token · 4,096 tokens = 536,870,912 B = 0.536871 GB.
        let Correction::KvCache { article_gb, kv_bytes_per_token, context_tokens, real_gb, .. } = a.corrections[2]
        else {
            panic!("{:?}", a.corrections[2])
        };
        assert_eq!((article_gb, kv_bytes_per_token, context_tokens), (0.5, 131_072.0, 4096.0));
        assert!(close(real_gb, 0.536_870_912, 1e-12), "{real_gb}");
        // The same numbers as the realistic report, which the reference tests pin.
        assert_eq!(a.corrections[1].real_value(), a.realistic.weights_gb);
        assert_eq!(a.corrections[2].real_value(), a.realistic.kv_cache_gb);
        Ok(())
    }

    #[test]
    fn a_mac_whose_bandwidth_the_article_got_right_gets_only_the_memory_corrections() -> Result<(), InputError> {
        // Llama 3.2 3B in Q8_0 on an M2 Max at 8K context, the article's check told 400 GB/s.
        let mut s = preset("llama-3.2-3b", "Q8_0", "apple-m2-max");
        s.article.bandwidth_gb_s = 400.0;
        s.context = 8192.0;
        let a = s.analyze()?;
        let kinds: Vec<CorrectionKind> = a.corrections.iter().map(Correction::kind).collect();
        assert_eq!(kinds, [CorrectionKind::WeightsSize, CorrectionKind::KvCache]);
        // Whole file: 3.21e9 · 8.5008 / 8 = 3.410946 GB against the article's 8e9 · 4 / 8 = 4 GB.
        assert_eq!(a.corrections[0].article_value(), 4.0);
        assert!(close(a.corrections[0].real_value(), 3.410_946, 1e-6), "{:?}", a.corrections[0]);
        // KV: 2 · 28 layers · 8 KV heads · 128 · 2 bytes = 114,688 B · 8,192 = 0.939524 GB.
        assert_eq!(a.corrections[1].article_value(), 0.5);
        assert!(close(a.corrections[1].real_value(), 0.939_524_096, 1e-9), "{:?}", a.corrections[1]);
        // The same pair told the article's 100 GB/s: 400 GB/s is Apple's figure for the M2 Max.
        s.article.bandwidth_gb_s = 100.0;
        let a = s.analyze()?;
        assert_eq!(a.corrections[0].kind(), CorrectionKind::Bandwidth);
        assert_eq!((a.corrections[0].article_value(), a.corrections[0].real_value()), (100.0, 400.0));
        Ok(())
    }

    #[test]
    fn no_correction_where_the_articles_assumptions_hold() -> Result<(), InputError> {
        // An H100 SXM told its real 3,350 GB/s; Llama 3.1 8B in plain 4-bit weights:
        // 8.03e9 · 4 / 8 = 4.015 GB, 0.375 % above the article's 4.0 GB; at 3,815 tokens the
        // cache is 131,072 · 3,815 = 500,039,680 B = 0.50004 GB, the article's 0.5 GB.
        let model = ModelArch::by_id("llama-3.1-8b").unwrap_or_else(|| panic!("no model"));
        let device = Device::by_id("h100-sxm").unwrap_or_else(|| panic!("no device"));
        let mut s = EdgeSettings::new(model, Weights::PlainBits(4.0), device);
        s.article = ArticleEdgeInputs { ram_gb: 80.0, bandwidth_gb_s: 3350.0, ..ArticleEdgeInputs::EXAMPLE };
        s.context = 3815.0;
        let a = s.analyze()?;
        assert_eq!(a.corrections, []);
        assert!(close(a.realistic.weights_gb, 4.015, 1e-9));
        assert!(close(a.realistic.kv_cache_gb, 0.500_039_68, 1e-12));
        // One token of context less or more changes nothing; 5 % more cache does.
        s.context = 4006.0; // 131,072 · 4,006 = 0.525 GB
        assert_eq!(
            s.analyze()?.corrections.iter().map(Correction::kind).collect::<Vec<_>>(),
            [CorrectionKind::KvCache]
        );
        Ok(())
    }

    #[test]
    fn any_device_and_model_get_their_corrections_from_their_numbers() -> Result<(), InputError> {
        // Every preset device and model: a bandwidth correction exactly where the device's
        // figure differs from the article's 100 GB/s, a cache correction exactly where the
        // cache differs from 0.5 GB.
        for model in crate::edge::MODELS {
            for device in Device::all() {
                let bw = device.bandwidth_gb_s;
                let s = EdgeSettings::new(model.clone(), Weights::PlainBits(4.0), device);
                let a = s.analyze()?;
                let has = |k| a.corrections.iter().any(|c| c.kind() == k);
                assert_eq!(has(CorrectionKind::Bandwidth), (bw - 100.0).abs() > 1.0, "{}", s.device.id);
                let kv = a.realistic.kv_cache_gb;
                assert_eq!(has(CorrectionKind::KvCache), (kv - 0.5).abs() > 0.005, "{} {kv}", model.id);
            }
        }
        Ok(())
    }

    #[test]
    fn the_report_carries_the_inverse_answers_and_devices_on_request() -> Result<(), InputError> {
        let mut s = preset("llama-3.1-8b", "Q4_K_M", "iphone-16-pro");
        let a = s.analyze()?;
        // The same answers as inverse.rs's reference tests.
        assert_eq!(a.max_context, None);
        assert_eq!(a.best_format.map(|f| f.id), Some("IQ3_M"));
        assert!(a.devices.is_none());
        s.min_tokens_per_sec = Some(20.0);
        let devices = s.analyze()?.devices.unwrap_or_default();
        assert_eq!(devices.len(), Device::all().len());
        s.min_tokens_per_sec = Some(f64::NAN);
        assert_eq!(s.analyze().map_err(|e| e.field), Err("min_tokens_per_sec"));
        s.min_tokens_per_sec = None;
        s.article.bits = 0.0;
        assert_eq!(s.analyze().map_err(|e| e.field), Err("bits"));
        Ok(())
    }

    #[test]
    fn sweeps_for_the_charts() -> Result<(), InputError> {
        let s = preset("llama-3.1-8b", "Q4_K_M", "iphone-16-pro");
        let points = format_sweep(&s.inputs());
        assert_eq!(points.len(), WEIGHT_FORMATS.len());
        let q4 = points.iter().find(|p| p.format.id == "Q4_K_M").map(|p| p.decode_tokens_per_sec);
        assert_eq!(q4, Some(s.analyze()?.realistic.decode_tokens_per_sec));
        // Gemma 2 2B stops at its 8,192-token limit: its memory at 1M tokens is that at 8,192.
        let mut long = s.inputs();
        long.context = 1_048_576.0;
        let gemma = ModelArch::by_id("gemma-2-2b").unwrap_or_else(|| panic!("no model"));
        let f16 = WeightFormat::by_id("F16").unwrap_or_else(|| panic!("no format"));
        let grid = memory_grid(&long, std::slice::from_ref(&gemma), &[f16]);
        let at_limit = EdgeInputs { model: gemma, bits_per_weight: f16.bits_per_weight, context: 8192.0, ..long }
            .evaluate()?
            .total_memory_gb;
        assert_eq!(grid, [[Some(at_limit)]]);
        Ok(())
    }
}

//! Training-run presets: real runs with their published inputs and a source per row.

use serde::Serialize;

use crate::hardware::Precision;
use crate::training::{AttentionMode, AttentionShape, TrainingInputs, DEFAULT_USD_PER_GPU_HOUR};

/// A number an article or report claims, kept beside what the arithmetic gives.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Claim {
    pub mfu: Option<f64>,
    pub total_cost_usd: Option<f64>,
    pub said_by: &'static str,
}

/// One preset of the training widget and of `frontier train-cost --preset`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrainingPreset {
    pub id: &'static str,
    pub name: &'static str,
    pub total_params: f64,
    /// Accelerator id in [`crate::ACCELERATORS`] whose dense peak `inputs.peak_tflops` holds.
    pub hardware_id: &'static str,
    pub precision: Precision,
    pub inputs: TrainingInputs,
    pub claim: Option<Claim>,
    pub source: &'static str,
}

impl TrainingPreset {
    pub fn by_id(id: &str) -> Option<&'static TrainingPreset> {
        TRAINING_PRESETS.iter().find(|p| p.id == id)
    }
}

/// DeepSeek-V3's attention shape (MLA: 192-wide query/key heads, 128-wide values) at the
/// 4K pre-training context.
const DEEPSEEK_V3_SHAPE: AttentionShape =
    AttentionShape { layers: 61.0, heads: 128.0, head_dim: 192.0, v_head_dim: Some(128.0), seq_len: 4096.0 };

/// Llama 3.1 405B's attention shape at its 8K pre-training context.
const LLAMA_405B_SHAPE: AttentionShape =
    AttentionShape { layers: 126.0, heads: 128.0, head_dim: 128.0, v_head_dim: None, seq_len: 8192.0 };

pub const TRAINING_PRESETS: &[TrainingPreset] = &[
    TrainingPreset {
        id: "deepseek-v3",
        name: "DeepSeek-V3, the article's inputs (55 days)",
        total_params: 671e9,
        hardware_id: "h800",
        precision: Precision::Bf16,
        inputs: TrainingInputs {
            active_params: 37e9,
            tokens: 14.8e12,
            gpus: 2048.0,
            hours: 55.0 * 24.0,
            peak_tflops: 989.0,
            usd_per_gpu_hour: DEFAULT_USD_PER_GPU_HOUR,
            attention: AttentionMode::Off,
            shape: DEEPSEEK_V3_SHAPE,
        },
        claim: Some(Claim { mfu: Some(0.52), total_cost_usd: Some(5.3e6), said_by: "The article" }),
        source: "Article's compute_training_efficiency example; DeepSeek-V3 technical report (arXiv 2412.19437) for 37B active, 14.8T tokens, 2,048 H800",
    },
    TrainingPreset {
        id: "deepseek-v3-report",
        name: "DeepSeek-V3, the report's 2.664M pre-training GPU-hours",
        total_params: 671e9,
        hardware_id: "h800",
        precision: Precision::Bf16,
        inputs: TrainingInputs {
            active_params: 37e9,
            tokens: 14.8e12,
            gpus: 2048.0,
            hours: 2.664e6 / 2048.0,
            peak_tflops: 989.0,
            usd_per_gpu_hour: DEFAULT_USD_PER_GPU_HOUR,
            attention: AttentionMode::Off,
            shape: DEEPSEEK_V3_SHAPE,
        },
        claim: Some(Claim { mfu: None, total_cost_usd: Some(5.328e6), said_by: "The DeepSeek-V3 report (2,664K H800-hours at $2)" }),
        source: "DeepSeek-V3 technical report (arXiv 2412.19437): 2,664K H800-hours of pre-training, $2 per GPU-hour; 119K more for context extension and 5K for post-training",
    },
    TrainingPreset {
        id: "llama-3.1-405b",
        name: "Llama 3.1 405B, 30.84M H100-hours",
        total_params: 405e9,
        hardware_id: "h100-sxm",
        precision: Precision::Bf16,
        inputs: TrainingInputs {
            active_params: 405e9,
            tokens: 15.6e12,
            gpus: 16384.0,
            hours: 30.84e6 / 16384.0,
            peak_tflops: 989.0,
            usd_per_gpu_hour: DEFAULT_USD_PER_GPU_HOUR,
            attention: AttentionMode::Off,
            shape: LLAMA_405B_SHAPE,
        },
        claim: Some(Claim { mfu: Some(0.41), total_cost_usd: None, said_by: "The Llama 3 paper (38-43% at peak on 8K-16K GPUs, BF16; 41% on 16K)" }),
        source: "Llama 3 paper (arXiv 2407.21783): 15.6T tokens, up to 16,384 H100; Llama 3.1 model card: 30.84M H100-hours for 405B",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hardware::Accelerator;

    #[test]
    fn presets_validate_and_their_peaks_come_from_the_hardware_table() {
        for p in TRAINING_PRESETS {
            assert!(p.inputs.validate().is_ok(), "{}", p.id);
            let peak = Accelerator::by_id(p.hardware_id).and_then(|a| a.peak_tflops(p.precision));
            assert_eq!(peak, Some(p.inputs.peak_tflops), "{}", p.id);
        }
    }

    #[test]
    fn llama_405b_average_mfu_is_about_0345() -> Result<(), crate::InputError> {
        // 6 · 405e9 · 15.6e12 = 3.79e25 FLOPs over 30.84M H100-hours at 989 TFLOPS:
        // 3.7908e25 / 1.09803e26 = 0.3452; 341 effective TFLOPS; $61.68M at $2.
        let preset = TrainingPreset::by_id("llama-3.1-405b").ok_or_else(|| {
            crate::InputError::new("preset", crate::error::Problem::UnknownId("llama-3.1-405b".into()))
        })?;
        let r = preset.inputs.evaluate()?;
        assert!((r.mfu - 0.3452).abs() < 5e-4, "{}", r.mfu);
        assert!((r.effective_tflops_per_gpu - 341.4).abs() < 0.5);
        assert!((r.total_cost_usd - 61.68e6).abs() < 1e3);
        assert!((r.gpu_hours - 30.84e6).abs() < 1e-3);
        Ok(())
    }

    #[test]
    fn deepseek_report_hours_give_mfu_0346_and_5328k_usd() -> Result<(), crate::InputError> {
        let preset = TrainingPreset::by_id("deepseek-v3-report").ok_or_else(|| {
            crate::InputError::new("preset", crate::error::Problem::UnknownId("deepseek-v3-report".into()))
        })?;
        let r = preset.inputs.evaluate()?;
        assert!((r.mfu - 0.346).abs() < 1e-3, "{}", r.mfu);
        assert!((r.total_cost_usd - 5.328e6).abs() < 1.0);
        Ok(())
    }
}

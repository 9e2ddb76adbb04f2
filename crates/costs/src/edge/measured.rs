//! A measured run beside the realistic model's prediction: the model lab times SmolLM2-135M
//! (Q4_1) in the reader's browser and sets the prefill and decode speeds it measured beside what
//! [`EdgeInputs::evaluate`] predicts for the same model, file and context on a chosen device.

use serde::Serialize;

use super::devices::Device;
use super::formats::KvFormat;
use super::models::ModelArch;
use super::realistic::{EdgeInputs, DEFAULT_COMPUTE_EFFICIENCY, DEFAULT_RUNTIME_GB};
use crate::error::{in_range, InputError, Problem};

/// The model lab's file, SmolLM2-135M-Instruct.Q4_1.gguf, in bytes: its whole-file bits per
/// weight are these bytes over the parameters (Q4_1's nominal 5 bits, plus the tokenizer and the
/// float32 norms).
pub const SMOLLM2_Q4_1_FILE_BYTES: f64 = 98_362_432.0;
/// The model preset the lab runs.
pub const SMOLLM2_ID: &str = "smollm2-135m";

/// Whole-file bits per weight of the lab's file.
pub fn smollm2_q4_1_bits_per_weight() -> f64 {
    let params = ModelArch::by_id(SMOLLM2_ID).map_or(1.0, |m| m.total_params);
    SMOLLM2_Q4_1_FILE_BYTES * 8.0 / params
}

/// What one generation took on this device.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MeasuredSpeed {
    pub prompt_tokens: f64,
    pub prefill_seconds: f64,
    pub generated_tokens: f64,
    pub decode_seconds: f64,
}

/// Measured and predicted speeds, in tokens per second, and measured over predicted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpeedComparison {
    pub measured_prefill_tokens_per_sec: f64,
    pub measured_decode_tokens_per_sec: f64,
    pub predicted_prefill_tokens_per_sec: f64,
    pub predicted_decode_tokens_per_sec: f64,
    pub prefill_ratio: f64,
    pub decode_ratio: f64,
    /// The device the prediction is for.
    pub device: String,
}

impl MeasuredSpeed {
    pub fn validate(&self) -> Result<(), InputError> {
        in_range("prompt_tokens", self.prompt_tokens, 1.0, 1e8)?;
        in_range("prefill_seconds", self.prefill_seconds, 1e-6, 1e6)?;
        in_range("generated_tokens", self.generated_tokens, 1.0, 1e8)?;
        in_range("decode_seconds", self.decode_seconds, 1e-6, 1e6)?;
        Ok(())
    }

    /// This run beside the prediction for SmolLM2-135M Q4_1 on `device` at the same prompt and
    /// context (batch 1, the realistic model's default runtime and compute efficiency).
    pub fn compare(&self, device: Device) -> Result<SpeedComparison, InputError> {
        self.validate()?;
        let model = ModelArch::by_id(SMOLLM2_ID)
            .ok_or_else(|| InputError::new("model", Problem::UnknownId(SMOLLM2_ID.into())))?;
        let inputs = EdgeInputs {
            model,
            bits_per_weight: smollm2_q4_1_bits_per_weight(),
            kv_format: KvFormat::F16,
            context: self.prompt_tokens + self.generated_tokens,
            batch: 1.0,
            device: device.clone(),
            runtime_gb: DEFAULT_RUNTIME_GB,
            compute_efficiency: DEFAULT_COMPUTE_EFFICIENCY,
            prompt_tokens: self.prompt_tokens,
        };
        let report = inputs.evaluate()?;
        let measured_prefill = self.prompt_tokens / self.prefill_seconds;
        let measured_decode = self.generated_tokens / self.decode_seconds;
        let predicted_prefill = self.prompt_tokens / report.prefill_seconds;
        let predicted_decode = report.decode_tokens_per_sec;
        Ok(SpeedComparison {
            measured_prefill_tokens_per_sec: measured_prefill,
            measured_decode_tokens_per_sec: measured_decode,
            predicted_prefill_tokens_per_sec: predicted_prefill,
            predicted_decode_tokens_per_sec: predicted_decode,
            prefill_ratio: measured_prefill / predicted_prefill,
            decode_ratio: measured_decode / predicted_decode,
            device: device.name,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lab_file_is_about_five_point_eight_bits_a_weight() {
        // 98,362,432 · 8 / 134,515,008 = 5.850.
        assert!((smollm2_q4_1_bits_per_weight() - 5.850).abs() < 1e-3, "{}", smollm2_q4_1_bits_per_weight());
    }

    #[test]
    fn a_run_beside_the_prediction_by_hand() -> Result<(), InputError> {
        let m2 = Device::by_id("apple-m2").unwrap_or_else(|| unreachable!());
        let run =
            MeasuredSpeed { prompt_tokens: 100.0, prefill_seconds: 0.5, generated_tokens: 50.0, decode_seconds: 2.0 };
        let c = run.compare(m2)?;
        assert_eq!(c.measured_prefill_tokens_per_sec, 200.0);
        assert_eq!(c.measured_decode_tokens_per_sec, 25.0);
        // Decode: 100 GB/s · 0.7 over the weights (98.36 MB) and 150 tokens of F16 cache
        // (150 · 23,040 bytes): 70e9 / (98,362,432 + 3,456,000) = 687.5 tokens/s.
        assert!((c.predicted_decode_tokens_per_sec - 687.5).abs() < 0.5, "{}", c.predicted_decode_tokens_per_sec);
        // Prefill: 3.6 TFLOPS · 0.5 over 2 · 134.5e6 FLOPs a token = 6,691 tokens/s.
        assert!((c.predicted_prefill_tokens_per_sec - 6691.0).abs() < 1.0, "{}", c.predicted_prefill_tokens_per_sec);
        assert!((c.decode_ratio - 25.0 / c.predicted_decode_tokens_per_sec).abs() < 1e-12);
        Ok(())
    }

    #[test]
    fn an_empty_run_is_an_input_error() {
        let m2 = Device::by_id("apple-m2").unwrap_or_else(|| unreachable!());
        let run =
            MeasuredSpeed { prompt_tokens: 5.0, prefill_seconds: 0.0, generated_tokens: 0.0, decode_seconds: 0.0 };
        assert!(run.compare(m2).is_err());
    }
}

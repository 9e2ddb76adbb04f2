//! The widget's state: a preset (if one was loaded), the hardware row, and the inputs.

use frontier_costs::{Accelerator, Precision, SweepAxis, TrainingInputs, TrainingPreset, TrainingReport};

use crate::measure::{Lab, Measurement};
use frontier_state::WidgetState;
use serde::{Deserialize, Serialize};

/// Hardware id meaning "the peak was typed, not taken from the table".
pub const CUSTOM_HARDWARE: &str = "custom";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainCostState {
    /// The preset the inputs came from, cleared once an input changes.
    pub preset: Option<String>,
    /// Accelerator id in the hardware table, or [`CUSTOM_HARDWARE`].
    pub hardware: String,
    pub precision: Precision,
    pub inputs: TrainingInputs,
    /// The input the sweep chart varies.
    pub chart_axis: SweepAxis,
}

impl TrainCostState {
    /// The worked example: the article's DeepSeek-V3 numbers.
    pub fn example() -> Self {
        Self::from_preset(&frontier_costs::TRAINING_PRESETS[0])
    }

    pub fn from_preset(p: &TrainingPreset) -> Self {
        TrainCostState {
            preset: Some(p.id.to_string()),
            hardware: p.hardware_id.to_string(),
            precision: p.precision,
            inputs: p.inputs,
            chart_axis: SweepAxis::Hours,
        }
    }

    pub fn preset(&self) -> Option<&'static TrainingPreset> {
        self.preset.as_deref().and_then(TrainingPreset::by_id)
    }

    pub fn accelerator(&self) -> Option<&'static Accelerator> {
        Accelerator::by_id(&self.hardware)
    }
}

impl WidgetState for TrainCostState {
    const WIDGET_ID: &'static str = "train-cost";
    const VERSION: u32 = 1;

    fn validate(&self) -> Result<(), String> {
        self.inputs.validate().map_err(|e| e.to_string())?;
        if let Some(id) = &self.preset {
            TrainingPreset::by_id(id).ok_or_else(|| format!("preset: unknown id {id:?}"))?;
        }
        if self.hardware != CUSTOM_HARDWARE {
            let acc = self.accelerator().ok_or_else(|| format!("hardware: unknown id {:?}", self.hardware))?;
            acc.peak_tflops(self.precision)
                .ok_or_else(|| format!("precision: {} has no {}", acc.name, self.precision.label()))?;
        }
        Ok(())
    }
}

/// The report as measurements: one list for the page's CSV export and for lessons.
pub fn report_rows(r: &TrainingReport) -> Vec<Measurement> {
    vec![
        Measurement::new("mfu", "Model FLOPs utilization", r.mfu, "fraction"),
        Measurement::new("total_flops", "Total training compute", r.total_flops, "FLOP"),
        Measurement::new("flops_per_token", "Compute per token", r.flops_per_token, "FLOP"),
        Measurement::new("attention_flops_per_token", "of which attention", r.attention_flops_per_token, "FLOP"),
        Measurement::new("peak_flops", "Peak over the run", r.peak_flops, "FLOP"),
        Measurement::new("effective_tflops_per_gpu", "Achieved per GPU", r.effective_tflops_per_gpu, "TFLOPS"),
        Measurement::new("gpu_hours", "GPU-hours", r.gpu_hours, "h"),
        Measurement::new("wall_clock_days", "Wall-clock days", r.wall_clock_days, "days"),
        Measurement::new("total_cost_usd", "Compute cost", r.total_cost_usd, "USD"),
        Measurement::new("tokens_per_dollar", "Tokens per dollar", r.tokens_per_dollar, "tokens/USD"),
        Measurement::new("flops_per_dollar", "FLOPs per dollar", r.flops_per_dollar, "FLOP/USD"),
        Measurement::new("tokens_per_param", "Tokens per active parameter", r.tokens_per_param, "tokens"),
        Measurement::new("chinchilla_params", "Chinchilla-optimal parameters", r.chinchilla.params, "parameters"),
        Measurement::new("chinchilla_tokens", "Chinchilla-optimal tokens", r.chinchilla.tokens, "tokens"),
    ]
}

impl Lab for TrainCostState {
    fn measures(&self) -> Result<Vec<Measurement>, String> {
        let report = self.inputs.evaluate().map_err(|e| e.to_string())?;
        Ok(report_rows(&report))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Links and files made by release 1 must keep opening: these fixtures were written by
    /// hand (Python's json and base64) from the version-1 schema, not by this code.
    #[test]
    fn version_1_link_and_file_still_open() {
        let link = include_str!("../tests/fixtures/train-cost-v1.link").trim();
        assert_eq!(frontier_state::decode_link_state::<TrainCostState>(link), Ok(TrainCostState::example()));
        let file = include_str!("../tests/fixtures/train-cost-v1.json");
        assert_eq!(frontier_state::Envelope::unwrap::<TrainCostState>(file), Ok(TrainCostState::example()));
    }

    #[test]
    fn validation_rejects_what_the_ui_cannot_produce() {
        let mut s = TrainCostState::example();
        s.hardware = "tpu-v9".into();
        assert!(s.validate().is_err_and(|e| e.starts_with("hardware")));
        let mut s = TrainCostState::example();
        s.hardware = "a100-80gb".into();
        s.precision = Precision::Fp8;
        assert!(s.validate().is_err_and(|e| e.starts_with("precision")));
        let mut s = TrainCostState::example();
        s.preset = Some("gpt-9".into());
        assert!(s.validate().is_err());
        let mut s = TrainCostState::example();
        s.inputs.gpus = 0.0;
        assert!(s.validate().is_err_and(|e| e.starts_with("gpus")));
    }
}

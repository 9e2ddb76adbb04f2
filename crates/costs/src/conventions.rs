//! The same run under every common MFU convention: which peak, and whether attention counts.
//!
//! Published MFUs differ by up to 2.6× for one run depending on these choices, so the app
//! shows them side by side rather than one number.

use serde::Serialize;

use crate::error::{InputError, Problem};
use crate::hardware::{Accelerator, Precision};
use crate::training::{AttentionMode, TrainingInputs};

/// MFU of one run under one convention.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ConventionRow {
    pub precision: Precision,
    pub attention: AttentionMode,
    pub peak_tflops: f64,
    pub mfu: f64,
}

/// Evaluates `inputs` against each dense peak `hardware` has and each attention mode.
/// The attention shape comes from `inputs.shape`.
pub fn convention_table(inputs: &TrainingInputs, hardware_id: &str) -> Result<Vec<ConventionRow>, InputError> {
    let acc = Accelerator::by_id(hardware_id)
        .ok_or_else(|| InputError::new("hardware", Problem::UnknownId(hardware_id.to_string())))?;
    let mut rows = Vec::new();
    for precision in Precision::ALL {
        let Some(peak_tflops) = acc.peak_tflops(precision) else { continue };
        for attention in AttentionMode::ALL {
            let variant = TrainingInputs { peak_tflops, attention, ..*inputs };
            rows.push(ConventionRow { precision, attention, peak_tflops, mfu: variant.evaluate()?.mfu });
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::TrainingPreset;

    #[test]
    fn deepseek_report_conventions_match_the_reference_table() -> Result<(), InputError> {
        // costs_edge.md, A1: with 2.664M GPU-hours, 0.346 / 0.394 / 0.442 against BF16 dense
        // and 0.173 / 0.197 / 0.221 against FP8 dense.
        let preset = TrainingPreset::by_id("deepseek-v3-report").map(|p| p.inputs);
        let inputs =
            preset.ok_or_else(|| InputError::new("preset", Problem::UnknownId("deepseek-v3-report".into())))?;
        let rows = convention_table(&inputs, "h800")?;
        let mfus: Vec<f64> = rows.iter().map(|r| (r.mfu * 1000.0).round() / 1000.0).collect();
        assert_eq!(mfus, vec![0.346, 0.394, 0.442, 0.173, 0.197, 0.221]);
        Ok(())
    }

    #[test]
    fn hardware_without_fp8_gives_three_rows() -> Result<(), InputError> {
        let inputs = TrainingPreset::by_id("deepseek-v3").map(|p| p.inputs);
        let inputs = inputs.ok_or_else(|| InputError::new("preset", Problem::UnknownId("deepseek-v3".into())))?;
        assert_eq!(convention_table(&inputs, "a100-80gb")?.len(), 3);
        assert!(convention_table(&inputs, "tpu").is_err());
        Ok(())
    }
}

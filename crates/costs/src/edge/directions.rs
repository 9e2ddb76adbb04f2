//! The article's directions for edge inference, as models: speculative decoding, MoE
//! experts offloaded over a link, and progressive loading from flash.

use serde::{Deserialize, Serialize};

use super::models::ModelArch;
use super::realistic::EdgeInputs;
use super::GB;
use crate::error::{in_range, InputError};

/// Speculative decoding (Leviathan et al. 2023): a draft model proposes `gamma` tokens, the
/// target verifies them in one step; each is accepted with probability `alpha`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Speculative {
    pub alpha: f64,
    pub gamma: f64,
    /// Draft step time ÷ target step time; on a bandwidth-bound device, draft bytes ÷ target
    /// bytes per token.
    pub cost_ratio: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SpeculativeReport {
    pub expected_tokens_per_step: f64,
    pub speedup: f64,
}

impl Speculative {
    pub fn evaluate(&self) -> Result<SpeculativeReport, InputError> {
        in_range("alpha", self.alpha, 1e-9, 1.0)?;
        in_range("gamma", self.gamma, 1.0, 64.0)?;
        in_range("cost_ratio", self.cost_ratio, 1e-9, 10.0)?;
        // E = (1 − α^(γ+1)) / (1 − α), which tends to γ + 1 as α → 1.
        let expected = if (1.0 - self.alpha).abs() < 1e-12 {
            self.gamma + 1.0
        } else {
            (1.0 - self.alpha.powf(self.gamma + 1.0)) / (1.0 - self.alpha)
        };
        // Theorem 3.8: speedup = E / (γ · c + 1).
        Ok(SpeculativeReport {
            expected_tokens_per_step: expected,
            speedup: expected / (self.gamma * self.cost_ratio + 1.0),
        })
    }
}

/// Speculative decoding on a device: the draft model's memory counts against the device,
/// and the cost ratio comes from bytes read per token (decode is bandwidth-bound).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SpeculativeOnDevice {
    pub draft_memory_gb: f64,
    pub cost_ratio: f64,
    pub expected_tokens_per_step: f64,
    pub speedup: f64,
    /// Target and draft together, with both caches.
    pub total_memory_gb: f64,
    pub fits: bool,
    pub speculative_tokens_per_sec: f64,
}

pub fn speculative_on_device(
    target: &EdgeInputs,
    draft: &ModelArch,
    alpha: f64,
    gamma: f64,
) -> Result<SpeculativeOnDevice, InputError> {
    let target_report = target.evaluate()?;
    let draft_inputs = EdgeInputs { model: draft.clone(), runtime_gb: 0.0, ..target.clone() };
    let draft_report = draft_inputs.evaluate()?;
    let cost_ratio = draft_report.bytes_per_step / target_report.bytes_per_step;
    let r = Speculative { alpha, gamma, cost_ratio }.evaluate()?;
    let draft_memory_gb = draft_report.total_memory_gb;
    let total_memory_gb = target_report.total_memory_gb + draft_memory_gb;
    Ok(SpeculativeOnDevice {
        draft_memory_gb,
        cost_ratio,
        expected_tokens_per_step: r.expected_tokens_per_step,
        speedup: r.speedup,
        total_memory_gb,
        fits: total_memory_gb <= target_report.usable_memory_gb,
        speculative_tokens_per_sec: target_report.decode_tokens_per_sec * r.speedup,
    })
}

/// Bytes of one expert in one layer, from the totals: total = shared + routed · L · E and
/// active = shared + k · L · E, so E = (total − active) / ((routed − k) · L).
pub fn expert_params(model: &ModelArch) -> Option<f64> {
    let e = model.experts?;
    let spare = e.routed - e.active;
    (spare > 0.0 && e.moe_layers > 0.0).then(|| (model.total_params - model.active_params) / (spare * e.moe_layers))
}

/// Decode speed limit when experts live across a link (PCIe, NVMe, UFS) and a fraction
/// `hit_rate` of the experts a token needs is already in fast memory.
pub fn moe_offload_tokens_per_sec(
    model: &ModelArch,
    bits_per_weight: f64,
    link_gb_s: f64,
    hit_rate: f64,
) -> Result<Option<f64>, InputError> {
    in_range("link_gb_s", link_gb_s, 1e-6, 1e6)?;
    if !(0.0..=1.0).contains(&hit_rate) {
        return Err(InputError::new(
            "hit_rate",
            crate::error::Problem::OutOfRange { value: hit_rate, min: 0.0, max: 1.0 },
        ));
    }
    let (Some(params), Some(e)) = (expert_params(model), model.experts) else { return Ok(None) };
    let bytes_per_token = (1.0 - hit_rate) * e.active * e.moe_layers * params * bits_per_weight / 8.0;
    Ok(Some(if bytes_per_token == 0.0 { f64::INFINITY } else { link_gb_s * GB / bytes_per_token }))
}

/// Decode speed limit when only `resident_fraction` of the bytes a token reads stay in RAM
/// and the rest stream from flash at `flash_gb_s` ("LLM in a flash", naive streaming bound).
pub fn flash_tokens_per_sec(bytes_per_token: f64, resident_fraction: f64, flash_gb_s: f64) -> Result<f64, InputError> {
    in_range("flash_gb_s", flash_gb_s, 1e-6, 1e6)?;
    in_range("bytes_per_token", bytes_per_token, 1.0, 1e16)?;
    if !(0.0..=1.0).contains(&resident_fraction) {
        return Err(InputError::new(
            "resident_fraction",
            crate::error::Problem::OutOfRange { value: resident_fraction, min: 0.0, max: 1.0 },
        ));
    }
    let streamed = (1.0 - resident_fraction) * bytes_per_token;
    Ok(if streamed == 0.0 { f64::INFINITY } else { flash_gb_s * GB / streamed })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(alpha: f64, gamma: f64) -> SpeculativeReport {
        Speculative { alpha, gamma, cost_ratio: 0.15 }.evaluate().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_speculative_decoding_table() {
        // References, B6 (c = 0.15): (α, γ) → (E, S).
        let table = [
            (0.6, 2.0, 1.96, 1.51),
            (0.6, 4.0, 2.31, 1.44),
            (0.7, 4.0, 2.77, 1.73),
            (0.8, 4.0, 3.36, 2.10),
            (0.8, 6.0, 3.95, 2.08),
            (0.9, 6.0, 5.22, 2.75),
        ];
        for (alpha, gamma, e, s) in table {
            let r = spec(alpha, gamma);
            assert!((r.expected_tokens_per_step - e).abs() < 0.006, "{alpha} {gamma}: {r:?}");
            assert!((r.speedup - s).abs() < 0.006, "{alpha} {gamma}: {r:?}");
        }
        assert_eq!(spec(1.0, 4.0).expected_tokens_per_step, 5.0);
    }

    #[test]
    fn mixtral_experts_over_pcie() -> Result<(), InputError> {
        // References, B8: ~108 MB per expert per layer at 4.9 bpw; 2 · 32 of them per token
        // = 6.9 GB, so ≤ 3.6 tokens/s over 25 GB/s, ≈ 18 with an 80 % hit rate.
        let m = ModelArch::by_id("mixtral-8x7b").unwrap_or_else(|| unreachable!());
        let bytes = expert_params(&m).map_or(0.0, |p| p * 4.9 / 8.0);
        assert!((bytes / 1e6 - 107.8).abs() < 0.5, "{bytes}");
        let cold = moe_offload_tokens_per_sec(&m, 4.9, 25.0, 0.0)?.unwrap_or(0.0);
        assert!((cold - 3.62).abs() < 0.02, "{cold}");
        let warm = moe_offload_tokens_per_sec(&m, 4.9, 25.0, 0.8)?.unwrap_or(0.0);
        assert!((warm - 18.1).abs() < 0.1, "{warm}");
        Ok(())
    }

    #[test]
    fn streaming_a_4_9_gb_model_from_flash() -> Result<(), InputError> {
        // 6 GiB/s over 4.9 GB per token: about 0.76 s per token (references, B7).
        let tps = flash_tokens_per_sec(4.9e9, 0.0, 6.0 * 1.073_741_824)?;
        assert!((1.0 / tps - 0.76).abs() < 0.01, "{}", 1.0 / tps);
        Ok(())
    }
}

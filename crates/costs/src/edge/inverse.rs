//! Inverse questions: the longest context that fits, the best format that fits, and the
//! devices that run a model at a target speed.

use serde::Serialize;

use super::devices::Device;
use super::formats::{WeightFormat, WEIGHT_FORMATS};
use super::realistic::EdgeInputs;
use crate::error::InputError;

/// The longest context (up to the model's own limit) whose memory fits the device, or
/// `None` when not even one token fits. Memory grows with context, so bisection works.
pub fn max_context(inputs: &EdgeInputs) -> Result<Option<f64>, InputError> {
    inputs.validate()?;
    let usable = inputs.device.usable_memory_gb();
    let fits = |ctx: f64| inputs.memory_gb(ctx) <= usable;
    if !fits(1.0) {
        return Ok(None);
    }
    let limit = inputs.model.context.max(1.0).floor();
    if fits(limit) {
        return Ok(Some(limit));
    }
    let (mut lo, mut hi) = (1.0_f64, limit);
    while hi - lo > 1.0 {
        let mid = ((lo + hi) / 2.0).floor();
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(Some(lo))
}

/// The format with the most bits per weight (the least quality loss) that fits.
pub fn best_format(inputs: &EdgeInputs) -> Result<Option<&'static WeightFormat>, InputError> {
    inputs.validate()?;
    let usable = inputs.device.usable_memory_gb();
    Ok(WEIGHT_FORMATS
        .iter()
        .filter(|f| {
            EdgeInputs { bits_per_weight: f.bits_per_weight, ..inputs.clone() }.memory_gb(inputs.context) <= usable
        })
        .max_by(|a, b| a.bits_per_weight.total_cmp(&b.bits_per_weight)))
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeviceVerdict {
    pub device: String,
    pub fits: bool,
    pub decode_tokens_per_sec: f64,
    pub meets_target: bool,
}

/// Every preset device with whether the model fits and reaches `min_tokens_per_sec`.
pub fn devices_meeting(inputs: &EdgeInputs, min_tokens_per_sec: f64) -> Result<Vec<DeviceVerdict>, InputError> {
    Device::all()
        .into_iter()
        .map(|device| {
            let id = device.id.clone();
            let r = EdgeInputs { device, ..inputs.clone() }.evaluate()?;
            Ok(DeviceVerdict {
                device: id,
                fits: r.fits,
                decode_tokens_per_sec: r.decode_tokens_per_sec,
                meets_target: r.fits && r.decode_tokens_per_sec >= min_tokens_per_sec,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edge::realistic::tests::iphone_llama;

    #[test]
    fn longest_context_on_an_iphone() -> Result<(), InputError> {
        // Llama 3.2 3B Q4_K_M: 3.21e9 · 4.8944 / 8 = 1.964 GB + 0.3 GB; usable 4.8 GB leaves
        // 2.536 GB for 114,688 B/token of KV: 22,110 tokens.
        let mut i = iphone_llama(4096.0);
        i.model = crate::edge::ModelArch::by_id("llama-3.2-3b").unwrap_or_else(|| unreachable!());
        let ctx = max_context(&i)?.unwrap_or(0.0);
        let expected: f64 = ((4.8e9_f64 - 3.21e9 * 4.8944 / 8.0 - 0.3e9) / 114_688.0).floor();
        assert_eq!(ctx, expected);
        // The 8B model's weights alone exceed the usable memory.
        assert_eq!(max_context(&iphone_llama(4096.0))?, None);
        Ok(())
    }

    #[test]
    fn best_format_for_the_8b_on_an_iphone() -> Result<(), InputError> {
        // 4.8 GB usable − 0.3 runtime − 0.537 KV = 3.96 GB for weights: 3.95 bits per weight
        // at most, so IQ3_M (3.76) is the best that fits.
        assert_eq!(best_format(&iphone_llama(4096.0))?.map(|f| f.id), Some("IQ3_M"));
        Ok(())
    }

    #[test]
    fn which_devices_run_the_8b_at_20_tokens_per_second() -> Result<(), InputError> {
        let verdicts = devices_meeting(&iphone_llama(4096.0), 20.0)?;
        let ok: Vec<&str> = verdicts.iter().filter(|v| v.meets_target).map(|v| v.device.as_str()).collect();
        assert!(ok.contains(&"apple-m2-max") && ok.contains(&"rtx-4090"));
        assert!(!ok.contains(&"iphone-16-pro") && !ok.contains(&"raspberry-pi-5"));
        Ok(())
    }
}

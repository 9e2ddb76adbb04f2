//! Property tests: relations the training model must keep for any valid input.

use frontier_costs::{AttentionMode, AttentionShape, TrainingInputs};
use proptest::prelude::*;

fn inputs() -> impl Strategy<Value = TrainingInputs> {
    (1e6..1e13f64, 1e9..1e15f64, 1u32..100_000, 0.1..1e5f64, 1.0..5000.0f64, 0.01..100.0f64, 0usize..3).prop_map(
        |(active_params, tokens, gpus, hours, peak_tflops, usd_per_gpu_hour, mode)| TrainingInputs {
            active_params,
            tokens,
            gpus: f64::from(gpus),
            hours,
            peak_tflops,
            usd_per_gpu_hour,
            attention: AttentionMode::ALL[mode],
            shape: AttentionShape::DEFAULT,
        },
    )
}

fn rel_eq(a: f64, b: f64) -> bool {
    ((a - b) / b).abs() < 1e-12
}

proptest! {
    #[test]
    fn cost_is_linear_in_hours(i in inputs(), k in 0.01..100.0f64) {
        let a = i.evaluate().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let b = TrainingInputs { hours: i.hours * k, ..i }.evaluate();
        prop_assume!(b.is_ok(), "scaled hours left the accepted range");
        let b = b.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(rel_eq(b.total_cost_usd, a.total_cost_usd * k));
        prop_assert!(rel_eq(b.mfu * k, a.mfu));
    }

    #[test]
    fn mfu_does_not_depend_on_price(i in inputs(), price in 0.01..1000.0f64) {
        let a = i.evaluate().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let b = TrainingInputs { usd_per_gpu_hour: price, ..i }.evaluate().map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(a.mfu, b.mfu);
        prop_assert_eq!(a.total_flops, b.total_flops);
    }

    #[test]
    fn counting_attention_never_lowers_mfu(i in inputs()) {
        let off = TrainingInputs { attention: AttentionMode::Off, ..i }.evaluate().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let causal = TrainingInputs { attention: AttentionMode::Causal, ..i }.evaluate().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let full = TrainingInputs { attention: AttentionMode::Full, ..i }.evaluate().map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(off.mfu < causal.mfu && causal.mfu < full.mfu);
        prop_assert!(rel_eq(full.attention_flops_per_token, 2.0 * causal.attention_flops_per_token));
    }

    #[test]
    fn effective_tflops_is_mfu_times_peak(i in inputs()) {
        let r = i.evaluate().map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(rel_eq(r.effective_tflops_per_gpu, r.mfu * i.peak_tflops));
        prop_assert!(rel_eq(r.tokens_per_dollar * r.total_cost_usd, i.tokens));
    }

    #[test]
    fn any_f64_input_is_either_rejected_or_gives_finite_outputs(v in proptest::num::f64::ANY, field in 0usize..6) {
        let mut i = TrainingInputs {
            active_params: 37e9, tokens: 14.8e12, gpus: 2048.0, hours: 1320.0, peak_tflops: 989.0,
            usd_per_gpu_hour: 2.0, attention: AttentionMode::Full, shape: AttentionShape::DEFAULT,
        };
        match field {
            0 => i.active_params = v,
            1 => i.tokens = v,
            2 => i.gpus = v,
            3 => i.hours = v,
            4 => i.peak_tflops = v,
            _ => i.usd_per_gpu_hour = v,
        }
        if let Ok(r) = i.evaluate() {
            prop_assert!(r.mfu.is_finite() && r.total_cost_usd.is_finite() && r.tokens_per_dollar.is_finite());
            prop_assert!(r.flops_per_dollar.is_finite() && r.effective_tflops_per_gpu.is_finite());
        }
    }
}

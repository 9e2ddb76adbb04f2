//! Property tests of the edge model: relations that must hold for any valid input.

use frontier_costs::edge::realistic::{DEFAULT_COMPUTE_EFFICIENCY, DEFAULT_RUNTIME_GB};
use frontier_costs::edge::{Device, EdgeInputs, KvFormat, MODELS};
use proptest::prelude::*;

fn inputs() -> impl Strategy<Value = EdgeInputs> {
    (0..MODELS.len(), 0..17usize, 1.0..16.0f64, 1.0..200_000.0f64, 1.0..64.0f64, 0..3usize).prop_map(
        |(m, d, bits, context, batch, kv)| EdgeInputs {
            model: MODELS[m].clone(),
            bits_per_weight: bits,
            kv_format: KvFormat::ALL[kv],
            context: context.round(),
            batch: batch.round(),
            device: Device::all().remove(d % Device::all().len()),
            runtime_gb: DEFAULT_RUNTIME_GB,
            compute_efficiency: DEFAULT_COMPUTE_EFFICIENCY,
            prompt_tokens: 512.0,
        },
    )
}

fn eval(i: &EdgeInputs) -> Result<frontier_costs::edge::EdgeReport, TestCaseError> {
    i.evaluate().map_err(|e| TestCaseError::fail(e.to_string()))
}

proptest! {
    #[test]
    fn more_bits_never_smaller_or_faster(i in inputs(), extra in 0.01..8.0f64) {
        let a = eval(&i)?;
        let b = eval(&EdgeInputs { bits_per_weight: i.bits_per_weight + extra, ..i.clone() })?;
        prop_assert!(b.weights_gb > a.weights_gb);
        prop_assert!(b.total_memory_gb > a.total_memory_gb);
        prop_assert!(b.decode_tokens_per_sec < a.decode_tokens_per_sec);
    }

    #[test]
    fn more_context_never_less_kv(i in inputs(), extra in 1.0..100_000.0f64) {
        let a = eval(&i)?;
        let b = eval(&EdgeInputs { context: i.context + extra.round(), ..i.clone() })?;
        prop_assert!(b.kv_cache_gb >= a.kv_cache_gb);
        prop_assert!(b.decode_tokens_per_sec <= a.decode_tokens_per_sec);
    }

    #[test]
    fn smaller_kv_formats_never_need_more(i in inputs()) {
        let f16 = eval(&EdgeInputs { kv_format: KvFormat::F16, ..i.clone() })?;
        let q8 = eval(&EdgeInputs { kv_format: KvFormat::Q8_0, ..i.clone() })?;
        let q4 = eval(&EdgeInputs { kv_format: KvFormat::Q4_0, ..i.clone() })?;
        prop_assert!(q4.kv_cache_gb <= q8.kv_cache_gb && q8.kv_cache_gb <= f16.kv_cache_gb);
    }

    #[test]
    fn fits_means_headroom_is_not_negative(i in inputs()) {
        let r = eval(&i)?;
        prop_assert_eq!(r.fits, r.headroom_gb >= 0.0);
        prop_assert!(r.decode_tokens_per_sec <= r.decode_ceiling_tokens_per_sec);
        prop_assert!(r.sustained_tokens_per_sec <= r.decode_tokens_per_sec);
    }

    #[test]
    fn config_parser_never_panics(s in ".{0,300}") {
        let _ = frontier_costs::edge::config::parse_config(&s, "fuzz");
    }

    #[test]
    fn config_parser_survives_arbitrary_numbers(layers in proptest::num::f64::ANY, hidden in proptest::num::f64::ANY) {
        let text = format!(r#"{{"hidden_size":{hidden},"num_hidden_layers":{layers},"num_attention_heads":8,"vocab_size":1000,"intermediate_size":64}}"#);
        if let Ok(m) = frontier_costs::edge::config::parse_config(&text, "fuzz") {
            prop_assert!(m.total_params.is_finite() && m.total_params > 0.0 && m.active_params <= m.total_params);
        }
    }
}

#[test]
fn every_preset_model_evaluates_on_every_device() {
    for m in MODELS {
        for d in Device::all() {
            let i = EdgeInputs {
                model: m.clone(),
                bits_per_weight: 4.8944,
                kv_format: KvFormat::F16,
                context: 4096.0,
                batch: 1.0,
                device: d,
                runtime_gb: DEFAULT_RUNTIME_GB,
                compute_efficiency: DEFAULT_COMPUTE_EFFICIENCY,
                prompt_tokens: 512.0,
            };
            assert!(i.evaluate().is_ok(), "{}", m.id);
        }
    }
}

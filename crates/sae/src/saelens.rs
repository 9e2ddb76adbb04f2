//! SAEs in SAELens's file layout: `sae_weights.safetensors` with `W_enc` [d_in, d_sae], `W_dec`
//! [d_sae, d_in], `b_enc` [d_sae], `b_dec` [d_in] (and `threshold` [d_sae] for JumpReLU), beside a
//! `cfg.json` naming the architecture.
//!
//! BatchTopK saves as JumpReLU with its learned threshold in every feature, as SAELens does; a
//! JumpReLU file loads back as BatchTopK inference when its thresholds are all equal.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::config::{Arch, SaeConfig};
use crate::error::SaeError;
use crate::io::{parse_safetensors, write_safetensors, InputError, Tensor};
use crate::model::Sae;
use crate::Matrix;

pub const WEIGHTS_FILE: &str = "sae_weights.safetensors";
pub const CONFIG_FILE: &str = "cfg.json";

/// What this project adds to `cfg.json` beyond SAELens's fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extras {
    /// The article's sparsity coefficient the SAE was trained with (`l1_coefficient`).
    pub l1_coefficient: Option<f32>,
    /// Free-form provenance (data, steps, seed, metrics), stored under `metadata`.
    pub metadata: Value,
}

/// The two files' contents: (weights, cfg.json text).
pub fn save(sae: &Sae, extras: &Extras) -> Result<(Vec<u8>, String), SaeError> {
    let cfg = sae.cfg;
    let tensor = |name: &str, shape: Vec<usize>, values: &[f32]| {
        Tensor::from_f32(name, shape, values).map_err(|e| SaeError::Weights(e.to_string()))
    };
    let mut tensors = vec![
        tensor("W_enc", vec![cfg.d_in, cfg.d_sae], &sae.w_enc.values)?,
        tensor("W_dec", vec![cfg.d_sae, cfg.d_in], &sae.w_dec.values)?,
        tensor("b_enc", vec![cfg.d_sae], &sae.b_enc)?,
        tensor("b_dec", vec![cfg.d_in], &sae.b_dec)?,
    ];
    let architecture = match cfg.arch {
        Arch::Relu => "standard",
        Arch::TopK => "topk",
        Arch::BatchTopK => {
            tensors.push(tensor("threshold", vec![cfg.d_sae], &vec![sae.threshold; cfg.d_sae])?);
            "jumprelu"
        }
    };
    let mut config = json!({
        "architecture": architecture,
        "d_in": cfg.d_in,
        "d_sae": cfg.d_sae,
        "dtype": "float32",
        "device": "cpu",
        "apply_b_dec_to_input": cfg.apply_b_dec_to_input,
        "normalize_activations": "none",
        "reshape_activations": "none",
        "metadata": extras.metadata,
    });
    if cfg.arch == Arch::TopK {
        config["k"] = json!(cfg.k);
        config["rescale_acts_by_decoder_norm"] = json!(false);
    }
    if cfg.arch == Arch::BatchTopK {
        // Where the threshold came from, so the file can be read back as BatchTopK.
        config["trained_as"] = json!({ "architecture": "batchtopk", "k": cfg.k });
    }
    if let Some(l1) = extras.l1_coefficient {
        config["l1_coefficient"] = json!(l1);
    }
    let text = serde_json::to_string_pretty(&config).map_err(|e| SaeError::Weights(e.to_string()))?;
    Ok((write_safetensors(&tensors, &BTreeMap::new()), text))
}

/// Reads an SAE from its weights and `cfg.json` text. Errors name the file and what is wrong.
pub fn load(weights: &[u8], config_json: &str) -> Result<(Sae, Extras), SaeError> {
    let config: Value =
        serde_json::from_str(config_json).map_err(|e| SaeError::Weights(format!("{CONFIG_FILE}: {e}")))?;
    let field =
        |name: &str| {
            config.get(name).and_then(Value::as_u64).map(|v| v as usize).filter(|&v| v > 0).ok_or_else(|| {
                SaeError::Weights(format!("{CONFIG_FILE}: `{name}` is missing or not a positive integer"))
            })
        };
    let (d_in, d_sae) = (field("d_in")?, field("d_sae")?);
    let architecture = config.get("architecture").and_then(Value::as_str).unwrap_or("standard");
    let st = parse_safetensors(weights).map_err(|e| weights_error(&e))?;
    let get = |name: &str, shape: &[usize]| -> Result<Vec<f32>, SaeError> {
        let t = st.get(name).ok_or_else(|| SaeError::Weights(format!("{WEIGHTS_FILE}: no tensor `{name}`")))?;
        if t.shape != shape {
            return Err(SaeError::Weights(format!(
                "{WEIGHTS_FILE}: `{name}` has shape {:?}; cfg.json's d_in = {d_in}, d_sae = {d_sae} need {shape:?}",
                t.shape
            )));
        }
        let values = t.to_f32().map_err(|e| weights_error(&e))?;
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            return Err(SaeError::Weights(format!("{WEIGHTS_FILE}: `{name}` element {i} is {}", values[i])));
        }
        Ok(values)
    };
    let w_enc = get("W_enc", &[d_in, d_sae])?;
    let w_dec = get("W_dec", &[d_sae, d_in])?;
    let b_enc = get("b_enc", &[d_sae])?;
    let b_dec = get("b_dec", &[d_in])?;
    let k_field = |value: Option<&Value>| value.and_then(Value::as_f64).map(|k| k.round() as usize).unwrap_or(0);
    let (arch, k, threshold) = match architecture {
        "standard" | "relu" => (Arch::Relu, 0, 0.0),
        "topk" => (Arch::TopK, k_field(config.get("k")), 0.0),
        "jumprelu" => {
            let t = get("threshold", &[d_sae])?;
            let first = t.first().copied().unwrap_or(0.0);
            if t.iter().any(|&v| v != first) {
                return Err(SaeError::Weights(format!(
                    "{CONFIG_FILE}: a JumpReLU SAE with a different threshold per feature is not supported here \
                     (only one shared threshold, as BatchTopK saves)"
                )));
            }
            (Arch::BatchTopK, k_field(config.pointer("/trained_as/k")).max(1), first)
        }
        other => {
            return Err(SaeError::Weights(format!(
                "{CONFIG_FILE}: architecture `{other}` is not supported (standard, topk, jumprelu)"
            )))
        }
    };
    let apply_b_dec_to_input = config.get("apply_b_dec_to_input").and_then(Value::as_bool).unwrap_or(true);
    let normalize = config.get("normalize_activations").and_then(Value::as_str).unwrap_or("none");
    if normalize != "none" {
        return Err(SaeError::Weights(format!(
            "{CONFIG_FILE}: normalize_activations = `{normalize}` needs the original activation scale; only `none` is supported"
        )));
    }
    let cfg = SaeConfig { d_in, d_sae, arch, k, apply_b_dec_to_input };
    cfg.validate()?;
    let matrix = |rows, cols, values| Matrix::from_vec(rows, cols, values).unwrap_or_default();
    let sae =
        Sae { cfg, w_enc: matrix(d_in, d_sae, w_enc), b_enc, w_dec: matrix(d_sae, d_in, w_dec), b_dec, threshold };
    let extras = Extras {
        l1_coefficient: config.get("l1_coefficient").and_then(Value::as_f64).map(|v| v as f32),
        metadata: config.get("metadata").cloned().unwrap_or(Value::Null),
    };
    Ok((sae, extras))
}

fn weights_error(e: &InputError) -> SaeError {
    SaeError::Weights(format!("{WEIGHTS_FILE}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::InitScheme;
    use crate::rng::Rng;

    #[test]
    fn every_architecture_round_trips() {
        for (arch, k) in [(Arch::Relu, 0), (Arch::TopK, 3), (Arch::BatchTopK, 2)] {
            let cfg = SaeConfig { d_in: 3, d_sae: 7, arch, k, apply_b_dec_to_input: arch != Arch::Relu };
            let mut sae = Sae::init(cfg, InitScheme::Article, false, &mut Rng::new(9));
            sae.threshold = if arch == Arch::BatchTopK { 0.25 } else { 0.0 };
            let extras = Extras { l1_coefficient: Some(0.004), metadata: json!({ "steps": 10 }) };
            let (weights, text) = save(&sae, &extras).unwrap_or_else(|e| panic!("{e}"));
            let (back, back_extras) = load(&weights, &text).unwrap_or_else(|e| panic!("{arch:?}: {e}"));
            assert_eq!(back, sae);
            assert_eq!(back_extras, extras);
        }
    }

    #[test]
    fn shape_mismatches_name_the_tensor() {
        let cfg = SaeConfig { d_in: 3, d_sae: 7, arch: Arch::Relu, k: 0, apply_b_dec_to_input: true };
        let sae = Sae::init(cfg, InitScheme::Tied, true, &mut Rng::new(1));
        let (weights, text) = save(&sae, &Extras::default()).unwrap_or_else(|e| panic!("{e}"));
        let wrong = text.replace("\"d_sae\": 7", "\"d_sae\": 8");
        match load(&weights, &wrong) {
            Err(SaeError::Weights(m)) => assert!(m.contains("`W_enc` has shape [3, 7]"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}

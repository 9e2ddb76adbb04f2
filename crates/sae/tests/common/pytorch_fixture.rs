//! The PyTorch float64 fixture (`tests/reference/sae_reference.py` → `fixtures/sae_reference.json`):
//! six cases of an SAE, a batch, step settings and what autograd and `torch.optim.Adam` computed.
//! Read by this crate's reference tests and by the GPU backend's conformance suite.

#![allow(dead_code)]

use frontier_sae::config::{Arch, SaeConfig};
use frontier_sae::{Matrix, Sae, StepParams};
use serde_json::Value;

const FIXTURE: &str = include_str!("../fixtures/sae_reference.json");

pub fn matrix(v: &Value) -> Matrix {
    let rows: Vec<Vec<f32>> = v
        .as_array()
        .unwrap_or_else(|| panic!("not a matrix"))
        .iter()
        .map(|r| r.as_array().unwrap_or_else(|| panic!("not a row")).iter().map(number).collect())
        .collect();
    let cols = rows.first().map_or(0, Vec::len);
    Matrix::from_vec(rows.len(), cols, rows.concat()).unwrap_or_else(|| panic!("ragged matrix"))
}

pub fn vector(v: &Value) -> Vec<f32> {
    v.as_array().unwrap_or_else(|| panic!("not a vector")).iter().map(number).collect()
}

pub fn number(v: &Value) -> f32 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}")) as f32
}

pub struct Case {
    pub name: String,
    pub sae: Sae,
    pub x: Matrix,
    pub params: StepParams,
    pub dead: Vec<usize>,
    pub expected: Value,
}

pub fn cases() -> Vec<Case> {
    let fixture: Value = serde_json::from_str(FIXTURE).unwrap_or_else(|e| panic!("fixture: {e}"));
    let list = fixture["cases"].as_array().unwrap_or_else(|| panic!("no cases")).clone();
    list.into_iter()
        .map(|c| {
            let arch = Arch::parse(c["arch"].as_str().unwrap_or("")).unwrap_or_else(|| panic!("arch"));
            let cfg = SaeConfig {
                d_in: c["d_in"].as_u64().unwrap_or(0) as usize,
                d_sae: c["d_sae"].as_u64().unwrap_or(0) as usize,
                arch,
                k: c["k"].as_u64().unwrap_or(0) as usize,
                apply_b_dec_to_input: c["apply_b_dec_to_input"].as_bool().unwrap_or(false),
            };
            let sae = Sae {
                cfg,
                w_enc: matrix(&c["W_enc"]),
                b_enc: vector(&c["b_enc"]),
                w_dec: matrix(&c["W_dec"]),
                b_dec: vector(&c["b_dec"]),
                threshold: 0.0,
            };
            let auxk = &c["auxk"];
            let dead: Vec<usize> = auxk["dead"]
                .as_array()
                .map(|d| d.iter().map(|v| v.as_u64().unwrap_or(0) as usize).collect())
                .unwrap_or_default();
            let params = StepParams {
                step: 0,
                lr: number(&c["lr"]),
                l1_coeff: number(&c["l1_coeff"]),
                beta1: 0.9,
                beta2: 0.999,
                eps: 1e-8,
                unit_norm_decoder: c["unit_norm_decoder"].as_bool().unwrap_or(false),
                auxk_coeff: auxk.get("coeff").map_or(0.0, number),
                k_aux: auxk.get("k_aux").and_then(Value::as_u64).unwrap_or(0) as usize,
                dead_window: 1,
            };
            Case {
                name: c["name"].as_str().unwrap_or("").to_string(),
                sae,
                x: matrix(&c["x"]),
                params,
                dead,
                expected: c["expected"].clone(),
            }
        })
        .collect()
}

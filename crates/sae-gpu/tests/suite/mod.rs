//! One conformance suite for every SAE backend. Each check runs a backend ([`Subject`]) and holds
//! its numbers to an independent reference — the PyTorch float64 fixture of `frontier-sae`
//! (`tests/reference/sae_reference.py`) or the plain float64 step in `reference.rs` — with the
//! same tolerance for all: relative 0.5 %, absolute 1e-5.
//!
//! `tests/native.rs` runs it on the CPU backend and on wgpu natively (lavapipe in CI);
//! `tests/browser.rs` runs it on WebGPU in headless Chromium.

#![allow(dead_code)]

#[path = "../../../sae/tests/common/pytorch_fixture.rs"]
pub mod pytorch_fixture;
pub mod reference;
pub mod selection;
pub mod subjects;

use frontier_sae::config::{Arch, SaeConfig};
use frontier_sae::rng::Rng;
use frontier_sae::{Matrix, Sae, StepParams, StepStats};
use frontier_sae_gpu::Until;
use pytorch_fixture::{cases, matrix, number, vector, Case};

pub const RTOL: f64 = 5e-3;
pub const ATOL: f64 = 1e-5;

/// What a backend returns after some steps.
pub struct Outcome {
    pub stats: Vec<StepStats>,
    /// Pre-activations, features and reconstruction of the last step.
    pub forward: [Vec<f32>; 3],
    /// Gradients of the last step (when it stopped at [`Until::Gradients`]).
    pub grads: Option<[Vec<f32>; 4]>,
    pub sae: Sae,
    pub steps_since_fired: Vec<u64>,
}

/// A backend under test.
#[allow(async_fn_in_trait)]
pub trait Subject {
    fn name(&self) -> String;
    /// Whether it trains this configuration.
    fn supports(&self, cfg: &SaeConfig, params: &StepParams) -> bool;
    /// Runs one step per batch from `sae` (firing counters `counts`), the last one up to `until`.
    async fn run(
        &mut self,
        sae: &Sae,
        counts: &[u64],
        batches: &[Matrix],
        params: &[StepParams],
        until: Until,
    ) -> Outcome;
    /// Resamples `features` of `sae` and returns the weights and counters after.
    async fn resample(
        &mut self,
        sae: &Sae,
        counts: &[u64],
        features: &[usize],
        directions: &Matrix,
        norm: f32,
    ) -> (Sae, Vec<u64>);
}

/// |got − want| ≤ atol + rtol·|want| for every element, naming the first that is not.
pub fn assert_close<T: Into<f64> + Copy>(what: &str, got: &[f32], want: &[T], atol: f64) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let (g, w) = (f64::from(g), w.into());
        assert!((g - w).abs() <= atol + RTOL * w.abs(), "{what}[{i}] = {g}, the reference says {w}");
    }
}

fn scalar(what: &str, got: f32, want: f64) {
    assert_close(what, &[got], &[want], ATOL);
}

// --- The PyTorch fixture -------------------------------------------------------------------------

fn counts_for(case: &Case) -> Vec<u64> {
    (0..case.sae.cfg.d_sae).map(|j| if case.dead.contains(&j) { 10 } else { 0 }).collect()
}

/// Forward pass, every loss term and every gradient against PyTorch autograd. Returns how many
/// cases the subject ran.
pub async fn fixture_forward_and_gradients<S: Subject>(s: &mut S) -> usize {
    let mut ran = 0;
    for case in cases() {
        let raw = StepParams { unit_norm_decoder: false, ..case.params };
        if !s.supports(&case.sae.cfg, &raw) {
            continue;
        }
        ran += 1;
        let who = format!("{} on {}", case.name, s.name());
        let out = s.run(&case.sae, &counts_for(&case), std::slice::from_ref(&case.x), &[raw], Until::Gradients).await;
        let e = &case.expected;
        assert_close(&format!("{who}: pre-activations"), &out.forward[0], &matrix(&e["pre_activations"]).values, ATOL);
        if case.sae.cfg.arch != Arch::BatchTopK {
            assert_close(&format!("{who}: features"), &out.forward[1], &matrix(&e["features"]).values, ATOL);
            assert_close(
                &format!("{who}: reconstruction"),
                &out.forward[2],
                &matrix(&e["reconstruction"]).values,
                ATOL,
            );
        }
        let stats = out.stats[0];
        scalar(&format!("{who}: mse"), stats.mse, f64::from(number(&e["mse"])));
        scalar(&format!("{who}: sparsity"), stats.sparsity_loss, f64::from(number(&e["sparsity_loss"])));
        scalar(&format!("{who}: AuxK"), stats.aux_loss, f64::from(number(&e["aux_loss"])));
        scalar(&format!("{who}: loss"), stats.loss, f64::from(number(&e["loss"])));
        let g = out.grads.unwrap_or_else(|| panic!("{who}: no gradients"));
        let want = &e["grad"];
        assert_close(&format!("{who}: dW_enc"), &g[0], &matrix(&want["W_enc"]).values, ATOL);
        assert_close(&format!("{who}: db_enc"), &g[1], &vector(&want["b_enc"]), ATOL);
        assert_close(&format!("{who}: dW_dec"), &g[2], &matrix(&want["W_dec"]).values, ATOL);
        assert_close(&format!("{who}: db_dec"), &g[3], &vector(&want["b_dec"]), ATOL);
    }
    ran
}

/// One whole step (Adam, the unit-norm decoder) against `torch.optim.Adam`.
pub async fn fixture_adam_step<S: Subject>(s: &mut S) -> usize {
    let mut ran = 0;
    for case in cases() {
        if !s.supports(&case.sae.cfg, &case.params) {
            continue;
        }
        ran += 1;
        let who = format!("{} on {}", case.name, s.name());
        let out =
            s.run(&case.sae, &counts_for(&case), std::slice::from_ref(&case.x), &[case.params], Until::Update).await;
        let after = &case.expected["after_adam_step"];
        // A first Adam step moves each element by about lr·sign(g): an element whose gradient is
        // near zero moves by an amount set by the gradient's last bits, so the absolute tolerance
        // here is a tenth of lr.
        let atol = f64::from(case.params.lr) * 0.1;
        assert_close(&format!("{who}: W_enc"), &out.sae.w_enc.values, &matrix(&after["W_enc"]).values, atol);
        assert_close(&format!("{who}: b_enc"), &out.sae.b_enc, &vector(&after["b_enc"]), atol);
        assert_close(&format!("{who}: W_dec"), &out.sae.w_dec.values, &matrix(&after["W_dec"]).values, atol);
        assert_close(&format!("{who}: b_dec"), &out.sae.b_dec, &vector(&after["b_dec"]), atol);
    }
    ran
}

// --- Shapes the fixture does not cover, against the float64 reference ---------------------------

/// A random SAE with unit-norm decoder rows and small random biases.
pub fn random_sae(cfg: SaeConfig, seed: u64) -> Sae {
    let mut rng = Rng::new(seed);
    let (d_in, d_sae) = (cfg.d_in, cfg.d_sae);
    let scale = 1.0 / (d_in as f32).sqrt();
    let w_enc = Matrix::from_vec(d_in, d_sae, (0..d_in * d_sae).map(|_| rng.normal() as f32 * scale).collect());
    let mut w_dec: Vec<f32> = (0..d_sae * d_in).map(|_| rng.normal() as f32).collect();
    for row in w_dec.chunks_exact_mut(d_in) {
        let norm = row.iter().map(|v| v * v).sum::<f32>().sqrt();
        row.iter_mut().for_each(|v| *v /= norm);
    }
    Sae {
        cfg,
        w_enc: w_enc.unwrap_or_else(|| panic!("shape")),
        b_enc: (0..d_sae).map(|_| 0.1 * rng.normal() as f32).collect(),
        w_dec: Matrix::from_vec(d_sae, d_in, w_dec).unwrap_or_else(|| panic!("shape")),
        b_dec: (0..d_in).map(|_| 0.1 * rng.normal() as f32).collect(),
        threshold: 0.0,
    }
}

pub fn random_batch(rows: usize, cols: usize, seed: u64) -> Matrix {
    let mut rng = Rng::new(seed);
    Matrix::from_vec(rows, cols, (0..rows * cols).map(|_| rng.normal() as f32).collect())
        .unwrap_or_else(|| panic!("shape"))
}

pub fn params(lr: f32, l1: f32, unit_norm: bool) -> StepParams {
    StepParams { lr, l1_coeff: l1, unit_norm_decoder: unit_norm, dead_window: 3, ..StepParams::benchmark(0) }
}

/// The shapes: edges of both matrix-product tiles (sides not multiples of 64 or 128), the large
/// tile, and TopK over rows wider than a workgroup.
pub fn shapes() -> Vec<(&'static str, SaeConfig, usize)> {
    let cfg = |d_in, d_sae, arch, k, centre| SaeConfig { d_in, d_sae, arch, k, apply_b_dec_to_input: centre };
    vec![
        ("ragged edges", cfg(5, 130, Arch::Relu, 0, true), 67),
        ("large tile", cfg(128, 256, Arch::Relu, 0, true), 200),
        ("topk, wide rows", cfg(24, 700, Arch::TopK, 9, false), 33),
        ("topk, k = 1", cfg(16, 64, Arch::TopK, 1, true), 20),
    ]
}

/// Forward pass, loss and gradients (with the radial projection) against the float64 reference.
pub async fn shapes_forward_and_gradients<S: Subject>(s: &mut S) {
    for (n, (name, cfg, rows)) in shapes().into_iter().enumerate() {
        let who = format!("{name} on {}", s.name());
        let sae = random_sae(cfg, 10 + n as u64);
        let x = random_batch(rows, cfg.d_in, 100 + n as u64);
        let p = params(1e-3, 0.5, true);
        let want = reference::step(&sae, &x, &p);
        let out = s.run(&sae, &vec![0; cfg.d_sae], std::slice::from_ref(&x), &[p], Until::Gradients).await;
        assert_close(&format!("{who}: pre-activations"), &out.forward[0], &want.h, ATOL);
        assert_close(&format!("{who}: features"), &out.forward[1], &want.f, ATOL);
        assert_close(&format!("{who}: reconstruction"), &out.forward[2], &want.recon, ATOL);
        scalar(&format!("{who}: mse"), out.stats[0].mse, want.mse);
        scalar(&format!("{who}: sparsity"), out.stats[0].sparsity_loss, want.sparsity);
        assert_close(&format!("{who}: L0"), &[out.stats[0].l0], &[want.l0], 0.0);
        let g = out.grads.unwrap_or_else(|| panic!("{who}: no gradients"));
        for (t, label) in ["dW_enc", "db_enc", "dW_dec", "db_dec"].iter().enumerate() {
            assert_close(&format!("{who}: {label}"), &g[t], &want.grads[t], ATOL);
        }
    }
}

/// A whole first step against the float64 reference's Adam step and renormalisation.
pub async fn shapes_first_step<S: Subject>(s: &mut S) {
    for (n, (name, cfg, rows)) in shapes().into_iter().enumerate() {
        let who = format!("{name} on {}", s.name());
        let sae = random_sae(cfg, 20 + n as u64);
        let x = random_batch(rows, cfg.d_in, 200 + n as u64);
        let p = params(1e-3, 0.5, true);
        let want = reference::after_first_step(&sae, &reference::step(&sae, &x, &p), &p);
        let out = s.run(&sae, &vec![0; cfg.d_sae], std::slice::from_ref(&x), &[p], Until::Update).await;
        let atol = f64::from(p.lr) * 0.1;
        assert_close(&format!("{who}: W_enc"), &out.sae.w_enc.values, &want[0], atol);
        assert_close(&format!("{who}: b_enc"), &out.sae.b_enc, &want[1], atol);
        assert_close(&format!("{who}: W_dec"), &out.sae.w_dec.values, &want[2], atol);
        assert_close(&format!("{who}: b_dec"), &out.sae.b_dec, &want[3], atol);
    }
}

/// Dead-feature counters: features whose encoder can never fire count up every step and are
/// reported dead once they reach the window; the others reset when they fire.
pub async fn dead_feature_counters<S: Subject>(s: &mut S) {
    let cfg = SaeConfig { d_in: 8, d_sae: 40, arch: Arch::Relu, k: 0, apply_b_dec_to_input: false };
    let mut sae = random_sae(cfg, 5);
    let silenced = [3usize, 17, 39];
    for &j in &silenced {
        (0..cfg.d_in).for_each(|i| sae.w_enc.values[i * cfg.d_sae + j] = 0.0);
        sae.b_enc[j] = -1.0;
    }
    let batches: Vec<Matrix> = (0..4).map(|b| random_batch(64, cfg.d_in, 300 + b)).collect();
    let p: Vec<StepParams> = (0..4).map(|t| StepParams { step: t, lr: 1e-4, ..params(1e-4, 0.0, true) }).collect();
    let counts: Vec<u64> = (0..cfg.d_sae).map(|j| if j == 5 { 7 } else { 0 }).collect();
    let out = s.run(&sae, &counts, &batches, &p, Until::Update).await;
    let who = s.name();
    // The window is 3 steps: after 2 steps nothing is dead, after 3 and 4 the three silenced are.
    let dead: Vec<usize> = out.stats.iter().map(|st| st.dead).collect();
    for &j in &silenced {
        assert_eq!(out.steps_since_fired[j], 4, "{who}: feature {j} never fired in 4 steps");
    }
    assert_eq!(&dead[..2], &[0, 0], "{who}: dead after steps 1 and 2");
    assert!(dead[2] >= 3 && dead[3] >= 3, "{who}: dead after steps 3 and 4: {dead:?}");
    // Feature 5 started at 7 steps without firing: it fires on this data, so its counter resets.
    assert!(out.steps_since_fired[5] < 7, "{who}: feature 5 fired and its counter reset");
}

/// Resampling writes unit decoder rows, scaled encoder columns, zero biases and counters.
pub async fn resampling<S: Subject>(s: &mut S) {
    let cfg = SaeConfig { d_in: 6, d_sae: 20, arch: Arch::Relu, k: 0, apply_b_dec_to_input: true };
    let sae = random_sae(cfg, 9);
    let counts = vec![50; cfg.d_sae];
    let directions = Matrix::from_vec(2, 6, vec![3.0, 0.0, 4.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -2.0])
        .unwrap_or_else(|| panic!("shape"));
    let (after, counters) = s.resample(&sae, &counts, &[4, 11], &directions, 0.5).await;
    let who = s.name();
    // Hand-computed: (3, 0, 4)/5 and (0, …, −1).
    assert_close(&format!("{who}: decoder row 4"), after.w_dec.row(4), &[0.6f32, 0.0, 0.8, 0.0, 0.0, 0.0], ATOL);
    assert_close(&format!("{who}: decoder row 11"), after.w_dec.row(11), &[0.0f32, 0.0, 0.0, 0.0, 0.0, -1.0], ATOL);
    let column = |j: usize| (0..cfg.d_in).map(|i| after.w_enc.values[i * cfg.d_sae + j]).collect::<Vec<f32>>();
    assert_close(&format!("{who}: encoder column 4"), &column(4), &[0.3f32, 0.0, 0.4, 0.0, 0.0, 0.0], ATOL);
    assert_eq!((after.b_enc[4], after.b_enc[11]), (0.0, 0.0), "{who}: biases");
    assert_eq!((counters[4], counters[11], counters[0]), (0, 0, 50), "{who}: counters");
    assert_eq!(after.w_dec.row(5), sae.w_dec.row(5), "{who}: an untouched row");
}

/// Thirty steps of training on the same batches: each step's loss, MSE and L0 against the CPU
/// backend's, and the loss falls.
pub async fn training_curve<S: Subject>(s: &mut S) -> Vec<StepStats> {
    let cfg = SaeConfig { d_in: 32, d_sae: 128, arch: Arch::Relu, k: 0, apply_b_dec_to_input: true };
    let sae = random_sae(cfg, 77);
    let batches: Vec<Matrix> = (0..30).map(|b| random_batch(128, cfg.d_in, 400 + b)).collect();
    let p: Vec<StepParams> = (0..30).map(|t| StepParams { step: t, ..params(3e-3, 1.0, true) }).collect();
    let out = s.run(&sae, &vec![0; cfg.d_sae], &batches, &p, Until::Update).await;
    assert_eq!(out.stats.len(), 30);
    assert!(out.stats[29].mse < 0.9 * out.stats[0].mse, "{}: the loss fell: {:?}", s.name(), out.stats);
    out.stats
}

//! The CPU backend against a PyTorch float64 run (tests/reference/sae_reference.py): pre-activations,
//! features, reconstruction, each loss term, the gradients of every parameter, one Adam step (with
//! and without the unit-norm decoder), and the article's `get_top_features`. Natively and in headless
//! Chromium, where the products run on our own wasm kernel (built with and without relaxed SIMD, through `crates/sae-gpu/tests/cpu_wasm.rs`).

#[path = "common/pytorch_fixture.rs"]
mod pytorch_fixture;

use frontier_sae::config::Arch;
use frontier_sae::{Backend, CpuBackend, Matrix, StepParams};
use pytorch_fixture::{cases, matrix, number, vector, Case};

/// |a − b| ≤ atol + rtol·|b| for every element, naming the first that is not.
fn assert_close(what: &str, case: &str, got: &[f32], want: &[f32], atol: f32, rtol: f32) {
    assert_eq!(got.len(), want.len(), "{case}: {what} length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= atol + rtol * w.abs(), "{case}: {what}[{i}] = {g}, PyTorch says {w}");
    }
}

fn backend(case: &Case) -> CpuBackend {
    let mut backend = CpuBackend::new(case.sae.clone());
    let counts: Vec<u64> = (0..case.sae.cfg.d_sae).map(|j| if case.dead.contains(&j) { 10 } else { 0 }).collect();
    backend.set_steps_since_fired(&counts);
    backend
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn there_are_six_cases_covering_every_architecture() {
    let cases = cases();
    assert_eq!(cases.len(), 6);
    for arch in [Arch::Relu, Arch::TopK, Arch::BatchTopK] {
        assert!(cases.iter().any(|c| c.sae.cfg.arch == arch));
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn pre_activations_features_and_reconstruction_match_pytorch() {
    for case in cases() {
        let e = &case.expected;
        let h = case.sae.pre_activations(&case.x).unwrap_or_else(|e| panic!("{e}"));
        assert_close("pre_activations", &case.name, &h.values, &matrix(&e["pre_activations"]).values, 1e-5, 1e-5);
        if case.sae.cfg.arch != Arch::BatchTopK {
            // BatchTopK's inference rule is a threshold; its training rule is checked below.
            let f = case.sae.encode(&case.x).unwrap_or_else(|e| panic!("{e}"));
            assert_close("features", &case.name, &f.values, &matrix(&e["features"]).values, 1e-5, 1e-5);
            let recon = case.sae.decode(&f).unwrap_or_else(|e| panic!("{e}"));
            assert_close("reconstruction", &case.name, &recon.values, &matrix(&e["reconstruction"]).values, 1e-5, 1e-5);
        }
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn losses_and_gradients_match_pytorch() {
    for case in cases() {
        let e = &case.expected;
        let mut backend = backend(&case);
        // The fixture's gradients are autograd's, before the unit-norm projection.
        let raw = StepParams { unit_norm_decoder: false, ..case.params };
        let stats = backend.loss_and_grads(&case.x, &raw).unwrap_or_else(|err| panic!("{}: {err}", case.name));
        for (what, got, want) in [
            ("mse", stats.mse, &e["mse"]),
            ("sparsity_loss", stats.sparsity_loss, &e["sparsity_loss"]),
            ("aux_loss", stats.aux_loss, &e["aux_loss"]),
            ("loss", stats.loss, &e["loss"]),
        ] {
            assert_close(what, &case.name, &[got], &[number(want)], 1e-6, 1e-5);
        }
        let g = backend.grads();
        let want = &e["grad"];
        assert_close("dW_enc", &case.name, &g.w_enc, &matrix(&want["W_enc"]).values, 1e-6, 1e-4);
        assert_close("db_enc", &case.name, &g.b_enc, &vector(&want["b_enc"]), 1e-6, 1e-4);
        assert_close("dW_dec", &case.name, &g.w_dec, &matrix(&want["W_dec"]).values, 1e-6, 1e-4);
        assert_close("db_dec", &case.name, &g.b_dec, &vector(&want["b_dec"]), 1e-6, 1e-4);
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn one_adam_step_matches_torch_optim_adam() {
    for case in cases() {
        let mut backend = backend(&case);
        backend.train_step(&case.x, &case.params).unwrap_or_else(|err| panic!("{}: {err}", case.name));
        let sae = backend.sae();
        let after = &case.expected["after_adam_step"];
        // A first Adam step is lr·g/(|g| + eps): an element whose gradient is near zero moves by an
        // amount that depends on the gradient's last bits, so the tolerance is a tenth of lr.
        let atol = case.params.lr * 0.1;
        assert_close("W_enc", &case.name, &sae.w_enc.values, &matrix(&after["W_enc"]).values, atol, 1e-5);
        assert_close("b_enc", &case.name, &sae.b_enc, &vector(&after["b_enc"]), atol, 1e-5);
        assert_close("W_dec", &case.name, &sae.w_dec.values, &matrix(&after["W_dec"]).values, atol, 1e-5);
        assert_close("b_dec", &case.name, &sae.b_dec, &vector(&after["b_dec"]), atol, 1e-5);
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn top_features_match_the_articles_get_top_features() {
    for case in cases().into_iter().filter(|c| !c.sae.cfg.apply_b_dec_to_input && c.sae.cfg.arch == Arch::Relu) {
        let top = &case.expected["top_features"];
        let k = top["k"].as_u64().unwrap_or(0) as usize;
        let first = Matrix::from_vec(1, case.x.cols, case.x.row(0).to_vec()).unwrap_or_else(|| panic!("row"));
        let got = &case.sae.top_features(&first, k).unwrap_or_else(|e| panic!("{e}"))[0];
        let indices: Vec<usize> = top["indices"]
            .as_array()
            .unwrap_or_else(|| panic!("indices"))
            .iter()
            .map(|v| v.as_u64().unwrap_or(0) as usize)
            .collect();
        assert_eq!(got.iter().map(|p| p.0).collect::<Vec<_>>(), indices, "{}", case.name);
        assert_close(
            "top values",
            &case.name,
            &got.iter().map(|p| p.1).collect::<Vec<_>>(),
            &vector(&top["values"]),
            1e-5,
            1e-5,
        );
    }
}

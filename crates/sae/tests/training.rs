//! Training behaviour: a seed gives the same SAE bit for bit; resampling revives dead features;
//! AuxK gives dead TopK features a gradient; too big an SAE is refused before allocating.

use frontier_sae::config::{Arch, TrainConfig};
use frontier_sae::data::{SparseCodingSpec, SyntheticSpec};
use frontier_sae::memory::WASM_BUDGET_BYTES;
use frontier_sae::train::initial_sae;
use frontier_sae::{Backend, CpuBackend, SaeError, Trainer};

fn data() -> frontier_sae::data::DataSource {
    let spec = SparseCodingSpec { n_features: 32, d: 16, avg_active: 3.0, decay: 0.99, correlation: 0.0, seed: 3 };
    SyntheticSpec::SparseCoding(spec).build().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_same_seed_gives_the_same_weights() {
    let run = |seed| {
        let mut cfg = TrainConfig::recommended(16, 64, Arch::Relu, 0, 200);
        cfg.seed = seed;
        cfg.batch = 128;
        let mut t = Trainer::new(cfg, data(), WASM_BUDGET_BYTES).unwrap_or_else(|e| panic!("{e}"));
        t.run(200).unwrap_or_else(|e| panic!("{e}"));
        t.sae()
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7).w_dec, run(8).w_dec);
}

/// A ReLU SAE whose first 16 features start with an encoder bias of −100 (they can never fire).
fn with_killed_features(cfg: TrainConfig) -> Trainer {
    let (mut sae, rng) = initial_sae(&cfg, &data(), WASM_BUDGET_BYTES).unwrap_or_else(|e| panic!("{e}"));
    sae.b_enc[..16].iter_mut().for_each(|b| *b = -100.0);
    Trainer::with_backend(cfg, data(), CpuBackend::new(sae), rng)
}

#[test]
fn resampling_revives_dead_features() {
    let mut cfg = TrainConfig::recommended(16, 64, Arch::Relu, 0, 600);
    cfg.batch = 256;
    cfg.dead.window_steps = 50;
    cfg.dead.resample_every = 100;
    let dead_at_end = |resample: bool| {
        let mut cfg = cfg;
        if !resample {
            cfg.dead.resample_every = 0;
        }
        let mut t = with_killed_features(cfg);
        t.run(cfg.steps).unwrap_or_else(|e| panic!("{e}"));
        let counts = t.backend().steps_since_fired();
        (counts.iter().filter(|&&c| c >= 50).count(), t.resampled())
    };
    let (dead_without, resampled_without) = dead_at_end(false);
    assert!(dead_without >= 16, "the killed features stay dead without resampling: {dead_without}");
    assert_eq!(resampled_without, 0);
    let (dead_with, resampled_with) = dead_at_end(true);
    assert!(resampled_with >= 16, "{resampled_with} resampled");
    assert!(dead_with < 8, "{dead_with} features still dead after resampling");
}

#[test]
fn auxk_gives_dead_topk_features_a_gradient() {
    // With AuxK off, a dead feature's encoder gets no gradient at all; with it on, it does.
    let cfg = TrainConfig::recommended(16, 64, Arch::TopK, 4, 10);
    let (sae, _) = initial_sae(&cfg, &data(), WASM_BUDGET_BYTES).unwrap_or_else(|e| panic!("{e}"));
    let batch = data().try_evaluation_sample(1, 64).unwrap_or_else(|e| panic!("{e}"));
    let mut params = frontier_sae::StepParams {
        step: 0,
        lr: 1e-3,
        l1_coeff: 0.0,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        unit_norm_decoder: true,
        auxk_coeff: 0.0,
        k_aux: 8,
        dead_window: 5,
    };
    let dead_grad = |params: &frontier_sae::StepParams| {
        let mut backend = CpuBackend::new(sae.clone());
        let mut counts = vec![0u64; 64];
        counts[..32].iter_mut().for_each(|c| *c = 10); // features 0–31 count as dead
        backend.set_steps_since_fired(&counts);
        backend.loss_and_grads(&batch, params).unwrap_or_else(|e| panic!("{e}"));
        // Encoder columns of dead features that were not in any row's top k.
        backend.grads().b_enc[..32].iter().map(|g| g.abs()).sum::<f32>()
    };
    let without = dead_grad(&params);
    params.auxk_coeff = 1.0 / 32.0;
    let with = dead_grad(&params);
    assert!(with > without, "AuxK adds gradient to dead features: {without} → {with}");
}

#[test]
fn an_sae_too_big_for_the_page_is_refused_with_its_size() {
    let spec = SparseCodingSpec { n_features: 16, d: 1024, avg_active: 2.0, decay: 1.0, correlation: 0.0, seed: 0 };
    let data = SyntheticSpec::SparseCoding(spec).build().unwrap_or_else(|e| panic!("{e}"));
    let mut cfg = TrainConfig::recommended(1024, 65_536, Arch::Relu, 0, 10);
    cfg.batch = 1024;
    match Trainer::new(cfg, data, WASM_BUDGET_BYTES) {
        Err(SaeError::TooBig { needed, limit }) => {
            assert_eq!(limit, "1.00 GiB");
            assert!(needed.ends_with("GiB"), "{needed}");
        }
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("a 65,536-feature SAE on 1024 dimensions (4.3 GB with Adam) must be refused in the page"),
    }
}

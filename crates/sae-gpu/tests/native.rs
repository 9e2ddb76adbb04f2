#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The conformance suite on the CPU backend and on wgpu natively (in CI, Mesa's lavapipe: Vulkan on
//! the CPU). Without any GPU adapter the wgpu half fails, naming what it found, unless
//! `FRONTIER_ALLOW_NO_GPU=1` says that this machine has none.

mod suite;

use frontier_sae::config::Arch;
use frontier_sae_gpu::Until;

struct Gpu;

impl Gpu {
    /// The wgpu subject, or `None` where this machine has no adapter and says so.
    #[allow(clippy::disallowed_methods)] // the test harness, not the crate, reads the environment
    fn find() -> Option<suite::subjects::Gpu> {
        match pollster::block_on(suite::subjects::Gpu::new()) {
            Ok(gpu) => Some(gpu),
            Err(e) if std::env::var("FRONTIER_ALLOW_NO_GPU").is_ok_and(|v| v == "1") => {
                eprintln!("no GPU adapter ({e}); the wgpu half is skipped because FRONTIER_ALLOW_NO_GPU=1");
                None
            }
            Err(e) => panic!("no GPU adapter: {e} (install mesa-vulkan-drivers for lavapipe)"),
        }
    }
}

use suite::subjects::Cpu;

macro_rules! on_both {
    ($name:ident, $check:path) => {
        mod $name {
            #[test]
            fn cpu() {
                pollster::block_on($check(&mut super::Cpu));
            }

            #[test]
            fn wgpu() {
                if let Some(mut gpu) = super::Gpu::find() {
                    pollster::block_on($check(&mut gpu));
                }
            }
        }
    };
}

on_both!(shapes_forward_and_gradients, crate::suite::shapes_forward_and_gradients);
on_both!(shapes_first_step, crate::suite::shapes_first_step);
on_both!(dead_feature_counters, crate::suite::dead_feature_counters);
on_both!(resampling, crate::suite::resampling);

#[test]
fn fixture_forward_and_gradients_cpu_runs_all_six_cases() {
    assert_eq!(pollster::block_on(suite::fixture_forward_and_gradients(&mut Cpu)), 6);
    assert_eq!(pollster::block_on(suite::fixture_adam_step(&mut Cpu)), 6);
}

#[test]
fn fixture_forward_and_gradients_wgpu_runs_all_six_cases() {
    let Some(mut gpu) = Gpu::find() else { return };
    // BatchTopK and AuxK included.
    assert_eq!(pollster::block_on(suite::fixture_forward_and_gradients(&mut gpu)), 6);
    assert_eq!(pollster::block_on(suite::fixture_adam_step(&mut gpu)), 6);
}

#[test]
fn topk_batchtopk_and_auxk_cases_hold_on_the_cpu() {
    for case in suite::selection::cases() {
        suite::selection::assert_ties_straddle_the_cut(&case);
        pollster::block_on(suite::selection::run(&mut Cpu, &case, Until::Update));
    }
}

/// Ties at the cuts, dead features and AuxK, over several steps: the GPU against the CPU backend,
/// whole steps (counters, weights) and a last step stopped at its gradients.
#[test]
fn topk_batchtopk_and_auxk_agree_between_backends() {
    let Some(mut gpu) = Gpu::find() else { return };
    for case in suite::selection::cases() {
        for until in [Until::Update, Until::Gradients] {
            let want = pollster::block_on(suite::selection::run(&mut Cpu, &case, until));
            let got = pollster::block_on(suite::selection::run(&mut gpu, &case, until));
            suite::selection::assert_agree(&case, &got, &want);
        }
    }
}

#[test]
fn thirty_training_steps_agree_between_backends() {
    let Some(mut gpu) = Gpu::find() else { return };
    let cpu = pollster::block_on(suite::training_curve(&mut Cpu));
    let gpu = pollster::block_on(suite::training_curve(&mut gpu));
    for (t, (c, g)) in cpu.iter().zip(&gpu).enumerate() {
        suite::assert_close(&format!("step {t} loss"), &[g.loss], &[c.loss], suite::ATOL);
        suite::assert_close(&format!("step {t} mse"), &[g.mse], &[c.mse], suite::ATOL);
        suite::assert_close(&format!("step {t} L0"), &[g.l0], &[c.l0], suite::ATOL);
    }
}

#[test]
fn the_large_tile_passes_the_same_checks() {
    let Some(gpu) = Gpu::find() else { return };
    let mut gpu = gpu.with_large_tiles();
    pollster::block_on(suite::shapes_forward_and_gradients(&mut gpu));
    pollster::block_on(suite::shapes_first_step(&mut gpu));
    pollster::block_on(suite::fixture_forward_and_gradients(&mut gpu));
}

/// The synchronous `Backend` on wgpu drives the CPU trainer's `Trainer` through the same run: the
/// same batches, so the same curve to the suite's tolerance.
#[test]
fn the_trainer_runs_on_the_blocking_gpu_backend_as_on_the_cpu() {
    use frontier_sae::data::{SparseCodingSpec, SyntheticSpec};
    use frontier_sae::memory::WASM_BUDGET_BYTES;
    use frontier_sae::train::initial_sae;
    use frontier_sae::{Backend, CpuBackend, TrainConfig, Trainer};
    if Gpu::find().is_none() {
        return;
    }
    let spec = SyntheticSpec::SparseCoding(SparseCodingSpec { n_features: 32, d: 16, ..SparseCodingSpec::default() });
    let data = spec.build().unwrap();
    let cfg = TrainConfig { batch: 64, ..TrainConfig::recommended(16, 64, Arch::Relu, 0, 20) };
    let (sae, rng) = initial_sae(&cfg, &data, WASM_BUDGET_BYTES).unwrap();
    let gpu = frontier_sae_gpu::blocking::BlockingGpu::new(&sae, cfg.batch).unwrap();
    let mut on_gpu = Trainer::with_backend(cfg, data.clone(), gpu, rng.clone());
    let mut on_cpu = Trainer::with_backend(cfg, data, CpuBackend::new(sae), rng);
    on_gpu.run(20).unwrap();
    on_cpu.run(20).unwrap();
    assert_eq!(on_gpu.history().len(), on_cpu.history().len());
    for (g, c) in on_gpu.history().iter().zip(on_cpu.history()) {
        suite::assert_close(&format!("step {} loss", c.step), &[g.stats.loss], &[c.stats.loss], suite::ATOL);
        suite::assert_close(&format!("step {} L0", c.step), &[g.stats.l0], &[c.stats.l0], suite::ATOL);
    }
    assert!(on_gpu.backend().name().starts_with("GPU: "));
}

/// The page's path, [`frontier_sae_gpu::GpuRun`] (steps submitted many at a time, a checkpoint at
/// the end), trains a BatchTopK run with AuxK as the CPU trainer does: the same curve, loss terms
/// and threshold, with features dying (a short dead window) so that AuxK counts.
#[test]
fn a_batchtopk_run_with_auxk_on_the_gpu_follows_the_cpu_trainer() {
    use frontier_sae::data::{SparseCodingSpec, SyntheticSpec};
    use frontier_sae::memory::WASM_BUDGET_BYTES;
    use frontier_sae::{TrainConfig, Trainer};
    use frontier_sae_gpu::{GpuContext, GpuRun};
    if Gpu::find().is_none() {
        return;
    }
    let spec = SyntheticSpec::SparseCoding(SparseCodingSpec { n_features: 32, d: 16, ..SparseCodingSpec::default() });
    let data = spec.build().unwrap();
    let mut cfg = TrainConfig { batch: 64, ..TrainConfig::recommended(16, 128, Arch::BatchTopK, 2, 24) };
    cfg.dead.window_steps = 3;
    assert!(cfg.dead.auxk_coeff > 0.0);
    let mut on_cpu = Trainer::new(cfg, data.clone(), WASM_BUDGET_BYTES).unwrap();
    let (schedule, cpu) = Trainer::new(cfg, data, WASM_BUDGET_BYTES).unwrap().into_parts();
    let ctx = pollster::block_on(GpuContext::new()).unwrap();
    let mut on_gpu = pollster::block_on(GpuRun::new(&ctx, schedule, frontier_sae::Backend::sae(&cpu)))
        .unwrap_or_else(|(e, _)| panic!("{e}"));
    pollster::block_on(on_gpu.run_to_end()).unwrap();
    on_cpu.run(cfg.steps).unwrap();
    assert_eq!(on_gpu.history().len(), on_cpu.history().len());
    for (g, c) in on_gpu.history().iter().zip(on_cpu.history()) {
        let (step, g, c) = (c.step, g.stats, c.stats);
        for (what, g, c) in [("loss", g.loss, c.loss), ("AuxK", g.aux_loss, c.aux_loss), ("L0", g.l0, c.l0)] {
            suite::assert_close(&format!("step {step} {what}"), &[g], &[c], suite::ATOL);
        }
    }
    assert!(on_cpu.history().iter().any(|p| p.stats.aux_loss > 0.0), "no feature died: {:?}", on_cpu.history());
    let checkpoint = on_gpu.checkpoint();
    assert_eq!(checkpoint.step, cfg.steps);
    let threshold = on_cpu.sae().threshold;
    assert!(threshold > 0.0);
    suite::assert_close("threshold", &[checkpoint.sae.threshold], &[threshold], suite::ATOL);
    let read = pollster::block_on(on_gpu.sae()).unwrap();
    suite::assert_close("threshold read back", &[read.threshold], &[threshold], suite::ATOL);
}

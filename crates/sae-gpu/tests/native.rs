#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The conformance suite on the CPU backend and on wgpu natively (in CI, Mesa's lavapipe: Vulkan on
//! the CPU). Without any GPU adapter the wgpu half fails, naming what it found, unless
//! `FRONTIER_ALLOW_NO_GPU=1` says that this machine has none.

mod suite;

use frontier_sae::config::{Arch, SaeConfig};
use frontier_sae::cpu::CpuBackend;
use frontier_sae::{Backend, Matrix, Sae, StepParams};
use frontier_sae_gpu::sae::{GpuSae, Snapshot};
use frontier_sae_gpu::{GpuContext, Until};
use suite::{Outcome, Subject};

struct Cpu;

impl Subject for Cpu {
    fn name(&self) -> String {
        "CPU".into()
    }

    fn supports(&self, _: &SaeConfig, _: &StepParams) -> bool {
        true
    }

    async fn run(
        &mut self,
        sae: &Sae,
        counts: &[u64],
        batches: &[Matrix],
        params: &[StepParams],
        until: Until,
    ) -> Outcome {
        let mut backend = CpuBackend::new(sae.clone());
        backend.set_steps_since_fired(counts);
        let mut stats = Vec::new();
        let last = batches.len() - 1;
        let mut grads = None;
        for (n, (x, p)) in batches.iter().zip(params).enumerate() {
            let before = backend.sae();
            if n == last && until < Until::Update {
                stats.push(backend.loss_and_grads(x, p).unwrap_or_else(|e| panic!("{e}")));
                let g = backend.grads();
                grads = Some([g.w_enc.clone(), g.b_enc.clone(), g.w_dec.clone(), g.b_dec.clone()]);
            } else {
                stats.push(backend.train_step(x, p).unwrap_or_else(|e| panic!("{e}")));
            }
            if n == last {
                let f = before.encode(x);
                let forward = [before.pre_activations(x).values, f.values.clone(), before.decode(&f).values];
                return Outcome {
                    stats,
                    forward,
                    grads,
                    sae: backend.sae(),
                    steps_since_fired: backend.steps_since_fired(),
                };
            }
        }
        unreachable!("at least one batch")
    }

    async fn resample(
        &mut self,
        sae: &Sae,
        counts: &[u64],
        features: &[usize],
        directions: &Matrix,
        norm: f32,
    ) -> (Sae, Vec<u64>) {
        let mut backend = CpuBackend::new(sae.clone());
        backend.set_steps_since_fired(counts);
        backend.resample(features, directions, norm);
        (backend.sae(), backend.steps_since_fired())
    }
}

struct Gpu {
    ctx: GpuContext,
}

impl Gpu {
    fn new() -> Option<Self> {
        match pollster::block_on(GpuContext::new()) {
            Ok(ctx) => Some(Self { ctx }),
            Err(e) if std::env::var("FRONTIER_ALLOW_NO_GPU").is_ok_and(|v| v == "1") => {
                eprintln!("no GPU adapter ({e}); the wgpu half is skipped because FRONTIER_ALLOW_NO_GPU=1");
                None
            }
            Err(e) => panic!("no GPU adapter: {e} (install mesa-vulkan-drivers for lavapipe)"),
        }
    }

    async fn upload(&self, sae: &Sae, counts: &[u64], rows: usize) -> GpuSae {
        let gpu = GpuSae::new(&self.ctx, sae, rows).await.unwrap_or_else(|e| panic!("{e}"));
        gpu.set_steps_since_fired(counts);
        gpu
    }
}

impl Subject for Gpu {
    fn name(&self) -> String {
        format!("wgpu on {}", self.ctx.describe())
    }

    fn supports(&self, cfg: &SaeConfig, params: &StepParams) -> bool {
        frontier_sae_gpu::sae::supports(cfg, params.auxk_coeff).is_ok()
    }

    async fn run(
        &mut self,
        sae: &Sae,
        counts: &[u64],
        batches: &[Matrix],
        params: &[StepParams],
        until: Until,
    ) -> Outcome {
        let mut gpu = self.upload(sae, counts, batches[0].rows).await;
        let mut stats = Vec::new();
        for (n, (x, p)) in batches.iter().zip(params).enumerate() {
            gpu.write_batch(0, x).unwrap_or_else(|e| panic!("{e}"));
            let until = if n + 1 == batches.len() { until } else { Until::Update };
            let mut submission = gpu.submit(&[(0, *p)], until, Snapshot::None).unwrap_or_else(|e| panic!("{e}"));
            stats.extend(submission.stats().await.unwrap_or_else(|e| panic!("{e}")));
        }
        let forward = gpu.read_forward().await.unwrap_or_else(|e| panic!("{e}"));
        let grads =
            if until < Until::Update { Some(gpu.read_grads().await.unwrap_or_else(|e| panic!("{e}"))) } else { None };
        let sae = gpu.read_sae().await.unwrap_or_else(|e| panic!("{e}"));
        let steps_since_fired = gpu.read_steps_since_fired().await.unwrap_or_else(|e| panic!("{e}"));
        Outcome { stats, forward, grads, sae, steps_since_fired }
    }

    async fn resample(
        &mut self,
        sae: &Sae,
        counts: &[u64],
        features: &[usize],
        directions: &Matrix,
        norm: f32,
    ) -> (Sae, Vec<u64>) {
        let gpu = self.upload(sae, counts, 1).await;
        gpu.resample(features, directions, norm);
        let after = gpu.read_sae().await.unwrap_or_else(|e| panic!("{e}"));
        (after, gpu.read_steps_since_fired().await.unwrap_or_else(|e| panic!("{e}")))
    }
}

macro_rules! on_both {
    ($name:ident, $check:path) => {
        mod $name {
            #[test]
            fn cpu() {
                pollster::block_on($check(&mut super::Cpu));
            }

            #[test]
            fn wgpu() {
                if let Some(mut gpu) = super::Gpu::new() {
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
fn fixture_forward_and_gradients_wgpu_runs_the_relu_and_plain_topk_cases() {
    let Some(mut gpu) = Gpu::new() else { return };
    // BatchTopK and AuxK stay on the CPU: the ReLU cases and the plain TopK case run here.
    let ran = pollster::block_on(suite::fixture_forward_and_gradients(&mut gpu));
    assert!(ran >= 3, "only {ran} fixture cases ran on the GPU");
    assert_eq!(pollster::block_on(suite::fixture_adam_step(&mut gpu)), ran);
}

#[test]
fn thirty_training_steps_agree_between_backends() {
    let Some(mut gpu) = Gpu::new() else { return };
    let cpu = pollster::block_on(suite::training_curve(&mut Cpu));
    let gpu = pollster::block_on(suite::training_curve(&mut gpu));
    for (t, (c, g)) in cpu.iter().zip(&gpu).enumerate() {
        suite::assert_close(&format!("step {t} loss"), &[g.loss], &[c.loss], suite::ATOL);
        suite::assert_close(&format!("step {t} mse"), &[g.mse], &[c.mse], suite::ATOL);
        suite::assert_close(&format!("step {t} L0"), &[g.l0], &[c.l0], suite::ATOL);
    }
}

#[test]
fn a_batchtopk_sae_is_refused_with_a_reason() {
    let cfg = SaeConfig { d_in: 4, d_sae: 8, arch: Arch::BatchTopK, k: 2, apply_b_dec_to_input: false };
    let err = frontier_sae_gpu::sae::supports(&cfg, 0.0).unwrap_err();
    assert!(err.to_string().contains("BatchTopK trains on the CPU"), "{err}");
}

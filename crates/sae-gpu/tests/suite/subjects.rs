//! The two subjects of the suite: the CPU backend and the wgpu backend.

use frontier_sae::cpu::CpuBackend;
use frontier_sae::{Backend, Matrix, Sae, SaeConfig, StepParams};
use frontier_sae_gpu::kernels::TilePolicy;
use frontier_sae_gpu::sae::{GpuSae, Snapshot};
use frontier_sae_gpu::{GpuContext, Until};

use super::{Outcome, Subject};

pub struct Cpu;

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
                let f = before.encode(x).unwrap_or_else(|e| panic!("{e}"));
                let pre = before.pre_activations(x).unwrap_or_else(|e| panic!("{e}"));
                let forward =
                    [pre.values, f.values.clone(), before.decode(&f).unwrap_or_else(|e| panic!("{e}")).values];
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

pub struct Gpu {
    ctx: GpuContext,
    policy: TilePolicy,
}

impl Gpu {
    /// The same subject with the large matrix-product tile wherever it fits (the default keeps it
    /// for products big enough to fill a large GPU, which the suite's shapes are not).
    pub fn with_large_tiles(self) -> Self {
        Self { policy: TilePolicy::LARGE_WHEREVER_IT_FITS, ..self }
    }

    pub async fn new() -> Result<Self, frontier_sae_gpu::GpuError> {
        Ok(Self { ctx: GpuContext::new().await?, policy: TilePolicy::default() })
    }

    async fn upload(&self, sae: &Sae, counts: &[u64], rows: usize) -> GpuSae {
        let gpu = GpuSae::with_policy(&self.ctx, sae, rows, self.policy).await.unwrap_or_else(|e| panic!("{e}"));
        gpu.set_steps_since_fired(counts);
        gpu
    }
}

impl Subject for Gpu {
    fn name(&self) -> String {
        format!("wgpu on {} ({:?})", self.ctx.describe(), self.policy)
    }

    fn supports(&self, cfg: &SaeConfig, _: &StepParams) -> bool {
        frontier_sae_gpu::sae::supports(cfg).is_ok()
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

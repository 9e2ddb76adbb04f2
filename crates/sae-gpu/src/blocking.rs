//! The GPU backend behind the synchronous [`Backend`] trait, for native callers (the CLI, the
//! benchmark, the trainer's tests): each step waits for its measurements.

use frontier_sae::{Backend, Matrix, Sae, SaeConfig, SaeError, StepParams, StepStats};

use crate::context::GpuContext;
use crate::error::GpuError;
use crate::sae::{GpuSae, Snapshot, Until};

/// A [`GpuSae`] that answers each call before returning.
#[derive(Debug)]
pub struct BlockingGpu {
    gpu: GpuSae,
    name: String,
}

impl BlockingGpu {
    /// Finds a GPU (natively: Vulkan, Metal or DX12; lavapipe counts) and uploads `sae`.
    pub fn new(sae: &Sae, rows: usize) -> Result<Self, GpuError> {
        let ctx = pollster::block_on(GpuContext::new())?;
        Self::on(&ctx, sae, rows)
    }

    pub fn on(ctx: &GpuContext, sae: &Sae, rows: usize) -> Result<Self, GpuError> {
        let gpu = pollster::block_on(GpuSae::new(ctx, sae, rows))?;
        Ok(Self { name: format!("GPU: {}", ctx.describe()), gpu })
    }

    pub fn gpu(&mut self) -> &mut GpuSae {
        &mut self.gpu
    }

    /// Runs a step up to `until` on `batch` and waits for its measurements.
    pub fn step_until(&mut self, batch: &Matrix, params: &StepParams, until: Until) -> Result<StepStats, GpuError> {
        if batch.rows != self.gpu.rows() {
            let sae = pollster::block_on(self.gpu.read_sae())?;
            let counts = pollster::block_on(self.gpu.read_steps_since_fired())?;
            let ctx = self.gpu.context().clone();
            self.gpu = pollster::block_on(GpuSae::new(&ctx, &sae, batch.rows))?;
            self.gpu.set_steps_since_fired(&counts);
        }
        self.gpu.write_batch(0, batch)?;
        let mut submission = self.gpu.submit(&[(0, *params)], until, Snapshot::None)?;
        let stats = pollster::block_on(submission.stats())?;
        stats.into_iter().next().ok_or_else(|| GpuError::Readback("no measurements came back".into()))
    }
}

fn to_sae_error(e: GpuError) -> SaeError {
    SaeError::Data(e.to_string())
}

impl Backend for BlockingGpu {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn config(&self) -> SaeConfig {
        self.gpu.config()
    }

    fn train_step(&mut self, batch: &Matrix, params: &StepParams) -> Result<StepStats, SaeError> {
        match self.step_until(batch, params, Until::Update) {
            Err(GpuError::Diverged { step, loss }) => Err(SaeError::Diverged { step, loss }),
            other => other.map_err(to_sae_error),
        }
    }

    /// The weights; a GPU that cannot be read gives an SAE of zeros of the right shape, since the
    /// trait has no error here (the next step reports the failure).
    fn sae(&self) -> Sae {
        pollster::block_on(self.gpu.read_sae()).unwrap_or_else(|_| zeros(self.gpu.config()))
    }

    fn steps_since_fired(&self) -> Vec<u64> {
        pollster::block_on(self.gpu.read_steps_since_fired()).unwrap_or_else(|_| vec![0; self.gpu.config().d_sae])
    }

    fn resample(&mut self, features: &[usize], directions: &Matrix, encoder_norm: f32) {
        self.gpu.resample(features, directions, encoder_norm);
    }
}

fn zeros(cfg: SaeConfig) -> Sae {
    Sae {
        cfg,
        w_enc: Matrix::zeros(cfg.d_in, cfg.d_sae),
        b_enc: vec![0.0; cfg.d_sae],
        w_dec: Matrix::zeros(cfg.d_sae, cfg.d_in),
        b_dec: vec![0.0; cfg.d_in],
        threshold: 0.0,
    }
}

//! An SAE in training on the GPU: every tensor lives in a GPU buffer, a step is a sequence of
//! compute dispatches, and several steps go in one submission. Measurements land in a ring of
//! stats slots that is copied out once a submission and read back without waiting.

use frontier_sae::config::{Arch, SaeConfig};
use frontier_sae::{Matrix, Sae, StepParams, StepStats};
use wgpu::util::DeviceExt;

use crate::context::GpuContext;
use crate::error::GpuError;
use crate::kernels::{self, source, Epilogue, Layout, TilePolicy};
use crate::plan::{grid, Dispatch, Planner, WG};
use crate::readback::{read_now, PendingRead};
use crate::{auxk, batchtopk};

/// Floats per step in the stats ring: Σ squared error, Σ f, Σ active, Σ (x − x̄)², dead,
/// Σ AuxK squared error (2 spare).
const STATS_WIDTH: usize = 8;
/// Bytes between step-uniform slots (WebGPU's uniform offset alignment is at most 256).
const STEP_STRIDE: u64 = 256;
/// At most this many bytes of batches are staged for one submission.
const BATCH_RING_BYTES: u64 = 64 << 20;
/// Columns a workgroup of the column-sum kernels takes (`shaders/*_columns.wgsl`).
const COLUMNS_PER_GROUP: usize = 16;
/// Steps in one submission, at most.
pub const MAX_STEPS_PER_SUBMISSION: usize = 16;

/// How far a recorded step goes (the conformance tests stop early to read what is in between).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Until {
    /// Pre-activations, features and reconstruction.
    Forward,
    /// The loss and every gradient, nothing updated.
    Gradients,
    /// A whole step: Adam, renormalisation, firing counters.
    Update,
}

/// Bytes of the largest single buffer and of all buffers, for a configuration and batch size.
pub fn buffer_bytes(cfg: &SaeConfig, rows: usize) -> (u64, u64) {
    let (d_in, d_sae, rows) = (cfg.d_in as u64, cfg.d_sae as u64, rows as u64);
    let weights = d_in * d_sae;
    let moments = 2 * padded(weights as usize) as u64;
    let largest = 4 * moments.max(rows * d_sae).max(slots_for(cfg.d_in, rows as usize) as u64 * rows * d_in);
    // TopK and BatchTopK keep AuxK's features and error, whether or not a step uses them.
    let auxk = if cfg.arch == Arch::Relu { 0 } else { rows * d_sae + rows * d_in };
    // weights, grads and moments of both matrices; h, f and g_h; x ring, x_in, recon, g_out.
    let total = 4
        * (2 * weights * 2
            + 2 * moments
            + 3 * rows * d_sae
            + (slots_for(cfg.d_in, rows as usize) as u64 + 3) * rows * d_in
            + auxk
            + 8 * d_sae
            + 8 * d_in);
    (largest, total)
}

/// Elements rounded up to 64, so that a moments buffer's second half starts on a 256-byte boundary.
fn padded(len: usize) -> usize {
    len.div_ceil(64) * 64
}

/// Batches staged per submission: as many steps as fit the ring's bytes.
fn slots_for(d_in: usize, rows: usize) -> usize {
    let batch = (rows * d_in * 4).max(1) as u64;
    ((BATCH_RING_BYTES / batch) as usize).clamp(1, MAX_STEPS_PER_SUBMISSION)
}

/// Checks the buffers against the adapter's limits before anything is allocated.
pub fn check_fits(cfg: &SaeConfig, rows: usize, limits: &wgpu::Limits) -> Result<(), GpuError> {
    kernels::check_kernel_limits(limits)?;
    let (largest, _) = buffer_bytes(cfg, rows);
    let binding = limits.max_storage_buffer_binding_size.min(limits.max_buffer_size);
    if largest > binding {
        return Err(GpuError::TooLarge {
            what: format!("the largest tensor of a d_in {} × d_sae {} SAE at batch {rows}", cfg.d_in, cfg.d_sae),
            needed: frontier_sae::memory::format_bytes(largest),
            limit: frontier_sae::memory::format_bytes(binding),
            limit_name: "maxStorageBufferBindingSize",
        });
    }
    Ok(())
}

/// Whether the GPU backend trains this configuration. It has kernels for every architecture (ReLU,
/// TopK, BatchTopK) and for the AuxK loss, so it refuses only what the CPU backend refuses too (an
/// empty dimension, k outside 1..=d_sae), before a device is asked for.
pub fn supports(cfg: &SaeConfig) -> Result<(), GpuError> {
    cfg.validate().map_err(|e| GpuError::Unsupported(e.to_string()))
}

/// The parameters, gradients and moments, and the activations of one batch.
struct Buffers {
    w_enc: wgpu::Buffer,
    b_enc: wgpu::Buffer,
    w_dec: wgpu::Buffer,
    b_dec: wgpu::Buffer,
    grads: [wgpu::Buffer; 4],
    moments: [wgpu::Buffer; 4],
    x_ring: wgpu::Buffer,
    x_in: wgpu::Buffer,
    h: wgpu::Buffer,
    f: wgpu::Buffer,
    recon: wgpu::Buffer,
    g_out: wgpu::Buffer,
    g_h: wgpu::Buffer,
    since_fired: wgpu::Buffer,
    /// BatchTopK's inference threshold (one float; the other architectures leave it as loaded).
    threshold: wgpu::Buffer,
    stats: wgpu::Buffer,
    step_ring: wgpu::Buffer,
}

/// An SAE in training on a GPU.
pub struct GpuSae {
    ctx: GpuContext,
    cfg: SaeConfig,
    rows: usize,
    slots: usize,
    slot_bytes: u64,
    bufs: Buffers,
    dispatches: Vec<Dispatch>,
    resample: wgpu::ComputePipeline,
    policy: TilePolicy,
}

impl std::fmt::Debug for GpuSae {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GpuSae").field("cfg", &self.cfg).field("rows", &self.rows).finish_non_exhaustive()
    }
}

/// What a submission copies back besides the measurements, after its last step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Snapshot {
    None,
    /// The decoder (for the recovery of known features).
    Decoder,
    /// Every weight and the firing counters (a checkpoint).
    Full,
}

/// A submission's measurements, on their way back.
#[derive(Debug)]
pub struct Submission {
    /// The steps' parameters, in order.
    pub params: Vec<StepParams>,
    /// The snapshot taken after the last step, if one was asked for.
    pub snapshot: Option<PendingRead>,
    read: PendingRead,
    rows: usize,
    d_in: usize,
    d_sae: usize,
}

impl Submission {
    /// The measurements once they have arrived, without waiting (`now_ms` bounds how long they may
    /// take: [`PendingRead::try_take`]).
    pub fn try_stats(&mut self, now_ms: f64) -> Option<Result<Vec<StepStats>, GpuError>> {
        self.read.try_take(now_ms).map(|bytes| bytes.and_then(|b| self.decode(&b)))
    }

    /// Waits for the measurements.
    pub async fn stats(&mut self) -> Result<Vec<StepStats>, GpuError> {
        let read = std::mem::replace(&mut self.read, PendingRead::done());
        let bytes = read.wait().await?;
        self.decode(&bytes)
    }

    fn decode(&self, bytes: &[u8]) -> Result<Vec<StepStats>, GpuError> {
        let sums: &[f32] = bytemuck::try_cast_slice(bytes).map_err(|e| GpuError::Readback(e.to_string()))?;
        let (rows, d_in, d_sae) = (self.rows as f64, self.d_in as f64, self.d_sae as f64);
        let mut out = Vec::with_capacity(self.params.len());
        for (params, s) in self.params.iter().zip(sums.chunks_exact(STATS_WIDTH)) {
            let [sq, l1, active, variance, dead, aux_sq] = [s[0], s[1], s[2], s[3], s[4], s[5]].map(f64::from);
            let mse = sq / (rows * d_in);
            let sparsity_loss = f64::from(params.l1_coeff) * l1 / (rows * d_sae);
            // A step without AuxK leaves its sum as an earlier step wrote it.
            let aux_loss =
                if params.auxk_coeff > 0.0 { f64::from(params.auxk_coeff) * aux_sq / (rows * d_in) } else { 0.0 };
            let loss = mse + sparsity_loss + aux_loss;
            if !loss.is_finite() {
                return Err(GpuError::Diverged { step: params.step, loss: loss as f32 });
            }
            out.push(StepStats {
                loss: loss as f32,
                mse: mse as f32,
                sparsity_loss: sparsity_loss as f32,
                aux_loss: aux_loss as f32,
                l0: (active / rows) as f32,
                l1: (l1 / rows) as f32,
                fvu: if variance > 0.0 { (sq / variance) as f32 } else { f32::NAN },
                dead: dead as usize,
            });
        }
        Ok(out)
    }
}

/// The step uniform of `shaders/step.wgsl`.
#[repr(C)]
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct StepUniform {
    step_size: f32,
    inv_sqrt_c2: f32,
    beta1: f32,
    beta2: f32,
    eps: f32,
    l1_grad: f32,
    dead_window: u32,
    slot: u32,
    auxk_scale: f32,
    k_aux: u32,
    pad: [u32; 2],
}

impl StepUniform {
    fn new(p: &StepParams, slot: usize, rows: usize, d_in: usize, d_sae: usize) -> Self {
        // As the CPU's Adam: the bias corrections in f64, then rounded once.
        let t = (p.step + 1).min(i32::MAX as u64) as i32;
        let correction1 = 1.0 - f64::from(p.beta1).powi(t);
        let correction2 = 1.0 - f64::from(p.beta2).powi(t);
        Self {
            step_size: (f64::from(p.lr) / correction1) as f32,
            inv_sqrt_c2: (1.0 / correction2.sqrt()) as f32,
            beta1: p.beta1,
            beta2: p.beta2,
            eps: p.eps,
            l1_grad: p.l1_coeff / (rows * d_sae) as f32,
            dead_window: p.dead_window.min(u64::from(u32::MAX)) as u32,
            slot: slot as u32,
            auxk_scale: 2.0 * p.auxk_coeff / (rows * d_in) as f32,
            k_aux: p.k_aux.min(u32::MAX as usize) as u32,
            pad: [0; 2],
        }
    }
}

impl GpuSae {
    /// Uploads `sae` and builds the kernels for batches of `rows`. Allocation runs inside an
    /// out-of-memory error scope, so a GPU that cannot hold the run says so instead of failing later.
    pub async fn new(ctx: &GpuContext, sae: &Sae, rows: usize) -> Result<Self, GpuError> {
        Self::with_policy(ctx, sae, rows, TilePolicy::default()).await
    }

    /// As [`GpuSae::new`], choosing matrix-product tiles by `policy`.
    pub async fn with_policy(ctx: &GpuContext, sae: &Sae, rows: usize, policy: TilePolicy) -> Result<Self, GpuError> {
        let cfg = sae.cfg;
        supports(&cfg)?;
        if rows == 0 {
            return Err(GpuError::Unsupported("a batch needs at least one row".into()));
        }
        check_fits(&cfg, rows, &ctx.limits)?;
        let device = &ctx.device;
        let oom = device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
        let validation = device.push_error_scope(wgpu::ErrorFilter::Validation);
        let built = Self::build(ctx, sae, rows, policy);
        if let Some(error) = validation.pop().await {
            let _ = oom.pop().await;
            return Err(GpuError::Validation(error.to_string()));
        }
        if let Some(error) = oom.pop().await {
            return Err(GpuError::OutOfMemory(format!(
                "{} (the run needs about {})",
                error,
                frontier_sae::memory::format_bytes(buffer_bytes(&cfg, rows).1)
            )));
        }
        Ok(built)
    }

    fn build(ctx: &GpuContext, sae: &Sae, rows: usize, policy: TilePolicy) -> Self {
        let device = &ctx.device;
        let cfg = sae.cfg;
        let (d_in, d_sae) = (cfg.d_in, cfg.d_sae);
        let slots = slots_for(d_in, rows);
        let align = u64::from(ctx.limits.min_storage_buffer_offset_alignment).max(4);
        let slot_bytes = ((rows * d_in * 4) as u64).div_ceil(align) * align;
        let storage = wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::COPY_SRC;
        let init = |label: &str, data: &[f32]| {
            device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some(label),
                contents: bytemuck::cast_slice(data),
                usage: storage,
            })
        };
        let zeros = |label: &str, bytes: u64| {
            device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(label),
                size: bytes.max(4),
                usage: storage,
                mapped_at_creation: false,
            })
        };
        let floats = |n: usize| (n * 4) as u64;
        let moments_for = |n: usize| floats(2 * padded(n));
        let bufs = Buffers {
            w_enc: init("W_enc", &sae.w_enc.values),
            b_enc: init("b_enc", &sae.b_enc),
            w_dec: init("W_dec", &sae.w_dec.values),
            b_dec: init("b_dec", &sae.b_dec),
            grads: [
                zeros("dW_enc", floats(d_in * d_sae)),
                zeros("db_enc", floats(d_sae)),
                zeros("dW_dec", floats(d_sae * d_in)),
                zeros("db_dec", floats(d_in)),
            ],
            moments: [
                zeros("moments W_enc", moments_for(d_in * d_sae)),
                zeros("moments b_enc", moments_for(d_sae)),
                zeros("moments W_dec", moments_for(d_sae * d_in)),
                zeros("moments b_dec", moments_for(d_in)),
            ],
            x_ring: zeros("batches", slot_bytes * slots as u64),
            x_in: zeros("x_in", floats(rows * d_in)),
            h: zeros("pre-activations", floats(rows * d_sae)),
            f: zeros("features", floats(rows * d_sae)),
            recon: zeros("reconstruction", floats(rows * d_in)),
            g_out: zeros("dL/dx_hat", floats(rows * d_in)),
            g_h: zeros("dL/dh", floats(rows * d_sae)),
            since_fired: zeros("steps since fired", (d_sae * 4) as u64),
            threshold: init("threshold", &[sae.threshold]),
            stats: zeros("stats", floats(slots * STATS_WIDTH)),
            step_ring: device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("step uniforms"),
                size: STEP_STRIDE * slots as u64,
                usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            }),
        };
        let mut gpu = Self {
            ctx: ctx.clone(),
            cfg,
            rows,
            slots,
            slot_bytes,
            resample: kernels::pipeline(device, "resample", source::RESAMPLE, false),
            dispatches: Vec::new(),
            bufs,
            policy,
        };
        gpu.dispatches = gpu.plan();
        gpu
    }

    pub fn context(&self) -> &GpuContext {
        &self.ctx
    }

    pub fn config(&self) -> SaeConfig {
        self.cfg
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Steps one submission can hold (one batch slot each).
    pub fn slots(&self) -> usize {
        self.slots
    }

    /// The dispatches of one step, in order, with their bindings made once.
    fn plan(&self) -> Vec<Dispatch> {
        let device = &self.ctx.device;
        let b = &self.bufs;
        let (rows, d_in, d_sae) = (self.rows, self.cfg.d_in, self.cfg.d_sae);
        let p = Planner {
            device,
            limits: &self.ctx.limits,
            policy: self.policy,
            x_ring: &b.x_ring,
            slots: self.slots,
            slot_bytes: self.slot_bytes,
            batch_bytes: (rows * d_in * 4) as u64,
            step_ring: &b.step_ring,
            step_stride: STEP_STRIDE,
            step_bytes: std::mem::size_of::<StepUniform>() as u64,
        };
        let mut out = Vec::new();

        // Forward: centre, encode (+ activation), decode.
        let zeros_d_in = p.scratch("zeros", d_in);
        let centre_by = if self.cfg.apply_b_dec_to_input { &b.b_dec } else { &zeros_d_in };
        let center = kernels::pipeline(device, "center", source::CENTER, false);
        let groups = p.bind_per_slot(&center, |x| vec![x, centre_by.as_entire_binding(), b.x_in.as_entire_binding()]);
        out.push(Dispatch::new(center, groups, p.elementwise(rows * d_in, 1), Until::Forward));

        use Layout::{Normal, Transposed};
        let relu = self.cfg.arch == Arch::Relu;
        out.push(p.product(
            "encode",
            (&b.x_in, Normal),
            (&b.w_enc, Normal),
            &b.h,
            (rows, d_sae, d_in),
            if relu { Epilogue::BiasRelu } else { Epilogue::Bias },
            &if relu { vec![&b.b_enc, &b.f] } else { vec![&b.b_enc] },
            Until::Forward,
        ));
        match self.cfg.arch {
            Arch::Relu => {}
            Arch::TopK => {
                let topk = kernels::row_select_pipeline(device, "topk", source::TOPK, false);
                let shape = p.uniform("topk shape", bytemuck::cast_slice(&[d_sae as u32, self.cfg.k as u32]));
                let group =
                    p.bind(&topk, 0, &[b.h.as_entire_binding(), b.f.as_entire_binding(), shape.as_entire_binding()]);
                out.push(Dispatch::new(topk, vec![group], p.grid(rows), Until::Forward));
            }
            Arch::BatchTopK => {
                out.extend(batchtopk::dispatches(&p, &b.h, &b.f, &b.threshold, rows, d_sae, self.cfg.k));
            }
        }
        out.push(p.product(
            "decode",
            (&b.f, Normal),
            (&b.w_dec, Normal),
            &b.recon,
            (rows, d_in, d_sae),
            Epilogue::Bias,
            &[&b.b_dec],
            Until::Forward,
        ));

        // Loss and its partial sums.
        let row_sq = p.scratch("row squared error", rows);
        let row_l1 = p.scratch("row L1", rows);
        let row_active = p.scratch("row active", rows);
        let row_aux_sq = p.scratch("row AuxK squared error", rows);
        let column_variance = p.scratch("column variance", d_in);
        let dead_count = p.scratch("dead count", 1);
        let recon_error = kernels::pipeline(device, "recon_error", source::RECON_ERROR, false);
        let mse_scale = 2.0 / (rows * d_in) as f32;
        let shape = p.uniform("recon shape", bytemuck::cast_slice(&[d_in as u32, mse_scale.to_bits()]));
        let groups = p.bind_per_slot(&recon_error, |x| {
            vec![
                b.recon.as_entire_binding(),
                x,
                b.g_out.as_entire_binding(),
                row_sq.as_entire_binding(),
                shape.as_entire_binding(),
            ]
        });
        out.push(Dispatch::new(recon_error, groups, p.grid(rows), Until::Gradients));
        let row_stats = kernels::pipeline(device, "row_stats", source::ROW_STATS, false);
        let group = p.bind(
            &row_stats,
            0,
            &[b.f.as_entire_binding(), row_l1.as_entire_binding(), row_active.as_entire_binding()],
        );
        out.push(Dispatch::new(row_stats, vec![group], p.grid(rows), Until::Gradients));

        // Backward.
        let [g_w_enc, g_b_enc, g_w_dec, g_b_dec] = &b.grads;
        out.push(p.product(
            "dW_dec",
            (&b.f, Transposed),
            (&b.g_out, Normal),
            g_w_dec,
            (d_sae, d_in, rows),
            Epilogue::Plain,
            &[],
            Until::Gradients,
        ));
        out.push(p.product(
            "dL/dh",
            (&b.g_out, Normal),
            (&b.w_dec, Transposed),
            &b.g_h,
            (rows, d_sae, d_in),
            Epilogue::L1Mask,
            &[&b.f],
            Until::Gradients,
        ));
        if !relu {
            // AuxK adds to dW_dec and dL/dh before anything reads them, and reads the firing
            // counters before this step moves them.
            let buffers = auxk::Buffers {
                h: &b.h,
                recon: &b.recon,
                w_dec: &b.w_dec,
                since_fired: &b.since_fired,
                g_w_dec,
                g_h: &b.g_h,
                row_aux_sq: &row_aux_sq,
            };
            out.extend(auxk::dispatches(&p, &buffers, rows, d_in, d_sae));
        }
        out.push(p.product(
            "dW_enc",
            (&b.x_in, Transposed),
            (&b.g_h, Normal),
            g_w_enc,
            (d_in, d_sae, rows),
            Epilogue::Plain,
            &[],
            Until::Gradients,
        ));
        let features = kernels::pipeline(device, "feature_columns", source::FEATURE_COLUMNS, true);
        let group = p.bind(
            &features,
            0,
            &[
                b.f.as_entire_binding(),
                b.g_h.as_entire_binding(),
                g_b_enc.as_entire_binding(),
                b.since_fired.as_entire_binding(),
                dead_count.as_entire_binding(),
            ],
        );
        let steps = p.step_groups(&features);
        out.push(
            Dispatch::new(features, vec![group], p.grid(d_sae.div_ceil(COLUMNS_PER_GROUP)), Until::Gradients)
                .with_step(steps),
        );
        let inputs = kernels::pipeline(device, "input_columns", source::INPUT_COLUMNS, false);
        let groups = p.bind_per_slot(&inputs, |x| {
            vec![b.g_out.as_entire_binding(), x, g_b_dec.as_entire_binding(), column_variance.as_entire_binding()]
        });
        out.push(Dispatch::new(inputs, groups, p.grid(d_in.div_ceil(COLUMNS_PER_GROUP)), Until::Gradients));
        if self.cfg.apply_b_dec_to_input {
            let correction = kernels::pipeline(device, "b_dec_correction", source::B_DEC_CORRECTION, false);
            let group = p.bind(
                &correction,
                0,
                &[b.w_enc.as_entire_binding(), g_b_enc.as_entire_binding(), g_b_dec.as_entire_binding()],
            );
            out.push(Dispatch::new(correction, vec![group], p.grid(d_in), Until::Gradients));
        }
        let d_in_uniform = p.uniform("d_in", bytemuck::cast_slice(&[d_in as u32, 0, 0, 0]));
        let radial = kernels::pipeline(device, "radial", source::RADIAL, false);
        let group = p.bind(
            &radial,
            0,
            &[b.w_dec.as_entire_binding(), g_w_dec.as_entire_binding(), d_in_uniform.as_entire_binding()],
        );
        out.push(Dispatch {
            unit_norm_only: true,
            ..Dispatch::new(radial, vec![group], p.grid(d_sae), Until::Gradients)
        });
        let finish = kernels::pipeline(device, "finish", source::FINISH, true);
        let group = p.bind(
            &finish,
            0,
            &[
                row_sq.as_entire_binding(),
                row_l1.as_entire_binding(),
                row_active.as_entire_binding(),
                column_variance.as_entire_binding(),
                dead_count.as_entire_binding(),
                b.stats.as_entire_binding(),
                row_aux_sq.as_entire_binding(),
            ],
        );
        let steps = p.step_groups(&finish);
        out.push(Dispatch::new(finish, vec![group], (1, 1), Until::Gradients).with_step(steps));

        // Update.
        let adam = kernels::pipeline(device, "adam", source::ADAM, true);
        let params = [&b.w_enc, &b.b_enc, &b.w_dec, &b.b_dec];
        for ((param, grad), moments) in params.iter().zip(&b.grads).zip(&b.moments) {
            let len = (param.size() / 4) as usize;
            let group =
                p.bind(&adam, 0, &[param.as_entire_binding(), grad.as_entire_binding(), moments.as_entire_binding()]);
            let steps = p.step_groups(&adam);
            out.push(Dispatch::new(adam.clone(), vec![group], p.elementwise(len, 1), Until::Update).with_step(steps));
        }
        let normalize = kernels::pipeline(device, "normalize", source::NORMALIZE, false);
        let group = p.bind(&normalize, 0, &[b.w_dec.as_entire_binding(), d_in_uniform.as_entire_binding()]);
        out.push(Dispatch {
            unit_norm_only: true,
            ..Dispatch::new(normalize, vec![group], p.grid(d_sae), Until::Update)
        });
        out
    }

    /// Stages a batch in a slot of the ring (before the submission that uses it).
    pub fn write_batch(&self, slot: usize, batch: &Matrix) -> Result<(), GpuError> {
        if batch.cols != self.cfg.d_in || batch.rows != self.rows {
            return Err(GpuError::Unsupported(format!(
                "this GPU run takes batches of {} × {}, not {} × {}",
                self.rows, self.cfg.d_in, batch.rows, batch.cols
            )));
        }
        self.ctx.queue.write_buffer(
            &self.bufs.x_ring,
            slot as u64 * self.slot_bytes,
            bytemuck::cast_slice(&batch.values),
        );
        Ok(())
    }

    /// Records and submits one step per entry of `steps` (a batch slot, already written, and the
    /// step's parameters), then starts copying their measurements back. Returns at once.
    pub fn submit(
        &mut self,
        steps: &[(usize, StepParams)],
        until: Until,
        snapshot: Snapshot,
    ) -> Result<Submission, GpuError> {
        if steps.is_empty() || steps.len() > self.slots {
            return Err(GpuError::Unsupported(format!("a submission holds 1 to {} steps", self.slots)));
        }
        if let Some(reason) = self.ctx.lost() {
            return Err(GpuError::DeviceLost(reason));
        }
        let (rows, d_in, d_sae) = (self.rows, self.cfg.d_in, self.cfg.d_sae);
        for (n, (_, params)) in steps.iter().enumerate() {
            let uniform = StepUniform::new(params, n, rows, d_in, d_sae);
            self.ctx.queue.write_buffer(&self.bufs.step_ring, n as u64 * STEP_STRIDE, bytemuck::bytes_of(&uniform));
        }
        let mut encoder =
            self.ctx.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("steps") });
        {
            let mut pass = encoder
                .begin_compute_pass(&wgpu::ComputePassDescriptor { label: Some("steps"), timestamp_writes: None });
            for (n, (slot, params)) in steps.iter().enumerate() {
                let auxk = params.auxk_coeff > 0.0;
                for d in self.dispatches.iter().filter(|d| {
                    d.until <= until && (params.unit_norm_decoder || !d.unit_norm_only) && (auxk || !d.auxk_only)
                }) {
                    d.record(&mut pass, *slot, n);
                }
            }
        }
        let bytes = (steps.len() * STATS_WIDTH * 4) as u64;
        let read = PendingRead::copy(&self.ctx.device, &mut encoder, &self.bufs.stats, 0, bytes);
        let b = &self.bufs;
        fn whole(buf: &wgpu::Buffer) -> (&wgpu::Buffer, u64, u64) {
            (buf, 0, buf.size())
        }
        let snapshot = match snapshot {
            Snapshot::None => None,
            Snapshot::Decoder => Some(PendingRead::gather(&self.ctx.device, &mut encoder, &[whole(&b.w_dec)])),
            Snapshot::Full => Some(PendingRead::gather(
                &self.ctx.device,
                &mut encoder,
                &[
                    whole(&b.w_enc),
                    whole(&b.b_enc),
                    whole(&b.w_dec),
                    whole(&b.b_dec),
                    whole(&b.since_fired),
                    whole(&b.threshold),
                ],
            )),
        };
        self.ctx.queue.submit([encoder.finish()]);
        let read = read.start();
        let snapshot = snapshot.map(PendingRead::start);
        let params = steps.iter().map(|s| s.1).collect();
        Ok(Submission { params, snapshot, read, rows, d_in, d_sae })
    }

    async fn read(&self, buffer: &wgpu::Buffer) -> Result<Vec<f32>, GpuError> {
        let bytes = read_now(&self.ctx, buffer).await?;
        Ok(bytemuck::try_cast_slice::<u8, f32>(&bytes).map_err(|e| GpuError::Readback(e.to_string()))?.to_vec())
    }

    /// Splits the bytes of a [`Snapshot::Full`] into weights (with the threshold) and firing counters.
    pub fn decode_full(&self, bytes: &[u8]) -> Result<(Sae, Vec<u64>), GpuError> {
        let (d_in, d_sae) = (self.cfg.d_in, self.cfg.d_sae);
        let words: &[u32] = bytemuck::try_cast_slice(bytes).map_err(|e| GpuError::Readback(e.to_string()))?;
        let sizes = [d_in * d_sae, d_sae, d_sae * d_in, d_in, d_sae, 1];
        if words.len() != sizes.iter().sum::<usize>() {
            return Err(GpuError::Readback("a checkpoint had the wrong size".into()));
        }
        let mut parts = Vec::new();
        let mut at = 0;
        for n in sizes {
            parts.push(&words[at..at + n]);
            at += n;
        }
        let floats = |w: &[u32]| w.iter().map(|&b| f32::from_bits(b)).collect::<Vec<f32>>();
        let matrix = |rows, cols, w: &[u32]| {
            Matrix::from_vec(rows, cols, floats(w))
                .ok_or_else(|| GpuError::Readback("a weight had the wrong size".into()))
        };
        let sae = Sae {
            cfg: self.cfg,
            w_enc: matrix(d_in, d_sae, parts[0])?,
            b_enc: floats(parts[1]),
            w_dec: matrix(d_sae, d_in, parts[2])?,
            b_dec: floats(parts[3]),
            threshold: f32::from_bits(parts[5][0]),
        };
        Ok((sae, parts[4].iter().map(|&c| u64::from(c)).collect()))
    }

    /// The current weights (waits for the GPU).
    pub async fn read_sae(&self) -> Result<Sae, GpuError> {
        let (d_in, d_sae) = (self.cfg.d_in, self.cfg.d_sae);
        let matrix = |rows, cols, values| {
            Matrix::from_vec(rows, cols, values).ok_or_else(|| GpuError::Readback("a weight had the wrong size".into()))
        };
        Ok(Sae {
            cfg: self.cfg,
            w_enc: matrix(d_in, d_sae, self.read(&self.bufs.w_enc).await?)?,
            b_enc: self.read(&self.bufs.b_enc).await?,
            w_dec: matrix(d_sae, d_in, self.read(&self.bufs.w_dec).await?)?,
            b_dec: self.read(&self.bufs.b_dec).await?,
            threshold: self
                .read(&self.bufs.threshold)
                .await?
                .first()
                .copied()
                .ok_or_else(|| GpuError::Readback("the threshold had the wrong size".into()))?,
        })
    }

    /// Steps since each feature last fired.
    pub async fn read_steps_since_fired(&self) -> Result<Vec<u64>, GpuError> {
        let bytes = read_now(&self.ctx, &self.bufs.since_fired).await?;
        let counts: &[u32] = bytemuck::try_cast_slice(&bytes).map_err(|e| GpuError::Readback(e.to_string()))?;
        Ok(counts.iter().map(|&c| u64::from(c)).collect())
    }

    /// Pre-activations, features and reconstruction of the last recorded step.
    pub async fn read_forward(&self) -> Result<[Vec<f32>; 3], GpuError> {
        Ok([self.read(&self.bufs.h).await?, self.read(&self.bufs.f).await?, self.read(&self.bufs.recon).await?])
    }

    /// Gradients of the last recorded step: W_enc, b_enc, W_dec, b_dec.
    pub async fn read_grads(&self) -> Result<[Vec<f32>; 4], GpuError> {
        let g = &self.bufs.grads;
        Ok([self.read(&g[0]).await?, self.read(&g[1]).await?, self.read(&g[2]).await?, self.read(&g[3]).await?])
    }

    /// Replaces the weights (a checkpoint restored) and clears the Adam moments.
    pub fn write_sae(&self, sae: &Sae) {
        let q = &self.ctx.queue;
        q.write_buffer(&self.bufs.w_enc, 0, bytemuck::cast_slice(&sae.w_enc.values));
        q.write_buffer(&self.bufs.b_enc, 0, bytemuck::cast_slice(&sae.b_enc));
        q.write_buffer(&self.bufs.w_dec, 0, bytemuck::cast_slice(&sae.w_dec.values));
        q.write_buffer(&self.bufs.b_dec, 0, bytemuck::cast_slice(&sae.b_dec));
        q.write_buffer(&self.bufs.threshold, 0, bytemuck::bytes_of(&sae.threshold));
    }

    pub fn set_steps_since_fired(&self, counts: &[u64]) {
        let counts: Vec<u32> = counts.iter().map(|&c| c.min(u64::from(u32::MAX - 1)) as u32).collect();
        self.ctx.queue.write_buffer(&self.bufs.since_fired, 0, bytemuck::cast_slice(&counts));
    }

    /// As [`frontier_sae::Backend::resample`]: new unit directions for `features`, encoder columns
    /// scaled to `encoder_norm`, biases, moments and counters cleared.
    pub fn resample(&self, features: &[usize], directions: &Matrix, encoder_norm: f32) {
        let (d_in, d_sae) = (self.cfg.d_in, self.cfg.d_sae);
        let mut chosen = Vec::new();
        let mut dirs = Vec::new();
        for (n, &j) in features.iter().enumerate().filter(|(n, &j)| j < d_sae && *n < directions.rows) {
            let dir = directions.row(n);
            let length = frontier_sae::model::l2(dir);
            if length > 0.0 && length.is_finite() {
                chosen.push(j as u32);
                dirs.extend(dir.iter().map(|d| (d / length).to_bits()));
            }
        }
        if chosen.is_empty() {
            return;
        }
        let count = chosen.len();
        let mut data = chosen;
        data.extend(dirs);
        let device = &self.ctx.device;
        let job_data = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("resample job"),
            contents: bytemuck::cast_slice(&data),
            usage: wgpu::BufferUsages::STORAGE,
        });
        let stride = |n: usize| padded(n) as u32;
        let job = [
            count as u32,
            d_in as u32,
            d_sae as u32,
            encoder_norm.to_bits(),
            stride(d_in * d_sae),
            stride(d_sae * d_in),
            stride(d_sae),
            0,
        ];
        let job = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("resample"),
            contents: bytemuck::cast_slice(&job),
            usage: wgpu::BufferUsages::UNIFORM,
        });
        let b = &self.bufs;
        let resources = [
            job_data.as_entire_binding(),
            job.as_entire_binding(),
            b.w_enc.as_entire_binding(),
            b.w_dec.as_entire_binding(),
            b.b_enc.as_entire_binding(),
            b.moments[0].as_entire_binding(),
            b.moments[2].as_entire_binding(),
            b.moments[1].as_entire_binding(),
            b.since_fired.as_entire_binding(),
        ];
        let entries: Vec<wgpu::BindGroupEntry> = resources
            .iter()
            .enumerate()
            .map(|(i, r)| wgpu::BindGroupEntry { binding: i as u32, resource: r.clone() })
            .collect();
        let group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("resample"),
            layout: &self.resample.get_bind_group_layout(0),
            entries: &entries,
        });
        let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("resample") });
        {
            let mut pass = encoder
                .begin_compute_pass(&wgpu::ComputePassDescriptor { label: Some("resample"), timestamp_writes: None });
            pass.set_pipeline(&self.resample);
            pass.set_bind_group(0, &group, &[]);
            let (x, y) = grid((count * d_in).div_ceil(WG as usize), &self.ctx.limits);
            pass.dispatch_workgroups(x, y, 1);
        }
        self.ctx.queue.submit([encoder.finish()]);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use frontier_sae::config::Arch;

    fn cfg(d_in: usize, d_sae: usize) -> SaeConfig {
        SaeConfig { d_in, d_sae, arch: Arch::Relu, k: 0, apply_b_dec_to_input: true }
    }

    #[test]
    fn a_run_larger_than_a_binding_is_refused_before_allocating() {
        // WebGPU's guaranteed minimum binding is 128 MiB; h is 4096 × 16384 × 4 B = 256 MiB.
        let limits = wgpu::Limits::default();
        match check_fits(&cfg(768, 16_384), 4096, &limits) {
            Err(GpuError::TooLarge { needed, limit, limit_name, .. }) => {
                assert_eq!(limit_name, "maxStorageBufferBindingSize");
                assert_eq!(limit, "128.0 MiB");
                assert_eq!(needed, "256.0 MiB");
            }
            other => panic!("{other:?}"),
        }
        assert!(check_fits(&cfg(64, 512), 1024, &limits).is_ok());
    }

    #[test]
    fn an_adapter_with_small_workgroups_is_refused() {
        let limits = wgpu::Limits { max_compute_invocations_per_workgroup: 128, ..wgpu::Limits::default() };
        let err = check_fits(&cfg(8, 16), 4, &limits).unwrap_err();
        assert!(err.to_string().contains("maxComputeInvocationsPerWorkgroup"), "{err}");
    }

    #[test]
    fn topk_and_batchtopk_runs_count_the_auxk_buffers() {
        let relu = buffer_bytes(&cfg(64, 512), 1024);
        for arch in [Arch::TopK, Arch::BatchTopK] {
            let run = SaeConfig { arch, k: 8, ..cfg(64, 512) };
            // AuxK's features (1024 × 512) and error (1024 × 64), in floats.
            assert_eq!(buffer_bytes(&run, 1024), (relu.0, relu.1 + 4 * (1024 * 512 + 1024 * 64)));
        }
    }

    #[test]
    fn the_batch_ring_holds_what_fits_in_64_mib() {
        // 4096 × 768 × 4 B = 12 MiB a batch: 5 fit. Small batches stop at 16.
        assert_eq!(slots_for(768, 4096), 5);
        assert_eq!(slots_for(64, 1024), MAX_STEPS_PER_SUBMISSION);
    }
}

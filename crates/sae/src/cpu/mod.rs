//! The CPU backend: forward, loss, backward and Adam written out by hand over matrixmultiply's
//! kernels, with every buffer allocated once and reused.

mod auxk;
mod buffers;

use crate::adam::{AdamStep, Moments};
use crate::backend::{Backend, StepParams, StepStats};
use crate::config::{Arch, SaeConfig};
use crate::error::SaeError;
use crate::gemm::{gemm, Operand};
use crate::model::{keep_top_k, l2, select_top, Sae};
use crate::Matrix;

use buffers::Buffers;

/// BatchTopK's threshold follows the smallest kept activation with this rate (SAELens's
/// `topk_threshold_lr`).
const THRESHOLD_RATE: f32 = 0.01;

/// Gradients of the four parameter tensors, laid out like them.
#[derive(Debug, Clone)]
pub struct Grads {
    pub w_enc: Vec<f32>,
    pub b_enc: Vec<f32>,
    pub w_dec: Vec<f32>,
    pub b_dec: Vec<f32>,
}

/// An SAE in training on the CPU.
#[derive(Debug, Clone)]
pub struct CpuBackend {
    sae: Sae,
    grads: Grads,
    moments: [Moments; 4],
    steps_since_fired: Vec<u64>,
    buffers: Buffers,
}

impl CpuBackend {
    pub fn new(sae: Sae) -> Self {
        let (d_in, d_sae) = (sae.cfg.d_in, sae.cfg.d_sae);
        Self {
            grads: Grads {
                w_enc: vec![0.0; d_in * d_sae],
                b_enc: vec![0.0; d_sae],
                w_dec: vec![0.0; d_sae * d_in],
                b_dec: vec![0.0; d_in],
            },
            moments: [Moments::new(d_in * d_sae), Moments::new(d_sae), Moments::new(d_sae * d_in), Moments::new(d_in)],
            steps_since_fired: vec![0; d_sae],
            buffers: Buffers::default(),
            sae,
        }
    }

    /// Restores the firing counters (a checkpoint, or a test that needs given features dead).
    pub fn set_steps_since_fired(&mut self, counts: &[u64]) {
        self.steps_since_fired.iter_mut().zip(counts).for_each(|(c, &n)| *c = n);
    }

    /// The gradients of the last step (after the unit-norm projection, when on).
    pub fn grads(&self) -> &Grads {
        &self.grads
    }

    /// Forward pass, loss and gradients of `batch`, without updating anything. Exposed for the
    /// gradient checks.
    pub fn loss_and_grads(&mut self, batch: &Matrix, params: &StepParams) -> Result<StepStats, SaeError> {
        let cfg = self.sae.cfg;
        if batch.cols != cfg.d_in {
            return Err(SaeError::Width { expected: cfg.d_in, found: batch.cols });
        }
        if batch.rows == 0 {
            return Err(SaeError::Data("a training batch needs at least one row".into()));
        }
        let (rows, d_in, d_sae) = (batch.rows, cfg.d_in, cfg.d_sae);
        let dead: Vec<usize> = if params.auxk_coeff > 0.0 && cfg.arch != Arch::Relu {
            (0..d_sae).filter(|&j| self.steps_since_fired[j] >= params.dead_window).collect()
        } else {
            Vec::new()
        };
        let sae = &self.sae;
        let b = &mut self.buffers;
        b.resize(rows, d_in, d_sae);

        // Forward.
        b.x_in.copy_from_slice(&batch.values);
        if cfg.apply_b_dec_to_input {
            for row in b.x_in.chunks_exact_mut(d_in) {
                row.iter_mut().zip(&sae.b_dec).for_each(|(v, bd)| *v -= bd);
            }
        }
        for row in b.h.chunks_exact_mut(d_sae) {
            row.copy_from_slice(&sae.b_enc);
        }
        gemm(
            Operand::new(&b.x_in, rows, d_in),
            Operand::new(&sae.w_enc.values, d_in, d_sae),
            &mut b.h,
            rows,
            d_sae,
            1.0,
        )?;
        b.f.copy_from_slice(&b.h);
        let kept_min = activate(&mut b.f, rows, cfg);
        for row in b.recon.chunks_exact_mut(d_in) {
            row.copy_from_slice(&sae.b_dec);
        }
        gemm(
            Operand::new(&b.f, rows, d_sae),
            Operand::new(&sae.w_dec.values, d_sae, d_in),
            &mut b.recon,
            rows,
            d_in,
            1.0,
        )?;

        // Losses. Sums run per row in f32 (SIMD-friendly) and across rows in f64.
        let mut sq_err = 0.0f64;
        let mse_scale = 2.0 / (rows * d_in) as f32;
        for ((g, r), x) in
            b.g_out.chunks_exact_mut(d_in).zip(b.recon.chunks_exact(d_in)).zip(batch.values.chunks_exact(d_in))
        {
            let mut row_err = 0.0f32;
            for ((g, &r), &x) in g.iter_mut().zip(r).zip(x) {
                let diff = r - x;
                row_err += diff * diff;
                *g = mse_scale * diff;
            }
            sq_err += f64::from(row_err);
        }
        let mse = sq_err / (rows * d_in) as f64;
        let (mut l1_sum, mut active) = (0.0f64, 0usize);
        for row in b.f.chunks_exact(d_sae) {
            // Features are never negative (ReLU), so |f| = f.
            l1_sum += f64::from(row.iter().sum::<f32>());
            active += row.iter().map(|&v| usize::from(v > 0.0)).sum::<usize>();
        }
        let sparsity_loss = f64::from(params.l1_coeff) * l1_sum / (rows * d_sae) as f64;
        let variance = total_variance(&batch.values, rows, d_in);

        // Backward through the decoder: dW_dec = fᵀ g_out, db_dec = Σ_rows g_out, g_f = g_out W_decᵀ.
        let grads = &mut self.grads;
        let g_out = Operand::new(&b.g_out, rows, d_in);
        gemm(Operand::new(&b.f, rows, d_sae).t(), g_out, &mut grads.w_dec, d_sae, d_in, 0.0)?;
        column_sums(&b.g_out, d_in, &mut grads.b_dec);
        gemm(g_out, Operand::new(&sae.w_dec.values, d_sae, d_in).t(), &mut b.g_h, rows, d_sae, 0.0)?;
        // Through the L1 term and the activation: only active features pass gradient.
        let l1_grad = params.l1_coeff / (rows * d_sae) as f32;
        // Written without a branch: about half the features are active, so a branch mispredicts,
        // and the multiply by 0 or 1 vectorises.
        for (g, &f) in b.g_h.iter_mut().zip(&b.f) {
            *g = (*g + l1_grad) * f32::from(u8::from(f > 0.0));
        }
        let aux_loss =
            if dead.is_empty() { 0.0 } else { auxk::add_aux_loss(sae, batch, params, &dead, b, &mut grads.w_dec) };

        // Backward through the encoder: dW_enc = x_inᵀ g_h, db_enc = Σ_rows g_h, and when the input is
        // centred by b_dec, db_dec −= W_enc · db_enc (the sum over rows moves inside the product).
        gemm(
            Operand::new(&b.x_in, rows, d_in).t(),
            Operand::new(&b.g_h, rows, d_sae),
            &mut grads.w_enc,
            d_in,
            d_sae,
            0.0,
        )?;
        column_sums(&b.g_h, d_sae, &mut grads.b_enc);
        if cfg.apply_b_dec_to_input {
            for (i, g) in grads.b_dec.iter_mut().enumerate() {
                let row = &sae.w_enc.values[i * d_sae..(i + 1) * d_sae];
                *g -= row.iter().zip(&grads.b_enc).map(|(w, gb)| w * gb).sum::<f32>();
            }
        }
        if params.unit_norm_decoder {
            project_out_radial(&mut grads.w_dec, &sae.w_dec.values, d_in);
        }

        let loss = mse + sparsity_loss + aux_loss;
        if !loss.is_finite() {
            return Err(SaeError::Diverged { step: params.step, loss: loss as f32 });
        }
        if cfg.arch == Arch::BatchTopK {
            if let Some(min) = kept_min {
                self.sae.threshold = (1.0 - THRESHOLD_RATE) * self.sae.threshold + THRESHOLD_RATE * min;
            }
        }
        Ok(StepStats {
            loss: loss as f32,
            mse: mse as f32,
            sparsity_loss: sparsity_loss as f32,
            aux_loss: aux_loss as f32,
            l0: active as f32 / rows as f32,
            l1: (l1_sum / rows as f64) as f32,
            fvu: if variance > 0.0 { (sq_err / variance) as f32 } else { f32::NAN },
            dead: 0,
        })
    }

    fn update_firing(&mut self, rows: usize, window: u64) -> usize {
        let d_sae = self.sae.cfg.d_sae;
        let mut fired = vec![false; d_sae];
        for row in self.buffers.f.chunks_exact(d_sae).take(rows) {
            for (flag, &v) in fired.iter_mut().zip(row) {
                *flag |= v > 0.0;
            }
        }
        let mut dead = 0;
        for (count, fired) in self.steps_since_fired.iter_mut().zip(fired) {
            *count = if fired { 0 } else { count.saturating_add(1) };
            dead += usize::from(*count >= window);
        }
        dead
    }
}

impl Backend for CpuBackend {
    fn name(&self) -> String {
        "CPU".into()
    }

    fn config(&self) -> SaeConfig {
        self.sae.cfg
    }

    fn train_step(&mut self, batch: &Matrix, params: &StepParams) -> Result<StepStats, SaeError> {
        let mut stats = self.loss_and_grads(batch, params)?;
        let adam =
            AdamStep { lr: params.lr, beta1: params.beta1, beta2: params.beta2, eps: params.eps, t: params.step + 1 };
        let sae = &mut self.sae;
        let [m_we, m_be, m_wd, m_bd] = &mut self.moments;
        m_we.update(&mut sae.w_enc.values, &self.grads.w_enc, adam);
        m_be.update(&mut sae.b_enc, &self.grads.b_enc, adam);
        m_wd.update(&mut sae.w_dec.values, &self.grads.w_dec, adam);
        m_bd.update(&mut sae.b_dec, &self.grads.b_dec, adam);
        if params.unit_norm_decoder {
            normalize_rows(&mut sae.w_dec.values, sae.cfg.d_in);
        }
        stats.dead = self.update_firing(batch.rows, params.dead_window);
        Ok(stats)
    }

    fn sae(&self) -> Sae {
        self.sae.clone()
    }

    fn steps_since_fired(&self) -> Vec<u64> {
        self.steps_since_fired.clone()
    }

    fn resample(&mut self, features: &[usize], directions: &Matrix, encoder_norm: f32) {
        let (d_in, d_sae) = (self.sae.cfg.d_in, self.sae.cfg.d_sae);
        for (n, &j) in features.iter().enumerate().filter(|(n, &j)| j < d_sae && *n < directions.rows) {
            let dir = directions.row(n);
            let length = l2(dir);
            if !(length > 0.0 && length.is_finite()) {
                continue;
            }
            for (i, &d) in dir.iter().enumerate() {
                self.sae.w_dec.values[j * d_in + i] = d / length;
                self.sae.w_enc.values[i * d_sae + j] = d / length * encoder_norm;
            }
            self.sae.b_enc[j] = 0.0;
            let [m_we, m_be, m_wd, _] = &mut self.moments;
            m_wd.reset(j * d_in..(j + 1) * d_in);
            m_we.reset_strided(j, d_sae);
            m_be.reset(j..j + 1);
            self.steps_since_fired[j] = 0;
        }
    }
}

/// Applies the architecture's activation to the pre-activations in place. For BatchTopK, returns
/// the smallest positive activation kept (the threshold's next observation).
fn activate(f: &mut [f32], rows: usize, cfg: SaeConfig) -> Option<f32> {
    match cfg.arch {
        Arch::Relu => {
            f.iter_mut().for_each(|v| *v = v.max(0.0));
            None
        }
        Arch::TopK => {
            f.chunks_exact_mut(cfg.d_sae).for_each(|row| keep_top_k(row, cfg.k));
            None
        }
        Arch::BatchTopK => {
            let keep = (cfg.k * rows).min(f.len());
            let mut order: Vec<u32> = (0..f.len() as u32).collect();
            select_top(&mut order, keep, |i| f[i as usize]);
            let mut kept = vec![false; f.len()];
            order[..keep].iter().for_each(|&i| kept[i as usize] = true);
            let mut min_positive: Option<f32> = None;
            for (v, kept) in f.iter_mut().zip(kept) {
                *v = if kept { v.max(0.0) } else { 0.0 };
                if *v > 0.0 {
                    min_positive = Some(min_positive.map_or(*v, |m| m.min(*v)));
                }
            }
            min_positive
        }
    }
}

/// Σ_rows ‖x − x̄‖², in f64.
fn total_variance(x: &[f32], rows: usize, cols: usize) -> f64 {
    let mut mean = vec![0.0f64; cols];
    for row in x.chunks_exact(cols) {
        mean.iter_mut().zip(row).for_each(|(m, &v)| *m += f64::from(v));
    }
    mean.iter_mut().for_each(|m| *m /= rows as f64);
    x.chunks_exact(cols).map(|row| row.iter().zip(&mean).map(|(&v, m)| (f64::from(v) - m).powi(2)).sum::<f64>()).sum()
}

/// `out[j] = Σ_rows m[row, j]`.
fn column_sums(m: &[f32], cols: usize, out: &mut [f32]) {
    out.iter_mut().for_each(|o| *o = 0.0);
    for row in m.chunks_exact(cols) {
        out.iter_mut().zip(row).for_each(|(o, v)| *o += v);
    }
}

/// g_i ← g_i − (g_i·ŵ_i) ŵ_i for each decoder row, so the step does not change the row's norm to
/// first order.
fn project_out_radial(grad: &mut [f32], w: &[f32], cols: usize) {
    for (g, w) in grad.chunks_exact_mut(cols).zip(w.chunks_exact(cols)) {
        let norm_sq: f32 = w.iter().map(|x| x * x).sum();
        if norm_sq > 0.0 {
            let along = g.iter().zip(w).map(|(a, b)| a * b).sum::<f32>() / norm_sq;
            g.iter_mut().zip(w).for_each(|(a, b)| *a -= along * b);
        }
    }
}

/// Scales each row to unit norm (rows of zeros stay zero).
pub(crate) fn normalize_rows(m: &mut [f32], cols: usize) {
    for row in m.chunks_exact_mut(cols) {
        let norm = l2(row);
        if norm > 0.0 {
            row.iter_mut().for_each(|v| *v /= norm);
        }
    }
}

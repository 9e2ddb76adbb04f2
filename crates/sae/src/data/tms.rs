//! Toy models of superposition (Elhage et al. 2022): `n` sparse features squeezed through `m < n`
//! hidden dimensions by a small ReLU autoencoder; its hidden activations are the SAE's data, and
//! its feature directions (the columns of W) the truth to recover.
//!
//! Model: h = W x, x' = ReLU(Wᵀ h + b), loss = mean over the batch of Σ_i I_i (x_i − x'_i)², with
//! feature i zero with probability `sparsity` and otherwise uniform in [0, 1), and importance
//! I_i = importance_decay^i. Trained with Adam (lr 5e-3, batch 1024).

use serde::{Deserialize, Serialize};

use crate::adam::{AdamStep, Moments};
use crate::error::{setting, SaeError};
use crate::rng::Rng;
use crate::Matrix;

const BATCH: usize = 1024;
const LR: f32 = 5e-3;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TmsSpec {
    pub n_features: usize,
    pub m_hidden: usize,
    /// Probability that a feature is zero.
    pub sparsity: f32,
    pub importance_decay: f32,
    /// Training steps of the toy model itself.
    pub steps: u32,
    pub seed: u64,
}

impl Default for TmsSpec {
    /// Five features in two dimensions, sparse enough to form the pentagon.
    fn default() -> Self {
        Self { n_features: 5, m_hidden: 2, sparsity: 0.9, importance_decay: 1.0, steps: 3_000, seed: 0 }
    }
}

#[derive(Debug, Clone)]
pub struct Tms {
    pub spec: TmsSpec,
    /// `[m_hidden, n_features]`: column i is feature i's direction in the hidden space.
    pub w: Matrix,
    pub b: Vec<f32>,
    /// The importance-weighted loss at the end of training.
    pub final_loss: f32,
}

impl Tms {
    /// Trains the toy model (deterministic in the seed).
    pub fn train(spec: TmsSpec) -> Result<Self, SaeError> {
        if spec.n_features == 0 || spec.m_hidden == 0 || spec.n_features > 512 || spec.m_hidden > 64 {
            return Err(setting("features", "the toy model takes 1–512 features in 1–64 hidden dimensions"));
        }
        if !(0.0..1.0).contains(&spec.sparsity) {
            return Err(setting("sparsity", "must lie in [0, 1)"));
        }
        if !(spec.importance_decay > 0.0 && spec.importance_decay <= 1.0) {
            return Err(setting("importance", "the decay must lie in (0, 1]"));
        }
        let (n, m) = (spec.n_features, spec.m_hidden);
        let mut rng = Rng::new(spec.seed);
        // Xavier-normal, as the reference implementations initialise W.
        let std = (2.0 / (n + m) as f64).sqrt();
        let mut w: Vec<f32> = (0..m * n).map(|_| (rng.normal() * std) as f32).collect();
        let mut b = vec![0.0f32; n];
        let importance: Vec<f32> = (0..n).map(|i| spec.importance_decay.powi(i as i32)).collect();
        let (mut mw, mut mb) = (Moments::new(m * n), Moments::new(n));
        let (mut gw, mut gb) = (vec![0.0f32; m * n], vec![0.0f32; n]);
        let mut final_loss = 0.0;
        for step in 0..spec.steps {
            let x = features(&mut rng, BATCH, n, spec.sparsity);
            gw.iter_mut().for_each(|g| *g = 0.0);
            gb.iter_mut().for_each(|g| *g = 0.0);
            let mut loss = 0.0f64;
            let (mut h, mut g, mut wg) = (vec![0.0f32; m], vec![0.0f32; n], vec![0.0f32; m]);
            for x in x.chunks_exact(n) {
                hidden(&w, x, m, n, &mut h);
                for i in 0..n {
                    let pre: f32 = (0..m).map(|k| w[k * n + i] * h[k]).sum::<f32>() + b[i];
                    let diff = pre.max(0.0) - x[i];
                    loss += f64::from(importance[i] * diff * diff);
                    g[i] = if pre > 0.0 { 2.0 * importance[i] * diff / BATCH as f32 } else { 0.0 };
                }
                // dW = h gᵀ + (W g) xᵀ; db = g.
                for k in 0..m {
                    wg[k] = (0..n).map(|i| w[k * n + i] * g[i]).sum();
                }
                for k in 0..m {
                    for i in 0..n {
                        gw[k * n + i] += h[k] * g[i] + wg[k] * x[i];
                    }
                }
                gb.iter_mut().zip(&g).for_each(|(a, b)| *a += b);
            }
            let adam = AdamStep { lr: LR, beta1: 0.9, beta2: 0.999, eps: 1e-8, t: u64::from(step) + 1 };
            mw.update(&mut w, &gw, adam);
            mb.update(&mut b, &gb, adam);
            final_loss = (loss / BATCH as f64) as f32;
        }
        Ok(Self { spec, w: Matrix { rows: m, cols: n, values: w }, b, final_loss })
    }

    /// Hidden activations h = W x of fresh samples: the SAE's training data, `[rows, m_hidden]`.
    pub fn sample(&self, rng: &mut Rng, rows: usize) -> Matrix {
        let (n, m) = (self.spec.n_features, self.spec.m_hidden);
        let x = features(rng, rows, n, self.spec.sparsity);
        let mut out = Matrix::zeros(rows, m);
        for (r, x) in x.chunks_exact(n).enumerate() {
            hidden(&self.w.values, x, m, n, out.row_mut(r));
        }
        out
    }

    /// Feature directions as rows, `[n_features, m_hidden]` (the ground truth for recovery).
    pub fn directions(&self) -> Matrix {
        self.w.transposed()
    }

    /// ‖W_i‖ per feature: near 1 when the model represents the feature, near 0 when it drops it.
    pub fn feature_norms(&self) -> Vec<f32> {
        let d = self.directions();
        (0..d.rows).map(|i| crate::model::l2(d.row(i))).collect()
    }
}

fn features(rng: &mut Rng, rows: usize, n: usize, sparsity: f32) -> Vec<f32> {
    (0..rows * n).map(|_| if rng.uniform_f32() < sparsity { 0.0 } else { rng.uniform_f32() }).collect()
}

fn hidden(w: &[f32], x: &[f32], m: usize, n: usize, out: &mut [f32]) {
    for (k, o) in out.iter_mut().enumerate().take(m) {
        *o = w[k * n..(k + 1) * n].iter().zip(x).map(|(a, b)| a * b).sum();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Elhage et al.'s central result: dense features get one dimension each (the model keeps m of
    /// them and drops the rest); sparse features are all kept, in superposition.
    #[test]
    fn sparsity_brings_superposition() {
        let represented = |sparsity: f32, importance_decay: f32| {
            let spec = TmsSpec { sparsity, importance_decay, ..TmsSpec::default() };
            let tms = Tms::train(spec).unwrap_or_else(|e| panic!("{e}"));
            tms.feature_norms().iter().filter(|&&norm| norm > 0.5).count()
        };
        // With importance 0.7^i, dense data: only the two most important features get a dimension.
        assert_eq!(represented(0.0, 0.7), 2);
        // Equal importance, 95 % sparse: all five, as the pentagon.
        assert_eq!(represented(0.95, 1.0), 5);
    }
}

//! Logistic regression trained on soft labels, plainly or with the auxiliary confidence loss.
//!
//! The objective is the mean cross-entropy against a target probability per row plus
//! `l2 / 2 · |w|²` (the intercept is not penalised), which is scikit-learn's
//! `LogisticRegression(C = 1 / (l2 · n))` when the targets are 0 or 1. Training is full-batch
//! Adam (β = 0.9, 0.999, ε = 1e-8, PyTorch's defaults) from zero for a fixed number of steps
//! with the learning rate cosine-annealed to zero, which is how openai/weak-to-strong trains
//! (Adam, `CosineAnnealingLR`), with the whole training set as one batch. For a fixed target
//! this converges to the regularised optimum (the tests check it against scikit-learn); for the
//! auxiliary loss the target moves with the model, so the schedule is part of the method.
//!
//! The auxiliary confidence loss, as `logconf_loss_fn` in openai/weak-to-strong
//! (`weak_to_strong/loss.py`) computes it, with p₀ the student's probability of class 0 and y
//! the weak supervisor's probability of class 1:
//!
//! - coefficient α = `aux_coef` × (1 if step/steps > `warmup_frac`, else step/steps). Note
//!   that this is not a ramp to `aux_coef`: α climbs to `warmup_frac × aux_coef` and then
//!   jumps to `aux_coef` (the paper describes a linear warm-up; this follows the code);
//! - threshold t = `torch.quantile(p₀, mean(y))` over the batch (linear interpolation), chosen
//!   so that the hardened labels' class balance matches the weak labels';
//! - hardened label h = class 1 where p₀ < t, class 0 where p₀ ≥ t (held fixed: no gradient);
//! - loss = CE(student, (1 − α)·y + α·h), i.e. (1 − α)·CE(f, f_w) + α·CE(f, hardened f).
//!
//! Its gradient in the logit is p − target, exactly as for plain cross-entropy.

use serde::Serialize;

use super::features::Features;

/// Optimiser settings shared by every model in the lab.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrainConfig {
    /// The L2 penalty on the weights (scikit-learn's C is 1 / (l2 · rows)).
    pub l2: f64,
    /// Full-batch Adam steps.
    pub steps: usize,
    /// Adam's starting learning rate, annealed to zero over the steps.
    pub learning_rate: f64,
}

impl Default for TrainConfig {
    /// 300 steps at 0.1 reach scikit-learn's optimum to about 1e-5 on the shipped embeddings
    /// (measured); l2 = 1e-3 gave the best ceiling of 1e-3, 3e-3 and 1e-2 on held-out data.
    fn default() -> Self {
        TrainConfig { l2: 1e-3, steps: 300, learning_rate: 0.1 }
    }
}

/// What the student is trained to match.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum TransferLoss {
    /// Plain cross-entropy against the targets ("naive" fine-tuning).
    CrossEntropy,
    /// openai/weak-to-strong's `logconf` loss (defaults there: `aux_coef` 0.5, `warmup_frac` 0.1).
    AuxConfidence { aux_coef: f64, warmup_frac: f64 },
}

impl TransferLoss {
    /// The code's defaults.
    pub const AUX_DEFAULT: TransferLoss = TransferLoss::AuxConfidence { aux_coef: 0.5, warmup_frac: 0.1 };
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogisticModel {
    pub weights: Vec<f64>,
    pub bias: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrainError {
    #[error("{rows} feature rows but {targets} targets")]
    Mismatch { rows: usize, targets: usize },
    #[error("nothing to train on: no rows")]
    Empty,
}

fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// Eight running sums so that the compiler can vectorise; a fixed order, so the result is the
/// same natively and in wasm.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca.remainder().iter().zip(cb.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// `sum += r · row`.
fn axpy(sum: &mut [f32], r: f32, row: &[f32]) {
    sum.iter_mut().zip(row).for_each(|(g, &v)| *g += r * v);
}

impl LogisticModel {
    pub fn zeros(cols: usize) -> LogisticModel {
        LogisticModel { weights: vec![0.0; cols], bias: 0.0 }
    }

    /// One logit per row (rows must have as many columns as the model has weights).
    pub fn logits(&self, x: &Features) -> Vec<f64> {
        let w: Vec<f32> = self.weights.iter().map(|&v| v as f32).collect();
        (0..x.rows()).map(|i| f64::from(dot(x.row(i), &w)) + self.bias).collect()
    }

    /// P(class 1) per row.
    pub fn probabilities(&self, x: &Features) -> Vec<f64> {
        self.logits(x).into_iter().map(sigmoid).collect()
    }

    /// Class 1 where the logit is positive.
    pub fn predictions(&self, x: &Features) -> Vec<bool> {
        self.logits(x).into_iter().map(|z| z > 0.0).collect()
    }
}

/// The objective: mean cross-entropy against `targets` (P(class 1)) plus `l2 / 2 · |w|²`.
pub fn objective(model: &LogisticModel, x: &Features, targets: &[f64], l2: f64) -> f64 {
    let logits = model.logits(x);
    // CE = softplus(z) − t·z, written to stay finite for large |z|.
    let ce: f64 = logits.iter().zip(targets).map(|(&z, &t)| z.max(0.0) + (-z.abs()).exp().ln_1p() - t * z).sum();
    ce / logits.len().max(1) as f64 + 0.5 * l2 * model.weights.iter().map(|w| w * w).sum::<f64>()
}

/// The objective's gradient in (weights, bias), given each row's p − target.
fn gradient_from_residuals(model: &LogisticModel, x: &Features, residuals: &[f64], l2: f64) -> (Vec<f64>, f64) {
    let mut sum = vec![0.0f32; x.cols()];
    for (i, &r) in residuals.iter().enumerate() {
        axpy(&mut sum, r as f32, x.row(i));
    }
    let n = residuals.len().max(1) as f64;
    let grad = sum.iter().zip(&model.weights).map(|(&g, &w)| f64::from(g) / n + l2 * w).collect();
    (grad, residuals.iter().sum::<f64>() / n)
}

/// The objective's gradient for fixed targets (the auxiliary loss's targets are fixed within a
/// step, so this is its gradient too).
pub fn gradient(model: &LogisticModel, x: &Features, targets: &[f64], l2: f64) -> (Vec<f64>, f64) {
    let residuals: Vec<f64> = model.probabilities(x).iter().zip(targets).map(|(p, t)| p - t).collect();
    gradient_from_residuals(model, x, &residuals, l2)
}

/// α at a point of training, exactly as `logconf_loss_fn` computes it.
pub fn aux_coefficient(aux_coef: f64, warmup_frac: f64, step_frac: f64) -> f64 {
    aux_coef * if step_frac > warmup_frac { 1.0 } else { step_frac }
}

/// `torch.quantile(values, q)` with its default linear interpolation (q clamped to [0, 1]);
/// NaN for no values.
pub fn quantile_linear(values: &[f64], q: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// The auxiliary loss's targets, (1 − α)·weak + α·hardened, for the student's current
/// probabilities of class 1 (see the module's notes for the threshold).
pub fn confidence_targets(probabilities: &[f64], weak: &[f64], alpha: f64) -> Vec<f64> {
    let p0: Vec<f64> = probabilities.iter().map(|p| 1.0 - p).collect();
    let mean_weak = weak.iter().sum::<f64>() / weak.len().max(1) as f64;
    let threshold = quantile_linear(&p0, mean_weak);
    p0.iter().zip(weak).map(|(&q0, &y)| (1.0 - alpha) * y + alpha * if q0 < threshold { 1.0 } else { 0.0 }).collect()
}

/// Trains from zero with full-batch Adam; `targets` are P(class 1) per row, in [0, 1].
pub fn train(
    x: &Features,
    targets: &[f64],
    loss: TransferLoss,
    config: &TrainConfig,
) -> Result<LogisticModel, TrainError> {
    if x.rows() != targets.len() {
        return Err(TrainError::Mismatch { rows: x.rows(), targets: targets.len() });
    }
    if x.rows() == 0 {
        return Err(TrainError::Empty);
    }
    let d = x.cols();
    let mut model = LogisticModel::zeros(d);
    let (b1, b2, eps) = (0.9f64, 0.999f64, 1e-8);
    let (mut m, mut v) = (vec![0.0f64; d + 1], vec![0.0f64; d + 1]);
    let steps = config.steps.max(1);
    for step in 0..config.steps {
        let step_frac = step as f64 / steps as f64;
        let probabilities = model.probabilities(x);
        let residuals: Vec<f64> = match loss {
            TransferLoss::CrossEntropy => probabilities.iter().zip(targets).map(|(p, t)| p - t).collect(),
            TransferLoss::AuxConfidence { aux_coef, warmup_frac } => {
                let alpha = aux_coefficient(aux_coef, warmup_frac, step_frac);
                let mixed = confidence_targets(&probabilities, targets, alpha);
                probabilities.iter().zip(&mixed).map(|(p, t)| p - t).collect()
            }
        };
        let (grad_w, grad_b) = gradient_from_residuals(&model, x, &residuals, config.l2);
        let lr = config.learning_rate * 0.5 * (1.0 + (std::f64::consts::PI * step_frac).cos());
        let t = (step + 1) as i32;
        let (c1, c2) = (1.0 - b1.powi(t), 1.0 - b2.powi(t));
        for (k, g) in grad_w.into_iter().chain(std::iter::once(grad_b)).enumerate() {
            m[k] = b1 * m[k] + (1.0 - b1) * g;
            v[k] = b2 * v[k] + (1.0 - b2) * g * g;
            let delta = lr * (m[k] / c1) / ((v[k] / c2).sqrt() + eps);
            if k < d {
                model.weights[k] -= delta;
            } else {
                model.bias -= delta;
            }
        }
    }
    Ok(model)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_interpolates_like_torch() {
        // torch.quantile(torch.tensor([3., 1., 2., 4.]), 0.5) == 2.5; q = 1/3 lands on 2.0.
        assert_eq!(quantile_linear(&[3.0, 1.0, 2.0, 4.0], 0.5), 2.5);
        assert!((quantile_linear(&[3.0, 1.0, 2.0, 4.0], 1.0 / 3.0) - 2.0).abs() < 1e-12);
        assert_eq!(quantile_linear(&[5.0], 0.3), 5.0);
        assert!(quantile_linear(&[], 0.3).is_nan());
    }

    #[test]
    fn alpha_follows_the_code_not_a_ramp() {
        assert_eq!(aux_coefficient(0.5, 0.1, 0.0), 0.0);
        assert!((aux_coefficient(0.5, 0.1, 0.1) - 0.05).abs() < 1e-15);
        assert_eq!(aux_coefficient(0.5, 0.1, 0.1001), 0.5);
    }

    #[test]
    fn hardened_labels_match_the_weak_balance() {
        // Weak labels average 0.25: a quarter of the rows, the student's most confident, harden to 1.
        let p = [0.9, 0.2, 0.6, 0.1, 0.3, 0.4, 0.8, 0.05];
        let weak = [0.25; 8];
        let t = confidence_targets(&p, &weak, 1.0);
        assert_eq!(t, [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0]);
    }

    #[test]
    fn rejects_mismatched_inputs() {
        let x = Features::new(2, 1, vec![1.0, -1.0]).unwrap_or_else(|| panic!("shape"));
        let c = TrainConfig::default();
        assert_eq!(
            train(&x, &[1.0], TransferLoss::CrossEntropy, &c),
            Err(TrainError::Mismatch { rows: 2, targets: 1 })
        );
        let empty = Features::new(0, 1, vec![]).unwrap_or_else(|| panic!("shape"));
        assert_eq!(train(&empty, &[], TransferLoss::CrossEntropy, &c), Err(TrainError::Empty));
    }
}

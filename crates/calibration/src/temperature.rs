//! Temperature scaling fitted exactly: NLL is convex in β = 1/T, so Newton's method on β
//! (with a bisection fallback that keeps β positive) converges to the optimum rather than
//! stopping after a fixed number of optimizer steps.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TemperatureFit {
    pub temperature: f64,
    pub nll_before: f64,
    pub nll_after: f64,
    pub iterations: usize,
}

/// Mean NLL of softmax(β · z) and its first two derivatives in β.
fn nll_and_derivatives(logits: &[Vec<f64>], labels: &[usize], beta: f64) -> (f64, f64, f64) {
    let (mut nll, mut grad, mut hess) = (0.0, 0.0, 0.0);
    for (z, &y) in logits.iter().zip(labels) {
        let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let weights: Vec<f64> = z.iter().map(|&v| (beta * (v - max)).exp()).collect();
        let sum: f64 = weights.iter().sum();
        let mean: f64 = weights.iter().zip(z).map(|(w, v)| w * v).sum::<f64>() / sum;
        let second: f64 = weights.iter().zip(z).map(|(w, v)| w * v * v).sum::<f64>() / sum;
        nll += -beta * (z[y] - max) + sum.ln();
        grad += mean - z[y];
        hess += second - mean * mean;
    }
    let n = logits.len().max(1) as f64;
    (nll / n, grad / n, hess / n)
}

/// Log-probabilities as logits, for files that give probabilities (clipped at 1e-12 so a zero
/// probability stays finite; the clip is part of the model).
pub fn logits_from_probabilities(probs: &[Vec<f64>]) -> Vec<Vec<f64>> {
    probs.iter().map(|row| row.iter().map(|&p| p.max(1e-12).ln()).collect()).collect()
}

/// Fits T on `logits` (rows of class scores) against class `labels`; `None` when there is
/// no data or a label is out of range.
pub fn fit_temperature(logits: &[Vec<f64>], labels: &[usize]) -> Option<TemperatureFit> {
    if logits.is_empty() || logits.len() != labels.len() || logits.iter().zip(labels).any(|(z, &y)| y >= z.len()) {
        return None;
    }
    let nll_before = nll_and_derivatives(logits, labels, 1.0).0;
    let (mut lo, mut hi) = (1e-6_f64, 1e6_f64);
    let mut beta = 1.0;
    let mut iterations = 0;
    for _ in 0..200 {
        iterations += 1;
        let (_, g, h) = nll_and_derivatives(logits, labels, beta);
        if g.abs() < 1e-14 {
            break;
        }
        // The gradient is increasing in β (convexity): keep a bracket around the root.
        if g > 0.0 {
            hi = beta;
        } else {
            lo = beta;
        }
        let newton = beta - g / h;
        let next = if h > 0.0 && newton > lo && newton < hi { newton } else { (lo * hi).sqrt() };
        if (next - beta).abs() <= 1e-15 * beta.max(1.0) {
            beta = next;
            break;
        }
        beta = next;
    }
    let nll_after = nll_and_derivatives(logits, labels, beta).0;
    Some(TemperatureFit { temperature: 1.0 / beta, nll_before, nll_after, iterations })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_logits_by_hand() {
        // Two classes, logits (z, 0): the fitted β makes the mean predicted probability of
        // the true class match... here with 3 of 4 correct at equal margin 2, the optimum is
        // sigmoid(2β) = 0.75, so β = ln 3 / 2 and T = 2 / ln 3 = 1.820478.
        let logits = vec![vec![2.0, 0.0]; 4];
        let labels = [0, 0, 0, 1];
        let fit = fit_temperature(&logits, &labels).unwrap_or_else(|| unreachable!());
        assert!((fit.temperature - 2.0 / 3f64.ln()).abs() < 1e-9, "{fit:?}");
        assert!(fit.nll_after < fit.nll_before);
    }

    #[test]
    fn refuses_bad_labels() {
        assert_eq!(fit_temperature(&[vec![1.0, 2.0]], &[2]), None);
        assert_eq!(fit_temperature(&[], &[]), None);
    }
}

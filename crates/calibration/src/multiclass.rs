//! Calibration measures that look past the top label: class-wise ECE (every class's
//! probability against whether that class is the label) and top-label ECE (Gupta & Ramdas,
//! ICLR 2022: bins formed separately within each predicted class). Also a seeded bootstrap
//! interval for ECE, because ECE on a few hundred rows moves a lot between samples.

use serde::{Deserialize, Serialize};

use crate::binning::Binning;
use crate::metrics::evaluate;

/// Mean over classes k of the ECE of p_k against 1[label = k].
pub fn classwise_ece(probs: &[Vec<f64>], labels: &[usize], bins: usize, binning: Binning) -> Option<f64> {
    let classes = probs.first()?.len();
    if classes == 0 || probs.len() != labels.len() || probs.iter().any(|p| p.len() != classes) {
        return None;
    }
    let total: f64 = (0..classes)
        .map(|k| {
            let conf: Vec<f64> = probs.iter().map(|p| p[k]).collect();
            let hit: Vec<bool> = labels.iter().map(|&y| y == k).collect();
            evaluate(&conf, &hit, bins, binning).ece
        })
        .sum();
    Some(total / classes as f64)
}

/// Σ_k (n_k / N) · ECE within the rows predicted as class k.
pub fn top_label_ece(probs: &[Vec<f64>], labels: &[usize], bins: usize, binning: Binning) -> Option<f64> {
    if probs.is_empty() || probs.len() != labels.len() {
        return None;
    }
    let n = probs.len() as f64;
    let classes = probs.iter().map(Vec::len).max()?;
    // Each row's prediction once, grouped by class: linear in rows × classes (finding the
    // argmax again for every class made a 50,000-class file quadratic).
    let mut groups: Vec<(Vec<f64>, Vec<bool>)> = vec![(Vec::new(), Vec::new()); classes];
    for (p, &y) in probs.iter().zip(labels) {
        if let Some(k) = argmax(p) {
            groups[k].0.push(p[k]);
            groups[k].1.push(y == k);
        }
    }
    let mut total = 0.0;
    for (conf, hit) in &groups {
        if !conf.is_empty() {
            total += conf.len() as f64 / n * evaluate(conf, hit, bins, binning).ece;
        }
    }
    Some(total)
}

fn argmax(p: &[f64]) -> Option<usize> {
    p.iter()
        .enumerate()
        .fold(None, |best: Option<(usize, f64)>, (i, &v)| match best {
            Some((_, b)) if b >= v => best,
            _ => Some((i, v)),
        })
        .map(|(i, _)| i)
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
    pub resamples: usize,
    pub seed: u64,
}

/// A 95 % percentile bootstrap interval for ECE from `resamples` resamples drawn with
/// SplitMix64 seeded by `seed` (the same seed always gives the same interval).
pub fn bootstrap_ece(
    conf: &[f64],
    correct: &[bool],
    bins: usize,
    binning: Binning,
    resamples: usize,
    seed: u64,
) -> Option<Interval> {
    let n = conf.len();
    if n == 0 || n != correct.len() || resamples == 0 {
        return None;
    }
    let mut rng = crate::rng::SplitMix64::new(seed);
    let mut eces = Vec::with_capacity(resamples);
    let (mut c, mut k) = (vec![0.0; n], vec![false; n]);
    for _ in 0..resamples {
        for i in 0..n {
            let j = rng.index(n);
            c[i] = conf[j];
            k[i] = correct[j];
        }
        eces.push(evaluate(&c, &k, bins, binning).ece);
    }
    eces.sort_by(f64::total_cmp);
    let at = |q: f64| eces[((q * (resamples - 1) as f64).round() as usize).min(resamples - 1)];
    Some(Interval { low: at(0.025), high: at(0.975), resamples, seed })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classwise_and_top_label_by_hand() {
        // Two rows, two classes. Row 1: (0.8, 0.2), label 0. Row 2: (0.3, 0.7), label 0.
        // Class 0: conf 0.8 (hit) in bin 8, 0.3 (hit) in bin 3 → ECE = ½·0.2 + ½·0.7 = 0.45.
        // Class 1: conf 0.2 (miss), 0.7 (miss) → ½·0.2 + ½·0.7 = 0.45. Class-wise = 0.45.
        let probs = vec![vec![0.8, 0.2], vec![0.3, 0.7]];
        let labels = [0, 0];
        assert!((classwise_ece(&probs, &labels, 10, Binning::Article).unwrap_or(0.0) - 0.45).abs() < 1e-12);
        // Top-label: predicted 0 → {0.8 hit}: gap 0.2; predicted 1 → {0.7 miss}: gap 0.7.
        // ½·0.2 + ½·0.7 = 0.45.
        assert!((top_label_ece(&probs, &labels, 10, Binning::Article).unwrap_or(0.0) - 0.45).abs() < 1e-12);
    }

    #[test]
    fn bootstrap_is_seeded_and_brackets_the_estimate() {
        let conf: Vec<f64> = (0..200).map(|i| 0.5 + 0.5 * f64::from(i % 50) / 50.0).collect();
        let correct: Vec<bool> = (0..200).map(|i| i % 3 != 0).collect();
        let a = bootstrap_ece(&conf, &correct, 10, Binning::Article, 200, 7);
        assert_eq!(a, bootstrap_ece(&conf, &correct, 10, Binning::Article, 200, 7));
        let a = a.unwrap_or_else(|| unreachable!());
        let ece = evaluate(&conf, &correct, 10, Binning::Article).ece;
        assert!(a.low <= ece && ece <= a.high, "{a:?} vs {ece}");
        assert!(a.high - a.low > 0.01);
    }
}

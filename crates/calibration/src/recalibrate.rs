//! Recalibration maps fitted on one split and judged on another: histogram binning and
//! isotonic regression (pool adjacent violators). Temperature scaling is in
//! [`crate::temperature`].

use serde::{Deserialize, Serialize};

use crate::binning::{assign, Binning};

/// A fitted map from confidence to recalibrated confidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Recalibrator {
    /// Equal-width bins (the article's rule); each maps to the accuracy seen in it on the fit
    /// split, and an empty bin to its own centre.
    Histogram { values: Vec<f64> },
    /// A non-decreasing step function: `thresholds[i]` is the lowest confidence of block i;
    /// confidences below the first block take its value (clipping, as scikit-learn's
    /// calibration does).
    Isotonic { thresholds: Vec<f64>, values: Vec<f64> },
}

impl Recalibrator {
    pub fn fit_histogram(conf: &[f64], correct: &[bool], bins: usize) -> Recalibrator {
        let bins = bins.max(1);
        let (assignment, _) = assign(conf, bins, Binning::Article);
        let mut hits = vec![0.0; bins];
        let mut count = vec![0.0; bins];
        for (slot, &ok) in assignment.iter().zip(correct) {
            if let Some(s) = slot {
                count[*s] += 1.0;
                hits[*s] += f64::from(u8::from(ok));
            }
        }
        let values = (0..bins)
            .map(|b| if count[b] > 0.0 { hits[b] / count[b] } else { (b as f64 + 0.5) / bins as f64 })
            .collect();
        Recalibrator::Histogram { values }
    }

    /// Pool adjacent violators over the rows sorted by confidence; equal confidences are
    /// pooled first so the map is a function of the confidence alone.
    pub fn fit_isotonic(conf: &[f64], correct: &[bool]) -> Recalibrator {
        let order = crate::binning::ascending_order(conf);
        // Blocks of (lowest confidence, sum of outcomes, weight).
        let mut blocks: Vec<(f64, f64, f64)> = Vec::new();
        for &i in &order {
            let y = f64::from(u8::from(correct[i]));
            match blocks.last_mut() {
                Some(last) if last.0 == conf[i] => {
                    last.1 += y;
                    last.2 += 1.0;
                }
                _ => blocks.push((conf[i], y, 1.0)),
            }
            while blocks.len() >= 2 {
                let n = blocks.len();
                let (a, b) = (blocks[n - 2], blocks[n - 1]);
                // Merge violators, and equal neighbours too, which keeps the map minimal.
                if a.1 / a.2 < b.1 / b.2 {
                    break;
                }
                blocks[n - 2] = (a.0, a.1 + b.1, a.2 + b.2);
                blocks.pop();
            }
        }
        Recalibrator::Isotonic {
            thresholds: blocks.iter().map(|b| b.0).collect(),
            values: blocks.iter().map(|b| b.1 / b.2).collect(),
        }
    }

    pub fn apply(&self, c: f64) -> f64 {
        match self {
            Recalibrator::Histogram { values } => {
                let bins = values.len();
                let (slot, _) = assign(&[c], bins, Binning::Article);
                slot[0].map_or(c, |s| values[s])
            }
            Recalibrator::Isotonic { thresholds, values } => {
                let i = thresholds.partition_point(|&t| t <= c);
                values.get(i.saturating_sub(1)).copied().unwrap_or(c)
            }
        }
    }
}

/// A deterministic split of `n` rows: `fit_fraction` of them (shuffled by `seed`) to fit on,
/// the rest to judge on; the same seed gives the same split everywhere.
pub fn split(n: usize, fit_fraction: f64, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let mut rng = crate::rng::SplitMix64::new(seed);
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.index(i + 1);
        order.swap(i, j);
    }
    let cut = ((n as f64) * fit_fraction.clamp(0.0, 1.0)).round() as usize;
    let test = order.split_off(cut.min(n));
    (order, test)
}

/// Held-out comparison: each recalibrator fitted on `fit_fraction` of the rows (seeded) and
/// judged by ECE (article binning) on the rest.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HeldOut {
    pub fit_rows: usize,
    pub test_rows: usize,
    pub test_ece_before: f64,
    pub test_ece_histogram: f64,
    pub test_ece_isotonic: f64,
}

pub fn held_out(conf: &[f64], correct: &[bool], bins: usize, fit_fraction: f64, seed: u64) -> Option<HeldOut> {
    let (fit, test) = split(conf.len(), fit_fraction, seed);
    if fit.is_empty() || test.is_empty() {
        return None;
    }
    let pick = |idx: &[usize]| -> (Vec<f64>, Vec<bool>) { idx.iter().map(|&i| (conf[i], correct[i])).unzip() };
    let (fit_conf, fit_ok) = pick(&fit);
    let (test_conf, test_ok) = pick(&test);
    let ece = |c: &[f64]| crate::metrics::evaluate(c, &test_ok, bins, Binning::Article).ece;
    let judge = |r: &Recalibrator| ece(&test_conf.iter().map(|&c| r.apply(c)).collect::<Vec<_>>());
    Some(HeldOut {
        fit_rows: fit.len(),
        test_rows: test.len(),
        test_ece_before: ece(&test_conf),
        test_ece_histogram: judge(&Recalibrator::fit_histogram(&fit_conf, &fit_ok, bins)),
        test_ece_isotonic: judge(&Recalibrator::fit_isotonic(&fit_conf, &fit_ok)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isotonic_pools_violators_by_hand() {
        // Sorted outcomes 1, 0, 1, 1 at 0.1, 0.2, 0.3, 0.4: the first two violate order and
        // pool to 0.5; the result is 0.5, 0.5, 1, 1.
        let r = Recalibrator::fit_isotonic(&[0.3, 0.1, 0.4, 0.2], &[true, true, true, false]);
        assert_eq!(r, Recalibrator::Isotonic { thresholds: vec![0.1, 0.3], values: vec![0.5, 1.0] });
        assert_eq!(r.apply(0.05), 0.5); // Below the data: clipped to the first block.
        assert_eq!(r.apply(0.25), 0.5);
        assert_eq!(r.apply(0.9), 1.0);
    }

    #[test]
    fn histogram_maps_to_bin_accuracy() {
        let r = Recalibrator::fit_histogram(&[0.91, 0.95, 0.97, 0.99], &[true, false, true, true], 10);
        assert_eq!(r.apply(0.93), 0.75);
        assert_eq!(r.apply(0.15), 0.15); // An empty bin maps to its centre.
    }

    #[test]
    fn recalibration_helps_an_overconfident_model_on_held_out_rows() {
        // Confidence 0.9 everywhere but 60 % right: both maps learn ~0.6 and ECE drops.
        let conf = vec![0.9; 500];
        let correct: Vec<bool> = (0..500).map(|i| i % 5 < 3).collect();
        let h = held_out(&conf, &correct, 10, 0.7, 1).unwrap_or_else(|| unreachable!());
        assert!(h.test_ece_before > 0.2, "{h:?}");
        assert!(h.test_ece_histogram < 0.1 && h.test_ece_isotonic < 0.1, "{h:?}");
    }

    #[test]
    fn split_is_a_seeded_partition() {
        let (fit, test) = split(100, 0.7, 42);
        assert_eq!((fit.len(), test.len()), (70, 30));
        let mut all: Vec<usize> = fit.iter().chain(&test).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..100).collect::<Vec<_>>());
        assert_eq!(split(100, 0.7, 42), (fit, test));
        assert_ne!(split(100, 0.7, 43).0, split(100, 0.7, 42).0);
    }
}

//! Recalibration maps fitted on one split and judged on another: histogram binning and
//! isotonic regression (pool adjacent violators). Temperature scaling is in
//! [`crate::temperature`].

use serde::Serialize;

use crate::binning::{assign, Binning};

/// A fitted map from confidence to recalibrated confidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
        let mut order: Vec<usize> = (0..conf.len()).collect();
        order.sort_by(|&a, &b| conf[a].total_cmp(&conf[b]));
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
/// the rest to judge on. SplitMix64 keeps it reproducible everywhere without a dependency.
pub fn split(n: usize, fit_fraction: f64, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    let cut = ((n as f64) * fit_fraction.clamp(0.0, 1.0)).round() as usize;
    let test = order.split_off(cut.min(n));
    (order, test)
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

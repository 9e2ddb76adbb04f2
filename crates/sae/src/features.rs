//! What the feature browser shows, computed once after training: each feature's density, the
//! distribution of its non-zero activations, and the rows that activate it most.

use serde::{Deserialize, Serialize};

use crate::model::Sae;
use crate::Matrix;

/// Bins of each feature's activation histogram (0 … its maximum).
pub const HISTOGRAM_BINS: usize = 16;
const CHUNK_ROWS: usize = 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureStats {
    /// Fraction of rows where the feature fired.
    pub density: f32,
    pub max_activation: f32,
    /// Mean activation over the rows where it fired.
    pub mean_active: f32,
    /// Counts of non-zero activations in [`HISTOGRAM_BINS`] equal bins from 0 to `max_activation`.
    pub histogram: Vec<u32>,
    /// The most activating rows, (row, activation), largest first.
    pub top: Vec<(u32, f32)>,
}

/// Statistics of every feature over `data`, keeping `top_n` rows each.
pub fn index_features(sae: &Sae, data: &Matrix, top_n: usize) -> Vec<FeatureStats> {
    let d_sae = sae.cfg.d_sae;
    let rows = data.rows;
    let mut count = vec![0u32; d_sae];
    let mut sum = vec![0.0f64; d_sae];
    let mut max = vec![0.0f32; d_sae];
    let mut top: Vec<Vec<(u32, f32)>> = vec![Vec::with_capacity(top_n + 1); d_sae];
    let encode_chunk = |start: usize| {
        let end = (start + CHUNK_ROWS).min(rows);
        let values = data.values[start * data.cols..end * data.cols].to_vec();
        sae.encode(&Matrix { rows: end - start, cols: data.cols, values })
    };
    // Pass 1: counts, sums, maxima and the top rows (a small sorted list per feature). Pass 2
    // encodes again rather than keeping the features: rows × d_sae floats can be gigabytes.
    for start in (0..rows).step_by(CHUNK_ROWS) {
        let f = encode_chunk(start);
        for r in 0..f.rows {
            for (j, &a) in f.row(r).iter().enumerate() {
                if a <= 0.0 {
                    continue;
                }
                count[j] += 1;
                sum[j] += f64::from(a);
                max[j] = max[j].max(a);
                let list = &mut top[j];
                if list.len() < top_n || list.last().is_some_and(|&(_, low)| a > low) {
                    let at = list.partition_point(|&(_, v)| v >= a);
                    list.insert(at, ((start + r) as u32, a));
                    list.truncate(top_n);
                }
            }
        }
    }
    // Pass 2: histograms, now that each feature's maximum is known.
    let mut histograms = vec![vec![0u32; HISTOGRAM_BINS]; d_sae];
    for start in (0..rows).step_by(CHUNK_ROWS) {
        let f = encode_chunk(start);
        for r in 0..f.rows {
            for (j, &a) in f.row(r).iter().enumerate() {
                if a > 0.0 && max[j] > 0.0 {
                    let bin = ((a / max[j]) * HISTOGRAM_BINS as f32) as usize;
                    histograms[j][bin.min(HISTOGRAM_BINS - 1)] += 1;
                }
            }
        }
    }
    (0..d_sae)
        .map(|j| FeatureStats {
            density: count[j] as f32 / rows.max(1) as f32,
            max_activation: max[j],
            mean_active: if count[j] > 0 { (sum[j] / f64::from(count[j])) as f32 } else { 0.0 },
            histogram: std::mem::take(&mut histograms[j]),
            top: std::mem::take(&mut top[j]),
        })
        .collect()
}

/// Feature `feature`'s activation on each of `rows` of `data` (to shade tokens in context).
pub fn activations_on(sae: &Sae, data: &Matrix, rows: std::ops::Range<usize>, feature: usize) -> Vec<f32> {
    let rows = rows.start.min(data.rows)..rows.end.min(data.rows);
    let chunk = Matrix {
        rows: rows.len(),
        cols: data.cols,
        values: data.values[rows.start * data.cols..rows.end * data.cols].to_vec(),
    };
    let f = sae.encode(&chunk);
    (0..f.rows).map(|r| f.row(r).get(feature).copied().unwrap_or(0.0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_features_index_by_hand() {
        let sae = Sae::identity(2, false);
        // Feature 0 sees 1, 4, 2, 0; feature 1 never fires.
        let data = Matrix::from_vec(4, 2, vec![1.0, 0.0, 4.0, -1.0, 2.0, 0.0, -3.0, 0.0]).unwrap_or_default();
        let stats = index_features(&sae, &data, 2);
        assert_eq!(stats[0].density, 0.75);
        assert_eq!(stats[0].max_activation, 4.0);
        assert!((stats[0].mean_active - 7.0 / 3.0).abs() < 1e-6);
        assert_eq!(stats[0].top, vec![(1, 4.0), (2, 2.0)]);
        // Bins of width 4/16 = 0.25: 1 → bin 4, 2 → bin 8, 4 → the last bin.
        assert_eq!(stats[0].histogram[4], 1);
        assert_eq!(stats[0].histogram[8], 1);
        assert_eq!(stats[0].histogram[15], 1);
        assert_eq!(stats[1].density, 0.0);
        assert!(stats[1].top.is_empty());
        assert_eq!(activations_on(&sae, &data, 1..3, 0), vec![4.0, 2.0]);
    }
}

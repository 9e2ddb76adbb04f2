//! What the feature browser shows, computed once after training: each feature's density, the
//! distribution of its non-zero activations, and the rows that activate it most.

use serde::{Deserialize, Serialize};

use crate::error::SaeError;
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

/// [`try_index_features`] for callers with no error path (the page's SAE worker, until the run
/// driver moves into the SAE crates). On data of another width than the SAE's input (which a run's
/// own evaluation sample never has) every feature's figures are NaN, so none looks plausible.
pub fn index_features(sae: &Sae, data: &Matrix, top_n: usize) -> Vec<FeatureStats> {
    try_index_features(sae, data, top_n).unwrap_or_else(|_| {
        let nan = FeatureStats {
            density: f32::NAN,
            max_activation: f32::NAN,
            mean_active: f32::NAN,
            histogram: vec![0; HISTOGRAM_BINS],
            top: Vec::new(),
        };
        vec![nan; sae.cfg.d_sae]
    })
}

/// The rows `start..end` of `data` as a matrix, or why `data` is not a whole matrix.
fn rows_of(data: &Matrix, start: usize, end: usize) -> Result<Matrix, SaeError> {
    let values = data.values.get(start * data.cols..end * data.cols).ok_or_else(|| {
        let (rows, cols, found) = (data.rows, data.cols, data.values.len());
        SaeError::Data(format!("the data holds {found} values, not {rows}×{cols}"))
    })?;
    Ok(Matrix { rows: end - start, cols: data.cols, values: values.to_vec() })
}

/// Statistics of every feature over `data`, keeping `top_n` rows each; an error when `data` is not
/// `sae`'s width.
pub fn try_index_features(sae: &Sae, data: &Matrix, top_n: usize) -> Result<Vec<FeatureStats>, SaeError> {
    let d_sae = sae.cfg.d_sae;
    let rows = data.rows;
    let mut count = vec![0u32; d_sae];
    let mut sum = vec![0.0f64; d_sae];
    let mut max = vec![0.0f32; d_sae];
    let mut top: Vec<Vec<(u32, f32)>> = vec![Vec::with_capacity(top_n + 1); d_sae];
    let encode_chunk = |start: usize| sae.encode(&rows_of(data, start, (start + CHUNK_ROWS).min(rows))?);
    // Pass 1: counts, sums, maxima and the top rows (a small sorted list per feature). Pass 2
    // encodes again rather than keeping the features: rows × d_sae floats can be gigabytes.
    for start in (0..rows).step_by(CHUNK_ROWS) {
        let f = encode_chunk(start)?;
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
        let f = encode_chunk(start)?;
        for r in 0..f.rows {
            for (j, &a) in f.row(r).iter().enumerate() {
                if a > 0.0 && max[j] > 0.0 {
                    let bin = ((a / max[j]) * HISTOGRAM_BINS as f32) as usize;
                    histograms[j][bin.min(HISTOGRAM_BINS - 1)] += 1;
                }
            }
        }
    }
    Ok((0..d_sae)
        .map(|j| FeatureStats {
            density: count[j] as f32 / rows.max(1) as f32,
            max_activation: max[j],
            mean_active: if count[j] > 0 { (sum[j] / f64::from(count[j])) as f32 } else { 0.0 },
            histogram: std::mem::take(&mut histograms[j]),
            top: std::mem::take(&mut top[j]),
        })
        .collect())
}

/// Feature `feature`'s activation on each of `rows` of `data` (to shade tokens in context).
pub fn activations_on(
    sae: &Sae,
    data: &Matrix,
    rows: std::ops::Range<usize>,
    feature: usize,
) -> Result<Vec<f32>, SaeError> {
    let end = rows.end.min(data.rows);
    let f = sae.encode(&rows_of(data, rows.start.min(end), end)?)?;
    Ok((0..f.rows).map(|r| f.row(r).get(feature).copied().unwrap_or(0.0)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_features_index_by_hand() {
        let sae = Sae::identity(2, false);
        // Feature 0 sees 1, 4, 2, 0; feature 1 never fires.
        let data = Matrix::from_vec(4, 2, vec![1.0, 0.0, 4.0, -1.0, 2.0, 0.0, -3.0, 0.0]).unwrap_or_default();
        let stats = try_index_features(&sae, &data, 2).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(index_features(&sae, &data, 2), stats);
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
        assert_eq!(activations_on(&sae, &data, 1..3, 0), Ok(vec![4.0, 2.0]));
    }

    #[test]
    fn data_of_another_width_is_an_error() {
        let sae = Sae::identity(2, false);
        let data = Matrix::zeros(4, 3);
        assert_eq!(try_index_features(&sae, &data, 2), Err(SaeError::Width { expected: 2, found: 3 }));
        assert_eq!(activations_on(&sae, &data, 0..2, 0), Err(SaeError::Width { expected: 2, found: 3 }));
        // The wrapper with no error path: NaN figures for each of the two features.
        let nan = index_features(&sae, &data, 2);
        assert_eq!(nan.len(), 2);
        assert!(nan.iter().all(|f| f.density.is_nan() && f.max_activation.is_nan() && f.top.is_empty()));
    }
}

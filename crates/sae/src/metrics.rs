//! An SAE measured on data: reconstruction (MSE, normalised MSE, FVU), sparsity (L0, L1, the
//! article's loss), feature density (dead, dense, a log-density histogram) and shrinkage.

use serde::{Deserialize, Serialize};

use crate::error::SaeError;
use crate::model::Sae;
use crate::Matrix;

/// Rows are evaluated this many at a time, to bound memory.
const CHUNK_ROWS: usize = 2048;

/// A feature firing on more than this fraction of rows counts as dense.
pub const DENSE_THRESHOLD: f64 = 0.1;

/// The log10-density histogram spans 10^-7 … 10^0 in bins of a quarter decade; features that never
/// fire are counted apart (they are the dead ones).
pub const DENSITY_BINS: usize = 28;
const DENSITY_LOG_MIN: f64 = -7.0;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub rows: usize,
    /// Mean over elements of (x̂ − x)².
    pub mse: f64,
    /// Mean over rows of ‖x − x̂‖² / ‖x‖² (OpenAI's normalised MSE, `loss.py`).
    pub nmse: f64,
    /// Σ‖x − x̂‖² / Σ‖x − x̄‖²: the fraction of variance unexplained.
    pub fvu: f64,
    /// Mean active features per row.
    pub l0: f64,
    /// Mean over rows of Σ|f|.
    pub l1: f64,
    /// The article's loss at `l1_coeff`: MSE + l1_coeff · mean|f|.
    pub loss: f64,
    pub l1_coeff: f64,
    /// Features that fired on no row.
    pub dead_fraction: f64,
    /// Features that fired on more than [`DENSE_THRESHOLD`] of rows.
    pub dense_fraction: f64,
    /// Per feature, the fraction of rows where it fired.
    pub density: Vec<f64>,
    /// Counts per quarter-decade of log10 density, from 10^-7 (first bin also takes anything lower).
    pub density_histogram: Vec<usize>,
    /// Mean over rows of ‖x̂‖ / ‖x‖ (below 1: the L1 penalty shrinks reconstructions).
    pub shrinkage: f64,
    /// E‖x̂‖² / E⟨x, x̂⟩ (Rajamanoharan et al. 2024, eq. 10; 1 is unbiased).
    pub relative_reconstruction_bias: f64,
}

impl Evaluation {
    /// The lower edge (log10 density) of histogram bin `i`.
    pub fn bin_lower_log10(i: usize) -> f64 {
        DENSITY_LOG_MIN + i as f64 * 0.25
    }
}

/// Evaluates `sae` on every row of `data`. `l1_coeff` is the sparsity coefficient of the reported
/// loss (the article's). Data of another width than the SAE's input, or weights out of shape, are
/// an error.
pub fn evaluate(sae: &Sae, data: &Matrix, l1_coeff: f32) -> Result<Evaluation, SaeError> {
    let (d_in, d_sae) = (sae.cfg.d_in, sae.cfg.d_sae);
    if data.cols != d_in {
        return Err(SaeError::Width { expected: d_in, found: data.cols });
    }
    if data.rows.checked_mul(data.cols) != Some(data.values.len()) {
        let (rows, cols, found) = (data.rows, data.cols, data.values.len());
        return Err(SaeError::Data(format!("the data holds {found} values, not {rows}×{cols}")));
    }
    let rows = data.rows;
    let mut mean = vec![0.0f64; d_in];
    for r in 0..rows {
        mean.iter_mut().zip(data.row(r)).for_each(|(m, &v)| *m += f64::from(v));
    }
    mean.iter_mut().for_each(|m| *m /= rows.max(1) as f64);

    let (mut sq_err, mut variance, mut l1, mut active) = (0.0f64, 0.0f64, 0.0f64, 0usize);
    let (mut ratio_sum, mut recon_sq, mut cross, mut nmse_sum) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    let mut fired = vec![0usize; d_sae];
    for start in (0..rows).step_by(CHUNK_ROWS) {
        let end = (start + CHUNK_ROWS).min(rows);
        let chunk = Matrix { rows: end - start, cols: d_in, values: data.values[start * d_in..end * d_in].to_vec() };
        let f = sae.encode(&chunk)?;
        let recon = sae.decode(&f)?;
        for r in 0..chunk.rows {
            let (x, xh) = (chunk.row(r), recon.row(r));
            let (mut x_sq, mut xh_sq, mut dot, mut row_err) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
            for ((&a, &b), m) in x.iter().zip(xh).zip(&mean) {
                let (a, b) = (f64::from(a), f64::from(b));
                row_err += (b - a).powi(2);
                variance += (a - m).powi(2);
                x_sq += a * a;
                xh_sq += b * b;
                dot += a * b;
            }
            sq_err += row_err;
            if x_sq > 0.0 {
                ratio_sum += (xh_sq / x_sq).sqrt();
                nmse_sum += row_err / x_sq;
            }
            recon_sq += xh_sq;
            cross += dot;
            for (count, &v) in fired.iter_mut().zip(f.row(r)) {
                if v > 0.0 {
                    *count += 1;
                    active += 1;
                }
                l1 += f64::from(v.abs());
            }
        }
    }
    let n = rows.max(1) as f64;
    let mse = sq_err / (n * d_in as f64);
    let density: Vec<f64> = fired.iter().map(|&c| c as f64 / n).collect();
    let mut density_histogram = vec![0usize; DENSITY_BINS];
    for &p in density.iter().filter(|&&p| p > 0.0) {
        let bin = ((p.log10() - DENSITY_LOG_MIN) / 0.25).floor().clamp(0.0, (DENSITY_BINS - 1) as f64) as usize;
        density_histogram[bin] += 1;
    }
    let per_feature = |pred: &dyn Fn(f64) -> bool| density.iter().filter(|&&p| pred(p)).count() as f64 / d_sae as f64;
    Ok(Evaluation {
        rows,
        mse,
        nmse: nmse_sum / n,
        fvu: if variance > 0.0 { sq_err / variance } else { f64::NAN },
        l0: active as f64 / n,
        l1: l1 / n,
        loss: mse + f64::from(l1_coeff) * l1 / (n * d_sae as f64),
        l1_coeff: f64::from(l1_coeff),
        dead_fraction: per_feature(&|p| p == 0.0),
        dense_fraction: per_feature(&|p| p > DENSE_THRESHOLD),
        density,
        density_histogram,
        shrinkage: ratio_sum / n,
        relative_reconstruction_bias: if cross != 0.0 { recon_sq / cross } else { f64::NAN },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity() -> Sae {
        Sae::identity(2, false)
    }

    #[test]
    fn hand_computed_metrics() {
        // Rows (1, 0), (0, 2), (-1, 0): the ReLU loses the negative row entirely.
        let data = Matrix::from_vec(3, 2, vec![1.0, 0.0, 0.0, 2.0, -1.0, 0.0]).unwrap_or_default();
        let e = evaluate(&identity(), &data, 0.5).unwrap_or_else(|e| panic!("{e}"));
        // Error only on row 3: (0 − (−1))² = 1, over 6 elements.
        assert!((e.mse - 1.0 / 6.0).abs() < 1e-12);
        // Mean (0, 2/3); Σ‖x − x̄‖² = 1 + 4/9 + 0 + 16/9 + 1 + 4/9 = 14/3; FVU = 1 / (14/3).
        assert!((e.fvu - 3.0 / 14.0).abs() < 1e-12);
        // Per-row ‖x − x̂‖²/‖x‖²: 0, 0, 1.
        assert!((e.nmse - 1.0 / 3.0).abs() < 1e-12);
        // Active: row 1 one feature, row 2 one, row 3 none.
        assert!((e.l0 - 2.0 / 3.0).abs() < 1e-12);
        assert!((e.l1 - 1.0).abs() < 1e-12);
        // Loss = 1/6 + 0.5 · (3 / 6).
        assert!((e.loss - (1.0 / 6.0 + 0.25)).abs() < 1e-12);
        assert_eq!(e.density, vec![1.0 / 3.0, 1.0 / 3.0]);
        assert_eq!(e.dead_fraction, 0.0);
        assert_eq!(e.dense_fraction, 1.0);
        // ‖x̂‖/‖x‖: 1, 1, 0 → mean 2/3.
        assert!((e.shrinkage - 2.0 / 3.0).abs() < 1e-12);
        // log10(1/3) = −0.477 falls in the bin starting at −0.5, index (−0.5 + 7) / 0.25 = 26.
        assert_eq!(e.density_histogram[26], 2);
    }

    #[test]
    fn data_of_another_width_is_an_error() {
        let data = Matrix::zeros(3, 5);
        assert_eq!(evaluate(&identity(), &data, 0.5), Err(SaeError::Width { expected: 2, found: 5 }));
        let short = Matrix { rows: 3, cols: 2, values: vec![0.0; 5] };
        assert_eq!(
            evaluate(&identity(), &short, 0.5).map_err(|e| e.to_string()),
            Err("the data holds 5 values, not 3×2".to_string())
        );
    }
}

//! How well learned decoder directions recover known features (synthetic data only).
//!
//! - mean max cosine similarity (Sharkey et al. 2022): for each true feature, the best cosine with
//!   any learned direction, averaged; and the same the other way round;
//! - MCC: a one-to-one matching (Hungarian, on 1 − |cos|) and the mean matched |cos|, as SAELens's
//!   synthetic evaluations compute it.

use crate::gemm::{check, gemm, Operand, ShapeError};
use crate::hungarian;
use crate::model::l2;
use crate::Matrix;

/// Learned directions compared at once.
const RECOVERY_BLOCK: usize = 1024;

/// Checks that the rows of `a` and `b` can be compared (the same width, whole matrices).
fn check_rows(a: &Matrix, b: &Matrix) -> Result<(), ShapeError> {
    let (m, n) = (a.rows, b.rows);
    check(Operand::new(&a.values, a.rows, a.cols), Operand::new(&b.values, b.rows, b.cols).t(), m * n, m, n)
}

/// Cosines between every row of `a` (`[n, d]`) and every row of `b` (`[m, d]`), as `[n, m]`; an
/// error when the widths (or a matrix and its values) disagree.
pub fn cosines(a: &Matrix, b: &Matrix) -> Result<Matrix, ShapeError> {
    check_rows(a, b)?;
    let unit = |m: &Matrix| {
        let mut out = m.clone();
        for r in 0..out.rows {
            let norm = l2(out.row(r));
            if norm > 0.0 {
                out.row_mut(r).iter_mut().for_each(|v| *v /= norm);
            }
        }
        out
    };
    let (a, b) = (unit(a), unit(b));
    let mut out = Matrix::zeros(a.rows, b.rows);
    gemm(
        Operand::new(&a.values, a.rows, a.cols),
        Operand::new(&b.values, b.rows, b.cols).t(),
        &mut out.values,
        a.rows,
        b.rows,
        0.0,
    )?;
    Ok(out)
}

/// Recovery of `truth` (`[n_true, d]`) by `learned` (`[d_sae, d]`, the decoder rows).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Recovery {
    /// Mean over true features of the best cosine with a learned direction.
    pub mmcs_true_to_learned: f32,
    /// Mean over learned directions of the best cosine with a true feature.
    pub mmcs_learned_to_true: f32,
    /// For each learned direction: its best true feature and that cosine.
    pub best_true: Vec<(usize, f32)>,
    /// True features with a learned direction at cosine ≥ 0.9.
    pub recovered_090: usize,
}

/// An error when `truth` and `learned` differ in width.
pub fn recovery(truth: &Matrix, learned: &Matrix) -> Result<Recovery, ShapeError> {
    check_rows(truth, learned)?;
    let mut best_per_true = vec![f32::NEG_INFINITY; truth.rows];
    let mut best_true = Vec::with_capacity(learned.rows);
    // Learned rows a block at a time, so memory stays n_true × BLOCK whatever the dictionary size.
    for start in (0..learned.rows).step_by(RECOVERY_BLOCK) {
        let end = (start + RECOVERY_BLOCK).min(learned.rows);
        let block = Matrix {
            rows: end - start,
            cols: learned.cols,
            values: learned.values[start * learned.cols..end * learned.cols].to_vec(),
        };
        let cos = cosines(truth, &block)?;
        for (t, best) in best_per_true.iter_mut().enumerate() {
            *best = cos.row(t).iter().copied().fold(*best, f32::max);
        }
        for l in 0..cos.cols {
            let column = (0..cos.rows).map(|t| (t, cos.values[t * cos.cols + l]));
            best_true.push(column.fold((0, f32::NEG_INFINITY), |best, c| if c.1 > best.1 { c } else { best }));
        }
    }
    let mean = |v: &mut dyn Iterator<Item = f32>, n: usize| if n == 0 { 0.0 } else { v.sum::<f32>() / n as f32 };
    Ok(Recovery {
        mmcs_true_to_learned: mean(&mut best_per_true.iter().copied(), best_per_true.len()),
        mmcs_learned_to_true: mean(&mut best_true.iter().map(|b| b.1), best_true.len()),
        recovered_090: best_per_true.iter().filter(|&&c| c >= 0.9).count(),
        best_true,
    })
}

/// The Hungarian matching is O(n²m): above this many (true × learned) pairs it is skipped.
pub const MCC_MAX_PAIRS: usize = 1 << 22;

/// Mean |cos| over a one-to-one matching of true features to learned directions that maximises
/// the total |cos| (min(n_true, d_sae) pairs).
/// `None` when the problem is larger than [`MCC_MAX_PAIRS`]; an error when the widths differ.
pub fn mcc(truth: &Matrix, learned: &Matrix) -> Result<Option<f32>, ShapeError> {
    check_rows(truth, learned)?;
    if truth.rows.saturating_mul(learned.rows) > MCC_MAX_PAIRS {
        return Ok(None);
    }
    let cos = cosines(truth, learned)?;
    let cost: Vec<f64> = cos.values.iter().map(|c| 1.0 - f64::from(c.abs())).collect();
    let pairs = hungarian::assign(&cost, cos.rows, cos.cols);
    if pairs.is_empty() {
        return Ok(Some(0.0));
    }
    Ok(Some(pairs.iter().map(|&(t, l)| cos.values[t * cos.cols + l].abs()).sum::<f32>() / pairs.len() as f32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_dictionaries_recover_perfectly_and_a_rotation_does_not() {
        let truth = Matrix::from_vec(2, 2, vec![1.0, 0.0, 0.0, 1.0]).unwrap_or_default();
        let same = Matrix::from_vec(3, 2, vec![0.0, 2.0, 3.0, 0.0, 1.0, 1.0]).unwrap_or_default();
        let r = recovery(&truth, &same).unwrap_or_else(|e| panic!("{e}"));
        assert!((r.mmcs_true_to_learned - 1.0).abs() < 1e-6);
        // The diagonal direction's best cosine with either axis is 1/√2.
        let expected = (1.0 + 1.0 + std::f32::consts::FRAC_1_SQRT_2) / 3.0;
        assert!((r.mmcs_learned_to_true - expected).abs() < 1e-6);
        assert_eq!(r.recovered_090, 2);
        assert!((mcc(&truth, &same).ok().flatten().unwrap_or(0.0) - 1.0).abs() < 1e-6);
        // Rotated by 45°: every cosine is ±1/√2.
        let rotated = Matrix::from_vec(2, 2, vec![1.0, 1.0, -1.0, 1.0]).unwrap_or_default();
        assert!((mcc(&truth, &rotated).ok().flatten().unwrap_or(0.0) - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
    }

    #[test]
    fn directions_of_another_width_are_an_error() {
        let truth = Matrix::from_vec(2, 2, vec![1.0, 0.0, 0.0, 1.0]).unwrap_or_default();
        let wide = Matrix::zeros(4, 3);
        let detail = |e: ShapeError| e.detail;
        assert_eq!(cosines(&truth, &wide).map_err(detail), Err("inner dimensions 2 and 3 differ".to_string()));
        assert_eq!(recovery(&truth, &wide).map_err(detail), Err("inner dimensions 2 and 3 differ".to_string()));
        assert_eq!(mcc(&truth, &wide).map_err(detail), Err("inner dimensions 2 and 3 differ".to_string()));
        // Values that do not fill the stated shape are caught before any row is sliced.
        let short = Matrix { rows: 3, cols: 2, values: vec![1.0; 5] };
        assert_eq!(recovery(&truth, &short).map_err(detail), Err("b holds 5 values, not 3×2".to_string()));
    }
}

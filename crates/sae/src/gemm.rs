//! Matrix products on row-major slices, through ndarray's `general_mat_mul` (matrixmultiply's
//! packed, cache-blocked kernels; transposes are free, they only swap strides).

use ndarray::linalg::general_mat_mul;
use ndarray::{ArrayView2, ArrayViewMut2, ShapeBuilder};

use crate::Matrix;

/// A row-major `rows × cols` operand, optionally used transposed.
#[derive(Debug, Clone, Copy)]
pub struct Operand<'a> {
    pub values: &'a [f32],
    pub rows: usize,
    pub cols: usize,
    pub transposed: bool,
}

impl<'a> Operand<'a> {
    pub fn new(values: &'a [f32], rows: usize, cols: usize) -> Self {
        Self { values, rows, cols, transposed: false }
    }

    pub fn t(self) -> Self {
        Self { transposed: !self.transposed, ..self }
    }

    fn view(&self) -> Option<ArrayView2<'a, f32>> {
        let view = ArrayView2::from_shape((self.rows, self.cols).strides((self.cols, 1)), self.values).ok()?;
        Some(if self.transposed { view.reversed_axes() } else { view })
    }
}

/// `c = a · b + beta · c`, with `c` row-major `m × n`.
pub fn gemm(a: Operand<'_>, b: Operand<'_>, c: &mut [f32], m: usize, n: usize, beta: f32) {
    // The shapes are set by this crate, never by user data, so a mismatch is a bug: it is caught in
    // debug builds and skipped in release rather than becoming a panic in the page.
    let (Some(a), Some(b)) = (a.view(), b.view()) else {
        debug_assert!(false, "gemm operand does not match its shape");
        return;
    };
    if a.dim().0 != m || b.dim().1 != n || a.dim().1 != b.dim().0 || c.len() != m * n {
        debug_assert!(false, "gemm shapes {:?} · {:?} -> {m}×{n}", a.dim(), b.dim());
        return;
    }
    if let Ok(mut c) = ArrayViewMut2::from_shape((m, n), c) {
        general_mat_mul(1.0, &a, &b, beta, &mut c);
    }
}

/// `c = a · b + beta · c` for whole matrices.
pub fn matmul(a: &Matrix, b: &Matrix, c: &mut Matrix, beta: f32) {
    let (m, n) = (a.rows, b.cols);
    gemm(Operand::new(&a.values, a.rows, a.cols), Operand::new(&b.values, b.rows, b.cols), &mut c.values, m, n, beta);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_with_transposes_match_the_definition() {
        // a: 2×3, b: 3×2, by hand: a·b = [[58, 64], [139, 154]].
        let a = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let b = [7.0, 8.0, 9.0, 10.0, 11.0, 12.0];
        let mut c = [0.0; 4];
        gemm(Operand::new(&a, 2, 3), Operand::new(&b, 3, 2), &mut c, 2, 2, 0.0);
        assert_eq!(c, [58.0, 64.0, 139.0, 154.0]);
        // aᵀ·a is 3×3: [[17, 22, 27], [22, 29, 36], [27, 36, 45]].
        let mut ata = [0.0; 9];
        gemm(Operand::new(&a, 2, 3).t(), Operand::new(&a, 2, 3), &mut ata, 3, 3, 0.0);
        assert_eq!(ata, [17.0, 22.0, 27.0, 22.0, 29.0, 36.0, 27.0, 36.0, 45.0]);
        // a·aᵀ + 1·c: [[14, 32], [32, 77]] + [[1, 1], [1, 1]].
        let mut aat = [1.0; 4];
        gemm(Operand::new(&a, 2, 3), Operand::new(&a, 2, 3).t(), &mut aat, 2, 2, 1.0);
        assert_eq!(aat, [15.0, 33.0, 33.0, 78.0]);
    }
}

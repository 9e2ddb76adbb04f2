//! Matrix products: [`frontier_gemm`] (shared with the language model's prefill), and [`matmul`]
//! over this crate's [`Matrix`].

pub use frontier_gemm::*;

use crate::Matrix;

/// `c = a · b + beta · c` for whole matrices (`c` must already be `a.rows × b.cols`).
pub fn matmul(a: &Matrix, b: &Matrix, c: &mut Matrix, beta: f32) -> Result<(), ShapeError> {
    let (a, b) = (Operand::new(&a.values, a.rows, a.cols), Operand::new(&b.values, b.rows, b.cols));
    if (c.rows, c.cols) != (a.rows, b.cols) {
        return Err(ShapeError::of(&a, &b, a.rows, b.cols, format!("the output is {}×{}", c.rows, c.cols)));
    }
    gemm(a, b, &mut c.values, c.rows, c.cols, beta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_matrices_need_an_output_of_the_products_shape() {
        let a = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let m = Matrix { rows: 2, cols: 3, values: a.to_vec() };
        let mut out = Matrix::zeros(3, 3);
        assert_eq!(matmul(&m, &m, &mut out, 0.0).map_err(|e| e.detail), Err("the output is 3×3".to_string()));
        // a · aᵀ by hand: [[14, 32], [32, 77]].
        let at = Matrix { rows: 3, cols: 2, values: vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0] };
        let mut out = Matrix::zeros(2, 2);
        matmul(&m, &at, &mut out, 0.0).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.values, [14.0, 32.0, 32.0, 77.0]);
    }
}

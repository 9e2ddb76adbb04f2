//! Matrix products on row-major slices, shared by the sparse-autoencoder trainer and the language
//! model's prefill. Natively through ndarray's `general_mat_mul`
//! (matrixmultiply's packed, cache-blocked kernels, threaded; transposes are free, they only swap
//! strides); on wasm32 through [`packed`], our own blocked kernel, which can use the fused
//! multiply–add of relaxed SIMD. Shapes are checked before every product: a mismatch is a
//! [`ShapeError`] for the caller, never a panic or a skip.

mod lanes;
mod packed;

pub use lanes::KERNEL;

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

    #[cfg(not(target_arch = "wasm32"))]
    fn view(&self) -> Option<ndarray::ArrayView2<'a, f32>> {
        use ndarray::{ArrayView2, ShapeBuilder};
        let view = ArrayView2::from_shape((self.rows, self.cols).strides((self.cols, 1)), self.values).ok()?;
        Some(if self.transposed { view.reversed_axes() } else { view })
    }
}

/// Operand and output shapes that do not fit together: what `gemm` was asked to compute.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "matrix shapes do not match: {a_rows}×{a_cols}{} · {b_rows}×{b_cols}{} into {m}×{n} ({detail})",
    if *.a_transposed { "ᵀ" } else { "" },
    if *.b_transposed { "ᵀ" } else { "" }
)]
pub struct ShapeError {
    pub a_rows: usize,
    pub a_cols: usize,
    pub a_transposed: bool,
    pub b_rows: usize,
    pub b_cols: usize,
    pub b_transposed: bool,
    pub m: usize,
    pub n: usize,
    /// Which rule was broken.
    pub detail: String,
}

impl ShapeError {
    /// The error for `a · b` into `m × n`, broken as `detail` says.
    pub fn of(a: &Operand<'_>, b: &Operand<'_>, m: usize, n: usize, detail: String) -> ShapeError {
        ShapeError {
            a_rows: a.rows,
            a_cols: a.cols,
            a_transposed: a.transposed,
            b_rows: b.rows,
            b_cols: b.cols,
            b_transposed: b.transposed,
            m,
            n,
            detail,
        }
    }
}

/// Checks that `a · b` is `m × n` and fits an output of `c_len` values: each operand's values are
/// `rows × cols`, the inner dimensions agree, and the output has `m × n` values.
pub fn check(a: Operand<'_>, b: Operand<'_>, c_len: usize, m: usize, n: usize) -> Result<(), ShapeError> {
    let error = |detail: String| ShapeError::of(&a, &b, m, n, detail);
    for (name, operand) in [("a", &a), ("b", &b)] {
        if operand.rows.checked_mul(operand.cols) != Some(operand.values.len()) {
            let (rows, cols, len) = (operand.rows, operand.cols, operand.values.len());
            return Err(error(format!("{name} holds {len} values, not {rows}×{cols}")));
        }
    }
    let shape = |o: &Operand<'_>| if o.transposed { (o.cols, o.rows) } else { (o.rows, o.cols) };
    let ((a_rows, a_cols), (b_rows, b_cols)) = (shape(&a), shape(&b));
    if a_cols != b_rows {
        return Err(error(format!("inner dimensions {a_cols} and {b_rows} differ")));
    }
    if a_rows != m || b_cols != n {
        return Err(error(format!("the product is {a_rows}×{b_cols}")));
    }
    if m.checked_mul(n) != Some(c_len) {
        return Err(error(format!("the output holds {c_len} values")));
    }
    Ok(())
}

/// `c = a · b + beta · c`, with `c` row-major `m × n`. Every shape is checked first ([`check`]): a
/// mismatch is a [`ShapeError`] and `c` is left as it was.
pub fn gemm(a: Operand<'_>, b: Operand<'_>, c: &mut [f32], m: usize, n: usize, beta: f32) -> Result<(), ShapeError> {
    #[cfg(target_arch = "wasm32")]
    let product = packed_gemm;
    #[cfg(not(target_arch = "wasm32"))]
    let product = native;
    product(a, b, c, m, n, beta)
}

/// [`gemm`] through [`packed`] on every platform: what wasm32 runs, here for tests and benchmarks
/// to hold against matrixmultiply natively.
pub fn packed_gemm(
    a: Operand<'_>,
    b: Operand<'_>,
    c: &mut [f32],
    m: usize,
    n: usize,
    beta: f32,
) -> Result<(), ShapeError> {
    check(a, b, c.len(), m, n)?;
    packed::gemm(&a, &b, c, m, n, beta);
    Ok(())
}

#[cfg(not(target_arch = "wasm32"))]
fn native(a: Operand<'_>, b: Operand<'_>, c: &mut [f32], m: usize, n: usize, beta: f32) -> Result<(), ShapeError> {
    use ndarray::{linalg::general_mat_mul, ArrayViewMut2};
    check(a, b, c.len(), m, n)?;
    if a.values.is_empty() || b.values.is_empty() {
        // ndarray views no `1 × 0` operand; with nothing to multiply, `c` is only scaled.
        packed::gemm(&a, &b, c, m, n, beta);
        return Ok(());
    }
    let unviewable = |detail: String| ShapeError::of(&a, &b, m, n, detail);
    let (Some(av), Some(bv)) = (a.view(), b.view()) else {
        return Err(unviewable("an operand cannot be viewed as a matrix".into()));
    };
    let mut cv = ArrayViewMut2::from_shape((m, n), c).map_err(|e| unviewable(e.to_string()))?;
    general_mat_mul(1.0, &av, &bv, beta, &mut cv);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(result: Result<(), ShapeError>) {
        result.unwrap_or_else(|e| panic!("{e}"));
    }

    type Product = fn(Operand<'_>, Operand<'_>, &mut [f32], usize, usize, f32) -> Result<(), ShapeError>;

    #[test]
    fn products_with_transposes_match_the_definition() {
        for product in [gemm as Product, packed_gemm] {
            // a: 2×3, b: 3×2, by hand: a·b = [[58, 64], [139, 154]].
            let a = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
            let b = [7.0, 8.0, 9.0, 10.0, 11.0, 12.0];
            let mut c = [0.0; 4];
            ok(product(Operand::new(&a, 2, 3), Operand::new(&b, 3, 2), &mut c, 2, 2, 0.0));
            assert_eq!(c, [58.0, 64.0, 139.0, 154.0]);
            // aᵀ·a is 3×3: [[17, 22, 27], [22, 29, 36], [27, 36, 45]].
            let mut ata = [0.0; 9];
            ok(product(Operand::new(&a, 2, 3).t(), Operand::new(&a, 2, 3), &mut ata, 3, 3, 0.0));
            assert_eq!(ata, [17.0, 22.0, 27.0, 22.0, 29.0, 36.0, 27.0, 36.0, 45.0]);
            // a·aᵀ + 1·c: [[14, 32], [32, 77]] + [[1, 1], [1, 1]].
            let mut aat = [1.0; 4];
            ok(product(Operand::new(&a, 2, 3), Operand::new(&a, 2, 3).t(), &mut aat, 2, 2, 1.0));
            assert_eq!(aat, [15.0, 33.0, 33.0, 78.0]);
            // No depth: c = beta · c, and beta 0 clears even NaN.
            let mut c = [f32::NAN, 2.0];
            ok(product(Operand::new(&[], 1, 0), Operand::new(&[], 0, 2), &mut c, 1, 2, 0.0));
            assert_eq!(c, [0.0, 0.0]);
            let mut c = [3.0, 2.0];
            ok(product(Operand::new(&[], 1, 0), Operand::new(&[], 0, 2), &mut c, 1, 2, 0.5));
            assert_eq!(c, [1.5, 1.0]);
        }
    }

    /// Small integers make every product and sum exact in f32, so the packed kernel must agree
    /// with the definition to the bit, across the edges of its panels (`MR` 4, `NR` 8) and blocks
    /// (`KC` 256, `MC` 64, `NC` 512), with either operand transposed and with `beta`.
    #[test]
    fn the_packed_kernel_is_exact_on_small_integers_across_panel_and_block_edges() {
        let shapes = [(1, 1, 1), (3, 7, 5), (4, 8, 256), (5, 9, 257), (65, 513, 3), (70, 20, 600), (129, 1030, 17)];
        let mut seed = 0x2545_f491_u32;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            (seed % 7) as f32 - 3.0
        };
        for (m, n, k) in shapes {
            for (ta, tb, beta) in [(false, false, 0.0), (true, false, 1.0), (false, true, -2.0), (true, true, 0.0)] {
                let a: Vec<f32> = (0..m * k).map(|_| next()).collect();
                let b: Vec<f32> = (0..k * n).map(|_| next()).collect();
                let c0: Vec<f32> = (0..m * n).map(|_| next()).collect();
                let oa = if ta { Operand::new(&a, k, m).t() } else { Operand::new(&a, m, k) };
                let ob = if tb { Operand::new(&b, n, k).t() } else { Operand::new(&b, k, n) };
                let expected: Vec<f32> = (0..m * n)
                    .map(|index| {
                        let (i, j) = (index / n, index % n);
                        let dot: f32 = (0..k).map(|p| packed_value(&oa, i, p) * packed_value(&ob, p, j)).sum();
                        dot + beta * c0[index]
                    })
                    .collect();
                let mut c = c0.clone();
                ok(packed_gemm(oa, ob, &mut c, m, n, beta));
                assert_eq!(c, expected, "{m}×{k} · {k}×{n}, transposed ({ta}, {tb}), beta {beta}");
            }
        }
    }

    fn packed_value(x: &Operand<'_>, i: usize, j: usize) -> f32 {
        if x.transposed {
            x.values[j * x.cols + i]
        } else {
            x.values[i * x.cols + j]
        }
    }

    #[test]
    fn mismatched_shapes_are_errors_and_leave_the_output_alone() {
        let a = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let mut c = [7.0; 4];
        // Inner dimensions: a is 2×3, a again is 2×3 (not 3×2).
        let e = gemm(Operand::new(&a, 2, 3), Operand::new(&a, 2, 3), &mut c, 2, 3, 0.0);
        assert_eq!(e.as_ref().map_err(|e| e.detail.as_str()), Err("inner dimensions 3 and 2 differ"));
        assert_eq!(
            e.map_err(|e| e.to_string()),
            Err("matrix shapes do not match: 2×3 · 2×3 into 2×3 (inner dimensions 3 and 2 differ)".to_string())
        );
        // An operand whose values are not rows × cols.
        let e = gemm(Operand::new(&a[..5], 2, 3), Operand::new(&a, 3, 2), &mut c, 2, 2, 0.0);
        assert_eq!(e.map_err(|e| e.detail), Err("a holds 5 values, not 2×3".to_string()));
        // The requested output shape is not the product's.
        let e = gemm(Operand::new(&a, 2, 3), Operand::new(&a, 3, 2), &mut c, 3, 2, 0.0);
        assert_eq!(e.map_err(|e| e.detail), Err("the product is 2×2".to_string()));
        // The output buffer is too small.
        let e = gemm(Operand::new(&a, 2, 3), Operand::new(&a, 3, 2), &mut c[..3], 2, 2, 0.0);
        assert_eq!(e.map_err(|e| e.detail), Err("the output holds 3 values".to_string()));
        // A transposed operand is described as such.
        let e = gemm(Operand::new(&a, 2, 3).t(), Operand::new(&a, 3, 2), &mut c, 3, 2, 0.0);
        assert!(e.is_err_and(|e| e.to_string().starts_with("matrix shapes do not match: 2×3ᵀ · 3×2 into 3×2")));
        assert_eq!(c, [7.0; 4], "nothing was written");
    }
}

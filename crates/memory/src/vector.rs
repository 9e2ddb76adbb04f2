//! Vector arithmetic for retrieval: dot products over a contiguous row-major matrix, so that
//! scanning 100,000 memories is one linear pass through memory.

use crate::quantized::{code, Codes};

/// Lanes of independent partial sums in [`dot`].
const LANES: usize = 16;

/// Dot product with sixteen independent accumulators: the compiler keeps them in SIMD
/// registers (four 4-wide vectors), and the sum no longer waits on one long dependency chain.
/// `chunks_exact` lets it drop every bounds check from the loop.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f32; LANES];
    let (xs, ys) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let (x_tail, y_tail) = (xs.remainder(), ys.remainder());
    for (x, y) in xs.zip(ys) {
        for lane in 0..LANES {
            acc[lane] += x[lane] * y[lane];
        }
    }
    let tail: f32 = x_tail.iter().zip(y_tail).map(|(x, y)| x * y).sum();
    acc.iter().sum::<f32>() + tail
}

pub fn norm(a: &[f32]) -> f32 {
    dot(a, a).sqrt()
}

/// Scales `a` to unit length in place (a zero vector stays zero).
pub fn normalize(a: &mut [f32]) {
    let n = norm(a);
    if n > 0.0 {
        a.iter_mut().for_each(|x| *x /= n);
    }
}

/// The article's cosine: dot / (‖a‖‖b‖ + 1e-8), norms given.
pub fn article_cosine(dot: f64, norm_a: f64, norm_b: f64) -> f64 {
    dot / (norm_a * norm_b + 1e-8)
}

/// Rows of equal length stored end to end. Removing a row moves the last row into its place
/// (O(d)), so slots are not stable: the store keeps the mapping. An int8 copy of every row is
/// kept beside it for the first pass of retrieval ([`Codes`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Matrix {
    dims: usize,
    data: Vec<f32>,
    codes: Codes,
}

impl Matrix {
    pub fn new(dims: usize) -> Matrix {
        Matrix { dims, data: Vec::new(), codes: Codes::new(dims) }
    }

    pub fn dims(&self) -> usize {
        self.dims
    }

    pub fn rows(&self) -> usize {
        self.data.len().checked_div(self.dims).unwrap_or(0)
    }

    pub fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.dims..(i + 1) * self.dims]
    }

    pub fn set_row(&mut self, i: usize, row: &[f32]) {
        self.data[i * self.dims..(i + 1) * self.dims].copy_from_slice(row);
        self.codes.set_row(i, row);
    }

    pub fn push(&mut self, row: &[f32]) {
        debug_assert_eq!(row.len(), self.dims);
        self.data.extend_from_slice(row);
        self.codes.push(row);
    }

    /// Removes row `i`, moving the last row into its place.
    pub fn swap_remove(&mut self, i: usize) {
        let last = self.rows() - 1;
        if i != last {
            let (head, tail) = self.data.split_at_mut(last * self.dims);
            head[i * self.dims..(i + 1) * self.dims].copy_from_slice(&tail[..self.dims]);
        }
        self.data.truncate(last * self.dims);
        self.codes.swap_remove(i);
    }

    /// Dot products of `query` with every row, written into `out`.
    pub fn dots(&self, query: &[f32], out: &mut Vec<f32>) {
        out.clear();
        out.extend(self.data.chunks_exact(self.dims).map(|row| dot(row, query)));
    }

    /// For every row, an interval that holds `dot(row, query)`, from the int8 copy.
    pub fn dot_bounds(&self, query: &[f32], out: &mut Vec<(f64, f64)>) {
        self.codes.dot_bounds(&code(query), out);
    }

    /// The exact dot product of row `i` with `query` (what [`Matrix::dots`] gives for it).
    pub fn dot_row(&self, i: usize, query: &[f32]) -> f32 {
        dot(self.row(i), query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_and_norm_by_hand() {
        let a: Vec<f32> = (1..=11).map(|i| i as f32).collect();
        // Σ i² for i = 1..11 = 11·12·23/6 = 506.
        assert_eq!(dot(&a, &a), 506.0);
        assert_eq!(norm(&[3.0, 4.0]), 5.0);
        assert!((article_cosine(1.0, 1.0, 1.0) - 1.0 / (1.0 + 1e-8)).abs() < 1e-15);
    }

    #[test]
    fn swap_remove_moves_the_last_row() {
        let mut m = Matrix::new(2);
        for r in [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]] {
            m.push(&r);
        }
        m.swap_remove(0);
        assert_eq!((m.rows(), m.row(0), m.row(1)), (2, &[5.0, 6.0][..], &[3.0, 4.0][..]));
        let mut out = Vec::new();
        m.dots(&[1.0, 1.0], &mut out);
        assert_eq!(out, vec![11.0, 7.0]);
    }
}

//! A dense row-major matrix of `f32`: the one shape every data source, weight and buffer takes.

use serde::{Deserialize, Serialize};

/// `rows × cols` values, row after row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    pub values: Vec<f32>,
}

impl Matrix {
    /// A matrix of zeros.
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Self { rows, cols, values: vec![0.0; rows * cols] }
    }

    /// Wraps `values`; `None` when the length is not `rows * cols`.
    pub fn from_vec(rows: usize, cols: usize, values: Vec<f32>) -> Option<Self> {
        (rows.checked_mul(cols) == Some(values.len())).then_some(Self { rows, cols, values })
    }

    /// Row `index` as a slice.
    pub fn row(&self, index: usize) -> &[f32] {
        &self.values[index * self.cols..(index + 1) * self.cols]
    }

    /// Row `index` as a mutable slice.
    pub fn row_mut(&mut self, index: usize) -> &mut [f32] {
        &mut self.values[index * self.cols..(index + 1) * self.cols]
    }

    /// The transpose, as a new matrix.
    pub fn transposed(&self) -> Self {
        let mut out = Self::zeros(self.cols, self.rows);
        for r in 0..self.rows {
            for c in 0..self.cols {
                out.values[c * self.rows + r] = self.values[r * self.cols + c];
            }
        }
        out
    }
}

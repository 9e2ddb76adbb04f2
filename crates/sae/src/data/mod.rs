//! Where training rows come from: synthetic data with known features, or a matrix of real
//! activations (uploaded or bundled).

pub mod bundled;
pub mod sparse_coding;
pub mod tms;

use crate::error::SaeError;
use crate::rng::Rng;
use crate::Matrix;

pub use sparse_coding::{SparseCoding, SparseCodingSpec};
pub use tms::{Tms, TmsSpec};

/// Which data to train on, as a user names it (`synthetic:sparse-coding`, `synthetic:tms`).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SyntheticSpec {
    SparseCoding(SparseCodingSpec),
    Tms(TmsSpec),
}

impl SyntheticSpec {
    /// `synthetic:sparse-coding` or `synthetic:tms` with default settings.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "synthetic:sparse-coding" => Some(Self::SparseCoding(SparseCodingSpec::default())),
            "synthetic:tms" => Some(Self::Tms(TmsSpec::default())),
            _ => None,
        }
    }

    /// Bytes the source holds once built, plus what sampling one batch of `batch_rows` rows
    /// allocates (sparse coding draws a `rows × features` matrix of codes). Saturating: a
    /// size too large to count is refused, never wrapped.
    pub fn bytes(&self, batch_rows: usize) -> u64 {
        let (rows, f32_bytes) = (batch_rows as u64, 4u64);
        let parts: Vec<(u64, u64)> = match *self {
            Self::SparseCoding(s) => {
                let (n, d) = (s.n_features as u64, s.d as u64);
                // Dictionary, correlation loadings, probabilities; one batch of codes and rows.
                vec![(n, d), (n, sparse_coding::CORRELATION_RANK as u64 + 1), (rows, n), (rows, d)]
            }
            Self::Tms(t) => {
                let (n, m) = (t.n_features as u64, t.m_hidden as u64);
                // Weights, their gradient and two Adam moments; one batch of features and codes.
                vec![(4 * m, n), (4, n), (rows, n + m)]
            }
        };
        parts.iter().fold(0u64, |sum, &(a, b)| sum.saturating_add(a.saturating_mul(b).saturating_mul(f32_bytes)))
    }

    /// [`SyntheticSpec::build`], refused before anything is allocated when the source and one
    /// batch of `batch_rows` would take more than `budget_bytes`.
    pub fn build_within(&self, batch_rows: usize, budget_bytes: u64) -> Result<DataSource, crate::SaeError> {
        let needed = self.bytes(batch_rows);
        if needed > budget_bytes {
            return Err(SaeError::DataTooBig {
                needed: crate::memory::format_bytes(needed),
                limit: crate::memory::format_bytes(budget_bytes),
            });
        }
        self.build()
    }

    /// Builds the source (the toy model of superposition trains here, in well under a second).
    /// Callers with a memory budget use [`SyntheticSpec::build_within`].
    pub fn build(&self) -> Result<DataSource, crate::SaeError> {
        Ok(match *self {
            Self::SparseCoding(spec) => DataSource::SparseCoding(SparseCoding::new(spec)?),
            Self::Tms(spec) => DataSource::Tms(Tms::train(spec)?),
        })
    }
}

/// A source of training batches.
#[derive(Debug, Clone)]
pub enum DataSource {
    SparseCoding(SparseCoding),
    Tms(Tms),
    /// Real activations, visited in a fresh random order each epoch.
    Activations(Shuffled),
}

impl DataSource {
    pub fn activations(data: Matrix) -> Self {
        Self::Activations(Shuffled { order: Vec::new(), next: 0, data })
    }

    pub fn d_in(&self) -> usize {
        match self {
            Self::SparseCoding(s) => s.spec.d,
            Self::Tms(t) => t.spec.m_hidden,
            Self::Activations(s) => s.data.cols,
        }
    }

    /// The true features as unit-norm rows, when the data has them.
    pub fn ground_truth(&self) -> Option<Matrix> {
        match self {
            Self::SparseCoding(s) => Some(s.dictionary.clone()),
            Self::Tms(t) => Some(t.directions()),
            Self::Activations(_) => None,
        }
    }

    /// The next `rows` training rows.
    pub fn next_batch(&mut self, rng: &mut Rng, rows: usize) -> Result<Matrix, SaeError> {
        Ok(match self {
            Self::SparseCoding(s) => s.sample(rng, rows)?,
            Self::Tms(t) => t.sample(rng, rows),
            Self::Activations(s) => s.next_batch(rng, rows),
        })
    }

    /// A fixed evaluation sample: the whole matrix for real data (up to `rows`), fresh draws from a
    /// separate stream for synthetic data.
    pub fn try_evaluation_sample(&self, seed: u64, rows: usize) -> Result<Matrix, SaeError> {
        let mut rng = evaluation_rng(seed);
        Ok(match self {
            Self::SparseCoding(s) => s.sample(&mut rng, rows)?,
            Self::Tms(t) => t.sample(&mut rng, rows),
            Self::Activations(s) => {
                let take = rows.min(s.data.rows);
                let values = s.data.values.get(..take * s.data.cols).ok_or_else(|| {
                    let found = s.data.values.len();
                    SaeError::Data(format!("the activations hold {found} values, fewer than {take} rows"))
                })?;
                Matrix { rows: take, cols: s.data.cols, values: values.to_vec() }
            }
        })
    }

    /// [`DataSource::try_evaluation_sample`] for callers with no error path (the page's SAE
    /// worker, until the run driver moves into the SAE crates). It fails only when a synthetic
    /// source's public fields were changed out of step after it was built; then every value of the
    /// `rows × d_in` sample is NaN, so nothing measured on it looks plausible.
    pub fn evaluation_sample(&self, seed: u64, rows: usize) -> Matrix {
        self.try_evaluation_sample(seed, rows).unwrap_or_else(|_| Matrix {
            rows,
            cols: self.d_in(),
            values: vec![f32::NAN; rows.saturating_mul(self.d_in())],
        })
    }
}

/// The generator of the evaluation sample: separate from training's, so the SAE is measured on
/// rows it never trained on. (The first rows of `SparseCoding::sample_with_codes` from it are the
/// evaluation sample's, with the codes that made them.)
pub fn evaluation_rng(seed: u64) -> Rng {
    Rng::new(seed ^ 0xE7A1)
}

/// A matrix read in shuffled epochs.
#[derive(Debug, Clone)]
pub struct Shuffled {
    pub data: Matrix,
    order: Vec<u32>,
    next: usize,
}

impl Shuffled {
    fn next_batch(&mut self, rng: &mut Rng, rows: usize) -> Matrix {
        let cols = self.data.cols;
        let mut out = Matrix::zeros(rows, cols);
        if self.data.rows == 0 {
            return out;
        }
        for r in 0..rows {
            if self.next >= self.order.len() {
                self.order = (0..self.data.rows as u32).collect();
                // Fisher–Yates.
                for i in (1..self.order.len()).rev() {
                    self.order.swap(i, rng.below(i + 1));
                }
                self.next = 0;
            }
            let source = self.order[self.next] as usize;
            self.next += 1;
            out.row_mut(r).copy_from_slice(self.data.row(source));
        }
        out
    }
}

/// The geometric median of the rows (Weiszfeld's iteration from the mean, at most 100 steps, until
/// the estimate moves less than 1e-5 relative), the point with the least total distance to them.
pub fn geometric_median(x: &Matrix) -> Vec<f32> {
    let (rows, cols) = (x.rows, x.cols);
    let mut guess = vec![0.0f64; cols];
    if rows == 0 {
        return vec![0.0; cols];
    }
    for r in 0..rows {
        guess.iter_mut().zip(x.row(r)).for_each(|(g, &v)| *g += f64::from(v));
    }
    guess.iter_mut().for_each(|g| *g /= rows as f64);
    for _ in 0..100 {
        let mut next = vec![0.0f64; cols];
        let mut weight_sum = 0.0f64;
        for r in 0..rows {
            let row = x.row(r);
            let dist = row.iter().zip(&guess).map(|(&v, g)| (f64::from(v) - g).powi(2)).sum::<f64>().sqrt();
            // A point on the estimate would divide by zero; it is skipped this round.
            if dist < 1e-12 {
                continue;
            }
            let w = 1.0 / dist;
            weight_sum += w;
            next.iter_mut().zip(row).for_each(|(n, &v)| *n += w * f64::from(v));
        }
        if weight_sum == 0.0 {
            break;
        }
        next.iter_mut().for_each(|n| *n /= weight_sum);
        let moved = next.iter().zip(&guess).map(|(a, b)| (a - b).powi(2)).sum::<f64>().sqrt();
        let scale = guess.iter().map(|g| g * g).sum::<f64>().sqrt().max(1e-12);
        guess = next;
        if moved / scale < 1e-5 {
            break;
        }
    }
    guess.into_iter().map(|g| g as f32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometric_median_resists_an_outlier() {
        // Four corners of a unit square and one far outlier: the mean is pulled to (20.4, 20.4);
        // the median stays near the square (by symmetry, on the diagonal, inside [0, 1]).
        let x = Matrix::from_vec(5, 2, vec![0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 100.0, 100.0]).unwrap_or_default();
        let m = geometric_median(&x);
        assert!((m[0] - m[1]).abs() < 1e-4);
        assert!((0.5..=1.0).contains(&m[0]), "{m:?}");
    }

    #[test]
    fn shuffled_epochs_visit_every_row_once() {
        let data = Matrix::from_vec(5, 1, vec![0.0, 1.0, 2.0, 3.0, 4.0]).unwrap_or_default();
        let mut source = DataSource::activations(data);
        let mut rng = Rng::new(1);
        let mut seen: Vec<f32> = source.next_batch(&mut rng, 5).map(|m| m.values).unwrap_or_default();
        seen.sort_by(f32::total_cmp);
        assert_eq!(seen, vec![0.0, 1.0, 2.0, 3.0, 4.0]);
    }

    #[test]
    fn synthetic_data_too_large_is_refused_before_it_is_allocated() {
        let spec = SparseCodingSpec { n_features: 100_000, d: 100_000, ..SparseCodingSpec::default() };
        let spec = SyntheticSpec::SparseCoding(spec);
        // 10^10 dictionary entries, 9·10^5 loadings and probabilities, a 1,024-row batch of
        // 10^5 codes and 10^5 values: (10^10 + 900,000 + 2·102,400,000) · 4 B.
        assert_eq!(spec.bytes(1024), (10_000_000_000 + 900_000 + 2 * 102_400_000) * 4);
        let refused = spec.build_within(1024, 16 << 30).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(refused.contains("38.02 GiB") && refused.contains("16.00 GiB"), "{refused}");
        // Sizes beyond u64 saturate instead of wrapping to something small.
        let huge = SyntheticSpec::SparseCoding(SparseCodingSpec {
            n_features: usize::MAX,
            d: usize::MAX,
            ..SparseCodingSpec::default()
        });
        assert_eq!(huge.bytes(usize::MAX), u64::MAX);
        assert!(SyntheticSpec::parse("synthetic:sparse-coding").is_some_and(|s| s.build_within(1024, 1 << 30).is_ok()));
    }
}

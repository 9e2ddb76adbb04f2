//! The SAE's weights and its inference: encode, decode, the article's `get_top_features`.
//!
//! Layout follows SAELens: `w_enc` is `[d_in, d_sae]`, `w_dec` is `[d_sae, d_in]`, both row-major,
//! so feature `i`'s decoder direction is row `i` of `w_dec`.

use crate::config::{Arch, InitScheme, SaeConfig};
use crate::error::SaeError;
use crate::gemm;
use crate::rng::Rng;
use crate::Matrix;

/// A sparse autoencoder's parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Sae {
    pub cfg: SaeConfig,
    pub w_enc: Matrix,
    pub b_enc: Vec<f32>,
    pub w_dec: Matrix,
    pub b_dec: Vec<f32>,
    /// BatchTopK's inference threshold: a feature fires when its pre-activation exceeds it (an
    /// exponential moving average of the smallest activation kept in training, as SAELens keeps).
    pub threshold: f32,
}

impl Sae {
    /// New weights, drawn from `rng` by `scheme`. With `unit_norm_decoder` the tied decoder rows
    /// start at norm 1, otherwise at 0.1 (the April 2024 recipe).
    pub fn init(cfg: SaeConfig, scheme: InitScheme, unit_norm_decoder: bool, rng: &mut Rng) -> Self {
        let (d_in, d_sae) = (cfg.d_in, cfg.d_sae);
        let mut sae = Self {
            cfg,
            w_enc: Matrix::zeros(d_in, d_sae),
            b_enc: vec![0.0; d_sae],
            w_dec: Matrix::zeros(d_sae, d_in),
            b_dec: vec![0.0; d_in],
            threshold: 0.0,
        };
        match scheme {
            InitScheme::Article => {
                // nn.Linear(in, out): weight and bias uniform in ±1/√in.
                let enc_bound = 1.0 / (d_in as f32).sqrt();
                let dec_bound = 1.0 / (d_sae as f32).sqrt();
                sae.w_enc.values.iter_mut().for_each(|w| *w = rng.range_f32(-enc_bound, enc_bound));
                sae.b_enc.iter_mut().for_each(|b| *b = rng.range_f32(-enc_bound, enc_bound));
                sae.w_dec.values.iter_mut().for_each(|w| *w = rng.range_f32(-dec_bound, dec_bound));
                sae.b_dec.iter_mut().for_each(|b| *b = rng.range_f32(-dec_bound, dec_bound));
            }
            InitScheme::Tied => {
                let norm = if unit_norm_decoder { 1.0 } else { 0.1 };
                for i in 0..d_sae {
                    let row = sae.w_dec.row_mut(i);
                    row.iter_mut().for_each(|w| *w = rng.normal() as f32);
                    let length = l2(row).max(f32::MIN_POSITIVE);
                    row.iter_mut().for_each(|w| *w *= norm / length);
                }
                sae.w_enc = sae.w_dec.transposed();
            }
        }
        sae
    }

    /// The identity SAE on `d` dimensions: W_enc = W_dec = I, no biases, ReLU. It reconstructs
    /// non-negative inputs exactly and drops negative parts, which makes metrics easy to compute by
    /// hand.
    pub fn identity(d: usize, apply_b_dec_to_input: bool) -> Self {
        let mut eye = Matrix::zeros(d, d);
        (0..d).for_each(|i| eye.values[i * d + i] = 1.0);
        Self {
            cfg: SaeConfig { d_in: d, d_sae: d, arch: Arch::Relu, k: 0, apply_b_dec_to_input },
            w_enc: eye.clone(),
            b_enc: vec![0.0; d],
            w_dec: eye,
            b_dec: vec![0.0; d],
            threshold: 0.0,
        }
    }

    /// Number of parameters.
    pub fn parameter_count(&self) -> usize {
        2 * self.cfg.d_in * self.cfg.d_sae + self.cfg.d_in + self.cfg.d_sae
    }

    /// Whether the weights and biases have the shapes `cfg` gives them.
    pub fn check_shapes(&self) -> Result<(), SaeError> {
        let (d_in, d_sae) = (self.cfg.d_in, self.cfg.d_sae);
        let parts = [
            ("w_enc", (self.w_enc.rows, self.w_enc.cols), (d_in, d_sae), self.w_enc.values.len()),
            ("w_dec", (self.w_dec.rows, self.w_dec.cols), (d_sae, d_in), self.w_dec.values.len()),
            ("b_enc", (1, self.b_enc.len()), (1, d_sae), self.b_enc.len()),
            ("b_dec", (1, self.b_dec.len()), (1, d_in), self.b_dec.len()),
        ];
        for (name, (rows, cols), (want_rows, want_cols), len) in parts {
            if (rows, cols) != (want_rows, want_cols) || rows.checked_mul(cols) != Some(len) {
                return Err(SaeError::Weights(format!(
                    "{name} is {rows}×{cols} with {len} values; d_in = {d_in} and d_sae = {d_sae} make it {want_rows}×{want_cols}"
                )));
            }
        }
        Ok(())
    }

    /// Pre-activations `(x − b_dec?) W_enc + b_enc` for a batch `x` of `[rows, d_in]`.
    pub fn pre_activations(&self, x: &Matrix) -> Result<Matrix, SaeError> {
        self.check_shapes()?;
        if x.cols != self.cfg.d_in {
            return Err(SaeError::Width { expected: self.cfg.d_in, found: x.cols });
        }
        let input = if self.cfg.apply_b_dec_to_input { subtract_row(x, &self.b_dec) } else { x.clone() };
        let mut h = Matrix::zeros(x.rows, self.cfg.d_sae);
        gemm::matmul(&input, &self.w_enc, &mut h, 0.0)?;
        add_row(&mut h, &self.b_enc);
        Ok(h)
    }

    /// Features for inference: ReLU, per-row TopK, or BatchTopK's threshold.
    pub fn encode(&self, x: &Matrix) -> Result<Matrix, SaeError> {
        let mut f = self.pre_activations(x)?;
        match self.cfg.arch {
            Arch::Relu => f.values.iter_mut().for_each(|v| *v = v.max(0.0)),
            Arch::TopK => {
                for r in 0..f.rows {
                    keep_top_k(f.row_mut(r), self.cfg.k);
                }
            }
            Arch::BatchTopK => {
                let t = self.threshold.max(0.0);
                f.values.iter_mut().for_each(|v| *v = if *v > t { *v } else { 0.0 });
            }
        }
        Ok(f)
    }

    /// Reconstruction `f W_dec + b_dec` of features `f` of `[rows, d_sae]`.
    pub fn decode(&self, f: &Matrix) -> Result<Matrix, SaeError> {
        self.check_shapes()?;
        let mut out = Matrix::zeros(f.rows, self.cfg.d_in);
        gemm::matmul(f, &self.w_dec, &mut out, 0.0)?;
        add_row(&mut out, &self.b_dec);
        Ok(out)
    }

    /// The article's `get_top_features(x, top_k)`: for each row, the `k` most active features, as
    /// (index, activation) pairs, largest first (ties: the lower index first).
    pub fn top_features(&self, x: &Matrix, k: usize) -> Result<Vec<Vec<(usize, f32)>>, SaeError> {
        let f = self.encode(x)?;
        Ok((0..f.rows)
            .map(|r| {
                let mut order: Vec<(usize, f32)> = f.row(r).iter().copied().enumerate().collect();
                order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                order.truncate(k);
                order
            })
            .collect())
    }

    /// Norms of the decoder rows.
    pub fn decoder_norms(&self) -> Vec<f32> {
        (0..self.cfg.d_sae).map(|i| l2(self.w_dec.row(i))).collect()
    }
}

/// Keeps the `k` largest values of `row` (ties broken toward the lower index), clamps them at 0,
/// and zeroes the rest. Returns nothing; O(len) with a selection.
pub fn keep_top_k(row: &mut [f32], k: usize) {
    let k = k.min(row.len());
    if k == row.len() {
        row.iter_mut().for_each(|v| *v = v.max(0.0));
        return;
    }
    let mut order: Vec<u32> = (0..row.len() as u32).collect();
    select_top(&mut order, k, |i| row[i as usize]);
    let mut keep = vec![false; row.len()];
    order[..k].iter().for_each(|&i| keep[i as usize] = true);
    for (v, kept) in row.iter_mut().zip(keep) {
        *v = if kept { v.max(0.0) } else { 0.0 };
    }
}

/// Reorders `order` so that its first `k` entries are the `k` largest by `value` (ties: lower
/// index first). NaN counts as smallest.
pub fn select_top(order: &mut [u32], k: usize, value: impl Fn(u32) -> f32) {
    if k == 0 || k >= order.len() {
        return;
    }
    let key = |i: u32| {
        let v = value(i);
        if v.is_nan() {
            f32::NEG_INFINITY
        } else {
            v
        }
    };
    order.select_nth_unstable_by(k - 1, |&a, &b| key(b).total_cmp(&key(a)).then(a.cmp(&b)));
}

/// The Euclidean norm.
pub fn l2(v: &[f32]) -> f32 {
    v.iter().map(|x| x * x).sum::<f32>().sqrt()
}

/// `x` with `row` subtracted from every row.
pub fn subtract_row(x: &Matrix, row: &[f32]) -> Matrix {
    let mut out = x.clone();
    for r in 0..out.rows {
        out.row_mut(r).iter_mut().zip(row).for_each(|(v, b)| *v -= b);
    }
    out
}

/// Adds `row` to every row of `x`.
pub fn add_row(x: &mut Matrix, row: &[f32]) {
    for r in 0..x.rows {
        x.row_mut(r).iter_mut().zip(row).for_each(|(v, b)| *v += b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_top_k_keeps_the_largest_and_clamps_negatives() {
        let mut row = [0.5, -1.0, 3.0, 2.0, -0.5];
        keep_top_k(&mut row, 3);
        assert_eq!(row, [0.5, 0.0, 3.0, 2.0, 0.0]);
        let mut all_negative = [-3.0, -1.0, -2.0];
        keep_top_k(&mut all_negative, 1);
        assert_eq!(all_negative, [0.0, 0.0, 0.0]);
    }

    #[test]
    fn tied_init_has_unit_rows_and_a_transposed_encoder() {
        let cfg = SaeConfig { d_in: 3, d_sae: 5, arch: Arch::Relu, k: 0, apply_b_dec_to_input: true };
        let sae = Sae::init(cfg, InitScheme::Tied, true, &mut Rng::new(3));
        for n in sae.decoder_norms() {
            assert!((n - 1.0).abs() < 1e-6);
        }
        assert_eq!(sae.w_enc, sae.w_dec.transposed());
    }

    #[test]
    fn mismatched_shapes_are_errors() {
        let sae = Sae::identity(3, false);
        let x = Matrix { rows: 1, cols: 3, values: vec![1.0, -2.0, 3.0] };
        assert_eq!(sae.encode(&x).map(|f| f.values), Ok(vec![1.0, 0.0, 3.0]));
        let wide = Matrix::zeros(2, 4);
        assert_eq!(sae.encode(&wide), Err(SaeError::Width { expected: 3, found: 4 }));
        let f = Matrix::zeros(2, 2);
        let e = sae.decode(&f);
        assert!(matches!(&e, Err(SaeError::Shape(s)) if s.detail == "inner dimensions 2 and 3 differ"), "{e:?}");
        let mut broken = sae.clone();
        broken.w_dec = Matrix::zeros(3, 2);
        let e = broken.decode(&Matrix::zeros(1, 3));
        assert_eq!(
            e.map_err(|e| e.to_string()),
            Err("w_dec is 3×2 with 6 values; d_in = 3 and d_sae = 3 make it 3×3".to_string())
        );
        broken.w_dec.values.pop();
        assert!(broken.top_features(&x, 1).is_err());
    }
}

//! The sparse-coding benchmark of Sharkey, Braun & Millidge (2022): a known dictionary of unit
//! vectors, each sample a sparse non-negative combination of them.
//!
//! As in their generator (HoagyC/sparse_coding, `random_dataset.py`): feature i fires with
//! probability ∝ decay^i, scaled so that `avg_active` fire on average; an active feature's
//! coefficient is uniform in [0, 1). Correlation, when asked for, comes from a rank-8 Gaussian
//! copula: features sharing a latent factor tend to fire together (their generator uses a full
//! random correlation matrix, which costs n² per sample).

use serde::{Deserialize, Serialize};

use crate::error::{setting, SaeError};
use crate::model::l2;
use crate::rng::Rng;
use crate::Matrix;

pub(crate) const CORRELATION_RANK: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SparseCodingSpec {
    pub n_features: usize,
    pub d: usize,
    /// Mean number of active features per sample.
    pub avg_active: f32,
    /// Firing probability decays as decay^i.
    pub decay: f32,
    /// 0: independent features; up to 1: strongly correlated firing.
    pub correlation: f32,
    pub seed: u64,
}

impl Default for SparseCodingSpec {
    /// The benchmark's scale: 512 features in 256 dimensions, about 5 active, decay 0.99.
    fn default() -> Self {
        Self { n_features: 512, d: 256, avg_active: 5.0, decay: 0.99, correlation: 0.0, seed: 0 }
    }
}

#[derive(Debug, Clone)]
pub struct SparseCoding {
    pub spec: SparseCodingSpec,
    /// The true features, unit rows: `[n_features, d]`.
    pub dictionary: Matrix,
    /// Firing probability of each feature.
    pub probabilities: Vec<f32>,
    /// Loadings of each feature on the shared factors: `[n_features, CORRELATION_RANK]`.
    loadings: Vec<f32>,
}

impl SparseCoding {
    pub fn new(spec: SparseCodingSpec) -> Result<Self, SaeError> {
        if spec.n_features == 0 || spec.d == 0 {
            return Err(setting("features", "need at least one feature and one dimension"));
        }
        if !(spec.avg_active > 0.0 && spec.avg_active <= spec.n_features as f32) {
            return Err(setting(
                "active",
                format!("must be between 0 and the number of features ({})", spec.n_features),
            ));
        }
        if !(spec.decay > 0.0 && spec.decay <= 1.0) {
            return Err(setting("decay", "must lie in (0, 1]"));
        }
        if !(0.0..=1.0).contains(&spec.correlation) {
            return Err(setting("correlation", "must lie in [0, 1]"));
        }
        let mut rng = Rng::new(spec.seed);
        let mut dictionary = Matrix::zeros(spec.n_features, spec.d);
        for i in 0..spec.n_features {
            let row = dictionary.row_mut(i);
            row.iter_mut().for_each(|v| *v = rng.normal() as f32);
            let norm = l2(row).max(f32::MIN_POSITIVE);
            row.iter_mut().for_each(|v| *v /= norm);
        }
        let raw: Vec<f64> = (0..spec.n_features).map(|i| f64::from(spec.decay).powi(i as i32)).collect();
        let scale = f64::from(spec.avg_active) / raw.iter().sum::<f64>();
        let probabilities = raw.iter().map(|p| (p * scale).min(1.0) as f32).collect();
        let loadings = (0..spec.n_features * CORRELATION_RANK).map(|_| rng.normal() as f32).collect();
        Ok(Self { spec, dictionary, probabilities, loadings })
    }

    /// `rows` samples, and the coefficients that made them (`[rows, n_features]`). An error when
    /// the public fields were changed out of step with each other after [`SparseCoding::new`].
    pub fn sample_with_codes(&self, rng: &mut Rng, rows: usize) -> Result<(Matrix, Matrix), SaeError> {
        let (n, d) = (self.spec.n_features, self.spec.d);
        if self.probabilities.len() != n || self.loadings.len() != n * CORRELATION_RANK {
            let found = self.probabilities.len();
            return Err(setting("features", format!("{found} firing probabilities for {n} features")));
        }
        let mut codes = Matrix::zeros(rows, n);
        let rho = self.spec.correlation.clamp(0.0, 1.0);
        let mut factors = [0.0f32; CORRELATION_RANK];
        for r in 0..rows {
            if rho > 0.0 {
                factors.iter_mut().for_each(|f| *f = rng.normal() as f32);
            }
            let code = codes.row_mut(r);
            for (i, c) in code.iter_mut().enumerate() {
                let fires = if rho > 0.0 {
                    // z = √ρ·(loadings·factors)/‖loadings‖ + √(1−ρ)·ε is standard normal; it fires when
                    // Φ(z) < p, i.e. z below the p-quantile, which keeps the marginal probability p.
                    let load = &self.loadings[i * CORRELATION_RANK..(i + 1) * CORRELATION_RANK];
                    let norm = l2(load).max(f32::MIN_POSITIVE);
                    let shared: f32 = load.iter().zip(&factors).map(|(l, f)| l * f).sum::<f32>() / norm;
                    let z = rho.sqrt() * shared + (1.0 - rho).sqrt() * rng.normal() as f32;
                    normal_cdf(f64::from(z)) < f64::from(self.probabilities[i])
                } else {
                    rng.uniform_f32() < self.probabilities[i]
                };
                if fires {
                    *c = rng.uniform_f32();
                }
            }
        }
        let mut x = Matrix::zeros(rows, d);
        crate::gemm::matmul(&codes, &self.dictionary, &mut x, 0.0)?;
        Ok((x, codes))
    }

    pub fn sample(&self, rng: &mut Rng, rows: usize) -> Result<Matrix, SaeError> {
        Ok(self.sample_with_codes(rng, rows)?.0)
    }
}

/// Φ(z) via the complementary error function (Numerical Recipes' erfc, |error| < 1.2e-7).
pub fn normal_cdf(z: f64) -> f64 {
    let x = -z / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * x.abs());
    let poly = -x * x - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98 + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let erfc = t * poly.exp();
    0.5 * if x >= 0.0 { erfc } else { 2.0 - erfc }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_cdf_matches_tables() {
        // Φ(0) = 0.5, Φ(1.959964) = 0.975, Φ(−1) = 0.158655 (standard tables).
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(1.959_964) - 0.975).abs() < 1e-6);
        assert!((normal_cdf(-1.0) - 0.158_655_25).abs() < 1e-6);
    }

    #[test]
    fn about_avg_active_features_fire_with_or_without_correlation() {
        for correlation in [0.0, 0.8] {
            let spec = SparseCodingSpec { n_features: 64, d: 16, avg_active: 5.0, correlation, ..Default::default() };
            let data = SparseCoding::new(spec).unwrap_or_else(|e| panic!("{e}"));
            let (_, codes) = data.sample_with_codes(&mut Rng::new(2), 20_000).unwrap_or_else(|e| panic!("{e}"));
            let active = codes.values.iter().filter(|&&c| c > 0.0).count() as f64 / 20_000.0;
            // The marginals are kept exactly; a coefficient of exactly 0 is rare (1 in 2^24).
            assert!((active - 5.0).abs() < 0.1, "correlation {correlation}: {active}");
        }
    }

    #[test]
    fn correlation_makes_features_fire_together() {
        let co_fire = |correlation: f32| {
            let spec = SparseCodingSpec { n_features: 32, d: 8, avg_active: 4.0, decay: 1.0, correlation, seed: 5 };
            let data = SparseCoding::new(spec).unwrap_or_else(|e| panic!("{e}"));
            let (_, codes) = data.sample_with_codes(&mut Rng::new(3), 20_000).unwrap_or_else(|e| panic!("{e}"));
            // Variance of the number of active features: independent firing gives Σp(1−p) = 3.5.
            let counts: Vec<f64> =
                (0..codes.rows).map(|r| codes.row(r).iter().filter(|&&c| c > 0.0).count() as f64).collect();
            let mean = counts.iter().sum::<f64>() / counts.len() as f64;
            counts.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / counts.len() as f64
        };
        let independent = co_fire(0.0);
        assert!((independent - 3.5).abs() < 0.2, "{independent}");
        assert!(co_fire(0.9) > 2.0 * independent);
    }

    #[test]
    fn a_dictionary_changed_out_of_shape_is_an_error() {
        let spec = SparseCodingSpec { n_features: 8, d: 4, avg_active: 2.0, ..Default::default() };
        let mut data = SparseCoding::new(spec).unwrap_or_else(|e| panic!("{e}"));
        data.dictionary = Matrix::zeros(8, 3);
        let e = data.sample(&mut Rng::new(1), 5);
        assert!(matches!(&e, Err(SaeError::Shape(s)) if s.detail == "the output is 5×4"), "{e:?}");
        data.probabilities.pop();
        let e = data.sample(&mut Rng::new(1), 5).map_err(|e| e.to_string());
        assert_eq!(e, Err("features: 7 firing probabilities for 8 features".to_string()));
    }
}

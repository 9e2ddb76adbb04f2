//! Smooth ECE (Błasiok & Nakkiran, ICLR 2024): kernel-smoothed residuals with a reflected
//! Gaussian kernel, at the bandwidth σ* where smECE_σ = σ. No bins, so no edge conventions.
//!
//! This follows the reference implementation (apple/ml-calibration, `relplot`) step by step,
//! discretisation included, so the numbers agree with it: residuals are spread linearly onto
//! a grid of ⌊max(2000, 20/σ)/2⌋ + 1 points, convolved with the kernel reflected at 0 and 1,
//! interpolated at max(200, 10/σ) evaluation points; σ* is found by ten halvings of (0, 1].

use crate::binning::numpy_edges;

/// Linear interpolation of the grid function i / (len − 1) ↦ y[i] at `t`.
fn interpolate(t: f64, y: &[f64]) -> f64 {
    let buckets = y.len();
    let size = 1.0 / (buckets - 1) as f64;
    let i = ((t * (buckets - 1) as f64) as usize).min(buckets - 2);
    let residual = (t - i as f64 * size) / size;
    y[i] * (1.0 - residual) + y[i + 1] * residual
}

/// Σ_i y_i K_σ(x − f_i) on the grid, reflected at the ends, then read at `x_eval`.
fn apply(f: &[f64], y: &[f64], x_eval: &[f64], sigma: f64) -> Vec<f64> {
    let points = (2000.0_f64.max((20.0 / sigma).round()) as usize) / 2 + 1;
    let mut values = vec![0.0; points];
    for (&fi, &yi) in f.iter().zip(y) {
        let scaled = fi * (points - 1) as f64;
        let bin = (scaled as usize).min(points - 2);
        let frac = scaled - bin as f64;
        values[bin] += (1.0 - frac) * yi;
        values[bin + 1] += frac * yi;
    }
    let t = numpy_edges(points - 1);
    let norm = (2.0 * std::f64::consts::PI).sqrt() * sigma;
    let kernel: Vec<f64> = t.iter().map(|&x| (-(x - 0.5) * (x - 0.5) / (2.0 * sigma * sigma)).exp() / norm).collect();
    // The grid reflected about both ends: flip(v)[..-1] ++ v ++ flip(v)[1..].
    let mut ext: Vec<f64> = values.iter().rev().take(points - 1).copied().collect();
    ext.extend_from_slice(&values);
    ext.extend(values.iter().rev().skip(1));
    // numpy.convolve(ext, kernel, "valid")[points/2 .. points/2 + points].
    let start = points / 2;
    let smoothed: Vec<f64> =
        (start..start + points).map(|n| (0..points).map(|m| ext[n + m] * kernel[points - 1 - m]).sum()).collect();
    x_eval.iter().map(|&x| interpolate(x, &smoothed)).collect()
}

/// smECE at a fixed bandwidth σ.
pub fn smooth_ece_at(conf: &[f64], correct: &[bool], sigma: f64) -> f64 {
    let eval_points = 200.0_f64.max((10.0 / sigma).round()) as usize;
    let t = numpy_edges(eval_points - 1);
    let residuals: Vec<f64> = conf.iter().zip(correct).map(|(&c, &ok)| c - f64::from(u8::from(ok))).collect();
    let ones = vec![1.0; conf.len()];
    let ys = apply(conf, &residuals, &t, sigma);
    let density: Vec<f64> = apply(conf, &ones, &t, sigma).into_iter().map(|d| d + 1e-4).collect();
    let weighted: f64 = ys.iter().zip(&density).map(|(y, d)| (y / d).abs() * d).sum();
    weighted / density.iter().sum::<f64>()
}

/// smECE at its self-consistent bandwidth; returns (smECE, σ*).
pub fn smooth_ece(conf: &[f64], correct: &[bool]) -> Option<(f64, f64)> {
    if conf.is_empty() || conf.len() != correct.len() {
        return None;
    }
    let accept = |sigma: f64| sigma < 1e-3 || sigma < smooth_ece_at(conf, correct, sigma);
    let sigma = if accept(1.0) {
        1.0
    } else {
        let (mut start, mut end) = (1.0_f64, 0.0_f64);
        for _ in 0..10 {
            let mid = (start + end) / 2.0;
            if accept(mid) {
                end = mid;
            } else {
                start = mid;
            }
        }
        start
    };
    Some((smooth_ece_at(conf, correct, sigma), sigma))
}

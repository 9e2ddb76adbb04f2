//! Smooth ECE (Błasiok & Nakkiran, ICLR 2024): kernel-smoothed residuals with a reflected
//! Gaussian kernel, at the bandwidth σ* where smECE_σ = σ. No bins, so no edge conventions.
//!
//! This follows the reference implementation (apple/ml-calibration, `relplot`) step by step,
//! discretisation included, so the numbers agree with it: residuals are spread linearly onto
//! a grid of ⌊max(2000, 20/σ)/2⌋ + 1 points, convolved with the kernel reflected at 0 and 1,
//! interpolated at max(200, 10/σ) evaluation points; σ* is found by ten halvings of (0, 1].

use crate::binning::numpy_edges;

/// How far out the Gaussian kernel is summed, in standard deviations.
const KERNEL_REACH_SIGMAS: f64 = 12.0;

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
    // numpy.convolve(ext, kernel, "valid")[points/2 .. points/2 + points], over the kernel's
    // support only: beyond KERNEL_REACH_SIGMAS standard deviations its weights are below
    // e^-72 ≈ 5e-32 of its peak, under the rounding of any sum they would join. The full sum
    // costs points² (10⁸ at σ = 10⁻³, seconds in a browser); this one points · 24σ(points − 1).
    let reach = KERNEL_REACH_SIGMAS * sigma * (points - 1) as f64;
    let centre = 0.5 * (points - 1) as f64;
    let k_lo = (centre - reach).floor().max(0.0) as usize;
    let k_hi = ((centre + reach).ceil() as usize).min(points - 1);
    let start = points / 2;
    let smoothed: Vec<f64> = (start..start + points)
        .map(|n| (k_lo..=k_hi).rev().map(|k| ext[n + points - 1 - k] * kernel[k]).sum())
        .collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The convolution over the kernel's support gives the full O(points²) sum of the
    /// reference, at the smallest bandwidth the search reaches and at a wide one.
    #[test]
    fn the_truncated_kernel_gives_the_full_sum() {
        let mut state = 7_u64;
        let mut next = || {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1_u64 << 53) as f64
        };
        let f: Vec<f64> = (0..3_000).map(|_| next()).collect();
        let y: Vec<f64> = f.iter().map(|&c| c - f64::from(u8::from(next() < c))).collect();
        for sigma in [1.0_f64 / 1024.0, 0.01, 0.3] {
            let points = (2000.0_f64.max((20.0 / sigma).round()) as usize) / 2 + 1;
            let x_eval = numpy_edges(199);
            let fast = apply(&f, &y, &x_eval, sigma);
            // The reference's sum, every kernel weight included.
            let mut values = vec![0.0; points];
            for (&fi, &yi) in f.iter().zip(&y) {
                let scaled = fi * (points - 1) as f64;
                let bin = (scaled as usize).min(points - 2);
                values[bin] += (1.0 - (scaled - bin as f64)) * yi;
                values[bin + 1] += (scaled - bin as f64) * yi;
            }
            let t = numpy_edges(points - 1);
            let norm = (2.0 * std::f64::consts::PI).sqrt() * sigma;
            let kernel: Vec<f64> =
                t.iter().map(|&x| (-(x - 0.5) * (x - 0.5) / (2.0 * sigma * sigma)).exp() / norm).collect();
            let mut ext: Vec<f64> = values.iter().rev().take(points - 1).copied().collect();
            ext.extend_from_slice(&values);
            ext.extend(values.iter().rev().skip(1));
            let full: Vec<f64> = (points / 2..points / 2 + points)
                .map(|n| (0..points).map(|m| ext[n + m] * kernel[points - 1 - m]).sum())
                .collect();
            let slow: Vec<f64> = x_eval.iter().map(|&x| interpolate(x, &full)).collect();
            for (a, b) in fast.iter().zip(&slow) {
                assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "σ {sigma}: {a} vs {b}");
            }
        }
    }
}

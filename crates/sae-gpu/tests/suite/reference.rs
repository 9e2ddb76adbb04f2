//! A plain float64 SAE step, written for clarity with no shared code: the independent reference
//! for shapes the PyTorch fixture does not cover (edge tiles, wide TopK rows, many steps).

use frontier_sae::config::Arch;
use frontier_sae::{Matrix, Sae, StepParams};

/// What one step computes, in f64.
pub struct Step {
    pub h: Vec<f64>,
    pub f: Vec<f64>,
    pub recon: Vec<f64>,
    pub mse: f64,
    pub sparsity: f64,
    pub l0: f64,
    /// dW_enc, db_enc, dW_dec (after the radial projection when on), db_dec.
    pub grads: [Vec<f64>; 4],
}

pub fn step(sae: &Sae, x: &Matrix, p: &StepParams) -> Step {
    let (n, d, m) = (x.rows, sae.cfg.d_in, sae.cfg.d_sae);
    let w_enc: Vec<f64> = sae.w_enc.values.iter().map(|&v| f64::from(v)).collect();
    let w_dec: Vec<f64> = sae.w_dec.values.iter().map(|&v| f64::from(v)).collect();
    let b_dec: Vec<f64> = sae.b_dec.iter().map(|&v| f64::from(v)).collect();
    let centre = sae.cfg.apply_b_dec_to_input;
    let x_in = |r: usize, i: usize| f64::from(x.values[r * d + i]) - if centre { b_dec[i] } else { 0.0 };
    let mut h = vec![0.0; n * m];
    for r in 0..n {
        for j in 0..m {
            h[r * m + j] = f64::from(sae.b_enc[j]) + (0..d).map(|i| x_in(r, i) * w_enc[i * m + j]).sum::<f64>();
        }
    }
    let mut f: Vec<f64> = h.iter().map(|&v| v.max(0.0)).collect();
    if sae.cfg.arch == Arch::TopK {
        for r in 0..n {
            let row = &h[r * m..(r + 1) * m];
            let mut order: Vec<usize> = (0..m).collect();
            order.sort_by(|&a, &b| row[b].total_cmp(&row[a]));
            for &j in &order[sae.cfg.k.min(m)..] {
                f[r * m + j] = 0.0;
            }
        }
    }
    let mut recon = vec![0.0; n * d];
    for r in 0..n {
        for i in 0..d {
            recon[r * d + i] = b_dec[i] + (0..m).map(|j| f[r * m + j] * w_dec[j * d + i]).sum::<f64>();
        }
    }
    let count = (n * d) as f64;
    let diff: Vec<f64> = (0..n * d).map(|e| recon[e] - f64::from(x.values[e])).collect();
    let mse = diff.iter().map(|e| e * e).sum::<f64>() / count;
    let sparsity = f64::from(p.l1_coeff) * f.iter().sum::<f64>() / (n * m) as f64;
    let l0 = f.iter().filter(|&&v| v > 0.0).count() as f64 / n as f64;
    let g_out: Vec<f64> = diff.iter().map(|e| 2.0 * e / count).collect();
    let l1_grad = f64::from(p.l1_coeff) / (n * m) as f64;
    let mut g_h = vec![0.0; n * m];
    for r in 0..n {
        for j in 0..m {
            if f[r * m + j] > 0.0 {
                g_h[r * m + j] = l1_grad + (0..d).map(|i| g_out[r * d + i] * w_dec[j * d + i]).sum::<f64>();
            }
        }
    }
    let mut gw_dec = vec![0.0; m * d];
    for j in 0..m {
        for i in 0..d {
            gw_dec[j * d + i] = (0..n).map(|r| f[r * m + j] * g_out[r * d + i]).sum();
        }
    }
    let mut gw_enc = vec![0.0; d * m];
    for i in 0..d {
        for j in 0..m {
            gw_enc[i * m + j] = (0..n).map(|r| x_in(r, i) * g_h[r * m + j]).sum();
        }
    }
    let gb_enc: Vec<f64> = (0..m).map(|j| (0..n).map(|r| g_h[r * m + j]).sum()).collect();
    let mut gb_dec: Vec<f64> = (0..d).map(|i| (0..n).map(|r| g_out[r * d + i]).sum()).collect();
    if centre {
        for (i, g) in gb_dec.iter_mut().enumerate() {
            *g -= (0..m).map(|j| w_enc[i * m + j] * gb_enc[j]).sum::<f64>();
        }
    }
    if p.unit_norm_decoder {
        for j in 0..m {
            let w = &w_dec[j * d..(j + 1) * d];
            let g = &mut gw_dec[j * d..(j + 1) * d];
            let norm_sq: f64 = w.iter().map(|v| v * v).sum();
            let along: f64 = g.iter().zip(w).map(|(a, b)| a * b).sum::<f64>() / norm_sq;
            g.iter_mut().zip(w).for_each(|(a, b)| *a -= along * b);
        }
    }
    Step { h, f, recon, mse, sparsity, l0, grads: [gw_enc, gb_enc, gw_dec, gb_dec] }
}

/// Adam's first step from zero moments (lr · g / (|g| + eps)), then the unit-norm decoder.
pub fn after_first_step(sae: &Sae, step: &Step, p: &StepParams) -> [Vec<f64>; 4] {
    let params = [&sae.w_enc.values, &sae.b_enc, &sae.w_dec.values, &sae.b_dec];
    let lr = f64::from(p.lr);
    let eps = f64::from(p.eps);
    let mut out: [Vec<f64>; 4] = std::array::from_fn(|t| {
        params[t].iter().zip(&step.grads[t]).map(|(&w, &g)| f64::from(w) - lr * g / (g.abs() + eps)).collect()
    });
    if p.unit_norm_decoder {
        for row in out[2].chunks_exact_mut(sae.cfg.d_in) {
            let norm = row.iter().map(|v| v * v).sum::<f64>().sqrt();
            row.iter_mut().for_each(|v| *v /= norm);
        }
    }
    out
}

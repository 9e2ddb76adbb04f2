//! The AuxK loss of Gao et al. (2024): the dead features' top `k_aux` activations must reconstruct
//! what the live ones left over, which gives dead features a gradient again.

use super::buffers::Buffers;
use crate::backend::StepParams;
use crate::model::{select_top, Sae};
use crate::Matrix;

/// Adds AuxK's gradient to `b.g_h` and `grad_w_dec` and returns its loss:
/// `coeff · mean over elements of (ê − (x − x̂))²`, where ê decodes (without bias) the ReLU of the
/// `k_aux` largest pre-activations among `dead`. The residual is a constant (no gradient flows
/// into the main reconstruction).
pub(super) fn add_aux_loss(
    sae: &Sae,
    batch: &Matrix,
    params: &StepParams,
    dead: &[usize],
    b: &mut Buffers,
    grad_w_dec: &mut [f32],
) -> f64 {
    let (rows, d_in, d_sae) = (batch.rows, sae.cfg.d_in, sae.cfg.d_sae);
    let k_aux = params.k_aux.min(dead.len());
    let scale = 2.0 * params.auxk_coeff / (rows * d_in) as f32;
    let mut total = 0.0f64;
    let mut order: Vec<u32> = Vec::with_capacity(dead.len());
    let mut err = vec![0.0f32; d_in];
    for r in 0..rows {
        let h = &b.h[r * d_sae..(r + 1) * d_sae];
        order.clear();
        order.extend(dead.iter().map(|&j| j as u32));
        select_top(&mut order, k_aux, |j| h[j as usize]);
        let chosen: Vec<(usize, f32)> =
            order[..k_aux].iter().map(|&j| (j as usize, h[j as usize].max(0.0))).filter(|&(_, a)| a > 0.0).collect();
        // err = ê − (x − x̂) = ê + x̂ − x
        let x = batch.row(r);
        let recon = &b.recon[r * d_in..(r + 1) * d_in];
        err.iter_mut().zip(recon.iter().zip(x)).for_each(|(e, (xh, xv))| *e = xh - xv);
        for &(j, a) in &chosen {
            err.iter_mut().zip(sae.w_dec.row(j)).for_each(|(e, w)| *e += a * w);
        }
        total += err.iter().map(|e| f64::from(e * e)).sum::<f64>();
        for &(j, a) in &chosen {
            let w = sae.w_dec.row(j);
            let mut dot = 0.0f32;
            for ((g, &e), &wv) in grad_w_dec[j * d_in..(j + 1) * d_in].iter_mut().zip(&err).zip(w) {
                *g += scale * e * a;
                dot += e * wv;
            }
            b.g_h[r * d_sae + j] += scale * dot;
        }
    }
    f64::from(params.auxk_coeff) * total / (rows * d_in) as f64
}

//! The hand-written backward pass against central finite differences of the loss, for every
//! architecture, with and without b_dec subtracted, with and without L1.
//!
//! AuxK is not checked here: its residual target is detached (a constant to the gradient, as in
//! every implementation), so its gradient is not the derivative of the loss as a function of the
//! weights, and a finite difference would disagree by design. tests/reference.rs checks it against
//! PyTorch's autograd, which detaches the same way.

use frontier_sae::config::{Arch, InitScheme, SaeConfig};
use frontier_sae::rng::Rng;
use frontier_sae::{CpuBackend, Matrix, Sae, StepParams};

const H: f32 = 1e-3;

fn params(l1_coeff: f32, auxk_coeff: f32) -> StepParams {
    StepParams {
        step: 0,
        lr: 0.0,
        l1_coeff,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        unit_norm_decoder: false,
        auxk_coeff,
        k_aux: 3,
        dead_window: 1,
    }
}

fn loss(sae: &Sae, x: &Matrix, p: &StepParams, dead: &[u64]) -> f64 {
    let mut backend = CpuBackend::new(sae.clone());
    backend.set_steps_since_fired(dead);
    f64::from(backend.loss_and_grads(x, p).unwrap_or_else(|e| panic!("{e}")).loss)
}

/// Which tensor a parameter lives in.
#[derive(Clone, Copy, Debug)]
enum Tensor {
    WEnc,
    BEnc,
    WDec,
    BDec,
}

fn slot(sae: &mut Sae, t: Tensor) -> &mut Vec<f32> {
    match t {
        Tensor::WEnc => &mut sae.w_enc.values,
        Tensor::BEnc => &mut sae.b_enc,
        Tensor::WDec => &mut sae.w_dec.values,
        Tensor::BDec => &mut sae.b_dec,
    }
}

fn check(arch: Arch, apply_b_dec: bool, l1: f32, auxk: f32) {
    let cfg = SaeConfig { d_in: 5, d_sae: 12, arch, k: 3, apply_b_dec_to_input: apply_b_dec };
    let mut rng = Rng::new(42);
    let mut sae = Sae::init(cfg, InitScheme::Article, false, &mut rng);
    sae.b_dec.iter_mut().for_each(|b| *b = rng.range_f32(-0.3, 0.3));
    let x = Matrix::from_vec(6, 5, (0..30).map(|_| rng.normal() as f32).collect()).unwrap_or_default();
    // Features 0–5 count as dead for AuxK.
    let dead: Vec<u64> = (0..12).map(|j| if j < 6 { 5 } else { 0 }).collect();
    let p = params(l1, auxk);
    let mut backend = CpuBackend::new(sae.clone());
    backend.set_steps_since_fired(&dead);
    backend.loss_and_grads(&x, &p).unwrap_or_else(|e| panic!("{e}"));
    let g = backend.grads().clone();
    let mut checked = 0;
    for (tensor, grad) in
        [(Tensor::WEnc, &g.w_enc), (Tensor::BEnc, &g.b_enc), (Tensor::WDec, &g.w_dec), (Tensor::BDec, &g.b_dec)]
    {
        for (i, &g) in grad.iter().enumerate() {
            let mut plus = sae.clone();
            slot(&mut plus, tensor)[i] += H;
            let mut minus = sae.clone();
            slot(&mut minus, tensor)[i] -= H;
            let numeric = (loss(&plus, &x, &p, &dead) - loss(&minus, &x, &p, &dead)) / (2.0 * f64::from(H));
            let analytic = f64::from(g);
            // A kink (ReLU at 0, a top-k swap) within ±H makes the difference quotient meaningless;
            // those are rare at random points and recognisable by a jump in the one-sided quotients.
            let base = loss(&sae, &x, &p, &dead);
            let right = (loss(&plus, &x, &p, &dead) - base) / f64::from(H);
            let left = (base - loss(&minus, &x, &p, &dead)) / f64::from(H);
            if (right - left).abs() > 0.05 * (right.abs() + left.abs()) + 1e-3 {
                continue;
            }
            checked += 1;
            assert!(
                (numeric - analytic).abs() <= 2e-3 + 2e-2 * analytic.abs(),
                "{arch:?} b_dec {apply_b_dec} l1 {l1} auxk {auxk}: d loss / d {tensor:?}[{i}] = {analytic}, finite difference {numeric}"
            );
        }
    }
    // 5·12 + 12 + 12·5 + 5 = 137 parameters; nearly all must have been checked.
    assert!(checked > 120, "{arch:?}: only {checked} parameters away from kinks");
}

#[test]
fn relu_gradients() {
    check(Arch::Relu, false, 0.0, 0.0);
    check(Arch::Relu, true, 0.5, 0.0);
}

#[test]
fn topk_gradients() {
    check(Arch::TopK, true, 0.0, 0.0);
    check(Arch::TopK, false, 0.1, 0.0);
}

#[test]
fn batchtopk_gradients() {
    check(Arch::BatchTopK, false, 0.2, 0.0);
    check(Arch::BatchTopK, true, 0.0, 0.0);
}

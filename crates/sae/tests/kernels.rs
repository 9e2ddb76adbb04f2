//! The matrix product against float64 on random data, with the error bound that holds for any
//! order of summation and with or without fused multiply–adds (Higham, "Accuracy and Stability of
//! Numerical Algorithms", §3.1): |ĉ − c| ≤ γ_k Σ_p |a_ip||b_pj| + |β c|·u, γ_k = k·u / (1 − k·u),
//! u = 2⁻²⁴. Natively it checks matrixmultiply and our packed kernel; in headless Chromium the
//! wasm kernel, built once with `+simd128` and once with `+relaxed-simd` (`cargo xtask test`, through
//! `crates/sae-gpu/tests/cpu_wasm.rs`).

use frontier_sae::gemm::{gemm, packed_gemm, Operand, ShapeError};

type Product = fn(Operand<'_>, Operand<'_>, &mut [f32], usize, usize, f32) -> Result<(), ShapeError>;

/// Uniform values in [-1, 1) from a 64-bit xorshift, so the test needs no other crate.
fn values(count: usize, seed: u64) -> Vec<f32> {
    let mut state = seed | 1;
    (0..count)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            ((state >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect()
}

fn element(x: &Operand<'_>, i: usize, j: usize) -> f64 {
    f64::from(if x.transposed { x.values[j * x.cols + i] } else { x.values[i * x.cols + j] })
}

fn check_against_float64(product: Product, (m, n, k): (usize, usize, usize), transposed: (bool, bool), beta: f32) {
    let a = values(m * k, (m * 31 + k) as u64);
    let b = values(k * n, (n * 17 + k) as u64);
    let c0 = values(m * n, (m * n) as u64);
    let oa = if transposed.0 { Operand::new(&a, k, m).t() } else { Operand::new(&a, m, k) };
    let ob = if transposed.1 { Operand::new(&b, n, k).t() } else { Operand::new(&b, k, n) };
    let mut c = c0.clone();
    product(oa, ob, &mut c, m, n, beta).unwrap_or_else(|e| panic!("{e}"));
    let u = f64::from(f32::EPSILON) / 2.0;
    // One more rounding than the k products and k − 1 sums: the final beta · c and its addition.
    let gamma = (k + 2) as f64 * u / (1.0 - (k + 2) as f64 * u);
    for i in 0..m {
        for j in 0..n {
            let (mut exact, mut magnitude) = (0.0, 0.0);
            for p in 0..k {
                let term = element(&oa, i, p) * element(&ob, p, j);
                exact += term;
                magnitude += term.abs();
            }
            let scaled = f64::from(beta) * f64::from(c0[i * n + j]);
            let bound = gamma * (magnitude + scaled.abs()) + f64::from(f32::MIN_POSITIVE);
            let got = f64::from(c[i * n + j]);
            assert!(
                (got - (exact + scaled)).abs() <= bound,
                "({m}×{k})·({k}×{n}) transposed {transposed:?}, beta {beta}: c[{i}][{j}] = {got}, float64 says {}, \
                 bound {bound:e}",
                exact + scaled
            );
        }
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn products_stay_within_the_float32_error_bound() {
    // The shapes of the SAE step at 64 × 512 on a small batch, and edges of the kernel's panels
    // (4 × 8) and blocks (depth 256, 64 rows, 512 columns).
    let shapes = [(32, 512, 64), (32, 64, 512), (64, 512, 32), (7, 13, 300), (67, 515, 257)];
    let products: &[Product] = if cfg!(target_arch = "wasm32") { &[gemm] } else { &[gemm, packed_gemm] };
    for &product in products {
        for shape in shapes {
            for (transposed, beta) in [((false, false), 0.0), ((true, false), 1.0), ((false, true), 0.5)] {
                check_against_float64(product, shape, transposed, beta);
            }
        }
    }
}

/// The bound is not loose enough to pass anything: a product off by one unit in its last
/// summands' worth (here: the last depth left out) fails it. Native only: wasm32 aborts on panic.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn a_product_missing_one_term_is_caught() {
    fn short(a: Operand<'_>, b: Operand<'_>, c: &mut [f32], m: usize, n: usize, beta: f32) -> Result<(), ShapeError> {
        let k = a.cols - 1;
        let a_short: Vec<f32> = a.values.chunks(a.cols).flat_map(|row| row[..k].to_vec()).collect();
        gemm(Operand::new(&a_short, a.rows, k), Operand::new(&b.values[..k * n], k, n), c, m, n, beta)
    }
    let caught = std::panic::catch_unwind(|| check_against_float64(short, (8, 8, 64), (false, false), 0.0));
    assert!(caught.is_err());
}

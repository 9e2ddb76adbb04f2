//! Matrix products with float32 activations and quantized weights dequantized inside the product.
//!
//! Activations are never quantized: each product equals "dequantize the row to f32, then dot it
//! with x" up to the order of the float32 sums (and, for the decode path, the factoring below).
//!
//! - Decode (one token): a Q4_1 block contributes `d · Σ q_i x_i + m · Σ x_i`; `Σ x_i` per block
//!   of x is computed once per product and shared by every row (see [`Prepared`]). The four
//!   accumulator lanes are kept apart until the row ends, which is what lets LLVM vectorize.
//! - Prefill (several tokens): panels of rows are dequantized exactly as ggml does (`d * q + m`)
//!   and multiplied by every token at once with [`frontier_gemm`] (matrixmultiply natively, with
//!   the CPU's FMA; the blocked kernel in wasm, with relaxed SIMD's where the build has it), so
//!   each weight is read once per call.
//!
//! [`Exec`] splits output rows between workers: each row is computed by the same code whatever
//! the split, so a threaded executor gives bit-identical results to [`Serial`].

use frontier_gemm::{gemm, Operand};

use crate::quant::{Data, Matrix, Q41, Q80};

/// Runs a row job over disjoint ranges of output rows.
pub trait Exec: Sync {
    /// Calls `job(first_row, chunk)` for chunks of `out` that together cover it, each chunk
    /// holding whole rows of `row_width` floats.
    fn split(&self, out: &mut [f32], row_width: usize, job: &(dyn Fn(usize, &mut [f32]) + Sync));

    /// One token's product `out[i] = W[i] · x` (`p` is `x` prepared). By default its rows go
    /// through [`Exec::split`]; an executor with long-lived workers can instead hand them rows of a
    /// matrix it knows (frontier-cli's pool does), as long as each row comes from [`matvec_rows`].
    fn matvec(&self, w: &Matrix, x: &[f32], p: &Prepared, out: &mut [f32]) {
        self.split(out, 1, &|r0, chunk| matvec_rows(w, x, p, r0, chunk));
    }
}

/// Everything on the calling thread (the core's default: deterministic and thread-free).
#[derive(Debug, Clone, Copy, Default)]
pub struct Serial;

impl Exec for Serial {
    fn split(&self, out: &mut [f32], _row_width: usize, job: &(dyn Fn(usize, &mut [f32]) + Sync)) {
        job(0, out);
    }
}

/// One token's activations, laid out for the decode kernels.
///
/// The kernels read a block's 16 (Q4_1) or 32 (Q8_0) bytes as four little-endian u32 words and
/// take value `k` out of all four words at once with one 32-bit lane operation, which SSE2 (the
/// native baseline) and simd128 both have, instead of byte unpacking. Lane `i` of value `k` is
/// element `4i + k/2 + 16·(k odd)` of a Q4_1 block (or `16g + 4i + k` of a Q8_0 block's half
/// `g`), so `x` is permuted once per token to that order.
///
/// The values are not shifted down to their place: a Q4_1 nibble `k < 7` is only masked, which
/// leaves `q·16^k` (exact in f32 up to `k = 6`), and a Q8_0 byte is shifted to the top of its word
/// and the bytes below it masked off, which leaves the signed `q·2^24`. The matching `x` is scaled by `16^-k` or `2^-24` here, once per token.
/// Scaling by a power of two is exact, so every product `q·x` is the same float as unscaled
/// (outside subnormal activations, which do not occur).
#[derive(Debug, Clone)]
pub struct Prepared {
    /// `x` permuted and scaled for Q4_1 blocks, and the sum of each block (the minimum's factor).
    q41: Vec<f32>,
    sums: Vec<f32>,
    /// `x` permuted and scaled for Q8_0 blocks.
    q80: Vec<f32>,
}

/// `16^-k` for the Q4_1 value `k` (the last one is shifted down, not masked).
const Q41_SCALE: [f32; 8] =
    [1.0, 1.0 / 16.0, 1.0 / 256.0, 1.0 / 4096.0, 1.0 / 65536.0, 1.0 / 1048576.0, 1.0 / 16777216.0, 1.0];
/// `2^-24` for every Q8_0 value.
const Q80_SCALE: f32 = 1.0 / 16777216.0;

impl Prepared {
    pub fn new(x: &[f32]) -> Self {
        let mut p = Prepared { q41: Vec::new(), sums: Vec::new(), q80: Vec::new() };
        p.set(x);
        p
    }

    /// Prepares `x`, reusing this one's buffers.
    pub fn set(&mut self, x: &[f32]) {
        self.q41.resize(x.len(), 0.0);
        self.q80.resize(x.len(), 0.0);
        for ((xb, q41), q80) in x.chunks_exact(32).zip(self.q41.chunks_exact_mut(32)).zip(self.q80.chunks_exact_mut(32))
        {
            for k in 0..8 {
                for i in 0..4 {
                    q41[k * 4 + i] = xb[4 * i + k / 2 + 16 * (k & 1)] * Q41_SCALE[k];
                }
            }
            for g in 0..2 {
                for k in 0..4 {
                    for i in 0..4 {
                        q80[g * 16 + k * 4 + i] = xb[16 * g + 4 * i + k] * Q80_SCALE;
                    }
                }
            }
        }
        self.sums.clear();
        self.sums.extend(x.chunks_exact(32).map(simd::sum32));
    }
}

/// `out[t * rows + r] = W[r] · xs[t * cols ..]` for `t` in 0..tokens.
pub fn matmul(exec: &dyn Exec, w: &Matrix, xs: &[f32], tokens: usize, out: &mut [f32]) {
    let (rows, cols) = (w.rows, w.cols);
    debug_assert_eq!(xs.len(), tokens * cols);
    debug_assert_eq!(out.len(), tokens * rows);
    if tokens == 1 {
        exec.matvec(w, xs, &Prepared::new(xs), out);
        return;
    }
    // Rows × tokens, so that a split by rows hands each worker a contiguous chunk.
    let mut by_row = vec![0f32; rows * tokens];
    exec.split(&mut by_row, tokens, &|r0, chunk| matmat_rows(w, xs, tokens, r0, chunk));
    for (r, row) in by_row.chunks_exact(tokens).enumerate() {
        for (t, &v) in row.iter().enumerate() {
            out[t * rows + r] = v;
        }
    }
}

/// Rows computed together by the decode kernels: they share every load of `x`. Each row's sums
/// run in the same order whatever the grouping, so a split anywhere gives the same floats.
const ROWS: usize = 4;

/// One token: `out[i] = W[r0 + i] · x` (`p` is `x` prepared).
pub fn matvec_rows(w: &Matrix, x: &[f32], p: &Prepared, r0: usize, out: &mut [f32]) {
    let cols = w.cols;
    let nb = cols / 32;
    match &w.data {
        Data::F32(v) => {
            for (i, o) in out.iter_mut().enumerate() {
                let r = r0 + i;
                *o = simd::dot(&v[r * cols..(r + 1) * cols], x);
            }
        }
        Data::Q4_1(q) => {
            let mut groups = out.chunks_exact_mut(ROWS);
            let mut r = r0;
            for o in &mut groups {
                o.copy_from_slice(&q41_rows::<ROWS>(q, nb, r, p));
                r += ROWS;
            }
            for o in groups.into_remainder() {
                *o = q41_rows::<1>(q, nb, r, p)[0];
                r += 1;
            }
        }
        Data::Q8_0(q) => {
            let mut groups = out.chunks_exact_mut(ROWS);
            let mut r = r0;
            for o in &mut groups {
                o.copy_from_slice(&q80_rows::<ROWS>(q, nb, r, p));
                r += ROWS;
            }
            for o in groups.into_remainder() {
                *o = q80_rows::<1>(q, nb, r, p)[0];
                r += 1;
            }
        }
    }
}

/// Rows `r .. r + R` of a Q4_1 matrix dotted with `p`: `Σ_b d_b · Σ q·x + Σ_b m_b · Σ x`.
#[inline(always)]
fn q41_rows<const R: usize>(q: &Q41, nb: usize, r: usize, p: &Prepared) -> [f32; R] {
    let d: [&[f32]; R] = std::array::from_fn(|j| &q.d[(r + j) * nb..(r + j + 1) * nb]);
    let qs: [&[u8]; R] = std::array::from_fn(|j| &q.qs[(r + j) * nb * 16..(r + j + 1) * nb * 16]);
    let scaled = simd::q41_rows(d, qs, &p.q41[..nb * 32]);
    std::array::from_fn(|j| {
        let m = &q.m[(r + j) * nb..(r + j + 1) * nb];
        let mut min_part = 0f32;
        for (m, s) in m.iter().zip(&p.sums) {
            min_part += m * s;
        }
        scaled[j] + min_part
    })
}

/// Rows `r .. r + R` of a Q8_0 matrix dotted with `p`.
#[inline(always)]
fn q80_rows<const R: usize>(q: &Q80, nb: usize, r: usize, p: &Prepared) -> [f32; R] {
    let d: [&[f32]; R] = std::array::from_fn(|j| &q.d[(r + j) * nb..(r + j + 1) * nb]);
    let qs: [&[i8]; R] = std::array::from_fn(|j| &q.qs[(r + j) * nb * 32..(r + j + 1) * nb * 32]);
    simd::q80_rows(d, qs, &p.q80[..nb * 32])
}

/// Rows of the weights dequantized at a time in a prefill (1.5 MB of f32 for the widest matrix,
/// 1,536 columns). The GEMM packs the tokens again for every panel: at 64 rows that packing took
/// a fifth of a 256-token prefill natively, at 256 rows it is a small share.
const PANEL_ROWS: usize = 256;

/// Several tokens: `out[i * tokens + t] = W[r0 + i] · xs[t]`, a panel of rows dequantized at a
/// time. Every value is a dot product over the columns summed in the same order whatever the
/// panel (the GEMM blocks only the rows and tokens), so a split anywhere gives the same floats.
pub fn matmat_rows(w: &Matrix, xs: &[f32], tokens: usize, r0: usize, out: &mut [f32]) {
    let cols = w.cols;
    let n = out.len() / tokens;
    let mut panel = vec![0f32; PANEL_ROWS.min(n) * cols];
    let x = Operand::new(xs, tokens, cols).t();
    for (p, chunk) in out.chunks_mut(PANEL_ROWS * tokens).enumerate() {
        let rows = chunk.len() / tokens;
        for j in 0..rows {
            w.row(r0 + p * PANEL_ROWS + j, &mut panel[j * cols..(j + 1) * cols]);
        }
        let product = gemm(Operand::new(&panel[..rows * cols], rows, cols), x, chunk, rows, tokens, 0.0);
        // The shapes follow from the matrix and `xs`, which the model sizes; `matmul` checks `xs`.
        debug_assert!(product.is_ok(), "{product:?}");
    }
}

/// The inner loops: explicit simd128 in wasm, and plain lane arrays natively (which LLVM turns
/// into SSE/AVX/NEON; `std::arch` would need `unsafe`, which the workspace forbids).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
pub mod simd {
    fn words<const N: usize>(b: &[u8]) -> [u32; N] {
        let mut w = [0u32; N];
        for (w, c) in w.iter_mut().zip(b.chunks_exact(4)) {
            *w = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        }
        w
    }

    /// `Σ_b d_b · Σ_i q_i·x_i` for R rows of Q4_1 blocks (`x` prepared: permuted and scaled).
    #[inline(always)]
    pub fn q41_rows<const R: usize>(d: [&[f32]; R], qs: [&[u8]; R], x: &[f32]) -> [f32; R] {
        let mut acc = [[0f32; 4]; R];
        for (b, xb) in x.chunks_exact(32).enumerate() {
            for j in 0..R {
                let w: [u32; 4] = words(&qs[j][b * 16..b * 16 + 16]);
                let (mut t0, mut t1) = ([0f32; 4], [0f32; 4]);
                for k in 0..3 {
                    let (m0, m1) = (15u32 << (8 * k), 15u32 << (8 * k + 4));
                    for i in 0..4 {
                        t0[i] += (w[i] & m0) as i32 as f32 * xb[8 * k + i];
                        t1[i] += (w[i] & m1) as i32 as f32 * xb[8 * k + 4 + i];
                    }
                }
                for i in 0..4 {
                    t0[i] += (w[i] & (15 << 24)) as i32 as f32 * xb[24 + i];
                    t1[i] += (w[i] >> 28) as i32 as f32 * xb[28 + i];
                }
                let dj = d[j][b];
                for i in 0..4 {
                    acc[j][i] += dj * (t0[i] + t1[i]);
                }
            }
        }
        acc.map(|a| (a[0] + a[1]) + (a[2] + a[3]))
    }

    /// `Σ_b d_b · Σ_i q_i·x_i` for R rows of Q8_0 blocks (`x` prepared).
    #[inline(always)]
    pub fn q80_rows<const R: usize>(d: [&[f32]; R], qs: [&[i8]; R], x: &[f32]) -> [f32; R] {
        let mut acc = [[0f32; 4]; R];
        for (b, xb) in x.chunks_exact(32).enumerate() {
            for j in 0..R {
                let q = &qs[j][b * 32..b * 32 + 32];
                let mut bytes = [0u8; 32];
                for (o, q) in bytes.iter_mut().zip(q) {
                    *o = q.to_le_bytes()[0];
                }
                let w: [u32; 8] = words(&bytes);
                let (mut t0, mut t1) = ([0f32; 4], [0f32; 4]);
                for k in 0..4 {
                    for i in 0..4 {
                        t0[i] += ((w[i] << (24 - 8 * k)) & 0xff00_0000) as i32 as f32 * xb[k * 4 + i];
                        t1[i] += ((w[4 + i] << (24 - 8 * k)) & 0xff00_0000) as i32 as f32 * xb[16 + k * 4 + i];
                    }
                }
                let dj = d[j][b];
                for i in 0..4 {
                    acc[j][i] += dj * (t0[i] + t1[i]);
                }
            }
        }
        acc.map(|a| (a[0] + a[1]) + (a[2] + a[3]))
    }

    pub fn sum32(x: &[f32]) -> f32 {
        let mut acc = [0f32; 8];
        for c in x.chunks_exact(8) {
            for j in 0..8 {
                acc[j] += c[j];
            }
        }
        let mut s = 0f32;
        for v in x.chunks_exact(8).remainder() {
            s += v;
        }
        hsum8(&acc) + s
    }

    fn hsum8(a: &[f32; 8]) -> f32 {
        ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]))
    }

    pub fn dot(a: &[f32], b: &[f32]) -> f32 {
        let mut acc = [0f32; 8];
        for (ca, cb) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
            for j in 0..8 {
                acc[j] += ca[j] * cb[j];
            }
        }
        let mut s = 0f32;
        for (x, y) in a.chunks_exact(8).remainder().iter().zip(b.chunks_exact(8).remainder()) {
            s += x * y;
        }
        hsum8(&acc) + s
    }

    /// `y += a * x`.
    pub fn axpy(y: &mut [f32], a: f32, x: &[f32]) {
        for (y, x) in y.iter_mut().zip(x) {
            *y += a * x;
        }
    }
}

/// simd128 versions of the same loops (same lane layout, so the same sums as natively). Built with
/// relaxed SIMD too (the model worker's second build), each multiply and add becomes one fused
/// multiply–add, which rounds once instead of twice: the sums then differ from the native ones in
/// the last bits, well within the reference tests' tolerance.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub mod simd {
    use core::arch::wasm32::*;

    /// `a · b + c`.
    #[inline(always)]
    fn madd(a: v128, b: v128, c: v128) -> v128 {
        #[cfg(target_feature = "relaxed-simd")]
        let sum = f32x4_relaxed_madd(a, b, c);
        #[cfg(not(target_feature = "relaxed-simd"))]
        let sum = f32x4_add(f32x4_mul(a, b), c);
        sum
    }

    #[inline(always)]
    fn load4(x: &[f32], i: usize) -> v128 {
        f32x4(x[i], x[i + 1], x[i + 2], x[i + 3])
    }

    fn lanes(v: v128) -> [f32; 4] {
        [f32x4_extract_lane::<0>(v), f32x4_extract_lane::<1>(v), f32x4_extract_lane::<2>(v), f32x4_extract_lane::<3>(v)]
    }

    fn words(b: &[u8]) -> v128 {
        let w = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        u32x4(w(0), w(4), w(8), w(12))
    }

    /// `Σ_b d_b · Σ_i q_i·x_i` for R rows of Q4_1 blocks (`x` prepared: permuted and scaled).
    #[inline(always)]
    pub fn q41_rows<const R: usize>(d: [&[f32]; R], qs: [&[u8]; R], x: &[f32]) -> [f32; R] {
        let mut acc = [f32x4_splat(0.0); R];
        for (b, xb) in x.chunks_exact(32).enumerate() {
            let xv: [v128; 8] = core::array::from_fn(|k| load4(xb, 4 * k));
            for j in 0..R {
                let w = words(&qs[j][b * 16..b * 16 + 16]);
                let (mut t0, mut t1) = (f32x4_splat(0.0), f32x4_splat(0.0));
                for k in 0..3 {
                    let q0 = f32x4_convert_i32x4(v128_and(w, u32x4_splat(15 << (8 * k))));
                    let q1 = f32x4_convert_i32x4(v128_and(w, u32x4_splat(15 << (8 * k + 4))));
                    t0 = madd(q0, xv[2 * k], t0);
                    t1 = madd(q1, xv[2 * k + 1], t1);
                }
                let q0 = f32x4_convert_i32x4(v128_and(w, u32x4_splat(15 << 24)));
                let q1 = f32x4_convert_i32x4(u32x4_shr(w, 28));
                t0 = madd(q0, xv[6], t0);
                t1 = madd(q1, xv[7], t1);
                acc[j] = madd(f32x4_splat(d[j][b]), f32x4_add(t0, t1), acc[j]);
            }
        }
        acc.map(|v| {
            let a = lanes(v);
            (a[0] + a[1]) + (a[2] + a[3])
        })
    }

    /// `Σ_b d_b · Σ_i q_i·x_i` for R rows of Q8_0 blocks (`x` prepared).
    #[inline(always)]
    pub fn q80_rows<const R: usize>(d: [&[f32]; R], qs: [&[i8]; R], x: &[f32]) -> [f32; R] {
        let mut acc = [f32x4_splat(0.0); R];
        for (b, xb) in x.chunks_exact(32).enumerate() {
            let xv: [v128; 8] = core::array::from_fn(|k| load4(xb, 4 * k));
            for j in 0..R {
                let q = &qs[j][b * 32..b * 32 + 32];
                let mut bytes = [0u8; 32];
                for (o, q) in bytes.iter_mut().zip(q) {
                    *o = q.to_le_bytes()[0];
                }
                let (w0, w1) = (words(&bytes[..16]), words(&bytes[16..]));
                let (mut t0, mut t1) = (f32x4_splat(0.0), f32x4_splat(0.0));
                for k in 0..4 {
                    let up = 24 - 8 * k as u32;
                    let top = u32x4_splat(0xff00_0000);
                    let q0 = f32x4_convert_i32x4(v128_and(i32x4_shl(w0, up), top));
                    let q1 = f32x4_convert_i32x4(v128_and(i32x4_shl(w1, up), top));
                    t0 = madd(q0, xv[k], t0);
                    t1 = madd(q1, xv[4 + k], t1);
                }
                acc[j] = madd(f32x4_splat(d[j][b]), f32x4_add(t0, t1), acc[j]);
            }
        }
        acc.map(|v| {
            let a = lanes(v);
            (a[0] + a[1]) + (a[2] + a[3])
        })
    }

    fn hsum8(lo: v128, hi: v128) -> f32 {
        let a = lanes(lo);
        let b = lanes(hi);
        ((a[0] + b[0]) + (a[1] + b[1])) + ((a[2] + b[2]) + (a[3] + b[3]))
    }

    pub fn sum32(x: &[f32]) -> f32 {
        let (mut lo, mut hi) = (f32x4_splat(0.0), f32x4_splat(0.0));
        let n8 = x.len() / 8 * 8;
        for i in (0..n8).step_by(8) {
            lo = f32x4_add(lo, load4(x, i));
            hi = f32x4_add(hi, load4(x, i + 4));
        }
        let mut s = 0f32;
        for v in &x[n8..] {
            s += v;
        }
        hsum8(lo, hi) + s
    }

    pub fn dot(a: &[f32], b: &[f32]) -> f32 {
        let n = a.len().min(b.len());
        let n8 = n / 8 * 8;
        let (mut lo, mut hi) = (f32x4_splat(0.0), f32x4_splat(0.0));
        for i in (0..n8).step_by(8) {
            lo = madd(load4(a, i), load4(b, i), lo);
            hi = madd(load4(a, i + 4), load4(b, i + 4), hi);
        }
        let mut s = 0f32;
        for i in n8..n {
            s += a[i] * b[i];
        }
        hsum8(lo, hi) + s
    }

    pub fn axpy(y: &mut [f32], a: f32, x: &[f32]) {
        for (y, x) in y.iter_mut().zip(x) {
            *y += a * x;
        }
    }
}

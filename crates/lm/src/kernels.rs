//! Matrix products with float32 activations and quantized weights dequantized inside the product.
//!
//! Activations are never quantized: each product equals "dequantize the row to f32, then dot it
//! with x" up to the order of the float32 sums (and, for the decode path, the factoring below).
//!
//! - Decode (one token): a Q4_1 block contributes `d · Σ q_i x_i + m · Σ x_i`; `Σ x_i` per block
//!   of x is computed once per product and shared by every row (see [`Prepared`]). The four
//!   accumulator lanes are kept apart until the row ends, which is what lets LLVM vectorize.
//! - Prefill (several tokens): four rows are dequantized at a time exactly as ggml does
//!   (`d * q + m`), then dotted with every token, so each weight is read once per call.
//!
//! [`Exec`] splits output rows between workers: each row is computed by the same code whatever
//! the split, so a threaded executor gives bit-identical results to [`Serial`].

use crate::quant::{Data, Matrix, Q41, Q80};

/// Runs a row job over disjoint ranges of output rows.
pub trait Exec: Sync {
    /// Calls `job(first_row, chunk)` for chunks of `out` that together cover it, each chunk
    /// holding whole rows of `row_width` floats.
    fn split(&self, out: &mut [f32], row_width: usize, job: &(dyn Fn(usize, &mut [f32]) + Sync));
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
/// pull value `k` out of all four words at once with a shift and a mask: plain 32-bit lane
/// operations, which SSE2 (the native baseline) and simd128 both have, instead of byte
/// unpacking. Lane `i` of value `k` is then element `4i + k/2 + 16·(k odd)` of a Q4_1 block (or
/// `16g + 4i + k` of a Q8_0 block's half `g`), so `x` is permuted once per token to that order.
pub struct Prepared {
    /// `x` permuted for Q4_1 blocks, and the sum of each block (the minimum's factor).
    q41: Vec<f32>,
    sums: Vec<f32>,
    /// `x` permuted for Q8_0 blocks.
    q80: Vec<f32>,
}

impl Prepared {
    pub fn new(x: &[f32]) -> Self {
        let mut q41 = vec![0f32; x.len()];
        let mut q80 = vec![0f32; x.len()];
        for (b, xb) in x.chunks_exact(32).enumerate() {
            for k in 0..8 {
                for i in 0..4 {
                    q41[b * 32 + k * 4 + i] = xb[4 * i + k / 2 + 16 * (k & 1)];
                }
            }
            for g in 0..2 {
                for k in 0..4 {
                    for i in 0..4 {
                        q80[b * 32 + g * 16 + k * 4 + i] = xb[16 * g + 4 * i + k];
                    }
                }
            }
        }
        Prepared { q41, sums: x.chunks_exact(32).map(simd::sum32).collect(), q80 }
    }
}

/// `out[t * rows + r] = W[r] · xs[t * cols ..]` for `t` in 0..tokens.
pub fn matmul(exec: &dyn Exec, w: &Matrix, xs: &[f32], tokens: usize, out: &mut [f32]) {
    let (rows, cols) = (w.rows, w.cols);
    debug_assert_eq!(xs.len(), tokens * cols);
    debug_assert_eq!(out.len(), tokens * rows);
    if tokens == 1 {
        let p = Prepared::new(xs);
        exec.split(out, 1, &|r0, chunk| matvec_rows(w, xs, &p, r0, chunk));
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

/// One token: `out[i] = W[r0 + i] · x` (`p` is `x` prepared).
pub fn matvec_rows(w: &Matrix, x: &[f32], p: &Prepared, r0: usize, out: &mut [f32]) {
    let cols = w.cols;
    match &w.data {
        Data::F32(v) => {
            for (i, o) in out.iter_mut().enumerate() {
                let r = r0 + i;
                *o = simd::dot(&v[r * cols..(r + 1) * cols], x);
            }
        }
        Data::Q4_1(q) => {
            for (i, o) in out.iter_mut().enumerate() {
                *o = q41_row_dot(q, cols / 32, r0 + i, p);
            }
        }
        Data::Q8_0(q) => {
            for (i, o) in out.iter_mut().enumerate() {
                *o = q80_row_dot(q, cols / 32, r0 + i, p);
            }
        }
    }
}

fn q41_row_dot(q: &Q41, nb: usize, r: usize, p: &Prepared) -> f32 {
    let base = r * nb;
    let d = &q.d[base..base + nb];
    let m = &q.m[base..base + nb];
    let qs = &q.qs[base * 16..(base + nb) * 16];
    let mut acc = simd::Acc4::default();
    let mut min_part = 0f32;
    for (b, (qb, xb)) in qs.chunks_exact(16).zip(p.q41.chunks_exact(32)).enumerate() {
        acc.q41_block(d[b], qb, xb);
        min_part += m[b] * p.sums[b];
    }
    acc.sum() + min_part
}

fn q80_row_dot(q: &Q80, nb: usize, r: usize, p: &Prepared) -> f32 {
    let base = r * nb;
    let d = &q.d[base..base + nb];
    let qs = &q.qs[base * 32..(base + nb) * 32];
    let mut acc = simd::Acc4::default();
    for (b, (qb, xb)) in qs.chunks_exact(32).zip(p.q80.chunks_exact(32)).enumerate() {
        acc.q80_block(d[b], qb, xb);
    }
    acc.sum()
}

/// Several tokens: `out[i * tokens + t] = W[r0 + i] · xs[t]`, four rows dequantized at a time.
pub fn matmat_rows(w: &Matrix, xs: &[f32], tokens: usize, r0: usize, out: &mut [f32]) {
    const R: usize = 4;
    let cols = w.cols;
    let n = out.len() / tokens;
    let mut rows = vec![0f32; R * cols];
    let mut i = 0;
    while i < n {
        let k = R.min(n - i);
        for j in 0..k {
            w.row(r0 + i + j, &mut rows[j * cols..(j + 1) * cols]);
        }
        if k == R {
            let (a, rest) = rows.split_at(cols);
            let (b, rest) = rest.split_at(cols);
            let (c, d) = rest.split_at(cols);
            for t in 0..tokens {
                let x = &xs[t * cols..(t + 1) * cols];
                let s = simd::dot4(a, b, c, d, x);
                for (j, v) in s.into_iter().enumerate() {
                    out[(i + j) * tokens + t] = v;
                }
            }
        } else {
            for j in 0..k {
                for t in 0..tokens {
                    out[(i + j) * tokens + t] =
                        simd::dot(&rows[j * cols..(j + 1) * cols], &xs[t * cols..(t + 1) * cols]);
                }
            }
        }
        i += k;
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

    /// Four float32 lanes accumulating `d · Σ q·x` block after block.
    #[derive(Default)]
    pub struct Acc4([f32; 4]);

    impl Acc4 {
        /// One Q4_1 block (`x` permuted by `Prepared`); the minimum is added by the caller.
        #[inline(always)]
        pub fn q41_block(&mut self, d: f32, qs: &[u8], x: &[f32]) {
            let w: [u32; 4] = words(qs);
            let (mut t0, mut t1) = ([0f32; 4], [0f32; 4]);
            for k in (0..8).step_by(2) {
                for i in 0..4 {
                    t0[i] += ((w[i] >> (4 * k)) & 15) as i32 as f32 * x[k * 4 + i];
                    t1[i] += ((w[i] >> (4 * k + 4)) & 15) as i32 as f32 * x[k * 4 + 4 + i];
                }
            }
            for i in 0..4 {
                self.0[i] += d * (t0[i] + t1[i]);
            }
        }

        /// One Q8_0 block (`x` permuted by `Prepared`).
        #[inline(always)]
        pub fn q80_block(&mut self, d: f32, qs: &[i8], x: &[f32]) {
            let mut b = [0u8; 32];
            for (b, q) in b.iter_mut().zip(qs) {
                *b = q.to_le_bytes()[0];
            }
            let w: [u32; 8] = words(&b);
            let (mut t0, mut t1) = ([0f32; 4], [0f32; 4]);
            for k in 0..4 {
                for i in 0..4 {
                    // Byte k of each word, sign-extended by an arithmetic shift.
                    t0[i] += (((w[i] << (24 - 8 * k)) as i32) >> 24) as f32 * x[k * 4 + i];
                    t1[i] += (((w[4 + i] << (24 - 8 * k)) as i32) >> 24) as f32 * x[16 + k * 4 + i];
                }
            }
            for i in 0..4 {
                self.0[i] += d * (t0[i] + t1[i]);
            }
        }

        pub fn sum(&self) -> f32 {
            let a = &self.0;
            (a[0] + a[1]) + (a[2] + a[3])
        }
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

    /// Four dot products sharing `x` (whose length is a multiple of 8 here: model widths are).
    pub fn dot4(a: &[f32], b: &[f32], c: &[f32], d: &[f32], x: &[f32]) -> [f32; 4] {
        let mut acc = [[0f32; 8]; 4];
        let rows = [a, b, c, d];
        for (k, cx) in x.chunks_exact(8).enumerate() {
            for (r, row) in rows.iter().enumerate() {
                let cw = &row[k * 8..k * 8 + 8];
                for j in 0..8 {
                    acc[r][j] += cw[j] * cx[j];
                }
            }
        }
        [hsum8(&acc[0]), hsum8(&acc[1]), hsum8(&acc[2]), hsum8(&acc[3])]
    }

    /// `y += a * x`.
    pub fn axpy(y: &mut [f32], a: f32, x: &[f32]) {
        for (y, x) in y.iter_mut().zip(x) {
            *y += a * x;
        }
    }
}

/// simd128 versions of the same loops (same lane layout, so the same sums as natively).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub mod simd {
    use core::arch::wasm32::*;

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

    pub struct Acc4(v128);

    impl Default for Acc4 {
        fn default() -> Self {
            Acc4(f32x4_splat(0.0))
        }
    }

    impl Acc4 {
        #[inline(always)]
        pub fn q41_block(&mut self, d: f32, qs: &[u8], x: &[f32]) {
            if qs.len() < 16 || x.len() < 32 {
                return;
            }
            let w = words(qs);
            let mask = u32x4_splat(15);
            let (mut t0, mut t1) = (f32x4_splat(0.0), f32x4_splat(0.0));
            for k in (0..8).step_by(2) {
                let q0 = f32x4_convert_i32x4(v128_and(u32x4_shr(w, 4 * k as u32), mask));
                let q1 = f32x4_convert_i32x4(v128_and(u32x4_shr(w, 4 * k as u32 + 4), mask));
                t0 = f32x4_add(t0, f32x4_mul(q0, load4(x, k * 4)));
                t1 = f32x4_add(t1, f32x4_mul(q1, load4(x, k * 4 + 4)));
            }
            self.0 = f32x4_add(self.0, f32x4_mul(f32x4_splat(d), f32x4_add(t0, t1)));
        }

        #[inline(always)]
        pub fn q80_block(&mut self, d: f32, qs: &[i8], x: &[f32]) {
            if qs.len() < 32 || x.len() < 32 {
                return;
            }
            let mut b = [0u8; 32];
            for (b, q) in b.iter_mut().zip(qs) {
                *b = q.to_le_bytes()[0];
            }
            let (w0, w1) = (words(&b[..16]), words(&b[16..]));
            let (mut t0, mut t1) = (f32x4_splat(0.0), f32x4_splat(0.0));
            for k in 0..4 {
                let up = 24 - 8 * k as u32;
                let q0 = f32x4_convert_i32x4(i32x4_shr(i32x4_shl(w0, up), 24));
                let q1 = f32x4_convert_i32x4(i32x4_shr(i32x4_shl(w1, up), 24));
                t0 = f32x4_add(t0, f32x4_mul(q0, load4(x, k * 4)));
                t1 = f32x4_add(t1, f32x4_mul(q1, load4(x, 16 + k * 4)));
            }
            self.0 = f32x4_add(self.0, f32x4_mul(f32x4_splat(d), f32x4_add(t0, t1)));
        }

        pub fn sum(&self) -> f32 {
            let a = lanes(self.0);
            (a[0] + a[1]) + (a[2] + a[3])
        }
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
            lo = f32x4_add(lo, f32x4_mul(load4(a, i), load4(b, i)));
            hi = f32x4_add(hi, f32x4_mul(load4(a, i + 4), load4(b, i + 4)));
        }
        let mut s = 0f32;
        for i in n8..n {
            s += a[i] * b[i];
        }
        hsum8(lo, hi) + s
    }

    pub fn dot4(a: &[f32], b: &[f32], c: &[f32], d: &[f32], x: &[f32]) -> [f32; 4] {
        let rows = [a, b, c, d];
        let mut acc = [[f32x4_splat(0.0); 2]; 4];
        let n8 = x.len() / 8 * 8;
        for i in (0..n8).step_by(8) {
            let (x0, x1) = (load4(x, i), load4(x, i + 4));
            for r in 0..4 {
                acc[r][0] = f32x4_add(acc[r][0], f32x4_mul(load4(rows[r], i), x0));
                acc[r][1] = f32x4_add(acc[r][1], f32x4_mul(load4(rows[r], i + 4), x1));
            }
        }
        [
            hsum8(acc[0][0], acc[0][1]),
            hsum8(acc[1][0], acc[1][1]),
            hsum8(acc[2][0], acc[2][1]),
            hsum8(acc[3][0], acc[3][1]),
        ]
    }

    pub fn axpy(y: &mut [f32], a: f32, x: &[f32]) {
        for (y, x) in y.iter_mut().zip(x) {
            *y += a * x;
        }
    }
}

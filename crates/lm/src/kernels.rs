//! Matrix products with float32 activations and quantized weights dequantized inside the product.
//!
//! Activations are never quantized: each product equals "dequantize the row to f32, then dot it
//! with x" up to the order of the float32 sums (and, for the decode path, the factoring below).
//!
//! - Decode (one token): a Q4_1 block contributes `d · Σ q_i x_i + m · Σ x_i`; `Σ x_i` per block
//!   of x is computed once per product and shared by every row. The 16 accumulator lanes are kept
//!   apart until the row ends, which is what lets LLVM vectorize the loop.
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

/// Sums of each block of 32 values of `x` (the Q4_1 minimum's factor).
pub fn block_sums(x: &[f32]) -> Vec<f32> {
    x.chunks_exact(32).map(|b| simd::sum32(b)).collect()
}

/// `out[t * rows + r] = W[r] · xs[t * cols ..]` for `t` in 0..tokens.
pub fn matmul(exec: &dyn Exec, w: &Matrix, xs: &[f32], tokens: usize, out: &mut [f32]) {
    let (rows, cols) = (w.rows, w.cols);
    debug_assert_eq!(xs.len(), tokens * cols);
    debug_assert_eq!(out.len(), tokens * rows);
    if tokens == 1 {
        let xsum = block_sums(xs);
        exec.split(out, 1, &|r0, chunk| matvec_rows(w, xs, &xsum, r0, chunk));
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

/// One token: `out[i] = W[r0 + i] · x`.
pub fn matvec_rows(w: &Matrix, x: &[f32], xsum: &[f32], r0: usize, out: &mut [f32]) {
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
                *o = q41_row_dot(q, cols / 32, r0 + i, x, xsum);
            }
        }
        Data::Q8_0(q) => {
            for (i, o) in out.iter_mut().enumerate() {
                *o = q80_row_dot(q, cols / 32, r0 + i, x);
            }
        }
    }
}

fn q41_row_dot(q: &Q41, nb: usize, r: usize, x: &[f32], xsum: &[f32]) -> f32 {
    let base = r * nb;
    let d = &q.d[base..base + nb];
    let m = &q.m[base..base + nb];
    let qs = &q.qs[base * 16..(base + nb) * 16];
    let mut acc = simd::Acc16::default();
    let mut min_part = 0f32;
    for b in 0..nb {
        acc.q41_block(d[b], &qs[b * 16..b * 16 + 16], &x[b * 32..b * 32 + 32]);
        min_part += m[b] * xsum[b];
    }
    acc.sum() + min_part
}

fn q80_row_dot(q: &Q80, nb: usize, r: usize, x: &[f32]) -> f32 {
    let base = r * nb;
    let d = &q.d[base..base + nb];
    let qs = &q.qs[base * 32..(base + nb) * 32];
    let mut acc = simd::Acc16::default();
    for b in 0..nb {
        acc.q80_block(d[b], &qs[b * 32..b * 32 + 32], &x[b * 32..b * 32 + 32]);
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
    /// 16 independent float32 lanes.
    #[derive(Default)]
    pub struct Acc16([f32; 16]);

    impl Acc16 {
        /// Adds `d · Σ q_i x_i` over one Q4_1 block (the minimum is added by the caller).
        #[inline(always)]
        pub fn q41_block(&mut self, d: f32, qs: &[u8], x: &[f32]) {
            let (qs, x): (&[u8; 16], &[f32; 32]) = match (qs.try_into(), x.try_into()) {
                (Ok(q), Ok(x)) => (q, x),
                _ => return,
            };
            let mut t = [0f32; 16];
            for j in 0..16 {
                t[j] = f32::from(qs[j] & 15) * x[j] + f32::from(qs[j] >> 4) * x[16 + j];
            }
            for j in 0..16 {
                self.0[j] += d * t[j];
            }
        }

        /// Adds `d · Σ q_i x_i` over one Q8_0 block.
        #[inline(always)]
        pub fn q80_block(&mut self, d: f32, qs: &[i8], x: &[f32]) {
            let (qs, x): (&[i8; 32], &[f32; 32]) = match (qs.try_into(), x.try_into()) {
                (Ok(q), Ok(x)) => (q, x),
                _ => return,
            };
            let mut t = [0f32; 16];
            for j in 0..16 {
                t[j] = f32::from(qs[j]) * x[j] + f32::from(qs[16 + j]) * x[16 + j];
            }
            for j in 0..16 {
                self.0[j] += d * t[j];
            }
        }

        pub fn sum(&self) -> f32 {
            let a = &self.0;
            let mut h = [0f32; 8];
            for j in 0..8 {
                h[j] = a[j] + a[8 + j];
            }
            ((h[0] + h[4]) + (h[1] + h[5])) + ((h[2] + h[6]) + (h[3] + h[7]))
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

    pub struct Acc16([v128; 4]);

    impl Default for Acc16 {
        fn default() -> Self {
            Acc16([f32x4_splat(0.0); 4])
        }
    }

    impl Acc16 {
        #[inline(always)]
        pub fn q41_block(&mut self, d: f32, qs: &[u8], x: &[f32]) {
            let (qs, x): (&[u8; 16], &[f32; 32]) = match (qs.try_into(), x.try_into()) {
                (Ok(q), Ok(x)) => (q, x),
                _ => return,
            };
            let v = u8x16(
                qs[0], qs[1], qs[2], qs[3], qs[4], qs[5], qs[6], qs[7], qs[8], qs[9], qs[10], qs[11], qs[12], qs[13],
                qs[14], qs[15],
            );
            let lo = v128_and(v, u8x16_splat(15));
            let hi = u8x16_shr(v, 4);
            let dv = f32x4_splat(d);
            let widen = |b: v128| {
                let l = u16x8_extend_low_u8x16(b);
                let h = u16x8_extend_high_u8x16(b);
                [
                    f32x4_convert_u32x4(u32x4_extend_low_u16x8(l)),
                    f32x4_convert_u32x4(u32x4_extend_high_u16x8(l)),
                    f32x4_convert_u32x4(u32x4_extend_low_u16x8(h)),
                    f32x4_convert_u32x4(u32x4_extend_high_u16x8(h)),
                ]
            };
            let (ql, qh) = (widen(lo), widen(hi));
            for k in 0..4 {
                let t = f32x4_add(f32x4_mul(ql[k], load4(x, 4 * k)), f32x4_mul(qh[k], load4(x, 16 + 4 * k)));
                self.0[k] = f32x4_add(self.0[k], f32x4_mul(dv, t));
            }
        }

        #[inline(always)]
        pub fn q80_block(&mut self, d: f32, qs: &[i8], x: &[f32]) {
            let (qs, x): (&[i8; 32], &[f32; 32]) = match (qs.try_into(), x.try_into()) {
                (Ok(q), Ok(x)) => (q, x),
                _ => return,
            };
            let dv = f32x4_splat(d);
            let widen = |q: &[i8]| {
                let b = i8x16(
                    q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8], q[9], q[10], q[11], q[12], q[13], q[14],
                    q[15],
                );
                let l = i16x8_extend_low_i8x16(b);
                let h = i16x8_extend_high_i8x16(b);
                [
                    f32x4_convert_i32x4(i32x4_extend_low_i16x8(l)),
                    f32x4_convert_i32x4(i32x4_extend_high_i16x8(l)),
                    f32x4_convert_i32x4(i32x4_extend_low_i16x8(h)),
                    f32x4_convert_i32x4(i32x4_extend_high_i16x8(h)),
                ]
            };
            let (ql, qh) = (widen(&qs[..16]), widen(&qs[16..]));
            for k in 0..4 {
                let t = f32x4_add(f32x4_mul(ql[k], load4(x, 4 * k)), f32x4_mul(qh[k], load4(x, 16 + 4 * k)));
                self.0[k] = f32x4_add(self.0[k], f32x4_mul(dv, t));
            }
        }

        pub fn sum(&self) -> f32 {
            let [a0, a1, a2, a3] = self.0;
            // Same pairing as the native version: lane j with lane 8 + j, then 0+4, 1+5, ...
            let h0 = lanes(f32x4_add(a0, a2));
            let h1 = lanes(f32x4_add(a1, a3));
            ((h0[0] + h1[0]) + (h0[1] + h1[1])) + ((h0[2] + h1[2]) + (h0[3] + h1[3]))
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

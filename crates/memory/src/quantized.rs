//! An int8 copy of the stored vectors, for a first pass of retrieval that reads a quarter of the
//! bytes of the f32 scan. It never decides a ranking by itself: for every row it gives an interval
//! that provably holds the f32 dot product [`crate::vector::dot`] returns, and the store computes
//! that exact dot product for every row whose interval could still reach the top k (see
//! `MemoryStore::ranked`). The results are therefore the exact scan's, ids and order alike.
//!
//! Each row `x` is stored as `s·q` with `q` in [-127, 127] and `s = max|x| / 127`, rounded to
//! nearest; the query likewise (`t·p`). Then `s·t·(q·p)` is the dot product of the two rounded
//! vectors, computed exactly in integers, and by Cauchy–Schwarz
//!
//! `|x·y − s·t·(q·p)| ≤ ‖x − s·q‖·‖y‖ + ‖s·q‖·‖y − t·p‖`,
//!
//! to which the rounding of the f32 dot product itself is added: at most `γ_n·‖x‖·‖y‖` with
//! `γ_n = n·u / (1 − n·u)` and `u = 2⁻²⁴`, for any order of summation of `n` products (Higham,
//! *Accuracy and Stability of Numerical Algorithms*, 2nd ed., §3.1), plus `n·2⁻¹⁴⁹` for results
//! that fall among the subnormal numbers, where the error is absolute.

/// The largest code; the scale maps the row's largest magnitude onto it.
const CODE_MAX: f32 = 127.0;
/// Elements summed in `i32` before the sum moves to `i64`: 65,536 × 127² < 2³¹.
const BLOCK: usize = 1 << 16;
/// Unit roundoff of f32.
const F32_UNIT_ROUNDOFF: f64 = 1.0 / (1u64 << 24) as f64;
/// 2⁻¹⁴⁹, the spacing of f32's subnormal numbers.
const SMALLEST_SUBNORMAL: f64 = 1.401_298_464_324_817e-45;
/// Relative slack for the f64 arithmetic of the bound itself (norms, products): its rounding is
/// some 1e-13 of the bound's terms, far inside this.
const BOUND_SLACK: f64 = 1e-9;

/// What is kept per row besides its codes.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct RowCode {
    scale: f64,
    /// ‖x − s·q‖, computed in f64.
    error_norm: f64,
    /// ‖x‖, computed in f64.
    norm: f64,
}

/// A vector rounded to int8 codes, with its scale and its rounding error.
#[derive(Debug, Clone, PartialEq)]
pub struct Coded {
    codes: Vec<i8>,
    row: RowCode,
}

/// Rounds `x` to codes.
pub fn code(x: &[f32]) -> Coded {
    let largest = x.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    let scale = largest / CODE_MAX;
    let codes: Vec<i8> = if scale > 0.0 {
        // Half away from zero by adding ±0.5 and truncating: `f32::round` is a libm call on
        // baseline x86. Any code is correct (the error is measured below, not assumed).
        let inverse = CODE_MAX / largest;
        x.iter().map(|v| (v * inverse + 0.5f32.copysign(*v)).clamp(-CODE_MAX, CODE_MAX) as i8).collect()
    } else {
        vec![0; x.len()]
    };
    let scale = f64::from(scale);
    let (mut error, mut norm) = (0.0f64, 0.0f64);
    for (&v, &q) in x.iter().zip(&codes) {
        let v = f64::from(v);
        let e = v - scale * f64::from(q);
        error += e * e;
        norm += v * v;
    }
    Coded { codes, row: RowCode { scale, error_norm: error.sqrt(), norm: norm.sqrt() } }
}

/// Rows of codes end to end, mirroring [`crate::vector::Matrix`] row for row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Codes {
    dims: usize,
    codes: Vec<i8>,
    rows: Vec<RowCode>,
}

impl Codes {
    pub fn new(dims: usize) -> Codes {
        Codes { dims, codes: Vec::new(), rows: Vec::new() }
    }

    pub fn push(&mut self, row: &[f32]) {
        let coded = code(row);
        self.codes.extend_from_slice(&coded.codes);
        self.rows.push(coded.row);
    }

    pub fn set_row(&mut self, i: usize, row: &[f32]) {
        let coded = code(row);
        self.codes[i * self.dims..(i + 1) * self.dims].copy_from_slice(&coded.codes);
        self.rows[i] = coded.row;
    }

    /// Removes row `i`, moving the last row into its place (as the matrix does).
    pub fn swap_remove(&mut self, i: usize) {
        let last = self.rows.len() - 1;
        if i != last {
            let (head, tail) = self.codes.split_at_mut(last * self.dims);
            head[i * self.dims..(i + 1) * self.dims].copy_from_slice(&tail[..self.dims]);
        }
        self.codes.truncate(last * self.dims);
        self.rows.swap_remove(i);
    }

    /// For every row, `(lo, hi)` with `lo ≤ dot(row, query) ≤ hi` for the f32 dot product
    /// [`crate::vector::dot`] computes. A row whose bound could leave f32's range gets
    /// `(−∞, +∞)`: its f32 dot product may overflow, and only the exact scan knows.
    pub fn dot_bounds(&self, query: &Coded, out: &mut Vec<(f64, f64)>) {
        out.clear();
        let n = self.dims as f64;
        let gamma = n * F32_UNIT_ROUNDOFF / (1.0 - n * F32_UNIT_ROUNDOFF).max(f64::MIN_POSITIVE);
        let q = &query.row;
        let rows = self.codes.chunks_exact(self.dims.max(1)).zip(&self.rows);
        out.extend(rows.map(|(codes, row)| {
            let estimate = row.scale * q.scale * integer_dot(codes, &query.codes) as f64;
            // γ·‖x‖·‖y‖ + ‖x − s·q‖·‖y‖ + ‖s·q‖·‖y − t·p‖, with ‖s·q‖ ≤ ‖x‖ + ‖x − s·q‖.
            let radius = q.norm * (gamma * row.norm + row.error_norm) + q.error_norm * (row.norm + row.error_norm);
            // Products and sums that fall below f32's normal range lose up to half the smallest
            // subnormal each, absolutely: n products and n sums.
            let radius = radius * (1.0 + BOUND_SLACK) + n * SMALLEST_SUBNORMAL;
            if estimate.abs() + radius >= f64::from(f32::MAX) / 2.0 || gamma >= 1.0 {
                (f64::NEG_INFINITY, f64::INFINITY)
            } else {
                (estimate - radius, estimate + radius)
            }
        }));
    }
}

/// The exact dot product of two code vectors.
pub fn integer_dot(a: &[i8], b: &[i8]) -> i64 {
    a.chunks(BLOCK).zip(b.chunks(BLOCK)).map(|(a, b)| i64::from(block_dot(a, b))).sum()
}

/// In wasm, 16 codes at a time: widened to two 8-lane i16 vectors each and multiplied pairwise
/// into four i32 sums by `i32x4.dot_i16x8_s`. LLVM does not form that instruction from the
/// plain loop below, which it widens to i32 first and multiplies four lanes at a time.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn block_dot(a: &[i8], b: &[i8]) -> i32 {
    use core::arch::wasm32::{
        i16x8_extend_high_i8x16, i16x8_extend_low_i8x16, i32x4_add, i32x4_dot_i16x8, i32x4_extract_lane, i32x4_splat,
        i8x16, v128,
    };
    // Sixteen codes as one vector; LLVM turns the sixteen loads into one `v128.load`.
    fn load(x: &[i8]) -> v128 {
        i8x16(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8], x[9], x[10], x[11], x[12], x[13], x[14], x[15])
    }
    let (xs, ys) = (a.chunks_exact(16), b.chunks_exact(16));
    let tail: i32 = xs.remainder().iter().zip(ys.remainder()).map(|(&x, &y)| i32::from(x) * i32::from(y)).sum();
    let mut acc = i32x4_splat(0);
    for (x, y) in xs.zip(ys) {
        let (x, y) = (load(x), load(y));
        let low = i32x4_dot_i16x8(i16x8_extend_low_i8x16(x), i16x8_extend_low_i8x16(y));
        let high = i32x4_dot_i16x8(i16x8_extend_high_i8x16(x), i16x8_extend_high_i8x16(y));
        acc = i32x4_add(acc, i32x4_add(low, high));
    }
    i32x4_extract_lane::<0>(acc)
        + i32x4_extract_lane::<1>(acc)
        + i32x4_extract_lane::<2>(acc)
        + i32x4_extract_lane::<3>(acc)
        + tail
}

/// Sixteen independent lanes, so that the compiler vectorises the loop (on x86, two 8-wide
/// integer multiply-adds per 16 codes); at most [`BLOCK`] codes, so no lane can overflow.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn block_dot(a: &[i8], b: &[i8]) -> i32 {
    const LANES: usize = 16;
    let mut acc = [0i32; LANES];
    let (xs, ys) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let tail: i32 = xs.remainder().iter().zip(ys.remainder()).map(|(&x, &y)| i32::from(x) * i32::from(y)).sum();
    for (x, y) in xs.zip(ys) {
        for lane in 0..LANES {
            acc[lane] += i32::from(x[lane]) * i32::from(y[lane]);
        }
    }
    acc.iter().sum::<i32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vector::dot;
    use proptest::prelude::*;

    #[test]
    fn codes_by_hand() {
        // max |x| = 2.54, so s = 0.02: 2.54 → 127, −1.0 → −50, 0.011 → 0.55 → 1.
        let c = code(&[2.54, -1.0, 0.011]);
        assert_eq!(c.codes, vec![127, -50, 1]);
        assert!((c.row.error_norm - (0.02f32 as f64 - 0.011f32 as f64).abs()).abs() < 1e-6, "{:?}", c.row);
        assert_eq!(integer_dot(&[127, -50, 1], &[1, 2, 3]), 127 - 100 + 3);
        let zero = code(&[0.0, 0.0]);
        assert_eq!((zero.codes, zero.row.scale, zero.row.error_norm), (vec![0, 0], 0.0, 0.0));
    }

    #[test]
    fn integer_dot_has_no_overflow_past_a_block() {
        let n = BLOCK * 2 + 5;
        let (a, b) = (vec![-127i8; n], vec![-127i8; n]);
        assert_eq!(integer_dot(&a, &b), 16_129 * n as i64);
    }

    #[test]
    fn rows_follow_the_matrix() {
        let mut codes = Codes::new(2);
        for row in [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]] {
            codes.push(&row);
        }
        codes.swap_remove(0);
        codes.set_row(1, &[0.0, -2.0]);
        assert_eq!(codes.codes, vec![127, 127, 0, -127]);
        let mut bounds = Vec::new();
        codes.dot_bounds(&code(&[1.0, 1.0]), &mut bounds);
        assert_eq!(bounds.len(), 2);
        assert!(bounds[0].0 <= 2.0 && 2.0 <= bounds[0].1 && bounds[1].0 <= -2.0 && -2.0 <= bounds[1].1);
    }

    #[test]
    fn huge_vectors_get_no_finite_bound() {
        let mut codes = Codes::new(2);
        codes.push(&[3e38, 3e38]);
        let mut bounds = Vec::new();
        codes.dot_bounds(&code(&[3e38, 1.0]), &mut bounds);
        assert_eq!(bounds, vec![(f64::NEG_INFINITY, f64::INFINITY)]);
    }

    fn vectors(dims: usize) -> impl Strategy<Value = Vec<f32>> {
        // Magnitudes from 1e-30 to 1e15, exact zeros and repeated values included.
        let element =
            prop_oneof![Just(0.0f32), (-1.0f32..1.0), (-1.0f32..1.0, -30i32..15).prop_map(|(m, e)| m * 10f32.powi(e)),];
        proptest::collection::vec(element, dims)
    }

    fn rows_and_query() -> impl Strategy<Value = (Vec<Vec<f32>>, Vec<f32>)> {
        (1usize..80).prop_flat_map(|dims| (proptest::collection::vec(vectors(dims), 8), vectors(dims)))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// The bound holds the f32 dot product, whatever the vectors.
        #[test]
        fn the_bound_holds_the_f32_dot_product((rows, query) in rows_and_query()) {
            let mut codes = Codes::new(query.len());
            rows.iter().for_each(|r| codes.push(r));
            let mut bounds = Vec::new();
            codes.dot_bounds(&code(&query), &mut bounds);
            for (row, (lo, hi)) in rows.iter().zip(bounds) {
                let exact = f64::from(dot(row, &query));
                prop_assert!(lo <= exact && exact <= hi, "{lo} ≤ {exact} ≤ {hi}");
            }
        }
    }
}

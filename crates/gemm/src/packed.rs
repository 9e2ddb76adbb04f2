//! A cache-blocked matrix product of our own, used on wasm32, where matrixmultiply's simd128 kernel
//! multiplies and adds separately and LLVM never fuses them: with `+relaxed-simd` this kernel's
//! inner step is one `f32x4.relaxed_madd` (a fused multiply–add where the CPU has one), without it
//! a multiply and an add. Natively the same code runs on plain arrays, so its blocking and packing
//! are tested on every platform.
//!
//! The shape of it is the usual one (Goto and van de Geijn, "Anatomy of high-performance matrix
//! multiplication", 2008): `B` is packed a block of `KC × NC` at a time into panels `NR` columns
//! wide, `A` a block of `MC × KC` into panels `MR` rows high, and a micro-kernel keeps an
//! `MR × NR` tile of `C` in registers over `KC` steps. Panels past the matrix are padded with
//! zeros, so the kernel never branches on the edge.

use crate::lanes::{madd, splat, to_array, zero, Lanes};
use crate::Operand;

/// Rows of `A` in a panel, and of the register tile.
const MR: usize = 4;
/// Columns of `B` in a panel: two vectors of four.
const NR: usize = 8;
/// Depth of one block: an `A` panel (4 KiB) and a `B` panel (8 KiB) stay in L1 together.
const KC: usize = 256;
/// Rows of `A` packed at a time (64 KiB).
const MC: usize = 64;
/// Columns of `B` packed at a time (512 KiB at `KC`), reused by every `A` block.
const NC: usize = 512;

/// `op(x)[i][j]` for an operand stored row-major, used transposed or not.
fn at(x: &Operand<'_>, i: usize, j: usize) -> f32 {
    if x.transposed {
        x.values[j * x.cols + i]
    } else {
        x.values[i * x.cols + j]
    }
}

/// Packs rows `i0..i0 + mc` and depths `p0..p0 + kc` of `op(a)` into panels of `MR` rows, each
/// stored depth by depth (`MR` values a step), rows past `m` as zeros.
fn pack_a(a: &Operand<'_>, m: usize, (i0, mc): (usize, usize), (p0, kc): (usize, usize), out: &mut Vec<f32>) {
    out.clear();
    for panel in (i0..i0 + mc).step_by(MR) {
        for p in p0..p0 + kc {
            for i in panel..panel + MR {
                out.push(if i < m { at(a, i, p) } else { 0.0 });
            }
        }
    }
}

/// Packs depths `p0..p0 + kc` and columns `j0..j0 + nc` of `op(b)` into panels of `NR` columns,
/// each stored depth by depth (`NR` values a step), columns past `n` as zeros.
fn pack_b(b: &Operand<'_>, n: usize, (p0, kc): (usize, usize), (j0, nc): (usize, usize), out: &mut Vec<f32>) {
    out.clear();
    for panel in (j0..j0 + nc).step_by(NR) {
        for p in p0..p0 + kc {
            for j in panel..panel + NR {
                out.push(if j < n { at(b, p, j) } else { 0.0 });
            }
        }
    }
}

/// The `MR × NR` tile of one `A` panel times one `B` panel, over their common depth.
fn tile(a_panel: &[f32], b_panel: &[f32]) -> [[Lanes; 2]; MR] {
    let mut acc = [[zero(); 2]; MR];
    let (a_steps, _) = a_panel.as_chunks::<MR>();
    let (b_steps, _) = b_panel.as_chunks::<NR>();
    for (a, b) in a_steps.iter().zip(b_steps) {
        let b_low = Lanes::from_slice(&b[..4]);
        let b_high = Lanes::from_slice(&b[4..]);
        for (row, &value) in acc.iter_mut().zip(a) {
            let a_value = splat(value);
            row[0] = madd(a_value, b_low, row[0]);
            row[1] = madd(a_value, b_high, row[1]);
        }
    }
    acc
}

/// `c = op(a) · op(b) + beta · c` for shapes already checked by [`crate::check`]. With `beta`
/// zero, `c` is overwritten without being read (as BLAS does), so NaNs in it do not propagate.
pub(super) fn gemm(a: &Operand<'_>, b: &Operand<'_>, c: &mut [f32], m: usize, n: usize, beta: f32) {
    let k = if a.transposed { a.rows } else { a.cols };
    if k == 0 {
        for value in c.iter_mut() {
            *value = if beta == 0.0 { 0.0 } else { beta * *value };
        }
        return;
    }
    let (mut packed_a, mut packed_b) = (Vec::new(), Vec::new());
    for j0 in (0..n).step_by(NC) {
        let nc = NC.min(n - j0).next_multiple_of(NR);
        for p0 in (0..k).step_by(KC) {
            let kc = KC.min(k - p0);
            pack_b(b, n, (p0, kc), (j0, nc), &mut packed_b);
            // The first depth block applies `beta`; the later ones add to what is there.
            let scale = if p0 == 0 { Some(beta) } else { None };
            for i0 in (0..m).step_by(MC) {
                let mc = MC.min(m - i0).next_multiple_of(MR);
                pack_a(a, m, (i0, mc), (p0, kc), &mut packed_a);
                for (jp, b_panel) in packed_b.chunks_exact(kc * NR).enumerate() {
                    for (ip, a_panel) in packed_a.chunks_exact(kc * MR).enumerate() {
                        let (i, j) = (i0 + ip * MR, j0 + jp * NR);
                        write_tile(&tile(a_panel, b_panel), c, (i, j), (m, n), scale);
                    }
                }
            }
        }
    }
}

/// Adds a tile into `c` at row `i`, column `j`, leaving out what lies past `m × n`; `scale` is
/// `Some(beta)` for the first depth block (`c = tile + beta · c`) and `None` after it (`c += tile`).
fn write_tile(
    acc: &[[Lanes; 2]; MR],
    c: &mut [f32],
    (i, j): (usize, usize),
    (m, n): (usize, usize),
    scale: Option<f32>,
) {
    let cols = NR.min(n - j);
    for (r, row) in acc.iter().enumerate().take(m - i) {
        let (low, high) = (to_array(row[0]), to_array(row[1]));
        let values = low.iter().chain(&high).take(cols);
        let start = (i + r) * n + j;
        for (out, &value) in c[start..start + cols].iter_mut().zip(values) {
            *out = match scale {
                Some(0.0) => value,
                Some(beta) => value + beta * *out,
                None => *out + value,
            };
        }
    }
}

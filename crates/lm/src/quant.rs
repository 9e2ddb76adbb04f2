//! Tensor element types and the weight matrices the kernels read.
//!
//! Quantized blocks are repacked at load into separate arrays (scales and minimums as f32, the
//! quantized values as bytes) so the kernels read aligned, contiguous data and never convert an
//! f16 in the inner loop. Values are the ones ggml defines:
//! - Q4_1: blocks of 32 = f16 scale `d`, f16 minimum `m`, 16 bytes of 4-bit values; element `i`
//!   is `d * q_i + m`, where the low nibbles hold elements 0..16 and the high nibbles 16..32.
//! - Q8_0: blocks of 32 = f16 scale `d`, 32 signed bytes; element `i` is `d * q_i`.

use crate::error::LmError;

/// ggml's tensor types that a GGUF table may name (only some can be loaded as weights).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TensorType {
    F32,
    F16,
    Q4_0,
    Q4_1,
    Q5_0,
    Q5_1,
    Q8_0,
    Q8_1,
    Q2K,
    Q3K,
    Q4K,
    Q5K,
    Q6K,
    Q8K,
    BF16,
}

impl TensorType {
    pub fn from_id(id: u32) -> Option<Self> {
        use TensorType::*;
        Some(match id {
            0 => F32,
            1 => F16,
            2 => Q4_0,
            3 => Q4_1,
            6 => Q5_0,
            7 => Q5_1,
            8 => Q8_0,
            9 => Q8_1,
            10 => Q2K,
            11 => Q3K,
            12 => Q4K,
            13 => Q5K,
            14 => Q6K,
            15 => Q8K,
            30 => BF16,
            _ => return None,
        })
    }

    pub fn id(self) -> u32 {
        use TensorType::*;
        match self {
            F32 => 0,
            F16 => 1,
            Q4_0 => 2,
            Q4_1 => 3,
            Q5_0 => 6,
            Q5_1 => 7,
            Q8_0 => 8,
            Q8_1 => 9,
            Q2K => 10,
            Q3K => 11,
            Q4K => 12,
            Q5K => 13,
            Q6K => 14,
            Q8K => 15,
            BF16 => 30,
        }
    }

    /// Elements per block.
    pub fn block_len(self) -> u64 {
        use TensorType::*;
        match self {
            F32 | F16 | BF16 => 1,
            Q4_0 | Q4_1 | Q5_0 | Q5_1 | Q8_0 | Q8_1 => 32,
            Q2K | Q3K | Q4K | Q5K | Q6K | Q8K => 256,
        }
    }

    /// Bytes per block (ggml's type sizes).
    pub fn block_bytes(self) -> u64 {
        use TensorType::*;
        match self {
            F32 => 4,
            F16 | BF16 => 2,
            Q4_0 => 18,
            Q4_1 => 20,
            Q5_0 => 22,
            Q5_1 => 24,
            Q8_0 => 34,
            Q8_1 => 36,
            Q2K => 84,
            Q3K => 110,
            Q4K => 144,
            Q5K => 176,
            Q6K => 210,
            Q8K => 292,
        }
    }
}

pub fn f16_to_f32(bits: u16) -> f32 {
    half::f16::from_bits(bits).to_f32()
}

fn f16_at(bytes: &[u8], at: usize) -> f32 {
    f16_to_f32(u16::from_le_bytes([bytes[at], bytes[at + 1]]))
}

/// A Q4_1 matrix, repacked: block `b` of row `r` is at index `r * blocks_per_row + b`.
#[derive(Debug, Clone)]
pub struct Q41 {
    pub d: Vec<f32>,
    pub m: Vec<f32>,
    /// 16 bytes per block, in the file's nibble order.
    pub qs: Vec<u8>,
}

/// A Q8_0 matrix, repacked like [`Q41`].
#[derive(Debug, Clone)]
pub struct Q80 {
    pub d: Vec<f32>,
    /// 32 values per block.
    pub qs: Vec<i8>,
}

#[derive(Debug, Clone)]
pub enum Data {
    F32(Vec<f32>),
    Q4_1(Q41),
    Q8_0(Q80),
}

/// A row-major weight matrix (`rows` outputs, `cols` inputs), as the kernels want it.
#[derive(Debug, Clone)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    pub data: Data,
}

fn alloc<T: Clone>(n: usize, fill: T, what: &str) -> Result<Vec<T>, LmError> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| LmError::OutOfMemory(format!("{what}: {n} values")))?;
    v.resize(n, fill);
    Ok(v)
}

impl Matrix {
    /// Repacks `bytes` (a tensor of type `ty`, `rows` × `cols`, whose size the GGUF parser checked).
    pub fn from_bytes(ty: TensorType, rows: usize, cols: usize, bytes: &[u8], name: &str) -> Result<Self, LmError> {
        let n = rows * cols;
        let bad = |why: String| LmError::Tensor { name: name.into(), why };
        let need = usize::try_from(n as u64 / ty.block_len() * ty.block_bytes()).unwrap_or(usize::MAX);
        if bytes.len() != need {
            return Err(bad(format!("{} bytes for {rows}×{cols} {ty:?}, expected {need}", bytes.len())));
        }
        let data = match ty {
            TensorType::F32 => {
                let mut v = alloc(n, 0f32, name)?;
                for (x, c) in v.iter_mut().zip(bytes.chunks_exact(4)) {
                    *x = f32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                }
                Data::F32(v)
            }
            TensorType::F16 => {
                let mut v = alloc(n, 0f32, name)?;
                for (x, c) in v.iter_mut().zip(bytes.chunks_exact(2)) {
                    *x = f16_to_f32(u16::from_le_bytes([c[0], c[1]]));
                }
                Data::F32(v)
            }
            TensorType::Q4_1 => {
                if !cols.is_multiple_of(32) {
                    return Err(bad(format!("{cols} columns are not whole blocks of 32")));
                }
                let blocks = n / 32;
                let (mut d, mut m, mut qs) =
                    (alloc(blocks, 0f32, name)?, alloc(blocks, 0f32, name)?, alloc(blocks * 16, 0u8, name)?);
                for (i, blk) in bytes.chunks_exact(20).enumerate() {
                    d[i] = f16_at(blk, 0);
                    m[i] = f16_at(blk, 2);
                    qs[i * 16..i * 16 + 16].copy_from_slice(&blk[4..20]);
                }
                Data::Q4_1(Q41 { d, m, qs })
            }
            TensorType::Q8_0 => {
                if !cols.is_multiple_of(32) {
                    return Err(bad(format!("{cols} columns are not whole blocks of 32")));
                }
                let blocks = n / 32;
                let (mut d, mut qs) = (alloc(blocks, 0f32, name)?, alloc(n, 0i8, name)?);
                for (i, blk) in bytes.chunks_exact(34).enumerate() {
                    d[i] = f16_at(blk, 0);
                    for (q, &b) in qs[i * 32..i * 32 + 32].iter_mut().zip(&blk[2..34]) {
                        *q = i8::from_le_bytes([b]);
                    }
                }
                Data::Q8_0(Q80 { d, qs })
            }
            other => return Err(bad(format!("type {other:?} is not supported (F32, F16, Q4_1 and Q8_0 are)"))),
        };
        Ok(Matrix { rows, cols, data })
    }

    /// Row `r` as float32, dequantized the way ggml (and gguf-py) do: `d * q + m` in f32.
    pub fn row(&self, r: usize, out: &mut [f32]) {
        let cols = self.cols;
        match &self.data {
            Data::F32(v) => out.copy_from_slice(&v[r * cols..(r + 1) * cols]),
            Data::Q4_1(q) => {
                let nb = cols / 32;
                for b in 0..nb {
                    let i = r * nb + b;
                    let (d, m) = (q.d[i], q.m[i]);
                    let qs = &q.qs[i * 16..i * 16 + 16];
                    for j in 0..16 {
                        out[b * 32 + j] = d * f32::from(qs[j] & 15) + m;
                        out[b * 32 + 16 + j] = d * f32::from(qs[j] >> 4) + m;
                    }
                }
            }
            Data::Q8_0(q) => {
                let nb = cols / 32;
                for b in 0..nb {
                    let i = r * nb + b;
                    for j in 0..32 {
                        out[b * 32 + j] = q.d[i] * f32::from(q.qs[i * 32 + j]);
                    }
                }
            }
        }
    }

    /// Bytes the repacked matrix holds.
    pub fn bytes(&self) -> usize {
        match &self.data {
            Data::F32(v) => v.len() * 4,
            Data::Q4_1(q) => q.d.len() * 8 + q.qs.len(),
            Data::Q8_0(q) => q.d.len() * 4 + q.qs.len(),
        }
    }
}

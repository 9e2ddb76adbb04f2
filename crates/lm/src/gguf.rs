//! GGUF files (llama.cpp's model format), read from a byte slice held in memory.
//!
//! Layout (little-endian): magic `GGUF`, version (2 or 3), tensor count, metadata count, the
//! metadata key/values, the tensor table (name, dimensions, type, offset), padding to the
//! alignment (`general.alignment`, default 32), then the tensor data. Every count and length is
//! checked against the bytes left before anything is allocated, so a hostile file gets an error
//! naming the byte offset, never a panic or a huge allocation.

use crate::error::GgufError;
use crate::quant::TensorType;

/// The default alignment of the data section and of each tensor's offset in it.
pub const DEFAULT_ALIGNMENT: usize = 32;
/// Arrays nested deeper than this are refused (real files nest none).
const MAX_ARRAY_DEPTH: usize = 4;
/// ggml tensors have at most 4 dimensions.
const MAX_DIMS: usize = 4;
/// No tensor in a file that fits in a page's memory has more elements than this.
const MAX_ELEMENTS: u64 = 1 << 40;

/// One metadata value, of any of GGUF's 13 value types.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    U8(u8),
    I8(i8),
    U16(u16),
    I16(i16),
    U32(u32),
    I32(i32),
    U64(u64),
    I64(i64),
    F32(f32),
    F64(f64),
    Bool(bool),
    String(String),
    Array(Vec<Value>),
}

impl Value {
    /// The value as an unsigned integer, when it is an integer type holding a non-negative value.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Value::U8(v) => Some(u64::from(v)),
            Value::U16(v) => Some(u64::from(v)),
            Value::U32(v) => Some(u64::from(v)),
            Value::U64(v) => Some(v),
            Value::I8(v) => u64::try_from(v).ok(),
            Value::I16(v) => u64::try_from(v).ok(),
            Value::I32(v) => u64::try_from(v).ok(),
            Value::I64(v) => u64::try_from(v).ok(),
            _ => None,
        }
    }

    /// The value as a float, when it is a float type.
    pub fn as_f32(&self) -> Option<f32> {
        match *self {
            Value::F32(v) => Some(v),
            #[allow(clippy::cast_possible_truncation)] // metadata floats are f32 in practice
            Value::F64(v) => Some(v as f32),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }
}

/// One entry of the tensor table.
#[derive(Debug, Clone, PartialEq)]
pub struct TensorInfo {
    pub name: String,
    /// ggml order: `dims[0]` is the contiguous (column) dimension.
    pub dims: Vec<u64>,
    pub ty: TensorType,
    /// Offset of the data from the start of the data section.
    pub offset: u64,
    /// Bytes of data.
    pub size: u64,
}

impl TensorInfo {
    pub fn elements(&self) -> u64 {
        self.dims.iter().product()
    }
}

/// A parsed GGUF file borrowing the bytes it was read from.
#[derive(Debug)]
pub struct Gguf<'a> {
    pub version: u32,
    pub metadata: Vec<(String, Value)>,
    pub tensors: Vec<TensorInfo>,
    pub alignment: usize,
    /// Where the data section starts in the file.
    pub data_offset: usize,
    bytes: &'a [u8],
}

impl<'a> Gguf<'a> {
    /// Parses and validates the header, metadata and tensor table of `bytes`.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, GgufError> {
        let mut r = Reader { bytes, pos: 0 };
        let magic = r.take(4, "magic")?;
        if magic != b"GGUF" {
            return Err(GgufError::BadMagic { found: [magic[0], magic[1], magic[2], magic[3]] });
        }
        let version = r.u32("version")?;
        if !(2..=3).contains(&version) {
            return Err(GgufError::UnsupportedVersion(version));
        }
        let tensor_count = r.u64("tensor count")?;
        let kv_count = r.u64("metadata count")?;
        // A key/value takes at least 8 (key length) + 4 (type) + 1 bytes; a tensor entry at least
        // 8 + 4 + 4 + 8 bytes.
        r.check_count(kv_count, 13, "metadata count", 16)?;
        r.check_count(tensor_count, 24, "tensor count", 8)?;
        let mut metadata = Vec::with_capacity(to_usize(kv_count));
        for _ in 0..kv_count {
            let key = r.string("metadata key")?;
            let at = r.pos;
            let ty = r.u32("metadata value type")?;
            let value = r.value(ty, 0, at)?;
            metadata.push((key, value));
        }
        let alignment = match metadata.iter().find(|(k, _)| k == "general.alignment") {
            None => DEFAULT_ALIGNMENT,
            Some((_, v)) => match v.as_u64() {
                Some(a) if a.is_power_of_two() && a <= 1 << 16 => to_usize(a),
                _ => return Err(GgufError::BadAlignment(format!("{v:?}"))),
            },
        };
        let mut tensors: Vec<TensorInfo> = Vec::with_capacity(to_usize(tensor_count));
        for _ in 0..tensor_count {
            let at = r.pos;
            let name = r.string("tensor name")?;
            let n_dims = r.u32("tensor dimension count")?;
            if n_dims == 0 || to_usize(u64::from(n_dims)) > MAX_DIMS {
                return Err(GgufError::BadTensor {
                    name,
                    at,
                    why: format!("{n_dims} dimensions (1 to {MAX_DIMS} allowed)"),
                });
            }
            let mut dims = Vec::with_capacity(MAX_DIMS);
            for _ in 0..n_dims {
                dims.push(r.u64("tensor dimension")?);
            }
            let ty_at = r.pos;
            let ty_id = r.u32("tensor type")?;
            let ty = TensorType::from_id(ty_id).ok_or(GgufError::UnknownTensorType { id: ty_id, at: ty_at })?;
            let offset = r.u64("tensor offset")?;
            let elements =
                dims.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d)).filter(|&n| n > 0 && n <= MAX_ELEMENTS);
            let Some(elements) = elements else {
                return Err(GgufError::BadTensor {
                    name,
                    at,
                    why: format!("dimensions {dims:?} (empty or over {MAX_ELEMENTS} elements)"),
                });
            };
            if dims[0] % ty.block_len() != 0 {
                return Err(GgufError::BadTensor {
                    name,
                    at,
                    why: format!("row of {} elements is not whole {ty:?} blocks of {}", dims[0], ty.block_len()),
                });
            }
            let size = elements / ty.block_len() * ty.block_bytes();
            if offset % alignment as u64 != 0 {
                return Err(GgufError::BadTensor {
                    name,
                    at,
                    why: format!("data offset {offset} is not a multiple of the alignment {alignment}"),
                });
            }
            if tensors.iter().any(|t| t.name == name) {
                return Err(GgufError::BadTensor { name, at, why: "name used twice".into() });
            }
            tensors.push(TensorInfo { name, dims, ty, offset, size });
        }
        let data_offset = r.pos.div_ceil(alignment) * alignment;
        let data_len = bytes.len().saturating_sub(data_offset) as u64;
        if data_offset > bytes.len() && !tensors.is_empty() {
            return Err(GgufError::Truncated {
                at: bytes.len(),
                what: "data section".into(),
                need: data_offset - bytes.len(),
            });
        }
        for t in &tensors {
            let end = t.offset.checked_add(t.size);
            if end.is_none_or(|end| end > data_len) {
                return Err(GgufError::TensorPastEnd {
                    name: t.name.clone(),
                    start: data_offset as u64 + t.offset,
                    size: t.size,
                    file_len: bytes.len() as u64,
                });
            }
        }
        Ok(Gguf { version, metadata, tensors, alignment, data_offset, bytes })
    }

    /// The value of a metadata key.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.metadata.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn tensor(&self, name: &str) -> Option<&TensorInfo> {
        self.tensors.iter().find(|t| t.name == name)
    }

    /// The bytes of a tensor (bounds were checked by `parse`).
    pub fn tensor_data(&self, info: &TensorInfo) -> &'a [u8] {
        let start = self.data_offset.saturating_add(to_usize(info.offset));
        let end = start.saturating_add(to_usize(info.size));
        self.bytes.get(start..end).unwrap_or(&[])
    }
}

fn to_usize(v: u64) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], GgufError> {
        let left = self.bytes.len() - self.pos;
        if n > left {
            return Err(GgufError::Truncated { at: self.pos, what: what.into(), need: n - left });
        }
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], GgufError> {
        let s = self.take(N, what)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    fn u32(&mut self, what: &str) -> Result<u32, GgufError> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    fn u64(&mut self, what: &str) -> Result<u64, GgufError> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }

    /// A count of items of at least `min_bytes` each must fit in the bytes left.
    /// `at`: where the count was read.
    fn check_count(&self, count: u64, min_bytes: u64, what: &str, at: usize) -> Result<(), GgufError> {
        let left = (self.bytes.len() - self.pos) as u64;
        if count > left / min_bytes {
            return Err(GgufError::AbsurdCount { at, what: what.into(), count, left });
        }
        Ok(())
    }

    fn string(&mut self, what: &str) -> Result<String, GgufError> {
        let at = self.pos;
        let len = self.u64(what)?;
        let left = (self.bytes.len() - self.pos) as u64;
        if len > left {
            return Err(GgufError::AbsurdCount { at, what: format!("{what} length"), count: len, left });
        }
        let raw = self.take(to_usize(len), what)?;
        String::from_utf8(raw.to_vec()).map_err(|_| GgufError::BadUtf8 { at, what: what.into() })
    }

    fn value(&mut self, ty: u32, depth: usize, at: usize) -> Result<Value, GgufError> {
        Ok(match ty {
            0 => Value::U8(self.array::<1>("u8")?[0]),
            1 => Value::I8(i8::from_le_bytes(self.array("i8")?)),
            2 => Value::U16(u16::from_le_bytes(self.array("u16")?)),
            3 => Value::I16(i16::from_le_bytes(self.array("i16")?)),
            4 => Value::U32(self.u32("u32")?),
            5 => Value::I32(i32::from_le_bytes(self.array("i32")?)),
            6 => Value::F32(f32::from_le_bytes(self.array("f32")?)),
            7 => match self.array::<1>("bool")?[0] {
                0 => Value::Bool(false),
                1 => Value::Bool(true),
                b => return Err(GgufError::BadValue { at, why: format!("bool byte {b}") }),
            },
            8 => Value::String(self.string("string value")?),
            9 => {
                if depth >= MAX_ARRAY_DEPTH {
                    return Err(GgufError::BadValue { at, why: format!("arrays nested over {MAX_ARRAY_DEPTH} deep") });
                }
                let elem_at = self.pos;
                let elem = self.u32("array element type")?;
                let n = self.u64("array length")?;
                let len_at = elem_at + 4;
                let min = match elem {
                    0 | 1 | 7 => 1,
                    2 | 3 => 2,
                    4..=6 => 4,
                    8 | 10..=12 => 8,
                    9 => 12,
                    _ => return Err(GgufError::BadValue { at: elem_at, why: format!("unknown value type {elem}") }),
                };
                self.check_count(n, min, "array length", len_at)?;
                let mut items = Vec::with_capacity(to_usize(n));
                for _ in 0..n {
                    let item_at = self.pos;
                    items.push(self.value(elem, depth + 1, item_at)?);
                }
                Value::Array(items)
            }
            10 => Value::U64(self.u64("u64")?),
            11 => Value::I64(i64::from_le_bytes(self.array("i64")?)),
            12 => Value::F64(f64::from_le_bytes(self.array("f64")?)),
            _ => return Err(GgufError::BadValue { at, why: format!("unknown value type {ty}") }),
        })
    }
}

/// Writes a GGUF file (version 3) from metadata and tensors given as raw bytes: for tests, and
/// for building small files by hand.
pub fn write(metadata: &[(String, Value)], tensors: &[(String, Vec<u64>, TensorType, Vec<u8>)]) -> Vec<u8> {
    fn put_str(out: &mut Vec<u8>, s: &str) {
        out.extend_from_slice(&(s.len() as u64).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
    }
    fn type_id(v: &Value) -> u32 {
        match v {
            Value::U8(_) => 0,
            Value::I8(_) => 1,
            Value::U16(_) => 2,
            Value::I16(_) => 3,
            Value::U32(_) => 4,
            Value::I32(_) => 5,
            Value::F32(_) => 6,
            Value::Bool(_) => 7,
            Value::String(_) => 8,
            Value::Array(_) => 9,
            Value::U64(_) => 10,
            Value::I64(_) => 11,
            Value::F64(_) => 12,
        }
    }
    fn put_value(out: &mut Vec<u8>, v: &Value) {
        match v {
            Value::U8(x) => out.push(*x),
            Value::I8(x) => out.extend_from_slice(&x.to_le_bytes()),
            Value::U16(x) => out.extend_from_slice(&x.to_le_bytes()),
            Value::I16(x) => out.extend_from_slice(&x.to_le_bytes()),
            Value::U32(x) => out.extend_from_slice(&x.to_le_bytes()),
            Value::I32(x) => out.extend_from_slice(&x.to_le_bytes()),
            Value::F32(x) => out.extend_from_slice(&x.to_le_bytes()),
            Value::Bool(x) => out.push(u8::from(*x)),
            Value::String(s) => put_str(out, s),
            Value::Array(items) => {
                let elem = items.first().map_or(4, type_id);
                out.extend_from_slice(&elem.to_le_bytes());
                out.extend_from_slice(&(items.len() as u64).to_le_bytes());
                for item in items {
                    put_value(out, item);
                }
            }
            Value::U64(x) => out.extend_from_slice(&x.to_le_bytes()),
            Value::I64(x) => out.extend_from_slice(&x.to_le_bytes()),
            Value::F64(x) => out.extend_from_slice(&x.to_le_bytes()),
        }
    }
    let mut out = b"GGUF".to_vec();
    out.extend_from_slice(&3u32.to_le_bytes());
    out.extend_from_slice(&(tensors.len() as u64).to_le_bytes());
    out.extend_from_slice(&(metadata.len() as u64).to_le_bytes());
    for (k, v) in metadata {
        put_str(&mut out, k);
        out.extend_from_slice(&type_id(v).to_le_bytes());
        put_value(&mut out, v);
    }
    let mut offset = 0u64;
    let mut offsets = Vec::new();
    for (name, dims, ty, data) in tensors {
        put_str(&mut out, name);
        out.extend_from_slice(&(dims.len() as u32).to_le_bytes());
        for d in dims {
            out.extend_from_slice(&d.to_le_bytes());
        }
        out.extend_from_slice(&ty.id().to_le_bytes());
        out.extend_from_slice(&offset.to_le_bytes());
        offsets.push(offset);
        offset = (offset + data.len() as u64).div_ceil(DEFAULT_ALIGNMENT as u64) * DEFAULT_ALIGNMENT as u64;
    }
    let data_start = out.len().div_ceil(DEFAULT_ALIGNMENT) * DEFAULT_ALIGNMENT;
    out.resize(data_start, 0);
    for ((_, _, _, data), off) in tensors.iter().zip(offsets) {
        out.resize(data_start + to_usize(off), 0);
        out.extend_from_slice(data);
    }
    out
}

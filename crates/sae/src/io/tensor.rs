//! One named tensor of a safetensors file and the conversions the SAE code needs from it: floats
//! (as a flat vector or a `[rows, cols]` matrix) and non-negative integers (token ids, indices).

use super::floats::{self, FloatKind, Stored};
use super::InputError;
use crate::Matrix;

/// The element types read and written, spelled as safetensors spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dtype {
    F32,
    F16,
    BF16,
    F64,
    I32,
    U32,
    I64,
    U8,
}

impl Dtype {
    /// Every supported dtype.
    pub const ALL: [Dtype; 8] =
        [Self::F32, Self::F16, Self::BF16, Self::F64, Self::I32, Self::U32, Self::I64, Self::U8];

    /// The name in a safetensors header: "F32", "BF16", ...
    pub fn name(self) -> &'static str {
        match self {
            Self::F32 => "F32",
            Self::F16 => "F16",
            Self::BF16 => "BF16",
            Self::F64 => "F64",
            Self::I32 => "I32",
            Self::U32 => "U32",
            Self::I64 => "I64",
            Self::U8 => "U8",
        }
    }

    /// The dtype a header name means, exactly as safetensors writes it (case matters).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.name() == name)
    }

    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            Self::U8 => 1,
            Self::F16 | Self::BF16 => 2,
            Self::F32 | Self::I32 | Self::U32 => 4,
            Self::F64 | Self::I64 => 8,
        }
    }

    fn float_kind(self) -> Option<FloatKind> {
        match self {
            Self::F32 => Some(FloatKind::F32),
            Self::F16 => Some(FloatKind::F16),
            Self::BF16 => Some(FloatKind::BF16),
            Self::F64 => Some(FloatKind::F64),
            Self::I32 | Self::U32 | Self::I64 | Self::U8 => None,
        }
    }

    /// Whether the elements are floating point.
    pub fn is_float(self) -> bool {
        self.float_kind().is_some()
    }
}

/// A named tensor: its dtype, shape, and raw little-endian data (`product(shape) × dtype size`
/// bytes; a parsed tensor always satisfies this, one built by hand should).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tensor {
    pub name: String,
    pub dtype: Dtype,
    pub shape: Vec<usize>,
    pub data: Vec<u8>,
}

impl Tensor {
    /// An F32 tensor; `Err(Shape)` when `values` does not have `product(shape)` elements.
    pub fn from_f32(name: impl Into<String>, shape: Vec<usize>, values: &[f32]) -> Result<Self, InputError> {
        let name = name.into();
        if element_count(&shape) != Some(values.len()) {
            return Err(InputError::Shape {
                message: format!("tensor \"{name}\": shape {shape:?} does not hold {} values", values.len()),
            });
        }
        let data = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        Ok(Self { name, dtype: Dtype::F32, shape, data })
    }

    /// An F32 tensor of shape `[rows, cols]` holding `m`.
    pub fn from_matrix(name: impl Into<String>, m: &Matrix) -> Result<Self, InputError> {
        Self::from_f32(name, vec![m.rows, m.cols], &m.values)
    }

    /// The values as f32 (from F32, F16, BF16 or F64), in row-major order; an integer dtype, a
    /// non-finite value, or an F64 beyond f32's range is an error naming the element.
    pub fn to_f32(&self) -> Result<Vec<f32>, InputError> {
        let stored = self.stored()?;
        let values = stored.to_f32();
        if let Some(index) = values.iter().position(|v| !v.is_finite()) {
            return Err(self.error(format!(
                "element {} is {}; values must be finite numbers",
                self.index_text(index),
                stored.describe(index)
            )));
        }
        Ok(values)
    }

    /// A 2-D float tensor as a `[rows, cols]` matrix; the first non-finite value is an error with
    /// its row and column.
    pub fn to_matrix(&self) -> Result<Matrix, InputError> {
        let &[rows, cols] = &self.shape[..] else {
            return Err(self.error(format!("expected a 2-D tensor [tokens, d_in], found shape {:?}", self.shape)));
        };
        floats::to_matrix(self.stored()?, rows, cols, false, &format!("tensor \"{}\"", self.name))
    }

    /// The values as u32 (from U32, U8, I32 or I64), for ids and indices; a negative value or one
    /// above `u32::MAX` is an error naming the element.
    pub fn to_u32(&self) -> Result<Vec<u32>, InputError> {
        self.checked_data_len()?;
        let size = self.dtype.size();
        let mut out = Vec::with_capacity(self.data.len() / size);
        for (index, chunk) in self.data.chunks_exact(size).enumerate() {
            let mut le = [0u8; 8];
            for (o, b) in le.iter_mut().zip(chunk) {
                *o = *b;
            }
            let value: i128 = match self.dtype {
                Dtype::U8 => i128::from(le[0]),
                Dtype::U32 => i128::from(u32::from_le_bytes([le[0], le[1], le[2], le[3]])),
                Dtype::I32 => i128::from(i32::from_le_bytes([le[0], le[1], le[2], le[3]])),
                Dtype::I64 => i128::from(i64::from_le_bytes(le)),
                Dtype::F32 | Dtype::F16 | Dtype::BF16 | Dtype::F64 => {
                    return Err(self.error(format!("dtype {} is not an integer type", self.dtype.name())))
                }
            };
            let value = u32::try_from(value).map_err(|_| {
                self.error(format!("element {} is {value}, outside 0..={}", self.index_text(index), u32::MAX))
            })?;
            out.push(value);
        }
        Ok(out)
    }

    /// The data as floats, after checking the dtype and the length.
    fn stored(&self) -> Result<Stored<'_>, InputError> {
        let kind = self
            .dtype
            .float_kind()
            .ok_or_else(|| self.error(format!("dtype {} is not a float type", self.dtype.name())))?;
        self.checked_data_len()?;
        Ok(Stored { data: &self.data, kind, big_endian: false })
    }

    fn checked_data_len(&self) -> Result<usize, InputError> {
        let expected = element_count(&self.shape).and_then(|n| n.checked_mul(self.dtype.size()));
        if expected != Some(self.data.len()) {
            return Err(self.error(format!(
                "shape {:?} of {} does not match its {} bytes of data",
                self.shape,
                self.dtype.name(),
                self.data.len()
            )));
        }
        Ok(self.data.len())
    }

    fn error(&self, message: String) -> InputError {
        InputError::Tensor { name: self.name.clone(), message }
    }

    /// Flat `index` as a position in the shape, e.g. `[1, 2]`.
    fn index_text(&self, index: usize) -> String {
        let mut rest = index;
        let mut position = vec![0; self.shape.len()];
        for (p, &d) in position.iter_mut().zip(&self.shape).rev() {
            if d > 0 {
                *p = rest % d;
                rest /= d;
            }
        }
        format!("{position:?}")
    }
}

/// `product(shape)`, `None` on overflow (a scalar `[]` has one element).
pub(crate) fn element_count(shape: &[usize]) -> Option<usize> {
    shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tensor(dtype: Dtype, shape: Vec<usize>, data: Vec<u8>) -> Tensor {
        Tensor { name: "t".into(), dtype, shape, data }
    }

    #[test]
    fn dtype_names_round_trip_and_are_case_sensitive() {
        for d in Dtype::ALL {
            assert_eq!(Dtype::from_name(d.name()), Some(d));
        }
        assert_eq!(Dtype::from_name("f32"), None);
        assert_eq!(Dtype::from_name("BOOL"), None);
    }

    #[test]
    fn bf16_and_f64_convert() {
        let bf: Vec<u8> =
            [1.5f32, -0.25].iter().flat_map(|&v| half::bf16::from_f32(v).to_bits().to_le_bytes()).collect();
        assert_eq!(tensor(Dtype::BF16, vec![2], bf).to_f32(), Ok(vec![1.5, -0.25]));
        let big = tensor(Dtype::F64, vec![1, 2], [0.5f64, -1e300].iter().flat_map(|v| v.to_le_bytes()).collect());
        match big.to_f32() {
            Err(InputError::Tensor { message, .. }) => {
                assert!(message.starts_with("element [0, 1] is -1e300"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn integers_convert_within_u32() {
        let ids = tensor(Dtype::I64, vec![3], [0i64, 7, 4_294_967_295].iter().flat_map(|v| v.to_le_bytes()).collect());
        assert_eq!(ids.to_u32(), Ok(vec![0, 7, u32::MAX]));
        let negative = tensor(Dtype::I32, vec![2, 1], [5i32, -1].iter().flat_map(|v| v.to_le_bytes()).collect());
        assert_eq!(
            negative.to_u32().map_err(|e| e.to_string()),
            Err("tensor \"t\": element [1, 0] is -1, outside 0..=4294967295".into())
        );
        assert!(tensor(Dtype::F32, vec![1], vec![0; 4]).to_u32().is_err());
        assert!(tensor(Dtype::U8, vec![2], vec![0; 3]).to_u32().is_err());
    }

    #[test]
    fn from_f32_checks_the_shape() {
        assert!(Tensor::from_f32("w", vec![2, 2], &[1.0; 3]).is_err());
        let t = Tensor::from_f32("w", vec![2, 2], &[1.0; 4]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.to_matrix().map(|m| m.values), Ok(vec![1.0; 4]));
    }
}

//! Turning stored floats (f16, bf16, f32, f64, either byte order) into a row-major f32 matrix,
//! shared by the .npy and safetensors readers so both report a bad value the same way.

use half::{bf16, f16};

use super::InputError;
use crate::Matrix;

/// How one stored float is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FloatKind {
    F16,
    BF16,
    F32,
    F64,
}

impl FloatKind {
    /// Bytes per value.
    pub(crate) fn size(self) -> usize {
        match self {
            Self::F16 | Self::BF16 => 2,
            Self::F32 => 4,
            Self::F64 => 8,
        }
    }

    /// The NumPy name, for messages.
    pub(crate) fn numpy_name(self) -> &'static str {
        match self {
            Self::F16 => "float16",
            Self::BF16 => "bfloat16",
            Self::F32 => "float32",
            Self::F64 => "float64",
        }
    }
}

/// The raw floats of a matrix and how they are laid out.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stored<'a> {
    pub data: &'a [u8],
    pub kind: FloatKind,
    pub big_endian: bool,
}

impl Stored<'_> {
    /// Value `index` (in storage order) as f64, which holds every kind exactly; `None` past the end.
    pub(crate) fn get(&self, index: usize) -> Option<f64> {
        let size = self.kind.size();
        let chunk = self.data.get(index.checked_mul(size)?..index.checked_mul(size)?.checked_add(size)?)?;
        Some(decode(chunk, self.kind, self.big_endian))
    }

    /// Every value narrowed to f32, in storage order (an f64 beyond f32's range becomes ±inf).
    pub(crate) fn to_f32(self) -> Vec<f32> {
        #[allow(clippy::cast_possible_truncation)] // narrowing to f32 is the point; range is checked after
        self.data.chunks_exact(self.kind.size()).map(|c| decode(c, self.kind, self.big_endian) as f32).collect()
    }

    /// What a stored value that became non-finite in f32 was, for a message: "NaN", "-inf", or
    /// "1e300 (beyond the float32 range)".
    pub(crate) fn describe(&self, index: usize) -> String {
        match self.get(index) {
            Some(v) if v.is_nan() => "NaN".to_owned(),
            Some(v) if v.is_infinite() => if v > 0.0 { "inf" } else { "-inf" }.to_owned(),
            Some(v) => format!("{v:e} (beyond the float32 range)"),
            None => "missing".to_owned(),
        }
    }
}

/// One value from exactly `kind.size()` bytes (shorter input reads as zero bytes, never panics).
fn decode(chunk: &[u8], kind: FloatKind, big_endian: bool) -> f64 {
    match kind {
        FloatKind::F16 => f16::from_bits(u16::from_le_bytes(ordered(chunk, big_endian))).to_f64(),
        FloatKind::BF16 => bf16::from_bits(u16::from_le_bytes(ordered(chunk, big_endian))).to_f64(),
        FloatKind::F32 => f64::from(f32::from_le_bytes(ordered(chunk, big_endian))),
        FloatKind::F64 => f64::from_le_bytes(ordered(chunk, big_endian)),
    }
}

/// The bytes of one value in little-endian order.
fn ordered<const N: usize>(chunk: &[u8], big_endian: bool) -> [u8; N] {
    let mut out = [0u8; N];
    for (o, b) in out.iter_mut().zip(chunk) {
        *o = *b;
    }
    if big_endian {
        out.reverse();
    }
    out
}

/// A `rows × cols` matrix from `stored`, transposing when the storage is column-major (Fortran
/// order); an empty matrix is an error, and so is the first non-finite value in row-major order,
/// naming its row and column.
/// The caller has checked that `stored` holds exactly `rows * cols` values.
pub(crate) fn to_matrix(
    stored: Stored<'_>,
    rows: usize,
    cols: usize,
    column_major: bool,
    array: &str,
) -> Result<Matrix, InputError> {
    // An empty matrix is of no use, and its other dimension could be anything (a header saying
    // (0, 10**18) costs no data), which would be a trap for code that sizes buffers by it.
    if rows == 0 || cols == 0 {
        return Err(InputError::Shape {
            message: format!("{array} is empty (shape ({rows}, {cols})); it needs at least one row and one column"),
        });
    }
    let flat = stored.to_f32();
    let shape_error =
        || InputError::Shape { message: format!("{array}: the data does not hold {rows} × {cols} values") };
    let Some(matrix) =
        Matrix::from_vec(if column_major { cols } else { rows }, if column_major { rows } else { cols }, flat)
    else {
        return Err(shape_error());
    };
    let matrix = if column_major { matrix.transposed() } else { matrix };
    if let Some(index) = matrix.values.iter().position(|v| !v.is_finite()) {
        let (row, col) = (index / cols, index % cols);
        let stored_index = if column_major { col * rows + row } else { index };
        return Err(InputError::NotFinite { array: array.to_owned(), row, col, value: stored.describe(stored_index) });
    }
    Ok(matrix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_and_byte_order_decodes() {
        let one_f16 = f16::from_f32(1.5).to_bits();
        assert_eq!(decode(&one_f16.to_le_bytes(), FloatKind::F16, false), 1.5);
        assert_eq!(decode(&one_f16.to_be_bytes(), FloatKind::F16, true), 1.5);
        let bf = bf16::from_f32(-2.25).to_bits();
        assert_eq!(decode(&bf.to_le_bytes(), FloatKind::BF16, false), -2.25);
        assert_eq!(decode(&3.5f32.to_be_bytes(), FloatKind::F32, true), 3.5);
        assert_eq!(decode(&1e300f64.to_le_bytes(), FloatKind::F64, false), 1e300);
        // A short chunk reads as zero-padded instead of panicking.
        assert_eq!(decode(&[], FloatKind::F64, false), 0.0);
    }

    #[test]
    fn column_major_storage_is_transposed_and_bad_values_are_found_in_row_major_order() {
        // [[1, 2, 3], [4, 5, 6]] stored column by column.
        let data: Vec<u8> = [1.0f32, 4.0, 2.0, 5.0, 3.0, 6.0].iter().flat_map(|v| v.to_le_bytes()).collect();
        let stored = Stored { data: &data, kind: FloatKind::F32, big_endian: false };
        let m = to_matrix(stored, 2, 3, true, "a").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.values, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);

        let data: Vec<u8> = [1.0f64, f64::NAN, 1e300, 5.0].iter().flat_map(|v| v.to_le_bytes()).collect();
        let stored = Stored { data: &data, kind: FloatKind::F64, big_endian: false };
        // Column-major [[1, 1e300], [NaN, 5]]: row-major order meets 1e300 at (0, 1) first.
        match to_matrix(stored, 2, 2, true, "a") {
            Err(InputError::NotFinite { row: 0, col: 1, value, .. }) => assert!(value.starts_with("1e300"), "{value}"),
            other => panic!("{other:?}"),
        }
    }
}

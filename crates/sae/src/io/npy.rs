//! NumPy `.npy` files (format versions 1.0, 2.0 and 3.0), read into and written from [`Matrix`].
//! The layout is NumPy's `numpy/lib/format.py`: the magic `\x93NUMPY`, two version bytes, a
//! little-endian header length (u16 in 1.0, u32 after), a Python dict literal, then the data.

use super::floats::{self, FloatKind, Stored};
use super::limits::check_len;
use super::pyliteral::{self, Lit, LitKind};
use super::InputError;
use crate::Matrix;

const MAGIC: &[u8; 6] = b"\x93NUMPY";

/// NumPy pads the header so the data starts on a multiple of this.
const ARRAY_ALIGN: usize = 64;

/// NumPy leaves room for the growing axis to reach this many digits (`GROWTH_AXIS_MAX_DIGITS`).
const GROWTH_AXIS_MAX_DIGITS: usize = 21;

/// What the header says about the data.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Header {
    kind: FloatKind,
    big_endian: bool,
    fortran_order: bool,
    shape: Vec<usize>,
    /// Byte where the data starts.
    data_start: usize,
}

/// Parses a `.npy` file holding a 2-D float array `[tokens, d_in]` (f16, f32 or f64, either byte
/// order, C or Fortran order) into a row-major f32 matrix. Every value must be finite, and the
/// data must be exactly as long as the shape says.
pub fn parse_npy(bytes: &[u8]) -> Result<Matrix, InputError> {
    check_len(bytes.len())?;
    let header = read_header(bytes)?;
    let [rows, cols] = header.shape[..] else {
        return Err(InputError::Shape {
            message: format!("expected a 2-D array [tokens, d_in], found shape {}", python_shape(&header.shape)),
        });
    };
    let size = header.kind.size();
    let npy_error = |offset, message| InputError::Npy { offset, message };
    let expected = rows.checked_mul(cols).and_then(|n| n.checked_mul(size)).ok_or_else(|| {
        npy_error(header.data_start, format!("shape ({rows}, {cols}) is too large to hold in memory"))
    })?;
    let data = bytes.get(header.data_start..).unwrap_or_default();
    let describe = || format!("shape ({rows}, {cols}) of {} needs {expected} bytes of data", header.kind.numpy_name());
    if data.len() < expected {
        return Err(npy_error(
            header.data_start,
            format!("{}, found {} (the file is cut short)", describe(), data.len()),
        ));
    }
    if data.len() > expected {
        return Err(npy_error(
            header.data_start + expected,
            format!("{}, found {} ({} extra bytes at the end)", describe(), data.len(), data.len() - expected),
        ));
    }
    let stored = Stored { data, kind: header.kind, big_endian: header.big_endian };
    floats::to_matrix(stored, rows, cols, header.fortran_order, "the .npy array")
}

/// Checks the magic and version and parses the header dictionary.
fn read_header(bytes: &[u8]) -> Result<Header, InputError> {
    let err = |offset, message: String| InputError::Npy { offset, message };
    if bytes.get(..MAGIC.len()) != Some(MAGIC) {
        return Err(err(0, "not a .npy file: it does not start with \\x93NUMPY".to_owned()));
    }
    let (major, minor) = match bytes.get(6..8) {
        Some(&[major, minor]) => (major, minor),
        _ => return Err(err(6, "the file ends before the format version".to_owned())),
    };
    let (len_bytes, header_len) = match (major, minor) {
        (1, 0) => (2, bytes.get(8..10).map(|b| b.iter().rev().fold(0usize, |n, &x| n << 8 | usize::from(x)))),
        (2 | 3, 0) => (4, bytes.get(8..12).map(|b| b.iter().rev().fold(0usize, |n, &x| n << 8 | usize::from(x)))),
        _ => return Err(err(6, format!("format version {major}.{minor} is not supported (1.0, 2.0 and 3.0 are)"))),
    };
    let header_len = header_len.ok_or_else(|| err(8, "the file ends inside the header length".to_owned()))?;
    let start: usize = 8 + len_bytes;
    let text = start.checked_add(header_len).and_then(|end| bytes.get(start..end)).ok_or_else(|| {
        err(8, format!("the header length {header_len} runs past the end of the file ({} bytes)", bytes.len()))
    })?;
    if major == 3 {
        if let Err(e) = std::str::from_utf8(text) {
            return Err(err(start + e.valid_up_to(), "a version 3.0 header must be UTF-8".to_owned()));
        }
    }
    let dict = pyliteral::parse(text).map_err(|e| err(start + e.at, format!("in the header: {}", e.message)))?;
    let LitKind::Dict(entries) = dict.kind else {
        return Err(err(start + dict.at, "the header is not a dictionary".to_owned()));
    };
    let find = |key: &str| {
        entries.iter().rev().find(|(k, _)| k.kind == LitKind::Str(key.to_owned())).map(|(_, v)| v).ok_or_else(|| {
            err(start, format!("the header has no '{key}' key (it needs 'descr', 'fortran_order' and 'shape')"))
        })
    };
    let (descr, fortran, shape) = (find("descr")?, find("fortran_order")?, find("shape")?);
    let (kind, big_endian) = float_dtype(descr).map_err(|m| err(start + descr.at, m))?;
    let LitKind::Bool(fortran_order) = fortran.kind else {
        return Err(err(start + fortran.at, "'fortran_order' must be True or False".to_owned()));
    };
    let shape = dims(shape).map_err(|(at, m)| err(start + at, m))?;
    Ok(Header { kind, big_endian, fortran_order, shape, data_start: start + header_len })
}

/// The float kind and byte order of a `descr` such as `'<f4'`.
fn float_dtype(descr: &Lit) -> Result<(FloatKind, bool), String> {
    let LitKind::Str(text) = &descr.kind else {
        return Err("'descr' is a structured dtype; save a plain float array (e.g. a.astype(np.float32))".to_owned());
    };
    let (order, code) = text.split_at(text.find(['f', 'i', 'u', 'b', 'c', 'O', 'U', 'S', 'V', 'M', 'm']).unwrap_or(0));
    let kind = match code {
        "f2" => FloatKind::F16,
        "f4" => FloatKind::F32,
        "f8" => FloatKind::F64,
        _ => {
            return Err(format!(
                "dtype '{text}' is not supported: save float16, float32 or float64 (e.g. a.astype(np.float32))"
            ))
        }
    };
    match order {
        // '=' is the machine's order, little-endian wherever NumPy runs today.
        "<" | "=" | "" => Ok((kind, false)),
        ">" => Ok((kind, true)),
        _ => Err(format!("dtype '{text}' has an unknown byte order (expected '<' or '>')")),
    }
}

/// The `shape` tuple as sizes; an error carries the byte (in the header) of the bad item.
fn dims(shape: &Lit) -> Result<Vec<usize>, (usize, String)> {
    let (LitKind::Tuple(items) | LitKind::List(items)) = &shape.kind else {
        return Err((shape.at, "'shape' must be a tuple of integers".to_owned()));
    };
    items
        .iter()
        .map(|item| match item.kind {
            LitKind::Int(n) => {
                usize::try_from(n).map_err(|_| (item.at, format!("'shape' has the size {n}, which is not possible")))
            }
            _ => Err((item.at, "'shape' must be a tuple of integers".to_owned())),
        })
        .collect()
}

/// A shape as Python prints it: `()`, `(5,)`, `(3, 4, 5)`.
fn python_shape(shape: &[usize]) -> String {
    match shape {
        [one] => format!("({one},)"),
        _ => format!("({})", shape.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")),
    }
}

/// `m` as a version 1.0 `.npy` file of `<f4` in C order, byte for byte what `np.save` writes for
/// the same float32 array: the header padded with spaces so the data starts on a 64-byte
/// boundary, ending in a newline. The header takes its shape from `rows` and `cols` and the data
/// is `values` as they are; keep them consistent.
pub fn write_npy_f32(m: &Matrix) -> Vec<u8> {
    let rows = m.rows.to_string();
    let mut header = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {}), }}", m.cols);
    // Room to grow the first axis in place, as NumPy leaves it.
    header.push_str(&" ".repeat(GROWTH_AXIS_MAX_DIGITS.saturating_sub(rows.len())));
    let before = MAGIC.len() + 2 + 2;
    let pad = ARRAY_ALIGN - (before + header.len() + 1) % ARRAY_ALIGN;
    header.push_str(&" ".repeat(pad));
    header.push('\n');
    let mut out = Vec::with_capacity(before + header.len() + m.values.len() * 4);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[1, 0]);
    // The header is under 200 bytes, far inside u16.
    out.extend_from_slice(&u16::try_from(header.len()).unwrap_or(u16::MAX).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    for v in &m.values {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn npy(header: &str, data: &[u8]) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&[1, 0]);
        out.extend_from_slice(&u16::try_from(header.len()).unwrap_or_else(|e| panic!("{e}")).to_le_bytes());
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn round_trips_through_the_writer() {
        let m = Matrix::from_vec(2, 3, vec![1.0, -2.0, 3.5, 0.0, 1e-3, 7.0]).unwrap_or_else(|| panic!("shape"));
        let bytes = write_npy_f32(&m);
        assert_eq!(bytes.len() % ARRAY_ALIGN, 24 % ARRAY_ALIGN);
        assert_eq!(parse_npy(&bytes), Ok(m));
    }

    #[test]
    fn hand_written_headers_in_any_key_order() {
        let data: Vec<u8> = [1.0f32, 2.0].iter().flat_map(|v| v.to_le_bytes()).collect();
        let header = "{ \"shape\" : [1,2],'fortran_order':True,'descr':'<f4'}\n";
        let m = parse_npy(&npy(header, &data)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((m.rows, m.cols, m.values), (1, 2, vec![1.0, 2.0]));
    }

    #[test]
    fn header_errors_name_their_byte() {
        let data = [0u8; 8];
        let err = |header: &str| parse_npy(&npy(header, &data)).err().map(|e| e.to_string());
        assert_eq!(
            err("{'descr': '<i4', 'fortran_order': False, 'shape': (1, 2)}"),
            Some(
                "npy file at byte 20: dtype '<i4' is not supported: save float16, float32 or float64 \
                 (e.g. a.astype(np.float32))"
                    .into()
            )
        );
        assert_eq!(
            err("{'descr': '<f4', 'shape': (1, 2)}"),
            Some(
                "npy file at byte 10: the header has no 'fortran_order' key \
                 (it needs 'descr', 'fortran_order' and 'shape')"
                    .into()
            )
        );
        assert_eq!(
            err("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 2)}"),
            Some("npy file at byte 61: 'shape' has the size -1, which is not possible".into())
        );
        assert_eq!(
            err("{'descr': '<f4', 'fortran_order': False, 'shape': ()}"),
            Some("expected a 2-D array [tokens, d_in], found shape ()".into())
        );
    }

    #[test]
    fn python_shapes() {
        assert_eq!(python_shape(&[]), "()");
        assert_eq!(python_shape(&[5]), "(5,)");
        assert_eq!(python_shape(&[3, 4, 5]), "(3, 4, 5)");
    }
}

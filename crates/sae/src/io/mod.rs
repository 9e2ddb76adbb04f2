//! Reading activations and weights from the files people bring: `.npy`, safetensors and CSV.
//! Every parser takes untrusted bytes from an upload: none panics, each bounds its memory by the
//! input's size, and every error says where in the file the problem is.

pub mod csv;
pub mod error;
mod floats;
pub mod limits;
pub mod npy;
mod pyliteral;
pub mod safetensors;
mod safetensors_write;
pub mod tensor;

pub use csv::parse_csv_matrix;
pub use error::InputError;
pub use limits::{check_size, MAX_UPLOAD_BYTES};
pub use npy::{parse_npy, write_npy_f32};
pub use safetensors::{activations_from_safetensors, parse_safetensors, SafeTensors};
pub use safetensors_write::write_safetensors;
pub use tensor::{Dtype, Tensor};

use crate::Matrix;

/// Parses an uploaded activation matrix `[tokens, d_in]`, choosing the format by the file name's
/// extension (case-insensitive): `.npy`, `.safetensors`, or `.csv` / `.tsv` / `.txt` (UTF-8 text).
pub fn parse_activations(file_name: &str, bytes: &[u8]) -> Result<Matrix, InputError> {
    limits::check_len(bytes.len())?;
    let extension = file_name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "npy" => parse_npy(bytes),
        "safetensors" => activations_from_safetensors(&parse_safetensors(bytes)?),
        "csv" | "tsv" | "txt" => parse_csv_matrix(utf8(bytes)?),
        _ => Err(InputError::Extension { file_name: file_name.to_owned() }),
    }
}

/// `bytes` as text, or an error at the first byte that is not UTF-8.
fn utf8(bytes: &[u8]) -> Result<&str, InputError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let line = 1 + bytes.get(..offset).unwrap_or_default().iter().filter(|&&b| b == b'\n').count();
        InputError::Utf8 { offset, line }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispatches_on_the_extension() {
        let m = parse_activations("acts.CSV", b"1,2\n3,4\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((m.rows, m.cols), (2, 2));
        assert!(matches!(parse_activations("acts.bin", b""), Err(InputError::Extension { .. })));
        assert!(matches!(parse_activations("npy", b""), Err(InputError::Extension { .. })));
    }

    #[test]
    fn bad_utf8_names_its_byte_and_line() {
        assert_eq!(parse_activations("a.tsv", b"1\t2\n3\t\xff\n"), Err(InputError::Utf8 { offset: 6, line: 2 }));
    }
}

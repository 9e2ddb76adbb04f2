//! What can be wrong with an uploaded file, always with where: a byte offset, a line and column,
//! or the row and column of a value, so the person can find and fix it.

use thiserror::Error;

/// A file that could not be read as activations or weights.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InputError {
    /// A malformed `.npy` file; `offset` is the byte where the problem is.
    #[error("npy file at byte {offset}: {message}")]
    Npy { offset: usize, message: String },

    /// A malformed safetensors file; `offset` is the byte where the problem is.
    #[error("safetensors file at byte {offset}: {message}")]
    Safetensors { offset: usize, message: String },

    /// A tensor whose contents cannot be turned into what was asked for (wrong dtype, bad value).
    #[error("tensor \"{name}\": {message}")]
    Tensor { name: String, message: String },

    /// A CSV cell or row that is not right; `line` and `column` count from 1.
    #[error("line {line}, column {column}: {message}")]
    Csv { line: usize, column: usize, message: String },

    /// Text that is not UTF-8; `offset` is the first bad byte, `line` counts from 1.
    #[error("byte {offset} (line {line}) is not valid UTF-8; save the file as UTF-8 text")]
    Utf8 { offset: usize, line: usize },

    /// A NaN, an infinity, or an f64 too large for f32, at `[row, col]` counting from 0.
    #[error("{array}: row {row}, column {col} (counting from 0) is {value}; values must be finite numbers")]
    NotFinite { array: String, row: usize, col: usize, value: String },

    /// A file over [`crate::io::MAX_UPLOAD_BYTES`].
    #[error("the file is {} MB, over the {} MB limit", megabytes(*bytes), megabytes(*limit))]
    TooLarge { bytes: u64, limit: u64 },

    /// An array whose shape is not the `[tokens, d_in]` matrix that was expected.
    #[error("{message}")]
    Shape { message: String },

    /// A file name whose extension says nothing this module reads.
    #[error("\"{file_name}\": expected a .npy, .safetensors, .csv, .tsv or .txt file")]
    Extension { file_name: String },
}

/// Bytes as megabytes with one decimal, for messages.
fn megabytes(bytes: u64) -> String {
    // Precision loss is fine: the number is for people to read.
    #[allow(clippy::cast_precision_loss)]
    let mb = bytes as f64 / (1024.0 * 1024.0);
    format!("{mb:.1}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_location() {
        let e = InputError::Csv { line: 3, column: 7, message: "NaN is not allowed".into() };
        assert_eq!(e.to_string(), "line 3, column 7: NaN is not allowed");
        let e = InputError::TooLarge { bytes: 600 * 1024 * 1024, limit: 512 * 1024 * 1024 };
        assert_eq!(e.to_string(), "the file is 600.0 MB, over the 512.0 MB limit");
        let e = InputError::Npy { offset: 10, message: "no 'shape' key".into() };
        assert_eq!(e.to_string(), "npy file at byte 10: no 'shape' key");
    }
}

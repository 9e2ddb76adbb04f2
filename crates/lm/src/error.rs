//! Typed errors: what is wrong and where (byte offset in the file, tensor or key name).

use thiserror::Error;

/// A GGUF file that cannot be read.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum GgufError {
    #[error("not a GGUF file: the first four bytes are {found:?}, not \"GGUF\"")]
    BadMagic { found: [u8; 4] },
    #[error("GGUF version {0} is not supported (2 and 3 are)")]
    UnsupportedVersion(u32),
    #[error("file truncated at byte {at}: {what} needs {need} more bytes")]
    Truncated { at: usize, what: String, need: usize },
    #[error("{what} at byte {at} is {count}, more than the {left} bytes left could hold")]
    AbsurdCount { at: usize, what: String, count: u64, left: u64 },
    #[error("{what} at byte {at} is not UTF-8")]
    BadUtf8 { at: usize, what: String },
    #[error("metadata value at byte {at}: {why}")]
    BadValue { at: usize, why: String },
    #[error("general.alignment {0} is not a power of two up to 65536")]
    BadAlignment(String),
    #[error("tensor type {id} at byte {at} is unknown")]
    UnknownTensorType { id: u32, at: usize },
    #[error("tensor {name:?} (entry at byte {at}): {why}")]
    BadTensor { name: String, at: usize, why: String },
    #[error("tensor {name:?} spans bytes {start}..{} but the file has {file_len}", start + size)]
    TensorPastEnd { name: String, start: u64, size: u64, file_len: u64 },
}

/// A model that cannot be loaded or run.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum LmError {
    #[error(transparent)]
    Gguf(#[from] GgufError),
    #[error("architecture {0:?} is not supported (only \"llama\" is)")]
    Architecture(String),
    #[error("metadata {key}: {why}")]
    Metadata { key: String, why: String },
    #[error("tensor {name}: {why}")]
    Tensor { name: String, why: String },
    #[error("the prompt and output need {needed} tokens, over this session's limit of {limit}")]
    TooLong { needed: usize, limit: usize },
    #[error("token id {id} is outside the vocabulary of {vocab}")]
    BadToken { id: u32, vocab: usize },
    #[error("out of memory: {0}")]
    OutOfMemory(String),
    #[error("{0}")]
    Invalid(String),
}

//! Errors of the SAE crate that are not about reading a file (those are [`crate::io::InputError`]).

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum SaeError {
    /// A setting out of its range, named.
    #[error("{setting}: {message}")]
    Setting { setting: &'static str, message: String },
    /// The data's width does not match the SAE's input.
    #[error("the data has {found} columns but the SAE expects d_in = {expected}")]
    Width { expected: usize, found: usize },
    /// Too little data for what was asked.
    #[error("{0}")]
    Data(String),
    /// The SAE, its optimiser and a batch would not fit the memory budget.
    #[error("this SAE needs {needed} for its weights, optimiser state and one batch; the limit here is {limit}")]
    TooBig { needed: String, limit: String },
    /// Synthetic data (its true features and one batch of codes) would not fit the budget.
    #[error("this data needs {needed} for its true features and one batch of their codes; the limit here is {limit}")]
    DataTooBig { needed: String, limit: String },
    /// Training produced a NaN or an infinity (usually a learning rate that is too high).
    #[error("training diverged at step {step}: the loss is {loss}; lower the learning rate")]
    Diverged { step: u64, loss: f32 },
    /// A weights file that is not a usable SAE.
    #[error("{0}")]
    Weights(String),
    /// Matrices whose shapes do not fit together (weights that do not match their configuration,
    /// or a product asked of the wrong operands).
    #[error(transparent)]
    Shape(#[from] crate::gemm::ShapeError),
}

pub(crate) fn setting(setting: &'static str, message: impl Into<String>) -> SaeError {
    SaeError::Setting { setting, message: message.into() }
}

//! Traces: splitting one into steps, and reading many from an upload.

mod batch;
mod steps;

pub use batch::{parse_batch, BatchError, BatchFormat};
pub use steps::{split, starts_numbered_step, Step, StepMode};

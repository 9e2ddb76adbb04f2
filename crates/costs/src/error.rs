//! The one error type of this crate: which input is wrong and why.

use std::fmt;

/// What is wrong with one named input field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct InputError {
    /// The field name as the CLI and the app call it (`gpus`, `peak_tflops`, ...).
    pub field: &'static str,
    pub problem: Problem,
}

/// The kinds of invalid input.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    NotFinite,
    NotPositive(f64),
    Negative(f64),
    NotWhole(f64),
    TooLarge { value: f64, max: f64 },
    OutOfRange { value: f64, min: f64, max: f64 },
    UnknownId(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NotFinite => write!(f, "must be a finite number"),
            Problem::NotPositive(v) => write!(f, "must be greater than zero (got {v})"),
            Problem::Negative(v) => write!(f, "must not be negative (got {v})"),
            Problem::NotWhole(v) => write!(f, "must be a whole number (got {v})"),
            Problem::TooLarge { value, max } => write!(f, "{value} is larger than the limit {max}"),
            Problem::OutOfRange { value, min, max } => {
                write!(f, "{value} is outside the range [{min}, {max}]")
            }
            Problem::UnknownId(id) => write!(f, "unknown id {id:?}"),
        }
    }
}

impl InputError {
    pub fn new(field: &'static str, problem: Problem) -> Self {
        Self { field, problem }
    }
}

/// A strictly positive, finite number no larger than `max`.
pub(crate) fn positive(field: &'static str, value: f64, max: f64) -> Result<f64, InputError> {
    in_range(field, value, f64::MIN_POSITIVE, max)
}

/// A finite number in `[min, max]` with `min > 0`. The lower bound exists so that ratios
/// stay finite: a run of 1e-308 hours would make MFU overflow to infinity.
pub(crate) fn in_range(field: &'static str, value: f64, min: f64, max: f64) -> Result<f64, InputError> {
    if !value.is_finite() {
        return Err(InputError::new(field, Problem::NotFinite));
    }
    if value <= 0.0 {
        return Err(InputError::new(field, Problem::NotPositive(value)));
    }
    if value > max {
        return Err(InputError::new(field, Problem::TooLarge { value, max }));
    }
    if value < min {
        return Err(InputError::new(field, Problem::OutOfRange { value, min, max }));
    }
    Ok(value)
}

/// A strictly positive whole number no larger than `max`.
pub(crate) fn positive_whole(field: &'static str, value: f64, max: f64) -> Result<f64, InputError> {
    let value = positive(field, value, max)?;
    if value.fract() != 0.0 {
        return Err(InputError::new(field, Problem::NotWhole(value)));
    }
    Ok(value)
}

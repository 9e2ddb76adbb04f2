//! Exact checking of the arithmetic written in a step: normalization (LaTeX, Unicode, GSM8K
//! annotations), tokens, unit words, exact expressions (64-bit fractions, big rationals when
//! those overflow), and the equation checks.

mod check;
mod compact;
mod expr;
mod lex;
mod mapped;
mod normalize;
mod number;
mod numbers;
mod value;

pub use check::{check_step, read_step, read_step_with, Check, ReadBuffers, Source, StepReading, Verdict};
pub use mapped::Mapped;
pub use number::{format as format_value, parse_decimal, rounding_tolerance, Value};
pub use numbers::{written_numbers, WrittenNumber};

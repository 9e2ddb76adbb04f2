//! Exact checking of the arithmetic written in a step: normalization (LaTeX, Unicode, GSM8K
//! annotations), tokens, unit words, expressions over big rationals, and the equation checks.

mod check;
mod compact;
mod expr;
mod lex;
mod mapped;
mod normalize;
mod number;
mod numbers;

pub use check::{check_step, read_step, Check, Source, StepReading, Verdict};
pub use mapped::Mapped;
pub use number::{format as format_value, parse_decimal, rounding_tolerance, Value};
pub use numbers::{written_numbers, WrittenNumber};

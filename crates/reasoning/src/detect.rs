//! The detectors: arithmetic (in `crate::arith`), self-contradiction, unsupported steps, and
//! the article's three rules as a baseline.

pub mod baseline;
pub mod contradiction;
pub mod unsupported;

use crate::arith::{Check, WrittenNumber};

/// One step as the detectors see it: its text, where it starts in the trace, its number, and what
/// the calculator read from it (once per step, shared by every detector).
#[derive(Debug, Clone, Copy)]
pub struct StepView<'a> {
    pub text: &'a str,
    pub base: usize,
    pub index: usize,
    pub checks: &'a [Check],
    pub numbers: &'a [WrittenNumber],
}

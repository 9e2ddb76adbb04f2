//! The detectors: arithmetic (in `crate::arith`), self-contradiction, unsupported steps, and
//! the article's three rules as a baseline.

pub mod baseline;
pub mod contradiction;
pub mod unsupported;

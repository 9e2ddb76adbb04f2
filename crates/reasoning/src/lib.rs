//! Reliable reasoning: checks chain-of-thought traces, solves and checks constraint problems,
//! and generates reasoning probes whose answers can be graded exactly.
//!
//! Nothing here knows about the web; the CLI (`frontier cot|csp|probe`) and the page share it.

pub mod analyze;
pub mod arith;
pub mod batch;
pub mod csp;
pub mod detect;
pub mod finding;
pub mod probes;
mod scan;
pub mod score;
pub mod synthetic;
pub mod trace;
mod vocabulary;

pub use analyze::{analyze, Analysis, Options};
pub use finding::{Finding, FindingType};

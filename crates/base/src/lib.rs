//! Foundations shared by the analysis crates, so that each exists once: a seeded random-number
//! generator (`rng`), a CSV reader and writer with located errors (`csv`), and the size limits
//! every upload and allocation is checked against (`limits`), and the estimate of an analysis's
//! work that decides whether it may start without a click (`work`).
//!
//! Like every core crate, this one knows nothing of the web, reads no clock and draws no OS
//! randomness: seeds come from the caller.

pub mod csv;
pub mod limits;
pub mod rng;
pub mod work;

pub use rng::{SplitMix64, Xoshiro256pp};

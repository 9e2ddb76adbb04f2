//! Scalable oversight as games that run in a page: a judge who checks one step of a long
//! computation after a binary-search debate, a chain of imperfect verifiers (recursive reward
//! modelling), a judge who sees six pixels of a digit, and a strong student taught by a weak one.

pub mod debate;
pub mod pixel;
pub mod rrm;
pub mod weak_to_strong;

/// The seeded generator every game shares (the same numbers natively and in wasm).
pub use frontier_base::rng::SplitMix64;

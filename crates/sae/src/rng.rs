//! The SAE crates' seeded generator: the project's xoshiro256++ (`frontier_base::rng`), seeded
//! through SplitMix64, so that a seed gives the same data, initialisation and sampling natively
//! and in the browser.

pub use frontier_base::rng::Xoshiro256pp as Rng;

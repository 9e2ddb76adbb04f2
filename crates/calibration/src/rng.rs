//! The seeded generator of splits, bootstraps and sample data: the project's one SplitMix64,
//! re-exported so that `frontier_calibration::rng::SplitMix64` keeps naming it.

pub use frontier_base::rng::SplitMix64;

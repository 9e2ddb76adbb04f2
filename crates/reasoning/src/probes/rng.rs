//! The generator of probe items: the project's one SplitMix64 (`frontier_base::rng`), whose
//! `for_item` stream makes a (task, seed, index) triple give the same item everywhere.

pub use frontier_base::rng::SplitMix64;

//! Foundations shared by the analysis crates, so that each exists once: a seeded random-number
//! generator (`rng`), a CSV reader and writer with located errors (`csv`), and the size limits
//! every upload and allocation is checked against (`limits`), and the estimate of an analysis's
//! work that decides whether it may start without a click (`work`), and `same_str` for lookups by
//! name in constant tables.
//!
//! Like every core crate, this one knows nothing of the web, reads no clock and draws no OS
//! randomness: seeds come from the caller.

pub mod csv;
pub mod limits;
pub mod rng;
pub mod work;

pub use rng::{SplitMix64, Xoshiro256pp};

/// `a == b`, usable in a `const fn` (where `==` on `str` is not), for tables looked up by name
/// at compile time.
pub const fn same_str(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::same_str;

    // It works where it is meant to: in constant evaluation.
    const _: () = assert!(same_str("h100-sxm", "h100-sxm") && !same_str("h100-sxm", "h100-pcie"));

    #[test]
    fn same_str_compares_bytes() {
        let names = ["h100", "h100-sxm", "a100", ""];
        let equal: Vec<(usize, usize)> =
            (0..4).flat_map(|i| (0..4).map(move |j| (i, j))).filter(|&(i, j)| same_str(names[i], names[j])).collect();
        assert_eq!(equal, vec![(0, 0), (1, 1), (2, 2), (3, 3)]);
    }
}

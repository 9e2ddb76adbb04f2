//! Bin assignment under each convention, reproducing each library's edge behaviour exactly.
//!
//! Equal-width edges are not all exact in f64: numpy's `linspace(0, 1, 11)` gives
//! 0.30000000000000004, 0.6000000000000001 and 0.7000000000000001, torch's linspace fills
//! its upper half from the end (so 0.6 and 0.7 are exact), and the article skips edges
//! altogether with `min(floor(c · B), B − 1)`. A confidence of exactly 0.3 therefore lands
//! in bin 3 or bin 2 depending on the library.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Binning {
    /// The article: bin = min(floor(c · B), B − 1), so bins are [lo, hi) and 1.0 is in the last.
    #[default]
    Article,
    /// numpy-linspace edges, [lo, hi) with the last bin closed (netcal).
    Linspace,
    /// (lo, hi] with the first bin [0, hi] (scikit-learn's calibration_curve, Kumar et al.).
    RightClosed,
    /// torch-linspace edges and `bucketize(right=True) − 1`: c = 1.0 gets its own extra bin.
    Torchmetrics,
    /// Equal mass: edges at the empirical quantiles, equal confidences always share a bin.
    Quantile,
}

impl Binning {
    pub const ALL: [Binning; 5] =
        [Binning::Article, Binning::Linspace, Binning::RightClosed, Binning::Torchmetrics, Binning::Quantile];

    pub fn id(self) -> &'static str {
        match self {
            Binning::Article => "article",
            Binning::Linspace => "linspace",
            Binning::RightClosed => "right-closed",
            Binning::Torchmetrics => "torchmetrics",
            Binning::Quantile => "quantile",
        }
    }

    pub fn from_id(id: &str) -> Option<Binning> {
        Self::ALL.into_iter().find(|b| b.id() == id)
    }
}

/// numpy.linspace(0, 1, bins + 1): start + i · step, the last point set to exactly 1.
pub fn numpy_edges(bins: usize) -> Vec<f64> {
    let step = 1.0 / bins as f64;
    let mut edges: Vec<f64> = (0..=bins).map(|i| i as f64 * step).collect();
    if let Some(last) = edges.last_mut() {
        *last = 1.0;
    }
    edges
}

/// torch.linspace(0, 1, bins + 1) in float64: the first half counts up from 0, the second
/// half down from 1 (ATen's symmetric fill).
pub fn torch_edges(bins: usize) -> Vec<f64> {
    let steps = bins + 1;
    let step = 1.0 / bins as f64;
    let halfway = steps / 2;
    (0..steps).map(|i| if i < halfway { i as f64 * step } else { 1.0 - step * (steps - 1 - i) as f64 }).collect()
}

/// Bin index of each confidence; `None` means the convention puts it in no bin. Returns the
/// number of slots (B, or B + 1 for torchmetrics, or the distinct quantile bins).
pub fn assign(confidences: &[f64], bins: usize, binning: Binning) -> (Vec<Option<usize>>, usize) {
    match binning {
        Binning::Article => {
            let b = bins as f64;
            (confidences.iter().map(|&c| Some(((c * b).floor() as usize).min(bins - 1))).collect(), bins)
        }
        Binning::Linspace => {
            let edges = numpy_edges(bins);
            // netcal clips to [eps, 1 − eps] first, which only moves 0 and 1 inside.
            let idx = |c: f64| edges[1..bins].iter().filter(|&&e| e <= c).count();
            (confidences.iter().map(|&c| Some(idx(c).min(bins - 1))).collect(), bins)
        }
        Binning::RightClosed => {
            let edges = numpy_edges(bins);
            let idx = |c: f64| edges[1..bins].iter().filter(|&&e| e < c).count();
            (confidences.iter().map(|&c| Some(idx(c))).collect(), bins)
        }
        Binning::Torchmetrics => {
            let edges = torch_edges(bins);
            let idx = |c: f64| edges.iter().filter(|&&e| e <= c).count().checked_sub(1);
            (confidences.iter().map(|&c| idx(c)).collect(), bins + 1)
        }
        Binning::Quantile => quantile_assign(confidences, bins),
    }
}

/// Row indices in ascending order of `values` (ties in no particular order). Sorting the
/// (value, index) pairs themselves keeps the comparisons in cache, several times faster on a
/// million rows than sorting indices that point back into `values`.
pub fn ascending_order(values: &[f64]) -> Vec<usize> {
    let mut pairs: Vec<(f64, usize)> = values.iter().copied().zip(0..).collect();
    pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    pairs.into_iter().map(|(_, i)| i).collect()
}

/// Equal-mass bins whose edges are values of the data: sort, then cut after every
/// `n / bins` items, but never between equal confidences (a cut that would split a run of
/// ties moves to the end of the run). Constant confidences give one bin.
fn quantile_assign(confidences: &[f64], bins: usize) -> (Vec<Option<usize>>, usize) {
    let n = confidences.len();
    let order = ascending_order(confidences);
    let mut out = vec![None; n];
    let mut bin = 0;
    let mut start = 0;
    while start < n {
        let target = ((bin + 1) * n).div_ceil(bins).max(start + 1).min(n);
        let mut end = target;
        while end < n && confidences[order[end]] == confidences[order[end - 1]] {
            end += 1;
        }
        for &i in &order[start..end] {
            out[i] = Some(bin);
        }
        bin += 1;
        start = end;
    }
    (out, bin.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EDGE_CASES: [f64; 6] = [0.0, 0.1, 0.3, 0.6, 0.7, 1.0];

    fn bins_of(b: Binning) -> Vec<Option<usize>> {
        assign(&EDGE_CASES, 10, b).0
    }

    #[test]
    fn edges_are_the_libraries_floats() {
        let np = numpy_edges(10);
        assert_eq!(np[3], 0.30000000000000004);
        assert_eq!(np[6], 0.6000000000000001);
        assert_eq!(np[7], 0.7000000000000001);
        let t = torch_edges(10);
        assert_eq!(t[3], 0.30000000000000004);
        assert_eq!(t[6], 0.6);
        assert_eq!(t[7], 0.7);
    }

    #[test]
    fn each_convention_places_the_edge_values_as_its_library_does() {
        // References, table of conventions (calibration_cot.md §A2).
        assert_eq!(bins_of(Binning::Article), [0, 1, 3, 6, 7, 9].map(Some));
        assert_eq!(bins_of(Binning::Linspace), [0, 1, 2, 5, 6, 9].map(Some));
        assert_eq!(bins_of(Binning::RightClosed), [0, 0, 2, 5, 6, 9].map(Some));
        assert_eq!(bins_of(Binning::Torchmetrics), [0, 1, 2, 6, 7, 10].map(Some));
    }

    #[test]
    fn quantile_bins_keep_ties_together() {
        let (bins, slots) = assign(&[0.7; 8], 4, Binning::Quantile);
        assert_eq!(slots, 1);
        assert!(bins.iter().all(|b| *b == Some(0)));
        let (bins, slots) = assign(&[0.1, 0.2, 0.2, 0.2, 0.9, 0.95], 3, Binning::Quantile);
        assert_eq!(slots, 3);
        // The first cut (after 2 items) would split the three 0.2s, so it moves after them.
        assert_eq!(bins, [0, 0, 0, 0, 1, 2].map(Some));
    }
}

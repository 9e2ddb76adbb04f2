//! Abstention: answer only above a confidence threshold. The risk–coverage curve, its area
//! (AURC) and the excess over the best possible ordering (E-AURC), tie-aware.

use serde::{Deserialize, Serialize};

/// One point of the curve: answering every row with confidence ≥ `threshold`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CoveragePoint {
    pub threshold: f64,
    pub coverage: f64,
    pub risk: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskCoverage {
    pub curve: Vec<CoveragePoint>,
    pub aurc: f64,
    /// AURC of a perfect ordering (all errors last): r + (1 − r) ln(1 − r), r the error rate.
    pub optimal_aurc: f64,
    pub e_aurc: f64,
}

/// The curve at every distinct confidence (ties move together: a threshold cannot separate
/// equal confidences). AURC averages, over rows, the risk at each row's own threshold.
pub fn risk_coverage(conf: &[f64], correct: &[bool]) -> Option<RiskCoverage> {
    let n = conf.len();
    if n == 0 || n != correct.len() {
        return None;
    }
    // Most confident first; ties are taken as one group below, so their order is immaterial.
    let mut order = crate::binning::ascending_order(conf);
    order.reverse();
    let mut curve = Vec::new();
    let (mut errors, mut area) = (0usize, 0.0);
    let mut i = 0;
    while i < n {
        let c = conf[order[i]];
        let start = i;
        while i < n && conf[order[i]] == c {
            errors += usize::from(!correct[order[i]]);
            i += 1;
        }
        let risk = errors as f64 / i as f64;
        area += (i - start) as f64 * risk;
        curve.push(CoveragePoint { threshold: c, coverage: i as f64 / n as f64, risk });
    }
    let aurc = area / n as f64;
    let r = errors as f64 / n as f64;
    let optimal_aurc = if r < 1.0 { r + (1.0 - r) * (1.0 - r).ln() } else { 1.0 };
    Some(RiskCoverage { curve, aurc, optimal_aurc, e_aurc: aurc - optimal_aurc })
}

impl RiskCoverage {
    /// At most about `max_points` points of the curve for drawing: the first and last, and
    /// the first point past each step of 1 / `max_points` in coverage. A million rows have
    /// hundreds of thousands of distinct confidences; a chart needs a few hundred.
    pub fn thinned(&self, max_points: usize) -> Vec<CoveragePoint> {
        let step = 1.0 / max_points.max(1) as f64;
        let mut out: Vec<CoveragePoint> = Vec::with_capacity(max_points + 2);
        let mut next = 0.0;
        for (i, p) in self.curve.iter().enumerate() {
            if p.coverage >= next || i + 1 == self.curve.len() {
                out.push(*p);
                next = p.coverage + step;
            }
        }
        out
    }
}

/// Answering only rows with confidence ≥ `threshold`: (coverage, accuracy of what is
/// answered, rows abstained on). Accuracy is `None` when nothing is answered.
pub fn at_threshold(conf: &[f64], correct: &[bool], threshold: f64) -> (f64, Option<f64>, usize) {
    let answered: Vec<bool> = conf.iter().zip(correct).filter(|(c, _)| **c >= threshold).map(|(_, ok)| *ok).collect();
    let n = conf.len().max(1) as f64;
    let accuracy =
        (!answered.is_empty()).then(|| answered.iter().filter(|&&ok| ok).count() as f64 / answered.len() as f64);
    (answered.len() as f64 / n, accuracy, conf.len() - answered.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_curve() {
        // Sorted: 0.9 ok, 0.8 wrong, 0.7 ok, 0.6 ok. Risks at each row: 0, 1/2, 1/3, 1/4;
        // AURC = (0 + 0.5 + 0.3333 + 0.25) / 4 = 0.270833.
        let r = risk_coverage(&[0.7, 0.9, 0.6, 0.8], &[true, true, true, false]).unwrap_or_else(|| unreachable!());
        assert!((r.aurc - 0.2708333333333333).abs() < 1e-12);
        assert_eq!(r.curve.len(), 4);
        // r = 0.25: optimal 0.25 + 0.75 ln 0.75 = 0.034239.
        assert!((r.optimal_aurc - (0.25 + 0.75 * 0.75f64.ln())).abs() < 1e-12);
    }

    #[test]
    fn threshold_by_hand() {
        let (coverage, accuracy, abstained) = at_threshold(&[0.7, 0.9, 0.6, 0.8], &[true, true, true, false], 0.75);
        assert_eq!((coverage, accuracy, abstained), (0.5, Some(0.5), 2));
        assert_eq!(at_threshold(&[0.5], &[true], 0.9), (0.0, None, 1));
    }

    #[test]
    fn thinning_keeps_the_ends_and_one_point_per_step() {
        // 1000 distinct confidences, coverage 0.001 … 1.
        let conf: Vec<f64> = (0..1000).map(|i| f64::from(i) / 1000.0).collect();
        let ok: Vec<bool> = (0..1000).map(|i| i % 3 != 0).collect();
        let r = risk_coverage(&conf, &ok).unwrap_or_else(|| unreachable!());
        let thin = r.thinned(10);
        // Coverage 0.001, then the first point at or past 0.101, 0.201, …: 10 points plus the last.
        assert_eq!(thin.len(), 11);
        assert_eq!(thin.first().map(|p| p.coverage), Some(0.001));
        assert_eq!(thin.last(), r.curve.last());
        // Steps of at least 0.1 (up to rounding), but for the forced last point at 1.0 after 0.901.
        assert!(thin[..10].windows(2).all(|w| w[1].coverage - w[0].coverage >= 0.1 - 1e-12));
    }

    #[test]
    fn ties_share_one_threshold() {
        // All at 0.5 with one error in four: a single point, AURC = 1/4 for every row.
        let r = risk_coverage(&[0.5; 4], &[true, false, true, true]).unwrap_or_else(|| unreachable!());
        assert_eq!(r.curve.len(), 1);
        assert!((r.aurc - 0.25).abs() < 1e-12);
    }
}

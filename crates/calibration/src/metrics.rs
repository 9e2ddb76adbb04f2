//! Metrics over binned confidences: ECE, MCE, RMS calibration error, Kumar et al.'s debiased
//! l2, equal-mass ECE, Brier, top-label log loss and accuracy.
//!
//! Formulas (references, calibration_cot.md §A1): with n_b items in bin b, acc_b their
//! accuracy and conf_b their mean confidence, ECE = Σ_b (n_b / N) |acc_b − conf_b| (empty
//! bins contribute nothing), MCE = max over non-empty bins of |acc_b − conf_b|,
//! RMSCE = sqrt(Σ_b (n_b / N)(acc_b − conf_b)²), debiased l2 =
//! sqrt(max(0, Σ_b (n_b / N)[(conf_b − acc_b)² − acc_b(1 − acc_b)/(n_b − 1)])) over bins with
//! n_b ≥ 2.

use serde::{Deserialize, Serialize};

use crate::binning::{assign, Binning};

/// One bin of the reliability table. `lo`/`hi` are the nominal bounds of the bin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BinStats {
    pub lo: f64,
    pub hi: f64,
    pub count: usize,
    /// `None` for an empty bin.
    pub accuracy: Option<f64>,
    pub confidence: Option<f64>,
}

/// Metrics for top-label confidences (one confidence and one correct flag per row).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub n: usize,
    pub binning: Binning,
    pub accuracy: f64,
    pub mean_confidence: f64,
    pub ece: f64,
    pub mce: f64,
    pub rmsce: f64,
    pub debiased_l2: f64,
    pub ece_equal_mass: f64,
    /// Top-label Brier score: mean (c − correct)².
    pub brier: f64,
    /// Top-label log loss: the confidence read as the probability of being right, so
    /// mean of −ln c over right rows and −ln(1 − c) over wrong ones, each probability clipped
    /// below at [`NLL_CLIP`] as the class NLL is (the binary cross-entropy of the correct
    /// flag). On a `p,label` file it equals the class NLL; on a multiclass file it does not,
    /// since it ignores how the rest of the mass is spread.
    pub nll_top_label: f64,
    /// Rows the convention put in no bin (they still count in N).
    pub unbinned: usize,
    pub bins: Vec<BinStats>,
}

fn bin_bounds(binning: Binning, bins: usize, slot: usize, slots: usize, members: &[f64]) -> (f64, f64) {
    match binning {
        Binning::Quantile => {
            let lo = members.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = members.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            (lo, hi)
        }
        Binning::Torchmetrics if slot == slots - 1 => (1.0, 1.0),
        _ => (slot as f64 / bins as f64, (slot + 1) as f64 / bins as f64),
    }
}

/// Per-bin statistics and the binned metrics for one convention.
fn binned(
    confidences: &[f64],
    correct: &[bool],
    bins: usize,
    binning: Binning,
) -> (Vec<BinStats>, f64, f64, f64, f64, usize) {
    let n = confidences.len() as f64;
    let (assignment, slots) = assign(confidences, bins, binning);
    let mut count = vec![0usize; slots];
    let mut sum_conf = vec![0.0; slots];
    let mut sum_acc = vec![0.0; slots];
    let mut members: Vec<Vec<f64>> = vec![Vec::new(); slots];
    let mut unbinned = 0;
    for ((slot, &c), &ok) in assignment.iter().zip(confidences).zip(correct) {
        match slot {
            Some(s) => {
                count[*s] += 1;
                sum_conf[*s] += c;
                sum_acc[*s] += f64::from(u8::from(ok));
                if binning == Binning::Quantile {
                    members[*s].push(c);
                }
            }
            None => unbinned += 1,
        }
    }
    let (mut ece, mut mce, mut sq, mut debiased) = (0.0, 0.0_f64, 0.0, 0.0);
    let mut stats = Vec::with_capacity(slots);
    for s in 0..slots {
        let (lo, hi) = bin_bounds(binning, bins, s, slots, &members[s]);
        if count[s] == 0 {
            stats.push(BinStats { lo, hi, count: 0, accuracy: None, confidence: None });
            continue;
        }
        let k = count[s] as f64;
        let (acc, conf) = (sum_acc[s] / k, sum_conf[s] / k);
        let gap = (acc - conf).abs();
        ece += k / n * gap;
        mce = mce.max(gap);
        sq += k / n * gap * gap;
        if count[s] >= 2 {
            debiased += k / n * (gap * gap - acc * (1.0 - acc) / (k - 1.0));
        }
        stats.push(BinStats { lo, hi, count: count[s], accuracy: Some(acc), confidence: Some(conf) });
    }
    (stats, ece, mce, sq.sqrt(), debiased.max(0.0).sqrt(), unbinned)
}

/// Evaluates top-label calibration. `confidences` must be in [0, 1] and as long as
/// `correct` (the parser guarantees both); `bins` is at least 1.
pub fn evaluate(confidences: &[f64], correct: &[bool], bins: usize, binning: Binning) -> Report {
    let bins = bins.max(1);
    let n = confidences.len();
    let nf = (n as f64).max(1.0);
    let (stats, ece, mce, rmsce, debiased_l2, unbinned) = binned(confidences, correct, bins, binning);
    let ece_equal_mass = binned(confidences, correct, bins, Binning::Quantile).1;
    let hits = correct.iter().filter(|&&c| c).count() as f64;
    let brier =
        confidences.iter().zip(correct).map(|(&c, &ok)| (c - f64::from(u8::from(ok))).powi(2)).sum::<f64>() / nf;
    let nll_top_label = confidences
        .iter()
        .zip(correct)
        .map(|(&c, &ok)| -(if ok { c } else { 1.0 - c }).max(NLL_CLIP).ln())
        .sum::<f64>()
        / nf;
    Report {
        n,
        binning,
        accuracy: hits / nf,
        mean_confidence: confidences.iter().sum::<f64>() / nf,
        ece,
        mce,
        rmsce,
        debiased_l2,
        ece_equal_mass,
        brier,
        nll_top_label,
        unbinned,
        bins: stats,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The article's own `compute_calibration_error`, transcribed line by line, as an
    /// independent check of the default convention.
    fn article_ece(conf: &[f64], correct: &[bool]) -> f64 {
        let num_bins = 10;
        let mut bin_correct = [0.0; 10];
        let mut bin_confidence = [0.0; 10];
        let mut bin_count = [0.0; 10];
        for (&c, &ok) in conf.iter().zip(correct) {
            let idx = ((c * num_bins as f64) as usize).min(num_bins - 1);
            bin_count[idx] += 1.0;
            bin_confidence[idx] += c;
            if ok {
                bin_correct[idx] += 1.0;
            }
        }
        let total: f64 = bin_count.iter().sum();
        (0..num_bins)
            .filter(|&i| bin_count[i] > 0.0)
            .map(|i| bin_count[i] / total * (bin_correct[i] / bin_count[i] - bin_confidence[i] / bin_count[i]).abs())
            .sum()
    }

    #[test]
    fn hand_computed_two_bin_example() {
        // Bin 9: 0.9, 0.95 with one correct → acc 0.5, conf 0.925, gap 0.425.
        // Bin 6: 0.6, 0.65 both correct → acc 1, conf 0.625, gap 0.375.
        // ECE = 0.5·0.425 + 0.5·0.375 = 0.4; MCE 0.425; RMSCE sqrt(0.5·0.180625 + 0.5·0.140625).
        let r = evaluate(&[0.9, 0.95, 0.6, 0.65], &[true, false, true, true], 10, Binning::Article);
        assert!((r.ece - 0.4).abs() < 1e-12);
        assert!((r.mce - 0.425).abs() < 1e-12);
        assert!((r.rmsce - (0.5f64 * 0.180625 + 0.5 * 0.140625).sqrt()).abs() < 1e-12);
        assert!((r.accuracy - 0.75).abs() < 1e-12);
        assert_eq!(r.bins.iter().filter(|b| b.count > 0).count(), 2);
    }

    #[test]
    fn matches_the_articles_code_on_edge_values() {
        let conf = [0.0, 0.1, 0.3, 0.6, 0.7, 1.0, 0.3, 0.6, 0.05, 0.95, 0.42, 0.88];
        let correct = [false, true, true, false, true, true, false, true, true, false, false, true];
        let r = evaluate(&conf, &correct, 10, Binning::Article);
        assert!((r.ece - article_ece(&conf, &correct)).abs() < 1e-15);
    }

    #[test]
    fn top_label_log_loss_by_hand() {
        // −(ln 0.9 + ln(1 − 0.95) + ln 0.6 + ln 0.65) / 4
        //   = (0.1053605 + 2.9957323 + 0.5108256 + 0.4307829) / 4 = 1.0106753.
        let r = evaluate(&[0.9, 0.95, 0.6, 0.65], &[true, false, true, true], 10, Binning::Article);
        assert!((r.nll_top_label - 1.0106753).abs() < 1e-6, "{}", r.nll_top_label);
        // Certainty that is wrong is clipped, not infinite: −ln(1e-15) / 2 = 17.2694.
        let r = evaluate(&[1.0, 1.0], &[true, false], 10, Binning::Article);
        assert!((r.nll_top_label - 17.269_388).abs() < 1e-5, "{}", r.nll_top_label);
    }

    #[test]
    fn torchmetrics_puts_certainty_in_its_own_bin() {
        let r = evaluate(&[1.0, 0.95], &[true, false], 10, Binning::Torchmetrics);
        assert_eq!(r.bins.len(), 11);
        assert_eq!(r.bins[10].count, 1);
        assert_eq!(r.bins[9].count, 1);
    }

    #[test]
    fn constant_confidence_equal_mass_is_the_global_gap() {
        // D4 of the references: all 0.7; tie-aware equal mass gives |acc − 0.7| = 0.05.
        let correct: Vec<bool> = (0..20).map(|i| i % 4 != 0).collect(); // 15 of 20 correct.
        let r = evaluate(&[0.7; 20], &correct, 10, Binning::Article);
        assert!((r.ece_equal_mass - 0.05).abs() < 1e-12);
    }
}

/// Metrics that need every class's probability: NLL and the full (multiclass) Brier score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClassMetrics {
    /// Mean −ln p(label), with p clipped below at [`NLL_CLIP`].
    pub nll: f64,
    /// Mean Σ_k (p_k − 1[y = k])², in [0, 2] (Brier 1950).
    pub brier_full: f64,
}

/// The clip that keeps NLL finite when a file gives probability 0 to the true class.
pub const NLL_CLIP: f64 = 1e-15;

/// NLL and full Brier from per-row class probabilities; `None` without probabilities.
pub fn class_metrics(probs: &[Vec<f64>], labels: &[usize]) -> Option<ClassMetrics> {
    if probs.is_empty() || probs.len() != labels.len() {
        return None;
    }
    let n = probs.len() as f64;
    let mut nll = 0.0;
    let mut brier = 0.0;
    for (p, &y) in probs.iter().zip(labels) {
        nll -= p.get(y)?.max(NLL_CLIP).ln();
        brier += p.iter().enumerate().map(|(k, &pk)| (pk - if k == y { 1.0 } else { 0.0 }).powi(2)).sum::<f64>();
    }
    Some(ClassMetrics { nll: nll / n, brier_full: brier / n })
}

//! Everything the calibration lab shows for one data set and one binning, in one call, so that
//! the page can run it where it fits: at once for small data, in its Web Worker for large data
//! (each metric is a pass or a sort over every row, and five million rows are allowed).

use serde::{Deserialize, Serialize};

use crate::data::{softmax, Dataset, Shape};
use crate::metrics::{class_metrics, evaluate, ClassMetrics, Report};
use crate::multiclass::{bootstrap_ece, classwise_ece, top_label_ece, Interval};
use crate::recalibrate::{held_out, HeldOut};
use crate::selective::{risk_coverage, RiskCoverage};
use crate::smece::smooth_ece;
use crate::temperature::{fit_temperature, logits_from_probabilities, TemperatureFit};
use crate::Binning;

/// Resamples of the bootstrap interval for ECE.
pub const BOOTSTRAP_RESAMPLES: usize = 200;
/// Bootstrap work (resamples × rows) above which the interval is skipped: 10,000 rows.
pub const BOOTSTRAP_BUDGET: usize = 2_000_000;
/// Points kept of the risk–coverage curve (one per distinct confidence otherwise): more than a
/// chart has pixels.
pub const CURVE_POINTS: usize = 400;
/// Rows (of two classes; see [`page_rows`]) up to which one analysis stays on the page: about
/// 0.1 s on a laptop (measured natively at a million rows: 0.1–0.4 s per metric, 1.2 s in all).
/// Larger data sets are analysed in the worker.
pub const MAIN_THREAD_ROWS: usize = 15_000;
/// Flop-equivalents per two-class row of [`analyse`] at
/// [`frontier_base::work::LAPTOP_FLOP_PER_S`]: 1.2 µs natively on a server core, about 2× that
/// in wasm and 3× again on a laptop core: 7.2 µs, 29,000 at 4 GFLOP/s.
pub const ANALYSIS_OPS_PER_ROW: f64 = 29_000.0;

/// A data set's size in two-class rows: the class-wise metrics and temperature scaling pass over
/// every class's score, so k classes cost about k / 2 rows of two.
pub fn page_rows(rows: usize, classes: usize) -> usize {
    rows.saturating_mul(classes.max(2)) / 2
}

/// Whether the page analyses a data set itself (otherwise its worker does).
pub fn on_page(d: &Dataset) -> bool {
    page_rows(d.confidences.len(), d.scores.first().map_or(0, Vec::len)) <= MAIN_THREAD_ROWS
}

/// What one analysis asks of the page's thread: all of it up to [`MAIN_THREAD_ROWS`], beyond
/// only encoding the rows for the worker (a copy of each value).
pub fn page_work(rows: usize, classes: usize) -> frontier_base::work::Work {
    let size = page_rows(rows, classes);
    let encoded_bytes = rows as u64 * (17 + 8 * classes as u64);
    if size <= MAIN_THREAD_ROWS {
        frontier_base::work::Work { flop: size as f64 * ANALYSIS_OPS_PER_ROW, bytes: 4 * encoded_bytes }
    } else {
        frontier_base::work::Work { flop: encoded_bytes as f64, bytes: 2 * encoded_bytes }
    }
}
/// Share of the rows the recalibration maps are fitted on; the rest measure them.
pub const FIT_FRACTION: f64 = 0.7;
/// The seed of the recalibration split and the bootstrap.
pub const SEED: u64 = 0;

/// What the lab shows of one data set under one binning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub report: Report,
    /// 95 % bootstrap interval of ECE; `None` above [`BOOTSTRAP_BUDGET`].
    pub interval: Option<Interval>,
    /// smECE and its bandwidth.
    pub smooth: Option<(f64, f64)>,
    pub classwise_ece: Option<f64>,
    pub top_label_ece: Option<f64>,
    pub class_metrics: Option<ClassMetrics>,
    pub held_out: Option<HeldOut>,
    pub temperature: Option<TemperatureFit>,
    /// AURC and the curve, thinned to [`CURVE_POINTS`].
    pub risk: Option<RiskCoverage>,
}

/// Every class's probability per row (none for the article's one-confidence shape).
pub fn probabilities(d: &Dataset) -> Vec<Vec<f64>> {
    match d.shape {
        Shape::Logits => d.scores.iter().map(|z| softmax(z)).collect(),
        Shape::Probabilities | Shape::Binary => d.scores.clone(),
        Shape::Article => Vec::new(),
    }
}

/// Logits per row, for temperature scaling.
fn logits(d: &Dataset) -> Vec<Vec<f64>> {
    match d.shape {
        Shape::Logits => d.scores.clone(),
        Shape::Probabilities | Shape::Binary => logits_from_probabilities(&d.scores),
        Shape::Article => Vec::new(),
    }
}

/// The whole analysis of `d` with `bins` bins under `binning`.
pub fn analyse(d: &Dataset, bins: usize, binning: Binning) -> Analysis {
    let (conf, correct) = (&d.confidences, &d.correct);
    let interval = (BOOTSTRAP_RESAMPLES * conf.len() <= BOOTSTRAP_BUDGET)
        .then(|| bootstrap_ece(conf, correct, bins, binning, BOOTSTRAP_RESAMPLES, SEED))
        .flatten();
    let probs = probabilities(d);
    let risk = risk_coverage(conf, correct).map(|rc| RiskCoverage { curve: rc.thinned(CURVE_POINTS), ..rc });
    Analysis {
        report: evaluate(conf, correct, bins, binning),
        interval,
        smooth: smooth_ece(conf, correct),
        classwise_ece: classwise_ece(&probs, &d.labels, bins, binning),
        top_label_ece: top_label_ece(&probs, &d.labels, bins, binning),
        class_metrics: class_metrics(&probs, &d.labels),
        held_out: held_out(conf, correct, bins, FIT_FRACTION, SEED),
        temperature: fit_temperature(&logits(d), &d.labels),
        risk,
    }
}

/// A data set as bytes for the worker: far cheaper to write and read than JSON at a million
/// rows. Skipped-row notes are left out (the analysis does not use them).
///
/// Layout, little-endian: `FLCAL1`, the shape (u8), rows n (u64), classes k (u64), then n
/// confidences (f64), n correct flags (u8), n labels (u64) and n × k scores (f64).
pub fn encode(d: &Dataset) -> Result<Vec<u8>, String> {
    let n = d.confidences.len();
    let k = d.scores.first().map_or(0, Vec::len);
    if d.correct.len() != n || d.labels.len() != n || !(d.scores.is_empty() || d.scores.len() == n) {
        return Err("the data set's columns differ in length".into());
    }
    if d.scores.iter().any(|row| row.len() != k) {
        return Err("the rows have different numbers of classes".into());
    }
    let mut out = Vec::with_capacity(23 + n * (17 + 8 * k));
    out.extend_from_slice(MAGIC);
    out.push(shape_code(d.shape));
    out.extend_from_slice(&(n as u64).to_le_bytes());
    out.extend_from_slice(&(if d.scores.is_empty() { 0 } else { k } as u64).to_le_bytes());
    d.confidences.iter().for_each(|c| out.extend_from_slice(&c.to_le_bytes()));
    out.extend(d.correct.iter().map(|&ok| u8::from(ok)));
    d.labels.iter().for_each(|&l| out.extend_from_slice(&(l as u64).to_le_bytes()));
    d.scores.iter().flatten().for_each(|s| out.extend_from_slice(&s.to_le_bytes()));
    Ok(out)
}

const MAGIC: &[u8; 6] = b"FLCAL1";

fn shape_code(shape: Shape) -> u8 {
    match shape {
        Shape::Article => 0,
        Shape::Probabilities => 1,
        Shape::Logits => 2,
        Shape::Binary => 3,
    }
}

/// Reads what [`encode`] wrote; sizes are checked before anything is allocated.
pub fn decode(bytes: &[u8]) -> Result<Dataset, String> {
    let rest = bytes.strip_prefix(MAGIC.as_slice()).ok_or("not an encoded data set")?;
    let (&shape, rest) = rest.split_first().ok_or("truncated after the magic")?;
    let shape = [Shape::Article, Shape::Probabilities, Shape::Logits, Shape::Binary]
        .into_iter()
        .find(|s| shape_code(*s) == shape)
        .ok_or_else(|| format!("unknown shape {shape}"))?;
    let (n, rest) = rest.split_first_chunk::<8>().ok_or("truncated before the row count")?;
    let (k, rest) = rest.split_first_chunk::<8>().ok_or("truncated before the class count")?;
    let (n, k) = (u64::from_le_bytes(*n), u64::from_le_bytes(*k));
    let expected = n.checked_mul(17 + k.checked_mul(8).ok_or("too many classes")?).ok_or("too many rows")?;
    if expected != rest.len() as u64 {
        return Err(format!("{n} rows of {k} classes need {expected} bytes; there are {}", rest.len()));
    }
    let (n, k) = (n as usize, k as usize);
    let f64s = |b: &[u8]| b.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().unwrap_or_default())).collect();
    let (confidences, rest) = rest.split_at(8 * n);
    let (correct, rest) = rest.split_at(n);
    let (labels, scores) = rest.split_at(8 * n);
    let scores: Vec<f64> = f64s(scores);
    let labels = labels
        .chunks_exact(8)
        .map(|c| usize::try_from(u64::from_le_bytes(c.try_into().unwrap_or_default())).map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    Ok(Dataset {
        shape,
        confidences: f64s(confidences),
        correct: correct.iter().map(|&b| b != 0).collect(),
        labels,
        scores: if k == 0 { Vec::new() } else { scores.chunks_exact(k).map(<[f64]>::to_vec).collect() },
        skipped: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples::DataChoice;

    #[test]
    fn a_data_set_survives_its_encoding() {
        for choice in DataChoice::SAMPLES {
            let Some(d) = choice.sample() else { continue };
            let back = decode(&encode(&d).unwrap_or_else(|e| panic!("{e}"))).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(back, Dataset { skipped: Vec::new(), ..d });
        }
    }

    #[test]
    fn broken_encodings_are_refused_before_allocating() {
        let d = DataChoice::SAMPLES.iter().find_map(|c| c.sample()).unwrap_or_else(|| panic!("no sample"));
        let bytes = encode(&d).unwrap_or_else(|e| panic!("{e}"));
        assert!(decode(&bytes[..bytes.len() - 1]).is_err());
        assert!(decode(b"FLCAL0").is_err());
        // A header that claims 2^60 rows of 2^40 classes: refused by its arithmetic.
        let mut huge = MAGIC.to_vec();
        huge.push(1);
        huge.extend_from_slice(&(1_u64 << 60).to_le_bytes());
        huge.extend_from_slice(&(1_u64 << 40).to_le_bytes());
        assert!(decode(&huge).is_err());
    }

    /// The analysis is the lab's functions run one by one: the same numbers, the curve thinned.
    #[test]
    fn the_analysis_is_each_metric() {
        let d = DataChoice::SAMPLES.iter().find_map(|c| c.sample()).unwrap_or_else(|| panic!("no sample"));
        let a = analyse(&d, 15, Binning::Article);
        assert_eq!(a.report, evaluate(&d.confidences, &d.correct, 15, Binning::Article));
        assert_eq!(a.smooth, smooth_ece(&d.confidences, &d.correct));
        let full = risk_coverage(&d.confidences, &d.correct).unwrap_or_else(|| panic!("no curve"));
        let thinned = a.risk.unwrap_or_else(|| panic!("no curve"));
        assert_eq!(thinned.aurc, full.aurc);
        assert!(thinned.curve.len() <= CURVE_POINTS + 2 && thinned.curve.last() == full.curve.last());
    }
}

//! The bundled example data sets, generated from fixed seeds so every visitor sees the same
//! numbers: an over-confident classifier, a well-calibrated one, and a 4-class set with
//! logits (over-confident by a factor of about 2.5 in temperature).

use serde::{Deserialize, Serialize};

use crate::data::{softmax, Dataset, Shape};
use crate::rng::SplitMix64;

/// Which data the calibration lab reads: a bundled sample, or the file the user gave (which
/// only the page holds). The serde name is the id links use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataChoice {
    Overconfident,
    Multiclass,
    Calibrated,
    Upload,
}

impl DataChoice {
    /// The bundled samples, in the order the page lists them.
    pub const SAMPLES: [DataChoice; 3] = [DataChoice::Overconfident, DataChoice::Multiclass, DataChoice::Calibrated];

    pub fn id(self) -> &'static str {
        match self {
            DataChoice::Overconfident => "overconfident",
            DataChoice::Multiclass => "multiclass",
            DataChoice::Calibrated => "calibrated",
            DataChoice::Upload => "upload",
        }
    }

    pub fn parse(id: &str) -> Option<DataChoice> {
        Self::SAMPLES.into_iter().chain([DataChoice::Upload]).find(|c| c.id() == id)
    }

    /// What a sample shows.
    pub fn description(self) -> &'static str {
        match self {
            DataChoice::Overconfident => {
                "An over-confident classifier: 1,000 answers, confidence about 15 points above accuracy"
            }
            DataChoice::Multiclass => {
                "A 4-class model's logits (600 rows): over-confident, fixed by temperature scaling"
            }
            DataChoice::Calibrated => "A well-calibrated model: 1,000 answers, correct as often as it says",
            DataChoice::Upload => "Your file",
        }
    }

    /// The sample's rows; `None` for the user's file.
    pub fn sample(self) -> Option<Dataset> {
        sample(self)
    }
}

fn sample(choice: DataChoice) -> Option<Dataset> {
    let empty = |shape| Dataset {
        shape,
        confidences: Vec::new(),
        correct: Vec::new(),
        labels: Vec::new(),
        scores: Vec::new(),
        skipped: Vec::new(),
    };
    match choice {
        DataChoice::Overconfident | DataChoice::Calibrated => {
            let mut rng = SplitMix64::new(if choice == DataChoice::Calibrated { 2 } else { 1 });
            let gap = if choice == DataChoice::Calibrated { 0.0 } else { 0.15 };
            let mut d = empty(Shape::Article);
            for _ in 0..1000 {
                let c = 0.5 + 0.5 * rng.next_f64();
                d.confidences.push(c);
                d.correct.push(rng.next_f64() < (c - gap).max(0.0));
                d.labels.push(0);
            }
            Some(d)
        }
        DataChoice::Multiclass => {
            let mut rng = SplitMix64::new(3);
            let mut d = empty(Shape::Logits);
            for _ in 0..600 {
                let label = rng.index(4);
                let logits: Vec<f64> =
                    (0..4).map(|k| 3.0 * (rng.normal() + if k == label { 1.2 } else { 0.0 })).collect();
                let p = softmax(&logits);
                let (pred, conf) =
                    p.iter().copied().enumerate().fold((0, 0.0), |b, (i, v)| if v > b.1 { (i, v) } else { b });
                d.confidences.push(conf);
                d.correct.push(pred == label);
                d.labels.push(label);
                d.scores.push(logits);
            }
            Some(d)
        }
        DataChoice::Upload => None,
    }
}

/// A self-consistency example: 200 questions with 12 sampled answers each. Each question has
/// its own chance of a right sample (uniform in 0.25–0.95); wrong samples spread over three
/// distractors, so voting helps most where the right answer is already the most likely.
pub fn consistency_sample() -> Vec<crate::consistency::Question> {
    let mut rng = SplitMix64::new(4);
    (0..200)
        .map(|q| {
            let p = 0.25 + 0.7 * rng.next_f64();
            let samples = (0..12)
                .map(|_| if rng.next_f64() < p { "42".to_string() } else { format!("{}", 40 + rng.index(3) * 3) })
                .collect();
            crate::consistency::Question { id: format!("q{}", q + 1), samples, gold: "42".into() }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{evaluate, Binning};

    #[test]
    fn samples_show_what_they_claim() {
        let over = DataChoice::Overconfident.sample().unwrap_or_else(|| unreachable!());
        let calibrated = DataChoice::Calibrated.sample().unwrap_or_else(|| unreachable!());
        let e_over = evaluate(&over.confidences, &over.correct, 10, Binning::Article).ece;
        let e_cal = evaluate(&calibrated.confidences, &calibrated.correct, 10, Binning::Article).ece;
        assert!(e_over > 0.1 && e_cal < 0.06, "{e_over} {e_cal}");
        let multi = DataChoice::Multiclass.sample().unwrap_or_else(|| unreachable!());
        let fit = crate::temperature::fit_temperature(&multi.scores, &multi.labels).unwrap_or_else(|| unreachable!());
        assert!(fit.temperature > 1.5, "{fit:?}");
        assert!(DataChoice::parse("nope").is_none() && DataChoice::Upload.sample().is_none());
        for choice in DataChoice::SAMPLES {
            assert_eq!(serde_json::to_value(choice).ok(), Some(serde_json::Value::from(choice.id())));
        }
        // Voting over 12 samples must beat a single sample on this set.
        let r = crate::consistency::analyse(&consistency_sample());
        assert_eq!(r.accuracy_at_k.len(), 12);
        assert!(r.accuracy_at_k[11] > r.accuracy_at_k[0] + 0.05, "{:?}", r.accuracy_at_k);
    }
}

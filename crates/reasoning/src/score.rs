//! Detector quality on a labeled corpus: precision and recall per finding type, counted over
//! (trace, step, type) triples, for the detectors and for the article's baseline.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::analyze::{analyze, Options};
use crate::finding::FindingType;
use crate::trace::BatchError;

/// A trace with the steps a careful reader marked, per type.
#[derive(Debug, Clone, Deserialize)]
pub struct LabeledTrace {
    pub id: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub question: String,
    pub trace: String,
    pub labels: Vec<Label>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Label {
    #[serde(rename = "type")]
    pub kind: String,
    pub step: usize,
    #[serde(default)]
    pub note: String,
}

pub fn parse_corpus(jsonl: &str) -> Result<Vec<LabeledTrace>, BatchError> {
    let mut out = Vec::new();
    for (n, line) in jsonl.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let trace: LabeledTrace = serde_json::from_str(line).map_err(|e| BatchError {
            line: n + 1,
            column: e.column(),
            message: e.to_string(),
        })?;
        if let Some(bad) = trace.labels.iter().find(|l| FindingType::parse(&l.kind).is_none()) {
            let message = format!("unknown label type {:?}", bad.kind);
            return Err(BatchError { line: n + 1, column: 1, message });
        }
        out.push(trace);
    }
    Ok(out)
}

/// One (trace, step) the detectors and the labels disagree on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Disagreement {
    pub id: String,
    pub step: usize,
    #[serde(rename = "type")]
    pub kind: String,
    /// `false_positive` (flagged, not labeled) or `false_negative` (labeled, not flagged).
    pub error: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TypeScore {
    #[serde(rename = "type")]
    pub kind: String,
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    /// `None` when nothing was flagged (precision undefined).
    pub precision: Option<f64>,
    /// `None` when nothing is labeled.
    pub recall: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    pub traces: usize,
    pub types: Vec<TypeScore>,
    pub disagreements: Vec<Disagreement>,
}

pub fn score(corpus: &[LabeledTrace], options: Options) -> Score {
    let mut flagged: BTreeSet<(String, usize, FindingType)> = BTreeSet::new();
    let mut labeled: BTreeSet<(String, usize, FindingType)> = BTreeSet::new();
    for t in corpus {
        let question = (!t.question.is_empty()).then_some(t.question.as_str());
        let analysis = analyze(&t.trace, question, options);
        flagged.extend(analysis.findings.iter().map(|f| (t.id.clone(), f.step, f.kind)));
        labeled.extend(t.labels.iter().filter_map(|l| FindingType::parse(&l.kind).map(|k| (t.id.clone(), l.step, k))));
    }
    let types = FindingType::ALL
        .into_iter()
        .map(|kind| {
            let f: BTreeSet<_> = flagged.iter().filter(|x| x.2 == kind).collect();
            let l: BTreeSet<_> = labeled.iter().filter(|x| x.2 == kind).collect();
            let tp = f.intersection(&l).count();
            let (fp, fn_) = (f.len() - tp, l.len() - tp);
            TypeScore {
                kind: kind.id().to_owned(),
                true_positives: tp,
                false_positives: fp,
                false_negatives: fn_,
                precision: (!f.is_empty()).then(|| tp as f64 / f.len() as f64),
                recall: (!l.is_empty()).then(|| tp as f64 / l.len() as f64),
            }
        })
        .collect();
    let mut disagreements: Vec<Disagreement> = flagged
        .difference(&labeled)
        .map(|(id, step, kind)| Disagreement {
            id: id.clone(),
            step: *step,
            kind: kind.id().into(),
            error: "false_positive".into(),
        })
        .chain(labeled.difference(&flagged).map(|(id, step, kind)| Disagreement {
            id: id.clone(),
            step: *step,
            kind: kind.id().into(),
            error: "false_negative".into(),
        }))
        .collect();
    disagreements.sort();
    Score { traces: corpus.len(), types, disagreements }
}

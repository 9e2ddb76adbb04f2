//! Many traces at once: each through the detectors and the article's baseline, with counts per
//! type, totals, and a CSV table. Shared by the page (in its Web Worker) and the command line.

use frontier_base::csv;
use serde::{Deserialize, Serialize};

use crate::analyze::{analyze, Analysis, Options};
use crate::finding::{Finding, FindingType};
use crate::trace::{parse_batch, BatchError, BatchFormat, StepMode};

/// Findings per type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TypeCounts {
    pub arithmetic_error: usize,
    pub self_contradiction: usize,
    pub phantom_step: usize,
    pub unsupported_number: usize,
}

impl TypeCounts {
    pub fn of(analysis: &Analysis) -> TypeCounts {
        let mut counts = TypeCounts::default();
        for f in &analysis.findings {
            *counts.get_mut(f.kind) += 1;
        }
        counts
    }

    pub fn get(&self, kind: FindingType) -> usize {
        match kind {
            FindingType::ArithmeticError => self.arithmetic_error,
            FindingType::SelfContradiction => self.self_contradiction,
            FindingType::PhantomStep => self.phantom_step,
            FindingType::UnsupportedNumber => self.unsupported_number,
        }
    }

    fn get_mut(&mut self, kind: FindingType) -> &mut usize {
        match kind {
            FindingType::ArithmeticError => &mut self.arithmetic_error,
            FindingType::SelfContradiction => &mut self.self_contradiction,
            FindingType::PhantomStep => &mut self.phantom_step,
            FindingType::UnsupportedNumber => &mut self.unsupported_number,
        }
    }

    pub fn total(&self) -> usize {
        FindingType::ALL.iter().map(|k| self.get(*k)).sum()
    }

    fn add(&mut self, other: &TypeCounts) {
        for k in FindingType::ALL {
            *self.get_mut(k) += other.get(k);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchRow {
    pub id: String,
    pub steps: usize,
    pub counts: TypeCounts,
    /// What the article's three rules find on the same trace.
    pub baseline: TypeCounts,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchReport {
    pub format: BatchFormat,
    pub rows: Vec<BatchRow>,
    pub totals: TypeCounts,
    pub baseline_totals: TypeCounts,
    /// Traces with at least one finding from the detectors.
    pub traces_flagged: usize,
}

/// Parses `text` (format detected) and checks every trace, calling `progress(done, total)`.
pub fn analyze_batch(
    text: &str,
    mode: StepMode,
    mut progress: impl FnMut(usize, usize),
) -> Result<BatchReport, BatchError> {
    let format = BatchFormat::detect(text);
    let records = parse_batch(text, format)?;
    let total = records.len();
    let mut rows = Vec::with_capacity(total);
    let (mut totals, mut baseline_totals) = (TypeCounts::default(), TypeCounts::default());
    for (i, record) in records.into_iter().enumerate() {
        let question = record.question.as_deref();
        let analysis = analyze(&record.trace, question, Options { mode, baseline: false });
        let baseline = TypeCounts::of(&analyze(&record.trace, question, Options { mode, baseline: true }));
        let counts = TypeCounts::of(&analysis);
        totals.add(&counts);
        baseline_totals.add(&baseline);
        rows.push(BatchRow { id: record.id, steps: analysis.steps, counts, baseline, findings: analysis.findings });
        if (i + 1) % 64 == 0 || i + 1 == total {
            progress(i + 1, total);
        }
    }
    let traces_flagged = rows.iter().filter(|r| r.counts.total() > 0).count();
    Ok(BatchReport { format, rows, totals, baseline_totals, traces_flagged })
}

/// One row per trace: counts per type from the detectors and from the baseline.
pub fn to_csv(report: &BatchReport) -> String {
    let mut header = vec!["id".to_owned(), "steps".to_owned()];
    for prefix in ["", "baseline_"] {
        header.extend(FindingType::ALL.iter().map(|k| format!("{prefix}{}", k.id())));
    }
    let mut out = String::new();
    csv::push_row(&mut out, &header);
    for row in &report.rows {
        let mut cells = vec![row.id.clone(), row.steps.to_string()];
        for counts in [&row.counts, &row.baseline] {
            cells.extend(FindingType::ALL.iter().map(|&k| counts.get(k).to_string()));
        }
        csv::push_row(&mut out, &cells);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_add_up_and_the_csv_has_one_row_per_trace() {
        let text = "{\"id\": \"a\", \"trace\": \"93 x 6 = 293\\n3 * 7 = 21\"}\n{\"id\": \"b, c\", \"trace\": \"3 * 7 = 24\"}\n";
        let mut calls = Vec::new();
        let report = analyze_batch(text, StepMode::Lines, |d, t| calls.push((d, t))).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(calls, [(2, 2)]);
        assert_eq!(report.totals.arithmetic_error, 2);
        // The baseline reads "93 x 6 = 293" and "3 * 7 = 24" too: both are products.
        assert_eq!(report.baseline_totals.arithmetic_error, 2);
        assert_eq!(report.traces_flagged, 2);
        let csv = to_csv(&report);
        assert_eq!(csv.lines().count(), 3);
        assert!(csv.lines().nth(2).unwrap_or("").starts_with("\"b, c\",1,1,0,0,0,1,0,0,0"), "{csv}");
    }
}

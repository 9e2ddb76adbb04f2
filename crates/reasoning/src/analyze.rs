//! One trace through every detector, step by step, in one pass: the work is linear in the
//! trace's length (each detector keeps what it needs from earlier steps in a hash map).

use frontier_base::work::Work;
use serde::{Deserialize, Serialize};

/// Both passes the page runs (the detectors and the line-split baseline), per byte of trace, in
/// flop-equivalents at [`frontier_base::work::LAPTOP_FLOP_PER_S`]: 1 MiB of the worked example's
/// trace repeated takes about 140 ms natively on one server core (about 120 + 20 ms; `cargo run
/// --release -p frontier-reasoning --example cot_timing`); counting wasm as 2× and a laptop core as
/// 3× slower, as before the exact fast path (4,400 a byte at 193 ms), that is 0.84 s, 3.4
/// GFLOP-equivalents.
pub const CHECK_OPS_PER_BYTE: f64 = 3_200.0;

/// The work of checking a trace (and its question) with and without the detectors.
pub fn check_work(trace_bytes: usize, question_bytes: usize) -> Work {
    let bytes = (trace_bytes + question_bytes) as u64;
    // The steps, the checks and the findings hold a few times the text.
    Work { flop: bytes as f64 * CHECK_OPS_PER_BYTE, bytes: 8 * bytes }
}

use crate::arith::{read_step_with, Check, ReadBuffers};
use crate::detect::contradiction::{claims_against_computations, CopulaTracker, QuantityTracker};
use crate::detect::unsupported::{opens_with_conclusion, unsupported_numbers, Support};
use crate::detect::{baseline, StepSpans, StepView};
use crate::finding::{Finding, FindingType};
use crate::trace::{split, Step, StepMode};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Options {
    pub mode: StepMode,
    /// Run the article's three rules instead of the detectors (lines as steps, as it does).
    pub baseline: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// Number of steps.
    pub steps: usize,
    pub findings: Vec<Finding>,
    /// Every equation checked, right or wrong (empty in baseline mode).
    #[serde(skip)]
    pub checks: Vec<Check>,
    #[serde(skip)]
    pub step_spans: Vec<Step>,
}

impl Analysis {
    pub fn count(&self, kind: FindingType) -> usize {
        self.findings.iter().filter(|f| f.kind == kind).count()
    }

    /// Steps with at least one finding of `kind`, in order.
    pub fn flagged_steps(&self, kind: FindingType) -> Vec<usize> {
        let mut steps: Vec<usize> = self.findings.iter().filter(|f| f.kind == kind).map(|f| f.step).collect();
        steps.dedup();
        steps
    }
}

pub fn analyze(trace: &str, question: Option<&str>, options: Options) -> Analysis {
    if options.baseline {
        let steps = split(trace, StepMode::Lines);
        let findings = baseline::analyze(trace, &steps);
        return Analysis { steps: steps.len(), findings, checks: Vec::new(), step_spans: steps };
    }
    let steps = split(trace, options.mode);
    let mut findings = Vec::new();
    let mut all_checks = Vec::new();
    let mut support = Support::default();
    if let Some(q) = question {
        support.add_text(q);
    }
    let mut quantities = QuantityTracker::default();
    let mut copulas = CopulaTracker::default();
    let mut seen_content = false;
    let mut buffers = ReadBuffers::default();
    for step in &steps {
        let text = step.text(trace);
        let (base, i) = (step.start, step.index);
        let reading = read_step_with(text, base, &mut buffers);
        let (checks, numbers) = (reading.checks, reading.numbers);
        let mut last_result = None;
        for c in checks.iter().filter(|c| c.verdict.is_error()) {
            if last_result == Some(c.result_start) {
                continue;
            }
            last_result = Some(c.result_start);
            findings.push(Finding {
                kind: FindingType::ArithmeticError,
                step: i,
                start: c.start,
                end: c.end,
                message: format!(
                    "{} = {}: {} (the exact value is {})",
                    c.expression,
                    c.written,
                    c.verdict.describe(),
                    c.computed
                ),
                expected: Some(c.expected.clone()),
                detail: Some(c.verdict.id().to_owned()),
            });
        }
        let spans = StepSpans::new(&checks, &numbers);
        let view = StepView { text, base, index: i, checks: &checks, numbers: &numbers, spans: &spans };
        findings.extend(claims_against_computations(&view));
        findings.extend(quantities.step(&view));
        findings.extend(copulas.step(text, base, i));
        if !seen_content {
            if let Some(word) = opens_with_conclusion(text) {
                findings.push(Finding {
                    kind: FindingType::PhantomStep,
                    step: i,
                    start: base,
                    end: step.end,
                    message: format!("The trace opens with a conclusion (\"{word}\") that nothing before it supports"),
                    expected: None,
                    detail: None,
                });
            }
        }
        findings.extend(unsupported_numbers(&view, &support));
        seen_content |= !text.trim().is_empty();
        support.add_step(text, &numbers);
        all_checks.extend(checks);
    }
    Analysis { steps: steps.len(), findings, checks: all_checks, step_spans: steps }
}

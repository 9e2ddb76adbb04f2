//! The chain-of-thought checker's state: the trace, its question and how steps are split. It
//! lives in the link, so a shared link shows the same trace with the same findings.

use frontier_reasoning::trace::StepMode;
use frontier_reasoning::{analyze, Analysis, FindingType, Options};
use frontier_state::WidgetState;

use crate::measure::{Lab, Measurement};
use serde::{Deserialize, Serialize};

/// Longest trace kept in the state (and so in links and saved work). The checker itself takes
/// any length; larger files go through the batch upload.
/// The most the editor checks on the page's own thread: about 0.2 s on a laptop at
/// [`frontier_reasoning::analyze::CHECK_OPS_PER_BYTE`] (1 MiB would take 0.8 s); longer
/// files go to the worker as a batch.
pub const MAX_TRACE_BYTES: usize = 256 << 10;
pub const MAX_QUESTION_BYTES: usize = 64 << 10;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CotState {
    pub trace: String,
    /// The question the trace answers: its numbers support the conclusions.
    pub question: String,
    pub steps: StepMode,
}

/// The worked example: a short trace with one of each kind of slip, and two places where the
/// article's rules go wrong (a decimal its regular expression misreads, a negation it misses).
pub const EXAMPLE_QUESTION: &str = "Muffins cost $3 each and cookies $1.25 each. Mia buys 12 muffins and 8 cookies \
and pays with a $50 bill. How much change does she get?";

pub const EXAMPLE_TRACE: &str = "Mia buys 12 muffins at $3 each: 12 x 3 = $36.
Each cookie costs $1.25, so 8 cookies cost 8 × $1.25 = $12.
A box holds 30 muffins and a muffin weighs 1.5 cookies, so a box weighs as much as 1.5*30 = 45 cookies.
Together she spends $36 + $12 = $48.
Her change is $50 − $48 = $2.
So she gets $3 back because 50 - 48 = 2.
The coupon is not valid on cookies.
The coupon is valid on cookies, so she saves 10% of $48 = $48.
Therefore she pays $43 in the end.";

impl CotState {
    pub fn example() -> Self {
        CotState { trace: EXAMPLE_TRACE.into(), question: EXAMPLE_QUESTION.into(), steps: StepMode::Lines }
    }
}

impl WidgetState for CotState {
    const WIDGET_ID: &'static str = "cot";
    const VERSION: u32 = 1;

    fn validate(&self) -> Result<(), String> {
        if self.trace.len() > MAX_TRACE_BYTES {
            return Err(format!("trace: at most {} KB (use the batch upload for more)", MAX_TRACE_BYTES >> 10));
        }
        if self.question.len() > MAX_QUESTION_BYTES {
            return Err(format!("question: at most {} KB", MAX_QUESTION_BYTES >> 10));
        }
        Ok(())
    }
}

impl CotState {
    /// The trace checked by the detectors and by the article's three rules, with the question's
    /// numbers (if any) as support: what the lab shows and lessons measure.
    pub fn analyses(&self) -> (Analysis, Analysis) {
        let question = (!self.question.trim().is_empty()).then_some(self.question.as_str());
        let found = analyze(&self.trace, question, Options { mode: self.steps, baseline: false });
        let baseline = analyze(&self.trace, question, Options { mode: self.steps, baseline: true });
        (found, baseline)
    }
}

impl Lab for CotState {
    /// What the checker finds in the trace, and what the article's three rules find.
    fn measures(&self) -> Result<Vec<Measurement>, String> {
        let (found, baseline) = self.analyses();
        Ok(vec![
            Measurement::new("steps", "Steps", found.steps as f64, "steps"),
            Measurement::new("findings", "Findings", found.findings.len() as f64, "findings"),
            Measurement::new(
                "arithmetic_errors",
                "Arithmetic errors",
                found.count(FindingType::ArithmeticError) as f64,
                "findings",
            ),
            Measurement::new(
                "contradictions",
                "Self-contradictions",
                found.count(FindingType::SelfContradiction) as f64,
                "findings",
            ),
            Measurement::new(
                "phantom_steps",
                "Conclusions with no steps before them",
                found.count(FindingType::PhantomStep) as f64,
                "findings",
            ),
            Measurement::new(
                "unsupported_numbers",
                "Unsupported numbers",
                found.count(FindingType::UnsupportedNumber) as f64,
                "findings",
            ),
            Measurement::new("equations_checked", "Equations checked", found.checks.len() as f64, "equations"),
            Measurement::new(
                "article_rule_findings",
                "Findings of the article's three rules",
                baseline.findings.len() as f64,
                "findings",
            ),
        ])
    }
}

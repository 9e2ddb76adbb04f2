//! The detectors: arithmetic (in `crate::arith`), self-contradiction, unsupported steps, and
//! the article's three rules as a baseline.

pub mod baseline;
pub mod contradiction;
mod spans;
pub mod unsupported;
mod words;

pub use spans::StepSpans;
pub use words::{Sentence, Sentences};

use crate::arith::{Check, WrittenNumber};

/// One step as the detectors see it: its text, where it starts in the trace, its number, and what
/// the calculator read from it (once per step, shared by every detector).
#[derive(Debug, Clone, Copy)]
pub struct StepView<'a> {
    pub text: &'a str,
    pub base: usize,
    pub index: usize,
    pub checks: &'a [Check],
    pub numbers: &'a [WrittenNumber],
    /// Its sentences, and where its checks and numbers are (made once per step by
    /// [`StepSpans::new`]), so that a step of a megabyte is not searched once per number.
    pub spans: &'a StepSpans,
}

impl<'a> StepView<'a> {
    /// Sentences (or clauses ending in ';') of the step, with the listed words each holds.
    pub fn sentences(&self) -> &'a [Sentence] {
        &self.spans.sentences(self.text).0
    }

    /// Where " because " or " since " first occurs in the step (relative), ignoring ASCII case,
    /// and its length.
    pub fn because_or_since(&self) -> Option<(usize, usize)> {
        self.spans.because_or_since(self.text)
    }

    /// Whether some check spans `start..end` (an operand or result of a computation).
    pub fn in_check(&self, start: usize, end: usize) -> bool {
        self.spans.in_check(self.checks, start, end)
    }

    /// The numbers inside `lo..hi`, in order.
    pub fn numbers_within(&self, lo: usize, hi: usize) -> impl Iterator<Item = &'a WrittenNumber> + 'a {
        let numbers = self.numbers;
        let from = self.spans.first_number_from(numbers, lo);
        let sorted = self.spans.numbers_sorted;
        numbers[from..]
            .iter()
            .take_while(move |n| !sorted || n.start <= hi)
            .filter(move |n| n.start >= lo && n.end <= hi)
    }

    /// The checks inside `lo..hi`, in order.
    pub fn checks_within(&self, lo: usize, hi: usize) -> impl Iterator<Item = &'a Check> + 'a {
        let checks = self.checks;
        let from = self.spans.first_check_from(checks, lo);
        let sorted = self.spans.checks_sorted;
        checks[from..]
            .iter()
            .take_while(move |c| !sorted || c.start <= hi)
            .filter(move |c| c.start >= lo && c.end <= hi)
    }
}

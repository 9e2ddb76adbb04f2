//! Where a step's checks and numbers are, for lookups in logarithmic time: one long line can
//! hold a hundred thousand numbers and checks, and asking "is this number inside a check?" by
//! scanning them all, once per number, made such a line quadratic.
//!
//! The lookups rely on the lists being in order of start (the calculator reads left to right and
//! sorts its checks); a list out of order, which the detectors never get, is scanned whole, so
//! the answers are the same either way.

use std::cell::OnceCell;

use super::words::Sentences;
use crate::arith::{Check, WrittenNumber};
use crate::scan::find_because_or_since;

/// Built once per step; what only some steps need is worked out when first asked for.
#[derive(Debug, Clone, Default)]
pub struct StepSpans {
    sentences: OnceCell<Sentences>,
    /// For each check, the furthest end of it and every check before it.
    max_end: OnceCell<Vec<usize>>,
    because_or_since: OnceCell<Option<(usize, usize)>>,
    pub(super) checks_sorted: bool,
    pub(super) numbers_sorted: bool,
}

/// In order of start, each ending at or after it starts.
fn ordered(spans: impl Iterator<Item = (usize, usize)> + Clone) -> bool {
    spans.clone().all(|(s, e)| s <= e) && spans.clone().zip(spans.skip(1)).all(|(a, b)| a.0 <= b.0)
}

impl StepSpans {
    pub fn new(checks: &[Check], numbers: &[WrittenNumber]) -> StepSpans {
        StepSpans {
            checks_sorted: ordered(checks.iter().map(|c| (c.start, c.end))),
            numbers_sorted: ordered(numbers.iter().map(|n| (n.start, n.end))),
            ..StepSpans::default()
        }
    }

    /// Sentences (or clauses ending in ';') of `text`, the step, and the words they hold.
    pub(super) fn sentences(&self, text: &str) -> &Sentences {
        self.sentences.get_or_init(|| Sentences::read(text))
    }

    /// Where " because " or " since " first occurs in `text`, the step, ignoring ASCII case, and
    /// its length.
    pub(super) fn because_or_since(&self, text: &str) -> Option<(usize, usize)> {
        *self.because_or_since.get_or_init(|| find_because_or_since(text))
    }

    /// Whether some check contains `start..end` (`c.start <= start && end <= c.end`).
    pub(super) fn in_check(&self, checks: &[Check], start: usize, end: usize) -> bool {
        if !self.checks_sorted {
            return checks.iter().any(|c| c.start <= start && end <= c.end);
        }
        let max_end = self.max_end.get_or_init(|| {
            checks
                .iter()
                .scan(0, |m, c| {
                    *m = c.end.max(*m);
                    Some(*m)
                })
                .collect()
        });
        // The checks starting at or before `start` are a prefix; one of them reaches `end` when
        // the furthest end among them does.
        let k = checks.partition_point(|c| c.start <= start);
        k > 0 && max_end.get(k - 1).is_some_and(|&m| m >= end)
    }
    /// Index of the first number that may start at or after `lo` (0 when out of order).
    pub(super) fn first_number_from(&self, numbers: &[WrittenNumber], lo: usize) -> usize {
        if self.numbers_sorted {
            numbers.partition_point(|n| n.start < lo)
        } else {
            0
        }
    }

    /// Index of the first check that may start at or after `lo` (0 when out of order).
    pub(super) fn first_check_from(&self, checks: &[Check], lo: usize) -> usize {
        if self.checks_sorted {
            checks.partition_point(|c| c.start < lo)
        } else {
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arith::{Source, Value, Verdict};
    use crate::detect::StepView;

    fn check(start: usize, end: usize) -> Check {
        let text = String::new();
        Check {
            start,
            end,
            result_start: end,
            result_end: end,
            expression: text.clone(),
            written: text.clone(),
            computed: text.clone(),
            expected: text,
            verdict: Verdict::Ok,
            source: Source::Visible,
        }
    }

    fn number(start: usize, end: usize) -> WrittenNumber {
        WrittenNumber { start, end, value: Value::one(), percent: false, decimals: 0, in_expression: false }
    }

    #[test]
    fn lookups_equal_scans_in_order_or_not() {
        let spans = [(0, 9), (2, 4), (3, 30), (10, 12), (10, 11), (14, 20), (25, 26)];
        let ranges = [(0, 0), (2, 4), (3, 5), (10, 11), (11, 12), (13, 30), (21, 24), (26, 40), (0, 40)];
        for sorted in [true, false] {
            let mut items: Vec<(usize, usize)> = spans.to_vec();
            if !sorted {
                items.reverse();
            }
            let checks: Vec<Check> = items.iter().map(|&(s, e)| check(s, e)).collect();
            let numbers: Vec<WrittenNumber> = items.iter().map(|&(s, e)| number(s, e)).collect();
            let step_spans = StepSpans::new(&checks, &numbers);
            assert_eq!(step_spans.checks_sorted, sorted);
            let view = StepView { text: "", base: 0, index: 0, checks: &checks, numbers: &numbers, spans: &step_spans };
            for (lo, hi) in ranges {
                let inside = |s: usize, e: usize| s >= lo && e <= hi;
                assert_eq!(view.in_check(lo, hi), checks.iter().any(|c| c.start <= lo && hi <= c.end), "{lo}..{hi}");
                let found: Vec<usize> = view.numbers_within(lo, hi).map(|n| n.start * 100 + n.end).collect();
                let want: Vec<usize> =
                    numbers.iter().filter(|n| inside(n.start, n.end)).map(|n| n.start * 100 + n.end).collect();
                assert_eq!(found, want, "{lo}..{hi}");
                let found: Vec<usize> = view.checks_within(lo, hi).map(|c| c.start * 100 + c.end).collect();
                let want: Vec<usize> =
                    checks.iter().filter(|c| inside(c.start, c.end)).map(|c| c.start * 100 + c.end).collect();
                assert_eq!(found, want, "{lo}..{hi}");
            }
        }
    }
}

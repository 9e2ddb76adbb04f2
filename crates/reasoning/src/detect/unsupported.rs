//! Unsupported steps: a conclusion with nothing before it ("Therefore, …" as the first step),
//! and numbers a conclusion states that appear nowhere earlier in the trace or the question.

use std::collections::BTreeSet;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Signed;

use crate::arith::{format_value, parse_decimal, rounding_tolerance, written_numbers, Check, Value};
use crate::finding::{Finding, FindingType};
use crate::trace::starts_numbered_step;

/// Words that open a conclusion.
const CONCLUSION_OPENERS: [&str; 10] = [
    "therefore",
    "thus",
    "hence",
    "so",
    "this means",
    "so we know",
    "consequently",
    "it follows that",
    "which means",
    "in conclusion",
];

/// Markers of a step that states a conclusion or the final answer.
const CONCLUSION_MARKERS: [&str; 12] = [
    "therefore",
    "thus",
    "hence",
    "so ",
    "answer",
    "####",
    "in total",
    "altogether",
    "in all",
    "\\boxed",
    "consequently",
    "this means",
];

/// The step with a leading "Step 3:" / "3." / "A:" removed, lower-cased.
fn body(step: &str) -> String {
    let mut t = step.trim_start();
    if starts_numbered_step(t) {
        if let Some(i) = t.find([':', '.', ')']) {
            t = &t[i + 1..];
        }
    }
    t.trim_start().to_lowercase()
}

/// The conclusion word a step opens with, if any.
pub fn opens_with_conclusion(step: &str) -> Option<&'static str> {
    let b = body(step);
    CONCLUSION_OPENERS
        .into_iter()
        .find(|w| b.starts_with(w) && !b[w.len()..].starts_with(|c: char| c.is_alphanumeric()))
}

pub fn is_conclusion(step: &str) -> bool {
    conclusion_start(step).is_some()
}

/// Number words a question or step may use instead of digits.
const NUMBER_WORDS: [(&str, i64, i64); 34] = [
    ("zero", 0, 1),
    ("one", 1, 1),
    ("two", 2, 1),
    ("three", 3, 1),
    ("four", 4, 1),
    ("five", 5, 1),
    ("six", 6, 1),
    ("seven", 7, 1),
    ("eight", 8, 1),
    ("nine", 9, 1),
    ("ten", 10, 1),
    ("eleven", 11, 1),
    ("twelve", 12, 1),
    ("thirteen", 13, 1),
    ("fourteen", 14, 1),
    ("fifteen", 15, 1),
    ("sixteen", 16, 1),
    ("seventeen", 17, 1),
    ("eighteen", 18, 1),
    ("nineteen", 19, 1),
    ("twenty", 20, 1),
    ("thirty", 30, 1),
    ("forty", 40, 1),
    ("fifty", 50, 1),
    ("hundred", 100, 1),
    ("thousand", 1000, 1),
    ("dozen", 12, 1),
    ("half", 1, 2),
    ("halves", 1, 2),
    ("twice", 2, 1),
    ("double", 2, 1),
    ("triple", 3, 1),
    ("quarter", 1, 4),
    ("third", 1, 3),
];

/// Numbers stated so far (the question and earlier steps), by value.
#[derive(Default)]
pub struct Support {
    /// Values as stated or computed; a conclusion may round or truncate them.
    values: BTreeSet<Value>,
    /// The same values as percentages or in units a hundred or a thousand times larger or
    /// smaller (4,800 m restated as 4.8 km); these must match exactly.
    scaled: BTreeSet<Value>,
}

impl Support {
    pub fn add_text(&mut self, text: &str) {
        // Calculator annotations are part of what the trace wrote.
        let opened = text.replace("<<", "  ").replace(">>", "  ");
        for n in written_numbers(&opened, 0) {
            self.add(n.value);
        }
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            let lower = word.to_lowercase();
            if let Some(&(_, n, d)) = NUMBER_WORDS.iter().find(|(w, _, _)| *w == lower) {
                let v = BigRational::new(BigInt::from(n), BigInt::from(d));
                self.add(BigRational::from_integer(v.denom().clone()));
                self.add(v);
            }
        }
        // Every number-like run, also inside names and factorials ("3x", "20!"); commas are
        // thousands separators, so "8,800" does not also state 8.
        for run in text.split(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.')) {
            let digits: String = run.trim_matches([',', '.']).chars().filter(|c| *c != ',').collect();
            if let Some((v, _)) = parse_decimal(&digits) {
                self.add(v);
            }
        }
    }

    pub fn add(&mut self, v: Value) {
        for factor in [100, 1000] {
            let f = BigRational::from_integer(BigInt::from(factor));
            self.scaled.insert(&v * &f);
            self.scaled.insert(&v / &f);
        }
        self.values.insert(v);
    }

    /// Whether `v`, written with `decimals` places, restates a supported value: rounded to those
    /// places, or cut to them (final answers often drop the decimals: 30.70 → 30).
    fn supports_number(&self, n: &crate::arith::WrittenNumber) -> bool {
        if n.percent {
            // "1.5%" restates 1.5 or 0.015, each to the digits written.
            let hundred = BigRational::from_integer(BigInt::from(100));
            return self.supports(&(&n.value * hundred), n.decimals) || self.supports(&n.value, n.decimals + 2);
        }
        self.supports(&n.value, n.decimals)
    }

    fn supports(&self, v: &Value, decimals: u32) -> bool {
        let half = rounding_tolerance(decimals);
        let unit = &half + &half;
        let (lo, hi) = if v.is_negative() { (v - &unit, v + &half) } else { (v - &half, v + &unit) };
        self.values.range(lo..hi).next().is_some() || self.scaled.contains(v)
    }
}

/// Where a step's conclusion starts (byte offset in `step`): after its first conclusion marker.
fn conclusion_start(step: &str) -> Option<usize> {
    let lower = step.to_ascii_lowercase();
    if lower.len() != step.len() {
        return None;
    }
    let body_start = if starts_numbered_step(step) { step.find([':', '.', ')']).map_or(0, |i| i + 1) } else { 0 };
    let rest = &lower[body_start..];
    let lead = rest.len() - rest.trim_start().len();
    if rest[lead..].starts_with("a:") {
        return Some(body_start + lead + 2);
    }
    CONCLUSION_MARKERS
        .iter()
        .filter_map(|m| {
            rest.match_indices(m)
                // A marker is a word: "so" in "also" is not one.
                .find(|(i, _)| !rest[..*i].ends_with(|c: char| c.is_alphanumeric()))
                .map(|(i, _)| body_start + i + m.len())
        })
        .min()
}

/// Byte ranges of `step` that state conclusions: after its first conclusion marker, and the claim
/// before a "because" ("She has $11 left because 10 - 6 = 4").
fn conclusion_ranges(step: &str) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> = conclusion_start(step).map(|s| (s, step.len())).into_iter().collect();
    if let Some(i) = step.find(" because ") {
        let sentence_start = step[..i].rfind(['.', ';', '!', '?']).map_or(0, |j| j + 1);
        if !step[sentence_start..i].contains('=') {
            ranges.push((sentence_start, i));
        }
    }
    ranges
}

/// Numbers a conclusion states outside its own expressions that nothing before supports.
/// Numbers before the marker ("A week has 7 days, so …") are premises.
pub fn unsupported_numbers(step: &str, base: usize, index: usize, checks: &[Check], support: &Support) -> Vec<Finding> {
    let ranges = conclusion_ranges(step);
    if ranges.is_empty() {
        return Vec::new();
    }
    let premise_end = ranges.iter().map(|r| r.0).min().unwrap_or(0);
    let mut support_here = Support::default();
    support_here.add_text(&step[..premise_end]);
    for c in checks {
        for text in [&c.computed, &c.written] {
            for n in written_numbers(text, 0) {
                support_here.add(n.value);
            }
        }
    }
    written_numbers(step, base)
        .into_iter()
        .filter(|n| ranges.iter().any(|&(s, e)| n.start >= base + s && n.end <= base + e))
        .filter(|n| !n.in_expression && !checks.iter().any(|c| c.start <= n.start && n.end <= c.end))
        .filter(|n| !support.supports_number(n) && !support_here.supports_number(n))
        .map(|n| Finding {
            kind: FindingType::UnsupportedNumber,
            step: index,
            start: n.start,
            end: n.end,
            message: format!(
                "The conclusion states {} but nothing earlier in the trace or the question gives or computes it",
                format_value(&n.value)
            ),
            expected: None,
            detail: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openers_and_markers() {
        assert_eq!(opens_with_conclusion("Therefore, x = 3."), Some("therefore"));
        assert_eq!(opens_with_conclusion("Step 1: So we know it is 4"), Some("so"));
        assert_eq!(opens_with_conclusion("Sometimes it rains"), None);
        assert!(is_conclusion("A: 42"));
        assert!(is_conclusion("The answer is 42."));
        assert!(!is_conclusion("He buys 3 apples."));
        assert!(!is_conclusion("He also buys 3 apples."));
        assert_eq!(conclusion_start("Step 3: So 4 remain"), Some(11));
    }

    #[test]
    fn number_words_support_digits() {
        let mut s = Support::default();
        s.add_text("Tom has three apples and half a dozen pears, 25% of them red.");
        for v in [3, 12, 2, 25] {
            assert!(s.supports(&BigRational::from_integer(BigInt::from(v)), 0), "{v}");
        }
        assert!(!s.supports(&BigRational::from_integer(BigInt::from(7)), 0));
        assert!(s.supports(&BigRational::new(BigInt::from(3), BigInt::from(1000)), 3));
    }
}

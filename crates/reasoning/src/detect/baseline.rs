//! The article's analyzer, rule for rule, so the page can show on the same trace what better
//! detectors change. Its quirks are kept on purpose:
//! - a "phantom step" is any first line containing "therefore", "so we know" or "this means";
//! - arithmetic is only `(\d+)\s*[*x]\s*(\d+)\s*=\s*(\d+)`, so "1.5*30 = 45" is read as 5*30 and
//!   "= 1,000" as 1;
//! - a line contradicts an earlier one when "not " + its first 30 lower-cased characters (after
//!   stripping) appears in that line, or those characters + " not" do; a blank line therefore
//!   "contradicts" every earlier line containing "not ". One finding per earlier line.
//!
//! Differences from running the Python: `\d` here is ASCII digits only (Python's also matches
//! other scripts' digits), and case folding is Rust's `to_lowercase` (the same as Python's
//! `str.lower` outside a few special cases).

use std::collections::{HashMap, HashSet};

use num_bigint::BigInt;

use crate::finding::{Finding, FindingType};
use crate::trace::Step;

/// At most this many self-contradiction findings: a trace of blank lines and "not"s would
/// otherwise produce one per pair of lines.
pub const MAX_CONTRADICTIONS: usize = 10_000;

/// Python's `str.isspace` (and `\s`): Rust's whitespace plus the four ASCII separators.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Runs the article's three rules over the steps (lines) of `trace`.
pub fn analyze(trace: &str, steps: &[Step]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let lower: Vec<String> = steps.iter().map(|s| s.text(trace).to_lowercase()).collect();
    let contradictions = contradictions(&lower);
    for (i, step) in steps.iter().enumerate() {
        let text = step.text(trace);
        if i == 0 && ["therefore", "so we know", "this means"].iter().any(|p| lower[0].contains(p)) {
            findings.push(Finding {
                kind: FindingType::PhantomStep,
                step: i,
                start: step.start,
                end: step.end,
                message: "Conclusion stated without prior reasoning (the first line has a conclusion phrase)".into(),
                expected: None,
                detail: Some("baseline".into()),
            });
        }
        for m in products(text) {
            let (a, b, c) = (&text[m.a.0..m.a.1], &text[m.b.0..m.b.1], &text[m.c.0..m.c.1]);
            let (Ok(x), Ok(y), Ok(z)) = (a.parse::<BigInt>(), b.parse::<BigInt>(), c.parse::<BigInt>()) else {
                continue;
            };
            let product = x * y;
            if product != z {
                findings.push(Finding {
                    kind: FindingType::ArithmeticError,
                    step: i,
                    start: step.start + m.a.0,
                    end: step.start + m.c.1,
                    message: format!("{a} * {b} = {c} (correct: {product})"),
                    expected: Some(product.to_string()),
                    detail: Some("baseline".into()),
                });
            }
        }
        for &p in contradictions.get(&i).map(Vec::as_slice).unwrap_or(&[]) {
            findings.push(Finding {
                kind: FindingType::SelfContradiction,
                step: i,
                start: step.start,
                end: step.end,
                message: format!("Contradicts earlier reasoning (step {p})"),
                expected: None,
                detail: Some("baseline".into()),
            });
        }
    }
    findings
}

struct Product {
    a: (usize, usize),
    b: (usize, usize),
    c: (usize, usize),
}

fn digits_at(bytes: &[u8], i: usize) -> usize {
    bytes[i.min(bytes.len())..].iter().take_while(|b| b.is_ascii_digit()).count()
}

fn spaces_at(text: &str, i: usize) -> usize {
    text[i.min(text.len())..].chars().take_while(|c| is_py_space(*c)).map(char::len_utf8).sum()
}

/// Non-overlapping matches of `(\d+)\s*[*x]\s*(\d+)\s*=\s*(\d+)`, scanned left to right like
/// `re.findall`. Greedy `\d+` can only end a run, so a match starts where a digit run starts
/// (a match cannot begin inside a run that failed from its start: the rest is the same).
fn products(text: &str) -> Vec<Product> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let a_len = digits_at(bytes, i);
        let mut j = i + a_len;
        j += spaces_at(text, j);
        if !matches!(bytes.get(j), Some(b'*' | b'x')) {
            i += a_len;
            continue;
        }
        j += 1;
        j += spaces_at(text, j);
        let b_len = digits_at(bytes, j);
        if b_len == 0 {
            i += a_len;
            continue;
        }
        let b = (j, j + b_len);
        j += b_len;
        j += spaces_at(text, j);
        if bytes.get(j) != Some(&b'=') {
            i += a_len;
            continue;
        }
        j += 1;
        j += spaces_at(text, j);
        let c_len = digits_at(bytes, j);
        if c_len == 0 {
            i += a_len;
            continue;
        }
        out.push(Product { a: (i, i + a_len), b, c: (j, j + c_len) });
        i = j + c_len;
    }
    out
}

/// For each line, the earlier lines it "contradicts" under the article's negation check.
fn contradictions(lower: &[String]) -> HashMap<usize, Vec<usize>> {
    // The two needles of each line: "not " + q and q + " not", q its first 30 stripped characters.
    let mut by_needle: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, line) in lower.iter().enumerate().skip(1) {
        let q: String = line.trim_matches(is_py_space).chars().take(30).collect();
        by_needle.entry(format!("not {q}")).or_default().push(i);
        by_needle.entry(format!("{q} not")).or_default().push(i);
    }
    let mut pairs: HashSet<(usize, usize)> = HashSet::new();
    'lines: for (p, line) in lower.iter().enumerate() {
        // Every needle starts with "not " or ends with " not": look only around those.
        let starts: Vec<usize> = line.match_indices("not ").map(|(k, _)| k).collect();
        let ends: Vec<usize> = line.match_indices(" not").map(|(k, _)| k + 4).collect();
        for &k in &starts {
            for end in char_ends(line, k + 4, 30) {
                if record(&by_needle, &line[k..end], p, &mut pairs) {
                    break 'lines;
                }
            }
        }
        for &e in &ends {
            for start in char_starts(line, e - 4, 30) {
                if record(&by_needle, &line[start..e], p, &mut pairs) {
                    break 'lines;
                }
            }
        }
    }
    let mut out: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, p) in pairs {
        out.entry(i).or_default().push(p);
    }
    out.values_mut().for_each(|v| v.sort_unstable());
    out
}

/// Records the lines after `p` whose needle is `candidate`; true once the cap is reached.
fn record(
    by_needle: &HashMap<String, Vec<usize>>,
    candidate: &str,
    p: usize,
    pairs: &mut HashSet<(usize, usize)>,
) -> bool {
    if let Some(lines) = by_needle.get(candidate) {
        // `lines` is in order: skip straight to those after `p`.
        for &i in &lines[lines.partition_point(|&i| i <= p)..] {
            pairs.insert((i, p));
            if pairs.len() >= MAX_CONTRADICTIONS {
                return true;
            }
        }
    }
    false
}

/// Byte ends of the strings starting at `from` that are 0..=n more characters long.
fn char_ends(line: &str, from: usize, n: usize) -> Vec<usize> {
    let mut ends = vec![from];
    ends.extend(line[from..].char_indices().take(n).map(|(i, c)| from + i + c.len_utf8()));
    ends
}

/// Byte starts of the strings ending at `to` that are 0..=n more characters long.
fn char_starts(line: &str, to: usize, n: usize) -> Vec<usize> {
    let mut starts = vec![to];
    starts.extend(line[..to].char_indices().rev().map(|(i, _)| i).take(n));
    starts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{split, StepMode};

    fn run(trace: &str) -> Vec<(FindingType, usize)> {
        analyze(trace, &split(trace, StepMode::Lines)).into_iter().map(|f| (f.kind, f.step)).collect()
    }

    #[test]
    fn the_articles_own_example() {
        assert_eq!(run("First, 3 * 7 = 24."), [(FindingType::ArithmeticError, 0)]);
        assert_eq!(run("3 * 7 = 21"), []);
        assert_eq!(run("Therefore the answer is 5."), [(FindingType::PhantomStep, 0)]);
        assert_eq!(run("We start.\nTherefore the answer is 5."), []);
    }

    #[test]
    fn the_regex_reads_what_it_reads() {
        // "1.5*30 = 45" is read as 5*30 = 45; "= 1,000" as 1; "x" is times; "×" is not.
        assert_eq!(run("1.5*30 = 45"), [(FindingType::ArithmeticError, 0)]);
        assert_eq!(run("2 x 500 = 1,000"), [(FindingType::ArithmeticError, 0)]);
        assert_eq!(run("2 × 500 = 1,001"), []);
        assert_eq!(run("2*3=7 and 4x5=21"), [(FindingType::ArithmeticError, 0), (FindingType::ArithmeticError, 0)]);
    }

    #[test]
    fn negation_check_and_its_blank_line_quirk() {
        let t = "the ball is not red\nRed is fine\nthe ball is red";
        // Line 2's first 30 characters "the ball is red" do not follow "not " in line 0, but
        // line 0 contains "is not red"... only exact needles count.
        assert_eq!(run(t), []);
        let t = "it is not the ball is red\nthe ball is red";
        assert_eq!(run(t), [(FindingType::SelfContradiction, 1)]);
        let t = "nothing here\nthis is not it\nalso not this\n";
        // The last line is blank: "not " is in lines 1 and 2, and " not" too.
        assert_eq!(run(t), [(FindingType::SelfContradiction, 3), (FindingType::SelfContradiction, 3)]);
    }
}

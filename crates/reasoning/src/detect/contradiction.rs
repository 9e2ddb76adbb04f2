//! Self-contradictions:
//! - a claim against the step's own computation, before it ("He has $11 left because
//!   10 - 6 = 4") or after it as the conclusion drawn from it ("3 * 4 = 12, so the answer must
//!   be 15": a conclusion word, then a modal "must/should/will/would be", "has/needs/ought to be",
//!   or "the answer/result is");
//! - one quantity given two values ("Tom has 12 apples." … "Tom has 15 apples.") with no word
//!   of change between them;
//! - "X is Y" against "X is not Y".
//!
//! Each pattern is kept narrow on purpose: traces restate and update quantities all the time,
//! and a detector that cries wolf is worse than none.

use std::collections::HashMap;

use super::words::{CHANGE, CLAIM, CONCLUSION, DIGIT, STATE};
use super::{Sentence, StepView};
use crate::arith::{format_value, rounding_tolerance, Check, Value, WrittenNumber};
use crate::finding::{Finding, FindingType};
use crate::scan::{contains_any_after_space, find_because_or_since};
use crate::trace::starts_numbered_step;
use crate::vocabulary::WordList;

/// Whether a claimed number agrees with a value (within the claim's rounding, or as a percent).
fn agrees(claim: &WrittenNumber, value: &Value) -> bool {
    let mut tol = rounding_tolerance(claim.decimals);
    let hundred = Value::from(100);
    if claim.percent {
        tol /= &hundred;
    }
    (&claim.value - value).abs() <= tol
        || (claim.percent && (&claim.value * &hundred - value).abs() <= &tol * &hundred)
        || (!claim.percent && (&claim.value - value * &hundred).abs() <= tol)
}

/// Sentences (or clauses ending in ';') of a step, as byte ranges relative to the step.
pub(crate) fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(4);
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        let ends = matches!(b, b';' | b'!' | b'?') || (*b == b'.' && !bytes.get(i + 1).is_some_and(u8::is_ascii_digit));
        if ends {
            out.push((start, i));
            start = i + 1;
        }
    }
    out.push((start, text.len()));
    out
}

/// Claims that contradict the step's own computation: "N … because/since <computation>" and
/// "<computation>, so … must be N" (see [`conclusions_against_computations`]).
pub fn claims_against_computations(view: &StepView) -> Vec<Finding> {
    let mut findings = claims_before_computations(view);
    findings.extend(conclusions_against_computations(view));
    findings
}

/// "N … because/since <computation>": the claim's numbers outside the computation must agree
/// with what the computation gives (its exact value or what was written).
fn claims_before_computations(view: &StepView) -> Vec<Finding> {
    let StepView { text: step, base, index, checks, .. } = *view;
    let mut findings = Vec::new();
    if checks.is_empty() {
        return findings;
    }
    // Most steps have neither word: look before copying the step in lower case.
    if view.because_or_since().is_none() {
        return findings;
    }
    let lower = step.to_ascii_lowercase();
    if lower.len() != step.len() {
        // Byte offsets would not line up; such steps are rare in arithmetic traces.
        return findings;
    }
    for &Sentence { start: s, end: e, .. } in view.sentences() {
        let sentence = &lower[s..e];
        // Only "because" and "since": "as" is mostly a comparison ("twice as old as").
        let Some(at) = find_because_or_since(sentence) else { continue };
        let (connective, len) = at;
        if sentence[..connective].contains('=') {
            // "x = 4 since 2x = 8": the claim is itself an equation, not a stated quantity.
            continue;
        }
        let split = base + s + connective;
        let sentence_end = base + e;
        let computations: Vec<&Check> = view.checks_within(split + len - 1, sentence_end).collect();
        let Some(last) = computations.last() else { continue };
        // "because of" gives a cause, not a computation.
        if sentence[connective + len..].starts_with("of ") {
            continue;
        }
        let claims: Vec<&WrittenNumber> = view
            .numbers_within(base + s, base + s + connective)
            // "1 point for each question", "$10 per hour": a rate, not the claimed quantity.
            .filter(|n| !is_rate(words_after(&lower, n.end - base, s + connective)))
            .filter(|n| !view.in_check(n.start, n.end))
            .collect();
        if claims.is_empty() {
            continue;
        }
        let results = Results::new(&computations);
        if claims.iter().any(|claim| results.agree_with(claim)) {
            continue;
        }
        let claim = claims[claims.len() - 1];
        let message = format!(
            "The claim {} does not follow from its own computation {} = {}",
            &step[claim.start - base..claim.end - base],
            last.expression,
            last.computed
        );
        findings.push(claim_vs_computation(index, claim.start..last.end, message, &last.computed));
    }
    findings
}

/// What some computations gave (exact values and written results), sorted, so that whether any of
/// them agrees with a claim is two searches rather than a comparison with each: a sentence of many
/// claims and many computations is not quadratic.
struct Results {
    values: Vec<Value>,
}

impl Results {
    fn new(computations: &[&Check]) -> Results {
        let mut values: Vec<Value> =
            computations.iter().flat_map(|c| [value_of(&c.computed), value_of(&c.written)]).flatten().collect();
        values.sort_unstable();
        Results { values }
    }

    /// Whether some value lies in `lo..=hi`.
    fn any_in(&self, lo: &Value, hi: &Value) -> bool {
        let k = self.values.partition_point(|v| v < lo);
        self.values.get(k).is_some_and(|v| v <= hi)
    }

    /// Whether [`agrees`] holds for `claim` and some value: each of its three tests is an
    /// interval the value must lie in.
    fn agree_with(&self, claim: &WrittenNumber) -> bool {
        let mut tol = rounding_tolerance(claim.decimals);
        let hundred = Value::from(100);
        if claim.percent {
            tol /= &hundred;
        }
        let c = &claim.value;
        if self.any_in(&(c - &tol), &(c + &tol)) {
            return true;
        }
        if claim.percent {
            let (c100, t100) = (c * &hundred, &tol * &hundred);
            self.any_in(&(&c100 - &t100), &(&c100 + &t100))
        } else {
            self.any_in(&((c - &tol) / &hundred), &((c + &tol) / &hundred))
        }
    }
}

/// A claim that disagrees with the computation beside it, highlighted over `range`; both rules
/// report it the same way.
fn claim_vs_computation(step: usize, range: std::ops::Range<usize>, message: String, computed: &str) -> Finding {
    Finding {
        kind: FindingType::SelfContradiction,
        step,
        start: range.start,
        end: range.end,
        message,
        expected: Some(computed.to_owned()),
        detail: Some("claim_vs_computation".into()),
    }
}

/// Words that draw a conclusion from what was just said ("means" only after "which/this/that").
fn is_conclusion_word(word: &str, previous: &str, next: &str) -> bool {
    match word {
        // "so that" is a purpose, "so far/much/many" a degree, not a conclusion.
        "so" => !matches!(next, "that" | "far" | "much" | "many" | "long"),
        "therefore" | "thus" | "hence" | "meaning" | "consequently" => true,
        "means" => matches!(previous, "which" | "this" | "that"),
        _ => false,
    }
}

/// Verbs that assert a value as necessarily so: "must/should/will/would be" and "has/have/
/// had/needs/need/ought to be", as (words, then "be"). The index of the word the value follows.
fn modal_claim(words: &[&str], k: usize) -> Option<usize> {
    let at = |i: usize| words.get(i).copied().unwrap_or("");
    match at(k) {
        "must" | "should" | "will" | "would" if at(k + 1) == "be" => Some(k + 1),
        "has" | "have" | "had" | "needs" | "need" | "ought" if at(k + 1) == "to" && at(k + 2) == "be" => Some(k + 2),
        // "the answer is N", "the result is N": the conclusion stated as such.
        "is" | "was" | "equals" if matches!(at(k.wrapping_sub(1)), "answer" | "result") && k > 0 => Some(k),
        _ => None,
    }
}

/// Units a conclusion may convert a computed value into ("60 * 2 = 120, so it must be 2 hours"):
/// a claim in one of these, unless the result is in the same unit, is not compared.
const MEASURE_UNITS: [&str; 33] = [
    "second",
    "minute",
    "hour",
    "day",
    "week",
    "month",
    "year",
    "cent",
    "dollar",
    "dozen",
    "inch",
    "inche",
    "foot",
    "feet",
    "yard",
    "mile",
    "meter",
    "metre",
    "centimeter",
    "cm",
    "km",
    "kilometer",
    "gram",
    "g",
    "kg",
    "kilogram",
    "pound",
    "lb",
    "ounce",
    "oz",
    "liter",
    "litre",
    "gallon",
];

/// The plain word right after byte `from` of `lower` and before `to` (its first run of ASCII
/// letters, if the run starts after spaces only), without a plural "s".
fn unit_after(lower: &str, from: usize, to: usize) -> Option<&str> {
    let rest = words_after(lower, from, to);
    let rest = rest.trim_start_matches([' ', '$']);
    let len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
    (len > 0).then(|| {
        let w = &rest[..len];
        w.strip_suffix('s').filter(|w| !w.is_empty()).unwrap_or(w)
    })
}

/// "<computation>, so … must be N": a conclusion (a conclusion word, then a modal claim) whose
/// value agrees with none of the computations that came just before it, in its sentence, or in
/// the step's previous sentence when the conclusion word opens its own ("3 * 4 = 12. So the
/// answer must be 15."). Kept narrow: nothing is compared when a number stands outside those
/// computations (the conclusion could combine it), when a word of change says the quantity
/// moved on ("buys 3 * 2 = 6 more, so the total must be 11"), when the claim is part of an
/// expression, or when it is in a unit the result could have been converted into.
pub fn conclusions_against_computations(view: &StepView) -> Vec<Finding> {
    let StepView { text: step, base, index, checks, numbers, .. } = *view;
    let mut findings = Vec::new();
    if checks.is_empty() || numbers.is_empty() {
        return findings;
    }
    // The step is lower-cased once a sentence may hold a conclusion, which most never do.
    let mut lower_step: Option<String> = None;
    let sentences = view.sentences();
    for (n, &Sentence { start: s, end: e, flags }) in sentences.iter().enumerate() {
        // A conclusion word, and the "be", "answer" or "result" every modal claim needs.
        if flags & CONCLUSION == 0 || flags & CLAIM == 0 {
            continue;
        }
        let lower = lower_step.get_or_insert_with(|| step.to_ascii_lowercase()).as_str();
        let spans = words_with_spans(&lower[s..e]);
        let words: Vec<&str> =
            spans.iter().map(|&(a, b)| lower[s + a..s + b].trim_matches(|c: char| !c.is_alphanumeric())).collect();
        let at = |i: usize| words.get(i).copied().unwrap_or("");
        let Some(connective) = (0..words.len()).find(|&k| is_conclusion_word(at(k), at(k.wrapping_sub(1)), at(k + 1)))
        else {
            continue;
        };
        // The claim: a modal verb after the conclusion word, with only plain words between.
        let Some(verb) = (connective + 1..words.len())
            .take_while(|&k| !at(k).bytes().any(|b| b.is_ascii_digit()))
            .find_map(|k| modal_claim(&words, k))
        else {
            continue;
        };
        let Some(&(vs, ve)) = spans.get(verb + 1) else { continue };
        let (lo, hi) = (base + s + vs, base + s + ve);
        let Some(claim) = view.numbers_within(lo, hi).next() else { continue };
        if claim.in_expression || view.in_check(claim.start, claim.end) {
            continue;
        }
        // What the conclusion is drawn from: its sentence up to the conclusion word, or the
        // previous sentence of the step when the word opens the sentence.
        let split = base + s + spans[connective].0;
        let mut from = base + s;
        if connective == 0 && n > 0 && view.checks_within(from, split).next().is_none() {
            from = base + sentences[n - 1].start;
        }
        // A "Step 2:" label is not a number the conclusion could draw on.
        if starts_numbered_step(step) {
            let body = step.find([':', ')']).map_or(0, |i| i + 1);
            from = from.max(base + body.min(split - base));
        }
        let computations: Vec<&Check> = view.checks_within(from, split).collect();
        let Some(last) = computations.last() else { continue };
        let free_number = {
            let (sorted, covered) = (view.spans.checks_sorted, covering(&computations));
            view.numbers_within(from, split).any(|n| !covered(sorted, n))
        };
        let changed = lower[from - base..claim.start - base]
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| CHANGES.contains(w));
        if free_number || changed {
            continue;
        }
        let claimed = unit_after(lower, claim.end - base, e);
        match (claimed, unit_after(lower, last.result_end - base, split - base)) {
            (Some(claimed), Some(result)) if claimed != result => continue,
            (Some(claimed), None) if MEASURE_UNITS.contains(&claimed) => continue,
            _ => {}
        }
        let consistent = computations.iter().any(|c| {
            value_of(&c.computed).is_some_and(|v| agrees(claim, &v))
                || value_of(&c.written).is_some_and(|v| agrees(claim, &v))
        });
        if consistent {
            continue;
        }
        let message = format!(
            "The conclusion {} contradicts the computation just before it, {} = {}",
            &step[claim.start - base..claim.end - base],
            last.expression,
            last.computed
        );
        findings.push(claim_vs_computation(index, last.start..claim.end, message, &last.computed));
    }
    findings
}

/// Whether a number lies inside one of `computations` (in order of start when `sorted`): the
/// furthest end among those starting at or before it, found by binary search.
fn covering<'a>(computations: &'a [&'a Check]) -> impl Fn(bool, &WrittenNumber) -> bool + 'a {
    let max_end: Vec<usize> = computations
        .iter()
        .scan(0, |m, c| {
            *m = c.end.max(*m);
            Some(*m)
        })
        .collect();
    move |sorted, n| {
        if !sorted {
            return computations.iter().any(|c| c.start <= n.start && n.end <= c.end);
        }
        let k = computations.partition_point(|c| c.start <= n.start);
        k > 0 && max_end[k - 1] >= n.end
    }
}

/// At most 64 bytes of `text` from `from` (not past `to`): enough for the three words `is_rate`
/// reads, and a bound on the work per number.
fn words_after(text: &str, from: usize, to: usize) -> &str {
    let mut end = to.min(from + 64).min(text.len());
    while end > from && !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(from..end).unwrap_or("")
}

/// Whether the words after a number make it a rate ("per hour", "for each", "each", "an hour").
fn is_rate(after: &str) -> bool {
    let mut words = after.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| !w.is_empty());
    let first = words.next().unwrap_or("");
    let second = words.next().unwrap_or("");
    let third = words.next().unwrap_or("");
    let per_period = matches!(second, "an" | "a") && matches!(third, "hour" | "day" | "week" | "month" | "year");
    // "per", "each", "for each" right after the number or after its unit.
    matches!(first, "per" | "each")
        || matches!(second, "per" | "each")
        || (second == "for" && third == "each")
        || per_period
}

/// A plain decimal string (as `format_value` writes it) back to a value.
fn value_of(text: &str) -> Option<Value> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    // The digits and points, gathered on the stack when few (the usual case) rather than in a
    // new string.
    let mut buf = [0u8; 64];
    let mut len = 0;
    for b in digits.bytes().filter(|b| b.is_ascii_digit() || *b == b'.') {
        match buf.get_mut(len) {
            Some(slot) => *slot = b,
            None => {
                let digits: String = digits.chars().filter(|c| c.is_ascii_digit() || *c == '.').collect();
                return crate::arith::parse_decimal(&digits).map(|(v, _)| if negative { -v } else { v });
            }
        }
        len += 1;
    }
    let digits = std::str::from_utf8(&buf[..len]).ok()?;
    crate::arith::parse_decimal(digits).map(|(v, _)| if negative { -v } else { v })
}

/// Words that say a quantity changed, so a new value is an update, not a contradiction.
pub(super) const CHANGE_WORDS: [&str; 34] = [
    "now",
    "then",
    "after",
    "afterwards",
    "later",
    "left",
    "remaining",
    "remain",
    "remains",
    "more",
    "less",
    "fewer",
    "new",
    "still",
    "becomes",
    "became",
    "originally",
    "initially",
    "before",
    "gives",
    "gave",
    "buys",
    "bought",
    "sells",
    "sold",
    "adds",
    "added",
    "loses",
    "lost",
    "ate",
    "eats",
    "spent",
    "spends",
    "total",
];

pub(super) const STATE_VERBS: [&str; 12] =
    ["is", "are", "was", "were", "has", "have", "had", "costs", "cost", "weighs", "weighed", "equals"];
static STATES: WordList = WordList::new(&STATE_VERBS);
static CHANGES: WordList = WordList::new(&CHANGE_WORDS);

const PRONOUNS: [&str; 14] =
    ["it", "he", "she", "they", "this", "that", "which", "there", "we", "i", "you", "these", "those", "what"];

/// A stated value: "<subject> <verb> <number> [<unit>]".
struct Statement {
    key: String,
    number: WrittenNumber,
    step: usize,
}

fn words_with_spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    words_with_spans_into(text, &mut out);
    out
}

/// [`words_with_spans`] into `out` (cleared first), to reuse its allocation.
fn words_with_spans_into(text: &str, out: &mut Vec<(usize, usize)>) {
    out.clear();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let part = c.is_alphanumeric() || matches!(c, '$' | '.' | ',' | '%' | '\'');
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
}

/// `words` is scratch space, kept between steps.
fn statements(view: &StepView, words: &mut Vec<(usize, usize)>) -> Vec<Statement> {
    let StepView { text: step, base, index, numbers, .. } = *view;
    let mut out = Vec::new();
    if numbers.is_empty() {
        return out;
    }
    for &Sentence { start: s, end: e, flags } in view.sentences() {
        let sentence = &step[s..e];
        // A digit, and a verb that states a value.
        if flags & DIGIT == 0 || flags & STATE == 0 {
            continue;
        }
        // Words are compared ignoring ASCII case (the word lists are lower case); the sentence
        // is lower-cased only to name a statement's quantity.
        words_with_spans_into(sentence, words);
        let mut lower: Option<String> = None;
        let mut changes = None;
        for (k, &(ws, we)) in words.iter().enumerate() {
            if !STATES.contains_ci(&sentence[ws..we]) || k == 0 {
                continue;
            }
            // A word of change anywhere in the sentence makes a new value an update.
            let changed = *changes.get_or_insert_with(|| {
                flags & CHANGE != 0
                    && words
                        .iter()
                        .any(|&(a, b)| CHANGES.contains_ci(sentence[a..b].trim_matches(|c: char| !c.is_alphanumeric())))
            });
            if changed {
                break;
            }
            // The number right after the verb.
            let Some(&(ns, ne)) = words.get(k + 1) else { continue };
            let (lo, hi) = (base + s + ns, base + s + ne);
            let Some(number) = view.numbers_within(lo, hi).next() else { continue };
            // A number that is an operand or result of a computation is not a stated value.
            if view.in_check(number.start, number.end) {
                continue;
            }
            let lower = lower.get_or_insert_with(|| sentence.to_ascii_lowercase());
            let verb = &lower[ws..we];
            // The subject: up to three plain words right before the verb.
            let mut subject: Vec<&str> = words[..k]
                .iter()
                .rev()
                .map(|&(a, b)| &lower[a..b])
                .take_while(|w| w.chars().all(char::is_alphabetic))
                .take(3)
                .collect();
            subject.reverse();
            let Some(head) = subject.last() else { continue };
            if PRONOUNS.contains(head) {
                continue;
            }
            let unit = words.get(k + 2).map(|&(a, b)| lower[a..b].trim_end_matches(['.', ',']).to_owned());
            let unit = unit.unwrap_or_default();
            let unit = if unit.chars().all(char::is_alphabetic) { unit } else { String::new() };
            let key = format!("{} {verb} _ {unit}", subject.join(" "));
            out.push(Statement { key, number: number.clone(), step: index });
        }
    }
    out
}

/// Tracks stated values across steps; reports a later step that gives the same quantity a
/// different value.
#[derive(Default)]
pub struct QuantityTracker {
    seen: HashMap<String, (WrittenNumber, usize)>,
    /// Scratch space for a sentence's words.
    words: Vec<(usize, usize)>,
}

impl QuantityTracker {
    pub fn step(&mut self, view: &StepView) -> Vec<Finding> {
        let mut findings = Vec::new();
        let index = view.index;
        for statement in statements(view, &mut self.words) {
            match self.seen.get(&statement.key) {
                Some((earlier, earlier_step)) if *earlier_step < statement.step => {
                    if !agrees(&statement.number, &earlier.value) && !agrees(earlier, &statement.number.value) {
                        findings.push(Finding {
                            kind: FindingType::SelfContradiction,
                            step: index,
                            start: statement.number.start,
                            end: statement.number.end,
                            message: format!(
                                "Step {} gave this quantity as {}; here it is {}, with nothing said to change it",
                                earlier_step,
                                format_value(&earlier.value),
                                format_value(&statement.number.value)
                            ),
                            expected: Some(format_value(&earlier.value)),
                            detail: Some("two_values".into()),
                        });
                    }
                }
                _ => {
                    self.seen.insert(statement.key, (statement.number, statement.step));
                }
            }
        }
        findings
    }
}

const ARTICLES: [&str; 3] = ["the", "a", "an"];

/// What a sentence with a copula contains (case-sensitive, as written).
const COPULAS: [&str; 6] = [" is ", " are ", " was ", " were ", " Is ", " IS "];

/// "X is Y" and "X is not Y", normalized: (subject, predicate, negated).
fn copulas(sentence: &str) -> Vec<(String, String, bool)> {
    // Most sentences have no copula at all: skip them before any allocation.
    if !contains_any_after_space(sentence, &COPULAS) {
        return Vec::new();
    }
    // (`replace` copies even when there is nothing to replace.)
    let mut lower = sentence.to_lowercase();
    if lower.as_bytes().windows(3).any(|w| w == b"n't") {
        lower = lower.replace("n't", " not");
    }
    if lower.contains('’') {
        lower = lower.replace(['’'], "'");
    }
    let words: Vec<&str> =
        lower.split(|c: char| c.is_whitespace() || matches!(c, ',' | ':' | '"')).filter(|w| !w.is_empty()).collect();
    let mut out = Vec::new();
    for (k, w) in words.iter().enumerate() {
        if !matches!(*w, "is" | "are" | "was" | "were") || k == 0 {
            continue;
        }
        let mut rest = &words[k + 1..];
        let negated = rest.first() == Some(&"not");
        if negated {
            rest = &rest[1..];
        }
        // Subject and predicate are joined only for a copula that is kept.
        let subject = || words[k.saturating_sub(4)..k].iter().copied().filter(|w| !ARTICLES.contains(w));
        let predicate = || {
            rest.iter()
                .copied()
                .take_while(|w| !matches!(*w, "and" | "but" | "because" | "so" | "since" | "or" | "if" | "when"))
                .filter(|w| !ARTICLES.contains(w))
                .take(4)
        };
        let Some(head) = subject().next_back() else { continue };
        if PRONOUNS.contains(&head)
            || predicate().next().is_none()
            || predicate().any(|w| w.chars().any(|c| c.is_ascii_digit()))
        {
            continue;
        }
        let join = |words: &mut dyn Iterator<Item = &str>| words.collect::<Vec<_>>().join(" ");
        out.push((join(&mut subject()), join(&mut predicate()), negated));
    }
    out
}

/// Tracks "X is Y" statements; reports a later "X is not Y" (or the reverse).
#[derive(Default)]
pub struct CopulaTracker {
    seen: HashMap<(String, String), (bool, usize)>,
}

impl CopulaTracker {
    pub fn step(&mut self, step: &str, base: usize, index: usize) -> Vec<Finding> {
        let mut findings = Vec::new();
        // No copula in the step, none in its sentences (the words hold no sentence end).
        if !contains_any_after_space(step, &COPULAS) {
            return findings;
        }
        for (s, e) in sentences(step) {
            for (subject, predicate, negated) in copulas(&step[s..e]) {
                let key = (subject, predicate);
                match self.seen.get(&key) {
                    Some(&(was_negated, earlier)) if was_negated != negated && earlier < index => {
                        findings.push(Finding {
                            kind: FindingType::SelfContradiction,
                            step: index,
                            start: base + s,
                            end: base + e,
                            message: format!(
                                "Step {earlier} said \"{} is {}{}\"; this says the opposite",
                                key.0,
                                if was_negated { "not " } else { "" },
                                key.1
                            ),
                            expected: None,
                            detail: Some("negation".into()),
                        });
                    }
                    Some(_) => {}
                    None => {
                        self.seen.insert(key, (negated, index));
                    }
                }
            }
        }
        findings
    }
}

#[cfg(test)]
mod tests {
    use crate::{analyze, Finding, FindingType, Options};

    fn contradictions(trace: &str) -> Vec<Finding> {
        analyze(trace, None, Options::default())
            .findings
            .into_iter()
            .filter(|f| f.kind == FindingType::SelfContradiction)
            .collect()
    }

    #[test]
    fn a_conclusion_against_the_computation_just_made() {
        // 3 * 4 = 12 by hand, so a conclusion of 15 contradicts it and one of 12 does not.
        let step = "3 * 4 = 12, so the answer must be 15.";
        let found = contradictions(step);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].detail.as_deref(), Some("claim_vs_computation"));
        assert_eq!(found[0].expected.as_deref(), Some("12"));
        assert_eq!(&step[found[0].start..found[0].end], "3 * 4 = 12, so the answer must be 15");
        assert!(contradictions("3 * 4 = 12, so the answer must be 12.").is_empty());
    }

    #[test]
    fn every_conclusion_word_and_modal_verb() {
        // 6 + 2 = 8 and 20 / 4 = 5 by hand; every claim below says something else.
        for step in [
            "6 + 2 = 8, so the answer must be 9.",
            "6 + 2 = 8, so there should be 9 apples.",
            "6 + 2 = 8; therefore the box will be 9.",
            "20 / 4 = 5, thus each share would be $4.",
            "20 / 4 = 5, hence the price has to be 6.",
            "20 / 4 = 5 apples, so there must be 6 apples.",
            "20 / 4 = 5, which means the answer needs to be 6.",
            "20 / 4 = 5, so the answer is 6.",
            "6 + 2 = 8. So the count must be 9.",
            "Step 2: 6 + 2 = 8 so it must be 9",
        ] {
            assert_eq!(contradictions(step).len(), 1, "{step:?}");
        }
    }

    #[test]
    fn agreeing_and_unrelated_conclusions_are_not_flagged() {
        for step in [
            // The claim agrees: exactly, as written, after rounding, as a percent.
            "6 + 2 = 8, so the answer must be 8.",
            "100 / 3 = 33.33, so each must be 33.3.",
            "0.25 * 2 = 0.5, so the share must be 50%.",
            // A number outside the computation may be combined into the claim.
            "He has 5 and 3 * 2 = 6, so the answer must be 11.",
            // A word of change: the quantity moved on.
            "He buys 3 * 2 = 6 more, so the total must be 11.",
            // A unit the result may have been converted into.
            "60 * 2 = 120 minutes, so it must be 2 hours.",
            "60 * 2 = 120, so it must be 2 hours.",
            // Part of an expression, or computed itself.
            "6 + 2 = 8, so the answer must be 8 * 2 = 16.",
            "6 + 2 = 8, so the answer must be 9 - 1.",
            // Not a conclusion: purpose, degree, hedges, no modal verb.
            "6 + 2 = 8 so that the box might be 9.",
            "6 + 2 = 8, so she has 9 now.",
            "6 + 2 = 8, so the answer may be 9.",
            // The claim comes before the computation (the "because" rule's business).
            "The answer must be 9, so 6 + 2 = 8.",
        ] {
            assert!(contradictions(step).is_empty(), "{step:?}: {:?}", contradictions(step));
        }
    }
}

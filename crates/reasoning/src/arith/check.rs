//! Finds the equations of a step and checks each exactly. A line is split at its `=` signs; for
//! each sign the left side is the longest expression that ends there and the right side the
//! longest that starts there. Pairs that are not arithmetic a reader could check are skipped:
//! a left side without an operator (a label: "D2 = 644 - 19"), an operand that is a word
//! ("S + 143 = 200", "16 + x"), clock times, dates and ranges (the tokenizer's barriers).

use std::collections::HashSet;

use serde::Serialize;

use super::compact::compact;
use super::expr::{evaluate, Evaluated};
use super::lex::{tokenize, tokenize_into, Kind, Num, Token};
use super::mapped::Mapped;
use super::normalize::{normalize, Annotation};
use super::number::{format, rounding_tolerance, Value};
use super::numbers::{numbers_in, WrittenNumber};

/// How a written result compares with the exact value of its left side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Exactly equal.
    Ok,
    /// Equal within half a unit of the last digit written.
    OkRounded,
    /// "18 / 450 x 100 = 4%": the left side is already ×100 and the `%` repeats it.
    OkPercent,
    /// "3*7=21+4=25": the right side carries on from the left value.
    RunningChain,
    Wrong,
    /// Off by a power of ten (10, 100, 1000 or a million either way).
    ScaleMismatch,
    /// The written value is the magnitude of a negative result (or the reverse).
    SignDropped,
    /// The written value is the exact result cut to a whole number.
    Truncated,
    /// "20% of 50 = 1000": a percentage used without dividing by 100.
    PercentTimes100,
}

impl Verdict {
    pub fn is_error(self) -> bool {
        !matches!(self, Verdict::Ok | Verdict::OkRounded | Verdict::OkPercent | Verdict::RunningChain)
    }

    /// Its name as serialized ("ok", "scale_mismatch", ...).
    pub fn id(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::OkRounded => "ok_rounded",
            Verdict::OkPercent => "ok_percent",
            Verdict::RunningChain => "running_chain",
            Verdict::Wrong => "wrong",
            Verdict::ScaleMismatch => "scale_mismatch",
            Verdict::SignDropped => "sign_dropped",
            Verdict::Truncated => "truncated",
            Verdict::PercentTimes100 => "percent_times100",
        }
    }

    /// The kind of error in words, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Verdict::Ok => "correct",
            Verdict::OkRounded => "correct after rounding",
            Verdict::OkPercent => "correct as a percentage",
            Verdict::RunningChain => "a running total",
            Verdict::Wrong => "wrong result",
            Verdict::ScaleMismatch => "off by a power of ten",
            Verdict::SignDropped => "sign dropped",
            Verdict::Truncated => "truncated to a whole number",
            Verdict::PercentTimes100 => "percent not divided by 100",
        }
    }
}

/// Where the equation was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// In the text a reader sees.
    Visible,
    /// In a GSM8K calculator annotation `<<a*b=c>>`.
    Annotation,
    /// The number shown right after an annotation, against the annotation's value.
    AfterAnnotation,
}

/// One equation checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// Byte range of the whole equation in the trace.
    pub start: usize,
    pub end: usize,
    /// Byte range of the written result.
    pub result_start: usize,
    pub result_end: usize,
    /// The left side as read (plain operators).
    pub expression: String,
    /// The result as written.
    pub written: String,
    /// The exact value of the left side.
    pub computed: String,
    /// The correct result in the writer's notation (with `%` where they wrote one).
    pub expected: String,
    pub verdict: Verdict,
    pub source: Source,
}

/// Arithmetic tokens: what an expression may be made of.
fn is_arith(kind: &Kind) -> bool {
    matches!(kind, Kind::Num(_) | Kind::Op(_) | Kind::LParen | Kind::RParen)
}

/// Longest arithmetic expression in `tokens[lo..hi]` that ends at `hi`.
fn longest_suffix(tokens: &[Token], lo: usize, hi: usize) -> Option<(usize, Evaluated)> {
    // Only the last 64 tokens are tried: longer sums are not written on one line.
    let run_start = (lo..hi).rev().take_while(|&i| is_arith(&tokens[i].kind)).last()?.max(hi.saturating_sub(64));
    (run_start..hi)
        .filter(|&i| !matches!(tokens[i].kind, Kind::Op(b'+' | b'*' | b'/' | b'^') | Kind::RParen))
        .find_map(|i| evaluate(&tokens[i..hi]).map(|e| (i, e)))
}

/// Longest arithmetic expression in `tokens[lo..hi]` that starts at `lo`.
fn longest_prefix(tokens: &[Token], lo: usize, hi: usize) -> Option<(usize, Evaluated)> {
    let run_end = lo + tokens[lo..hi].iter().take(64).take_while(|t| is_arith(&t.kind)).count();
    (lo + 1..=run_end).rev().find_map(|j| evaluate(&tokens[lo..j]).map(|e| (j, e)))
}

fn nums(tokens: &[Token]) -> impl Iterator<Item = &Num> {
    tokens.iter().filter_map(|t| if let Kind::Num(n) = &t.kind { Some(n) } else { None })
}

/// How far the written right side may be from the exact left side.
fn tolerance(right: &[Token], approx_eq: bool) -> Value {
    let mut tol = Value::zero();
    for n in nums(right) {
        let mut t = rounding_tolerance(n.decimals);
        if n.approx {
            t *= &Value::from(2);
        }
        t *= &Value::pow10(n.scale_exp);
        if n.percent {
            t /= &Value::from(100);
        }
        if t > tol {
            tol = t;
        }
    }
    if approx_eq {
        tol *= &Value::from(2);
    }
    tol
}

fn close(a: &Value, b: &Value, tol: &Value) -> bool {
    (a - b).abs() <= *tol
}

/// Whether `a` and `b` may be within `tol` of each other, judged in floating point with room
/// to spare; true when a value does not fit a float, so the exact test then decides.
fn maybe_close(a: f64, b: f64, tol: f64) -> bool {
    if !(a.is_finite() && b.is_finite() && tol.is_finite()) {
        return true;
    }
    (a - b).abs() <= tol * (1.0 + 1e-6) + 1e-9 * a.abs().max(b.abs()) + f64::MIN_POSITIVE
}

/// Whether `written` is `exact` rounded: within half a unit, and at an exact tie only when
/// rounding away from zero or to an even last digit (1.5 → 2 or 2.5 → 2; never 1.5 → 1).
fn rounds_to(exact: &Value, written: &Value, tol: &Value) -> bool {
    let gap = (exact - written).abs();
    if gap < *tol {
        return true;
    }
    if gap > *tol {
        return false;
    }
    let away_from_zero = written.abs() > exact.abs();
    // The written value in units of its last place (tol is half of one).
    let units = (written / (tol * Value::from(2))).round();
    away_from_zero || units.is_even()
}

/// The verdict for `left = right`, given the tokens of each side.
fn verdict(left: &Value, left_tokens: &[Token], right: &Evaluated, right_tokens: &[Token], approx_eq: bool) -> Verdict {
    let r = &right.value;
    if left == r {
        return Verdict::Ok;
    }
    let mut tol = tolerance(right_tokens, approx_eq);
    // Results printed from floating point ("100/58 = 1.7241379310344827") carry about 16
    // significant digits, so a relative slack of 1e-9 accepts them without hiding real slips.
    // Only a result written with decimals can be a float printout.
    let float_noise = left.abs() / Value::from(1_000_000_000);
    if float_noise > tol && nums(right_tokens).any(|n| n.decimals > 0) {
        tol = float_noise;
    }
    if approx_eq {
        let relative = left.abs() / Value::from(200);
        if relative > tol {
            tol = relative;
        }
    }
    // Every test below is exact; a float look first rules most of them out without the
    // fraction arithmetic (a wrong result would otherwise cost some twenty big-number operations).
    let (lf, rf, tf) =
        (left.to_f64().unwrap_or(f64::NAN), r.to_f64().unwrap_or(f64::NAN), tol.to_f64().unwrap_or(f64::NAN));
    if maybe_close(lf, rf, tf) && rounds_to(left, r, &tol) {
        return Verdict::OkRounded;
    }
    let hundred = Value::from(100);
    let right_percent = nums(right_tokens).any(|n| n.percent);
    if right_percent && maybe_close(lf, rf * 100.0, tf * 100.0) && close(left, &(r * &hundred), &(&tol * &hundred)) {
        return Verdict::OkPercent;
    }
    if !right.single_number {
        if let Some(i) = right.first_number {
            let first = &right_tokens[i..i + 1];
            if nums(first).any(|n| close(left, &n.value, &tolerance(first, false))) {
                return Verdict::RunningChain;
            }
        }
        // A balanced equation whose sides differ: report it as wrong.
    }
    if !left.is_zero() && maybe_close(-lf, rf, tf) && close(&-left.clone(), r, &tol) {
        return Verdict::SignDropped;
    }
    let left_percent = nums(left_tokens).any(|n| n.percent);
    if left_percent && maybe_close(lf * 100.0, rf, tf) && close(&(left * &hundred), r, &tol) {
        return Verdict::PercentTimes100;
    }
    for k in [1u32, 2, 3, 6] {
        let f = 10f64.powi(k as i32);
        let up = maybe_close(lf * f, rf, tf);
        let down = maybe_close(lf / f, rf, tf);
        if left.is_zero() || !(up || down) {
            continue;
        }
        let factor = Value::pow10(k);
        if (up && close(&(left * &factor), r, &tol)) || (down && close(&(left / &factor), r, &tol)) {
            return Verdict::ScaleMismatch;
        }
    }
    let integer_written = right.single_number && nums(right_tokens).all(|n| n.decimals == 0 && !n.percent);
    if integer_written && !left.is_integer() && (left.floor() == *r || left.ceil() == *r) {
        return Verdict::Truncated;
    }
    Verdict::Wrong
}

/// `computed` is `format(left)`, already made for the check.
fn expected_text(left: &Value, computed: &str, left_tokens: &[Token], right_tokens: &[Token]) -> String {
    if nums(right_tokens).any(|n| n.percent) {
        // Written as a percentage: show the value the same way.
        let hundred = Value::from(100);
        let already_times_100 = left.abs() >= Value::one() && nums(left_tokens).any(|n| n.value == hundred);
        let shown = if already_times_100 { left.clone() } else { left * &hundred };
        return format!("{}%", format(&shown));
    }
    computed.to_owned()
}

fn plain(text: &Mapped, tokens: &[Token]) -> String {
    match (tokens.first(), tokens.last()) {
        (Some(a), Some(b)) => text.text.get(a.start..b.end).unwrap_or("").trim().to_owned(),
        _ => String::new(),
    }
}

struct Side<'a> {
    tokens: &'a [Token],
    value: Evaluated,
}

fn make_check(text: &Mapped, left: Side, right: Side, approx_eq: bool, source: Source) -> Option<Check> {
    let (first, last) = (left.tokens.first()?, right.tokens.last()?);
    let (start, end) = text.span(first.start, last.end);
    let (rs, re) = (right.tokens.first()?, right.tokens.last()?);
    let (result_start, result_end) = text.span(rs.start, re.end);
    let verdict = verdict(&left.value.value, left.tokens, &right.value, right.tokens, approx_eq);
    let computed = format(&left.value.value);
    Some(Check {
        start,
        end,
        result_start,
        result_end,
        expression: plain(text, left.tokens),
        written: plain(text, right.tokens),
        expected: expected_text(&left.value.value, &computed, left.tokens, right.tokens),
        computed,
        verdict,
        source,
    })
}

/// Checks every equation in one step. `base` is the step's byte offset in the trace.
pub fn check_step(step: &str, base: usize) -> Vec<Check> {
    read_step(step, base).checks
}

/// What the detectors need from a step, read once: its equations checked and its numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct StepReading {
    pub checks: Vec<Check>,
    pub numbers: Vec<WrittenNumber>,
}

pub fn read_step(step: &str, base: usize) -> StepReading {
    read_step_with(step, base, &mut ReadBuffers::default())
}

/// Space [`read_step_with`] reuses from step to step (one allocation for a whole trace).
#[derive(Debug, Default)]
pub struct ReadBuffers {
    tokens: Vec<Token>,
}

/// [`read_step`], reusing `buffers`.
pub fn read_step_with(step: &str, base: usize, buffers: &mut ReadBuffers) -> StepReading {
    // Prose without a digit has no arithmetic and states no number (number words aside); the
    // other characters looked for are not ASCII.
    let (digit, ascii) = step.bytes().fold((false, true), |(d, a), b| (d || b.is_ascii_digit(), a && b.is_ascii()));
    if !digit && (ascii || !step.contains(['½', '⅓', '⅔', '¼', '¾', '⅕', '⅛', '²', '³'])) {
        return StepReading { checks: Vec::new(), numbers: Vec::new() };
    }
    let normalized = normalize(step, base);
    let mut buffer = std::mem::take(&mut buffers.tokens);
    buffer.clear();
    let tokens = compact(tokenize_into(&normalized.text.text, buffer), &normalized.text.text);
    let mut checks = visible_checks(&normalized.text, &tokens);
    if !normalized.annotations.is_empty() {
        // Tokens come in order (the tokenizer reads left to right): binary search finds the one
        // after an annotation; a set of the results checked so far replaces a scan per annotation.
        let sorted = tokens.windows(2).all(|w| w[0].start <= w[1].start);
        let mut done: HashSet<usize> = checks.iter().map(|c| c.result_start).collect();
        for annotation in &normalized.annotations {
            let found = annotation_checks(annotation, &normalized.text, &tokens, sorted, &done);
            done.extend(found.iter().map(|c| c.result_start));
            checks.extend(found);
        }
    }
    checks.sort_by_key(|c| (c.start, c.end));
    let numbers = numbers_in(&normalized.text, &tokens);
    buffers.tokens = tokens;
    StepReading { checks, numbers }
}

fn visible_checks(text: &Mapped, tokens: &[Token]) -> Vec<Check> {
    let mut eqs =
        tokens.iter().enumerate().filter(|(_, t)| matches!(t.kind, Kind::Eq { .. })).map(|(i, _)| i).peekable();
    let mut checks = Vec::new();
    // Where the previous pair's right side ended: a left side that is exactly that segment is a
    // link in a chain ("a = b = c") and may be a bare number.
    let mut previous_right_end: Option<usize> = None;
    let mut previous_eq: Option<usize> = None;
    // The k-th sign at `e`, between the previous sign and the next.
    for k in 0usize.. {
        let Some(e) = eqs.next() else { break };
        let lo = previous_eq.replace(e).map_or(0, |p| p + 1);
        let hi = eqs.peek().copied().unwrap_or(tokens.len());
        let approx_eq = matches!(tokens[e].kind, Kind::Eq { approx: true, .. });
        let word_eq = matches!(tokens[e].kind, Kind::Eq { word: true, .. });
        let chained = k > 0 && previous_right_end == Some(e);
        previous_right_end = None;
        let Some((ls, left)) = longest_suffix(tokens, lo, e) else { continue };
        let Some((re, right)) = longest_prefix(tokens, e + 1, hi) else { continue };
        previous_right_end = Some(re);
        if left.operators == 0 && !(chained && ls == lo) {
            continue;
        }
        // An operator or a word glued by a minus before the left side: an unknown operand.
        if ls > lo || (ls == lo && k == 0 && ls > 0) {
            let before = &tokens[ls - 1].kind;
            let starts_with_minus = matches!(tokens[ls].kind, Kind::Op(b'-'));
            if matches!(before, Kind::Op(_)) || (starts_with_minus && matches!(before, Kind::Word | Kind::Num(_))) {
                continue;
            }
        }
        // "60% of 100% is 60/100*100 = 60%": after a word, only a single number is a result.
        if word_eq && !right.single_number {
            continue;
        }
        // An operator or parenthesis right after the right side: it continues with an unknown.
        // ("= 7 (a slip)": a parenthesis that opens words is a remark, not a continuation.)
        let continues = match tokens.get(re).map(|t| &t.kind) {
            Some(Kind::Op(_)) => re < hi,
            Some(Kind::LParen) => {
                re < hi
                    && matches!(tokens.get(re + 1).map(|t| &t.kind), Some(Kind::Num(_) | Kind::LParen | Kind::Op(_)))
            }
            _ => false,
        };
        // "47 ÷ 6 = 7 remainder 5" is whole-number division, written as such.
        let remainder = tokens.get(re).filter(|t| t.kind == Kind::Word).is_some_and(|t| {
            text.text
                .get(t.start..t.end)
                .is_some_and(|w| w.eq_ignore_ascii_case("remainder") || w.eq_ignore_ascii_case("r"))
        });
        if continues || remainder {
            continue;
        }
        let left_side = Side { tokens: &tokens[ls..e], value: left };
        let right_side = Side { tokens: &tokens[e + 1..re], value: right };
        checks.extend(make_check(text, left_side, right_side, approx_eq, Source::Visible));
    }
    checks
}

/// The annotation itself, and the visible number after it when no visible `=` checks it.
fn annotation_checks(
    annotation: &Annotation,
    visible: &Mapped,
    visible_tokens: &[Token],
    sorted: bool,
    done: &HashSet<usize>,
) -> Vec<Check> {
    let inner = &annotation.inner;
    let tokens = compact(tokenize(&inner.text), &inner.text);
    let mut out = Vec::new();
    let Some(eq) = tokens.iter().position(|t| matches!(t.kind, Kind::Eq { .. })) else { return out };
    // The same bound as for visible equations: longer ones are not checked (big fractions make
    // each further operation slower).
    if eq > 64 || tokens.len() - eq > 64 {
        return out;
    }
    let (Some(left), Some(right)) = (evaluate(&tokens[..eq]), evaluate(&tokens[eq + 1..])) else { return out };
    if left.operators == 0 || !right.single_number {
        return out;
    }
    let left_value = left.value.clone();
    let written_value = right.value.clone();
    let left_side = Side { tokens: &tokens[..eq], value: left.clone() };
    let right_side = Side { tokens: &tokens[eq + 1..], value: right };
    out.extend(make_check(inner, left_side, right_side, false, Source::Annotation));

    // The visible result: the first token at the annotation's place, if it is a number and no
    // visible equation ends there.
    let i = if sorted {
        visible_tokens.partition_point(|t| t.start < annotation.at)
    } else {
        visible_tokens.iter().position(|t| t.start >= annotation.at).unwrap_or(visible_tokens.len())
    };
    let Some(token) = visible_tokens.get(i) else { return out };
    let Kind::Num(num) = &token.kind else { return out };
    let (start, end) = visible.span(token.start, token.end);
    if done.contains(&start) {
        return out;
    }
    let tol = tolerance(std::slice::from_ref(token), false);
    // Agreeing with the annotation's own (possibly wrong) result is the annotation's slip,
    // already reported; disagreeing with both is the visible text's.
    if close(&num.value, &left_value, &tol) || num.value == written_value {
        return out;
    }
    let single = Evaluated { value: num.value.clone(), operators: 0, first_number: Some(0), single_number: true };
    let verdict = verdict(&left_value, &tokens[..eq], &single, std::slice::from_ref(token), false);
    let computed = format(&left_value);
    out.push(Check {
        start,
        end,
        result_start: start,
        result_end: end,
        expression: inner.text.get(..inner.text.find('=').unwrap_or(0)).unwrap_or("").trim().to_owned(),
        written: visible.text.get(token.start..token.end).unwrap_or("").to_owned(),
        expected: expected_text(&left_value, &computed, &tokens[..eq], std::slice::from_ref(token)),
        computed,
        verdict,
        source: Source::AfterAnnotation,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (written, verdict) of every equation checked in `line`.
    fn verdicts(line: &str) -> Vec<(String, Verdict)> {
        check_step(line, 0).into_iter().map(|c| (c.written, c.verdict)).collect()
    }

    fn one(line: &str) -> Verdict {
        let v = verdicts(line);
        assert_eq!(v.len(), 1, "{line:?} gave {v:?}");
        v[0].1
    }

    #[test]
    fn the_usual_notations() {
        assert_eq!(one("The booth made $50 x 3 = $150 selling cotton candy."), Verdict::Ok);
        assert_eq!(one("93 x 6 = 293"), Verdict::Wrong);
        assert_eq!(one("25*3=75,000"), Verdict::ScaleMismatch);
        assert_eq!(one("500/1000 = 5 pairs"), Verdict::ScaleMismatch);
        assert_eq!(one("$5 - $100 = $95"), Verdict::SignDropped);
        assert_eq!(one("200 x 1/3 = 66"), Verdict::Truncated);
        assert_eq!(one("18 / 450 x 100 = 4%"), Verdict::OkPercent);
        assert_eq!(one("20% of 50 = 10"), Verdict::Ok);
        assert_eq!(one("20% of $50 = $1000"), Verdict::PercentTimes100);
        assert_eq!(one("100/58 = 1.72"), Verdict::OkRounded);
        assert_eq!(one("100/58 = 1.7241379310344827"), Verdict::OkRounded);
        assert_eq!(one("1,234 + 4,321 = 5,555"), Verdict::Ok);
        assert_eq!(one(r"$\frac{3}{4} \cdot 12 = 9$"), Verdict::Ok);
        assert_eq!(one("6 × 7 = 42"), Verdict::Ok);
        assert_eq!(one("10 − 12 = −2"), Verdict::Ok);
        assert_eq!(one("3 hours * 60 minutes = 180 minutes"), Verdict::Ok);
        assert_eq!(one("12 apples + 5 apples = 17 apples"), Verdict::Ok);
        assert_eq!(one("2^10 = 1024"), Verdict::Ok);
        assert_eq!(one("1/3 = 0.333..."), Verdict::OkRounded);
        assert_eq!(one("12 x 1 and 1/4 = 15"), Verdict::Ok);
        assert_eq!(one("99999999999999999999 + 1 = 100000000000000000000"), Verdict::Ok);
        assert_eq!(one("2.5 million * 4 = 10 million"), Verdict::Ok);
    }

    #[test]
    fn chains() {
        assert_eq!(
            verdicts("3*7=21+4=25"),
            [("21+4".to_owned(), Verdict::RunningChain), ("25".to_owned(), Verdict::Ok)]
        );
        assert_eq!(verdicts("2 + 3 = 5 = 10/2").len(), 2);
        assert!(verdicts("2 + 3 = 5 = 10/2").iter().all(|(_, v)| !v.is_error()));
        let v = verdicts("Total = 5 + 3 = 9");
        assert_eq!(v, [("9".to_owned(), Verdict::Wrong)]);
    }

    #[test]
    fn not_arithmetic_is_skipped() {
        for line in [
            "D2 = 644 - 19",
            "S + 143 = 200 - 16 = 184",
            "100/5 = 5A/5",
            "x + 3 = 7",
            "16 + x = 20",
            "9:30 - 8:45 = 45 minutes",
            "6:00+18 hours = 00:00",
            "0900-0130 = 0730",
            "Weeks 1-2 = 96 - 70",
            "December 2013 - December 2012 = 2 years",
            "From 2019-2021 = 3 years",
            "Call 555-1234 = the office",
            "5! = 120",
            "Step 3 = 12",
        ] {
            let v: Vec<_> = verdicts(line).into_iter().filter(|(_, v)| v.is_error()).collect();
            assert!(v.is_empty(), "{line:?} flagged {v:?}");
        }
    }

    #[test]
    fn annotations_and_their_visible_results() {
        let checks = check_step("She made $50 x 3 = $<<50*3=150>>150.", 0);
        assert!(checks.iter().all(|c| !c.verdict.is_error()), "{checks:?}");
        let checks = check_step("89 + 71 + 92 + 100 + 86 = <<89+71+92+100+86=438>>289", 0);
        let errors: Vec<_> = checks.iter().filter(|c| c.verdict.is_error()).collect();
        assert_eq!(errors.len(), 1, "{checks:?}");
        assert_eq!(errors[0].expected, "438");
        assert_eq!((errors[0].result_start, errors[0].result_end), (49, 52));
        let checks = check_step("So she has <<12*4=48>>46 eggs.", 0);
        let errors: Vec<_> = checks.iter().filter(|c| c.verdict.is_error()).collect();
        assert_eq!(errors.len(), 1, "{checks:?}");
        assert_eq!(errors[0].source, Source::AfterAnnotation);
        let checks = check_step("<<560//10=56>>56", 0);
        assert!(checks.iter().all(|c| !c.verdict.is_error()));
    }

    #[test]
    fn latex_thousands_separators() {
        // 9 × 9,000 = 81,000 by hand; 80,000 is wrong by 1,000.
        assert_eq!(one(r"$9 \times 9{,}000 = 81{,}000$"), Verdict::Ok);
        assert_eq!(one(r"$1{,}234 + 4{,}321 = 5{,}555$"), Verdict::Ok);
        let step = r"So $9 \times 9{,}000 = 80{,}000$ in all.";
        let checks = check_step(step, 0);
        assert_eq!(checks.len(), 1, "{checks:?}");
        let c = &checks[0];
        assert_eq!(c.verdict, Verdict::Wrong);
        assert_eq!(c.expected, "81000");
        // The finding highlights the written result as the user typed it.
        assert_eq!(&step[c.result_start..c.result_end], "80{,}000");
    }

    #[test]
    fn spans_point_at_the_written_result() {
        let step = "Then 93 x 6 = 293 dollars.";
        let c = &check_step(step, 1000)[0];
        assert_eq!(&step[c.result_start - 1000..c.result_end - 1000], "293");
        assert_eq!(&step[c.start - 1000..c.end - 1000], "93 x 6 = 293");
        assert_eq!(c.expected, "558");
    }
}

#[cfg(test)]
mod id_tests {
    use super::*;

    #[test]
    fn ids_are_the_serialized_names() {
        use Verdict::*;
        for v in [Ok, OkRounded, OkPercent, RunningChain, Wrong, ScaleMismatch, SignDropped, Truncated, PercentTimes100]
        {
            assert_eq!(
                serde_json::to_value(v).ok().and_then(|j| j.as_str().map(str::to_owned)).as_deref(),
                Some(v.id())
            );
        }
    }
}

#[cfg(test)]
mod rounding_tests {
    use super::*;

    #[test]
    fn ties_round_half_up_or_even_never_down_to_odd() {
        assert_eq!(check_step("90 * (1/60) = 1", 0)[0].verdict, Verdict::Truncated);
        assert_eq!(check_step("3 / 2 = 2", 0)[0].verdict, Verdict::OkRounded);
        assert_eq!(check_step("5 / 2 = 2", 0)[0].verdict, Verdict::OkRounded);
        assert_eq!(check_step("15 / 2 = 7", 0)[0].verdict, Verdict::Truncated);
        assert_eq!(check_step("2 * 18446744073709551616 = 36893488147419103322", 0)[0].verdict, Verdict::Wrong);
        assert_eq!(check_step("8% of 2,400 is 1,920.", 0)[0].verdict, Verdict::ScaleMismatch);
        assert_eq!(check_step("$139,392/139 pairs of shoes = $1,002.82/pair", 0)[0].verdict, Verdict::OkRounded);
        let c = check_step("50-450=<<50-450=-400>>400", 0);
        assert!(c.iter().any(|c| c.verdict == Verdict::SignDropped), "{c:?}");
    }
}

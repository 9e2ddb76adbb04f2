//! The numbers a step states, with where they are: what the contradiction and support checks
//! compare. Calculator annotations are left out (they repeat the visible text).

use super::compact::compact;
use super::lex::{tokenize, Kind, Token};
use super::mapped::Mapped;
use super::normalize::normalize;
use super::number::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct WrittenNumber {
    pub start: usize,
    pub end: usize,
    pub value: Value,
    pub percent: bool,
    /// Digits written after the decimal point.
    pub decimals: u32,
    /// Next to an operator or `=`: part of an expression rather than a value stated alone.
    pub in_expression: bool,
}

pub fn written_numbers(step: &str, base: usize) -> Vec<WrittenNumber> {
    let normalized = normalize(step, base);
    let tokens = compact(tokenize(&normalized.text.text), &normalized.text.text);
    numbers_in(&normalized.text, &tokens)
}

/// The numbers among a step's tokens, mapped to the trace.
pub(super) fn numbers_in(text: &Mapped, tokens: &[Token]) -> Vec<WrittenNumber> {
    let is_operator = |i: Option<usize>| {
        i.and_then(|i| tokens.get(i)).is_some_and(|t| matches!(t.kind, Kind::Op(_) | Kind::Eq { .. }))
    };
    let mut out = Vec::with_capacity(tokens.iter().filter(|t| matches!(t.kind, Kind::Num(_))).count());
    out.extend(tokens.iter().enumerate().filter_map(|(i, t)| match &t.kind {
        Kind::Num(n) => {
            let (start, end) = text.span(t.start, t.end);
            Some(WrittenNumber {
                start,
                end,
                value: n.value.clone(),
                percent: n.percent,
                decimals: n.decimals,
                in_expression: is_operator(i.checked_sub(1)) || is_operator(Some(i + 1)),
            })
        }
        _ => None,
    }));
    out
}

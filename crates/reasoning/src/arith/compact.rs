//! Turns the words around numbers into arithmetic where a reader would: "x" and "times" between
//! numbers multiply, "N% of M" multiplies, "3 million" scales, "$600/month" is 600, and up to
//! three unit words between a number and an operator ("$50 per day x 3 days") are dropped.
//! Words that carry meaning (stop-words, one-letter variables) stay and stop an expression.

use num_bigint::BigInt;
use num_rational::BigRational;

use super::lex::{Kind, Token};
use super::number::ten_pow;

const STOP_WORDS: [&str; 62] = [
    "a", "an", "the", "is", "are", "was", "were", "be", "been", "and", "or", "but", "so", "then", "than", "of", "to",
    "in", "on", "at", "by", "for", "from", "with", "as", "that", "this", "these", "those", "it", "its", "he", "she",
    "they", "we", "i", "you", "his", "her", "their", "our", "my", "your", "has", "have", "had", "will", "would", "can",
    "if", "because", "since", "which", "who", "what", "when", "there", "more", "less", "fewer", "not", "equals",
];

/// One-letter words that are units rather than variables.
const LETTER_UNITS: [&str; 7] = ["h", "m", "s", "g", "l", "k", "d"];

/// Words that state a result: "8% of 2,400 is 192", "3 times 4 equals 12".
const EQUALITY_WORDS: [&str; 5] = ["is", "equals", "was", "makes", "yields"];

const SCALES: [(&str, u32); 4] = [("thousand", 3), ("million", 6), ("billion", 9), ("trillion", 12)];

/// Longest run of unit words dropped between a number and an operator, and before `=`.
const MAX_UNIT_WORDS: usize = 3;
const MAX_UNIT_WORDS_BEFORE_EQ: usize = 3;

fn word<'a>(text: &'a str, t: &Token) -> &'a str {
    text.get(t.start..t.end).unwrap_or("")
}

fn is_unit_word(w: &str) -> bool {
    if !w.chars().all(char::is_alphabetic) {
        return false;
    }
    let lower = w.to_lowercase();
    if lower == "x" || STOP_WORDS.contains(&lower.as_str()) {
        return false;
    }
    let letters = lower.chars().count();
    letters > 1 || LETTER_UNITS.contains(&lower.as_str())
}

fn is_quantity_end(kind: &Kind) -> bool {
    matches!(kind, Kind::Num(_) | Kind::RParen)
}

pub fn compact(tokens: Vec<Token>, text: &str) -> Vec<Token> {
    let words = rewrite_words(tokens, text);
    drop_unit_words(words, text)
}

fn rewrite_words(tokens: Vec<Token>, text: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut iter = tokens.into_iter().peekable();
    while let Some(mut token) = iter.next() {
        if token.kind == Kind::Word {
            let lower = word(text, &token).to_lowercase();
            let next_starts_quantity = matches!(iter.peek().map(|t| &t.kind), Some(Kind::Num(_) | Kind::LParen));
            if let Some(Token { kind: Kind::Num(num), end, .. }) = out.last_mut() {
                if let Some((_, exp)) = SCALES.iter().find(|(w, _)| *w == lower) {
                    if num.scale_exp == 0 {
                        num.value *= BigRational::from_integer(ten_pow(*exp));
                        num.scale_exp = *exp;
                        *end = token.end;
                        continue;
                    }
                }
                if (lower == "percent" || lower == "pct") && !num.percent {
                    num.percent = true;
                    num.value /= BigRational::from_integer(BigInt::from(100));
                    *end = token.end;
                    continue;
                }
                if lower == "of" && num.percent && next_starts_quantity {
                    token.kind = Kind::Op(b'*');
                    out.push(token);
                    continue;
                }
            }
            let next_is_number = matches!(iter.peek().map(|t| &t.kind), Some(Kind::Num(_)));
            if EQUALITY_WORDS.contains(&lower.as_str()) && next_is_number && follows_quantity(&out, text) {
                token.kind = Kind::Eq { approx: false, word: true };
                out.push(token);
                continue;
            }
            if matches!(lower.as_str(), "x" | "times") && next_starts_quantity && follows_quantity(&out, text) {
                token.kind = Kind::Op(b'*');
                out.push(token);
                continue;
            }
        }
        // "$600/month", "km/h": a glued "/unit" is a rate's unit, not a division.
        if token.kind == Kind::Op(b'/') {
            if let Some(next) = iter.peek() {
                let glued = !token.space_before && !next.space_before;
                let after_quantity = matches!(out.last().map(|t| &t.kind), Some(Kind::Num(_) | Kind::Word));
                if next.kind == Kind::Word && glued && after_quantity && is_unit_word(word(text, next)) {
                    iter.next();
                    continue;
                }
            }
        }
        out.push(token);
    }
    out
}

/// Whether the tokens so far end with a quantity, possibly followed by a few unit words.
fn follows_quantity(out: &[Token], text: &str) -> bool {
    let mut units = 0;
    for t in out.iter().rev() {
        match &t.kind {
            Kind::Num(_) | Kind::RParen => return true,
            Kind::Word if units < MAX_UNIT_WORDS && is_unit_word(word(text, t)) => units += 1,
            _ => return false,
        }
    }
    false
}

fn drop_unit_words(tokens: Vec<Token>, text: &str) -> Vec<Token> {
    let mut keep = vec![true; tokens.len()];
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i].kind != Kind::Word || i == 0 || !is_quantity_end(&tokens[i - 1].kind) {
            i += 1;
            continue;
        }
        // "pairs of shoes", "cups of flour": "of" may join unit words, not start or end a run.
        let mut run = 0;
        while let Some(t) = tokens.get(i + run) {
            let w = word(text, t);
            let joins = w.eq_ignore_ascii_case("of")
                && run > 0
                && tokens.get(i + run + 1).is_some_and(|n| n.kind == Kind::Word && is_unit_word(word(text, n)));
            if t.kind != Kind::Word || !(is_unit_word(w) || joins) {
                break;
            }
            run += 1;
        }
        let after = tokens.get(i + run).map(|t| &t.kind);
        let limit = match after {
            Some(Kind::Op(_)) => MAX_UNIT_WORDS,
            Some(Kind::Eq { .. }) => MAX_UNIT_WORDS_BEFORE_EQ,
            _ => 0,
        };
        if run > 0 && run <= limit {
            keep[i..i + run].iter_mut().for_each(|k| *k = false);
        }
        i += run.max(1);
    }
    tokens.into_iter().zip(keep).filter_map(|(t, k)| k.then_some(t)).collect()
}

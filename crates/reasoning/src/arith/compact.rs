//! Turns the words around numbers into arithmetic where a reader would: "x" and "times" between
//! numbers multiply, "N% of M" multiplies, "3 million" scales, "$600/month" is 600, and up to
//! three unit words between a number and an operator ("$50 per day x 3 days") are dropped.
//! Words that carry meaning (stop-words, one-letter variables) stay and stop an expression.

use super::lex::{Kind, Token};
use super::number::Value;
use crate::vocabulary::Vocabulary;

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

/// Longest run of unit words dropped between a number and an operator, and before `=`.
const MAX_UNIT_WORDS: usize = 3;
const MAX_UNIT_WORDS_BEFORE_EQ: usize = 3;

// Every word this module compares with, with a flag per list: one lookup tells them all.
const STOP: u32 = 1;
const LETTER_UNIT: u32 = 1 << 1;
const EQUALITY: u32 = 1 << 2;
/// "thousand", "million", "billion", "trillion": 10^3, 10^6, 10^9, 10^12.
const SCALES: [u32; 4] = [1 << 3, 1 << 4, 1 << 5, 1 << 6];
const PERCENT: u32 = 1 << 7;
const OF: u32 = 1 << 8;
const TIMES: u32 = 1 << 9;
const X: u32 = 1 << 10;
static WORDS: Vocabulary = Vocabulary::new(&[
    (&STOP_WORDS, STOP),
    (&LETTER_UNITS, LETTER_UNIT),
    (&EQUALITY_WORDS, EQUALITY),
    (&["thousand"], SCALES[0]),
    (&["million"], SCALES[1]),
    (&["billion"], SCALES[2]),
    (&["trillion"], SCALES[3]),
    (&["percent", "pct"], PERCENT),
    (&["of"], OF),
    (&["x", "times"], TIMES),
    (&["x"], X),
]);

fn word<'a>(text: &'a str, t: &Token) -> &'a str {
    text.get(t.start..t.end).unwrap_or("")
}

/// The flags of `w.to_lowercase()` (the lists hold lower-case words). For an ASCII word that is
/// a lookup ignoring case, with no copy; any other word is lower-cased as it always was (a few
/// characters outside ASCII lower-case into ASCII letters).
fn flags(w: &str) -> u32 {
    if w.is_ascii() {
        WORDS.flags_ci(w.as_bytes())
    } else {
        WORDS.flags_ci(w.to_lowercase().as_bytes())
    }
}

fn is_unit_word(w: &str) -> bool {
    if !w.chars().all(char::is_alphabetic) {
        return false;
    }
    let flags = flags(w);
    if flags & (X | STOP) != 0 {
        return false;
    }
    let letters = if w.is_ascii() { w.len() } else { w.to_lowercase().chars().count() };
    letters > 1 || flags & LETTER_UNIT != 0
}

fn is_quantity_end(kind: &Kind) -> bool {
    matches!(kind, Kind::Num(_) | Kind::RParen)
}

pub fn compact(tokens: Vec<Token>, text: &str) -> Vec<Token> {
    let words = rewrite_words(tokens, text);
    drop_unit_words(words, text)
}

/// What becomes of a token as the words are rewritten.
enum Rewrite {
    Keep,
    /// Merged into the number before it, or dropped.
    Drop,
    /// Dropped with the token after it ("/month").
    DropWithNext,
}

fn rewrite_words(mut tokens: Vec<Token>, text: &str) -> Vec<Token> {
    // In place, with no second vector: `tokens[..kept]` is the output so far and `tokens[read]`
    // the token read; the output never gets ahead of the input, and what lies between them was
    // merged away (and is cut off at the end).
    let (mut kept, mut read) = (0, 0);
    while read < tokens.len() {
        let (before, rest) = tokens.split_at_mut(read);
        let (token, after) = rest.split_at_mut(1);
        match rewrite_word(&mut before[..kept], &mut token[0], after.first(), text) {
            Rewrite::Keep => {
                if kept != read {
                    tokens.swap(kept, read);
                }
                kept += 1;
                read += 1;
            }
            Rewrite::Drop => read += 1,
            Rewrite::DropWithNext => read += 2,
        }
    }
    tokens.truncate(kept);
    tokens
}

/// Rewrites `token`, given the output so far and the token after it.
fn rewrite_word(out: &mut [Token], token: &mut Token, next: Option<&Token>, text: &str) -> Rewrite {
    let next_starts_quantity = matches!(next.map(|t| &t.kind), Some(Kind::Num(_) | Kind::LParen));
    let after_number = matches!(out.last().map(|t| &t.kind), Some(Kind::Num(_)));
    // A word is rewritten only after a number or before a quantity: most words are neither, and
    // are not looked up at all.
    if token.kind == Kind::Word && (after_number || next_starts_quantity) {
        let flags = flags(word(text, token));
        if let Some(Token { kind: Kind::Num(num), end, .. }) = out.last_mut() {
            if let Some(k) = SCALES.iter().position(|scale| flags & scale != 0) {
                if num.scale_exp == 0 {
                    let exp = 3 * (k as u32 + 1);
                    num.value *= &Value::pow10(exp);
                    num.scale_exp = exp;
                    *end = token.end;
                    return Rewrite::Drop;
                }
            }
            if flags & PERCENT != 0 && !num.percent {
                num.percent = true;
                num.value /= &Value::from(100);
                *end = token.end;
                return Rewrite::Drop;
            }
            if flags & OF != 0 && num.percent && next_starts_quantity {
                token.kind = Kind::Op(b'*');
                return Rewrite::Keep;
            }
        }
        let next_is_number = matches!(next.map(|t| &t.kind), Some(Kind::Num(_)));
        if flags & EQUALITY != 0 && next_is_number && follows_quantity(out, text) {
            token.kind = Kind::Eq { approx: false, word: true };
            return Rewrite::Keep;
        }
        if flags & TIMES != 0 && next_starts_quantity && follows_quantity(out, text) {
            token.kind = Kind::Op(b'*');
            return Rewrite::Keep;
        }
    }
    // "$600/month", "km/h": a glued "/unit" is a rate's unit, not a division.
    if token.kind == Kind::Op(b'/') {
        if let Some(next) = next {
            let glued = !token.space_before && !next.space_before;
            let after_quantity = matches!(out.last().map(|t| &t.kind), Some(Kind::Num(_) | Kind::Word));
            if next.kind == Kind::Word && glued && after_quantity && is_unit_word(word(text, next)) {
                return Rewrite::DropWithNext;
            }
        }
    }
    Rewrite::Keep
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

fn drop_unit_words(mut tokens: Vec<Token>, text: &str) -> Vec<Token> {
    // The runs to drop, as ranges (most steps have none, and then nothing is allocated).
    let mut drop: Vec<(usize, usize)> = Vec::new();
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
            drop.push((i, i + run));
        }
        i += run.max(1);
    }
    if drop.is_empty() {
        return tokens;
    }
    // The ranges are in order and apart: one cursor walks them as `retain` walks the tokens.
    let (mut index, mut range) = (0, 0);
    tokens.retain(|_| {
        while drop.get(range).is_some_and(|r| r.1 <= index) {
            range += 1;
        }
        let dropped = drop.get(range).is_some_and(|r| r.0 <= index);
        index += 1;
        !dropped
    });
    tokens
}

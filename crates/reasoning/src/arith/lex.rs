//! Tokens of a normalized step. Numbers carry their exact value and the decimals written; what
//! only looks like arithmetic (clock times, dates, ranges, codes with leading zeros, factorials,
//! numbers glued to letters) becomes a barrier or a word, so no expression runs through it.

use super::number::{parse_decimal, parse_grouped, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Num {
    pub value: Value,
    /// Digits written after the decimal point (rounding tolerance).
    pub decimals: u32,
    /// Written with `%` (or "percent"): `value` is already divided by 100.
    pub percent: bool,
    /// Written as a repeating or truncated decimal ("1.666...").
    pub approx: bool,
    /// A "thousand"/"million"/... word followed it: `value` is scaled and so is its tolerance.
    pub scale_exp: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Num(Num),
    /// One of `+ - * / ^`.
    Op(u8),
    LParen,
    RParen,
    Eq {
        approx: bool,
        /// Written as a word ("is", "equals"): the right side must then be a single number.
        word: bool,
    },
    Word,
    /// Punctuation and non-arithmetic numbers: an expression never spans one.
    Barrier,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    pub space_before: bool,
}

/// Units that may be glued to a number ("5km", "3h") without making it a name like "5A".
/// One-letter units are left out: "2s + 30" is more often a variable than seconds.
const GLUED_UNITS: [&str; 17] =
    ["km", "kg", "cm", "mm", "hr", "hrs", "min", "mins", "sec", "lb", "lbs", "oz", "ft", "mph", "ml", "mi", "yd"];

fn vulgar_fraction(c: char) -> Option<(i64, i64)> {
    Some(match c {
        '½' => (1, 2),
        '⅓' => (1, 3),
        '⅔' => (2, 3),
        '¼' => (1, 4),
        '¾' => (3, 4),
        '⅕' => (1, 5),
        '⅛' => (1, 8),
        _ => return None,
    })
}

pub fn tokenize(text: &str) -> Vec<Token> {
    // About one token per four bytes of arithmetic prose: one allocation for most steps.
    tokenize_into(text, Vec::with_capacity(text.len() / 4 + 4))
}

/// [`tokenize`] into `tokens` (emptied first), to reuse its allocation.
pub fn tokenize_into(text: &str, mut tokens: Vec<Token>) -> Vec<Token> {
    tokens.clear();
    tokens.reserve(text.len() / 4 + 4);
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut space_before = true;
    while i < text.len() {
        // ASCII, most of any trace, needs no decoding.
        let c = match bytes[i] {
            b if b.is_ascii() => char::from(b),
            _ => match text[i..].chars().next() {
                Some(c) => c,
                None => break,
            },
        };
        let start = i;
        let push = |tokens: &mut Vec<Token>, kind: Kind, end: usize, space_before: bool| {
            tokens.push(Token { kind, start, end, space_before });
        };
        if c.is_whitespace() {
            i += c.len_utf8();
            space_before = true;
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            let after_letter = glued_to_letter(text, i);
            let (kind, end) = number(text, i);
            let kind = if after_letter { Kind::Word } else { kind };
            push(&mut tokens, kind, end, space_before);
            i = end;
        } else if let Some((n, d)) = vulgar_fraction(c) {
            let end = i + c.len_utf8();
            let value = Value::ratio(n, d).unwrap_or_default();
            push(&mut tokens, Kind::Num(plain_num(value, 0)), end, space_before);
            i = end;
        } else if c.is_alphabetic() || c == '_' {
            let end = i + word_len(&text[i..]);
            push(&mut tokens, Kind::Word, end, space_before);
            i = end;
        } else {
            let end = i + c.len_utf8();
            let kind = match c {
                '+' | '-' | '*' | '/' | '^' => Kind::Op(c as u8),
                '(' | '[' => Kind::LParen,
                ')' | ']' => Kind::RParen,
                '=' => {
                    // "==" is one equals sign.
                    let extra = text[end..].bytes().take_while(|b| *b == b'=').count();
                    push(&mut tokens, Kind::Eq { approx: false, word: false }, end + extra, space_before);
                    i = end + extra;
                    space_before = false;
                    continue;
                }
                '≈' => Kind::Eq { approx: true, word: false },
                '$' | '€' | '£' | '¥' | '₹' => {
                    // A currency sign joins the number after it; it is not a token of its own.
                    i = end;
                    continue;
                }
                '%' => {
                    // "25 %": a detached percent sign still belongs to the number before it.
                    if let Some(Token { kind: Kind::Num(num), end: num_end, .. }) = tokens.last_mut() {
                        if !num.percent {
                            num.percent = true;
                            num.value /= &Value::from(100);
                            *num_end = end;
                            i = end;
                            continue;
                        }
                    }
                    Kind::Barrier
                }
                _ => Kind::Barrier,
            };
            push(&mut tokens, kind, end, space_before);
            i = end;
        }
        space_before = false;
    }
    tokens
}

/// Bytes of the word at the start of `text`: letters, '_' and apostrophes.
fn word_len(text: &str) -> usize {
    let is_word = |ch: char| ch.is_alphabetic() || ch == '_' || ch == '\'' || ch == '’';
    let ascii = text.bytes().take_while(|b| b.is_ascii_alphabetic() || *b == b'_' || *b == b'\'').count();
    if text.as_bytes().get(ascii).is_none_or(u8::is_ascii) {
        return ascii;
    }
    ascii + text[ascii..].chars().take_while(|ch| is_word(*ch)).map(char::len_utf8).sum::<usize>()
}

/// A number right after a letter is part of a name ("D2", "x2"), except after the 'x' of "5x3".
fn glued_to_letter(text: &str, i: usize) -> bool {
    let mut before = text[..i].chars().rev();
    match before.next() {
        Some('x' | 'X') => !before.next().is_some_and(|c| c.is_ascii_digit()),
        Some(c) => c.is_alphabetic() || c == '_',
        None => false,
    }
}

fn plain_num(value: Value, decimals: u32) -> Num {
    Num { value, decimals, percent: false, approx: false, scale_exp: 0 }
}

fn digits_len(bytes: &[u8], from: usize) -> usize {
    bytes[from.min(bytes.len())..].iter().take_while(|b| b.is_ascii_digit()).count()
}

/// Reads the number starting at `i`: its kind (a number, or a barrier or word for what only looks
/// like one) and where it ends.
fn number(text: &str, i: usize) -> (Kind, usize) {
    let bytes = text.as_bytes();
    let int_len = digits_len(bytes, i);
    let mut end = i + int_len;

    // Clock times "6:00", "9:30 am" and dates "2024-02-28", "12/25/2020" are not arithmetic.
    if bytes.get(end) == Some(&b':') && digits_len(bytes, end + 1) == 2 {
        let mut stop = end + 3;
        if bytes.get(stop) == Some(&b':') && digits_len(bytes, stop + 1) == 2 {
            stop += 3;
        }
        return (Kind::Barrier, stop);
    }
    if let Some(stop) = date_end(bytes, i, int_len) {
        return (Kind::Barrier, stop);
    }
    // Thousands separators: "1,234,567" but not "14, 400" or "1,23".
    if (1..=3).contains(&int_len) {
        while bytes.get(end) == Some(&b',') && digits_len(bytes, end + 1) == 3 {
            end += 4;
        }
    }
    // The digits are read in place (commas skipped): no string per number.
    let int_end = end;
    let mut frac = "";
    let mut decimals_written = false;
    if bytes.get(end) == Some(&b'.') && digits_len(bytes, end + 1) > 0 {
        let frac_len = digits_len(bytes, end + 1);
        frac = &text[end + 1..end + 1 + frac_len];
        end += 1 + frac_len;
        decimals_written = true;
    }
    // Codes and military times with a leading zero ("0900", "007") are labels.
    if !decimals_written && int_len > 1 && bytes[i] == b'0' {
        return (Kind::Barrier, end);
    }
    let Some((mut value, decimals)) = parse_grouped(&text[i..int_end], frac) else {
        return (Kind::Barrier, end);
    };
    let mut num = plain_num(value.clone(), decimals);
    // "1.666..." and "1.666…" are repeating decimals.
    if decimals_written && (text[end..].starts_with("...") || text[end..].starts_with('…')) {
        num.approx = true;
        end += if text[end..].starts_with("...") { 3 } else { '…'.len_utf8() };
    }
    // Glued ranges "1-2", "2019-2021" (left below right) are labels, not subtractions.
    if !decimals_written && bytes.get(end) == Some(&b'-') && digits_len(bytes, end + 1) > 0 {
        let right_len = digits_len(bytes, end + 1);
        let right_end = end + 1 + right_len;
        // "50-450=" glued to its equals sign is a subtraction, as in calculator annotations.
        let followed_by_dot = (bytes.get(right_end) == Some(&b'.') && digits_len(bytes, right_end + 1) > 0)
            || bytes.get(right_end) == Some(&b'=');
        if let Some((right, _)) = parse_decimal(&text[end + 1..right_end]) {
            if right > value && !followed_by_dot {
                return (Kind::Barrier, right_end);
            }
        }
    }
    // Mixed numbers "1 1/4" and "1 and 1/4": a proper fraction after a whole number.
    if !decimals_written {
        if let Some((fraction, stop)) = mixed_fraction(text, end) {
            value += &fraction;
            num.value = value.clone();
            end = stop;
        }
    }
    if let Some(c) = text[end..].chars().next() {
        if let Some((n, d)) = vulgar_fraction(c) {
            value += &Value::ratio(n, d).unwrap_or_default();
            num.value = value;
            end += c.len_utf8();
        }
    }
    // "5! = 120": a factorial, unless the '!' ends a sentence.
    if bytes.get(end) == Some(&b'!') {
        let rest = text[end + 1..].trim_start();
        if rest.starts_with(|c: char| c == '=' || c == '*' || c == '/' || c == '+' || c.is_ascii_digit()) {
            return (Kind::Barrier, end + 1);
        }
    }
    if bytes.get(end) == Some(&b'%') {
        num.percent = true;
        num.value /= &Value::from(100);
        end += 1;
    }
    // A number glued to letters is a name ("5A", "3rd", "2x"), unless the letters are a unit
    // ("5km") or the times sign before another number ("5x3").
    let letters: usize = text[end..].chars().take_while(|c| c.is_alphabetic()).map(char::len_utf8).sum();
    if letters > 0 {
        let word = &text[end..end + letters];
        let times = (word == "x" || word == "X") && text[end + 1..].starts_with(|c: char| c.is_ascii_digit());
        let unit = GLUED_UNITS.iter().any(|u| u.eq_ignore_ascii_case(word))
            && !text[end + letters..].starts_with(|c: char| c.is_alphanumeric());
        if !times && !unit {
            let rest: usize = text[end..].chars().take_while(|c| c.is_alphanumeric()).map(char::len_utf8).sum();
            return (Kind::Word, end + rest);
        }
    }
    (Kind::Num(num), end)
}

/// "YYYY-MM-DD", "MM/DD/YYYY" or "DD/MM/YY" starting at `i`: where the date ends.
fn date_end(bytes: &[u8], i: usize, first: usize) -> Option<usize> {
    let sep = *bytes.get(i + first)?;
    if sep != b'-' && sep != b'/' {
        return None;
    }
    let second = digits_len(bytes, i + first + 1);
    let j = i + first + 1 + second;
    if bytes.get(j) != Some(&sep) {
        return None;
    }
    let third = digits_len(bytes, j + 1);
    let iso = sep == b'-' && first == 4 && (1..=2).contains(&second) && (1..=2).contains(&third);
    let slashed = sep == b'/' && first <= 2 && (1..=2).contains(&second) && (third == 2 || third == 4);
    (iso || slashed).then_some(j + 1 + third)
}

/// A proper fraction "a/b" after a whole number, separated by one space or " and ".
fn mixed_fraction(text: &str, end: usize) -> Option<(Value, usize)> {
    let rest = &text[end..];
    let gap = if rest.starts_with(" and ") {
        5
    } else if rest.starts_with(' ') && !rest.starts_with("  ") {
        1
    } else {
        return None;
    };
    let bytes = text.as_bytes();
    let a_start = end + gap;
    let a_len = digits_len(bytes, a_start);
    if a_len == 0 || bytes.get(a_start + a_len) != Some(&b'/') {
        return None;
    }
    let b_start = a_start + a_len + 1;
    let b_len = digits_len(bytes, b_start);
    if b_len == 0 || a_len > 6 || b_len > 6 {
        return None;
    }
    let stop = b_start + b_len;
    // "2 1/2/3" or "3 1/4.5" are not mixed numbers.
    if matches!(bytes.get(stop), Some(b'/' | b'.' | b'0'..=b'9')) && digits_len(bytes, stop + 1) > 0 {
        return None;
    }
    let a: i64 = text[a_start..a_start + a_len].parse().ok()?;
    let b: i64 = text[b_start..stop].parse().ok()?;
    if !(b > 0 && a < b && a > 0) {
        return None;
    }
    Some((Value::ratio(a, b)?, stop))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<String> {
        tokenize(s)
            .into_iter()
            .map(|t| match t.kind {
                Kind::Num(n) => {
                    format!("{}{}", super::super::number::format(&n.value), if n.percent { "%" } else { "" })
                }
                Kind::Op(o) => (o as char).to_string(),
                Kind::LParen => "(".into(),
                Kind::RParen => ")".into(),
                Kind::Eq { approx, .. } => if approx { "≈" } else { "=" }.into(),
                Kind::Word => format!("w:{}", &s[t.start..t.end]),
                Kind::Barrier => format!("b:{}", &s[t.start..t.end]),
            })
            .collect()
    }

    #[test]
    fn numbers_in_their_usual_dress() {
        assert_eq!(kinds("$1,250 x 3 = $3,750"), ["1250", "w:x", "3", "=", "3750"]);
        assert_eq!(kinds("18 / 450 x 100 = 4%"), ["18", "/", "450", "w:x", "100", "=", "0.04%"]);
        assert_eq!(kinds("5x3=15"), ["5", "w:x", "3", "=", "15"]);
        assert_eq!(kinds("12 x 1 and 1/4 = 15"), ["12", "w:x", "1.25", "=", "15"]);
        assert_eq!(kinds("1.666... * 3"), ["1.666", "*", "3"]);
        assert_eq!(kinds("1½ + ¼"), ["1.5", "+", "0.25"]);
        assert_eq!(kinds("14, 400"), ["14", "b:,", "400"]);
    }

    #[test]
    fn look_alikes_are_not_numbers() {
        assert_eq!(kinds("6:00 + 18"), ["b:6:00", "+", "18"]);
        assert_eq!(kinds("Weeks 1-2 = 96 - 70"), ["w:Weeks", "b:1-2", "=", "96", "-", "70"]);
        assert_eq!(kinds("10-6=4"), ["10", "-", "6", "=", "4"]);
        assert_eq!(kinds("on 2024-02-28 and 12/25/2020"), ["w:on", "b:2024-02-28", "w:and", "b:12/25/2020"]);
        assert_eq!(kinds("0900-0130 = 0730"), ["b:0900", "-", "b:0130", "=", "b:0730"]);
        assert_eq!(kinds("D2 = 5A/5"), ["w:D", "w:2", "=", "w:5A", "/", "5"]);
        assert_eq!(kinds("x2 + x"), ["w:x", "w:2", "+", "w:x"]);
        assert_eq!(kinds("5! = 120"), ["b:5!", "=", "120"]);
        assert_eq!(kinds("60km / 2hr"), ["60", "w:km", "/", "2", "w:hr"]);
        assert_eq!(kinds("2s + 30"), ["w:2s", "+", "30"]);
    }
}

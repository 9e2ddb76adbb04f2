//! Reading answers out of free text: numbers ("3", "three", "three times", "**3**"), weekdays
//! ("Wed", "wednesday"), dates ("2024-03-01", "March 1, 2024", "1st of March 2024"), compass
//! headings ("NE", "north-east", "northeast") and option letters ("(B)", "B)", "Answer: b").
//!
//! Where to look, in order: after the last "answer" in the text (the first match there, since
//! "Answer: Wednesday, two days before Friday" names the answer first); then bold `**…**` spans,
//! the last span first; then the whole text, taking the last match, because a model that reasons
//! aloud usually ends on its answer.

use super::calendar::{Date, MONTHS, WEEKDAYS};

pub const HEADINGS: [&str; 8] =
    ["north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    Word(&'a str),
    Number(&'a str),
    Punct(char),
}

/// Letters runs, digit runs, and every other non-space character alone.
fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let run = |chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>, keep: fn(char) -> bool| {
            let mut end = start + c.len_utf8();
            while let Some(&(i, next)) = chars.peek() {
                if !keep(next) {
                    break;
                }
                end = i + next.len_utf8();
                chars.next();
            }
            end
        };
        if c.is_alphabetic() {
            let end = run(&mut chars, char::is_alphabetic);
            out.push(Token::Word(&text[start..end]));
        } else if c.is_ascii_digit() {
            let end = run(&mut chars, |c| c.is_ascii_digit());
            out.push(Token::Number(&text[start..end]));
        } else if !c.is_whitespace() {
            out.push(Token::Punct(c));
        }
    }
    out
}

/// Applies the search order of the module documentation to `all`, which lists every match in a
/// piece of text in order.
fn find<T>(text: &str, all: impl Fn(&str) -> Vec<T>) -> Option<T> {
    if let Some(at) = rfind_ascii_ignoring_case(text, "answer") {
        if let Some(first) = all(&text[at + "answer".len()..]).into_iter().next() {
            return Some(first);
        }
    }
    let spans: Vec<&str> = text.split("**").collect();
    for span in spans.iter().skip(1).step_by(2).rev() {
        if let Some(first) = all(span).into_iter().next() {
            return Some(first);
        }
    }
    all(text).into_iter().last()
}

fn rfind_ascii_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    if n.len() > h.len() {
        return None;
    }
    (0..=h.len() - n.len()).rev().find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

const SMALL: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 8] = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

fn word_number(word: &str) -> Option<u64> {
    let word = word.to_lowercase();
    if let Some(i) = SMALL.iter().position(|w| *w == word) {
        return Some(i as u64);
    }
    if let Some(i) = TENS.iter().position(|w| *w == word) {
        return Some(20 + 10 * i as u64);
    }
    match word.as_str() {
        "none" => Some(0),
        "once" => Some(1),
        "twice" => Some(2),
        "thrice" => Some(3),
        "hundred" => Some(100),
        _ => None,
    }
}

fn all_numbers(text: &str) -> Vec<u64> {
    let tokens = tokens(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i] {
            Token::Number(digits) if digits.len() <= 18 => out.push(digits.parse().unwrap_or(0)),
            Token::Word(word) => {
                if let Some(value) = word_number(word) {
                    // "twenty-one", "twenty one"
                    let (next, skip) = match (tokens.get(i + 1), tokens.get(i + 2)) {
                        (Some(Token::Punct('-')), Some(Token::Word(w))) => (word_number(w), 2),
                        (Some(Token::Word(w)), _) => (word_number(w), 1),
                        _ => (None, 0),
                    };
                    match next {
                        Some(ones) if (20..100).contains(&value) && value % 10 == 0 && (1..10).contains(&ones) => {
                            out.push(value + ones);
                            i += skip;
                        }
                        _ => out.push(value),
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// A count written in digits or words.
pub fn number(text: &str) -> Option<u64> {
    find(text, all_numbers)
}

fn weekday_of(word: &str) -> Option<usize> {
    let word = word.to_lowercase();
    if let Some(i) = WEEKDAYS.iter().position(|d| d.to_lowercase() == word) {
        return Some(i);
    }
    let abbreviations: [&[&str]; 7] =
        [&["mon"], &["tue", "tues"], &["wed", "weds"], &["thu", "thur", "thurs"], &["fri"], &["sat"], &["sun"]];
    abbreviations.iter().position(|names| names.contains(&word.as_str()))
}

/// A day of the week, 0 = Monday.
pub fn weekday(text: &str) -> Option<usize> {
    find(text, |piece| {
        tokens(piece).iter().filter_map(|t| if let Token::Word(w) = t { weekday_of(w) } else { None }).collect()
    })
}

fn month_of(word: &str) -> Option<u32> {
    let word = word.to_lowercase();
    let full = MONTHS.iter().position(|m| m.to_lowercase() == word);
    let short = MONTHS.iter().position(|m| word.len() == 3 && m.to_lowercase().starts_with(&word));
    full.or(short).or((word == "sept").then_some(8)).map(|i| i as u32 + 1)
}

fn small_number(token: Option<&Token<'_>>, max_digits: usize) -> Option<(u32, usize)> {
    match token {
        Some(Token::Number(digits)) if digits.len() <= max_digits => digits.parse().ok().map(|v| (v, digits.len())),
        _ => None,
    }
}

fn is_ordinal_suffix(token: Option<&Token<'_>>) -> bool {
    matches!(token, Some(Token::Word(w)) if ["st", "nd", "rd", "th"].contains(&w.to_lowercase().as_str()))
}

/// Every date in `text`, in order: ISO (`2024-03-01`, also with `/` or `.`), `March 1, 2024`,
/// `Mar 1st 2024`, `1 March 2024`, `1st of March, 2024`. Dates that do not exist are skipped.
fn all_dates(text: &str) -> Vec<Date> {
    let t = tokens(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        let mut matched = None;
        // ISO
        if let (Some((year, 4)), Some(Token::Punct(sep))) = (small_number(t.get(i), 4), t.get(i + 1)) {
            if matches!(sep, '-' | '/' | '.') && t.get(i + 3) == Some(&Token::Punct(*sep)) {
                if let (Some((month, _)), Some((day, _))) =
                    (small_number(t.get(i + 2), 2), small_number(t.get(i + 4), 2))
                {
                    matched = Date::new(i64::from(year), month, day).map(|d| (d, 5));
                }
            }
        }
        // Month day, year
        if matched.is_none() {
            if let Some(Token::Word(w)) = t.get(i) {
                if let (Some(month), Some((day, _))) = (month_of(w), small_number(t.get(i + 1), 2)) {
                    let mut j = i + 2;
                    if is_ordinal_suffix(t.get(j)) {
                        j += 1;
                    }
                    if t.get(j) == Some(&Token::Punct(',')) {
                        j += 1;
                    }
                    if let Some((year, 4)) = small_number(t.get(j), 4) {
                        matched = Date::new(i64::from(year), month, day).map(|d| (d, j + 1 - i));
                    }
                }
            }
        }
        // day Month year
        if matched.is_none() {
            if let Some((day, _)) = small_number(t.get(i), 2) {
                let mut j = i + 1;
                if is_ordinal_suffix(t.get(j)) {
                    j += 1;
                }
                if matches!(t.get(j), Some(Token::Word(w)) if w.eq_ignore_ascii_case("of")) {
                    j += 1;
                }
                if let Some(month) = t.get(j).and_then(|tok| if let Token::Word(w) = tok { month_of(w) } else { None })
                {
                    j += 1;
                    if t.get(j) == Some(&Token::Punct(',')) {
                        j += 1;
                    }
                    if let Some((year, 4)) = small_number(t.get(j), 4) {
                        matched = Date::new(i64::from(year), month, day).map(|d| (d, j + 1 - i));
                    }
                }
            }
        }
        match matched {
            Some((date, used)) => {
                out.push(date);
                i += used;
            }
            None => i += 1,
        }
    }
    out
}

/// A calendar date.
pub fn date(text: &str) -> Option<Date> {
    find(text, all_dates)
}

fn all_headings(text: &str) -> Vec<usize> {
    let t = tokens(text);
    let mut out = Vec::new();
    let mut i = 0;
    let index = |name: &str| HEADINGS.iter().position(|h| *h == name);
    while i < t.len() {
        if let Token::Word(word) = t[i] {
            let lower = word.to_lowercase();
            let joined = match lower.as_str() {
                "northeast" => Some("north-east"),
                "northwest" => Some("north-west"),
                "southeast" => Some("south-east"),
                "southwest" => Some("south-west"),
                _ => None,
            };
            let abbreviation = match word {
                "N" => Some("north"),
                "E" => Some("east"),
                "S" => Some("south"),
                "W" => Some("west"),
                "NE" => Some("north-east"),
                "NW" => Some("north-west"),
                "SE" => Some("south-east"),
                "SW" => Some("south-west"),
                _ => None,
            };
            if let Some(name) = joined.or(abbreviation) {
                out.extend(index(name));
            } else if lower == "north" || lower == "south" {
                let (next, used) = match (t.get(i + 1), t.get(i + 2)) {
                    (Some(Token::Punct('-')), Some(Token::Word(w))) => (w.to_lowercase(), 2),
                    (Some(Token::Word(w)), _) => (w.to_lowercase(), 1),
                    _ => (String::new(), 0),
                };
                if next == "east" || next == "west" {
                    out.extend(index(&format!("{lower}-{next}")));
                    i += used;
                } else {
                    out.extend(index(&lower));
                }
            } else if lower == "east" || lower == "west" {
                out.extend(index(&lower));
            }
        }
        i += 1;
    }
    out
}

/// A compass heading, 0 = north, counting eighths of a turn clockwise.
pub fn heading(text: &str) -> Option<usize> {
    find(text, all_headings)
}

/// An option letter among the first `options` letters (A, B, …).
pub fn letter(text: &str, options: usize) -> Option<char> {
    let in_range = |c: char| {
        let upper = c.to_ascii_uppercase();
        upper.is_ascii_uppercase() && ((upper as u8 - b'A') as usize) < options
    };
    let bare = text.trim().trim_matches(|c: char| "()[]{}.:*`_ \t\r\n\"'".contains(c));
    let mut chars = bare.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return in_range(c).then(|| c.to_ascii_uppercase());
    }
    let letters = |piece: &str, strict: bool| -> Vec<char> {
        let t = tokens(piece);
        let mut out = Vec::new();
        for (i, token) in t.iter().enumerate() {
            let Token::Word(w) = token else { continue };
            let mut c = w.chars();
            let (Some(letter), None) = (c.next(), c.next()) else { continue };
            if !in_range(letter) {
                continue;
            }
            let bracketed = i > 0 && t[i - 1] == Token::Punct('(') || t.get(i + 1) == Some(&Token::Punct(')'));
            let after_keyword = i > 0
                && matches!(t[i - 1], Token::Word(k) if ["statement", "option", "choice", "letter"].contains(&k.to_lowercase().as_str()));
            let followed_by_word = matches!(t.get(i + 1), Some(Token::Word(_)));
            let plain_capital = letter.is_ascii_uppercase() && (letter != 'A' || !followed_by_word);
            let loose = !strict && (letter.is_ascii_uppercase() || !followed_by_word);
            if bracketed || after_keyword || plain_capital || loose {
                out.push(letter.to_ascii_uppercase());
            }
        }
        out
    };
    if let Some(at) = rfind_ascii_ignoring_case(text, "answer") {
        if let Some(first) = letters(&text[at + "answer".len()..], false).into_iter().next() {
            return Some(first);
        }
    }
    letters(text, true).into_iter().last()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_words_and_digits() {
        assert_eq!(number("There are 3 r's in strawberry."), Some(3));
        assert_eq!(number("Three times"), Some(3));
        assert_eq!(number("twenty-one"), Some(21));
        assert_eq!(number("Answer: 2. (I first thought 3.)"), Some(2));
        assert_eq!(number("no digits"), None);
    }

    #[test]
    fn dates_in_three_spellings() {
        let want = Date::new(2024, 3, 1);
        assert_eq!(date("2024-03-01"), want);
        assert_eq!(date("It is March 1st, 2024."), want);
        assert_eq!(date("1 March 2024"), want);
        assert_eq!(date("the 1st of Mar, 2024"), want);
        assert_eq!(date("2023-02-29"), None);
    }
}

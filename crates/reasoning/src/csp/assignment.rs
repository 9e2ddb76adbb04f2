//! Reading a proposed assignment the way people and models write one: `Ana: Red`, `Ana -> Red`,
//! `Ana is in the Red room`, several per line split by commas or semicolons, or grouped by room
//! (`Red: Ana, Ben`). Names match ignoring case. Markdown emphasis, bullets and numbering are
//! ignored. Strict reading (the checker) rejects a line it cannot read; lenient reading (grading a
//! model's reply) skips it, so the prose around an answer does no harm.

use std::collections::BTreeMap;

use super::parse::lex::{self, Item};
use super::parse::ParseError;
use super::problem::{Problem, MAX_INPUT_BYTES};

/// A name in an answer: one of the problem's, or as written when it is none of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Named {
    Known(usize),
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Entry {
    pub line: usize,
    pub column: usize,
    pub person: Named,
    pub room: Named,
}

/// Separators between a person and a room, earliest in the entry wins (the longer on a tie).
const SEPARATORS: [&str; 11] = ["->", "→", "=>", ":", "=", " is in ", " goes in ", " goes to ", " in ", " to ", " - "];

/// Reads every entry. Strict: a piece that is not an assignment is an error at its column.
pub(super) fn entries(problem: &Problem, text: &str, lenient: bool) -> Result<Vec<Entry>, ParseError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(ParseError::at_byte(
            text,
            MAX_INPUT_BYTES,
            format!("the answer is {} bytes long; the limit is {MAX_INPUT_BYTES} bytes", text.len()),
        ));
    }
    let lookup = Lookup::new(problem);
    let mut out = Vec::new();
    for (index, raw) in text.split('\n').enumerate() {
        let line = index + 1;
        let cleaned: String = raw.chars().map(|c| if matches!(c, '*' | '`') { ' ' } else { c }).collect();
        let item = strip_marker(lex::trimmed(&cleaned, 1));
        if item.text.is_empty() {
            continue;
        }
        match read_line(&lookup, line, item, lenient, &mut out) {
            Ok(()) => {}
            Err(_) if lenient => {}
            Err(e) => return Err(e),
        }
    }
    if lenient {
        out.retain(|e| matches!(e.person, Named::Known(_)) || matches!(e.room, Named::Known(_)));
    }
    Ok(out)
}

/// Drops a leading bullet (`-`, `+`, `•`) or number (`1.`, `2)`).
fn strip_marker(item: Item<'_>) -> Item<'_> {
    let text = item.text;
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let marker = if text.starts_with(['-', '+', '•']) && text.chars().nth(1).is_some_and(char::is_whitespace) {
        text.chars().next().map_or(0, char::len_utf8)
    } else if digits > 0 && text[digits..].starts_with(['.', ')']) && !text[digits + 1..].starts_with(':') {
        digits + 1
    } else {
        0
    };
    if marker == 0 {
        return item;
    }
    lex::trimmed(&text[marker..], item.column + text[..marker].chars().count())
}

/// How many leading phrases ("Here is my answer: …") lenient reading skips on one line.
const MAX_SKIPPED_PREFIXES: usize = 8;

fn read_line(
    lookup: &Lookup,
    line: usize,
    mut item: Item<'_>,
    lenient: bool,
    out: &mut Vec<Entry>,
) -> Result<(), ParseError> {
    for _ in 0..=MAX_SKIPPED_PREFIXES {
        let Some((left, right)) = split_pair(item) else { break };
        if let (Some(room), None) = (lookup.room(left.text), lookup.person(left.text)) {
            if right.text.is_empty() {
                return Err(ParseError::new(line, right.column, format!("no people after “{}”", left.text)));
            }
            for person in people_list(right) {
                let named = lookup.named_person(person.text);
                out.push(Entry { line, column: person.column, person: named, room: Named::Known(room) });
            }
            return Ok(());
        }
        let prose = lookup.person(left.text).is_none() && !is_group(lookup, left);
        if !(lenient && prose && split_pair(right).is_some()) {
            break;
        }
        item = right;
    }
    for entry in lex::split_where(item.text, item.column, |c| c == ',' || c == ';') {
        match read_entry(lookup, line, entry, lenient, out) {
            Err(_) if lenient => {}
            other => other?,
        }
    }
    Ok(())
}

/// True when `item` lists two or more people of the problem ("Ana and Ben").
fn is_group(lookup: &Lookup, item: Item<'_>) -> bool {
    let group = people_list(item);
    group.len() > 1 && group.iter().all(|p| lookup.person(p.text).is_some())
}

fn read_entry(
    lookup: &Lookup,
    line: usize,
    mut entry: Item<'_>,
    lenient: bool,
    out: &mut Vec<Entry>,
) -> Result<(), ParseError> {
    if entry.text.is_empty() {
        return Ok(());
    }
    for _ in 0..=MAX_SKIPPED_PREFIXES {
        let Some((left, right)) = split_pair(entry) else { break };
        if left.text.is_empty() {
            return Err(ParseError::new(line, left.column, "no person before the room"));
        }
        if right.text.is_empty() {
            return Err(ParseError::new(line, right.column, format!("no room after “{}”", left.text)));
        }
        let person = lookup.person(left.text);
        if lenient && person.is_none() && !is_group(lookup, left) && split_pair(right).is_some() {
            entry = right;
            continue;
        }
        let room = lookup.named_room(right.text);
        let people = if person.is_none() && is_group(lookup, left) { people_list(left) } else { vec![left] };
        for person in people {
            let named = lookup.named_person(person.text);
            out.push(Entry { line, column: person.column, person: named, room: room.clone() });
        }
        return Ok(());
    }
    let shown: String = entry.text.chars().take(40).collect();
    Err(ParseError::new(
        line,
        entry.column,
        format!("expected an assignment like “Ana: Red” (or “Ana -> Red”, “Ana in Red”), found “{shown}”"),
    ))
}

/// Splits at the earliest separator.
fn split_pair(item: Item<'_>) -> Option<(Item<'_>, Item<'_>)> {
    let text = item.text;
    let (at, len) = SEPARATORS
        .iter()
        .filter_map(|sep| find_ignoring_ascii_case(text, sep).map(|at| (at, sep.len())))
        .min_by_key(|&(at, len)| (at, std::cmp::Reverse(len)))?;
    let left = lex::trimmed(&text[..at], item.column);
    let right_column = item.column + text[..at + len].chars().count();
    Some((left, lex::trimmed(&text[at + len..], right_column)))
}

/// Byte offset of `needle` in `haystack`, ASCII letters compared ignoring case. Safe on any UTF-8:
/// an ASCII byte never occurs inside a multi-byte character.
fn find_ignoring_ascii_case(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    if n.is_empty() || n.len() > h.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Names split at commas, semicolons, `&`, `/` and the word "and".
fn people_list(item: Item<'_>) -> Vec<Item<'_>> {
    let mut out = Vec::new();
    for piece in lex::split_where(item.text, item.column, |c| matches!(c, ',' | ';' | '&' | '/')) {
        let mut rest = piece;
        while let Some(at) = find_ignoring_ascii_case(rest.text, " and ") {
            out.push(lex::trimmed(&rest.text[..at], rest.column));
            let column = rest.column + rest.text[..at + 5].chars().count();
            rest = lex::trimmed(&rest.text[at + 5..], column);
        }
        let text = rest.text.strip_prefix("and ").unwrap_or(rest.text);
        let column = rest.column + (rest.text.len() - text.len());
        out.push(Item { text, column });
    }
    out.retain(|p| !p.text.is_empty());
    out
}

/// Names of the problem by their lower-case, space-collapsed form.
struct Lookup {
    people: BTreeMap<String, usize>,
    rooms: BTreeMap<String, usize>,
}

impl Lookup {
    fn new(problem: &Problem) -> Self {
        Self {
            people: problem.people.iter().enumerate().map(|(i, p)| (key(p), i)).collect(),
            rooms: problem.rooms.iter().enumerate().map(|(i, r)| (key(&r.name), i)).collect(),
        }
    }

    fn person(&self, text: &str) -> Option<usize> {
        variants(text, &[]).iter().find_map(|v| self.people.get(v).copied())
    }

    fn room(&self, text: &str) -> Option<usize> {
        variants(text, &["the ", "room "]).iter().find_map(|v| self.rooms.get(v).copied())
    }

    fn named_person(&self, text: &str) -> Named {
        self.person(text).map_or_else(|| Named::Unknown(tidy(text)), Named::Known)
    }

    fn named_room(&self, text: &str) -> Named {
        self.room(text).map_or_else(|| Named::Unknown(tidy(text)), Named::Known)
    }
}

fn key(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The name as written, trailing punctuation and quotes removed, for messages.
fn tidy(text: &str) -> String {
    let text: String = text.chars().take(60).collect();
    text.trim().trim_end_matches(['.', '!', '?']).trim_matches(['"', '“', '”', '(', ')', '[', ']']).trim().to_string()
}

/// Forms of `text` to try, most literal first: as written, without trailing punctuation or
/// quotes, without a leading word from `prefixes`, without a trailing " room".
fn variants(text: &str, prefixes: &[&str]) -> Vec<String> {
    let written = key(text);
    let mut out = vec![written.clone()];
    let mut bare =
        written.trim_end_matches(['.', '!', '?']).trim_matches(['"', '“', '”', '(', ')', '[', ']']).to_string();
    out.push(bare.clone());
    for prefix in prefixes {
        if let Some(rest) = bare.strip_prefix(prefix) {
            bare = rest.to_string();
            out.push(bare.clone());
        }
    }
    if let Some(rest) = bare.strip_suffix(" room") {
        out.push(rest.to_string());
        if let Some(rest) = rest.strip_prefix("the ") {
            out.push(rest.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csp::parse;

    fn problem() -> Problem {
        parse("people: Ana, Ben, Cai\nrooms: Red, Blue").unwrap_or_else(|e| panic!("{e}"))
    }

    fn pairs(text: &str) -> Vec<(usize, usize, Named, Named)> {
        entries(&problem(), text, false)
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .map(|e| (e.line, e.column, e.person, e.room))
            .collect()
    }

    #[test]
    fn reads_the_common_forms() {
        use Named::Known as K;
        assert_eq!(
            pairs("Ana: Red, ben -> blue; CAI is in the Blue room."),
            vec![(1, 1, K(0), K(0)), (1, 11, K(1), K(1)), (1, 24, K(2), K(1))]
        );
        assert_eq!(
            pairs("- **Red**: Ana and Ben\n2. Blue: Cai"),
            vec![(1, 12, K(0), K(0)), (1, 20, K(1), K(0)), (2, 10, K(2), K(1))]
        );
    }

    #[test]
    fn strict_reading_points_at_the_bad_entry() {
        let e = entries(&problem(), "Ana: Red, Ben Blue", false).err().unwrap_or_else(|| panic!("no error"));
        assert_eq!((e.line, e.column), (1, 11));
    }

    #[test]
    fn lenient_reading_skips_prose() {
        let got =
            entries(&problem(), "Here is my answer:\nAna: Red\nThat works.", true).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got.len(), 1);
    }
}

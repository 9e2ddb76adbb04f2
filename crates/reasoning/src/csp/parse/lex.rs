//! Line-level pieces of the problem format: comments, `keyword: body`, comma lists with the column
//! of each item, and the rules for a valid name.

use super::ParseError;
use crate::csp::names::did_you_mean;
use crate::csp::problem::MAX_NAME_CHARS;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::csp) enum Keyword {
    People,
    Rooms,
    Together,
    Apart,
    In,
    NotIn,
    AtLeast,
}

/// Spellings accepted for each keyword, after lower-casing, `_`/`-` to spaces and collapsing spaces.
const KEYWORDS: [(&str, Keyword); 13] = [
    ("people", Keyword::People),
    ("person", Keyword::People),
    ("persons", Keyword::People),
    ("rooms", Keyword::Rooms),
    ("room", Keyword::Rooms),
    ("together", Keyword::Together),
    ("apart", Keyword::Apart),
    ("in", Keyword::In),
    ("not in", Keyword::NotIn),
    ("notin", Keyword::NotIn),
    ("at least", Keyword::AtLeast),
    ("atleast", Keyword::AtLeast),
    ("min", Keyword::AtLeast),
];

/// One statement: `keyword: body`, comment removed.
#[derive(Debug, Clone, Copy)]
pub(in crate::csp) struct Statement<'a> {
    pub line: usize,
    pub keyword: Keyword,
    pub body: &'a str,
    /// Column of the first character of `body`.
    pub body_column: usize,
    /// The whole statement as written, trimmed.
    pub text: &'a str,
}

/// A statement from one line, or `None` for a blank or comment-only line.
pub(in crate::csp) fn statement(line: usize, raw: &str) -> Result<Option<Statement<'_>>, ParseError> {
    let content = raw.split('#').next().unwrap_or("");
    let text = content.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let first_column = column_of(content, content.len() - content.trim_start().len());
    let Some(colon) = content.find(':') else {
        return Err(ParseError::new(
            line,
            first_column,
            "expected “keyword: list”, e.g. “people: Ana, Ben” (keywords: people, rooms, together, apart, in, \
             not in, at least)",
        ));
    };
    let spelled = content[..colon].to_lowercase().replace(['_', '-'], " ");
    let spelled = spelled.split_whitespace().collect::<Vec<_>>().join(" ");
    let Some(keyword) = KEYWORDS.iter().find(|(name, _)| *name == spelled).map(|(_, k)| *k) else {
        let shown: String = content[..colon].trim().chars().take(40).collect();
        let hint = did_you_mean(&spelled, KEYWORDS.iter().map(|(name, _)| *name));
        return Err(ParseError::new(
            line,
            first_column,
            format!("unknown keyword “{shown}”{hint} (keywords: people, rooms, together, apart, in, not in, at least)"),
        ));
    };
    let body_column = column_of(content, colon + 1);
    Ok(Some(Statement { line, keyword, body: &content[colon + 1..], body_column, text }))
}

/// One entry of a separated list, trimmed, with the column where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::csp) struct Item<'a> {
    pub text: &'a str,
    pub column: usize,
}

/// Splits `s` (which starts at `first_column`) at `separator`. The column of an empty item is where
/// it would have started. Linear in the length of `s`, so long lines stay cheap.
pub(in crate::csp) fn split_items(s: &str, first_column: usize, separator: char) -> Vec<Item<'_>> {
    split_where(s, first_column, |c| c == separator)
}

/// [`split_items`] at every character that `is_separator` accepts.
pub(in crate::csp) fn split_where(s: &str, first_column: usize, is_separator: impl Fn(char) -> bool) -> Vec<Item<'_>> {
    let mut items = Vec::new();
    let mut start_byte = 0;
    let mut start_column = first_column;
    for (offset, (byte, c)) in s.char_indices().enumerate() {
        if is_separator(c) {
            items.push(trimmed(&s[start_byte..byte], start_column));
            start_byte = byte + c.len_utf8();
            start_column = first_column + offset + 1;
        }
    }
    items.push(trimmed(&s[start_byte..], start_column));
    items
}

pub(in crate::csp) fn trimmed(s: &str, column: usize) -> Item<'_> {
    let leading = s.len() - s.trim_start().len();
    let skipped = s[..leading].chars().count();
    Item { text: s.trim(), column: column + skipped }
}

/// Items of a comma list, allowing one trailing comma; an empty list or an empty item is an error.
pub(in crate::csp) fn list<'a>(
    line: usize,
    body: &'a str,
    body_column: usize,
    what: &str,
) -> Result<Vec<Item<'a>>, ParseError> {
    let mut items = split_items(body, body_column, ',');
    if items.len() > 1 && items.last().is_some_and(|item| item.text.is_empty()) {
        items.pop();
    }
    if items.len() == 1 && items[0].text.is_empty() {
        return Err(ParseError::new(line, items[0].column, format!("the list of {what} is empty")));
    }
    if let Some(empty) = items.iter().find(|item| item.text.is_empty()) {
        return Err(ParseError::new(line, empty.column, "empty name between two commas"));
    }
    Ok(items)
}

/// A valid name: letters, digits, `-`, `_`, `'`, `.` and single spaces inside, at most
/// [`MAX_NAME_CHARS`] characters. Runs of spaces inside become one.
pub(in crate::csp) fn name(line: usize, item: Item<'_>, what: &str) -> Result<String, ParseError> {
    if item.text.is_empty() {
        return Err(ParseError::new(line, item.column, format!("empty {what} name")));
    }
    for (offset, c) in item.text.chars().enumerate() {
        let allowed = c.is_alphanumeric() || c.is_whitespace() || matches!(c, '-' | '_' | '\'' | '.');
        if !allowed {
            return Err(ParseError::new(
                line,
                item.column + offset,
                format!("“{c}” cannot be part of a name (names use letters, digits, spaces and - _ ' .)"),
            ));
        }
    }
    let collapsed = item.text.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars = collapsed.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(ParseError::new(
            line,
            item.column,
            format!("the {what} name is {chars} characters long; the limit is {MAX_NAME_CHARS}"),
        ));
    }
    Ok(collapsed)
}

/// A whole number from `min` to `max`, or an error naming what it counts.
pub(in crate::csp) fn number(line: usize, item: Item<'_>, what: &str, min: u32, max: u32) -> Result<u32, ParseError> {
    let value = if item.text.chars().all(|c| c.is_ascii_digit()) { item.text.parse::<u32>().ok() } else { None };
    match value {
        Some(v) if (min..=max).contains(&v) => Ok(v),
        _ => {
            let shown: String = item.text.chars().take(20).collect();
            Err(ParseError::new(
                line,
                item.column,
                format!("{what} must be a whole number from {min} to {max}, found “{shown}”"),
            ))
        }
    }
}

/// 1-based column (in characters) of byte offset `byte` in `s`.
pub(in crate::csp) fn column_of(s: &str, byte: usize) -> usize {
    s.get(..byte).map_or(1, |prefix| prefix.chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_carry_columns_of_their_first_character() {
        let items = split_items(" Ana,  Ben ,Cai", 8, ',');
        let got: Vec<(&str, usize)> = items.iter().map(|i| (i.text, i.column)).collect();
        assert_eq!(got, vec![("Ana", 9), ("Ben", 15), ("Cai", 20)]);
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let items = split_items("Zoë, Ana", 1, ',');
        assert_eq!(items[1].column, 6);
    }

    #[test]
    fn keywords_ignore_case_and_spacing() {
        let s = statement(3, "  NOT   In: Eli, Green # no").unwrap_or_else(|e| panic!("{e}"));
        let s = s.unwrap_or_else(|| panic!("a statement"));
        assert_eq!(s.keyword, Keyword::NotIn);
        assert_eq!(s.body_column, 12);
        assert_eq!(s.text, "NOT   In: Eli, Green");
    }
}

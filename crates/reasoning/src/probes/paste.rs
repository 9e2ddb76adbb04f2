//! Answers pasted into the page: one per line, or numbered (`1. …`, `1) …`, `1: …`, `Q1: …`,
//! `#1 …`). Numbered answers may run over several lines (a room assignment, say): a line without
//! a number continues the answer above it. Without numbers, each non-blank line is the next answer.

use serde::Serialize;

use super::MAX_PROBES;

pub const MAX_PASTE_BYTES: usize = 8 << 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct PasteError {
    pub line: usize,
    pub message: String,
}

fn error(line: usize, message: impl Into<String>) -> PasteError {
    PasteError { line, message: message.into() }
}

/// The answer number a line starts with, and the rest of the line. A bare number needs `.`, `)`
/// or `:` after it and then a space and text (`3.` alone is an answer, not a number), or `)` or
/// `:` at the end of the line; with `Q` or `#` in front, a space is enough.
fn marker(line: &str) -> Option<(u64, &str)> {
    let trimmed = line.trim_start();
    let (prefixed, rest) = match trimmed.strip_prefix(['Q', 'q', '#']) {
        Some(rest) => (true, rest),
        None => (false, trimmed.strip_prefix('(').unwrap_or(trimmed)),
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 6 {
        return None;
    }
    let number: u64 = rest[..digits].parse().ok()?;
    let after = &rest[digits..];
    let punct = after.chars().next().filter(|c| matches!(c, '.' | ')' | ':'));
    let text = match punct {
        Some(c) => &after[c.len_utf8()..],
        None if prefixed => after,
        None => return None,
    };
    let spaced = text.is_empty() || text.starts_with(char::is_whitespace);
    let ok = match (prefixed, punct) {
        (true, _) => spaced,
        (false, Some('.')) => text.starts_with(char::is_whitespace) && !text.trim().is_empty(),
        (false, _) => spaced,
    };
    ok.then(|| (number, text.trim()))
}

/// Answers for `count` items, aligned by number; `None` where no answer was given.
pub fn parse_pasted_answers(text: &str, count: usize) -> Result<Vec<Option<String>>, PasteError> {
    if text.len() > MAX_PASTE_BYTES {
        return Err(error(1, format!("the text is {} bytes long; the limit is {MAX_PASTE_BYTES} bytes", text.len())));
    }
    if count > MAX_PROBES {
        return Err(error(1, format!("at most {MAX_PROBES} answers can be read, {count} were asked for")));
    }
    let lines: Vec<(usize, &str)> =
        text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())).filter(|(_, l)| !l.is_empty()).collect();
    let first_numbered = lines.iter().find(|(_, l)| marker(l).is_some()).map(|(n, _)| *n);
    let mut answers: Vec<Option<String>> = vec![None; count];
    let Some(first_numbered) = first_numbered else {
        for (position, (line, answer)) in lines.iter().enumerate() {
            let slot = answers.get_mut(position).ok_or_else(|| {
                error(*line, format!("answer {} is one more than the {count} questions", position + 1))
            })?;
            *slot = Some((*answer).to_string());
        }
        return Ok(answers);
    };
    let mut current: Option<(usize, usize)> = None; // (answer index, line where it started)
    let mut started_at: Vec<Option<usize>> = vec![None; count];
    for (line, content) in lines {
        match marker(content) {
            Some((number, rest)) => {
                let index = usize::try_from(number).ok().filter(|n| (1..=count).contains(n)).map(|n| n - 1);
                let Some(index) = index else {
                    return Err(error(line, format!("answer number {number} is not between 1 and {count}")));
                };
                if let Some(earlier) = started_at[index] {
                    return Err(error(line, format!("answer {number} is given twice, on lines {earlier} and {line}")));
                }
                started_at[index] = Some(line);
                answers[index] = Some(rest.to_string());
                current = Some((index, line));
            }
            None => {
                let Some((index, _)) = current else {
                    return Err(error(
                        line,
                        format!(
                            "this line has no answer number, but line {first_numbered} has one: number every \
                             answer (“1. …”) or none"
                        ),
                    ));
                };
                if let Some(answer) = answers[index].as_mut() {
                    if !answer.is_empty() {
                        answer.push('\n');
                    }
                    answer.push_str(content);
                }
            }
        }
    }
    Ok(answers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        assert_eq!(marker("1. three"), Some((1, "three")));
        assert_eq!(marker("2) B"), Some((2, "B")));
        assert_eq!(marker("Q3: north"), Some((3, "north")));
        assert_eq!(marker("q4 Monday"), Some((4, "Monday")));
        assert_eq!(marker("#5 x"), Some((5, "x")));
        assert_eq!(marker("(6) x"), Some((6, "x")));
        assert_eq!(marker("3."), None);
        assert_eq!(marker("3"), None);
        assert_eq!(marker("1 March 2024"), None);
        assert_eq!(marker("2024-03-01"), None);
        assert_eq!(marker("1.5"), None);
    }
}

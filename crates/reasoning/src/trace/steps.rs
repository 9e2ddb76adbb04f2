//! Splitting a trace into steps: lines (the default, as the article's analyzer does), numbered
//! steps ("Step 3:", "3.", "3)"), or sentences. Steps are byte ranges of the trace, so findings
//! can point into the text the user pasted.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepMode {
    /// One step per line (`trace.split("\n")`; blank lines count).
    #[default]
    Lines,
    /// A step starts at each line beginning "Step N", "N." or "N)"; other lines continue it.
    Numbered,
    /// One step per sentence (a line break also ends one).
    Sentences,
}

impl StepMode {
    pub const ALL: [StepMode; 3] = [StepMode::Lines, StepMode::Numbered, StepMode::Sentences];

    pub fn id(self) -> &'static str {
        match self {
            StepMode::Lines => "lines",
            StepMode::Numbered => "numbered",
            StepMode::Sentences => "sentences",
        }
    }

    pub fn parse(id: &str) -> Option<StepMode> {
        StepMode::ALL.into_iter().find(|m| m.id() == id)
    }
}

/// A step: its number (from 0) and byte range in the trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Step {
    pub index: usize,
    pub start: usize,
    pub end: usize,
}

impl Step {
    pub fn text<'a>(&self, trace: &'a str) -> &'a str {
        trace.get(self.start..self.end).unwrap_or("")
    }
}

pub fn split(trace: &str, mode: StepMode) -> Vec<Step> {
    let ranges = match mode {
        StepMode::Lines => lines(trace),
        StepMode::Numbered => numbered(trace),
        StepMode::Sentences => sentences(trace),
    };
    ranges.into_iter().enumerate().map(|(index, (start, end))| Step { index, start, end }).collect()
}

/// Line ranges without the `\n` (a `\r` before it is dropped too).
fn lines(trace: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in trace.bytes().enumerate() {
        if b == b'\n' {
            out.push((start, trim_cr(trace, start, i)));
            start = i + 1;
        }
    }
    out.push((start, trim_cr(trace, start, trace.len())));
    out
}

fn trim_cr(trace: &str, start: usize, end: usize) -> usize {
    if end > start && trace.as_bytes()[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// Whether a line opens a numbered step: "Step 3", "3.", "3)", "(3)", "#3".
pub fn starts_numbered_step(line: &str) -> bool {
    let t = line.trim_start();
    if t.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("step ")) {
        return t[5..].starts_with(|c: char| c.is_ascii_digit());
    }
    let t = t.strip_prefix('(').or_else(|| t.strip_prefix('#')).unwrap_or(t);
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && digits <= 3 && matches!(t.as_bytes().get(digits), Some(b'.' | b')' | b':')) && {
        // "3.5 apples" is a number, not a step.
        !t.as_bytes().get(digits + 1).is_some_and(u8::is_ascii_digit)
    }
}

fn numbered(trace: &str) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (start, end) in lines(trace) {
        let line = &trace[start..end];
        match out.last_mut() {
            Some(last) if !starts_numbered_step(line) => last.1 = end,
            _ => out.push((start, end)),
        }
    }
    out
}

const ABBREVIATIONS: [&str; 8] = ["e.g.", "i.e.", "mr.", "mrs.", "dr.", "vs.", "etc.", "approx."];

fn sentences(trace: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (line_start, line_end) in lines(trace) {
        let line = &trace[line_start..line_end];
        let mut start = 0;
        let bytes = line.as_bytes();
        for (i, c) in line.char_indices() {
            if !matches!(c, '.' | '!' | '?') {
                continue;
            }
            let next = bytes.get(i + 1);
            // A sentence ends at punctuation followed by a space (or the line's end), not inside
            // "3.5" or after "e.g.".
            if next.is_some_and(|b| *b != b' ') {
                continue;
            }
            let word_start = line[..i].rfind(' ').map_or(0, |s| s + 1);
            let word = line[word_start..=i].to_ascii_lowercase();
            if ABBREVIATIONS.contains(&word.as_str()) {
                continue;
            }
            let end = i + 1;
            if !line[start..end].trim().is_empty() {
                let lead = line[start..end].len() - line[start..end].trim_start().len();
                out.push((line_start + start + lead, line_start + end));
            }
            start = end;
        }
        if !line[start..].trim().is_empty() || start == 0 {
            let lead = line[start..].len() - line[start..].trim_start().len();
            out.push((line_start + start + lead, line_end));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(trace: &str, mode: StepMode) -> Vec<&str> {
        split(trace, mode).iter().map(|s| s.text(trace)).collect()
    }

    #[test]
    fn lines_match_python_split() {
        assert_eq!(texts("a\n\nb\r\nc", StepMode::Lines), ["a", "", "b", "c"]);
        assert_eq!(texts("", StepMode::Lines), [""]);
        assert_eq!(texts("a\n", StepMode::Lines), ["a", ""]);
    }

    #[test]
    fn numbered_steps_join_continuations() {
        let t = "Let's think.\nStep 1: 3 + 4 = 7\nso seven.\nStep 2: 7 * 2 = 14\n3.5 apples\n3) done";
        assert_eq!(
            texts(t, StepMode::Numbered),
            ["Let's think.", "Step 1: 3 + 4 = 7\nso seven.", "Step 2: 7 * 2 = 14\n3.5 apples", "3) done"]
        );
    }

    #[test]
    fn sentences_skip_decimals_and_abbreviations() {
        let t = "He has 3.5 kg, e.g. flour. So 2 * 3 = 6! Done\nNext line.";
        assert_eq!(
            texts(t, StepMode::Sentences),
            ["He has 3.5 kg, e.g. flour.", "So 2 * 3 = 6!", "Done", "Next line."]
        );
    }
}

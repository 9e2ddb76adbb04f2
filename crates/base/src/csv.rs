//! One CSV dialect for every file the project reads or writes (RFC 4180 with a chosen delimiter):
//! a field that starts with `"` is quoted, may hold delimiters, newlines and doubled quotes `""`,
//! and ends at the next lone `"`; text after the closing quote joins the field (as Python's `csv`
//! reads it). `\r\n` ends a record like `\n`. Errors name the line and column (from 1) where the
//! problem starts.
//!
//! Two readers share the rule: [`split_record`] for line-by-line streaming readers (a quoted field
//! must close on its line; fields without quotes are borrowed, not copied), and [`records`] for a
//! whole text whose quoted fields may span lines. [`push_row`] writes rows back in the same dialect.

use std::borrow::Cow;

/// What is wrong with a CSV text, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct CsvError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// One record of a text and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

/// The delimiter people's exports use, judged from a first line: tab if it has one, else semicolon
/// if it has one, else comma.
pub fn sniff_delimiter(line: &str) -> char {
    if line.contains('\t') {
        '\t'
    } else if line.contains(';') {
        ';'
    } else {
        ','
    }
}

/// Splits one line (without its newline) into `out`, which is cleared first. `line_number` is only
/// used in errors.
pub fn split_record<'a>(
    line: &'a str,
    delimiter: char,
    line_number: usize,
    out: &mut Vec<Cow<'a, str>>,
) -> Result<(), CsvError> {
    out.clear();
    if !line.contains('"') {
        out.extend(line.split(delimiter).map(Cow::Borrowed));
        return Ok(());
    }
    let mut machine = Machine::new(delimiter, line_number);
    for c in line.chars() {
        if let Some(fields) = machine.push(c) {
            // Only a newline ends a record, and `line` has none outside quotes; inside quotes
            // the field is reported as unclosed below.
            out.extend(fields.into_iter().map(Cow::Owned));
        }
    }
    if let Some((quote_line, quote_column)) = machine.open_quote() {
        return Err(CsvError {
            line: quote_line,
            column: quote_column,
            message: "this quoted field is not closed on its line".into(),
        });
    }
    out.extend(machine.finish().into_iter().flatten().map(Cow::Owned));
    Ok(())
}

/// Every record of `text`, quoted fields spanning lines. Blank lines give a record of one empty
/// field, as in RFC 4180; callers skip them where that reads better.
pub fn records(text: &str, delimiter: char) -> Result<Vec<Record>, CsvError> {
    let mut machine = Machine::new(delimiter, 1);
    let mut out = Vec::new();
    let mut record_line = 1;
    for c in text.chars() {
        if let Some(fields) = machine.push(c) {
            out.push(Record { line: record_line, fields });
            record_line = machine.line;
        }
    }
    if let Some((line, column)) = machine.open_quote() {
        return Err(CsvError { line, column, message: "this quoted field is never closed".into() });
    }
    if let Some(fields) = machine.finish() {
        out.push(Record { line: record_line, fields });
    }
    Ok(out)
}

/// Appends `field` to `out`, quoted when it holds the delimiter, a quote or a line break.
pub fn push_field(out: &mut String, field: &str, delimiter: char) {
    if field.contains([delimiter, '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

/// Appends one comma-separated row and its newline.
pub fn push_row<S: AsRef<str>>(out: &mut String, fields: impl IntoIterator<Item = S>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(out, field.as_ref(), ',');
    }
    out.push('\n');
}

/// The character-by-character reader both entry points use.
struct Machine {
    delimiter: char,
    fields: Vec<String>,
    field: String,
    /// Whether the current field has any character yet (a quote opens only at a field's start).
    started: bool,
    in_quotes: bool,
    /// The previous character was a quote inside a quoted field: a second one is a literal quote.
    quote_pending: bool,
    pending_cr: bool,
    line: usize,
    column: usize,
    quote_at: (usize, usize),
}

impl Machine {
    fn new(delimiter: char, line: usize) -> Self {
        Machine {
            delimiter,
            fields: Vec::new(),
            field: String::new(),
            started: false,
            in_quotes: false,
            quote_pending: false,
            pending_cr: false,
            line,
            column: 0,
            quote_at: (line, 1),
        }
    }

    /// Takes one character; returns the fields of a record it completed.
    fn push(&mut self, c: char) -> Option<Vec<String>> {
        self.column += 1;
        if self.quote_pending {
            self.quote_pending = false;
            if c == '"' {
                self.field.push('"');
                return None;
            }
            self.in_quotes = false;
        }
        if self.in_quotes {
            match c {
                '"' => self.quote_pending = true,
                '\n' => {
                    self.field.push('\n');
                    self.next_line();
                }
                _ => self.field.push(c),
            }
            return None;
        }
        if self.pending_cr {
            self.pending_cr = false;
            if c != '\n' {
                self.field.push('\r');
                self.started = true;
            }
        }
        match c {
            '"' if !self.started => {
                self.in_quotes = true;
                self.started = true;
                self.quote_at = (self.line, self.column);
            }
            '\r' => self.pending_cr = true,
            '\n' => {
                let fields = self.end_record();
                self.next_line();
                return Some(fields);
            }
            d if d == self.delimiter => self.end_field(),
            _ => {
                self.field.push(c);
                self.started = true;
            }
        }
        None
    }

    /// Where an unclosed quoted field opened, if the text ended inside one.
    fn open_quote(&self) -> Option<(usize, usize)> {
        (self.in_quotes && !self.quote_pending).then_some(self.quote_at)
    }

    /// The last record, when the text does not end with a newline.
    fn finish(mut self) -> Option<Vec<String>> {
        if self.pending_cr {
            self.field.push('\r');
        }
        if self.field.is_empty() && self.fields.is_empty() && !self.started {
            return None;
        }
        Some(self.end_record())
    }

    fn end_field(&mut self) {
        self.fields.push(std::mem::take(&mut self.field));
        self.started = false;
    }

    fn end_record(&mut self) -> Vec<String> {
        self.end_field();
        std::mem::take(&mut self.fields)
    }

    fn next_line(&mut self) {
        self.line += 1;
        self.column = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &str, delimiter: char) -> Result<Vec<String>, CsvError> {
        let mut out = Vec::new();
        split_record(line, delimiter, 7, &mut out)?;
        Ok(out.into_iter().map(Cow::into_owned).collect())
    }

    #[test]
    fn splits_plain_and_quoted_fields() -> Result<(), CsvError> {
        assert_eq!(split("a,b,,c", ',')?, ["a", "b", "", "c"]);
        assert_eq!(split("\"a, \"\"quoted\"\" text\",x,0.5", ',')?, ["a, \"quoted\" text", "x", "0.5"]);
        assert_eq!(split("\"1.5\"\t2", '\t')?, ["1.5", "2"]);
        // A quote inside an unquoted field is a literal character; text after a closing quote joins.
        assert_eq!(split("5\" screen,\"ab\"c", ',')?, ["5\" screen", "abc"]);
        assert_eq!(split("\"\"", ',')?, [""]);
        Ok(())
    }

    #[test]
    fn an_unclosed_quote_is_located() {
        let err = split("a,\"open, still", ',').err();
        assert_eq!(err.map(|e| (e.line, e.column)), Some((7, 3)));
    }

    #[test]
    fn records_span_lines_and_name_where_they_start() -> Result<(), CsvError> {
        let got = records("id,trace\r\n1,\"3 * 7 = 21\nso, 21\"\n2,plain", ',')?;
        let lines: Vec<usize> = got.iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 2, 4]);
        assert_eq!(got[1].fields, ["1", "3 * 7 = 21\nso, 21"]);
        assert_eq!(got[2].fields, ["2", "plain"]);
        let err = records("a\nb,\"x\ny", ',').err();
        assert_eq!(err.map(|e| (e.line, e.column)), Some((2, 3)));
        Ok(())
    }

    #[test]
    fn written_rows_read_back_unchanged() -> Result<(), CsvError> {
        let rows = [vec!["plain", "with, comma", "say \"hi\""], vec!["line\nbreak", "", "x"]];
        let mut text = String::new();
        for row in &rows {
            push_row(&mut text, row);
        }
        assert_eq!(text, "plain,\"with, comma\",\"say \"\"hi\"\"\"\n\"line\nbreak\",,x\n");
        let back: Vec<Vec<String>> = records(&text, ',')?.into_iter().map(|r| r.fields).collect();
        assert_eq!(back, rows.map(|r| r.into_iter().map(String::from).collect::<Vec<_>>()));
        Ok(())
    }

    #[test]
    fn delimiter_sniffing() {
        assert_eq!(sniff_delimiter("a\tb;c"), '\t');
        assert_eq!(sniff_delimiter("a;b,c"), ';');
        assert_eq!(sniff_delimiter("a,b"), ',');
    }

    proptest::proptest! {
        #[test]
        fn any_fields_round_trip(rows in proptest::collection::vec(proptest::collection::vec("[a-z,\"\n\r ]{0,6}", 1..4), 1..5)) {
            let mut text = String::new();
            for row in &rows {
                push_row(&mut text, row);
            }
            let back: Vec<Vec<String>> = records(&text, ',').map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?
                .into_iter().map(|r| r.fields).collect();
            proptest::prop_assert_eq!(back, rows);
        }

        #[test]
        fn never_panics(text in "\\PC{0,40}") {
            let _ = records(&text, ',');
            let mut out = Vec::new();
            let _ = split_record(&text, ';', 1, &mut out);
        }
    }
}

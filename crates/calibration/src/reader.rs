//! A streaming reader for confidence files: bytes go in chunk by chunk (a file read in slices
//! inside a Web Worker, or all at once), rows come out straight into a [`Dataset`]. Only the
//! dataset and one unfinished line are held, so memory stays bounded by the rows kept, not
//! by the file. A JSON array is read element by element as its bytes arrive: only the element
//! not yet complete is held.
//!
//! The header is resolved once into column indices, so a row costs one split and a few
//! number parses, with no allocation in the common unquoted case.

use std::collections::HashMap;

use frontier_base::csv;
use serde_json::Value;

use crate::data::{softmax, ColumnMapping, Dataset, Format, ParseError, RowError, Shape, MAX_ROWS, SUM_TOLERANCE};

/// Where each role's column sits in the header.
#[derive(Debug, Clone)]
struct Layout {
    shape: Shape,
    /// The file's own column names, for error messages.
    names: Vec<String>,
    label: usize,
    prediction: usize,
    confidence: usize,
    /// Per-class columns (probabilities or logits), in class order.
    classes: Vec<usize>,
    /// Probability columns to check against the logits' softmax.
    check: Vec<usize>,
}

/// Column names, compared without case, to the first column of that name: built once, so that
/// finding every column of a wide header is linear in its width, not quadratic.
struct NameIndex(HashMap<String, usize>);

impl NameIndex {
    fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> NameIndex {
        let mut index = HashMap::new();
        for (i, name) in names.into_iter().enumerate() {
            index.entry(name.to_lowercase()).or_insert(i);
        }
        NameIndex(index)
    }

    /// The first of `wanted` that is a column.
    fn find(&self, wanted: &[&str]) -> Option<usize> {
        wanted.iter().find_map(|w| self.0.get(&w.to_lowercase()).copied())
    }
}

/// Columns `prefix0, prefix1, …` present in the header, in class order.
fn class_columns(names: &NameIndex, prefixes: &[&str]) -> Vec<usize> {
    for prefix in prefixes {
        let mut cols = Vec::new();
        while let Some(i) = names.find(&[&format!("{prefix}{}", cols.len())]) {
            cols.push(i);
        }
        if cols.len() >= 2 {
            return cols;
        }
    }
    Vec::new()
}

impl Layout {
    fn detect(names: Vec<String>, mapping: &ColumnMapping) -> Result<Layout, ParseError> {
        // A column chosen in the mapping wins over one that merely carries the role's name.
        let index = NameIndex::new(names.iter().map(String::as_str));
        let role = |chosen: &Option<String>, defaults: &[&str]| match chosen {
            Some(name) => index.find(&[name.as_str()]),
            None => index.find(defaults),
        };
        let label = role(&mapping.label, &["label"]);
        let prediction = role(&mapping.prediction, &["prediction", "pred"]);
        let confidence = role(&mapping.confidence, &["confidence", "conf"]);
        let unknown = || ParseError::UnknownShape(names.join(", "));
        let Some(label) = label else { return Err(unknown()) };
        let logits = class_columns(&index, &["logit_"]);
        let probs = class_columns(&index, &["p_", "prob_"]);
        let (shape, classes, check, confidence) = if !logits.is_empty() {
            // With both, logits are used and the probabilities must agree with them.
            let check = if probs.len() == logits.len() { probs } else { Vec::new() };
            (Shape::Logits, logits, check, 0)
        } else if !probs.is_empty() {
            (Shape::Probabilities, probs, Vec::new(), 0)
        } else if let (Some(_), Some(c)) = (prediction, confidence) {
            (Shape::Article, Vec::new(), Vec::new(), c)
        } else if let Some(p) = index.find(&["p", "prob"]) {
            (Shape::Binary, Vec::new(), Vec::new(), p)
        } else {
            return Err(unknown());
        };
        Ok(Layout { shape, prediction: prediction.unwrap_or(0), confidence, label, classes, check, names })
    }

    fn err(&self, row: usize, column: usize, message: impl Into<String>) -> RowError {
        RowError { row, column: self.names[column].clone(), message: message.into() }
    }

    fn field<'a>(&self, row: usize, fields: &[Option<&'a str>], column: usize) -> Result<&'a str, RowError> {
        fields.get(column).copied().flatten().map(str::trim).ok_or_else(|| self.err(row, column, "missing"))
    }

    fn number(&self, row: usize, fields: &[Option<&str>], column: usize) -> Result<f64, RowError> {
        let text = self.field(row, fields, column)?;
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            Ok(_) => Err(self.err(row, column, format!("{text} is not a finite number"))),
            Err(_) => Err(self.err(row, column, format!("{text:?} is not a number"))),
        }
    }

    /// Parses one row (its fields in header order) into `out`.
    fn push_row(&self, row: usize, fields: &[Option<&str>], out: &mut Dataset) -> Result<(), RowError> {
        let label_text = self.field(row, fields, self.label)?;
        match self.shape {
            Shape::Article => {
                let pred = self.field(row, fields, self.prediction)?;
                let c = self.number(row, fields, self.confidence)?;
                if !(0.0..=1.0).contains(&c) {
                    return Err(self.err(row, self.confidence, format!("confidence {c} is outside [0, 1]")));
                }
                out.confidences.push(c);
                out.correct.push(pred == label_text);
                out.labels.push(label_text.parse().unwrap_or(usize::MAX));
            }
            Shape::Binary => {
                let p = self.number(row, fields, self.confidence)?;
                if !(0.0..=1.0).contains(&p) {
                    return Err(self.err(row, self.confidence, format!("probability {p} is outside [0, 1]")));
                }
                let label: usize = match label_text {
                    "0" | "0.0" | "false" => 0,
                    "1" | "1.0" | "true" => 1,
                    other => {
                        return Err(self.err(row, self.label, format!("{other:?} is not a binary label (0 or 1)")))
                    }
                };
                let (conf, pred) = if p >= 0.5 { (p, 1) } else { (1.0 - p, 0) };
                out.confidences.push(conf);
                out.correct.push(pred == label);
                out.labels.push(label);
                out.scores.push(vec![1.0 - p, p]);
            }
            Shape::Probabilities | Shape::Logits => self.push_class_row(row, fields, label_text, out)?,
        }
        Ok(())
    }

    fn push_class_row(
        &self,
        row: usize,
        fields: &[Option<&str>],
        label_text: &str,
        out: &mut Dataset,
    ) -> Result<(), RowError> {
        let scores = self.classes.iter().map(|&c| self.number(row, fields, c)).collect::<Result<Vec<f64>, _>>()?;
        let k = self.classes.len();
        let label: usize = label_text
            .parse()
            .map_err(|_| self.err(row, self.label, format!("{label_text:?} is not a class index")))?;
        if label >= k {
            return Err(self.err(row, self.label, format!("class {label} is outside 0..{}", k - 1)));
        }
        let probs = if self.shape == Shape::Logits {
            let probs = softmax(&scores);
            for (&column, expected) in self.check.iter().zip(&probs) {
                let given = self.number(row, fields, column)?;
                if (given - expected).abs() > SUM_TOLERANCE {
                    return Err(self.err(
                        row,
                        column,
                        format!("probability {given} disagrees with the softmax of the logits ({expected:.6})"),
                    ));
                }
            }
            probs
        } else {
            if let Some((i, p)) = scores.iter().enumerate().find(|(_, p)| !(0.0..=1.0).contains(*p)) {
                return Err(self.err(row, self.classes[i], format!("probability {p} is outside [0, 1]")));
            }
            let sum: f64 = scores.iter().sum();
            if (sum - 1.0).abs() > SUM_TOLERANCE {
                return Err(self.err(
                    row,
                    self.classes[0],
                    format!("probabilities sum to {sum}, not 1 (tolerance {SUM_TOLERANCE})"),
                ));
            }
            scores.clone()
        };
        let (pred, conf) =
            probs
                .iter()
                .copied()
                .enumerate()
                .fold((0, f64::NEG_INFINITY), |best, (i, p)| if p > best.1 { (i, p) } else { best });
        out.confidences.push(conf.clamp(0.0, 1.0));
        out.correct.push(pred == label);
        out.labels.push(label);
        out.scores.push(scores);
        Ok(())
    }
}

/// The fields of a JSON object as (name, text) pairs; arrays `probs: [...]` and
/// `logits: [...]` become `p_i` / `logit_i` columns.
fn json_fields(row: usize, value: &Value) -> Result<Vec<(String, String)>, RowError> {
    let obj =
        value.as_object().ok_or_else(|| RowError { row, column: "-".into(), message: "not a JSON object".into() })?;
    let mut fields = Vec::with_capacity(obj.len());
    for (k, v) in obj {
        match v {
            Value::Array(items) if k == "probs" || k == "logits" => {
                let prefix = if k == "probs" { "p_" } else { "logit_" };
                for (i, item) in items.iter().enumerate() {
                    fields.push((format!("{prefix}{i}"), item.to_string()));
                }
            }
            Value::String(s) => fields.push((k.clone(), s.clone())),
            other => fields.push((k.clone(), other.to_string())),
        }
    }
    Ok(fields)
}

/// Reads a confidence file incrementally. Feed it bytes with [`Reader::feed`], then call
/// [`Reader::finish`].
pub struct Reader {
    format: Option<Format>,
    skip_invalid: bool,
    mapping: ColumnMapping,
    /// Bytes not yet ending in a newline (or, for a JSON array, not yet a whole element).
    pending: Vec<u8>,
    /// How far a JSON array has been read.
    array: ArrayProgress,
    /// Lines seen so far, blank ones included: the next line's number is this + 1.
    lines: usize,
    /// Bytes of the current line already consumed (a JSON array's position in its line).
    line_start_offset: usize,
    header: Option<Vec<String>>,
    layout: Option<Layout>,
    data: Dataset,
    bytes_read: u64,
}

impl Reader {
    /// `format` `None` sniffs it from the start of the file.
    pub fn new(format: Option<Format>, skip_invalid: bool, mapping: ColumnMapping) -> Reader {
        Reader {
            format,
            skip_invalid,
            mapping,
            pending: Vec::new(),
            array: ArrayProgress::default(),
            lines: 0,
            line_start_offset: 0,
            header: None,
            layout: None,
            data: Dataset {
                shape: Shape::Article,
                confidences: Vec::new(),
                correct: Vec::new(),
                labels: Vec::new(),
                scores: Vec::new(),
                skipped: Vec::new(),
            },
            bytes_read: 0,
        }
    }

    /// Rows read so far (kept and skipped).
    pub fn rows(&self) -> usize {
        self.data.confidences.len() + self.data.skipped.len()
    }

    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// The header's column names, once known.
    pub fn header(&self) -> Option<&[String]> {
        self.header.as_deref()
    }

    /// Takes the next piece of the file. Lines are completed across calls, so a chunk may end
    /// anywhere, even inside a UTF-8 character.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), ParseError> {
        self.bytes_read += chunk.len() as u64;
        let start = if self.bytes_read == chunk.len() as u64 && chunk.starts_with(b"\xef\xbb\xbf") { 3 } else { 0 };
        self.pending.extend_from_slice(&chunk[start..]);
        if self.format.is_none() {
            self.sniff(false);
        }
        if self.format == Some(Format::Json) {
            return self.read_json_items(false);
        }
        let Some(last_newline) = self.pending.iter().rposition(|&b| b == b'\n') else { return Ok(()) };
        let rest = self.pending.split_off(last_newline + 1);
        let complete = std::mem::replace(&mut self.pending, rest);
        self.read_lines(&complete)
    }

    /// Reads what is left: the last line without a newline, or a whole JSON array.
    pub fn flush(&mut self) -> Result<(), ParseError> {
        if self.format.is_none() {
            self.sniff(true);
        }
        if self.format == Some(Format::Json) {
            return self.read_json_items(true);
        }
        let rest = std::mem::take(&mut self.pending);
        self.read_lines(&rest)
    }

    /// Reads what is left and returns the dataset.
    pub fn finish(mut self) -> Result<Dataset, ParseError> {
        self.flush()?;
        let Some(layout) = self.layout else {
            return Err(match self.header {
                Some(names) if !names.is_empty() => {
                    Layout::detect(names, &self.mapping).err().unwrap_or(ParseError::Empty)
                }
                _ => ParseError::Empty,
            });
        };
        if self.data.confidences.is_empty() {
            return Err(ParseError::Empty);
        }
        self.data.shape = layout.shape;
        Ok(self.data)
    }

    /// Decides the format from the first non-blank character and the first line; waits for
    /// a whole first line unless `at_end`.
    fn sniff(&mut self, at_end: bool) {
        let text = String::from_utf8_lossy(&self.pending);
        let trimmed = text.trim_start();
        if trimmed.is_empty() {
            return;
        }
        if trimmed.starts_with('[') {
            self.format = Some(Format::Json);
        } else if trimmed.starts_with('{') {
            self.format = Some(Format::Jsonl);
        } else if let Some(line) = trimmed.lines().next().filter(|_| at_end || trimmed.contains('\n')) {
            self.format = Some(if line.contains('\t') { Format::Tsv } else { Format::Csv });
        }
    }

    fn read_lines(&mut self, bytes: &[u8]) -> Result<(), ParseError> {
        if bytes.is_empty() {
            return Ok(());
        }
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let before = &bytes[..e.valid_up_to()];
            let line = self.lines + 1 + before.iter().filter(|&&b| b == b'\n').count();
            ParseError::Row(RowError { row: line, column: "-".into(), message: "the text is not valid UTF-8".into() })
        })?;
        let json = self.format == Some(Format::Jsonl);
        let delim = if self.format == Some(Format::Tsv) { '\t' } else { ',' };
        for line in text.split_inclusive('\n') {
            self.lines += 1;
            let line = line.trim_end_matches(['\n', '\r']);
            if line.trim().is_empty() {
                continue;
            }
            if json {
                self.read_json_line(line)?;
            } else {
                self.read_delimited_line(line, delim)?;
            }
            if self.rows() > MAX_ROWS {
                return Err(ParseError::TooManyRows);
            }
        }
        Ok(())
    }

    fn read_delimited_line(&mut self, line: &str, delim: char) -> Result<(), ParseError> {
        let row = self.lines;
        let mut cells = Vec::new();
        let split = csv::split_record(line, delim, row, &mut cells).map_err(|e| e.message);
        let fields: Vec<Option<&str>> = cells.iter().map(|c| Some(c.as_ref())).collect();
        let Some(layout) = &self.layout else {
            split.map_err(|m| ParseError::Row(RowError { row, column: "header".into(), message: m }))?;
            let names: Vec<String> = fields.iter().map(|f| f.unwrap_or_default().trim().to_string()).collect();
            self.header = Some(names.clone());
            self.layout = Some(Layout::detect(names, &self.mapping)?);
            return Ok(());
        };
        let outcome = split
            .map_err(|message| RowError { row, column: "-".into(), message })
            .and_then(|()| {
                if fields.len() == layout.names.len() {
                    Ok(())
                } else {
                    Err(RowError {
                        row,
                        column: "-".into(),
                        message: format!("{} fields, the header has {}", fields.len(), layout.names.len()),
                    })
                }
            })
            .and_then(|()| layout.push_row(row, &fields, &mut self.data));
        self.keep_or_fail(outcome)
    }

    fn keep_or_fail(&mut self, outcome: Result<(), RowError>) -> Result<(), ParseError> {
        match outcome {
            Ok(()) => Ok(()),
            Err(e) if self.skip_invalid => {
                self.data.skipped.push(e);
                Ok(())
            }
            Err(e) => Err(ParseError::Row(e)),
        }
    }

    fn read_json_line(&mut self, line: &str) -> Result<(), ParseError> {
        let row = self.lines;
        let value: Value = serde_json::from_str(line).map_err(|e| ParseError::Json {
            line: row + e.line() - 1,
            column: e.column(),
            message: e.to_string(),
        })?;
        self.read_json_value(row, &value)
    }

    fn read_json_value(&mut self, row: usize, value: &Value) -> Result<(), ParseError> {
        let pairs = match json_fields(row, value) {
            Ok(p) => p,
            Err(e) => return self.keep_or_fail(Err(e)),
        };
        if self.layout.is_none() {
            // The first object's keys are the header.
            let names: Vec<String> = pairs.iter().map(|(k, _)| k.clone()).collect();
            self.header = Some(names.clone());
            self.layout = Some(Layout::detect(names, &self.mapping)?);
        }
        let Some(layout) = &self.layout else { return Ok(()) };
        let keys = NameIndex::new(pairs.iter().map(|(k, _)| k.as_str()));
        let fields: Vec<Option<&str>> =
            layout.names.iter().map(|n| keys.find(&[n.as_str()]).map(|i| pairs[i].1.as_str())).collect();
        let outcome = layout.push_row(row, &fields, &mut self.data);
        self.keep_or_fail(outcome)
    }

    /// Reads every whole element of a JSON array now in `pending`, keeping only the
    /// unfinished one. `at_end`: the file is over, so the array must be closed.
    fn read_json_items(&mut self, at_end: bool) -> Result<(), ParseError> {
        let mut pos = 0;
        let outcome = loop {
            while self.pending.get(pos).is_some_and(u8::is_ascii_whitespace) {
                pos += 1;
            }
            let Some(&next) = self.pending.get(pos) else { break Ok(()) };
            let progress = self.array;
            if !progress.opened {
                if next != b'[' {
                    break Err(ParseError::UnknownShape("a JSON value that is not an array".into()));
                }
                self.array.opened = true;
                pos += 1;
                continue;
            }
            if progress.closed {
                break Err(self.json_error(pos, "text after the end of the array"));
            }
            if next == b']' {
                self.array.closed = true;
                pos += 1;
                continue;
            }
            if progress.items > 0 && !progress.comma {
                if next != b',' {
                    break Err(self.json_error(pos, "expected `,` or `]` between array elements"));
                }
                self.array.comma = true;
                pos += 1;
                continue;
            }
            let mut values = serde_json::Deserializer::from_slice(&self.pending[pos..]).into_iter::<Value>();
            match values.next() {
                Some(Ok(value)) => {
                    pos += values.byte_offset();
                    self.array.items += 1;
                    self.array.comma = false;
                    if self.array.items > MAX_ROWS {
                        break Err(ParseError::TooManyRows);
                    }
                    if let Err(e) = self.read_json_value(self.array.items, &value) {
                        break Err(e);
                    }
                }
                // The element continues in the next chunk.
                Some(Err(e)) if e.is_eof() && !at_end => break Ok(()),
                Some(Err(e)) => {
                    let at = self.line_column(pos);
                    break Err(ParseError::Json {
                        line: at.0 + e.line() - 1,
                        column: if e.line() == 1 { at.1 + e.column() - 1 } else { e.column() },
                        message: e.to_string(),
                    });
                }
                None => break Ok(()),
            }
        };
        self.consume(pos);
        outcome?;
        if at_end && !self.array.closed {
            let end = self.pending.len();
            return Err(self.json_error(end, "the array is not closed with `]`"));
        }
        Ok(())
    }

    /// Drops the first `n` bytes of `pending`, counting the lines they held.
    fn consume(&mut self, n: usize) {
        self.lines += self.pending[..n].iter().filter(|&&b| b == b'\n').count();
        self.line_start_offset = match self.pending[..n].iter().rposition(|&b| b == b'\n') {
            Some(i) => n - i - 1,
            None => self.line_start_offset + n,
        };
        self.pending.drain(..n);
    }

    /// Line and column (1-based) of byte `pos` of `pending` in the whole file.
    fn line_column(&self, pos: usize) -> (usize, usize) {
        let before = &self.pending[..pos];
        match before.iter().rposition(|&b| b == b'\n') {
            Some(i) => (self.lines + 1 + before.iter().filter(|&&b| b == b'\n').count(), pos - i),
            None => (self.lines + 1, self.line_start_offset + pos + 1),
        }
    }

    fn json_error(&self, pos: usize, message: &str) -> ParseError {
        let (line, column) = self.line_column(pos);
        ParseError::Json { line, column, message: message.into() }
    }
}

/// Where a streamed JSON array stands.
#[derive(Debug, Clone, Copy, Default)]
struct ArrayProgress {
    opened: bool,
    closed: bool,
    /// Elements read.
    items: usize,
    /// A comma has been read since the last element.
    comma: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::parse;

    fn chunked(text: &str, size: usize) -> Result<Dataset, ParseError> {
        let mut reader = Reader::new(None, true, ColumnMapping::default());
        for chunk in text.as_bytes().chunks(size) {
            reader.feed(chunk)?;
        }
        reader.finish()
    }

    #[test]
    fn a_json_array_is_read_element_by_element() -> Result<(), ParseError> {
        let json = " [ {\"p\": 0.25, \"label\": 1},\n{\"p\": 0.9, \"label\": 1} ,{\"p\": 0.5, \"label\": 0}\n]\n";
        let whole = parse(json, None, false)?;
        assert_eq!((whole.confidences.len(), whole.correct.clone()), (3, vec![false, true, false]));
        for size in 1..json.len() {
            assert_eq!(chunked(json, size)?, whole, "chunks of {size} bytes");
        }
        // 20,000 elements fed 4 KiB at a time: no more than one element is ever held back.
        let mut big = String::from("[");
        for i in 0..20_000 {
            big.push_str(&format!("{}{{\"p\": 0.{}, \"label\": {}}}", if i > 0 { "," } else { "" }, i % 10, i % 2));
        }
        big.push(']');
        let mut reader = Reader::new(None, false, ColumnMapping::default());
        for chunk in big.as_bytes().chunks(4096) {
            reader.feed(chunk)?;
            assert!(reader.pending.len() < 64, "{} bytes held", reader.pending.len());
        }
        assert_eq!(reader.finish()?.confidences.len(), 20_000);
        Ok(())
    }

    #[test]
    fn broken_json_arrays_are_located() {
        let error = |text: &str| match parse(text, None, false) {
            Err(ParseError::Json { line, column, message }) => (line, column, message),
            other => panic!("{other:?}"),
        };
        let (line, column, message) = error("[{\"p\": 0.2, \"label\": 1}\n {\"p\": 0.3, \"label\": 1}]");
        assert_eq!((line, column), (2, 2), "{message}");
        assert!(message.contains("expected `,`"), "{message}");
        let (line, _, message) = error("[{\"p\": 0.2, \"label\": 1}]\n[]");
        assert_eq!(line, 2, "{message}");
        let (line, _, message) = error("[{\"p\": 0.2, \"label\": 1},\n");
        assert_eq!(line, 2, "{message}");
        assert!(message.contains("not closed"), "{message}");
        // Nesting deeper than serde_json's limit is an error at its place, not a crash.
        let deep = format!("[{}", "[".repeat(100_000));
        assert!(matches!(parse(&deep, None, false), Err(ParseError::Json { line: 1, .. })));
    }

    #[test]
    fn a_header_of_fifty_thousand_classes_is_resolved_in_one_pass() -> Result<(), ParseError> {
        let names: Vec<String> = (0..50_000).map(|i| format!("p_{i}")).chain(["label".to_string()]).collect();
        let mut row: Vec<String> = vec!["0".to_string(); 50_000];
        row[7] = "1".into();
        row.push("7".into());
        let csv = format!("{}\n{}\n", names.join(","), row.join(","));
        let data = parse(&csv, None, false)?;
        assert_eq!(
            (data.shape, data.confidences.clone(), data.correct.clone()),
            (Shape::Probabilities, vec![1.0], vec![true])
        );
        Ok(())
    }

    #[test]
    fn chunks_of_any_size_give_the_same_rows() -> Result<(), ParseError> {
        // A BOM, CRLF endings, a quoted field, a multibyte name split by small chunks, a bad
        // row (skipped, with its line number) and no final newline.
        let csv = "\u{feff}note,pred,conf,label\r\n\"é, ü\",a,0.9,a\r\n\r\nß,b,2,b\r\nx,c,0.25,d";
        let whole = parse(csv, None, true)?;
        assert_eq!(whole.confidences, vec![0.9, 0.25]);
        assert_eq!(whole.correct, vec![true, false]);
        assert_eq!((whole.skipped.len(), whole.skipped[0].row, whole.skipped[0].column.as_str()), (1, 4, "conf"));
        for size in 1..csv.len() {
            assert_eq!(chunked(csv, size)?, whole, "chunks of {size} bytes");
        }
        let jsonl = "{\"probs\": [0.25, 0.75], \"label\": 1}\n{\"probs\": [0.6, 0.4], \"label\": 1}\n";
        let whole = parse(jsonl, None, false)?;
        assert_eq!((whole.shape, whole.confidences.clone()), (Shape::Probabilities, vec![0.75, 0.6]));
        for size in 1..jsonl.len() {
            assert_eq!(chunked(jsonl, size)?, whole, "chunks of {size} bytes");
        }
        Ok(())
    }

    #[test]
    fn progress_counts_rows_and_bytes() -> Result<(), ParseError> {
        let mut reader = Reader::new(None, false, ColumnMapping::default());
        reader.feed(b"pred,conf,label\na,0.5,a\nb,0.")?;
        assert_eq!((reader.rows(), reader.bytes_read()), (1, 16 + 8 + 4));
        assert_eq!(reader.header().map(<[String]>::len), Some(3));
        reader.feed(b"75,c\n")?;
        assert_eq!(reader.rows(), 2);
        Ok(())
    }

    #[test]
    fn invalid_utf8_names_its_line() {
        let mut reader = Reader::new(None, false, ColumnMapping::default());
        let e = reader.feed(b"pred,conf,label\na,0.5,a\n\xff,0.5,a\n");
        assert!(matches!(e, Err(ParseError::Row(RowError { row: 3, .. }))), "{e:?}");
    }
}

//! Parsing uploaded confidence files: CSV, TSV, JSON (an array of objects) or JSONL, in one
//! of four shapes detected from the column names. Every error names its row and column.
//!
//! Shapes: the article's rows (`prediction`/`pred`, `confidence`/`conf`, `label`); per-class
//! probabilities (`p_0 … p_K` or `prob_0 …`, `label`); per-class logits (`logit_0 …`,
//! `label`); binary (`p`/`prob` of class 1, `label`). Other columns are ignored.

use serde::Serialize;
use serde_json::Value;

/// Probabilities must sum to 1 within this (files are often written with 4–6 decimals).
pub const SUM_TOLERANCE: f64 = 1e-3;
/// The most rows one file may hold.
pub const MAX_ROWS: usize = 5_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    Article,
    Probabilities,
    Logits,
    Binary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Tsv,
    Json,
    Jsonl,
}

impl Format {
    pub fn from_id(id: &str) -> Option<Option<Format>> {
        match id {
            "auto" => Some(None),
            "csv" => Some(Some(Format::Csv)),
            "tsv" => Some(Some(Format::Tsv)),
            "json" => Some(Some(Format::Json)),
            "jsonl" => Some(Some(Format::Jsonl)),
            _ => None,
        }
    }

    /// Guesses from the first non-blank character and the header line.
    fn sniff(text: &str) -> Format {
        let trimmed = text.trim_start_matches('\u{feff}').trim_start();
        if trimmed.starts_with('[') {
            Format::Json
        } else if trimmed.starts_with('{') {
            Format::Jsonl
        } else if trimmed.lines().next().is_some_and(|l| l.contains('\t')) {
            Format::Tsv
        } else {
            Format::Csv
        }
    }
}

/// What is wrong and where: 1-based row (the header is row 1 in CSV) and the column name.
#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
#[error("row {row}, column {column}: {message}")]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParseError {
    #[error("the file is empty")]
    Empty,
    #[error("cannot tell the file's shape from its columns ({0}); expected prediction/confidence/label, p_0…/label, logit_0…/label or p/label")]
    UnknownShape(String),
    #[error("{0}")]
    Row(RowError),
    #[error("the file has more than {MAX_ROWS} rows")]
    TooManyRows,
    #[error("not valid JSON at line {line}, column {column}: {message}")]
    Json { line: usize, column: usize, message: String },
}

/// A parsed file: one confidence and one correct flag per row, plus the class scores where
/// the file has them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dataset {
    pub shape: Shape,
    pub confidences: Vec<f64>,
    pub correct: Vec<bool>,
    pub labels: Vec<usize>,
    /// Per-class probabilities or logits (shape-dependent), row-major.
    pub scores: Vec<Vec<f64>>,
    /// Rows skipped because they were invalid (only with `skip_invalid`).
    pub skipped: Vec<RowError>,
}

/// One record as (column name, raw text) pairs, with its row number.
struct Record {
    row: usize,
    fields: Vec<(String, String)>,
}

impl Record {
    fn get(&self, names: &[&str]) -> Option<(&str, &str)> {
        names.iter().find_map(|n| {
            self.fields.iter().find(|(k, _)| k.eq_ignore_ascii_case(n)).map(|(k, v)| (k.as_str(), v.as_str()))
        })
    }

    fn err(&self, column: &str, message: impl Into<String>) -> RowError {
        RowError { row: self.row, column: column.to_string(), message: message.into() }
    }

    fn number(&self, column: &str, text: &str) -> Result<f64, RowError> {
        let v: f64 = text.trim().parse().map_err(|_| self.err(column, format!("{:?} is not a number", text.trim())))?;
        if v.is_finite() {
            Ok(v)
        } else {
            Err(self.err(column, format!("{} is not a finite number", text.trim())))
        }
    }
}

/// Columns `prefix0, prefix1, …` present in the header, in class order.
fn class_columns(header: &[String], prefixes: &[&str]) -> Vec<String> {
    for prefix in prefixes {
        let mut cols = Vec::new();
        while let Some(h) = header.iter().find(|h| h.eq_ignore_ascii_case(&format!("{prefix}{}", cols.len()))) {
            cols.push(h.clone());
        }
        if cols.len() >= 2 {
            return cols;
        }
    }
    Vec::new()
}

/// The detected shape, its class columns, and (for logits) probability columns to check.
type Detected = (Shape, Vec<String>, Vec<String>);

fn detect(header: &[String]) -> Result<Detected, ParseError> {
    let has = |names: &[&str]| header.iter().any(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)));
    if has(&["label"]) {
        let logits = class_columns(header, &["logit_"]);
        let probs = class_columns(header, &["p_", "prob_"]);
        if !logits.is_empty() {
            // With both, logits are used and the probabilities must agree with them.
            let check = if probs.len() == logits.len() { probs } else { Vec::new() };
            return Ok((Shape::Logits, logits, check));
        }
        if !probs.is_empty() {
            return Ok((Shape::Probabilities, probs, Vec::new()));
        }
        if has(&["prediction", "pred"]) && has(&["confidence", "conf"]) {
            return Ok((Shape::Article, Vec::new(), Vec::new()));
        }
        if has(&["p", "prob"]) {
            return Ok((Shape::Binary, Vec::new(), Vec::new()));
        }
    }
    Err(ParseError::UnknownShape(header.join(", ")))
}

/// A header and its records (each already checked for its field count).
type Records = (Vec<String>, Vec<Result<Record, RowError>>);

/// One parsed row: (confidence, correct, label, scores).
type Row = (f64, bool, usize, Vec<f64>);

fn parse_record(r: &Record, shape: Shape, classes: &[String], check: &[String]) -> Result<Row, RowError> {
    let label_text = r.get(&["label"]).map(|(_, v)| v.trim()).ok_or_else(|| r.err("label", "missing"))?;
    match shape {
        Shape::Article => {
            let (pc, pred) = r.get(&["prediction", "pred"]).ok_or_else(|| r.err("prediction", "missing"))?;
            let (cc, conf) = r.get(&["confidence", "conf"]).ok_or_else(|| r.err("confidence", "missing"))?;
            let _ = pc;
            let c = r.number(cc, conf)?;
            if !(0.0..=1.0).contains(&c) {
                return Err(r.err(cc, format!("confidence {c} is outside [0, 1]")));
            }
            let label = label_text.parse().unwrap_or(usize::MAX);
            Ok((c, pred.trim() == label_text, label, Vec::new()))
        }
        Shape::Binary => {
            let (pc, p) = r.get(&["p", "prob"]).ok_or_else(|| r.err("p", "missing"))?;
            let p = r.number(pc, p)?;
            if !(0.0..=1.0).contains(&p) {
                return Err(r.err(pc, format!("probability {p} is outside [0, 1]")));
            }
            let label: usize = match label_text {
                "0" | "0.0" | "false" => 0,
                "1" | "1.0" | "true" => 1,
                other => return Err(r.err("label", format!("{other:?} is not a binary label (0 or 1)"))),
            };
            let (conf, pred) = if p >= 0.5 { (p, 1) } else { (1.0 - p, 0) };
            Ok((conf, pred == label, label, vec![1.0 - p, p]))
        }
        Shape::Probabilities | Shape::Logits => {
            let mut scores = Vec::with_capacity(classes.len());
            for col in classes {
                let text = r.get(&[col.as_str()]).map(|(_, v)| v).ok_or_else(|| r.err(col, "missing"))?;
                scores.push(r.number(col, text)?);
            }
            let label: usize =
                label_text.parse().map_err(|_| r.err("label", format!("{label_text:?} is not a class index")))?;
            if label >= classes.len() {
                return Err(r.err("label", format!("class {label} is outside 0..{}", classes.len() - 1)));
            }
            let probs = if shape == Shape::Logits {
                let probs = softmax(&scores);
                for (col, expected) in check.iter().zip(&probs) {
                    let text = r.get(&[col.as_str()]).map(|(_, v)| v).ok_or_else(|| r.err(col, "missing"))?;
                    let given = r.number(col, text)?;
                    if (given - expected).abs() > SUM_TOLERANCE {
                        return Err(r.err(
                            col,
                            format!("probability {given} disagrees with the softmax of the logits ({expected:.6})"),
                        ));
                    }
                }
                probs
            } else {
                if let Some((i, p)) = scores.iter().enumerate().find(|(_, p)| !(0.0..=1.0).contains(*p)) {
                    return Err(r.err(&classes[i], format!("probability {p} is outside [0, 1]")));
                }
                let sum: f64 = scores.iter().sum();
                if (sum - 1.0).abs() > SUM_TOLERANCE {
                    return Err(
                        r.err(&classes[0], format!("probabilities sum to {sum}, not 1 (tolerance {SUM_TOLERANCE})"))
                    );
                }
                scores.clone()
            };
            let (pred, conf) =
                probs
                    .iter()
                    .copied()
                    .enumerate()
                    .fold((0, f64::NEG_INFINITY), |best, (i, p)| if p > best.1 { (i, p) } else { best });
            Ok((conf.clamp(0.0, 1.0), pred == label, label, scores))
        }
    }
}

/// Numerically stable softmax.
pub fn softmax(logits: &[f64]) -> Vec<f64> {
    let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exps: Vec<f64> = logits.iter().map(|&z| (z - max).exp()).collect();
    let sum: f64 = exps.iter().sum();
    exps.into_iter().map(|e| e / sum).collect()
}

fn split_delimited(line: &str, delim: char) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (d, false) if d == delim => fields.push(std::mem::take(&mut field)),
            (other, _) => field.push(other),
        }
    }
    if quoted {
        return Err("a quoted field is not closed on this line".into());
    }
    fields.push(field);
    Ok(fields)
}

fn records_delimited(text: &str, delim: char) -> Result<Records, ParseError> {
    let mut lines = text.trim_start_matches('\u{feff}').lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let (_, header_line) = lines.next().ok_or(ParseError::Empty)?;
    let header: Vec<String> = split_delimited(header_line, delim)
        .map_err(|m| ParseError::Row(RowError { row: 1, column: "header".into(), message: m }))?
        .into_iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut out = Vec::new();
    for (i, line) in lines {
        let row = i + 1;
        let record = split_delimited(line, delim)
            .map_err(|m| RowError { row, column: "-".into(), message: m })
            .and_then(|values| {
                if values.len() != header.len() {
                    Err(RowError {
                        row,
                        column: "-".into(),
                        message: format!("{} fields, the header has {}", values.len(), header.len()),
                    })
                } else {
                    Ok(Record { row, fields: header.iter().cloned().zip(values).collect() })
                }
            });
        out.push(record);
        if out.len() > MAX_ROWS {
            return Err(ParseError::TooManyRows);
        }
    }
    Ok((header, out))
}

fn record_from_json(row: usize, value: &Value) -> Result<Record, RowError> {
    let obj =
        value.as_object().ok_or_else(|| RowError { row, column: "-".into(), message: "not a JSON object".into() })?;
    let mut fields = Vec::new();
    for (k, v) in obj {
        match v {
            // Arrays `probs: [...]` / `logits: [...]` become p_i / logit_i columns.
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
    Ok(Record { row, fields })
}

fn records_json(text: &str, lines: bool) -> Result<Records, ParseError> {
    let json_err = |e: serde_json::Error, line_offset: usize| ParseError::Json {
        line: e.line() + line_offset,
        column: e.column(),
        message: e.to_string(),
    };
    let mut out = Vec::new();
    if lines {
        for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let value: Value = serde_json::from_str(line).map_err(|e| json_err(e, i))?;
            out.push(record_from_json(i + 1, &value));
            if out.len() > MAX_ROWS {
                return Err(ParseError::TooManyRows);
            }
        }
    } else {
        let value: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| json_err(e, 0))?;
        let items = value.as_array().ok_or(ParseError::UnknownShape("a JSON value that is not an array".into()))?;
        if items.len() > MAX_ROWS {
            return Err(ParseError::TooManyRows);
        }
        out = items.iter().enumerate().map(|(i, v)| record_from_json(i + 1, v)).collect();
    }
    let first = out.iter().find_map(|r| r.as_ref().ok()).ok_or(ParseError::Empty)?;
    let header = first.fields.iter().map(|(k, _)| k.clone()).collect();
    Ok((header, out))
}

/// Which of the file's columns play the roles the shapes expect, for files whose names differ
/// (`answer, score, gold` instead of `prediction, confidence, label`). `None` keeps the name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ColumnMapping {
    pub prediction: Option<String>,
    pub confidence: Option<String>,
    pub label: Option<String>,
}

impl ColumnMapping {
    /// The role a column plays under this mapping, or its own name.
    fn rename(&self, column: &str) -> String {
        let roles = [(&self.prediction, "prediction"), (&self.confidence, "confidence"), (&self.label, "label")];
        roles
            .iter()
            .find(|(chosen, _)| chosen.as_deref() == Some(column))
            .map_or_else(|| column.to_string(), |(_, role)| (*role).to_string())
    }
}

impl ColumnMapping {
    /// The file's own name for a role, so errors speak the user's column names.
    fn original(&self, role: &str) -> String {
        let chosen = match role {
            "prediction" | "pred" => &self.prediction,
            "confidence" | "conf" => &self.confidence,
            "label" => &self.label,
            _ => &None,
        };
        chosen.clone().unwrap_or_else(|| role.to_string())
    }

    fn restore(&self, mut e: RowError) -> RowError {
        e.column = self.original(&e.column);
        e
    }
}

fn read_records(text: &str, format: Option<Format>) -> Result<Records, ParseError> {
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    match format.unwrap_or_else(|| Format::sniff(text)) {
        Format::Csv => records_delimited(text, ','),
        Format::Tsv => records_delimited(text, '\t'),
        Format::Json => records_json(text, false),
        Format::Jsonl => records_json(text, true),
    }
}

/// The file's column names, for a mapping step.
pub fn columns(text: &str, format: Option<Format>) -> Result<Vec<String>, ParseError> {
    read_records(text, format).map(|(header, _)| header)
}

/// Parses a file. With `skip_invalid`, bad rows are collected in `skipped`; otherwise the
/// first bad row is the error.
pub fn parse(text: &str, format: Option<Format>, skip_invalid: bool) -> Result<Dataset, ParseError> {
    parse_mapped(text, format, skip_invalid, &ColumnMapping::default())
}

/// [`parse`] with columns renamed to the roles chosen in `mapping`.
pub fn parse_mapped(
    text: &str,
    format: Option<Format>,
    skip_invalid: bool,
    mapping: &ColumnMapping,
) -> Result<Dataset, ParseError> {
    let (header, mut records) = read_records(text, format)?;
    let header: Vec<String> = header.iter().map(|h| mapping.rename(h)).collect();
    if *mapping != ColumnMapping::default() {
        for record in records.iter_mut().flatten() {
            for (name, _) in record.fields.iter_mut() {
                *name = mapping.rename(name);
            }
        }
    }
    let (shape, classes, check) = detect(&header)?;
    let mut data = Dataset {
        shape,
        confidences: Vec::new(),
        correct: Vec::new(),
        labels: Vec::new(),
        scores: Vec::new(),
        skipped: Vec::new(),
    };
    for record in records {
        match record.and_then(|r| parse_record(&r, shape, &classes, &check)) {
            Ok((c, ok, label, scores)) => {
                data.confidences.push(c);
                data.correct.push(ok);
                data.labels.push(label);
                if !scores.is_empty() {
                    data.scores.push(scores);
                }
            }
            Err(e) if skip_invalid => data.skipped.push(mapping.restore(e)),
            Err(e) => return Err(ParseError::Row(mapping.restore(e))),
        }
    }
    if data.confidences.is_empty() {
        return Err(ParseError::Empty);
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_shapes() -> Result<(), ParseError> {
        let article = parse("id,prediction,confidence,label\n1,cat,0.9,cat\n2,dog,0.6,cat\n", None, false)?;
        assert_eq!((article.shape, article.correct.clone()), (Shape::Article, vec![true, false]));
        let probs = parse("p_0\tp_1\tp_2\tlabel\n0.2\t0.7\t0.1\t1\n0.5\t0.3\t0.2\t2\n", None, false)?;
        assert_eq!(
            (probs.shape, probs.confidences.clone(), probs.correct.clone()),
            (Shape::Probabilities, vec![0.7, 0.5], vec![true, false])
        );
        let logits = parse("{\"logit_0\": 0, \"logit_1\": 0, \"label\": 0}\n", None, false)?;
        assert_eq!((logits.shape, logits.confidences.clone()), (Shape::Logits, vec![0.5]));
        let binary = parse("[{\"p\": 0.2, \"label\": 0}, {\"p\": 0.8, \"label\": 0}]", None, false)?;
        assert_eq!(
            (binary.shape, binary.confidences.clone(), binary.correct.clone()),
            (Shape::Binary, vec![0.8, 0.8], vec![true, false])
        );
        Ok(())
    }

    #[test]
    fn errors_name_row_and_column() {
        let e = parse("pred,conf,label\na,0.5,a\nb,1.5,b\n", None, false);
        assert_eq!(
            e,
            Err(ParseError::Row(RowError {
                row: 3,
                column: "conf".into(),
                message: "confidence 1.5 is outside [0, 1]".into()
            }))
        );
        let e = parse("pred,conf,label\na,NaN,a\n", None, false);
        assert!(matches!(e, Err(ParseError::Row(RowError { row: 2, ref column, .. })) if column == "conf"));
        let e = parse("p_0,p_1,label\n0.5,0.6,0\n", None, false);
        assert!(matches!(e, Err(ParseError::Row(RowError { row: 2, ref message, .. })) if message.contains("sum to")));
        let e = parse("p_0,p_1,label\n0.5,0.5,2\n", None, false);
        assert!(matches!(e, Err(ParseError::Row(RowError { ref column, .. })) if column == "label"));
        let e = parse("pred,conf,label\na,0.5\n", None, false);
        assert!(
            matches!(e, Err(ParseError::Row(RowError { row: 2, ref message, .. })) if message.contains("2 fields"))
        );
        assert!(matches!(parse("x,y\n1,2\n", None, false), Err(ParseError::UnknownShape(_))));
        assert!(matches!(parse("[{\"p\": 0.2,", None, false), Err(ParseError::Json { line: 1, .. })));
    }

    #[test]
    fn probabilities_beside_logits_are_checked_against_them() -> Result<(), ParseError> {
        // softmax(0, 0) = (0.5, 0.5): consistent; (0.9, 0.1) is not.
        let ok = parse("logit_0,logit_1,p_0,p_1,label\n0,0,0.5,0.5,1\n", None, false)?;
        assert_eq!(ok.shape, Shape::Logits);
        let bad = parse("logit_0,logit_1,p_0,p_1,label\n0,0,0.9,0.1,1\n", None, false);
        assert!(matches!(bad, Err(ParseError::Row(RowError { row: 2, ref column, .. })) if column == "p_0"));
        Ok(())
    }

    #[test]
    fn skipping_keeps_count_of_what_was_skipped() -> Result<(), ParseError> {
        let d = parse("pred,conf,label\na,0.5,a\nb,oops,b\nc,0.7,d\n", None, true)?;
        assert_eq!(d.confidences, vec![0.5, 0.7]);
        assert_eq!(d.skipped.len(), 1);
        assert_eq!(d.skipped[0].row, 3);
        Ok(())
    }

    #[test]
    fn a_mapping_names_the_roles() -> Result<(), ParseError> {
        let text = "answer,score,gold\nparis,0.9,paris\nrome,0.8,oslo\n";
        assert!(matches!(parse(text, None, false), Err(ParseError::UnknownShape(_))));
        assert_eq!(columns(text, None)?, vec!["answer", "score", "gold"]);
        let mapping = ColumnMapping {
            prediction: Some("answer".into()),
            confidence: Some("score".into()),
            label: Some("gold".into()),
        };
        let d = parse_mapped(text, None, false, &mapping)?;
        assert_eq!((d.shape, d.correct), (Shape::Article, vec![true, false]));
        // Errors name the file's own column, as the user knows it.
        let bad = parse_mapped("answer,score,gold\nparis,2,paris\n", None, false, &mapping);
        assert!(
            matches!(bad, Err(ParseError::Row(RowError { row: 2, ref column, .. })) if column == "score"),
            "{bad:?}"
        );
        Ok(())
    }

    #[test]
    fn quoted_fields() -> Result<(), ParseError> {
        let d = parse("text,pred,conf,label\n\"a, \"\"quoted\"\" text\",x,0.5,x\n", None, false)?;
        assert_eq!(d.correct, vec![true]);
        Ok(())
    }
}

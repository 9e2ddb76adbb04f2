//! Parsing uploaded confidence files: CSV, TSV, JSON (an array of objects) or JSONL, in one
//! of four shapes detected from the column names. Every error names its row and column.
//!
//! Shapes: the article's rows (`prediction`/`pred`, `confidence`/`conf`, `label`); per-class
//! probabilities (`p_0 … p_K` or `prob_0 …`, `label`); per-class logits (`logit_0 …`,
//! `label`); binary (`p`/`prob` of class 1, `label`). Other columns are ignored.

use serde::{Deserialize, Serialize};

use crate::reader::Reader;

/// Probabilities must sum to 1 within this (files are often written with 4–6 decimals).
pub const SUM_TOLERANCE: f64 = 1e-3;
/// The most rows one file may hold.
pub const MAX_ROWS: usize = 5_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
}

/// What is wrong and where: 1-based row (the header is row 1 in CSV) and the column name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// Numerically stable softmax.
pub fn softmax(logits: &[f64]) -> Vec<f64> {
    let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exps: Vec<f64> = logits.iter().map(|&z| (z - max).exp()).collect();
    let sum: f64 = exps.iter().sum();
    exps.into_iter().map(|e| e / sum).collect()
}

/// Which of the file's columns play the roles the shapes expect, for files whose names differ
/// (`answer, score, gold` instead of `prediction, confidence, label`). `None` keeps the name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMapping {
    pub prediction: Option<String>,
    pub confidence: Option<String>,
    pub label: Option<String>,
}

/// The file's column names, for a mapping step.
pub fn columns(text: &str, format: Option<Format>) -> Result<Vec<String>, ParseError> {
    let mut reader = Reader::new(format, false, ColumnMapping::default());
    // A shape that is not recognised is what a mapping step is for: only the header matters.
    let _ = reader.feed(text.as_bytes()).and_then(|()| reader.flush());
    reader.header().map(<[String]>::to_vec).ok_or(ParseError::Empty)
}

/// Parses a file. With `skip_invalid`, bad rows are collected in `skipped`; otherwise the
/// first bad row is the error.
pub fn parse(text: &str, format: Option<Format>, skip_invalid: bool) -> Result<Dataset, ParseError> {
    parse_mapped(text, format, skip_invalid, &ColumnMapping::default())
}

/// [`parse`] with the roles' columns chosen in `mapping`.
pub fn parse_mapped(
    text: &str,
    format: Option<Format>,
    skip_invalid: bool,
    mapping: &ColumnMapping,
) -> Result<Dataset, ParseError> {
    let mut reader = Reader::new(format, skip_invalid, mapping.clone());
    reader.feed(text.as_bytes())?;
    reader.finish()
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

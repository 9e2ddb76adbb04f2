//! Many traces at once: JSON Lines with a `trace` field, CSV with a `trace` column, or plain text
//! with traces separated by blank lines. Errors name the line and column.

use frontier_base::csv;
use serde::{Deserialize, Serialize};

/// More traces than this in one upload are refused (the table would not be readable anyway).
pub const MAX_TRACES: usize = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchFormat {
    Jsonl,
    Csv,
    /// Traces separated by one or more blank lines.
    Text,
}

impl BatchFormat {
    /// JSON Lines when the first non-blank character is `{`, CSV when the first line is a header
    /// naming a `trace` column, text otherwise.
    pub fn detect(text: &str) -> BatchFormat {
        let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
        if trimmed.starts_with('{') {
            return BatchFormat::Jsonl;
        }
        let first_line = trimmed.lines().next().unwrap_or("");
        let fields = split_csv_header(first_line);
        if fields.len() > 1 && fields.iter().any(|f| f.eq_ignore_ascii_case("trace")) {
            return BatchFormat::Csv;
        }
        BatchFormat::Text
    }
}

/// One trace of a batch, with an id (from the file, or its position) and its question if given.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceRecord {
    pub id: String,
    pub trace: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct BatchError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

fn error(line: usize, column: usize, message: impl Into<String>) -> BatchError {
    BatchError { line, column, message: message.into() }
}

pub fn parse_batch(text: &str, format: BatchFormat) -> Result<Vec<TraceRecord>, BatchError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let records = match format {
        BatchFormat::Jsonl => jsonl(text)?,
        BatchFormat::Csv => csv(text)?,
        BatchFormat::Text => blocks(text),
    };
    if records.len() > MAX_TRACES {
        return Err(error(1, 1, format!("{} traces: at most {MAX_TRACES} at once", records.len())));
    }
    Ok(records)
}

#[derive(Deserialize)]
struct JsonTrace {
    trace: Option<serde_json::Value>,
    id: Option<serde_json::Value>,
    question: Option<String>,
}

fn jsonl(text: &str) -> Result<Vec<TraceRecord>, BatchError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let record: JsonTrace = serde_json::from_str(line).map_err(|e| error(n + 1, e.column(), e.to_string()))?;
        let trace = match record.trace {
            Some(serde_json::Value::String(s)) => s,
            Some(_) => return Err(error(n + 1, 1, "the \"trace\" field must be a string")),
            None => return Err(error(n + 1, 1, "no \"trace\" field")),
        };
        let id = match record.id {
            Some(serde_json::Value::String(s)) => s,
            Some(serde_json::Value::Number(x)) => x.to_string(),
            _ => (out.len() + 1).to_string(),
        };
        out.push(TraceRecord { id, trace, question: record.question });
    }
    Ok(out)
}

/// The header's names, trimmed; a first line that is not valid CSV has none.
fn split_csv_header(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    match csv::split_record(line, ',', 1, &mut cells) {
        Ok(()) => cells.iter().map(|c| c.trim().to_owned()).collect(),
        Err(_) => Vec::new(),
    }
}

fn csv(text: &str) -> Result<Vec<TraceRecord>, BatchError> {
    let records = csv::records(text, ',').map_err(|e| error(e.line, e.column, e.message))?;
    let mut records =
        records.into_iter().map(|r| (r.line, r.fields)).filter(|(_, f)| !(f.len() == 1 && f[0].trim().is_empty()));
    let Some((_, header)) = records.next() else { return Ok(Vec::new()) };
    let find = |name: &str| header.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let trace_col = find("trace").ok_or_else(|| error(1, 1, "the header has no \"trace\" column"))?;
    let (id_col, question_col) = (find("id"), find("question"));
    let mut out = Vec::new();
    for (line, fields) in records {
        let trace = fields.get(trace_col).ok_or_else(|| {
            error(line, 1, format!("{} fields, but \"trace\" is column {}", fields.len(), trace_col + 1))
        })?;
        let id = id_col.and_then(|c| fields.get(c)).cloned().unwrap_or_else(|| (out.len() + 1).to_string());
        let question = question_col.and_then(|c| fields.get(c)).cloned();
        out.push(TraceRecord { id, trace: trace.clone(), question });
    }
    Ok(out)
}

fn blocks(text: &str) -> Vec<TraceRecord> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let flush = |current: &mut Vec<&str>, out: &mut Vec<TraceRecord>| {
        if !current.is_empty() {
            out.push(TraceRecord { id: (out.len() + 1).to_string(), trace: current.join("\n"), question: None });
            current.clear();
        }
    };
    for line in text.lines() {
        if line.trim().is_empty() {
            flush(&mut current, &mut out);
        } else {
            current.push(line);
        }
    }
    flush(&mut current, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_formats() {
        let jsonl = "{\"id\": \"a\", \"trace\": \"1 + 1 = 2\\n2 * 2 = 5\"}\n\n{\"trace\": \"x\"}\n";
        assert_eq!(BatchFormat::detect(jsonl), BatchFormat::Jsonl);
        let r = parse_batch(jsonl, BatchFormat::Jsonl).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((r[0].id.as_str(), r[0].trace.as_str(), r[1].id.as_str()), ("a", "1 + 1 = 2\n2 * 2 = 5", "2"));

        let csv = "id,trace\n1,\"3 * 7 = 21\nso, 21\"\n2,plain\n";
        assert_eq!(BatchFormat::detect(csv), BatchFormat::Csv);
        let r = parse_batch(csv, BatchFormat::Csv).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].trace, "3 * 7 = 21\nso, 21");

        let text = "a\nb\n\n\nc\n";
        assert_eq!(BatchFormat::detect(text), BatchFormat::Text);
        let r = parse_batch(text, BatchFormat::Text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.iter().map(|t| t.trace.as_str()).collect::<Vec<_>>(), ["a\nb", "c"]);
    }

    fn err(r: Result<Vec<TraceRecord>, BatchError>) -> BatchError {
        match r {
            Err(e) => e,
            Ok(v) => panic!("expected an error, got {v:?}"),
        }
    }

    #[test]
    fn errors_name_the_place() {
        let e = err(parse_batch("{\"trace\": \"ok\"}\n{\"trace\": 3}\n", BatchFormat::Jsonl));
        assert_eq!((e.line, e.message.as_str()), (2, "the \"trace\" field must be a string"));
        let e = err(parse_batch("{\"trace\": \"ok\"}\n{\"trace\": \"x\"\n", BatchFormat::Jsonl));
        assert_eq!(e.line, 2);
        let e = err(parse_batch("id,trace\n1,\"open\n", BatchFormat::Csv));
        assert_eq!((e.line, e.column), (2, 3));
        let e = err(parse_batch("id,text\n1,a\n", BatchFormat::Csv));
        assert_eq!(e.line, 1);
    }
}

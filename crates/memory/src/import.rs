//! Importing memories: the JSON array [`MemoryStore::export`](crate::store::MemoryStore::export)
//! writes (or one written by hand in that shape), read record by record with every problem
//! located by line, column and field, and turned into the store operations that add them to a
//! scenario (the widget keeps the user's work as one).

use serde::de::IgnoredAny;
use serde::Deserialize;

use crate::scenario::Operation;
use crate::store::{Memory, MemoryRecord};

/// The part of a record that is not the memory.
#[derive(Deserialize)]
struct Embedding {
    embedding: Vec<f32>,
}

/// Why an import was refused, and where: 1-based line and column in the file, the memory's
/// position in the array (1-based) and the field, when they are known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}{}{}: {message}",
    .record.map(|r| format!(", memory {r}")).unwrap_or_default(),
    .field.as_ref().map(|f| format!(", field {f}")).unwrap_or_default())]
pub struct ImportError {
    pub line: usize,
    pub column: usize,
    pub record: Option<usize>,
    pub field: Option<String>,
    pub message: String,
}

/// A record read from a file, with the line its object starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedRecord {
    pub line: usize,
    pub record: MemoryRecord,
}

/// Reads the exported array, at most `limit` memories (checked before each is read), and checks
/// each the way the store would: importance in [0, 1], finite times, a nonempty finite embedding
/// as long as the first one, no id twice.
pub fn read_records(text: &str, limit: usize) -> Result<Vec<ImportedRecord>, ImportError> {
    let at = |offset: usize, record: Option<usize>, field: Option<&str>, message: String| {
        let (line, column) = position(text, offset);
        ImportError { line, column, record, field: field.map(str::to_string), message }
    };
    let mut pos = skip_whitespace(text, 0);
    if !text[pos..].starts_with('[') {
        return Err(at(pos, None, None, "expected a JSON array of memories, as exported".into()));
    }
    pos = skip_whitespace(text, pos + 1);
    let mut records: Vec<ImportedRecord> = Vec::new();
    if text[pos..].starts_with(']') {
        pos += 1;
    } else {
        loop {
            let number = records.len() + 1;
            if records.len() >= limit {
                let message = format!("more than {limit} memories; there is room for {limit}");
                return Err(at(pos, Some(number), None, message));
            }
            // The object's extent first (syntax errors), then its parts: `MemoryRecord` flattens
            // `Memory`, which would report a bad member at the object's end, not at the member.
            let mut stream = serde_json::Deserializer::from_str(&text[pos..]).into_iter::<IgnoredAny>();
            let located = |e: serde_json::Error, object: &str| {
                let local = offset_of(object, e.line(), e.column());
                let field = missing_field(&e.to_string()).or_else(|| key_at(object, local));
                at(pos + local, Some(number), field.as_deref(), serde_message(&e))
            };
            match stream.next() {
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(located(e, &text[pos..])),
                None => return Err(at(pos, None, None, "the array is not closed with ]".into())),
            }
            let end = pos + stream.byte_offset();
            let object = &text[pos..end];
            let memory: Memory = serde_json::from_str(object).map_err(|e| located(e, object))?;
            let Embedding { embedding } = serde_json::from_str(object).map_err(|e| located(e, object))?;
            let record = MemoryRecord { memory, embedding };
            let refuse = |field: &'static str, message: String| {
                let offset = key_offset(&text[pos..end], field).map_or(pos, |k| pos + k);
                at(offset, Some(number), Some(field), message)
            };
            check(&record, records.first().map(|r| r.record.embedding.len()), &records, &refuse)?;
            records.push(ImportedRecord { line: position(text, pos).0, record });
            pos = skip_whitespace(text, end);
            match text[pos..].chars().next() {
                Some(',') => pos = skip_whitespace(text, pos + 1),
                Some(']') => {
                    pos += 1;
                    break;
                }
                _ => return Err(at(pos, None, None, "expected , or ] after a memory".into())),
            }
        }
    }
    pos = skip_whitespace(text, pos);
    if pos < text.len() {
        return Err(at(pos, None, None, "unexpected text after the array".into()));
    }
    Ok(records)
}

/// One record against the store's rules; `refuse` locates the error at the field.
fn check(
    record: &MemoryRecord,
    dims: Option<usize>,
    earlier: &[ImportedRecord],
    refuse: &dyn Fn(&'static str, String) -> ImportError,
) -> Result<(), ImportError> {
    let m = &record.memory;
    if !(m.importance.is_finite() && (0.0..=1.0).contains(&m.importance)) {
        return Err(refuse("importance", format!("{} is outside [0, 1]", m.importance)));
    }
    for (field, hours) in [("created_hours", Some(m.created_hours)), ("last_access_hours", Some(m.last_access_hours))]
        .into_iter()
        .chain([("valid_to_hours", m.valid_to_hours)])
    {
        if hours.is_some_and(|h| !h.is_finite()) {
            return Err(refuse(field, "not a finite number of hours".into()));
        }
    }
    let e = &record.embedding;
    if e.is_empty() {
        return Err(refuse("embedding", "empty".into()));
    }
    if let Some(expected) = dims.filter(|&d| d != e.len()) {
        return Err(refuse("embedding", format!("{} numbers; the first memory's has {expected}", e.len())));
    }
    if e.iter().any(|v| !v.is_finite()) {
        return Err(refuse("embedding", "a number that is not finite (or too large for f32)".into()));
    }
    if let Some(first) = earlier.iter().find(|r| r.record.memory.id == m.id) {
        return Err(refuse("id", format!("{:?} is already the id of the memory on line {}", m.id, first.line)));
    }
    Ok(())
}

/// The operations that store `records` again: each keeps its id, content, importance, creation
/// time, source, embedding and the memories it was derived from.
pub fn store_operations(records: Vec<ImportedRecord>) -> Vec<Operation> {
    records
        .into_iter()
        .map(|r| {
            let m = r.record.memory;
            Operation::Store {
                id: Some(m.id),
                content: m.content,
                importance: m.importance,
                time: m.created_hours,
                source: m.source,
                embedding: Some(r.record.embedding),
                derived_from: m.derived_from,
            }
        })
        .collect()
}

/// [`read_records`] then [`store_operations`]: at most `room` operations.
pub fn import_operations(text: &str, room: usize) -> Result<Vec<Operation>, ImportError> {
    read_records(text, room).map(store_operations)
}

fn skip_whitespace(text: &str, from: usize) -> usize {
    text[from..].find(|c: char| !matches!(c, ' ' | '\t' | '\n' | '\r')).map_or(text.len(), |i| from + i)
}

/// The 1-based line and column (in characters) of a byte offset.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The byte offset of serde_json's 1-based line and column (bytes) in `text`.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start =
        if line <= 1 { 0 } else { text.match_indices('\n').nth(line - 2).map_or(text.len(), |(i, _)| i + 1) };
    let mut offset = (line_start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// serde_json's message without its " at line L column C" (the import gives the file's).
fn serde_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// The field a "missing field `x`" message names.
fn missing_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("missing field `")?;
    Some(rest[..rest.find('`')?].to_string())
}

/// The keys of the object that opens `object`, each with the byte offset of its opening quote,
/// up to byte `until`.
fn keys(object: &str, until: usize) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut start = 0;
    let mut pending: Option<(usize, usize)> = None;
    for (i, c) in object.char_indices().take_while(|&(i, _)| i < until) {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
                if depth == 1 {
                    pending = Some((start, i));
                }
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                start = i;
            }
            ' ' | '\t' | '\n' | '\r' => continue,
            ':' if depth == 1 => {
                if let Some((open, close)) = pending {
                    found.push((object[open + 1..close].to_string(), open));
                }
            }
            '{' | '[' => depth += 1,
            '}' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        pending = None;
    }
    found
}

/// The key whose value holds byte `offset` of the object.
fn key_at(object: &str, offset: usize) -> Option<String> {
    keys(object, offset).pop().map(|(key, _)| key)
}

/// Where `field`'s key starts in the object.
fn key_offset(object: &str, field: &str) -> Option<usize> {
    keys(object, object.len()).into_iter().find(|(key, _)| key == field).map(|(_, offset)| offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Config, MemoryStore, NewMemory};

    fn exported() -> String {
        let mut store = MemoryStore::new(Config::article(2)).unwrap_or_else(|e| panic!("{e}"));
        for (id, content, embedding, importance, time) in
            [("a", "I live in Lyon", [1.0, 0.0], 0.5, 0.0), ("b", "I moved to Oslo", [0.6, 0.8], 0.7, 3.0)]
        {
            let new = NewMemory {
                id: Some(id.into()),
                content: content.into(),
                importance,
                source: "conversation".into(),
                embedding: embedding.to_vec(),
                derived_from: Vec::new(),
            };
            store.store(new, time).unwrap_or_else(|e| panic!("{e}"));
        }
        serde_json::to_string_pretty(&store.export()).unwrap_or_else(|e| panic!("{e}"))
    }

    fn error(text: &str, room: usize) -> ImportError {
        match import_operations(text, room) {
            Err(e) => e,
            Ok(ops) => panic!("expected an error, got {ops:?}"),
        }
    }

    #[test]
    fn an_export_imports_as_store_operations() {
        let text = exported();
        let records = read_records(&text, 10).unwrap_or_else(|e| panic!("{e}"));
        // Pretty-printed: "[" on line 1, the first object on line 2; then its 12 members of the
        // memory (one line each), the embedding (4 lines) and "}," (1 line): the second object
        // starts on line 2 + 1 + 12 + 4 + 1 = 20.
        assert_eq!(records.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 20]);
        let back: Vec<MemoryRecord> = records.into_iter().map(|r| r.record).collect();
        assert_eq!(serde_json::to_string_pretty(&back).ok(), Some(text.clone()), "nothing lost");
        let ops = import_operations(&text, 10).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            ops[1],
            Operation::Store {
                id: Some("b".into()),
                content: "I moved to Oslo".into(),
                importance: 0.7,
                time: 3.0,
                source: "conversation".into(),
                embedding: Some(vec![0.6, 0.8]),
                derived_from: Vec::new(),
            }
        );
        assert_eq!(import_operations(" [ ] ", 0), Ok(Vec::new()));
        let compact = r#"[{"id":"x","content":"c","created_hours":1,"last_access_hours":1,"access_count":0,"importance":0.2,"source":"s","seq":1,"embedding":[1]}]"#;
        assert_eq!(import_operations(compact, 1).map(|ops| ops.len()), Ok(1));
    }

    #[test]
    fn a_bad_value_is_located_at_its_line_and_field() {
        let text = exported().replacen("\"importance\": 0.7", "\"importance\": 1.7", 1);
        let e = error(&text, 10);
        let line = text.lines().position(|l| l.contains("1.7")).map(|i| i + 1);
        assert_eq!((Some(e.line), e.column, e.record, e.field.as_deref()), (line, 5, Some(2), Some("importance")));
        assert_eq!(
            e.to_string(),
            format!("line {}, column 5, memory 2, field importance: 1.7 is outside [0, 1]", e.line)
        );
    }

    #[test]
    fn a_wrong_type_is_located_at_its_line_and_field() {
        let text = exported().replacen("\"content\": \"I moved to Oslo\"", "\"content\": 12", 1);
        let e = error(&text, 10);
        let line = text.lines().position(|l| l.contains("\"content\": 12")).map(|i| i + 1);
        assert_eq!((Some(e.line), e.record, e.field.as_deref()), (line, Some(2), Some("content")));
        assert!(e.message.starts_with("invalid type: integer `12`, expected a string"), "{}", e.message);

        // On one line: the column points into the value, the field is still named.
        let compact = r#"[{"id":"x","content":"c","created_hours":"noon","last_access_hours":1,"access_count":0,"importance":0.2,"source":"s","seq":1,"embedding":[1]}]"#;
        let e = error(compact, 5);
        assert_eq!((e.line, e.record, e.field.as_deref()), (1, Some(1), Some("created_hours")));
        // "noon" spans columns 42 to 47: serde_json stops at its closing quote.
        assert_eq!(e.column, 47);

        let e = error(&compact.replace("\"noon\"", "1").replace("[1]", "[1, \"two\"]"), 5);
        // "two" spans columns 137 to 141: serde_json stops at its closing quote.
        assert_eq!((e.line, e.column, e.field.as_deref()), (1, 141, Some("embedding")));
        assert!(e.message.starts_with("invalid type: string \"two\", expected f32"), "{}", e.message);
    }

    #[test]
    fn structure_errors_are_located() {
        let text = exported().replacen("\"content\": \"I live in Lyon\",\n", "", 1);
        let e = error(&text, 10);
        assert_eq!((e.record, e.field.as_deref()), (Some(1), Some("content")));
        assert_eq!(e.message, "missing field `content`");

        let e = error("{}", 10);
        assert_eq!((e.line, e.column, e.record), (1, 1, None));
        let e = error("[\n  1\n]", 10);
        assert_eq!((e.line, e.column, e.record), (2, 3, Some(1)));
        let text = exported();
        let e = error(&text[..text.len() - 1], 10);
        assert!(e.message.contains("expected , or ]"), "{e}");
        let e = error(&format!("{text} x"), 10);
        assert_eq!(e.message, "unexpected text after the array");
    }

    #[test]
    fn the_room_duplicates_and_dimensions_are_checked() {
        let text = exported();
        let e = error(&text, 1);
        assert_eq!((e.line, e.record), (20, Some(2)));
        assert_eq!(e.message, "more than 1 memories; there is room for 1");

        let twice = text.replacen("\"id\": \"b\"", "\"id\": \"a\"", 1);
        let e = error(&twice, 10);
        assert_eq!((e.line, e.record, e.field.as_deref()), (21, Some(2), Some("id")));
        assert_eq!(e.message, "\"a\" is already the id of the memory on line 2");

        let short = text.replacen("0.6,\n      0.8", "0.6", 1);
        let e = error(&short, 10);
        assert_eq!((e.record, e.field.as_deref()), (Some(2), Some("embedding")));
        assert_eq!(e.message, "1 numbers; the first memory's has 2");
    }
}

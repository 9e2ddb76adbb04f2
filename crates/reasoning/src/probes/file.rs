//! Files of answered probes, for `frontier probe grade FILE`: the JSON that generation prints
//! (`{"task", "seed", "n", "items": [...]}`) with a `response` added to each item, or JSON Lines
//! with one item per line (a JSON array of items is read too). An item needs `task`, `seed` and
//! `index` (in the wrapped form `task` and `seed` may come from the wrapper); `response` may be
//! missing or null (unanswered); `prompt`, when present, must match the regenerated item, which
//! catches files that were edited or made by another version. `id` and `answer` are ignored: the
//! grade always comes from the regenerated item.

use serde::Serialize;
use serde_json::{Map, Value};

use super::grade::{grade_optional, report, Report};
use super::{probe, Probe, ProbeError, Task, MAX_PROBES};

/// 32 MiB: 10,000 items with long prompts and long replies.
pub const MAX_FILE_BYTES: usize = 32 << 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GradedItem {
    /// The regenerated item.
    pub probe: Probe,
    pub response: Option<String>,
}

/// Reads and grades a file of answered probes.
pub fn grade_file(text: &str) -> Result<Report, ProbeError> {
    let items = read_graded_file(text)?;
    Ok(report(items.iter().map(|item| grade_optional(&item.probe, item.response.as_deref())).collect()))
}

/// Task and seed given once for all items, in the wrapped form.
#[derive(Debug, Clone, Copy, Default)]
struct Defaults {
    task: Option<Task>,
    seed: Option<u64>,
}

/// Reads a file of answered probes, regenerating each item.
pub fn read_graded_file(text: &str) -> Result<Vec<GradedItem>, ProbeError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(ProbeError::TooLarge { bytes: text.len() });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ProbeError::Json { line: 1, column: 1, message: "the file is empty".to_string() });
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) if map.contains_key("items") => wrapped(&map),
        Ok(Value::Object(map)) => Ok(vec![item(&Value::Object(map), 1, Some(first_line(text)), Defaults::default())?]),
        Ok(Value::Array(values)) => {
            check_count(values.len())?;
            values.iter().enumerate().map(|(i, v)| item(v, i + 1, None, Defaults::default())).collect()
        }
        Ok(_) => Err(ProbeError::Json {
            line: 1,
            column: 1,
            message: "expected an object with “items”, or one item per line".to_string(),
        }),
        Err(e) => {
            let first = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
            if matches!(serde_json::from_str::<Value>(first), Ok(Value::Object(_))) {
                lines(text)
            } else {
                Err(json_error(&e, 0))
            }
        }
    }
}

fn first_line(text: &str) -> usize {
    text.lines().position(|l| !l.trim().is_empty()).map_or(1, |i| i + 1)
}

fn json_error(e: &serde_json::Error, line_offset: usize) -> ProbeError {
    let message = e.to_string();
    let message = message.split(" at line ").next().unwrap_or(&message).to_string();
    ProbeError::Json { line: e.line() + line_offset, column: e.column().max(1), message }
}

fn check_count(count: usize) -> Result<(), ProbeError> {
    if count > MAX_PROBES {
        return Err(ProbeError::Count(count));
    }
    Ok(())
}

fn wrapped(map: &Map<String, Value>) -> Result<Vec<GradedItem>, ProbeError> {
    let wrapper_error = |message: &str| ProbeError::Json { line: 1, column: 1, message: message.to_string() };
    let task = match map.get("task") {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) => Some(Task::from_id(id)?),
        Some(_) => return Err(wrapper_error("“task” must be a task id such as “counting”")),
    };
    let seed = match map.get("seed") {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_u64().ok_or_else(|| wrapper_error("“seed” must be a whole number"))?),
    };
    let Some(Value::Array(values)) = map.get("items") else {
        return Err(wrapper_error("“items” must be a list of items"));
    };
    check_count(values.len())?;
    let defaults = Defaults { task, seed };
    values.iter().enumerate().map(|(i, v)| item(v, i + 1, None, defaults)).collect()
}

fn lines(text: &str) -> Result<Vec<GradedItem>, ProbeError> {
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        check_count(out.len() + 1)?;
        let value: Value = serde_json::from_str(line).map_err(|e| json_error(&e, index))?;
        out.push(item(&value, out.len() + 1, Some(index + 1), Defaults::default())?);
    }
    Ok(out)
}

fn item(value: &Value, position: usize, line: Option<usize>, defaults: Defaults) -> Result<GradedItem, ProbeError> {
    let error = |message: String| ProbeError::Item { item: position, line, message };
    let Value::Object(map) = value else { return Err(error("expected an object".to_string())) };
    let task = match map.get("task") {
        Some(Value::String(id)) => Task::from_id(id).map_err(|e| error(e.to_string()))?,
        None | Some(Value::Null) => defaults.task.ok_or_else(|| error("no “task”".to_string()))?,
        Some(_) => return Err(error("“task” must be a task id such as “counting”".to_string())),
    };
    let whole = |key: &str, default: Option<u64>| match map.get(key) {
        None | Some(Value::Null) => default.ok_or_else(|| error(format!("no “{key}”"))),
        Some(v) => v.as_u64().ok_or_else(|| error(format!("“{key}” must be a whole number from 0 to {}", u64::MAX))),
    };
    let seed = whole("seed", defaults.seed)?;
    let index = whole("index", None)?;
    let response = match map.get("response") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(v @ (Value::Number(_) | Value::Bool(_))) => Some(v.to_string()),
        Some(_) => return Err(error("“response” must be text".to_string())),
    };
    let regenerated = probe(task, seed, index).map_err(|e| error(e.to_string()))?;
    match map.get("prompt") {
        None | Some(Value::Null) => {}
        Some(Value::String(prompt)) if *prompt == regenerated.prompt => {}
        Some(_) => {
            return Err(error(format!(
                "its prompt is not the one {task} item {index} of seed {seed} has: the file was edited or made by \
                 another version"
            )))
        }
    }
    Ok(GradedItem { probe: regenerated, response })
}

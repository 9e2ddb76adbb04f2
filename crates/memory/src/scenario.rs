//! Scenarios: a list of operations, each with an explicit time, replayed against a store. The
//! command line reads them as JSONL; the widget keeps the user's work as one.

use serde::{Deserialize, Serialize};

use crate::embed::Embedder;
use crate::store::{MemoryStore, NewMemory, Retrieved};
use crate::update::Operation as Decision;

/// One operation. Times are in hours. A store, retrieve or forget may carry its own
/// `embedding`, used instead of the embedder, so vectors made elsewhere replay exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Operation {
    Store {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        content: String,
        #[serde(default = "half")]
        importance: f64,
        time: f64,
        #[serde(default = "conversation")]
        source: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        embedding: Option<Vec<f32>>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        derived_from: Vec<String>,
    },
    Retrieve {
        query: String,
        #[serde(default = "five")]
        k: usize,
        time: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        embedding: Option<Vec<f32>>,
    },
    Forget {
        query: String,
        #[serde(default = "article_threshold")]
        threshold: f64,
        /// Accepted for uniform scenarios; forgetting does not depend on the clock.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        time: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        embedding: Option<Vec<f32>>,
        #[serde(default)]
        dry_run: bool,
    },
    ForgetId {
        id: String,
        #[serde(default)]
        dry_run: bool,
    },
    ForgetSubject {
        subject: String,
        #[serde(default)]
        dry_run: bool,
    },
}

fn half() -> f64 {
    0.5
}
fn conversation() -> String {
    "conversation".into()
}
fn five() -> usize {
    5
}
/// The article's forget threshold.
pub fn article_threshold() -> f64 {
    0.85
}

/// What an operation did. Serialized as one JSON line of `frontier memory run`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Outcome {
    Store {
        line: usize,
        id: String,
        operation: Decision,
        target: Option<String>,
        reason: String,
        evicted: Vec<String>,
        superseded: Vec<String>,
    },
    Retrieve {
        line: usize,
        ids: Vec<String>,
        results: Vec<Retrieved>,
    },
    Forget {
        line: usize,
        removed: Vec<String>,
        cascaded: Vec<String>,
        dry_run: bool,
    },
    ForgetId {
        line: usize,
        removed: Vec<String>,
        cascaded: Vec<String>,
        remaining_mentions: Vec<String>,
        dry_run: bool,
    },
    ForgetSubject {
        line: usize,
        removed: Vec<String>,
        cascaded: Vec<String>,
        remaining_mentions: Vec<String>,
        dry_run: bool,
    },
}

/// A scenario problem, with its 1-based line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ScenarioError {
    pub line: usize,
    pub message: String,
}

/// Reads JSONL: one operation per line; blank lines are skipped. Each operation keeps its
/// line number.
pub fn parse(text: &str) -> Result<Vec<(usize, Operation)>, ScenarioError> {
    let mut ops = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let op = serde_json::from_str(line).map_err(|e| ScenarioError {
            line: i + 1,
            message: match e.column() {
                0 => e.to_string(),
                column => format!("column {column}: {e}"),
            },
        })?;
        ops.push((i + 1, op));
    }
    Ok(ops)
}

/// The vector length a scenario needs: that of the first vector it gives, or the embedder's.
pub fn dims(ops: &[(usize, Operation)], embedder: &dyn Embedder) -> usize {
    ops.iter()
        .find_map(|(_, op)| match op {
            Operation::Store { embedding: Some(e), .. }
            | Operation::Retrieve { embedding: Some(e), .. }
            | Operation::Forget { embedding: Some(e), .. } => Some(e.len()),
            _ => None,
        })
        .unwrap_or(embedder.dims())
}

/// Runs one operation.
pub fn apply(
    store: &mut MemoryStore,
    embedder: &dyn Embedder,
    line: usize,
    op: &Operation,
) -> Result<Outcome, ScenarioError> {
    let fail = |e: crate::store::MemoryError| ScenarioError { line, message: e.to_string() };
    let vector = |given: &Option<Vec<f32>>, text: &str| given.clone().unwrap_or_else(|| embedder.embed(text));
    Ok(match op {
        Operation::Store { id, content, importance, time, source, embedding, derived_from } => {
            let new = NewMemory {
                id: id.clone(),
                content: content.clone(),
                importance: *importance,
                source: source.clone(),
                embedding: vector(embedding, content),
                derived_from: derived_from.clone(),
            };
            let o = store.store(new, *time).map_err(fail)?;
            Outcome::Store {
                line,
                id: o.id,
                operation: o.decision.operation,
                target: o.decision.target,
                reason: o.decision.reason,
                evicted: o.evicted,
                superseded: o.superseded,
            }
        }
        Operation::Retrieve { query, k, time, embedding } => {
            let results = store.retrieve(&vector(embedding, query), *k, *time).map_err(fail)?;
            Outcome::Retrieve { line, ids: results.iter().map(|r| r.id.clone()).collect(), results }
        }
        Operation::Forget { query, threshold, embedding, dry_run, .. } => {
            let r = store.forget_similar(&vector(embedding, query), *threshold, *dry_run).map_err(fail)?;
            Outcome::Forget { line, removed: r.removed, cascaded: r.cascaded, dry_run: *dry_run }
        }
        Operation::ForgetId { id, dry_run } => {
            let r = store.forget_ids(std::slice::from_ref(id), *dry_run);
            Outcome::ForgetId {
                line,
                removed: r.removed,
                cascaded: r.cascaded,
                remaining_mentions: r.remaining_mentions,
                dry_run: *dry_run,
            }
        }
        Operation::ForgetSubject { subject, dry_run } => {
            let r = store.forget_subject(subject, *dry_run);
            Outcome::ForgetSubject {
                line,
                removed: r.removed,
                cascaded: r.cascaded,
                remaining_mentions: r.remaining_mentions,
                dry_run: *dry_run,
            }
        }
    })
}

/// Runs every operation in order; the first failing one stops the replay.
pub fn replay(
    store: &mut MemoryStore,
    embedder: &dyn Embedder,
    ops: &[(usize, Operation)],
) -> Result<Vec<Outcome>, ScenarioError> {
    ops.iter().map(|(line, op)| apply(store, embedder, *line, op)).collect()
}

/// The work of replaying `ops` operations whose texts total `text_bytes`, with `dims`-wide
/// vectors: each text is embedded (at most a vector's width of work per byte, twice), and a
/// retrieval or an eviction scores every stored memory, of which there are at most `ops`.
pub fn replay_work(ops: usize, text_bytes: usize, dims: usize) -> frontier_base::work::Work {
    let (ops, text_bytes, dims) = (ops as f64, text_bytes as f64, dims as f64);
    frontier_base::work::Work {
        flop: 2.0 * text_bytes * dims + 2.0 * ops * ops * dims,
        bytes: (ops * dims * 4.0 + text_bytes) as u64,
    }
}

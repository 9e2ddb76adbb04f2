//! `frontier memory run SCENARIO.jsonl`: replays store, retrieve and forget operations, each
//! with an explicit time in hours, and prints one JSON line per operation.

use clap::{Args as ClapArgs, Subcommand};
use frontier_memory::embed::{Embedder, HashEmbedder};
use frontier_memory::policy::{EvictionRule, Policy, Recency};
use frontier_memory::store::{Config, MemoryStore, NewMemory};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::UsageError;

const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

#[derive(ClapArgs)]
pub struct Args {
    #[command(subcommand)]
    command: MemoryCommand,
}

#[derive(Subcommand)]
enum MemoryCommand {
    /// Replays a JSONL scenario of operations.
    Run(RunArgs),
}

#[derive(ClapArgs)]
struct RunArgs {
    /// One operation per line: store, retrieve, forget, forget_id, forget_subject.
    file: std::path::PathBuf,
    /// article or generative-agents.
    #[arg(long, default_value = "article")]
    policy: String,
    /// hash (words and character n-grams, lexical only).
    #[arg(long, default_value = "hash")]
    embedder: String,
    #[arg(long, default_value_t = 100_000)]
    capacity: usize,
    /// Detect repeats and conflicts on store (ADD, UPDATE, SUPERSEDE, NOOP): on or off.
    /// Default: off for the article's policy (as the article), on otherwise.
    #[arg(long)]
    updates: Option<String>,
    /// Recency for retrieval and eviction: article (exp(−age/720) from creation) or
    /// half-life:HOURS[:access] (a true half-life, from the last access with `:access`).
    #[arg(long)]
    recency: Option<String>,
}

/// One line of a scenario.
#[derive(Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
enum Operation {
    Store {
        id: Option<String>,
        content: String,
        #[serde(default = "half")]
        importance: f64,
        time: f64,
        #[serde(default = "conversation")]
        source: String,
        embedding: Option<Vec<f32>>,
        #[serde(default)]
        derived_from: Vec<String>,
    },
    Retrieve {
        query: String,
        #[serde(default = "five")]
        k: usize,
        time: f64,
        embedding: Option<Vec<f32>>,
    },
    Forget {
        query: String,
        #[serde(default = "article_threshold")]
        threshold: f64,
        /// Accepted for uniform scenarios; forgetting does not depend on the clock.
        #[serde(rename = "time", default)]
        _time: Option<f64>,
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
fn article_threshold() -> f64 {
    0.85
}

fn parse_recency(text: &str) -> Result<Recency, UsageError> {
    if text == "article" {
        return Ok(Recency::ARTICLE);
    }
    let parts: Vec<&str> = text.split(':').collect();
    match parts.as_slice() {
        ["half-life", hours] | ["half-life", hours, "access"] => {
            let half_life_hours: f64 =
                hours.parse().map_err(|_| UsageError(format!("--recency: {hours:?} is not a number of hours")))?;
            let r = Recency::HalfLife { half_life_hours, from_last_access: parts.len() == 3 };
            r.validate().map_err(UsageError)?;
            Ok(r)
        }
        _ => Err(UsageError(format!("--recency {text:?}: use article or half-life:HOURS[:access]"))),
    }
}

fn config(args: &RunArgs, dims: usize) -> Result<Config, UsageError> {
    let mut policy = Policy::by_id(&args.policy)
        .ok_or_else(|| UsageError(format!("unknown policy {:?}; known: article, generative-agents", args.policy)))?;
    let mut eviction = EvictionRule::ARTICLE;
    if let Some(text) = &args.recency {
        let recency = parse_recency(text)?;
        policy = match policy {
            Policy::Article { weights, .. } => Policy::Article { weights, recency },
            Policy::GenerativeAgents { weights, .. } => Policy::GenerativeAgents { weights, recency },
        };
        eviction.recency = recency;
    }
    let updates = match args.updates.as_deref() {
        None => !matches!(policy, Policy::Article { .. }),
        Some("on") => true,
        Some("off") => false,
        Some(other) => return Err(UsageError(format!("--updates {other:?}: use on or off"))),
    };
    if args.capacity == 0 {
        return Err(UsageError("--capacity must be at least 1".into()));
    }
    Ok(Config { policy, eviction, capacity: args.capacity, updates, dims })
}

fn embedder(id: &str) -> Result<Box<dyn Embedder>, UsageError> {
    match id {
        "hash" => Ok(Box::new(HashEmbedder::default())),
        other => Err(UsageError(format!("unknown embedder {other:?}; known: hash"))),
    }
}

pub fn run(args: &Args) -> Result<Vec<Value>, UsageError> {
    let MemoryCommand::Run(args) = &args.command;
    let path = &args.file;
    let size = std::fs::metadata(path).map_err(|e| UsageError(format!("cannot read {}: {e}", path.display())))?.len();
    if size > MAX_FILE_BYTES {
        return Err(UsageError(format!("{} is {size} bytes; the limit is {MAX_FILE_BYTES}", path.display())));
    }
    let text = std::fs::read_to_string(path).map_err(|e| UsageError(format!("cannot read {}: {e}", path.display())))?;
    let embedder = embedder(&args.embedder)?;
    let at = |line: usize, message: String| UsageError(format!("{}:{line}: {message}", path.display()));
    let mut ops = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let op: Operation = serde_json::from_str(line).map_err(|e| match e.column() {
            0 => at(i + 1, e.to_string()),
            column => at(i + 1, format!("column {column}: {e}")),
        })?;
        ops.push((i + 1, op));
    }
    // Vectors given in the file fix the dimension; otherwise the embedder's.
    let given = ops.iter().find_map(|(_, op)| match op {
        Operation::Store { embedding: Some(e), .. }
        | Operation::Retrieve { embedding: Some(e), .. }
        | Operation::Forget { embedding: Some(e), .. } => Some(e.len()),
        _ => None,
    });
    let mut store =
        MemoryStore::new(config(args, given.unwrap_or(embedder.dims()))?).map_err(|e| UsageError(e.to_string()))?;
    let vector = |given: &Option<Vec<f32>>, text: &str| given.clone().unwrap_or_else(|| embedder.embed(text));
    let mut out = Vec::with_capacity(ops.len());
    for (line, op) in ops {
        let fail = |e: frontier_memory::store::MemoryError| at(line, e.to_string());
        let value = match op {
            Operation::Store { id, content, importance, time, source, embedding, derived_from } => {
                let embedding = vector(&embedding, &content);
                let new = NewMemory { id, content, importance, source, embedding, derived_from };
                let o = store.store(new, time).map_err(fail)?;
                json!({
                    "op": "store", "line": line, "id": o.id, "operation": o.decision.operation,
                    "target": o.decision.target, "reason": o.decision.reason,
                    "evicted": o.evicted, "superseded": o.superseded,
                })
            }
            Operation::Retrieve { query, k, time, embedding } => {
                let results = store.retrieve(&vector(&embedding, &query), k, time).map_err(fail)?;
                let ids: Vec<&str> = results.iter().map(|r| r.id.as_str()).collect();
                json!({ "op": "retrieve", "line": line, "ids": ids, "results": results })
            }
            Operation::Forget { query, threshold, embedding, dry_run, .. } => {
                let r = store.forget_similar(&vector(&embedding, &query), threshold, dry_run).map_err(fail)?;
                json!({ "op": "forget", "line": line, "removed": r.removed, "cascaded": r.cascaded, "dry_run": dry_run })
            }
            Operation::ForgetId { id, dry_run } => {
                let r = store.forget_ids(&[id], dry_run);
                json!({ "op": "forget_id", "line": line, "removed": r.removed, "cascaded": r.cascaded,
                        "remaining_mentions": r.remaining_mentions, "dry_run": dry_run })
            }
            Operation::ForgetSubject { subject, dry_run } => {
                let r = store.forget_subject(&subject, dry_run);
                json!({ "op": "forget_subject", "line": line, "removed": r.removed, "cascaded": r.cascaded,
                        "remaining_mentions": r.remaining_mentions, "dry_run": dry_run })
            }
        };
        out.push(value);
    }
    Ok(out)
}

//! `frontier memory run SCENARIO.jsonl`: replays store, retrieve and forget operations, each
//! with an explicit time in hours, and prints one JSON line per operation.

use clap::{Args as ClapArgs, Subcommand};
use frontier_memory::embed::{Embedder, HashEmbedder};
use frontier_memory::policy::{EvictionRule, Policy, Recency};
use frontier_memory::scenario::{self, ScenarioError};
use frontier_memory::static_model::StaticEmbedder;
use frontier_memory::store::{Config, MemoryStore};
use serde_json::Value;

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
    /// hash (words and character n-grams, lexical only) or static (a table distilled from
    /// all-MiniLM-L6-v2).
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
        policy = policy.with_recency(recency);
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

/// The distilled table, built into the binary (4.3 MB) so the command needs no files.
const STATIC_MODEL: &[u8] = include_bytes!("../../memory/assets/static-minilm.bin");

fn embedder(id: &str) -> Result<Box<dyn Embedder>, UsageError> {
    match id {
        "hash" => Ok(Box::new(HashEmbedder::default())),
        "static" => Ok(Box::new(StaticEmbedder::from_bytes(STATIC_MODEL).map_err(UsageError)?)),
        other => Err(UsageError(format!("unknown embedder {other:?}; known: hash, static"))),
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
    let at = |e: ScenarioError| UsageError(format!("{}:{}: {}", path.display(), e.line, e.message));
    let ops = scenario::parse(&text).map_err(at)?;
    let mut store = MemoryStore::new(config(args, scenario::dims(&ops, embedder.as_ref()))?)
        .map_err(|e| UsageError(e.to_string()))?;
    let outcomes = scenario::replay(&mut store, embedder.as_ref(), &ops).map_err(at)?;
    outcomes.iter().map(|o| serde_json::to_value(o).map_err(|e| UsageError(e.to_string()))).collect()
}

//! `frontier memory run SCENARIO.jsonl`: replays store, retrieve and forget operations, each
//! with an explicit time in hours, and prints one JSON line per operation.

use clap::{Args as ClapArgs, Subcommand};
use frontier_memory::embed::{Embedder, HashEmbedder};
use frontier_memory::policy::ARTICLE_TIME_CONSTANT_HOURS;
use frontier_memory::scenario::{self, ScenarioError};
use frontier_memory::settings::{EmbedderChoice, PolicyChoice, RecencyChoice, StoreSettings};
use frontier_memory::static_model::StaticEmbedder;
use frontier_memory::store::MemoryStore;
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
    /// Recency: article (exp(−age/720 h) from creation for eviction and the article's policy;
    /// Generative Agents keeps its 0.995 per hour from the last access) or half-life:HOURS[:access]
    /// (a true half-life for retrieval and eviction, from the last access with `:access`).
    #[arg(long)]
    recency: Option<String>,
}

/// `article`, or `half-life:HOURS` with `:access` to measure from the last access.
fn parse_recency(text: &str) -> Result<(RecencyChoice, Option<f64>), UsageError> {
    if text == "article" {
        return Ok((RecencyChoice::Article, None));
    }
    let parts: Vec<&str> = text.split(':').collect();
    match parts.as_slice() {
        ["half-life", hours] | ["half-life", hours, "access"] => {
            let half_life_hours: f64 =
                hours.parse().map_err(|_| UsageError(format!("--recency: {hours:?} is not a number of hours")))?;
            let choice = if parts.len() == 3 { RecencyChoice::HalfLifeAccess } else { RecencyChoice::HalfLife };
            Ok((choice, Some(half_life_hours)))
        }
        _ => Err(UsageError(format!("--recency {text:?}: use article or half-life:HOURS[:access]"))),
    }
}

/// The command's flags as the store's settings, mapped to a config by the same function the
/// page uses.
fn settings(args: &RunArgs) -> Result<StoreSettings, UsageError> {
    let policy = PolicyChoice::parse(&args.policy)
        .ok_or_else(|| UsageError(format!("unknown policy {:?}; known: {}", args.policy, PolicyChoice::known())))?;
    let (recency, half_life_hours) = match &args.recency {
        Some(text) => parse_recency(text)?,
        None => (RecencyChoice::Article, None),
    };
    let updates = match args.updates.as_deref() {
        None => policy != PolicyChoice::Article,
        Some("on") => true,
        Some("off") => false,
        Some(other) => return Err(UsageError(format!("--updates {other:?}: use on or off"))),
    };
    let settings = StoreSettings {
        policy,
        recency,
        half_life_hours: half_life_hours.unwrap_or(ARTICLE_TIME_CONSTANT_HOURS),
        capacity: args.capacity,
        updates,
    };
    settings.validate().map_err(UsageError)?;
    Ok(settings)
}

/// The distilled table, built into the binary (4.3 MB) so the command needs no files.
const STATIC_MODEL: &[u8] = include_bytes!("../../memory/assets/static-minilm.bin");

fn embedder(id: &str) -> Result<Box<dyn Embedder>, UsageError> {
    match EmbedderChoice::parse(id) {
        Some(EmbedderChoice::Hash) => Ok(Box::new(HashEmbedder::default())),
        Some(EmbedderChoice::Static) => Ok(Box::new(StaticEmbedder::from_bytes(STATIC_MODEL).map_err(UsageError)?)),
        None => Err(UsageError(format!("unknown embedder {id:?}; known: {}", EmbedderChoice::known()))),
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
    let settings = settings(args)?;
    let at = |e: ScenarioError| UsageError(format!("{}:{}: {}", path.display(), e.line, e.message));
    let ops = scenario::parse(&text).map_err(at)?;
    let mut store = MemoryStore::new(settings.config(scenario::dims(&ops, embedder.as_ref())).map_err(UsageError)?)
        .map_err(|e| UsageError(e.to_string()))?;
    let outcomes = scenario::replay(&mut store, embedder.as_ref(), &ops).map_err(at)?;
    outcomes.iter().map(|o| serde_json::to_value(o).map_err(|e| UsageError(e.to_string()))).collect()
}

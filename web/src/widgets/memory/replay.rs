//! The store as the state describes it: the worked example and the user's operations replayed
//! under the chosen settings. Replaying is cheap (dozens of operations) and keeps one source of
//! truth: the state.

use std::sync::Arc;

use frontier_memory::embed::{Embedder, HashEmbedder};
use frontier_memory::example;
use frontier_memory::scenario::{apply, Operation, Outcome};
use frontier_memory::settings::EmbedderChoice;
use frontier_memory::static_model::StaticEmbedder;
use frontier_memory::store::MemoryStore;

use super::state::MemoryState;

/// The default embedder: hashed words and character n-grams.
pub const HASH: HashEmbedder = HashEmbedder { dims: 256 };

/// Where the distilled table is served from (copied next to index.html by Trunk).
pub const STATIC_MODEL_URL: &str = "./static-minilm.bin";

/// The distilled table: not asked for yet, arriving, ready, or failed.
#[derive(Debug, Clone)]
pub enum Table {
    NotLoaded,
    Loading,
    Ready(Arc<StaticEmbedder>),
    Failed(String),
}

impl PartialEq for Table {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Table::Ready(a), Table::Ready(b)) => Arc::ptr_eq(a, b),
            (Table::Failed(a), Table::Failed(b)) => a == b,
            (Table::NotLoaded, Table::NotLoaded) | (Table::Loading, Table::Loading) => true,
            _ => false,
        }
    }
}

/// The embedder the state asks for, or why it is not available yet.
pub fn embedder(state: &MemoryState, table: &Table) -> Result<Arc<dyn Embedder + Send + Sync>, String> {
    if state.embedder == EmbedderChoice::Hash {
        return Ok(Arc::new(HASH));
    }
    match table {
        Table::Ready(model) => Ok(model.clone()),
        Table::Failed(why) => Err(format!("The embedding table could not be loaded: {why}")),
        Table::NotLoaded | Table::Loading => Err("Loading the embedding table (4.3 MB, from this site)…".into()),
    }
}

/// One replay: the store, what each operation did, and the first error.
#[derive(Clone)]
pub struct Replayed {
    pub store: MemoryStore,
    pub embedder: Arc<dyn Embedder + Send + Sync>,
    /// (the operation, whether it is the user's, what it did).
    pub log: Vec<(Operation, bool, Outcome)>,
    pub error: Option<String>,
}

/// A replay, or why the settings make no store. Equality by identity: a new replay is a new
/// value.
pub type Shared = crate::framework::shared::Shared<Result<Replayed, String>>;

pub fn replay(state: &MemoryState, table: &Table) -> Shared {
    let embedder = match embedder(state, table) {
        Ok(e) => e,
        Err(why) => return Shared::new(Err(why)),
    };
    let store = state.settings().config(embedder.dims()).and_then(|c| MemoryStore::new(c).map_err(|e| e.to_string()));
    let mut store = match store {
        Ok(s) => s,
        Err(why) => return Shared::new(Err(why)),
    };
    let example_ops = if state.example { example::script() } else { Vec::new() };
    let user_ops = state.ops.iter().cloned().enumerate().map(|(i, op)| (i + 1, op));
    let mut log = Vec::new();
    let mut error = None;
    let all = example_ops.into_iter().map(|(l, op)| (l, op, false)).chain(user_ops.map(|(l, op)| (l, op, true)));
    for (line, op, mine) in all {
        match apply(&mut store, embedder.as_ref(), line, &op) {
            Ok(outcome) => log.push((op, mine, outcome)),
            Err(e) => {
                let whose = if mine { "your operation" } else { "the example's operation" };
                error = Some(format!("{whose} {}: {}", e.line, e.message));
                break;
            }
        }
    }
    Shared::new(Ok(Replayed { store, embedder, log, error }))
}

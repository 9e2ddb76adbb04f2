//! The store as the state describes it: the worked example and the user's operations replayed
//! under the chosen settings. Replaying is cheap (dozens of operations) and keeps one source of
//! truth: the state.

use std::sync::Arc;

use frontier_memory::embed::Embedder;
use frontier_memory::scenario::{Operation, Outcome};
use frontier_memory::settings::EmbedderChoice;
use frontier_memory::static_model::StaticEmbedder;
use frontier_memory::store::MemoryStore;

use super::state::MemoryState;

/// The default embedder: hashed words and character n-grams.
pub use frontier_labs::memory::HASH;

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
    let replayed = frontier_labs::memory::replay(state, embedder.as_ref())
        .map(|r| Replayed { store: r.store, embedder, log: r.log, error: r.error });
    Shared::new(replayed)
}

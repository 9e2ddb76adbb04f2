//! The store as the state describes it: the worked example and the user's operations replayed
//! under the chosen settings. Replaying is cheap (dozens of operations) and keeps one source of
//! truth: the state.

use std::sync::Arc;

use frontier_memory::embed::{Embedder, HashEmbedder};
use frontier_memory::example;
use frontier_memory::scenario::{apply, Operation, Outcome};
use frontier_memory::store::MemoryStore;

use super::state::MemoryState;

/// The embedder the widget uses: hashed words and character n-grams.
pub const EMBEDDER: HashEmbedder = HashEmbedder { dims: 256 };

/// One replay: the store, what each operation did, and the first error.
#[derive(Debug, Clone)]
pub struct Replayed {
    pub store: MemoryStore,
    /// (the operation, whether it is the user's, what it did).
    pub log: Vec<(Operation, bool, Outcome)>,
    pub error: Option<String>,
}

/// A replay, or why the settings make no store. Equality by identity: a new replay is a new
/// value.
#[derive(Debug, Clone)]
pub struct Shared(pub Arc<Result<Replayed, String>>);

impl PartialEq for Shared {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

pub fn replay(state: &MemoryState) -> Shared {
    let mut store = match MemoryStore::new(state.config(EMBEDDER.dims())) {
        Ok(s) => s,
        Err(e) => return Shared(Arc::new(Err(e.to_string()))),
    };
    let example_ops = if state.example { example::script() } else { Vec::new() };
    let user_ops = state.ops.iter().cloned().enumerate().map(|(i, op)| (i + 1, op));
    let mut log = Vec::new();
    let mut error = None;
    let all = example_ops.into_iter().map(|(l, op)| (l, op, false)).chain(user_ops.map(|(l, op)| (l, op, true)));
    for (line, op, mine) in all {
        match apply(&mut store, &EMBEDDER, line, &op) {
            Ok(outcome) => log.push((op, mine, outcome)),
            Err(e) => {
                let whose = if mine { "your operation" } else { "the example's operation" };
                error = Some(format!("{whose} {}: {}", e.line, e.message));
                break;
            }
        }
    }
    Shared(Arc::new(Ok(Replayed { store, log, error })))
}

//! The memory widget's state: the store's settings, the clock, the query, and the user's own
//! operations after the worked example (small text, so they travel in links and autosave).

use frontier_memory::embed::{Embedder, HashEmbedder};
use frontier_memory::example;
use frontier_memory::scenario::{apply, Operation, Outcome};
use frontier_memory::settings::{EmbedderChoice, PolicyChoice, RecencyChoice, StoreSettings};
use frontier_memory::store::MemoryStore;
use frontier_state::WidgetState;

use crate::measure::{Lab, Measurement};
use serde::{Deserialize, Serialize};

/// Operations a state may hold (a link must stay a link).
pub const MAX_OPS: usize = 200;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemoryState {
    pub policy: PolicyChoice,
    /// `hash` (in the page, lexical) or `static` (the table distilled from MiniLM, fetched
    /// from this site on first use).
    #[serde(default = "hash")]
    pub embedder: EmbedderChoice,
    pub recency: RecencyChoice,
    pub half_life_days: f64,
    pub capacity: usize,
    /// Detect repeats and conflicts on store.
    pub updates: bool,
    /// The clock, in days since the example began.
    pub now_days: f64,
    pub query: String,
    pub k: usize,
    /// Quiz answers below this relevance abstain.
    pub abstain_below: f64,
    /// Replay the worked example before the user's operations.
    pub example: bool,
    pub ops: Vec<Operation>,
}

fn hash() -> EmbedderChoice {
    EmbedderChoice::Hash
}

impl MemoryState {
    pub fn example() -> Self {
        MemoryState {
            policy: PolicyChoice::Article,
            embedder: EmbedderChoice::Hash,
            recency: RecencyChoice::Article,
            half_life_days: 30.0,
            capacity: 100,
            updates: true,
            now_days: 60.0,
            query: "Where do I live?".into(),
            k: 5,
            abstain_below: 0.3,
            example: true,
            ops: Vec::new(),
        }
    }

    pub fn now_hours(&self) -> f64 {
        self.now_days * 24.0
    }

    /// The store's settings (the page counts half-lives in days, the store in hours).
    pub fn settings(&self) -> StoreSettings {
        StoreSettings {
            policy: self.policy,
            recency: self.recency,
            half_life_hours: self.half_life_days * 24.0,
            capacity: self.capacity,
            updates: self.updates,
        }
    }
}

impl WidgetState for MemoryState {
    const WIDGET_ID: &'static str = "memory";
    const VERSION: u32 = 1;

    fn validate(&self) -> Result<(), String> {
        self.settings().validate()?;
        if !(self.now_days.is_finite() && (0.0..=3650.0).contains(&self.now_days)) {
            return Err(format!("now_days: {} is outside [0, 3650]", self.now_days));
        }
        if !(1..=50).contains(&self.k) {
            return Err(format!("k: {} is outside 1..=50", self.k));
        }
        if !(0.0..=1.0).contains(&self.abstain_below) {
            return Err(format!("abstain_below: {} is outside [0, 1]", self.abstain_below));
        }
        if self.ops.len() > MAX_OPS {
            return Err(format!("ops: {} operations; at most {MAX_OPS}", self.ops.len()));
        }
        Ok(())
    }
}

/// The hashed embedder the lab uses unless the reader loads the distilled table.
pub const HASH: HashEmbedder = HashEmbedder { dims: 256 };

/// A state's operations replayed: the store after them, each operation with whether it was
/// the reader's and what it did, and the first error, which stops the replay.
#[derive(Debug, Clone)]
pub struct Replay {
    pub store: MemoryStore,
    pub log: Vec<(Operation, bool, Outcome)>,
    pub error: Option<String>,
}

/// Replays the worked example (when the state asks for it) and then the reader's operations.
pub fn replay(state: &MemoryState, embedder: &dyn Embedder) -> Result<Replay, String> {
    let config = state.settings().config(embedder.dims())?;
    let mut store = MemoryStore::new(config).map_err(|e| e.to_string())?;
    let example_ops = if state.example { example::script() } else { Vec::new() };
    let user_ops = state.ops.iter().cloned().enumerate().map(|(i, op)| (i + 1, op, true));
    let mut log = Vec::new();
    let mut error = None;
    for (line, op, mine) in example_ops.into_iter().map(|(l, op)| (l, op, false)).chain(user_ops) {
        match apply(&mut store, embedder, line, &op) {
            Ok(outcome) => log.push((op, mine, outcome)),
            Err(e) => {
                let whose = if mine { "your operation" } else { "the example's operation" };
                error = Some(format!("{whose} {}: {}", e.line, e.message));
                break;
            }
        }
    }
    Ok(Replay { store, log, error })
}

impl Lab for MemoryState {
    /// The store after the replay and the quiz the lab grades (with the hashed embedder; the
    /// distilled table is fetched by the page and not measured here).
    fn measures(&self) -> Result<Vec<Measurement>, String> {
        if self.embedder != EmbedderChoice::Hash {
            return Err(
                "the distilled embedding table is loaded by the page; lessons measure the hashed embedder".into()
            );
        }
        let mut r = replay(self, &HASH)?;
        if let Some(e) = r.error {
            return Err(e);
        }
        let graded = example::grade(&mut r.store, &HASH, &example::quiz(), self.abstain_below);
        let correct = graded.iter().filter(|g| g.correct).count();
        Ok(vec![
            Measurement::new(
                "recency_half_life_days",
                "Half-life of the recency score",
                self.settings().recency().half_life_hours() / 24.0,
                "days",
            ),
            Measurement::new("memories", "Memories stored", r.store.memories().len() as f64, "memories"),
            Measurement::new("operations", "Operations replayed", r.log.len() as f64, "operations"),
            Measurement::new("quiz_correct", "Quiz questions answered correctly", correct as f64, "questions"),
            Measurement::new("quiz_questions", "Quiz questions", graded.len() as f64, "questions"),
            Measurement::new("quiz_accuracy", "Quiz accuracy", correct as f64 / graded.len().max(1) as f64, "fraction"),
        ])
    }
}

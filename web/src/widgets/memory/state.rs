//! The memory widget's state: the store's settings, the clock, the query, and the user's own
//! operations after the worked example (small text, so they travel in links and autosave).

use frontier_memory::scenario::Operation;
use frontier_memory::settings::{EmbedderChoice, PolicyChoice, RecencyChoice, StoreSettings};
use frontier_state::WidgetState;
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
    const WIDGET_ID: &'static str = <super::MemoryWidget as crate::framework::widget::Widget>::META.id;
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

//! The memory widget's state: the store's settings, the clock, the query, and the user's own
//! operations after the worked example (small text, so they travel in links and autosave).

use frontier_memory::policy::{EvictionRule, Policy, Recency};
use frontier_memory::scenario::Operation;
use frontier_memory::store::Config;
use frontier_state::WidgetState;
use serde::{Deserialize, Serialize};

/// Operations a state may hold (a link must stay a link).
pub const MAX_OPS: usize = 200;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemoryState {
    /// `article` or `generative-agents`.
    pub policy: String,
    /// `hash` (in the page, lexical) or `static` (the table distilled from MiniLM, fetched
    /// from this site on first use).
    #[serde(default = "hash")]
    pub embedder: String,
    /// `article` (exp(−age/720) from creation), `half-life` (from creation) or
    /// `half-life-access` (from the last access).
    pub recency: String,
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

fn hash() -> String {
    "hash".into()
}

impl MemoryState {
    pub fn example() -> Self {
        MemoryState {
            policy: "article".into(),
            embedder: "hash".into(),
            recency: "article".into(),
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

    pub fn recency(&self) -> Recency {
        let half_life_hours = self.half_life_days * 24.0;
        match self.recency.as_str() {
            "half-life" => Recency::HalfLife { half_life_hours, from_last_access: false },
            "half-life-access" => Recency::HalfLife { half_life_hours, from_last_access: true },
            _ => Recency::ARTICLE,
        }
    }

    /// The store's configuration. Generative Agents keeps its own per-hour recency unless a
    /// half-life is chosen.
    pub fn config(&self, dims: usize) -> Config {
        let recency = self.recency();
        let policy = Policy::by_id(&self.policy).unwrap_or(Policy::ARTICLE);
        let policy = match (policy, self.recency.as_str()) {
            (Policy::GenerativeAgents { .. }, "article") => policy,
            _ => policy.with_recency(recency),
        };
        let eviction = EvictionRule { recency, ..EvictionRule::ARTICLE };
        Config { policy, eviction, capacity: self.capacity, updates: self.updates, dims }
    }
}

impl WidgetState for MemoryState {
    const WIDGET_ID: &'static str = <super::MemoryWidget as crate::framework::widget::Widget>::META.id;
    const VERSION: u32 = 1;

    fn validate(&self) -> Result<(), String> {
        if Policy::by_id(&self.policy).is_none() {
            return Err(format!("policy: unknown {:?}", self.policy));
        }
        if !["hash", "static"].contains(&self.embedder.as_str()) {
            return Err(format!("embedder: unknown {:?}", self.embedder));
        }
        if !["article", "half-life", "half-life-access"].contains(&self.recency.as_str()) {
            return Err(format!("recency: unknown {:?}", self.recency));
        }
        if !(self.half_life_days.is_finite() && self.half_life_days > 0.0 && self.half_life_days <= 3650.0) {
            return Err(format!("half_life_days: {} is outside (0, 3650]", self.half_life_days));
        }
        if !(1..=100_000).contains(&self.capacity) {
            return Err(format!("capacity: {} is outside 1..=100000", self.capacity));
        }
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

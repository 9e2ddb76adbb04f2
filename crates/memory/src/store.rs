//! The memory store: memories with their vectors, retrieval under a policy, updates,
//! forgetting, and eviction at capacity. Time is always an argument, in hours.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::evict::{Candidate, Tournament};
use crate::policy::{access_term, EvictionRule, Policy};
use crate::update::{decide, extract, Decision, Existing, Operation};
use crate::vector::{article_cosine, norm, Matrix};

mod prune;

/// One stored memory (its vector lives in the store's matrix).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Memory {
    pub id: String,
    pub content: String,
    pub created_hours: f64,
    pub last_access_hours: f64,
    pub access_count: u32,
    /// In [0, 1].
    pub importance: f64,
    pub source: String,
    /// Who the memory is about, when a fact pattern recognised it ("user", "alice").
    #[serde(default)]
    pub subject: Option<String>,
    /// When a newer memory superseded it; it is not retrieved after this.
    #[serde(default)]
    pub valid_to_hours: Option<f64>,
    #[serde(default)]
    pub superseded_by: Option<String>,
    /// Memories this one was made from (a summary of them, say): forgetting one of those
    /// forgets this one too.
    #[serde(default)]
    pub derived_from: Vec<String>,
    /// Insertion order, for ties.
    pub seq: u64,
}

/// A memory with its vector, as exported and imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemoryRecord {
    #[serde(flatten)]
    pub memory: Memory,
    pub embedding: Vec<f32>,
}

/// What the caller gives to store a memory.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewMemory {
    /// `None` numbers it (`m1`, `m2`, …).
    pub id: Option<String>,
    pub content: String,
    pub importance: f64,
    pub source: String,
    pub embedding: Vec<f32>,
    pub derived_from: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Config {
    pub policy: Policy,
    pub eviction: EvictionRule,
    pub capacity: usize,
    /// Detect repeats and conflicts on store (the article does not).
    pub updates: bool,
    pub dims: usize,
}

impl Config {
    /// The article's store: its policy, its eviction, capacity 100,000, no update detection.
    pub fn article(dims: usize) -> Config {
        Config { policy: Policy::ARTICLE, eviction: EvictionRule::ARTICLE, capacity: 100_000, updates: false, dims }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MemoryError {
    #[error("a memory with id {0:?} is already stored")]
    DuplicateId(String),
    #[error("importance {0} is outside [0, 1]")]
    Importance(f64),
    #[error("the embedding has {got} numbers; this store's have {expected}")]
    Dimensions { got: usize, expected: usize },
    #[error("the embedding has a number that is not finite")]
    NotFinite,
    #[error("time {0} is not a finite number of hours")]
    Time(f64),
    #[error("capacity must be at least 1")]
    Capacity,
    #[error("{0}")]
    Invalid(String),
}

/// The parts of a retrieval score. Under the article's policy they are the raw values; under
/// Generative Agents' they are min-max normalized over the query's candidates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScoreParts {
    pub relevance: f64,
    pub recency: f64,
    pub importance: f64,
    pub access: f64,
    pub score: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Retrieved {
    pub id: String,
    pub content: String,
    #[serde(flatten)]
    pub parts: ScoreParts,
}

/// What storing did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreOutcome {
    /// The id of the memory stored (or, for UPDATE and NOOP, the one that absorbed it).
    pub id: String,
    pub decision: Decision,
    pub evicted: Vec<String>,
    pub superseded: Vec<String>,
}

/// What forgetting removed (or, in a dry run, would remove), and what still mentions it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ForgetReport {
    /// Matched directly.
    pub removed: Vec<String>,
    /// Removed because they were derived from a removed memory.
    pub cascaded: Vec<String>,
    /// Memories left that still mention the subject (for a subject forget), or that still
    /// refer to a removed id: what a privacy request would still leave behind.
    pub remaining_mentions: Vec<String>,
    pub dry_run: bool,
}

/// The numbers retrieval reads for every memory, packed apart from the text so that a scan of
/// 100,000 memories touches 40 bytes of each rather than the whole record.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Scalars {
    created_hours: f64,
    last_access_hours: f64,
    importance: f64,
    access_count: u32,
    /// `f64::INFINITY` while current.
    valid_to_hours: f64,
    seq: u64,
}

impl Scalars {
    fn of(m: &Memory) -> Scalars {
        Scalars {
            created_hours: m.created_hours,
            last_access_hours: m.last_access_hours,
            importance: m.importance,
            access_count: m.access_count,
            valid_to_hours: m.valid_to_hours.unwrap_or(f64::INFINITY),
            seq: m.seq,
        }
    }

    /// Whether the memory is retrieved at `now`: it exists by then and is not superseded.
    fn current(&self, now: f64) -> bool {
        self.created_hours <= now && self.valid_to_hours > now
    }
}

#[derive(Debug, Clone)]
pub struct MemoryStore {
    config: Config,
    memories: Vec<Memory>,
    scalars: Vec<Scalars>,
    norms: Vec<f32>,
    vectors: Matrix,
    by_id: HashMap<String, usize>,
    tournament: Tournament,
    next_seq: u64,
    /// Scratch for dot products, kept to avoid an allocation per query.
    dots: Vec<f32>,
    /// Scratch for the first pass's bounds on them.
    bounds: Vec<(f64, f64)>,
}

/// The article's weighted sum, added in its order.
fn article_score(w: crate::policy::Weights, p: &ScoreParts) -> f64 {
    w.relevance * p.relevance + w.recency * p.recency + w.importance * p.importance + w.access * p.access
}

fn check_time(hours: f64) -> Result<(), MemoryError> {
    if hours.is_finite() {
        Ok(())
    } else {
        Err(MemoryError::Time(hours))
    }
}

/// Whether `text` contains `word` as a whole word, ignoring case.
fn mentions(text: &str, word: &str) -> bool {
    let needle: Vec<String> = crate::embed::words(word).collect();
    if needle.is_empty() {
        return false;
    }
    let hay: Vec<String> = crate::embed::words(text).collect();
    hay.windows(needle.len()).any(|w| w == needle.as_slice())
}

impl MemoryStore {
    pub fn new(config: Config) -> Result<MemoryStore, MemoryError> {
        if config.capacity == 0 {
            return Err(MemoryError::Capacity);
        }
        config.eviction.recency.validate().map_err(MemoryError::Invalid)?;
        config.policy.recency().validate().map_err(MemoryError::Invalid)?;
        Ok(MemoryStore {
            config,
            memories: Vec::new(),
            scalars: Vec::new(),
            norms: Vec::new(),
            vectors: Matrix::new(config.dims),
            by_id: HashMap::new(),
            tournament: Tournament::new(config.eviction),
            next_seq: 0,
            dots: Vec::new(),
            bounds: Vec::new(),
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn len(&self) -> usize {
        self.memories.len()
    }

    pub fn is_empty(&self) -> bool {
        self.memories.is_empty()
    }

    pub fn memories(&self) -> &[Memory] {
        &self.memories
    }

    pub fn get(&self, id: &str) -> Option<&Memory> {
        self.by_id.get(id).map(|&i| &self.memories[i])
    }

    pub fn embedding(&self, id: &str) -> Option<&[f32]> {
        self.by_id.get(id).map(|&i| self.vectors.row(i))
    }

    fn candidate(&self, m: &Memory) -> Candidate {
        let since = if self.config.eviction.recency.from_last_access() { m.last_access_hours } else { m.created_hours };
        Candidate { importance: m.importance, access: access_term(m.access_count), since_hours: since, seq: m.seq }
    }

    /// Brings the packed scalars and the eviction tournament up to date with `memories[slot]`.
    fn refresh_slot(&mut self, slot: usize) {
        if let Some(m) = self.memories.get(slot) {
            let packed = Scalars::of(m);
            match self.scalars.get_mut(slot) {
                Some(s) => *s = packed,
                None => self.scalars.push(packed),
            }
        }
        let c = self.memories.get(slot).map(|m| self.candidate(m));
        self.tournament.set(slot, c);
    }

    fn check_embedding(&self, embedding: &[f32]) -> Result<(), MemoryError> {
        if embedding.len() != self.config.dims {
            return Err(MemoryError::Dimensions { got: embedding.len(), expected: self.config.dims });
        }
        if embedding.iter().any(|x| !x.is_finite()) {
            return Err(MemoryError::NotFinite);
        }
        Ok(())
    }

    fn current(m: &Memory, now: f64) -> bool {
        Scalars::of(m).current(now)
    }

    /// What storing `content` would do, without doing it (the update step's preview).
    pub fn preview(&self, content: &str, now: f64) -> Decision {
        if !self.config.updates {
            return Decision { operation: Operation::Add, target: None, reason: "update detection is off".into() };
        }
        decide(
            content,
            self.memories
                .iter()
                .filter(|m| Self::current(m, now))
                .map(|m| Existing { id: m.id.as_str(), content: m.content.as_str() }),
        )
    }

    /// Stores a memory at time `now`, then evicts while over capacity (the article's order:
    /// the new memory itself can be the one evicted).
    pub fn store(&mut self, new: NewMemory, now: f64) -> Result<StoreOutcome, MemoryError> {
        check_time(now)?;
        if !(0.0..=1.0).contains(&new.importance) {
            return Err(MemoryError::Importance(new.importance));
        }
        self.check_embedding(&new.embedding)?;
        let id = match new.id.clone() {
            Some(id) => id,
            // Numbered after the last memory, skipping numbers a caller already used as ids.
            None => (self.next_seq + 1..)
                .map(|n| format!("m{n}"))
                .find(|id| !self.by_id.contains_key(id))
                .unwrap_or_default(),
        };
        if self.by_id.contains_key(&id) {
            return Err(MemoryError::DuplicateId(id));
        }
        let decision = self.preview(&new.content, now);
        let mut superseded = Vec::new();
        match (decision.operation, decision.target.clone()) {
            (Operation::Noop, Some(target)) => {
                return Ok(StoreOutcome { id: target, decision, evicted: Vec::new(), superseded });
            }
            (Operation::Update, Some(target)) => {
                if let Some(&slot) = self.by_id.get(&target) {
                    let m = &mut self.memories[slot];
                    m.content = new.content;
                    m.importance = m.importance.max(new.importance);
                    m.subject = extract(&m.content).map(|f| f.subject);
                    self.norms[slot] = norm(&new.embedding);
                    self.vectors.set_row(slot, &new.embedding);
                    self.refresh_slot(slot);
                }
                return Ok(StoreOutcome { id: target, decision, evicted: Vec::new(), superseded });
            }
            (Operation::Supersede, Some(target)) => {
                if let Some(&slot) = self.by_id.get(&target) {
                    self.memories[slot].valid_to_hours = Some(now);
                    self.memories[slot].superseded_by = Some(id.clone());
                    self.refresh_slot(slot);
                    superseded.push(target);
                }
            }
            _ => {}
        }
        self.next_seq += 1;
        let memory = Memory {
            id: id.clone(),
            subject: extract(&new.content).map(|f| f.subject),
            content: new.content,
            created_hours: now,
            last_access_hours: now,
            access_count: 0,
            importance: new.importance,
            source: new.source,
            valid_to_hours: None,
            superseded_by: None,
            derived_from: new.derived_from,
            seq: self.next_seq,
        };
        self.by_id.insert(id.clone(), self.memories.len());
        self.memories.push(memory);
        self.norms.push(norm(&new.embedding));
        self.vectors.push(&new.embedding);
        self.refresh_slot(self.memories.len() - 1);
        let mut evicted = Vec::new();
        while self.memories.len() > self.config.capacity {
            let Some(slot) = self.tournament.lowest(now) else { break };
            evicted.push(self.remove_slot(slot).id);
        }
        Ok(StoreOutcome { id, decision, evicted, superseded })
    }

    /// Removes the memory in `slot`, moving the last one into its place.
    fn remove_slot(&mut self, slot: usize) -> Memory {
        let last = self.memories.len() - 1;
        let removed = self.memories.swap_remove(slot);
        self.scalars.swap_remove(slot);
        self.norms.swap_remove(slot);
        self.vectors.swap_remove(slot);
        self.by_id.remove(&removed.id);
        if slot != last {
            self.by_id.insert(self.memories[slot].id.clone(), slot);
            self.refresh_slot(slot);
        }
        self.tournament.set(last, None);
        removed
    }

    /// The `k` best memories for a query vector at time `now`, best first (ties to the first
    /// stored, as the article's stable sort). Each returned memory's access count goes up by
    /// one and its last access becomes `now`.
    pub fn retrieve(&mut self, query: &[f32], k: usize, now: f64) -> Result<Vec<Retrieved>, MemoryError> {
        check_time(now)?;
        self.check_embedding(query)?;
        let top = self.ranked(query, now, Some(k));
        let mut out = Vec::with_capacity(top.len());
        for (slot, parts) in top {
            let m = &mut self.memories[slot];
            m.access_count = m.access_count.saturating_add(1);
            m.last_access_hours = now;
            out.push(Retrieved { id: m.id.clone(), content: m.content.clone(), parts });
            self.refresh_slot(slot);
        }
        Ok(out)
    }

    /// Every current memory (slot) with its score parts, best first, without touching access
    /// counts.
    pub fn rank(&mut self, query: &[f32], now: f64) -> Vec<(usize, ScoreParts)> {
        self.ranked(query, now, None)
    }

    /// The raw parts of one memory's score.
    fn raw_parts(&self, slot: usize, dot: f64, query_norm: f64, now: f64) -> ScoreParts {
        let s = &self.scalars[slot];
        let recency = self.config.policy.recency();
        let since = if recency.from_last_access() { s.last_access_hours } else { s.created_hours };
        ScoreParts {
            relevance: article_cosine(dot, query_norm, f64::from(self.norms[slot])),
            recency: recency.value(now - since),
            importance: s.importance,
            access: access_term(s.access_count),
            score: 0.0,
        }
    }

    /// The best `limit` (or all) current memories, best first. Only scores are kept during the
    /// scan; the parts are rebuilt for the few returned.
    fn ranked(&mut self, query: &[f32], now: f64, limit: Option<usize>) -> Vec<(usize, ScoreParts)> {
        let candidates = limit.and_then(|k| self.top_k_candidates(query, now, k));
        let mut dots = std::mem::take(&mut self.dots);
        let current: Vec<usize> = match candidates {
            // Only the candidates' exact dot products are needed; the same function computes them.
            Some(slots) => {
                dots.clear();
                dots.resize(self.scalars.len(), 0.0);
                for &slot in &slots {
                    dots[slot] = self.vectors.dot_row(slot, query);
                }
                slots
            }
            None => {
                self.vectors.dots(query, &mut dots);
                (0..self.scalars.len()).filter(|&i| self.scalars[i].current(now)).collect()
            }
        };
        let query_norm = f64::from(norm(query));
        let parts_of = |store: &Self, i: usize| store.raw_parts(i, f64::from(dots[i]), query_norm, now);
        // Generative Agents scales each part by its range over the candidates.
        let scale = match self.config.policy {
            Policy::Article { .. } => None,
            Policy::GenerativeAgents { .. } => {
                let mut lo = [f64::INFINITY; 3];
                let mut hi = [f64::NEG_INFINITY; 3];
                for &i in &current {
                    let p = parts_of(self, i);
                    for (j, v) in [p.relevance, p.recency, p.importance].into_iter().enumerate() {
                        lo[j] = lo[j].min(v);
                        hi[j] = hi[j].max(v);
                    }
                }
                Some((lo, hi))
            }
        };
        let weights = self.config.policy.weights();
        let finish = |p: ScoreParts| -> ScoreParts {
            match scale {
                None => ScoreParts { score: article_score(weights, &p), ..p },
                Some((lo, hi)) => {
                    // The released code sets every value to 0.5 when the range is zero.
                    let norm = |v: f64, j: usize| if hi[j] - lo[j] > 0.0 { (v - lo[j]) / (hi[j] - lo[j]) } else { 0.5 };
                    let (relevance, recency, importance) =
                        (norm(p.relevance, 0), norm(p.recency, 1), norm(p.importance, 2));
                    let score =
                        weights.recency * recency + weights.relevance * relevance + weights.importance * importance;
                    ScoreParts { relevance, recency, importance, access: 0.0, score }
                }
            }
        };
        let mut keyed: Vec<(f64, u64, usize)> =
            current.iter().map(|&i| (finish(parts_of(self, i)).score, self.scalars[i].seq, i)).collect();
        let order = |a: &(f64, u64, usize), b: &(f64, u64, usize)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if let Some(k) = limit {
            // Selecting the k best is linear; only those k are sorted.
            if k < keyed.len() {
                keyed.select_nth_unstable_by(k, order);
                keyed.truncate(k);
            }
        }
        keyed.sort_by(order);
        let out = keyed.into_iter().map(|(_, _, i)| (i, finish(parts_of(self, i)))).collect();
        self.dots = dots;
        out
    }

    /// Every memory's eviction score at `now` (lowest goes first), in slot order, and the slot
    /// that would be evicted next.
    pub fn eviction_scores(&mut self, now: f64) -> (Vec<f64>, Option<usize>) {
        let scores = self.memories.iter().map(|m| self.tournament.score(&self.candidate(m), now)).collect();
        (scores, self.tournament.lowest(now))
    }

    /// The article's forget: every memory whose cosine with the query reaches `threshold`.
    /// Approximate by nature: it can miss paraphrases and catch unrelated near neighbours.
    pub fn forget_similar(
        &mut self,
        query: &[f32],
        threshold: f64,
        dry_run: bool,
    ) -> Result<ForgetReport, MemoryError> {
        self.check_embedding(query)?;
        let mut dots = Vec::new();
        self.vectors.dots(query, &mut dots);
        let qn = f64::from(norm(query));
        let matched: Vec<String> = self
            .memories
            .iter()
            .enumerate()
            .filter(|(i, _)| article_cosine(f64::from(dots[*i]), qn, f64::from(self.norms[*i])) >= threshold)
            .map(|(_, m)| m.id.clone())
            .collect();
        Ok(self.remove_with_cascade(matched, None, dry_run))
    }

    /// Forgets memories by id, and everything derived from them.
    pub fn forget_ids(&mut self, ids: &[String], dry_run: bool) -> ForgetReport {
        let matched = ids.iter().filter(|id| self.by_id.contains_key(*id)).cloned().collect();
        self.remove_with_cascade(matched, None, dry_run)
    }

    /// Forgets every memory about `subject` (recognised as its subject, or mentioning it as a
    /// word or phrase), and everything derived from them; reports anything left that mentions it.
    pub fn forget_subject(&mut self, subject: &str, dry_run: bool) -> ForgetReport {
        let key = subject.trim().to_lowercase();
        let matched = self
            .memories
            .iter()
            .filter(|m| m.subject.as_deref() == Some(key.as_str()) || mentions(&m.content, subject))
            .map(|m| m.id.clone())
            .collect();
        self.remove_with_cascade(matched, Some(subject), dry_run)
    }

    fn remove_with_cascade(&mut self, matched: Vec<String>, subject: Option<&str>, dry_run: bool) -> ForgetReport {
        let mut gone: Vec<String> = matched.clone();
        let mut cascaded = Vec::new();
        // Derived memories can themselves have derivations: repeat until nothing new.
        loop {
            let more: Vec<String> = self
                .memories
                .iter()
                .filter(|m| !gone.contains(&m.id) && m.derived_from.iter().any(|d| gone.contains(d)))
                .map(|m| m.id.clone())
                .collect();
            if more.is_empty() {
                break;
            }
            cascaded.extend(more.iter().cloned());
            gone.extend(more);
        }
        let remaining_mentions = self
            .memories
            .iter()
            .filter(|m| !gone.contains(&m.id))
            .filter(|m| {
                subject.is_some_and(|s| mentions(&m.content, s))
                    || m.superseded_by.as_ref().is_some_and(|s| gone.contains(s))
            })
            .map(|m| m.id.clone())
            .collect();
        if !dry_run {
            for id in &gone {
                if let Some(&slot) = self.by_id.get(id) {
                    self.remove_slot(slot);
                }
            }
        }
        ForgetReport { removed: matched, cascaded, remaining_mentions, dry_run }
    }

    /// Every memory with its vector, in insertion order.
    pub fn export(&self) -> Vec<MemoryRecord> {
        let mut records: Vec<MemoryRecord> = self
            .memories
            .iter()
            .enumerate()
            .map(|(i, m)| MemoryRecord { memory: m.clone(), embedding: self.vectors.row(i).to_vec() })
            .collect();
        records.sort_by_key(|r| r.memory.seq);
        records
    }

    /// A store holding `records` (as exported), checked like stored memories.
    pub fn import(config: Config, records: Vec<MemoryRecord>) -> Result<MemoryStore, MemoryError> {
        let mut store = MemoryStore::new(config)?;
        for r in records {
            store.check_embedding(&r.embedding)?;
            check_time(r.memory.created_hours)?;
            check_time(r.memory.last_access_hours)?;
            if !(0.0..=1.0).contains(&r.memory.importance) {
                return Err(MemoryError::Importance(r.memory.importance));
            }
            if store.by_id.contains_key(&r.memory.id) {
                return Err(MemoryError::DuplicateId(r.memory.id));
            }
            store.next_seq = store.next_seq.max(r.memory.seq);
            store.by_id.insert(r.memory.id.clone(), store.memories.len());
            store.norms.push(norm(&r.embedding));
            store.vectors.push(&r.embedding);
            store.memories.push(r.memory);
            store.refresh_slot(store.memories.len() - 1);
        }
        Ok(store)
    }
}

//! Which memory to evict, in O(log n) per change instead of a sort of the whole store.
//!
//! Every eviction score has the form `A_i + w·exp(−λ(now − r_i))`: a part fixed between
//! changes (importance and access) plus a recency that decays at the same rate λ for every
//! memory. As the clock moves, the order of two memories changes at most once (their
//! difference is monotone in `exp(−λ·now)`), at a time computable in closed form. A
//! *kinetic tournament* (Basch, Guibas & Hershberger 1999) keeps the minimum of a binary tree
//! of such matches, each with the time its result stops holding: a change costs one path to
//! the root; moving the clock forward replays only the matches that expired. Moving it back
//! (the widget's time slider) rebuilds, O(n).
//!
//! Scores are compared exactly as the article writes them, ties going to the memory stored
//! first (Python's stable sort), so the winner is the one the article would evict.

use crate::policy::EvictionRule;

/// What eviction needs to know of one memory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    pub importance: f64,
    /// `min(access_count / 10, 1)`.
    pub access: f64,
    /// The hour recency counts from (creation, or the last access).
    pub since_hours: f64,
    /// Insertion order: ties go to the lowest.
    pub seq: u64,
}

#[derive(Debug, Clone, Copy)]
struct Node {
    winner: Option<usize>,
    /// The clock time at which this subtree's winner may change.
    fails_at: f64,
}

const EMPTY: Node = Node { winner: None, fails_at: f64::INFINITY };

#[derive(Debug, Clone)]
pub struct Tournament {
    rule: EvictionRule,
    leaves: Vec<Option<Candidate>>,
    /// Implicit binary tree: node 1 is the root, leaves at `size..2·size`.
    nodes: Vec<Node>,
    size: usize,
    now: f64,
}

impl Tournament {
    pub fn new(rule: EvictionRule) -> Tournament {
        Tournament { rule, leaves: Vec::new(), nodes: vec![EMPTY; 2], size: 1, now: f64::NEG_INFINITY }
    }

    pub fn rule(&self) -> EvictionRule {
        self.rule
    }

    /// The score exactly as the article computes it.
    pub fn score(&self, c: &Candidate, now: f64) -> f64 {
        let r = &self.rule;
        r.importance_weight * c.importance
            + r.recency_weight * r.recency.value(now - c.since_hours)
            + r.access_weight * c.access
    }

    /// Whether slot `a` goes before slot `b` at time `now`.
    fn before(&self, a: usize, b: usize, now: f64) -> bool {
        let (ca, cb) = match (&self.leaves[a], &self.leaves[b]) {
            (Some(ca), Some(cb)) => (ca, cb),
            _ => return self.leaves[a].is_some(),
        };
        let (sa, sb) = (self.score(ca, now), self.score(cb, now));
        sa < sb || (sa == sb && ca.seq < cb.seq)
    }

    /// When the winner `w` of a match stops beating the loser `l` as the clock moves forward.
    fn crossing(&self, w: &Candidate, l: &Candidate) -> f64 {
        let r = &self.rule;
        let lambda = r.recency.rate_per_hour();
        let a_w = r.importance_weight * w.importance + r.access_weight * w.access;
        let a_l = r.importance_weight * l.importance + r.access_weight * l.access;
        // The loser catches up only if its recency is fresher (it decays from a higher value
        // relative to the winner's) and its fixed part is lower.
        if l.since_hours <= w.since_hours || a_w <= a_l || r.recency_weight <= 0.0 || lambda <= 0.0 {
            return f64::INFINITY;
        }
        // a_w − a_l = rw·e^{−λ(t − r_l)}·(1 − e^{−λ(r_l − r_w)}), solved for t.
        let gap = -(-lambda * (l.since_hours - w.since_hours)).exp_m1();
        let t = l.since_hours + ((r.recency_weight * gap).ln() - (a_w - a_l).ln()) / lambda;
        // Replay a little early: the closed form and the scores round differently.
        t - 1e-9 * t.abs().max(1.0)
    }

    fn refresh(&mut self, node: usize) {
        let (left, right) = (self.nodes[2 * node], self.nodes[2 * node + 1]);
        let (winner, loser) = match (left.winner, right.winner) {
            (Some(a), Some(b)) if self.before(a, b, self.now) => (Some(a), Some(b)),
            (Some(a), Some(b)) => (Some(b), Some(a)),
            (a, None) => (a, None),
            (None, b) => (b, None),
        };
        let mut fails_at = left.fails_at.min(right.fails_at);
        if let (Some(w), Some(l)) = (winner, loser) {
            if let (Some(cw), Some(cl)) = (&self.leaves[w], &self.leaves[l]) {
                fails_at = fails_at.min(self.crossing(cw, cl));
            }
        }
        self.nodes[node] = Node { winner, fails_at };
    }

    fn rebuild(&mut self) {
        for i in 0..self.size {
            let winner = self.leaves.get(i).copied().flatten().map(|_| i);
            self.nodes[self.size + i] = Node { winner, fails_at: f64::INFINITY };
        }
        for node in (1..self.size).rev() {
            self.refresh(node);
        }
    }

    /// Puts (or replaces) the candidate in `slot`.
    pub fn set(&mut self, slot: usize, candidate: Option<Candidate>) {
        if slot >= self.size {
            while self.size <= slot {
                self.size *= 2;
            }
            self.nodes = vec![EMPTY; 2 * self.size];
            self.leaves.resize(self.size, None);
            self.leaves[slot] = candidate;
            self.rebuild();
            return;
        }
        if self.leaves.len() < self.size {
            self.leaves.resize(self.size, None);
        }
        self.leaves[slot] = candidate;
        let mut node = self.size + slot;
        self.nodes[node] = Node { winner: candidate.map(|_| slot), fails_at: f64::INFINITY };
        while node > 1 {
            node /= 2;
            self.refresh(node);
        }
    }

    /// Replays the matches whose result expired by `now`.
    fn advance(&mut self, now: f64) {
        if now < self.now {
            self.now = now;
            self.rebuild();
            return;
        }
        self.now = now;
        self.fix(1);
    }

    fn fix(&mut self, node: usize) {
        if node >= self.size || self.nodes[node].fails_at > self.now {
            return;
        }
        self.fix(2 * node);
        self.fix(2 * node + 1);
        self.refresh(node);
    }

    /// The slot to evict at `now`: the lowest score, ties to the first stored.
    pub fn lowest(&mut self, now: f64) -> Option<usize> {
        self.advance(now);
        self.nodes[1].winner
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Recency;
    use proptest::prelude::*;

    fn brute_force(t: &Tournament, now: f64) -> Option<usize> {
        (0..t.leaves.len()).filter(|&i| t.leaves[i].is_some()).reduce(|a, b| if t.before(b, a, now) { b } else { a })
    }

    #[test]
    fn the_fresh_memory_overtakes_as_it_ages() {
        // A: importance 0.9, created at 0. B: importance 0.1, created at 1000 h.
        // At t = 1000: A = 0.27 + 0.3·e^{−1000/720} = 0.3447, B = 0.03 + 0.3 = 0.33 → B lowest.
        // They cross when 0.24 = 0.3·e^{−(t−1000)/720}·(1 − e^{−1000/720}), t = 1000 + 720·ln(0.3·0.7506/0.24)
        // = 1000 − 45.9: already past, so B stays lowest… until never: A decays toward 0.27 > 0.03.
        let mut t = Tournament::new(EvictionRule::ARTICLE);
        t.set(0, Some(Candidate { importance: 0.9, access: 0.0, since_hours: 0.0, seq: 0 }));
        t.set(1, Some(Candidate { importance: 0.1, access: 0.0, since_hours: 1000.0, seq: 1 }));
        assert_eq!(t.lowest(1000.0), Some(1));
        // With equal importance the older one is lowest at every time.
        t.set(1, Some(Candidate { importance: 0.9, access: 0.0, since_hours: 1000.0, seq: 1 }));
        assert_eq!(t.lowest(1000.0), Some(0));
        // A heavily used old memory against a fresh unused one: at t = 0 fresh B (created at 0)
        // scores 0.3 + 0.3 = 0.6 vs A's 0.4 + 0.3·e^{−0} … set A used 10 times, created at −2000.
        t.set(0, Some(Candidate { importance: 0.0, access: 1.0, since_hours: -2000.0, seq: 0 }));
        t.set(1, Some(Candidate { importance: 0.0, access: 0.0, since_hours: 0.0, seq: 1 }));
        // At 0: A = 0.4 + 0.3·e^{−2000/720} = 0.4186, B = 0.3 → B lowest. B decays below… it is
        // already lowest; at 2000 h: A = 0.4 + 0.3·e^{−4000/720}, B = 0.3·e^{−2000/720} = 0.0186 → B.
        assert_eq!(t.lowest(0.0), Some(1));
        assert_eq!(t.lowest(2000.0), Some(1));
    }

    #[test]
    fn a_crossing_is_replayed_when_the_clock_passes_it() {
        // A: fixed part 0.3·0.5 = 0.15, created at 0. B: fixed part 0, created at 100 h.
        // At 100: A = 0.15 + 0.3·e^{−100/720} = 0.4111, B = 0.3 → B lowest.
        // B ages toward 0, A toward 0.15: B stays lowest. Swap roles so the order flips:
        // A: importance 0, created at 0; B: importance 0.5, created at 100.
        // At 100: A = 0.3·e^{−100/720} = 0.2611, B = 0.15 + 0.3 = 0.45 → A lowest, forever.
        // For a flip the fresher one must have the lower fixed part: A: importance 0.5 at 0,
        // B: importance 0 at 100. At 100: A = 0.4111, B = 0.3 → B. Check a flip the other way
        // round with access: A old and unused (0.3·e^{−Δ/720}), B fresh with importance 1 (0.3 + …).
        let mut t = Tournament::new(EvictionRule::ARTICLE);
        t.set(0, Some(Candidate { importance: 0.2, access: 0.0, since_hours: 0.0, seq: 0 }));
        t.set(1, Some(Candidate { importance: 0.0, access: 0.0, since_hours: 500.0, seq: 1 }));
        // At 500: A = 0.06 + 0.3·e^{−500/720} = 0.2098, B = 0.3 → A lowest.
        assert_eq!(t.lowest(500.0), Some(0));
        // Crossing: 0.06 = 0.3·e^{−(t−500)/720}·(1 − e^{−500/720}) → t = 500 + 720·ln(0.3·0.50062/0.06) = 1160.3 h.
        assert_eq!(t.lowest(1160.0), Some(0));
        assert_eq!(t.lowest(1161.0), Some(1));
        // And back in time (a slider): rebuilt.
        assert_eq!(t.lowest(600.0), Some(0));
    }

    proptest! {
        #[test]
        fn matches_a_full_sort_at_every_step(
            ops in proptest::collection::vec((0usize..24, 0.0f64..1.0, 0u32..12, 0.0f64..5000.0, any::<bool>()), 1..120),
            steps in proptest::collection::vec(0.0f64..400.0, 1..40),
            half_life in any::<bool>(),
        ) {
            let recency = if half_life {
                Recency::HalfLife { half_life_hours: 200.0, from_last_access: true }
            } else {
                Recency::ARTICLE
            };
            let mut t = Tournament::new(EvictionRule { recency, ..EvictionRule::ARTICLE });
            let mut now: f64 = 0.0;
            for (i, (slot, importance, access, since, remove)) in ops.iter().enumerate() {
                let c = Candidate { importance: *importance, access: crate::policy::access_term(*access), since_hours: *since, seq: i as u64 };
                t.set(*slot, if *remove { None } else { Some(c) });
                now = now.max(*since);
                prop_assert_eq!(t.lowest(now), brute_force(&t, now));
            }
            for step in steps {
                now += step;
                prop_assert_eq!(t.lowest(now), brute_force(&t, now));
            }
        }
    }
}

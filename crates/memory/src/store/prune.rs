//! The first pass of top-k retrieval under the article's policy: from the int8 copy of the
//! vectors ([`crate::quantized`]), each current memory gets an interval that holds its exact
//! score, and only the memories whose interval reaches the k-th best lower end can be in the top
//! k. Those few get the exact f32 dot product and the exact score, so the ranking is the full
//! scan's, ids and order alike.
//!
//! Why it is exact: let τ be the k-th largest lower end. At least k memories score at least τ,
//! so the k-th best score is at least τ, and every memory of the true top k has an upper end at
//! least its score, so at least τ: none is dropped. The bound on the score follows from the bound
//! on the dot product because every step after it (the cosine's division by a positive number,
//! the weighted sum) is monotone in floating point as in the reals.

use super::{article_score, MemoryStore, ScoreParts};
use crate::policy::{access_term, Policy, Recency};
use crate::vector::norm;

impl MemoryStore {
    /// The slots that can be in the top `k` at `now` for `query`, or `None` when the whole scan
    /// is needed (another policy, whose scores depend on all candidates, or no more memories
    /// than `k`).
    pub(super) fn top_k_candidates(&mut self, query: &[f32], now: f64, k: usize) -> Option<Vec<usize>> {
        if !matches!(self.config.policy, Policy::Article { .. }) {
            return None;
        }
        let mut bounds = std::mem::take(&mut self.bounds);
        self.vectors.dot_bounds(query, &mut bounds);
        let query_norm = f64::from(norm(query));
        let weights = self.config.policy.weights();
        let recency = self.config.policy.recency();
        // Each weight's sign says which end of its part's interval gives the score's low end:
        // the weighted sum is monotone in each part (in floating point as in the reals).
        let relevance_up = weights.relevance >= 0.0;
        let recency_up = weights.recency >= 0.0;
        let mut scored: Vec<(f64, f64, usize)> = Vec::with_capacity(bounds.len());
        for (slot, &(lo, hi)) in bounds.iter().enumerate() {
            let s = &self.scalars[slot];
            if !s.current(now) {
                continue;
            }
            let since = if recency.from_last_access() { s.last_access_hours } else { s.created_hours };
            let (recency_lo, recency_hi) = recency_bounds(recency, now - since);
            // The cosine's denominator, as `article_cosine` computes it for the exact score.
            let denominator = query_norm * f64::from(self.norms[slot]) + 1e-8;
            let (relevance_lo, relevance_hi) = (lo / denominator, hi / denominator);
            let at = |relevance: f64, recency: f64| {
                let access = access_term(s.access_count);
                let parts = ScoreParts { relevance, recency, importance: s.importance, access, score: 0.0 };
                article_score(weights, &parts)
            };
            let pick = |up: bool, low: f64, high: f64| if up { (low, high) } else { (high, low) };
            let (relevance_low, relevance_high) = pick(relevance_up, relevance_lo, relevance_hi);
            let (recency_low, recency_high) = pick(recency_up, recency_lo, recency_hi);
            let (low, high) = (at(relevance_low, recency_low), at(relevance_high, recency_high));
            // A NaN leaves the memory to the exact pass.
            scored.push(if low.is_nan() || high.is_nan() {
                (f64::NEG_INFINITY, f64::INFINITY, slot)
            } else {
                (low, high, slot)
            });
        }
        self.bounds = bounds;
        if scored.len() <= k || k == 0 {
            return None;
        }
        let mut lower: Vec<f64> = scored.iter().map(|s| s.0).collect();
        let at = lower.len() - k;
        let (_, threshold, _) = lower.select_nth_unstable_by(at, f64::total_cmp);
        let threshold = *threshold;
        // Anything not below τ stays, a NaN included (the exact ranking would place it first).
        Some(
            scored
                .into_iter()
                .filter(|&(_, hi, _)| hi.partial_cmp(&threshold) != Some(std::cmp::Ordering::Less))
                .map(|(_, _, slot)| slot)
                .collect(),
        )
    }
}

/// Relative slack around the fast exponential: its error is below 1e-11 of the value (the
/// remainder of the series and the rounding of the reduction), and the exact recency's own
/// rounding (`powf` for the half-life and per-hour forms) some 1e-13 more.
const EXP_SLACK: f64 = 1e-9;

/// An interval that holds `recency.value(hours)`, without a call to the maths library: the
/// recency of 100,000 memories per query costs more through `exp` in wasm than the scan of
/// their vectors. Every form is `exp(−λ·hours)`.
fn recency_bounds(recency: Recency, hours: f64) -> (f64, f64) {
    let x = -recency.rate_per_hour() * hours;
    if x.is_nan() || x.abs() > 700.0 {
        // Near or past f64's range (and NaN): the exact value, as the exact pass computes it.
        let exact = recency.value(hours);
        return (exact, exact);
    }
    let value = fast_exp(x);
    (value * (1.0 - EXP_SLACK), value * (1.0 + EXP_SLACK))
}

/// `e^x` for |x| ≤ 700: `x = k·ln 2 + r` with |r| ≤ ln 2 / 2, then the Taylor series of `e^r` to
/// degree 9 (its remainder there is below 1e-11) and an exact scaling by 2^k.
fn fast_exp(x: f64) -> f64 {
    // ln 2 in two parts, so that k·LN_2_HIGH is exact for |k| < 2^11 (Cody and Waite).
    const LN_2_HIGH: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN_2_LOW: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    // 1/n! for n = 9 down to 1.
    const INVERSE_FACTORIALS: [f64; 9] = [
        1.0 / 362_880.0,
        1.0 / 40_320.0,
        1.0 / 5_040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        1.0 / 2.0,
        1.0,
    ];
    let k = (x * std::f64::consts::LOG2_E + 0.5).floor();
    let r = (x - k * LN_2_HIGH) - k * LN_2_LOW;
    let series = INVERSE_FACTORIALS.iter().fold(0.0, |acc, c| acc * r + c) * r + 1.0;
    // |k| ≤ 1010 here, so 2^k is a normal number.
    let scale = f64::from_bits(((k as i64 + 1023) as u64) << 52);
    series * scale
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{fast_exp, recency_bounds};
    use crate::policy::{Policy, Recency, Weights};
    use crate::store::{Config, MemoryStore, NewMemory};

    #[test]
    fn the_fast_exponential_is_within_its_slack() {
        let mut worst = 0.0f64;
        let mut x = -700.0;
        while x <= 700.0 {
            let (fast, exact) = (fast_exp(x), x.exp());
            worst = worst.max(((fast - exact) / exact).abs());
            x += 0.013_7;
        }
        assert!(worst < 1e-11, "relative error {worst:e}");
        assert_eq!(fast_exp(0.0), 1.0);
    }

    #[test]
    fn the_recency_bounds_hold_every_form() {
        let forms = [
            Recency::ARTICLE,
            Recency::HalfLife { half_life_hours: 499.0, from_last_access: true },
            Recency::PerHour { factor: 0.995, from_last_access: true },
            Recency::TimeConstant { tau_hours: 0.001, from_last_access: false },
        ];
        for form in forms {
            for hours in [0.0, 1e-9, 0.5, 17.25, 720.0, 1e4, 3.3e5, 1e9, -12.0, -1e9] {
                let (lo, hi) = recency_bounds(form, hours);
                let exact = form.value(hours);
                assert!(lo <= exact && exact <= hi, "{form:?} at {hours}: {lo} ≤ {exact} ≤ {hi}");
            }
        }
    }

    /// Vectors drawn from a few directions with small changes, so that many scores come close
    /// and some tie exactly (repeated vectors), the cases a loose bound would get wrong.
    /// Memories (vector, importance, hours), a query, k, and the relevance and recency weights.
    type Case = (Vec<(Vec<f32>, f64, f64)>, Vec<f32>, usize, (f64, f64));

    fn store_and_query() -> impl Strategy<Value = Case> {
        (1usize..24).prop_flat_map(|dims| {
            let vector = proptest::collection::vec(prop_oneof![Just(0.0f32), Just(0.5f32), -1.0f32..1.0], dims);
            let memory = (vector.clone(), prop_oneof![Just(0.5f64), 0.0f64..1.0], 0.0f64..100.0);
            (proptest::collection::vec(memory, 1..120), vector, 1usize..15, (-2.0f64..2.0, -1.0f64..1.0))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        /// The pruned top k is the full scan's top k: the same memories, scores and order.
        #[test]
        fn pruning_changes_nothing((memories, query, k, (relevance_weight, recency_weight)) in store_and_query()) {
            let weights = Weights { relevance: relevance_weight, recency: recency_weight, ..Policy::ARTICLE.weights() };
            let policy = Policy::Article { weights, recency: Recency::ARTICLE };
            let config = Config { policy, capacity: 1000, ..Config::article(query.len()) };
            let mut store = MemoryStore::new(config).map_err(|e| TestCaseError::fail(e.to_string()))?;
            for (i, (embedding, importance, hours)) in memories.into_iter().enumerate() {
                let new = NewMemory { id: Some(i.to_string()), importance, embedding, ..NewMemory::default() };
                store.store(new, hours).map_err(|e| TestCaseError::fail(e.to_string()))?;
            }
            let now = 120.0;
            let pruned = store.ranked(&query, now, Some(k));
            let mut full = store.ranked(&query, now, None);
            full.truncate(k);
            let key = |v: &[(usize, super::ScoreParts)]| v.iter().map(|(s, p)| (*s, p.score.to_bits())).collect::<Vec<_>>();
            prop_assert_eq!(key(&pruned), key(&full));
        }
    }

    #[test]
    fn few_candidates_reach_the_exact_pass() -> Result<(), crate::store::MemoryError> {
        // 2,000 near-orthogonal unit vectors in 64 dimensions, equal in everything else: the
        // bound leaves the top 10 and a handful more, not the store.
        let dims = 64;
        let mut store = MemoryStore::new(Config { capacity: 5000, ..Config::article(dims) })?;
        let mut state = 7u64;
        let mut next = || {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            ((state >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        };
        for i in 0..2000 {
            let embedding: Vec<f32> = (0..dims).map(|_| next()).collect();
            store.store(
                NewMemory { id: Some(i.to_string()), importance: 0.5, embedding, ..NewMemory::default() },
                0.0,
            )?;
        }
        let query: Vec<f32> = (0..dims).map(|_| next()).collect();
        let candidates = store.top_k_candidates(&query, 0.0, 10).map_or(usize::MAX, |c| c.len());
        assert!((10..200).contains(&candidates), "{candidates} candidates of 2000");
        Ok(())
    }
}

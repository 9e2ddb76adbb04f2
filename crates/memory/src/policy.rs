//! How memories are scored: for retrieval (which memories answer a query) and for eviction
//! (which memory goes when the store is full).
//!
//! The article scores with raw cosine and `exp(−age_hours / 720)`, which its comment calls a
//! 30-day half-life. It is a 30-day *time constant*: the half-life is 720 · ln 2 ≈ 499 hours
//! (20.8 days), and the value at 30 days is e⁻¹ ≈ 0.368, not 0.5. [`Recency::HalfLife`] offers
//! the true half-life, measured from creation or from the last access (as Generative Agents
//! and LangChain's time-weighted retriever do).

use serde::{Deserialize, Serialize};

/// The article's time constant, in hours.
pub const ARTICLE_TIME_CONSTANT_HOURS: f64 = 720.0;

/// How recency decays with the hours since a reference time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Recency {
    /// `exp(−Δt / tau_hours)`: the article's form (tau = 720).
    TimeConstant { tau_hours: f64, from_last_access: bool },
    /// `0.5^(Δt / half_life_hours)`.
    HalfLife { half_life_hours: f64, from_last_access: bool },
    /// `factor^Δt`: Generative Agents' per-hour decay (0.995 in the paper).
    PerHour { factor: f64, from_last_access: bool },
}

impl Recency {
    pub const ARTICLE: Recency =
        Recency::TimeConstant { tau_hours: ARTICLE_TIME_CONSTANT_HOURS, from_last_access: false };

    /// The decay rate λ in `exp(−λ Δt)`, per hour. Every form is an exponential, which is
    /// what lets eviction keep its order in a kinetic tournament (see `evict`).
    pub fn rate_per_hour(&self) -> f64 {
        match *self {
            Recency::TimeConstant { tau_hours, .. } => 1.0 / tau_hours,
            Recency::HalfLife { half_life_hours, .. } => std::f64::consts::LN_2 / half_life_hours,
            Recency::PerHour { factor, .. } => -factor.ln(),
        }
    }

    pub fn from_last_access(&self) -> bool {
        match *self {
            Recency::TimeConstant { from_last_access, .. }
            | Recency::HalfLife { from_last_access, .. }
            | Recency::PerHour { from_last_access, .. } => from_last_access,
        }
    }

    /// The value after `hours`. The article's form is computed exactly as it writes it.
    pub fn value(&self, hours: f64) -> f64 {
        match *self {
            Recency::TimeConstant { tau_hours, .. } => (-hours / tau_hours).exp(),
            Recency::HalfLife { half_life_hours, .. } => 0.5f64.powf(hours / half_life_hours),
            Recency::PerHour { factor, .. } => factor.powf(hours),
        }
    }

    /// Hours until the value halves.
    pub fn half_life_hours(&self) -> f64 {
        std::f64::consts::LN_2 / self.rate_per_hour()
    }

    pub fn validate(&self) -> Result<(), String> {
        let ok = match *self {
            Recency::TimeConstant { tau_hours: x, .. } | Recency::HalfLife { half_life_hours: x, .. } => {
                x.is_finite() && x > 0.0
            }
            Recency::PerHour { factor, .. } => factor > 0.0 && factor < 1.0,
        };
        if ok {
            Ok(())
        } else {
            Err(format!("recency {self:?}: the time scale must be positive and finite (a factor in (0, 1))"))
        }
    }
}

/// Weights of a linear score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    pub relevance: f64,
    pub recency: f64,
    pub importance: f64,
    pub access: f64,
}

/// How retrieval ranks memories.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "policy", rename_all = "kebab-case")]
pub enum Policy {
    /// The article: `0.5·cos + 0.2·recency + 0.2·importance + 0.1·min(access/10, 1)` with raw
    /// parts (no normalization).
    Article { weights: Weights, recency: Recency },
    /// After Generative Agents (Park et al. 2023): relevance, recency and importance, each
    /// min-max normalized over the candidates of this query (a constant part becomes 0.5),
    /// recency decaying per hour from the last access.
    GenerativeAgents { weights: Weights, recency: Recency },
}

/// Generative Agents' weight presets.
pub const GA_PAPER_WEIGHTS: Weights = Weights { relevance: 1.0, recency: 1.0, importance: 1.0, access: 0.0 };
/// The released code's `gw = [0.5, 3, 2]` for recency, relevance, importance.
pub const GA_CODE_WEIGHTS: Weights = Weights { relevance: 3.0, recency: 0.5, importance: 2.0, access: 0.0 };

impl Policy {
    pub const ARTICLE: Policy = Policy::Article {
        weights: Weights { relevance: 0.5, recency: 0.2, importance: 0.2, access: 0.1 },
        recency: Recency::ARTICLE,
    };

    pub const GENERATIVE_AGENTS: Policy = Policy::GenerativeAgents {
        weights: GA_PAPER_WEIGHTS,
        recency: Recency::PerHour { factor: 0.995, from_last_access: true },
    };

    pub fn id(&self) -> &'static str {
        match self {
            Policy::Article { .. } => "article",
            Policy::GenerativeAgents { .. } => "generative-agents",
        }
    }

    pub fn weights(&self) -> Weights {
        match *self {
            Policy::Article { weights, .. } | Policy::GenerativeAgents { weights, .. } => weights,
        }
    }

    /// The same policy and weights with another recency.
    pub fn with_recency(self, recency: Recency) -> Policy {
        match self {
            Policy::Article { weights, .. } => Policy::Article { weights, recency },
            Policy::GenerativeAgents { weights, .. } => Policy::GenerativeAgents { weights, recency },
        }
    }

    pub fn recency(&self) -> Recency {
        match *self {
            Policy::Article { recency, .. } | Policy::GenerativeAgents { recency, .. } => recency,
        }
    }
}

/// The article's access term: `min(access_count / 10, 1)`.
pub fn access_term(access_count: u32) -> f64 {
    (f64::from(access_count) / 10.0).min(1.0)
}

/// How eviction ranks memories (the lowest goes):
/// `importance_weight·importance + recency_weight·recency + access_weight·min(access/10, 1)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EvictionRule {
    pub importance_weight: f64,
    pub recency_weight: f64,
    pub access_weight: f64,
    pub recency: Recency,
}

impl EvictionRule {
    /// The article's `0.3·importance + 0.3·exp(−age/720) + 0.4·min(access/10, 1)`.
    pub const ARTICLE: EvictionRule =
        EvictionRule { importance_weight: 0.3, recency_weight: 0.3, access_weight: 0.4, recency: Recency::ARTICLE };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_articles_half_life_is_a_time_constant() {
        let article = Recency::ARTICLE;
        // At 30 days (720 h) it is e⁻¹, not one half; it halves after 720 · ln 2 = 499.07 h.
        assert!((article.value(720.0) - (-1.0f64).exp()).abs() < 1e-15);
        assert!((article.half_life_hours() - 499.0659).abs() < 1e-4);
        let true_half = Recency::HalfLife { half_life_hours: 720.0, from_last_access: false };
        assert!((true_half.value(720.0) - 0.5).abs() < 1e-15);
        // 7 days: 0.5^(168/720) = e^(−0.161736) = 0.850667; 90 days: 0.125.
        assert!((true_half.value(168.0) - 0.850_667).abs() < 1e-6);
        assert!((true_half.value(2160.0) - 0.125).abs() < 1e-15);
        // Generative Agents' 0.995 per hour halves in ln 2 / −ln 0.995 = 138.3 h (5.8 days).
        let ga = Recency::PerHour { factor: 0.995, from_last_access: true };
        assert!((ga.half_life_hours() - 138.283).abs() < 1e-3);
        assert!((ga.value(10.0) - 0.995f64.powi(10)).abs() < 1e-15);
    }
}

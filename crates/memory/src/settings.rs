//! The store's settings as a person chooses them (in the page or on the command line), and the
//! one mapping from those choices to a store [`Config`]. Every choice is an enum whose serde
//! name is the id that links and the CLI use.

use serde::{Deserialize, Serialize};

use crate::policy::{EvictionRule, Policy, Recency};
use crate::store::Config;

/// Which retrieval score ranks memories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyChoice {
    /// The article's raw weighted sum.
    Article,
    /// Generative Agents' per-query normalized sum.
    GenerativeAgents,
}

/// Which embedder turns text into vectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EmbedderChoice {
    /// Hashed words and character n-grams: instant and lexical only (`embed::HashEmbedder`).
    Hash,
    /// The table distilled from all-MiniLM-L6-v2 (`static_model::StaticEmbedder`).
    Static,
}

/// Which recency curve scores memories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecencyChoice {
    /// The article's `exp(−age/720 h)` from creation, for eviction and for the article's
    /// retrieval; Generative Agents keeps its own 0.995 per hour from the last access.
    Article,
    /// A true half-life from creation, for retrieval and eviction.
    HalfLife,
    /// A true half-life from the last access, for retrieval and eviction.
    HalfLifeAccess,
}

macro_rules! ids {
    ($ty:ty { $($variant:ident = $id:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$(<$ty>::$variant),+];

            /// The id links and the CLI use (the serde name).
            pub fn id(self) -> &'static str {
                match self { $(<$ty>::$variant => $id),+ }
            }

            pub fn parse(id: &str) -> Option<$ty> {
                Self::ALL.iter().copied().find(|c| c.id() == id)
            }

            /// The known ids, comma-separated, for error messages.
            pub fn known() -> String {
                Self::ALL.iter().map(|c| c.id()).collect::<Vec<_>>().join(", ")
            }
        }
    };
}

ids!(PolicyChoice { Article = "article", GenerativeAgents = "generative-agents" });
ids!(EmbedderChoice { Hash = "hash", Static = "static" });
ids!(RecencyChoice { Article = "article", HalfLife = "half-life", HalfLifeAccess = "half-life-access" });

impl PolicyChoice {
    /// The policy with its published weights and recency.
    pub fn policy(self) -> Policy {
        match self {
            PolicyChoice::Article => Policy::ARTICLE,
            PolicyChoice::GenerativeAgents => Policy::GENERATIVE_AGENTS,
        }
    }
}

/// The longest half-life a setting may ask for: ten years, in hours.
pub const MAX_HALF_LIFE_HOURS: f64 = 3650.0 * 24.0;
/// The largest store a setting may ask for.
pub const MAX_CAPACITY: usize = 100_000;

/// Everything that shapes the store, as chosen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoreSettings {
    pub policy: PolicyChoice,
    pub recency: RecencyChoice,
    /// Used by the half-life choices only.
    pub half_life_hours: f64,
    pub capacity: usize,
    /// Detect repeats and conflicts on store.
    pub updates: bool,
}

impl StoreSettings {
    pub fn validate(&self) -> Result<(), String> {
        let h = self.half_life_hours;
        if !(h.is_finite() && h > 0.0 && h <= MAX_HALF_LIFE_HOURS) {
            return Err(format!("half-life: {h} hours is outside (0, {MAX_HALF_LIFE_HOURS}]"));
        }
        if !(1..=MAX_CAPACITY).contains(&self.capacity) {
            return Err(format!("capacity: {} is outside 1..={MAX_CAPACITY}", self.capacity));
        }
        Ok(())
    }

    /// The recency curve of eviction, and of retrieval unless the policy keeps its own.
    pub fn recency(&self) -> Recency {
        let half_life_hours = self.half_life_hours;
        match self.recency {
            RecencyChoice::Article => Recency::ARTICLE,
            RecencyChoice::HalfLife => Recency::HalfLife { half_life_hours, from_last_access: false },
            RecencyChoice::HalfLifeAccess => Recency::HalfLife { half_life_hours, from_last_access: true },
        }
    }

    /// The store's configuration for vectors of `dims` dimensions. With the article's recency,
    /// Generative Agents keeps its published per-hour decay for retrieval (the article has no
    /// opinion on that policy); eviction always follows the chosen curve.
    pub fn config(&self, dims: usize) -> Result<Config, String> {
        self.validate()?;
        let recency = self.recency();
        let policy = match (self.policy, self.recency) {
            (PolicyChoice::GenerativeAgents, RecencyChoice::Article) => self.policy.policy(),
            _ => self.policy.policy().with_recency(recency),
        };
        let eviction = EvictionRule { recency, ..EvictionRule::ARTICLE };
        Ok(Config { policy, eviction, capacity: self.capacity, updates: self.updates, dims })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(policy: PolicyChoice, recency: RecencyChoice) -> StoreSettings {
        StoreSettings { policy, recency, half_life_hours: 720.0, capacity: 100, updates: true }
    }

    #[test]
    fn ids_round_trip_through_serde_and_parse() {
        for &p in PolicyChoice::ALL {
            assert_eq!(serde_json::to_value(p).ok(), Some(serde_json::Value::from(p.id())));
            assert_eq!(PolicyChoice::parse(p.id()), Some(p));
        }
        for &r in RecencyChoice::ALL {
            assert_eq!(serde_json::to_value(r).ok(), Some(serde_json::Value::from(r.id())));
        }
        assert_eq!(EmbedderChoice::parse("static"), Some(EmbedderChoice::Static));
        assert_eq!(EmbedderChoice::parse("minilm"), None);
        assert_eq!(RecencyChoice::known(), "article, half-life, half-life-access");
    }

    #[test]
    fn generative_agents_keeps_its_own_recency_only_with_the_article_choice() {
        let ga = settings(PolicyChoice::GenerativeAgents, RecencyChoice::Article).config(8);
        let ga = ga.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ga.policy.recency(), Recency::PerHour { factor: 0.995, from_last_access: true });
        assert_eq!(ga.eviction.recency, Recency::ARTICLE);
        let ga = settings(PolicyChoice::GenerativeAgents, RecencyChoice::HalfLifeAccess).config(8);
        let ga = ga.unwrap_or_else(|e| panic!("{e}"));
        let half = Recency::HalfLife { half_life_hours: 720.0, from_last_access: true };
        assert_eq!((ga.policy.recency(), ga.eviction.recency), (half, half));
        // A 720 h half-life gives exactly one half after 720 h.
        assert!((half.value(720.0) - 0.5).abs() < 1e-15);
        let article = settings(PolicyChoice::Article, RecencyChoice::Article).config(8);
        let article = article.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(article.policy, Policy::ARTICLE);
        assert_eq!(article.eviction, EvictionRule::ARTICLE);
    }

    #[test]
    fn out_of_range_settings_name_the_setting() {
        let mut s = settings(PolicyChoice::Article, RecencyChoice::HalfLife);
        s.half_life_hours = f64::INFINITY;
        assert!(s.config(8).err().unwrap_or_default().starts_with("half-life"));
        s.half_life_hours = 24.0;
        s.capacity = 0;
        assert!(s.config(8).err().unwrap_or_default().starts_with("capacity"));
    }
}

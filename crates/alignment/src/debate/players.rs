//! The three players: the honest debater's strategies, the liar's trajectory, and the judge.

use serde::{Deserialize, Serialize};

use super::{seeded, Computation, DebateError};
use crate::rrm::{VerifierChain, MAX_DEPTH};
use crate::SplitMix64;

/// Where the seed's stream for the liar's wrong state starts.
const LIE_STREAM: u64 = 0x6c6965;
/// Where the seed's stream for a default lie position starts.
const LIE_AT_STREAM: u64 = 0x6c6174;

/// What a debater says about the state at a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Claim {
    /// "The state is this value."
    Value(u64),
    /// "The state is not this value" (the liar's claim), without naming the right one: all an
    /// honest debater who cannot compute the state can say.
    Not(u64),
}

impl Claim {
    /// Whether the claim holds of the true value `x`.
    pub fn holds_for(&self, x: u64) -> bool {
        match *self {
            Claim::Value(v) => v == x,
            Claim::Not(v) => v != x,
        }
    }

    /// Whether the claim says the same as a claim that the state is `value`.
    pub fn agrees_with(&self, value: u64) -> bool {
        *self == Claim::Value(value)
    }
}

/// How the honest debater decides, each round, whether the liar's claim at the midpoint is
/// right.
///
/// The obfuscated-arguments model: a debater who cannot compute intermediate states can only
/// accept the liar's midpoint (the dispute moves to the upper half) or reject it (the lower
/// half), and it has nothing better than a fair coin. It wins only if every guess sends the
/// dispute towards the liar's one false step; one wrong guess leaves it defending a false
/// claim inside an interval where the liar's claims are consistent, and the judge's single
/// check then goes against it. With the lie uniform over 1..=N that happens with probability
/// exactly 1/N (the leaves' 2^−depth sum to one over the binary-search tree), so the flaw is
/// never found in practice: binary-search debate only works when the honest side can compute
/// what it is asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HonestStrategy {
    /// Knows every true state and commits it.
    Full,
    /// Cannot compute any intermediate state: accepts or rejects the liar's midpoint by a coin.
    Lazy,
    /// Can run at most `budget_steps` steps from the state both sides agree on: a coin while the
    /// lower half of the interval is longer than that, exact after. It decides every round once
    /// the interval is at most twice its budget, so it wins about 2·budget/N of the games.
    Bounded { budget_steps: u64 },
}

impl HonestStrategy {
    /// The CLI's spelling: full, lazy, bounded:STEPS.
    pub fn parse(text: &str) -> Option<HonestStrategy> {
        match text {
            "full" => Some(HonestStrategy::Full),
            "lazy" => Some(HonestStrategy::Lazy),
            _ => {
                let budget = text.strip_prefix("bounded:")?;
                budget.parse().ok().map(|budget_steps| HonestStrategy::Bounded { budget_steps })
            }
        }
    }

    /// Whether the debater can compute a state `steps_from_agreed` steps past the agreed one.
    pub fn can_compute(&self, steps_from_agreed: u64) -> bool {
        match *self {
            HonestStrategy::Full => true,
            HonestStrategy::Lazy => false,
            HonestStrategy::Bounded { budget_steps } => steps_from_agreed <= budget_steps,
        }
    }
}

impl std::fmt::Display for HonestStrategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HonestStrategy::Full => write!(f, "full"),
            HonestStrategy::Lazy => write!(f, "lazy"),
            HonestStrategy::Bounded { budget_steps } => write!(f, "bounded:{budget_steps}"),
        }
    }
}

/// A liar whose trajectory is the truth before `lie_at`, off by a seeded nonzero amount at
/// `lie_at`, and the recurrence from that wrong state after: every step but lie_at − 1 → lie_at
/// is locally consistent, so only that step can expose it. The map is a bijection, so the
/// wrong trajectory never rejoins the true one and the final claims differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Liar {
    pub lie_at: u64,
    /// The liar's x_{lie_at}.
    pub wrong_state: u64,
}

impl Liar {
    /// Checks lie_at ∈ 1..=N and the given wrong state (below m, not the truth), or draws one
    /// from the seed when none is given.
    pub fn new(
        computation: &Computation,
        lie_at: u64,
        wrong_state: Option<u64>,
        seed: u64,
    ) -> Result<Liar, DebateError> {
        let steps = computation.steps();
        if !(1..=steps).contains(&lie_at) {
            return Err(DebateError::LieAt { lie_at, steps });
        }
        let (m, truth) = (computation.m(), computation.state_at_fast(lie_at));
        let wrong_state = match wrong_state {
            Some(value) if value >= m => return Err(DebateError::NotBelowModulus { name: "liar_state", value, m }),
            Some(value) if value == truth => return Err(DebateError::NotALie { lie_at, value }),
            Some(value) => value,
            None => {
                let offset = 1 + seeded(seed, LIE_STREAM, 0).next_u64() % (m - 1);
                ((truth as u128 + offset as u128) % m as u128) as u64
            }
        };
        Ok(Liar { lie_at, wrong_state })
    }

    /// The liar's claim about x_t.
    pub fn claim_at(&self, computation: &Computation, t: u64) -> u64 {
        match t.checked_sub(self.lie_at) {
            None => computation.state_at_fast(t),
            Some(k) => computation.jump(self.wrong_state, k),
        }
    }
}

/// A lie position drawn uniformly from 1..=steps by the seed (the CLI's default).
pub fn default_lie_at(steps: u64, seed: u64) -> u64 {
    1 + seeded(seed, LIE_AT_STREAM, 0).next_u64() % steps.max(1)
}

/// The judge's one check, possibly delegated. The step is checked at the bottom of a chain of
/// `verifier_depth` verifiers of accuracy `verifier_accuracy` (recursive reward modelling, see
/// [`crate::rrm`]); the judge then reads the verdict that reaches it and is right with
/// probability `accuracy`. Each level that errs reports the opposite verdict. Depth 0 is the
/// judge checking directly.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Judge {
    pub accuracy: f64,
    pub verifier_depth: u32,
    pub verifier_accuracy: f64,
}

impl Default for Judge {
    fn default() -> Self {
        Judge::CORRECT
    }
}

impl Judge {
    /// Computes the step itself and never errs.
    pub const CORRECT: Judge = Judge { accuracy: 1.0, verifier_depth: 0, verifier_accuracy: 1.0 };

    /// Checks directly and is right with probability `accuracy`.
    pub fn noisy(accuracy: f64) -> Judge {
        Judge { accuracy, ..Judge::CORRECT }
    }

    /// A correct judge who delegates the check through `depth` verifiers of accuracy q.
    pub fn delegated(depth: u32, verifier_accuracy: f64) -> Judge {
        Judge { verifier_depth: depth, verifier_accuracy, ..Judge::CORRECT }
    }

    pub fn validate(&self) -> Result<(), DebateError> {
        for (name, value) in [("judge accuracy", self.accuracy), ("verifier accuracy", self.verifier_accuracy)] {
            if !(0.0..=1.0).contains(&value) {
                return Err(DebateError::Accuracy { name, value });
            }
        }
        if self.verifier_depth > MAX_DEPTH {
            return Err(DebateError::VerifierDepth(self.verifier_depth));
        }
        Ok(())
    }

    /// The probability that the verdict the judge acts on is the right one:
    /// (1 + (2q_judge − 1)(2q_verifier − 1)^depth) / 2.
    pub fn effective_accuracy(&self) -> f64 {
        let chain = (2.0 * self.verifier_accuracy - 1.0).powf(f64::from(self.verifier_depth));
        (1.0 + (2.0 * self.accuracy - 1.0) * chain) / 2.0
    }

    /// Relays the right verdict (`true`) through the verifiers and then the judge; returns
    /// whether the judge acts on the right verdict and how many levels flipped it.
    pub(super) fn decide(&self, rng: &mut SplitMix64) -> (bool, u32) {
        let verifiers = VerifierChain::new(self.verifier_depth, self.verifier_accuracy)
            .map(|chain| chain.relay(true, rng))
            .unwrap_or(crate::rrm::Relay { verdict: true, flips: 0 });
        let judge_errs = rng.next_f64() >= self.accuracy;
        (verifiers.verdict != judge_errs, verifiers.flips + u32::from(judge_errs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strategies_parse_and_print() {
        for s in ["full", "lazy", "bounded:4096"] {
            assert_eq!(HonestStrategy::parse(s).map(|h| h.to_string()).as_deref(), Some(s));
        }
        assert_eq!(HonestStrategy::parse("bounded:x"), None);
        assert_eq!(HonestStrategy::parse("clever"), None);
        let json = serde_json::to_string(&HonestStrategy::Bounded { budget_steps: 3 }).unwrap_or_default();
        assert_eq!(json, r#"{"kind":"bounded","budget_steps":3}"#);
    }

    #[test]
    fn effective_accuracy_composes_the_chain() {
        assert_eq!(Judge::CORRECT.effective_accuracy(), 1.0);
        assert!((Judge::noisy(0.8).effective_accuracy() - 0.8).abs() < 1e-12);
        assert!((Judge::delegated(2, 0.9).effective_accuracy() - 0.82).abs() < 1e-12);
        let both = Judge { accuracy: 0.9, verifier_depth: 1, verifier_accuracy: 0.9 };
        assert!((both.effective_accuracy() - 0.82).abs() < 1e-12);
        assert_eq!(Judge::noisy(1.2).validate(), Err(DebateError::Accuracy { name: "judge accuracy", value: 1.2 }));
        assert_eq!(Judge::delegated(MAX_DEPTH + 1, 0.9).validate(), Err(DebateError::VerifierDepth(MAX_DEPTH + 1)));
    }

    #[test]
    fn the_liar_is_consistent_except_at_one_step() {
        let c = Computation::new(3, 1, 7, 2, 8).unwrap_or_else(|e| panic!("{e}"));
        let liar = Liar::new(&c, 5, None, 9).unwrap_or_else(|e| panic!("{e}"));
        let claims: Vec<u64> = (0..=8).map(|t| liar.claim_at(&c, t)).collect();
        for t in 0..8u64 {
            let consistent = c.step(claims[t as usize]) == claims[t as usize + 1];
            assert_eq!(consistent, t != 4, "step {t} → {}", t + 1);
        }
        assert!((5..=8).all(|t| claims[t] != c.state_at(t as u64)));
        assert_eq!(Liar::new(&c, 0, None, 1), Err(DebateError::LieAt { lie_at: 0, steps: 8 }));
        assert_eq!(Liar::new(&c, 9, None, 1), Err(DebateError::LieAt { lie_at: 9, steps: 8 }));
        assert_eq!(Liar::new(&c, 5, Some(5), 1), Err(DebateError::NotALie { lie_at: 5, value: 5 }));
        assert_eq!(Liar::new(&c, 5, Some(4), 1).map(|l| l.claim_at(&c, 8)), Ok(2));
        assert!((0..100).map(|s| default_lie_at(8, s)).all(|t| (1..=8).contains(&t)));
    }
}

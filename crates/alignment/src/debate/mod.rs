//! Debate over a long computation (Irving, Christiano and Amodei 2018, arXiv 1805.00899).
//!
//! Two debaters disagree about x_N, the result of N steps of x ↦ (a·x + c) mod m
//! ([`Computation`]). Both agree on x_0. Each round both commit to the state at the midpoint of
//! the disputed interval [lo, hi] (where they agree at lo and disagree at hi); if they agree
//! there the dispute moves to [mid, hi], else to [lo, mid]. After at most ceil(log2 N) rounds
//! the interval is one step, and the judge checks that single step: x_lo ↦ x_lo+1 from the
//! agreed state. The transcript is one path through the argument tree and the judge reads one
//! leaf, which is why N = 2^20 steps cost the judge 20 comparisons and one step instead of
//! 1,048,576 ([`Counters`]).
//!
//! The split is balanced (mid = lo + ⌊(hi − lo)/2⌋), so a game takes ceil(log2 N) rounds when
//! N is a power of two and between ⌊log2 N⌋ and ⌈log2 N⌉ otherwise: no tree with N leaves
//! has them all at depth ⌈log2 N⌉ unless N = 2^k.
//!
//! The honest side wins against any liar when it can compute the states and the judge is
//! correct. Two things break that, and both are here: an honest debater that cannot compute the
//! intermediate states ([`HonestStrategy::Lazy`], the obfuscated-arguments problem: it cannot
//! tell which half holds the flaw, and wins with probability 1/N), and a judge whose one check
//! is wrong with some probability, directly or through a chain of delegated verifiers
//! ([`Judge`], recursive reward modelling, see [`crate::rrm`]).
//!
//! [`Debate`] is a state machine a page drives one round at a time; the user can play the liar
//! ([`Debate::commit_liar`]), the honest debater ([`Debate::commit_honest`]) or the judge
//! ([`Debate::judge_as`]). [`win_rates`] plays many seeded games.

mod computation;
mod game;
mod players;
mod simulate;

pub use computation::{
    max_rounds, Computation, DEFAULT_INCREMENT, DEFAULT_MODULUS, DEFAULT_MULTIPLIER, DEFAULT_STEPS, MAX_MODULUS,
    MAX_STEPS,
};
pub use game::{Counters, Debate, Half, LeafCheck, Outcome, Phase, Round, StepRef, Verdict};
pub use players::{default_lie_at, Claim, HonestStrategy, Judge, Liar};
pub use simulate::{
    judge_accuracy_sweep, predicted_win_rate, reach_probability, win_rates, WinRate, WinRateConfig, MAX_GAMES,
};

use serde::{Deserialize, Serialize};

use crate::SplitMix64;

/// Every way a debate's input or a move can be wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DebateError {
    #[error("steps must be between 1 and {MAX_STEPS}, got {0}")]
    Steps(u64),
    #[error("lie_at must be in 1..={steps} (the first wrong state), got {lie_at}")]
    LieAt { lie_at: u64, steps: u64 },
    #[error("the modulus must be between 2 and 2^53, got {0}")]
    Modulus(u64),
    #[error("the multiplier {a} must be coprime to the modulus {m}, or two trajectories could merge")]
    Multiplier { a: u64, m: u64 },
    #[error("{name} = {value} must be below the modulus {m}")]
    NotBelowModulus { name: &'static str, value: u64, m: u64 },
    #[error("the liar's state {value} at step {lie_at} is the true state: that is no lie")]
    NotALie { lie_at: u64, value: u64 },
    #[error("{name} must be a probability in [0, 1], got {value}")]
    Accuracy { name: &'static str, value: f64 },
    #[error("the verifier chain can be at most {max} deep, got {0}", max = crate::rrm::MAX_DEPTH)]
    VerifierDepth(u32),
    #[error("games must be between 1 and {MAX_GAMES}, got {0}")]
    Games(u32),
    #[error("the debate is over")]
    Finished,
    #[error("the disputed interval is one step: the judge checks it now")]
    NeedsJudge,
    #[error("the disputed interval is {0} steps long: play the rounds before judging")]
    NotAtLeaf(u64),
    #[error("a claimed state {value} must be below the modulus {m}")]
    ClaimOutOfRange { value: u64, m: u64 },
    #[error("the honest side disputes {disputed}, but the liar claimed {liar}")]
    DisputeMismatch { disputed: u64, liar: u64 },
}

/// One game's setup: the computation, where the liar lies, and who the other players are.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DebateConfig {
    pub computation: Computation,
    /// The first state the liar gets wrong, in 1..=N.
    pub lie_at: u64,
    /// The liar's x_{lie_at}; None draws a wrong value from the seed.
    pub liar_state: Option<u64>,
    pub honest: HonestStrategy,
    pub judge: Judge,
    /// Seeds the liar's wrong state, the lazy debater's coins and the judge's errors.
    pub seed: u64,
}

impl DebateConfig {
    /// The default recurrence from a seeded x0, a full honest debater and a correct judge.
    pub fn new(steps: u64, lie_at: u64, seed: u64) -> Result<Self, DebateError> {
        let config = DebateConfig {
            computation: Computation::standard(steps, seed)?,
            lie_at,
            liar_state: None,
            honest: HonestStrategy::Full,
            judge: Judge::CORRECT,
            seed,
        };
        config.validate()?;
        Ok(config)
    }

    pub fn with_honest(self, honest: HonestStrategy) -> Self {
        DebateConfig { honest, ..self }
    }

    pub fn with_liar_state(self, liar_state: u64) -> Self {
        DebateConfig { liar_state: Some(liar_state), ..self }
    }

    pub fn with_judge(self, judge: Judge) -> Self {
        DebateConfig { judge, ..self }
    }

    pub fn validate(&self) -> Result<(), DebateError> {
        Liar::new(&self.computation, self.lie_at, self.liar_state, self.seed)?;
        self.judge.validate()
    }
}

/// An independent generator for one use (`stream`) of the seed at one `index` (a round, a
/// game), so a game replays the same whatever order the page asks for things in.
pub(crate) fn seeded(seed: u64, stream: u64, index: u64) -> SplitMix64 {
    let key = SplitMix64::new(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03)).next_u64();
    SplitMix64::new(SplitMix64::new(key ^ index).next_u64())
}

#[cfg(test)]
mod tests;

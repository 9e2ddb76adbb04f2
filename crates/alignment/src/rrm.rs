//! Recursive reward modelling as a chain of imperfect verifiers.
//!
//! Leike et al. (2018, arXiv 1811.07871) propose that agents trained on simpler tasks help the
//! user evaluate the next agent, recursively. The paper reports no headline numbers, so this
//! module is an illustration of the structure, not a reproduction of a result.
//!
//! The model: a yes/no verdict ("this step was computed correctly") is produced at the bottom of
//! a chain of `depth` verifiers and handed up, level by level, to the user. Each verifier, with
//! the help of the one below, gets its verdict right with probability `accuracy` = q,
//! independently of the others, and otherwise reports the opposite. That is a binary symmetric
//! channel applied `depth` times, so the user hears the right verdict exactly when an even
//! number of levels erred:
//!
//!   P(right) = Σ_{k even} C(d, k) (1 − q)^k q^(d − k) = (1 + (2q − 1)^d) / 2,
//!
//! (half the sum of the binomial expansions of (q + (1 − q))^d and (q − (1 − q))^d). For
//! q > 1/2 the root's accuracy decays geometrically towards a coin flip; two errors can cancel
//! in this model, so it is never below q^d, the chance that no level errs at all (also
//! reported). Depth 0 is the user checking directly, always right.

use serde::Serialize;

use crate::SplitMix64;

/// The deepest chain accepted: (2q − 1)^256 is a coin flip for every q short of 0 or 1.
pub const MAX_DEPTH: u32 = 256;
/// The most Monte Carlo trials per call (each draws `depth` numbers).
pub const MAX_TRIALS: u64 = 1_000_000;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RrmError {
    #[error("accuracy must be a probability in [0, 1], got {0}")]
    Accuracy(f64),
    #[error("depth must be at most {MAX_DEPTH}, got {0}")]
    Depth(u32),
    #[error("trials must be between 1 and {MAX_TRIALS}, got {0}")]
    Trials(u64),
}

/// `depth` verifiers between the step and the user, each right with probability `accuracy`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct VerifierChain {
    depth: u32,
    accuracy: f64,
}

/// What reached the top of the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Relay {
    /// The verdict the user hears.
    pub verdict: bool,
    /// How many levels reported the opposite of what they received.
    pub flips: u32,
}

/// Monte Carlo estimate of the root's accuracy beside the closed form.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ChainSimulation {
    pub depth: u32,
    pub accuracy: f64,
    pub trials: u64,
    pub root_correct: u64,
    pub root_accuracy: f64,
    pub predicted_root_accuracy: f64,
    /// sqrt(p(1 − p)/trials) at the predicted p.
    pub standard_error: f64,
}

/// One row of the depth table, for plotting.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DepthRow {
    pub depth: u32,
    /// (1 + (2q − 1)^depth) / 2.
    pub root_accuracy: f64,
    /// q^depth: no level erred.
    pub all_correct: f64,
}

fn check_accuracy(accuracy: f64) -> Result<f64, RrmError> {
    if (0.0..=1.0).contains(&accuracy) {
        Ok(accuracy)
    } else {
        Err(RrmError::Accuracy(accuracy))
    }
}

impl VerifierChain {
    pub fn new(depth: u32, accuracy: f64) -> Result<Self, RrmError> {
        if depth > MAX_DEPTH {
            return Err(RrmError::Depth(depth));
        }
        Ok(VerifierChain { depth, accuracy: check_accuracy(accuracy)? })
    }

    pub fn depth(&self) -> u32 {
        self.depth
    }

    pub fn accuracy(&self) -> f64 {
        self.accuracy
    }

    /// The closed form (1 + (2q − 1)^d) / 2.
    pub fn root_accuracy(&self) -> f64 {
        root_accuracy(self.depth, self.accuracy)
    }

    /// q^d.
    pub fn all_correct(&self) -> f64 {
        self.accuracy.powf(f64::from(self.depth))
    }

    /// Hands `verdict` up the chain, each level flipping it with probability 1 − q.
    pub fn relay(&self, verdict: bool, rng: &mut SplitMix64) -> Relay {
        let mut relay = Relay { verdict, flips: 0 };
        for _ in 0..self.depth {
            // next_f64 < 1 always, so q = 1 never flips and q = 0 always does.
            if rng.next_f64() >= self.accuracy {
                relay.verdict = !relay.verdict;
                relay.flips += 1;
            }
        }
        relay
    }
}

/// (1 + (2q − 1)^d) / 2 for any depth; powf keeps the sign of a negative base for the whole
/// exponents it gets here, so q < 1/2 alternates around 1/2 as it should.
pub fn root_accuracy(depth: u32, accuracy: f64) -> f64 {
    (1.0 + (2.0 * accuracy - 1.0).powf(f64::from(depth))) / 2.0
}

/// Seeded Monte Carlo of the chain: the bottom verdict is "right", and each trial relays it.
pub fn simulate(chain: &VerifierChain, trials: u64, seed: u64) -> Result<ChainSimulation, RrmError> {
    if !(1..=MAX_TRIALS).contains(&trials) {
        return Err(RrmError::Trials(trials));
    }
    let mut rng = SplitMix64::new(seed);
    let root_correct = (0..trials).filter(|_| chain.relay(true, &mut rng).verdict).count() as u64;
    let p = chain.root_accuracy();
    Ok(ChainSimulation {
        depth: chain.depth,
        accuracy: chain.accuracy,
        trials,
        root_correct,
        root_accuracy: root_correct as f64 / trials as f64,
        predicted_root_accuracy: p,
        standard_error: (p * (1.0 - p) / trials as f64).sqrt(),
    })
}

/// Root accuracy against depth 0..=max_depth for verifiers of accuracy q.
pub fn accuracy_table(accuracy: f64, max_depth: u32) -> Result<Vec<DepthRow>, RrmError> {
    let accuracy = check_accuracy(accuracy)?;
    if max_depth > MAX_DEPTH {
        return Err(RrmError::Depth(max_depth));
    }
    Ok((0..=max_depth)
        .map(|depth| DepthRow {
            depth,
            root_accuracy: root_accuracy(depth, accuracy),
            all_correct: accuracy.powf(f64::from(depth)),
        })
        .collect())
}

/// The deepest chain (≤ MAX_DEPTH) whose root accuracy is still at least `target`: how far
/// delegation can go before the user is told the wrong verdict too often. None when even
/// depth 0 misses the target (target > 1); MAX_DEPTH when the accuracy never falls below it.
pub fn max_depth_for(accuracy: f64, target: f64) -> Result<Option<u32>, RrmError> {
    let accuracy = check_accuracy(accuracy)?;
    Ok((0..=MAX_DEPTH).take_while(|&d| root_accuracy(d, accuracy) >= target).last())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(depth: u32, q: f64) -> VerifierChain {
        VerifierChain::new(depth, q).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn closed_form_by_hand() {
        // d = 2, q = 0.9: right when both right (0.81) or both wrong (0.01) = 0.82.
        assert!((root_accuracy(2, 0.9) - 0.82).abs() < 1e-12);
        // d = 3, q = 0.9: 0.729 + 3·0.9·0.01 = 0.756 = (1 + 0.8³)/2.
        assert!((root_accuracy(3, 0.9) - 0.756).abs() < 1e-12);
        assert_eq!(root_accuracy(0, 0.3), 1.0);
        assert_eq!(root_accuracy(7, 1.0), 1.0);
        // q = 0: every level flips, so an even chain is right and an odd one wrong.
        assert_eq!((root_accuracy(4, 0.0), root_accuracy(5, 0.0)), (1.0, 0.0));
        assert!((root_accuracy(40, 0.6) - 0.5).abs() < 1e-3);
        assert!((chain(3, 0.9).all_correct() - 0.729).abs() < 1e-12);
    }

    #[test]
    fn monte_carlo_matches_the_closed_form() {
        // Within 4 standard errors (plus one trial's worth for p near 0 or 1): a false alarm
        // has probability about 6e-5 per case, and the seeds are fixed.
        for (i, (d, q)) in
            [(1, 0.9), (3, 0.9), (10, 0.95), (5, 0.7), (2, 0.3), (0, 0.5), (8, 1.0)].into_iter().enumerate()
        {
            let trials = 200_000;
            let s = simulate(&chain(d, q), trials, 17 + i as u64).unwrap_or_else(|e| panic!("{e}"));
            let tolerance = 4.0 * s.standard_error + 1.0 / trials as f64;
            assert!(
                (s.root_accuracy - s.predicted_root_accuracy).abs() <= tolerance,
                "d={d} q={q}: simulated {} vs {} ± {tolerance}",
                s.root_accuracy,
                s.predicted_root_accuracy
            );
        }
    }

    #[test]
    fn table_and_depth_limit() {
        let table = accuracy_table(0.9, 10).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(table.len(), 11);
        assert!(table.windows(2).all(|w| w[1].root_accuracy < w[0].root_accuracy));
        assert!(table.iter().all(|r| r.root_accuracy >= r.all_correct));
        // (1 + 0.8^d)/2 ≥ 0.75 ⇔ 0.8^d ≥ 0.5 ⇔ d ≤ 3.1.
        assert_eq!(max_depth_for(0.9, 0.75), Ok(Some(3)));
        assert_eq!(max_depth_for(1.0, 0.99), Ok(Some(MAX_DEPTH)));
        assert_eq!(max_depth_for(0.9, 1.5), Ok(None));
    }

    #[test]
    fn bad_inputs_are_errors() {
        assert_eq!(VerifierChain::new(3, 1.5), Err(RrmError::Accuracy(1.5)));
        assert!(VerifierChain::new(3, f64::NAN).is_err());
        assert_eq!(VerifierChain::new(MAX_DEPTH + 1, 0.9), Err(RrmError::Depth(MAX_DEPTH + 1)));
        assert_eq!(simulate(&chain(2, 0.9), 0, 1), Err(RrmError::Trials(0)));
        assert_eq!(accuracy_table(-0.1, 3), Err(RrmError::Accuracy(-0.1)));
        assert_eq!(accuracy_table(0.9, MAX_DEPTH + 1), Err(RrmError::Depth(MAX_DEPTH + 1)));
    }
}

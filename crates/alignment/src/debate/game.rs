//! The debate as a state machine: rounds until the disputed interval is one step, then the
//! judge's single check.

use serde::{Deserialize, Serialize};

use super::{seeded, Claim, Computation, DebateConfig, DebateError, HonestStrategy, Liar};

/// Where the seed's streams for the lazy debater's coins and the judge's errors start.
const GUESS_STREAM: u64 = 0x6775_6573;
const JUDGE_STREAM: u64 = 0x6a75_6467;

/// Whom the judge rules for. `Neither` only when both claims at the checked step are wrong,
/// which a user-driven liar or honest player can bring about; the built-in strategies cannot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Honest,
    Liar,
    Neither,
}

impl Verdict {
    /// What a judge who errs rules: the other side.
    pub fn opposite(self) -> Verdict {
        match self {
            Verdict::Honest => Verdict::Liar,
            Verdict::Liar => Verdict::Honest,
            Verdict::Neither => Verdict::Neither,
        }
    }
}

/// A step of the computation: state `from` to state `to` = from + 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRef {
    pub from: u64,
    pub to: u64,
}

/// Which part of the interval is still disputed after a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Half {
    /// [lo, mid]: they disagreed at mid.
    Left,
    /// [mid, hi]: they agreed at mid.
    Right,
}

/// One round of the transcript.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Round {
    /// 1-based.
    pub round: u32,
    pub lo: u64,
    pub hi: u64,
    pub mid: u64,
    pub honest_claim: Claim,
    pub liar_claim: u64,
    /// x_mid, for the page to reveal afterwards (the judge never sees it).
    pub true_state: u64,
    pub agreed: bool,
    pub kept: Half,
}

/// Where the game is; the page asks this to know which control to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum Phase {
    /// Both debaters must commit to the state at `mid`.
    Round {
        round: u32,
        lo: u64,
        hi: u64,
        mid: u64,
    },
    /// The interval is one step: the judge checks it.
    Judge {
        from: u64,
        to: u64,
    },
    Finished {
        winner: Verdict,
    },
}

/// Everything the judge sees at the end: one agreed state and two claims about the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LeafCheck {
    pub step: StepRef,
    pub agreed_state: u64,
    pub honest_claim: Claim,
    pub liar_claim: u64,
}

/// How the game ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// The one step the judge checked.
    pub checked_step: StepRef,
    pub agreed_state: u64,
    /// f(agreed_state): the judge's one step of computation.
    pub step_result: u64,
    pub honest_claim: Claim,
    pub liar_claim: u64,
    /// The ruling of a judge who checks correctly.
    pub correct_verdict: Verdict,
    pub winner: Verdict,
    pub judge_correct: bool,
    /// How many levels (verifiers, then the judge) reported the opposite verdict.
    pub verdict_flips: u32,
    /// The user ruled, not the configured judge.
    pub judged_by_user: bool,
}

/// The judge's work beside direct verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counters {
    pub rounds: u32,
    /// ceil(log2 N), the most rounds any game over these steps takes.
    pub max_rounds: u32,
    /// One per round: are the two claims at the midpoint equal?
    pub judge_comparisons: u32,
    /// The single step checked at the end (1 once judged), by the judge or at the bottom of
    /// its verifier chain.
    pub judge_steps_computed: u32,
    /// judge_comparisons + judge_steps_computed: rounds + 1 at the end.
    pub judge_work: u64,
    /// Verifiers the check was handed through (recursive reward modelling).
    pub verifier_handoffs: u32,
    /// N: the steps a judge who verified the claim directly would compute.
    pub direct_verification_steps: u64,
}

/// A debate in progress. Clone it to branch (try another move) at no risk.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Debate {
    config: DebateConfig,
    liar: Liar,
    true_final: u64,
    liar_final: u64,
    lo: u64,
    hi: u64,
    /// The state both sides claim at lo.
    agreed_state: u64,
    /// x_lo, kept so that each round's true state is a jump of mid − lo steps.
    true_at_lo: u64,
    honest_hi: Claim,
    liar_hi: u64,
    transcript: Vec<Round>,
    outcome: Option<Outcome>,
}

impl Debate {
    /// Checks the configuration; the honest side claims the true x_N, the liar its own.
    pub fn new(config: DebateConfig) -> Result<Debate, DebateError> {
        config.judge.validate()?;
        let c = &config.computation;
        let liar = Liar::new(c, config.lie_at, config.liar_state, config.seed)?;
        let true_final = c.final_state();
        let liar_final = liar.claim_at(c, c.steps());
        Ok(Debate {
            liar,
            true_final,
            liar_final,
            lo: 0,
            hi: c.steps(),
            agreed_state: c.x0(),
            true_at_lo: c.x0(),
            honest_hi: Claim::Value(true_final),
            liar_hi: liar_final,
            transcript: Vec::new(),
            outcome: None,
            config,
        })
    }

    pub fn config(&self) -> &DebateConfig {
        &self.config
    }

    pub fn computation(&self) -> &Computation {
        &self.config.computation
    }

    pub fn liar(&self) -> &Liar {
        &self.liar
    }

    pub fn true_final(&self) -> u64 {
        self.true_final
    }

    pub fn liar_final(&self) -> u64 {
        self.liar_final
    }

    /// The disputed interval [lo, hi].
    pub fn disputed(&self) -> (u64, u64) {
        (self.lo, self.hi)
    }

    pub fn transcript(&self) -> &[Round] {
        &self.transcript
    }

    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }

    pub fn phase(&self) -> Phase {
        match (&self.outcome, self.next_midpoint()) {
            (Some(o), _) => Phase::Finished { winner: o.winner },
            (None, Some(mid)) => Phase::Round { round: self.rounds() + 1, lo: self.lo, hi: self.hi, mid },
            (None, None) => Phase::Judge { from: self.lo, to: self.hi },
        }
    }

    /// The point both sides must commit to next; None once the interval is one step.
    pub fn next_midpoint(&self) -> Option<u64> {
        (self.outcome.is_none() && self.hi - self.lo >= 2).then(|| self.lo + (self.hi - self.lo) / 2)
    }

    /// The built-in liar's claim at the next midpoint.
    pub fn liar_move(&self) -> Option<u64> {
        self.next_midpoint().map(|mid| self.liar.claim_at(&self.config.computation, mid))
    }

    /// The honest strategy's answer to the liar's claim at the next midpoint. A debater that
    /// can compute the state works it out from the agreed state (the full one from x_lo); one
    /// that cannot tosses the round's coin: accept the claim or reject it.
    pub fn honest_move(&self, liar_claim: u64) -> Option<Claim> {
        let mid = self.next_midpoint()?;
        let c = &self.config.computation;
        let honest = self.config.honest;
        Some(if honest == HonestStrategy::Full {
            Claim::Value(c.jump(self.true_at_lo, mid - self.lo))
        } else if honest.can_compute(mid - self.lo) {
            Claim::Value(c.jump(self.agreed_state, mid - self.lo))
        } else if seeded(self.config.seed, GUESS_STREAM, u64::from(self.rounds())).next_f64() < 0.5 {
            Claim::Value(liar_claim)
        } else {
            Claim::Not(liar_claim)
        })
    }

    /// Both claims at the midpoint. `Claim::Value(liar)` is agreement; `Claim::Not(liar)` or
    /// any other value is a dispute.
    pub fn commit(&mut self, honest: Claim, liar: u64) -> Result<&Round, DebateError> {
        let mid = self.round_midpoint()?;
        let c = self.config.computation;
        for value in [
            liar,
            match honest {
                Claim::Value(v) | Claim::Not(v) => v,
            },
        ] {
            if value >= c.m() {
                return Err(DebateError::ClaimOutOfRange { value, m: c.m() });
            }
        }
        if let Claim::Not(disputed) = honest {
            if disputed != liar {
                return Err(DebateError::DisputeMismatch { disputed, liar });
            }
        }
        let true_state = c.jump(self.true_at_lo, mid - self.lo);
        let agreed = honest.agrees_with(liar);
        let round = Round {
            round: self.rounds() + 1,
            lo: self.lo,
            hi: self.hi,
            mid,
            honest_claim: honest,
            liar_claim: liar,
            true_state,
            agreed,
            kept: if agreed { Half::Right } else { Half::Left },
        };
        if agreed {
            (self.lo, self.agreed_state, self.true_at_lo) = (mid, liar, true_state);
        } else {
            (self.hi, self.honest_hi, self.liar_hi) = (mid, honest, liar);
        }
        self.transcript.push(round);
        Ok(&self.transcript[self.transcript.len() - 1])
    }

    /// The user plays the liar; the honest strategy answers.
    pub fn commit_liar(&mut self, liar: u64) -> Result<&Round, DebateError> {
        self.round_midpoint()?;
        let honest = self.honest_move(liar).ok_or(DebateError::NeedsJudge)?;
        self.commit(honest, liar)
    }

    /// The user plays the honest debater; the built-in liar answers.
    pub fn commit_honest(&mut self, honest: Claim) -> Result<&Round, DebateError> {
        self.round_midpoint()?;
        let liar = self.liar_move().ok_or(DebateError::NeedsJudge)?;
        self.commit(honest, liar)
    }

    /// Both built-in debaters play one round.
    pub fn play_round(&mut self) -> Result<&Round, DebateError> {
        self.round_midpoint()?;
        let liar = self.liar_move().ok_or(DebateError::NeedsJudge)?;
        let honest = self.honest_move(liar).ok_or(DebateError::NeedsJudge)?;
        self.commit(honest, liar)
    }

    /// What the judge sees, once the interval is one step.
    pub fn leaf(&self) -> Option<LeafCheck> {
        (self.outcome.is_none() && self.hi - self.lo == 1).then_some(LeafCheck {
            step: StepRef { from: self.lo, to: self.hi },
            agreed_state: self.agreed_state,
            honest_claim: self.honest_hi,
            liar_claim: self.liar_hi,
        })
    }

    /// The configured judge checks the step (through its verifier chain, if any).
    pub fn judge(&mut self) -> Result<&Outcome, DebateError> {
        let mut rng = seeded(self.config.seed, JUDGE_STREAM, 0);
        let (right, flips) = self.config.judge.decide(&mut rng);
        self.rule(|correct| (if right { correct } else { correct.opposite() }, flips, false))
    }

    /// The user is the judge and rules `verdict`.
    pub fn judge_as(&mut self, verdict: Verdict) -> Result<&Outcome, DebateError> {
        self.rule(|_| (verdict, 0, true))
    }

    /// Plays the remaining rounds and the judgement with the built-in players.
    pub fn play_to_end(&mut self) -> Result<&Outcome, DebateError> {
        while self.next_midpoint().is_some() {
            self.play_round()?;
        }
        if self.outcome.is_none() {
            self.judge()?;
        }
        self.outcome.as_ref().ok_or(DebateError::Finished)
    }

    pub fn counters(&self) -> Counters {
        let rounds = self.rounds();
        let judged = u32::from(self.outcome.is_some());
        Counters {
            rounds,
            max_rounds: self.config.computation.max_rounds(),
            judge_comparisons: rounds,
            judge_steps_computed: judged,
            judge_work: u64::from(rounds) + u64::from(judged),
            verifier_handoffs: match &self.outcome {
                Some(o) if !o.judged_by_user => self.config.judge.verifier_depth,
                _ => 0,
            },
            direct_verification_steps: self.config.computation.steps(),
        }
    }

    fn rounds(&self) -> u32 {
        u32::try_from(self.transcript.len()).unwrap_or(u32::MAX)
    }

    fn round_midpoint(&self) -> Result<u64, DebateError> {
        match self.phase() {
            Phase::Round { mid, .. } => Ok(mid),
            Phase::Judge { .. } => Err(DebateError::NeedsJudge),
            Phase::Finished { .. } => Err(DebateError::Finished),
        }
    }

    /// Records the ruling `decide(correct verdict)` returns: (winner, flips, by the user).
    fn rule(&mut self, decide: impl FnOnce(Verdict) -> (Verdict, u32, bool)) -> Result<&Outcome, DebateError> {
        if self.outcome.is_some() {
            return Err(DebateError::Finished);
        }
        let leaf = self.leaf().ok_or(DebateError::NotAtLeaf(self.hi - self.lo))?;
        let step_result = self.config.computation.step(leaf.agreed_state);
        let correct_verdict = match (leaf.honest_claim.holds_for(step_result), leaf.liar_claim == step_result) {
            (true, false) => Verdict::Honest,
            (false, true) => Verdict::Liar,
            _ => Verdict::Neither,
        };
        let (winner, verdict_flips, judged_by_user) = decide(correct_verdict);
        Ok(self.outcome.insert(Outcome {
            checked_step: leaf.step,
            agreed_state: leaf.agreed_state,
            step_result,
            honest_claim: leaf.honest_claim,
            liar_claim: leaf.liar_claim,
            correct_verdict,
            winner,
            judge_correct: winner == correct_verdict,
            verdict_flips,
            judged_by_user,
        }))
    }
}

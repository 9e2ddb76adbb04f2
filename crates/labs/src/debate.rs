//! The debate widget's state: the game's setup and the moves the user made, which replay to the
//! same game every time (every random draw is keyed by the seed).

use frontier_alignment::debate::{
    Claim, Debate, DebateConfig, HonestStrategy, Judge, Verdict, DEFAULT_STEPS, MAX_STEPS,
};
use frontier_alignment::rrm::root_accuracy;
use frontier_state::WidgetState;

use crate::measure::{Lab, Measurement};
use serde::{Deserialize, Serialize};

/// Who the user plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Both debaters and the judge are played for you.
    Watch,
    Liar,
    Honest,
    Judge,
}

/// One thing the user did, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "move", rename_all = "kebab-case")]
pub enum Move {
    /// Both built-in players commit at the midpoint.
    Round,
    /// The user, as liar, claims this state at the midpoint.
    Liar { value: u64 },
    /// The user, as honest debater, says this about the midpoint.
    Honest { claim: Claim },
    /// The configured judge checks the last step.
    Judge,
    /// The user, as judge, rules.
    Verdict { verdict: Verdict },
}

/// Games this long stay instant (the honest debater jumps in O(log N)).
pub const MAX_STEPS_LOG2: u32 = 26;
pub const MAX_MOVES: usize = 64;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DebateState {
    pub steps: u64,
    pub lie_at: u64,
    pub seed: u64,
    pub honest: HonestStrategy,
    pub judge_accuracy: f64,
    pub verifier_depth: u32,
    pub verifier_accuracy: f64,
    pub role: Role,
    pub moves: Vec<Move>,
}

impl DebateState {
    /// The worked example: 2^20 steps, a lie at step 777,777, a correct judge, to be watched.
    pub fn example() -> Self {
        DebateState {
            steps: DEFAULT_STEPS,
            lie_at: 777_777,
            seed: 3,
            honest: HonestStrategy::Full,
            judge_accuracy: 1.0,
            verifier_depth: 0,
            verifier_accuracy: 0.9,
            role: Role::Watch,
            moves: Vec::new(),
        }
    }

    pub fn judge(&self) -> Judge {
        Judge {
            accuracy: self.judge_accuracy,
            verifier_depth: self.verifier_depth,
            verifier_accuracy: self.verifier_accuracy,
        }
    }

    pub fn config(&self) -> Result<DebateConfig, String> {
        let config = DebateConfig::new(self.steps, self.lie_at, self.seed)
            .map_err(|e| e.to_string())?
            .with_honest(self.honest)
            .with_judge(self.judge());
        config.validate().map_err(|e| e.to_string())?;
        Ok(config)
    }

    /// The game after the user's moves. A move that no longer fits (the setup changed under
    /// it) stops the replay there and is reported.
    pub fn replay(&self) -> Result<(Debate, Option<String>), String> {
        let mut debate = Debate::new(self.config()?).map_err(|e| e.to_string())?;
        for (i, m) in self.moves.iter().enumerate() {
            let result = match *m {
                Move::Round => debate.play_round().map(|_| ()),
                Move::Liar { value } => debate.commit_liar(value).map(|_| ()),
                Move::Honest { claim } => debate.commit_honest(claim).map(|_| ()),
                Move::Judge => debate.judge().map(|_| ()),
                Move::Verdict { verdict } => debate.judge_as(verdict).map(|_| ()),
            };
            if let Err(e) = result {
                return Ok((debate, Some(format!("move {} no longer applies: {e}", i + 1))));
            }
        }
        Ok((debate, None))
    }
}

impl WidgetState for DebateState {
    const WIDGET_ID: &'static str = "debate";
    const VERSION: u32 = 1;

    fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_STEPS).contains(&self.steps) {
            return Err(format!("steps: between 1 and {MAX_STEPS}"));
        }
        if self.moves.len() > MAX_MOVES {
            return Err(format!("moves: at most {MAX_MOVES}"));
        }
        self.config().map(|_| ())
    }
}

impl Lab for DebateState {
    /// The game's size and where it stands, and the verifier chain's accuracy by its formula.
    fn measures(&self) -> Result<Vec<Measurement>, String> {
        let (debate, _) = self.replay()?;
        let (low, high) = debate.disputed();
        let mut out = vec![
            Measurement::new("steps", "Steps in the computation", self.steps as f64, "steps"),
            Measurement::new(
                "max_rounds",
                "Rounds the binary search needs at most",
                f64::from(debate.computation().max_rounds()),
                "rounds",
            ),
            Measurement::new("rounds_played", "Rounds played", debate.transcript().len() as f64, "rounds"),
            Measurement::new("disputed_steps", "Steps still disputed", (high - low) as f64, "steps"),
            Measurement::new(
                "root_accuracy",
                "Accuracy at the top of the verifier chain",
                root_accuracy(self.verifier_depth, self.verifier_accuracy),
                "fraction",
            ),
        ];
        if let Some(outcome) = debate.outcome() {
            out.push(Measurement::new(
                "judge_correct",
                "The ruling was correct (1 = yes)",
                if outcome.judge_correct { 1.0 } else { 0.0 },
                "yes/no",
            ));
        }
        Ok(out)
    }
}

//! The pixel-debate widget's state: which held-out digit, the lie, the number of pixels, the
//! debaters, who the user plays, and the user's moves (replayed to the same game every time).

use frontier_alignment::pixel::{Strategy, MAX_DEBATE_PIXELS};
use frontier_state::WidgetState;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Watch,
    /// The user reveals the liar's pixels.
    Liar,
    /// The debaters play; the user sees only the revealed pixels and rules.
    Judge,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PixelState {
    pub digit: usize,
    pub liar_label: u8,
    pub pixels: usize,
    /// "random", "greedy" or "minimax" for the built-in debaters.
    pub strategy: String,
    pub role: Role,
    /// Pixels the user revealed as the liar, in order.
    pub moves: Vec<usize>,
    /// The user's ruling as judge: the label they believe.
    pub ruling: Option<u8>,
    pub seed: u64,
}

pub const STRATEGIES: &[(&str, &str)] = &[
    ("greedy", "Greedy (best pixel now)"),
    ("minimax", "Minimax, two reveals ahead"),
    ("random", "Random pixels (the control)"),
];

impl PixelState {
    pub fn example() -> Self {
        PixelState {
            digit: 0,
            liar_label: 0,
            pixels: 6,
            strategy: "greedy".into(),
            role: Role::Watch,
            moves: Vec::new(),
            ruling: None,
            seed: 1,
        }
    }

    pub fn strategy(&self) -> Strategy {
        match self.strategy.as_str() {
            "minimax" => Strategy::Minimax { depth: 2, width: 8 },
            "random" => Strategy::Random,
            _ => Strategy::Greedy,
        }
    }
}

impl WidgetState for PixelState {
    const WIDGET_ID: &'static str = "pixel-debate";
    const VERSION: u32 = 1;

    fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_DEBATE_PIXELS).contains(&self.pixels) {
            return Err(format!("pixels: 1 to {MAX_DEBATE_PIXELS}"));
        }
        if self.liar_label > 9 {
            return Err("liar_label: a digit 0 to 9".into());
        }
        if !STRATEGIES.iter().any(|(id, _)| *id == self.strategy) {
            return Err(format!("strategy: unknown {:?}", self.strategy));
        }
        if self.moves.len() > MAX_DEBATE_PIXELS || self.moves.iter().any(|&p| p >= 784) {
            return Err("moves: pixels 0 to 783, at most one per reveal".into());
        }
        if self.ruling.is_some_and(|r| r > 9) {
            return Err("ruling: a digit 0 to 9".into());
        }
        Ok(())
    }
}

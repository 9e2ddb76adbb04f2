//! The pixel-debate widget's state: which held-out digit, the lie, the number of pixels, the
//! debaters, who the user plays, and the user's moves (replayed to the same game every time).

use frontier_alignment::pixel::{Debaters, GameSettings, Player, DEFAULT_FIRST};
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
    /// The built-in debaters ("greedy", "minimax" or "random" in links).
    pub strategy: Debaters,
    pub role: Role,
    /// Pixels the user revealed as the liar, in order.
    pub moves: Vec<usize>,
    /// The user's ruling as judge: the label they believe.
    pub ruling: Option<u8>,
    pub seed: u64,
}

/// The debaters offered, by `Debaters::id`.
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
            strategy: Debaters::Greedy,
            role: Role::Watch,
            moves: Vec::new(),
            ruling: None,
            seed: 1,
        }
    }

    /// The game this state describes, replayed by `frontier_alignment::pixel::replay`.
    pub fn settings(&self) -> GameSettings {
        GameSettings {
            digit: self.digit,
            liar_label: self.liar_label,
            pixels: self.pixels,
            first: DEFAULT_FIRST,
            strategy: self.strategy.strategy(),
            user: (self.role == Role::Liar).then_some(Player::Liar),
            moves: self.moves.clone(),
            seed: self.seed,
        }
    }
}

impl WidgetState for PixelState {
    const WIDGET_ID: &'static str = <super::PixelDebateWidget as crate::framework::widget::Widget>::META.id;
    const VERSION: u32 = 1;

    fn validate(&self) -> Result<(), String> {
        self.settings().validate().map_err(|e| e.to_string())?;
        if self.ruling.is_some_and(|r| r > 9) {
            return Err("ruling: a digit 0 to 9".into());
        }
        Ok(())
    }
}

//! The debate game: pre-committed labels, alternate reveals of ink pixels, the judge's verdict.
//! A page drives it one reveal at a time (the user can play the liar, or judge from the reveals).

use serde::Serialize;

use super::judge::argmax;
use super::{Digit, Judge, PixelError, Reveal, CLASSES, MAX_DEBATE_PIXELS, PIXELS};

/// Who reveals first unless told otherwise: the liar, so that the honest player answers last.
/// (The other order is measured in `tests/pixel.rs`; it changes little.)
pub const DEFAULT_FIRST: Player = Player::Liar;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Player {
    /// Claims the digit's true label.
    Honest,
    /// Claims another label.
    Liar,
}

impl Player {
    pub fn opponent(self) -> Player {
        match self {
            Player::Honest => Player::Liar,
            Player::Liar => Player::Honest,
        }
    }
}

/// What the judge concludes from the pixels revealed so far.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Verdict {
    /// All ten logits.
    pub logits: [f32; CLASSES],
    pub honest_logit: f32,
    pub liar_logit: f32,
    /// The honest player wins when the true label's logit is strictly higher (a tie convinces no one).
    pub winner: Player,
    /// The judge's own pick among all ten labels (what it would answer with no debate).
    pub judge_choice: u8,
}

/// One debate over one digit.
#[derive(Debug, Clone)]
pub struct Game {
    digit: Digit,
    liar_label: u8,
    total_pixels: usize,
    first: Player,
    moves: Vec<(Player, Reveal)>,
    shown: Vec<bool>,
}

impl Game {
    /// A debate of `total_pixels` reveals (1 to 8) over `digit`, the liar claiming `liar_label`.
    pub fn new(digit: Digit, liar_label: u8, total_pixels: usize, first: Player) -> Result<Game, PixelError> {
        if usize::from(liar_label) >= CLASSES {
            return Err(PixelError::BadLabel { label: liar_label });
        }
        if liar_label == digit.label() {
            return Err(PixelError::SameLabel { label: liar_label });
        }
        if total_pixels == 0 || total_pixels > MAX_DEBATE_PIXELS {
            return Err(PixelError::BadPixelCount { pixels: total_pixels });
        }
        let ink = digit.pixels().iter().filter(|&&v| v != 0).count();
        if ink < total_pixels {
            return Err(PixelError::NotEnoughInk { ink, needed: total_pixels });
        }
        Ok(Game { digit, liar_label, total_pixels, first, moves: Vec::new(), shown: vec![false; PIXELS] })
    }

    pub fn digit(&self) -> &Digit {
        &self.digit
    }

    pub fn honest_label(&self) -> u8 {
        self.digit.label()
    }

    pub fn liar_label(&self) -> u8 {
        self.liar_label
    }

    /// The label a player committed to.
    pub fn label(&self, player: Player) -> u8 {
        match player {
            Player::Honest => self.honest_label(),
            Player::Liar => self.liar_label,
        }
    }

    pub fn total_pixels(&self) -> usize {
        self.total_pixels
    }

    pub fn first(&self) -> Player {
        self.first
    }

    /// The reveals so far, in order, with who made each.
    pub fn moves(&self) -> &[(Player, Reveal)] {
        &self.moves
    }

    /// The reveals so far, what the judge sees.
    pub fn reveals(&self) -> Vec<Reveal> {
        self.moves.iter().map(|&(_, reveal)| reveal).collect()
    }

    /// Reveals still to come.
    pub fn remaining(&self) -> usize {
        self.total_pixels - self.moves.len()
    }

    pub fn is_over(&self) -> bool {
        self.moves.len() >= self.total_pixels
    }

    /// Whose turn it is, `None` once every pixel has been revealed.
    pub fn to_move(&self) -> Option<Player> {
        if self.is_over() {
            None
        } else if self.moves.len().is_multiple_of(2) {
            Some(self.first)
        } else {
            Some(self.first.opponent())
        }
    }

    pub fn is_revealed(&self, pixel: usize) -> bool {
        self.shown.get(pixel).copied().unwrap_or(false)
    }

    /// The pixels the player to move may reveal: ink not yet shown, ascending.
    pub fn legal_pixels(&self) -> Vec<usize> {
        (0..PIXELS).filter(|&p| self.digit.pixels()[p] != 0 && !self.shown[p]).collect()
    }

    /// `player` reveals `pixel`; the game fills in its true intensity.
    pub fn reveal(&mut self, player: Player, pixel: usize) -> Result<Reveal, PixelError> {
        let expected = self.to_move().ok_or(PixelError::GameOver)?;
        if player != expected {
            return Err(PixelError::WrongTurn { expected, got: player });
        }
        let value = self.digit.value(pixel).ok_or(PixelError::PixelOutOfRange { pixel })?;
        if value == 0 {
            return Err(PixelError::BlankPixel { pixel });
        }
        if self.shown[pixel] {
            return Err(PixelError::AlreadyRevealed { pixel });
        }
        let reveal = Reveal::new(pixel, value)?;
        self.shown[pixel] = true;
        self.moves.push((player, reveal));
        Ok(reveal)
    }

    /// The judge's verdict on the pixels revealed so far (final once [`Game::is_over`]).
    pub fn judge_verdict(&self, judge: &Judge) -> Verdict {
        let logits = judge.logits(&self.reveals());
        let honest_logit = logits[usize::from(self.honest_label())];
        let liar_logit = logits[usize::from(self.liar_label)];
        let winner = if honest_logit > liar_logit { Player::Honest } else { Player::Liar };
        Verdict { logits, honest_logit, liar_logit, winner, judge_choice: argmax(&logits) }
    }
}

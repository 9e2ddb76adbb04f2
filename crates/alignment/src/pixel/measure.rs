//! Batch measurement: the judge with k random pixels against the judge after a debate.

use serde::{Deserialize, Serialize};

use super::{play_out, random_reveals, Digit, Game, Judge, PixelError, Player, Strategy, Verdict, DEFAULT_FIRST};
use crate::SplitMix64;

/// A row of the paper's MNIST table (Irving, Christiano & Amodei 2018, section 3.1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PaperFigure {
    pub pixels: usize,
    /// The sparse classifier alone, with random pixels.
    pub random_accuracy: f64,
    /// The honest player's win rate with pre-commitment (MCTS debaters).
    pub debate_accuracy: f64,
}

/// The paper's figures, to show beside this toy reproduction's.
pub const PAPER_FIGURES: [PaperFigure; 2] = [
    PaperFigure { pixels: 4, random_accuracy: 0.482, debate_accuracy: 0.852 },
    PaperFigure { pixels: 6, random_accuracy: 0.594, debate_accuracy: 0.889 },
];

/// How the debates of a measurement are played.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DebateConfig {
    /// Pixels revealed in all (both players together).
    pub pixels: usize,
    pub first: Player,
    pub honest: Strategy,
    pub liar: Strategy,
}

impl DebateConfig {
    /// Both players on `strategy`, the default opener.
    pub fn new(pixels: usize, strategy: Strategy) -> DebateConfig {
        DebateConfig { pixels, first: DEFAULT_FIRST, honest: strategy, liar: strategy }
    }
}

/// Judge accuracy without and with debate over a set of digits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Accuracy {
    pub pixels: usize,
    /// Digits debated (all nine lies each).
    pub images: usize,
    /// Digits with fewer ink pixels than the debate reveals, left out of the debate figures.
    pub skipped: usize,
    /// The judge's argmax is the true label, with `pixels` random ink pixels (every digit).
    pub random_accuracy: f64,
    /// Share of digits on which the honest player beat all nine liars (the paper's measure).
    pub debate_accuracy: f64,
    /// Share of the single debates (nine per digit) that the honest player won.
    pub honest_win_rate: f64,
}

/// The judge's accuracy with `k` random ink pixels per digit, drawn by [`random_reveals`] from
/// one generator seeded with `seed`, digit after digit.
pub fn random_accuracy(judge: &Judge, digits: &[Digit], k: usize, seed: u64) -> f64 {
    let mut rng = SplitMix64::new(seed);
    let correct =
        digits.iter().filter(|digit| judge.predict(&random_reveals(digit, k, &mut rng)) == digit.label()).count();
    if digits.is_empty() {
        0.0
    } else {
        correct as f64 / digits.len() as f64
    }
}

/// Plays one debate against each of the nine wrong labels; returns (liar's label, verdict).
pub fn debate_every_lie(
    judge: &Judge,
    digit: &Digit,
    config: &DebateConfig,
    rng: &mut SplitMix64,
) -> Result<Vec<(u8, Verdict)>, PixelError> {
    let mut verdicts = Vec::with_capacity(9);
    for liar_label in (0..10u8).filter(|&label| label != digit.label()) {
        let mut game = Game::new(digit.clone(), liar_label, config.pixels, config.first)?;
        verdicts.push((liar_label, play_out(judge, &mut game, config.honest, config.liar, rng)?));
    }
    Ok(verdicts)
}

/// Both players on `strategy`, `k` pixels, the default opener: see [`evaluate_with`].
pub fn evaluate(judge: &Judge, digits: &[Digit], k: usize, strategy: Strategy, seed: u64) -> Accuracy {
    evaluate_with(judge, digits, &DebateConfig::new(k, strategy), seed)
}

/// Measures the judge with random pixels (seeded with `seed`) and after debate on every digit.
/// The search debaters are deterministic; random ones draw from a generator derived from `seed`.
pub fn evaluate_with(judge: &Judge, digits: &[Digit], config: &DebateConfig, seed: u64) -> Accuracy {
    let random_accuracy = random_accuracy(judge, digits, config.pixels, seed);
    let mut rng = SplitMix64::new(seed ^ 0xDEBA_7E00_0000_0000);
    let (mut images, mut skipped, mut won_all, mut debates, mut won) = (0usize, 0usize, 0usize, 0usize, 0usize);
    for digit in digits {
        match debate_every_lie(judge, digit, config, &mut rng) {
            Ok(verdicts) => {
                let wins = verdicts.iter().filter(|(_, verdict)| verdict.winner == Player::Honest).count();
                images += 1;
                debates += verdicts.len();
                won += wins;
                won_all += usize::from(wins == verdicts.len());
            }
            Err(_) => skipped += 1,
        }
    }
    let share = |part: usize, whole: usize| if whole == 0 { 0.0 } else { part as f64 / whole as f64 };
    Accuracy {
        pixels: config.pixels,
        images,
        skipped,
        random_accuracy,
        debate_accuracy: share(won_all, images),
        honest_win_rate: share(won, debates),
    }
}

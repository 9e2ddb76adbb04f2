//! The debaters: which ink pixel to reveal next, given the judge and the game so far.
//!
//! Both search players score a position by the judge's margin, logit(honest label) −
//! logit(liar's label): the honest player pushes it up, the liar down. At the end of the game
//! its sign is the verdict; before the end it is the judge's opinion on the pixels shown so far
//! (the judge was trained on 1 to 8 pixels, so partial positions are in its distribution).

use serde::Serialize;

use super::judge::Margin;
use super::{Digit, Game, Judge, PixelError, Player, Reveal, Verdict};
use crate::SplitMix64;

/// How a debater picks its pixel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Strategy {
    /// A uniformly random unrevealed ink pixel: the control.
    Random,
    /// The pixel that most improves the player's margin right now (one judge query per pixel).
    Greedy,
    /// Looks `depth` reveals ahead, alternating players, assuming the opponent plays the same way.
    /// Every node ranks its pixels by immediate margin for the player to move and searches only
    /// the best `width` of them, which keeps depth 2 at about (1 + width) × 150 judge queries a
    /// move instead of 150² (a digit has about 150 ink pixels); a `width` above the ink count is
    /// plain minimax.
    Minimax { depth: usize, width: usize },
}

/// The pixel the player to move reveals under `strategy`; `None` once the game is over.
/// Deterministic except for [`Strategy::Random`], which draws from `rng`.
pub fn choose_pixel(judge: &Judge, game: &Game, strategy: Strategy, rng: &mut SplitMix64) -> Option<usize> {
    let mover = game.to_move()?;
    let legal = game.legal_pixels();
    if legal.is_empty() {
        return None;
    }
    let depth = match strategy {
        Strategy::Random => return legal.get(rng.index(legal.len())).copied(),
        Strategy::Greedy => 1,
        Strategy::Minimax { depth, .. } => depth.max(1),
    };
    let width = match strategy {
        Strategy::Minimax { width, .. } => width.max(1),
        _ => usize::MAX,
    };
    let search = Search {
        judge,
        digit: game.digit(),
        ink: game.digit().ink_pixels(),
        honest: judge.margin(game.honest_label(), game.liar_label()),
        width,
    };
    let mut pre = judge.empty();
    for reveal in game.reveals() {
        judge.add(&mut pre, reveal);
    }
    let mut shown: Vec<bool> = (0..super::PIXELS).map(|p| game.is_revealed(p)).collect();
    search.best(&pre, &mut shown, mover, game.remaining(), depth).map(|(pixel, _)| pixel)
}

/// Plays the game to the end, each side with its own strategy, and returns the final verdict.
pub fn play_out(
    judge: &Judge,
    game: &mut Game,
    honest: Strategy,
    liar: Strategy,
    rng: &mut SplitMix64,
) -> Result<Verdict, PixelError> {
    while let Some(player) = game.to_move() {
        let strategy = if player == Player::Honest { honest } else { liar };
        let pixel = choose_pixel(judge, game, strategy, rng).ok_or(PixelError::GameOver)?;
        game.reveal(player, pixel)?;
    }
    Ok(game.judge_verdict(judge))
}

/// `k` distinct ink pixels chosen uniformly at random (all of them if the digit has fewer): a
/// partial Fisher–Yates shuffle of the ink pixels in ascending order, one `below` draw per pixel.
/// `tools/assets/mnist_judge.py` draws the same pixels from the same seed for its fixture.
pub fn random_reveals(digit: &Digit, k: usize, rng: &mut SplitMix64) -> Vec<Reveal> {
    let mut ink = digit.ink_pixels();
    let k = k.min(ink.len());
    for j in 0..k {
        let r = j + rng.index(ink.len() - j);
        ink.swap(j, r);
    }
    ink.iter().take(k).filter_map(|&p| Reveal::new(p, digit.pixels()[p]).ok()).collect()
}

struct Search<'a> {
    judge: &'a Judge,
    digit: &'a Digit,
    ink: Vec<usize>,
    /// logit(honest) − logit(liar).
    honest: Margin,
    width: usize,
}

impl Search<'_> {
    /// The best (pixel, honest margin) for `mover` looking `depth` reveals ahead (at most
    /// `remaining`), searching the `width` best pixels by immediate margin. Ties go to the lower
    /// pixel index, so the search is deterministic.
    fn best(
        &self,
        pre: &[f32],
        shown: &mut [bool],
        mover: Player,
        remaining: usize,
        depth: usize,
    ) -> Option<(usize, f32)> {
        let sign = if mover == Player::Honest { 1.0 } else { -1.0 };
        let mut scored: Vec<(usize, f32)> = self
            .ink
            .iter()
            .filter(|&&p| !shown[p])
            .filter_map(|&p| {
                let reveal = Reveal::new(p, self.digit.pixels()[p]).ok()?;
                Some((p, sign * self.judge.margin_after(pre, reveal, &self.honest)))
            })
            .collect();
        if depth <= 1 || remaining <= 1 {
            let mut best: Option<(usize, f32)> = None;
            for (pixel, score) in scored {
                if best.is_none_or(|(_, b)| score > b) {
                    best = Some((pixel, score));
                }
            }
            return best.map(|(pixel, score)| (pixel, sign * score));
        }
        // A stable sort keeps ascending pixel order among equal scores.
        scored.sort_by(|a, b| b.1.total_cmp(&a.1));
        scored.truncate(self.width);
        let mut best: Option<(usize, f32)> = None;
        for (pixel, _) in scored {
            let Ok(reveal) = Reveal::new(pixel, self.digit.pixels()[pixel]) else { continue };
            let mut next = pre.to_vec();
            self.judge.add(&mut next, reveal);
            shown[pixel] = true;
            let reply = self.best(&next, shown, mover.opponent(), remaining - 1, depth - 1);
            shown[pixel] = false;
            let honest_margin = match reply {
                Some((_, margin)) => margin,
                None => self.judge.margin_of(&next, &self.honest),
            };
            let score = sign * honest_margin;
            if best.is_none_or(|(_, b)| score > b) {
                best = Some((pixel, score));
            }
        }
        best.map(|(pixel, score)| (pixel, sign * score))
    }
}

//! One game from its settings: which held-out digit, the lie, the number of reveals, who opens,
//! the built-in debaters and the moves a user stored. The page replays its state through
//! [`replay`] on every change, and the end-to-end test replays the page's example the same way,
//! so both apply one rule for every choice (in particular the liar's label, [`liar_label_for`]).

use serde::{Deserialize, Serialize};

use super::{choose_pixel, Digits, Game, Judge, PixelError, Player, Strategy, Verdict, MAX_DEBATE_PIXELS, PIXELS};
use crate::SplitMix64;

/// The built-in debaters a page offers, by the ids its links use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Debaters {
    /// [`Strategy::Greedy`].
    Greedy,
    /// [`Strategy::Minimax`] two reveals ahead over the 8 most promising pixels per node.
    Minimax,
    /// [`Strategy::Random`], the control.
    Random,
}

impl Debaters {
    pub const ALL: [Debaters; 3] = [Debaters::Greedy, Debaters::Minimax, Debaters::Random];

    /// The id used in links and on the command line.
    pub fn id(self) -> &'static str {
        match self {
            Debaters::Greedy => "greedy",
            Debaters::Minimax => "minimax",
            Debaters::Random => "random",
        }
    }

    pub fn from_id(id: &str) -> Option<Debaters> {
        Debaters::ALL.into_iter().find(|d| d.id() == id)
    }

    /// How these debaters search.
    pub fn strategy(self) -> Strategy {
        match self {
            Debaters::Greedy => Strategy::Greedy,
            Debaters::Minimax => Strategy::Minimax { depth: 2, width: 8 },
            Debaters::Random => Strategy::Random,
        }
    }
}

/// Everything that decides one game.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GameSettings {
    /// Index of the digit in the held-out set (0-based).
    pub digit: usize,
    /// The label the liar is asked to claim; see [`liar_label_for`] for the label it claims.
    pub liar_label: u8,
    /// Reveals in all, both players together (1 to [`MAX_DEBATE_PIXELS`]).
    pub pixels: usize,
    /// Who reveals first.
    pub first: Player,
    /// How the built-in debaters play (both sides, except the one the user plays).
    pub strategy: Strategy,
    /// The side whose pixels come from `moves` instead of a built-in debater, if any.
    pub user: Option<Player>,
    /// The user's pixels (row × 28 + column), in the order they were revealed.
    pub moves: Vec<usize>,
    /// Seeds the random debaters (one generator for the whole game).
    pub seed: u64,
}

impl GameSettings {
    /// Both sides played by `strategy`, the default opener, no user, seed 1: the page's watched
    /// game.
    pub fn watched(digit: usize, liar_label: u8, pixels: usize, strategy: Strategy) -> GameSettings {
        GameSettings {
            digit,
            liar_label,
            pixels,
            first: super::DEFAULT_FIRST,
            strategy,
            user: None,
            moves: Vec::new(),
            seed: 1,
        }
    }

    /// Checks every field that can be checked without the digits; the error names the field.
    pub fn validate(&self) -> Result<(), PixelError> {
        let bad = |field: &'static str, detail: String| Err(PixelError::BadSetting { field, detail });
        if self.liar_label > 9 {
            return bad("liar_label", format!("{} is not a digit 0 to 9", self.liar_label));
        }
        if !(1..=MAX_DEBATE_PIXELS).contains(&self.pixels) {
            return bad("pixels", format!("a debate reveals 1 to {MAX_DEBATE_PIXELS} pixels, not {}", self.pixels));
        }
        if self.user.is_none() && !self.moves.is_empty() {
            return bad("moves", "stored moves need a side the user plays".into());
        }
        if self.moves.len() > self.pixels {
            return bad("moves", format!("{} moves in a debate of {} reveals", self.moves.len(), self.pixels));
        }
        if let Some((index, &pixel)) = self.moves.iter().enumerate().find(|(_, &p)| p >= PIXELS) {
            return bad("moves", format!("move {}: pixel {pixel} is outside the 28 x 28 image", index + 1));
        }
        Ok(())
    }
}

/// The work of replaying a game of `pixels` reveals with a judge of `hidden` units: each move
/// queries the judge once per candidate pixel (at most all 784; (1 + width) times as many for
/// minimax), and a query costs the hidden layer over the pixels shown plus the output layer.
pub fn replay_work(pixels: usize, hidden: usize, strategy: Strategy) -> frontier_base::work::Work {
    let per_move = match strategy {
        Strategy::Random => 1,
        Strategy::Greedy => PIXELS,
        Strategy::Minimax { width, .. } => (1 + width) * PIXELS,
    };
    let query_flop = 2 * hidden * (pixels + super::CLASSES);
    frontier_base::work::Work { flop: (pixels * per_move * query_flop) as f64, bytes: (PIXELS * hidden * 8) as u64 }
}

/// The label the liar claims when asked for `requested` on a digit whose true label is `truth`:
/// the requested one, or the next one (9 wraps to 0) when it is the truth, so every choice of
/// digit and label gives a game.
pub fn liar_label_for(requested: u8, truth: u8) -> u8 {
    if requested == truth {
        (requested + 1) % 10
    } else {
        requested
    }
}

/// A stored move the game refused; the replay stops before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedMove {
    /// Its position among the user's moves (0-based).
    pub index: usize,
    pub pixel: usize,
    pub error: PixelError,
}

/// A game replayed from its settings.
#[derive(Debug, Clone)]
pub struct Replay {
    pub game: Game,
    /// The user is to move and has no stored move left.
    pub waiting: bool,
    /// The judge's verdict once every pixel is revealed.
    pub verdict: Option<Verdict>,
    /// The first stored move that no longer applies, if one did not.
    pub refused: Option<RefusedMove>,
}

/// Replays the game `settings` describes over `digits`: the built-in debaters move by
/// [`choose_pixel`] (one generator seeded with `settings.seed`), the user's side by its stored
/// moves, until the game ends, the user has no stored move left, or a stored move is refused.
pub fn replay(judge: &Judge, digits: &Digits, settings: &GameSettings) -> Result<Replay, PixelError> {
    settings.validate()?;
    let digit = digits.get(settings.digit).ok_or_else(|| PixelError::BadSetting {
        field: "digit",
        detail: format!("index {} but there are {} digits", settings.digit, digits.len()),
    })?;
    let liar = liar_label_for(settings.liar_label, digit.label());
    let mut game = Game::new(digit.clone(), liar, settings.pixels, settings.first)?;
    let mut rng = SplitMix64::new(settings.seed);
    let mut stored = settings.moves.iter().copied().enumerate();
    while let Some(player) = game.to_move() {
        if settings.user == Some(player) {
            let Some((index, pixel)) = stored.next() else {
                return Ok(Replay { game, waiting: true, verdict: None, refused: None });
            };
            if let Err(error) = game.reveal(player, pixel) {
                let refused = Some(RefusedMove { index, pixel, error });
                return Ok(Replay { game, waiting: false, verdict: None, refused });
            }
        } else {
            let pixel = choose_pixel(judge, &game, settings.strategy, &mut rng).ok_or(PixelError::GameOver)?;
            game.reveal(player, pixel)?;
        }
    }
    let verdict = Some(game.judge_verdict(judge));
    Ok(Replay { game, waiting: false, verdict, refused: None })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pixel::{play_out, DEFAULT_FIRST};

    const JUDGE_BYTES: &[u8] = include_bytes!("../../assets/pixel-judge.bin");
    const DIGITS_BYTES: &[u8] = include_bytes!("../../assets/pixel-digits.bin");

    fn assets() -> (Judge, Digits) {
        let judge = Judge::from_bytes(JUDGE_BYTES).unwrap_or_else(|e| panic!("judge asset: {e}"));
        let digits = Digits::from_bytes(DIGITS_BYTES).unwrap_or_else(|e| panic!("digits asset: {e}"));
        (judge, digits)
    }

    fn ok<T>(result: Result<T, PixelError>) -> T {
        result.unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_liar_label_moves_to_the_next_label_only_when_it_is_the_truth() {
        assert_eq!(liar_label_for(0, 0), 1);
        assert_eq!(liar_label_for(9, 9), 0);
        assert_eq!(liar_label_for(4, 4), 5);
        assert_eq!(liar_label_for(0, 7), 0);
        assert_eq!(liar_label_for(3, 7), 3);
        for truth in 0..10 {
            for requested in 0..10 {
                let liar = liar_label_for(requested, truth);
                assert!(liar < 10 && liar != truth, "{requested} on a {truth} gave {liar}");
            }
        }
    }

    #[test]
    fn the_replay_uses_that_label() {
        let (judge, digits) = assets();
        let digit = ok(digits.get(0).ok_or(PixelError::GameOver));
        let truth = digit.label();
        let replayed = ok(replay(&judge, &digits, &GameSettings::watched(0, truth, 6, Strategy::Greedy)));
        assert_eq!(replayed.game.honest_label(), truth);
        assert_eq!(replayed.game.liar_label(), (truth + 1) % 10);
        let other = (truth + 3) % 10;
        let replayed = ok(replay(&judge, &digits, &GameSettings::watched(0, other, 6, Strategy::Greedy)));
        assert_eq!(replayed.game.liar_label(), other);
    }

    #[test]
    fn a_watched_replay_is_the_played_out_game() {
        let (judge, digits) = assets();
        for (index, strategy) in [(0, Strategy::Greedy), (3, Strategy::Random), (7, Strategy::Greedy)] {
            let settings = GameSettings { seed: 5, ..GameSettings::watched(index, 2, 6, strategy) };
            let replayed = ok(replay(&judge, &digits, &settings));
            let digit = ok(digits.get(index).ok_or(PixelError::GameOver)).clone();
            let liar = liar_label_for(2, digit.label());
            let mut game = ok(Game::new(digit, liar, 6, DEFAULT_FIRST));
            let verdict = ok(play_out(&judge, &mut game, strategy, strategy, &mut SplitMix64::new(5)));
            assert_eq!(replayed.verdict, Some(verdict));
            assert_eq!(replayed.game.moves(), game.moves());
            assert!(!replayed.waiting && replayed.refused.is_none());
        }
    }

    #[test]
    fn the_user_side_waits_for_its_moves_and_stops_at_a_refused_one() {
        let (judge, digits) = assets();
        let settings = GameSettings { user: Some(Player::Liar), ..GameSettings::watched(0, 0, 4, Strategy::Greedy) };
        // The liar opens: with no stored move the replay waits before any reveal.
        let waiting = ok(replay(&judge, &digits, &settings));
        assert!(waiting.waiting && waiting.game.moves().is_empty() && waiting.verdict.is_none());

        let ink = ok(digits.get(0).ok_or(PixelError::GameOver)).ink_pixels();
        let one = GameSettings { moves: vec![ink[0]], ..settings.clone() };
        let after_one = ok(replay(&judge, &digits, &one));
        assert!(after_one.waiting);
        assert_eq!(after_one.game.moves().len(), 2, "the user's reveal and the honest reply");
        assert_eq!(after_one.game.moves()[0].0, Player::Liar);
        assert_eq!(after_one.game.moves()[0].1.pixel(), ink[0]);

        // Two moves in a 4-reveal game finish it with a verdict.
        let honest_reply = after_one.game.moves()[1].1.pixel();
        let second = ink.iter().copied().find(|&p| p != ink[0] && p != honest_reply).unwrap_or(ink[1]);
        let done = ok(replay(&judge, &digits, &GameSettings { moves: vec![ink[0], second], ..settings.clone() }));
        assert!(done.verdict.is_some() && !done.waiting && done.game.is_over());

        // Revealing the same pixel twice is refused where it happens, and the game stops there.
        let again = ok(replay(&judge, &digits, &GameSettings { moves: vec![ink[0], ink[0]], ..settings.clone() }));
        assert_eq!(
            again.refused,
            Some(RefusedMove { index: 1, pixel: ink[0], error: PixelError::AlreadyRevealed { pixel: ink[0] } })
        );
        assert!(again.verdict.is_none());
        assert_eq!(again.game.moves().len(), 2);

        let blank = (0..PIXELS).find(|&p| !ink.contains(&p)).unwrap_or(0);
        let refused = ok(replay(&judge, &digits, &GameSettings { moves: vec![blank], ..settings }));
        assert_eq!(refused.refused.map(|r| r.error), Some(PixelError::BlankPixel { pixel: blank }));
    }

    #[test]
    fn invalid_settings_name_their_field() {
        let (judge, digits) = assets();
        let base = GameSettings::watched(0, 1, 6, Strategy::Greedy);
        let field = |settings: GameSettings| match replay(&judge, &digits, &settings) {
            Err(PixelError::BadSetting { field, .. }) => field,
            other => panic!("expected a setting error, got {other:?}"),
        };
        assert_eq!(field(GameSettings { liar_label: 10, ..base.clone() }), "liar_label");
        assert_eq!(field(GameSettings { pixels: 0, ..base.clone() }), "pixels");
        assert_eq!(field(GameSettings { pixels: 9, ..base.clone() }), "pixels");
        assert_eq!(field(GameSettings { moves: vec![5], ..base.clone() }), "moves");
        let liar = Some(Player::Liar);
        assert_eq!(field(GameSettings { user: liar, moves: vec![784], ..base.clone() }), "moves");
        assert_eq!(field(GameSettings { user: liar, moves: vec![1; 7], ..base.clone() }), "moves");
        assert_eq!(field(GameSettings { digit: 1000, ..base.clone() }), "digit");
        assert_eq!(base.validate(), Ok(()));
    }

    #[test]
    fn debaters_round_trip_their_ids() {
        for debaters in Debaters::ALL {
            assert_eq!(Debaters::from_id(debaters.id()), Some(debaters));
            let json = serde_json::to_string(&debaters).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", debaters.id()));
        }
        assert_eq!(Debaters::Minimax.strategy(), Strategy::Minimax { depth: 2, width: 8 });
        assert_eq!(Debaters::from_id("mcts"), None);
    }
}

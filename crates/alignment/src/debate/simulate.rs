//! Many seeded games: how often the honest side wins, beside what the model predicts.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{
    default_lie_at, seeded, Computation, Debate, DebateConfig, DebateError, HonestStrategy, Judge, Verdict,
    DEFAULT_STEPS,
};

/// The most games per strategy in one call (about a second natively at N = 2^20).
pub const MAX_GAMES: u32 = 100_000;

const GAME_STREAM: u64 = 0x6761_6d65;

/// Which honest debaters to pit against the liar, over how many steps, before which judge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WinRateConfig {
    pub steps: u64,
    pub judge: Judge,
    pub honest: Vec<HonestStrategy>,
}

impl Default for WinRateConfig {
    /// N = 2^20, a correct judge, the full and the lazy honest debater.
    fn default() -> Self {
        WinRateConfig {
            steps: DEFAULT_STEPS,
            judge: Judge::CORRECT,
            honest: vec![HonestStrategy::Full, HonestStrategy::Lazy],
        }
    }
}

/// The honest side's record with one strategy before one judge.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WinRate {
    pub honest: HonestStrategy,
    pub judge: Judge,
    pub steps: u64,
    pub games: u32,
    pub honest_wins: u32,
    pub win_rate: f64,
    /// [`predicted_win_rate`] with the lie uniform over 1..=N.
    pub predicted_win_rate: f64,
    /// sqrt(p(1 − p)/games) at the predicted p: the scale of the gap to expect.
    pub standard_error: f64,
    pub mean_rounds: f64,
}

/// Plays `games` games per strategy. Game g draws its x0, lie position (uniform in 1..=N) and
/// wrong state from (seed, g), the same for every strategy, so the strategies meet the same
/// liars.
pub fn win_rates(config: &WinRateConfig, games: u32, seed: u64) -> Result<Vec<WinRate>, DebateError> {
    if !(1..=MAX_GAMES).contains(&games) {
        return Err(DebateError::Games(games));
    }
    config.judge.validate()?;
    Computation::standard(config.steps, 0)?;
    config.honest.iter().map(|&honest| play(config.steps, honest, config.judge, games, seed)).collect()
}

/// Win rates of each strategy before a noisy judge of each accuracy, for plotting.
pub fn judge_accuracy_sweep(
    steps: u64,
    honest: &[HonestStrategy],
    accuracies: &[f64],
    games: u32,
    seed: u64,
) -> Result<Vec<WinRate>, DebateError> {
    let mut rows = Vec::with_capacity(honest.len() * accuracies.len());
    for &accuracy in accuracies {
        let config = WinRateConfig { steps, judge: Judge::noisy(accuracy), honest: honest.to_vec() };
        rows.extend(win_rates(&config, games, seed)?);
    }
    Ok(rows)
}

fn play(steps: u64, honest: HonestStrategy, judge: Judge, games: u32, seed: u64) -> Result<WinRate, DebateError> {
    let (mut wins, mut rounds) = (0u32, 0u64);
    for g in 0..games {
        let game_seed = seeded(seed, GAME_STREAM, u64::from(g)).next_u64();
        let config = DebateConfig {
            computation: Computation::standard(steps, game_seed)?,
            lie_at: default_lie_at(steps, game_seed),
            liar_state: None,
            honest,
            judge,
            seed: game_seed,
        };
        let mut debate = Debate::new(config)?;
        if debate.play_to_end()?.winner == Verdict::Honest {
            wins += 1;
        }
        rounds += u64::from(debate.counters().rounds);
    }
    let p = predicted_win_rate(steps, honest, &judge);
    Ok(WinRate {
        honest,
        judge,
        steps,
        games,
        honest_wins: wins,
        win_rate: f64::from(wins) / f64::from(games),
        predicted_win_rate: p,
        standard_error: (p * (1.0 - p) / f64::from(games)).sqrt(),
        mean_rounds: rounds as f64 / f64::from(games),
    })
}

/// The chance that the honest side steers the dispute onto the liar's false step, with the lie
/// uniform over 1..=N. Over an interval of length L split into ⌊L/2⌋ and ⌈L/2⌉, the lie is in
/// each part in proportion to its length; a round the debater can compute is decided right,
/// one it cannot is a fair coin:
///
///   P(1) = 1,  P(L) = c(L) · (⌊L/2⌋ P(⌊L/2⌋) + ⌈L/2⌉ P(⌈L/2⌉)) / L,  c = 1 or 1/2.
///
/// For the lazy debater P(L) = 1/L exactly; for the full one, 1. Lengths at each depth take
/// at most two values, so the memo holds O(log N) entries.
pub fn reach_probability(steps: u64, honest: HonestStrategy) -> f64 {
    fn p(len: u64, honest: HonestStrategy, memo: &mut BTreeMap<u64, f64>) -> f64 {
        if len <= 1 {
            return 1.0;
        }
        if let Some(&v) = memo.get(&len) {
            return v;
        }
        let (left, right) = (len / 2, len - len / 2);
        let coin = if honest.can_compute(left) { 1.0 } else { 0.5 };
        let v = coin * (left as f64 * p(left, honest, memo) + right as f64 * p(right, honest, memo)) / len as f64;
        memo.insert(len, v);
        v
    }
    p(steps, honest, &mut BTreeMap::new())
}

/// The honest side's win probability before `judge`: it wins when it reached the false step
/// and the judge rules right, or missed it and the judge rules wrong:
/// P·q + (1 − P)(1 − q), q the judge's effective accuracy.
pub fn predicted_win_rate(steps: u64, honest: HonestStrategy, judge: &Judge) -> f64 {
    let (p, q) = (reach_probability(steps, honest), judge.effective_accuracy());
    p * q + (1.0 - p) * (1.0 - q)
}

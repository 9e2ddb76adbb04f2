//! `frontier debate --steps N --lie-at T --seed S`: one binary-search debate over N steps of
//! x ↦ (48271·x + 1) mod (2^31 − 1), played by the built-in debaters, with the judge's work
//! beside direct verification and the transcript.

use clap::Args as ClapArgs;
use frontier_alignment::debate::{
    default_lie_at, win_rates, Computation, Debate, DebateConfig, DebateError, HonestStrategy, Judge, WinRateConfig,
    DEFAULT_INCREMENT, DEFAULT_MODULUS, DEFAULT_MULTIPLIER, DEFAULT_STEPS,
};
use serde_json::{json, Value};

use crate::UsageError;

#[derive(ClapArgs)]
pub struct Args {
    /// Steps of the recurrence the debaters disagree about (1 to 2^26).
    #[arg(long, default_value_t = DEFAULT_STEPS)]
    steps: u64,
    /// The first state the liar gets wrong, in 1..=steps. Default: drawn from the seed.
    #[arg(long)]
    lie_at: Option<u64>,
    /// Seeds x0 (unless --x0), the default --lie-at, the liar's wrong state, the lazy
    /// debater's coins and the judge's errors.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// The starting state, below 2^31 − 1. Default: drawn from the seed.
    #[arg(long)]
    x0: Option<u64>,
    /// full (computes every state), lazy (cannot: guesses which half holds the flaw) or
    /// bounded:STEPS (can run that many steps from the agreed state).
    #[arg(long, default_value = "full")]
    honest: String,
    /// Probability that the judge rules right on the one step it checks.
    #[arg(long, allow_negative_numbers = true, default_value_t = 1.0)]
    judge_accuracy: f64,
    /// Recursive reward modelling: the check is handed through this many verifiers first
    /// (0: the judge checks directly).
    #[arg(long, default_value_t = 0)]
    verifier_depth: u32,
    /// Probability that each verifier passes the verdict on right (else it reports the opposite).
    #[arg(long, allow_negative_numbers = true, default_value_t = 1.0)]
    verifier_accuracy: f64,
    /// Also play this many seeded games with the full and with this honest debater and report
    /// the honest side's win rates beside the model's.
    #[arg(long)]
    games: Option<u32>,
}

fn invalid(e: DebateError) -> UsageError {
    UsageError(format!("invalid input: {e}"))
}

fn to_value<T: serde::Serialize>(v: &T) -> Result<Value, UsageError> {
    serde_json::to_value(v).map_err(|e| UsageError(e.to_string()))
}

fn config(args: &Args) -> Result<DebateConfig, UsageError> {
    let honest = HonestStrategy::parse(&args.honest)
        .ok_or_else(|| UsageError(format!("--honest {:?}: use full, lazy or bounded:STEPS", args.honest)))?;
    let computation = match args.x0 {
        None => Computation::standard(args.steps, args.seed),
        Some(x0) => Computation::new(DEFAULT_MULTIPLIER, DEFAULT_INCREMENT, DEFAULT_MODULUS, x0, args.steps),
    }
    .map_err(invalid)?;
    let judge = Judge {
        accuracy: args.judge_accuracy,
        verifier_depth: args.verifier_depth,
        verifier_accuracy: args.verifier_accuracy,
    };
    let config = DebateConfig {
        computation,
        lie_at: args.lie_at.unwrap_or_else(|| default_lie_at(args.steps, args.seed)),
        liar_state: None,
        honest,
        judge,
        seed: args.seed,
    };
    config.validate().map_err(invalid)?;
    Ok(config)
}

pub fn run(args: &Args) -> Result<Value, UsageError> {
    let config = config(args)?;
    let mut debate = Debate::new(config).map_err(invalid)?;
    let outcome = *debate.play_to_end().map_err(invalid)?;
    let counters = debate.counters();
    let mut out = json!({
        "steps": config.computation.steps(),
        "seed": config.seed,
        "computation": to_value(&config.computation)?,
        "honest": config.honest.to_string(),
        "lie_at": config.lie_at,
        "liar_state": debate.liar().wrong_state,
        "judge": to_value(&config.judge)?,
        "effective_judge_accuracy": config.judge.effective_accuracy(),
        "rounds": counters.rounds,
        "max_rounds": counters.max_rounds,
        "judge_checks": counters.judge_steps_computed,
        "judge_comparisons": counters.judge_comparisons,
        "judge_work": counters.judge_work,
        "verifier_handoffs": counters.verifier_handoffs,
        "direct_verification_steps": counters.direct_verification_steps,
        "true_final": debate.true_final(),
        "liar_final": debate.liar_final(),
        "checked_step": to_value(&outcome.checked_step)?,
        "agreed_state": outcome.agreed_state,
        "step_result": outcome.step_result,
        "honest_claim": to_value(&outcome.honest_claim)?,
        "liar_claim": outcome.liar_claim,
        "correct_verdict": to_value(&outcome.correct_verdict)?,
        "winner": to_value(&outcome.winner)?,
        "judge_correct": outcome.judge_correct,
        "transcript": to_value(&debate.transcript())?,
    });
    if let Some(games) = args.games {
        let mut honest = vec![HonestStrategy::Full];
        if config.honest != HonestStrategy::Full {
            honest.push(config.honest);
        }
        let rates = win_rates(&WinRateConfig { steps: args.steps, judge: config.judge, honest }, games, args.seed)
            .map_err(invalid)?;
        out["win_rates"] = to_value(&rates)?;
    }
    Ok(out)
}

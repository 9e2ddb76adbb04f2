//! Debate properties: a correct judge and a full honest debater always win, in at most
//! ceil(log2 N) rounds, checking exactly the liar's false step; the lazy debater wins as often
//! as the model says.

use proptest::prelude::*;

use super::*;

fn ok<T>(r: Result<T, DebateError>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// x ↦ 3x + 1 mod 7 from x0 = 2 for 8 steps, the liar wrong from step 5 with x5 = 4:
///   t      0 1 2 3 4 5 6 7 8
///   truth  2 0 1 4 6 5 2 0 1
///   liar   2 0 1 4 6 4 6 5 2   (4 → 13 ≡ 6 → 19 ≡ 5 → 16 ≡ 2)
fn small(honest: HonestStrategy) -> Debate {
    let computation = ok(Computation::new(3, 1, 7, 2, 8));
    let config = DebateConfig { computation, lie_at: 5, liar_state: Some(4), honest, judge: Judge::CORRECT, seed: 0 };
    ok(Debate::new(config))
}

#[test]
fn hand_computed_debate_over_eight_steps() {
    let mut d = small(HonestStrategy::Full);
    assert_eq!((d.true_final(), d.liar_final()), (1, 2));
    assert_eq!(d.phase(), Phase::Round { round: 1, lo: 0, hi: 8, mid: 4 });
    // Round 1 at 4: both say 6, so the dispute moves to [4, 8].
    let r = *ok(d.play_round());
    assert_eq!((r.honest_claim, r.liar_claim, r.agreed, r.kept), (Claim::Value(6), 6, true, Half::Right));
    // Round 2 at 6: honest 2, liar 6: [4, 6]. Round 3 at 5: honest 5, liar 4: [4, 5].
    let r = *ok(d.play_round());
    assert_eq!((r.mid, r.honest_claim, r.liar_claim, r.kept), (6, Claim::Value(2), 6, Half::Left));
    let r = *ok(d.play_round());
    assert_eq!((r.mid, r.honest_claim, r.liar_claim), (5, Claim::Value(5), 4));
    assert_eq!(d.phase(), Phase::Judge { from: 4, to: 5 });
    // The judge computes one step: 3·6 + 1 = 19 ≡ 5, the honest claim.
    let o = *ok(d.judge());
    assert_eq!(o.checked_step, StepRef { from: 4, to: 5 });
    assert_eq!((o.agreed_state, o.step_result, o.winner, o.judge_correct), (6, 5, Verdict::Honest, true));
    let c = d.counters();
    assert_eq!((c.rounds, c.judge_comparisons, c.judge_steps_computed, c.judge_work), (3, 3, 1, 4));
    assert_eq!(c.direct_verification_steps, 8);
    assert_eq!(d.phase(), Phase::Finished { winner: Verdict::Honest });
    assert_eq!(d.play_round().err(), Some(DebateError::Finished));
    assert_eq!(d.judge().err(), Some(DebateError::Finished));
}

#[test]
fn a_lazy_debater_that_guesses_wrong_loses_at_a_consistent_step() {
    // Playing the lazy side by hand: reject the (true) claim at 4, and the liar's claims in
    // [0, 4] are all true, so the judge's step goes against the honest side.
    let mut d = small(HonestStrategy::Lazy);
    ok(d.commit_honest(Claim::Not(6)));
    while d.next_midpoint().is_some() {
        let liar = d.liar_move().unwrap_or_default();
        ok(d.commit_honest(Claim::Value(liar)));
    }
    let o = *ok(d.judge());
    assert_eq!((o.checked_step, o.winner), (StepRef { from: 3, to: 4 }, Verdict::Liar));
    assert_eq!(o.honest_claim, Claim::Not(6));
}

#[test]
fn the_user_can_judge_or_lie() {
    let mut d = small(HonestStrategy::Full);
    while d.next_midpoint().is_some() {
        ok(d.play_round());
    }
    let leaf = d.leaf().unwrap_or_else(|| panic!("no leaf"));
    assert_eq!((leaf.agreed_state, leaf.honest_claim, leaf.liar_claim), (6, Claim::Value(5), 4));
    let o = *ok(d.judge_as(Verdict::Liar));
    assert!(o.judged_by_user && !o.judge_correct && o.winner == Verdict::Liar);
    assert_eq!(o.correct_verdict, Verdict::Honest);

    // A user liar who claims 0 everywhere still loses to the full honest debater.
    let mut d = small(HonestStrategy::Full);
    while d.next_midpoint().is_some() {
        ok(d.commit_liar(0));
    }
    assert_eq!(ok(d.judge()).winner, Verdict::Honest);
}

#[test]
fn bad_moves_are_errors() {
    let mut d = small(HonestStrategy::Full);
    assert_eq!(d.judge().err(), Some(DebateError::NotAtLeaf(8)));
    assert_eq!(d.commit(Claim::Value(9), 1).err(), Some(DebateError::ClaimOutOfRange { value: 9, m: 7 }));
    assert_eq!(d.commit(Claim::Not(2), 1).err(), Some(DebateError::DisputeMismatch { disputed: 2, liar: 1 }));
    assert!(d.transcript().is_empty());
    let bad = DebateConfig::new(8, 9, 0).err();
    assert_eq!(bad, Some(DebateError::LieAt { lie_at: 9, steps: 8 }));
    assert!(bad.map(|e| e.to_string()).unwrap_or_default().contains("1..=8"));
    assert_eq!(DebateConfig::new(8, 0, 0).err(), Some(DebateError::LieAt { lie_at: 0, steps: 8 }));
    assert_eq!(DebateConfig::new(0, 1, 0).err(), Some(DebateError::Steps(0)));
    let noisy = ok(DebateConfig::new(8, 3, 0)).with_judge(Judge::noisy(f64::NAN));
    assert!(Debate::new(noisy).is_err());
}

#[test]
fn one_step_needs_no_rounds() {
    let mut d = ok(Debate::new(ok(DebateConfig::new(1, 1, 5))));
    assert_eq!(d.phase(), Phase::Judge { from: 0, to: 1 });
    assert_eq!(d.commit_liar(3).err(), Some(DebateError::NeedsJudge));
    assert_eq!(ok(d.play_to_end()).winner, Verdict::Honest);
    assert_eq!(d.counters().judge_work, 1);
}

#[test]
fn the_default_game_takes_twenty_rounds_and_replays() {
    let config = ok(DebateConfig::new(DEFAULT_STEPS, default_lie_at(DEFAULT_STEPS, 42), 42));
    let mut a = ok(Debate::new(config));
    let o = *ok(a.play_to_end());
    assert_eq!(o.winner, Verdict::Honest);
    assert_eq!(o.checked_step.to, config.lie_at);
    let c = a.counters();
    assert_eq!((c.rounds, c.max_rounds, c.judge_work, c.direct_verification_steps), (20, 20, 21, 1 << 20));
    assert_eq!(a.true_final(), a.computation().state_at(DEFAULT_STEPS));
    let mut b = ok(Debate::new(config));
    ok(b.play_to_end());
    assert_eq!(a, b);
    let json = serde_json::to_value(&a).unwrap_or_default();
    assert_eq!(json["transcript"][0]["kept"].as_str().map(|k| k == "left" || k == "right"), Some(true));
}

#[test]
fn reach_probability_of_a_coin_is_one_over_n() {
    for n in [1, 2, 3, 7, 16, 1000, 1 << 20] {
        assert!((reach_probability(n, HonestStrategy::Lazy) - 1.0 / n as f64).abs() < 1e-15, "{n}");
        assert_eq!(reach_probability(n, HonestStrategy::Full), 1.0);
        assert_eq!(reach_probability(n, HonestStrategy::Bounded { budget_steps: n }), 1.0);
    }
    // Budget 64 of 1024: the lower halves are 512, 256, 128 (three coins), then 64 and less
    // (computed): 1/8.
    assert!((reach_probability(1024, HonestStrategy::Bounded { budget_steps: 64 }) - 0.125).abs() < 1e-15);
}

fn rate(steps: u64, honest: HonestStrategy, judge: Judge, games: u32, seed: u64) -> WinRate {
    let config = WinRateConfig { steps, judge, honest: vec![honest] };
    ok(win_rates(&config, games, seed)).into_iter().next().unwrap_or_else(|| panic!("no rate"))
}

/// Within 4 standard errors, plus one game's worth: about 6e-5 chance of a false alarm per
/// check, and the seeds are fixed.
fn assert_near_prediction(r: &WinRate) {
    let tolerance = 4.0 * r.standard_error + 1.0 / f64::from(r.games);
    assert!((r.win_rate - r.predicted_win_rate).abs() <= tolerance, "{r:?}");
}

#[test]
fn lazy_and_bounded_win_rates_match_the_model() {
    // Lazy, N = 16: 1/16 = 0.0625, σ = 0.0017 over 20,000 games.
    let lazy = rate(16, HonestStrategy::Lazy, Judge::CORRECT, 20_000, 1);
    assert!((lazy.predicted_win_rate - 0.0625).abs() < 1e-15);
    assert_near_prediction(&lazy);
    // Bounded, N = 1024 with 64 steps of compute: 1/8.
    assert_near_prediction(&rate(1024, HonestStrategy::Bounded { budget_steps: 64 }, Judge::CORRECT, 10_000, 2));
    // Lazy at N = 2^20: predicted 1/2^20, so no wins in 2,000 games (P(any) ≈ 0.002).
    let big = rate(DEFAULT_STEPS, HonestStrategy::Lazy, Judge::CORRECT, 2_000, 3);
    assert_eq!(big.honest_wins, 0);
    assert_eq!(big.mean_rounds, 20.0);
}

#[test]
fn noisy_and_delegating_judges_match_the_model() {
    // Full honest before a judge right 80% of the time wins 80%; lazy wins 0.0625·0.8 +
    // 0.9375·0.2 = 0.2375: the judge's errors are the lazy debater's main hope.
    let full = rate(64, HonestStrategy::Full, Judge::noisy(0.8), 10_000, 4);
    assert!((full.predicted_win_rate - 0.8).abs() < 1e-12);
    assert_near_prediction(&full);
    let lazy = rate(16, HonestStrategy::Lazy, Judge::noisy(0.8), 10_000, 5);
    assert!((lazy.predicted_win_rate - 0.2375).abs() < 1e-12);
    assert_near_prediction(&lazy);
    // Five verifiers of accuracy 0.9: (1 + 0.8^5)/2 = 0.66384.
    let chain = rate(64, HonestStrategy::Full, Judge::delegated(5, 0.9), 10_000, 6);
    assert!((chain.predicted_win_rate - 0.66384).abs() < 1e-12);
    assert_near_prediction(&chain);
    let sweep = ok(judge_accuracy_sweep(32, &[HonestStrategy::Full, HonestStrategy::Lazy], &[0.5, 1.0], 200, 7));
    assert_eq!(sweep.len(), 4);
    assert_eq!((sweep[2].win_rate, sweep[3].judge.accuracy), (1.0, 1.0));
    assert_eq!(win_rates(&WinRateConfig::default(), 0, 1).err(), Some(DebateError::Games(0)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_correct_judge_and_a_full_honest_debater_always_win(
        steps in 1u64..=5000,
        lie_fraction in 0.0f64..1.0,
        seed in any::<u64>(),
    ) {
        let lie_at = 1 + ((steps as f64 * lie_fraction) as u64).min(steps - 1);
        let mut d = ok(Debate::new(ok(DebateConfig::new(steps, lie_at, seed))));
        let o = *ok(d.play_to_end());
        prop_assert_eq!(o.winner, Verdict::Honest);
        prop_assert_eq!(o.checked_step, StepRef { from: lie_at - 1, to: lie_at });
        let c = d.counters();
        let ceil = max_rounds(steps);
        let floor = 63 - steps.leading_zeros();
        prop_assert!(c.rounds <= ceil && c.rounds >= floor, "{} rounds for N = {}", c.rounds, steps);
        if steps.is_power_of_two() {
            prop_assert_eq!(c.rounds, ceil);
        }
        prop_assert_eq!(c.judge_work, u64::from(c.rounds) + 1);
        prop_assert_eq!(c.direct_verification_steps, steps);
    }

    #[test]
    fn any_liar_loses_to_the_full_honest_debater(
        steps in 2u64..=2000,
        claims in proptest::collection::vec(any::<u64>(), 11),
        truthful in proptest::collection::vec(any::<bool>(), 11),
        seed in any::<u64>(),
    ) {
        let lie_at = default_lie_at(steps, seed);
        let mut d = ok(Debate::new(ok(DebateConfig::new(steps, lie_at, seed))));
        let m = d.computation().m();
        for i in 0.. {
            let Some(mid) = d.next_midpoint() else { break };
            let value = if truthful[i % 11] { d.computation().state_at_fast(mid) } else { claims[i % 11] % m };
            ok(d.commit_liar(value));
        }
        prop_assert_eq!(ok(d.judge()).winner, Verdict::Honest);
    }

    #[test]
    fn the_jump_equals_the_loop(m in 2u64..1_000_000, a in 1u64..1_000_000, c in 0u64..1_000_000, x0 in any::<u64>(), t in 0u64..3000) {
        let comp = Computation::new(a % m, c % m, m, x0 % m, 5000);
        prop_assume!(comp.is_ok());
        let comp = ok(comp);
        prop_assert_eq!(comp.state_at_fast(t), comp.state_at(t));
        prop_assert_eq!(comp.jump(comp.state_at(t / 2), t - t / 2), comp.state_at(t));
    }
}

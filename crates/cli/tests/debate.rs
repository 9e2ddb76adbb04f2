//! `frontier debate`: the summary keys, a hand-checked small game, the lazy debater, the
//! delegated judge, and bad input.

mod common;

/// `frontier debate args…`.
fn frontier(args: &[&str]) -> (i32, serde_json::Value, String) {
    let mut all = vec!["debate"];
    all.extend_from_slice(args);
    common::frontier(&all)
}

#[test]
fn the_default_game_over_a_million_steps() {
    let (code, v, err) = frontier(&["--lie-at", "777777", "--seed", "3"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        (v["steps"].as_u64(), v["rounds"].as_u64(), v["max_rounds"].as_u64()),
        (Some(1 << 20), Some(20), Some(20))
    );
    assert_eq!((v["judge_checks"].as_u64(), v["judge_work"].as_u64()), (Some(1), Some(21)));
    assert_eq!(v["direct_verification_steps"].as_u64(), Some(1_048_576));
    assert_eq!(v["winner"], "honest");
    assert_eq!(v["checked_step"], serde_json::json!({"from": 777_776, "to": 777_777}));
    assert_ne!(v["true_final"], v["liar_final"]);
    assert_eq!(v["transcript"].as_array().map(Vec::len), Some(20));
    assert_eq!(v["transcript"][0]["mid"].as_u64(), Some(524_288));
    // The lie at 777,777 is above the first midpoint: both agree there.
    assert_eq!(v["transcript"][0]["kept"], "right");
}

#[test]
fn a_small_game_checked_by_hand() {
    // x ↦ 48271x + 1 mod 2^31 − 1 from 1: x1 = 48272, x2 = 182654066, x3 = 1474048952,
    // x4 = 1241285942, ..., x8 = 1392962038. Lie at 3: rounds at 4 (disagree), 2 (agree),
    // 3 (disagree), and the judge computes x3 from x2.
    let (code, v, err) = frontier(&["--steps", "8", "--lie-at", "3", "--x0", "1"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["true_final"].as_u64(), Some(1_392_962_038));
    let mids: Vec<u64> = v["transcript"].as_array().into_iter().flatten().filter_map(|r| r["mid"].as_u64()).collect();
    assert_eq!(mids, [4, 2, 3]);
    assert_eq!(v["transcript"][0]["honest_claim"], serde_json::json!({"value": 1_241_285_942u64}));
    assert_eq!(v["transcript"][1]["liar_claim"].as_u64(), Some(182_654_066));
    assert_eq!((v["agreed_state"].as_u64(), v["step_result"].as_u64()), (Some(182_654_066), Some(1_474_048_952)));
    assert_eq!(v["checked_step"], serde_json::json!({"from": 2, "to": 3}));
    assert_eq!(
        (v["rounds"].as_u64(), v["judge_work"].as_u64(), v["winner"].as_str()),
        (Some(3), Some(4), Some("honest"))
    );
}

#[test]
fn the_seed_chooses_the_lie_and_replays() {
    let (_, a, _) = frontier(&["--steps", "1000", "--seed", "9"]);
    let (_, b, _) = frontier(&["--steps", "1000", "--seed", "9"]);
    assert_eq!(a, b);
    let lie_at = a["lie_at"].as_u64().unwrap_or(0);
    assert!((1..=1000).contains(&lie_at));
    assert_eq!(a["checked_step"]["to"].as_u64(), Some(lie_at));
}

#[test]
fn the_lazy_debater_and_the_delegated_judge() {
    // Lazy at N = 16 wins 1/16 of games in the model; full always does before a correct judge.
    let (code, v, err) = frontier(&["--steps", "16", "--honest", "lazy", "--games", "4000", "--seed", "1"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["win_rates"][0]["win_rate"], 1.0);
    let lazy = v["win_rates"][1]["win_rate"].as_f64().unwrap_or(-1.0);
    assert!((lazy - 0.0625).abs() < 4.0 * (0.0625f64 * 0.9375 / 4000.0).sqrt(), "{lazy}");
    // Three verifiers of accuracy 0.9: (1 + 0.8³)/2 = 0.756.
    let (code, v, err) = frontier(&["--steps", "64", "--verifier-depth", "3", "--verifier-accuracy", "0.9"]);
    assert_eq!(code, 0, "{err}");
    assert!((v["effective_judge_accuracy"].as_f64().unwrap_or(0.0) - 0.756).abs() < 1e-12);
    assert_eq!(v["verifier_handoffs"].as_u64(), Some(3));
    assert_eq!(v["judge_correct"], v["correct_verdict"] == v["winner"]);
}

#[test]
fn bad_input_exits_2() {
    for (args, needle) in [
        (&["--steps", "8", "--lie-at", "9"][..], "1..=8"),
        (&["--steps", "8", "--lie-at", "0"][..], "lie_at"),
        (&["--steps", "0"][..], "steps"),
        (&["--steps", "100000000"][..], "steps"),
        (&["--honest", "clever"][..], "--honest"),
        (&["--judge-accuracy", "1.5"][..], "judge accuracy"),
        (&["--verifier-accuracy", "-0.1"][..], "verifier accuracy"),
        (&["--verifier-depth", "1000"][..], "verifier chain"),
        (&["--x0", "2147483647"][..], "x0"),
        (&["--games", "0"][..], "games"),
    ] {
        let (code, _, err) = frontier(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

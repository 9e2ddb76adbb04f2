//! The pixel debate against its committed assets: the Rust judge against torch, the judge's
//! accuracy on the held-out digits, debate against random reveals, and the game's rules.
//!
//! Measured on the 1,000 held-out digits (release build, `print_measurement_table` below; the
//! liar opens; debate accuracy = the honest player beats all nine lies; win rate = single debates):
//!
//! | pixels | random pixels (10 seeds) | random debaters | greedy | minimax d2 w8 | paper random → debate |
//! |--------|--------------------------|-----------------|--------|---------------|-----------------------|
//! | 4      | 0.459                    | 0.317           | 0.793 (win rate 0.958) | 0.792 (0.956) | 0.482 → 0.852 |
//! | 6      | 0.552                    | 0.428           | 0.803 (win rate 0.960) | 0.801 (0.959) | 0.594 → 0.889 |
//!
//! With the honest player opening instead: greedy 0.771 / 0.789, minimax 0.788 / 0.800.

use frontier_alignment::pixel::{
    choose_pixel, evaluate, evaluate_with, random_accuracy, random_reveals, DebateConfig, Digit, Digits, Game, Judge,
    PixelError, Player, Reveal, Strategy, CLASSES, PAPER_FIGURES, PIXELS,
};
use frontier_alignment::SplitMix64;

const JUDGE_BYTES: &[u8] = include_bytes!("../assets/pixel-judge.bin");
const DIGITS_BYTES: &[u8] = include_bytes!("../assets/pixel-digits.bin");
const REFERENCE: &str = include_str!("fixtures/pixel_judge_reference.json");

/// Digits debated in the (debug-build) debate tests: greedy search over 200 digits × 9 lies
/// takes seconds; the full 1,000 are in the ignored table.
const DEBATE_DIGITS: usize = 200;

fn judge() -> Judge {
    Judge::from_bytes(JUDGE_BYTES).unwrap_or_else(|e| panic!("judge asset: {e}"))
}

fn digits() -> Digits {
    Digits::from_bytes(DIGITS_BYTES).unwrap_or_else(|e| panic!("digits asset: {e}"))
}

fn reference() -> serde_json::Value {
    serde_json::from_str(REFERENCE).unwrap_or_else(|e| panic!("fixture: {e}"))
}

fn as_usize(value: &serde_json::Value) -> usize {
    value.as_u64().unwrap_or_else(|| panic!("not an integer: {value}")) as usize
}

/// A digit with more than enough ink for every test game.
fn held_out_digit(index: usize) -> Digit {
    digits().get(index).cloned().unwrap_or_else(|| panic!("no held-out digit {index}"))
}

fn wrong_label(digit: &Digit) -> u8 {
    (digit.label() + 1) % 10
}

#[test]
fn assets_have_the_documented_shapes() {
    let (judge, digits) = (judge(), digits());
    assert_eq!(judge.hidden_units(), 128);
    assert_eq!(digits.len(), 1000);
    let mut per_class = [0usize; CLASSES];
    for digit in digits.iter() {
        per_class[usize::from(digit.label())] += 1;
        assert!(digit.ink_pixels().len() >= 8, "every held-out digit can host an 8-pixel debate");
    }
    assert!(per_class.iter().all(|&n| (60..=140).contains(&n)), "a seeded shuffle of all ten classes: {per_class:?}");
}

/// The fixture holds the torch logits of the same dequantized int8 weights the Rust judge runs,
/// so quantization is not part of the difference: only the f32 summation order is (torch sums
/// 1,568 inputs, mostly zero; Rust adds at most 8 weight columns). With logits of magnitude
/// ≲ 10 that is ~1e-6; 1e-4 leaves room and still catches any layout or scaling mistake
/// (one int8 step of a first-layer weight moves a logit by ~1e-3 or more).
#[test]
fn judge_logits_match_torch() {
    let (judge, digits, reference) = (judge(), digits(), reference());
    let cases = reference["cases"].as_array().unwrap_or_else(|| panic!("fixture has no cases"));
    assert!(cases.len() >= 10);
    for case in cases {
        let digit = digits.get(as_usize(&case["digit"])).unwrap_or_else(|| panic!("fixture digit out of range"));
        let reveals: Vec<Reveal> = case["pixels"]
            .as_array()
            .unwrap_or_else(|| panic!("pixels"))
            .iter()
            .zip(case["values"].as_array().unwrap_or_else(|| panic!("values")))
            .map(|(pixel, value)| {
                let (pixel, value) = (as_usize(pixel), as_usize(value));
                assert_eq!(usize::from(digit.pixels()[pixel]), value, "the held-out asset matches the fixture");
                Reveal::new(pixel, value as u8).unwrap_or_else(|e| panic!("{e}"))
            })
            .collect();
        let logits = judge.logits(&reveals);
        let expected = case["logits"].as_array().unwrap_or_else(|| panic!("logits"));
        for (class, (&got, want)) in logits.iter().zip(expected).enumerate() {
            let want = want.as_f64().unwrap_or_else(|| panic!("logit")) as f32;
            assert!((got - want).abs() < 1e-4, "case {case}: class {class} logit {got} vs torch {want}");
        }
    }
}

/// The same SplitMix64 draws as the script's fixture, so the very same pixels are revealed; a
/// prediction can differ only where two logits tie to within f32 rounding. Tolerance: 2 of 1,000
/// digits. (Measured: 0.452 at k = 4 and 0.566 at k = 6 with these seeds; 0.459 and 0.552 over
/// ten seeds, beside the paper's 0.482 and 0.594.)
#[test]
fn held_out_accuracy_with_random_pixels_matches_torch() {
    let (judge, digits, reference) = (judge(), digits(), reference());
    let rows = reference["random_accuracy"].as_array().unwrap_or_else(|| panic!("fixture has no accuracy"));
    assert_eq!(rows.len(), 2);
    for row in rows {
        let (k, seed, correct) = (as_usize(&row["k"]), row["seed"].as_u64().unwrap_or(0), as_usize(&row["correct"]));
        let accuracy = random_accuracy(&judge, digits.as_slice(), k, seed);
        let expected = correct as f64 / digits.len() as f64;
        assert!((accuracy - expected).abs() <= 0.002 + 1e-12, "k={k}: Rust {accuracy} vs torch {expected}");
        // Far above chance (0.1), and near the paper's sparse classifier, as a toy should be.
        let paper = PAPER_FIGURES.iter().find(|f| f.pixels == k).unwrap_or_else(|| panic!("no paper row for {k}"));
        assert!(
            (accuracy - paper.random_accuracy).abs() < 0.07,
            "k={k}: {accuracy} vs paper {}",
            paper.random_accuracy
        );
    }
}

/// Greedy debaters on the first 200 held-out digits, the liar opening. Measured: k = 4: random
/// pixels 0.450, debate 0.765 (honest wins 0.951 of single debates); k = 6: 0.545 → 0.770
/// (0.952). Greedy search is deterministic, so the band only absorbs float differences between
/// platforms.
#[test]
fn debate_raises_judge_accuracy_over_random_pixels() {
    let (judge, digits) = (judge(), digits());
    let subset = &digits.as_slice()[..DEBATE_DIGITS];
    for (k, random, debate, win_rate) in [(4, 0.450, 0.765, 0.951), (6, 0.545, 0.770, 0.952)] {
        let a = evaluate(&judge, subset, k, Strategy::Greedy, k as u64);
        assert_eq!((a.images, a.skipped, a.pixels), (DEBATE_DIGITS, 0, k));
        assert!((a.random_accuracy - random).abs() < 0.01, "k={k}: random {}", a.random_accuracy);
        assert!((a.debate_accuracy - debate).abs() < 0.03, "k={k}: debate {}", a.debate_accuracy);
        assert!((a.honest_win_rate - win_rate).abs() < 0.02, "k={k}: win rate {}", a.honest_win_rate);
        assert!(a.debate_accuracy > a.random_accuracy + 0.15, "k={k}: {a:?}");
    }
}

/// Random debaters reveal random pixels, and the honest side must then beat all nine lies: the
/// "debate" measure falls below the judge's own accuracy. It is the search that helps.
/// (Measured on these 200 digits at k = 6: 0.40.)
#[test]
fn random_debaters_do_not_help() {
    let (judge, digits) = (judge(), digits());
    let a = evaluate(&judge, &digits.as_slice()[..DEBATE_DIGITS], 6, Strategy::Random, 3);
    assert!(a.debate_accuracy < a.random_accuracy, "{a:?}");
    assert!(a.honest_win_rate > 0.8, "each single lie still mostly loses: {a:?}");
}

/// Minimax on a few digits: it must play legal, deterministic games and help as much as greedy
/// (on the full set the two are within 0.002 of each other, see the table above).
#[test]
fn minimax_debate_also_beats_random_pixels() {
    let (judge, digits) = (judge(), digits());
    let subset = &digits.as_slice()[..30];
    let config = DebateConfig::new(6, Strategy::Minimax { depth: 2, width: 4 });
    let a = evaluate_with(&judge, subset, &config, 6);
    let b = evaluate_with(&judge, subset, &config, 6);
    assert_eq!(a, b, "deterministic under a seed");
    assert!(a.debate_accuracy > a.random_accuracy, "{a:?}");
}

#[test]
fn measurement_is_deterministic_under_a_seed() {
    let (judge, digits) = (judge(), digits());
    let subset = &digits.as_slice()[..50];
    let a = evaluate(&judge, subset, 4, Strategy::Random, 11);
    assert_eq!(a, evaluate(&judge, subset, 4, Strategy::Random, 11));
    let mut r1 = SplitMix64::new(5);
    let mut r2 = SplitMix64::new(5);
    assert_eq!(random_reveals(&subset[0], 6, &mut r1), random_reveals(&subset[0], 6, &mut r2));
}

/// How a page drives a game: the user plays the liar one click at a time, the engine the honest side.
#[test]
fn a_game_can_be_driven_one_reveal_at_a_time() {
    let judge = judge();
    let digit = held_out_digit(0);
    let mut game = Game::new(digit.clone(), wrong_label(&digit), 6, Player::Liar).unwrap_or_else(|e| panic!("{e}"));
    let mut rng = SplitMix64::new(1);
    let mut user_clicks = digit.ink_pixels().into_iter();
    while let Some(player) = game.to_move() {
        let pixel = match player {
            Player::Liar => user_clicks.by_ref().find(|&p| !game.is_revealed(p)),
            Player::Honest => choose_pixel(&judge, &game, Strategy::Greedy, &mut rng),
        }
        .unwrap_or_else(|| panic!("a move"));
        if player == Player::Honest {
            let again = choose_pixel(&judge, &game, Strategy::Greedy, &mut rng);
            assert_eq!(again, Some(pixel), "greedy is deterministic");
            assert!(game.legal_pixels().contains(&pixel));
        }
        let reveal = game.reveal(player, pixel).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(reveal.value(), digit.pixels()[pixel], "a reveal shows the true intensity");
        let live = game.judge_verdict(&judge);
        assert_eq!(live.logits, judge.logits(&game.reveals()));
    }
    assert!(game.is_over());
    assert_eq!(game.moves().len(), 6);
    let players: Vec<Player> = game.moves().iter().map(|&(p, _)| p).collect();
    assert_eq!(players, [Player::Liar, Player::Honest, Player::Liar, Player::Honest, Player::Liar, Player::Honest]);
    let verdict = game.judge_verdict(&judge);
    assert_eq!(verdict.winner == Player::Honest, verdict.honest_logit > verdict.liar_logit);
    assert_eq!(choose_pixel(&judge, &game, Strategy::Greedy, &mut rng), None);
}

#[test]
fn game_refuses_illegal_moves() {
    let digit = held_out_digit(1);
    let ink = digit.ink_pixels();
    let blank = (0..PIXELS).find(|&p| digit.pixels()[p] == 0).unwrap_or_else(|| panic!("a blank pixel"));
    let mut game = Game::new(digit.clone(), wrong_label(&digit), 2, Player::Honest).unwrap_or_else(|e| panic!("{e}"));

    assert_eq!(
        game.reveal(Player::Liar, ink[0]),
        Err(PixelError::WrongTurn { expected: Player::Honest, got: Player::Liar })
    );
    assert_eq!(game.reveal(Player::Honest, PIXELS), Err(PixelError::PixelOutOfRange { pixel: PIXELS }));
    assert_eq!(game.reveal(Player::Honest, blank), Err(PixelError::BlankPixel { pixel: blank }));
    assert!(game.moves().is_empty(), "refused moves change nothing");
    assert!(game.reveal(Player::Honest, ink[0]).is_ok());
    assert_eq!(game.reveal(Player::Liar, ink[0]), Err(PixelError::AlreadyRevealed { pixel: ink[0] }));
    assert_eq!(
        game.reveal(Player::Honest, ink[1]),
        Err(PixelError::WrongTurn { expected: Player::Liar, got: Player::Honest })
    );
    assert!(!game.legal_pixels().contains(&ink[0]));
    assert!(game.reveal(Player::Liar, ink[1]).is_ok());
    assert_eq!(game.reveal(Player::Honest, ink[2]), Err(PixelError::GameOver));
    assert_eq!(game.to_move(), None);

    let label = digit.label();
    assert_eq!(Game::new(digit.clone(), label, 6, Player::Liar).err(), Some(PixelError::SameLabel { label }));
    assert_eq!(Game::new(digit.clone(), 10, 6, Player::Liar).err(), Some(PixelError::BadLabel { label: 10 }));
    assert_eq!(
        Game::new(digit.clone(), wrong_label(&digit), 0, Player::Liar).err(),
        Some(PixelError::BadPixelCount { pixels: 0 })
    );
    assert_eq!(
        Game::new(digit.clone(), wrong_label(&digit), 9, Player::Liar).err(),
        Some(PixelError::BadPixelCount { pixels: 9 })
    );
    let mut sparse = [0u8; PIXELS];
    sparse[100] = 200;
    let sparse = Digit::new(3, sparse).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(Game::new(sparse, 4, 2, Player::Liar).err(), Some(PixelError::NotEnoughInk { ink: 1, needed: 2 }));
    assert_eq!(Digit::new(10, [0; PIXELS]).err(), Some(PixelError::BadLabel { label: 10 }));
    assert_eq!(Reveal::new(PIXELS, 1).err(), Some(PixelError::PixelOutOfRange { pixel: PIXELS }));
}

#[test]
fn parsers_refuse_damaged_assets_without_panicking() {
    for length in (0..64).chain((64..JUDGE_BYTES.len()).step_by(4999)) {
        assert!(Judge::from_bytes(&JUDGE_BYTES[..length]).is_err(), "judge prefix of {length} bytes");
    }
    for length in (0..300).chain((300..DIGITS_BYTES.len()).step_by(4999)) {
        assert!(Digits::from_bytes(&DIGITS_BYTES[..length]).is_err(), "digits prefix of {length} bytes");
    }
    let mut extra = JUDGE_BYTES.to_vec();
    extra.push(0);
    assert_eq!(Judge::from_bytes(&extra).err(), Some(PixelError::TrailingBytes { what: "pixel judge", extra: 1 }));
    let mut magic = JUDGE_BYTES.to_vec();
    magic[0] = b'X';
    assert_eq!(Judge::from_bytes(&magic).err(), Some(PixelError::BadMagic { what: "pixel judge" }));
    assert!(matches!(Judge::from_bytes(DIGITS_BYTES), Err(PixelError::BadMagic { .. })));
    let mut shape = JUDGE_BYTES.to_vec();
    shape[12..16].copy_from_slice(&0u32.to_le_bytes());
    assert!(matches!(Judge::from_bytes(&shape), Err(PixelError::BadShape { .. })));
    let mut nan = JUDGE_BYTES.to_vec();
    nan[20..24].copy_from_slice(&f32::NAN.to_le_bytes());
    assert!(matches!(Judge::from_bytes(&nan), Err(PixelError::NonFinite { .. })));

    let mut count = DIGITS_BYTES.to_vec();
    count[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(Digits::from_bytes(&count), Err(PixelError::BadShape { .. })));
    let mut label = DIGITS_BYTES.to_vec();
    label[12] = 10;
    assert_eq!(Digits::from_bytes(&label).err(), Some(PixelError::BadLabel { label: 10 }));
    // The first digit's first intensity byte follows its label and 98-byte bitmap.
    let mut zero = DIGITS_BYTES.to_vec();
    zero[12 + 1 + 98] = 0;
    assert_eq!(Digits::from_bytes(&zero).err(), Some(PixelError::ZeroIntensity { index: 0 }));
}

/// The full table on the held-out digits. Run with
/// `cargo test --release -p frontier-alignment --test pixel -- --ignored --nocapture` (about two
/// minutes). Its output is the table at the top of this file.
#[test]
#[ignore = "about two minutes in release; prints the measurement table"]
#[allow(clippy::disallowed_methods)] // a hand-run report prints how long each strategy took
fn print_measurement_table() {
    let (judge, digits) = (judge(), digits());
    let digits = digits.as_slice();
    let strategies = [
        (Player::Liar, "random", Strategy::Random),
        (Player::Liar, "greedy", Strategy::Greedy),
        (Player::Liar, "minimax d2 w8", Strategy::Minimax { depth: 2, width: 8 }),
        (Player::Honest, "greedy", Strategy::Greedy),
        (Player::Honest, "minimax d2 w8", Strategy::Minimax { depth: 2, width: 8 }),
    ];
    for paper in PAPER_FIGURES {
        let pixels = paper.pixels;
        let random = (0..10).map(|seed| random_accuracy(&judge, digits, pixels, seed)).sum::<f64>() / 10.0;
        println!(
            "k={pixels}: judge with random pixels {random:.3} (mean of 10 seeds); paper {:.3} -> {:.3} after debate",
            paper.random_accuracy, paper.debate_accuracy
        );
        for (first, name, strategy) in strategies {
            let started = std::time::Instant::now();
            let config = DebateConfig { pixels, first, honest: strategy, liar: strategy };
            let a = evaluate_with(&judge, digits, &config, 1);
            println!(
                "  {first:?} opens, {name:>13}: debate accuracy {:.3}, honest win rate {:.3} ({} digits, {:.1} s)",
                a.debate_accuracy,
                a.honest_win_rate,
                a.images,
                started.elapsed().as_secs_f64()
            );
        }
    }
}

//! The pixel debate against its committed assets: the Rust judge against torch, the judge's
//! accuracy on the held-out digits, and debate against random reveals.

use frontier_alignment::pixel::{
    choose_pixel, evaluate, evaluate_with, random_accuracy, DebateConfig, Digit, Digits, Game, Judge, PixelError,
    Player, Reveal, Strategy, PAPER_FIGURES,
};
use frontier_alignment::SplitMix64;

const JUDGE_BYTES: &[u8] = include_bytes!("../assets/pixel-judge.bin");
const DIGITS_BYTES: &[u8] = include_bytes!("../assets/pixel-digits.bin");
const REFERENCE: &str = include_str!("fixtures/pixel_judge_reference.json");

fn judge() -> Judge {
    Judge::from_bytes(JUDGE_BYTES).unwrap_or_else(|e| panic!("judge asset: {e}"))
}

fn digits() -> Digits {
    Digits::from_bytes(DIGITS_BYTES).unwrap_or_else(|e| panic!("digits asset: {e}"))
}

fn reference() -> serde_json::Value {
    serde_json::from_str(REFERENCE).unwrap_or_else(|e| panic!("fixture: {e}"))
}

/// The full table on the held-out digits. Run with
/// `cargo test --release -p frontier-alignment --test pixel -- --ignored --nocapture`.
#[test]
#[ignore = "a few minutes in release; prints the measurement table"]
fn print_measurement_table() {
    let (judge, digits) = (judge(), digits());
    let digits = digits.as_slice();
    let strategies = [
        ("random", Strategy::Random),
        ("greedy", Strategy::Greedy),
        ("minimax d2 w8", Strategy::Minimax { depth: 2, width: 8 }),
        ("minimax d3 w6", Strategy::Minimax { depth: 3, width: 6 }),
    ];
    for pixels in [4, 6] {
        let random: Vec<f64> = (0..10).map(|seed| random_accuracy(&judge, digits, pixels, seed)).collect();
        let paper = PAPER_FIGURES.iter().find(|f| f.pixels == pixels);
        println!(
            "k={pixels}: random pixels {:.3} (mean of 10 seeds); paper {:?}",
            random.iter().sum::<f64>() / 10.0,
            paper
        );
        for first in [Player::Liar, Player::Honest] {
            for (name, strategy) in strategies {
                let started = std::time::Instant::now();
                let config = DebateConfig { pixels, first, honest: strategy, liar: strategy };
                let a = evaluate_with(&judge, digits, &config, 1);
                println!(
                    "  {first:?} first, {name:>14}: debate accuracy {:.3}, honest win rate {:.3} ({} images, {:.1} s)",
                    a.debate_accuracy,
                    a.honest_win_rate,
                    a.images,
                    started.elapsed().as_secs_f64()
                );
            }
        }
    }
}

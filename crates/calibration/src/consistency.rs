//! Self-consistency: sample several answers per question and vote. How accuracy grows with
//! the number of samples k, and whether the share of samples that agree is a calibrated
//! confidence.
//!
//! Accuracy at k is exact under i.i.d. resampling from each question's empirical answer
//! distribution (not a Monte Carlo estimate) wherever the exact sum is affordable. Tie rule: a
//! vote tied between several answers is broken uniformly at random, so a tie with t other
//! answers counts 1 / (t + 1).
//!
//! The exact sum costs about m²·k³ operations for m distinct wrong answers (see
//! [`exact_cost`]): a question with thousands of distinct samples would take hours. Such a
//! question is estimated instead by simulating votes from a fixed seed ([`MAX_EXACT_COST`]),
//! and the report gives the standard error of every estimated figure.

use std::collections::HashMap;

use frontier_base::rng::SplitMix64;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::data::RowError;

/// The most inner operations the exact vote sums may take for a whole file (a few tenths of a
/// second natively); the costliest questions are simulated until the rest fits.
pub const MAX_EXACT_COST: f64 = 1e8;
/// Simulated votes for one question at each k, at most; fewer when many questions are
/// simulated, so the whole simulation stays within [`MAX_SIMULATED_DRAWS`].
pub const MAX_TRIALS: usize = 4000;
/// The most sampled answers all simulations together draw, unless so many questions are
/// simulated that even one vote each at every k exceeds it (then the work is one vote per
/// question and k: linear in the file).
pub const MAX_SIMULATED_DRAWS: f64 = 4e8;
/// The seed of the simulated votes: a report is the same every time.
const SIMULATION_SEED: u64 = 0x5e1f_c0de;

/// One question: its normalized samples and gold answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Question {
    pub id: String,
    pub samples: Vec<String>,
    pub gold: String,
}

/// Case, whitespace, thousands separators, currency signs and a trailing unit word do not
/// change an answer: "$1,200.00", "1200 dollars" and "1200" all vote together.
pub fn normalize(answer: &str) -> String {
    let lower = answer.trim().trim_end_matches('.').to_lowercase();
    let collapsed = lower.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut words = collapsed.split(' ');
    let first = words.next().unwrap_or("");
    let rest: Vec<&str> = words.collect();
    let numeric: String =
        first.trim_start_matches(['$', '€', '£']).trim_end_matches('%').chars().filter(|&c| c != ',').collect();
    let unit_only = rest.len() <= 1 && rest.iter().all(|w| w.chars().all(|c| c.is_alphabetic()));
    match numeric.parse::<f64>() {
        Ok(v) if v.is_finite() && unit_only => format!("{v}"),
        _ => collapsed,
    }
}

/// Parses JSONL lines `{"id": …, "samples": [...], "gold": …}`.
pub fn parse_questions(text: &str) -> Result<Vec<Question>, RowError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let row = i + 1;
        let err = |column: &str, message: String| RowError { row, column: column.into(), message };
        let value: Value = serde_json::from_str(line).map_err(|e| err("-", format!("not JSON: {e}")))?;
        let as_text = |v: &Value| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let samples = value
            .get("samples")
            .and_then(Value::as_array)
            .ok_or_else(|| err("samples", "missing or not a list".into()))?;
        if samples.is_empty() {
            return Err(err("samples", "empty list".into()));
        }
        let gold = value.get("gold").ok_or_else(|| err("gold", "missing".into()))?;
        out.push(Question {
            id: value.get("id").map_or_else(|| row.to_string(), as_text),
            samples: samples.iter().map(|s| normalize(&as_text(s))).collect(),
            gold: normalize(&as_text(gold)),
        });
    }
    Ok(out)
}

/// Distinct answers with their counts, in order of first appearance (linear in the samples).
fn tally(samples: &[String]) -> Vec<(&str, usize)> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for s in samples {
        match index.get(s.as_str()) {
            Some(&i) => counts[i].1 += 1,
            None => {
                index.insert(s, counts.len());
                counts.push((s, 1));
            }
        }
    }
    counts
}

/// Inner operations of the exact sum for `others` wrong answers at every k up to `max_k`:
/// Σ_k Σ_{g ≤ k} m · (k − g + 1) · (m + 1) · (g + 1), the loop of [`vote_accuracy`].
pub fn exact_cost(others: usize, max_k: usize) -> f64 {
    let m = others as f64;
    let mut cost = 0.0;
    for k in 1..=max_k {
        for g in 1..=k {
            cost += m * (k - g + 1) as f64 * (m + 1.0) * (g + 1) as f64;
        }
    }
    cost
}

/// Majority-vote accuracy at k = 1 … `max_k`, estimated from `trials` simulated votes each:
/// `answers` are the samples as answer indices (gold is `gold`, or none), ties broken
/// uniformly. Returns (estimate, standard error) per k.
fn simulate_votes(
    answers: &[usize],
    distinct: usize,
    gold: Option<usize>,
    max_k: usize,
    trials: usize,
    rng: &mut SplitMix64,
) -> Vec<(f64, f64)> {
    let mut counts = vec![0usize; distinct];
    let mut touched: Vec<usize> = Vec::new();
    (1..=max_k)
        .map(|k| {
            let Some(gold) = gold else { return (0.0, 0.0) };
            let mut wins = 0.0;
            for _ in 0..trials {
                for _ in 0..k {
                    let a = answers[rng.index(answers.len())];
                    if counts[a] == 0 {
                        touched.push(a);
                    }
                    counts[a] += 1;
                }
                let top = touched.iter().map(|&a| counts[a]).max().unwrap_or(0);
                if counts[gold] == top {
                    let tied = touched.iter().filter(|&&a| counts[a] == top).count();
                    wins += 1.0 / tied as f64;
                }
                for a in touched.drain(..) {
                    counts[a] = 0;
                }
            }
            let p = wins / trials as f64;
            // A win counts at most 1, so its variance is at most p(1 − p).
            (p, (p * (1.0 - p) / trials as f64).sqrt())
        })
        .collect()
}

/// Probability that a majority vote over `k` i.i.d. draws picks `gold`, when the answers'
/// probabilities are `gold_p` and `others`.
pub fn vote_accuracy(gold_p: f64, others: &[f64], k: usize) -> f64 {
    if gold_p <= 0.0 || k == 0 {
        return 0.0;
    }
    let mut fact = vec![1.0_f64; k + 1];
    for i in 1..=k {
        fact[i] = fact[i - 1] * i as f64;
    }
    let mut total = 0.0;
    for g in 1..=k {
        let rest = k - g;
        // dp[r][t]: weight of the others using r draws with t of them tied at g.
        let mut dp = vec![vec![0.0; others.len() + 1]; rest + 1];
        dp[0][0] = 1.0;
        for &q in others {
            let mut next = vec![vec![0.0; others.len() + 1]; rest + 1];
            for r in 0..=rest {
                for t in 0..=others.len() {
                    let w = dp[r][t];
                    if w == 0.0 {
                        continue;
                    }
                    for c in 0..=g.min(rest - r) {
                        let tied = usize::from(c == g);
                        if t + tied <= others.len() {
                            next[r + c][t + tied] += w * q.powi(c as i32) / fact[c];
                        }
                    }
                }
            }
            dp = next;
        }
        let lead = fact[k] * gold_p.powi(g as i32) / fact[g];
        total += lead * dp[rest].iter().enumerate().map(|(t, w)| w / (t as f64 + 1.0)).sum::<f64>();
    }
    total.min(1.0)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsistencyReport {
    pub questions: usize,
    /// accuracy_at_k[k − 1] for k = 1 … the fewest samples any question has (at most 64).
    pub accuracy_at_k: Vec<f64>,
    /// The standard error of each accuracy_at_k figure: 0 where every question was exact.
    pub accuracy_standard_error: Vec<f64>,
    /// Questions whose accuracy was simulated (the exact sums would exceed [`MAX_EXACT_COST`]),
    /// and the votes simulated for each at each k.
    pub simulated_questions: usize,
    pub trials_per_k: usize,
    /// The full-sample vote's agreement (share of samples for the winner), per question.
    pub agreement: Vec<f64>,
    /// Whether the full-sample vote is right (ties: the answer sampled first among them).
    pub vote_correct: Vec<bool>,
}

/// Which questions are summed exactly: all, unless that costs more than [`MAX_EXACT_COST`];
/// then the costliest are simulated until the rest fits.
fn exact_questions(tallies: &[Vec<(&str, usize)>], max_k: usize) -> Vec<bool> {
    let costs: Vec<f64> = tallies.iter().map(|c| exact_cost(c.len().saturating_sub(1), max_k)).collect();
    let mut exact = vec![true; costs.len()];
    let mut total: f64 = costs.iter().sum();
    let mut order: Vec<usize> = (0..costs.len()).collect();
    order.sort_by(|&a, &b| costs[b].total_cmp(&costs[a]));
    for i in order {
        if total <= MAX_EXACT_COST {
            break;
        }
        exact[i] = false;
        total -= costs[i];
    }
    exact
}

/// Accuracy at every k, agreement and the full vote for each question. Bounded: at most
/// [`MAX_EXACT_COST`] operations of exact sums, and [`MAX_SIMULATED_DRAWS`] simulated draws
/// (or one vote per simulated question and k, if more).
pub fn analyse(questions: &[Question]) -> ConsistencyReport {
    let max_k = questions.iter().map(|q| q.samples.len()).min().unwrap_or(0).min(64);
    let mut accuracy_at_k = vec![0.0; max_k];
    let mut variance_at_k = vec![0.0; max_k];
    let mut agreement = Vec::with_capacity(questions.len());
    let mut vote_correct = Vec::with_capacity(questions.len());
    let tallies: Vec<Vec<(&str, usize)>> = questions.iter().map(|q| tally(&q.samples)).collect();
    let exact = exact_questions(&tallies, max_k);
    let simulated = exact.iter().filter(|e| !**e).count();
    let draws_per_trial = (max_k * (max_k + 1) / 2).max(1) as f64;
    let trials = if simulated == 0 {
        0
    } else {
        ((MAX_SIMULATED_DRAWS / (simulated as f64 * draws_per_trial)) as usize).clamp(1, MAX_TRIALS)
    };
    let mut rng = SplitMix64::new(SIMULATION_SEED);
    for ((q, counts), exact) in questions.iter().zip(&tallies).zip(exact) {
        let n = q.samples.len() as f64;
        if exact {
            let gold_p = counts.iter().find(|(a, _)| *a == q.gold).map_or(0.0, |(_, c)| *c as f64 / n);
            let others: Vec<f64> = counts.iter().filter(|(a, _)| *a != q.gold).map(|(_, c)| *c as f64 / n).collect();
            for (k, acc) in accuracy_at_k.iter_mut().enumerate() {
                *acc += vote_accuracy(gold_p, &others, k + 1);
            }
        } else {
            let index: HashMap<&str, usize> = counts.iter().enumerate().map(|(i, (a, _))| (*a, i)).collect();
            let answers: Vec<usize> = q.samples.iter().map(|s| index[s.as_str()]).collect();
            let gold = index.get(q.gold.as_str()).copied();
            let estimates = simulate_votes(&answers, counts.len(), gold, max_k, trials, &mut rng);
            for (k, (p, se)) in estimates.into_iter().enumerate() {
                accuracy_at_k[k] += p;
                variance_at_k[k] += se * se;
            }
        }
        let (winner, top) = counts.iter().fold(("", 0), |best, &(a, c)| if c > best.1 { (a, c) } else { best });
        agreement.push(top as f64 / n);
        vote_correct.push(winner == q.gold);
    }
    let count = questions.len().max(1) as f64;
    for acc in &mut accuracy_at_k {
        *acc /= count;
    }
    // Questions are simulated independently: the mean's variance is the sum over count².
    let accuracy_standard_error = variance_at_k.iter().map(|v| v.sqrt() / count).collect();
    ConsistencyReport {
        questions: questions.len(),
        accuracy_at_k,
        accuracy_standard_error,
        simulated_questions: simulated,
        trials_per_k: trials,
        agreement,
        vote_correct,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization() {
        assert_eq!(normalize(" $1,200.00 "), "1200");
        assert_eq!(normalize("1200 dollars"), "1200");
        assert_eq!(normalize("Paris."), "paris");
        assert_eq!(normalize("New   York"), "new york");
        assert_eq!(normalize("3 apples and 2 pears"), "3 apples and 2 pears");
    }

    #[test]
    fn vote_accuracy_by_hand() {
        // Two answers, gold with p = 0.6. k = 1: 0.6. k = 2: gold wins outright with p² = 0.36
        // and ties (one each, 2 · 0.6 · 0.4 = 0.48) half the time: 0.36 + 0.24 = 0.6.
        // k = 3: p³ + 3p²q = 0.216 + 0.432 = 0.648 (the references' table, row C).
        assert!((vote_accuracy(0.6, &[0.4], 1) - 0.6).abs() < 1e-12);
        assert!((vote_accuracy(0.6, &[0.4], 2) - 0.6).abs() < 1e-12);
        assert!((vote_accuracy(0.6, &[0.4], 3) - 0.648).abs() < 1e-12);
        assert_eq!(vote_accuracy(0.0, &[1.0], 5), 0.0);
        assert!((vote_accuracy(1.0, &[], 4) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn the_references_scaling_table() {
        // calibration_cot.md §B: exact vote accuracy for k = 1, 2, 3, 5, 10, 20, 40.
        let ks = [1, 2, 3, 5, 10, 20, 40];
        let rows: [(f64, &[f64], [f64; 7]); 3] = [
            (0.4, &[0.3, 0.2, 0.1], [0.400, 0.400, 0.440, 0.490, 0.569, 0.661, 0.760]),
            (0.3, &[0.4, 0.2, 0.1], [0.300, 0.300, 0.300, 0.306, 0.297, 0.270, 0.216]),
            (0.6, &[0.4], [0.600, 0.600, 0.648, 0.683, 0.733, 0.814, 0.898]),
        ];
        for (p, others, expected) in rows {
            for (k, e) in ks.iter().zip(expected) {
                let got = vote_accuracy(p, others, *k);
                assert!((got - e).abs() < 5e-4, "p = {p}, k = {k}: {got} vs {e}");
            }
        }
    }

    #[test]
    fn three_way_ties_split_three_ways() {
        // Three equally likely answers, k = 1 is 1/3; k = 3 by symmetry is also 1/3.
        let third = 1.0 / 3.0;
        assert!((vote_accuracy(third, &[third, third], 3) - third).abs() < 1e-12);
    }

    #[test]
    fn thousands_of_distinct_answers_are_simulated_within_a_bound() {
        // 2,000 samples, all different, gold among them: by symmetry every answer is equally
        // likely to win a vote of any size, so accuracy is exactly 1/2000 at every k.
        let samples: Vec<String> = (0..2000).map(|i| i.to_string()).collect();
        let q = Question { id: "q".into(), samples, gold: "7".into() };
        assert!(exact_cost(1999, 64) > 1e12);
        let r = analyse(&[q]);
        assert_eq!((r.simulated_questions, r.trials_per_k), (1, MAX_TRIALS));
        assert_eq!(r.accuracy_at_k.len(), 64);
        for (k, (acc, se)) in r.accuracy_at_k.iter().zip(&r.accuracy_standard_error).enumerate() {
            // Binomial error of 4,000 votes at p = 1/2000 is 0.0007; five of them is generous
            // and still far below any accuracy a real model shows.
            assert!((acc - 1.0 / 2000.0).abs() <= 5.0 * se.max(7e-4), "k = {}: {acc} ± {se}", k + 1);
        }
    }

    #[test]
    fn a_simulated_question_agrees_with_the_exact_sum() {
        // The references' row A (gold 0.4 against 0.3, 0.2, 0.1), written as 10 samples, with
        // the exact figure beside a simulation forced by many distinct distractors elsewhere.
        let samples: Vec<String> =
            ["g"; 4].iter().chain(&["a"; 3]).chain(&["b"; 2]).chain(&["c"]).map(|s| s.to_string()).collect();
        let answers: Vec<usize> =
            samples.iter().map(|s| ["g", "a", "b", "c"].iter().position(|a| a == s).unwrap_or(0)).collect();
        let mut rng = SplitMix64::new(1);
        let simulated = simulate_votes(&answers, 4, Some(0), 10, MAX_TRIALS, &mut rng);
        for k in [1, 3, 5, 10] {
            let exact = vote_accuracy(0.4, &[0.3, 0.2, 0.1], k);
            let (p, se) = simulated[k - 1];
            assert!((p - exact).abs() <= 5.0 * se, "k = {k}: simulated {p} ± {se}, exact {exact}");
        }
    }

    #[test]
    fn parse_and_analyse() -> Result<(), RowError> {
        let text = "{\"id\": 1, \"samples\": [\"42\", \"42.0\", \"41\"], \"gold\": \"42\"}\n{\"id\": 2, \"samples\": [\"a\", \"b\", \"b\"], \"gold\": \"a\"}\n";
        let qs = parse_questions(text)?;
        let r = analyse(&qs);
        assert_eq!(r.vote_correct, vec![true, false]);
        assert_eq!(r.agreement, vec![2.0 / 3.0, 2.0 / 3.0]);
        // k = 1: (2/3 + 1/3) / 2 = 0.5.
        assert!((r.accuracy_at_k[0] - 0.5).abs() < 1e-12);
        assert!(matches!(parse_questions("{\"samples\": []}"), Err(RowError { row: 1, .. })));
        Ok(())
    }
}

//! Self-consistency: sample several answers per question and vote. How accuracy grows with
//! the number of samples k, and whether the share of samples that agree is a calibrated
//! confidence.
//!
//! Accuracy at k is exact under i.i.d. resampling from each question's empirical answer
//! distribution (not a Monte Carlo estimate). Tie rule: a vote tied between several answers
//! is broken uniformly at random, so a tie with t other answers counts 1 / (t + 1).

use serde::Serialize;
use serde_json::Value;

use crate::data::RowError;

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

/// Distinct answers with their counts, in order of first appearance.
fn tally(samples: &[String]) -> Vec<(&str, usize)> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for s in samples {
        match counts.iter_mut().find(|(a, _)| *a == s) {
            Some(entry) => entry.1 += 1,
            None => counts.push((s, 1)),
        }
    }
    counts
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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConsistencyReport {
    pub questions: usize,
    /// accuracy_at_k[k − 1] for k = 1 … the fewest samples any question has (at most 64).
    pub accuracy_at_k: Vec<f64>,
    /// The full-sample vote's agreement (share of samples for the winner), per question.
    pub agreement: Vec<f64>,
    /// Whether the full-sample vote is right (ties: the answer sampled first among them).
    pub vote_correct: Vec<bool>,
}

pub fn analyse(questions: &[Question]) -> ConsistencyReport {
    let max_k = questions.iter().map(|q| q.samples.len()).min().unwrap_or(0).min(64);
    let mut accuracy_at_k = vec![0.0; max_k];
    let mut agreement = Vec::with_capacity(questions.len());
    let mut vote_correct = Vec::with_capacity(questions.len());
    for q in questions {
        let counts = tally(&q.samples);
        let n = q.samples.len() as f64;
        let gold_p = counts.iter().find(|(a, _)| *a == q.gold).map_or(0.0, |(_, c)| *c as f64 / n);
        let others: Vec<f64> = counts.iter().filter(|(a, _)| *a != q.gold).map(|(_, c)| *c as f64 / n).collect();
        for (k, acc) in accuracy_at_k.iter_mut().enumerate() {
            *acc += vote_accuracy(gold_p, &others, k + 1);
        }
        let (winner, top) = counts.iter().fold(("", 0), |best, &(a, c)| if c > best.1 { (a, c) } else { best });
        agreement.push(top as f64 / n);
        vote_correct.push(winner == q.gold);
    }
    let count = questions.len().max(1) as f64;
    for acc in &mut accuracy_at_k {
        *acc /= count;
    }
    ConsistencyReport { questions: questions.len(), accuracy_at_k, agreement, vote_correct }
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

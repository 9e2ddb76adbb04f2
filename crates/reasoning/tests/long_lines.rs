//! One step can be a whole upload: a single line of a hundred thousand numbers, parentheses or
//! equations. Each detector once looked at every number or check of the step for each number,
//! check, sentence or annotation of it, so such lines took minutes; these finish in well under a
//! second (a debug build, sizes where the old quadratic work was billions of steps) and give the
//! same answers as the same text in short pieces.

use frontier_reasoning::arith::{check_step, written_numbers, Verdict};
use frontier_reasoning::{analyze, Analysis, FindingType, Options};

fn check(trace: &str) -> Analysis {
    analyze(trace, Some("Tom has 3 apples."), Options::default())
}

#[test]
fn a_line_of_numbers() {
    let line: String = (0..20_000).map(|i| format!("{} ", i % 1000)).collect();
    let analysis = check(&line);
    assert_eq!(analysis.steps, 1);
    assert!(analysis.findings.is_empty(), "{:?}", &analysis.findings[..3.min(analysis.findings.len())]);
    assert_eq!(written_numbers(&line, 0).len(), 20_000);
    // Numbers a conclusion states between its computations, each looked up once (not against
    // every computation of the line).
    let line = format!("So {}", "1+1=2 7 ".repeat(10_000));
    let analysis = check(&line);
    assert_eq!(analysis.checks.len(), 10_000);
    assert_eq!(analysis.count(FindingType::UnsupportedNumber), 10_000);
    // And "So" opening the trace.
    assert_eq!(analysis.count(FindingType::PhantomStep), 1);
    assert_eq!(analysis.findings.len(), 10_001);
}

#[test]
fn a_line_of_parentheses() {
    assert!(check(&"(".repeat(100_000)).findings.is_empty());
    let nested = format!("{}2{} * 3 = 7", "(".repeat(50_000), ")".repeat(50_000));
    assert!(check_step(&nested, 0).is_empty());
}

#[test]
fn a_line_of_sums() {
    // One sum of 50,000 terms: only its last 64 tokens are read, and an operator before them
    // makes its left side an unknown operand, so nothing is checked.
    let sum = format!("{}1 = 50000", "1+".repeat(49_999));
    assert!(check_step(&sum, 0).is_empty());
    assert!(check(&sum).findings.is_empty());
    // 25,000 equations on one line, each checked.
    let mut line = "1+1=2 ".repeat(25_000);
    line.push_str("2+2=5");
    let checks = check_step(&line, 0);
    assert_eq!(checks.len(), 25_001);
    assert!(checks[..25_000].iter().all(|c| c.verdict == Verdict::Ok));
    assert_eq!(checks[25_000].verdict, Verdict::Wrong);
    assert_eq!(check(&line).count(FindingType::ArithmeticError), 1);
}

#[test]
fn a_line_of_annotations() {
    let line = format!("{}<<2*3=6>>7", "<<2*3=6>>6 ".repeat(10_000));
    let analysis = check(&line);
    // Every annotation, and the visible 7 after the last, which disagrees with it.
    assert_eq!(analysis.checks.len(), 10_002);
    assert_eq!(analysis.count(FindingType::ArithmeticError), 1);
    assert_eq!(analysis.findings.len(), 1);
}

#[test]
fn a_line_of_latex() {
    assert!(check(&"\\frac{".repeat(30_000)).findings.is_empty());
    let line = "$\\frac{6}{2} = 3$, ".repeat(10_000);
    let checks = check_step(&line, 0);
    assert_eq!(checks.len(), 10_000);
    assert!(checks.iter().all(|c| c.verdict == Verdict::Ok));
}

#[test]
fn a_line_of_sentences() {
    // Every claim against its own computation: one finding per sentence (and the first claim,
    // before any "because", is unsupported).
    let n = 5_000;
    let because = check(&"5 because 1+1=2; ".repeat(n));
    assert_eq!(because.findings.len(), n + 1);
    assert_eq!(because.count(FindingType::SelfContradiction), n);
    let so = check(&"2 + 2 = 4, so the answer must be 5. ".repeat(n));
    assert_eq!(so.count(FindingType::SelfContradiction), n);
    assert_eq!(so.count(FindingType::UnsupportedNumber), n);
    // Restated quantities and copulas within one step are not compared with each other.
    let tom = format!("{}\nTom has 6 apples.", "Tom has 5 apples. ".repeat(n));
    assert_eq!(check(&tom).count(FindingType::SelfContradiction), 1);
    assert!(check(&"The box is red. The box is not red. ".repeat(n)).findings.is_empty());
}

#[test]
fn long_digit_runs_and_words() {
    // Beyond 400 digits a number is not read; a word of 100,000 letters is one word.
    assert!(check(&format!("1{} + 1 = 2", ",000".repeat(50_000))).findings.is_empty());
    assert!(check(&format!("{} = 9", "9".repeat(100_000))).findings.is_empty());
    assert!(check(&format!("{} 2 + 2 = 5", "a".repeat(100_000))).count(FindingType::ArithmeticError) == 1);
}

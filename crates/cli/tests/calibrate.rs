//! `frontier calibrate`: metrics as JSON, located errors with exit status 2.

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Tests run in parallel: every call gets its own file.
static NEXT_FILE: AtomicUsize = AtomicUsize::new(0);

fn run_on(content: &str, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let n = NEXT_FILE.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("frontier-calibrate-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let file = dir.join("data.csv");
    std::fs::write(&file, content).unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new(env!("CARGO_BIN_EXE_frontier"))
        .arg("calibrate")
        .arg(&file)
        .args(extra)
        .output()
        .unwrap_or_else(|e| panic!("cannot run frontier: {e}"));
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code().unwrap_or(-1), json, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn article_rows_give_the_hand_computed_ece() {
    // Bins 9 and 6 as in the crate's unit test: ECE 0.4, MCE 0.425.
    let (code, v, err) = run_on("prediction,confidence,label\na,0.9,a\nb,0.95,a\nc,0.6,c\nd,0.65,d\n", &[]);
    assert_eq!(code, 0, "{err}");
    assert!((v["ece"].as_f64().unwrap_or(0.0) - 0.4).abs() < 1e-12);
    assert!((v["mce"].as_f64().unwrap_or(0.0) - 0.425).abs() < 1e-12);
    assert_eq!(v["n"], 4);
    for key in ["accuracy", "mean_confidence", "rmsce", "ece_equal_mass", "brier"] {
        assert!(v[key].as_f64().is_some(), "{key} missing");
    }
    assert_eq!(v["bins"].as_array().map(Vec::len), Some(10));
    assert!(v["bins"][9]["lo"].as_f64().is_some() && v["bins"][9]["count"] == 2);
}

#[test]
fn article_rows_give_the_top_label_log_loss_as_nll() {
    // Confidence as the probability of being right: rows right at 0.8 and 0.6, wrong at 0.9.
    // −(ln 0.8 + ln 0.6 + ln(1 − 0.9)) / 3 = (0.2231436 + 0.5108256 + 2.3025851) / 3 = 1.0121848.
    // Brier, for comparison: (0.04 + 0.16 + 0.81) / 3 = 0.3366667.
    let (code, v, err) = run_on("prediction,confidence,label\na,0.8,a\nb,0.6,b\nc,0.9,d\n", &[]);
    assert_eq!(code, 0, "{err}");
    assert!((v["nll"].as_f64().unwrap_or(0.0) - 1.0121848).abs() < 1e-6, "{}", v["nll"]);
    assert_eq!(v["nll"], v["nll_top_label"]);
    assert!((v["brier"].as_f64().unwrap_or(0.0) - 0.3366667).abs() < 1e-6);
    assert!(v.get("brier_full").is_none(), "no class scores, no full Brier");
    // A confident wrong row is clipped at 1e-15 as the class NLL is: −ln(1e-15) / 2 = 17.269388.
    let (code, v, err) = run_on("prediction,confidence,label\na,1.0,a\nb,1.0,c\n", &[]);
    assert_eq!(code, 0, "{err}");
    assert!((v["nll"].as_f64().unwrap_or(0.0) - 17.269388).abs() < 1e-5, "{}", v["nll"]);
}

#[test]
fn binary_rows_give_the_same_nll_both_ways() {
    // `p,label`: p(1) = 0.8 labelled 1 and 0.3 labelled 0, so p(label) = 0.8 and 0.7:
    // −(ln 0.8 + ln 0.7) / 2 = (0.2231436 + 0.3566749) / 2 = 0.2899092, and the top-label
    // confidences (0.8 right, 0.7 right) give the same number.
    let (code, v, err) = run_on("p,label\n0.8,1\n0.3,0\n", &[]);
    assert_eq!(code, 0, "{err}");
    assert!((v["nll"].as_f64().unwrap_or(0.0) - 0.2899092).abs() < 1e-6, "{}", v["nll"]);
    assert!((v["nll_top_label"].as_f64().unwrap_or(0.0) - 0.2899092).abs() < 1e-6);
}

#[test]
fn logits_give_nll_and_a_temperature() {
    // Four rows of logits (2, 0), three labelled 0: T = 2 / ln 3 (the unit test's derivation).
    let (code, v, err) = run_on("logit_0,logit_1,label\n2,0,0\n2,0,0\n2,0,0\n2,0,1\n", &["--binning", "right-closed"]);
    assert_eq!(code, 0, "{err}");
    assert!((v["temperature"].as_f64().unwrap_or(0.0) - 2.0 / 3f64.ln()).abs() < 1e-9);
    assert!(v["nll"].as_f64().is_some());
}

#[test]
fn bad_rows_are_located_and_can_be_skipped() {
    let file = "pred,conf,label\na,0.5,a\nb,2.0,b\n";
    let (code, _, err) = run_on(file, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("row 3, column conf"), "{err}");
    let (code, v, _) = run_on(file, &["--skip-invalid"]);
    assert_eq!(code, 0);
    assert_eq!(v["skipped"], 1);
    let (code, v, _) = run_on("pred,conf,label\na,0.7,a\nb,0.9,b\nc,0.6,c\nd,0.8,x\n", &["--risk-coverage"]);
    assert_eq!(code, 0);
    // The selective module's hand-computed example: AURC 0.270833.
    assert!((v["risk_coverage"]["aurc"].as_f64().unwrap_or(0.0) - 0.2708333333333333).abs() < 1e-12);
    let (code, _, err) = run_on(file, &["--binning", "fancy"]);
    assert_eq!(code, 2);
    assert!(err.contains("quantile"), "{err}");
}

#[test]
fn self_consistency_reports_accuracy_against_k() {
    let text = "{\"id\": 1, \"samples\": [\"42\", \"42.0\", \"41\"], \"gold\": \"42\"}\n{\"id\": 2, \"samples\": [\"a\", \"b\", \"b\"], \"gold\": \"a\"}\n";
    let (code, v, err) = run_on(text, &["--self-consistency"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["questions"], 2);
    // k = 1: the mean share of gold among the samples, (2/3 + 1/3) / 2.
    assert!((v["accuracy_at_k"][0].as_f64().unwrap_or(0.0) - 0.5).abs() < 1e-12);
    assert_eq!(v["vote_accuracy"], 0.5);
}

#[test]
fn columns_can_be_mapped_by_name() {
    let text = "answer,score,gold\nparis,0.9,paris\nrome,0.8,oslo\n";
    let (code, _, err) = run_on(text, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot tell the file's shape"), "{err}");
    let (code, v, err) =
        run_on(text, &["--prediction-column", "answer", "--confidence-column", "score", "--label-column", "gold"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["accuracy"], 0.5);
}

/// One question with 2,000 distinct sampled answers ran past 60 s: the exact vote sum grows as
/// m²·k³. It is now simulated, with its standard error, and by symmetry (every answer equally
/// likely) the true accuracy is 1/2000 at every k.
#[test]
fn self_consistency_with_thousands_of_distinct_answers_is_simulated() {
    let samples: Vec<String> = (0..2000).map(|i| format!("\"{i}\"")).collect();
    let text = format!("{{\"id\": \"q\", \"samples\": [{}], \"gold\": \"7\"}}\n", samples.join(","));
    let (code, v, err) = run_on(&text, &["--self-consistency"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["simulated_questions"], 1);
    let accuracy = v["accuracy_at_k"].as_array().cloned().unwrap_or_default();
    let errors = v["accuracy_standard_error"].as_array().cloned().unwrap_or_default();
    assert_eq!((accuracy.len(), errors.len()), (64, 64));
    for (a, se) in accuracy.iter().zip(&errors) {
        let (a, se) = (a.as_f64().unwrap_or(f64::NAN), se.as_f64().unwrap_or(f64::NAN));
        assert!((a - 0.0005).abs() <= 5.0 * se.max(7e-4), "{a} ± {se}");
    }
}

/// The hostile corpus's confidence files (`tests/hostile/files`): a 50,000-column header reads in
/// one pass (its top-label ECE was quadratic in the classes: 49 s), JSON nested 100,000 deep
/// (the 129th bracket is past the parser's limit) and a NaN confidence are refused with their place.
#[test]
fn the_hostile_files_are_read_or_refused_with_their_place() {
    let files = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/hostile/files/");
    let run = |name: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_frontier"))
            .arg("calibrate")
            .arg(format!("{files}{name}"))
            .output()
            .unwrap_or_else(|e| panic!("cannot run frontier: {e}"));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
        (out.status.code().unwrap_or(-1), json, String::from_utf8_lossy(&out.stderr).into_owned())
    };
    // One row whose class 7 holds all the probability, and the label is 7: right, confident.
    let (code, v, err) = run("wide-header.csv");
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        (v["n"].as_u64(), v["accuracy"].as_f64(), v["shape"].as_str()),
        (Some(1), Some(1.0), Some("probabilities")),
        "{v}"
    );
    let (code, _, err) = run("deep.json");
    assert_eq!(code, 2);
    assert!(err.contains("line 1, column 129") && err.contains("recursion limit"), "{err}");
    let (code, _, err) = run("nan.csv");
    assert_eq!(code, 2);
    assert!(err.contains("row 2, column confidence") && err.contains("NaN"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

//! Reference values from numpy, scikit-learn and scipy (tests/reference/calibration_reference.py,
//! output committed as tests/fixtures/reference.json).

use frontier_calibration::data::softmax;
use frontier_calibration::temperature::fit_temperature;
use frontier_calibration::{evaluate, Binning};
use serde_json::Value;

fn fixture() -> Value {
    serde_json::from_str(include_str!("fixtures/reference.json")).unwrap_or_else(|e| panic!("fixture: {e}"))
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().map(|a| a.iter().filter_map(Value::as_f64).collect()).unwrap_or_default()
}

fn bools(v: &Value) -> Vec<bool> {
    v.as_array().map(|a| a.iter().filter_map(Value::as_bool).collect()).unwrap_or_default()
}

/// The multiclass set's logits (rows of class scores) and class labels.
fn logits_and_labels(set: &Value) -> (Vec<Vec<f64>>, Vec<usize>) {
    let logits = set["logits"].as_array().map(|rows| rows.iter().map(floats).collect()).unwrap_or_default();
    let labels = set["labels"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_u64).map(|v| v as usize).collect())
        .unwrap_or_default();
    (logits, labels)
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn ece_under_three_conventions_matches_the_references() {
    let fx = fixture();
    for name in ["edges", "constant", "multiclass"] {
        let set = &fx[name];
        let (conf, correct) = (floats(&set["confidences"]), bools(&set["correct"]));
        assert_eq!(conf.len(), correct.len());
        let article = evaluate(&conf, &correct, 10, Binning::Article);
        let right = evaluate(&conf, &correct, 10, Binning::RightClosed);
        let linspace = evaluate(&conf, &correct, 10, Binning::Linspace);
        let expect = |key: &str| set[key].as_f64().unwrap_or(f64::NAN);
        assert!(
            close(article.ece, expect("article_ece"), 1e-12),
            "{name}: article {} vs {}",
            article.ece,
            expect("article_ece")
        );
        assert!(
            close(right.ece, expect("right_closed_ece"), 1e-12),
            "{name}: right-closed {} vs {}",
            right.ece,
            expect("right_closed_ece")
        );
        assert!(
            close(linspace.ece, expect("linspace_ece"), 1e-12),
            "{name}: linspace {} vs {}",
            linspace.ece,
            expect("linspace_ece")
        );
        assert!(close(article.brier, expect("brier"), 1e-12), "{name}: brier");
    }
    // On the edge set the conventions really disagree: 0.31 against sklearn's 0.325.
    let set = &fx["edges"];
    let (conf, correct) = (floats(&set["confidences"]), bools(&set["correct"]));
    assert!(
        evaluate(&conf, &correct, 10, Binning::RightClosed).ece > evaluate(&conf, &correct, 10, Binning::Article).ece
    );
}

#[test]
fn temperature_matches_scipy() {
    let fx = fixture();
    let set = &fx["multiclass"];
    let (logits, labels) = logits_and_labels(set);
    let fit = fit_temperature(&logits, &labels).unwrap_or_else(|| panic!("no fit"));
    let t = set["temperature"].as_f64().unwrap_or(f64::NAN);
    assert!(close(fit.temperature, t, 1e-6 * t), "T {} vs scipy {t}", fit.temperature);
    assert!(close(fit.nll_before, set["sklearn_log_loss"].as_f64().unwrap_or(f64::NAN), 1e-9));
    assert!(close(fit.nll_after, set["nll_after"].as_f64().unwrap_or(f64::NAN), 1e-9));
    // The top-label confidences of the fixture are the softmax maxima of its logits.
    let conf: Vec<f64> = logits.iter().map(|z| softmax(z).into_iter().fold(0.0, f64::max)).collect();
    let expected = floats(&set["confidences"]);
    assert!(conf.iter().zip(&expected).all(|(a, b)| close(*a, *b, 1e-9)));
}

#[test]
fn isotonic_matches_scikit_learn_at_the_training_points() {
    use frontier_calibration::recalibrate::Recalibrator;
    let fx = fixture();
    let set = &fx["multiclass"];
    let (conf, correct) = (floats(&set["confidences"]), bools(&set["correct"]));
    let expected = floats(&set["isotonic_at_train"]);
    let iso = Recalibrator::fit_isotonic(&conf, &correct);
    for (c, e) in conf.iter().zip(&expected) {
        assert!(close(iso.apply(*c), *e, 1e-12), "at {c}: {} vs {e}", iso.apply(*c));
    }
}

#[test]
fn classwise_and_top_label_ece_match_numpy() {
    use frontier_calibration::multiclass::{classwise_ece, top_label_ece};
    let fx = fixture();
    let set = &fx["multiclass"];
    let (logits, labels) = logits_and_labels(set);
    let probs: Vec<Vec<f64>> = logits.iter().map(|z| softmax(z)).collect();
    let cw = classwise_ece(&probs, &labels, 10, Binning::Article).unwrap_or(f64::NAN);
    let tl = top_label_ece(&probs, &labels, 10, Binning::Article).unwrap_or(f64::NAN);
    assert!(close(cw, set["classwise_ece"].as_f64().unwrap_or(f64::NAN), 1e-9), "{cw}");
    assert!(close(tl, set["top_label_ece"].as_f64().unwrap_or(f64::NAN), 1e-9), "{tl}");
}

#[test]
fn smooth_ece_matches_relplot() {
    use frontier_calibration::smece::smooth_ece;
    let fx = fixture();
    for name in ["edges", "constant", "multiclass"] {
        let set = &fx[name];
        let (conf, correct) = (floats(&set["confidences"]), bools(&set["correct"]));
        let (value, sigma) = smooth_ece(&conf, &correct).unwrap_or_else(|| panic!("{name}: no value"));
        assert!(close(sigma, set["smece_sigma"].as_f64().unwrap_or(f64::NAN), 1e-12), "{name}: σ {sigma}");
        assert!(close(value, set["smece"].as_f64().unwrap_or(f64::NAN), 1e-9), "{name}: {value} vs {}", set["smece"]);
    }
}

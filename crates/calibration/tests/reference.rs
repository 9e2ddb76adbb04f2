//! Reference values from numpy, scikit-learn, scipy, relplot, netcal and torchmetrics
//! (tests/reference/calibration_reference.py, output committed as tests/fixtures/reference.json).

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

/// The value of `key` in a fixture set; NaN (which fails every comparison) when absent.
fn number(set: &Value, key: &str) -> f64 {
    set[key].as_f64().unwrap_or(f64::NAN)
}

#[test]
fn linspace_binning_matches_netcal() {
    // netcal 1.4.0 ECE/MCE(bins=10): numpy-linspace edges, [lo, hi) with the last bin closed,
    // all in float64. It clips confidences to [eps, 1 − eps] first, which moves the edge set's
    // 0.0 and 1.0 by 2.2e-16 without changing their bins: far below the tolerance. The
    // multiclass reference was given the full probability matrix and the labels, so it also
    // checks that netcal's argmax/max agree with the fixture's top-label confidences.
    let fx = fixture();
    for name in ["edges", "constant", "multiclass"] {
        let set = &fx[name];
        let (conf, correct) = (floats(&set["confidences"]), bools(&set["correct"]));
        let r = evaluate(&conf, &correct, 10, Binning::Linspace);
        let (ece, mce) = (number(set, "netcal_ece"), number(set, "netcal_mce"));
        assert!(close(r.ece, ece, 1e-12), "{name}: ECE {} vs netcal {ece}", r.ece);
        assert!(close(r.mce, mce, 1e-12), "{name}: MCE {} vs netcal {mce}", r.mce);
    }
}

#[test]
fn torchmetrics_binning_matches_torchmetrics_in_float64() {
    // torchmetrics 1.9.0 binary_calibration_error(conf, correct, n_bins=10) bins `preds` as the
    // confidence with `target` as the correctness, in the dtype of `preds` (float64 here), with
    // torch.linspace edges and bucketize(right=True) − 1: 1.0 gets an eleventh bin of its own.
    let fx = fixture();
    for (name, prefix) in
        [("edges", "torchmetrics"), ("constant", "torchmetrics"), ("multiclass", "torchmetrics_binary")]
    {
        let set = &fx[name];
        let (conf, correct) = (floats(&set["confidences"]), bools(&set["correct"]));
        let r = evaluate(&conf, &correct, 10, Binning::Torchmetrics);
        for (field, ours) in [("ece", r.ece), ("mce", r.mce), ("rmsce", r.rmsce)] {
            let key = format!("{prefix}_{field}");
            let theirs = number(set, &key);
            assert!(close(ours, theirs, 1e-12), "{name}: {field} {ours} vs {key} {theirs}");
        }
    }
    // The edge set tells the two libraries apart: netcal 0.31, torchmetrics 0.32.
    let set = &fx["edges"];
    assert!(number(set, "torchmetrics_ece") - number(set, "netcal_ece") > 0.005);
}

#[test]
fn torchmetrics_binning_matches_multiclass_calibration_error_to_float32() {
    // multiclass_calibration_error casts the top-label confidences to float32 before binning
    // (`confidences.float()`), so its sums carry float32 rounding (relative 6e-8 per operation,
    // a few 1e-8 over 400 rows: the float32 and float64 references differ by at most 9.1e-8).
    // No confidence lies within 6.4e-7 of an edge, so float32 moves none to another bin, and a
    // tolerance of 1e-6 bounds the rounding alone.
    let fx = fixture();
    let set = &fx["multiclass"];
    let (conf, correct) = (floats(&set["confidences"]), bools(&set["correct"]));
    let r = evaluate(&conf, &correct, 10, Binning::Torchmetrics);
    for (field, ours) in [("ece", r.ece), ("mce", r.mce), ("rmsce", r.rmsce)] {
        let key = format!("torchmetrics_{field}");
        let theirs = number(set, &key);
        assert!(close(ours, theirs, 1e-6), "multiclass: {field} {ours} vs {key} (float32) {theirs}");
    }
}

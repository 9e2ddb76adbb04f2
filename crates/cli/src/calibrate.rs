//! `frontier calibrate FILE`: calibration metrics of a CSV, TSV, JSON or JSONL file.

use clap::Args as ClapArgs;
use frontier_calibration::consistency::{analyse, parse_questions};
use frontier_calibration::data::{parse_mapped, softmax, ColumnMapping, Format, Shape};
use frontier_calibration::metrics::class_metrics;
use frontier_calibration::multiclass::{bootstrap_ece, classwise_ece, top_label_ece};
use frontier_calibration::recalibrate::held_out;
use frontier_calibration::selective::risk_coverage;
use frontier_calibration::smece::smooth_ece;
use frontier_calibration::temperature::{fit_temperature, logits_from_probabilities};
use frontier_calibration::{evaluate, Binning};
use serde_json::{json, Value};

use crate::UsageError;

/// Files above this size are refused before they are read.
const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

#[derive(ClapArgs)]
pub struct Args {
    /// The file of confidences.
    file: std::path::PathBuf,
    #[arg(long, default_value_t = 10)]
    bins: usize,
    /// article, linspace, right-closed, torchmetrics or quantile.
    #[arg(long, default_value = "article")]
    binning: String,
    /// auto, csv, tsv, json or jsonl.
    #[arg(long, default_value = "auto")]
    format: String,
    /// FILE is JSONL of {"id", "samples", "gold"}: majority-vote accuracy against k and the
    /// calibration of agreement as a confidence.
    #[arg(long)]
    self_consistency: bool,
    /// Bootstrap resamples for the ECE interval (0 to skip).
    #[arg(long, default_value_t = 200)]
    bootstrap: usize,
    /// Add the risk–coverage curve, AURC and E-AURC (abstention).
    #[arg(long)]
    risk_coverage: bool,
    /// Column holding the model's answer, if not named prediction/pred.
    #[arg(long)]
    prediction_column: Option<String>,
    /// Column holding the confidence, if not named confidence/conf.
    #[arg(long)]
    confidence_column: Option<String>,
    /// Column holding the correct answer, if not named label.
    #[arg(long)]
    label_column: Option<String>,
    /// Skip invalid rows (their count and first errors are reported) instead of stopping.
    #[arg(long)]
    skip_invalid: bool,
}

pub fn run(args: &Args) -> Result<Value, UsageError> {
    let binning = Binning::from_id(&args.binning).ok_or_else(|| {
        UsageError(format!(
            "unknown binning {:?}; known: article, linspace, right-closed, torchmetrics, quantile",
            args.binning
        ))
    })?;
    let format = Format::from_id(&args.format)
        .ok_or_else(|| UsageError(format!("unknown format {:?}; known: auto, csv, tsv, json, jsonl", args.format)))?;
    if args.bins == 0 || args.bins > 10_000 {
        return Err(UsageError(format!("--bins must be between 1 and 10000 (got {})", args.bins)));
    }
    let path = &args.file;
    let size = std::fs::metadata(path).map_err(|e| UsageError(format!("cannot read {}: {e}", path.display())))?.len();
    if size > MAX_FILE_BYTES {
        return Err(UsageError(format!("{} is {size} bytes; the limit is {MAX_FILE_BYTES}", path.display())));
    }
    let text = std::fs::read_to_string(path).map_err(|e| UsageError(format!("cannot read {}: {e}", path.display())))?;
    if args.self_consistency {
        return self_consistency(&text, path, args.bins, binning);
    }
    let mapping = ColumnMapping {
        prediction: args.prediction_column.clone(),
        confidence: args.confidence_column.clone(),
        label: args.label_column.clone(),
    };
    let data = parse_mapped(&text, format, args.skip_invalid, &mapping)
        .map_err(|e| UsageError(format!("{}: {e}", path.display())))?;
    let report = evaluate(&data.confidences, &data.correct, args.bins, binning);
    let mut out = serde_json::to_value(&report).map_err(|e| UsageError(e.to_string()))?;
    let Value::Object(map) = &mut out else { return Ok(out) };
    map.insert("shape".into(), serde_json::to_value(data.shape).map_err(|e| UsageError(e.to_string()))?);
    map.insert("skipped".into(), json!(data.skipped.len()));
    if !data.skipped.is_empty() {
        let first: Vec<String> = data.skipped.iter().take(10).map(ToString::to_string).collect();
        map.insert("skipped_examples".into(), json!(first));
    }
    let (probs, logits) = match data.shape {
        Shape::Logits => (data.scores.iter().map(|z| softmax(z)).collect(), data.scores.clone()),
        Shape::Probabilities | Shape::Binary => (data.scores.clone(), logits_from_probabilities(&data.scores)),
        Shape::Article => (Vec::new(), Vec::new()),
    };
    // The interval costs resamples × rows evaluations; past 50 million it is left out.
    if args.bootstrap > 0 && args.bootstrap.saturating_mul(data.confidences.len()) <= 50_000_000 {
        let interval = bootstrap_ece(&data.confidences, &data.correct, args.bins, binning, args.bootstrap, 0);
        map.insert("ece_interval".into(), serde_json::to_value(interval).map_err(|e| UsageError(e.to_string()))?);
    }
    if let Some((value, sigma)) = smooth_ece(&data.confidences, &data.correct) {
        map.insert("smece".into(), json!(value));
        map.insert("smece_sigma".into(), json!(sigma));
    }
    if let Some(v) = classwise_ece(&probs, &data.labels, args.bins, binning) {
        map.insert("classwise_ece".into(), json!(v));
    }
    if let Some(v) = top_label_ece(&probs, &data.labels, args.bins, binning) {
        map.insert("top_label_ece".into(), json!(v));
    }
    if let Some(m) = class_metrics(&probs, &data.labels) {
        map.insert("nll".into(), json!(m.nll));
        map.insert("brier_full".into(), json!(m.brier_full));
    } else {
        // A `prediction,confidence,label` file has no class scores: its `nll` is the top-label
        // log loss (the confidence as the probability of being right, clipped as the class NLL
        // is), the same number the report carries as `nll_top_label`, as `brier` is top-label.
        map.insert("nll".into(), json!(report.nll_top_label));
    }
    if args.risk_coverage {
        let rc =
            risk_coverage(&data.confidences, &data.correct).ok_or_else(|| UsageError("no rows to analyse".into()))?;
        map.insert("risk_coverage".into(), serde_json::to_value(rc).map_err(|e| UsageError(e.to_string()))?);
    }
    let recalibration = held_out(&data.confidences, &data.correct, args.bins, 0.7, 0);
    map.insert("recalibration".into(), serde_json::to_value(recalibration).map_err(|e| UsageError(e.to_string()))?);
    if let Some(fit) = fit_temperature(&logits, &data.labels) {
        map.insert("temperature".into(), json!(fit.temperature));
        map.insert("temperature_fit".into(), serde_json::to_value(fit).map_err(|e| UsageError(e.to_string()))?);
    }
    Ok(out)
}

fn self_consistency(text: &str, path: &std::path::Path, bins: usize, binning: Binning) -> Result<Value, UsageError> {
    let questions = parse_questions(text).map_err(|e| UsageError(format!("{}: {e}", path.display())))?;
    if questions.is_empty() {
        return Err(UsageError(format!("{}: no questions", path.display())));
    }
    let report = analyse(&questions);
    let calibration = evaluate(&report.agreement, &report.vote_correct, bins, binning);
    Ok(json!({
        "questions": report.questions,
        "accuracy_at_k": report.accuracy_at_k,
        "accuracy_standard_error": report.accuracy_standard_error,
        "simulated_questions": report.simulated_questions,
        "trials_per_k": report.trials_per_k,
        "vote_accuracy": report.vote_correct.iter().filter(|&&c| c).count() as f64 / report.questions as f64,
        "agreement_calibration": calibration,
        "tie_rule": "ties broken uniformly at random for accuracy_at_k; the full-sample vote takes the tied answer sampled first",
    }))
}

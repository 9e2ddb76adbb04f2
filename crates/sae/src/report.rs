//! The summary of a finished (or paused) run that the CLI prints and the page shows: the metrics on
//! an evaluation sample, and recovery of the true features where the data has them.

use serde::{Deserialize, Serialize};

use crate::backend::Backend;
use crate::error::SaeError;
use crate::metrics::{evaluate, Evaluation, DENSITY_BINS};
use crate::model::Sae;
use crate::recovery;
use crate::train::{Schedule, Trainer};

/// Rows the final metrics are measured on.
pub const EVALUATION_ROWS: usize = 8192;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    pub steps: u64,
    pub mse: f64,
    pub nmse: f64,
    pub fvu: f64,
    pub l0: f64,
    pub l1: f64,
    pub loss: f64,
    pub dead_fraction: f64,
    pub dense_fraction: f64,
    pub shrinkage: f64,
    /// Mean max cosine of each true feature with the decoder (synthetic data).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mmcs: Option<f32>,
    /// Mean max cosine of each decoder row with the true features.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mmcs_learned_to_true: Option<f32>,
    /// Mean |cos| of a one-to-one (Hungarian) matching (absent above `recovery::MCC_MAX_PAIRS`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mcc: Option<f32>,
    /// True features with a decoder row at cosine ≥ 0.9, and how many there are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovered_090: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub true_features: Option<usize>,
    pub resampled: usize,
}

/// A measurement: the summary, the full evaluation (density per feature, histogram) and, on
/// synthetic data, the recovery with each learned feature's best true match.
#[derive(Debug, Clone)]
pub struct Measured {
    pub summary: RunReport,
    pub evaluation: Evaluation,
    pub recovery: Option<recovery::Recovery>,
}

/// Measures the trainer's current SAE. `with_matching` adds the Hungarian MCC (O(n²m): about a
/// second for 512 true features against 4096 learned).
pub fn report<B: Backend>(trainer: &Trainer<B>, with_matching: bool) -> Result<Measured, SaeError> {
    try_report_of(&trainer.sae(), trainer.schedule(), with_matching)
}

/// [`try_report_of`] for callers with no error path (the page's SAE worker, until the run driver
/// moves into the SAE crates). It fails only for an SAE of another width than the schedule's data
/// (never a run's own); then every measured number is NaN, so none looks plausible.
pub fn report_of(sae: &Sae, schedule: &Schedule, with_matching: bool) -> Measured {
    try_report_of(sae, schedule, with_matching).unwrap_or_else(|_| {
        let d_sae = sae.cfg.d_sae;
        let evaluation = Evaluation {
            rows: 0,
            mse: f64::NAN,
            nmse: f64::NAN,
            fvu: f64::NAN,
            l0: f64::NAN,
            l1: f64::NAN,
            loss: f64::NAN,
            l1_coeff: f64::from(schedule.cfg.l1_coeff),
            dead_fraction: f64::NAN,
            dense_fraction: f64::NAN,
            density: vec![f64::NAN; d_sae],
            density_histogram: vec![0; DENSITY_BINS],
            shrinkage: f64::NAN,
            relative_reconstruction_bias: f64::NAN,
        };
        Measured { summary: summary_of(&evaluation, schedule, None, None, None), evaluation, recovery: None }
    })
}

/// Measures `sae`, trained under `schedule` (any backend); an error when their shapes disagree.
pub fn try_report_of(sae: &Sae, schedule: &Schedule, with_matching: bool) -> Result<Measured, SaeError> {
    let sample = schedule.data().try_evaluation_sample(schedule.cfg.seed, EVALUATION_ROWS)?;
    let e = evaluate(sae, &sample, schedule.cfg.l1_coeff)?;
    let truth = schedule.data().ground_truth();
    let rec = truth.as_ref().map(|t| recovery::recovery(t, &sae.w_dec)).transpose()?;
    let mcc = match truth.as_ref().filter(|_| with_matching) {
        Some(t) => recovery::mcc(t, &sae.w_dec)?,
        None => None,
    };
    let summary = summary_of(&e, schedule, rec.as_ref(), mcc, truth.as_ref().map(|t| t.rows));
    Ok(Measured { summary, evaluation: e, recovery: rec })
}

/// The summary of an evaluation, with the recovery of the true features where there are some.
fn summary_of(
    e: &Evaluation,
    schedule: &Schedule,
    rec: Option<&recovery::Recovery>,
    mcc: Option<f32>,
    true_features: Option<usize>,
) -> RunReport {
    RunReport {
        steps: schedule.step(),
        mse: e.mse,
        nmse: e.nmse,
        fvu: e.fvu,
        l0: e.l0,
        l1: e.l1,
        loss: e.loss,
        dead_fraction: e.dead_fraction,
        dense_fraction: e.dense_fraction,
        shrinkage: e.shrinkage,
        mmcs: rec.map(|r| r.mmcs_true_to_learned),
        mmcs_learned_to_true: rec.map(|r| r.mmcs_learned_to_true),
        mcc,
        recovered_090: rec.map(|r| r.recovered_090),
        true_features,
        resampled: schedule.resampled(),
    }
}

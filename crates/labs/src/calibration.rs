//! The calibration widget's state: which data, how it is binned, the abstention threshold.
//! Uploaded data never goes into the state (it would land in links).

use frontier_calibration::analysis::analyse;
use frontier_calibration::samples::DataChoice;
use frontier_calibration::selective::at_threshold;
use frontier_calibration::Binning;
use frontier_state::WidgetState;

use crate::measure::{Lab, Measurement};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationState {
    pub data: DataChoice,
    pub bins: usize,
    pub binning: Binning,
    /// Abstain below this confidence.
    pub threshold: f64,
}

impl CalibrationState {
    pub fn example() -> Self {
        CalibrationState { data: DataChoice::Overconfident, bins: 10, binning: Binning::Article, threshold: 0.8 }
    }
}

impl WidgetState for CalibrationState {
    const WIDGET_ID: &'static str = "calibration";
    const VERSION: u32 = 1;

    fn validate(&self) -> Result<(), String> {
        if !(1..=100).contains(&self.bins) {
            return Err(format!("bins: {} is outside 1..=100", self.bins));
        }
        if !(0.0..=1.0).contains(&self.threshold) {
            return Err(format!("threshold: {} is outside [0, 1]", self.threshold));
        }
        Ok(())
    }
}

impl Lab for CalibrationState {
    /// The lab's analysis of a bundled sample (an upload stays in the reader's browser, so a
    /// state naming one cannot be measured anywhere else).
    fn measures(&self) -> Result<Vec<Measurement>, String> {
        let data = self.data.sample().ok_or("the data is the reader's own upload, which only their browser holds")?;
        let a = analyse(&data, self.bins, self.binning);
        let r = &a.report;
        let (coverage, answered_accuracy, abstained) = at_threshold(&data.confidences, &data.correct, self.threshold);
        let mut out = vec![
            Measurement::new("rows", "Predictions", r.n as f64, "rows"),
            Measurement::new("accuracy", "Accuracy", r.accuracy, "fraction"),
            Measurement::new("mean_confidence", "Mean confidence", r.mean_confidence, "fraction"),
            Measurement::new("ece", "ECE", r.ece, "fraction"),
            Measurement::new("mce", "MCE", r.mce, "fraction"),
            Measurement::new("rmsce", "RMSCE", r.rmsce, "fraction"),
            Measurement::new("ece_equal_mass", "ECE with equal-mass bins", r.ece_equal_mass, "fraction"),
            Measurement::new("debiased_l2", "Debiased l2 calibration error", r.debiased_l2, "fraction"),
            Measurement::new("brier", "Brier score", r.brier, "score"),
            Measurement::new("coverage", "Answered at the threshold", coverage, "fraction"),
            Measurement::new(
                "answered_accuracy",
                "Accuracy of what is answered",
                answered_accuracy.unwrap_or(f64::NAN),
                "fraction",
            ),
            Measurement::new("abstained", "Abstained on", abstained as f64, "rows"),
        ];
        if let Some((smece, _)) = a.smooth {
            out.push(Measurement::new("smece", "smECE", smece, "fraction"));
        }
        if let Some(t) = &a.temperature {
            out.push(Measurement::new("temperature", "Fitted temperature", t.temperature, "T"));
            out.push(Measurement::new("nll_after_temperature", "NLL after temperature scaling", t.nll_after, "nats"));
        }
        if let Some(h) = &a.held_out {
            out.push(Measurement::new(
                "held_out_ece_before",
                "Held-out ECE before recalibration",
                h.test_ece_before,
                "fraction",
            ));
            out.push(Measurement::new(
                "held_out_ece_histogram",
                "Held-out ECE after histogram binning",
                h.test_ece_histogram,
                "fraction",
            ));
            out.push(Measurement::new(
                "held_out_ece_isotonic",
                "Held-out ECE after isotonic regression",
                h.test_ece_isotonic,
                "fraction",
            ));
        }
        if let Some(rc) = &a.risk {
            out.push(Measurement::new("aurc", "AURC", rc.aurc, "fraction"));
        }
        Ok(out)
    }
}

//! The calibration widget's state: which data, how it is binned, the abstention threshold.
//! Uploaded data never goes into the state (it would land in links).

use frontier_calibration::samples::DataChoice;
use frontier_calibration::Binning;
use frontier_state::WidgetState;
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
    const WIDGET_ID: &'static str = <super::CalibrationWidget as crate::framework::widget::Widget>::META.id;
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

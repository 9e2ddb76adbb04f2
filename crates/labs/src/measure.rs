//! What a lab measures: named numbers computed from its state by the same core calls its view
//! makes. Lessons grade answers against them, and `frontier lesson check` prints them.

use frontier_state::WidgetState;
use serde::Serialize;

/// One number a lab computes from its state.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Measurement {
    /// The id a lesson names (`mfu`): lowercase words joined by `_`.
    pub id: &'static str,
    pub label: &'static str,
    pub value: f64,
    /// The unit, in words (`fraction`, `USD`, `tokens/s`).
    pub unit: &'static str,
}

impl Measurement {
    pub const fn new(id: &'static str, label: &'static str, value: f64, unit: &'static str) -> Self {
        Measurement { id, label, value, unit }
    }
}

/// A lab whose state can be measured.
pub trait Lab: WidgetState {
    /// Every number this state yields, in the order a reader would meet them. An error says
    /// why this state cannot be measured (data that only the reader's browser holds, say).
    fn measures(&self) -> Result<Vec<Measurement>, String>;
}

#[derive(Debug, Clone, PartialEq)]
pub enum MeasureError {
    /// No lab has this id (or it measures nothing).
    UnknownLab(String),
    /// The state does not decode or is not valid for the lab.
    State(String),
    /// The lab cannot measure this state.
    Unmeasurable(String),
    /// The lab measures other things.
    UnknownMeasure { id: String, known: Vec<&'static str> },
}

impl std::fmt::Display for MeasureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MeasureError::UnknownLab(id) => {
                write!(f, "no lab called {id:?} measures anything (labs that do: {})", lab_ids().join(", "))
            }
            MeasureError::State(why) => write!(f, "the state is not valid: {why}"),
            MeasureError::Unmeasurable(why) => write!(f, "this state cannot be measured: {why}"),
            MeasureError::UnknownMeasure { id, known } => {
                write!(f, "{id:?} is not measured here (measures: {})", known.join(", "))
            }
        }
    }
}

impl std::error::Error for MeasureError {}

fn measure_typed<T: Lab>(version: u32, state: serde_json::Value) -> Result<Vec<Measurement>, MeasureError> {
    let state: T = frontier_state::from_versioned(version, state).map_err(MeasureError::State)?;
    state.measures().map_err(MeasureError::Unmeasurable)
}

macro_rules! labs {
    ($($module:ident :: $state:ident),+ $(,)?) => {
        /// The ids of every lab that measures its state.
        pub fn lab_ids() -> Vec<&'static str> {
            vec![$(<crate::$module::$state as WidgetState>::WIDGET_ID),+]
        }

        /// Every measurement of lab `widget` in `state`, saved at schema `version`.
        pub fn measures_of(widget: &str, version: u32, state: serde_json::Value) -> Result<Vec<Measurement>, MeasureError> {
            $(if widget == <crate::$module::$state as WidgetState>::WIDGET_ID {
                return measure_typed::<crate::$module::$state>(version, state);
            })+
            Err(MeasureError::UnknownLab(widget.to_string()))
        }

        /// The current schema version of lab `widget`'s state.
        pub fn state_version(widget: &str) -> Option<u32> {
            $(if widget == <crate::$module::$state as WidgetState>::WIDGET_ID {
                return Some(<crate::$module::$state as WidgetState>::VERSION);
            })+
            None
        }
    };
}

labs! {
    cot::CotState,
    train_cost::TrainCostState,
    calibration::CalibrationState,
    memory::MemoryState,
    debate::DebateState,
    sae::SaeState,
    grounding::GroundingState,
    edge::EdgeState,
}

/// Measurement `id` of lab `widget` in `state`.
pub fn measure_state(
    widget: &str,
    version: u32,
    state: serde_json::Value,
    id: &str,
) -> Result<Measurement, MeasureError> {
    let all = measures_of(widget, version, state)?;
    all.iter()
        .find(|m| m.id == id)
        .copied()
        .ok_or_else(|| MeasureError::UnknownMeasure { id: id.to_string(), known: all.iter().map(|m| m.id).collect() })
}

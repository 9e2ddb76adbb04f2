//! Each lab's state as plain data, and the numbers it measures.
//!
//! A lab's state is what its share link, saved work and state files carry. It lives here, not
//! in the app, so that the command line and lessons read the same states the page writes, and
//! so that a lesson's question is graded by the very number the lab shows: [`Lab::measures`]
//! calls the same core function the page's view calls.

pub mod calibration;
pub mod cot;
pub mod debate;
pub mod edge;
pub mod grounding;
pub mod measure;
pub mod memory;
pub mod sae;
pub mod train_cost;

pub use measure::{lab_ids, measure_state, measures_of, state_version, Lab, MeasureError, Measurement};

//! Calibration: how well a model's confidence tracks its accuracy.
//!
//! [`binning`] assigns confidences to bins under each convention libraries use (they disagree
//! at bin edges), [`metrics`] computes ECE and its relatives from the bins, [`temperature`]
//! fits temperature scaling exactly, [`recalibrate`] fits histogram binning and isotonic
//! regression on a seeded split, [`selective`] measures abstention (risk–coverage, AURC), and
//! [`data`] parses the files users upload.

pub mod analysis;
pub mod binning;
pub mod consistency;
pub mod data;
pub mod metrics;
pub mod multiclass;
pub mod reader;
pub mod recalibrate;
pub mod rng;
pub mod samples;
pub mod selective;
pub mod smece;
pub mod temperature;

pub use binning::Binning;
pub use data::{parse, Dataset, ParseError};
pub use metrics::{evaluate, BinStats, Report};

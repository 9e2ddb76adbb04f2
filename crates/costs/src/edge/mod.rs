//! Edge inference: will a model fit a device, how fast will it decode, and what would help.
//!
//! Two models side by side. [`article`] is the article's check exactly (weights at a nominal
//! bit width plus a fixed 0.5 GB cache). [`realistic`] uses the architecture: whole-file bits
//! per weight, a KV cache computed from layers, heads and context (MLA and sliding windows
//! included), the part of RAM an app may really use, bandwidth efficiency and thermal
//! throttling. Decode is bandwidth-bound, prefill compute-bound (roofline). [`corrections`]
//! says, as data, where the two disagree; [`analysis`] is the one call the page and the CLI
//! make ([`EdgeSettings::analyze`]).

pub mod analysis;
pub mod article;
pub mod config;
pub mod corrections;
pub mod devices;
pub mod directions;
pub mod formats;
pub mod inverse;
pub mod measured;
pub mod models;
pub mod realistic;

pub use analysis::{EdgeAnalysis, EdgeSettings};
pub use article::{ArticleEdgeInputs, ArticleEdgeReport};
pub use corrections::{Correction, CorrectionKind};
pub use devices::Device;
pub use formats::{KvFormat, WeightFormat, Weights, WEIGHT_FORMATS};
pub use models::{Attention, ModelArch, MODELS};
pub use realistic::{EdgeInputs, EdgeReport};

/// Bytes in a decimal gigabyte (the unit of RAM sizes and bandwidths here).
pub const GB: f64 = 1e9;
/// Bytes in a gibibyte (the unit llama.cpp prints as "G").
pub const GIB: f64 = 1_073_741_824.0;

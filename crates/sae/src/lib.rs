//! Sparse autoencoders for interpretability, with no knowledge of the web.
//!
//! - [`model::Sae`]: weights and inference (the article's model, TopK, BatchTopK);
//! - [`backend::Backend`]: the training step, implemented on the CPU by [`cpu::CpuBackend`];
//! - [`train::Trainer`]: schedules, dead features, resampling and the metrics history;
//! - [`metrics`] and [`recovery`]: reconstruction, sparsity and ground-truth recovery;
//! - [`data`]: synthetic data with known features, and the bundled real activations;
//! - [`io`] and [`saelens`]: `.npy`, safetensors, CSV, and SAELens's file layout.

pub mod adam;
pub mod backend;
pub mod config;
pub mod cpu;
pub mod data;
pub mod error;
pub mod features;
pub mod gemm;
pub mod hungarian;
pub mod io;
pub mod matrix;
pub mod memory;
pub mod metrics;
pub mod model;
pub mod recovery;
pub mod report;
pub mod rng;
pub mod saelens;
pub mod train;

pub use backend::{Backend, StepParams, StepStats};
pub use config::{Arch, SaeConfig, TrainConfig};
pub use cpu::CpuBackend;
pub use error::SaeError;
pub use matrix::Matrix;
pub use model::Sae;
pub use train::Trainer;

//! Cost models for training and running large language models.
//!
//! Everything here is plain arithmetic over validated inputs: no I/O, no clock, no
//! randomness. Preset tables carry a source note per row so the app, the CLI and the
//! tests all read the same numbers from one place.

pub mod article;
pub mod conventions;
pub mod edge;
pub mod error;
pub mod hardware;
pub mod presets;
pub mod sweep;
pub mod training;

pub use article::{ArticleCostRow, ARTICLE_COST_TABLE};
pub use conventions::{convention_table, ConventionRow};
pub use error::InputError;
pub use hardware::{Accelerator, Precision, ACCELERATORS};
pub use presets::{TrainingPreset, TRAINING_PRESETS};
pub use sweep::{grid, sweep, AxisRange, GridCell, GridError, SweepAxis, SweepPoint};
pub use training::{AttentionMode, AttentionShape, TrainingInputs, TrainingReport};

//! The widget framework: routing, persistence, sharing, export, charts, workers.

#[cfg(test)]
pub mod bounds;
pub mod chart;
pub mod choice;
pub mod dom;
pub mod fatal;
pub mod files;
pub mod format;
pub mod frame;
pub mod host;
pub mod resize;
pub mod router;
pub mod scale;
pub mod seed;
pub mod shared;
pub mod slider;
pub mod storage;
pub mod theme;
pub mod widget;
pub mod worker;

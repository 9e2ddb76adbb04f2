//! Sweeps: the training model evaluated along one input (for charts) or over a grid of
//! two inputs (for exports), with a progress callback that can stop the work.

use std::ops::ControlFlow;

use serde::{Deserialize, Serialize};

use crate::error::{positive, InputError, Problem};
use crate::training::{limits, TrainingInputs, TrainingReport};

/// The input a sweep varies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SweepAxis {
    ActiveParams,
    Tokens,
    Gpus,
    Hours,
    PeakTflops,
    UsdPerGpuHour,
}

impl SweepAxis {
    pub const ALL: [SweepAxis; 6] = [
        SweepAxis::ActiveParams,
        SweepAxis::Tokens,
        SweepAxis::Gpus,
        SweepAxis::Hours,
        SweepAxis::PeakTflops,
        SweepAxis::UsdPerGpuHour,
    ];

    pub fn id(self) -> &'static str {
        match self {
            SweepAxis::ActiveParams => "active_params",
            SweepAxis::Tokens => "tokens",
            SweepAxis::Gpus => "gpus",
            SweepAxis::Hours => "hours",
            SweepAxis::PeakTflops => "peak_tflops",
            SweepAxis::UsdPerGpuHour => "usd_per_gpu_hour",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SweepAxis::ActiveParams => "Active parameters",
            SweepAxis::Tokens => "Training tokens",
            SweepAxis::Gpus => "GPUs",
            SweepAxis::Hours => "Wall-clock hours",
            SweepAxis::PeakTflops => "Peak TFLOPS per GPU",
            SweepAxis::UsdPerGpuHour => "USD per GPU-hour",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.id() == id)
    }

    fn limit(self) -> f64 {
        match self {
            SweepAxis::ActiveParams => limits::ACTIVE_PARAMS,
            SweepAxis::Tokens => limits::TOKENS,
            SweepAxis::Gpus => limits::GPUS,
            SweepAxis::Hours => limits::HOURS,
            SweepAxis::PeakTflops => limits::PEAK_TFLOPS,
            SweepAxis::UsdPerGpuHour => limits::USD_PER_GPU_HOUR,
        }
    }

    /// The current value of this axis in `inputs`.
    pub fn get(self, inputs: &TrainingInputs) -> f64 {
        match self {
            SweepAxis::ActiveParams => inputs.active_params,
            SweepAxis::Tokens => inputs.tokens,
            SweepAxis::Gpus => inputs.gpus,
            SweepAxis::Hours => inputs.hours,
            SweepAxis::PeakTflops => inputs.peak_tflops,
            SweepAxis::UsdPerGpuHour => inputs.usd_per_gpu_hour,
        }
    }

    /// `inputs` with this axis set to `value` (GPUs rounded to a whole count, at least one).
    pub fn with(self, inputs: &TrainingInputs, value: f64) -> TrainingInputs {
        let mut out = *inputs;
        match self {
            SweepAxis::ActiveParams => out.active_params = value,
            SweepAxis::Tokens => out.tokens = value,
            SweepAxis::Gpus => out.gpus = value.round().max(1.0),
            SweepAxis::Hours => out.hours = value,
            SweepAxis::PeakTflops => out.peak_tflops = value,
            SweepAxis::UsdPerGpuHour => out.usd_per_gpu_hour = value,
        }
        out
    }
}

/// A range of one axis: `steps` points from `from` to `to`, spaced evenly on a log or
/// linear scale.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AxisRange {
    pub axis: SweepAxis,
    pub from: f64,
    pub to: f64,
    pub steps: usize,
    pub log: bool,
}

/// The most points one sweep may hold (a grid of 1000 × 1000).
pub const MAX_POINTS: usize = 1_000_000;

impl AxisRange {
    /// A range from a tenth to ten times the current value, on a log scale.
    pub fn around(axis: SweepAxis, inputs: &TrainingInputs, steps: usize) -> Self {
        let v = axis.get(inputs);
        let from = if axis == SweepAxis::Gpus { (v / 10.0).max(1.0) } else { v / 10.0 };
        Self { axis, from, to: (v * 10.0).min(axis.limit()), steps, log: true }
    }

    fn validate(&self) -> Result<(), InputError> {
        positive("from", self.from, self.axis.limit())?;
        positive("to", self.to, self.axis.limit())?;
        if self.steps < 2 || self.steps > MAX_POINTS {
            return Err(InputError::new(
                "steps",
                Problem::OutOfRange { value: self.steps as f64, min: 2.0, max: MAX_POINTS as f64 },
            ));
        }
        Ok(())
    }

    /// The value at point `i` of the range.
    pub fn value(&self, i: usize) -> f64 {
        let t = i as f64 / (self.steps - 1) as f64;
        if self.log {
            (self.from.ln() + t * (self.to.ln() - self.from.ln())).exp()
        } else {
            self.from + t * (self.to - self.from)
        }
    }
}

/// One evaluated point of a sweep.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SweepPoint {
    pub x: f64,
    pub report: TrainingReport,
}

/// Evaluates the model along one axis; `inputs` supplies every other value.
pub fn sweep(inputs: &TrainingInputs, range: &AxisRange) -> Result<Vec<SweepPoint>, InputError> {
    inputs.validate()?;
    range.validate()?;
    Ok((0..range.steps)
        .map(|i| {
            let point = range.axis.with(inputs, range.value(i));
            SweepPoint { x: range.axis.get(&point), report: point.evaluate_unchecked() }
        })
        .collect())
}

/// One cell of a two-axis grid.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GridCell {
    pub x: f64,
    pub y: f64,
    pub mfu: f64,
    pub total_cost_usd: f64,
}

/// Why a grid sweep did not finish.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GridError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("the grid has {points} points; the limit is {MAX_POINTS}")]
    TooLarge { points: usize },
    #[error("the same input cannot be both axes ({0})")]
    SameAxis(&'static str),
    #[error("cancelled")]
    Cancelled,
}

/// Evaluates every (x, y) pair, row by row. `progress(done_rows, total_rows)` is called after
/// each row; returning `ControlFlow::Break` stops the sweep with [`GridError::Cancelled`].
pub fn grid(
    inputs: &TrainingInputs,
    x: &AxisRange,
    y: &AxisRange,
    mut progress: impl FnMut(usize, usize) -> ControlFlow<()>,
) -> Result<Vec<GridCell>, GridError> {
    inputs.validate()?;
    x.validate()?;
    y.validate()?;
    if x.axis == y.axis {
        return Err(GridError::SameAxis(x.axis.id()));
    }
    let points = x.steps.checked_mul(y.steps).filter(|&p| p <= MAX_POINTS);
    let points = points.ok_or(GridError::TooLarge { points: x.steps.saturating_mul(y.steps) })?;
    let mut cells = Vec::new();
    cells.try_reserve_exact(points).map_err(|_| GridError::TooLarge { points })?;
    for j in 0..y.steps {
        let row_inputs = y.axis.with(inputs, y.value(j));
        for i in 0..x.steps {
            let p = x.axis.with(&row_inputs, x.value(i));
            let r = p.evaluate_unchecked();
            cells.push(GridCell { x: x.axis.get(&p), y: y.axis.get(&p), mfu: r.mfu, total_cost_usd: r.total_cost_usd });
        }
        if progress(j + 1, y.steps).is_break() {
            return Err(GridError::Cancelled);
        }
    }
    Ok(cells)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::TrainingPreset;

    fn deepseek() -> TrainingInputs {
        TrainingPreset::by_id("deepseek-v3").map(|p| p.inputs).unwrap_or_else(|| unreachable!())
    }

    #[test]
    fn log_sweep_endpoints_and_midpoint() -> Result<(), InputError> {
        let range = AxisRange { axis: SweepAxis::Hours, from: 100.0, to: 10_000.0, steps: 3, log: true };
        let pts = sweep(&deepseek(), &range)?;
        let xs: Vec<f64> = pts.iter().map(|p| (p.x * 1e6).round() / 1e6).collect();
        assert_eq!(xs, vec![100.0, 1000.0, 10_000.0]);
        // MFU is inversely proportional to hours: 10× the hours, a tenth of the MFU.
        assert!((pts[0].report.mfu / pts[1].report.mfu - 10.0).abs() < 1e-9);
        Ok(())
    }

    #[test]
    fn grid_rows_and_cancel() {
        let x = AxisRange { axis: SweepAxis::Gpus, from: 1.0, to: 100.0, steps: 4, log: false };
        let y = AxisRange { axis: SweepAxis::Hours, from: 1.0, to: 10.0, steps: 5, log: false };
        let mut calls = 0;
        let cells = grid(&deepseek(), &x, &y, |done, total| {
            calls += 1;
            assert_eq!(total, 5);
            assert_eq!(done, calls);
            ControlFlow::Continue(())
        });
        assert_eq!(cells.map(|c| c.len()), Ok(20));
        let cancelled =
            grid(
                &deepseek(),
                &x,
                &y,
                |done, _| if done == 2 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) },
            );
        assert_eq!(cancelled, Err(GridError::Cancelled));
    }

    #[test]
    fn grid_refuses_oversized_and_degenerate_requests() {
        let x = AxisRange { axis: SweepAxis::Gpus, from: 1.0, to: 100.0, steps: 2000, log: false };
        let y = AxisRange { axis: SweepAxis::Hours, from: 1.0, to: 10.0, steps: 2000, log: false };
        assert_eq!(
            grid(&deepseek(), &x, &y, |_, _| ControlFlow::Continue(())),
            Err(GridError::TooLarge { points: 4_000_000 })
        );
        let same = AxisRange { axis: SweepAxis::Gpus, ..y };
        let x_small = AxisRange { steps: 2, ..x };
        let same_small = AxisRange { steps: 2, ..same };
        assert_eq!(
            grid(&deepseek(), &x_small, &same_small, |_, _| ControlFlow::Continue(())),
            Err(GridError::SameAxis("gpus"))
        );
    }
}

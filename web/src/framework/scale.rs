//! Mapping between a slider's integer positions and a value range, on a log or linear
//! scale. This is view geometry, like chart coordinates, not analysis.

/// A slider scale with `STEPS` positions from `min` to `max`.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Scale {
    pub min: f64,
    pub max: f64,
    pub log: bool,
}

/// Positions per slider: fine enough that a step is under 3 % on a six-decade log range.
pub const STEPS: f64 = 1000.0;

impl Scale {
    pub fn position(&self, value: f64) -> f64 {
        let t = if self.log {
            (value.ln() - self.min.ln()) / (self.max.ln() - self.min.ln())
        } else {
            (value - self.min) / (self.max - self.min)
        };
        (t.clamp(0.0, 1.0) * STEPS).round()
    }

    pub fn value(&self, position: f64) -> f64 {
        let t = (position / STEPS).clamp(0.0, 1.0);
        if self.log {
            (self.min.ln() + t * (self.max.ln() - self.min.ln())).exp()
        } else {
            self.min + t * (self.max - self.min)
        }
    }
}

/// Rounds to `digits` significant digits, so slider values read as people would type them.
pub fn round_significant(value: f64, digits: i32) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let magnitude = value.abs().log10().floor() as i32;
    let factor = 10f64.powi(digits - 1 - magnitude);
    (value * factor).round() / factor
}

//! Adam (Kingma & Ba), as `torch.optim.Adam` computes it.

/// First and second moments for one parameter tensor.
#[derive(Debug, Clone, Default)]
pub struct Moments {
    m: Vec<f32>,
    v: Vec<f32>,
}

/// The hyperparameters of one update; `t` counts updates from 1.
#[derive(Debug, Clone, Copy)]
pub struct AdamStep {
    pub lr: f32,
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    pub t: u64,
}

impl Moments {
    pub fn new(len: usize) -> Self {
        Self { m: vec![0.0; len], v: vec![0.0; len] }
    }

    /// `param -= lr · m̂ / (√v̂ + eps)` with bias-corrected moments.
    pub fn update(&mut self, param: &mut [f32], grad: &[f32], step: AdamStep) {
        let t = step.t.min(i32::MAX as u64) as i32;
        let correction1 = 1.0 - f64::from(step.beta1).powi(t);
        let correction2 = 1.0 - f64::from(step.beta2).powi(t);
        let step_size = (f64::from(step.lr) / correction1) as f32;
        let inv_sqrt_c2 = (1.0 / correction2.sqrt()) as f32;
        let (b1, b2, eps) = (step.beta1, step.beta2, step.eps);
        for (((p, &g), m), v) in param.iter_mut().zip(grad).zip(&mut self.m).zip(&mut self.v) {
            *m = b1 * *m + (1.0 - b1) * g;
            *v = b2 * *v + (1.0 - b2) * g * g;
            *p -= step_size * *m / (v.sqrt() * inv_sqrt_c2 + eps);
        }
    }

    /// Forgets the moments of elements `range` (a resampled feature starts afresh).
    pub fn reset(&mut self, range: std::ops::Range<usize>) {
        self.m[range.clone()].iter_mut().for_each(|x| *x = 0.0);
        self.v[range].iter_mut().for_each(|x| *x = 0.0);
    }

    /// Forgets the moments of every `stride`-th element from `start` (a column of a row-major
    /// matrix).
    pub fn reset_strided(&mut self, start: usize, stride: usize) {
        for i in (start..self.m.len()).step_by(stride.max(1)) {
            self.m[i] = 0.0;
            self.v[i] = 0.0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_step_moves_each_parameter_by_about_lr_against_its_gradient() {
        // After one step m̂ = g and v̂ = g², so the step is lr · g / (|g| + eps).
        let mut p = [1.0f32, -2.0, 0.5];
        let g = [0.3f32, -4.0, 0.0];
        let mut moments = Moments::new(3);
        moments.update(&mut p, &g, AdamStep { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, t: 1 });
        assert!((p[0] - 0.9).abs() < 1e-6);
        assert!((p[1] - (-1.9)).abs() < 1e-6);
        assert_eq!(p[2], 0.5);
    }
}

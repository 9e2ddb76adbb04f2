//! Scratch space for one batch, kept between steps so that training allocates nothing per step.

#[derive(Debug, Clone, Default)]
pub(super) struct Buffers {
    /// The input, centred by b_dec when the SAE does that: `[rows, d_in]`.
    pub x_in: Vec<f32>,
    /// Pre-activations: `[rows, d_sae]`.
    pub h: Vec<f32>,
    /// Features: `[rows, d_sae]`.
    pub f: Vec<f32>,
    /// Reconstruction: `[rows, d_in]`.
    pub recon: Vec<f32>,
    /// d loss / d reconstruction: `[rows, d_in]`.
    pub g_out: Vec<f32>,
    /// d loss / d pre-activations: `[rows, d_sae]`.
    pub g_h: Vec<f32>,
}

impl Buffers {
    pub fn resize(&mut self, rows: usize, d_in: usize, d_sae: usize) {
        for (buffer, len) in [
            (&mut self.x_in, rows * d_in),
            (&mut self.h, rows * d_sae),
            (&mut self.f, rows * d_sae),
            (&mut self.recon, rows * d_in),
            (&mut self.g_out, rows * d_in),
            (&mut self.g_h, rows * d_sae),
        ] {
            buffer.resize(len, 0.0);
        }
    }
}

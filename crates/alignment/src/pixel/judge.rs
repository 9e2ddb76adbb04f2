//! The sparse-pixel judge: one hidden layer over (revealed, intensity) per pixel.
//!
//! Because at most a handful of the 1,568 inputs are nonzero, the hidden layer's pre-activation
//! is the bias plus one column pair per revealed pixel. The debaters keep that sum and add one
//! candidate pixel at a time, which makes a judge query cost about 3 × hidden flops instead of
//! 1,568 × hidden.

use serde::Serialize;

use super::{PixelError, Reader, CLASSES, PIXELS};

const MAGIC: &[u8; 8] = b"FLPXJDG1";
const WHAT: &str = "pixel judge";
/// Two inputs per pixel: 1 where revealed, and the revealed intensity in [0, 1].
const INPUTS: usize = 2 * PIXELS;
/// Larger hidden layers are refused (the shipped judge has 128 units).
const MAX_HIDDEN: usize = 4096;

/// One revealed pixel: where, and its true intensity (0 to 255; the judge sees value / 255).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Reveal {
    pixel: usize,
    value: u8,
}

impl Reveal {
    /// Refuses a pixel outside the image, so that a `Reveal` is always safe to feed the judge.
    pub fn new(pixel: usize, value: u8) -> Result<Reveal, PixelError> {
        if pixel < PIXELS {
            Ok(Reveal { pixel, value })
        } else {
            Err(PixelError::PixelOutOfRange { pixel })
        }
    }

    pub fn pixel(&self) -> usize {
        self.pixel
    }

    pub fn value(&self) -> u8 {
        self.value
    }
}

/// The judge network, its int8 weights dequantized to f32 on load.
///
/// File format (little-endian), written by `tools/assets/mnist_judge.py`:
/// magic `FLPXJDG1`; u32 inputs (1568), u32 hidden (H), u32 classes (10); layer 1:
/// `f32 scale[H]`, `f32 bias[H]`, `i8 weight[1568][H]` (row 2p: pixel p revealed, row 2p + 1:
/// its intensity; weight = `scale[h]` × i8); layer 2: `f32 scale[10]`, `f32 bias[10]`,
/// `i8 weight[H][10]`.
#[derive(Clone)]
pub struct Judge {
    hidden: usize,
    /// [input][hidden], input-major so that one pixel's two columns are contiguous.
    w1: Vec<f32>,
    b1: Vec<f32>,
    /// [hidden][class].
    w2: Vec<f32>,
    b2: [f32; CLASSES],
}

impl std::fmt::Debug for Judge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Judge").field("hidden", &self.hidden).finish_non_exhaustive()
    }
}

/// The direction in hidden space that scores `own` against `opponent`: logit(own) − logit(opp)
/// = dot(relu(hidden), w2[:, own] − w2[:, opp]) + b2[own] − b2[opp].
#[derive(Debug, Clone)]
pub(crate) struct Margin {
    direction: Vec<f32>,
    bias: f32,
}

impl Judge {
    pub fn from_bytes(bytes: &[u8]) -> Result<Judge, PixelError> {
        let mut r = Reader::new(bytes, WHAT, MAGIC)?;
        let (inputs, hidden, classes) = (r.u32()? as usize, r.u32()? as usize, r.u32()? as usize);
        if inputs != INPUTS || classes != CLASSES || hidden == 0 || hidden > MAX_HIDDEN {
            let detail =
                format!("shape {inputs} -> {hidden} -> {classes}, expected {INPUTS} -> 1..={MAX_HIDDEN} -> {CLASSES}");
            return Err(PixelError::BadShape { what: WHAT, detail });
        }
        let (w1, b1) = dense(&mut r, INPUTS, hidden)?;
        let (w2, b2) = dense(&mut r, hidden, CLASSES)?;
        r.finish()?;
        let mut bias = [0.0; CLASSES];
        bias.copy_from_slice(&b2);
        Ok(Judge { hidden, w1, b1, w2, b2: bias })
    }

    /// Units in the hidden layer.
    pub fn hidden_units(&self) -> usize {
        self.hidden
    }

    /// The judge's ten logits given only these pixels (in any order; a pixel listed twice counts
    /// twice, which the game never does).
    pub fn logits(&self, revealed: &[Reveal]) -> [f32; CLASSES] {
        let mut pre = self.empty();
        for reveal in revealed {
            self.add(&mut pre, *reveal);
        }
        self.logits_of(&pre)
    }

    /// The class the judge picks (the first of equal logits).
    pub fn predict(&self, revealed: &[Reveal]) -> u8 {
        argmax(&self.logits(revealed))
    }

    /// The hidden pre-activation with nothing revealed.
    pub(crate) fn empty(&self) -> Vec<f32> {
        self.b1.clone()
    }

    /// Adds one revealed pixel to a hidden pre-activation.
    pub(crate) fn add(&self, pre: &mut [f32], reveal: Reveal) {
        let (mask, intensity) = self.columns(reveal.pixel);
        let value = f32::from(reveal.value) / 255.0;
        for ((z, &a), &b) in pre.iter_mut().zip(mask).zip(intensity) {
            *z += a + value * b;
        }
    }

    pub(crate) fn logits_of(&self, pre: &[f32]) -> [f32; CLASSES] {
        let mut logits = self.b2;
        for (&z, row) in pre.iter().zip(self.w2.chunks_exact(CLASSES)) {
            if z > 0.0 {
                for (logit, &w) in logits.iter_mut().zip(row) {
                    *logit += z * w;
                }
            }
        }
        logits
    }

    pub(crate) fn margin(&self, own: u8, opponent: u8) -> Margin {
        let (own, opponent) = (usize::from(own) % CLASSES, usize::from(opponent) % CLASSES);
        let direction = self.w2.chunks_exact(CLASSES).map(|row| row[own] - row[opponent]).collect();
        Margin { direction, bias: self.b2[own] - self.b2[opponent] }
    }

    /// logit(own) − logit(opponent) once `reveal` is added to `pre`, without building the new
    /// pre-activation: the debaters' inner loop.
    pub(crate) fn margin_after(&self, pre: &[f32], reveal: Reveal, margin: &Margin) -> f32 {
        let (mask, intensity) = self.columns(reveal.pixel);
        let value = f32::from(reveal.value) / 255.0;
        let mut sum = margin.bias;
        for (((&z, &a), &b), &d) in pre.iter().zip(mask).zip(intensity).zip(&margin.direction) {
            let h = z + a + value * b;
            if h > 0.0 {
                sum += h * d;
            }
        }
        sum
    }

    /// logit(own) − logit(opponent) for a pre-activation as it stands.
    pub(crate) fn margin_of(&self, pre: &[f32], margin: &Margin) -> f32 {
        let mut sum = margin.bias;
        for (&z, &d) in pre.iter().zip(&margin.direction) {
            if z > 0.0 {
                sum += z * d;
            }
        }
        sum
    }

    /// The two weight columns of a pixel (empty for a pixel out of range, which `Reveal` rules out).
    fn columns(&self, pixel: usize) -> (&[f32], &[f32]) {
        let start = 2 * pixel * self.hidden;
        let mask = self.w1.get(start..start + self.hidden).unwrap_or(&[]);
        let intensity = self.w1.get(start + self.hidden..start + 2 * self.hidden).unwrap_or(&[]);
        (mask, intensity)
    }
}

/// One int8 layer: scales, biases, then weights [inputs][outputs]; returns f32 weights and biases.
fn dense(r: &mut Reader<'_>, inputs: usize, outputs: usize) -> Result<(Vec<f32>, Vec<f32>), PixelError> {
    let scales = r.f32s(outputs)?;
    let biases = r.f32s(outputs)?;
    let quantized = r.take(inputs * outputs)?;
    let weights = quantized
        .chunks_exact(outputs)
        .flat_map(|row| row.iter().zip(&scales).map(|(&q, &scale)| scale * f32::from(q as i8)))
        .collect();
    Ok((weights, biases))
}

/// Index of the largest logit, the first among equals.
pub(crate) fn argmax(logits: &[f32; CLASSES]) -> u8 {
    let mut best = 0;
    for (class, &logit) in logits.iter().enumerate() {
        if logit > logits[best] {
            best = class;
        }
    }
    best as u8
}

//! MNIST digits as the debaters see them (whole), and the held-out set the judge never trained on.

use super::{PixelError, Reader, CLASSES, PIXELS};

const MAGIC: &[u8; 8] = b"FLPXDIG1";
const WHAT: &str = "pixel digits";
/// One bit per pixel marks ink.
const BITMAP_BYTES: usize = PIXELS / 8;

/// A labelled 28 × 28 digit, intensities 0 (blank) to 255 (ink), row-major.
#[derive(Clone, PartialEq, Eq)]
pub struct Digit {
    label: u8,
    pixels: [u8; PIXELS],
}

impl std::fmt::Debug for Digit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ink = self.pixels.iter().filter(|&&v| v != 0).count();
        f.debug_struct("Digit").field("label", &self.label).field("ink_pixels", &ink).finish()
    }
}

impl Digit {
    /// A digit from its label and pixels (a page could let the user draw one).
    pub fn new(label: u8, pixels: [u8; PIXELS]) -> Result<Digit, PixelError> {
        if usize::from(label) < CLASSES {
            Ok(Digit { label, pixels })
        } else {
            Err(PixelError::BadLabel { label })
        }
    }

    pub fn label(&self) -> u8 {
        self.label
    }

    pub fn pixels(&self) -> &[u8; PIXELS] {
        &self.pixels
    }

    /// The intensity of one pixel, `None` outside the image.
    pub fn value(&self, pixel: usize) -> Option<u8> {
        self.pixels.get(pixel).copied()
    }

    /// The nonzero pixels, ascending: the only ones a debater may reveal.
    pub fn ink_pixels(&self) -> Vec<usize> {
        (0..PIXELS).filter(|&p| self.pixels[p] != 0).collect()
    }
}

/// A set of digits, e.g. the 1,000 held out from the judge's training.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digits {
    digits: Vec<Digit>,
}

impl Digits {
    /// File format (little-endian), written by `tools/assets/mnist_judge.py`: magic `FLPXDIG1`,
    /// u32 count; per digit a u8 label, a 98-byte bitmap of the nonzero pixels (pixel i is bit
    /// i % 8 of byte i / 8), then one nonzero u8 intensity per set bit, in pixel order.
    pub fn from_bytes(bytes: &[u8]) -> Result<Digits, PixelError> {
        let mut r = Reader::new(bytes, WHAT, MAGIC)?;
        let count = r.u32()? as usize;
        // Each digit takes at least 99 bytes, so a bad count fails before a large allocation.
        if count > bytes.len() / (1 + BITMAP_BYTES) {
            let detail = format!("{count} digits cannot fit in {} bytes", bytes.len());
            return Err(PixelError::BadShape { what: WHAT, detail });
        }
        let mut digits = Vec::with_capacity(count);
        for index in 0..count {
            let label = r.u8()?;
            if usize::from(label) >= CLASSES {
                return Err(PixelError::BadLabel { label });
            }
            let bitmap = r.take(BITMAP_BYTES)?;
            let ink: Vec<usize> = (0..PIXELS).filter(|&p| bitmap[p / 8] >> (p % 8) & 1 == 1).collect();
            let values = r.take(ink.len())?;
            let mut pixels = [0u8; PIXELS];
            for (&pixel, &value) in ink.iter().zip(values) {
                if value == 0 {
                    return Err(PixelError::ZeroIntensity { index });
                }
                pixels[pixel] = value;
            }
            digits.push(Digit { label, pixels });
        }
        r.finish()?;
        Ok(Digits { digits })
    }

    pub fn len(&self) -> usize {
        self.digits.len()
    }

    pub fn is_empty(&self) -> bool {
        self.digits.is_empty()
    }

    pub fn get(&self, index: usize) -> Option<&Digit> {
        self.digits.get(index)
    }

    pub fn as_slice(&self) -> &[Digit] {
        &self.digits
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Digit> {
        self.digits.iter()
    }
}

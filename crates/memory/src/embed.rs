//! Turning text into vectors in the page, with nothing downloaded from anywhere else.
//!
//! [`HashEmbedder`] is signed feature hashing (Weinberger et al. 2009) of words and character
//! 3–5-grams: instant, no weights, deterministic, but lexical only. "car" and "automobile"
//! come out unrelated; "Zurich" and "Zürich" only partly related.

/// Anything that turns text into a vector of a fixed length.
pub trait Embedder {
    fn dims(&self) -> usize;
    fn embed(&self, text: &str) -> Vec<f32>;
    /// A short name for reports ("hash", "static").
    fn name(&self) -> &'static str;
}

/// Signed hashing of lower-cased words (weight 1) and character n-grams of each word with
/// boundary marks (weight 0.5 each, n = 3..=5), L2-normalized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashEmbedder {
    pub dims: usize,
}

impl Default for HashEmbedder {
    fn default() -> Self {
        HashEmbedder { dims: 256 }
    }
}

/// FNV-1a, 64 bits: stable across platforms and versions, unlike the standard hasher.
fn fnv1a(bytes: impl IntoIterator<Item = u8>, seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl HashEmbedder {
    fn add(&self, v: &mut [f32], feature: &str, kind: u64, weight: f32) {
        let h = fnv1a(feature.bytes(), kind);
        let index = (h % self.dims as u64) as usize;
        let sign = if h >> 63 == 0 { 1.0 } else { -1.0 };
        v[index] += sign * weight;
    }
}

/// Lower-cased words: runs of letters and digits (apostrophes inside words kept out).
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase)
}

impl Embedder for HashEmbedder {
    fn dims(&self) -> usize {
        self.dims
    }

    fn name(&self) -> &'static str {
        "hash"
    }

    fn embed(&self, text: &str) -> Vec<f32> {
        let mut v = vec![0.0f32; self.dims.max(1)];
        for word in words(text) {
            self.add(&mut v, &word, 1, 1.0);
            let marked: Vec<char> = std::iter::once('<').chain(word.chars()).chain(std::iter::once('>')).collect();
            for n in 3..=5 {
                for gram in marked.windows(n) {
                    let gram: String = gram.iter().collect();
                    self.add(&mut v, &gram, 2, 0.5);
                }
            }
        }
        crate::vector::normalize(&mut v);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vector::dot;

    #[test]
    fn same_text_same_vector_unit_length() {
        let e = HashEmbedder::default();
        let a = e.embed("I live in Bern");
        assert_eq!(a, e.embed("i LIVE in bern!"));
        assert!((dot(&a, &a) - 1.0).abs() < 1e-6);
        assert!(e.embed("").iter().all(|&x| x == 0.0));
    }

    #[test]
    fn shared_words_score_higher_than_unrelated_text() {
        let e = HashEmbedder::default();
        let bern = e.embed("I live in Bern");
        let near = dot(&bern, &e.embed("Where do I live?"));
        let far = dot(&bern, &e.embed("The quarterly report is due"));
        assert!(near > far + 0.2, "near {near}, far {far}");
    }
}

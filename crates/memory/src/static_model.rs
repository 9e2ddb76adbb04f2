//! A static embedding model: one vector per WordPiece token, distilled from all-MiniLM-L6-v2
//! (`cargo xtask assets`: every token through the model, PCA to 128 dimensions, Zipf weights,
//! int8). A sentence is the mean of its tokens' vectors, normalized: no attention, so word
//! order is lost, but synonyms the teacher knew stay close ("moved" and "live" are not
//! orthogonal, as they are for hashing).
//!
//! File layout (little-endian): `FLSE0001`, vocabulary size V (u32), dimensions D (u32), V
//! tokens (u16 length + UTF-8), V row scales (f32), V·D int8 values.

use std::collections::HashMap;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::embed::Embedder;

const MAGIC: &[u8] = b"FLSE0001";
/// BERT's limit: longer words become [UNK].
const MAX_WORD_CHARS: usize = 100;

#[derive(Debug, Clone)]
pub struct StaticEmbedder {
    vocab: HashMap<String, u32>,
    dims: usize,
    scales: Vec<f32>,
    values: Vec<i8>,
    unknown: Option<u32>,
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| format!("the model file ends early (byte {} of {})", self.at, self.bytes.len()))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

impl StaticEmbedder {
    /// Reads a model file, checking every length against the bytes present.
    pub fn from_bytes(bytes: &[u8]) -> Result<StaticEmbedder, String> {
        let mut c = Cursor { bytes, at: 0 };
        if c.take(MAGIC.len())? != MAGIC {
            return Err("not a static embedding file (wrong magic bytes)".into());
        }
        let (v, d) = (c.u32()? as usize, c.u32()? as usize);
        if v == 0 || d == 0 || v > 1_000_000 || d > 4096 {
            return Err(format!("implausible sizes: {v} tokens of {d} dimensions"));
        }
        let mut vocab = HashMap::with_capacity(v);
        for i in 0..v {
            let len = c.take(2)?;
            let token = c.take(usize::from(u16::from_le_bytes([len[0], len[1]])))?;
            let token = std::str::from_utf8(token).map_err(|_| format!("token {i} is not UTF-8"))?;
            vocab.insert(token.to_string(), i as u32);
        }
        let scales = c.take(4 * v)?.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
        let values = c.take(v * d)?.iter().map(|&b| b as i8).collect();
        if c.at != bytes.len() {
            return Err(format!("{} bytes after the table", bytes.len() - c.at));
        }
        let unknown = vocab.get("[UNK]").copied();
        Ok(StaticEmbedder { vocab, dims: d, scales, values, unknown })
    }

    /// BERT's uncased tokenization: lower case, accents removed, punctuation split off, then
    /// WordPiece (longest known prefix, `##` continuations; a word that cannot be split is
    /// [UNK]).
    pub fn tokenize(&self, text: &str) -> Vec<u32> {
        let cleaned: String = text.to_lowercase().nfd().filter(|&c| !is_combining_mark(c)).collect();
        let mut words: Vec<String> = Vec::new();
        let mut current = String::new();
        for ch in cleaned.chars() {
            if ch.is_whitespace() || ch.is_control() {
                words.push(std::mem::take(&mut current));
            } else if ch.is_ascii_punctuation() || !ch.is_alphanumeric() {
                words.push(std::mem::take(&mut current));
                words.push(ch.to_string());
            } else {
                current.push(ch);
            }
        }
        words.push(current);
        let mut ids = Vec::new();
        for word in words.iter().filter(|w| !w.is_empty()) {
            ids.extend(self.word_pieces(word));
        }
        ids
    }

    fn word_pieces(&self, word: &str) -> Vec<u32> {
        let chars: Vec<char> = word.chars().collect();
        if chars.len() > MAX_WORD_CHARS {
            return self.unknown.into_iter().collect();
        }
        let mut pieces = Vec::new();
        let mut start = 0;
        while start < chars.len() {
            let found = (start + 1..=chars.len()).rev().find_map(|end| {
                let piece: String = chars[start..end].iter().collect();
                let key = if start == 0 { piece } else { format!("##{piece}") };
                self.vocab.get(&key).map(|&id| (id, end))
            });
            match found {
                Some((id, end)) => {
                    pieces.push(id);
                    start = end;
                }
                None => return self.unknown.into_iter().collect(),
            }
        }
        pieces
    }
}

impl Embedder for StaticEmbedder {
    fn dims(&self) -> usize {
        self.dims
    }

    fn name(&self) -> &'static str {
        "static"
    }

    fn embed(&self, text: &str) -> Vec<f32> {
        let mut sum = vec![0.0f32; self.dims];
        for id in self.tokenize(text) {
            let i = id as usize;
            let scale = self.scales[i];
            for (s, &q) in sum.iter_mut().zip(&self.values[i * self.dims..(i + 1) * self.dims]) {
                *s += f32::from(q) * scale;
            }
        }
        crate::vector::normalize(&mut sum);
        sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A three-token model written by hand: [UNK], "live", "##s".
    fn tiny() -> Vec<u8> {
        let mut b = MAGIC.to_vec();
        b.extend(3u32.to_le_bytes());
        b.extend(2u32.to_le_bytes());
        for t in ["[UNK]", "live", "##s"] {
            b.extend((t.len() as u16).to_le_bytes());
            b.extend(t.as_bytes());
        }
        for s in [1.0f32, 0.5, 0.25] {
            b.extend(s.to_le_bytes());
        }
        b.extend([0u8, 0, 2, 0, 0, 4]);
        b
    }

    #[test]
    fn word_pieces_and_mean_pooling() -> Result<(), String> {
        let m = StaticEmbedder::from_bytes(&tiny())?;
        assert_eq!(m.tokenize("Lives, LÍVE"), vec![1, 2, 0, 1]);
        assert_eq!(m.tokenize("xyz"), vec![0]);
        // "lives" = (0.5·2, 0) + (0, 0.25·4) = (1, 1) → (0.7071, 0.7071).
        let v = m.embed("lives");
        assert!((v[0] - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6 && (v[1] - v[0]).abs() < 1e-6);
        Ok(())
    }

    #[test]
    fn damaged_files_are_refused() {
        let good = tiny();
        for cut in [0, 5, 12, 20, good.len() - 1] {
            assert!(StaticEmbedder::from_bytes(&good[..cut]).is_err(), "cut at {cut}");
        }
        let mut extra = good.clone();
        extra.push(0);
        assert!(StaticEmbedder::from_bytes(&extra).is_err());
        let mut huge = good;
        huge[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(StaticEmbedder::from_bytes(&huge).is_err());
    }
}

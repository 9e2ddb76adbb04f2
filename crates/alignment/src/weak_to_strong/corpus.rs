//! The shipped sentences and their embeddings, read from the binary asset that
//! `tools/assets/weak_to_strong_corpus.py` writes (the format is documented there and below).
//!
//! Layout, little-endian: `b"FLW2S001"`, u32 sentences, u32 dims; per sentence u8 genre letter,
//! u8 label (1 news, 0 fiction), u8 split (0 weak-train, 1 strong-train, 2 test), u16 text bytes
//! and the UTF-8 text; then one f32 scale per sentence; then dims i8 values per sentence (the
//! unit-norm embedding is about value × scale). Every size is checked before it is used, so a
//! truncated or foreign file is an error, never a panic.

use serde::Serialize;

/// The asset built into the crate: 2,800 Brown-corpus sentences, news against fiction, with their
/// all-MiniLM-L6-v2 embeddings (provenance in `assets/PROVENANCE-weak-to-strong.md`).
pub const SHIPPED_CORPUS: &[u8] = include_bytes!("../../assets/weak-to-strong-brown.bin");

const MAGIC: &[u8; 8] = b"FLW2S001";
/// Far above the shipped 384: a guard against reading a size out of a foreign file.
const MAX_DIMS: usize = 4096;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CorpusError {
    #[error("not a weak-to-strong corpus (the file does not start with FLW2S001)")]
    Magic,
    #[error("the file ends early: {what} needs {needed} bytes at offset {offset}, {available} left")]
    Truncated { what: &'static str, offset: usize, needed: usize, available: usize },
    #[error("embedding size must be between 1 and {MAX_DIMS}, the file says {0}")]
    Dims(usize),
    #[error("sentence {index}: {problem}")]
    Sentence { index: usize, problem: String },
    #[error("sentence {index}: embedding scale {scale} is not a positive finite number")]
    Scale { index: usize, scale: f32 },
    #[error("{0} bytes after the last embedding")]
    TrailingBytes(usize),
}

/// Which part of the experiment a sentence belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Split {
    /// Ground truth for the weak supervisor.
    WeakTrain,
    /// Labelled by the weak supervisor for the strong student (its truth trains only the ceiling).
    StrongTrain,
    /// Held out: every accuracy is measured here.
    Test,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sentence {
    pub text: String,
    /// The Brown genre letter: `a` press reportage; `k`, `l`, `m`, `n`, `p` fiction.
    pub genre: char,
    /// True for news (genre A), false for fiction.
    pub is_news: bool,
    pub split: Split,
}

/// The sentences in file order with one embedding row each.
#[derive(Debug, Clone, PartialEq)]
pub struct Corpus {
    sentences: Vec<Sentence>,
    dims: usize,
    embeddings: Vec<f32>,
}

struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, needed: usize, what: &'static str) -> Result<&'a [u8], CorpusError> {
        let available = self.bytes.len() - self.offset;
        if needed > available {
            return Err(CorpusError::Truncated { what, offset: self.offset, needed, available });
        }
        let out = &self.bytes[self.offset..self.offset + needed];
        self.offset += needed;
        Ok(out)
    }

    fn u32(&mut self, what: &'static str) -> Result<usize, CorpusError> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }
}

impl Corpus {
    /// Reads and validates the asset format described at the top of this file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Corpus, CorpusError> {
        let mut r = Reader { bytes, offset: 0 };
        if r.take(MAGIC.len(), "the magic").map_err(|_| CorpusError::Magic)? != MAGIC {
            return Err(CorpusError::Magic);
        }
        let count = r.u32("the sentence count")?;
        let dims = r.u32("the embedding size")?;
        if dims == 0 || dims > MAX_DIMS {
            return Err(CorpusError::Dims(dims));
        }
        // Each sentence takes at least 5 + 4 + dims bytes: a count beyond that is a corrupt header,
        // refused before anything is allocated for it.
        let least = count.saturating_mul(9 + dims);
        if least > bytes.len() - r.offset {
            return Err(CorpusError::Truncated {
                what: "the sentences the header announces",
                offset: r.offset,
                needed: least,
                available: bytes.len() - r.offset,
            });
        }
        let mut sentences = Vec::with_capacity(count);
        for index in 0..count {
            sentences.push(read_sentence(&mut r, index)?);
        }
        let scales = r.take(4 * count, "the embedding scales")?;
        let values = r.take(count * dims, "the embeddings")?;
        if r.offset != bytes.len() {
            return Err(CorpusError::TrailingBytes(bytes.len() - r.offset));
        }
        let mut embeddings = Vec::with_capacity(count * dims);
        for (index, (scale, row)) in scales.chunks_exact(4).zip(values.chunks_exact(dims)).enumerate() {
            let scale = f32::from_le_bytes([scale[0], scale[1], scale[2], scale[3]]);
            if !(scale.is_finite() && scale > 0.0) {
                return Err(CorpusError::Scale { index, scale });
            }
            embeddings.extend(row.iter().map(|&v| f32::from(v as i8) * scale));
        }
        Ok(Corpus { sentences, dims, embeddings })
    }

    /// The corpus built into the crate.
    pub fn shipped() -> Result<Corpus, CorpusError> {
        Corpus::from_bytes(SHIPPED_CORPUS)
    }

    pub fn sentences(&self) -> &[Sentence] {
        &self.sentences
    }

    pub fn dims(&self) -> usize {
        self.dims
    }

    /// The (dequantised) embedding of sentence `index`; empty past the end.
    pub fn embedding(&self, index: usize) -> &[f32] {
        self.embeddings.get(index * self.dims..(index + 1) * self.dims).unwrap_or(&[])
    }

    /// The indices of one split, in file order.
    pub fn split(&self, split: Split) -> Vec<usize> {
        (0..self.sentences.len()).filter(|&i| self.sentences[i].split == split).collect()
    }
}

fn read_sentence(r: &mut Reader<'_>, index: usize) -> Result<Sentence, CorpusError> {
    let head = r.take(5, "a sentence header")?;
    let bad = |problem: String| CorpusError::Sentence { index, problem };
    let genre = head[0];
    if !genre.is_ascii_lowercase() {
        return Err(bad(format!("genre byte {genre} is not a letter a-z")));
    }
    let is_news = match head[1] {
        0 => false,
        1 => true,
        other => return Err(bad(format!("label {other} is neither 0 (fiction) nor 1 (news)"))),
    };
    let split = match head[2] {
        0 => Split::WeakTrain,
        1 => Split::StrongTrain,
        2 => Split::Test,
        other => return Err(bad(format!("split {other} is not 0, 1 or 2"))),
    };
    let len = usize::from(u16::from_le_bytes([head[3], head[4]]));
    let text = r.take(len, "a sentence's text")?;
    let text = std::str::from_utf8(text).map_err(|e| bad(format!("text is not UTF-8 ({e})")))?;
    Ok(Sentence { text: text.to_owned(), genre: char::from(genre), is_news, split })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Vec<u8> {
        let mut b = MAGIC.to_vec();
        b.extend(2u32.to_le_bytes());
        b.extend(2u32.to_le_bytes());
        for (genre, label, split, text) in [(b'a', 1u8, 0u8, "Jury said."), (b'k', 0, 2, "She ran.")] {
            b.extend([genre, label, split]);
            b.extend((text.len() as u16).to_le_bytes());
            b.extend(text.as_bytes());
        }
        b.extend(0.5f32.to_le_bytes());
        b.extend(0.25f32.to_le_bytes());
        b.extend([2u8, (-4i8) as u8, 4, 0]);
        b
    }

    #[test]
    fn reads_a_small_file() {
        let c = Corpus::from_bytes(&tiny()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.sentences().len(), 2);
        assert_eq!(c.sentences()[1].text, "She ran.");
        assert!(c.sentences()[0].is_news);
        assert_eq!(c.split(Split::Test), vec![1]);
        assert_eq!(c.embedding(0), &[1.0, -2.0]);
        assert_eq!(c.embedding(1), &[1.0, 0.0]);
        assert!(c.embedding(2).is_empty());
    }

    #[test]
    fn every_truncation_is_an_error() {
        let b = tiny();
        for len in 0..b.len() {
            assert!(Corpus::from_bytes(&b[..len]).is_err(), "prefix of {len} bytes accepted");
        }
        let mut longer = b.clone();
        longer.push(0);
        assert_eq!(Corpus::from_bytes(&longer), Err(CorpusError::TrailingBytes(1)));
    }

    #[test]
    fn bad_fields_are_named() {
        let mut b = tiny();
        b[16 + 1] = 7;
        assert!(matches!(Corpus::from_bytes(&b), Err(CorpusError::Sentence { index: 0, .. })));
        let mut b = tiny();
        b[12] = 0;
        assert_eq!(Corpus::from_bytes(&b), Err(CorpusError::Dims(0)));
        let mut b = tiny();
        b[8] = 0xff;
        b[9] = 0xff;
        assert!(matches!(Corpus::from_bytes(&b), Err(CorpusError::Truncated { .. })));
    }
}

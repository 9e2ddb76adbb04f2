//! Feature matrices: the weak supervisor's bag of words, the strong student's embeddings, and the
//! control student's random word vectors, all as dense f32 rows.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::SplitMix64;

/// A dense row-major matrix of f32 features (f32 halves the memory and doubles the speed of the
/// training loops; the sums that need it are taken in f64 elsewhere).
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    rows: usize,
    cols: usize,
    data: Vec<f32>,
}

impl Features {
    /// `None` when `data` does not hold exactly `rows × cols` values.
    pub fn new(rows: usize, cols: usize, data: Vec<f32>) -> Option<Features> {
        (rows.checked_mul(cols) == Some(data.len())).then_some(Features { rows, cols, data })
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    pub fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    /// The leading `rows` rows (all of them when there are fewer).
    pub fn head(&self, rows: usize) -> Features {
        let rows = rows.min(self.rows);
        Features { rows, cols: self.cols, data: self.data[..rows * self.cols].to_vec() }
    }

    /// The rows of `indices` gathered from `source` (each index below `source`'s row count).
    pub fn gather(source: &Features, indices: &[usize]) -> Features {
        let mut data = Vec::with_capacity(indices.len() * source.cols);
        for &i in indices {
            data.extend_from_slice(source.row(i));
        }
        Features { rows: indices.len(), cols: source.cols, data }
    }
}

/// Lower-cased runs of ASCII letters and digits: the same words as Python's
/// `re.findall(r"[a-z0-9]+", text.lower())` on the (ASCII) Brown text, so the reference fixture
/// and this crate build the same vocabulary.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).map(|w| w.to_ascii_lowercase())
}

/// The weak supervisor's features: whether each of a fixed list of words occurs in a sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Vocabulary {
    pub words: Vec<String>,
}

impl Vocabulary {
    /// The `size` words found in the most sentences of `texts` (document frequency), ties in
    /// byte order; fewer when the texts hold fewer distinct words. Frequent words are mostly
    /// function words and pronouns, a weak but real signal of genre (fiction says "he", "she",
    /// "her"; news says "said", "of", "the").
    pub fn most_frequent<'t>(texts: impl IntoIterator<Item = &'t str>, size: usize) -> Vocabulary {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for text in texts {
            let distinct: HashSet<String> = words(text).collect();
            for w in distinct {
                *counts.entry(w).or_insert(0) += 1;
            }
        }
        let mut ranked: Vec<(String, usize)> = counts.into_iter().collect();
        // The BTreeMap gave byte order; a stable sort by count keeps it among ties.
        ranked.sort_by_key(|kv| std::cmp::Reverse(kv.1));
        Vocabulary { words: ranked.into_iter().take(size).map(|(w, _)| w).collect() }
    }

    /// One row per text: 1 where the word occurs, 0 where it does not.
    pub fn bag_of_words<'t>(&self, texts: impl IntoIterator<Item = &'t str>) -> Features {
        let column: HashMap<&str, usize> = self.words.iter().enumerate().map(|(j, w)| (w.as_str(), j)).collect();
        let cols = self.words.len();
        let mut data = Vec::new();
        let mut rows = 0;
        for text in texts {
            let mut row = vec![0.0f32; cols];
            for w in words(text) {
                if let Some(&j) = column.get(w.as_str()) {
                    row[j] = 1.0;
                }
            }
            data.extend(row);
            rows += 1;
        }
        Features { rows, cols, data }
    }
}

/// FNV-1a, 64 bits: a fixed hash (std's is randomly seeded) to turn a word into a seed.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The control student's features, standing in for a strong model that was never pretrained:
/// every word gets a random ±1 vector of `dims` (from `seed` and the word's hash; 64 signs per
/// draw, so it is cheap), a sentence is the sum of its words' vectors scaled to unit length
/// (all zeros for a sentence without words). Such a student can express "which words occur",
/// so it can copy the weak supervisor, but it has no prior knowledge of which words go together.
pub fn random_word_features<'t>(texts: impl IntoIterator<Item = &'t str>, dims: usize, seed: u64) -> Features {
    let mut cache: HashMap<String, Vec<f32>> = HashMap::new();
    let mut data = Vec::new();
    let mut rows = 0;
    for text in texts {
        let mut row = vec![0.0f32; dims];
        for w in words(text) {
            let v = cache.entry(w).or_insert_with_key(|w| random_signs(seed ^ fnv1a(w.as_bytes()), dims));
            row.iter_mut().zip(v.iter()).for_each(|(r, x)| *r += x);
        }
        let norm = row.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
        if norm > 0.0 {
            row.iter_mut().for_each(|x| *x = (f64::from(*x) / norm) as f32);
        }
        data.extend(row);
        rows += 1;
    }
    Features { rows, cols: dims, data }
}

fn random_signs(seed: u64, dims: usize) -> Vec<f32> {
    let mut rng = SplitMix64::new(seed);
    let mut out = Vec::with_capacity(dims);
    while out.len() < dims {
        let bits = rng.next_u64();
        out.extend((0..64.min(dims - out.len())).map(|k| if bits >> k & 1 == 1 { 1.0 } else { -1.0 }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lowercase_alphanumeric_runs() {
        let got: Vec<String> = words("\"Don't,\" said Mr. Pye -- 1961's jury.").collect();
        assert_eq!(got, ["don", "t", "said", "mr", "pye", "1961", "s", "jury"]);
    }

    #[test]
    fn vocabulary_counts_sentences_and_breaks_ties_in_byte_order() {
        let texts = ["the cat the cat", "the dog", "a dog", "zebra"];
        let v = Vocabulary::most_frequent(texts, 3);
        assert_eq!(v.words, ["dog", "the", "a"]);
        let x = v.bag_of_words(["The dog.", "nothing"]);
        assert_eq!((x.rows(), x.cols()), (2, 3));
        assert_eq!(x.row(0), &[1.0, 1.0, 0.0]);
        assert_eq!(x.row(1), &[0.0, 0.0, 0.0]);
    }

    #[test]
    fn random_features_are_seeded_unit_rows() {
        let a = random_word_features(["the jury said", ""], 100, 7);
        let b = random_word_features(["the jury said", ""], 100, 7);
        let c = random_word_features(["the jury said", ""], 100, 8);
        assert_eq!(a, b);
        assert_ne!(a, c);
        let norm: f32 = a.row(0).iter().map(|x| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-5);
        assert!(a.row(1).iter().all(|&x| x == 0.0));
    }

    #[test]
    fn features_check_their_shape() {
        assert!(Features::new(2, 3, vec![0.0; 6]).is_some());
        assert!(Features::new(2, 3, vec![0.0; 5]).is_none());
        let f = Features::new(3, 1, vec![1.0, 2.0, 3.0]).unwrap_or_else(|| panic!("shape"));
        assert_eq!(Features::gather(&f, &[2, 0]).row(0), &[3.0]);
        assert_eq!(f.head(5).rows(), 3);
    }
}

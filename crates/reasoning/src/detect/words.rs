//! The words the detectors look for, in one vocabulary with a flag per list, and one pass over a
//! step that finds its sentences and which of those words each sentence holds. A detector then
//! skips a sentence without the words it needs instead of splitting it into words itself (each
//! detector did, for every sentence of every step).
//!
//! The flags come from the runs of ASCII letters and digits. Each detector compares whole words,
//! split so that letters and digits stay together; a word of a list found that way is such a run
//! (no letter or digit stands beside it), so a sentence without the flag cannot hold the word.

use super::contradiction::{CHANGE_WORDS, STATE_VERBS};
use crate::scan::{self, classes, ALPHANUMERIC, CLAUSE_END, POINT};
use crate::vocabulary::Vocabulary;

/// "so", "therefore", ...: the words that may open a conclusion.
pub(super) const CONCLUSION: u32 = 1;
/// "be", "answer", "result": what every modal claim needs.
pub(super) const CLAIM: u32 = 1 << 1;
/// A verb that states a value ("is", "has", "costs", ...).
pub(super) const STATE: u32 = 1 << 2;
/// A word that says a quantity changed ("now", "left", "more", ...).
pub(super) const CHANGE: u32 = 1 << 3;
/// An ASCII digit.
pub(super) const DIGIT: u32 = 1 << 4;

static VOCABULARY: Vocabulary = Vocabulary::new(&[
    (&["so", "therefore", "thus", "hence", "meaning", "consequently", "means"], CONCLUSION),
    (&["be", "answer", "result"], CLAIM),
    (&STATE_VERBS, STATE),
    (&CHANGE_WORDS, CHANGE),
]);

/// A sentence (or clause ending in ';') of a step: its byte range relative to the step, and the
/// flags of the words it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    pub flags: u32,
}

/// A step's sentences, as `contradiction::sentences` finds them.
#[derive(Debug, Clone, Default)]
pub struct Sentences(pub Vec<Sentence>);

impl Sentences {
    pub(super) fn read(text: &str) -> Sentences {
        let bytes = text.as_bytes();
        let mut out = Vec::with_capacity(4);
        let (mut start, mut flags, mut word) = (0, 0, None);
        for (i, &b) in bytes.iter().enumerate() {
            let class = classes(b);
            if class & ALPHANUMERIC != 0 {
                word.get_or_insert(i);
                if class & scan::DIGIT != 0 {
                    flags |= DIGIT;
                }
                continue;
            }
            if let Some(w) = word.take() {
                flags |= VOCABULARY.flags_ci(&bytes[w..i]);
            }
            // The same ends as `sentences`.
            let ends =
                class & CLAUSE_END != 0 || (class & POINT != 0 && !bytes.get(i + 1).is_some_and(u8::is_ascii_digit));
            if ends {
                out.push(Sentence { start, end: i, flags });
                (start, flags) = (i + 1, 0);
            }
        }
        if let Some(w) = word {
            flags |= VOCABULARY.flags_ci(&bytes[w..]);
        }
        out.push(Sentence { start, end: text.len(), flags });
        Sentences(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_and_their_words() {
        let text = "Tom HAS 3 apples; so it must be 4. Now 2.5 left! x";
        let s = Sentences::read(text).0;
        let ranges: Vec<_> = s.iter().map(|s| (s.start, s.end)).collect();
        assert_eq!(ranges, super::super::contradiction::sentences(text));
        let flags: Vec<_> = s.iter().map(|s| s.flags).collect();
        assert_eq!(flags, [STATE | DIGIT, CONCLUSION | CLAIM | DIGIT, CHANGE | DIGIT, 0]);
        // Letters or digits beside a word make another word.
        assert_eq!(Sentences::read("also 3so isn't").0[0].flags, DIGIT);
    }
}

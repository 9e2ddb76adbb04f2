//! Fixed lists of lower-case ASCII words as small hash tables built at compile time, so that
//! asking whether a word is in a list (or in which of several) costs one hash and a comparison or
//! two, not a comparison with every entry.

/// Lower-case ASCII words, each with flags (the lists it is in), as a small hash table built at
/// compile time: a lookup hashes the word once and compares it with one or two entries, where a
/// scan of a list compared it with every entry (sixty for the stop-words, on every unit word).
#[derive(Debug)]
pub(crate) struct Vocabulary {
    words: [&'static str; MAX_WORDS],
    flags: [u32; MAX_WORDS],
    /// Index + 1 of the word in each slot (0: empty), open addressing with linear probing.
    slots: [u8; SLOTS],
    /// The lengths and the first letters (modulo 32, so either case) that occur, as bits: most
    /// words are ruled out before hashing.
    lengths: u64,
    firsts: u32,
}

const SLOTS: usize = 256;
const MAX_WORDS: usize = 127;

/// A slot for a (non-empty) word from its length and three of its letters, lower-cased: cheaper
/// than hashing every byte, and words alike in all four are few enough to probe past.
const fn slot_of(bytes: &[u8]) -> usize {
    let len = bytes.len();
    let (first, middle, last) = (bytes[0], bytes[len / 2], bytes[len - 1]);
    let key = (len as u32)
        | (first.to_ascii_lowercase() as u32) << 6
        | (middle.to_ascii_lowercase() as u32) << 13
        | (last.to_ascii_lowercase() as u32) << 20;
    (key.wrapping_mul(0x9e37_79b1) >> 24) as usize % SLOTS
}

impl Vocabulary {
    /// `groups`: lists of lower-case ASCII words (each shorter than 64 bytes, fewer than 128 in
    /// all) and the flag each list gives its words; a word in several lists has all their flags.
    pub(crate) const fn new(groups: &[(&'static [&'static str], u32)]) -> Vocabulary {
        let mut v =
            Vocabulary { words: [""; MAX_WORDS], flags: [0; MAX_WORDS], slots: [0; SLOTS], lengths: 0, firsts: 0 };
        let mut count = 0;
        let mut g = 0;
        while g < groups.len() {
            let (list, flag) = groups[g];
            let mut i = 0;
            while i < list.len() {
                let w = list[i].as_bytes();
                assert!(!w.is_empty() && w.len() < 64, "a short word");
                let mut k = 0;
                while k < w.len() {
                    assert!(w[k].is_ascii() && !w[k].is_ascii_uppercase(), "lower-case ASCII");
                    k += 1;
                }
                let mut slot = slot_of(w);
                loop {
                    let index = v.slots[slot] as usize;
                    if index == 0 {
                        assert!(count < MAX_WORDS, "a short vocabulary");
                        v.words[count] = list[i];
                        v.flags[count] = flag;
                        count += 1;
                        v.slots[slot] = count as u8;
                        break;
                    }
                    if frontier_base::same_str(v.words[index - 1], list[i]) {
                        v.flags[index - 1] |= flag;
                        break;
                    }
                    slot = (slot + 1) % SLOTS;
                }
                v.lengths |= 1 << w.len();
                v.firsts |= 1 << (w[0] % 32);
                i += 1;
            }
            g += 1;
        }
        v
    }

    /// Index of the entry `w` is, ignoring ASCII case. The bit tests that rule out most words are
    /// inlined where words are looked up; the probe is not.
    #[inline(always)]
    fn entry(&self, w: &[u8]) -> Option<usize> {
        let first = 1 << (w.first()? % 32);
        if w.len() >= 64 || self.lengths & (1 << w.len()) == 0 || self.firsts & first == 0 {
            return None;
        }
        self.probe(w)
    }

    #[inline(never)]
    fn probe(&self, w: &[u8]) -> Option<usize> {
        let mut slot = slot_of(w);
        loop {
            let index = usize::from(self.slots[slot]).checked_sub(1)?;
            if self.words[index].as_bytes().eq_ignore_ascii_case(w) {
                return Some(index);
            }
            slot = (slot + 1) % SLOTS;
        }
    }

    /// The flags of `w`, ignoring ASCII case (none for a word not in the vocabulary).
    #[inline]
    pub(crate) fn flags_ci(&self, w: &[u8]) -> u32 {
        self.entry(w).map_or(0, |i| self.flags[i])
    }
}

/// One list of lower-case ASCII words (a [`Vocabulary`] of one flag).
#[derive(Debug)]
pub(crate) struct WordList(Vocabulary);

impl WordList {
    pub(crate) const fn new(words: &'static [&'static str]) -> WordList {
        WordList(Vocabulary::new(&[(words, 1)]))
    }

    /// Whether `w` is one of the words: `words.contains(&w)`.
    #[inline]
    pub(crate) fn contains(&self, w: &str) -> bool {
        self.0.entry(w.as_bytes()).is_some_and(|i| self.0.words[i] == w)
    }

    /// Whether `w` is one of the words ignoring ASCII case.
    #[inline]
    pub(crate) fn contains_ci(&self, w: &str) -> bool {
        self.0.entry(w.as_bytes()).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_is_found_and_nothing_else() {
        static LIST: WordList = WordList::new(&["so", "thus", "is"]);
        assert!(LIST.contains("so") && !LIST.contains("So") && LIST.contains_ci("So") && LIST.contains_ci("THUS"));
        assert!(!LIST.contains("") && !LIST.contains_ci("s") && !LIST.contains("é") && !LIST.contains_ci("sox"));
        const WORDS: [&str; 6] = ["a", "an", "the", "because", "equals", "fewer"];
        static LONG: WordList = WordList::new(&WORDS);
        for w in WORDS {
            assert!(LONG.contains(w) && LONG.contains_ci(&w.to_uppercase()), "{w}");
        }
        for w in ["b", "thee", "becaus", "Fewer", "équals"] {
            assert_eq!(LONG.contains(w), WORDS.contains(&w), "{w}");
        }
        // A word in several lists has all their flags.
        static BOTH: Vocabulary = Vocabulary::new(&[(&["so", "is"], 1), (&["is", "was"], 2)]);
        assert_eq!(
            [BOTH.flags_ci(b"so"), BOTH.flags_ci(b"IS"), BOTH.flags_ci(b"was"), BOTH.flags_ci(b"x")],
            [1, 3, 2, 0]
        );
    }
}

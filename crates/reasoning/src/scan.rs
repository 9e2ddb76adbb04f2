//! Byte-level searches the checker runs on every step, and a table of byte classes. Each search
//! gives exactly what the obvious code gives (`text.to_ascii_lowercase().find(..)`,
//! `str::contains` over several needles) without a lower-cased copy per step or a substring
//! searcher built per call, which in wasm (no SIMD search there) cost more than the search itself
//! on short steps.

/// Where " because " or " since " first occurs in `hay` ignoring ASCII case, and that word's
/// length with its spaces: the first of the two searches of `hay.to_ascii_lowercase()`, in one
/// pass over the spaces.
pub(crate) fn find_because_or_since(hay: &str) -> Option<(usize, usize)> {
    let h = hay.as_bytes();
    let starts = |at: usize, word: &[u8]| h.get(at..at + word.len()).is_some_and(|r| r.eq_ignore_ascii_case(word));
    for (at, pair) in h.windows(2).enumerate() {
        match pair {
            [b' ', b'b' | b'B'] if starts(at + 1, b"because ") => return Some((at, 9)),
            [b' ', b's' | b'S'] if starts(at + 1, b"since ") => return Some((at, 7)),
            _ => {}
        }
    }
    None
}

/// The first `i >= from` where `bytes[i]` and `bytes[i + 1]` are both `b` ("<<", ">>"): what
/// `find` on the text from `from` gives, without building a substring searcher.
pub(crate) fn find_double(bytes: &[u8], b: u8, from: usize) -> Option<usize> {
    let mut i = from;
    while i + 1 < bytes.len() {
        i += bytes[i..bytes.len() - 1].iter().position(|x| *x == b)?;
        if bytes[i + 1] == b {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// ASCII letters and digits (a class of [`runs`]).
pub(crate) const ALPHANUMERIC: u8 = 1;
/// ASCII digits, ',' and '.': the characters of a written number (a class of [`runs`]).
pub(crate) const NUMBER: u8 = 2;
/// ASCII digits.
pub(crate) const DIGIT: u8 = 4;
/// ';', '!' and '?', which end a sentence.
pub(crate) const CLAUSE_END: u8 = 8;
/// '.', which ends a sentence unless a digit follows.
pub(crate) const POINT: u8 = 16;

/// Each byte's classes, looked up rather than tested range by range.
static CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            table[b] |= ALPHANUMERIC;
        }
        if c.is_ascii_digit() || c == b',' || c == b'.' {
            table[b] |= NUMBER;
        }
        if c.is_ascii_digit() {
            table[b] |= DIGIT;
        }
        if c == b';' || c == b'!' || c == b'?' {
            table[b] |= CLAUSE_END;
        }
        if c == b'.' {
            table[b] |= POINT;
        }
        b += 1;
    }
    table
};

/// The classes of a byte (looked up).
#[inline]
pub(crate) fn classes(b: u8) -> u8 {
    CLASSES[usize::from(b)]
}

/// The maximal runs of bytes in `class`, as byte ranges. The classes hold ASCII bytes only, so
/// the runs are runs of characters too.
pub(crate) fn runs(text: &str, class: u8) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let within = move |i: usize| bytes.get(i).is_some_and(|b| CLASSES[usize::from(*b)] & class != 0);
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && !within(i) {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        while within(i) {
            i += 1;
        }
        Some((start, i))
    })
}

/// Whether `hay` contains any of `needles` (each starting with a space), case-sensitively: the
/// same as `needles.iter().any(|n| hay.contains(n))`, in one pass over the spaces.
pub(crate) fn contains_any_after_space(hay: &str, needles: &[&str]) -> bool {
    let h = hay.as_bytes();
    h.windows(2).enumerate().any(|(at, pair)| {
        pair[0] == b' '
            && needles.iter().any(|n| n.as_bytes().get(1) == Some(&pair[1]) && h[at..].starts_with(n.as_bytes()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_as_lower_casing_and_searching() {
        for hay in ["", "x because y since", "a SINCE b because", "since because", " because", "é because x"] {
            let lower = hay.to_ascii_lowercase();
            let expected = [" because ", " since "].iter().filter_map(|w| lower.find(w).map(|i| (i, w.len()))).min();
            assert_eq!(find_because_or_since(hay), expected, "{hay:?}");
        }
        for (hay, from) in [("a << b <<", 0), ("<<<", 1), ("<", 0), ("a <b< <<", 3), ("", 0)] {
            assert_eq!(find_double(hay.as_bytes(), b'<', from), hay[from..].find("<<").map(|i| i + from), "{hay:?}");
        }
        let text = "é3,000 apples.x";
        assert_eq!(runs(text, ALPHANUMERIC).collect::<Vec<_>>(), [(2, 3), (4, 7), (8, 14), (15, 16)]);
        assert_eq!(runs(text, NUMBER).collect::<Vec<_>>(), [(2, 7), (14, 15)]);
        assert!(contains_any_after_space("the box is red", &[" are ", " is "]));
        assert!(!contains_any_after_space("the box iS red", &[" is ", " Is "]));
    }
}

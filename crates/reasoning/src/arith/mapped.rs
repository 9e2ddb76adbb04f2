//! Text rewritten for parsing that still knows where each byte came from, so that a finding in
//! the rewritten text (LaTeX turned into plain operators, annotations removed) highlights the
//! right bytes of what the user pasted.

/// A rewritten string and, for each of its bytes, the original byte range it stands for.
#[derive(Debug, Clone, Default)]
pub struct Mapped {
    pub text: String,
    /// Half-open original range per rewritten byte; empty for inserted text.
    spans: Vec<(usize, usize)>,
    /// One past the last original byte covered, so an empty or trailing span still maps.
    end: usize,
}

impl Mapped {
    /// A string taken as it is, starting at original offset `base`.
    pub fn identity(text: &str, base: usize) -> Mapped {
        Mapped {
            text: text.to_owned(),
            spans: (base..base + text.len()).map(|i| (i, i + 1)).collect(),
            end: base + text.len(),
        }
    }

    pub fn with_end(end: usize) -> Mapped {
        Mapped { text: String::new(), spans: Vec::new(), end }
    }

    /// Appends inserted text (no original bytes of its own), placed at original offset `at`.
    pub fn push_str(&mut self, s: &str, at: usize) {
        self.text.push_str(s);
        self.spans.extend(std::iter::repeat_n((at, at), s.len()));
    }

    /// Appends `c` standing for the `len` original bytes at `at` (a character copied or replaced).
    pub fn push_char(&mut self, c: char, at: usize, len: usize) {
        self.text.push(c);
        self.spans.extend(std::iter::repeat_n((at, at + len), c.len_utf8()));
    }

    /// The original offset where rewritten byte `i` starts (the end for `i` past the end).
    pub fn origin(&self, i: usize) -> usize {
        self.spans.get(i).map_or(self.end, |s| s.0)
    }

    /// The original byte range that rewritten bytes `start..end` came from.
    pub fn span(&self, start: usize, end: usize) -> (usize, usize) {
        if end <= start {
            let at = self.origin(start);
            return (at, at);
        }
        let covered = self.spans.get(start..end.min(self.spans.len())).unwrap_or(&[]);
        let lo = covered.iter().map(|s| s.0).min().unwrap_or(self.end);
        let hi = covered.iter().map(|s| s.1).max().unwrap_or(self.end);
        (lo, hi.max(lo))
    }

    /// `self` was made from `outer.text`: the same text, mapped through `outer` to its original.
    pub fn compose(self, outer: &Mapped) -> Mapped {
        let spans = self.spans.iter().map(|&(s, e)| outer.span(s, e)).collect();
        Mapped { text: self.text, spans, end: outer.origin(self.end) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_map_back_through_two_rewrites() {
        let original = "ab<<1+1=2>>2 ×c";
        // The first rewrite drops the annotation at 2..11.
        let mut first = Mapped::with_end(original.len());
        for (i, c) in original.char_indices().filter(|(i, _)| !(2..11).contains(i)) {
            first.push_char(c, i, c.len_utf8());
        }
        assert_eq!(first.text, "ab2 ×c");
        // The second replaces × by * and inserts a space.
        let mut second = Mapped::with_end(first.text.len());
        for (i, c) in first.text.char_indices() {
            if c == '×' {
                second.push_str(" ", i);
                second.push_char('*', i, c.len_utf8());
            } else {
                second.push_char(c.to_ascii_uppercase(), i, c.len_utf8());
            }
        }
        let composed = second.compose(&first);
        assert_eq!(composed.text, "AB2  *C");
        assert_eq!(composed.span(2, 3), (11, 12));
        assert_eq!(composed.span(5, 6), (13, 15));
        assert_eq!(&original[composed.span(4, 7).0..composed.span(4, 7).1], "×c");
    }
}

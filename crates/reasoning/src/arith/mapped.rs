//! Text rewritten for parsing that still knows where each byte came from, so that a finding in
//! the rewritten text (LaTeX turned into plain operators, annotations removed) highlights the
//! right bytes of what the user pasted. Text taken as it is (most steps) is borrowed, not copied.

use std::borrow::Cow;

/// A rewritten string and, for each of its bytes, the original byte range it stands for.
#[derive(Debug, Clone, Default)]
pub struct Mapped<'a> {
    pub text: Cow<'a, str>,
    /// Half-open original range per rewritten byte (empty for inserted text); `None` when the
    /// text is the original itself starting at `base`, the common case, kept allocation-free.
    spans: Option<Vec<(usize, usize)>>,
    base: usize,
    /// One past the last original byte covered, so an empty or trailing span still maps.
    end: usize,
}

impl<'a> Mapped<'a> {
    /// A string taken as it is, starting at original offset `base`.
    pub fn identity(text: &'a str, base: usize) -> Mapped<'a> {
        Mapped { text: Cow::Borrowed(text), spans: None, base, end: base + text.len() }
    }

    pub fn with_end(end: usize) -> Mapped<'a> {
        Mapped::with_capacity(end, 0)
    }

    /// [`Mapped::with_end`], with room for `capacity` bytes of text.
    pub fn with_capacity(end: usize, capacity: usize) -> Mapped<'a> {
        Mapped {
            text: Cow::Owned(String::with_capacity(capacity)),
            spans: Some(Vec::with_capacity(capacity)),
            base: 0,
            end,
        }
    }

    pub fn is_identity(&self) -> bool {
        self.spans.is_none()
    }

    fn spans_mut(&mut self) -> &mut Vec<(usize, usize)> {
        let base = self.base;
        let len = self.text.len();
        self.spans.get_or_insert_with(|| (base..base + len).map(|i| (i, i + 1)).collect())
    }

    /// Appends inserted text (no original bytes of its own), placed at original offset `at`.
    pub fn push_str(&mut self, s: &str, at: usize) {
        self.spans_mut().extend(std::iter::repeat_n((at, at), s.len()));
        self.text.to_mut().push_str(s);
    }

    /// Appends `c` standing for the `len` original bytes at `at` (a character copied or replaced).
    pub fn push_char(&mut self, c: char, at: usize, len: usize) {
        self.spans_mut().extend(std::iter::repeat_n((at, at + len), c.len_utf8()));
        self.text.to_mut().push(c);
    }

    /// Appends `s` copied from the original at `base`: each of a character's bytes stands for
    /// that whole character, as if pushed by [`Mapped::push_char`] one by one.
    pub fn push_copied(&mut self, s: &str, base: usize) {
        let spans = self.spans_mut();
        spans.reserve(s.len());
        if s.is_ascii() {
            spans.extend((base..base + s.len()).map(|i| (i, i + 1)));
        } else {
            for (i, c) in s.char_indices() {
                let len = c.len_utf8();
                spans.extend(std::iter::repeat_n((base + i, base + i + len), len));
            }
        }
        self.text.to_mut().push_str(s);
    }

    fn byte_span(&self, i: usize) -> Option<(usize, usize)> {
        match &self.spans {
            Some(spans) => spans.get(i).copied(),
            None => (i < self.text.len()).then(|| (self.base + i, self.base + i + 1)),
        }
    }

    /// The original offset where rewritten byte `i` starts (the end for `i` past the end).
    pub fn origin(&self, i: usize) -> usize {
        self.byte_span(i).map_or(self.end, |s| s.0)
    }

    /// The original byte range that rewritten bytes `start..end` came from.
    pub fn span(&self, start: usize, end: usize) -> (usize, usize) {
        if end <= start {
            let at = self.origin(start);
            return (at, at);
        }
        let end = end.min(self.text.len());
        if self.spans.is_none() {
            return (self.base + start.min(end), self.base + end);
        }
        let (mut lo, mut hi) = (usize::MAX, 0);
        for i in start..end {
            if let Some((s, e)) = self.byte_span(i) {
                lo = lo.min(s);
                hi = hi.max(e);
            }
        }
        if lo == usize::MAX {
            (self.end, self.end)
        } else {
            (lo, hi.max(lo))
        }
    }

    /// `self` was made from `outer.text`: the same text, mapped through `outer` to its original.
    pub fn compose(self, outer: &Mapped<'_>) -> Mapped<'a> {
        if outer.spans.is_none() && self.spans.is_none() {
            let base = outer.base + self.base;
            return Mapped { text: self.text, spans: None, base, end: outer.origin(self.end) };
        }
        let spans = match &self.spans {
            // Every byte has its span (rewriting always records them): map each through `outer`.
            Some(spans) if spans.len() == self.text.len() => spans.iter().map(|&(s, e)| outer.span(s, e)).collect(),
            _ => (0..self.text.len())
                .map(|i| match self.byte_span(i) {
                    Some((s, e)) => outer.span(s, e),
                    None => (outer.end, outer.end),
                })
                .collect(),
        };
        Mapped { text: self.text, spans: Some(spans), base: 0, end: outer.origin(self.end) }
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

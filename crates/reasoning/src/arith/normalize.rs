//! Rewrites a step into plain arithmetic notation before tokenizing: GSM8K calculator
//! annotations are lifted out, LaTeX (`\frac`, `\cdot`, `\times`, `\div`, `\boxed`, `,\!`, and
//! `{,}` between digits, the thousands separator as in `81{,}000`, which becomes one `,` standing
//! for its three bytes, so the tokenizer's digit grouping applies to it as to `81,000`) and the
//! Unicode operators (× ÷ − ⋅ ∗ ⁄, spaced dashes, superscript powers) become ASCII, and math-mode
//! `$` delimiters become spaces while a `$` before a number stays a currency sign.

use super::mapped::Mapped;
use crate::scan::find_double;

/// A GSM8K calculator annotation `<<lhs=rhs>>`, lifted out of the visible text.
#[derive(Debug, Clone)]
pub struct Annotation<'a> {
    /// The inner text (`lhs=rhs`), mapped to the original.
    pub inner: Mapped<'a>,
    /// Where the annotation stood in the visible text once annotations are removed (byte offset
    /// in [`Normalized::text`]), to find the visible result that follows it.
    pub at: usize,
}

/// A step ready for the tokenizer.
#[derive(Debug, Clone)]
pub struct Normalized<'a> {
    pub text: Mapped<'a>,
    pub annotations: Vec<Annotation<'a>>,
}

/// Normalizes `step`, whose first byte is at `base` in the trace.
pub fn normalize(step: &str, base: usize) -> Normalized<'_> {
    let (visible, raw_annotations) = lift_annotations(step, base);
    if raw_annotations.is_empty() {
        return Normalized { text: rewrite(visible), annotations: Vec::new() };
    }
    let targets: Vec<usize> = raw_annotations.iter().map(|(_, at)| visible.origin(*at)).collect();
    let text = rewrite(visible);
    let mut first_at = FirstAt::new(&text);
    let annotations = raw_annotations
        .into_iter()
        .zip(targets)
        .map(|((inner, _), target)| Annotation { inner: rewrite(inner), at: first_at.find(target) })
        .collect();
    Normalized { text, annotations }
}

/// The first character boundary `i` of a rewritten text whose original offset is at least a
/// target (the text's length if none): where an annotation stood. A cursor that only moves forward
/// over the running maximum of the offsets gives the same answer as a search from the start for
/// each target (the first `i` where the maximum reaches a target is the first where the offset
/// does), while annotations come in order: a step of many annotations is not quadratic.
struct FirstAt<'a> {
    text: &'a Mapped<'a>,
    /// Next boundary to look at, and the largest offset of the boundaries before it.
    next: usize,
    max_before: Option<usize>,
}

impl<'a> FirstAt<'a> {
    fn new(text: &'a Mapped<'a>) -> FirstAt<'a> {
        FirstAt { text, next: 0, max_before: None }
    }

    fn find(&mut self, target: usize) -> usize {
        // A target below one already passed: start over (annotations come in order, so never).
        if self.max_before.is_some_and(|m| m >= target) {
            self.next = 0;
            self.max_before = None;
        }
        let len = self.text.text.len();
        while self.next <= len {
            let i = self.next;
            self.next += 1;
            if !self.text.text.is_char_boundary(i) {
                continue;
            }
            let origin = self.text.origin(i);
            if origin >= target {
                // The next search may start here again: this boundary is not "before" it yet.
                self.next = i;
                return i;
            }
            self.max_before = Some(self.max_before.map_or(origin, |m| m.max(origin)));
        }
        len
    }
}

/// Splits the visible text from `<<…>>` annotations (only when both brackets are on the step).
fn lift_annotations(step: &str, base: usize) -> (Mapped<'_>, Vec<(Mapped<'_>, usize)>) {
    let bytes = step.as_bytes();
    if find_double(bytes, b'<', 0).is_none() {
        return (Mapped::identity(step, base), Vec::new());
    }
    let mut visible = Mapped::with_capacity(base + step.len(), step.len());
    let mut annotations = Vec::new();
    let mut rest = 0;
    while let Some(open) = find_double(bytes, b'<', rest) {
        let Some(close) = find_double(bytes, b'>', open + 2) else { break };
        visible.push_copied(&step[rest..open], base + rest);
        let inner = Mapped::identity(&step[open + 2..close], base + open + 2);
        annotations.push((inner, visible.text.len()));
        rest = close + 2;
    }
    visible.push_copied(&step[rest..], base + rest);
    (visible, annotations)
}

/// LaTeX and Unicode to plain ASCII operators; the result maps back through `source`.
fn rewrite(source: Mapped<'_>) -> Mapped<'_> {
    let text: &str = &source.text;
    if !needs_rewrite(text) {
        return source;
    }
    // LaTeX commands mostly shrink or stay the same length; a little room covers the rest.
    let mut out = Mapped::with_capacity(text.len(), text.len() + text.len() / 4);
    rewrite_into(text, 0, &mut out, 0, &Braces::new(text));
    out.compose(&source)
}

const MAX_DEPTH: usize = 32;

/// Whether `rewrite` would change anything: plain ASCII arithmetic with `$` only before numbers
/// is left as it is (most steps of most traces).
fn needs_rewrite(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| match b {
        b'\\' | b'{' | b'}' => true,
        b'*' => bytes.get(i + 1) == Some(&b'*'),
        b'$' => !matches!(bytes.get(i + 1), Some(b'0'..=b'9' | b'.')),
        _ => !b.is_ascii(),
    })
}

/// Each `{` of a text and the `}` that closes it, found in one pass: looking for the close of
/// every `\frac{` by scanning the rest of the step made a step of unclosed fractions quadratic.
struct Braces {
    /// (open, close) byte offsets, by open.
    pairs: Vec<(usize, usize)>,
}

impl Braces {
    fn new(text: &str) -> Braces {
        let mut pairs = Vec::new();
        let mut open = Vec::new();
        for (i, b) in text.bytes().enumerate() {
            match b {
                b'{' => open.push(i),
                b'}' => {
                    if let Some(o) = open.pop() {
                        pairs.push((o, i));
                    }
                }
                _ => {}
            }
        }
        pairs.sort_unstable();
        Braces { pairs }
    }

    /// The `}` closing the `{` at `open`, if any.
    fn close_of(&self, open: usize) -> Option<usize> {
        let k = self.pairs.partition_point(|p| p.0 < open);
        self.pairs.get(k).filter(|p| p.0 == open).map(|p| p.1)
    }
}

/// ASCII characters [`rewrite_into`] copies as they are (all but `\\ $ { } *`).
fn plain_ascii(b: u8) -> bool {
    b.is_ascii() && !matches!(b, b'\\' | b'$' | b'{' | b'}' | b'*')
}

fn rewrite_into(text: &str, base: usize, out: &mut Mapped, depth: usize, braces: &Braces) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        // A run of characters copied as they are goes in at once.
        let run = bytes[i..].iter().take_while(|b| plain_ascii(**b)).count();
        if run > 0 {
            out.push_copied(&text[i..i + run], base + i);
            i += run;
            continue;
        }
        let Some(c) = text[i..].chars().next() else { break };
        let at = base + i;
        match c {
            '\\' => {
                i = latex_command(text, i, base, out, depth, braces);
                continue;
            }
            '$' => {
                // Currency when a number follows; a math delimiter otherwise.
                let next = bytes.get(i + 1).copied();
                let currency = matches!(next, Some(b'0'..=b'9'))
                    || (next == Some(b'.') && matches!(bytes.get(i + 2), Some(b'0'..=b'9')))
                    || (next == Some(b' ') && matches!(bytes.get(i + 2), Some(b'0'..=b'9')) && i + 2 < text.len());
                out.push_char(if currency { '$' } else { ' ' }, at, c.len_utf8());
            }
            '{' if text[i..].starts_with("{,}")
                && i > 0
                && bytes[i - 1].is_ascii_digit()
                && bytes.get(i + 3).is_some_and(u8::is_ascii_digit) =>
            {
                // `81{,}000`: the braces only stop TeX spacing the comma as punctuation.
                out.push_char(',', at, 3);
                i += 3;
                continue;
            }
            '{' => out.push_char('(', at, c.len_utf8()),
            '}' => out.push_char(')', at, c.len_utf8()),
            '*' if bytes.get(i + 1) == Some(&b'*') => {
                out.push_char('^', at, 2);
                i += 2;
                continue;
            }
            '×' | '⋅' | '∗' | '✕' | '∙' | '·' => out.push_char('*', at, c.len_utf8()),
            '÷' | '⁄' | '∕' => out.push_char('/', at, c.len_utf8()),
            '−' | '﹣' | '－' => out.push_char('-', at, c.len_utf8()),
            '–' | '—' => {
                // A spaced dash is a minus sign; an unspaced one joins a range ("1–2").
                let spaced_before = i == 0 || bytes.get(i - 1) == Some(&b' ');
                let spaced_after = bytes.get(i + c.len_utf8()) == Some(&b' ');
                if spaced_before && spaced_after {
                    out.push_char('-', at, c.len_utf8());
                } else {
                    out.push_char(c, at, c.len_utf8());
                }
            }
            '²' => out.push_str("^2", at),
            '³' => out.push_str("^3", at),
            '＝' => out.push_char('=', at, c.len_utf8()),
            '＋' => out.push_char('+', at, c.len_utf8()),
            _ => out.push_char(c, at, c.len_utf8()),
        }
        i += c.len_utf8();
    }
}

/// Rewrites the LaTeX command starting at `text[i] == '\\'`; returns the index after it.
fn latex_command(text: &str, i: usize, base: usize, out: &mut Mapped, depth: usize, braces: &Braces) -> usize {
    let at = base + i;
    let name_len = text[i + 1..].bytes().take_while(u8::is_ascii_alphabetic).count();
    if name_len == 0 {
        // `\,` `\!` `\;` `\:` `\ ` are spacing; `\%` `\$` are the characters; `\(` `\[` delimit math.
        let Some(next) = text[i + 1..].chars().next() else {
            out.push_char(' ', at, 1);
            return i + 1;
        };
        match next {
            ',' | '!' | ';' | ':' | ' ' => {}
            '%' => out.push_char('%', at, 1 + next.len_utf8()),
            '$' => out.push_char('$', at, 1 + next.len_utf8()),
            '{' => out.push_char('(', at, 1 + next.len_utf8()),
            '}' => out.push_char(')', at, 1 + next.len_utf8()),
            _ => out.push_char(' ', at, 1 + next.len_utf8()),
        }
        return i + 1 + next.len_utf8();
    }
    let name = &text[i + 1..i + 1 + name_len];
    let after = i + 1 + name_len;
    match name {
        "cdot" | "times" | "ast" => out.push_str(" * ", at),
        "div" => out.push_str(" / ", at),
        "approx" => out.push_str(" ≈ ", at),
        "left" | "right" | "displaystyle" | "quad" | "qquad" => out.push_char(' ', at, 1 + name_len),
        "frac" | "dfrac" | "tfrac" if depth < MAX_DEPTH => {
            if let Some((numerator, denominator, end)) = two_groups(text, after, base, braces) {
                out.push_str("((", at);
                rewrite_into(&text[numerator.0..numerator.1], base + numerator.0, out, depth + 1, braces);
                out.push_str(")/(", base + denominator.0);
                rewrite_into(&text[denominator.0..denominator.1], base + denominator.0, out, depth + 1, braces);
                out.push_str("))", base + end - 1);
                return end;
            }
            out.push_str(" frac ", at);
        }
        "boxed" | "text" | "mathrm" | "textbf" | "mathbf" | "operatorname" if depth < MAX_DEPTH => {
            if let Some((inner, end)) = group(text, after, base, braces) {
                let word = name != "boxed";
                if word {
                    out.push_str(" ", at);
                }
                rewrite_into(&text[inner.0..inner.1], base + inner.0, out, depth + 1, braces);
                if word {
                    out.push_str(" ", base + end - 1);
                }
                return end;
            }
            out.push_str(" ", at);
        }
        _ => {
            // Any other command is a word: it stops an expression rather than joining one.
            out.push_str(" ", at);
            out.push_str(name, at);
            out.push_str(" ", at);
        }
    }
    after
}

/// `{a}{b}` (or single characters, as in `\frac12`) at `start`: the two inner ranges and the end.
/// A byte range of the text.
type Range = (usize, usize);

fn two_groups(text: &str, start: usize, base: usize, braces: &Braces) -> Option<(Range, Range, usize)> {
    let (first, mid) = group_or_char(text, start, base, braces)?;
    let (second, end) = group_or_char(text, mid, base, braces)?;
    Some((first, second, end))
}

fn group_or_char(text: &str, start: usize, base: usize, braces: &Braces) -> Option<(Range, usize)> {
    let start = start + text[start..].bytes().take_while(|b| *b == b' ').count();
    match text[start..].chars().next()? {
        '{' => group(text, start, base, braces),
        c if c.is_ascii_alphanumeric() => Some(((start, start + 1), start + 1)),
        _ => None,
    }
}

/// A balanced `{…}` at `start` (after optional spaces): the inner range and the index after it.
/// `text` starts at `base` of the text `braces` was made from; a brace that closes beyond `text`
/// does not close inside it, as a scan of `text` alone would also find.
fn group(text: &str, start: usize, base: usize, braces: &Braces) -> Option<(Range, usize)> {
    let start = start + text[start..].bytes().take_while(|b| *b == b' ').count();
    if text.as_bytes().get(start) != Some(&b'{') {
        return None;
    }
    let close = braces.close_of(base + start)?.checked_sub(base).filter(|&c| c < text.len())?;
    Some(((start + 1, close), close + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str) -> String {
        normalize(s, 0).text.text.into_owned()
    }

    #[test]
    fn latex_becomes_plain_operators() {
        assert_eq!(plain(r"$\frac{3}{4} \cdot 12 = 9$"), " ((3)/(4))  *  12 = 9 ");
        assert_eq!(plain(r"\dfrac12 \times 8"), "((1)/(2))  *  8");
        assert_eq!(plain(r"1,\!000 \div 4 = \boxed{250}"), "1,000  /  4 = 250");
        assert_eq!(plain("6 × 7 − 2 ÷ 1 = 40"), "6 * 7 - 2 / 1 = 40");
        assert_eq!(plain("weeks 1–2 and 5 – 3"), "weeks 1–2 and 5 - 3");
        assert_eq!(plain("$5 - $100"), "$5 - $100");
        assert_eq!(plain("2**10 = 1024"), "2^10 = 1024");
    }

    #[test]
    fn latex_thousands_separators_are_commas_mapped_to_their_braces() {
        let step = r"$9 \times 9{,}000 = 81{,}000$";
        let n = normalize(step, 50);
        // The opening `$` before a digit reads as a currency sign, as it always has.
        assert_eq!(n.text.text, "$9  *  9,000 = 81,000 ");
        // "81,000" in the rewritten text stands for "81{,}000", bytes 20..28 of the step.
        let at = n.text.text.find("81,000").unwrap_or(0);
        assert_eq!(n.text.span(at, at + 6), (50 + 20, 50 + 28));
        assert_eq!(&step[20..28], "81{,}000");
        // The comma alone maps to the three bytes `{,}`, and the digits after it to theirs.
        assert_eq!(n.text.span(at + 2, at + 3), (50 + 22, 50 + 25));
        assert_eq!(&step[22..25], "{,}");
        assert_eq!(n.text.span(at + 3, at + 6), (50 + 25, 50 + 28));
        assert_eq!(plain("1{,}234{,}567"), "1,234,567");
        // Not between digits: braces as before.
        assert_eq!(plain("{,}5"), "(,)5");
        assert_eq!(plain("a{,}b"), "a(,)b");
        assert_eq!(plain("9{,}"), "9(,)");
    }

    #[test]
    fn annotations_are_lifted_and_mapped() {
        let step = "made $50 x 3 = $<<50*3=150>>150 selling";
        let n = normalize(step, 100);
        assert_eq!(n.text.text, "made $50 x 3 = $150 selling");
        assert_eq!(n.annotations.len(), 1);
        assert_eq!(n.annotations[0].inner.text, "50*3=150");
        assert_eq!(n.annotations[0].inner.span(0, 2), (100 + 18, 100 + 20));
        // The visible result right after the annotation maps to its original bytes.
        let at = n.annotations[0].at;
        assert_eq!(&n.text.text[at..at + 3], "150");
        assert_eq!(n.text.span(at, at + 3), (100 + 28, 100 + 31));
    }

    #[test]
    fn unbalanced_latex_does_not_panic() {
        for s in [r"\frac{1}{", r"\frac", r"\", r"\boxed{", "{{{", r"\frac{\frac{\frac{1}{2}", "$"] {
            let _ = normalize(s, 0);
        }
    }
}

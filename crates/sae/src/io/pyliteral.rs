//! A parser for the small Python literal that is a .npy header, e.g.
//! `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`. NumPy reads it with
//! `ast.literal_eval`, so any key order, spacing and trailing comma is valid; this accepts the
//! same subset of Python (strings, ints, True/False/None, tuples, lists, dicts), nested at most
//! [`MAX_DEPTH`] deep so a hostile header cannot exhaust the stack.

/// Deeper nesting than any header NumPy writes (structured dtypes nest a few levels).
const MAX_DEPTH: usize = 32;

/// A parsed value and the byte (within the parsed text) where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lit {
    pub at: usize,
    pub kind: LitKind,
}

/// The kinds of Python literal a header can hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LitKind {
    Str(String),
    Int(i128),
    Bool(bool),
    None,
    Tuple(Vec<Lit>),
    List(Vec<Lit>),
    Dict(Vec<(Lit, Lit)>),
}

/// A parse failure: the byte where it happened and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LitError {
    pub at: usize,
    pub message: String,
}

/// Parses `text` as one literal followed only by whitespace.
pub(crate) fn parse(text: &[u8]) -> Result<Lit, LitError> {
    let mut p = Parser { s: text, pos: 0 };
    let value = p.value(0)?;
    p.skip_space();
    if p.pos < p.s.len() {
        return Err(p.error("unexpected text after the header dictionary"));
    }
    Ok(value)
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, message: &str) -> LitError {
        LitError { at: self.pos, message: message.to_owned() }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Lit, LitError> {
        if depth > MAX_DEPTH {
            return Err(self.error("the header nests too deeply"));
        }
        self.skip_space();
        let at = self.pos;
        let kind = match self.peek() {
            None => return Err(self.error("the header ends where a value should be")),
            Some(b'{') => self.dict(depth)?,
            Some(b'(') => LitKind::Tuple(self.sequence(b')', depth)?),
            Some(b'[') => LitKind::List(self.sequence(b']', depth)?),
            Some(b'\'' | b'"') => LitKind::Str(self.string()?),
            // Python 2 wrote u'' strings; b'' is harmless to accept too.
            Some(b'u' | b'b' | b'U' | b'B') if matches!(self.s.get(self.pos + 1), Some(b'\'' | b'"')) => {
                self.pos += 1;
                LitKind::Str(self.string()?)
            }
            Some(b'-' | b'+' | b'0'..=b'9') => LitKind::Int(self.int()?),
            Some(c) if c.is_ascii_alphabetic() => self.word()?,
            Some(_) => return Err(self.error("unexpected character in the header")),
        };
        Ok(Lit { at, kind })
    }

    /// `(a, b, )` or `[a, b]`, the opening bracket at `pos`.
    fn sequence(&mut self, close: u8, depth: usize) -> Result<Vec<Lit>, LitError> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_space();
            if self.peek() == Some(close) {
                self.pos += 1;
                return Ok(items);
            }
            items.push(self.value(depth + 1)?);
            self.skip_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(c) if c == close => {}
                _ => return Err(self.error(&format!("expected ',' or '{}'", char::from(close)))),
            }
        }
    }

    fn dict(&mut self, depth: usize) -> Result<LitKind, LitError> {
        self.pos += 1;
        let mut entries = Vec::new();
        loop {
            self.skip_space();
            if self.peek() == Some(b'}') {
                self.pos += 1;
                return Ok(LitKind::Dict(entries));
            }
            let key = self.value(depth + 1)?;
            self.skip_space();
            if self.peek() != Some(b':') {
                return Err(self.error("expected ':' after a dictionary key"));
            }
            self.pos += 1;
            let value = self.value(depth + 1)?;
            entries.push((key, value));
            self.skip_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {}
                _ => return Err(self.error("expected ',' or '}'")),
            }
        }
    }

    /// A quoted string with backslash escapes; the quote is at `pos`.
    fn string(&mut self) -> Result<String, LitError> {
        let start = self.pos;
        let quote = self.peek();
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None | Some(b'\n') => {
                    self.pos = start;
                    return Err(self.error("a string in the header is never closed"));
                }
                Some(b'\\') => {
                    self.pos += 1;
                    match self.peek() {
                        Some(b'n') => out.push(b'\n'),
                        Some(b't') => out.push(b'\t'),
                        Some(c @ (b'\\' | b'\'' | b'"')) => out.push(c),
                        Some(c) => out.extend([b'\\', c]),
                        None => continue,
                    }
                    self.pos += 1;
                }
                Some(c) if Some(c) == quote => {
                    self.pos += 1;
                    return Ok(String::from_utf8_lossy(&out).into_owned());
                }
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    /// A decimal integer, with Python 2's `L` suffix allowed (old files wrote `(3L, 4L)`).
    fn int(&mut self) -> Result<i128, LitError> {
        let start = self.pos;
        let negative = self.peek() == Some(b'-');
        if matches!(self.peek(), Some(b'-' | b'+')) {
            self.pos += 1;
        }
        let mut value: i128 = 0;
        let mut digits = 0;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(i128::from(c - b'0')))
                .ok_or_else(|| LitError { at: start, message: "an integer in the header is too large".to_owned() })?;
            digits += 1;
            self.pos += 1;
        }
        if digits == 0 {
            return Err(self.error("expected digits"));
        }
        if matches!(self.peek(), Some(b'L' | b'l')) {
            self.pos += 1;
        }
        Ok(if negative { -value } else { value })
    }

    fn word(&mut self) -> Result<LitKind, LitError> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_') {
            self.pos += 1;
        }
        match self.s.get(start..self.pos) {
            Some(b"True") => Ok(LitKind::Bool(true)),
            Some(b"False") => Ok(LitKind::Bool(false)),
            Some(b"None") => Ok(LitKind::None),
            _ => {
                self.pos = start;
                Err(self.error("expected True, False, None, a number, a string or a bracket"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> LitKind {
        parse(text.as_bytes()).unwrap_or_else(|e| panic!("{text}: {e:?}")).kind
    }

    fn ints(values: &[i128]) -> Vec<LitKind> {
        values.iter().map(|&v| LitKind::Int(v)).collect()
    }

    #[test]
    fn tuples_of_every_length() {
        let items = |k: LitKind| match k {
            LitKind::Tuple(v) => v.into_iter().map(|l| l.kind).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(items(kind("()")), ints(&[]));
        assert_eq!(items(kind("(5,)")), ints(&[5]));
        assert_eq!(items(kind("( 3 , 4 )")), ints(&[3, 4]));
        assert_eq!(items(kind("(3L, 4L, )")), ints(&[3, 4]));
    }

    #[test]
    fn a_numpy_header_with_padding() {
        let text = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }          \n";
        let LitKind::Dict(entries) = kind(text) else { panic!("not a dict") };
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].0.kind, LitKind::Str("descr".into()));
        assert_eq!(entries[1].1.kind, LitKind::Bool(false));
        assert_eq!(entries[2].1.at, 50);
    }

    #[test]
    fn errors_point_at_the_problem() {
        assert_eq!(parse(b"{'a': 1} x").map_err(|e| e.at), Err(9));
        assert_eq!(parse(b"{'a' 1}").map_err(|e| e.at), Err(5));
        assert_eq!(parse(b"{'a: 1}").map_err(|e| e.at), Err(1));
        assert!(parse(b"99999999999999999999999999999999999999999999").is_err());
        assert!(parse("(".repeat(10_000).as_bytes()).is_err());
        assert!(parse(b"").is_err());
        assert!(parse(b"-").is_err());
    }
}

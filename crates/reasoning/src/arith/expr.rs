//! Exact evaluation of a run of tokens as one arithmetic expression: `+ - * / ^`, parentheses,
//! unary signs and implicit multiplication before a parenthesis ("2(3 + 4)").

use super::lex::{Kind, Token};
use super::number::Value;

/// Exponents beyond this are not checked (the result would be astronomically long).
const MAX_EXPONENT: u32 = 256;
/// Bits of a base raised to a power, at most (keeps `2^256`-sized work bounded).
const MAX_POWER_BITS: u64 = 4096;
const MAX_NESTING: usize = 64;

/// A parsed expression: its value and what it was made of.
#[derive(Debug, Clone)]
pub struct Evaluated {
    pub value: Value,
    /// Binary operators (or implicit multiplications) it contains.
    pub operators: usize,
    /// Index (in the token slice) of its first number.
    pub first_number: Option<usize>,
    /// It is a single number, possibly signed: the "written result" shape.
    pub single_number: bool,
}

/// Evaluates `tokens` as exactly one expression; `None` if they are not one or it is undefined
/// (division by zero, a fractional or huge exponent).
pub fn evaluate(tokens: &[Token]) -> Option<Evaluated> {
    let mut parser = Parser { tokens, pos: 0, operators: 0, first_number: None, depth: 0 };
    let value = parser.expr()?;
    if parser.pos != tokens.len() {
        return None;
    }
    let single_number = parser.operators == 0 && tokens.iter().all(|t| matches!(t.kind, Kind::Num(_) | Kind::Op(_)));
    Some(Evaluated { value, operators: parser.operators, first_number: parser.first_number, single_number })
}

struct Parser<'a> {
    tokens: &'a [Token],
    pos: usize,
    operators: usize,
    first_number: Option<usize>,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Kind> {
        self.tokens.get(self.pos).map(|t| &t.kind)
    }

    fn expr(&mut self) -> Option<Value> {
        let mut value = self.term()?;
        while let Some(Kind::Op(op @ (b'+' | b'-'))) = self.peek() {
            let op = *op;
            self.pos += 1;
            self.operators += 1;
            let rhs = self.term()?;
            value = if op == b'+' { value + rhs } else { value - rhs };
        }
        Some(value)
    }

    fn term(&mut self) -> Option<Value> {
        let mut value = self.unary()?;
        loop {
            match self.peek() {
                Some(Kind::Op(op @ (b'*' | b'/'))) => {
                    let op = *op;
                    self.pos += 1;
                    self.operators += 1;
                    let rhs = self.unary()?;
                    value = if op == b'*' { value * rhs } else { value.checked_div(&rhs)? };
                }
                // "2(3 + 4)" and "(1 + 2)(3)".
                Some(Kind::LParen) => {
                    self.operators += 1;
                    value *= &self.power()?;
                }
                _ => return Some(value),
            }
        }
    }

    fn unary(&mut self) -> Option<Value> {
        match self.peek() {
            Some(Kind::Op(b'-')) => {
                self.pos += 1;
                self.nested(|p| p.unary()).map(|v| -v)
            }
            Some(Kind::Op(b'+')) => {
                self.pos += 1;
                self.nested(|p| p.unary())
            }
            _ => self.power(),
        }
    }

    fn power(&mut self) -> Option<Value> {
        let base = self.atom()?;
        if let Some(Kind::Op(b'^')) = self.peek() {
            self.pos += 1;
            self.operators += 1;
            let exponent = self.nested(|p| p.unary())?;
            return raise(&base, &exponent);
        }
        Some(base)
    }

    fn atom(&mut self) -> Option<Value> {
        match self.peek()? {
            Kind::Num(n) => {
                let value = n.value.clone();
                self.first_number.get_or_insert(self.pos);
                self.pos += 1;
                Some(value)
            }
            Kind::LParen => {
                self.pos += 1;
                let value = self.nested(|p| p.expr())?;
                if self.peek() != Some(&Kind::RParen) {
                    return None;
                }
                self.pos += 1;
                Some(value)
            }
            _ => None,
        }
    }

    fn nested(&mut self, f: impl FnOnce(&mut Self) -> Option<Value>) -> Option<Value> {
        if self.depth >= MAX_NESTING {
            return None;
        }
        self.depth += 1;
        let value = f(self);
        self.depth -= 1;
        value
    }
}

fn raise(base: &Value, exponent: &Value) -> Option<Value> {
    // A whole exponent of at most MAX_EXPONENT (an exponent too big for 64 bits is beyond it).
    let e = exponent.to_i64()?;
    let magnitude = u32::try_from(e.unsigned_abs()).ok().filter(|m| *m <= MAX_EXPONENT)?;
    if base.bits().saturating_mul(u64::from(magnitude)) > MAX_POWER_BITS {
        return None;
    }
    if base.is_zero() && e < 0 {
        return None;
    }
    let raised = base.pow(magnitude);
    if e < 0 {
        raised.recip()
    } else {
        Some(raised)
    }
}

#[cfg(test)]
mod tests {
    use super::super::lex::tokenize;
    use super::super::number::format;
    use super::*;

    fn eval(s: &str) -> Option<String> {
        let tokens = tokenize(s);
        evaluate(&tokens).map(|e| format(&e.value))
    }

    #[test]
    fn precedence_signs_and_powers() {
        assert_eq!(eval("2 + 3 * 4").as_deref(), Some("14"));
        assert_eq!(eval("(2 + 3) * 4").as_deref(), Some("20"));
        assert_eq!(eval("-5 + 3").as_deref(), Some("-2"));
        assert_eq!(eval("2^3^2").as_deref(), Some("512"));
        assert_eq!(eval("-2^2").as_deref(), Some("-4"));
        assert_eq!(eval("2(3 + 4)").as_deref(), Some("14"));
        assert_eq!(eval("10 / 4").as_deref(), Some("2.5"));
        assert_eq!(eval("2^-2").as_deref(), Some("0.25"));
        assert_eq!(eval("1 / 0"), None);
        assert_eq!(eval("2^0.5"), None);
        assert_eq!(eval("2^100000"), None);
        assert_eq!(eval("2 +"), None);
        assert_eq!(eval("(2"), None);
        assert_eq!(eval(&"(".repeat(500)), None);
        assert_eq!(eval(&"-".repeat(500)), None);
    }

    #[test]
    fn big_numbers_do_not_overflow() {
        assert_eq!(
            eval("99999999999999999999 * 99999999999999999999").as_deref(),
            Some("9999999999999999999800000000000000000001")
        );
    }
}

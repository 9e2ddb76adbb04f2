//! Exact evaluation of a run of tokens as one arithmetic expression: `+ - * / ^`, parentheses,
//! unary signs and implicit multiplication before a parenthesis ("2(3 + 4)").

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};

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
            value = if op == b'+' { add(value, &rhs) } else { add(value, &-rhs) };
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
                    value = if op == b'*' {
                        mul(value, &rhs)
                    } else {
                        if rhs.is_zero() {
                            return None;
                        }
                        value / rhs
                    };
                }
                // "2(3 + 4)" and "(1 + 2)(3)".
                Some(Kind::LParen) => {
                    self.operators += 1;
                    value *= self.power()?;
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

/// Sums and products of whole numbers skip the fraction reduction (a gcd per operation), which
/// is most of the cost of checking a trace.
fn add(a: Value, b: &Value) -> Value {
    if a.is_integer() && b.is_integer() {
        BigRational::from_integer(a.to_integer() + b.numer())
    } else {
        a + b
    }
}

fn mul(a: Value, b: &Value) -> Value {
    if a.is_integer() && b.is_integer() {
        BigRational::from_integer(a.to_integer() * b.numer())
    } else {
        a * b
    }
}

fn raise(base: &Value, exponent: &Value) -> Option<Value> {
    if !exponent.is_integer() {
        return None;
    }
    let e = exponent.to_integer();
    let magnitude = e.abs().to_u32().filter(|m| *m <= MAX_EXPONENT)?;
    let bits = base.numer().bits().max(base.denom().bits());
    if bits.saturating_mul(u64::from(magnitude)) > MAX_POWER_BITS {
        return None;
    }
    if base.is_zero() && e.is_negative() {
        return None;
    }
    let raised = BigRational::new(
        num_traits::pow(base.numer().clone(), magnitude as usize),
        num_traits::pow(base.denom().clone(), magnitude as usize),
    );
    Some(if e.is_negative() { BigRational::from_integer(BigInt::from(1)) / raised } else { raised })
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

//! Exact rationals with a fast path. Almost every number in a trace, and every result of the
//! arithmetic on them, is a fraction of two 64-bit integers; those are kept as such (reduced, with
//! a positive denominator) and computed with 128-bit intermediates, which cannot overflow. Only a
//! result that does not fit 64 bits becomes a big rational, so nothing is ever rounded: the value
//! is always the exact one, only its representation differs.
//!
//! The representation is canonical (a value that fits the small form is always stored in it), so
//! equal values have equal representations.

use std::cmp::Ordering;
use std::fmt;
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub};

use num_bigint::BigInt;
use num_rational::{BigRational, Ratio};
use num_traits::{One, Signed, ToPrimitive, Zero};

/// An exact rational number.
#[derive(Clone)]
pub struct Value(Repr);

#[derive(Clone)]
enum Repr {
    /// `numerator / denominator`, reduced, `denominator >= 1`, and `numerator > i64::MIN` so
    /// that negation and `abs` never overflow.
    Small(i64, i64),
    /// A value the small form cannot hold (boxed: it is rare, and tokens stay small).
    Big(Box<BigRational>),
}

/// Binary gcd of two 64-bit magnitudes (no division: cheap in wasm too).
fn gcd_u64(mut a: u64, mut b: u64) -> u64 {
    if a == 0 {
        return b;
    }
    if b == 0 {
        return a;
    }
    let shift = (a | b).trailing_zeros();
    a >>= a.trailing_zeros();
    loop {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            return a << shift;
        }
    }
}

fn gcd_u128(mut a: u128, mut b: u128) -> u128 {
    if let (Ok(x), Ok(y)) = (u64::try_from(a), u64::try_from(b)) {
        return u128::from(gcd_u64(x, y));
    }
    if a == 0 {
        return b;
    }
    if b == 0 {
        return a;
    }
    let shift = (a | b).trailing_zeros();
    a >>= a.trailing_zeros();
    loop {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            return a << shift;
        }
        if let (Ok(x), Ok(y)) = (u64::try_from(a), u64::try_from(b)) {
            return u128::from(gcd_u64(x, y)) << shift;
        }
    }
}

const SMALL_MAX: u128 = i64::MAX as u128;

impl Value {
    pub fn zero() -> Value {
        Value(Repr::Small(0, 1))
    }

    pub fn one() -> Value {
        Value(Repr::Small(1, 1))
    }

    /// `numerator / denominator` from magnitudes already reduced (`denominator > 0`).
    fn from_reduced(negative: bool, numerator: u128, denominator: u128) -> Value {
        if numerator <= SMALL_MAX && denominator <= SMALL_MAX {
            // Both fit i64 (and the magnitude is at most i64::MAX, so never i64::MIN).
            let n = numerator as i64;
            return Value(Repr::Small(if negative { -n } else { n }, denominator as i64));
        }
        let n = BigInt::from(numerator);
        let n = if negative { -n } else { n };
        Value(Repr::Big(Box::new(BigRational::new_raw(n, BigInt::from(denominator)))))
    }

    /// `±numerator / denominator` from magnitudes (`denominator > 0`), reduced here.
    fn from_parts(negative: bool, numerator: u128, denominator: u128) -> Value {
        if denominator == 1 || numerator == 0 {
            let denominator = if numerator == 0 { 1 } else { denominator };
            return Value::from_reduced(negative && numerator != 0, numerator, denominator);
        }
        let g = gcd_u128(numerator, denominator);
        Value::from_reduced(negative, numerator / g, denominator / g)
    }

    /// `numerator / denominator` in 128 bits (`denominator != 0`, neither is `i128::MIN`).
    fn from_i128(numerator: i128, denominator: i128) -> Value {
        let negative = (numerator < 0) != (denominator < 0);
        Value::from_parts(negative, numerator.unsigned_abs(), denominator.unsigned_abs())
    }

    /// `numerator / denominator`; `None` when the denominator is zero.
    pub fn ratio(numerator: i64, denominator: i64) -> Option<Value> {
        (denominator != 0).then(|| Value::from_i128(i128::from(numerator), i128::from(denominator)))
    }

    /// `numerator / 10^decimals` (`decimals <= 38`): a decimal read from its digits.
    pub(super) fn from_digits(numerator: u128, decimals: u32) -> Value {
        Value::from_parts(false, numerator, 10u128.pow(decimals))
    }

    /// A big rational, kept small when it fits (reduced and signed here too, in case it was
    /// made with `new_raw`).
    pub fn from_big(r: BigRational) -> Value {
        if let (Some(n), Some(d)) = (r.numer().to_i64(), r.denom().to_i64()) {
            if d != 0 {
                return Value::from_i128(i128::from(n), i128::from(d));
            }
        }
        Value(Repr::Big(Box::new(r)))
    }

    /// The same value as a big rational.
    pub fn to_big(&self) -> BigRational {
        match &self.0 {
            Repr::Small(n, d) => BigRational::new_raw(BigInt::from(*n), BigInt::from(*d)),
            Repr::Big(r) => (**r).clone(),
        }
    }

    /// `10^exp`.
    pub fn pow10(exp: u32) -> Value {
        match 10i64.checked_pow(exp) {
            Some(p) => Value(Repr::Small(p, 1)),
            None => {
                Value(Repr::Big(Box::new(BigRational::from_integer(num_traits::pow(BigInt::from(10), exp as usize)))))
            }
        }
    }

    /// Whether it is held in 64 bits (for tests of the fallback).
    pub fn is_small(&self) -> bool {
        matches!(self.0, Repr::Small(..))
    }

    pub fn is_zero(&self) -> bool {
        match &self.0 {
            Repr::Small(n, _) => *n == 0,
            Repr::Big(r) => r.is_zero(),
        }
    }

    pub fn is_negative(&self) -> bool {
        match &self.0 {
            Repr::Small(n, _) => *n < 0,
            Repr::Big(r) => r.is_negative(),
        }
    }

    pub fn is_integer(&self) -> bool {
        match &self.0 {
            Repr::Small(_, d) => *d == 1,
            Repr::Big(r) => r.is_integer(),
        }
    }

    /// Whether the integer part is even (for a whole number: whether it is even).
    pub fn is_even(&self) -> bool {
        match &self.0 {
            Repr::Small(n, d) => (n / d) % 2 == 0,
            Repr::Big(r) => (r.to_integer() % BigInt::from(2)).is_zero(),
        }
    }

    pub fn abs(&self) -> Value {
        match &self.0 {
            Repr::Small(n, d) => Value(Repr::Small(n.abs(), *d)),
            Repr::Big(r) => Value::from_big(r.abs()),
        }
    }

    /// Rounded toward zero.
    pub fn trunc(&self) -> Value {
        match &self.0 {
            Repr::Small(n, d) => Value(Repr::Small(n / d, 1)),
            Repr::Big(r) => Value::from_big(r.trunc()),
        }
    }

    /// Rounded toward minus infinity.
    pub fn floor(&self) -> Value {
        match &self.0 {
            Repr::Small(n, d) => Value(Repr::Small(n.div_euclid(*d), 1)),
            Repr::Big(r) => Value::from_big(r.floor()),
        }
    }

    /// Rounded toward plus infinity.
    pub fn ceil(&self) -> Value {
        match &self.0 {
            // -floor(-x); -n never overflows (n > i64::MIN), nor does the result.
            Repr::Small(n, d) => Value(Repr::Small(-(-n).div_euclid(*d), 1)),
            Repr::Big(r) => Value::from_big(r.ceil()),
        }
    }

    /// Rounded to the nearest whole number, half-way cases away from zero.
    pub fn round(&self) -> Value {
        match &self.0 {
            Repr::Small(n, d) => Value::from_i128(round_half_away(i128::from(*n), i128::from(*d)), 1),
            Repr::Big(r) => Value::from_big(r.round()),
        }
    }

    /// The nearest f64, rounded as `num_rational` rounds (the same function on the same numbers).
    pub fn to_f64(&self) -> Option<f64> {
        /// Whole numbers of at most 53 bits convert to f64 exactly.
        const EXACT: u64 = 1 << f64::MANTISSA_DIGITS;
        match &self.0 {
            // `num_rational`'s own fast track (zero, then two exact floats divided), without its
            // 128-bit detour: the same result.
            Repr::Small(0, _) => Some(0.0),
            Repr::Small(n, d) if n.unsigned_abs() <= EXACT && d.unsigned_abs() <= EXACT => Some(*n as f64 / *d as f64),
            Repr::Small(n, d) => Ratio::new_raw(*n, *d).to_f64(),
            Repr::Big(r) => r.to_f64(),
        }
    }

    /// The whole part (rounded toward zero) as a big integer.
    pub fn to_integer(&self) -> BigInt {
        match &self.0 {
            Repr::Small(n, d) => BigInt::from(n / d),
            Repr::Big(r) => r.to_integer(),
        }
    }

    /// The value as an i64 when it is a whole number that fits.
    pub fn to_i64(&self) -> Option<i64> {
        match &self.0 {
            Repr::Small(n, 1) => Some(*n),
            _ => None,
        }
    }

    /// Bits of the larger of numerator and denominator (how big a power of it gets).
    pub fn bits(&self) -> u64 {
        match &self.0 {
            Repr::Small(n, d) => u64::from(64 - n.unsigned_abs().max(d.unsigned_abs()).leading_zeros()),
            Repr::Big(r) => r.numer().bits().max(r.denom().bits()),
        }
    }

    /// `self^exp` for a whole, non-negative exponent.
    pub fn pow(&self, exp: u32) -> Value {
        if let Repr::Small(n, d) = self.0 {
            let (mut num, mut den) = (1i64, 1i64);
            let mut fits = true;
            for _ in 0..exp {
                match (num.checked_mul(n), den.checked_mul(d)) {
                    (Some(a), Some(b)) if a != i64::MIN => (num, den) = (a, b),
                    _ => {
                        fits = false;
                        break;
                    }
                }
            }
            // A power of a reduced fraction is reduced.
            if fits {
                return Value(Repr::Small(num, den));
            }
        }
        let r = self.to_big();
        Value::from_big(BigRational::new(
            num_traits::pow(r.numer().clone(), exp as usize),
            num_traits::pow(r.denom().clone(), exp as usize),
        ))
    }

    /// `1 / self`; `None` for zero.
    pub fn recip(&self) -> Option<Value> {
        match &self.0 {
            _ if self.is_zero() => None,
            // n != 0 and n > i64::MIN, so both fit; the sign moves to the numerator.
            Repr::Small(n, d) => Some(Value(Repr::Small(d * n.signum(), n.abs()))),
            Repr::Big(r) => Some(Value::from_big(r.recip())),
        }
    }

    /// `self / other`; `None` when `other` is zero.
    pub fn checked_div(&self, other: &Value) -> Option<Value> {
        (!other.is_zero()).then(|| self / other)
    }

    /// The whole-number rounding, half away from zero, of `self · 10^places`, as (negative,
    /// decimal digits of the magnitude): what [`super::number::format`] prints.
    pub fn scaled_round_digits(&self, places: u32) -> (bool, String) {
        if let Repr::Small(n, d) = self.0 {
            // |n| < 2^63 and 10^places ≤ 10^12 < 2^40: the product fits i128.
            if places <= 12 {
                let scaled = i128::from(n) * 10i128.pow(places);
                let rounded = round_half_away(scaled, i128::from(d));
                return (rounded < 0, rounded.unsigned_abs().to_string());
            }
        }
        let scaled = self.to_big() * BigRational::from_integer(num_traits::pow(BigInt::from(10), places as usize));
        let rounded = scaled.round().to_integer();
        (rounded.is_negative(), rounded.abs().to_string())
    }

    /// Factors of 2 and of 5 in the denominator, each counted up to 13, and whether the
    /// denominator has no other prime factor (the decimal terminates).
    pub fn denominator_twos_fives(&self) -> ([u32; 2], bool) {
        let mut counts = [0u32; 2];
        match &self.0 {
            Repr::Small(_, d) => {
                let mut reduced = *d;
                for (count, p) in counts.iter_mut().zip([2i64, 5]) {
                    while *count <= 12 && reduced % p == 0 {
                        reduced /= p;
                        *count += 1;
                    }
                }
                (counts, reduced == 1)
            }
            Repr::Big(r) => {
                let mut reduced = r.denom().clone();
                for (count, p) in counts.iter_mut().zip([2u32, 5]) {
                    let p = BigInt::from(p);
                    while *count <= 12 && (&reduced % &p).is_zero() {
                        reduced /= &p;
                        *count += 1;
                    }
                }
                (counts, reduced.is_one())
            }
        }
    }
}

/// `n / d` (`d > 0`) rounded to the nearest integer, half-way cases away from zero. Both
/// operands are below 2^126 in magnitude, so `2 · |remainder|` cannot overflow.
fn round_half_away(n: i128, d: i128) -> i128 {
    let (q, r) = (n / d, n % d);
    if 2 * r.abs() >= d {
        q + n.signum()
    } else {
        q
    }
}

impl Default for Value {
    fn default() -> Value {
        Value::zero()
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        if n == i64::MIN {
            return Value::from_i128(i128::from(n), 1);
        }
        Value(Repr::Small(n, 1))
    }
}

impl From<BigRational> for Value {
    fn from(r: BigRational) -> Value {
        Value::from_big(r)
    }
}

impl From<&Value> for BigRational {
    fn from(v: &Value) -> BigRational {
        v.to_big()
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Value({self})")
    }
}

/// As `num_rational` writes a ratio: "n" for a whole number, "n/d" otherwise.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Small(n, 1) => write!(f, "{n}"),
            Repr::Small(n, d) => write!(f, "{n}/{d}"),
            Repr::Big(r) => write!(f, "{r}"),
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (&self.0, &other.0) {
            (Repr::Small(a, b), Repr::Small(c, d)) => a == c && b == d,
            _ => self.cmp(other) == Ordering::Equal,
        }
    }
}

impl Eq for Value {}

impl PartialEq<BigRational> for Value {
    fn eq(&self, other: &BigRational) -> bool {
        self.to_big() == *other
    }
}

impl PartialOrd for Value {
    fn partial_cmp(&self, other: &Value) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Value {
    fn cmp(&self, other: &Value) -> Ordering {
        match (&self.0, &other.0) {
            (Repr::Small(a, b), Repr::Small(c, d)) if b == d => a.cmp(c),
            // Each product is below 2^126 in magnitude.
            (Repr::Small(a, b), Repr::Small(c, d)) => {
                (i128::from(*a) * i128::from(*d)).cmp(&(i128::from(*c) * i128::from(*b)))
            }
            (Repr::Big(x), Repr::Big(y)) => x.cmp(y),
            _ => self.to_big().cmp(&other.to_big()),
        }
    }
}

fn add_values(x: &Value, y: &Value, negate_y: bool) -> Value {
    if let (Repr::Small(a, b), Repr::Small(c, d)) = (&x.0, &y.0) {
        let (a, b, d) = (i128::from(*a), i128::from(*b), i128::from(*d));
        let c = if negate_y { -i128::from(*c) } else { i128::from(*c) };
        // Each term is below 2^126 in magnitude, so the sum fits.
        if b == d {
            return Value::from_i128(a + c, b);
        }
        return Value::from_i128(a * d + c * b, b * d);
    }
    let (x, y) = (x.to_big(), y.to_big());
    Value::from_big(if negate_y { x - y } else { x + y })
}

fn mul_values(x: &Value, y: &Value) -> Value {
    if let (Repr::Small(a, b), Repr::Small(c, d)) = (&x.0, &y.0) {
        if *b == 1 && *d == 1 {
            return Value::from_i128(i128::from(*a) * i128::from(*c), 1);
        }
        // Cancelling across first leaves the product reduced.
        let g1 = gcd_u64(a.unsigned_abs(), d.unsigned_abs()).max(1);
        let g2 = gcd_u64(c.unsigned_abs(), b.unsigned_abs()).max(1);
        let negative = (*a < 0) != (*c < 0);
        let n = u128::from(a.unsigned_abs() / g1) * u128::from(c.unsigned_abs() / g2);
        let den = u128::from(b.unsigned_abs() / g2) * u128::from(d.unsigned_abs() / g1);
        if n == 0 {
            return Value::zero();
        }
        return Value::from_reduced(negative, n, den);
    }
    Value::from_big(x.to_big() * y.to_big())
}

fn div_values(x: &Value, y: &Value) -> Value {
    match y.recip() {
        Some(r) => mul_values(x, &r),
        // Division by zero fails as the big rationals always have.
        None => Value::from_big(x.to_big() / y.to_big()),
    }
}

macro_rules! binary_op {
    ($trait:ident, $method:ident, $body:expr) => {
        impl $trait<&Value> for &Value {
            type Output = Value;
            fn $method(self, rhs: &Value) -> Value {
                $body(self, rhs)
            }
        }
        impl $trait<Value> for &Value {
            type Output = Value;
            fn $method(self, rhs: Value) -> Value {
                $body(self, &rhs)
            }
        }
        impl $trait<&Value> for Value {
            type Output = Value;
            fn $method(self, rhs: &Value) -> Value {
                $body(&self, rhs)
            }
        }
        impl $trait<Value> for Value {
            type Output = Value;
            fn $method(self, rhs: Value) -> Value {
                $body(&self, &rhs)
            }
        }
    };
}

binary_op!(Add, add, |x, y| add_values(x, y, false));
binary_op!(Sub, sub, |x, y| add_values(x, y, true));
binary_op!(Mul, mul, mul_values);
binary_op!(Div, div, div_values);

impl Neg for Value {
    type Output = Value;
    fn neg(self) -> Value {
        -&self
    }
}

impl Neg for &Value {
    type Output = Value;
    fn neg(self) -> Value {
        match &self.0 {
            Repr::Small(n, d) => Value(Repr::Small(-n, *d)),
            Repr::Big(r) => Value::from_big(-(**r).clone()),
        }
    }
}

impl AddAssign<&Value> for Value {
    fn add_assign(&mut self, rhs: &Value) {
        *self = add_values(self, rhs, false);
    }
}

impl MulAssign<&Value> for Value {
    fn mul_assign(&mut self, rhs: &Value) {
        *self = mul_values(self, rhs);
    }
}

impl DivAssign<&Value> for Value {
    fn div_assign(&mut self, rhs: &Value) {
        *self = div_values(self, rhs);
    }
}

//! Exact numbers: every value is an exact rational (see [`Value`]), so no float noise and no
//! overflow; decimals are kept as written to know how much rounding a written result may carry.

use num_bigint::BigInt;
use num_rational::BigRational;

pub use super::value::Value;

/// Longest digit string read as a number; longer ones are not arithmetic anyone checks by hand,
/// and the bound keeps big-number work linear in the input.
pub const MAX_DIGITS: usize = 400;

/// Most digits read with 128-bit arithmetic (10^38 < 2^127); longer ones go through big integers.
const FAST_DIGITS: usize = 38;

fn ten_pow(exp: u32) -> BigInt {
    num_traits::pow(BigInt::from(10), exp as usize)
}

/// `digits` (ASCII, may contain one '.') as an exact value; `None` if empty or too long.
pub fn parse_decimal(digits: &str) -> Option<(Value, u32)> {
    let (int_part, frac_part) = match digits.split_once('.') {
        Some((i, f)) => (i, f),
        None => (digits, ""),
    };
    parse_parts(int_part, frac_part)
}

/// A number written as `int_part` (digits, with `,` between groups skipped) and `frac_part`
/// (digits after the point): the tokenizer's numbers, read without building a string.
pub(super) fn parse_grouped(int_part: &str, frac_part: &str) -> Option<(Value, u32)> {
    if !int_part.contains(',') {
        return parse_parts(int_part, frac_part);
    }
    let digits: String = int_part.chars().filter(|c| *c != ',').collect();
    parse_parts(&digits, frac_part)
}

fn parse_parts(int_part: &str, frac_part: &str) -> Option<(Value, u32)> {
    let len = int_part.len() + frac_part.len();
    if len == 0 || len > MAX_DIGITS {
        return None;
    }
    let plain = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    // Up to 18 digits fit 64 bits (the usual number, read without 128-bit arithmetic).
    if len <= 18 {
        let digits = int_part.bytes().chain(frac_part.bytes());
        if let Some(n) = digits.clone().try_fold(0i64, |n, b| b.is_ascii_digit().then(|| n * 10 + i64::from(b - b'0')))
        {
            let decimals = frac_part.len() as u32;
            let value = if decimals == 0 { Value::from(n) } else { Value::from_digits(n as u128, decimals) };
            return Some((value, decimals));
        }
    }
    if len <= FAST_DIGITS && plain(int_part) && plain(frac_part) {
        let numerator = int_part.bytes().chain(frac_part.bytes()).fold(0u128, |n, b| n * 10 + u128::from(b - b'0'));
        let decimals = frac_part.len() as u32;
        let value = Value::from_digits(numerator, decimals);
        return Some((value, decimals));
    }
    // Anything else (very long, or not plain digits: big integers accept a sign and '_') is read
    // as it always was.
    if frac_part.is_empty() {
        let n: BigInt = int_part.parse().ok()?;
        return Some((Value::from_big(BigRational::from_integer(n)), 0));
    }
    let all: String = int_part.chars().chain(frac_part.chars()).collect();
    let numerator: BigInt = all.parse().ok()?;
    let decimals = u32::try_from(frac_part.len()).ok()?;
    Some((Value::from_big(BigRational::new(numerator, ten_pow(decimals))), decimals))
}

/// Half a unit in the last written place: how far a written result may be from the exact one.
pub fn rounding_tolerance(decimals: u32) -> Value {
    match 10i64.checked_pow(decimals).and_then(|p| p.checked_mul(2)) {
        Some(d) => Value::ratio(1, d).unwrap_or_default(),
        None => Value::from_big(BigRational::new(BigInt::from(1), ten_pow(decimals) * 2)),
    }
}

/// `n.to_string()`, written directly (the formatting machinery costs more than the digits).
fn integer_text(n: i64) -> String {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut m = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (m % 10) as u8;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    let mut text = String::with_capacity(digits.len() - at + 1);
    if n < 0 {
        text.push('-');
    }
    text.extend(digits[at..].iter().map(|&d| char::from(d)));
    text
}

/// A readable decimal: exact when it terminates within 12 places, else rounded to 6 places.
pub fn format(value: &Value) -> String {
    if let Some(n) = value.to_i64() {
        return integer_text(n);
    }
    if value.is_integer() {
        return value.to_string();
    }
    // The decimal terminates when the denominator is 2^a·5^b, after max(a, b) places.
    let (counts, only_twos_and_fives) = value.denominator_twos_fives();
    let most = counts[0].max(counts[1]);
    let places = (only_twos_and_fives && most <= 12).then_some(most);
    let (places, exact) = match places {
        Some(k) => (k, true),
        None => (6, false),
    };
    let (negative, digits) = value.scaled_round_digits(places);
    let places = places as usize;
    let mut text = if places == 0 {
        digits
    } else {
        let padded = format!("{digits:0>width$}", width = places + 1);
        let (int, frac) = padded.split_at(padded.len() - places);
        let frac = if exact { frac } else { frac.trim_end_matches('0') };
        if frac.is_empty() {
            int.to_owned()
        } else {
            format!("{int}.{frac}")
        }
    };
    if negative {
        text.insert(0, '-');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_parse_exactly() {
        let (v, d) = parse_decimal("1.50").unwrap_or_else(|| panic!("parses"));
        assert_eq!(v, BigRational::new(BigInt::from(3), BigInt::from(2)));
        assert_eq!(d, 2);
        let (v, _) = parse_decimal("123456789012345678901234567890").unwrap_or_else(|| panic!("parses"));
        assert_eq!(v.to_integer().to_string(), "123456789012345678901234567890");
        assert!(parse_decimal("").is_none());
        assert!(parse_decimal(&"9".repeat(MAX_DIGITS + 1)).is_none());
    }

    #[test]
    fn integers_are_written_as_to_string_writes_them() {
        for n in [0, 7, -7, 10, 1_000_000, i64::MAX, i64::MIN, i64::MIN + 1] {
            assert_eq!(integer_text(n), n.to_string());
        }
    }

    #[test]
    fn formatting_is_exact_when_it_terminates() {
        let v = |n: i64, d: i64| Value::from(BigRational::new(BigInt::from(n), BigInt::from(d)));
        assert_eq!(format(&v(558, 1)), "558");
        assert_eq!(format(&v(-3, 4)), "-0.75");
        assert_eq!(format(&v(1, 3)), "0.333333");
        assert_eq!(format(&v(2, 3)), "0.666667");
        assert_eq!(format(&v(1, 8)), "0.125");
        assert_eq!(format(&v(100, 58)), "1.724138");
    }
}

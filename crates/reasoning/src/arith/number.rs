//! Exact numbers: every value is a big rational, so no float noise and no overflow; decimals are
//! kept as written to know how much rounding a written result may carry.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

pub type Value = BigRational;

/// Longest digit string read as a number; longer ones are not arithmetic anyone checks by hand,
/// and the bound keeps big-number work linear in the input.
pub const MAX_DIGITS: usize = 400;

pub fn ten_pow(exp: u32) -> BigInt {
    num_traits::pow(BigInt::from(10), exp as usize)
}

/// `digits` (ASCII, may contain one '.') as an exact value; `None` if empty or too long.
pub fn parse_decimal(digits: &str) -> Option<(Value, u32)> {
    let (int_part, frac_part) = match digits.split_once('.') {
        Some((i, f)) => (i, f),
        None => (digits, ""),
    };
    if int_part.len() + frac_part.len() == 0 || int_part.len() + frac_part.len() > MAX_DIGITS {
        return None;
    }
    if frac_part.is_empty() {
        // Whole numbers, the common case, need no reduction.
        let n: BigInt = int_part.parse().ok()?;
        return Some((BigRational::from_integer(n), 0));
    }
    let all: String = int_part.chars().chain(frac_part.chars()).collect();
    let numerator: BigInt = all.parse().ok()?;
    let decimals = u32::try_from(frac_part.len()).ok()?;
    Some((BigRational::new(numerator, ten_pow(decimals)), decimals))
}

/// Half a unit in the last written place: how far a written result may be from the exact one.
pub fn rounding_tolerance(decimals: u32) -> Value {
    BigRational::new(BigInt::one(), ten_pow(decimals) * 2)
}

/// A readable decimal: exact when it terminates within 12 places, else rounded to 6 places.
pub fn format(value: &Value) -> String {
    if value.is_integer() {
        return value.numer().to_string();
    }
    // The decimal terminates when the denominator is 2^a·5^b, after max(a, b) places.
    let mut reduced = value.denom().clone();
    let mut counts = [0u32; 2];
    for (count, p) in counts.iter_mut().zip([2u32, 5]) {
        let p = BigInt::from(p);
        while *count <= 12 && (&reduced % &p).is_zero() {
            reduced /= &p;
            *count += 1;
        }
    }
    let most = counts[0].max(counts[1]);
    let places = (reduced.is_one() && most <= 12).then_some(most);
    let (places, exact) = match places {
        Some(k) => (k, true),
        None => (6, false),
    };
    let scaled = value * BigRational::from_integer(ten_pow(places));
    let rounded = scaled.round().to_integer();
    let negative = rounded.is_negative();
    let digits = rounded.abs().to_string();
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
    fn formatting_is_exact_when_it_terminates() {
        let v = |n: i64, d: i64| BigRational::new(BigInt::from(n), BigInt::from(d));
        assert_eq!(format(&v(558, 1)), "558");
        assert_eq!(format(&v(-3, 4)), "-0.75");
        assert_eq!(format(&v(1, 3)), "0.333333");
        assert_eq!(format(&v(2, 3)), "0.666667");
        assert_eq!(format(&v(1, 8)), "0.125");
        assert_eq!(format(&v(100, 58)), "1.724138");
    }
}

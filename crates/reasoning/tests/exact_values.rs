//! The exact numbers' fast path (fractions of two 64-bit integers, big rationals only when a
//! value does not fit) gives exactly what big rationals give: values, comparisons, rounding,
//! floats and the decimals shown, at the 64- and 128-bit boundaries and on random values and
//! random expressions. The reference is `num_rational::BigRational`, which every number was
//! before, and the formatting it was shown with.

use frontier_reasoning::arith::{check_step, format_value, parse_decimal, Value};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use proptest::prelude::*;

fn big(n: i128, d: i128) -> BigRational {
    BigRational::new(BigInt::from(n), BigInt::from(d))
}

fn pow2(k: u32) -> BigRational {
    BigRational::from_integer(num_traits::pow(BigInt::from(2), k as usize))
}

/// Whether `r` fits the small form (numerator and denominator in 64 bits, not `i64::MIN`).
fn fits(r: &BigRational) -> bool {
    r.numer().to_i64().is_some_and(|n| n != i64::MIN) && r.denom().to_i64().is_some()
}

/// The display the checker used with big rationals (the old `format`, kept as the reference).
fn reference_format(value: &BigRational) -> String {
    if value.is_integer() {
        return value.numer().to_string();
    }
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
    let (places, exact) = match (reduced.is_one() && most <= 12).then_some(most) {
        Some(k) => (k, true),
        None => (6, false),
    };
    let scaled = value * BigRational::from_integer(num_traits::pow(BigInt::from(10), places as usize));
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

/// Everything about one value agrees with its big rational.
fn assert_same(v: &Value, r: &BigRational) {
    assert_eq!(v.to_big(), *r, "value");
    assert_eq!(v.is_small(), fits(r), "{r}: small form exactly when it fits");
    assert_eq!(v.to_string(), r.to_string(), "display");
    assert_eq!(format_value(v), reference_format(r), "{r}: shown");
    assert_eq!(v.to_f64().map(f64::to_bits), r.to_f64().map(f64::to_bits), "{r}: float");
    assert_eq!(v.is_integer(), r.is_integer());
    assert_eq!(v.is_zero(), r.is_zero());
    assert_eq!(v.is_negative(), r.is_negative());
    assert_eq!(v.to_integer(), r.to_integer());
    for (got, want) in [(v.floor(), r.floor()), (v.ceil(), r.ceil()), (v.round(), r.round()), (v.trunc(), r.trunc())] {
        assert_eq!(got.to_big(), want, "{r}: rounding");
        assert_eq!(got.is_small(), fits(&want));
    }
    assert_eq!(v.abs().to_big(), r.abs());
    assert_eq!((-v).to_big(), -r.clone());
    assert_eq!(v.bits(), r.numer().bits().max(r.denom().bits()));
    assert_eq!(v.recip().map(|x| x.to_big()), (!r.is_zero()).then(|| r.recip()));
}

/// Every operation on two values agrees with big rationals.
fn assert_ops(a: &BigRational, b: &BigRational) {
    let (x, y) = (Value::from_big(a.clone()), Value::from_big(b.clone()));
    assert_same(&x, a);
    assert_same(&y, b);
    assert_same(&(&x + &y), &(a + b));
    assert_same(&(&x - &y), &(a - b));
    assert_same(&(&x * &y), &(a * b));
    match x.checked_div(&y) {
        Some(q) => assert_same(&q, &(a / b)),
        None => assert!(b.is_zero()),
    }
    assert_eq!(x.cmp(&y), a.cmp(b), "{a} against {b}");
    assert_eq!(x == y, a == b);
    assert_eq!(x == *b, a == b);
}

#[test]
fn the_64_bit_boundaries_fall_back_exactly() {
    let max = i128::from(i64::MAX);
    let min = i128::from(i64::MIN);
    let edges = [
        big(max, 1),
        big(max + 1, 1),
        big(min, 1),
        big(min + 1, 1),
        big(-max - 2, 1),
        big(1, max),
        big(1, max + 1),
        big(-1, max + 1),
        big(max, max - 1),
        big(min + 1, max),
        pow2(62),
        pow2(63),
        -pow2(63),
        pow2(64),
        big(3, 2),
        big(-7, 10),
        BigRational::zero(),
    ];
    for a in &edges {
        for b in &edges {
            assert_ops(a, b);
        }
    }
}

#[test]
fn products_beyond_128_bits_and_the_2_to_127_boundary() {
    // (2^62)^3 = 2^186, far beyond 128 bits; (2^63 - 1)^2 is just under 2^126.
    let x = Value::from(1i64 << 62);
    let cube = &(&x * &x) * &x;
    assert_eq!(cube.to_big(), pow2(186));
    assert!(!cube.is_small());
    let m = Value::from(i64::MAX);
    let square = &m * &m;
    assert_eq!(square.to_big(), BigRational::from_integer(BigInt::from(i64::MAX) * BigInt::from(i64::MAX)));
    // Around 2^127: sums and products of the largest 64-bit fractions, then back down.
    let near = &square + &square;
    assert_eq!(near.to_big(), BigRational::from_integer(BigInt::from(i64::MAX) * BigInt::from(i64::MAX) * 2));
    for k in [126, 127, 128, 129] {
        let p = Value::from_big(pow2(k));
        assert!(!p.is_small());
        let back = &(&p / &Value::from_big(pow2(k - 2))) - &Value::from(4);
        assert!(back.is_zero() && back.is_small(), "2^{k} / 2^{} - 4", k - 2);
        assert_ops(&pow2(k), &big(i128::from(i64::MAX), 3));
        assert_ops(&-pow2(k), &big(1, i128::from(i64::MAX)));
    }
    // Fractions whose cross products overflow 64 bits but reduce back into them.
    let a = Value::ratio(i64::MAX, i64::MAX - 1).unwrap_or_else(|| panic!("ratio"));
    let b = Value::ratio(i64::MAX - 1, i64::MAX).unwrap_or_else(|| panic!("ratio"));
    assert_eq!(&a * &b, Value::one());
    assert!((&a * &b).is_small());
    assert_same(
        &(&a + &b),
        &(big(i128::from(i64::MAX), i128::from(i64::MAX) - 1) + big(i128::from(i64::MAX) - 1, i128::from(i64::MAX))),
    );
    // Powers that leave 64 bits stay exact.
    assert_eq!(Value::from(3).pow(40).to_big(), BigRational::from_integer(num_traits::pow(BigInt::from(3), 40)));
    assert_eq!(Value::ratio(-2, 3).unwrap_or_default().pow(63).to_big(), num_traits::pow(big(-2, 3), 63));
}

#[test]
fn negative_and_zero_denominators() {
    let r = |n: i64, d: i64| Value::ratio(n, d).unwrap_or_else(|| panic!("{n}/{d}"));
    assert_eq!(r(3, -6).to_big(), big(-1, 2));
    assert_eq!(r(-3, -6).to_big(), big(1, 2));
    assert_eq!(r(i64::MIN, -1).to_big(), pow2(63));
    assert!(!r(i64::MIN, -1).is_small());
    assert_eq!(r(i64::MIN, i64::MIN), Value::one());
    assert_eq!(r(-5, i64::MIN).to_big(), big(5, 1i128 << 63));
    assert_eq!(r(0, -7), Value::zero());
    assert!(Value::ratio(1, 0).is_none());
    assert!(Value::one().checked_div(&Value::zero()).is_none());
    assert!(Value::zero().recip().is_none());
    // A big rational made without reducing it still becomes the canonical value.
    let raw = Value::from_big(BigRational::new_raw(BigInt::from(4), BigInt::from(-8)));
    assert_eq!(raw, r(-1, 2));
    assert!(raw.is_small());
}

#[test]
fn decimals_of_many_digits_parse_exactly() {
    let reference = |digits: &str| {
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let all: BigInt = format!("{int}{frac}").parse().unwrap_or_else(|e| panic!("{digits}: {e}"));
        BigRational::new(all, num_traits::pow(BigInt::from(10), frac.len()))
    };
    for digits in [
        "0",
        "007",
        "1.50",
        ".5",
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551616",
        "999999999999999999",
        "9999999999999999999",
        &"9".repeat(38),
        &"9".repeat(39),
        &format!("1{}", "0".repeat(37)),
        "123456789012345678901234567890.123456789",
        &format!("0.{}1", "0".repeat(30)),
        &format!("{}.{}", "7".repeat(20), "3".repeat(20)),
        &"5".repeat(400),
    ] {
        let (v, decimals) = parse_decimal(digits).unwrap_or_else(|| panic!("{digits}"));
        assert_same(&v, &reference(digits));
        assert_eq!(decimals as usize, digits.split_once('.').map_or(0, |(_, f)| f.len()));
    }
    assert!(parse_decimal(&"5".repeat(401)).is_none());
    // What big integers accept beyond plain digits is still accepted (a sign, '_').
    assert_eq!(parse_decimal("-5").map(|(v, _)| v.to_big()), Some(big(-5, 1)));
    assert_eq!(parse_decimal("1_000").map(|(v, _)| v.to_big()), Some(big(1000, 1)));
    assert!(parse_decimal("1.2.3").is_none() && parse_decimal("x").is_none());
}

/// A value worth testing: near 0, near the 64-bit edges, fractions of any size, or big.
fn value() -> impl Strategy<Value = BigRational> {
    let small = (-1000i128..1000, 1i128..50).prop_map(|(n, d)| big(n, d));
    let wide = (any::<i64>(), any::<i64>().prop_filter("a denominator", |d| *d != 0))
        .prop_map(|(n, d)| big(i128::from(n), i128::from(d)));
    let edge =
        (prop::sample::select(vec![i64::MAX, i64::MIN, i64::MAX - 1, i64::MIN + 1, 1 << 62, 3_037_000_499]), -2i128..3)
            .prop_map(|(n, k)| big(i128::from(n) + k, 1));
    let huge = (any::<u64>(), 60u32..200).prop_map(|(n, k)| pow2(k) * big(i128::from(n | 1), 3));
    prop_oneof![3 => small, 3 => wide, 2 => edge, 1 => huge]
}

#[derive(Debug, Clone)]
enum Expr {
    Num(BigRational),
    Op(Box<Expr>, char, Box<Expr>),
}

fn expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        (0i128..200).prop_map(|n| big(n, 1)),
        (0i128..10_000, 0u32..4).prop_map(|(n, k)| big(n, 10i128.pow(k))),
        prop::sample::select(vec![i128::from(i64::MAX), 1i128 << 63, 99_999_999_999_999_999_999])
            .prop_map(|n| big(n, 1)),
    ]
    .prop_map(Expr::Num);
    leaf.prop_recursive(3, 12, 2, |inner| {
        (inner.clone(), prop::sample::select(vec!['+', '-', '*', '/']), inner)
            .prop_map(|(a, op, b)| Expr::Op(Box::new(a), op, Box::new(b)))
    })
}

/// The expression written out (parenthesized) and its value, `None` when it divides by zero.
fn written(e: &Expr) -> (String, Option<BigRational>) {
    match e {
        Expr::Num(r) => (reference_format(r), Some(r.clone())),
        Expr::Op(a, op, b) => {
            let ((ta, va), (tb, vb)) = (written(a), written(b));
            let value = match (va, vb, op) {
                (Some(x), Some(y), '+') => Some(x + y),
                (Some(x), Some(y), '-') => Some(x - y),
                (Some(x), Some(y), '*') => Some(x * y),
                (Some(x), Some(y), _) if !y.is_zero() => Some(x / y),
                _ => None,
            };
            (format!("({ta} {op} {tb})"), value)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn operations_equal_big_rationals(a in value(), b in value()) {
        assert_ops(&a, &b);
    }

    #[test]
    fn powers_equal_big_rationals(a in value(), k in 0u32..70) {
        let v = Value::from_big(a.clone());
        assert_same(&v.pow(k), &num_traits::pow(a, k as usize));
    }

    #[test]
    fn checked_expressions_show_the_big_rational_value(e in expr()) {
        let (text, value) = written(&e);
        let checks = check_step(&format!("{text} = 1"), 0);
        match value {
            Some(v) if matches!(e, Expr::Op(..)) => {
                prop_assert_eq!(checks.len(), 1, "{}", text);
                prop_assert_eq!(&checks[0].computed, &reference_format(&v), "{}", text);
            }
            _ => prop_assert!(checks.iter().all(|c| !c.computed.is_empty())),
        }
    }
}

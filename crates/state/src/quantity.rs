//! Typed entry of large numbers as people write them: `37e9`, `37B`, `14.8T`, `2,048`,
//! `1.5 M`, `$2.50`. Sliders cover ranges; typing gives exact values.

/// Why a typed number was not accepted. `position` is a character offset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    #[error("empty: type a number such as 37e9 or 14.8T")]
    Empty,
    #[error("{text:?} is not a number (at character {position})")]
    NotANumber { text: String, position: usize },
    #[error("{0:?} is not finite")]
    NotFinite(String),
}

/// Parses a number with optional thousands separators, a leading `$` and one SI-style
/// suffix: k/K (1e3), M (1e6), B/G (1e9), T (1e12), P (1e15), case-insensitive.
pub fn parse_quantity(text: &str) -> Result<f64, QuantityError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(QuantityError::Empty);
    }
    let offset = text.len() - text.trim_start().len();
    let body = trimmed.strip_prefix('$').unwrap_or(trimmed);
    let offset = offset + (trimmed.len() - body.len());
    let (number, multiplier) = match body.chars().last() {
        Some(c) if c.is_ascii_alphabetic() && !body.ends_with(['e', 'E']) || matches!(c, 'K' | 'k') => {
            let m = match c.to_ascii_lowercase() {
                'k' => 1e3,
                'm' => 1e6,
                'b' | 'g' => 1e9,
                't' => 1e12,
                'p' => 1e15,
                _ => {
                    return Err(QuantityError::NotANumber {
                        text: text.to_string(),
                        position: offset + body.len() - c.len_utf8(),
                    })
                }
            };
            (body[..body.len() - c.len_utf8()].trim_end(), m)
        }
        _ => (body, 1.0),
    };
    let cleaned: String = number.chars().filter(|&c| c != ',' && c != '_').collect();
    let value: f64 = cleaned.parse().map_err(|_| {
        let position = number
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_digit() || matches!(c, '.' | ',' | '_' | 'e' | 'E' | '-' | '+')))
            .map_or(offset, |(i, _)| offset + i);
        QuantityError::NotANumber { text: text.to_string(), position }
    })?;
    let value = value * multiplier;
    if value.is_finite() {
        Ok(value)
    } else {
        Err(QuantityError::NotFinite(text.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn forms_people_type() {
        assert_eq!(parse_quantity("37e9"), Ok(37e9));
        assert_eq!(parse_quantity("37B"), Ok(37e9));
        assert_eq!(parse_quantity(" 14.8T "), Ok(14.8e12));
        assert_eq!(parse_quantity("2,048"), Ok(2048.0));
        assert_eq!(parse_quantity("1.5 M"), Ok(1.5e6));
        assert_eq!(parse_quantity("$2.50"), Ok(2.5));
        assert_eq!(parse_quantity("16k"), Ok(16e3));
        assert_eq!(parse_quantity("-3"), Ok(-3.0));
    }

    #[test]
    fn errors_point_at_the_problem() {
        assert_eq!(parse_quantity("  "), Err(QuantityError::Empty));
        assert_eq!(parse_quantity("12x"), Err(QuantityError::NotANumber { text: "12x".into(), position: 2 }));
        assert_eq!(parse_quantity("1?2"), Err(QuantityError::NotANumber { text: "1?2".into(), position: 1 }));
        assert_eq!(parse_quantity("1e999"), Err(QuantityError::NotFinite("1e999".into())));
    }

    proptest! {
        #[test]
        fn plain_numbers_round_trip(v in -1e300..1e300f64) {
            prop_assert_eq!(parse_quantity(&v.to_string()), Ok(v));
        }

        #[test]
        fn never_panics(s in ".{0,30}") {
            let _ = parse_quantity(&s);
        }
    }
}

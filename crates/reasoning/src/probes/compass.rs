//! Turning in place ("If I face north and turn right, which way am I facing?"). Headings count
//! eighths of a turn clockwise from north. Two of three items use the four cardinal directions
//! and quarter or half turns; the rest use all eight directions and add 45° turns.

use super::answers::HEADINGS;
use super::rng::SplitMix64;

/// A turn and its size in eighths, clockwise positive.
const QUARTER_TURNS: [(&str, i64); 3] = [("turn right", 2), ("turn left", -2), ("turn around", 4)];
const EIGHTH_TURNS: [(&str, i64); 2] = [("turn 45 degrees to the right", 1), ("turn 45 degrees to the left", -1)];

/// The heading after turning `eighths` from `start` (both in eighths, any sign).
pub fn turn(start: usize, eighths: i64) -> usize {
    (start as i64 + eighths).rem_euclid(8) as usize
}

/// (prompt, answer) for one item.
pub(super) fn make(rng: &mut SplitMix64) -> (String, String) {
    let eight = rng.chance(1, 3);
    let start = if eight { rng.index(8) } else { 2 * rng.index(4) };
    let count = rng.between(1, 6);
    let mut heading = start;
    let mut steps = Vec::new();
    for _ in 0..count {
        let (text, eighths) = if eight && rng.chance(1, 2) {
            EIGHTH_TURNS[rng.index(EIGHTH_TURNS.len())]
        } else {
            QUARTER_TURNS[rng.index(QUARTER_TURNS.len())]
        };
        heading = turn(heading, eighths);
        steps.push(text);
    }
    let sequence = match steps.as_slice() {
        [one] => format!("You {one}."),
        [init @ .., last] => format!("You {}, then {last}.", init.join(", then ")),
        [] => String::new(),
    };
    let choices = if eight {
        "Answer with one of the eight compass directions (north, north-east, east, south-east, south, south-west, \
         west, north-west)."
    } else {
        "Answer with north, east, south or west."
    };
    let prompt = format!(
        "You are standing still, facing {}. {sequence} Which direction are you facing now? {choices}",
        HEADINGS[start]
    );
    (prompt, HEADINGS[heading].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_wrap_around() {
        assert_eq!(HEADINGS[turn(0, 2)], "east"); // north, turn right
        assert_eq!(HEADINGS[turn(0, -2)], "west");
        assert_eq!(HEADINGS[turn(2, 4)], "west");
        assert_eq!(HEADINGS[turn(7, 1)], "north");
        assert_eq!(HEADINGS[turn(1, -2 * 8 - 1)], "north");
    }
}

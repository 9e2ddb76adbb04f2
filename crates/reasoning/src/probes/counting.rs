//! Counting letters or short letter groups in words ("How many r's in strawberry?"). Counting is
//! over characters, ignoring case. For a letter group the prompt says whether overlapping
//! occurrences count: "ana" occurs twice in "banana" with overlaps, once without (scanning left
//! to right, a match consumes its letters).

use super::rng::SplitMix64;
use super::words::WORDS;

/// Occurrences of `needle` in `haystack`, ignoring case, with or without overlaps.
pub fn count_occurrences(haystack: &str, needle: &str, overlapping: bool) -> usize {
    let hay: Vec<char> = haystack.chars().flat_map(char::to_lowercase).collect();
    let pin: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
    if pin.is_empty() || pin.len() > hay.len() {
        return 0;
    }
    let mut count = 0;
    let mut i = 0;
    while i + pin.len() <= hay.len() {
        if hay[i..i + pin.len()] == pin[..] {
            count += 1;
            i += if overlapping { 1 } else { pin.len() };
        } else {
            i += 1;
        }
    }
    count
}

/// (prompt, answer) for one item.
pub(super) fn make(rng: &mut SplitMix64) -> (String, String) {
    let first = *rng.pick(&WORDS).unwrap_or(&"strawberry");
    let phrase =
        if rng.chance(1, 4) { format!("{first} {}", rng.pick(&WORDS).unwrap_or(&"banana")) } else { first.to_string() };
    let capitalised = rng.chance(1, 4);
    let shown = if capitalised { capitalise(&phrase) } else { phrase.clone() };
    let what = if phrase.contains(' ') { "phrase" } else { "word" };
    let case_note = if capitalised { " Ignore upper and lower case." } else { "" };
    let kind = rng.below(10);
    if kind >= 8 {
        let (group, overlapping) = letter_group(rng, first);
        let answer = count_occurrences(&phrase, &group, overlapping);
        let rule = if overlapping {
            "Count overlapping occurrences too."
        } else {
            "Do not count overlapping occurrences: scanning left to right, each letter belongs to at most one match."
        };
        let prompt = format!("How many times does \"{group}\" occur in the {what} \"{shown}\"? {rule}{case_note}");
        return (prompt, answer.to_string());
    }
    let letter = if kind == 7 { absent_letter(rng, &phrase) } else { present_letter(rng, &phrase) };
    let answer = count_occurrences(&phrase, &letter.to_string(), true);
    let prompt = match rng.below(3) {
        0 => format!("How many times does the letter \"{letter}\" appear in the {what} \"{shown}\"?{case_note}"),
        1 => format!("How many '{letter}'s are in \"{shown}\"?{case_note}"),
        _ => format!("Count the letter \"{letter}\" in the {what} \"{shown}\". How many are there?{case_note}"),
    };
    (prompt, answer.to_string())
}

fn capitalise(phrase: &str) -> String {
    phrase
        .split(' ')
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map_or_else(String::new, |c| c.to_ascii_uppercase().to_string() + chars.as_str())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A letter of the phrase, drawn by position so letters that repeat are drawn more often; two
/// times in three only among letters that occur more than once, when there are any, because a
/// repeated letter is where counting fails ("strawberry" has three r's, not two).
fn present_letter(rng: &mut SplitMix64, phrase: &str) -> char {
    let letters: Vec<char> = phrase.chars().filter(char::is_ascii_alphabetic).collect();
    let repeated: Vec<char> =
        letters.iter().copied().filter(|&c| letters.iter().filter(|&&d| d == c).count() > 1).collect();
    let pool = if !repeated.is_empty() && rng.chance(2, 3) { &repeated } else { &letters };
    rng.pick(pool).copied().unwrap_or('r')
}

fn absent_letter(rng: &mut SplitMix64, phrase: &str) -> char {
    let absent: Vec<char> = ('a'..='z').filter(|c| !phrase.contains(*c)).collect();
    rng.pick(&absent).copied().unwrap_or('q')
}

/// Two or three consecutive letters of `word`, and whether overlaps count.
fn letter_group(rng: &mut SplitMix64, word: &str) -> (String, bool) {
    let chars: Vec<char> = word.chars().collect();
    let len = if chars.len() >= 3 && rng.chance(1, 3) { 3 } else { 2 }.min(chars.len());
    let start = rng.index(chars.len() - len + 1);
    (chars[start..start + len].iter().collect(), rng.chance(1, 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_letters_and_groups() {
        assert_eq!(count_occurrences("strawberry", "r", true), 3);
        assert_eq!(count_occurrences("Mississippi", "S", true), 4);
        assert_eq!(count_occurrences("banana", "ana", true), 2);
        assert_eq!(count_occurrences("banana", "ana", false), 1);
        assert_eq!(count_occurrences("aaaa", "aa", false), 2);
        assert_eq!(count_occurrences("aaaa", "aa", true), 3);
        assert_eq!(count_occurrences("abc", "", true), 0);
    }
}

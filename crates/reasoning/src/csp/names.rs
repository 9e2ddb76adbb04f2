//! "Did you mean" suggestions for names typed slightly wrong, shared by the parsers here and in
//! the probes.

/// The candidate closest to `given`, if one is close enough to be a likely typo: the same apart
/// from case, or within an edit distance of a third of its length (at least 1, at most 3).
/// Ties go to the earlier candidate, so the suggestion does not depend on anything but the order.
pub(crate) fn suggest<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let given_lower: Vec<char> = given.chars().flat_map(char::to_lowercase).collect();
    if given_lower.is_empty() || given_lower.len() > 64 {
        return None;
    }
    let allowed = (given_lower.len() / 3).clamp(1, 3);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let lower: Vec<char> = candidate.chars().flat_map(char::to_lowercase).collect();
        if lower.len() > 64 || lower.len().abs_diff(given_lower.len()) > allowed {
            continue;
        }
        let distance = edit_distance(&given_lower, &lower);
        if distance <= allowed && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, name)| name)
}

/// `; did you mean “X”?` or nothing, for appending to an error message.
pub(crate) fn did_you_mean<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    suggest(given, candidates).map_or_else(String::new, |name| format!("; did you mean “{name}”?"))
}

/// Levenshtein distance over characters (insert, delete, substitute each cost 1).
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitute.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn edit_distance_matches_hand_counts() {
        assert_eq!(edit_distance(&chars("kitten"), &chars("sitting")), 3);
        assert_eq!(edit_distance(&chars(""), &chars("abc")), 3);
        assert_eq!(edit_distance(&chars("flaw"), &chars("lawn")), 2);
    }

    #[test]
    fn suggestions_prefer_case_and_small_typos() {
        let names = ["Ana", "Ben", "Cai"];
        assert_eq!(suggest("ana", names), Some("Ana"));
        assert_eq!(suggest("Bne", names), None); // a transposition costs 2 edits, over a third of 3
        assert_eq!(suggest("Benn", names), Some("Ben"));
        assert_eq!(suggest("Zed", names), None);
        assert_eq!(did_you_mean("Cia", ["Caia"]), "; did you mean “Caia”?");
    }
}

//! The lessons that ship with the site, one per open problem, as lesson files in
//! `crates/lessons/lessons/`. Their questions are graded by the labs like any teacher's. The
//! site serves the files beside the app (`./lessons/<id>.json`) and fetches one when it is
//! opened, so the app does not carry their text; the CLI and the tests read them from here.

/// The built-in lessons' ids, in the order the site lists the problems.
pub const IDS: [&str; 8] = [
    "reasoning-check-the-steps",
    "hallucination-calibration",
    "memory-recency-and-forgetting",
    "training-mfu-and-cost",
    "alignment-debate",
    "interpretability-sae",
    "edge-will-it-run",
    "grounding-vision-tokens",
];

/// Where the site serves built-in lesson `id`, relative to the page.
pub fn url(id: &str) -> String {
    format!("./lessons/{id}.json")
}

/// (id, file text), in the order of [`IDS`].
pub const BUILTIN: [(&str, &str); 8] = [
    ("reasoning-check-the-steps", include_str!("../lessons/reasoning-check-the-steps.json")),
    ("hallucination-calibration", include_str!("../lessons/hallucination-calibration.json")),
    ("memory-recency-and-forgetting", include_str!("../lessons/memory-recency-and-forgetting.json")),
    ("training-mfu-and-cost", include_str!("../lessons/training-mfu-and-cost.json")),
    ("alignment-debate", include_str!("../lessons/alignment-debate.json")),
    ("interpretability-sae", include_str!("../lessons/interpretability-sae.json")),
    ("edge-will-it-run", include_str!("../lessons/edge-will-it-run.json")),
    ("grounding-vision-tokens", include_str!("../lessons/grounding-vision-tokens.json")),
];

/// The built-in lesson `id`'s file.
pub fn text(id: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(i, _)| *i == id).map(|(_, t)| *t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::parse_and_check;

    #[test]
    fn every_builtin_lesson_is_valid_with_four_questions_of_two_kinds() {
        let mut labs = Vec::new();
        for (id, text) in BUILTIN {
            let checked = parse_and_check(text).unwrap_or_else(|e| {
                panic!("{id}: {}", e.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
            });
            assert_eq!(checked.id, id, "the file's id is its name");
            assert!(IDS.contains(&id));
            assert!(checked.questions.len() >= 4, "{id}: {} questions", checked.questions.len());
            let mut kinds: Vec<&str> = checked.questions.iter().map(|q| q.kind).collect();
            kinds.sort_unstable();
            kinds.dedup();
            assert!(kinds.len() >= 2, "{id}: only {kinds:?}");
            labs.extend(checked.lesson.steps.iter().map(|s| s.lab.widget.clone()));
        }
        labs.sort();
        labs.dedup();
        assert_eq!(labs.len(), 8, "the eight lessons use the eight measured labs: {labs:?}");
    }
}

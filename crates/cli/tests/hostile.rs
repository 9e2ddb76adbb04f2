//! The command line on the hostile corpus's files (`tests/hostile/files`): every one ends in a
//! result or a located error with exit status 2, never a panic or a hang.

mod common;

use common::frontier;

fn file(name: &str) -> String {
    format!("{}/../../tests/hostile/files/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn memory_scenarios_with_deep_or_mistyped_lines_are_refused_at_their_line() {
    let (code, _, err) = frontier(&["memory", "run", &file("memory-deep.jsonl")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("memory-deep.jsonl:2:"), "{err}");
    let (code, _, err) = frontier(&["memory", "run", &file("memory-bad-fields.jsonl")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("memory-bad-fields.jsonl:1:") && err.contains("\"soon\""), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_probe_file_with_an_unknown_task_names_the_known_ones() {
    let (code, _, err) = frontier(&["probe", "grade", &file("probes-unknown-task.json")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("“telepathy”") && err.contains("counting, compass"), "{err}");
}

/// One line of 700,001 nines multiplied together: read and checked in time linear in the line
/// (the product is too large to evaluate, so it is skipped, not flagged).
#[test]
fn a_trace_of_one_enormous_line_is_checked_without_a_finding_or_a_hang() {
    let (code, json, err) = frontier(&["cot", &file("cot-one-long-line.txt")]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(0), "{json}");
}

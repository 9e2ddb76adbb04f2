//! `frontier cot`, `frontier csp` and `frontier probe` end to end: JSON keys, values checked by
//! hand, and exit status 2 on bad input.

mod common;

use common::frontier;

fn write(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("frontier-cli-reasoning-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    path.to_string_lossy().into_owned()
}

#[test]
fn cot_reports_each_finding_with_its_place() {
    let trace =
        "Each crate holds 12 bottles, so 4 crates hold 4 × 12 = 46 bottles.\nShe has $11 left because 10 - 6 = 4.";
    let file = write("trace.txt", trace);
    let (code, json, stderr) = frontier(&["cot", &file]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["steps"], 2);
    let findings = json["findings"].as_array().unwrap_or_else(|| panic!("{json}"));
    let arithmetic = &findings[0];
    assert_eq!(arithmetic["type"], "arithmetic_error");
    assert_eq!(arithmetic["step"], 0);
    assert_eq!(arithmetic["expected"], "48");
    let (start, end) =
        (arithmetic["start"].as_u64().unwrap_or(0) as usize, arithmetic["end"].as_u64().unwrap_or(0) as usize);
    assert_eq!(&trace[start..end], "4 × 12 = 46");
    let types: Vec<&str> = findings.iter().filter_map(|f| f["type"].as_str()).collect();
    assert!(types.contains(&"self_contradiction") && types.contains(&"unsupported_number"), "{types:?}");
}

#[test]
fn cot_baseline_runs_the_articles_rules() {
    let file = write("baseline.txt", "Therefore we start.\n1.5*30 = 45\n3 × 7 = 22");
    let (code, json, _) = frontier(&["cot", "--baseline", &file]);
    assert_eq!(code, 0);
    let found: Vec<(String, u64)> = json["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("{json}"))
        .iter()
        .map(|f| (f["type"].as_str().unwrap_or("").to_owned(), f["step"].as_u64().unwrap_or(99)))
        .collect();
    // Its phantom rule fires on line 0; its regex reads "1.5*30 = 45" as 5*30 and never sees ×.
    assert_eq!(found, [("phantom_step".to_owned(), 0), ("arithmetic_error".to_owned(), 1)]);
}

#[test]
fn cot_jsonl_prints_one_line_per_trace() {
    let file =
        write("many.jsonl", "{\"id\": \"a\", \"trace\": \"2 + 2 = 5\"}\n{\"id\": \"b\", \"trace\": \"2 + 2 = 4\"}\n");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_frontier"))
        .args(["cot", "--jsonl", &file])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!((lines[0]["id"].as_str(), lines[0]["findings"].as_array().map(Vec::len)), (Some("a"), Some(1)));
    assert_eq!(lines[1]["findings"].as_array().map(Vec::len), Some(0));
}

#[test]
fn csp_counts_by_hand() {
    // Ana and Ben share Red or Blue (2 ways), filling it; Cai, Dee and Eli fill the other
    // two-bed room and Green: 3 ways to pick who sleeps in Green. 2 × 3 = 6 of 3^5 = 243.
    let file = write(
        "rooms.txt",
        "people: Ana, Ben, Cai, Dee, Eli\nrooms: Red (2), Blue (2), Green (1)\ntogether: Ana, Ben\napart: Ana, Cai\n",
    );
    let proposal = write("proposal.txt", "Ana: Red\nBen: Red\nCai: Red\nDee: Blue\nEli: Green\n");
    let (code, json, stderr) = frontier(&["csp", &file, "--check", &proposal]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["count"], 6);
    assert_eq!(json["complete"], true);
    assert_eq!(json["search_space"], "243");
    assert_eq!(json["check"]["valid"], false);
    let violations = json["check"]["violations"].as_array().map(Vec::len).unwrap_or(0);
    assert!(violations >= 2, "apart and the capacity of Red are both broken: {}", json["check"]);
}

#[test]
fn csp_proves_impossible() {
    let file = write("impossible.txt", "people: A, B, C\nrooms: X (1), Y (1)\n");
    let (code, json, _) = frontier(&["csp", &file]);
    assert_eq!(code, 0);
    assert_eq!(json["count"], 0);
    assert_eq!(json["complete"], true);
}

#[test]
fn probes_round_trip_through_grading() {
    let (code, generated, _) = frontier(&["probe", "generate", "--task", "weekday", "--n", "5", "--seed", "7"]);
    assert_eq!(code, 0);
    let mut set = generated.clone();
    let items = set["items"].as_array_mut().unwrap_or_else(|| panic!("{generated}"));
    assert_eq!(items.len(), 5);
    for (i, item) in items.iter_mut().enumerate() {
        // The first three answered with the expected answer, the fourth wrongly, the last not at all.
        let answer = item["answer"].clone();
        match i {
            0..=2 => item["response"] = answer,
            3 => item["response"] = serde_json::json!("I am not sure"),
            _ => {}
        }
    }
    let file = write("graded.json", &set.to_string());
    let (code, report, stderr) = frontier(&["probe", "grade", &file]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["count"], 5);
    assert_eq!(report["correct"], 3);
}

#[test]
fn bad_input_exits_with_status_2() {
    let bad_csp = write("bad.txt", "people: Ana, Ben\nrooms: Red (2)\ntogether: Ana, Zed\n");
    let (code, _, stderr) = frontier(&["csp", &bad_csp]);
    assert_eq!(code, 2);
    assert!(stderr.contains("line 3"), "{stderr}");
    assert_eq!(frontier(&["probe", "generate", "--task", "chess"]).0, 2);
    assert_eq!(frontier(&["cot", "/no/such/file"]).0, 2);
    let bad_jsonl = write("bad.jsonl", "{\"trace\": 5}\n");
    let (code, _, stderr) = frontier(&["cot", "--jsonl", &bad_jsonl]);
    assert_eq!(code, 2);
    assert!(stderr.contains("line 1"), "{stderr}");
}

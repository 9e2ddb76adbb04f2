//! `frontier memory run`: a scenario replayed with hand-computed scores, and located errors.

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

static NEXT_FILE: AtomicUsize = AtomicUsize::new(0);

fn run(scenario: &str, extra: &[&str]) -> (i32, Vec<serde_json::Value>, String) {
    let n = NEXT_FILE.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("frontier-memory-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let file = dir.join("scenario.jsonl");
    std::fs::write(&file, scenario).unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new(env!("CARGO_BIN_EXE_frontier"))
        .args(["memory", "run"])
        .arg(&file)
        .args(extra)
        .output()
        .unwrap_or_else(|e| panic!("cannot run frontier: {e}"));
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (out.status.code().unwrap_or(-1), lines, String::from_utf8_lossy(&out.stderr).into_owned())
}

const SCENARIO: &str = r#"{"op":"store","id":"a","content":"a","importance":0.5,"time":0,"embedding":[1,0]}
{"op":"store","id":"b","content":"b","importance":0.9,"time":0,"embedding":[0,1]}
{"op":"store","id":"c","content":"c","importance":0.1,"time":720,"embedding":[0.6,0.8]}
{"op":"retrieve","query":"q","k":2,"time":720,"embedding":[1,0]}
{"op":"store","id":"d","content":"d","importance":0.2,"time":1440,"embedding":[0,1]}
{"op":"forget","query":"q","threshold":0.85,"time":1440,"embedding":[0,1]}
{"op":"forget_id","id":"a"}
"#;

#[test]
fn the_articles_policy_replayed_with_given_vectors() {
    let (code, lines, err) = run(SCENARIO, &["--capacity", "3"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(lines.len(), 7);
    // a = 0.5/(1 + 1e-8) + 0.2·e⁻¹ + 0.2·0.5 = 0.673575883; c = 0.5·0.6 + 0.2 + 0.02 (0.6 in f32).
    assert_eq!(lines[3]["ids"], serde_json::json!(["a", "c"]));
    let score = lines[3]["results"][0]["score"].as_f64().unwrap_or(0.0);
    assert!((score - 0.673_575_883).abs() < 1e-8, "{score}");
    assert!((lines[3]["results"][1]["recency"].as_f64().unwrap_or(0.0) - 1.0).abs() < 1e-15);
    for part in ["relevance", "recency", "importance", "access"] {
        assert!(lines[3]["results"][0][part].is_number(), "{part} missing");
    }
    // Over capacity at 1440 h: c has the lowest 0.3·imp + 0.3·recency + 0.4·access (0.1804).
    assert_eq!(lines[4]["evicted"], serde_json::json!(["c"]));
    assert_eq!(lines[5]["removed"], serde_json::json!(["b", "d"]));
    assert_eq!(lines[6]["removed"], serde_json::json!(["a"]));
}

#[test]
fn text_is_embedded_and_a_move_supersedes() {
    let scenario = r#"{"op":"store","content":"I live in Bern","time":0}
{"op":"store","content":"I moved to Zurich","time":10}
{"op":"retrieve","query":"where do I live","k":3,"time":20}
"#;
    let (code, lines, err) = run(scenario, &["--policy", "generative-agents"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(lines[1]["operation"], "SUPERSEDE");
    assert_eq!(lines[1]["superseded"], serde_json::json!(["m1"]));
    assert_eq!(lines[2]["ids"], serde_json::json!(["m2"]));
    // The article's policy stores both, as the article does.
    let (_, lines, _) = run(scenario, &[]);
    assert_eq!(lines[1]["operation"], "ADD");
    assert_eq!(lines[2]["ids"].as_array().map(Vec::len), Some(2));
}

#[test]
fn bad_lines_are_named_and_exit_2() {
    let (code, lines, err) = run("{\"op\":\"store\",\"content\":\"x\",\"time\":0}\n{\"op\":\"fly\"}\n", &[]);
    assert_eq!((code, lines.len()), (2, 0));
    assert!(err.contains("scenario.jsonl:2:"), "{err}");
    let (code, _, err) =
        run("{\"op\":\"store\",\"content\":\"x\",\"time\":0,\"embedding\":[1,0]}\n{\"op\":\"retrieve\",\"query\":\"q\",\"time\":1,\"embedding\":[1,0,0]}\n", &[]);
    assert_eq!(code, 2);
    assert!(err.contains(":2:") && err.contains("3 numbers"), "{err}");
    let (code, _, err) = run("{\"op\":\"store\",\"content\":\"x\",\"time\":0,\"importance\":2}\n", &[]);
    assert!(code == 2 && err.contains(":1:") && err.contains("importance"), "{err}");
    let (code, _, err) = run(SCENARIO, &["--policy", "nope"]);
    assert!(code == 2 && err.contains("generative-agents"), "{err}");
}

#[test]
fn the_static_embedder_relates_words_that_hashing_cannot() {
    // "live" and "home" share no character n-grams: hashing ranks the job first (it shares
    // "I"), the table distilled from MiniLM ranks the home first.
    let scenario = r#"{"op":"store","id":"pets","content":"My cat sleeps all day","time":0}
{"op":"store","id":"home","content":"My home is in Geneva now","time":0}
{"op":"store","id":"work","content":"I work at Google","time":0}
{"op":"retrieve","query":"where do I live","k":1,"time":1}
"#;
    let (code, lines, err) = run(scenario, &["--embedder", "static"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(lines[3]["ids"], serde_json::json!(["home"]));
    let (_, lines, _) = run(scenario, &["--embedder", "hash"]);
    assert_eq!(lines[3]["ids"], serde_json::json!(["work"]));
}

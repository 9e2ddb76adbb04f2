//! `frontier lesson check`: a lesson's questions with the answers the labs compute, and every
//! problem of a broken file located.

mod common;

use common::frontier;

#[test]
fn a_builtin_lesson_prints_its_questions_with_the_labs_answers() {
    let (code, out, err) = frontier(&["lesson", "check", "training-mfu-and-cost"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out["id"], "training-mfu-and-cost");
    let questions = out["questions"].as_array().cloned().unwrap_or_default();
    assert!(questions.len() >= 4);
    // 6 · 37e9 · 14.8e12 / (2048 · 989e12 · 1320 · 3600 s) = 0.3414, by hand.
    let mfu = questions.iter().find(|q| q["id"] == "mfu").cloned().unwrap_or_default();
    assert!((mfu["value"].as_f64().unwrap_or(0.0) - 0.34136).abs() < 1e-4, "{mfu}");
    assert_eq!(mfu["kind"], "number");
    assert_eq!(mfu["step"], 1);
    let reach = questions.iter().find(|q| q["kind"] == "reach").cloned().unwrap_or_default();
    assert!(reach["answer"].as_str().unwrap_or("").contains("at least 0.52"), "{reach}");
}

#[test]
fn a_broken_lesson_file_exits_2_with_every_problem_located() {
    let dir = std::env::temp_dir().join(format!("frontier-lesson-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let text = frontier_lessons::builtin::text("edge-will-it-run").unwrap_or_default();
    let mut lesson: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
    lesson["steps"][0]["questions"][0]["answer"]["measure"] = "weight_gb".into();
    lesson["steps"][1]["lab"]["widget"] = "edge".into();
    let path = dir.join("broken.json");
    std::fs::write(&path, lesson.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let (code, _, err) = frontier(&["lesson", "check", path.to_str().unwrap_or_default()]);
    assert_eq!(code, 2);
    assert!(err.contains("(2 problems)"), "{err}");
    assert!(err.contains("steps[0].questions[0].answer.measure: \"weight_gb\" is not measured by this lab"), "{err}");
    assert!(err.contains("steps[1].lab.widget: no lab called \"edge\""), "{err}");

    std::fs::write(&path, "{\"format\": \"frontier-lab-lesson\",\n \"version\": 1,,}")
        .unwrap_or_else(|e| panic!("{e}"));
    let (code, _, err) = frontier(&["lesson", "check", path.to_str().unwrap_or_default()]);
    assert_eq!(code, 2);
    // The second comma of ` "version": 1,,` is the 15th character of line 2.
    assert!(err.contains("line 2, column 15"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

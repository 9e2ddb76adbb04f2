//! Lessons graded by what the labs compute. Expected values are worked by hand from the
//! published DeepSeek-V3 figures: MFU = 6 · 37e9 · 14.8e12 / (2048 · 989e12 · 1320 · 3600)
//! = 3.2856e24 / 9.6250e24 = 0.3414.

use frontier_lessons::format::{Lesson, Question};
use frontier_lessons::grade::Response;
use frontier_lessons::progress::Progress;
use frontier_lessons::{check, grade, parse_and_check};
use serde_json::json;

fn train_cost_state(hours: f64) -> serde_json::Value {
    json!({"preset": null, "hardware": "h800", "precision": "bf16", "inputs": {"active_params": 37e9, "tokens": 14.8e12,
        "gpus": 2048.0, "hours": hours, "peak_tflops": 989.0, "usd_per_gpu_hour": 2.0, "attention": "off",
        "shape": {"layers": 61.0, "heads": 128.0, "head_dim": 192.0, "v_head_dim": 128.0, "seq_len": 4096.0}}, "chart_axis": "hours"})
}

fn lesson() -> serde_json::Value {
    json!({
        "format": "frontier-lab-lesson", "version": 1, "id": "mfu-test", "title": "MFU",
        "steps": [{
            "title": "DeepSeek-V3",
            "prose": "Compute **MFU**.",
            "lab": {"widget": "train-cost", "version": 1, "state": train_cost_state(1320.0), "hide": ["explain"]},
            "questions": [
                {"id": "mfu", "prompt": "What MFU?", "answer": {"kind": "number", "measure": "mfu", "tolerance": 0.005},
                 "hints": ["Divide 6ND by the peak.", "About a third."]},
                {"id": "claim", "prompt": "Does 0.52 hold?", "answer": {"kind": "choice", "options": ["yes", "no"], "correct": 1}},
                {"id": "reach", "prompt": "Make MFU reach 0.52.", "answer": {"kind": "reach", "measure": "mfu", "at_least": 0.52}}
            ]
        }]
    })
}

fn parsed() -> Lesson {
    parse_and_check(&lesson().to_string()).unwrap_or_else(|e| panic!("{e:?}")).lesson
}

fn q(l: &Lesson, i: usize) -> (&frontier_lessons::Step, &Question) {
    (&l.steps[0], &l.steps[0].questions[i])
}

#[test]
fn number_questions_are_graded_against_the_labs_value() {
    let l = parsed();
    let (step, question) = q(&l, 0);
    for right in ["0.341", "0.3414", "34.1%", " 0.338 "] {
        assert!(grade(step, question, Response::Number(right), 0).correct, "{right}");
    }
    for wrong in ["0.52", "0.35", "34"] {
        let v = grade(step, question, Response::Number(wrong), 0);
        assert!(!v.correct, "{wrong}");
        assert_eq!(v.hint.as_deref(), Some("Divide 6ND by the peak."));
    }
    assert_eq!(grade(step, question, Response::Number("0.5"), 5).hint.as_deref(), Some("About a third."));
    let not_a_number = grade(step, question, Response::Number("a third"), 0);
    assert!(!not_a_number.correct && not_a_number.message.contains("not a number"));
}

#[test]
fn choice_questions_take_the_authors_option() {
    let l = parsed();
    let (step, question) = q(&l, 1);
    assert!(grade(step, question, Response::Choice(1), 0).correct);
    assert!(!grade(step, question, Response::Choice(0), 0).correct);
    assert!(!grade(step, question, Response::Choice(7), 0).correct);
}

#[test]
fn a_reach_question_passes_only_when_the_condition_holds() {
    let l = parsed();
    let (step, question) = q(&l, 2);
    // 1320 h gives 0.3414; MFU scales as 1/hours, so 0.52 needs at most 1320 · 0.3414 / 0.52 = 866.5 h.
    assert!(!grade(step, question, Response::State(1, &train_cost_state(1320.0)), 0).correct);
    assert!(!grade(step, question, Response::State(1, &train_cost_state(900.0)), 0).correct);
    let v = grade(step, question, Response::State(1, &train_cost_state(860.0)), 0);
    assert!(v.correct, "{}", v.message);
    // A state the lab would refuse is never a pass.
    assert!(!grade(step, question, Response::State(1, &json!({"hours": 1})), 0).correct);
    assert!(!grade(step, question, Response::State(9, &train_cost_state(860.0)), 0).correct);
}

#[test]
fn the_check_works_out_each_answer() {
    let checked = parse_and_check(&lesson().to_string()).unwrap_or_else(|e| panic!("{e:?}"));
    let mfu = &checked.questions[0];
    assert!((mfu.value.unwrap_or(0.0) - 0.34136).abs() < 1e-4, "{mfu:?}");
    assert_eq!(mfu.answer, "0.3414 fraction ± 0.005");
    assert_eq!(checked.questions[1].answer, "option 2: no");
    assert!(
        checked.questions[2].answer.starts_with("Model FLOPs utilization at least 0.52"),
        "{}",
        checked.questions[2].answer
    );
}

fn errors_of(v: serde_json::Value) -> Vec<String> {
    match parse_and_check(&v.to_string()) {
        Ok(_) => Vec::new(),
        Err(e) => e.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn every_mistake_is_located() {
    let mut v = lesson();
    v["steps"][0]["questions"][0]["answer"]["measure"] = json!("mfuu");
    v["steps"][0]["questions"][2]["answer"]["at_least"] = json!(0.3);
    v["steps"][0]["questions"][1]["answer"]["correct"] = json!(2);
    v["steps"][0]["lab"]["hide"] = json!(["Bad Id"]);
    let errors = errors_of(v);
    assert_eq!(errors.len(), 4, "{errors:#?}");
    assert!(errors[0].starts_with("steps[0].lab.hide[0]:"));
    assert!(errors[1]
        .starts_with("steps[0].questions[0].answer.measure: \"mfuu\" is not measured by this lab (measures: mfu,"));
    assert!(errors[2].starts_with("steps[0].questions[1].answer.correct:"));
    assert!(errors[3].contains("already 0.3414 at the step's state"), "{}", errors[3]);

    let mut v = lesson();
    v["steps"][0]["lab"]["state"]["inputs"]["gpus"] = json!(0.0);
    assert!(errors_of(v)[0].starts_with("steps[0].lab.state: gpus"), "state errors name the field");
    let mut v = lesson();
    v["steps"][0]["lab"]["widget"] = json!("train-costs");
    assert!(errors_of(v)[0].starts_with("steps[0].lab.widget: no lab called \"train-costs\""));
    let mut v = lesson();
    v["steps"][0]["questions"][0]["answer"]["tolerence"] = json!(0.1);
    assert!(errors_of(v)[0].contains("unknown field `tolerence`"), "a misspelt field is an error");
    let mut v = lesson();
    v["version"] = json!(2);
    assert!(errors_of(v)[0].starts_with("version: written by a newer release"));
}

#[test]
fn json_errors_give_line_and_column() {
    let text = "{\n  \"format\": \"frontier-lab-lesson\",\n  \"version\": 1,\n  \"id\": \"x\" \"title\": \"y\"\n}";
    let errors = parse_and_check(text).err().unwrap_or_default();
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].line, errors[0].column), (Some(4), Some(13)));
}

#[test]
fn links_round_trip_and_refuse_damage() {
    let l = parsed();
    let link = frontier_lessons::link::encode(&l).unwrap_or_default();
    assert_eq!(frontier_lessons::link::decode(&link).map(|d| check(d).is_ok()), Ok(true));
    assert!(frontier_lessons::link::decode("1.@@@").is_err());
    assert!(frontier_lessons::link::decode("7.e30").is_err());
    assert!(frontier_lessons::link::decode(&"1.".repeat(9000)).is_err());
}

#[test]
fn the_report_has_one_row_per_question_with_attempts_and_time() {
    let l = parsed();
    let mut p = Progress::new(&l.id);
    p.shown(0, "mfu", 1_000.0);
    p.attempt(0, "mfu", "0.52", false, 5_000.0);
    p.attempt(0, "mfu", "0.341", true, 12_500.0);
    p.attempt(0, "mfu", "0.9", false, 20_000.0); // after a right answer, nothing changes
    p.attempt(0, "claim", "no", true, 30_000.0);
    let report = p.report(&l);
    assert_eq!((report.questions, report.correct), (3, 2));
    assert_eq!(report.rows[0].attempts, 2);
    assert_eq!(report.rows[0].answer, "0.341");
    assert_eq!(report.rows[0].time_s, Some(11.5));
    assert_eq!(report.rows[2].attempts, 0);
    let csv = report.to_csv();
    assert_eq!(csv.lines().next(), Some("step,question,prompt,kind,answer,correct,attempts,time_s"));
    assert_eq!(csv.lines().nth(1), Some("1,mfu,What MFU?,number,0.341,true,2,11.5"));
    assert_eq!(csv.lines().count(), 4);
}

#[test]
fn the_limits_hold() {
    let mut v = lesson();
    let step = v["steps"][0].clone();
    v["steps"] = json!(vec![step; 41]);
    assert!(errors_of(v).iter().any(|e| e.starts_with("steps: has 41 steps")));
    let big = format!("{{\"format\":\"frontier-lab-lesson\",\"pad\":\"{}\"}}", "x".repeat(2 << 20));
    assert!(parse_and_check(&big).is_err_and(|e| e[0].message.contains("at most 1048576")));
}

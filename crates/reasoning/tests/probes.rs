//! The probe generators and graders: determinism, answers re-derived here by other means (string
//! matching, Sakamoto's weekday formula, day-by-day stepping, a joint world enumeration, the
//! constraint solver), lenient reading, files and pasted answers, and fuzzing of every reader.

use std::sync::OnceLock;

use frontier_reasoning::csp;
use frontier_reasoning::probes::calendar::{days_from_civil, is_leap_year, Date};
use frontier_reasoning::probes::{self, answers, Probe, ProbeError, ProbeSet, Task, ARTICLE_FIGURES};
use proptest::prelude::*;
use serde_json::Value;

fn generate(task: Task, n: usize, seed: u64) -> Vec<Probe> {
    probes::generate(task, n, seed).unwrap_or_else(|e| panic!("{e}"))
}

// ---------------------------------------------------------------- generation

#[test]
fn generation_is_deterministic_and_regenerates_item_by_item() {
    for task in Task::ALL {
        let first = generate(task, 30, 42);
        assert_eq!(first, generate(task, 30, 42), "{task}");
        for (i, item) in first.iter().enumerate() {
            assert_eq!(item.index, i as u64);
            assert_eq!(item.id, format!("{task}-42-{i}"));
            assert_eq!(probes::probe(task, 42, i as u64).as_ref(), Ok(item));
        }
        let other = generate(task, 30, 43);
        let same = first.iter().zip(&other).filter(|(a, b)| a.prompt == b.prompt).count();
        assert!(same < 10, "{task}: seeds 42 and 43 share {same} of 30 prompts");
    }
}

#[test]
fn items_do_not_change_between_versions() {
    // Recorded once; a change here means old files no longer grade, so it must be deliberate.
    let expected = [
        (Task::Counting, "1", "How many times does the letter \"r\" appear in the word \"umbre"),
        (Task::Compass, "east", "You are standing still, facing south-west. You turn 45 degre"),
        (Task::Weekday, "Friday", "What day of the week is it 211 days after a Thursday?"),
        (Task::Negation, "A", "A box, a cup and a vase stand in a row; all three have diffe"),
        (
            Task::Constraints,
            "Val: Orange, Cai: Blue, Pat: Blue, Ana: White, Sam: Blue",
            "Assign 5 people (Val, Cai, Pat, Ana, Sam) to 3 rooms (Orange",
        ),
    ];
    for (task, answer, prompt_start) in expected {
        let item = probes::probe(task, 2024, 7).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(item.answer, answer, "{task}: {}", item.prompt);
        assert!(item.prompt.starts_with(prompt_start), "{task}: {}", item.prompt);
    }
}

#[test]
fn counts_outside_the_limits_are_refused() {
    assert_eq!(probes::generate(Task::Counting, 0, 1), Err(ProbeError::Count(0)));
    assert_eq!(probes::generate(Task::Counting, probes::MAX_PROBES + 1, 1), Err(ProbeError::Count(10_001)));
    assert_eq!(Task::from_id(" Compass "), Ok(Task::Compass));
    let e = Task::from_id("weekdays").err().unwrap_or_else(|| panic!("accepted"));
    assert!(e.to_string().contains("did you mean “weekday”?"), "{e}");
}

// ---------------------------------------------------------------- answers re-derived

fn quoted(prompt: &str, quote: char) -> Vec<&str> {
    prompt.split(quote).skip(1).step_by(2).collect()
}

#[test]
fn counting_answers_match_plain_string_matching() {
    assert_eq!(probes::count_occurrences("strawberry", "r", true), 3);
    assert_eq!(probes::count_occurrences("Mississippi", "s", false), 4);
    assert_eq!(probes::count_occurrences("bookkeeper", "e", true), 3);
    assert_eq!(probes::count_occurrences("banana", "ana", true), 2);
    for item in generate(Task::Counting, 400, 5) {
        let double = quoted(&item.prompt, '"');
        let (needle, phrase) = match double.as_slice() {
            [needle, phrase] => (needle.to_string(), phrase.to_lowercase()),
            [phrase] => (quoted(&item.prompt, '\'')[0].to_string(), phrase.to_lowercase()),
            _ => panic!("unexpected prompt: {}", item.prompt),
        };
        let count = if item.prompt.contains("Count overlapping") {
            (0..phrase.len()).filter(|&i| phrase[i..].starts_with(&needle)).count()
        } else {
            phrase.matches(needle.as_str()).count()
        };
        assert_eq!(item.answer, count.to_string(), "{}", item.prompt);
    }
}

#[test]
fn compass_answers_match_degree_arithmetic() {
    let names = ["north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west"];
    for item in generate(Task::Compass, 400, 6) {
        let start = item.prompt.split("facing ").nth(1).and_then(|s| s.split('.').next()).unwrap_or("");
        let mut degrees =
            45 * names.iter().position(|n| *n == start).unwrap_or_else(|| panic!("{}", item.prompt)) as i64;
        let turns = item.prompt.split(". You ").nth(1).and_then(|s| s.split('.').next()).unwrap_or("");
        for turn in turns.split(", then ") {
            degrees += match turn {
                "turn right" => 90,
                "turn left" => -90,
                "turn around" => 180,
                "turn 45 degrees to the right" => 45,
                "turn 45 degrees to the left" => -45,
                other => panic!("unknown turn {other:?} in {}", item.prompt),
            };
        }
        assert_eq!(item.answer, names[(degrees.rem_euclid(360) / 45) as usize], "{}", item.prompt);
    }
}

/// Sakamoto's method, 0 = Sunday.
fn sakamoto(mut year: i64, month: usize, day: i64) -> usize {
    let t = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    if month < 3 {
        year -= 1;
    }
    ((year + year / 4 - year / 100 + year / 400 + t[month - 1] + day).rem_euclid(7)) as usize
}

fn month_length(year: i64, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month as usize - 1]
}

/// Steps one day at a time: slow and obviously right.
fn step_days(mut y: i64, mut m: u32, mut d: u32, n: i64) -> (i64, u32, u32) {
    for _ in 0..n.abs() {
        if n > 0 {
            d += 1;
            if d > month_length(y, m) {
                (d, m) = (1, m + 1);
                if m > 12 {
                    (m, y) = (1, y + 1);
                }
            }
        } else if d > 1 {
            d -= 1;
        } else {
            if m == 1 {
                (m, y) = (12, y - 1);
            } else {
                m -= 1;
            }
            d = month_length(y, m);
        }
    }
    (y, m, d)
}

const DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn parse_iso(s: &str) -> (i64, u32, u32) {
    let parts: Vec<&str> = s.split('-').collect();
    let number = |i: usize| parts.get(i).and_then(|p| p.parse::<i64>().ok()).unwrap_or_else(|| panic!("{s}"));
    (number(0), number(1) as u32, number(2) as u32)
}

fn number_before(text: &str, marker: &str) -> i64 {
    let before = text.split(marker).next().unwrap_or("");
    before.split_whitespace().last().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{text}"))
}

#[test]
fn weekday_answers_match_sakamoto_and_day_stepping() {
    let day_index = |name: &str| DAYS.iter().position(|d| *d == name).unwrap_or_else(|| panic!("{name}")) as i64;
    let mut kinds = [0; 4];
    for item in generate(Task::Weekday, 600, 7) {
        let p = item.prompt.as_str();
        let expected = if let Some(rest) = p.strip_prefix("What day of the week was ").filter(|r| !r.starts_with("it"))
        {
            kinds[0] += 1;
            let shown = rest.trim_end_matches('?');
            let (y, m, d) = if shown.contains('-') {
                parse_iso(shown)
            } else {
                let words: Vec<&str> = shown.split([' ', ',']).filter(|w| !w.is_empty()).collect();
                let month = MONTHS.iter().position(|m| *m == words[0]).unwrap_or_else(|| panic!("{p}")) + 1;
                (words[2].parse().unwrap_or(0), month as u32, words[1].parse().unwrap_or(0))
            };
            DAYS[sakamoto(y, m as usize, i64::from(d))].to_string()
        } else if let Some(rest) = p.strip_prefix("What date is ") {
            kinds[1] += 1;
            let n = number_before(rest, " day");
            let iso = rest.split(' ').find(|w| w.len() >= 10 && w.contains('-')).unwrap_or("").trim_end_matches('?');
            let (y, m, d) = parse_iso(iso);
            let signed = if rest.contains(" after ") { n } else { -n };
            let (y, m, d) = step_days(y, m, d, signed);
            format!("{y:04}-{m:02}-{d:02}")
        } else if let Some(rest) = p.strip_prefix("If ") {
            kinds[2] += 1;
            let day = day_index(rest.split(' ').next().unwrap_or(""));
            let n = number_before(rest, " day");
            let signed = if rest.contains(" after event") { -n } else { n };
            DAYS[(day + signed).rem_euclid(7) as usize].to_string()
        } else {
            kinds[3] += 1;
            let n = number_before(p.split(" it ").nth(1).unwrap_or(""), " day");
            let day = day_index(p.trim_end_matches('?').split(' ').next_back().unwrap_or(""));
            let signed = if p.contains(" after a ") { n } else { -n };
            DAYS[(day + signed).rem_euclid(7) as usize].to_string()
        };
        assert_eq!(item.answer, expected, "{p}");
    }
    assert!(kinds.iter().all(|&k| k > 50), "{kinds:?}");
}

#[test]
fn calendar_facts() {
    let date = |y, m, d| Date::new(y, m, d).unwrap_or_else(|| panic!("{y}-{m}-{d}"));
    let minus_one = |y, m, d| date(y, m, d).add_days(-1).map(Date::iso);
    assert_eq!(minus_one(2000, 3, 1).as_deref(), Some("2000-02-29"));
    assert_eq!(minus_one(1900, 3, 1).as_deref(), Some("1900-02-28"));
    assert_eq!(minus_one(2100, 3, 1).as_deref(), Some("2100-02-28"));
    assert_eq!(minus_one(2024, 1, 1).as_deref(), Some("2023-12-31"));
    assert_eq!(date(2024, 2, 28).add_days(2).map(Date::iso).as_deref(), Some("2024-03-01"));
    assert_eq!(date(2023, 2, 28).add_days(1).map(Date::iso).as_deref(), Some("2023-03-01"));
    assert_eq!(date(2024, 1, 1).weekday_name(), "Monday");
    assert_eq!(date(2000, 1, 1).weekday_name(), "Saturday");
    assert_eq!(date(1969, 7, 20).weekday_name(), "Sunday"); // the Moon landing
    assert_eq!(date(1900, 1, 1).weekday_name(), "Monday");
    assert_eq!(date(2024, 3, 1).long(), "March 1, 2024");
    assert_eq!(days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28), 2);
    assert!(Date::new(1900, 2, 29).is_none() && Date::new(2000, 2, 29).is_some() && Date::new(2100, 2, 29).is_none());
    assert!(!is_leap_year(1900) && is_leap_year(2000) && !is_leap_year(2100));
    // The whole range the generator uses, against Sakamoto and day stepping.
    let mut days = days_from_civil(1799, 1, 1);
    let (mut y, mut m, mut d) = (1799, 1, 1);
    while y < 2402 {
        let date = Date::from_days_since_epoch(days).unwrap_or_else(|| panic!("{days}"));
        assert_eq!((date.year(), date.month(), date.day()), (y, m, d));
        assert_eq!(DAYS[sakamoto(y, m as usize, i64::from(d))], date.weekday_name());
        (y, m, d) = step_days(y, m, d, 1);
        days += 1;
    }
}

/// A world: colour, position and size rank of each of three objects.
type World = ([usize; 3], [usize; 3], [usize; 3]);

const COLOURS: [&str; 5] = ["red", "blue", "green", "yellow", "white"];

/// Reads "The X is [not] …." into a test over worlds.
fn sentence(objects: &[String], text: &str) -> impl Fn(&World) -> bool {
    let object = |name: &str| objects.iter().position(|o| o == name).unwrap_or_else(|| panic!("{name} in {text}"));
    let body = text.strip_prefix("The ").and_then(|t| t.strip_suffix('.')).unwrap_or_else(|| panic!("{text}"));
    let (subject, rest) = body.split_once(" is ").unwrap_or_else(|| panic!("{text}"));
    let a = object(subject);
    let (negated, rest) = match rest.strip_prefix("not ") {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let other = |prefix: &str| rest.strip_prefix(prefix).map(object);
    let kind: (usize, usize) = if let Some(b) = other("to the left of the ") {
        (1, b)
    } else if let Some(b) = other("to the right of the ") {
        (2, b)
    } else if let Some(b) = other("bigger than the ") {
        (3, b)
    } else if let Some(b) = other("smaller than the ") {
        (4, b)
    } else {
        (0, COLOURS.iter().position(|c| *c == rest).unwrap_or_else(|| panic!("{text}")))
    };
    move |(colours, positions, sizes): &World| {
        let value = match kind {
            (0, c) => colours[a] == c,
            (1, b) => positions[a] < positions[b],
            (2, b) => positions[a] > positions[b],
            (3, b) => sizes[a] > sizes[b],
            (_, b) => sizes[a] < sizes[b],
        };
        value != negated
    }
}

#[test]
fn negation_answers_match_a_joint_world_enumeration() {
    let permutations = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    let mut worlds: Vec<World> = Vec::new();
    for c in 0..125 {
        for p in permutations {
            for s in permutations {
                worlds.push(([c % 5, c / 5 % 5, c / 25], p, s));
            }
        }
    }
    for item in generate(Task::Negation, 150, 8) {
        let lines: Vec<&str> = item.prompt.lines().collect();
        let head = lines[0].split(" stand in a row").next().unwrap_or("");
        let objects: Vec<String> =
            head.split([',', ' ']).filter(|w| !["A", "a", "and", ""].contains(w)).map(String::from).collect();
        assert_eq!(objects.len(), 3, "{head}");
        let facts: Vec<_> = lines
            .iter()
            .filter_map(|l| l.split_once(". The ").map(|(_, rest)| format!("The {rest}")))
            .map(|f| sentence(&objects, &f))
            .collect();
        assert_eq!(facts.len(), 3, "{}", item.prompt);
        let allowed: Vec<&World> = worlds.iter().filter(|w| facts.iter().all(|f| f(w))).collect();
        assert!(!allowed.is_empty(), "contradictory facts: {}", item.prompt);
        let mut contradicted = Vec::new();
        for line in lines.iter().filter(|l| l.starts_with('(')) {
            let (letter, text) = (&line[1..2], &line[4..]);
            let test = sentence(&objects, text);
            let trues = allowed.iter().filter(|w| test(w)).count();
            if trues == 0 {
                contradicted.push(letter.to_string());
            } else {
                assert_eq!(trues, allowed.len(), "({letter}) neither follows nor is contradicted: {}", item.prompt);
            }
        }
        assert_eq!(contradicted, vec![item.answer.clone()], "{}", item.prompt);
    }
}

fn problem_of(item: &Probe) -> csp::Problem {
    let text = item.prompt.split("constraint notation:\n").nth(1).unwrap_or_else(|| panic!("{}", item.prompt));
    csp::parse(text).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn constraint_answers_are_solutions_or_proven_impossible() {
    let items = generate(Task::Constraints, 200, 9);
    let mut impossible = 0;
    let mut few_solutions = 0;
    for item in &items {
        let problem = problem_of(item);
        assert_eq!((problem.people().len(), problem.rooms().len()), (5, 3));
        let solution = csp::solve(&problem, 1000);
        if item.answer == "impossible" {
            impossible += 1;
            assert_eq!(solution.status, csp::Status::Impossible, "{}", item.prompt);
        } else {
            let check = csp::check_assignment(&problem, &item.answer).unwrap_or_else(|e| panic!("{e}"));
            assert!(check.valid, "{:?}", check.violations);
            assert!(solution.count >= 1 && solution.complete, "{}", item.prompt);
            few_solutions += usize::from(solution.count <= 12);
        }
    }
    assert!(
        few_solutions * 10 >= (200 - impossible) * 9,
        "{few_solutions} of {} have at most 12 solutions",
        200 - impossible
    );
    assert!((20..=70).contains(&impossible), "{impossible} of 200 impossible, about 40 wanted");
}

// ---------------------------------------------------------------- grading

fn sample() -> &'static Vec<Probe> {
    static SAMPLE: OnceLock<Vec<Probe>> = OnceLock::new();
    SAMPLE.get_or_init(|| Task::ALL.iter().flat_map(|&t| generate(t, 60, 11)).collect())
}

#[test]
fn every_canonical_answer_grades_correct() {
    for item in sample() {
        let grade = probes::grade(item, &item.answer);
        assert!(grade.correct, "{}: {:?}\n{}", item.id, grade, item.prompt);
        assert_eq!(grade.expected, item.answer);
        let sentence = format!("After thinking it through, my final answer is: {}", item.answer);
        assert!(probes::grade(item, &sentence).correct, "{}: {sentence}", item.id);
    }
}

/// A different answer of the same kind, which must grade wrong.
fn wrong_answer(item: &Probe) -> String {
    match item.task {
        Task::Counting => (item.answer.parse::<u64>().unwrap_or(0) + 1).to_string(),
        Task::Compass => {
            let h = answers::heading(&item.answer).unwrap_or(0);
            answers::HEADINGS[(h + 2) % 8].to_string()
        }
        Task::Weekday => match answers::date(&item.answer) {
            Some(d) => d.add_days(1).map(Date::iso).unwrap_or_default(),
            None => DAYS[(DAYS.iter().position(|d| *d == item.answer).unwrap_or(0) + 1) % 7].to_string(),
        },
        Task::Negation => if item.answer == "A" { "B" } else { "A" }.to_string(),
        Task::Constraints if item.answer == "impossible" => {
            let problem = problem_of(item);
            problem.people().iter().map(|p| format!("{p}: {}", problem.rooms()[0].name)).collect::<Vec<_>>().join("\n")
        }
        Task::Constraints => "impossible".to_string(),
    }
}

#[test]
fn wrong_answers_grade_wrong() {
    for item in sample() {
        let wrong = wrong_answer(item);
        let grade = probes::grade(item, &wrong);
        assert!(!grade.correct, "{}: {wrong:?} graded correct\n{}", item.id, item.prompt);
        assert!(grade.parsed.is_some(), "{}: {wrong:?} not read", item.id);
        let none = probes::grade_optional(item, None);
        assert_eq!((none.correct, none.note.as_str(), none.parsed), (false, "no answer", None));
        assert!(!probes::grade(item, "I am not sure.").correct);
    }
}

#[test]
fn broken_assignments_name_what_breaks() {
    let mut checked = 0;
    for item in generate(Task::Constraints, 60, 12).iter().filter(|i| i.answer != "impossible") {
        let problem = problem_of(item);
        for room in problem.rooms() {
            let first = problem.people()[0].as_str();
            let moved = item
                .answer
                .split(", ")
                .map(|part| {
                    if part.starts_with(&format!("{first}:")) {
                        format!("{first}: {}", room.name)
                    } else {
                        part.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
            let check = csp::check_assignment(&problem, &moved).unwrap_or_else(|e| panic!("{e}"));
            let grade = probes::grade(item, &format!("Here you go:\n{moved}"));
            assert_eq!(grade.correct, check.valid, "{moved}");
            if !check.valid {
                checked += 1;
                assert_eq!(
                    grade.note,
                    check.violations.iter().map(|v| v.message.as_str()).collect::<Vec<_>>().join("; ")
                );
            }
        }
    }
    assert!(checked > 20, "{checked}");
}

#[test]
fn lenient_reading() {
    let numbers = [
        ("3", 3),
        ("three", 3),
        ("Three times", 3),
        ("There are 3 r's in strawberry.", 3),
        ("**3**", 3),
        ("The letter r appears three times in strawberry.", 3),
        ("I count 2... no wait, 3", 3),
        ("Answer: 3 (s-t-r-a-w-b-e-r-r-y has 10 letters)", 3),
        ("I first said **2**, but the answer is **3**", 3),
        ("twice", 2),
        ("twenty-one", 21),
        ("none", 0),
    ];
    for (text, want) in numbers {
        assert_eq!(answers::number(text), Some(want), "{text}");
    }
    let days = [
        ("Wed", 2),
        ("wednesday", 2),
        ("It was a Tuesday.", 1),
        ("Answer: Sunday (two days before Tuesday)", 6),
        ("thurs", 3),
        ("**SAT**", 5),
    ];
    for (text, want) in days {
        assert_eq!(answers::weekday(text), Some(want), "{text}");
    }
    let march_first = Date::new(2024, 3, 1);
    for text in [
        "2024-03-01",
        "2024/3/1",
        "March 1, 2024",
        "1 March 2024",
        "Mar 1st, 2024",
        "the 1st of March, 2024",
        "It falls on 2024-03-01.",
        "Answer: March 1, 2024, which is 2 days after 2024-02-28",
    ] {
        assert_eq!(answers::date(text), march_first, "{text}");
    }
    let headings = [
        ("north", 0),
        ("N", 0),
        ("North-East", 1),
        ("northeast", 1),
        ("north east", 1),
        ("You now face SW.", 5),
        ("Facing west.", 6),
        ("I started north, turned around twice, and now face south", 4),
        ("**E**", 2),
    ];
    for (text, want) in headings {
        assert_eq!(answers::heading(text), Some(want), "{text}");
    }
    let letters = [
        ("(B)", 'B'),
        ("B)", 'B'),
        ("Answer: B", 'B'),
        ("b", 'B'),
        ("**C**", 'C'),
        ("The statement that is NOT true is (D).", 'D'),
        ("Statement C is false.", 'C'),
        ("A", 'A'),
        ("The answer is a", 'A'),
        ("A careful reading shows D", 'D'),
    ];
    for (text, want) in letters {
        assert_eq!(answers::letter(text, 4), Some(want), "{text}");
    }
    assert_eq!(answers::letter("(E)", 4), None);
    assert_eq!(answers::number("no number here"), None);
    assert_eq!(answers::heading("upwards"), None);
}

// ---------------------------------------------------------------- files and pasted answers

fn answered_set(task: Task, n: usize) -> Value {
    let set: ProbeSet = probes::generate_set(task, n, 3).unwrap_or_else(|e| panic!("{e}"));
    let mut json = serde_json::to_value(&set).unwrap_or_else(|e| panic!("{e}"));
    if let Some(items) = json["items"].as_array_mut() {
        for (i, item) in items.iter_mut().enumerate() {
            if i % 4 != 3 {
                let answer = item["answer"].clone();
                item["response"] = answer;
            }
        }
    }
    json
}

#[test]
fn graded_files_round_trip_in_both_forms() {
    for task in Task::ALL {
        let json = answered_set(task, 8);
        let report = probes::grade_file(&json.to_string()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((report.count, report.answered, report.correct), (8, 6, 6), "{task}");
        let mine = report.tasks.iter().find(|t| t.task == task).unwrap_or_else(|| panic!("{task}"));
        assert_eq!(mine.accuracy_percent, Some(75.0));
        let lines: String = json["items"]
            .as_array()
            .unwrap_or_else(|| panic!("items"))
            .iter()
            .map(|item| format!("{item}\n"))
            .collect();
        let again = probes::grade_file(&lines).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again, report);
    }
}

#[test]
fn graded_files_ignore_the_answer_field_and_catch_edited_prompts() {
    let mut json = answered_set(Task::Counting, 5);
    json["items"][0]["answer"] = Value::from("999");
    json["items"][0]["response"] = Value::from("999");
    let report = probes::grade_file(&json.to_string()).unwrap_or_else(|e| panic!("{e}"));
    assert!(!report.grades[0].correct);
    json["items"][2]["prompt"] = Value::from("How many r's in strawberry?");
    match probes::grade_file(&json.to_string()) {
        Err(ProbeError::Item { item: 3, line: None, message }) => assert!(message.contains("edited"), "{message}"),
        other => panic!("{other:?}"),
    }
    let jsonl = "{\"task\":\"counting\",\"seed\":1,\"index\":0}\n\n{\"task\":\"counting\",\"seed\":1,\"index\":1,\"response\":\"2\"}\n{\"task\":\"counting\",\"seed\":1,\n";
    match probes::grade_file(jsonl) {
        Err(ProbeError::Json { line: 4, .. }) => {}
        other => panic!("{other:?}"),
    }
    match probes::grade_file(
        "{\"task\":\"counting\",\"seed\":1,\"index\":0}\n{\"task\":\"count\",\"seed\":1,\"index\":0}",
    ) {
        Err(e @ ProbeError::Item { item: 2, line: Some(2), .. }) => {
            assert!(e.to_string().starts_with("item 2 (line 2): unknown task"))
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(probes::grade_file("{\"items\": [1]}"), Err(ProbeError::Item { item: 1, .. })));
    assert!(matches!(probes::grade_file("[1, 2"), Err(ProbeError::Json { line: 1, .. })));
    assert!(matches!(probes::grade_file(""), Err(ProbeError::Json { line: 1, column: 1, .. })));
}

#[test]
fn batch_reports_sit_beside_the_article_figures() {
    let items: Vec<Probe> = Task::ALL.iter().flat_map(|&t| generate(t, 5, 21)).collect();
    let responses: Vec<Option<String>> = items
        .iter()
        .map(|p| match p.index {
            0..=2 => Some(p.answer.clone()),
            3 => Some(wrong_answer(p)),
            _ => None,
        })
        .collect();
    let report = probes::grade_batch(&items, &responses).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((report.count, report.answered, report.correct), (25, 20, 15));
    assert_eq!(report.accuracy_percent, Some(60.0));
    for (row, figure) in report.tasks.iter().zip(ARTICLE_FIGURES.iter()) {
        assert_eq!(row.task, figure.task);
        assert_eq!((row.count, row.answered, row.correct, row.accuracy_percent), (5, 4, 3, Some(60.0)));
        assert_eq!(
            (row.article_gpt4o_percent, row.article_human_percent),
            (figure.gpt4o_percent, figure.human_percent)
        );
    }
    let too_many = vec![None; 26];
    assert!(matches!(
        probes::grade_batch(&items, &too_many),
        Err(ProbeError::TooManyResponses { probes: 25, responses: 26 })
    ));
    assert_eq!(ARTICLE_FIGURES.map(|f| f.gpt4o_percent), [40.0, 75.0, 80.0, 65.0, 30.0]);
    assert_eq!(ARTICLE_FIGURES.map(|f| f.human_percent), [99.0, 99.0, 99.0, 95.0, 90.0]);
}

#[test]
fn pasted_answers_align_by_number() {
    let some = |v: &[&str]| v.iter().map(|s| if s.is_empty() { None } else { Some(s.to_string()) }).collect::<Vec<_>>();
    let cases = [
        ("3\nWednesday\n\nB\n", 3, some(&["3", "Wednesday", "B"])),
        ("1. 3\n2) Wednesday\nQ3: B", 3, some(&["3", "Wednesday", "B"])),
        ("2. B\n1. 3", 3, some(&["3", "B", ""])),
        ("1. Ana: Red\nBen: Blue\n2. impossible", 2, some(&["Ana: Red\nBen: Blue", "impossible"])),
        ("Q1:\nAna: Red\n", 1, some(&["Ana: Red"])),
        ("1 March 2024\n3.", 2, some(&["1 March 2024", "3."])),
    ];
    for (text, count, want) in cases {
        assert_eq!(probes::parse_pasted_answers(text, count), Ok(want), "{text}");
    }
    let errors = [
        ("1. a\n1. b", 3, 2, "given twice, on lines 1 and 2"),
        ("5. x", 3, 1, "not between 1 and 3"),
        ("x\n1. y", 3, 1, "no answer number"),
        ("a\nb\nc\nd", 3, 4, "one more than the 3 questions"),
    ];
    for (text, count, line, message) in errors {
        let e = probes::parse_pasted_answers(text, count).err().unwrap_or_else(|| panic!("accepted {text}"));
        assert_eq!(e.line, line, "{e}");
        assert!(e.message.contains(message), "{e}");
        assert!(e.to_string().starts_with(&format!("line {line}: ")));
    }
}

// ---------------------------------------------------------------- fuzzing

fn exercise(text: &str) {
    for item in sample().iter().step_by(30) {
        let grade = probes::grade(item, text);
        assert_eq!(grade.response.as_deref(), Some(text));
    }
    let _ = probes::parse_pasted_answers(text, 12);
    let _ = probes::read_graded_file(text);
    let _ = (answers::number(text), answers::weekday(text), answers::date(text));
    let _ = (answers::heading(text), answers::letter(text, 4), Task::from_id(text));
}

#[test]
fn fuzz_fixtures_replay_without_panics() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut replayed = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        exercise(&String::from_utf8_lossy(&bytes));
        replayed += 1;
    }
    assert!(replayed > 0);
}

fn answer_like() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "answer",
        "Answer:",
        "**",
        "(",
        ")",
        "B",
        "a",
        "north",
        "-",
        "east",
        "NE",
        "2024",
        "-02-",
        "29",
        "March",
        "1st",
        "of",
        ",",
        "twenty",
        "one",
        "Wed",
        "\n",
        " ",
        "1.",
        "Q2:",
        "Ana: Red",
        "impossible",
        "{",
        "}",
        "\"task\"",
    ]);
    prop::collection::vec(piece, 0..30).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        exercise(&text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        exercise(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn answer_like_text_never_panics(text in answer_like()) {
        exercise(&text);
    }

    #[test]
    fn any_triple_regenerates(task in prop::sample::select(Task::ALL.to_vec()), seed in any::<u64>(), index in any::<u64>()) {
        let item = probes::probe(task, seed, index).unwrap_or_else(|e| panic!("{e}"));
        let again = probes::probe(task, seed, index);
        prop_assert_eq!(again.as_ref(), Ok(&item));
        prop_assert!(probes::grade(&item, &item.answer).correct);
    }
}

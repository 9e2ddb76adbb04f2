//! The room-assignment solver against hand counts and against a brute-force enumerator written
//! here from the problem's meaning (not from the parser's output), on many random small problems;
//! parse errors at exact positions; and fuzzing of every parser.

use std::collections::BTreeSet;

use frontier_reasoning::csp::{self, Status};
use proptest::prelude::*;

fn parse(text: &str) -> csp::Problem {
    csp::parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

// ---------------------------------------------------------------- hand counts

#[test]
fn the_example_has_the_two_solutions_counted_by_hand() {
    let solution = csp::solve(&parse(csp::EXAMPLE), 1000);
    assert_eq!(solution.status, Status::Satisfiable);
    assert_eq!((solution.count, solution.complete), (csp::EXAMPLE_SOLUTION_COUNT, true));
    assert_eq!(solution.search_space, "243");
    let found: BTreeSet<String> = solution.examples.iter().map(|a| a.to_line()).collect();
    let expected: BTreeSet<String> = [
        "Ana: Red, Ben: Red, Cai: Green, Dee: Blue, Eli: Blue",
        "Ana: Blue, Ben: Blue, Cai: Green, Dee: Red, Eli: Red",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(found, expected);
}

#[test]
fn the_impossible_example_is_proven_impossible() {
    let solution = csp::solve(&parse(csp::IMPOSSIBLE_EXAMPLE), 1000);
    assert_eq!((solution.status, solution.count, solution.complete), (Status::Impossible, 0, true));
    assert!(solution.assignment.is_none() && solution.examples.is_empty());
}

#[test]
fn small_problems_counted_by_hand() {
    let cases = [
        ("people: A, B, C\nrooms: X, Y, Z", 27),                         // 3^3
        ("people: A, B, C\nrooms: X (1), Y (1), Z (1)", 6),              // 3!
        ("people: A, B, C, D\nrooms: X (2), Y (2)", 6),                  // C(4, 2)
        ("people: A, B, C, D\nrooms: X, Y\ntogether: A, B, C", 4),       // the group's room × D's room
        ("people: A, B, C\nrooms: X, Y\nat least: X, 2", 4),             // C(3,2) + C(3,3)
        ("people: A, B, C\nrooms: X, Y, Z\napart: A, B, C", 6),          // 3!
        ("people: A, B\nrooms: X, Y, Z\nin: A, X | Y\nnot in: B, X", 4), // 2 × 2
        ("people: A, B\nrooms: X (0), Y", 1),
        ("people: A, B, C\nrooms: X, Y\nat least: X, 4", 0), // more than there are people
    ];
    for (text, expected) in cases {
        let solution = csp::solve(&parse(text), 1000);
        assert_eq!((solution.count, solution.complete), (expected, true), "{text}");
        let status = if expected == 0 { Status::Impossible } else { Status::Satisfiable };
        assert_eq!(solution.status, status, "{text}");
    }
}

#[test]
fn the_count_stops_at_the_limit_and_says_so() {
    let problem = parse("people: A, B, C, D, E, F, G, H, I, J\nrooms: X, Y, Z");
    let solution = csp::solve(&problem, 100);
    assert_eq!((solution.count, solution.complete, solution.count_limit), (100, false, 100));
    assert_eq!(solution.examples.len(), csp::SHOWN_SOLUTIONS);
    assert_eq!(solution.search_space, "59049");
    let everything = csp::solve(&problem, csp::DEFAULT_COUNT_LIMIT);
    assert_eq!((everything.count, everything.complete), (59_049, true));
}

#[test]
fn search_space_is_exact_when_huge() {
    let people: Vec<String> = (1..=200).map(|i| format!("P{i}")).collect();
    let rooms: Vec<String> = (1..=50).map(|i| format!("R{i}")).collect();
    let problem = parse(&format!("people: {}\nrooms: {}", people.join(", "), rooms.join(", ")));
    let solution = csp::solve(&problem, 3);
    assert_eq!(solution.search_space.len(), 340); // 50^200 = 10^(200 log10 50) = 10^339.79
    assert!(solution.search_space.starts_with("6223015277861141707"), "{}", &solution.search_space[..20]);
    assert!((solution.search_space_log10 - 339.794).abs() < 1e-3);
    assert_eq!((solution.status, solution.count, solution.complete), (Status::Satisfiable, 3, false));
}

#[test]
fn pigeonholes_are_answered_by_counting() {
    let cases = [
        ("people: A, B, C\nrooms: X (1), Y (1)", "the rooms hold 2 people in all, fewer than 3"),
        ("people: A, B, C, D\nrooms: X, Y\napart: A, B, C", "line 3 puts 3 people in different rooms, but there are 2"),
    ];
    for (text, note) in cases {
        let solution = csp::solve(&parse(text), 100);
        assert_eq!((solution.status, solution.count, solution.complete), (Status::Impossible, 0, true));
        assert!(solution.note.as_deref().is_some_and(|n| n.contains(note)), "{:?}", solution.note);
    }
}

#[test]
fn a_hidden_pigeonhole_stops_at_the_work_limit_or_is_proven() {
    // Twelve people, each allowed only the first eleven single rooms: impossible, but only a
    // pigeonhole argument shows it, and resolution proofs of it are exponentially long.
    let n = 12;
    let people: Vec<String> = (1..=n).map(|i| format!("P{i}")).collect();
    let rooms: Vec<String> = (1..=n).map(|i| format!("R{i}")).collect();
    let allowed = rooms[..n - 1].join(" | ");
    let rules: String = people.iter().map(|p| format!("in: {p}, {allowed}\n")).collect();
    let capacities: Vec<String> = rooms.iter().map(|r| format!("{r} (1)")).collect();
    let problem = parse(&format!("people: {}\nrooms: {}\n{rules}", people.join(", "), capacities.join(", ")));
    let solution = csp::solve(&problem, 10);
    match solution.status {
        Status::Impossible => assert!(solution.complete),
        Status::Unknown => {
            assert!(!solution.complete);
            assert!(solution.note.as_deref().is_some_and(|n| n.contains("conflicts")), "{:?}", solution.note);
        }
        Status::Satisfiable => panic!("found an assignment for an impossible problem"),
    }
}

// ---------------------------------------------------------------- brute force

/// A problem as the generator below means it, independent of the parser.
#[derive(Debug, Clone)]
struct Spec {
    people: usize,
    capacities: Vec<Option<usize>>,
    rules: Vec<(usize, SpecRule)>,
    text: String,
}

#[derive(Debug, Clone)]
enum SpecRule {
    Together(Vec<usize>),
    Apart(Vec<usize>),
    In(usize, Vec<usize>),
    NotIn(usize, Vec<usize>),
    AtLeast(usize, usize),
}

const PEOPLE: [&str; 6] = ["Ana", "Ben", "Cai", "Dee", "Eli", "Fay"];
const ROOMS: [&str; 3] = ["Red", "Blue", "Green"];
const PEOPLE_LINE: usize = 1;
const ROOMS_LINE: usize = 2;

/// Random specs come from the project's SplitMix64.
type Rng = frontier_base::SplitMix64;

fn random_spec(rng: &mut Rng) -> Spec {
    let people = 1 + rng.index(6);
    let rooms = 1 + rng.index(3);
    let capacities: Vec<Option<usize>> =
        (0..rooms).map(|_| if rng.index(3) == 0 { None } else { Some(rng.index(4)) }).collect();
    fn names(list: &[usize], table: &[&'static str]) -> Vec<&'static str> {
        list.iter().map(|&i| table[i]).collect()
    }
    let room_text: Vec<String> = capacities
        .iter()
        .enumerate()
        .map(|(r, c)| c.map_or_else(|| ROOMS[r].to_string(), |c| format!("{} ({c})", ROOMS[r])))
        .collect();
    let mut lines = vec![
        format!("people: {}", names(&(0..people).collect::<Vec<_>>(), &PEOPLE).join(", ")),
        format!("rooms: {}", room_text.join(", ")),
    ];
    let mut rules = Vec::new();
    for _ in 0..rng.index(6) {
        if rng.index(4) == 0 {
            lines.push("# a comment line".to_string());
        }
        let (rule, text) = match rng.index(5) {
            0 | 1 if people >= 2 => {
                let size = 2 + rng.index(people - 1);
                let group = rng.distinct(people, size);
                let together = rng.index(2) == 0;
                let keyword = if together { "together" } else { "apart" };
                let text = format!("{keyword}: {}", names(&group, &PEOPLE).join(", "));
                (if together { SpecRule::Together(group) } else { SpecRule::Apart(group) }, text)
            }
            2 | 3 => {
                let person = rng.index(people);
                let size = 1 + rng.index(rooms);
                let set = rng.distinct(rooms, size);
                let inside = rng.index(2) == 0;
                let keyword = if inside { "IN" } else { "not in" };
                let text = format!("{keyword}: {}, {}", PEOPLE[person], names(&set, &ROOMS).join(" | "));
                (if inside { SpecRule::In(person, set) } else { SpecRule::NotIn(person, set) }, text)
            }
            _ => {
                let room = rng.index(rooms);
                let count = 1 + rng.index(3);
                (SpecRule::AtLeast(room, count), format!("at least: {}, {count}", ROOMS[room]))
            }
        };
        let comment = if rng.index(3) == 0 { "   # why not" } else { "" };
        lines.push(format!("{text}{comment}"));
        rules.push((lines.len(), rule));
    }
    Spec { people, capacities, rules, text: lines.join("\n") }
}

/// Lines of the broken rules for `rooms[p]` (None: no room): one per person without a room, one
/// per over-full room, one per room holding two or more of an `apart` group, one per other rule.
fn broken_lines(spec: &Spec, rooms: &[Option<usize>]) -> Vec<usize> {
    let mut out = Vec::new();
    let inside = |room: usize| rooms.iter().filter(|&&r| r == Some(room)).count();
    out.extend(rooms.iter().filter(|r| r.is_none()).map(|_| PEOPLE_LINE));
    for (room, capacity) in spec.capacities.iter().enumerate() {
        if capacity.is_some_and(|c| inside(room) > c) {
            out.push(ROOMS_LINE);
        }
    }
    for (line, rule) in &spec.rules {
        match rule {
            SpecRule::Together(group) => {
                let distinct: BTreeSet<usize> = group.iter().filter_map(|&p| rooms[p]).collect();
                if distinct.len() > 1 {
                    out.push(*line);
                }
            }
            SpecRule::Apart(group) => {
                for room in 0..spec.capacities.len() {
                    if group.iter().filter(|&&p| rooms[p] == Some(room)).count() > 1 {
                        out.push(*line);
                    }
                }
            }
            SpecRule::In(p, set) => {
                if rooms[*p].is_some_and(|r| !set.contains(&r)) {
                    out.push(*line);
                }
            }
            SpecRule::NotIn(p, set) => {
                if rooms[*p].is_some_and(|r| set.contains(&r)) {
                    out.push(*line);
                }
            }
            SpecRule::AtLeast(room, count) => {
                if inside(*room) < *count {
                    out.push(*line);
                }
            }
        }
    }
    out.sort_unstable();
    out
}

fn all_assignments(people: usize, rooms: usize) -> Vec<Vec<usize>> {
    let total = rooms.pow(people as u32);
    (0..total)
        .map(|mut code| {
            (0..people)
                .map(|_| {
                    let room = code % rooms;
                    code /= rooms;
                    room
                })
                .collect()
        })
        .collect()
}

/// An answer in one of the forms people write, chosen at random.
fn answer_text(rng: &mut Rng, rooms: &[Option<usize>]) -> String {
    let placed: Vec<(usize, usize)> = rooms.iter().enumerate().filter_map(|(p, r)| r.map(|r| (p, r))).collect();
    match rng.index(5) {
        0 => placed.iter().map(|&(p, r)| format!("{}: {}", PEOPLE[p], ROOMS[r])).collect::<Vec<_>>().join(", "),
        1 => placed
            .iter()
            .map(|&(p, r)| format!("- {} -> {}\n", PEOPLE[p].to_lowercase(), ROOMS[r].to_uppercase()))
            .collect(),
        2 => placed.iter().map(|&(p, r)| format!("{} is in the {} room.\n", PEOPLE[p], ROOMS[r])).collect(),
        3 => (0..ROOMS.len())
            .filter_map(|room| {
                let group: Vec<&str> = placed.iter().filter(|&&(_, r)| r == room).map(|&(p, _)| PEOPLE[p]).collect();
                (!group.is_empty()).then(|| format!("**{}**: {}\n", ROOMS[room], group.join(" and ")))
            })
            .collect(),
        _ => placed.iter().map(|&(p, r)| format!("{}. {} in {}\n", p + 1, PEOPLE[p], ROOMS[r])).collect(),
    }
}

#[test]
fn solver_count_and_checker_agree_with_brute_force_on_random_problems() {
    let mut rng = Rng::new(20_240_229);
    let mut satisfiable = 0;
    let mut impossible = 0;
    for case in 0..400 {
        let spec = random_spec(&mut rng);
        let problem = parse(&spec.text);
        let rooms = spec.capacities.len();
        let valid: Vec<Vec<usize>> = all_assignments(spec.people, rooms)
            .into_iter()
            .filter(|a| broken_lines(&spec, &a.iter().map(|&r| Some(r)).collect::<Vec<_>>()).is_empty())
            .collect();
        let solution = csp::solve(&problem, 1000);
        assert_eq!(solution.count, valid.len() as u64, "case {case}:\n{}", spec.text);
        assert!(solution.complete, "case {case}");
        if valid.is_empty() {
            impossible += 1;
            assert_eq!(solution.status, Status::Impossible, "case {case}");
        } else {
            satisfiable += 1;
            assert_eq!(solution.status, Status::Satisfiable, "case {case}");
        }
        let distinct: BTreeSet<String> = solution.examples.iter().map(|a| a.to_line()).collect();
        assert_eq!(distinct.len(), solution.examples.len(), "case {case}: repeated solution");
        for example in &solution.examples {
            let check = csp::check_assignment(&problem, &example.to_text()).unwrap_or_else(|e| panic!("{e}"));
            assert!(check.valid, "case {case}: the solver's own answer fails: {:?}", check.violations);
        }
        // The checker on random complete and partial assignments.
        for _ in 0..12 {
            let rooms_of: Vec<Option<usize>> =
                (0..spec.people).map(|_| if rng.index(8) == 0 { None } else { Some(rng.index(rooms)) }).collect();
            let text = answer_text(&mut rng, &rooms_of);
            let check = csp::check_assignment(&problem, &text).unwrap_or_else(|e| panic!("case {case}: {e}\n{text}"));
            let mut got: Vec<usize> = check.violations.iter().filter_map(|v| v.problem_line).collect();
            got.sort_unstable();
            assert_eq!(
                got,
                broken_lines(&spec, &rooms_of),
                "case {case}:\n{}\nanswer:\n{text}\n{:?}",
                spec.text,
                check.violations
            );
            assert_eq!(check.valid, got.is_empty());
            assert!(check.violations.iter().all(|v| v.problem_line.is_some()), "{:?}", check.violations);
        }
    }
    assert!(satisfiable > 100 && impossible > 50, "{satisfiable} satisfiable, {impossible} impossible");
}

#[test]
fn problems_round_trip_through_text() {
    let mut rng = Rng::new(7);
    for _ in 0..200 {
        let spec = random_spec(&mut rng);
        let problem = parse(&spec.text);
        let again = parse(&problem.to_text());
        assert_eq!(again.to_text(), problem.to_text());
        assert_eq!(again.people(), problem.people());
        assert_eq!(again.rooms(), problem.rooms());
        let rules = |p: &csp::Problem| p.constraints().iter().map(|c| c.rule.clone()).collect::<Vec<_>>();
        assert_eq!(rules(&again), rules(&problem));
        assert_eq!(csp::solve(&again, 1000).count, csp::solve(&problem, 1000).count);
    }
}

// ---------------------------------------------------------------- messages

#[test]
fn violations_name_the_constraint_and_what_is_wrong() {
    let problem = parse(csp::EXAMPLE);
    let check = csp::check_assignment(&problem, "Ana: Red\nBen: Blue\nCai: Red\nDee: Green\nZed: Red\nAna: Blue")
        .unwrap_or_else(|e| panic!("{e}"));
    let messages: Vec<(Option<usize>, &str)> =
        check.violations.iter().map(|v| (v.problem_line, v.message.as_str())).collect();
    assert_eq!(
        messages,
        vec![
            (None, "Zed is not a person in the problem"),
            (Some(2), "Ana is placed twice: Red (line 1) and Blue (line 6); the first counts"),
            (Some(2), "Eli has no room"),
            (Some(4), "not together: Ana is in Red; Ben is in Blue"),
            (Some(5), "Ana and Cai are both in Red"),
            (Some(6), "Dee is in Green, not Red or Blue"),
        ]
    );
    assert_eq!(check.violations[4].constraint, "apart: Ana, Cai");
    assert_eq!(check.violations[0].answer_line, Some(5));
    assert!(!check.valid);

    let crowded = csp::check_assignment(&problem, "Ana: Green, Ben: Green, Cai: Red, Dee: Red, Eli: Green")
        .unwrap_or_else(|e| panic!("{e}"));
    let messages: Vec<&str> = crowded.violations.iter().map(|v| v.message.as_str()).collect();
    assert_eq!(messages, vec!["Green holds 3 people (Ana, Ben and Eli), capacity 1", "Eli is in Green"]);
}

#[test]
fn answers_are_read_leniently_but_errors_have_positions() {
    let problem = parse(csp::EXAMPLE);
    let ok = "**Red**: Ana and Ben\nBlue room: Dee, Eli\n3) cai -> green";
    let check = csp::check_assignment(&problem, ok).unwrap_or_else(|e| panic!("{e}"));
    assert!(check.valid, "{:?}", check.violations);
    let e = csp::check_assignment(&problem, "Ana: Red\n  Ben Blue").err().unwrap_or_else(|| panic!("accepted"));
    assert_eq!((e.line, e.column), (2, 3));
    let e = csp::check_assignment(&problem, "Ana: ").err().unwrap_or_else(|| panic!("accepted"));
    assert_eq!((e.line, e.column, e.message.as_str()), (1, 5, "no room after “Ana”"));
    let lenient = csp::check_assignment_lenient(&problem, "Sure! Here it is:\nAna: Red, Ben: Red\nHope that helps.");
    assert_eq!(lenient.placements.len(), 2);
}

#[test]
fn parse_errors_point_at_the_problem() {
    let long_line = format!("people: {}\nrooms: X", (1..=201).map(|i| format!("P{i}")).collect::<Vec<_>>().join(","));
    let many_rooms = format!("people: A\nrooms: {}", (1..=51).map(|i| format!("R{i}")).collect::<Vec<_>>().join(","));
    let many_rules = format!("people: A, B\nrooms: X\n{}", "together: A, B\n".repeat(2001));
    let column_201 = long_line.find("P201").map_or(0, |i| i + 1);
    let column_r51 = many_rooms.lines().nth(1).and_then(|l| l.find("R51")).map_or(0, |i| i + 1);
    let cases: Vec<(&str, usize, usize, &str)> = vec![
        ("people: Ana, Ben\nrooms: Red\ntogether: Ana, Bex", 3, 16, "unknown person “Bex”; did you mean “Ben”?"),
        ("people Ana", 1, 1, "expected “keyword: list”"),
        ("people: A\nrooms: X\nbeside: A", 3, 1, "unknown keyword “beside”"),
        ("people: A\nrooms: X\ntogehter: A", 3, 1, "did you mean “together”?"),
        ("  people: A, , B\nrooms: X", 1, 14, "empty name between two commas"),
        ("people:\nrooms: X", 1, 8, "the list of people is empty"),
        ("people: Ana, Ana\nrooms: X", 1, 14, "“Ana” is listed twice (first at column 9)"),
        ("people: Ana, ana\nrooms: X", 1, 14, "only in case"),
        ("people: A\nrooms: Red (two)", 2, 13, "a capacity must be a whole number from 0 to 200, found “two”"),
        ("people: A\nrooms: Red (999999999999)", 2, 13, "a capacity must be a whole number from 0 to 200"),
        ("people: A\nrooms: Red (2", 2, 12, "“(” without “)”"),
        ("people: A\nrooms: Red (2) x", 2, 15, "unexpected text after the capacity"),
        ("rooms: X", 1, 1, "no “people:” line"),
        ("people: A", 1, 1, "no “rooms:” line"),
        ("people: A\npeople: B\nrooms: X", 2, 1, "already listed on line 1"),
        ("people: A\nrooms: X\nin: A", 3, 4, "expected “in: Person, Room”"),
        ("people: A\nrooms: Red, Blue\nin: A, Red | Blu", 3, 14, "unknown room “Blu”; did you mean “Blue”?"),
        ("people: A\nrooms: Red, Blue\nnot in: A, Red |", 3, 17, "empty room name beside “|”"),
        ("people: A\nrooms: X\nat least: X, 0", 3, 14, "the count must be a whole number from 1 to 200"),
        ("people: Red\nrooms: Red", 2, 8, "“Red” is also a person"),
        ("people: Ana!, Ben\nrooms: X", 1, 12, "“!” cannot be part of a name"),
        ("people: A\nrooms: X\ntogether: A, X", 3, 14, "“X” is a room, not a person"),
        ("people: A, B\nrooms: X\ntogether: A", 3, 10, "“together” needs at least 2 people"),
        ("people: A, B\nrooms: X\napart: A, B, A", 3, 14, "“A” is listed twice"),
        ("people: Zoë, Ana\nrooms: X\ntogether: Zoë, Anna", 3, 16, "did you mean “Ana”?"),
        (&long_line, 1, column_201, "too many people: the limit is 200"),
        (&many_rooms, 2, column_r51, "too many rooms: the limit is 50"),
        (&many_rules, 2003, 1, "too many constraints: the limit is 2000 lines"),
    ];
    for (text, line, column, message) in cases {
        match csp::parse(text) {
            Ok(_) => panic!("accepted: {text}"),
            Err(e) => {
                assert_eq!((e.line, e.column), (line, column), "{e}\n{}", &text[..text.len().min(80)]);
                assert!(e.message.contains(message), "{e}");
                assert_eq!(e.to_string(), format!("line {line}, column {column}: {}", e.message));
            }
        }
    }
}

#[test]
fn problems_too_big_to_encode_are_refused_at_a_line() {
    let people: Vec<String> = (1..=200).map(|i| format!("P{i}")).collect();
    let rooms: Vec<String> = (1..=50).map(|i| format!("R{i}")).collect();
    let apart = format!("apart: {}\n", people.join(", "));
    let text = format!("people: {}\nrooms: {}\n{}", people.join(", "), rooms.join(", "), apart.repeat(200));
    let e = csp::parse(&text).err().unwrap_or_else(|| panic!("accepted"));
    assert!(e.message.contains("too big"), "{e}");
    assert!((3..=202).contains(&e.line), "{e}");
    let huge = "#".repeat(csp::MAX_INPUT_BYTES + 10);
    let e = csp::parse(&huge).err().unwrap_or_else(|| panic!("accepted"));
    assert_eq!((e.line, e.column), (1, csp::MAX_INPUT_BYTES + 1));
}

// ---------------------------------------------------------------- fuzzing

fn exercise(text: &str) {
    if let Ok(problem) = csp::parse(text) {
        let again = csp::parse(&problem.to_text()).unwrap_or_else(|e| panic!("to_text did not parse: {e}"));
        assert_eq!(again.to_text(), problem.to_text());
    }
    let example = parse(csp::EXAMPLE);
    let _ = csp::check_assignment(&example, text);
    let _ = csp::check_assignment_lenient(&example, text);
}

#[test]
fn fuzz_fixtures_replay_without_panics() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut replayed = 0;
    for entry in entries {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        exercise(&String::from_utf8_lossy(&bytes));
        replayed += 1;
    }
    assert!(replayed > 0, "no fixtures in {}", dir.display());
}

fn keyword() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "people", "rooms", "together", "apart", "in", "not in", "at least", "NOT IN", "room", "x",
    ])
    .prop_map(String::from)
}

fn format_like_line() -> impl Strategy<Value = String> {
    (keyword(), "[ ]{0,2}", ":?", prop::collection::vec("[A-Da-d0-9 ()|#é!-]{0,6}", 0..6))
        .prop_map(|(k, space, colon, items)| format!("{k}{space}{colon} {}", items.join(",")))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        exercise(&text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        exercise(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn format_like_text_never_panics(lines in prop::collection::vec(format_like_line(), 0..12)) {
        exercise(&lines.join("\n"));
    }

    #[test]
    fn edited_examples_never_panic(cuts in prop::collection::vec((0usize..400, "[,:|()#\n a-z0-9]{0,3}"), 0..6)) {
        let mut text: Vec<char> = csp::EXAMPLE.chars().collect();
        for (at, insert) in cuts {
            let at = at % (text.len() + 1);
            let end = (at + 2).min(text.len());
            text.splice(at..end, insert.chars());
        }
        exercise(&text.into_iter().collect::<String>());
    }
}

//! Room assignment ("Assign 5 people to 3 rooms with constraints"). Each item is a random problem
//! of 5 people and 3 rooms, solved by [`crate::csp`]: four in five are satisfiable with at most 12
//! solutions (so guessing rarely works), one in five is impossible, proven by the solver. Any
//! assignment that breaks nothing is correct; "impossible" is correct only for the impossible ones.

use super::rng::SplitMix64;
use super::words::{NAMES, ROOMS};
use crate::csp::{self, Problem, Rule, Solution, Status};

/// Solutions allowed in a satisfiable item (relaxed after half the attempts).
const MAX_SOLUTIONS: u64 = 12;
const ATTEMPTS: usize = 80;

/// The problem of one item and its solution (counted up to `MAX_SOLUTIONS + 1`). `None` only if
/// the generated text failed to parse, which would be a bug here.
pub(super) fn problem(rng: &mut SplitMix64) -> Option<(Problem, Solution)> {
    let people: Vec<&str> = rng.distinct(NAMES.len(), 5).into_iter().map(|i| NAMES[i]).collect();
    let rooms: Vec<&str> = rng.distinct(ROOMS.len(), 3).into_iter().map(|i| ROOMS[i]).collect();
    let want_impossible = rng.chance(1, 5);
    for attempt in 0..ATTEMPTS {
        let text = random_text(rng, &people, &rooms);
        let Ok(problem) = csp::parse(&text) else { continue };
        let solution = csp::solve(&problem, MAX_SOLUTIONS + 1);
        let accept = match solution.status {
            Status::Impossible => want_impossible,
            Status::Satisfiable => !want_impossible && (solution.count <= MAX_SOLUTIONS || attempt >= ATTEMPTS / 2),
            Status::Unknown => false,
        };
        if accept {
            return Some((problem, solution));
        }
    }
    // Rarely reached. Four people pairwise apart cannot fit in three rooms.
    let fallback = if want_impossible {
        format!("apart: {}, {}, {}, {}", people[0], people[1], people[2], people[3])
    } else {
        String::new()
    };
    let text = format!("people: {}\nrooms: {}\n{fallback}\n", people.join(", "), rooms.join(", "));
    let problem = csp::parse(&text).ok()?;
    let solution = csp::solve(&problem, MAX_SOLUTIONS + 1);
    Some((problem, solution))
}

fn random_text(rng: &mut SplitMix64, people: &[&str], rooms: &[&str]) -> String {
    let room_list: Vec<String> = rooms
        .iter()
        .map(|room| match rng.below(6) {
            0 => (*room).to_string(),
            1 => format!("{room} (1)"),
            2 | 3 => format!("{room} (2)"),
            _ => format!("{room} (3)"),
        })
        .collect();
    let mut lines = vec![format!("people: {}", people.join(", ")), format!("rooms: {}", room_list.join(", "))];
    let pick_people = |rng: &mut SplitMix64, n: usize| -> String {
        rng.distinct(people.len(), n).into_iter().map(|i| people[i]).collect::<Vec<_>>().join(", ")
    };
    for _ in 0..rng.between(3, 5) {
        let line = match rng.below(10) {
            0..=2 => {
                let n = if rng.chance(1, 4) { 3 } else { 2 };
                format!("together: {}", pick_people(rng, n))
            }
            3..=5 => {
                let n = if rng.chance(1, 3) { 3 } else { 2 };
                format!("apart: {}", pick_people(rng, n))
            }
            6 | 7 => {
                let n = if rng.chance(1, 2) { 1 } else { 2 };
                let chosen: Vec<&str> = rng.distinct(rooms.len(), n).into_iter().map(|i| rooms[i]).collect();
                format!("in: {}, {}", pick_people(rng, 1), chosen.join(" | "))
            }
            8 => format!("not in: {}, {}", pick_people(rng, 1), rooms[rng.index(rooms.len())]),
            _ => format!("at least: {}, {}", rooms[rng.index(rooms.len())], rng.between(1, 2)),
        };
        lines.push(line);
    }
    lines.join("\n") + "\n"
}

/// The constraints in plain sentences.
fn sentences(problem: &Problem) -> Vec<String> {
    let person = |p: usize| problem.people().get(p).map_or("?", String::as_str);
    let room = |r: usize| problem.rooms().get(r).map_or("?", |room| room.name.as_str());
    let join = |names: Vec<&str>, last: &str| match names.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., end] => format!("{} {last} {end}", init.join(", ")),
    };
    let mut out = Vec::new();
    for r in problem.rooms() {
        match r.capacity {
            Some(0) => out.push(format!("{} is closed: it holds no one.", r.name)),
            Some(1) => out.push(format!("{} holds at most 1 person.", r.name)),
            Some(c) => out.push(format!("{} holds at most {c} people.", r.name)),
            None => out.push(format!("{} has no capacity limit.", r.name)),
        }
    }
    for constraint in problem.constraints() {
        let sentence = match &constraint.rule {
            Rule::Together { people } if people.len() == 2 => {
                format!("{} share a room.", join(people.iter().map(|&p| person(p)).collect(), "and"))
            }
            Rule::Together { people } => {
                format!("{} all share one room.", join(people.iter().map(|&p| person(p)).collect(), "and"))
            }
            Rule::Apart { people } if people.len() == 2 => {
                format!("{} are in different rooms.", join(people.iter().map(|&p| person(p)).collect(), "and"))
            }
            Rule::Apart { people } => {
                format!("{} are each in a different room.", join(people.iter().map(|&p| person(p)).collect(), "and"))
            }
            Rule::In { person: p, rooms } => {
                format!("{} is in {}.", person(*p), join(rooms.iter().map(|&r| room(r)).collect(), "or"))
            }
            Rule::NotIn { person: p, rooms } if rooms.len() == 1 => {
                format!("{} is not in {}.", person(*p), room(rooms[0]))
            }
            Rule::NotIn { person: p, rooms } => {
                format!("{} is in none of {}.", person(*p), join(rooms.iter().map(|&r| room(r)).collect(), "and"))
            }
            Rule::AtLeast { room: r, count: 1 } => format!("{} holds at least 1 person.", room(*r)),
            Rule::AtLeast { room: r, count } => format!("{} holds at least {count} people.", room(*r)),
        };
        out.push(sentence);
    }
    out
}

/// (prompt, answer) for one item.
pub(super) fn make(rng: &mut SplitMix64) -> Option<(String, String)> {
    let (problem, solution) = problem(rng)?;
    let rooms: Vec<&str> = problem.rooms().iter().map(|r| r.name.as_str()).collect();
    let rules: Vec<String> = sentences(&problem).into_iter().map(|s| format!("- {s}")).collect();
    let prompt = format!(
        "Assign {} people ({}) to {} rooms ({}). Each person is in exactly one room, and every constraint must \
         hold:\n{}\nReply with one line per person in the form \"Name: Room\", or reply \"impossible\" if no \
         assignment satisfies every constraint.\n\nThe same problem in constraint notation:\n{}",
        problem.people().len(),
        problem.people().join(", "),
        rooms.len(),
        rooms.join(", "),
        rules.join("\n"),
        problem.to_text()
    );
    let answer = match &solution.assignment {
        Some(assignment) if solution.status == Status::Satisfiable => assignment.to_line(),
        _ => "impossible".to_string(),
    };
    Some((prompt, answer))
}

/// Phrases that claim no assignment exists.
const IMPOSSIBLE_PHRASES: [&str; 9] = [
    "impossible",
    "no valid assignment",
    "no possible assignment",
    "no assignment",
    "not possible",
    "unsatisfiable",
    "no solution",
    "cannot be satisfied",
    "can't be satisfied",
];

/// (parsed, correct, note) for a reply. A reply that places anyone is read as an assignment,
/// even if it also says "impossible" somewhere; otherwise a claim of impossibility is looked for.
pub(super) fn grade(problem: &Problem, solution: &Solution, response: &str) -> (Option<String>, bool, String) {
    let possible = solution.status == Status::Satisfiable;
    let check = csp::check_assignment_lenient(problem, response);
    if !check.placements.is_empty() || !check.violations.iter().all(|v| v.answer_line.is_none()) {
        let parsed = check.placements.iter().map(|p| format!("{}: {}", p.person, p.room)).collect::<Vec<_>>();
        let note = if check.valid {
            "every constraint holds".to_string()
        } else if !possible {
            "no assignment can satisfy every constraint (the solver proves it); the answer is “impossible”".to_string()
        } else {
            check.violations.iter().map(|v| v.message.as_str()).collect::<Vec<_>>().join("; ")
        };
        return (Some(parsed.join(", ")), check.valid && possible, note);
    }
    let lower = response.to_lowercase();
    if IMPOSSIBLE_PHRASES.iter().any(|p| lower.contains(p)) {
        let note = if possible {
            "an assignment exists (see the expected answer)".to_string()
        } else {
            "correct: the solver proves no assignment exists".to_string()
        };
        return (Some("impossible".to_string()), !possible, note);
    }
    (None, false, "found neither an assignment (“Name: Room”) nor “impossible”".to_string())
}

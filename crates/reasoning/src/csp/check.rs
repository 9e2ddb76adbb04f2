//! Checking a proposed assignment against every constraint, and saying in words what each broken
//! one is and why, so a reader can see where a model went wrong rather than only that it did.

use serde::Serialize;

use super::assignment::{self, Entry, Named};
use super::names::did_you_mean;
use super::parse::ParseError;
use super::problem::{join_names, Problem, Rule};
use super::solve::Placement;

/// One thing wrong with an assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// The problem line of the broken constraint (the `people:` line for "has no room", the
    /// `rooms:` line for capacity), or `None` for a name the problem does not have.
    pub problem_line: Option<usize>,
    /// That line's text, or what the rule is when there is no line.
    pub constraint: String,
    /// The answer line at fault, when one line is.
    pub answer_line: Option<usize>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// True when everyone has exactly one room and nothing is broken.
    pub valid: bool,
    /// The rooms read from the answer, in the order the people were declared.
    pub placements: Vec<Placement>,
    pub violations: Vec<Violation>,
}

/// Reads `text` strictly (every non-blank line must be an assignment) and checks it. Accepted:
/// `Ana: Red`, `Ana -> Red`, `Ana = Red`, `Ana in Red`, `Ana is in the Red room`, several per line
/// split by commas or semicolons, or grouped by room (`Red: Ana, Ben`, `Blue: Cai and Dee`); names
/// match ignoring case; bullets, numbering and `**bold**` are ignored.
pub fn check_assignment(problem: &Problem, text: &str) -> Result<Check, ParseError> {
    Ok(check_entries(problem, &assignment::entries(problem, text, false)?))
}

/// Reads what it can of `text` (lines that are not assignments are skipped, and so are entries
/// that name neither a person nor a room of the problem) and checks it. For grading replies that
/// wrap the answer in prose.
pub fn check_assignment_lenient(problem: &Problem, text: &str) -> Check {
    let entries = assignment::entries(problem, text, true).unwrap_or_default();
    check_entries(problem, &entries)
}

fn check_entries(problem: &Problem, entries: &[Entry]) -> Check {
    let mut rooms_of: Vec<Option<(usize, usize)>> = vec![None; problem.people.len()];
    let mut violations = Vec::new();
    let room_names = || problem.rooms.iter().map(|r| r.name.as_str());
    for entry in entries {
        let answer_line = Some(entry.line);
        match (&entry.person, &entry.room) {
            (Named::Unknown(person), _) => violations.push(Violation {
                problem_line: None,
                constraint: "names come from the problem".to_string(),
                answer_line,
                message: format!(
                    "{person} is not a person in the problem{}",
                    did_you_mean(person, problem.people.iter().map(String::as_str))
                ),
            }),
            (Named::Known(person), Named::Unknown(room)) => violations.push(Violation {
                problem_line: None,
                constraint: "names come from the problem".to_string(),
                answer_line,
                message: format!(
                    "{room} (given for {}) is not a room in the problem{}",
                    problem.people[*person],
                    did_you_mean(room, room_names())
                ),
            }),
            (Named::Known(person), Named::Known(room)) => match rooms_of[*person] {
                None => rooms_of[*person] = Some((*room, entry.line)),
                Some((earlier, _)) if earlier == *room => {}
                Some((earlier, earlier_line)) => violations.push(Violation {
                    problem_line: Some(problem.people_line),
                    constraint: "every person is in exactly one room".to_string(),
                    answer_line,
                    message: format!(
                        "{} is placed twice: {} (line {earlier_line}) and {} (line {}); the first counts",
                        problem.people[*person], problem.rooms[earlier].name, problem.rooms[*room].name, entry.line
                    ),
                }),
            },
        }
    }
    let rooms: Vec<Option<usize>> = rooms_of.iter().map(|r| r.map(|(room, _)| room)).collect();
    violations.extend(evaluate(problem, &rooms));
    let placements = rooms
        .iter()
        .enumerate()
        .filter_map(|(person, room)| {
            room.map(|r| Placement { person: problem.people[person].clone(), room: problem.rooms[r].name.clone() })
        })
        .collect();
    Check { valid: violations.is_empty(), placements, violations }
}

/// Every broken rule for `rooms[p]` = person p's room (`None`: no room). A rule over someone with
/// no room is judged on the people who have one; the missing room is reported once, by itself.
pub(super) fn evaluate(problem: &Problem, rooms: &[Option<usize>]) -> Vec<Violation> {
    let mut out = Vec::new();
    let name = |p: usize| problem.people[p].as_str();
    let room_name = |r: usize| problem.rooms[r].name.as_str();
    let mut violation = |line: usize, constraint: &str, message: String| {
        out.push(Violation { problem_line: Some(line), constraint: constraint.to_string(), answer_line: None, message })
    };
    for (person, room) in rooms.iter().enumerate() {
        if room.is_none() {
            violation(problem.people_line, &problem.people_text, format!("{} has no room", name(person)));
        }
    }
    for (index, room) in problem.rooms.iter().enumerate() {
        let Some(capacity) = room.capacity else { continue };
        let inside = members(rooms, index);
        if inside.len() > capacity as usize {
            let names: Vec<&str> = inside.iter().map(|&p| name(p)).collect();
            violation(
                problem.rooms_line,
                &problem.rooms_text,
                format!(
                    "{} holds {} ({}), capacity {capacity}",
                    room.name,
                    people_count(inside.len()),
                    join_names(&names)
                ),
            );
        }
    }
    for constraint in &problem.constraints {
        let mut broken = |message: String| violation(constraint.line, &constraint.text, message);
        match &constraint.rule {
            Rule::Together { people } => {
                let groups = by_room(rooms, people);
                if groups.len() > 1 {
                    let parts: Vec<String> = groups
                        .iter()
                        .map(|(room, group)| {
                            let names: Vec<&str> = group.iter().map(|&p| name(p)).collect();
                            let verb = if group.len() == 1 { "is" } else { "are" };
                            format!("{} {verb} in {}", join_names(&names), room_name(*room))
                        })
                        .collect();
                    broken(format!("not together: {}", parts.join("; ")));
                }
            }
            Rule::Apart { people } => {
                for (room, group) in by_room(rooms, people) {
                    if group.len() > 1 {
                        let names: Vec<&str> = group.iter().map(|&p| name(p)).collect();
                        let all = if group.len() == 2 { "both" } else { "all" };
                        broken(format!("{} are {all} in {}", join_names(&names), room_name(room)));
                    }
                }
            }
            Rule::In { person, rooms: allowed } => {
                if let Some(room) = rooms[*person] {
                    if !allowed.contains(&room) {
                        let allowed: Vec<&str> = allowed.iter().map(|&r| room_name(r)).collect();
                        broken(format!("{} is in {}, not {}", name(*person), room_name(room), allowed.join(" or ")));
                    }
                }
            }
            Rule::NotIn { person, rooms: barred } => {
                if let Some(room) = rooms[*person] {
                    if barred.contains(&room) {
                        broken(format!("{} is in {}", name(*person), room_name(room)));
                    }
                }
            }
            Rule::AtLeast { room, count } => {
                let inside = members(rooms, *room).len();
                if inside < *count as usize {
                    broken(format!("{} holds {}, at least {count} needed", room_name(*room), people_count(inside)));
                }
            }
        }
    }
    out
}

/// True when the complete assignment `rooms` (person p in room `rooms[p]`) breaks no rule: the
/// verdict of [`evaluate`] without its messages, for counting, where it runs once per candidate.
pub(super) fn satisfies(problem: &Problem, rooms: &[usize]) -> bool {
    let mut inside = vec![0usize; problem.rooms.len()];
    for &room in rooms {
        match inside.get_mut(room) {
            Some(count) => *count += 1,
            None => return false,
        }
    }
    let room_of = |p: usize| rooms.get(p).copied();
    let fits = problem.rooms.iter().zip(&inside).all(|(room, &n)| room.capacity.is_none_or(|c| n <= c as usize));
    // For `apart`: the last constraint (numbered from 1) that saw each room, so no clearing is needed.
    let mut seen_by = vec![0usize; problem.rooms.len()];
    fits && problem.constraints.iter().enumerate().all(|(index, constraint)| match &constraint.rule {
        Rule::Together { people } => people.windows(2).all(|pair| room_of(pair[0]) == room_of(pair[1])),
        Rule::Apart { people } => people.iter().all(|&p| match room_of(p).and_then(|r| seen_by.get_mut(r)) {
            Some(mark) if *mark == index + 1 => false,
            Some(mark) => {
                *mark = index + 1;
                true
            }
            None => false,
        }),
        Rule::In { person, rooms: allowed } => room_of(*person).is_some_and(|r| allowed.contains(&r)),
        Rule::NotIn { person, rooms: barred } => room_of(*person).is_some_and(|r| !barred.contains(&r)),
        Rule::AtLeast { room, count } => inside.get(*room).is_some_and(|&n| n >= *count as usize),
    })
}

fn members(rooms: &[Option<usize>], room: usize) -> Vec<usize> {
    (0..rooms.len()).filter(|&p| rooms[p] == Some(room)).collect()
}

/// The placed people of `people`, grouped by room in order of first appearance.
fn by_room(rooms: &[Option<usize>], people: &[usize]) -> Vec<(usize, Vec<usize>)> {
    let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
    for &person in people {
        let Some(room) = rooms[person] else { continue };
        match groups.iter_mut().find(|(r, _)| *r == room) {
            Some((_, group)) => group.push(person),
            None => groups.push((room, vec![person])),
        }
    }
    groups
}

fn people_count(n: usize) -> String {
    if n == 1 {
        "1 person".to_string()
    } else {
        format!("{n} people")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csp::{parse, EXAMPLE};

    fn messages(text: &str) -> Vec<String> {
        let problem = parse(EXAMPLE).unwrap_or_else(|e| panic!("{e}"));
        let check = check_assignment(&problem, text).unwrap_or_else(|e| panic!("{e}"));
        check.violations.into_iter().map(|v| v.message).collect()
    }

    #[test]
    fn messages_say_what_is_wrong() {
        let got = messages("Ana: Red, Ben: Red, Cai: Red, Dee: Red, Zed: Blue");
        assert!(got.contains(&"Zed is not a person in the problem".to_string()), "{got:?}");
        assert!(got.contains(&"Eli has no room".to_string()), "{got:?}");
        assert!(got.iter().any(|m| m.starts_with("Red holds 4 people")), "{got:?}");
        assert!(got.contains(&"Ana and Cai are both in Red".to_string()), "{got:?}");
    }
}

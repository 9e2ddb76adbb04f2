//! Solving: one SAT call finds an assignment or proves there is none, then [`super::count`]
//! counts the rest. Pigeonhole cases are answered by counting first, because a CDCL solver's
//! proof of them takes exponential time.

use num_bigint::BigUint;
use serde::{Deserialize, Serialize};

use super::count::{solve_under, walk, Outcome};
use super::encode::{self, SolverSink};
use super::problem::{Problem, Rule};

/// The count the page asks for; enough for any problem of a few people and rooms.
pub const DEFAULT_COUNT_LIMIT: u64 = 100_000;
/// Solutions kept to show beside the count.
pub const SHOWN_SOLUTIONS: usize = 20;
/// Work limits for one call of [`solve`], in place of a clock (the core has none): conflicts bound
/// the search inside one SAT call, propagations bound the many calls of a count. Problems of a
/// few dozen people stay far below both; at a limit the answer says so rather than guessing.
/// About 2 s of a hard search in a release build, and far more than any problem of a few people needs.
pub const MAX_CONFLICTS: u64 = 50_000;
/// Up to about 3 s of counting for the largest problems in a release build (each call propagates
/// every assumption again); 100,000 solutions of 11 people take about 0.2 s.
pub const MAX_PROPAGATIONS: u64 = 10_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Satisfiable,
    /// The solver proved that no assignment satisfies every constraint.
    Impossible,
    /// The solver reached [`MAX_CONFLICTS`] without an answer.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    pub person: String,
    pub room: String,
}

/// Everyone's room, in the order the people were declared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub placements: Vec<Placement>,
}

impl Assignment {
    /// `Ana: Red` lines, a form [`super::check_assignment`] reads back.
    pub fn to_text(&self) -> String {
        self.placements.iter().map(|p| format!("{}: {}\n", p.person, p.room)).collect()
    }

    /// `Ana: Red, Ben: Red` on one line, also readable by [`super::check_assignment`].
    pub fn to_line(&self) -> String {
        self.placements.iter().map(|p| format!("{}: {}", p.person, p.room)).collect::<Vec<_>>().join(", ")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Solution {
    pub status: Status,
    /// The first assignment found, when there is one.
    pub assignment: Option<Assignment>,
    /// Distinct assignments found (two differ when someone's room differs).
    pub count: u64,
    /// True when the solver proved there are no more than `count`.
    pub complete: bool,
    /// The limit the count ran under (the one asked for, at least 1).
    pub count_limit: u64,
    /// The first [`SHOWN_SOLUTIONS`] assignments found.
    pub examples: Vec<Assignment>,
    /// rooms^people: every way to place everyone, constraints ignored, exactly in decimal.
    pub search_space: String,
    pub search_space_log10: f64,
    pub variables: u64,
    pub clauses: u64,
    /// Why the answer came without the solver (a counting argument), or why the count stopped
    /// early (a work limit); `None` otherwise.
    pub note: Option<String>,
}

/// Solves `problem` and counts its solutions up to `count_limit` (at least 1 is always searched
/// for, so satisfiability is always decided).
pub fn solve(problem: &Problem, count_limit: u64) -> Solution {
    let people = problem.people.len();
    let rooms = problem.rooms.len();
    let limit = count_limit.max(1);
    let mut sink = SolverSink::new(problem, MAX_CONFLICTS);
    // The parser already checked that the encoding fits; a second check here would change nothing.
    let _ = encode::encode(problem, &mut sink);
    let search_space = BigUint::from(rooms).pow(u32::try_from(people).unwrap_or(u32::MAX)).to_string();
    let mut solution = Solution {
        status: Status::Impossible,
        assignment: None,
        count: 0,
        complete: true,
        count_limit: limit,
        examples: Vec::new(),
        search_space,
        search_space_log10: people as f64 * (rooms as f64).log10(),
        variables: sink.num_vars(),
        clauses: sink.clauses,
        note: None,
    };
    if let Some(reason) = pigeonhole(problem) {
        solution.note = Some(reason);
        return solution;
    }
    match solve_under(problem, &mut sink, &[]) {
        Outcome::Impossible => return solution,
        Outcome::Unknown => {
            solution.status = Status::Unknown;
            solution.complete = false;
            solution.note = Some(format!("the solver stopped after {MAX_CONFLICTS} conflicts without an answer"));
            return solution;
        }
        Outcome::Model(model) => {
            solution.status = Status::Satisfiable;
            solution.assignment = Some(to_assignment(problem, &model));
            walk(problem, &mut sink, model, limit, &mut solution);
        }
    }
    solution
}

/// A proof of impossibility by counting, for the cases where a CDCL solver's proof would take
/// exponential time (the pigeonhole principle): more people than places, or an `apart` group
/// larger than the number of rooms.
fn pigeonhole(problem: &Problem) -> Option<String> {
    let people = problem.people.len();
    let places: usize = (0..problem.rooms.len()).map(|room| problem.capacity_of(room)).sum();
    if places < people {
        return Some(format!("impossible by counting: the rooms hold {places} people in all, fewer than {people}"));
    }
    problem.constraints.iter().find_map(|constraint| match &constraint.rule {
        Rule::Apart { people: group } if group.len() > problem.rooms.len() => Some(format!(
            "impossible by counting: line {} puts {} people in different rooms, but there are {} rooms",
            constraint.line,
            group.len(),
            problem.rooms.len()
        )),
        _ => None,
    })
}

pub(super) fn to_assignment(problem: &Problem, rooms_of: &[usize]) -> Assignment {
    let placements = problem
        .people
        .iter()
        .zip(rooms_of)
        .map(|(person, &room)| Placement {
            person: person.clone(),
            room: problem.rooms.get(room).map_or_else(String::new, |r| r.name.clone()),
        })
        .collect();
    Assignment { placements }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csp::parse;

    #[test]
    fn two_people_two_rooms_apart_has_two_solutions() {
        let problem = parse("people: A, B\nrooms: X, Y\napart: A, B").unwrap_or_else(|e| panic!("{e}"));
        let solution = solve(&problem, 100);
        assert_eq!((solution.status, solution.count, solution.complete), (Status::Satisfiable, 2, true));
        assert_eq!(solution.search_space, "4");
    }

    #[test]
    fn a_count_that_reaches_the_limit_is_not_complete() {
        let problem = parse("people: A, B, C\nrooms: X, Y").unwrap_or_else(|e| panic!("{e}"));
        let solution = solve(&problem, 8);
        assert_eq!((solution.count, solution.complete), (8, true));
        let solution = solve(&problem, 5);
        assert_eq!((solution.count, solution.complete), (5, false));
    }
}

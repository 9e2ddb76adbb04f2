//! Solving and counting: one SAT call finds an assignment or proves there is none; each further
//! call, after a clause that blocks every solution found so far, finds a new one or proves the
//! count complete.

use batsat::{lbool, SolverInterface};
use num_bigint::BigUint;
use serde::Serialize;

use super::encode::{self, Lit, SolverSink};
use super::problem::Problem;

/// The count the page asks for; enough for any problem of a few people and rooms.
pub const DEFAULT_COUNT_LIMIT: u64 = 100_000;
/// Solutions kept to show beside the count.
pub const SHOWN_SOLUTIONS: usize = 20;
/// Each blocked solution costs a clause of one literal per person, so the count limit is lowered
/// to keep these clauses within about 20 MB: 1,000,000 solutions of 5 people, 25,000 of 200.
pub const MAX_BLOCKING_LITERALS: u64 = 5_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Satisfiable,
    /// The solver proved that no assignment satisfies every constraint.
    Impossible,
    /// The solver stopped without an answer (it has no budget set, so this should not occur).
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Placement {
    pub person: String,
    pub room: String,
}

/// Everyone's room, in the order the people were declared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Solution {
    pub status: Status,
    /// The first assignment found, when there is one.
    pub assignment: Option<Assignment>,
    /// Distinct assignments found (two differ when someone's room differs).
    pub count: u64,
    /// True when the solver proved there are no more than `count`.
    pub complete: bool,
    /// The limit the count ran under (the one asked for, lowered by [`MAX_BLOCKING_LITERALS`]).
    pub count_limit: u64,
    /// The first [`SHOWN_SOLUTIONS`] assignments found.
    pub examples: Vec<Assignment>,
    /// rooms^people: every way to place everyone, constraints ignored, exactly in decimal.
    pub search_space: String,
    pub search_space_log10: f64,
    pub variables: u64,
    pub clauses: u64,
}

/// Solves `problem` and counts its solutions up to `count_limit` (at least 1 is always searched
/// for, so satisfiability is always decided).
pub fn solve(problem: &Problem, count_limit: u64) -> Solution {
    let people = problem.people.len();
    let rooms = problem.rooms.len();
    let per_solution = (people as u64).max(1);
    let limit = count_limit.clamp(1, (MAX_BLOCKING_LITERALS / per_solution).max(1));
    let mut sink = SolverSink::new(problem);
    // The parser already checked that the encoding fits; a second check here would change nothing.
    let _ = encode::encode(problem, &mut sink);
    let variables = sink.num_vars();
    let clauses = sink.clauses;

    let mut status = Status::Impossible;
    let mut count = 0u64;
    let mut complete = false;
    let mut examples = Vec::new();
    let mut first = None;
    loop {
        let result = sink.solver.solve_limited(&[]);
        if result == lbool::FALSE {
            complete = true;
            break;
        }
        if result != lbool::TRUE {
            if count == 0 {
                status = Status::Unknown;
            }
            break;
        }
        if count == limit {
            break;
        }
        status = Status::Satisfiable;
        let rooms_of = model_rooms(problem, &sink);
        let assignment = to_assignment(problem, &rooms_of);
        if first.is_none() {
            first = Some(assignment.clone());
        }
        if examples.len() < SHOWN_SOLUTIONS {
            examples.push(assignment);
        }
        count += 1;
        let blocking: Vec<Lit> = rooms_of
            .iter()
            .enumerate()
            .map(|(person, &room)| Lit::pos(encode::x(problem, person, room)).negated())
            .collect();
        encode::Sink::clause(&mut sink, &blocking);
    }
    let search_space = BigUint::from(rooms).pow(u32::try_from(people).unwrap_or(u32::MAX)).to_string();
    Solution {
        status,
        assignment: first,
        count,
        complete,
        count_limit: limit,
        examples,
        search_space,
        search_space_log10: people as f64 * (rooms as f64).log10(),
        variables,
        clauses,
    }
}

/// Each person's room in the solver's model. Exactly one `x` per person is true in any model; the
/// first true one is taken all the same, so a broken encoding could not index out of range.
fn model_rooms(problem: &Problem, sink: &SolverSink) -> Vec<usize> {
    let rooms = problem.rooms.len();
    (0..problem.people.len())
        .map(|person| {
            (0..rooms)
                .find(|&room| {
                    sink.lit(Lit::pos(encode::x(problem, person, room)))
                        .is_some_and(|lit| sink.solver.value_lit(lit) == lbool::TRUE)
                })
                .unwrap_or(0)
        })
        .collect()
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

//! Solving and counting. One SAT call finds an assignment or proves there is none. Counting walks
//! the tree of partial assignments (person 0's room, then person 1's, …) depth first, asking the
//! solver under assumptions whether each branch can be completed; a branch the current model
//! already completes needs no call, and a branch that cannot be completed is cut whole.
//!
//! Why not blocking clauses (add "not this solution" after each one and solve again): every
//! blocking clause is watched by every later call, so the work grows with the square of the count;
//! 59,049 solutions took 6.8 s that way and 100,000 took 21 s (release build). The walk keeps the
//! clause set fixed, so its cost grows with the count, and the solver's learnt clauses stay valid
//! throughout.

use batsat::{lbool, SolverInterface};
use num_bigint::BigUint;
use serde::Serialize;

use super::encode::{self, Lit, SolverSink};
use super::problem::{Problem, Rule};

/// The count the page asks for; enough for any problem of a few people and rooms.
pub const DEFAULT_COUNT_LIMIT: u64 = 100_000;
/// Solutions kept to show beside the count.
pub const SHOWN_SOLUTIONS: usize = 20;
/// Work limits for one call of [`solve`], in place of a clock (the core has none): conflicts bound
/// the search inside one SAT call, propagations bound the many calls of a count. Problems of a
/// few dozen people stay far below both; at a limit the answer says so rather than guessing.
pub const MAX_CONFLICTS: u64 = 200_000;
pub const MAX_PROPAGATIONS: u64 = 50_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Satisfiable,
    /// The solver proved that no assignment satisfies every constraint.
    Impossible,
    /// The solver reached [`MAX_CONFLICTS`] without an answer.
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

enum Outcome {
    Model(Vec<usize>),
    Impossible,
    Unknown,
}

/// One SAT call with person `i` assumed in room `prefix[i]`.
fn solve_under(problem: &Problem, sink: &mut SolverSink, prefix: &[usize]) -> Outcome {
    let assumptions: Vec<batsat::Lit> = prefix
        .iter()
        .enumerate()
        .filter_map(|(person, &room)| sink.lit(Lit::pos(encode::x(problem, person, room))))
        .collect();
    let result = sink.solver.solve_limited(&assumptions);
    if result == lbool::TRUE {
        Outcome::Model(model_rooms(problem, sink))
    } else if result == lbool::FALSE {
        Outcome::Impossible
    } else {
        Outcome::Unknown
    }
}

/// A node of the walk: persons before `depth` are fixed by the prefix, `model` completes them,
/// and rooms below `next_room` have been tried for person `depth`.
struct Node {
    model: Vec<usize>,
    next_room: usize,
}

/// Depth-first walk over partial assignments, counting complete ones, until the tree is done
/// (count complete) or one more than `limit` is found (count not complete). An explicit stack
/// keeps 200 people from meaning 200 nested calls.
fn walk(problem: &Problem, sink: &mut SolverSink, first: Vec<usize>, limit: u64, solution: &mut Solution) {
    let people = problem.people.len();
    let rooms = problem.rooms.len();
    let mut prefix: Vec<usize> = Vec::with_capacity(people);
    let mut stack = vec![Node { model: first, next_room: 0 }];
    while let Some(node) = stack.last_mut() {
        let depth = prefix.len();
        if depth == people || node.next_room == rooms {
            if depth == people {
                if solution.count == limit {
                    solution.complete = false;
                    return;
                }
                solution.count += 1;
                if solution.examples.len() < SHOWN_SOLUTIONS {
                    solution.examples.push(to_assignment(problem, &node.model));
                }
            }
            stack.pop();
            prefix.pop();
            continue;
        }
        if sink.solver.num_propagations() > MAX_PROPAGATIONS {
            solution.complete = false;
            solution.note = Some(format!("the count stopped at the work limit of {MAX_PROPAGATIONS} propagations"));
            return;
        }
        let room = node.next_room;
        node.next_room += 1;
        let child = if node.model[depth] == room {
            Some(node.model.clone())
        } else {
            prefix.push(room);
            let outcome = solve_under(problem, sink, &prefix);
            prefix.pop();
            match outcome {
                Outcome::Model(model) => Some(model),
                Outcome::Impossible => None,
                Outcome::Unknown => {
                    solution.complete = false;
                    solution.note = Some(format!("the count stopped at the work limit of {MAX_CONFLICTS} conflicts"));
                    return;
                }
            }
        };
        if let Some(model) = child {
            prefix.push(room);
            stack.push(Node { model, next_room: 0 });
        }
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

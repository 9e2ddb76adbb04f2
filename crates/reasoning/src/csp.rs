//! Room-assignment constraint problems ("assign 5 people to 3 rooms with constraints"): a small text
//! format, an exact solver that hands a SAT encoding to batsat and counts every solution, and a
//! checker that names each constraint a proposed assignment breaks.
//!
//! The format, one statement per line (`#` starts a comment, keywords ignore case, names do not):
//!
//! ```text
//! people: Ana, Ben, Cai, Dee, Eli
//! rooms: Red (2), Blue (2), Green (1)   # capacity in parentheses; none means unlimited
//! together: Ana, Ben                     # all listed share one room
//! apart: Ana, Cai                        # no two listed share a room
//! in: Dee, Red | Blue                    # Dee is in one of the rooms listed
//! not in: Eli, Green                     # Eli is in none of the rooms listed
//! at least: Blue, 1                      # Blue holds at least 1 person
//! ```
//!
//! Why a SAT solver rather than a search written here: "impossible" is then a proof, not the end
//! of a search that might have a bug, and the same solver, asked under assumptions, counts the
//! solutions.

mod assignment;
mod check;
mod count;
mod encode;
mod examples;
pub(crate) mod names;
mod parse;
mod problem;
mod solve;

pub use check::{check_assignment, check_assignment_lenient, Check, Violation};
pub use examples::{EXAMPLE, EXAMPLE_SOLUTION_COUNT, IMPOSSIBLE_EXAMPLE};
pub use parse::{parse, ParseError};
pub use problem::{
    Constraint, Problem, Room, Rule, MAX_CLAUSES, MAX_CONSTRAINTS, MAX_INPUT_BYTES, MAX_NAME_CHARS, MAX_PEOPLE,
    MAX_ROOMS,
};
pub use solve::{solve, Assignment, Placement, Solution, Status, DEFAULT_COUNT_LIMIT, SHOWN_SOLUTIONS};

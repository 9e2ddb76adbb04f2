//! `frontier csp FILE`: a room-assignment problem in the text format of
//! `frontier_reasoning::csp` solved by a SAT solver: whether it can be done, how many ways
//! (exactly, up to `--limit`), the first solutions, and with `--check FILE` what a proposed
//! assignment breaks.

use clap::Args as ClapArgs;
use frontier_reasoning::csp::{check_assignment, parse, solve, DEFAULT_COUNT_LIMIT};
use serde_json::{json, Value};

use crate::cot::read_input;
use crate::UsageError;

#[derive(ClapArgs)]
pub struct Args {
    /// The problem (`people:`, `rooms:`, `together:`, `apart:`, `in:`, `not in:`), or `-`.
    file: String,
    /// Stop counting solutions after this many (the count is then a lower bound).
    #[arg(long, default_value_t = DEFAULT_COUNT_LIMIT)]
    limit: u64,
    /// A proposed assignment ("Ana: Red" per line) to check against the constraints.
    #[arg(long)]
    check: Option<String>,
}

pub fn run(args: &Args) -> Result<Value, UsageError> {
    let text = read_input(&args.file)?;
    let problem = parse(&text).map_err(|e| UsageError(format!("{}: {e}", args.file)))?;
    let solution = solve(&problem, args.limit);
    // The solver's fields at the top level ("status", "count", "complete", "examples", ...).
    let mut out = serde_json::to_value(&solution).map_err(|e| UsageError(e.to_string()))?;
    out["people"] = json!(problem.people().len());
    out["rooms"] = json!(problem.rooms().len());
    if let Some(path) = &args.check {
        let proposed = read_input(path)?;
        let check = check_assignment(&problem, &proposed).map_err(|e| UsageError(format!("{path}: {e}")))?;
        out["check"] = serde_json::to_value(check).map_err(|e| UsageError(e.to_string()))?;
    }
    Ok(out)
}

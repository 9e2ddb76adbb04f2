//! The SAT encoding. Variable `x[p][r]` (index `p * rooms + r`) says person `p` is in room `r`;
//! every other variable is an auxiliary of a counter. Clauses go to a [`Sink`]: the solver, or a
//! counter that the parser uses to refuse problems too big to solve before any memory is spent.
//!
//! Cardinality: "at most k of these" is Sinz's sequential counter (Sinz 2005, "Towards an optimal
//! CNF encoding of Boolean cardinality constraints", LT_SEQ): (n − 1)·k auxiliaries and about 2nk
//! clauses, against C(n, k+1) clauses for the naive encoding. "At least k" is "at most n − k" of
//! the negations. For "at most one" of six or fewer, the pairwise encoding is smaller.

use batsat::{ClauseKind, SolverInterface};

use super::problem::{Problem, Rule};

/// A literal over variable indices of the encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Lit {
    pub var: u32,
    pub positive: bool,
}

impl Lit {
    pub fn pos(var: u32) -> Self {
        Self { var, positive: true }
    }

    pub fn negated(self) -> Self {
        Self { var: self.var, positive: !self.positive }
    }
}

/// Where clauses go.
pub(super) trait Sink {
    /// A new auxiliary variable.
    fn fresh(&mut self) -> u32;
    fn clause(&mut self, lits: &[Lit]);
    /// True once the sink wants no more clauses (the size check stops early).
    fn full(&self) -> bool {
        false
    }
}

/// The variable "person `person` is in room `room`".
pub(super) fn x(problem: &Problem, person: usize, room: usize) -> u32 {
    u32::try_from(person * problem.rooms.len() + room).unwrap_or(u32::MAX)
}

/// Encodes the whole problem. Parts go in order (people, capacities, then each constraint); if the
/// sink is full after a part, the line of that part comes back as the error.
pub(super) fn encode<S: Sink>(problem: &Problem, sink: &mut S) -> Result<(), usize> {
    let people = problem.people.len();
    let rooms = problem.rooms.len();
    for person in 0..people {
        let lits: Vec<Lit> = (0..rooms).map(|room| Lit::pos(x(problem, person, room))).collect();
        sink.clause(&lits);
        at_most(sink, &lits, 1);
        if sink.full() {
            return Err(problem.people_line);
        }
    }
    for room in 0..rooms {
        if problem.rooms[room].capacity.is_some() {
            let lits: Vec<Lit> = (0..people).map(|person| Lit::pos(x(problem, person, room))).collect();
            at_most(sink, &lits, problem.capacity_of(room));
        }
        if sink.full() {
            return Err(problem.rooms_line);
        }
    }
    for constraint in &problem.constraints {
        encode_rule(problem, sink, &constraint.rule);
        if sink.full() {
            return Err(constraint.line);
        }
    }
    Ok(())
}

fn encode_rule<S: Sink>(problem: &Problem, sink: &mut S, rule: &Rule) {
    let rooms = problem.rooms.len();
    match rule {
        Rule::Together { people } => {
            for pair in people.windows(2) {
                for room in 0..rooms {
                    let a = Lit::pos(x(problem, pair[0], room));
                    let b = Lit::pos(x(problem, pair[1], room));
                    sink.clause(&[a.negated(), b]);
                    sink.clause(&[b.negated(), a]);
                }
            }
        }
        Rule::Apart { people } => {
            for room in 0..rooms {
                let lits: Vec<Lit> = people.iter().map(|&p| Lit::pos(x(problem, p, room))).collect();
                at_most(sink, &lits, 1);
            }
        }
        Rule::In { person, rooms: allowed } => {
            let lits: Vec<Lit> = allowed.iter().map(|&r| Lit::pos(x(problem, *person, r))).collect();
            sink.clause(&lits);
        }
        Rule::NotIn { person, rooms: barred } => {
            for &room in barred {
                sink.clause(&[Lit::pos(x(problem, *person, room)).negated()]);
            }
        }
        Rule::AtLeast { room, count } => {
            let lits: Vec<Lit> = (0..problem.people.len()).map(|p| Lit::pos(x(problem, p, *room))).collect();
            at_least(sink, &lits, *count as usize);
        }
    }
}

/// At most `k` of `lits` are true.
pub(super) fn at_most<S: Sink>(sink: &mut S, lits: &[Lit], k: usize) {
    let n = lits.len();
    if k >= n {
        return;
    }
    if k == 0 {
        for lit in lits {
            sink.clause(&[lit.negated()]);
        }
        return;
    }
    if k == 1 && n <= 6 {
        for (i, a) in lits.iter().enumerate() {
            for b in &lits[i + 1..] {
                sink.clause(&[a.negated(), b.negated()]);
            }
        }
        return;
    }
    // s[i][j]: at least j + 1 of lits[0..=i] are true (forced upward only, which is all LT_SEQ needs).
    let s: Vec<Vec<Lit>> = (0..n - 1).map(|_| (0..k).map(|_| Lit::pos(sink.fresh())).collect()).collect();
    sink.clause(&[lits[0].negated(), s[0][0]]);
    for aux in &s[0][1..] {
        sink.clause(&[aux.negated()]);
    }
    for i in 1..n - 1 {
        sink.clause(&[lits[i].negated(), s[i][0]]);
        sink.clause(&[s[i - 1][0].negated(), s[i][0]]);
        for j in 1..k {
            sink.clause(&[lits[i].negated(), s[i - 1][j - 1].negated(), s[i][j]]);
            sink.clause(&[s[i - 1][j].negated(), s[i][j]]);
        }
        sink.clause(&[lits[i].negated(), s[i - 1][k - 1].negated()]);
    }
    sink.clause(&[lits[n - 1].negated(), s[n - 2][k - 1].negated()]);
}

/// At least `k` of `lits` are true; more than there are is the empty clause (unsatisfiable).
pub(super) fn at_least<S: Sink>(sink: &mut S, lits: &[Lit], k: usize) {
    if k == 0 {
        return;
    }
    if k > lits.len() {
        sink.clause(&[]);
        return;
    }
    let negated: Vec<Lit> = lits.iter().map(|l| l.negated()).collect();
    at_most(sink, &negated, lits.len() - k);
}

/// Counts variables and clauses without storing them.
struct Counter {
    vars: u64,
    clauses: u64,
    limit: u64,
}

impl Sink for Counter {
    fn fresh(&mut self) -> u32 {
        self.vars += 1;
        u32::try_from(self.vars - 1).unwrap_or(u32::MAX)
    }

    fn clause(&mut self, _lits: &[Lit]) {
        self.clauses += 1;
    }

    fn full(&self) -> bool {
        self.clauses > self.limit
    }
}

/// `Err(line)` if encoding the problem takes more than `max_clauses` clauses.
pub(super) fn fits(problem: &Problem, max_clauses: u64) -> Result<(), usize> {
    let base = (problem.people.len() * problem.rooms.len()) as u64;
    encode(problem, &mut Counter { vars: base, clauses: 0, limit: max_clauses })
}

/// Stops the solver after `limit` conflicts in all, over every call: the core has no clock, and
/// some unsatisfiable problems (pigeonhole-like ones) take any CDCL solver exponential time.
#[derive(Debug, Clone, Copy)]
pub(super) struct Budget {
    pub conflicts: u64,
    pub limit: u64,
}

impl batsat::Callbacks for Budget {
    fn on_new_clause(&mut self, _clause: &[batsat::Lit], kind: ClauseKind) {
        if matches!(kind, ClauseKind::Learnt) {
            self.conflicts += 1;
        }
    }

    fn stop(&self) -> bool {
        self.conflicts >= self.limit
    }
}

/// Clauses straight into batsat.
pub(super) struct SolverSink {
    pub solver: batsat::Solver<Budget>,
    vars: Vec<batsat::Var>,
    buffer: Vec<batsat::Lit>,
    pub clauses: u64,
}

impl SolverSink {
    /// A solver with the `x` variables of `problem` already made, stopping after `max_conflicts`.
    pub fn new(problem: &Problem, max_conflicts: u64) -> Self {
        let budget = Budget { conflicts: 0, limit: max_conflicts };
        let mut solver = batsat::Solver::new(batsat::SolverOpts::default(), budget);
        let base = problem.people.len() * problem.rooms.len();
        let vars = (0..base).map(|_| solver.new_var_default()).collect();
        Self { solver, vars, buffer: Vec::new(), clauses: 0 }
    }

    pub fn lit(&self, lit: Lit) -> Option<batsat::Lit> {
        self.vars.get(lit.var as usize).map(|&var| batsat::Lit::new(var, lit.positive))
    }

    pub fn num_vars(&self) -> u64 {
        self.vars.len() as u64
    }
}

impl Sink for SolverSink {
    fn fresh(&mut self) -> u32 {
        let var = self.solver.new_var_default();
        self.vars.push(var);
        u32::try_from(self.vars.len() - 1).unwrap_or(u32::MAX)
    }

    fn clause(&mut self, lits: &[Lit]) {
        let mut buffer = std::mem::take(&mut self.buffer);
        buffer.clear();
        buffer.extend(lits.iter().filter_map(|&l| self.lit(l)));
        self.solver.add_clause_reuse(&mut buffer);
        self.buffer = buffer;
        self.clauses += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use batsat::{lbool, BasicSolver};

    /// Counts the assignments of `n` inputs allowed by `at_most(k)` by enumerating all 2^n input
    /// patterns as assumptions; the counter must allow exactly the patterns with at most k ones.
    fn allowed_patterns(n: usize, k: usize, at_least_mode: bool) -> Vec<u32> {
        let mut allowed = Vec::new();
        for pattern in 0u32..(1 << n) {
            let mut sink = TestSink::new(n);
            let lits: Vec<Lit> = (0..n as u32).map(Lit::pos).collect();
            if at_least_mode {
                at_least(&mut sink, &lits, k);
            } else {
                at_most(&mut sink, &lits, k);
            }
            let assumptions: Vec<batsat::Lit> =
                (0..n).map(|i| batsat::Lit::new(sink.vars[i], pattern & (1 << i) != 0)).collect();
            if sink.solver.solve_limited(&assumptions) == lbool::TRUE {
                allowed.push(pattern);
            }
        }
        allowed
    }

    struct TestSink {
        solver: BasicSolver,
        vars: Vec<batsat::Var>,
    }

    impl TestSink {
        fn new(n: usize) -> Self {
            let mut solver = BasicSolver::default();
            let vars = (0..n).map(|_| solver.new_var_default()).collect();
            Self { solver, vars }
        }
    }

    impl Sink for TestSink {
        fn fresh(&mut self) -> u32 {
            self.vars.push(self.solver.new_var_default());
            (self.vars.len() - 1) as u32
        }

        fn clause(&mut self, lits: &[Lit]) {
            let mut c: Vec<batsat::Lit> =
                lits.iter().map(|l| batsat::Lit::new(self.vars[l.var as usize], l.positive)).collect();
            self.solver.add_clause_reuse(&mut c);
        }
    }

    #[test]
    fn sequential_counter_allows_exactly_the_patterns_with_at_most_k_ones() {
        for n in 1..=7 {
            for k in 0..=n {
                let expected: Vec<u32> = (0u32..(1 << n)).filter(|p| p.count_ones() as usize <= k).collect();
                assert_eq!(allowed_patterns(n, k, false), expected, "at most {k} of {n}");
            }
        }
    }

    #[test]
    fn at_least_allows_exactly_the_patterns_with_k_or_more_ones() {
        for n in 1..=6 {
            for k in 0..=n + 1 {
                let expected: Vec<u32> = (0u32..(1 << n)).filter(|p| p.count_ones() as usize >= k).collect();
                assert_eq!(allowed_patterns(n, k, true), expected, "at least {k} of {n}");
            }
        }
    }
}

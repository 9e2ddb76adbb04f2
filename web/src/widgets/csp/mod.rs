//! The constraint solver: a room-assignment problem in a small text format, solved by a SAT
//! solver in the page. It says whether the problem can be done (a proof when it cannot), counts
//! the ways, lists them, and checks a model's proposed assignment constraint by constraint.

use std::sync::Arc;

use frontier_reasoning::csp::{check_assignment, parse, Check, Problem, Solution, EXAMPLE, IMPOSSIBLE_EXAMPLE};
use frontier_state::{CompactView, Control, WidgetMeta, WidgetState};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::framework::choice::Choice;
use crate::framework::frame::{ExportItem, WidgetFrame};
use crate::framework::host::Host;
use crate::framework::widget::Widget;
use crate::framework::shared::Shared;
use crate::framework::worker::{JobOutcome, JobProgress, JobRunner};
use crate::jobs::Job;

/// Solutions counted in the page at most; the command line counts up to 100,000 and more.
const PAGE_COUNT_LIMITS: &[(&str, &str)] = &[("100", "up to 100"), ("1000", "up to 1,000"), ("10000", "up to 10,000")];
const MAX_TEXT_BYTES: usize = 64 << 10;


/// A proposal for the worked example that breaks two constraints.
const EXAMPLE_PROPOSAL: &str = "Ana: Red\nBen: Red\nCai: Blue\nDee: Blue\nEli: Green\n";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CspState {
    pub problem: String,
    /// A model's proposed assignment, to check.
    pub proposal: String,
    pub count_limit: u64,
}

impl CspState {
    pub fn example() -> Self {
        CspState { problem: EXAMPLE.into(), proposal: EXAMPLE_PROPOSAL.into(), count_limit: 1000 }
    }
}

impl WidgetState for CspState {
    const WIDGET_ID: &'static str = <CspWidget as crate::framework::widget::Widget>::META.id;
    const VERSION: u32 = 1;

    fn validate(&self) -> Result<(), String> {
        if self.problem.len() > MAX_TEXT_BYTES || self.proposal.len() > MAX_TEXT_BYTES {
            return Err(format!("problem and proposal: at most {} KB each", MAX_TEXT_BYTES >> 10));
        }
        if !(1..=10_000).contains(&self.count_limit) {
            return Err("count_limit: 1 to 10,000".into());
        }
        Ok(())
    }
}

/// The problem solved, or where it could not be read.
type Solved = Shared<Result<(Problem, Solution), String>>;

/// Where the settled problem stands: read in the page (a linear pass), solved in the worker,
/// since a hard problem runs to the solver's work limits (seconds in wasm).
#[derive(Clone)]
enum Solving {
    /// Parsed; the worker is solving it.
    Running(Shared<Problem>),
    /// Parsed, in an embed, and larger than an embed solves by itself: waits for Solve.
    Waiting(Shared<Problem>),
    Finished(Solved),
}

impl Solving {
    fn problem(&self) -> Option<&Problem> {
        match self {
            Solving::Running(p) | Solving::Waiting(p) => Some(p),
            Solving::Finished(solved) => solved.as_ref().as_ref().ok().map(|(p, _)| p),
        }
    }
}

/// Person–room pairs (the solver's variables) up to which an embed solves by itself: the
/// article's problems have 15; a stranger's embed may hold a problem that keeps a reader's
/// machine busy for seconds, which waits for Solve.
const EMBED_SOLVES_UP_TO: usize = 100;

/// Solves each settled problem in the worker, cancelling the one before. `asked` is bumped by
/// the Solve button of a waiting embed.
fn solve_in_worker(
    settled: RwSignal<(String, u64)>,
    runner: JobRunner,
    embed: bool,
    asked: RwSignal<u32>,
) -> RwSignal<Solving> {
    let solving = RwSignal::new(Solving::Finished(Shared::new(Err(String::new()))));
    Effect::new(move |previous_ask: Option<u32>| {
        let (text, count_limit) = settled.get();
        let ask = asked.get();
        runner.cancel();
        let problem = match parse(&text) {
            Ok(p) => p,
            Err(e) => {
                solving.set(Solving::Finished(Shared::new(Err(e.to_string()))));
                return ask;
            }
        };
        let clicked = previous_ask.is_some_and(|p| p != ask);
        if embed && !clicked && problem.people().len() * problem.rooms().len() > EMBED_SOLVES_UP_TO {
            solving.set(Solving::Waiting(Shared::new(problem)));
            return ask;
        }
        solving.set(Solving::Running(Shared::new(problem.clone())));
        runner.start(&Job::SolveCsp { problem: text, count_limit }, None, move |outcome| {
            let solution = match outcome {
                JobOutcome::Done(json) => serde_json::from_str::<Solution>(&json).map_err(|e| e.to_string()),
                JobOutcome::Failed(e) => Err(e),
            };
            solving.set(Solving::Finished(Shared::new(solution.map(|s| (problem, s)))));
        });
        ask
    });
    solving
}

/// How long the problem must stay unchanged before it is solved again: typing a line does not
/// solve every prefix of it.
const SOLVE_AFTER_MS: u64 = 250;

/// The problem and count limit to solve: they follow the state once it has been quiet for
/// [`SOLVE_AFTER_MS`]. The proposal is not part of them, so checking one never re-solves.
fn settled_problem(state: RwSignal<CspState>) -> RwSignal<(String, u64)> {
    let settled = RwSignal::new(state.with_untracked(|s| (s.problem.clone(), s.count_limit)));
    let pending = StoredValue::new_local(None::<leptos::prelude::TimeoutHandle>);
    Effect::new(move |_| {
        let key = state.with(|s| (s.problem.clone(), s.count_limit));
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        if settled.with_untracked(|k| *k == key) {
            return;
        }
        let wait = std::time::Duration::from_millis(SOLVE_AFTER_MS);
        pending.set_value(leptos::prelude::set_timeout_with_handle(move || settled.set(key), wait).ok());
    });
    settled
}

fn exports(state: RwSignal<CspState>, solving: RwSignal<Solving>) -> Vec<ExportItem> {
    let json = move || -> Result<String, String> {
        let s = state.get_untracked();
        let Solving::Finished(solved) = solving.get_untracked() else {
            return Err("the problem is not solved yet".into());
        };
        let (problem, solution) = solved.as_ref().as_ref().map_err(Clone::clone)?;
        let check = check_assignment(problem, &s.proposal).ok();
        let value = serde_json::json!({ "widget": "csp", "state": s, "solution": solution, "check": check });
        serde_json::to_string_pretty(&value).map_err(|e| e.to_string())
    };
    vec![ExportItem {
        label: "Solution (JSON)",
        filename: "csp.json".into(),
        mime: "application/json",
        make: Arc::new(json),
    }]
}

fn status_line(solution: &Solution) -> String {
    let space = &solution.search_space;
    match (solution.count, solution.complete) {
        (0, _) => format!(
            "Impossible: the SAT solver proved that none of the {space} ways to place everyone meets the constraints."
        ),
        (n, true) => format!("{n} way{} out of {space} meet every constraint.", if n == 1 { "" } else { "s" }),
        (n, false) => format!("At least {n} ways out of {space} (counting stopped at the limit)."),
    }
}

#[component]
fn Solutions(problem: Problem, solution: Solution) -> impl IntoView {
    let people = problem.people().to_vec();
    let header = people.iter().map(|p| view! { <th scope="col">{p.clone()}</th> }).collect_view();
    let rows = solution
        .examples
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let cells = people
                .iter()
                .map(|p| {
                    let room =
                        a.placements.iter().find(|pl| &pl.person == p).map(|pl| pl.room.clone()).unwrap_or_default();
                    view! { <td>{room}</td> }
                })
                .collect_view();
            view! { <tr><th scope="row">{(i + 1).to_string()}</th>{cells}</tr> }
        })
        .collect_view();
    let shown = solution.examples.len();
    view! {
        <div class="table-scroll" tabindex="0">
            <table class="csp-solutions">
                <caption>{format!("The first {shown} solutions found")}</caption>
                <thead><tr><th scope="col">"#"</th>{header}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <p class="hint">{format!("{} variables and {} clauses: one per person and room, exactly one room each, a sequential counter per capacity.", solution.variables, solution.clauses)}</p>
    }
}

#[component]
fn CheckView(check: Result<Check, String>) -> impl IntoView {
    match check {
        Err(e) => view! { <p class="error" role="alert" data-testid="csp-check">{format!("The assignment could not be read: {e}")}</p> }.into_any(),
        Ok(c) if c.valid => view! { <p class="status" data-testid="csp-check">"Valid: everyone has a room and no constraint is broken."</p> }.into_any(),
        Ok(c) => {
            let items = c
                .violations
                .iter()
                .map(|v| {
                    let at = v.problem_line.map(|l| format!("line {l}: ")).unwrap_or_default();
                    view! { <li><strong>{format!("{at}{}", v.constraint)}</strong>" — "{v.message.clone()}</li> }
                })
                .collect_view();
            view! {
                <p class="status" data-testid="csp-check">{format!("Not valid: {} problem{}.", c.violations.len(), if c.violations.len() == 1 { "" } else { "s" })}</p>
                <ul class="csp-violations">{items}</ul>
            }
            .into_any()
        }
    }
}

#[component]
fn Explanation() -> impl IntoView {
    view! {
        <p>"The article's table says models solve \"assign 5 people to 3 rooms with constraints\" about 30% of the time, against 90% for people, and proposes pairing a model with a symbolic verifier such as a SAT solver. This is that verifier. Checking a proposed assignment needs no solver: each constraint is read off. Saying \"impossible\", \"unique\" or \"there are 4 ways\" needs one, because a search written by hand that finds nothing proves nothing if it has a bug."</p>
        <p>"The problem becomes a Boolean formula: a variable for each person and room, clauses that give everyone exactly one room, a sequential counter that keeps each room within its capacity, equalities for \"together\" and exclusions for \"apart\". The batsat solver (a Rust port of MiniSat) finds a solution or proves there is none. To count, the search splits on each person's room in turn and asks the solver whether each branch can still be completed, so it never walks into a branch with no solutions."</p>
        <p>"Format: one statement per line; people: and rooms: (a capacity in parentheses), then together:, apart:, in: (rooms separated by |), not in: and at least:. Lines starting with # are comments."</p>
    }
}

/// The widget as the registry declares it.
pub struct CspWidget;

impl Widget for CspWidget {
    type State = CspState;
    const META: WidgetMeta = WidgetMeta {
        id: "csp",
        problem: "reasoning",
        title: "Constraint solver: people and rooms",
        summary: "Assign people to rooms under constraints: a SAT solver says whether it can be done, counts the ways, and checks a model's answer.",
        intro: "Assign people to rooms under constraints: a SAT solver says whether it can be done, counts the ways, and checks a model's answer.",
        controls: &[
            Control { id: "solutions", label: "Solutions" },
            Control { id: "check", label: "Check an assignment" },
                    Control { id: "problem", label: "The problem" },
        ],
        views: &[
            CompactView { id: "solutions", label: "Whether it can be solved, and how", height_px: 700, shows: &["solutions"] },
        ],
    };

    fn example() -> CspState {
        CspState::example()
    }

    fn explain() -> AnyView {
        view! { <Explanation/> }.into_any()
    }

    fn view(host: Host<CspState>) -> AnyView {
        view! { <CspLab host=host/> }.into_any()
    }

    /// Reading the problem and checking the proposal, each a pass over its text; the solver runs
    /// in the worker, under its conflict and propagation limits.
    fn page_work(s: &CspState) -> frontier_base::work::Work {
        let bytes = (s.problem.len() + s.proposal.len()) as f64;
        frontier_base::work::Work { flop: bytes * 500.0, bytes: 16 * bytes as u64 }
    }

    #[cfg(test)]
    fn open_natively(s: &CspState) {
        if let Ok(problem) = parse(&s.problem) {
            let _ = check_assignment(&problem, &s.proposal);
        }
    }
}

#[component]
fn CspLab(host: Host<CspState>) -> impl IntoView {
    let state = host.state;
    let settled = settled_problem(state);
    let runner = JobRunner::new();
    let asked = RwSignal::new(0_u32);
    let solving = solve_in_worker(settled, runner, host.embed, asked);
    let show = host.shows();
    let show_solutions = show("solutions");
    let limit_id = move || state.with(|s| s.count_limit.to_string());
    let load = move |text: &'static str| move |_| state.update(|s| s.problem = text.into());
    view! {
        <WidgetFrame host=host.clone() exports=exports(state, solving)>
            {show("problem").then(|| view! { <div class="control" data-control="problem">
            <fieldset class="group">
                <legend>"The problem"</legend>
                <div class="field">
                    <label for="csp-problem">"Problem (one statement per line)"</label>
                    <textarea id="csp-problem" class="wide" data-testid="csp-problem" rows="9" spellcheck="false"
                        prop:value=move || state.with(|s| s.problem.clone())
                        on:input=move |ev| state.update(|s| s.problem = event_target_value(&ev))></textarea>
                </div>
                <div class="row">
                    <button type="button" on:click=load(EXAMPLE)>"Five people, three rooms"</button>
                    <button type="button" on:click=load(IMPOSSIBLE_EXAMPLE)>"An impossible one"</button>
                    <Choice id="csp-limit" label="Count solutions" options=PAGE_COUNT_LIMITS value=Signal::derive(limit_id)
                        on_change=Callback::new(move |v: String| state.update(|s| s.count_limit = v.parse().unwrap_or(1000)))/>
                </div>
            </fieldset> </div> })}
            {move || match solving.get() {
                Solving::Running(_) => view! {
                    <p class="status" data-testid="csp-solving">"Solving…"</p>
                    <JobProgress runner=runner label="Solving"/>
                }.into_any(),
                Solving::Waiting(p) => view! {
                    <p class="status" data-testid="csp-waiting">{format!(
                        "{} people and {} rooms: an embed solves a problem this large only when asked (it can take seconds).",
                        p.people().len(), p.rooms().len())}</p>
                    <button type="button" on:click=move |_| asked.update(|n| *n += 1)>"Solve"</button>
                }.into_any(),
                Solving::Finished(solved) => match solved.as_ref() {
                Err(e) if e.is_empty() => ().into_any(),
                Err(e) => view! { <p class="error" role="alert" data-testid="csp-status">{e.clone()}</p> }.into_any(),
                Ok((problem, solution)) => {
                    let (problem, solution) = (problem.clone(), solution.clone());
                    view! {
                        <p class="status" data-testid="csp-status">{status_line(&solution)}</p>
                        {show_solutions.then(|| view! { <div class="control" data-control="solutions"> <Solutions problem=problem.clone() solution=solution.clone()/> </div> })}
                    }
                    .into_any()
                }
                },
            }}
            {show("check").then(|| view! { <div class="control" data-control="check">
                <fieldset class="group">
                    <legend>"Check an assignment"</legend>
                    <div class="field">
                        <label for="csp-proposal">"A proposed assignment (\"Ana: Red\" per line, or \"Red: Ana, Ben\")"</label>
                        <textarea id="csp-proposal" class="wide" data-testid="csp-proposal" rows="5" spellcheck="false"
                            prop:value=move || state.with(|s| s.proposal.clone())
                            on:input=move |ev| state.update(|s| s.proposal = event_target_value(&ev))></textarea>
                    </div>
                    {move || {
                        // Checking needs the problem read, not solved: it answers while the worker solves.
                        let solving = solving.get();
                        match solving.problem() {
                            Some(problem) => {
                                let check = state.with(|s| check_assignment(problem, &s.proposal).map_err(|e| e.to_string()));
                                view! { <CheckView check=check/> }.into_any()
                            }
                            None => view! { <p class="hint">"Fix the problem first."</p> }.into_any(),
                        }
                    }}
                </fieldset> </div> })}
        </WidgetFrame>
    }
}

//! Reasoning probes: the article's table of simple tasks that defeat models, as fresh seeded
//! items with exact answers. Copy the prompts to a model, paste its answers back, and read its
//! accuracy per task beside the article's figures for GPT-4o and for people.

use std::sync::Arc;

use frontier_reasoning::probes::{
    grade_optional, parse_pasted_answers, report, Probe, ProbeSettings, Report, TaskSelection, MAX_PROBES,
};
use frontier_state::{CompactView, Control, WidgetMeta, WidgetState};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::framework::choice::Choice;
use crate::framework::dom;
use crate::framework::frame::{ExportItem, WidgetFrame};
use crate::framework::host::Host;
use crate::framework::widget::Widget;
use crate::framework::scale::Scale;
use crate::framework::seed::NewSeed;
use crate::framework::shared::Shared;
use crate::framework::slider::NumberField;

const TASKS: &[(&str, &str)] = &[
    ("all", "All five tasks"),
    ("counting", "Counting letters"),
    ("compass", "Compass turns"),
    ("weekday", "Weekdays and dates"),
    ("negation", "Negation"),
    ("constraints", "Constraint satisfaction"),
];
const MAX_PER_TASK: usize = 200;

/// Replies to the ten items of seed 2025, two per task, written the way models write.
const EXAMPLE_ANSWERS: &str = "1. zero
2. There are 2 p's in raspberry.
3. East
4. You are now facing west.
5. Tuesday
6. Sat
7. (C)
8. B
9. Eli: Orange, Fay: Orange, Tia: Orange, Gus: Orange, Ned: Orange
10. Yan: Red, Jon: Green, Uma: Red, Ivy: Orange, Sam: Green
";
const MAX_ANSWERS_BYTES: usize = 256 << 10;


#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbesState {
    pub task: TaskSelection,
    pub per_task: usize,
    pub seed: u64,
    /// The model's answers, pasted: one per line, numbered or not.
    pub answers: String,
}

impl ProbesState {
    /// Two items of each task, answered by a careless model: six right, four wrong.
    pub fn example() -> Self {
        ProbesState { task: TaskSelection::All, per_task: 2, seed: 2025, answers: EXAMPLE_ANSWERS.into() }
    }

    pub fn settings(&self) -> ProbeSettings {
        ProbeSettings { tasks: self.task, per_task: self.per_task, seed: self.seed }
    }

    pub fn items(&self) -> Result<Vec<Probe>, String> {
        self.settings().items().map_err(|e| e.to_string())
    }
}

impl WidgetState for ProbesState {
    const WIDGET_ID: &'static str = <ProbesWidget as crate::framework::widget::Widget>::META.id;
    const VERSION: u32 = 1;

    fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_PER_TASK.min(MAX_PROBES)).contains(&self.per_task) {
            return Err(format!("per_task: 1 to {MAX_PER_TASK}"));
        }
        self.settings().validate().map_err(|e| e.to_string())?;
        if self.answers.len() > MAX_ANSWERS_BYTES {
            return Err(format!("answers: at most {} KB", MAX_ANSWERS_BYTES >> 10));
        }
        Ok(())
    }
}

/// The items and their grades for the current state.
type Graded = Shared<Result<(Vec<Probe>, Report), String>>;

fn run(s: &ProbesState) -> Graded {
    let result = s.items().and_then(|items| {
        let answers = parse_pasted_answers(&s.answers, items.len())
            .map_err(|e| format!("answers, line {}: {}", e.line, e.message))?;
        let grades = items.iter().zip(&answers).map(|(p, a)| grade_optional(p, a.as_deref())).collect();
        Ok((items, report(grades)))
    });
    Shared::new(result)
}

fn prompts_text(items: &[Probe]) -> String {
    items.iter().enumerate().map(|(i, p)| format!("{}. {}\n", i + 1, p.prompt)).collect()
}

fn exports(state: RwSignal<ProbesState>) -> Vec<ExportItem> {
    let jsonl = move || -> Result<String, String> {
        let s = state.get_untracked();
        let items = s.items()?;
        let answers = parse_pasted_answers(&s.answers, items.len()).map_err(|e| e.message)?;
        let mut out = String::new();
        for (item, answer) in items.iter().zip(answers) {
            let mut value = serde_json::to_value(item).map_err(|e| e.to_string())?;
            if let Some(a) = answer {
                value["response"] = serde_json::Value::String(a);
            }
            out.push_str(&value.to_string());
            out.push('\n');
        }
        Ok(out)
    };
    let json = move || -> Result<String, String> {
        let graded = run(&state.get_untracked());
        let (_, report) = graded.as_ref().as_ref().map_err(Clone::clone)?;
        serde_json::to_string_pretty(
            &serde_json::json!({ "widget": "probes", "state": state.get_untracked(), "report": report }),
        )
        .map_err(|e| e.to_string())
    };
    vec![
        ExportItem {
            label: "Items and answers (JSON Lines, for frontier probe grade)",
            filename: "probes.jsonl".into(),
            mime: "application/x-ndjson",
            make: Arc::new(jsonl),
        },
        ExportItem {
            label: "Grades (JSON)",
            filename: "probes-report.json".into(),
            mime: "application/json",
            make: Arc::new(json),
        },
    ]
}

fn percent(p: Option<f64>) -> String {
    p.map_or("—".into(), |v| format!("{v:.0} %"))
}

#[component]
fn Accuracy(report: Report) -> impl IntoView {
    let rows = report
        .tasks
        .iter()
        .filter(|t| t.count > 0)
        .map(|t| {
            view! {
                <tr>
                    <th scope="row">{t.task.id()}</th>
                    <td>{t.count.to_string()}</td>
                    <td>{t.answered.to_string()}</td>
                    <td data-testid=format!("probes-accuracy-{}", t.task.id())>{percent(t.accuracy_percent)}</td>
                    <td>{format!("{:.0} %", t.article_gpt4o_percent)}</td>
                    <td>{format!("{:.0} %", t.article_human_percent)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0">
            <table class="probes-accuracy">
                <caption>"Accuracy per task, beside the article's figures (approximate, no source given; not measured here)"</caption>
                <thead><tr><th scope="col">"Task"</th><th scope="col">"Items"</th><th scope="col">"Answered"</th><th scope="col">"This model"</th><th scope="col">"GPT-4o (article)"</th><th scope="col">"People (article)"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// Rows of the item table drawn: a thousand rows held the page for most of a second; the
/// summary and the exports cover every item.
const ROWS_SHOWN: usize = 200;

/// What generating and grading one item costs, in flop-equivalents at
/// [`frontier_base::work::LAPTOP_FLOP_PER_S`]: 1,000 items (200 of each task) take 77 ms natively
/// on a server core, about 6× that in a laptop's wasm.
const OPS_PER_ITEM: f64 = 1.9e6;
/// Drawing one table row, in the same units (a thousand rows took about 0.6 s in headless
/// Chromium here).
const OPS_PER_ROW: f64 = 2.4e6;

#[component]
fn Items(items: Vec<Probe>, report: Report, show_answers: bool) -> impl IntoView {
    let shown = items.len().min(ROWS_SHOWN);
    let rows = items
        .iter()
        .zip(&report.grades)
        .take(ROWS_SHOWN)
        .enumerate()
        .map(|(i, (item, g))| {
            let verdict = match (&g.response, g.correct) {
                (None, _) => "no answer",
                (Some(_), true) => "right",
                (Some(_), false) => "wrong",
            };
            view! {
                <tr class:probe-right=g.correct class:probe-wrong=g.response.is_some() && !g.correct>
                    <th scope="row">{(i + 1).to_string()}</th>
                    <td>{item.task.id()}</td>
                    <td class="probe-prompt">{item.prompt.clone()}</td>
                    {show_answers.then(|| view! { <td data-control="answers">{g.expected.clone()}</td> })}
                    <td>{g.response.clone().unwrap_or_default()}</td>
                    <td>{g.parsed.clone().unwrap_or_else(|| "—".into())}</td>
                    <td>{verdict}{(!g.note.is_empty() && g.note != verdict).then(|| format!(" ({})", g.note))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0">
            <table class="probes-items">
                <caption>{if shown < items.len() {
                    format!("The first {shown} of {} items, answers as given, what was read from them, and the grade (every item is in the exports)", items.len())
                } else {
                    "Items, answers as given, what was read from them, and the grade".to_string()
                }}</caption>
                <thead><tr><th scope="col">"#"</th><th scope="col">"Task"</th><th scope="col">"Prompt"</th>
                    {show_answers.then(|| view! { <th scope="col" data-control="answers">"Expected"</th> })}
                    <th scope="col">"Answer"</th><th scope="col">"Read as"</th><th scope="col">"Grade"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn Explanation() -> impl IntoView {
    view! {
        <p>"The article lists five kinds of simple question on which it says GPT-4o scores 30–80 % and people 90–99 %. A fixed list of such questions ends up in training data; these are generated afresh from a seed, so a class can have new ones every week and anyone can regenerate an item from its task, seed and number to check a grade."</p>
        <p>"Every answer is computed: letters counted (case ignored, overlaps stated), turns added up, dates stepped through a day count with the Gregorian leap years (1900 is not a leap year, 2000 is), the statements of a negation item judged against the facts, and room assignments checked by the SAT solver, which also proves when no assignment exists. Answers are read leniently (number words, day names, compass words, dates written out, \"(B)\") and what was read is shown beside each grade."</p>
        <p>"The article's percentages come without a benchmark or a source; they are shown as the article's, not as measurements."</p>
    }
}

/// The widget as the registry declares it.
pub struct ProbesWidget;

impl Widget for ProbesWidget {
    type State = ProbesState;
    const META: WidgetMeta = WidgetMeta {
        id: "probes",
        problem: "reasoning",
        title: "Reasoning probes",
        summary: "Fresh counting, compass, calendar, negation and room questions with exact answers; grade a model beside the article's figures.",
        intro: "Fresh counting, compass, calendar, negation and room-assignment questions with exact answers: paste a model's replies, get its accuracy beside the article's figures.",
        controls: &[
            Control { id: "answers", label: "Expected answers" },
                    Control { id: "questions", label: "The questions" },
            Control { id: "model_answers", label: "The model's answers" },
            Control { id: "accuracy", label: "Accuracy" },
        ],
        views: &[
            CompactView { id: "accuracy", label: "Accuracy by task", height_px: 700, shows: &["accuracy"] },
        ],
    };

    fn example() -> ProbesState {
        ProbesState::example()
    }

    fn explain() -> AnyView {
        view! { <Explanation/> <p class="model-link">"No model at hand? The "<a href="#/edge/model">"Model lab"</a>" runs a small one (SmolLM2-135M) in this browser: ask it these questions there."</p> }.into_any()
    }

    fn view(host: Host<ProbesState>) -> AnyView {
        view! { <ProbesLab host=host/> }.into_any()
    }

    /// The items generated (each a small puzzle with its exact answer) and the pasted answers
    /// read and graded.
    fn page_work(s: &ProbesState) -> frontier_base::work::Work {
        let items = s.per_task * frontier_reasoning::probes::Task::ALL.len();
        let flop = items as f64 * OPS_PER_ITEM + items.min(ROWS_SHOWN) as f64 * OPS_PER_ROW + s.answers.len() as f64 * 200.0;
        frontier_base::work::Work { flop, bytes: 4 * s.answers.len() as u64 + (1 << 20) }
    }

    #[cfg(test)]
    fn open_natively(s: &ProbesState) {
        let _ = run(s);
    }
}

#[component]
fn ProbesLab(host: Host<ProbesState>) -> impl IntoView {
    let state = host.state;
    let graded = Memo::new(move |_| state.with(run));
    let show = host.shows();
    let copied = RwSignal::new(String::new());
    let copy_prompts = move |_| {
        let text = state.with_untracked(|s| s.items().map(|items| prompts_text(&items)).unwrap_or_default());
        leptos::task::spawn_local(async move {
            copied.set(match dom::copy_text(&text).await {
                Ok(()) => "Prompts copied.".into(),
                Err(_) => "The browser did not allow copying; select the prompts in the table.".into(),
            });
        });
    };
    let set_count = Callback::new(move |v: f64| {
        let n = v.round() as usize;
        if !(1..=MAX_PER_TASK).contains(&n) {
            return Err(format!("1 to {MAX_PER_TASK}"));
        }
        state.update(|s| s.per_task = n);
        Ok(())
    });
    let set_seed = Callback::new(move |v: f64| {
        if !(0.0..=1e15).contains(&v) {
            return Err("a whole number".to_string());
        }
        state.update(|s| s.seed = v.round() as u64);
        Ok(())
    });
    let (show_accuracy, show_items) = (show("accuracy"), show("items"));
    view! {
        <WidgetFrame host=host.clone() exports=exports(state)>
            {show("questions").then(|| view! { <div class="control" data-control="questions">
            <fieldset class="group">
                <legend>"The questions"</legend>
                <div class="row">
                    <Choice id="probes-task" label="Task" options=TASKS value=Signal::derive(move || state.with(|s| s.task.id().to_string()))
                        on_change=Callback::new(move |v: String| if let Ok(t) = TaskSelection::parse(&v) { state.update(|s| s.task = t) })/>
                    <NumberField id="probes-n" label="Items per task" whole=true value=Signal::derive(move || state.with(|s| s.per_task as f64))
                        on_change=set_count scale=Scale { min: 1.0, max: MAX_PER_TASK as f64, log: true } display=|v| format!("{v}")/>
                    <NumberField id="probes-seed" label="Seed" whole=true value=Signal::derive(move || state.with(|s| s.seed as f64))
                        on_change=set_seed scale=Scale { min: 0.0, max: 10_000.0, log: false } display=|v| format!("{v}")/>
                    <NewSeed id="probes-seed" below=10_000 on_seed=Callback::new(move |seed: u64| state.update(|s| s.seed = seed))/>
                </div>
                <div class="row">
                    <button type="button" on:click=copy_prompts data-testid="probes-copy">"Copy the prompts"</button>
                    <span class="status" role="status">{move || copied.get()}</span>
                </div>
            </fieldset> </div> })}
            {show("model_answers").then(|| view! { <div class="control" data-control="model_answers">
            <fieldset class="group">
                <legend>"The model's answers"</legend>
                <div class="field">
                    <label for="probes-answers">"One answer per line, in order or numbered (\"3. Wednesday\")"</label>
                    <textarea id="probes-answers" class="wide" data-testid="probes-answers" rows="10" spellcheck="false"
                        prop:value=move || state.with(|s| s.answers.clone())
                        on:input=move |ev| state.update(|s| s.answers = event_target_value(&ev))></textarea>
                </div>
            </fieldset> </div> })}
            {move || match graded.get().as_ref() {
                Err(e) => view! { <p class="error" role="alert">{e.clone()}</p> }.into_any(),
                Ok((items, report)) => view! {
                    <p class="status" data-testid="probes-summary">{format!("{} items, {} answered, {} right ({}).", report.count, report.answered, report.correct, percent(report.accuracy_percent))}</p>
                    {show_accuracy.then(|| view! { <div class="control" data-control="accuracy"> <Accuracy report=report.clone()/> </div> })}
                    {show_items.then(|| view! { <div data-part="items"> <Items items=items.clone() report=report.clone() show_answers=show("answers")/> </div> })}
                }
                .into_any(),
            }}
        </WidgetFrame>
    }
}


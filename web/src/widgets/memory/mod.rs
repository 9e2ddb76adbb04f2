//! The memory widget: fill a long-term memory from a scripted conversation and your own
//! messages, query it at any time, update and forget, watch eviction, and take a quiz.

mod edit;
mod explain;
mod query;
mod quiz;
mod replay;
use frontier_labs::memory as state;
mod table;

pub use state::MemoryState;

use std::sync::Arc;

use frontier_base::csv::push_row;
use frontier_memory::settings::{EmbedderChoice, PolicyChoice, RecencyChoice};
use frontier_memory::{example, import};
use frontier_state::{Control, CompactView, WidgetMeta};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::framework::choice::Choice;
use crate::framework::dom;
use crate::framework::frame::{ExportItem, WidgetFrame};
use crate::framework::host::Host;
use crate::framework::scale::Scale;
use crate::framework::slider::NumberField;
use crate::framework::widget::Widget;
use frontier_memory::static_model::StaticEmbedder;
use replay::{replay, Shared, Table, STATIC_MODEL_URL};
use state::MAX_OPS;

fn exports(state: RwSignal<MemoryState>, replayed: Memo<Shared>) -> Vec<ExportItem> {
    let memories = move || -> Result<String, String> {
        let shared = replayed.get_untracked();
        let r = shared.0.as_ref().as_ref().map_err(Clone::clone)?;
        serde_json::to_string_pretty(&r.store.export()).map_err(|e| e.to_string())
    };
    let scenario = move || -> Result<String, String> {
        let s = state.get_untracked();
        let example_ops = if s.example { example::script() } else { Vec::new() };
        let mut out = String::new();
        for op in example_ops.into_iter().map(|(_, op)| op).chain(s.ops) {
            out.push_str(&serde_json::to_string(&op).map_err(|e| e.to_string())?);
            out.push('\n');
        }
        Ok(out)
    };
    let quiz = move || -> Result<String, String> {
        let mut out = String::new();
        push_row(&mut out, ["ability", "question", "day", "expected", "answer", "correct"]);
        for g in quiz::graded(&state.get_untracked(), &replayed.get_untracked()) {
            push_row(
                &mut out,
                [
                    g.question.ability.label().to_string(),
                    g.question.question.clone(),
                    (g.question.time_hours / 24.0).to_string(),
                    g.question.expected.clone().unwrap_or_default(),
                    g.answer.as_ref().map_or(String::new(), |(_, c, _)| c.clone()),
                    g.correct.to_string(),
                ],
            );
        }
        Ok(out)
    };
    vec![
        ExportItem {
            label: "Memories (JSON)",
            filename: "memories.json".into(),
            mime: "application/json",
            make: Arc::new(memories),
        },
        ExportItem {
            label: "Scenario for `frontier memory run` (JSONL)",
            filename: "memory-scenario.jsonl".into(),
            mime: "application/jsonl",
            make: Arc::new(scenario),
        },
        ExportItem { label: "Quiz (CSV)", filename: "memory-quiz.csv".into(), mime: "text/csv", make: Arc::new(quiz) },
    ]
}

/// Memories exported from here (or written by hand in that shape) become store operations.
fn import_memories(text: &str, state: RwSignal<MemoryState>) -> Result<usize, String> {
    let room = MAX_OPS.saturating_sub(state.with_untracked(|s| s.ops.len()));
    let ops = import::import_operations(text, room).map_err(|e| e.to_string())?;
    let n = ops.len();
    state.update(|s| s.ops.extend(ops));
    Ok(n)
}

const POLICIES: &[(&str, &str)] =
    &[("article", "Article (raw parts, fixed weights)"), ("generative-agents", "Generative Agents (normalized parts)")];
const EMBEDDERS: &[(&str, &str)] = &[
    ("hash", "Hashed words and n-grams (instant, lexical only)"),
    ("static", "Static, distilled from all-MiniLM-L6-v2 (4.3 MB from this site)"),
];
const RECENCIES: &[(&str, &str)] = &[
    ("article", "Article: exp(−age/720 h), from creation (Generative Agents keeps its own)"),
    ("half-life", "True half-life, from creation"),
    ("half-life-access", "True half-life, from the last access"),
];

#[component]
fn Settings(state: RwSignal<MemoryState>) -> impl IntoView {
    let message = RwSignal::new(None::<String>);
    // A change is kept only when the store's own validation accepts it.
    let set = move |change: fn(&mut MemoryState, f64), v: f64| {
        let mut next = state.get_untracked();
        change(&mut next, v);
        next.settings().validate()?;
        state.set(next);
        Ok(())
    };
    let set_capacity = Callback::new(move |v: f64| set(|s, v| s.capacity = v.round() as usize, v));
    let set_half_life = Callback::new(move |v: f64| set(|s, v| s.half_life_days = v, v));
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        input.set_value("");
        if file.size() > 5e6 {
            message.set(Some(format!("{} is over 5 MB.", file.name())));
            return;
        }
        leptos::task::spawn_local(async move {
            let result = dom::read_file_text(&file).await.and_then(|t| import_memories(&t, state));
            message.set(Some(match result {
                Ok(n) => format!("{}: {n} memories added.", file.name()),
                Err(e) => format!("{}: {e}", file.name()),
            }));
        });
    };
    view! {
        <fieldset class="group memory-settings">
            <legend>"The store"</legend>
            <div class="row">
                <Choice id="mem-policy" label="Retrieval policy" options=POLICIES value=Signal::derive(move || state.with(|s| s.policy.id().to_string()))
                    on_change=Callback::new(move |v: String| if let Some(c) = PolicyChoice::parse(&v) { state.update(|s| s.policy = c) })/>
                <Choice id="mem-embedder" label="Embeddings" options=EMBEDDERS value=Signal::derive(move || state.with(|s| s.embedder.id().to_string()))
                    on_change=Callback::new(move |v: String| if let Some(c) = EmbedderChoice::parse(&v) { state.update(|s| s.embedder = c) })/>
                <Choice id="mem-recency" label="Recency" options=RECENCIES value=Signal::derive(move || state.with(|s| s.recency.id().to_string()))
                    on_change=Callback::new(move |v: String| if let Some(c) = RecencyChoice::parse(&v) { state.update(|s| s.recency = c) })/>
            </div>
            <div class="row">
                <NumberField id="half-life" label="Half-life" unit="days" value=Signal::derive(move || state.with(|s| s.half_life_days))
                    on_change=set_half_life scale=Scale { min: 1.0, max: 365.0, log: true } display=|v| format!("{v:.1}")/>
                <NumberField id="capacity" label="Capacity" unit="memories" whole=true value=Signal::derive(move || state.with(|s| s.capacity as f64))
                    on_change=set_capacity scale=Scale { min: 1.0, max: 200.0, log: true } display=|v| format!("{v}")/>
            </div>
            <label class="check"><input type="checkbox" data-testid="mem-updates" prop:checked=move || state.with(|s| s.updates)
                on:change=move |_| state.update(|s| s.updates = !s.updates)/>"Detect updates (the article only adds)"</label>
            <label class="check"><input type="checkbox" prop:checked=move || state.with(|s| s.example)
                on:change=move |_| state.update(|s| s.example = !s.example)/>"Start from the worked example"</label>
            <label class="button">"Import memories (JSON)"
                <input type="file" class="visually-hidden" data-testid="mem-import" accept=".json" on:change=on_file/>
            </label>
            <p class="status" aria-live="polite">{move || message.get()}</p>
        </fieldset>
    }
}

/// The widget as the registry declares it.
pub struct MemoryWidget;

impl Widget for MemoryWidget {
    type State = MemoryState;
    const META: WidgetMeta = WidgetMeta {
        id: "memory",
        problem: "memory",
        title: "Long-term memory",
        summary: "Fill a memory, query it at any time, correct it, make it forget, watch it evict; a quiz grades it.",
        intro: "A memory you can fill, query at any time, correct, make forget and watch evict: the article's store beside better rules.",
        controls: &[
            Control { id: "settings", label: "Policy and capacity" },
            Control { id: "edit", label: "Store and forget" },
            Control { id: "quiz", label: "Quiz" },
                    Control { id: "clock", label: "Clock" },
            Control { id: "query", label: "Query" },
            Control { id: "memories", label: "The memories" },
        ],
        views: &[
            CompactView { id: "retrieval", label: "A query and what it retrieves", height_px: 840, shows: &["clock", "query"] },
        ],
    };

    fn example() -> MemoryState {
        MemoryState::example()
    }

    fn explain() -> AnyView {
        view! { <explain::Explanation/> }.into_any()
    }

    fn view(host: Host<MemoryState>) -> AnyView {
        view! { <MemoryLab host=host/> }.into_any()
    }

    fn page_work(s: &MemoryState) -> frontier_base::work::Work {
        let text_bytes: usize = s.ops.iter().map(|op| serde_json::to_string(op).map_or(0, |t| t.len())).sum();
        // The static table's 384 dimensions, the wider of the two embedders.
        let dims = 384_usize.max(replay::HASH.dims);
        frontier_memory::scenario::replay_work(s.ops.len() + 1, text_bytes + s.query.len(), dims)
    }

    #[cfg(test)]
    fn open_natively(s: &MemoryState) {
        let replayed = replay(s, &Table::NotLoaded);
        let _ = quiz::graded(s, &replayed);
    }
}

#[component]
fn MemoryLab(host: Host<MemoryState>) -> impl IntoView {
    let state = host.state;
    let table = RwSignal::new(Table::NotLoaded);
    // The distilled table is fetched from this site the first time it is chosen.
    Effect::new(move |_| {
        if state.with(|s| s.embedder == EmbedderChoice::Static) && table.with_untracked(|t| *t == Table::NotLoaded) {
            table.set(Table::Loading);
            leptos::task::spawn_local(async move {
                let loaded =
                    dom::fetch_bytes(STATIC_MODEL_URL).await.and_then(|bytes| StaticEmbedder::from_bytes(&bytes));
                table.set(match loaded {
                    Ok(model) => Table::Ready(Arc::new(model)),
                    Err(why) => Table::Failed(why),
                });
            });
        }
    });
    let replayed = Memo::new(move |_| state.with(|s| table.with(|t| replay(s, t))));
    let show = host.shows();
    view! {
        <WidgetFrame host=host.clone() exports=exports(state, replayed)>
            {show("settings").then(|| view! { <div class="control" data-control="settings"> <Settings state=state/> </div> })}
            {show("clock").then(|| view! { <div class="control" data-control="clock"> <query::Clock state=state/> </div> })}
            {show("query").then(|| view! { <div class="control" data-control="query"> <query::Query state=state replayed=replayed/> </div> })}
            {show("edit").then(|| view! { <div class="control" data-control="edit"> <edit::Edit state=state replayed=replayed/> </div> })}
            {show("memories").then(|| view! { <div class="control" data-control="memories"> <table::Memories state=state replayed=replayed/> </div> })}
            {show("quiz").then(|| view! { <div class="control" data-control="quiz"> <quiz::Quiz state=state replayed=replayed/> </div> })}
        </WidgetFrame>
    }
}

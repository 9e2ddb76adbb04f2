//! Changing the memory: store a new one (with a preview of ADD, UPDATE, SUPERSEDE or NOOP),
//! forget by subject (with a dry run and the cascade), or forget by similarity, the article's
//! approximate tool.

use frontier_memory::scenario::{article_threshold, Operation};
use leptos::prelude::*;

use super::replay::Shared;
use super::state::{MemoryState, MAX_OPS};

fn list(ids: &[String]) -> String {
    if ids.is_empty() {
        "nothing".into()
    } else {
        ids.join(", ")
    }
}

#[component]
pub fn Edit(state: RwSignal<MemoryState>, replayed: Memo<Shared>) -> impl IntoView {
    let text = RwSignal::new(String::from("I live in Geneva"));
    let importance = RwSignal::new(0.5);
    let subject = RwSignal::new(String::from("Priya"));
    let similar = RwSignal::new(String::from("lunch with Priya"));
    let threshold = RwSignal::new(article_threshold());
    let full = move || state.with(|s| s.ops.len() >= MAX_OPS);
    let push = move |op: Operation| state.update(|s| s.ops.push(op));

    let preview = move || {
        let t = text.get();
        let shared = replayed.get();
        let r = shared.0.as_ref().as_ref().ok()?;
        let d = r.store.preview(&t, state.with(|s| s.now_hours()));
        Some(format!("{:?}{}: {}", d.operation, d.target.map(|t| format!(" {t}")).unwrap_or_default(), d.reason))
    };
    let store_it = move |_| {
        let content = text.get_untracked();
        if content.trim().is_empty() {
            return;
        }
        let time = state.with_untracked(|s| s.now_hours());
        push(Operation::Store {
            id: None,
            content,
            importance: importance.get_untracked(),
            time,
            source: "you".into(),
            embedding: None,
            derived_from: Vec::new(),
        });
    };
    let subject_preview = move || {
        let who = subject.get();
        let shared = replayed.get();
        let r = shared.0.as_ref().as_ref().ok()?;
        let report = r.store.clone().forget_subject(&who, true);
        Some(format!(
            "Would remove {}; with them, derived from them: {}; still mentioning it afterwards: {}.",
            list(&report.removed),
            list(&report.cascaded),
            list(&report.remaining_mentions)
        ))
    };
    let similar_preview = move || {
        let q = similar.get();
        let shared = replayed.get();
        let r = shared.0.as_ref().as_ref().ok()?;
        let report = r.store.clone().forget_similar(&r.embedder.embed(&q), threshold.get(), true).ok()?;
        Some(format!("Cosine ≥ {:.2} would remove {}.", threshold.get(), list(&report.removed)))
    };
    view! {
        <section class="memory-edit" aria-label="Store and forget">
            <h3>"Store a memory"</h3>
            <div class="row">
                <div class="field grow">
                    <label for="mem-new">"Something the user said"</label>
                    <input id="mem-new" data-testid="mem-new" type="text" prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="mem-importance">"Importance (0–1)"</label>
                    <input id="mem-importance" type="number" min="0" max="1" step="0.1" prop:value=move || importance.get().to_string()
                        on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            if (0.0..=1.0).contains(&v) { importance.set(v) }
                        } }/>
                </div>
            </div>
            <p class="status" data-testid="mem-preview" aria-live="polite">{preview}</p>
            <button type="button" data-testid="mem-store" on:click=store_it disabled=full>"Store at the clock's time"</button>

            <h3>"Forget"</h3>
            <div class="field">
                <label for="mem-subject">"Everything about (a name or phrase)"</label>
                <input id="mem-subject" data-testid="mem-subject" type="text" prop:value=move || subject.get()
                    on:input=move |ev| subject.set(event_target_value(&ev))/>
            </div>
            <p class="status" data-testid="mem-forget-preview" aria-live="polite">{subject_preview}</p>
            <button type="button" data-testid="mem-forget" disabled=full
                on:click=move |_| push(Operation::ForgetSubject { subject: subject.get_untracked(), dry_run: false })>"Forget it all"</button>
            <details>
                <summary>"Forget by similarity (the article's tool: approximate)"</summary>
                <p class="hint">"The article removes every memory whose cosine with the query reaches a threshold. It misses paraphrases and catches neighbours; a privacy request needs forgetting by id or subject."</p>
                <div class="row">
                    <div class="field grow">
                        <label for="mem-similar">"Query"</label>
                        <input id="mem-similar" type="text" prop:value=move || similar.get() on:input=move |ev| similar.set(event_target_value(&ev))/>
                    </div>
                    <div class="field">
                        <label for="mem-threshold">"Threshold"</label>
                        <input id="mem-threshold" type="number" min="0" max="1" step="0.05" prop:value=move || threshold.get().to_string()
                            on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                if (-1.0..=1.0).contains(&v) { threshold.set(v) }
                            } }/>
                    </div>
                </div>
                <p class="status" aria-live="polite">{similar_preview}</p>
                <button type="button" disabled=full on:click=move |_| push(Operation::Forget {
                    query: similar.get_untracked(), threshold: threshold.get_untracked(), time: None, embedding: None, dry_run: false,
                })>"Forget similar"</button>
            </details>
            {move || full().then(|| view! { <p class="note">{format!("At most {MAX_OPS} operations fit in a link; undo or reset to continue.")}</p> })}
        </section>
    }
}

//! The clock and the query: what the store would return now, with every score's parts.

use frontier_memory::scenario::Operation;
use leptos::prelude::*;

use super::replay::Shared;
use super::state::MemoryState;
use crate::framework::scale::Scale;
use crate::framework::slider::NumberField;

fn f3(v: f64) -> String {
    format!("{v:.3}")
}

#[component]
pub fn Clock(state: RwSignal<MemoryState>) -> impl IntoView {
    let set_now = Callback::new(move |v: f64| {
        if (0.0..=3650.0).contains(&v) {
            state.update(|s| s.now_days = v);
            Ok(())
        } else {
            Err("a day between 0 and 3650".to_string())
        }
    });
    view! {
        <NumberField id="now" label="Clock" unit="days since the first conversation" value=Signal::derive(move || state.with(|s| s.now_days))
            on_change=set_now scale=Scale { min: 0.0, max: 120.0, log: false } display=|v| format!("{v:.1}")/>
    }
}

#[component]
pub fn Query(state: RwSignal<MemoryState>, replayed: Memo<Shared>) -> impl IntoView {
    let ranked = move || {
        let s = state.get();
        let shared = replayed.get();
        let r = shared.0.as_ref().as_ref().ok()?;
        // Ranking a copy leaves access counts alone: looking is not an access.
        let mut store = r.store.clone();
        let ranked = store.rank(&r.embedder.embed(&s.query), s.now_hours());
        let rows: Vec<_> = ranked
            .into_iter()
            .take(s.k)
            .filter_map(|(slot, p)| store.memories().get(slot).map(|m| (m.id.clone(), m.content.clone(), p)))
            .collect();
        Some(rows)
    };
    let retrieve = move |_| {
        state.update(|s| {
            let op = Operation::Retrieve { query: s.query.clone(), k: s.k, time: s.now_hours(), embedding: None };
            s.ops.push(op);
        })
    };
    view! {
        <section class="memory-query" aria-label="Query the memory">
            <h3>"Ask the memory"</h3>
            <div class="row">
                <div class="field grow">
                    <label for="mem-query">"Query"</label>
                    <input id="mem-query" data-testid="mem-query" type="text" prop:value=move || state.with(|s| s.query.clone())
                        on:change=move |ev| { let q = event_target_value(&ev); state.update(|s| s.query = q); }/>
                </div>
                <div class="field">
                    <label for="mem-k">"Top k"</label>
                    <input id="mem-k" type="number" min="1" max="50" prop:value=move || state.with(|s| s.k.to_string())
                        on:change=move |ev| { if let Ok(k) = event_target_value(&ev).parse::<usize>() {
                            if (1..=50).contains(&k) { state.update(|s| s.k = k) }
                        } }/>
                </div>
            </div>
            <div class="table-scroll" tabindex="0">
                <table data-testid="mem-results">
                    <caption>"Best memories at the clock's time, best first. Score = 0.5·relevance + 0.2·recency + 0.2·importance + 0.1·access (article), or the normalized Generative Agents sum."</caption>
                    <thead><tr><th scope="col">"Memory"</th><th scope="col">"Relevance"</th><th scope="col">"Recency"</th><th scope="col">"Importance"</th><th scope="col">"Access"</th><th scope="col">"Score"</th></tr></thead>
                    <tbody>
                        {move || ranked().unwrap_or_default().into_iter().map(|(id, content, p)| view! {
                            <tr><td>{format!("{id}: {content}")}</td><td>{f3(p.relevance)}</td><td>{f3(p.recency)}</td><td>{f3(p.importance)}</td><td>{f3(p.access)}</td><td><strong>{f3(p.score)}</strong></td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <button type="button" data-testid="mem-retrieve" on:click=retrieve>"Retrieve (counts as an access)"</button>
        </section>
    }
}

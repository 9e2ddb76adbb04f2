//! What the store holds, and what each operation did (the worked example first, then yours).

use frontier_memory::scenario::{Operation, Outcome};
use leptos::prelude::*;

use super::replay::Shared;
use super::state::MemoryState;

fn days(hours: f64) -> String {
    format!("{:.1}", hours / 24.0)
}

/// A line describing what one operation did.
fn describe(op: &Operation, outcome: &Outcome) -> String {
    let list = |ids: &[String]| if ids.is_empty() { "none".to_string() } else { ids.join(", ") };
    match (op, outcome) {
        (Operation::Store { content, time, .. }, Outcome::Store { id, operation, reason, evicted, .. }) => {
            let mut line = format!("day {}: “{content}” → {operation:?} {id} ({reason})", days(*time));
            if !evicted.is_empty() {
                line.push_str(&format!("; evicted {}", evicted.join(", ")));
            }
            line
        }
        (Operation::Retrieve { query, time, .. }, Outcome::Retrieve { ids, .. }) => {
            format!("day {}: retrieved “{query}” → {} (each access counted)", days(*time), list(ids))
        }
        (_, Outcome::Forget { removed, .. }) => format!("forgot by similarity: {}", list(removed)),
        (_, Outcome::ForgetId { removed, cascaded, .. } | Outcome::ForgetSubject { removed, cascaded, .. }) => {
            format!("forgot {}; derived from them: {}", list(removed), list(cascaded))
        }
        _ => String::new(),
    }
}

#[component]
pub fn Memories(state: RwSignal<MemoryState>, replayed: Memo<Shared>) -> impl IntoView {
    let rows = move || {
        let now = state.with(|s| s.now_hours());
        let shared = replayed.get();
        let Ok(r) = shared.0.as_ref() else { return Vec::new() };
        let (scores, next) = r.store.clone().eviction_scores(now);
        let mut ms: Vec<_> = r.store.memories().iter().cloned().zip(scores).enumerate().collect();
        ms.sort_by_key(|(_, (m, _))| m.seq);
        ms.into_iter()
            .map(|(slot, (m, eviction))| {
                let eviction = format!("{eviction:.3}{}", if Some(slot) == next { " (next to go)" } else { "" });
                let status = match (m.valid_to_hours, &m.superseded_by) {
                    (Some(t), Some(by)) if t <= now => format!("superseded by {by} on day {}", days(t)),
                    _ if m.created_hours > now => "not yet said at this time".to_string(),
                    _ => "current".to_string(),
                };
                view! {
                    <tr>
                        <td>{m.id.clone()}</td><td>{m.content.clone()}</td><td>{days(m.created_hours)}</td>
                        <td>{format!("{:.2}", m.importance)}</td><td>{m.access_count}</td><td>{eviction}</td><td>{status}</td>
                    </tr>
                }
            })
            .collect::<Vec<_>>()
    };
    let log = move || {
        let shared = replayed.get();
        let Ok(r) = shared.0.as_ref() else { return Vec::new() };
        r.log
            .iter()
            .map(|(op, mine, outcome)| {
                let text = describe(op, outcome);
                view! { <li class:mine=*mine>{text}</li> }
            })
            .collect::<Vec<_>>()
    };
    let error = move || {
        let shared = replayed.get();
        match shared.0.as_ref() {
            Ok(r) => r.error.clone(),
            Err(e) => Some(e.clone()),
        }
    };
    let undo = move |_| {
        state.update(|s| {
            s.ops.pop();
        })
    };
    view! {
        <section class="memory-table" aria-label="The memories">
            {move || error().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <div class="table-scroll" tabindex="0">
                <table data-testid="mem-table">
                    <caption>{move || {
                        let shared = replayed.get();
                        let n = shared.0.as_ref().as_ref().map_or(0, |r| r.store.len());
                        format!("{n} memories stored (capacity {})", state.with(|s| s.capacity))
                    }}</caption>
                    <thead><tr><th scope="col">"Id"</th><th scope="col">"Memory"</th><th scope="col">"Day"</th><th scope="col">"Importance"</th><th scope="col">"Accesses"</th><th scope="col" title="0.3·importance + 0.3·recency + 0.4·min(accesses/10, 1): the lowest is evicted when the store is full">"Eviction score"</th><th scope="col">"Status"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <details>
                <summary>"What each operation did"</summary>
                <ol class="memory-log" data-testid="mem-log">{log}</ol>
                <button type="button" on:click=undo disabled=move || state.with(|s| s.ops.is_empty())>"Undo my last operation"</button>
            </details>
        </section>
    }
}

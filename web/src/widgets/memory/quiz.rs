//! The quiz: questions in LongMemEval's five abilities, answered by the store's best memory at
//! each question's time, and graded.

use frontier_memory::example::{grade, quiz, Graded};
use leptos::prelude::*;

use super::replay::Shared;
use super::state::MemoryState;

pub fn graded(state: &MemoryState, replayed: &Shared) -> Vec<Graded> {
    match replayed.0.as_ref() {
        Ok(r) => grade(&mut r.store.clone(), r.embedder.as_ref(), &quiz(), state.abstain_below),
        Err(_) => Vec::new(),
    }
}

#[component]
pub fn Quiz(state: RwSignal<MemoryState>, replayed: Memo<Shared>) -> impl IntoView {
    let results = Memo::new(move |_| graded(&state.get(), &replayed.get()));
    let summary = move || {
        let r = results.get();
        format!("{} of {} answered correctly from the store.", r.iter().filter(|g| g.correct).count(), r.len())
    };
    view! {
        <section class="memory-quiz" aria-label="Quiz">
            <h3>"Quiz (in the spirit of LongMemEval)"</h3>
            <p class="hint">{move || format!(
                "Each question is answered with the best memory at its day; below relevance {:.2} the store says it does not know. The example's facts; your own changes count too.",
                state.with(|s| s.abstain_below))}</p>
            <p data-testid="mem-quiz-score" aria-live="polite">{summary}</p>
            <div class="table-scroll" tabindex="0">
                <table>
                    <thead><tr><th scope="col">"Ability"</th><th scope="col">"Question (day)"</th><th scope="col">"Answer from memory"</th><th scope="col">"Expected"</th><th scope="col">"Grade"</th></tr></thead>
                    <tbody>
                        {move || results.get().into_iter().map(|g| view! {
                            <tr>
                                <td>{g.question.ability.label()}</td>
                                <td>{format!("{} ({:.0})", g.question.question, g.question.time_hours / 24.0)}</td>
                                <td>{g.answer.as_ref().map_or("I don't know".to_string(), |(id, content, p)| format!("{id}: {content} (relevance {:.2})", p.relevance))}</td>
                                <td>{g.question.expected.clone().unwrap_or_else(|| "I don't know".into())}</td>
                                <td>{if g.correct { "right" } else { "wrong" }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

//! A lesson as a student meets it: one step at a time, the prose, the lab in the step's state
//! with the chosen controls hidden, and the questions, marked as soon as they are answered by
//! the numbers the lab computes. Progress is saved in this browser and exports as a report.

use frontier_lessons::format::{Answer, Lesson, Question};
use frontier_lessons::grade::{grade, Response, Verdict};
use frontier_lessons::Progress;
use frontier_state::Query;
use leptos::context::Provider;
use leptos::prelude::*;

use super::markdown::Prose;
use super::store;
use crate::framework::dom;
use crate::framework::host::LessonProbe;

#[component]
pub fn LessonPlayer(
    lesson: Lesson,
    /// Whether progress is saved (not while an author previews).
    persist: bool,
) -> impl IntoView {
    let lesson = StoredValue::new(lesson);
    let (saved, unreadable) = lesson.with_value(store::load_progress);
    let progress = RwSignal::new(saved);
    let steps = lesson.with_value(|l| l.steps.len());
    let step = RwSignal::new(progress.with_untracked(|p| p.step.min(steps.saturating_sub(1))));
    let status = RwSignal::new(unreadable.unwrap_or_default());
    Effect::new(move |_| {
        let p = progress.get();
        if persist {
            if let Err(why) = lesson.with_value(|l| store::save_progress(l, &p)) {
                status.set(format!(
                    "Your progress could not be saved in this browser ({why}); export the report to keep it."
                ));
            }
        }
    });
    let go = move |to: usize| {
        step.set(to);
        progress.update(|p| p.step = to);
        dom::scroll_to_top();
    };
    let export = move |csv: bool| {
        let report = lesson.with_value(|l| progress.with_untracked(|p| p.report(l)));
        let id = lesson.with_value(|l| l.id.clone());
        let result = if csv {
            dom::download_bytes(&format!("{id}-report.csv"), "text/csv", report.to_csv().as_bytes())
        } else {
            dom::download_bytes(&format!("{id}-report.json"), "application/json", report.to_json().as_bytes())
        };
        if let Err(e) = result {
            status.set(format!("Export failed: {e}"));
        }
    };
    let score = move || {
        let report = lesson.with_value(|l| progress.with(|p| p.report(l)));
        format!("{} of {} questions answered correctly", report.correct, report.questions)
    };
    // Bumped to start the step's lab over from the step's own state.
    let restarts = RwSignal::new(0_u32);
    let current = move || {
        let i = step.get();
        restarts.track();
        let Some(s) = lesson.with_value(|l| l.steps.get(i).cloned()) else { return ().into_any() };
        let probe = LessonProbe { state: RwSignal::new(None) };
        let query =
            Query { state: Some(frontier_lessons::link::state_link(&s.lab)), hide: s.lab.hide.clone(), view: None };
        let widget = s.lab.widget.clone();
        // Built inside the provider, so that the widget's host finds the probe.
        let lab = move || {
            crate::bundle::render(&widget, query.clone(), true)
                .unwrap_or_else(|| view! { <p class="notice warning">{format!("This lesson names a lab this site does not have: {widget}")}</p> }.into_any())
        };
        let questions = s
            .questions
            .iter()
            .cloned()
            .map(|q| view! { <QuestionView step_index=i question=q lesson=lesson probe=probe progress=progress/> })
            .collect_view();
        view! {
            <article class="lesson-step" data-testid="lesson-step">
                <p class="step-count">{format!("Step {} of {steps}", i + 1)}</p>
                <h2>{s.title.clone()}</h2>
                <Prose text=s.prose.clone()/>
                <Provider value=probe>{lab()}</Provider>
                <p><button type="button" data-testid="restart-step" on:click=move |_| restarts.update(|n| *n += 1)>"Put the lab back as this step set it"</button></p>
                <section class="questions" aria-label="Questions">{questions}</section>
            </article>
        }
        .into_any()
    };
    let at_first = move || step.get() == 0;
    let at_last = move || step.get() + 1 >= steps;
    view! {
        <div class="lesson">
            <header class="lesson-head">
                <h1>{lesson.with_value(|l| l.title.clone())}</h1>
                <p class="summary">{lesson.with_value(|l| l.summary.clone())}</p>
                <p class="score" data-testid="lesson-score" aria-live="polite">{score}</p>
            </header>
            <p class="status" aria-live="polite">{move || status.get()}</p>
            {current}
            <nav class="lesson-nav" aria-label="Lesson steps">
                <button type="button" data-testid="previous-step" disabled=at_first on:click=move |_| go(step.get_untracked().saturating_sub(1))>"← Previous step"</button>
                <button type="button" data-testid="next-step" disabled=at_last on:click=move |_| go(step.get_untracked() + 1)>"Next step →"</button>
            </nav>
            <div class="toolbar lesson-report" role="toolbar" aria-label="Your report">
                <button type="button" data-testid="report-json" on:click=move |_| export(false)>"Export report (JSON)"</button>
                <button type="button" data-testid="report-csv" on:click=move |_| export(true)>"Export report (CSV)"</button>
                <button type="button" on:click=|_| dom::print()>"Print"</button>
            </div>
        </div>
    }
}

/// One question, its answer field and its feedback.
#[component]
fn QuestionView(
    step_index: usize,
    question: Question,
    lesson: StoredValue<Lesson>,
    probe: LessonProbe,
    progress: RwSignal<Progress>,
) -> impl IntoView {
    let id = question.id.clone();
    progress.update(|p| p.shown(step_index, &id, dom::now_ms()));
    let verdict = RwSignal::new(None::<Verdict>);
    let typed = RwSignal::new(String::new());
    let chosen = RwSignal::new(None::<usize>);
    let stored_id = StoredValue::new(id.clone());
    let done = move || progress.with(|p| stored_id.with_value(|id| p.get(step_index, id).is_some_and(|q| q.correct)));
    let question = StoredValue::new(question);
    let check = {
        let id = id.clone();
        move || {
            let wrong_before = progress.with_untracked(|p| p.wrong_attempts(step_index, &id));
            let (v, given) = lesson.with_value(|l| {
                let step = &l.steps[step_index];
                question.with_value(|q| match &q.answer {
                    Answer::Number { .. } => {
                        let text = typed.get_untracked();
                        (grade(step, q, Response::Number(&text), wrong_before), text)
                    }
                    Answer::Choice { options, .. } => match chosen.get_untracked() {
                        Some(c) => (
                            grade(step, q, Response::Choice(c), wrong_before),
                            options.get(c).cloned().unwrap_or_default(),
                        ),
                        None => (
                            Verdict { correct: false, message: "Choose an option first.".into(), hint: None },
                            String::new(),
                        ),
                    },
                    Answer::Reach { measure, .. } => match probe.state.get_untracked() {
                        Some((version, state)) => {
                            let v = grade(step, q, Response::State(version, &state), wrong_before);
                            let value = frontier_labs::measure_state(&step.lab.widget, version, state, measure)
                                .map(|m| frontier_lessons::grade::show(m.value))
                                .unwrap_or_default();
                            (v, value)
                        }
                        None => (
                            Verdict { correct: false, message: "The lab is still starting.".into(), hint: None },
                            String::new(),
                        ),
                    },
                })
            });
            if !given.is_empty() {
                progress.update(|p| p.attempt(step_index, &id, &given, v.correct, dom::now_ms()));
            }
            verdict.set(Some(v));
        }
    };
    let field = question.with_value(|q| match &q.answer {
        Answer::Number { .. } => {
            let check = check.clone();
            view! {
                <input type="text" inputmode="decimal" aria-label=format!("Your answer to: {}", q.prompt) data-testid=format!("answer-{}", q.id)
                    prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))
                    on:keydown=move |ev: web_sys::KeyboardEvent| if ev.key() == "Enter" { check() }/>
            }
            .into_any()
        }
        Answer::Choice { options, .. } => {
            let name = format!("choice-{step_index}-{}", q.id);
            let radios = options
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    let name = name.clone();
                    view! { <label class="check"><input type="radio" name=name data-testid=format!("option-{}-{i}", q.id) on:change=move |_| chosen.set(Some(i))/>{o.clone()}</label> }
                })
                .collect_view();
            view! { <fieldset class="options"><legend class="visually-hidden">{q.prompt.clone()}</legend>{radios}</fieldset> }.into_any()
        }
        Answer::Reach { .. } => view! { <p class="hint">"Move the lab's controls above, then check."</p> }.into_any(),
    });
    let qid = id.clone();
    view! {
        <div class="question" data-testid=format!("question-{id}") data-correct=move || done().to_string()>
            <p class="prompt">{question.with_value(|q| q.prompt.clone())}</p>
            {field}
            <button type="button" data-testid=format!("check-{qid}") on:click=move |_| check()>"Check"</button>
            {move || done().then(|| view! { <span class="done" aria-label="answered correctly">"✓"</span> })}
            <div aria-live="polite" data-testid=format!("feedback-{id}")>
                {move || verdict.get().map(|v| view! {
                    <p class=if v.correct { "feedback right" } else { "feedback wrong" }>{v.message}</p>
                    {v.hint.map(|h| view! { <p class="feedback hint">"Hint: "{h}</p> })}
                })}
            </div>
        </div>
    }
}

//! Writing a lesson: steps come from labs ("Add to lesson" in any lab's toolbar), and here the
//! teacher names them, writes the prose and the questions, previews the lesson as a student and
//! exports it as a link or a file. The draft autosaves; the checks of `frontier-lessons` run on
//! every change, so what exports is what a student can open.

use frontier_lessons::format::{Answer, Lesson, Question};
use leptos::prelude::*;

use super::store;
use crate::framework::dom;

/// The draft's shape (steps, and each step's question kinds): the editor is rebuilt only when
/// it changes, so typing never loses focus.
fn shape(l: &Lesson) -> Vec<Vec<&'static str>> {
    l.steps.iter().map(|s| s.questions.iter().map(|q| q.answer.kind()).collect()).collect()
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect()
}

fn new_question(kind: &str, n: usize, measure: Option<&str>) -> Question {
    let measure = measure.unwrap_or_default().to_string();
    let answer = match kind {
        "choice" => Answer::Choice { options: vec!["Yes".into(), "No".into()], correct: 0 },
        "reach" => Answer::Reach { measure, at_least: Some(0.0), at_most: None },
        _ => Answer::Number { measure, tolerance: None, relative_tolerance: Some(0.02) },
    };
    Question { id: format!("q{n}"), prompt: String::new(), answer, hints: Vec::new(), explanation: String::new() }
}

#[component]
pub fn LessonAuthor() -> impl IntoView {
    let (initial, problem) = match store::draft() {
        Ok(l) => (l, None),
        Err(why) => (Lesson::new("my-lesson", "My lesson"), Some(why)),
    };
    let draft = RwSignal::new(initial);
    let status = RwSignal::new(problem.unwrap_or_default());
    Effect::new(move |_| {
        if let Err(why) = draft.with(store::save_draft) {
            status.set(format!("The draft could not be saved in this browser ({why}); download it to keep it."));
        }
    });
    let shape = Memo::new(move |_| draft.with(shape));
    let errors = Memo::new(move |_| match frontier_lessons::check(draft.get()) {
        Ok(_) => Vec::new(),
        Err(e) => e.iter().map(ToString::to_string).collect::<Vec<_>>(),
    });
    let text_field =
        move |label: &'static str, testid: String, read: fn(&Lesson) -> String, write: fn(&mut Lesson, String)| {
            view! {
                <label class="field">{label}
                    <input type="text" data-testid=testid prop:value=move || draft.with_untracked(read)
                        on:input=move |ev| { let v = event_target_value(&ev); draft.update(|l| write(l, v)) }/>
                </label>
            }
        };
    let steps = move || {
        shape
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, kinds)| view! { <StepEditor i=i kinds=kinds draft=draft/> })
            .collect_view()
    };
    let link = RwSignal::new(None::<String>);
    let share = move |_| match draft.with_untracked(frontier_lessons::link::encode) {
        Some(l) => {
            let url = format!("{}{}", dom::page_base_url(), frontier_state::Route::SharedLesson(l).to_hash());
            status.set("The link is below; it holds the whole lesson.".into());
            link.set(Some(url));
        }
        None => status.set("This lesson is too long for a link; download it as a file instead.".into()),
    };
    let download = move |_| {
        let (id, text) = draft.with_untracked(|l| (l.id.clone(), l.to_json()));
        if let Err(e) = dom::download_bytes(&format!("{id}.lesson.json"), "application/json", text.as_bytes()) {
            status.set(format!("Download failed: {e}"));
        }
    };
    let import = move |ev: leptos::ev::Event| {
        let Some(file) = dom::event_file(&ev) else { return };
        leptos::task::spawn_local(async move {
            match dom::read_file_text(&file)
                .await
                .map_err(|e| e.to_string())
                .and_then(|t| frontier_lessons::check::parse(&t).map_err(|e| e.to_string()))
            {
                Ok(lesson) => {
                    draft.set(lesson);
                    status.set("Lesson loaded into the editor.".into());
                }
                Err(e) => status.set(format!("{} could not be read: {e}", file.name())),
            }
        });
    };
    let clear = move |_| {
        let _ = draft.with_untracked(|l| {
            dom::download_bytes("previous-lesson-draft.json", "application/json", l.to_json().as_bytes())
        });
        draft.set(Lesson::new("my-lesson", "My lesson"));
    };
    view! {
        <section class="page lesson-author">
            <h1>"Write a lesson"</h1>
            <p>"Open any lab, set it up, and press "<strong>"Add to lesson"</strong>" in its toolbar: its current state becomes a step here. Then write the prose and the questions. Number and reach questions are marked by what the lab computes, so you never type the answer."</p>
            <p class="status" aria-live="polite">{move || status.get()}</p>
            {text_field("Title", "lesson-title".into(), |l| l.title.clone(), |l, v| l.title = v)}
            {text_field("Id (lowercase words joined by -)", "lesson-id".into(), |l| l.id.clone(), |l, v| l.id = v)}
            {text_field("Summary", "lesson-summary".into(), |l| l.summary.clone(), |l, v| l.summary = v)}
            {move || (shape.with(Vec::is_empty)).then(|| view! { <p class="notice info">"No steps yet: add one from a lab."</p> })}
            <ol class="step-editors">{steps}</ol>
            <div class="notice" data-testid="lesson-check" aria-live="polite">
                {move || {
                    let e = errors.get();
                    if e.is_empty() {
                        view! { <p>"The lesson checks: every question has an answer the labs compute."</p> }.into_any()
                    } else {
                        view! { <p>"Still to fix:"</p><ul>{e.into_iter().map(|x| view! { <li>{x}</li> }).collect_view()}</ul> }.into_any()
                    }
                }}
            </div>
            <div class="toolbar" role="toolbar" aria-label="Lesson actions">
                <a class="button" href="#/lessons/draft" data-testid="preview-lesson">"Preview as a student"</a>
                <button type="button" data-testid="share-lesson" on:click=share>"Share link"</button>
                <button type="button" data-testid="download-lesson" on:click=download>"Download lesson file"</button>
                <label class="button">"Edit a lesson file"<input type="file" accept=".json,application/json" class="visually-hidden" on:change=import/></label>
                <button type="button" on:click=clear>"Start a new lesson"</button>
            </div>
            {move || link.get().map(|url| view! {
                <textarea class="manual-copy" readonly aria-label="Lesson link" data-testid="lesson-link" rows="3" prop:value=url></textarea>
            })}
        </section>
    }
}

#[component]
fn StepEditor(i: usize, kinds: Vec<&'static str>, draft: RwSignal<Lesson>) -> impl IntoView {
    let widget = draft.with_untracked(|l| l.steps[i].lab.widget.clone());
    let measures: Vec<(String, String)> = draft.with_untracked(|l| {
        let lab = &l.steps[i].lab;
        frontier_labs::measures_of(&lab.widget, lab.version, lab.state.clone())
            .map(|m| {
                m.iter()
                    .map(|m| {
                        (
                            m.id.to_string(),
                            format!("{} ({} {})", m.label, frontier_lessons::grade::show(m.value), m.unit),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    });
    let first_measure = measures.first().map(|m| m.0.clone());
    let add = move |kind: &'static str| {
        let measure = first_measure.clone();
        move |_| {
            draft.update(|l| {
                let n = l.steps[i].questions.len() + 1;
                l.steps[i].questions.push(new_question(kind, n, measure.as_deref()));
            })
        }
    };
    let questions = kinds
        .into_iter()
        .enumerate()
        .map(|(j, kind)| view! { <QuestionEditor i=i j=j kind=kind draft=draft measures=measures.clone()/> })
        .collect_view();
    view! {
        <li class="step-editor" data-testid=format!("step-editor-{i}")>
            <h2>{format!("Step {} · lab: {widget}", i + 1)}</h2>
            <label class="field">"Step title"
                <input type="text" data-testid=format!("step-title-{i}") prop:value=move || draft.with_untracked(|l| l.steps[i].title.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); draft.update(|l| l.steps[i].title = v) }/>
            </label>
            <label class="field">"Prose (Markdown: **strong**, *emphasis*, `code`, lists, [links](#/training))"
                <textarea rows="5" data-testid=format!("step-prose-{i}") prop:value=move || draft.with_untracked(|l| l.steps[i].prose.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); draft.update(|l| l.steps[i].prose = v) }></textarea>
            </label>
            <ol class="question-editors">{questions}</ol>
            <div class="toolbar" role="toolbar" aria-label=format!("Step {} actions", i + 1)>
                <button type="button" data-testid=format!("add-number-{i}") on:click=add("number")>"Add a number question"</button>
                <button type="button" data-testid=format!("add-choice-{i}") on:click=add("choice")>"Add a multiple-choice question"</button>
                <button type="button" data-testid=format!("add-reach-{i}") on:click=add("reach")>"Add a reach-a-state question"</button>
                <button type="button" disabled=i == 0 on:click=move |_| draft.update(|l| l.steps.swap(i - 1, i))>"Move up"</button>
                <button type="button" on:click=move |_| draft.update(|l| { l.steps.remove(i); })>"Remove step"</button>
            </div>
        </li>
    }
}

/// Reads a typed number into an optional bound: empty is none.
fn optional_number(text: &str) -> Option<f64> {
    frontier_lessons::grade::parse_number(text).ok()
}

#[component]
fn QuestionEditor(
    i: usize,
    j: usize,
    kind: &'static str,
    draft: RwSignal<Lesson>,
    measures: Vec<(String, String)>,
) -> impl IntoView {
    let q = move |l: &Lesson| l.steps[i].questions[j].clone();
    let edit = move |f: Box<dyn FnOnce(&mut Question)>| draft.update(|l| f(&mut l.steps[i].questions[j]));
    let tid = |what: &str| format!("q-{what}-{i}-{j}");
    let measure_select = {
        let options = measures
            .iter()
            .map(|(id, label)| {
                let selected = draft.with_untracked(|l| q(l).answer.measure() == Some(id.as_str()));
                view! { <option value=id.clone() selected=selected>{label.clone()}</option> }
            })
            .collect_view();
        view! {
            <label class="field">"Graded by the lab's"
                <select data-testid=tid("measure") on:change=move |ev| {
                    let v = event_target_value(&ev);
                    edit(Box::new(move |q| match &mut q.answer {
                        Answer::Number { measure, .. } | Answer::Reach { measure, .. } => *measure = v,
                        Answer::Choice { .. } => {}
                    }))
                }>{options}</select>
            </label>
        }
    };
    let specific = match kind {
        "number" => view! {
            {measure_select}
            <label class="field">"Accepted within (relative, 0.02 = 2 %)"
                <input type="text" inputmode="decimal" data-testid=tid("tolerance")
                    prop:value=move || draft.with_untracked(|l| match q(l).answer { Answer::Number { relative_tolerance: Some(r), .. } => r.to_string(), _ => String::new() })
                    on:input=move |ev| { let v = optional_number(&event_target_value(&ev)); edit(Box::new(move |q| if let Answer::Number { relative_tolerance, tolerance, .. } = &mut q.answer { *relative_tolerance = v; *tolerance = None; })) }/>
            </label>
        }
        .into_any(),
        "reach" => view! {
            {measure_select}
            <label class="field">"At least (empty: no lower bound)"
                <input type="text" inputmode="decimal" data-testid=tid("at-least")
                    prop:value=move || draft.with_untracked(|l| match q(l).answer { Answer::Reach { at_least: Some(v), .. } => v.to_string(), _ => String::new() })
                    on:input=move |ev| { let v = optional_number(&event_target_value(&ev)); edit(Box::new(move |q| if let Answer::Reach { at_least, .. } = &mut q.answer { *at_least = v; })) }/>
            </label>
            <label class="field">"At most (empty: no upper bound)"
                <input type="text" inputmode="decimal" data-testid=tid("at-most")
                    prop:value=move || draft.with_untracked(|l| match q(l).answer { Answer::Reach { at_most: Some(v), .. } => v.to_string(), _ => String::new() })
                    on:input=move |ev| { let v = optional_number(&event_target_value(&ev)); edit(Box::new(move |q| if let Answer::Reach { at_most, .. } = &mut q.answer { *at_most = v; })) }/>
            </label>
        }
        .into_any(),
        _ => view! {
            <label class="field">"Options, one per line"
                <textarea rows="3" data-testid=tid("options")
                    prop:value=move || draft.with_untracked(|l| match q(l).answer { Answer::Choice { options, .. } => options.join("\n"), _ => String::new() })
                    on:input=move |ev| { let v = lines(&event_target_value(&ev)); edit(Box::new(move |q| if let Answer::Choice { options, .. } = &mut q.answer { *options = v; })) }></textarea>
            </label>
            <label class="field">"The right option's number (from 1)"
                <input type="text" inputmode="numeric" data-testid=tid("correct")
                    prop:value=move || draft.with_untracked(|l| match q(l).answer { Answer::Choice { correct, .. } => (correct + 1).to_string(), _ => String::new() })
                    on:input=move |ev| { let v = event_target_value(&ev).trim().parse::<usize>().unwrap_or(1).saturating_sub(1); edit(Box::new(move |q| if let Answer::Choice { correct, .. } = &mut q.answer { *correct = v; })) }/>
            </label>
        }
        .into_any(),
    };
    view! {
        <li class="question-editor" data-testid=format!("question-editor-{i}-{j}")>
            <p class="hint">{format!("Question {} · {kind}", j + 1)}</p>
            <label class="field">"Question"
                <textarea rows="2" data-testid=tid("prompt") prop:value=move || draft.with_untracked(|l| q(l).prompt)
                    on:input=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |q| q.prompt = v)) }></textarea>
            </label>
            {specific}
            <label class="field">"Hints, one per line (shown one per wrong attempt)"
                <textarea rows="2" data-testid=tid("hints") prop:value=move || draft.with_untracked(|l| q(l).hints.join("\n"))
                    on:input=move |ev| { let v = lines(&event_target_value(&ev)); edit(Box::new(move |q| q.hints = v)) }></textarea>
            </label>
            <label class="field">"Said when it is right"
                <input type="text" data-testid=tid("explanation") prop:value=move || draft.with_untracked(|l| q(l).explanation)
                    on:input=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |q| q.explanation = v)) }/>
            </label>
            <button type="button" on:click=move |_| draft.update(|l| { l.steps[i].questions.remove(j); })>"Remove question"</button>
        </li>
    }
}

//! The list of lessons, opening a lesson file, and the pages that resolve a lesson to play.

use frontier_lessons::builtin::IDS;
use frontier_lessons::{parse_and_check, LessonError};
use leptos::prelude::*;

use super::player::LessonPlayer;
use super::store;
use crate::framework::dom;

fn errors_view(what: String, errors: Vec<LessonError>) -> AnyView {
    let items = errors.into_iter().map(|e| view! { <li>{e.to_string()}</li> }).collect_view();
    view! {
        <div class="notice warning" role="alert" data-testid="lesson-errors">
            <p>{what}</p>
            <ul>{items}</ul>
        </div>
    }
    .into_any()
}

/// Plays `text` if it is a valid lesson.
fn play(text: &str, persist: bool) -> AnyView {
    match parse_and_check(text) {
        Ok(checked) => view! { <LessonPlayer lesson=checked.lesson persist=persist/> }.into_any(),
        Err(errors) => errors_view("This lesson could not be opened:".into(), errors),
    }
}

#[component]
pub fn LessonsIndex() -> impl IntoView {
    let status = RwSignal::new(String::new());
    // The built-in lessons are files beside the app, fetched when the list is shown.
    let listed = RwSignal::new(Vec::<(String, String, String)>::new());
    leptos::task::spawn_local(async move {
        let mut out = Vec::new();
        for id in IDS {
            let text = dom::fetch_bytes(&frontier_lessons::builtin::url(id))
                .await
                .map(|b| String::from_utf8_lossy(&b).into_owned());
            let (title, summary) = match text
                .map_err(|e| e.to_string())
                .and_then(|t| frontier_lessons::check::parse(&t).map_err(|e| e.to_string()))
            {
                Ok(l) => (l.title, l.summary),
                Err(why) => (id.to_string(), format!("This lesson could not be loaded: {why}")),
            };
            out.push((id.to_string(), title, summary));
        }
        listed.set(out);
    });
    let list = move || {
        listed
            .get()
            .into_iter()
            .map(|(id, title, summary)| {
                view! {
                    <li>
                        <a href=format!("#/lessons/{id}")>{title}</a>
                        <p>{summary}</p>
                    </li>
                }
            })
            .collect_view()
    };
    let open = move |ev: leptos::ev::Event| {
        let Some(file) = dom::event_file(&ev) else { return };
        if file.size() > frontier_lessons::format::MAX_FILE_BYTES as f64 {
            return status.set(format!("{} is larger than a lesson may be (1 MiB).", file.name()));
        }
        leptos::task::spawn_local(async move {
            let text = match dom::read_file_text(&file).await {
                Ok(t) => t,
                Err(e) => return status.set(format!("The file could not be read: {e}")),
            };
            match parse_and_check(&text) {
                Ok(checked) => match store::keep_opened(&checked.lesson) {
                    Ok(()) => dom::set_hash(&format!("#/lessons/{}", checked.id)),
                    Err(why) => {
                        status.set(format!("The lesson is valid but could not be kept in this browser ({why})."))
                    }
                },
                Err(errors) => {
                    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                    status.set(format!("{} is not a valid lesson: {}", file.name(), lines.join("; ")));
                }
            }
        });
    };
    view! {
        <section class="page">
            <h1>"Lessons"</h1>
            <p>"Each lesson walks through one open problem with a lab set up for it, and asks questions the lab itself marks. Your answers stay in this browser; export a report for your teacher."</p>
            <ul class="lesson-list" data-testid="lesson-list">{list}</ul>
            <h2>"Your own"</h2>
            <p>
                <a class="button" href="#/lessons/author" data-testid="write-lesson">"Write a lesson"</a>" "
                <label class="button">"Open a lesson file"<input type="file" accept=".json,application/json" class="visually-hidden" data-testid="open-lesson" on:change=open/></label>
            </p>
            <p class="status" aria-live="polite">{move || status.get()}</p>
        </section>
    }
}

/// `#/lessons/<id>`: a built-in lesson, the author's draft (`draft`, previewed without saving
/// progress), or a lesson opened from a file earlier in this browser.
#[component]
pub fn LessonPage(id: String) -> impl IntoView {
    let body = if id == "draft" {
        match store::draft() {
            Ok(lesson) => match frontier_lessons::check(lesson) {
                Ok(c) => view! {
                    <p class="notice info">"Preview: answers here are not saved. "<a href="#/lessons/author">"Back to the editor"</a></p>
                    <LessonPlayer lesson=c.lesson persist=false/>
                }
                .into_any(),
                Err(errors) => errors_view("The draft does not check yet:".into(), errors),
            },
            Err(why) => view! { <p class="notice warning">{why}</p> }.into_any(),
        }
    } else if IDS.contains(&id.as_str()) {
        let loaded = RwSignal::new(None::<Result<String, String>>);
        let url = frontier_lessons::builtin::url(&id);
        leptos::task::spawn_local(async move {
            let text = dom::fetch_bytes(&url).await.map(|b| String::from_utf8_lossy(&b).into_owned());
            loaded.set(Some(text));
        });
        (move || match loaded.get() {
            None => view! { <p role="status">"Loading the lesson…"</p> }.into_any(),
            Some(Ok(text)) => play(&text, true),
            Some(Err(why)) => {
                view! { <p class="notice warning">{format!("The lesson could not be loaded: {why}")}</p> }.into_any()
            }
        })
        .into_any()
    } else if let Some(text) = store::opened(&id) {
        play(&text, true)
    } else {
        view! { <p>"There is no lesson " <code>{id}</code> " in this browser. "<a href="#/lessons">"See the lessons"</a></p> }.into_any()
    };
    view! { <section class="page">{body}</section> }
}

/// `#/lessons/shared?l=…`: a lesson carried by its link.
#[component]
pub fn SharedLessonPage(link: String) -> impl IntoView {
    let body = match frontier_lessons::link::decode(&link) {
        Ok(lesson) => match frontier_lessons::check(lesson) {
            Ok(c) => view! { <LessonPlayer lesson=c.lesson persist=true/> }.into_any(),
            Err(errors) => errors_view("This lesson link holds a lesson that does not check:".into(), errors),
        },
        Err(e) => errors_view("This lesson link could not be read:".into(), vec![e]),
    };
    view! { <section class="page">{body}</section> }
}

//! Pages and the app shell that picks one from the route.

mod about;
pub mod benchmarks;
mod home;
mod landscape;
mod problem;
mod widget;

use frontier_state::Route;
use leptos::prelude::*;

use crate::framework::router::provide_router;

#[component]
pub fn App() -> impl IntoView {
    let route = provide_router();
    let is_embed = Memo::new(move |_| matches!(route.get(), Route::Embed { .. }));
    Effect::new(move |_| {
        if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
            let _ = body.class_list().toggle_with_force("embed", is_embed.get());
        }
    });
    let page_of = move |route: Route| match route {
        Route::Home => view! { <home::Home/> }.into_any(),
        Route::About => view! { <about::About/> }.into_any(),
        Route::Landscape => view! { <landscape::Landscape/> }.into_any(),
        Route::Benchmarks => match crate::bundle::current().benchmarks {
            Some(page) => page(),
            None => view! { <OtherPart/> }.into_any(),
        },
        Route::Problem(id) => view! { <problem::ProblemPage id=id/> }.into_any(),
        Route::Widget { problem, widget, query } => {
            view! { <widget::WidgetPage problem=problem widget=widget query=query/> }.into_any()
        }
        Route::Embed { widget, query } => view! { <widget::EmbedPage widget=widget query=query/> }.into_any(),
        lessons @ (Route::Lessons | Route::Lesson(_) | Route::SharedLesson(_) | Route::LessonAuthor) => {
            match crate::bundle::current().lessons {
                Some(page) => page(lessons),
                None => view! { <OtherPart/> }.into_any(),
            }
        }
        Route::NotFound(path) => view! { <NotFound path=path/> }.into_any(),
    };
    // A route of another part of the site (see `crate::bundle`): the boot script loads that
    // part's module on a fresh load of this address.
    let page = move || {
        let route = route.get();
        if crate::bundle::current().serves(&route) {
            page_of(route)
        } else {
            open_other_part();
            view! { <OtherPart/> }.into_any()
        }
    };
    move || {
        if is_embed.get() {
            view! { <main id="main" class="embed-main">{page}</main> }.into_any()
        } else if framed_by_another_page() {
            // Full pages hold a reader's saved work and its controls: another site must not
            // frame them (click-jacking). Embeds exist for that.
            let href = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
            view! {
                <main id="main" class="embed-main">
                    <div class="notice warning" role="alert" data-testid="framed-refused">
                        <p>"Frontier Lab's full pages are not shown inside another page. A site can embed a single widget with its #/embed/ link."</p>
                        <p><a href=href target="_blank" rel="noopener">"Open this page in its own tab"</a></p>
                    </div>
                </main>
            }
            .into_any()
        } else {
            view! {
                <a class="skip-link" href="#main" on:click=|ev| { ev.prevent_default(); focus_main(); }>"Skip to content"</a>
                <header class="site-header">
                    <a class="brand" href="#/">"Frontier Lab"</a>
                    <nav aria-label="Site">
                        <a href="#/">"Problems"</a>
                        <a href="#/lessons">"Lessons"</a>
                        <a href="#/landscape">"Landscape"</a>
                        <a href="#/about">"About"</a>
                    </nav>
                </header>
                <main id="main" tabindex="-1">{page}</main>
                <footer class="site-footer">
                    <p>"Everything runs in your browser. Nothing you enter or upload leaves this page."</p>
                    <nav aria-label="More"><a href="#/benchmarks" data-testid="benchmarks-link">"Benchmarks: how fast this site runs on your machine"</a></nav>
                </footer>
            }
            .into_any()
        }
    }
}

/// Whether this document sits in a frame of another page.
fn framed_by_another_page() -> bool {
    let Some(window) = web_sys::window() else { return false };
    match window.top() {
        Ok(Some(top)) => !js_sys::Object::is(&top, &window),
        // Reading `top` failed: a frame whose parent denies even that.
        Ok(None) | Err(_) => true,
    }
}

/// Moves focus to the main region (the skip link must not change the hash route).
fn focus_main() {
    use wasm_bindgen::JsCast;
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("main"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// Loads the current address afresh, once per address: the boot script picks the module that
/// serves it. A second try for the same address (the module still does not serve it) stops, and
/// [`OtherPart`] says so instead of reloading without end.
fn open_other_part() {
    let Some(window) = web_sys::window() else { return };
    let href = window.location().href().unwrap_or_default();
    let storage = window.session_storage().ok().flatten();
    let tried = storage.as_ref().and_then(|s| s.get_item("frontier-lab:reloaded-for").ok().flatten());
    if tried.as_deref() == Some(href.as_str()) {
        return;
    }
    if let Some(s) = &storage {
        let _ = s.set_item("frontier-lab:reloaded-for", &href);
    }
    let _ = window.location().reload();
}

/// Shown while another part of the site loads, or if it cannot.
#[component]
fn OtherPart() -> impl IntoView {
    let href = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    view! {
        <section class="page" data-testid="other-part">
            <p role="status">"Loading this part of Frontier Lab…"</p>
            <p>"If it does not appear, "<a href=href>"open this address again"</a>"."</p>
        </section>
    }
}

#[component]
fn NotFound(path: String) -> impl IntoView {
    view! {
        <section class="page">
            <h1>"Page not found"</h1>
            <p>"There is no page at " <code>{path}</code> ". "<a href="#/">"See all problems"</a>"."</p>
        </section>
    }
}

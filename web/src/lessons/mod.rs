//! Lessons in the page: the list, a lesson played by a student, and the editor a teacher writes
//! one in. The lesson format, its checks and its grading live in `frontier-lessons`; this
//! module only shows them and keeps what the reader does.

mod author;
mod index;
mod markdown;
mod player;
pub mod store;

pub use author::LessonAuthor;
pub use index::{LessonPage, LessonsIndex, SharedLessonPage};

use frontier_state::Route;
use leptos::prelude::*;

/// The page of a lessons route (the `full` bundle's [`crate::bundle::Lessons`]).
pub fn page(route: Route) -> AnyView {
    match route {
        Route::Lessons => view! { <LessonsIndex/> }.into_any(),
        Route::Lesson(id) => view! { <LessonPage id=id/> }.into_any(),
        Route::SharedLesson(link) => view! { <SharedLessonPage link=link/> }.into_any(),
        Route::LessonAuthor => view! { <LessonAuthor/> }.into_any(),
        other => view! { <p>"Not a lessons page: " {format!("{other:?}")}</p> }.into_any(),
    }
}

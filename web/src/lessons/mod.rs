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

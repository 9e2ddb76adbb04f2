//! Lessons: a teacher's sequence of steps, each a little prose, a lab in a fixed state with
//! chosen controls hidden, and questions that grade themselves against the numbers the lab
//! computes (`frontier_labs::Lab::measures`), never against values typed by the author.
//!
//! `format` is the lesson file (versioned JSON) and its limits; `markdown` the safe subset of
//! Markdown the prose may use; `check` validates a lesson with located errors and works out
//! each question's answer; `grade` marks a student's answer; `progress` keeps a student's
//! attempts and writes the report for the teacher; `link` packs a lesson into a share link;
//! `builtin` holds the eight lessons that ship with the site.

pub mod builtin;
pub mod check;
pub mod format;
pub mod grade;
pub mod link;
pub mod markdown;
pub mod progress;

pub use check::{check, parse_and_check, CheckedLesson, CheckedQuestion, LessonError};
pub use format::{Answer, LabState, Lesson, Question, Step};
pub use grade::{grade, Verdict};
pub use progress::{Progress, QuestionProgress};

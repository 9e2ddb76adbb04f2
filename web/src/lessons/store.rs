//! What lessons keep in this browser: the draft being written, each student's progress, and
//! lessons opened from files. Unreadable stored text is moved aside, never written over.

use frontier_lessons::format::{LabState, Lesson, Step};
use frontier_lessons::Progress;

use crate::framework::storage::{load_saved, Store};

pub const DRAFT_KEY: &str = "frontier-lab:lesson-draft:v1";
const PROGRESS_PREFIX: &str = "frontier-lab:lesson-progress:v1:";
const OPENED_PREFIX: &str = "frontier-lab:lessons:v1:";

/// The draft, or a new empty one.
pub fn draft() -> Result<Lesson, String> {
    Ok(load_saved::<Lesson>(DRAFT_KEY, "lesson-draft", "lesson draft")?
        .unwrap_or_else(|| Lesson::new("my-lesson", "My lesson")))
}

pub fn save_draft(lesson: &Lesson) -> Result<(), String> {
    Store::open().set(DRAFT_KEY, &lesson.to_json())
}

/// Appends a lab in its current state to the draft as a new step; returns the step's number.
pub fn add_step(
    widget: &str,
    version: u32,
    state: serde_json::Value,
    hide: Vec<String>,
    title: &str,
) -> Result<usize, String> {
    let mut lesson = draft()?;
    lesson.steps.push(Step {
        title: title.to_string(),
        prose: String::new(),
        lab: LabState { widget: widget.to_string(), version, state, hide },
        questions: Vec::new(),
    });
    save_draft(&lesson)?;
    Ok(lesson.steps.len())
}

/// Progress is kept per lesson id and content: a changed lesson starts afresh.
fn progress_key(lesson: &Lesson) -> String {
    let hash = lesson
        .to_json()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    format!("{PROGRESS_PREFIX}{}:{hash:016x}", lesson.id)
}

pub fn load_progress(lesson: &Lesson) -> (Progress, Option<String>) {
    match load_saved::<Progress>(&progress_key(lesson), "lesson-progress", "lesson progress") {
        Ok(saved) => (saved.unwrap_or_else(|| Progress::new(&lesson.id)), None),
        Err(why) => (Progress::new(&lesson.id), Some(why)),
    }
}

pub fn save_progress(lesson: &Lesson, progress: &Progress) -> Result<(), String> {
    let text = serde_json::to_string(progress).map_err(|e| e.to_string())?;
    Store::open().set(&progress_key(lesson), &text)
}

/// A lesson opened from a file, kept so its link (`#/lessons/<id>`) survives a reload.
pub fn opened(id: &str) -> Option<String> {
    Store::open().get(&format!("{OPENED_PREFIX}{id}")).ok().flatten()
}

pub fn keep_opened(lesson: &Lesson) -> Result<(), String> {
    Store::open().set(&format!("{OPENED_PREFIX}{}", lesson.id), &lesson.to_json())
}

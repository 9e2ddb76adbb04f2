//! The lesson file: JSON with a format name and a version, so that a later release can
//! recognise and migrate it. Unknown fields are errors (a misspelt `tolerance` must not
//! silently grade every answer as wrong).

use serde::{Deserialize, Serialize};

/// The `format` field of every lesson file.
pub const FORMAT: &str = "frontier-lab-lesson";
/// The lesson format this release writes and reads.
pub const VERSION: u32 = 1;

/// Limits that keep a hostile lesson from asking for unbounded work or memory.
pub const MAX_FILE_BYTES: usize = 1 << 20;
pub const MAX_STEPS: usize = 40;
pub const MAX_QUESTIONS_PER_STEP: usize = 12;
pub const MAX_PROSE_CHARS: usize = 20_000;
pub const MAX_TEXT_CHARS: usize = 2_000;
pub const MAX_OPTIONS: usize = 8;
pub const MAX_HINTS: usize = 5;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    pub format: String,
    pub version: u32,
    /// Lowercase words joined by `-`; a student's progress is kept under it.
    pub id: String,
    pub title: String,
    /// One or two sentences for the list of lessons.
    #[serde(default)]
    pub summary: String,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub title: String,
    /// Markdown, in the subset `crate::markdown` reads (no raw HTML).
    #[serde(default)]
    pub prose: String,
    pub lab: LabState,
    #[serde(default)]
    pub questions: Vec<Question>,
}

/// A lab in a fixed state: its id, the schema version of `state`, the state as the lab's share
/// link carries it, and the controls hidden from the student.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabState {
    pub widget: String,
    pub version: u32,
    pub state: serde_json::Value,
    #[serde(default)]
    pub hide: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Unique within its step: lowercase words joined by `_` or `-`.
    pub id: String,
    pub prompt: String,
    pub answer: Answer,
    /// Shown one at a time after wrong attempts.
    #[serde(default)]
    pub hints: Vec<String>,
    /// Shown once the question is answered correctly.
    #[serde(default)]
    pub explanation: String,
}

/// How a question is answered and graded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Answer {
    /// A number, right when it is within the tolerance of the measure at the step's state.
    /// Exactly one of `tolerance` (absolute, in the measure's unit) or `relative_tolerance`
    /// (a fraction of the right value).
    Number {
        measure: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tolerance: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        relative_tolerance: Option<f64>,
    },
    /// One of several options; `correct` counts from 0.
    Choice { options: Vec<String>, correct: usize },
    /// The student moves the lab's controls until the measure lies in the range (either bound
    /// may be left out); graded on the lab's state when the student asks.
    Reach {
        measure: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at_least: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at_most: Option<f64>,
    },
}

impl Answer {
    pub fn kind(&self) -> &'static str {
        match self {
            Answer::Number { .. } => "number",
            Answer::Choice { .. } => "choice",
            Answer::Reach { .. } => "reach",
        }
    }

    /// The measure the answer depends on, if any.
    pub fn measure(&self) -> Option<&str> {
        match self {
            Answer::Number { measure, .. } | Answer::Reach { measure, .. } => Some(measure),
            Answer::Choice { .. } => None,
        }
    }
}

impl Lesson {
    /// An empty lesson to author from.
    pub fn new(id: &str, title: &str) -> Self {
        Lesson {
            format: FORMAT.into(),
            version: VERSION,
            id: id.into(),
            title: title.into(),
            summary: String::new(),
            steps: Vec::new(),
        }
    }

    /// The file's text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Where a question is: its step (from 0) and its index there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct QuestionRef {
    pub step: usize,
    pub question: usize,
}

impl QuestionRef {
    /// The question's path in error messages and reports: `steps[1].questions[0]`.
    pub fn path(self) -> String {
        format!("steps[{}].questions[{}]", self.step, self.question)
    }
}

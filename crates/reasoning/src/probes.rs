//! The article's table of reasoning failures, turned into generators of fresh tasks with exact
//! graders. A fixed benchmark leaks into training data; a generator with a seed gives as many new
//! items as wanted, and anyone can regenerate the same items from (task, seed, index) to check a
//! grade. Every answer is computed, never written by hand: letters are counted, turns summed,
//! dates stepped through day numbers, statements judged in every world the facts allow, and room
//! assignments solved by the SAT solver of [`crate::csp`].
//!
//! Tasks (`--task` of the command line): `counting`, `compass`, `weekday`, `negation`,
//! `constraints`.

pub mod answers;
pub mod calendar;
mod compass;
mod constraints;
mod counting;
mod figures;
mod file;
mod grade;
mod negation;
mod paste;
mod rng;
mod selection;
mod weekday;
mod words;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use answers::HEADINGS;
pub use compass::turn;
pub use counting::count_occurrences;
pub use figures::{ArticleFigure, ARTICLE_FIGURES};
pub use file::{grade_file, read_graded_file, GradedItem, MAX_FILE_BYTES};
pub use grade::{grade, grade_batch, grade_optional, report, Grade, Report, TaskAccuracy};
pub use paste::{parse_pasted_answers, PasteError, MAX_PASTE_BYTES};
pub use selection::{ProbeSettings, TaskSelection};
pub use words::WORDS;

/// Most items one call generates or one file grades.
pub const MAX_PROBES: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Task {
    Counting,
    Compass,
    Weekday,
    Negation,
    Constraints,
}

impl Task {
    pub const ALL: [Task; 5] = [Task::Counting, Task::Compass, Task::Weekday, Task::Negation, Task::Constraints];

    /// The id used on the command line and in files.
    pub fn id(self) -> &'static str {
        match self {
            Task::Counting => "counting",
            Task::Compass => "compass",
            Task::Weekday => "weekday",
            Task::Negation => "negation",
            Task::Constraints => "constraints",
        }
    }

    /// Reads an id, ignoring case and surrounding spaces.
    pub fn from_id(id: &str) -> Result<Task, ProbeError> {
        let wanted = id.trim().to_lowercase();
        Task::ALL.into_iter().find(|t| t.id() == wanted).ok_or_else(|| ProbeError::UnknownTask {
            given: id.chars().take(40).collect(),
            hint: crate::csp::names::did_you_mean(&wanted, Task::ALL.map(Task::id)),
        })
    }

    /// Mixed into the seed, so that one seed gives unrelated items for different tasks.
    fn salt(self) -> u64 {
        match self {
            Task::Counting => 0x636f_756e_7469_6e67,
            Task::Compass => 0x636f_6d70_6173_7300,
            Task::Weekday => 0x7765_656b_6461_7900,
            Task::Negation => 0x6e65_6761_7469_6f6e,
            Task::Constraints => 0x636f_6e73_7472_6e74,
        }
    }
}

impl fmt::Display for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Task {
    type Err = ProbeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Task::from_id(s)
    }
}

/// One generated item. `answer` is a canonical correct answer; for `constraints` it is one valid
/// assignment of possibly several, or `impossible`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Probe {
    pub id: String,
    pub task: Task,
    pub seed: u64,
    pub index: u64,
    pub prompt: String,
    pub answer: String,
}

/// What `frontier probe generate` prints; add a `response` to each item to grade it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeSet {
    pub task: Task,
    pub seed: u64,
    pub n: usize,
    pub items: Vec<Probe>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub enum ProbeError {
    #[error("unknown task “{given}”{hint}; the tasks are counting, compass, weekday, negation and constraints")]
    UnknownTask { given: String, hint: String },
    #[error("the number of probes must be from 1 to {MAX_PROBES}, got {0}")]
    Count(usize),
    #[error("{responses} responses for {probes} probes")]
    TooManyResponses { probes: usize, responses: usize },
    #[error("the file is {bytes} bytes long; the limit is {MAX_FILE_BYTES} bytes")]
    TooLarge { bytes: usize },
    #[error("line {line}, column {column}: {message}")]
    Json { line: usize, column: usize, message: String },
    #[error("item {item}{}: {message}", .line.map(|l| format!(" (line {l})")).unwrap_or_default())]
    Item { item: usize, line: Option<usize>, message: String },
    #[error("could not generate {task} item {index} of seed {seed}")]
    Generation { task: Task, seed: u64, index: u64 },
}

/// The item (task, seed, index); the same triple always gives the same item.
pub fn probe(task: Task, seed: u64, index: u64) -> Result<Probe, ProbeError> {
    let mut rng = rng::SplitMix64::for_item(task.salt(), seed, index);
    let made = match task {
        Task::Counting => Some(counting::make(&mut rng)),
        Task::Compass => Some(compass::make(&mut rng)),
        Task::Weekday => Some(weekday::make(&mut rng)),
        Task::Negation => negation::make(&mut rng),
        Task::Constraints => constraints::make(&mut rng),
    };
    let (prompt, answer) = made.ok_or(ProbeError::Generation { task, seed, index })?;
    Ok(Probe { id: format!("{task}-{seed}-{index}"), task, seed, index, prompt, answer })
}

/// Items 0..n of (task, seed).
pub fn generate(task: Task, n: usize, seed: u64) -> Result<Vec<Probe>, ProbeError> {
    if n == 0 || n > MAX_PROBES {
        return Err(ProbeError::Count(n));
    }
    (0..n as u64).map(|index| probe(task, seed, index)).collect()
}

/// [`generate`], wrapped as the command line prints it.
pub fn generate_set(task: Task, n: usize, seed: u64) -> Result<ProbeSet, ProbeError> {
    Ok(ProbeSet { task, seed, n, items: generate(task, n, seed)? })
}

//! Grading replies. Each grade regenerates its item from (task, seed, index) and grades against
//! that, so an edited `answer` cannot change a grade. What was read from the reply is shown
//! (`parsed`), so a reader can tell a wrong answer from an answer the reader missed.

use serde::Serialize;

use super::answers::{self, HEADINGS};
use super::calendar::{Date, WEEKDAYS};
use super::figures::figure;
use super::{constraints, probe, rng, Probe, ProbeError, Task};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grade {
    pub id: String,
    pub task: Task,
    /// The regenerated item's answer.
    pub expected: String,
    /// The reply as given; `None` when there was none.
    pub response: Option<String>,
    /// What the grader read from the reply, in the form of `expected`.
    pub parsed: Option<String>,
    pub correct: bool,
    pub note: String,
}

/// Grades one reply.
pub fn grade(probe: &Probe, response: &str) -> Grade {
    grade_optional(probe, Some(response))
}

/// Grades one reply, or its absence (graded wrong with the note "no answer").
pub fn grade_optional(item: &Probe, response: Option<&str>) -> Grade {
    let fresh = probe(item.task, item.seed, item.index);
    let expected = fresh.as_ref().map_or_else(|_| item.answer.clone(), |p| p.answer.clone());
    let mut grade = Grade {
        id: item.id.clone(),
        task: item.task,
        expected: expected.clone(),
        response: response.map(str::to_string),
        parsed: None,
        correct: false,
        note: String::new(),
    };
    let Some(text) = response.filter(|r| !r.trim().is_empty()) else {
        grade.note = "no answer".to_string();
        return grade;
    };
    let (parsed, correct, note) = match item.task {
        Task::Counting => simple(answers::number(text).map(|n| n.to_string()), &expected, "a number"),
        Task::Compass => simple(answers::heading(text).map(|h| HEADINGS[h].to_string()), &expected, "a direction"),
        Task::Weekday if looks_like_iso_date(&expected) => {
            simple(answers::date(text).map(Date::iso), &expected, "a date")
        }
        Task::Weekday => simple(answers::weekday(text).map(|d| WEEKDAYS[d].to_string()), &expected, "a weekday"),
        Task::Negation => simple(answers::letter(text, 4).map(String::from), &expected, "a letter A to D"),
        Task::Constraints => {
            let mut rng = rng::SplitMix64::for_item(item.task.salt(), item.seed, item.index);
            match constraints::problem(&mut rng) {
                Some((problem, solution)) => constraints::grade(&problem, &solution, text),
                None => (None, false, "the item could not be regenerated".to_string()),
            }
        }
    };
    if let Ok(fresh) = &fresh {
        if fresh.prompt != item.prompt {
            grade.note =
                "the prompt differs from the regenerated item's; graded against the regenerated item. ".to_string();
        }
    }
    grade.parsed = parsed;
    grade.correct = correct;
    grade.note.push_str(&note);
    grade
}

fn looks_like_iso_date(text: &str) -> bool {
    answers::date(text).is_some_and(|d| d.iso() == text)
}

fn simple(parsed: Option<String>, expected: &str, what: &str) -> (Option<String>, bool, String) {
    match parsed {
        None => (None, false, format!("found no {what} in the response")),
        Some(p) if p == expected => (Some(p), true, "correct".to_string()),
        Some(p) => {
            let note = format!("expected {expected}, read {p}");
            (Some(p), false, note)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskAccuracy {
    pub task: Task,
    pub count: usize,
    pub answered: usize,
    pub correct: usize,
    /// `None` when there are no items of the task.
    pub accuracy_percent: Option<f64>,
    /// The article's figures for the task (not measured here).
    pub article_gpt4o_percent: f64,
    pub article_human_percent: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub count: usize,
    pub answered: usize,
    pub correct: usize,
    pub accuracy_percent: Option<f64>,
    /// Every task, in the order of [`Task::ALL`], beside the article's figures.
    pub tasks: Vec<TaskAccuracy>,
    pub grades: Vec<Grade>,
}

fn percent(correct: usize, count: usize) -> Option<f64> {
    (count > 0).then(|| 100.0 * correct as f64 / count as f64)
}

/// Totals over grades already made.
pub fn report(grades: Vec<Grade>) -> Report {
    let tasks = Task::ALL
        .iter()
        .map(|&task| {
            let mine: Vec<&Grade> = grades.iter().filter(|g| g.task == task).collect();
            let count = mine.len();
            let correct = mine.iter().filter(|g| g.correct).count();
            let article = figure(task);
            TaskAccuracy {
                task,
                count,
                answered: mine.iter().filter(|g| g.response.as_deref().is_some_and(|r| !r.trim().is_empty())).count(),
                correct,
                accuracy_percent: percent(correct, count),
                article_gpt4o_percent: article.map_or(f64::NAN, |a| a.gpt4o_percent),
                article_human_percent: article.map_or(f64::NAN, |a| a.human_percent),
            }
        })
        .collect::<Vec<_>>();
    let count = grades.len();
    let correct = grades.iter().filter(|g| g.correct).count();
    let answered = tasks.iter().map(|t| t.answered).sum();
    Report { count, answered, correct, accuracy_percent: percent(correct, count), tasks, grades }
}

/// Grades `responses[i]` against `probes[i]`; probes past the end of `responses` are unanswered.
pub fn grade_batch(probes: &[Probe], responses: &[Option<String>]) -> Result<Report, ProbeError> {
    if responses.len() > probes.len() {
        return Err(ProbeError::TooManyResponses { probes: probes.len(), responses: responses.len() });
    }
    let grades = probes
        .iter()
        .enumerate()
        .map(|(i, p)| grade_optional(p, responses.get(i).and_then(|r| r.as_deref())))
        .collect();
    Ok(report(grades))
}

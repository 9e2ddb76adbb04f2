//! A student's progress through one lesson, kept in their browser, and the report they send
//! the teacher (JSON or CSV: question, answer, correct, attempts, time).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::format::Lesson;

/// What happened to one question.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QuestionProgress {
    pub attempts: u32,
    /// The last answer given, as the student gave it (a reach question's is the measure's value).
    pub answer: String,
    pub correct: bool,
    /// When the question was first shown, and when it was last answered (ms since 1970).
    pub shown_ms: f64,
    pub answered_ms: Option<f64>,
}

/// Progress through a lesson, by question key (`key`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub lesson_id: String,
    /// The step the student is on, from 0.
    #[serde(default)]
    pub step: usize,
    pub questions: BTreeMap<String, QuestionProgress>,
}

/// The key of question `id` in step `step` (from 0).
pub fn key(step: usize, id: &str) -> String {
    format!("{}/{id}", step + 1)
}

impl Progress {
    pub fn new(lesson_id: &str) -> Self {
        Progress { lesson_id: lesson_id.to_string(), ..Progress::default() }
    }

    /// Notes that a question is on screen (the first time counts).
    pub fn shown(&mut self, step: usize, id: &str, now_ms: f64) {
        let q = self.questions.entry(key(step, id)).or_default();
        if q.shown_ms == 0.0 {
            q.shown_ms = now_ms;
        }
    }

    /// Records an attempt; once a question is right, later attempts do not unmark it.
    pub fn attempt(&mut self, step: usize, id: &str, answer: &str, correct: bool, now_ms: f64) {
        let q = self.questions.entry(key(step, id)).or_default();
        if q.shown_ms == 0.0 {
            q.shown_ms = now_ms;
        }
        if q.correct {
            return;
        }
        q.attempts += 1;
        q.answer = answer.to_string();
        q.correct = correct;
        q.answered_ms = Some(now_ms);
    }

    pub fn get(&self, step: usize, id: &str) -> Option<&QuestionProgress> {
        self.questions.get(&key(step, id))
    }

    /// Wrong attempts so far at a question.
    pub fn wrong_attempts(&self, step: usize, id: &str) -> usize {
        self.get(step, id).map_or(0, |q| q.attempts as usize - usize::from(q.correct))
    }

    /// One row per question of `lesson`, answered or not.
    pub fn report(&self, lesson: &Lesson) -> Report {
        let mut rows = Vec::new();
        for (s, step) in lesson.steps.iter().enumerate() {
            for q in &step.questions {
                let p = self.get(s, &q.id).cloned().unwrap_or_default();
                let time_s =
                    p.answered_ms.filter(|_| p.shown_ms > 0.0).map(|end| ((end - p.shown_ms) / 1000.0).max(0.0));
                rows.push(ReportRow {
                    step: s + 1,
                    question: q.id.clone(),
                    prompt: q.prompt.clone(),
                    kind: q.answer.kind(),
                    answer: p.answer,
                    correct: p.correct,
                    attempts: p.attempts,
                    time_s,
                });
            }
        }
        let correct = rows.iter().filter(|r| r.correct).count();
        Report {
            lesson_id: lesson.id.clone(),
            lesson_title: lesson.title.clone(),
            questions: rows.len(),
            correct,
            rows,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportRow {
    pub step: usize,
    pub question: String,
    pub prompt: String,
    pub kind: &'static str,
    pub answer: String,
    pub correct: bool,
    pub attempts: u32,
    /// From first showing the question to its last answer.
    pub time_s: Option<f64>,
}

/// The teacher's view of one student's lesson.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub lesson_id: String,
    pub lesson_title: String,
    pub questions: usize,
    pub correct: usize,
    pub rows: Vec<ReportRow>,
}

impl Report {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// CSV with a header: step, question, prompt, kind, answer, correct, attempts, time_s.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        frontier_base::csv::push_row(
            &mut out,
            ["step", "question", "prompt", "kind", "answer", "correct", "attempts", "time_s"],
        );
        for r in &self.rows {
            frontier_base::csv::push_row(
                &mut out,
                [
                    r.step.to_string(),
                    r.question.clone(),
                    r.prompt.clone(),
                    r.kind.to_string(),
                    r.answer.clone(),
                    r.correct.to_string(),
                    r.attempts.to_string(),
                    r.time_s.map_or(String::new(), |t| format!("{t:.1}")),
                ],
            );
        }
        out
    }
}

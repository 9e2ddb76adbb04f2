//! Reading and validating a lesson file: JSON errors with their line and column, every other
//! error with the path of what is wrong (`steps[1].questions[0].answer.measure`), all of them
//! at once so a teacher fixes a file in one pass. A valid lesson comes back with every
//! question's answer worked out by the lab it names.

use frontier_labs::{measures_of, MeasureError, Measurement};

use crate::format::{Answer, Lesson, QuestionRef, Step, FORMAT, MAX_FILE_BYTES, MAX_HINTS, MAX_OPTIONS};
use crate::format::{MAX_PROSE_CHARS, MAX_QUESTIONS_PER_STEP, MAX_STEPS, MAX_TEXT_CHARS, VERSION};

/// One thing wrong with a lesson file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LessonError {
    /// Where in the lesson (`steps[0].lab.state`); empty for the file as a whole.
    pub path: String,
    /// Where in the text, for errors in the JSON itself.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl LessonError {
    fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
        LessonError { path: path.into(), line: None, column: None, message: message.into() }
    }

    fn json(e: &serde_json::Error) -> Self {
        LessonError { path: String::new(), line: Some(e.line()), column: Some(e.column()), message: e.to_string() }
    }
}

impl std::fmt::Display for LessonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column, self.path.is_empty()) {
            (Some(line), Some(column), _) => write!(f, "line {line}, column {column}: {}", self.message),
            (_, _, false) => write!(f, "{}: {}", self.path, self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// A question with its answer as the lab computes it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CheckedQuestion {
    #[serde(skip)]
    pub at: QuestionRef,
    /// Counting from 1, as a reader does.
    pub step: usize,
    pub id: String,
    pub kind: &'static str,
    pub prompt: String,
    /// The answer in words: the value and its tolerance, the right option, or the target range.
    pub answer: String,
    /// The measure's value at the step's state (number and reach questions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<&'static str>,
}

/// A valid lesson and its questions' answers.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CheckedLesson {
    #[serde(skip)]
    pub lesson: Lesson,
    pub id: String,
    pub title: String,
    pub steps: usize,
    pub questions: Vec<CheckedQuestion>,
}

/// Reads a lesson file's text: its size, its JSON, its format and version, its fields.
pub fn parse(text: &str) -> Result<Lesson, LessonError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(LessonError::at(
            "",
            format!("the file is {} bytes; a lesson may be at most {MAX_FILE_BYTES}", text.len()),
        ));
    }
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| LessonError::json(&e))?;
    let format = value.get("format").and_then(serde_json::Value::as_str);
    if format != Some(FORMAT) {
        return Err(LessonError::at(
            "format",
            format!("this is not a lesson file (expected \"format\": \"{FORMAT}\")"),
        ));
    }
    match value.get("version").and_then(serde_json::Value::as_u64) {
        Some(v) if v == u64::from(VERSION) => {}
        Some(v) if v > u64::from(VERSION) => {
            return Err(LessonError::at(
                "version",
                format!("written by a newer release (lesson version {v}; this one reads {VERSION})"),
            ))
        }
        _ => return Err(LessonError::at("version", format!("must be {VERSION}"))),
    }
    serde_json::from_str(text).map_err(|e| LessonError::json(&e))
}

/// Reads and validates a lesson file.
pub fn parse_and_check(text: &str) -> Result<CheckedLesson, Vec<LessonError>> {
    let lesson = parse(text).map_err(|e| vec![e])?;
    check(lesson)
}

fn words_ok(id: &str, seps: &[char]) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || seps.contains(&c))
        && !id.starts_with(seps)
        && !id.ends_with(seps)
}

fn text_problem(errors: &mut Vec<LessonError>, path: String, text: &str, max: usize, required: bool) {
    if required && text.trim().is_empty() {
        errors.push(LessonError::at(path, "is empty"));
    } else if text.chars().count() > max {
        errors.push(LessonError::at(path, format!("is {} characters; at most {max}", text.chars().count())));
    }
}

/// Validates a parsed lesson and works out every answer.
pub fn check(lesson: Lesson) -> Result<CheckedLesson, Vec<LessonError>> {
    let mut errors = Vec::new();
    if !words_ok(&lesson.id, &['-']) {
        errors.push(LessonError::at("id", format!("{:?} is not lowercase words joined by '-'", lesson.id)));
    }
    text_problem(&mut errors, "title".into(), &lesson.title, MAX_TEXT_CHARS, true);
    text_problem(&mut errors, "summary".into(), &lesson.summary, MAX_TEXT_CHARS, false);
    if lesson.steps.is_empty() || lesson.steps.len() > MAX_STEPS {
        errors
            .push(LessonError::at("steps", format!("has {} steps; a lesson has 1 to {MAX_STEPS}", lesson.steps.len())));
    }
    let mut questions = Vec::new();
    for (i, step) in lesson.steps.iter().enumerate().take(MAX_STEPS) {
        check_step(i, step, &mut errors, &mut questions);
    }
    if errors.is_empty() {
        Ok(CheckedLesson {
            id: lesson.id.clone(),
            title: lesson.title.clone(),
            steps: lesson.steps.len(),
            questions,
            lesson,
        })
    } else {
        Err(errors)
    }
}

fn check_step(i: usize, step: &Step, errors: &mut Vec<LessonError>, out: &mut Vec<CheckedQuestion>) {
    let path = format!("steps[{i}]");
    text_problem(errors, format!("{path}.title"), &step.title, MAX_TEXT_CHARS, true);
    text_problem(errors, format!("{path}.prose"), &step.prose, MAX_PROSE_CHARS, false);
    for (h, hide) in step.lab.hide.iter().enumerate() {
        if !words_ok(hide, &['_']) {
            errors.push(LessonError::at(format!("{path}.lab.hide[{h}]"), format!("{hide:?} is not a control id")));
        }
    }
    let measured = measures_of(&step.lab.widget, step.lab.version, step.lab.state.clone());
    let measurements: Option<Vec<Measurement>> = match measured {
        Ok(m) => Some(m),
        Err(MeasureError::UnknownLab(_)) => {
            errors.push(LessonError::at(format!("{path}.lab.widget"), measured_error(&step.lab.widget)));
            None
        }
        Err(MeasureError::State(why)) => {
            errors.push(LessonError::at(format!("{path}.lab.state"), why));
            None
        }
        Err(e) => {
            if step.questions.iter().any(|q| q.answer.measure().is_some()) {
                errors.push(LessonError::at(format!("{path}.lab.state"), e.to_string()));
            }
            None
        }
    };
    if step.questions.len() > MAX_QUESTIONS_PER_STEP {
        errors.push(LessonError::at(
            format!("{path}.questions"),
            format!("has {} questions; a step has at most {MAX_QUESTIONS_PER_STEP}", step.questions.len()),
        ));
        return;
    }
    for (j, q) in step.questions.iter().enumerate() {
        let at = QuestionRef { step: i, question: j };
        let qpath = at.path();
        if !words_ok(&q.id, &['_', '-']) {
            errors.push(LessonError::at(
                format!("{qpath}.id"),
                format!("{:?} is not lowercase words joined by '_' or '-'", q.id),
            ));
        }
        if step.questions[..j].iter().any(|p| p.id == q.id) {
            errors.push(LessonError::at(format!("{qpath}.id"), format!("{:?} is used twice in this step", q.id)));
        }
        text_problem(errors, format!("{qpath}.prompt"), &q.prompt, MAX_TEXT_CHARS, true);
        text_problem(errors, format!("{qpath}.explanation"), &q.explanation, MAX_TEXT_CHARS, false);
        if q.hints.len() > MAX_HINTS {
            errors.push(LessonError::at(
                format!("{qpath}.hints"),
                format!("has {} hints; at most {MAX_HINTS}", q.hints.len()),
            ));
        }
        for (h, hint) in q.hints.iter().enumerate() {
            text_problem(errors, format!("{qpath}.hints[{h}]"), hint, MAX_TEXT_CHARS, true);
        }
        let before = errors.len();
        let (answer, value, unit) = check_answer(&qpath, &q.answer, measurements.as_deref(), errors);
        if errors.len() == before {
            out.push(CheckedQuestion {
                at,
                step: i + 1,
                id: q.id.clone(),
                kind: q.answer.kind(),
                prompt: q.prompt.clone(),
                answer,
                value,
                unit,
            });
        }
    }
}

fn measured_error(widget: &str) -> String {
    MeasureError::UnknownLab(widget.to_string()).to_string()
}

/// A measure's value, or an error at `path` naming the lab's measures.
fn find<'a>(
    path: &str,
    measure: &str,
    measurements: Option<&'a [Measurement]>,
    errors: &mut Vec<LessonError>,
) -> Option<&'a Measurement> {
    let all = measurements?;
    let found = all.iter().find(|m| m.id == measure);
    if found.is_none() {
        let known: Vec<&str> = all.iter().map(|m| m.id).collect();
        errors.push(LessonError::at(
            format!("{path}.answer.measure"),
            format!("{measure:?} is not measured by this lab (measures: {})", known.join(", ")),
        ));
    }
    found
}

fn check_answer(
    path: &str,
    answer: &Answer,
    measurements: Option<&[Measurement]>,
    errors: &mut Vec<LessonError>,
) -> (String, Option<f64>, Option<&'static str>) {
    let at = |field: &str| format!("{path}.answer.{field}");
    match answer {
        Answer::Number { measure, tolerance, relative_tolerance } => {
            let tol = match (tolerance, relative_tolerance) {
                (Some(t), None) if t.is_finite() && *t >= 0.0 => Some(format!("± {}", crate::grade::show(*t))),
                (None, Some(r)) if r.is_finite() && *r > 0.0 && *r < 1.0 => {
                    Some(format!("± {} %", crate::grade::show(r * 100.0)))
                }
                (Some(_), Some(_)) => {
                    errors.push(LessonError::at(
                        at("tolerance"),
                        "give either tolerance or relative_tolerance, not both",
                    ));
                    None
                }
                (None, None) => {
                    errors.push(LessonError::at(
                        at("tolerance"),
                        "a number question needs tolerance or relative_tolerance",
                    ));
                    None
                }
                (Some(_), None) => {
                    errors.push(LessonError::at(at("tolerance"), "must be a finite number at least 0"));
                    None
                }
                (None, Some(_)) => {
                    errors.push(LessonError::at(at("relative_tolerance"), "must be between 0 and 1 (0.01 is 1 %)"));
                    None
                }
            };
            match (find(path, measure, measurements, errors), tol) {
                (Some(m), Some(tol)) if m.value.is_finite() => {
                    (format!("{} {} {tol}", crate::grade::show(m.value), m.unit), Some(m.value), Some(m.unit))
                }
                (Some(m), Some(_)) => {
                    errors.push(LessonError::at(at("measure"), format!("{} has no value in this state", m.label)));
                    (String::new(), None, None)
                }
                _ => (String::new(), None, None),
            }
        }
        Answer::Choice { options, correct } => {
            if options.len() < 2 || options.len() > MAX_OPTIONS {
                errors.push(LessonError::at(
                    at("options"),
                    format!("has {} options; a choice has 2 to {MAX_OPTIONS}", options.len()),
                ));
            }
            for (o, option) in options.iter().enumerate() {
                text_problem(errors, at(&format!("options[{o}]")), option, MAX_TEXT_CHARS, true);
            }
            match options.get(*correct) {
                Some(right) => (format!("option {}: {right}", correct + 1), None, None),
                None => {
                    errors.push(LessonError::at(
                        at("correct"),
                        format!("is {correct}, but options count from 0 to {}", options.len().saturating_sub(1)),
                    ));
                    (String::new(), None, None)
                }
            }
        }
        Answer::Reach { measure, at_least, at_most } => {
            let bounds_ok = match (at_least, at_most) {
                (None, None) => {
                    errors.push(LessonError::at(at("at_least"), "a reach question needs at_least, at_most or both"));
                    false
                }
                (Some(lo), Some(hi)) if !(lo.is_finite() && hi.is_finite() && lo <= hi) => {
                    errors.push(LessonError::at(at("at_most"), "the range must be finite with at_least ≤ at_most"));
                    false
                }
                (Some(v), None) | (None, Some(v)) if !v.is_finite() => {
                    errors.push(LessonError::at(at("at_least"), "must be a finite number"));
                    false
                }
                _ => true,
            };
            let Some(m) = find(path, measure, measurements, errors) else { return (String::new(), None, None) };
            if !bounds_ok {
                return (String::new(), None, None);
            }
            if crate::grade::in_range(m.value, *at_least, *at_most) {
                errors.push(LessonError::at(
                    at("measure"),
                    format!(
                        "{} is already {} at the step's state, so the question asks nothing",
                        m.label,
                        crate::grade::show(m.value)
                    ),
                ));
            }
            let range = crate::grade::range_words(*at_least, *at_most, m.unit);
            (format!("{} {range} (it starts at {})", m.label, crate::grade::show(m.value)), Some(m.value), Some(m.unit))
        }
    }
}

//! Marking a student's answer. Number answers are compared with the measure at the step's own
//! state (what the lab showed when the step opened), so moving the controls does not move the
//! answer; a reach question is marked on the lab's state at the moment the student asks.

use frontier_labs::{measure_state, Measurement};

use crate::format::{Answer, Question, Step};

/// What the student gave.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Response<'a> {
    /// Typed text: `0.34`, `34 %`, `1.2e9`, `2,048`, `14.8T`.
    Number(&'a str),
    /// The chosen option, from 0.
    Choice(usize),
    /// The lab's state now: its schema version and JSON.
    State(u32, &'a serde_json::Value),
}

/// The mark and what to tell the student.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Verdict {
    pub correct: bool,
    pub message: String,
    /// The hint to show after this wrong attempt, if the author wrote one.
    pub hint: Option<String>,
}

/// A number as a reader would write it: four significant digits, no exponent for ordinary sizes.
pub fn show(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let magnitude = v.abs().log10().floor();
    if !(-4.0..9.0).contains(&magnitude) {
        return format!("{v:.3e}");
    }
    let decimals = (3.0 - magnitude).clamp(0.0, 8.0) as usize;
    let text = format!("{v:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

pub fn in_range(v: f64, at_least: Option<f64>, at_most: Option<f64>) -> bool {
    v.is_finite() && at_least.is_none_or(|lo| v >= lo) && at_most.is_none_or(|hi| v <= hi)
}

pub fn range_words(at_least: Option<f64>, at_most: Option<f64>, unit: &str) -> String {
    match (at_least, at_most) {
        (Some(lo), Some(hi)) => format!("between {} and {} {unit}", show(lo), show(hi)),
        (Some(lo), None) => format!("at least {} {unit}", show(lo)),
        (None, Some(hi)) => format!("at most {} {unit}", show(hi)),
        (None, None) => "anything".into(),
    }
}

/// Reads a typed number; a trailing `%` divides by 100.
pub fn parse_number(text: &str) -> Result<f64, String> {
    let trimmed = text.trim();
    let (body, scale) = match trimmed.strip_suffix('%') {
        Some(body) => (body, 0.01),
        None => (trimmed, 1.0),
    };
    frontier_state::parse_quantity(body).map(|v| v * scale).map_err(|e| e.to_string())
}

/// The measure `id` of the step's own state.
pub fn step_measure(step: &Step, id: &str) -> Result<Measurement, String> {
    measure_state(&step.lab.widget, step.lab.version, step.lab.state.clone(), id).map_err(|e| e.to_string())
}

/// Marks `response` to `question` of `step`; `wrong_before` is how many wrong attempts came
/// before this one (it picks the hint).
pub fn grade(step: &Step, question: &Question, response: Response<'_>, wrong_before: usize) -> Verdict {
    let (correct, message) = match (&question.answer, response) {
        (Answer::Number { measure, tolerance, relative_tolerance }, Response::Number(text)) => {
            match (parse_number(text), step_measure(step, measure)) {
                (Err(why), _) => {
                    return Verdict { correct: false, message: format!("That is not a number: {why}"), hint: None }
                }
                (_, Err(why)) => {
                    return Verdict {
                        correct: false,
                        message: format!("This question cannot be graded: {why}"),
                        hint: None,
                    }
                }
                (Ok(given), Ok(m)) => {
                    let allowed = tolerance.unwrap_or(0.0).max(relative_tolerance.map_or(0.0, |r| r * m.value.abs()));
                    let right = (given - m.value).abs() <= allowed;
                    let message = if right {
                        format!("Right: the lab computes {} {}.", show(m.value), m.unit)
                    } else {
                        format!("Not yet: {} is not within the tolerance.", show(given))
                    };
                    (right, message)
                }
            }
        }
        (Answer::Choice { options, correct }, Response::Choice(chosen)) => {
            let right = chosen == *correct;
            let picked = options.get(chosen).map_or("that option", String::as_str);
            let message = if right { format!("Right: {picked}.") } else { format!("Not this one: {picked}.") };
            (right, message)
        }
        (Answer::Reach { measure, at_least, at_most }, Response::State(version, state)) => {
            match measure_state(&step.lab.widget, version, state.clone(), measure) {
                Err(why) => (false, format!("The lab's state cannot be measured: {why}")),
                Ok(m) => {
                    let right = in_range(m.value, *at_least, *at_most);
                    let target = range_words(*at_least, *at_most, m.unit);
                    let message = if right {
                        format!("Reached: {} is {} {} ({target}).", m.label, show(m.value), m.unit)
                    } else {
                        format!("Not yet: {} is {} {}; it needs to be {target}.", m.label, show(m.value), m.unit)
                    };
                    (right, message)
                }
            }
        }
        _ => {
            return Verdict {
                correct: false,
                message: "That kind of answer does not fit this question.".into(),
                hint: None,
            }
        }
    };
    let hint = (!correct)
        .then(|| question.hints.get(wrong_before.min(question.hints.len().saturating_sub(1))).cloned())
        .flatten();
    let message = if correct && !question.explanation.is_empty() {
        format!("{message} {}", question.explanation)
    } else {
        message
    };
    Verdict { correct, message, hint }
}

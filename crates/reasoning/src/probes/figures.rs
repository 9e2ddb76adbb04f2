//! The article's reasoning table, kept beside the generators so a graded run can be read next to
//! it. These are the article's figures as printed (it names no benchmark or source for them);
//! nothing here measured them.

use serde::Serialize;

use super::Task;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ArticleFigure {
    pub task: Task,
    /// The article's name for the row.
    pub category: &'static str,
    /// The article's example question.
    pub example: &'static str,
    pub gpt4o_percent: f64,
    pub human_percent: f64,
    pub source: &'static str,
}

const SOURCE: &str = "the article's table (approximate figures, no source given); not measured here";

pub const ARTICLE_FIGURES: [ArticleFigure; 5] = [
    ArticleFigure {
        task: Task::Counting,
        category: "Counting",
        example: "How many 'r's in 'strawberry'?",
        gpt4o_percent: 40.0,
        human_percent: 99.0,
        source: SOURCE,
    },
    ArticleFigure {
        task: Task::Compass,
        category: "Spatial",
        example: "If I face north and turn right, which way am I facing?",
        gpt4o_percent: 75.0,
        human_percent: 99.0,
        source: SOURCE,
    },
    ArticleFigure {
        task: Task::Weekday,
        category: "Temporal",
        example: "If Tuesday is 2 days after event X, when was X?",
        gpt4o_percent: 80.0,
        human_percent: 99.0,
        source: SOURCE,
    },
    ArticleFigure {
        task: Task::Negation,
        category: "Negation",
        example: "What is NOT true about X given these 3 facts?",
        gpt4o_percent: 65.0,
        human_percent: 95.0,
        source: SOURCE,
    },
    ArticleFigure {
        task: Task::Constraints,
        category: "Constraint satisfaction",
        example: "Assign 5 people to 3 rooms with constraints",
        gpt4o_percent: 30.0,
        human_percent: 90.0,
        source: SOURCE,
    },
];

/// The article's row for a task.
pub fn figure(task: Task) -> Option<&'static ArticleFigure> {
    ARTICLE_FIGURES.iter().find(|f| f.task == task)
}

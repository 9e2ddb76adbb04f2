//! What the detectors report: a typed finding at a step, with the byte range to highlight.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingType {
    ArithmeticError,
    SelfContradiction,
    PhantomStep,
    UnsupportedNumber,
}

impl FindingType {
    pub const ALL: [FindingType; 4] = [
        FindingType::ArithmeticError,
        FindingType::SelfContradiction,
        FindingType::PhantomStep,
        FindingType::UnsupportedNumber,
    ];

    pub fn id(self) -> &'static str {
        match self {
            FindingType::ArithmeticError => "arithmetic_error",
            FindingType::SelfContradiction => "self_contradiction",
            FindingType::PhantomStep => "phantom_step",
            FindingType::UnsupportedNumber => "unsupported_number",
        }
    }

    pub fn parse(id: &str) -> Option<FindingType> {
        FindingType::ALL.into_iter().find(|t| t.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            FindingType::ArithmeticError => "Arithmetic error",
            FindingType::SelfContradiction => "Self-contradiction",
            FindingType::PhantomStep => "Phantom step",
            FindingType::UnsupportedNumber => "Unsupported number",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    #[serde(rename = "type")]
    pub kind: FindingType,
    /// The step's number, from 0.
    pub step: usize,
    /// Byte range in the trace to highlight.
    pub start: usize,
    pub end: usize,
    pub message: String,
    /// The value the step should have had, where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// A finer kind ("wrong", "scale_mismatch", "sign_dropped", ...), where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

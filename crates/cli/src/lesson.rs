//! `frontier lesson check FILE`: validates a lesson file and prints its questions with the
//! answers the labs compute, so a teacher can review a lesson without opening it. Every error
//! is printed with its line and column or its path in the lesson.

use clap::{Args as ClapArgs, Subcommand};
use frontier_lessons::format::MAX_FILE_BYTES;

use crate::UsageError;

#[derive(ClapArgs)]
pub struct Args {
    #[command(subcommand)]
    command: LessonCommand,
}

#[derive(Subcommand)]
enum LessonCommand {
    /// Validates a lesson file and prints each question with its answer.
    Check {
        /// A lesson file (JSON, as the page exports it), or a built-in lesson's id.
        file: String,
    },
}

pub fn run(args: &Args) -> Result<serde_json::Value, UsageError> {
    let LessonCommand::Check { file } = &args.command;
    let text = match frontier_lessons::builtin::text(file) {
        Some(text) if !std::path::Path::new(file).exists() => text.to_string(),
        _ => read(file)?,
    };
    match frontier_lessons::parse_and_check(&text) {
        Ok(checked) => serde_json::to_value(&checked).map_err(|e| UsageError(e.to_string())),
        Err(errors) => {
            let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
            let count = if errors.len() == 1 { "1 problem".to_string() } else { format!("{} problems", errors.len()) };
            Err(UsageError(format!("{file} is not a valid lesson ({count}):\n  {}", lines.join("\n  "))))
        }
    }
}

fn read(path: &str) -> Result<String, UsageError> {
    let len = std::fs::metadata(path).map_err(|e| UsageError(format!("{path}: {e}")))?.len();
    if len > MAX_FILE_BYTES as u64 {
        return Err(UsageError(format!("{path} is {len} bytes; a lesson may be at most {MAX_FILE_BYTES}")));
    }
    let bytes = std::fs::read(path).map_err(|e| UsageError(format!("{path}: {e}")))?;
    String::from_utf8(bytes)
        .map_err(|e| UsageError(format!("{path}: not UTF-8 text (byte {})", e.utf8_error().valid_up_to())))
}

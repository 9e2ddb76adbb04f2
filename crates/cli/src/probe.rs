//! `frontier probe generate --task T --n N --seed S` prints fresh reasoning probes (the article's
//! table of simple tasks that defeat models) with their answers; `frontier probe grade FILE`
//! grades a model's responses (a `response` added to each generated item) and prints accuracy
//! per task beside the article's figures.

use clap::{Args as ClapArgs, Subcommand};
use frontier_reasoning::probes::{generate_set, grade_file, Task};
use serde_json::Value;

use crate::cot::read_input;
use crate::UsageError;

#[derive(ClapArgs)]
pub struct Args {
    #[command(subcommand)]
    command: ProbeCommand,
}

#[derive(Subcommand)]
enum ProbeCommand {
    /// Fresh, seeded probes of one task, with their answers.
    Generate {
        /// counting | compass | weekday | negation | constraints
        #[arg(long)]
        task: String,
        #[arg(long, default_value_t = 20)]
        n: usize,
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
    /// Grades the `response` of each item of a generated file (JSON or JSON Lines).
    Grade {
        /// The file, or `-` for standard input.
        file: String,
    },
}

fn to_value<T: serde::Serialize>(v: &T) -> Result<Value, UsageError> {
    serde_json::to_value(v).map_err(|e| UsageError(e.to_string()))
}

pub fn run(args: &Args) -> Result<Value, UsageError> {
    match &args.command {
        ProbeCommand::Generate { task, n, seed } => {
            let task = Task::from_id(task).map_err(|e| UsageError(e.to_string()))?;
            to_value(&generate_set(task, *n, *seed).map_err(|e| UsageError(e.to_string()))?)
        }
        ProbeCommand::Grade { file } => {
            let text = read_input(file)?;
            to_value(&grade_file(&text).map_err(|e| UsageError(format!("{file}: {e}")))?)
        }
    }
}

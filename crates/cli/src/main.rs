//! `frontier`: the core analyses on the command line. One JSON object on stdout per run;
//! errors on stderr with exit status 2 for bad input.

mod calibrate;
mod cot;
mod csp;
mod debate;
mod edge;
mod lesson;
mod lm;
mod memory;
mod probe;
mod sae;
mod train_cost;
mod vision_tokens;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "frontier", version, about = "Frontier Lab's analyses on the command line (JSON out)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Training FLOPs, MFU and cost of a run (the training-efficiency widget).
    TrainCost(train_cost::Args),
    /// Calibration metrics of a file of model confidences (the calibration widget).
    Calibrate(calibrate::Args),
    /// Will a model run on a device, and how fast (the edge-inference widget).
    Edge(edge::Args),
    /// Replays a memory scenario (the memory widget): `frontier memory run FILE`.
    Memory(memory::Args),
    /// How a vision encoder tokenizes an image of a given size (the grounding widget).
    VisionTokens(vision_tokens::Args),
    /// A binary-search debate over a long computation: rounds, the judge's one check, the winner.
    Debate(debate::Args),
    /// Checks a chain-of-thought trace: arithmetic errors, self-contradictions, unsupported steps.
    Cot(cot::Args),
    /// Solves a room-assignment constraint problem: satisfiable or not, how many ways, checks a proposal.
    Csp(csp::Args),
    /// Reasoning probes: `frontier probe generate --task T --n N --seed S`, `frontier probe grade FILE`.
    Probe(probe::Args),
    /// Sparse autoencoders: `frontier sae train --data synthetic:sparse-coding --d-sae N`, `frontier sae eval`.
    Sae(sae::Args),
    /// Lessons: `frontier lesson check FILE` validates one and prints its questions with their answers.
    Lesson(lesson::Args),
    /// The in-page language model: `frontier lm generate|logits|activations --model FILE.gguf …`.
    Lm(lm::Args),
    /// Lists the training presets and the hardware table as JSON.
    Presets,
}

/// What a command prints: one pretty JSON object, or one compact JSON object per line.
pub enum Output {
    One(serde_json::Value),
    Lines(Vec<serde_json::Value>),
}

fn print_output(result: Result<Output, UsageError>) -> ExitCode {
    match result {
        Ok(Output::One(value)) => match serde_json::to_string_pretty(&value) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(e) => print_lines(Err(UsageError(e.to_string()))),
        },
        Ok(Output::Lines(lines)) => print_lines(Ok(lines)),
        Err(e) => print_lines(Err(e)),
    }
}

/// Bad input: the message is for the user and the exit status is 2.
#[derive(Debug)]
pub struct UsageError(pub String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::TrainCost(args) => train_cost::run(&args),
        Command::Calibrate(args) => calibrate::run(&args),
        Command::Edge(args) => edge::run(&args),
        Command::Presets => train_cost::presets(),
        Command::VisionTokens(args) => vision_tokens::run(&args),
        Command::Debate(args) => debate::run(&args),
        Command::Csp(args) => csp::run(&args),
        Command::Probe(args) => probe::run(&args),
        Command::Sae(args) => sae::run(&args),
        Command::Lesson(args) => lesson::run(&args),
        Command::Lm(args) => lm::run(&args),
        // One compact JSON line per operation, printed only when every line ran.
        Command::Memory(args) => return print_lines(memory::run(&args)),
        Command::Cot(args) => return print_output(cot::run(&args)),
    };
    let json = result.and_then(|value| serde_json::to_string_pretty(&value).map_err(|e| UsageError(e.to_string())));
    match json {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(UsageError(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn print_lines(result: Result<Vec<serde_json::Value>, UsageError>) -> ExitCode {
    match result {
        Ok(lines) => {
            for line in lines {
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Err(UsageError(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

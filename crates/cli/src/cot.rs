//! `frontier cot FILE|-`: checks a chain-of-thought trace (arithmetic, self-contradiction,
//! unsupported steps) and prints `{"steps": N, "findings": [...]}`. `--baseline` runs the
//! article's three rules instead; `--jsonl` reads one trace per line (field `trace`, optional
//! `id` and `question`) and prints one result per line.

use std::io::Read;

use clap::Args as ClapArgs;
use frontier_reasoning::trace::{parse_batch, BatchFormat, StepMode};
use frontier_reasoning::{analyze, Analysis, Options};
use serde_json::{json, Value};

use crate::{Output, UsageError};

/// Inputs larger than this are refused (the page's limit is the same).
pub const MAX_INPUT_BYTES: usize = 64 << 20;

#[derive(ClapArgs)]
pub struct Args {
    /// The trace, or `-` for standard input.
    file: String,
    /// The article's three rules (phantom step, `a*b=c` regex, 30-character negation check).
    #[arg(long)]
    baseline: bool,
    /// One JSON object per line with a `trace` field; prints one result per line.
    #[arg(long, conflicts_with = "batch")]
    jsonl: bool,
    /// Many traces: JSON Lines, CSV with a `trace` column, or text separated by blank lines
    /// (detected); prints one result per line.
    #[arg(long)]
    batch: bool,
    /// What a step is: lines (default), numbered ("Step 3:", "3.") or sentences.
    #[arg(long, default_value = "lines")]
    steps: String,
    /// A file holding the question: its numbers count as support for the conclusions.
    #[arg(long)]
    question: Option<String>,
}

pub fn read_input(file: &str) -> Result<String, UsageError> {
    let mut bytes = Vec::new();
    let read = if file == "-" {
        std::io::stdin().take(MAX_INPUT_BYTES as u64 + 1).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(file).and_then(|f| f.take(MAX_INPUT_BYTES as u64 + 1).read_to_end(&mut bytes))
    };
    read.map_err(|e| UsageError(format!("cannot read {file}: {e}")))?;
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(UsageError(format!("{file} is over {} MB", MAX_INPUT_BYTES >> 20)));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        UsageError(format!("{file} is not UTF-8 text (byte {at})"))
    })
}

fn result(analysis: &Analysis) -> Value {
    json!({ "steps": analysis.steps, "findings": analysis.findings })
}

pub fn run(args: &Args) -> Result<Output, UsageError> {
    let mode = StepMode::parse(&args.steps)
        .ok_or_else(|| UsageError(format!("--steps {:?}: use lines, numbered or sentences", args.steps)))?;
    let options = Options { mode, baseline: args.baseline };
    let text = read_input(&args.file)?;
    if args.jsonl || args.batch {
        let format = if args.jsonl { BatchFormat::Jsonl } else { BatchFormat::detect(&text) };
        let records = parse_batch(&text, format).map_err(|e| UsageError(format!("{}: {e}", args.file)))?;
        let lines = records
            .iter()
            .map(|r| {
                let analysis = analyze(&r.trace, r.question.as_deref(), options);
                let mut value = result(&analysis);
                value["id"] = json!(r.id);
                value
            })
            .collect();
        return Ok(Output::Lines(lines));
    }
    let question = args.question.as_deref().map(read_input).transpose()?;
    Ok(Output::One(result(&analyze(&text, question.as_deref(), options))))
}

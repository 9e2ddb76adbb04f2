//! Jobs the Web Worker runs, and its replies. Both sides exchange these as JSON strings.

use std::ops::ControlFlow;

use frontier_costs::{AxisRange, TrainingInputs};
use serde::{Deserialize, Serialize};

/// Work for the worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// MFU and cost over a grid of two training inputs, as CSV.
    CostGrid { inputs: TrainingInputs, x: AxisRange, y: AxisRange },
}

/// What the worker sends back.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobReply {
    /// The worker's wasm is loaded and it listens for a job.
    Ready,
    Progress {
        done: usize,
        total: usize,
    },
    Done {
        result: String,
    },
    Failed {
        error: String,
    },
}

/// Runs a job, reporting progress through `report`. Runs in the worker; also callable
/// directly in tests.
pub fn run_job(job: &Job, mut report: impl FnMut(JobReply)) -> JobReply {
    match job {
        Job::CostGrid { inputs, x, y } => {
            let cells = frontier_costs::grid(inputs, x, y, |done, total| {
                report(JobReply::Progress { done, total });
                ControlFlow::Continue(())
            });
            match cells {
                Ok(cells) => {
                    let mut csv = format!("{},{},mfu,total_cost_usd\n", x.axis.id(), y.axis.id());
                    for c in cells {
                        csv.push_str(&format!("{},{},{},{}\n", c.x, c.y, c.mfu, c.total_cost_usd));
                    }
                    JobReply::Done { result: csv }
                }
                Err(e) => JobReply::Failed { error: e.to_string() },
            }
        }
    }
}

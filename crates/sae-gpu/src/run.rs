//! A whole training run on the GPU: the same [`Schedule`] as the CPU trainer (batches, learning
//! rate and L1 schedules, resampling, history), with steps submitted ahead of their measurements.
//!
//! Up to [`MAX_IN_FLIGHT`] submissions are on the GPU at once; their measurements are taken when
//! they arrive, so the step loop never waits for a readback except to keep that bound. A full
//! checkpoint (weights and firing counters) comes back every [`CHECKPOINT_EVERY`] steps, and a run
//! whose device is lost restarts from it on a new device (or on the CPU: [`GpuRun::checkpoint`]).

use std::collections::VecDeque;

use frontier_sae::train::{HistoryPoint, Schedule};
use frontier_sae::{Matrix, Sae, StepParams, StepStats, TrainConfig};

use crate::context::GpuContext;
use crate::error::GpuError;
use crate::sae::{GpuSae, Snapshot, Submission, Until};

/// Submissions on the GPU at once.
pub const MAX_IN_FLIGHT: usize = 3;
/// Steps between checkpoints.
pub const CHECKPOINT_EVERY: u64 = 250;

/// Weights and firing counters after `step` steps.
#[derive(Debug, Clone)]
pub struct Checkpoint {
    pub step: u64,
    pub sae: Sae,
    pub steps_since_fired: Vec<u64>,
}

#[derive(Debug)]
struct InFlight {
    first_step: u64,
    submission: Submission,
    snapshot: Snapshot,
    /// The snapshot's bytes, once arrived.
    snapshot_bytes: Option<Vec<u8>>,
}

/// A training run on a GPU.
pub struct GpuRun {
    schedule: Schedule,
    gpu: GpuSae,
    /// Steps submitted (≥ the schedule's steps done).
    submitted: u64,
    in_flight: VecDeque<InFlight>,
    last: Option<StepStats>,
    checkpoint: Checkpoint,
}

impl std::fmt::Debug for GpuRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GpuRun").field("submitted", &self.submitted).field("gpu", &self.gpu).finish_non_exhaustive()
    }
}

impl GpuRun {
    /// Starts a run from `sae` (the trainer's initial weights) under `schedule`. On failure the
    /// schedule comes back with the error, for the run to go on elsewhere.
    pub async fn new(ctx: &GpuContext, schedule: Schedule, sae: Sae) -> Result<Self, (GpuError, Schedule)> {
        let cfg = &schedule.cfg;
        if let Err(e) = crate::sae::supports(&cfg.sae) {
            return Err((e, schedule));
        }
        let gpu = match GpuSae::new(ctx, &sae, cfg.batch).await {
            Ok(gpu) => gpu,
            Err(e) => return Err((e, schedule)),
        };
        let counts = vec![0; cfg.sae.d_sae];
        let checkpoint = Checkpoint { step: schedule.step(), sae, steps_since_fired: counts };
        Ok(Self { submitted: schedule.step(), schedule, gpu, in_flight: VecDeque::new(), last: None, checkpoint })
    }

    /// Continues a run from a checkpoint on a new device (the last one was lost). On failure the
    /// schedule (rewound to the checkpoint) comes back with the error.
    pub async fn restore(
        ctx: &GpuContext,
        mut schedule: Schedule,
        checkpoint: Checkpoint,
    ) -> Result<Self, (GpuError, Schedule)> {
        schedule.rewind(checkpoint.step);
        let gpu = match GpuSae::new(ctx, &checkpoint.sae, schedule.cfg.batch).await {
            Ok(gpu) => gpu,
            Err(e) => return Err((e, schedule)),
        };
        gpu.set_steps_since_fired(&checkpoint.steps_since_fired);
        Ok(Self { submitted: checkpoint.step, schedule, gpu, in_flight: VecDeque::new(), last: None, checkpoint })
    }

    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    /// Gives the schedule back (to continue elsewhere after a lost device).
    pub fn into_parts(self) -> (Schedule, Checkpoint) {
        (self.schedule, self.checkpoint)
    }

    pub fn cfg(&self) -> &TrainConfig {
        &self.schedule.cfg
    }

    pub fn context(&self) -> &GpuContext {
        self.gpu.context()
    }

    /// Steps whose measurements have arrived.
    pub fn step(&self) -> u64 {
        self.schedule.step()
    }

    pub fn done(&self) -> bool {
        self.schedule.done()
    }

    /// Whether every step has been submitted (the rest is waiting for measurements).
    pub fn all_submitted(&self) -> bool {
        self.submitted >= self.schedule.cfg.steps
    }

    pub fn history(&self) -> &[HistoryPoint] {
        self.schedule.history()
    }

    pub fn last_stats(&self) -> Option<StepStats> {
        self.last
    }

    /// The last checkpoint that came back.
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }

    /// Submits steps and takes arrived measurements until `now` (milliseconds, one clock for the
    /// whole run: it also times out a read that never comes back) reaches `until_ms` or the run is
    /// submitted to the end; waits only when [`MAX_IN_FLIGHT`] submissions are out.
    pub async fn advance(&mut self, now: &mut dyn FnMut() -> f64, until_ms: f64) -> Result<(), GpuError> {
        while self.submitted < self.schedule.cfg.steps && now() < until_ms {
            if self.schedule.resample_due_at(self.submitted) && self.submitted > self.schedule.step() {
                self.drain().await?;
            }
            if self.submitted == self.schedule.step() && self.schedule.resample_due() {
                self.resample().await?;
            }
            self.submit_next()?;
            self.harvest(now())?;
            if self.in_flight.len() >= MAX_IN_FLIGHT {
                self.wait_oldest().await?;
            }
        }
        self.harvest(now())
    }

    /// Waits for every submitted step's measurements.
    pub async fn drain(&mut self) -> Result<(), GpuError> {
        while !self.in_flight.is_empty() {
            self.wait_oldest().await?;
        }
        Ok(())
    }

    /// Trains to the end (natively, a benchmark or a test).
    pub async fn run_to_end(&mut self) -> Result<(), GpuError> {
        // No clock here: the waits bound a hung device ([`crate::readback::READBACK_TIMEOUT`]).
        self.advance(&mut || 0.0, f64::INFINITY).await?;
        self.drain().await
    }

    /// The weights now (after every submitted step).
    pub async fn sae(&mut self) -> Result<Sae, GpuError> {
        self.gpu.read_sae().await
    }

    /// The steps of the next submission: up to a record point, a resampling point, a checkpoint or
    /// the ring's size.
    fn submit_next(&mut self) -> Result<(), GpuError> {
        let first = self.submitted;
        let total = self.schedule.cfg.steps;
        let mut last = first;
        let mut snapshot = Snapshot::None;
        loop {
            let done_after = last + 1;
            if (done_after - first) as usize >= self.gpu.slots() || done_after >= total {
                break;
            }
            if done_after.is_multiple_of(CHECKPOINT_EVERY) {
                break;
            }
            if self.schedule.records_after(done_after) && self.schedule.ground_truth().is_some() {
                break;
            }
            if self.schedule.resample_due_at(done_after) {
                break;
            }
            last += 1;
        }
        let done_after = last + 1;
        if done_after.is_multiple_of(CHECKPOINT_EVERY) || done_after >= total {
            snapshot = Snapshot::Full;
        } else if self.schedule.records_after(done_after) && self.schedule.ground_truth().is_some() {
            snapshot = Snapshot::Decoder;
        }
        let mut steps: Vec<(usize, StepParams)> = Vec::new();
        for (slot, step) in (first..=last).enumerate() {
            let batch: Matrix = self.schedule.next_batch().map_err(GpuError::Schedule)?;
            self.gpu.write_batch(slot, &batch)?;
            steps.push((slot, self.schedule.params_at(step)));
        }
        let submission = self.gpu.submit(&steps, Until::Update, snapshot)?;
        self.in_flight.push_back(InFlight { first_step: first, submission, snapshot, snapshot_bytes: None });
        self.submitted = last + 1;
        Ok(())
    }

    /// Takes every submission whose measurements (and snapshot) have arrived, in order.
    fn harvest(&mut self, now_ms: f64) -> Result<(), GpuError> {
        while let Some(front) = self.in_flight.front_mut() {
            if let Some(read) = front.submission.snapshot.as_mut() {
                match read.try_take(now_ms) {
                    None => return Ok(()),
                    Some(bytes) => {
                        front.snapshot_bytes = Some(bytes?);
                        front.submission.snapshot = None;
                    }
                }
            }
            let Some(stats) = front.submission.try_stats(now_ms) else {
                return Ok(());
            };
            let stats = stats?;
            if let Some(flight) = self.in_flight.pop_front() {
                self.record(flight, stats)?;
            }
        }
        Ok(())
    }

    async fn wait_oldest(&mut self) -> Result<(), GpuError> {
        let Some(mut flight) = self.in_flight.pop_front() else {
            return Ok(());
        };
        if let Some(read) = flight.submission.snapshot.take() {
            flight.snapshot_bytes = Some(read.wait().await?);
        }
        let stats = flight.submission.stats().await?;
        self.record(flight, stats)
    }

    fn record(&mut self, flight: InFlight, stats: Vec<StepStats>) -> Result<(), GpuError> {
        let (decoder, checkpoint) = match (flight.snapshot, flight.snapshot_bytes) {
            (Snapshot::Decoder, Some(bytes)) => {
                let values: Vec<f32> =
                    bytemuck::try_cast_slice(&bytes).map_err(|e| GpuError::Readback(e.to_string()))?.to_vec();
                let cfg = self.gpu.config();
                (Matrix::from_vec(cfg.d_sae, cfg.d_in, values), None)
            }
            (Snapshot::Full, Some(bytes)) => {
                let (sae, counts) = self.gpu.decode_full(&bytes)?;
                (Some(sae.w_dec.clone()), Some((sae, counts)))
            }
            _ => (None, None),
        };
        let count = stats.len();
        for (n, s) in stats.into_iter().enumerate() {
            let params = self.schedule.params_at(flight.first_step + n as u64);
            let decoder = if n + 1 == count { decoder.as_ref() } else { None };
            self.schedule.finish_step(s, &params, decoder).map_err(GpuError::Schedule)?;
            self.last = Some(s);
        }
        if let Some((sae, steps_since_fired)) = checkpoint {
            self.checkpoint = Checkpoint { step: self.schedule.step(), sae, steps_since_fired };
        }
        Ok(())
    }

    /// Resampling needs the weights and counters on the CPU: this is the one place the loop waits.
    async fn resample(&mut self) -> Result<(), GpuError> {
        let counts = self.gpu.read_steps_since_fired().await?;
        let dead = self.schedule.dead_features(&counts);
        if dead.is_empty() {
            return Ok(());
        }
        let sae = self.gpu.read_sae().await?;
        let plan = self.schedule.resample_plan(&dead, &sae).map_err(GpuError::Schedule)?;
        self.gpu.resample(&plan.features, &plan.directions, plan.encoder_norm);
        Ok(())
    }
}

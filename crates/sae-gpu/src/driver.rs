//! The SAE run driver: which backend trains a run, the fall back to the CPU (with the note the
//! page shows for each reason), lost-device recovery from the last checkpoint (at most
//! [`MAX_RECOVERIES`] times, then the CPU), pause and resume, and the end of the run.
//!
//! Two layers:
//! - [`Machine`], a pure, synchronous state machine: [`Event`]s in, [`Action`]s out, a [`Phase`]
//!   and the backend's name and note in between. It asks for nothing itself, so every transition
//!   is tested natively without a GPU.
//! - [`Driver`], which owns the run (a CPU [`Trainer`] or a [`GpuRun`]), performs the actions the
//!   machine asks for (find a device, start or restore the GPU run, continue on the CPU from a
//!   checkpoint) and feeds back what happened. It trains in slices bounded by a time budget whose
//!   clock the caller passes in. The page's Web Worker drives it.

use frontier_sae::train::{HistoryPoint, Schedule};
use frontier_sae::{CpuBackend, Sae, TrainConfig, Trainer};

use crate::choice::{auto_accepts_adapter, auto_wants_gpu, BackendChoice};
use crate::context::GpuContext;
use crate::error::GpuError;
use crate::run::{Checkpoint, GpuRun};

/// The CPU backend's name: in the page it is WebAssembly on one thread.
pub const CPU_NAME: &str =
    if cfg!(target_arch = "wasm32") { "CPU (WebAssembly, one thread)" } else { "CPU (one thread)" };

/// Lost devices a run recovers from on a new device; the next loss moves it to the CPU.
pub const MAX_RECOVERIES: u32 = 3;

/// The name of a GPU backend, from [`GpuContext::describe`] (which names the graphics API:
/// WebGPU in the page, Vulkan natively).
pub fn gpu_name(adapter: &str) -> String {
    format!("GPU: {adapter}")
}

/// Where a run stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Built on the CPU; the backend is not chosen yet.
    Choosing,
    /// Waiting for a device, then for the GPU run to be built on it.
    StartingGpu {
        auto: bool,
        /// The adapter, once found ([`GpuContext::describe`]).
        adapter: Option<String>,
    },
    /// Training on the GPU.
    Gpu,
    /// The device was lost at step `lost_at`: waiting for a new one to restore the checkpoint on.
    Recovering { lost_at: u64, reason: String, adapter: Option<String> },
    /// Training on the CPU.
    Cpu,
    /// Every step is done.
    Finished,
}

/// What happened, told to the [`Machine`].
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Choose the backend for a run of `cfg`.
    Choose {
        choice: BackendChoice,
        cfg: TrainConfig,
    },
    /// The answer to [`Action::RequestDevice`]: an adapter and device, or why there is none
    /// (no `navigator.gpu`, a null adapter, a device that could not be created).
    Device(Result<Adapter, GpuError>),
    /// The answer to [`Action::StartGpuRun`] or [`Action::RestoreGpuRun`]: the run is on the GPU,
    /// or the device refused it (its limits, too little memory).
    GpuRun(Result<(), GpuError>),
    /// The GPU run holds a checkpoint of this step.
    Checkpoint(u64),
    /// The device was lost at step `at` (the steps whose measurements had arrived).
    DeviceLost {
        at: u64,
        reason: String,
    },
    Pause,
    Resume,
    /// Every step of the schedule is done.
    Done,
}

/// A device found, as the machine needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adapter {
    /// [`GpuContext::describe`].
    pub name: String,
    /// [`GpuContext::is_software`].
    pub software: bool,
}

/// What the machine asks for next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Nothing: train on in the current phase.
    Continue,
    /// Find an adapter and open a device, and answer with [`Event::Device`].
    RequestDevice,
    /// Move the CPU run (not yet started) to the device, and answer with [`Event::GpuRun`].
    StartGpuRun,
    /// Restore the last checkpoint on the new device, and answer with [`Event::GpuRun`].
    RestoreGpuRun,
    /// Continue on the CPU from the last checkpoint, which is at `rewound_to`.
    CpuFromCheckpoint { rewound_to: u64 },
    /// Measure the run and hand over the results.
    Finish,
    /// The event does not apply in this phase; nothing changed.
    Ignored,
}

/// The decisions of a run, without the run itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Machine {
    phase: Phase,
    backend: String,
    note: Option<String>,
    /// The step of the last checkpoint (where a lost device rewinds to).
    checkpoint: u64,
    /// Devices lost so far.
    losses: u32,
    paused: bool,
}

impl Default for Machine {
    fn default() -> Self {
        Self::new()
    }
}

impl Machine {
    /// A run built on the CPU, its backend not yet chosen.
    pub fn new() -> Self {
        Self { phase: Phase::Choosing, backend: CPU_NAME.into(), note: None, checkpoint: 0, losses: 0, paused: false }
    }

    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    /// The backend's name on the page.
    pub fn backend(&self) -> &str {
        &self.backend
    }

    /// Why the run is not on the GPU, or what happened to its GPU; `None` when nothing to say.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// The step of the last checkpoint.
    pub fn checkpoint(&self) -> u64 {
        self.checkpoint
    }

    /// Devices lost so far.
    pub fn losses(&self) -> u32 {
        self.losses
    }

    pub fn paused(&self) -> bool {
        self.paused
    }

    /// Whether a slice of training should run now.
    pub fn wants_slice(&self) -> bool {
        !self.paused && matches!(self.phase, Phase::Cpu | Phase::Gpu)
    }

    fn fall_back(&mut self, why: impl std::fmt::Display) -> Action {
        self.phase = Phase::Cpu;
        self.backend = CPU_NAME.into();
        self.note = Some(format!("Training on the CPU: {why}."));
        Action::Continue
    }

    /// The transition for `event`.
    pub fn handle(&mut self, event: Event) -> Action {
        match (&self.phase, event) {
            (Phase::Finished, _) => Action::Ignored,
            (_, Event::Pause) => {
                self.paused = true;
                Action::Continue
            }
            (_, Event::Resume) => {
                self.paused = false;
                Action::Continue
            }
            (Phase::Cpu | Phase::Gpu, Event::Done) => {
                self.phase = Phase::Finished;
                Action::Finish
            }
            (Phase::Choosing, Event::Choose { choice, cfg }) => {
                if choice == BackendChoice::Cpu {
                    self.phase = Phase::Cpu;
                    return Action::Continue;
                }
                if let Err(e) = crate::sae::supports(&cfg.sae) {
                    return self.fall_back(e);
                }
                let auto = choice == BackendChoice::Auto;
                if auto {
                    if let Err(why) = auto_wants_gpu(&cfg) {
                        return self.fall_back(why);
                    }
                }
                self.phase = Phase::StartingGpu { auto, adapter: None };
                Action::RequestDevice
            }
            (Phase::StartingGpu { auto, adapter: None }, Event::Device(found)) => {
                let auto = *auto;
                match found {
                    Err(e) => self.fall_back(no_gpu_reason(&e)),
                    Ok(a) => {
                        if auto {
                            if let Err(why) = auto_accepts_adapter(a.software, &a.name) {
                                return self.fall_back(why);
                            }
                        }
                        self.phase = Phase::StartingGpu { auto, adapter: Some(a.name) };
                        Action::StartGpuRun
                    }
                }
            }
            (Phase::StartingGpu { adapter: Some(name), .. }, Event::GpuRun(built)) => match built {
                Ok(()) => {
                    self.backend = gpu_name(name);
                    self.phase = Phase::Gpu;
                    self.checkpoint = 0;
                    Action::Continue
                }
                Err(e) => self.fall_back(e),
            },
            (Phase::Gpu, Event::Checkpoint(step)) => {
                self.checkpoint = step;
                Action::Continue
            }
            (Phase::Gpu, Event::DeviceLost { at, reason }) => {
                self.losses += 1;
                if self.losses > MAX_RECOVERIES {
                    let rewound_to = self.checkpoint;
                    self.phase = Phase::Cpu;
                    self.backend = CPU_NAME.into();
                    self.note = Some(format!(
                        "{}, for the {} time: after {MAX_RECOVERIES} new devices the run stops asking for one. \
                         Training goes on from the checkpoint of step {rewound_to} on the CPU.",
                        lost(at, &reason),
                        ordinal(self.losses)
                    ));
                    return Action::CpuFromCheckpoint { rewound_to };
                }
                self.phase = Phase::Recovering { lost_at: at, reason, adapter: None };
                Action::RequestDevice
            }
            (Phase::Recovering { lost_at, reason, adapter: None }, Event::Device(found)) => match found {
                Ok(a) => {
                    self.phase = Phase::Recovering { lost_at: *lost_at, reason: reason.clone(), adapter: Some(a.name) };
                    Action::RestoreGpuRun
                }
                Err(e) => self.recovered_on_cpu(e),
            },
            (Phase::Recovering { lost_at, reason, adapter: Some(name) }, Event::GpuRun(built)) => match built {
                Ok(()) => {
                    let note = format!(
                        "{}. Training goes on from the checkpoint of step {} on a new device.",
                        lost(*lost_at, reason),
                        self.checkpoint
                    );
                    self.backend = gpu_name(name);
                    self.note = Some(note);
                    self.phase = Phase::Gpu;
                    Action::Continue
                }
                Err(e) => self.recovered_on_cpu(e),
            },
            _ => Action::Ignored,
        }
    }

    /// No new device after a loss: the CPU, from the checkpoint.
    fn recovered_on_cpu(&mut self, e: GpuError) -> Action {
        let Phase::Recovering { lost_at, reason, .. } = &self.phase else { return Action::Ignored };
        let rewound_to = self.checkpoint;
        self.note = Some(format!(
            "{}, and no new device could be had ({e}). Training goes on from the checkpoint of step {rewound_to} on the CPU.",
            lost(*lost_at, reason)
        ));
        self.backend = CPU_NAME.into();
        self.phase = Phase::Cpu;
        Action::CpuFromCheckpoint { rewound_to }
    }
}

fn lost(at: u64, reason: &str) -> String {
    format!("The GPU device was lost at step {at} ({reason})")
}

fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Why there is no GPU, in the page's words.
pub fn no_gpu_reason(e: &GpuError) -> String {
    match e {
        GpuError::NoAdapter(_) => format!("WebGPU gave no adapter ({e})"),
        other => other.to_string(),
    }
}

/// Whether a failed GPU slice lost its device, and why: `lost_flag` is what the device-lost
/// callback said ([`GpuContext::lost`]). Other errors end the run.
pub fn device_loss(error: &GpuError, lost_flag: Option<String>) -> Option<String> {
    match lost_flag {
        Some(reason) => Some(reason),
        None if matches!(error, GpuError::DeviceLost(_) | GpuError::Readback(_) | GpuError::NoReply) => {
            Some(error.to_string())
        }
        None => None,
    }
}

/// Where the steps run.
enum Engine {
    Cpu(Box<Trainer>),
    Gpu(Box<GpuRun>),
}

/// The run moved to another backend after a lost device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub backend: String,
    pub note: String,
    /// Curve points after this step are retrained.
    pub rewound_to: u64,
}

/// What one slice of training did.
#[derive(Debug, Clone)]
pub struct Slice {
    /// Set when the device was lost and the run moved.
    pub moved: Option<Moved>,
    pub step: u64,
    pub total: u64,
    /// The curve points not handed over before.
    pub points: Vec<HistoryPoint>,
}

/// A run in progress: the [`Machine`] and the backend it chose.
pub struct Driver {
    machine: Machine,
    /// `None` only while moving between backends.
    engine: Option<Engine>,
    /// Curve points already handed over.
    sent_points: usize,
}

impl Driver {
    /// A run on the CPU; [`Driver::choose_backend`] may move it to the GPU before the first step.
    pub fn new(trainer: Trainer) -> Self {
        Self { machine: Machine::new(), engine: Some(Engine::Cpu(Box::new(trainer))), sent_points: 0 }
    }

    pub fn machine(&self) -> &Machine {
        &self.machine
    }

    pub fn backend(&self) -> &str {
        self.machine.backend()
    }

    pub fn note(&self) -> Option<&str> {
        self.machine.note()
    }

    pub fn schedule(&self) -> Option<&Schedule> {
        match self.engine.as_ref()? {
            Engine::Cpu(t) => Some(t.schedule()),
            Engine::Gpu(r) => Some(r.schedule()),
        }
    }

    pub fn done(&self) -> bool {
        self.schedule().is_none_or(Schedule::done)
    }

    pub fn step(&self) -> u64 {
        self.schedule().map_or(0, Schedule::step)
    }

    pub fn pause(&mut self) {
        self.machine.handle(Event::Pause);
    }

    pub fn resume(&mut self) {
        self.machine.handle(Event::Resume);
    }

    /// Destroys the GPU device (a test of recovery); nothing on the CPU.
    pub fn lose_device(&self) {
        if let Some(Engine::Gpu(run)) = &self.engine {
            run.context().destroy();
        }
    }

    /// Moves the run to the GPU when `choice` (and, under auto, the run's size and the adapter)
    /// says so and a device can be had; otherwise it stays on the CPU and [`Driver::note`] says
    /// why. Call before the first step.
    pub async fn choose_backend(&mut self, choice: BackendChoice) {
        let Some(Engine::Cpu(trainer)) = self.engine.as_ref() else { return };
        let cfg = *trainer.cfg();
        let action = self.machine.handle(Event::Choose { choice, cfg });
        self.perform(action, None).await;
    }

    /// Performs `action` and those that follow it, until the machine asks for nothing more.
    /// `parked` holds the schedule and checkpoint of a GPU run whose device was lost.
    async fn perform(&mut self, mut action: Action, mut parked: Option<(Schedule, Checkpoint)>) {
        let mut ctx: Option<GpuContext> = None;
        loop {
            action = match action {
                Action::RequestDevice => {
                    let found = GpuContext::new().await;
                    let event = Event::Device(
                        found
                            .as_ref()
                            .map(|c| Adapter { name: c.describe(), software: c.is_software() })
                            .map_err(Clone::clone),
                    );
                    ctx = found.ok();
                    self.machine.handle(event)
                }
                Action::StartGpuRun => {
                    let (Some(c), Some(Engine::Cpu(_))) = (ctx.as_ref(), self.engine.as_ref()) else { return };
                    let Some(Engine::Cpu(trainer)) = self.engine.take() else { return };
                    let sae = trainer.sae();
                    let (schedule, cpu) = (*trainer).into_parts();
                    match GpuRun::new(c, schedule, sae).await {
                        Ok(run) => {
                            self.engine = Some(Engine::Gpu(Box::new(run)));
                            self.machine.handle(Event::GpuRun(Ok(())))
                        }
                        Err((e, schedule)) => {
                            self.engine = Some(Engine::Cpu(Box::new(Trainer::from_parts(schedule, cpu))));
                            self.machine.handle(Event::GpuRun(Err(e)))
                        }
                    }
                }
                Action::RestoreGpuRun => {
                    let (Some(c), Some((schedule, checkpoint))) = (ctx.as_ref(), parked.take()) else { return };
                    match GpuRun::restore(c, schedule, checkpoint.clone()).await {
                        Ok(run) => {
                            self.engine = Some(Engine::Gpu(Box::new(run)));
                            self.machine.handle(Event::GpuRun(Ok(())))
                        }
                        Err((e, schedule)) => {
                            parked = Some((schedule, checkpoint));
                            self.machine.handle(Event::GpuRun(Err(e)))
                        }
                    }
                }
                Action::CpuFromCheckpoint { .. } => {
                    if let Some((schedule, checkpoint)) = parked.take() {
                        self.engine = Some(Engine::Cpu(Box::new(cpu_from_checkpoint(schedule, checkpoint))));
                    }
                    return;
                }
                Action::Continue | Action::Finish | Action::Ignored => return,
            };
        }
    }

    /// Trains until `budget_ms` have passed by `now` (at least one step on the CPU; none while
    /// paused), and returns the new curve points, and where the run went if the GPU was lost.
    /// `now` is in milliseconds on one clock across slices: a GPU read with no reply within
    /// [`crate::readback::READBACK_TIMEOUT`] on it counts as a lost device.
    pub async fn slice(&mut self, budget_ms: f64, mut now: impl FnMut() -> f64) -> Result<Slice, String> {
        let start = now();
        let mut moved = None;
        if !self.machine.paused() {
            match self.engine.as_mut().ok_or("the run has no backend")? {
                Engine::Cpu(trainer) => loop {
                    trainer.run(1).map_err(|e| e.to_string())?;
                    if trainer.done() || now() - start >= budget_ms {
                        break;
                    }
                },
                Engine::Gpu(run) => {
                    let mut outcome = run.advance(&mut now, start + budget_ms).await;
                    if outcome.is_ok() && run.all_submitted() {
                        outcome = run.drain().await;
                    }
                    self.machine.handle(Event::Checkpoint(run.checkpoint().step));
                    if let Err(e) = outcome {
                        let reason = device_loss(&e, run.context().lost()).ok_or_else(|| e.to_string())?;
                        moved = Some(self.recover(reason).await?);
                    }
                }
            }
        }
        if self.done() {
            self.machine.handle(Event::Done);
        }
        let sent = self.sent_points;
        let schedule = self.schedule().ok_or("the run has no backend")?;
        let history = schedule.history();
        let points = history[sent.min(history.len())..].to_vec();
        let slice = Slice { moved, step: schedule.step(), total: schedule.cfg.steps, points };
        self.sent_points = history.len();
        Ok(slice)
    }

    /// After a lost device: the last checkpoint on a new device, or on the CPU.
    async fn recover(&mut self, reason: String) -> Result<Moved, String> {
        let Some(Engine::Gpu(run)) = self.engine.take() else { return Err("the run was not on the GPU".into()) };
        let at = run.step();
        let (schedule, checkpoint) = run.into_parts();
        self.machine.handle(Event::Checkpoint(checkpoint.step));
        let action = self.machine.handle(Event::DeviceLost { at, reason });
        self.perform(action, Some((schedule, checkpoint))).await;
        let schedule = self.schedule().ok_or("the run has no backend")?;
        self.sent_points = schedule.history().len();
        Ok(Moved {
            backend: self.machine.backend().into(),
            note: self.machine.note().unwrap_or_default().into(),
            rewound_to: self.machine.checkpoint(),
        })
    }

    /// The weights now.
    pub async fn sae(&mut self) -> Result<Sae, String> {
        match self.engine.as_mut().ok_or("the run has no backend")? {
            Engine::Cpu(trainer) => Ok(trainer.sae()),
            Engine::Gpu(run) => run.sae().await.map_err(|e| e.to_string()),
        }
    }
}

/// A CPU trainer that continues from a GPU checkpoint.
pub fn cpu_from_checkpoint(mut schedule: Schedule, checkpoint: Checkpoint) -> Trainer {
    schedule.rewind(checkpoint.step);
    let mut backend = CpuBackend::new(checkpoint.sae);
    backend.set_steps_since_fired(&checkpoint.steps_since_fired);
    Trainer::from_parts(schedule, backend)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use frontier_sae::config::Arch;
    use frontier_sae::data::sparse_coding::SparseCodingSpec;
    use frontier_sae::data::SyntheticSpec;
    use frontier_sae::memory::WASM_BUDGET_BYTES;

    fn cfg(d_in: usize, d_sae: usize, batch: usize, arch: Arch) -> TrainConfig {
        TrainConfig { batch, ..TrainConfig::recommended(d_in, d_sae, arch, 8, 1000) }
    }

    /// A run large enough that auto wants a GPU (335 MFLOP a step).
    fn large() -> TrainConfig {
        cfg(64, 512, 1024, Arch::Relu)
    }

    fn choose(choice: BackendChoice, cfg: TrainConfig) -> (Machine, Action) {
        let mut m = Machine::new();
        let action = m.handle(Event::Choose { choice, cfg });
        (m, action)
    }

    fn adapter(name: &str, software: bool) -> Event {
        Event::Device(Ok(Adapter { name: name.into(), software }))
    }

    /// A machine training on the GPU named "H100 (Vulkan)".
    fn on_gpu() -> Machine {
        let (mut m, action) = choose(BackendChoice::Webgpu, large());
        assert_eq!(action, Action::RequestDevice);
        assert_eq!(m.handle(adapter("H100 (Vulkan)", false)), Action::StartGpuRun);
        assert_eq!(m.handle(Event::GpuRun(Ok(()))), Action::Continue);
        m
    }

    fn assert_cpu(m: &Machine, note: &str) {
        assert_eq!(m.phase(), &Phase::Cpu);
        assert_eq!(m.backend(), CPU_NAME);
        assert_eq!(m.note(), Some(note));
        assert!(m.wants_slice());
    }

    #[test]
    fn choosing_the_cpu_stays_there_without_a_note() {
        let (m, action) = choose(BackendChoice::Cpu, large());
        assert_eq!(action, Action::Continue);
        assert_eq!(m.phase(), &Phase::Cpu);
        assert_eq!((m.backend(), m.note()), (CPU_NAME, None));
    }

    #[test]
    fn batchtopk_and_topk_with_auxk_train_on_the_gpu() {
        for arch in [Arch::BatchTopK, Arch::TopK] {
            let run = cfg(64, 512, 1024, arch);
            assert!(run.dead.auxk_coeff > 0.0, "the recommended {arch:?} run has the AuxK loss");
            let (mut m, action) = choose(BackendChoice::Auto, run);
            assert_eq!(action, Action::RequestDevice, "{arch:?}");
            assert_eq!(m.handle(adapter("H100 (Vulkan)", false)), Action::StartGpuRun);
            assert_eq!(m.handle(Event::GpuRun(Ok(()))), Action::Continue);
            assert_eq!((m.phase(), m.backend(), m.note()), (&Phase::Gpu, "GPU: H100 (Vulkan)", None), "{arch:?}");
        }
    }

    #[test]
    fn a_configuration_the_cpu_would_refuse_too_is_refused_before_asking_for_a_device() {
        let mut run = cfg(64, 512, 1024, Arch::BatchTopK);
        run.sae.k = 0;
        let (m, action) = choose(BackendChoice::Webgpu, run);
        assert_eq!(action, Action::Continue);
        assert_cpu(
            &m,
            "Training on the CPU: the GPU backend does not train this configuration: k: must be between 1 and \
             d_sae = 512.",
        );
    }

    #[test]
    fn auto_keeps_a_small_run_on_the_cpu_without_asking_for_a_device() {
        let (m, action) = choose(BackendChoice::Auto, cfg(16, 64, 64, Arch::Relu));
        assert_eq!(action, Action::Continue);
        assert_eq!(m.phase(), &Phase::Cpu);
        let note = m.note().unwrap();
        assert!(note.starts_with("Training on the CPU: a step is 0.7 MFLOP") && note.ends_with("anyway."), "{note}");
        // WebGPU, chosen, asks for a device whatever the size.
        assert_eq!(choose(BackendChoice::Webgpu, cfg(16, 64, 64, Arch::Relu)).1, Action::RequestDevice);
    }

    #[test]
    fn no_navigator_gpu_falls_back_with_its_note() {
        let (mut m, action) = choose(BackendChoice::Auto, large());
        assert_eq!(action, Action::RequestDevice);
        assert!(!m.wants_slice(), "no training while the device is sought");
        assert_eq!(m.handle(Event::Device(Err(GpuError::NoWebGpu))), Action::Continue);
        assert_cpu(&m, "Training on the CPU: WebGPU is not available here (no navigator.gpu).");
    }

    #[test]
    fn a_null_adapter_falls_back_with_its_note() {
        let (mut m, _) = choose(BackendChoice::Webgpu, large());
        m.handle(Event::Device(Err(GpuError::NoAdapter("null".into()))));
        assert_cpu(&m, "Training on the CPU: WebGPU gave no adapter (no GPU adapter was found: null).");
    }

    #[test]
    fn a_device_that_cannot_be_created_falls_back_with_its_note() {
        let (mut m, _) = choose(BackendChoice::Webgpu, large());
        m.handle(Event::Device(Err(GpuError::DeviceRequest("limits".into()))));
        assert_cpu(&m, "Training on the CPU: the GPU device could not be created: limits.");
    }

    #[test]
    fn auto_refuses_a_software_adapter_and_webgpu_takes_it() {
        let (mut m, _) = choose(BackendChoice::Auto, large());
        assert_eq!(m.handle(adapter("SwiftShader Device (WebGPU)", true)), Action::Continue);
        assert_eq!(m.phase(), &Phase::Cpu);
        assert!(m.note().unwrap().contains("computes on the CPU"), "{m:?}");

        let (mut m, _) = choose(BackendChoice::Webgpu, large());
        assert_eq!(m.handle(adapter("SwiftShader Device (WebGPU)", true)), Action::StartGpuRun);
        assert_eq!(m.handle(Event::GpuRun(Ok(()))), Action::Continue);
        assert_eq!(m.backend(), "GPU: SwiftShader Device (WebGPU)");
    }

    #[test]
    fn a_run_the_adapter_cannot_hold_falls_back_with_its_note() {
        let (mut m, _) = choose(BackendChoice::Auto, large());
        m.handle(adapter("Small GPU", false));
        let too_large = GpuError::TooLarge {
            what: "the encoder".into(),
            needed: "2.0 GiB".into(),
            limit: "1.0 GiB".into(),
            limit_name: "max_buffer_size",
        };
        assert_eq!(m.handle(Event::GpuRun(Err(too_large))), Action::Continue);
        assert_cpu(
            &m,
            "Training on the CPU: the encoder needs 2.0 GiB, but this GPU allows at most 1.0 GiB (max_buffer_size).",
        );
        let (mut m, _) = choose(BackendChoice::Auto, large());
        m.handle(adapter("Small GPU", false));
        m.handle(Event::GpuRun(Err(GpuError::OutOfMemory("weights".into()))));
        assert_cpu(&m, "Training on the CPU: the GPU ran out of memory: weights.");
    }

    #[test]
    fn a_gpu_run_names_its_adapter_and_has_no_note() {
        let m = on_gpu();
        assert_eq!(m.phase(), &Phase::Gpu);
        assert_eq!(m.backend(), "GPU: H100 (Vulkan)");
        assert_eq!(m.note(), None);
        assert!(m.wants_slice());
    }

    #[test]
    fn a_lost_device_is_replaced_and_the_run_rewinds_to_the_last_checkpoint() {
        let mut m = on_gpu();
        assert_eq!(m.handle(Event::Checkpoint(250)), Action::Continue);
        assert_eq!(m.handle(Event::Checkpoint(500)), Action::Continue);
        assert_eq!(m.checkpoint(), 500);
        assert_eq!(m.handle(Event::DeviceLost { at: 612, reason: "Destroyed: gone".into() }), Action::RequestDevice);
        assert!(matches!(m.phase(), Phase::Recovering { lost_at: 612, .. }));
        assert!(!m.wants_slice());
        assert_eq!(m.handle(adapter("H100 (Vulkan)", false)), Action::RestoreGpuRun);
        assert_eq!(m.handle(Event::GpuRun(Ok(()))), Action::Continue);
        assert_eq!(m.phase(), &Phase::Gpu);
        assert_eq!(m.backend(), "GPU: H100 (Vulkan)");
        assert_eq!(
            m.note(),
            Some(
                "The GPU device was lost at step 612 (Destroyed: gone). Training goes on from the checkpoint of step 500 \
                 on a new device."
            )
        );
        assert_eq!(m.losses(), 1);
    }

    #[test]
    fn a_lost_device_without_a_new_one_continues_on_the_cpu_from_the_checkpoint() {
        let mut m = on_gpu();
        m.handle(Event::Checkpoint(250));
        m.handle(Event::DeviceLost { at: 300, reason: "r".into() });
        assert_eq!(
            m.handle(Event::Device(Err(GpuError::NoAdapter("null".into())))),
            Action::CpuFromCheckpoint { rewound_to: 250 }
        );
        assert_cpu(
            &m,
            "The GPU device was lost at step 300 (r), and no new device could be had (no GPU adapter was found: null). \
             Training goes on from the checkpoint of step 250 on the CPU.",
        );
        // The restore refused on the new device ends the same way.
        let mut m = on_gpu();
        m.handle(Event::DeviceLost { at: 10, reason: "r".into() });
        m.handle(adapter("H100 (Vulkan)", false));
        assert_eq!(
            m.handle(Event::GpuRun(Err(GpuError::OutOfMemory("w".into())))),
            Action::CpuFromCheckpoint { rewound_to: 0 }
        );
        assert!(m.note().unwrap().contains("no new device could be had (the GPU ran out of memory: w)"), "{m:?}");
        assert_eq!(m.backend(), CPU_NAME);
    }

    #[test]
    fn recovery_is_capped_and_the_next_loss_moves_the_run_to_the_cpu() {
        let mut m = on_gpu();
        for n in 1..=MAX_RECOVERIES {
            m.handle(Event::Checkpoint(250 * u64::from(n)));
            assert_eq!(
                m.handle(Event::DeviceLost { at: 250 * u64::from(n) + 7, reason: "r".into() }),
                Action::RequestDevice
            );
            assert_eq!(m.handle(adapter("H100 (Vulkan)", false)), Action::RestoreGpuRun);
            assert_eq!(m.handle(Event::GpuRun(Ok(()))), Action::Continue);
            assert_eq!(m.phase(), &Phase::Gpu);
            assert_eq!(m.losses(), n);
        }
        m.handle(Event::Checkpoint(1000));
        assert_eq!(
            m.handle(Event::DeviceLost { at: 1100, reason: "r".into() }),
            Action::CpuFromCheckpoint { rewound_to: 1000 }
        );
        assert_cpu(
            &m,
            "The GPU device was lost at step 1100 (r), for the 4th time: after 3 new devices the run stops asking for \
             one. Training goes on from the checkpoint of step 1000 on the CPU.",
        );
        // On the CPU there is no device to lose.
        assert_eq!(m.handle(Event::DeviceLost { at: 1200, reason: "r".into() }), Action::Ignored);
    }

    #[test]
    fn pause_and_resume_stop_and_restart_the_slices_in_any_phase() {
        let mut m = on_gpu();
        assert_eq!(m.handle(Event::Pause), Action::Continue);
        assert!(m.paused() && !m.wants_slice());
        assert_eq!(m.phase(), &Phase::Gpu, "pausing keeps the backend");
        assert_eq!(m.handle(Event::Resume), Action::Continue);
        assert!(m.wants_slice());

        let (mut m, _) = choose(BackendChoice::Cpu, large());
        m.handle(Event::Pause);
        assert!(!m.wants_slice());
        m.handle(Event::Resume);
        assert!(m.wants_slice());
    }

    #[test]
    fn a_finished_run_ignores_every_event() {
        let mut m = on_gpu();
        assert_eq!(m.handle(Event::Done), Action::Finish);
        assert_eq!(m.phase(), &Phase::Finished);
        assert!(!m.wants_slice());
        for event in [
            Event::DeviceLost { at: 1, reason: "r".into() },
            Event::Pause,
            Event::Checkpoint(5),
            Event::Done,
            Event::GpuRun(Ok(())),
        ] {
            assert_eq!(m.handle(event), Action::Ignored);
        }
        let (mut m, _) = choose(BackendChoice::Cpu, large());
        assert_eq!(m.handle(Event::Done), Action::Finish);
    }

    #[test]
    fn events_out_of_turn_change_nothing() {
        let mut m = Machine::new();
        assert_eq!(m.handle(Event::GpuRun(Ok(()))), Action::Ignored);
        assert_eq!(m.handle(Event::Done), Action::Ignored, "a run not started is not done");
        assert_eq!(m.phase(), &Phase::Choosing);
        let mut m = on_gpu();
        let before = m.clone();
        assert_eq!(m.handle(adapter("other", false)), Action::Ignored);
        assert_eq!(m.handle(Event::Choose { choice: BackendChoice::Cpu, cfg: large() }), Action::Ignored);
        assert_eq!(m, before);
        let (mut m, _) = choose(BackendChoice::Cpu, large());
        assert_eq!(m.handle(Event::Checkpoint(250)), Action::Ignored, "the CPU keeps no checkpoints");
    }

    #[test]
    fn a_gpu_error_is_a_lost_device_only_when_the_device_says_so() {
        let lost = GpuError::DeviceLost("x".into());
        assert_eq!(device_loss(&lost, None), Some("the GPU device was lost: x".into()));
        assert_eq!(device_loss(&GpuError::Readback("y".into()), None).map(|r| r.contains("y")), Some(true));
        assert_eq!(device_loss(&GpuError::Validation("z".into()), Some("Destroyed".into())), Some("Destroyed".into()));
        assert_eq!(device_loss(&GpuError::Validation("z".into()), None), None);
        assert_eq!(device_loss(&GpuError::Diverged { step: 3, loss: f32::NAN }, None), None);
    }

    #[test]
    fn a_read_that_never_comes_back_is_a_lost_device() {
        let reason = device_loss(&GpuError::NoReply, None).unwrap();
        assert_eq!(reason, "no reply from the GPU within 20 s");
        assert_eq!(device_loss(&GpuError::NoReply, Some("Destroyed".into())), Some("Destroyed".into()));
        let mut m = on_gpu();
        m.handle(Event::Checkpoint(250));
        assert_eq!(m.handle(Event::DeviceLost { at: 300, reason }), Action::RequestDevice);
        m.handle(adapter("H100 (Vulkan)", false));
        m.handle(Event::GpuRun(Ok(())));
        assert_eq!(
            m.note(),
            Some(
                "The GPU device was lost at step 300 (no reply from the GPU within 20 s). Training goes on from the \
                 checkpoint of step 250 on a new device."
            )
        );
    }

    #[test]
    fn ordinals_read_as_english() {
        let words: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101].into_iter().map(ordinal).collect();
        assert_eq!(words, ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"]);
    }

    fn small_trainer(steps: u64) -> Trainer {
        let spec = SparseCodingSpec { n_features: 32, d: 16, ..SparseCodingSpec::default() };
        let data = SyntheticSpec::SparseCoding(spec).build().unwrap();
        let cfg = TrainConfig { batch: 64, ..TrainConfig::recommended(16, 64, Arch::Relu, 8, steps) };
        Trainer::new(cfg, data, WASM_BUDGET_BYTES).unwrap()
    }

    /// A fake clock: each call advances 1 ms.
    fn clock() -> impl FnMut() -> f64 {
        let mut t = 0.0;
        move || {
            t += 1.0;
            t
        }
    }

    #[test]
    fn the_driver_trains_a_cpu_run_in_slices_pauses_and_finishes() {
        let mut driver = Driver::new(small_trainer(40));
        // Auto, on a run this small, asks for no device.
        pollster::block_on(driver.choose_backend(BackendChoice::Auto));
        assert_eq!(driver.backend(), CPU_NAME);
        assert!(driver.note().unwrap().contains("MFLOP"));
        let first = pollster::block_on(driver.slice(10.0, clock())).unwrap();
        assert!(first.step >= 1 && first.total == 40 && first.moved.is_none());
        driver.pause();
        let paused = pollster::block_on(driver.slice(10.0, clock())).unwrap();
        assert_eq!(paused.step, first.step, "no steps while paused");
        assert!(paused.points.is_empty());
        driver.resume();
        let mut points = first.points.len();
        while !driver.done() {
            let slice = pollster::block_on(driver.slice(10.0, clock())).unwrap();
            points += slice.points.len();
        }
        assert_eq!(driver.step(), 40);
        assert_eq!(points, driver.schedule().unwrap().history().len(), "every point handed over once");
        assert_eq!(driver.machine().phase(), &Phase::Finished);
        assert_eq!(pollster::block_on(driver.sae()).unwrap().cfg.d_sae, 64);
        driver.lose_device(); // Nothing to lose on the CPU.
    }
}

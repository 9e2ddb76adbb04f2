//! The SAE training backend on the GPU, through wgpu: Vulkan, Metal or DX12 natively, WebGPU in
//! the browser. The kernels (WGSL, in `shaders/`) compute what [`frontier_sae::CpuBackend`]
//! computes — forward pass (ReLU, TopK, BatchTopK), loss (with AuxK), backward pass, Adam, unit-norm
//! decoder, firing counters — and the conformance suite (`tests/suite`) holds both backends to the
//! same numbers.
//!
//! - [`context::GpuContext`]: adapter, device, limits, device-lost flag;
//! - [`sae::GpuSae`]: the tensors on the GPU and the step as dispatches, several steps a submission
//!   (planned with `plan`; BatchTopK's selection in `batchtopk`, the AuxK loss in `auxk`);
//! - [`run::GpuRun`]: a whole training run (schedules, resampling, history) on top of it;
//! - [`driver::Driver`]: the run driver the page and its worker use — the CPU/GPU choice, the
//!   CPU fallback, lost-device recovery from checkpoints — over the pure [`driver::Machine`];
//! - [`blocking::BlockingGpu`] (native only): the synchronous [`frontier_sae::Backend`].

mod auxk;
mod batchtopk;
pub mod choice;
pub mod context;
pub mod driver;
pub mod error;
pub mod kernels;
mod plan;
pub mod readback;
pub mod run;
pub mod sae;

#[cfg(not(target_arch = "wasm32"))]
pub mod blocking;

pub use context::GpuContext;
pub use error::GpuError;
pub use run::GpuRun;
pub use sae::{GpuSae, Until};

//! What can go wrong on the GPU path, in words the page shows beside its CPU fallback.

use thiserror::Error;

/// Why the GPU backend cannot train (the app then trains on the CPU and says why).
#[derive(Debug, Clone, Error, PartialEq)]
pub enum GpuError {
    #[error("WebGPU is not available here (no navigator.gpu)")]
    NoWebGpu,
    #[error("no GPU adapter was found: {0}")]
    NoAdapter(String),
    #[error("the GPU device could not be created: {0}")]
    DeviceRequest(String),
    /// A tensor or a kernel needs more than the adapter allows; nothing was allocated.
    #[error("{what} needs {needed}, but this GPU allows at most {limit} ({limit_name})")]
    TooLarge { what: String, needed: String, limit: String, limit_name: &'static str },
    #[error("the GPU backend does not train this configuration: {0}")]
    Unsupported(String),
    #[error("the GPU ran out of memory: {0}")]
    OutOfMemory(String),
    #[error("the GPU reported an error: {0}")]
    Validation(String),
    #[error("the GPU device was lost: {0}")]
    DeviceLost(String),
    #[error("reading results back from the GPU failed: {0}")]
    Readback(String),
    /// A read did not come back within [`crate::readback::READBACK_TIMEOUT`]: the device hangs.
    #[error("no reply from the GPU within {} s", crate::readback::READBACK_TIMEOUT.as_secs())]
    NoReply,
    #[error("training diverged at step {step}: the loss is {loss}")]
    Diverged { step: u64, loss: f32 },
    /// The run's schedule refused a batch, a measurement or a resampling (data or weights whose
    /// shapes do not fit the SAE).
    #[error("{0}")]
    Schedule(frontier_sae::SaeError),
}

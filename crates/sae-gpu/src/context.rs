//! The adapter and device: found, described, and kept with the limits the kernels are sized by.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::error::GpuError;

/// A GPU ready for training, with what is known about it.
#[derive(Debug, Clone)]
pub struct GpuContext {
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    pub info: wgpu::AdapterInfo,
    pub limits: wgpu::Limits,
    lost: Arc<LostFlag>,
}

/// Set by the device-lost callback; read by the training loop between submissions.
#[derive(Debug, Default)]
struct LostFlag {
    lost: AtomicBool,
    reason: Mutex<String>,
}

impl GpuContext {
    /// Finds an adapter (preferring a discrete GPU) and opens a device with every limit the adapter
    /// offers, so that large SAEs are refused only where the hardware itself cannot hold them.
    pub async fn new() -> Result<Self, GpuError> {
        #[cfg(target_arch = "wasm32")]
        if !has_navigator_gpu() {
            return Err(GpuError::NoWebGpu);
        }
        let instance = wgpu::Instance::new(wgpu::InstanceDescriptor {
            backends: wgpu::Backends::all(),
            ..wgpu::InstanceDescriptor::new_without_display_handle()
        });
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                ..Default::default()
            })
            .await
            .map_err(|e| GpuError::NoAdapter(e.to_string()))?;
        Self::from_adapter(&adapter).await
    }

    pub async fn from_adapter(adapter: &wgpu::Adapter) -> Result<Self, GpuError> {
        let limits = adapter.limits();
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("frontier-sae"),
                required_features: wgpu::Features::empty(),
                required_limits: limits.clone(),
                ..Default::default()
            })
            .await
            .map_err(|e| GpuError::DeviceRequest(e.to_string()))?;
        let lost = Arc::new(LostFlag::default());
        let flag = Arc::clone(&lost);
        device.set_device_lost_callback(move |reason, message| {
            if let Ok(mut text) = flag.reason.lock() {
                *text = format!("{reason:?}: {message}");
            }
            flag.lost.store(true, Ordering::SeqCst);
        });
        // An error outside every error scope (a validation error in a kernel's use, an
        // out-of-memory on a later allocation) would panic natively and go unnoticed in the
        // browser. It makes the device unusable for this run: the next submission reports it as
        // lost, and the run driver recovers from the last checkpoint or moves to the CPU.
        let flag = Arc::clone(&lost);
        device.on_uncaptured_error(Arc::new(move |error: wgpu::Error| {
            if !flag.lost.swap(true, Ordering::SeqCst) {
                if let Ok(mut text) = flag.reason.lock() {
                    *text = format!("uncaptured GPU error: {error}");
                }
            }
        }));
        Ok(Self { device, queue, info: adapter.get_info(), limits, lost })
    }

    /// "NVIDIA H200 (Vulkan)", "SwiftShader Device (WebGPU)".
    pub fn describe(&self) -> String {
        let name = if self.info.name.is_empty() { "unnamed adapter".to_string() } else { self.info.name.clone() };
        let api = match self.info.backend {
            wgpu::Backend::BrowserWebGpu => "WebGPU".to_string(),
            wgpu::Backend::Gl => "OpenGL".to_string(),
            other => format!("{other:?}"),
        };
        format!("{name} ({api})")
    }

    /// Whether the adapter computes on the CPU (lavapipe, SwiftShader). Browsers report only
    /// "fallback adapter"; the names catch software adapters they do not mark.
    pub fn is_software(&self) -> bool {
        let name = self.info.name.to_lowercase();
        self.info.device_type == wgpu::DeviceType::Cpu
            || ["swiftshader", "llvmpipe", "lavapipe", "software"].iter().any(|s| name.contains(s))
    }

    /// `Some(reason)` once the device is lost.
    pub fn lost(&self) -> Option<String> {
        if self.lost.lost.load(Ordering::SeqCst) {
            Some(self.lost.reason.lock().map(|r| r.clone()).unwrap_or_default())
        } else {
            None
        }
    }

    /// Destroys the device, as a lost device would be (for the tests of recovery).
    pub fn destroy(&self) {
        self.device.destroy();
    }
}

/// Whether this page or worker has `navigator.gpu` (browsers without WebGPU, or with it switched
/// off, have none; a browser may have it and still give no adapter).
#[cfg(target_arch = "wasm32")]
fn has_navigator_gpu() -> bool {
    let navigator = js_sys::Reflect::get(&js_sys::global(), &"navigator".into());
    navigator.is_ok_and(|n| {
        !n.is_undefined()
            && js_sys::Reflect::get(&n, &"gpu".into()).is_ok_and(|gpu| !gpu.is_undefined() && !gpu.is_null())
    })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    /// A validation error outside any error scope marks the device lost with its reason, instead
    /// of panicking (wgpu's default handler) or passing unnoticed. Needs a Vulkan adapter
    /// (lavapipe in CI); without one there is nothing to test.
    #[test]
    fn an_uncaptured_error_marks_the_device_lost() {
        let Ok(ctx) = pollster::block_on(GpuContext::new()) else { return };
        assert_eq!(ctx.lost(), None);
        // MAP_READ may only be combined with COPY_DST: this buffer is a validation error.
        let _bad = ctx.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("invalid on purpose"),
            size: 16,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::STORAGE,
            mapped_at_creation: false,
        });
        let _ = ctx.device.poll(wgpu::PollType::Wait { submission_index: None, timeout: None });
        let reason = ctx.lost().unwrap_or_default();
        assert!(reason.starts_with("uncaptured GPU error:"), "{reason:?}");
    }
}

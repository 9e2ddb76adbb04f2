//! Reading GPU buffers back: a copy into a mappable buffer recorded with the work, mapped after the
//! submission, and taken when it has arrived. In the browser the map completes from the event
//! loop; natively the device is polled.

use futures_channel::oneshot;

use crate::context::GpuContext;
use crate::error::GpuError;

type MapResult = Result<(), wgpu::BufferAsyncError>;

/// A copy on its way back.
#[derive(Debug)]
pub struct PendingRead {
    state: State,
}

#[derive(Debug)]
enum State {
    /// Copy recorded; not yet submitted.
    Recorded { device: wgpu::Device, staging: wgpu::Buffer },
    /// Submitted and asked to map.
    Mapping { device: wgpu::Device, staging: wgpu::Buffer, done: oneshot::Receiver<MapResult> },
    /// Taken (or never started).
    Taken,
}

impl PendingRead {
    /// Records a copy of `bytes` from `source` at `offset`; call [`PendingRead::start`] after the
    /// encoder is submitted.
    pub fn copy(
        device: &wgpu::Device,
        encoder: &mut wgpu::CommandEncoder,
        source: &wgpu::Buffer,
        offset: u64,
        bytes: u64,
    ) -> Self {
        Self::gather(device, encoder, &[(source, offset, bytes)])
    }

    /// Records copies of several ranges, one after another, into one buffer to read back.
    pub fn gather(
        device: &wgpu::Device,
        encoder: &mut wgpu::CommandEncoder,
        ranges: &[(&wgpu::Buffer, u64, u64)],
    ) -> Self {
        let total: u64 = ranges.iter().map(|r| r.2).sum();
        let staging = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size: total.max(4),
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut at = 0;
        for &(source, offset, bytes) in ranges {
            encoder.copy_buffer_to_buffer(source, offset, &staging, at, bytes);
            at += bytes;
        }
        Self { state: State::Recorded { device: device.clone(), staging } }
    }

    pub fn done() -> Self {
        Self { state: State::Taken }
    }

    /// Asks for the mapping (after the submission that holds the copy).
    pub fn start(self) -> Self {
        match self.state {
            State::Recorded { device, staging } => {
                let (tx, rx) = oneshot::channel();
                staging.slice(..).map_async(wgpu::MapMode::Read, move |result| {
                    let _ = tx.send(result);
                });
                Self { state: State::Mapping { device, staging, done: rx } }
            }
            other => Self { state: other },
        }
    }

    /// The bytes if they have arrived; `None` while the GPU is still working.
    pub fn try_take(&mut self) -> Option<Result<Vec<u8>, GpuError>> {
        let State::Mapping { device, done, .. } = &mut self.state else {
            return Some(Err(GpuError::Readback("this read was already taken".into())));
        };
        #[cfg(not(target_arch = "wasm32"))]
        let _ = device.poll(wgpu::PollType::Poll);
        #[cfg(target_arch = "wasm32")]
        let _ = device;
        match done.try_recv() {
            Ok(None) => None,
            Ok(Some(result)) => Some(self.finish(result)),
            Err(_) => Some(Err(GpuError::Readback("the GPU dropped the read (device lost?)".into()))),
        }
    }

    /// Waits for the bytes.
    pub async fn wait(mut self) -> Result<Vec<u8>, GpuError> {
        let State::Mapping { device, done, .. } = &mut self.state else {
            return Err(GpuError::Readback("this read was never started".into()));
        };
        #[cfg(not(target_arch = "wasm32"))]
        device.poll(wgpu::PollType::wait_indefinitely()).map_err(|e| GpuError::Readback(e.to_string()))?;
        #[cfg(target_arch = "wasm32")]
        let _ = device;
        let result = done.await.map_err(|_| GpuError::Readback("the GPU dropped the read (device lost?)".into()))?;
        self.finish(result)
    }

    fn finish(&mut self, result: MapResult) -> Result<Vec<u8>, GpuError> {
        let state = std::mem::replace(&mut self.state, State::Taken);
        result.map_err(|e| GpuError::Readback(e.to_string()))?;
        let State::Mapping { staging, .. } = state else {
            return Err(GpuError::Readback("this read was already taken".into()));
        };
        let bytes = staging.slice(..).get_mapped_range().map_err(|e| GpuError::Readback(e.to_string()))?.to_vec();
        staging.unmap();
        Ok(bytes)
    }
}

/// Copies a whole buffer back and waits for it.
pub async fn read_now(ctx: &GpuContext, buffer: &wgpu::Buffer) -> Result<Vec<u8>, GpuError> {
    let mut encoder = ctx.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("read") });
    let read = PendingRead::copy(&ctx.device, &mut encoder, buffer, 0, buffer.size());
    ctx.queue.submit([encoder.finish()]);
    read.start().wait().await
}

//! Reading GPU buffers back: a copy into a mappable buffer recorded with the work, mapped after the
//! submission, and taken when it has arrived. In the browser the map completes from the event
//! loop; natively the device is polled. A read that has not arrived within [`READBACK_TIMEOUT`]
//! fails with [`GpuError::NoReply`], which the driver treats as a lost device.

use std::time::Duration;

use futures_channel::oneshot;

use crate::context::GpuContext;
use crate::error::GpuError;

type MapResult = Result<(), wgpu::BufferAsyncError>;

/// How long a read may take to come back before the device counts as hung. A read waits for its
/// submission (natively, for every one in flight), each at most 16 steps and two at the largest
/// batches: milliseconds on a slow integrated GPU for the runs the page starts by itself, seconds
/// for the heaviest it allows, and desktop drivers reset a GPU busy on one dispatch for about 2 s
/// anyway. 20 s is well past that, yet short enough that a hung device sends the run back to its
/// checkpoint instead of leaving it waiting.
pub const READBACK_TIMEOUT: Duration = Duration::from_secs(20);

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
    /// `waiting_since`: the caller's clock at the first [`PendingRead::try_take`] that found nothing.
    Mapping {
        device: wgpu::Device,
        staging: wgpu::Buffer,
        done: oneshot::Receiver<MapResult>,
        waiting_since: Option<f64>,
    },
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
                Self { state: State::Mapping { device, staging, done: rx, waiting_since: None } }
            }
            other => Self { state: other },
        }
    }

    /// The bytes if they have arrived; `None` while the GPU is still working, and
    /// [`GpuError::NoReply`] once [`READBACK_TIMEOUT`] has passed on `now_ms` (the caller's clock,
    /// in milliseconds: core crates read none) since the first call that found nothing.
    pub fn try_take(&mut self, now_ms: f64) -> Option<Result<Vec<u8>, GpuError>> {
        let State::Mapping { device, done, waiting_since, .. } = &mut self.state else {
            return Some(Err(GpuError::Readback("this read was already taken".into())));
        };
        #[cfg(not(target_arch = "wasm32"))]
        let _ = device.poll(wgpu::PollType::Poll);
        #[cfg(target_arch = "wasm32")]
        let _ = device;
        match done.try_recv() {
            Ok(None) if expired(*waiting_since.get_or_insert(now_ms), now_ms) => Some(Err(GpuError::NoReply)),
            Ok(None) => None,
            Ok(Some(result)) => Some(self.finish(result)),
            Err(_) => Some(Err(GpuError::Readback("the GPU dropped the read (device lost?)".into()))),
        }
    }

    /// Waits for the bytes, at most [`READBACK_TIMEOUT`] (then [`GpuError::NoReply`]).
    pub async fn wait(mut self) -> Result<Vec<u8>, GpuError> {
        let State::Mapping { device, done, .. } = &mut self.state else {
            return Err(GpuError::Readback("this read was never started".into()));
        };
        #[cfg(not(target_arch = "wasm32"))]
        let result = {
            let wait = wgpu::PollType::Wait { submission_index: None, timeout: Some(READBACK_TIMEOUT) };
            device.poll(wait).map_err(|e| match e {
                wgpu::PollError::Timeout => GpuError::NoReply,
                other => GpuError::Readback(other.to_string()),
            })?;
            done.await
        };
        #[cfg(target_arch = "wasm32")]
        let result = {
            let _ = device;
            first_or_timeout(done, sleep(READBACK_TIMEOUT)).await.ok_or(GpuError::NoReply)?
        };
        let result = result.map_err(|_| GpuError::Readback("the GPU dropped the read (device lost?)".into()))?;
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

/// Whether a read started at `started_ms` has waited its full [`READBACK_TIMEOUT`] by `now_ms`.
fn expired(started_ms: f64, now_ms: f64) -> bool {
    now_ms - started_ms >= READBACK_TIMEOUT.as_secs_f64() * 1e3
}

/// `work`'s output, or `None` if `timer` finishes first (the browser has no blocking wait to bound).
#[cfg(any(test, target_arch = "wasm32"))]
async fn first_or_timeout<T>(work: impl std::future::Future<Output = T>, timer: impl std::future::Future) -> Option<T> {
    use std::task::Poll;
    let mut work = std::pin::pin!(work);
    let mut timer = std::pin::pin!(timer);
    std::future::poll_fn(|cx| {
        if let Poll::Ready(value) = work.as_mut().poll(cx) {
            return Poll::Ready(Some(value));
        }
        timer.as_mut().poll(cx).map(|_| None)
    })
    .await
}

/// A promise resolved by `setTimeout` after `duration`, through the global object so that it
/// works in a Worker as on a page.
#[cfg(target_arch = "wasm32")]
fn sleep(duration: Duration) -> js_sys::futures::JsFuture {
    use js_sys::wasm_bindgen::{JsCast, JsValue};
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let global = js_sys::global();
        if let Ok(set_timeout) = js_sys::Reflect::get(&global, &"setTimeout".into()) {
            let ms = JsValue::from_f64(duration.as_secs_f64() * 1e3);
            let _ = set_timeout.unchecked_into::<js_sys::Function>().call2(&global, &resolve, &ms);
        }
    });
    js_sys::futures::JsFuture::from(promise)
}

/// Copies a whole buffer back and waits for it.
pub async fn read_now(ctx: &GpuContext, buffer: &wgpu::Buffer) -> Result<Vec<u8>, GpuError> {
    let mut encoder = ctx.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("read") });
    let read = PendingRead::copy(&ctx.device, &mut encoder, buffer, 0, buffer.size());
    ctx.queue.submit([encoder.finish()]);
    read.start().wait().await
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn a_read_expires_at_the_timeout_and_not_before() {
        let limit = READBACK_TIMEOUT.as_secs_f64() * 1e3;
        assert_eq!(limit, 20_000.0);
        assert!(!expired(1_000.0, 1_000.0));
        assert!(!expired(1_000.0, 1_000.0 + limit - 1.0));
        assert!(expired(1_000.0, 1_000.0 + limit));
        assert!(expired(1_000.0, 1_000.0 + limit + 1.0));
    }

    #[test]
    fn the_race_gives_the_timeout_when_the_work_never_ends() {
        let (_tx, mut rx) = oneshot::channel::<u32>();
        assert_eq!(pollster::block_on(first_or_timeout(&mut rx, std::future::ready(()))), None);
    }

    #[test]
    fn the_race_gives_the_value_when_it_is_ready() {
        let (tx, mut rx) = oneshot::channel::<u32>();
        assert_eq!(tx.send(7), Ok(()));
        let out = pollster::block_on(first_or_timeout(&mut rx, std::future::pending::<()>()));
        assert_eq!(out, Some(Ok(7)));
        // Ready on both sides, the work wins.
        let (tx, rx) = oneshot::channel::<u32>();
        assert_eq!(tx.send(8), Ok(()));
        assert_eq!(pollster::block_on(first_or_timeout(rx, std::future::ready(()))), Some(Ok(8)));
    }
}

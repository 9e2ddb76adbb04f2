//! A step as a list of dispatches, and the helpers that build them: bindings made once per batch
//! slot and per step slot, grids within the adapter's limits, matrix products with their tiles.
//! [`crate::sae`] plans the step with them, [`crate::batchtopk`] and [`crate::auxk`] their parts.

use wgpu::util::DeviceExt;

use crate::kernels::{self, Epilogue, Layout, Product, Tile, TilePolicy};
use crate::sae::Until;

/// Element-wise kernels run 256 threads a workgroup.
pub(crate) const WG: u32 = 256;

/// One dispatch of a step: its kernel, its bindings (one per batch slot where it reads the batch),
/// the step uniforms where it reads them, and its grid.
pub(crate) struct Dispatch {
    pub pipeline: wgpu::ComputePipeline,
    pub groups: Vec<wgpu::BindGroup>,
    pub step_groups: Vec<wgpu::BindGroup>,
    pub grid: (u32, u32),
    pub until: Until,
    /// Skipped when the step keeps no unit-norm decoder.
    pub unit_norm_only: bool,
    /// Skipped when the step has no AuxK loss.
    pub auxk_only: bool,
    /// The grid is read from this buffer at this offset (written by an earlier dispatch), not `grid`.
    pub indirect: Option<(wgpu::Buffer, u64)>,
}

impl Dispatch {
    pub fn new(pipeline: wgpu::ComputePipeline, groups: Vec<wgpu::BindGroup>, grid: (u32, u32), until: Until) -> Self {
        Self {
            pipeline,
            groups,
            step_groups: Vec::new(),
            grid,
            until,
            unit_norm_only: false,
            auxk_only: false,
            indirect: None,
        }
    }

    pub fn with_step(self, step_groups: Vec<wgpu::BindGroup>) -> Self {
        Self { step_groups, ..self }
    }

    /// Records it into `pass` for batch slot `slot` and step `n` of the submission.
    pub fn record(&self, pass: &mut wgpu::ComputePass<'_>, slot: usize, n: usize) {
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(0, &self.groups[if self.groups.len() > 1 { slot } else { 0 }], &[]);
        if !self.step_groups.is_empty() {
            pass.set_bind_group(1, &self.step_groups[n], &[]);
        }
        match &self.indirect {
            Some((buffer, offset)) => pass.dispatch_workgroups_indirect(buffer, *offset),
            None => pass.dispatch_workgroups(self.grid.0, self.grid.1, 1),
        }
    }
}

/// What the dispatches of a step are built from.
pub(crate) struct Planner<'a> {
    pub device: &'a wgpu::Device,
    pub limits: &'a wgpu::Limits,
    pub policy: TilePolicy,
    /// The batch ring: `slots` batches of `batch_bytes`, `slot_bytes` apart.
    pub x_ring: &'a wgpu::Buffer,
    pub slots: usize,
    pub slot_bytes: u64,
    pub batch_bytes: u64,
    /// The step uniforms: one slot of `step_bytes` every `step_stride` bytes.
    pub step_ring: &'a wgpu::Buffer,
    pub step_stride: u64,
    pub step_bytes: u64,
}

impl Planner<'_> {
    /// A uniform buffer holding `bytes`.
    pub fn uniform(&self, label: &str, bytes: &[u8]) -> wgpu::Buffer {
        self.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some(label),
            contents: bytes,
            usage: wgpu::BufferUsages::UNIFORM,
        })
    }

    /// A storage buffer of `floats` 4-byte words, zeroed, for results within a step.
    pub fn scratch(&self, label: &str, floats: usize) -> wgpu::Buffer {
        self.storage(label, floats, wgpu::BufferUsages::empty())
    }

    /// As [`Planner::scratch`], with `usage` besides storage.
    pub fn storage(&self, label: &str, words: usize, usage: wgpu::BufferUsages) -> wgpu::Buffer {
        self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size: (words * 4).max(4) as u64,
            usage: wgpu::BufferUsages::STORAGE | usage,
            mapped_at_creation: false,
        })
    }

    /// The batch in ring slot `slot`.
    pub fn x_slot(&self, slot: usize) -> wgpu::BindingResource<'_> {
        wgpu::BindingResource::Buffer(wgpu::BufferBinding {
            buffer: self.x_ring,
            offset: slot as u64 * self.slot_bytes,
            size: wgpu::BufferSize::new(self.batch_bytes),
        })
    }

    /// A bind group of `resources`, bound in order from 0.
    pub fn bind(
        &self,
        pipeline: &wgpu::ComputePipeline,
        group: u32,
        resources: &[wgpu::BindingResource],
    ) -> wgpu::BindGroup {
        let entries: Vec<wgpu::BindGroupEntry> = resources
            .iter()
            .enumerate()
            .map(|(i, r)| wgpu::BindGroupEntry { binding: i as u32, resource: r.clone() })
            .collect();
        self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: None,
            layout: &pipeline.get_bind_group_layout(group),
            entries: &entries,
        })
    }

    /// One bind group per batch slot, `resources(x)` binding the slot's batch `x`.
    pub fn bind_per_slot<'r>(
        &'r self,
        pipeline: &wgpu::ComputePipeline,
        resources: impl Fn(wgpu::BindingResource<'r>) -> Vec<wgpu::BindingResource<'r>>,
    ) -> Vec<wgpu::BindGroup> {
        (0..self.slots).map(|slot| self.bind(pipeline, 0, &resources(self.x_slot(slot)))).collect()
    }

    /// The step uniforms as group 1, one bind group per step slot.
    pub fn step_groups(&self, pipeline: &wgpu::ComputePipeline) -> Vec<wgpu::BindGroup> {
        (0..self.slots)
            .map(|slot| {
                self.bind(
                    pipeline,
                    1,
                    &[wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                        buffer: self.step_ring,
                        offset: slot as u64 * self.step_stride,
                        size: wgpu::BufferSize::new(self.step_bytes),
                    })],
                )
            })
            .collect()
    }

    /// A grid of `groups` workgroups.
    pub fn grid(&self, groups: usize) -> (u32, u32) {
        grid(groups, self.limits)
    }

    /// The grid of an element-wise kernel over `n` elements, `per_thread` each.
    pub fn elementwise(&self, n: usize, per_thread: usize) -> (u32, u32) {
        self.grid(n.div_ceil(WG as usize * per_thread))
    }

    /// `c = a · b` (with `epilogue`) for an M × N result over K, `a` and `b` stored as their
    /// layouts say; `extra` are the epilogue's buffers, bound from 4.
    #[allow(clippy::too_many_arguments)]
    pub fn product(
        &self,
        name: &str,
        a: (&wgpu::Buffer, Layout),
        b: (&wgpu::Buffer, Layout),
        c: &wgpu::Buffer,
        (m, n, k): (usize, usize, usize),
        epilogue: Epilogue,
        extra: &[&wgpu::Buffer],
        until: Until,
    ) -> Dispatch {
        let tile = Tile::for_product(m, n, self.limits, self.policy);
        let pipeline = kernels::product_pipeline(self.device, name, Product { a: a.1, b: b.1, epilogue, tile });
        let dims = self.uniform(name, bytemuck::cast_slice(&[m as u32, n as u32, k as u32, 0]));
        let mut resources =
            vec![a.0.as_entire_binding(), b.0.as_entire_binding(), c.as_entire_binding(), dims.as_entire_binding()];
        resources.extend(extra.iter().map(|buf| buf.as_entire_binding()));
        let group = self.bind(&pipeline, 0, &resources);
        let steps = if epilogue == Epilogue::L1Mask { self.step_groups(&pipeline) } else { Vec::new() };
        let grid = (n.div_ceil(tile.bn as usize) as u32, m.div_ceil(tile.bm as usize) as u32);
        Dispatch::new(pipeline, vec![group], grid, until).with_step(steps)
    }
}

/// A 2-D grid of `groups` workgroups, row by row, within the per-dimension limit.
pub(crate) fn grid(groups: usize, limits: &wgpu::Limits) -> (u32, u32) {
    let per_dim = limits.max_compute_workgroups_per_dimension.max(1) as usize;
    let groups = groups.max(1);
    if groups <= per_dim {
        (groups as u32, 1)
    } else {
        (per_dim as u32, groups.div_ceil(per_dim) as u32)
    }
}

//! The compute pipelines, compiled once per device from the WGSL in `shaders/`.

use crate::error::GpuError;

const COMMON: &str = include_str!("shaders/common.wgsl");
const STEP: &str = include_str!("shaders/step.wgsl");
const MATMUL: &str = include_str!("shaders/matmul.wgsl");
const ORDER_KEY: &str = include_str!("shaders/order_key.wgsl");
const ROW_SELECT: &str = include_str!("shaders/row_select.wgsl");
const BATCHTOPK_COMMON: &str = include_str!("shaders/batchtopk_common.wgsl");

/// A matrix-product tile: BM × BN outputs per workgroup of (BM/TM)·(BN/TN) = 256 threads, K in
/// slices of BK through workgroup memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tile {
    pub bm: u32,
    pub bn: u32,
    pub bk: u32,
    pub tm: u32,
    pub tn: u32,
}

impl Tile {
    /// 8 × 8 outputs per thread: the most reuse of each value loaded, for large products. K moves
    /// 16 at a time: 16 KiB of workgroup memory, WebGPU's guaranteed minimum.
    pub const LARGE: Tile = Tile { bm: 128, bn: 128, bk: 16, tm: 8, tn: 8 };
    /// 4 × 4 outputs per thread, for products with a side under 128 (d_in 64, small batches).
    pub const SMALL: Tile = Tile { bm: 64, bn: 64, bk: 16, tm: 4, tn: 4 };

    pub fn workgroup_bytes(self) -> u32 {
        self.bk * (self.bm + self.bn) * 4
    }

    pub fn threads(self) -> u32 {
        (self.bm / self.tm) * (self.bn / self.tn)
    }

    /// The tile for an M × N product: large only when both sides fill it and there are enough
    /// large tiles to keep a big GPU busy (a 4096 × 768 output makes only 192 of them, fewer than
    /// two per multiprocessor on an H100; the small tile makes 768).
    pub fn for_product(m: usize, n: usize, limits: &wgpu::Limits, policy: TilePolicy) -> Tile {
        let large = Tile::LARGE;
        let large_tiles = m.div_ceil(128) * n.div_ceil(128);
        if m >= 128
            && n >= 128
            && large_tiles >= policy.min_large_tiles
            && large.workgroup_bytes() <= limits.max_compute_workgroup_storage_size
        {
            large
        } else {
            Tile::SMALL
        }
    }
}

/// When the large tile is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TilePolicy {
    /// Below this many workgroups the large tile leaves a big GPU idle, and the small one is used.
    pub min_large_tiles: usize,
}

impl Default for TilePolicy {
    fn default() -> Self {
        Self { min_large_tiles: 512 }
    }
}

impl TilePolicy {
    /// The large tile wherever both sides fill it (the conformance tests, on small shapes).
    pub const LARGE_WHEREVER_IT_FITS: TilePolicy = TilePolicy { min_large_tiles: 0 };
}

/// Where an operand of a product is stored: as the product reads it, or transposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    Normal,
    Transposed,
}

/// What a product does with each output element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Epilogue {
    /// `c = acc`.
    Plain,
    /// `c = acc + bias[n]`.
    Bias,
    /// `c = acc + bias[n]` and `f = max(c, 0)` (the ReLU encoder, keeping the pre-activations).
    BiasRelu,
    /// `c = (acc + l1_grad) · [f > 0]`: the gradient through the L1 term and the activation.
    L1Mask,
    /// `c += acc`: a second term of a gradient (AuxK's, into dW_dec).
    Accumulate,
    /// `c += acc · [f_aux > 0]`: AuxK's gradient through its activation, into dL/dh.
    AccumulateMasked,
}

/// A product's variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Product {
    pub a: Layout,
    pub b: Layout,
    pub epilogue: Epilogue,
    pub tile: Tile,
}

impl Product {
    fn source(self) -> String {
        let t = self.tile;
        let a_index = match self.a {
            Layout::Normal => "m * dims.k + k",
            Layout::Transposed => "k * dims.m + m",
        };
        // Consecutive threads load consecutive words of A's storage.
        let a_coords = match self.a {
            Layout::Normal => "vec2<u32>(e / BK, e % BK)",
            Layout::Transposed => "vec2<u32>(e % BM, e / BM)",
        };
        let b_index = match self.b {
            Layout::Normal => "k * dims.n + n",
            Layout::Transposed => "n * dims.k + k",
        };
        let b_coords = match self.b {
            Layout::Normal => "vec2<u32>(e / BN, e % BN)",
            Layout::Transposed => "vec2<u32>(e % BK, e / BK)",
        };
        let (bindings, body) = match self.epilogue {
            Epilogue::Plain => ("", "c[m * dims.n + n] = v;"),
            Epilogue::Bias => {
                ("@group(0) @binding(4) var<storage, read> bias: array<f32>;", "c[m * dims.n + n] = v + bias[n];")
            }
            Epilogue::BiasRelu => (
                "@group(0) @binding(4) var<storage, read> bias: array<f32>;\n\
                 @group(0) @binding(5) var<storage, read_write> f_out: array<f32>;",
                "let h = v + bias[n]; c[m * dims.n + n] = h; f_out[m * dims.n + n] = max(h, 0.0);",
            ),
            Epilogue::L1Mask => (
                "@group(0) @binding(4) var<storage, read> f_mask: array<f32>;\n\
                 @group(1) @binding(0) var<uniform> step: Step;",
                "let i = m * dims.n + n; c[i] = select(0.0, v + step.l1_grad, f_mask[i] > 0.0);",
            ),
            Epilogue::Accumulate => ("", "let i = m * dims.n + n; c[i] = c[i] + v;"),
            Epilogue::AccumulateMasked => (
                "@group(0) @binding(4) var<storage, read> f_mask: array<f32>;",
                "let i = m * dims.n + n; if (f_mask[i] > 0.0) { c[i] = c[i] + v; }",
            ),
        };
        let step = if self.epilogue == Epilogue::L1Mask { STEP } else { "" };
        let body_source = MATMUL
            .replace("ACC_DECLARE", &accumulators(t))
            .replace("ACC_UPDATE", &updates(t))
            .replace("ACC_STORE", &stores(t));
        format!(
            "const BM: u32 = {bm}u;\nconst BN: u32 = {bn}u;\nconst BK: u32 = {bk}u;\nconst TM: u32 = {tm}u;\n\
             const TN: u32 = {tn}u;\n{step}\n{body_source}\n{bindings}\n\
             fn a_index(m: u32, k: u32) -> u32 {{ return {a_index}; }}\n\
             fn b_index(k: u32, n: u32) -> u32 {{ return {b_index}; }}\n\
             fn a_tile_coords(e: u32) -> vec2<u32> {{ return {a_coords}; }}\n\
             fn b_tile_coords(e: u32) -> vec2<u32> {{ return {b_coords}; }}\n\
             fn epilogue(m: u32, n: u32, v: f32) {{ {body} }}\n",
            bm = t.bm,
            bn = t.bn,
            bk = t.bk,
            tm = t.tm,
            tn = t.tn,
        )
    }
}

/// `var acc_i_j = 0.0;` for each output of a thread.
fn accumulators(t: Tile) -> String {
    let mut out = String::new();
    for i in 0..t.tm {
        for j in 0..t.tn {
            out.push_str(&format!("var acc_{i}_{j} = 0.0; "));
        }
    }
    out
}

/// One step along K: the thread's TM values of A and TN of B (neighbours in the tiles) in vec4
/// loads, then the outer product.
fn updates(t: Tile) -> String {
    const LANE: [&str; 4] = ["x", "y", "z", "w"];
    let mut out = String::new();
    for q in 0..t.tm / 4 {
        out.push_str(&format!("let a_{q} = tile_a[(kk * BM + ty * TM) / 4u + {q}u]; "));
    }
    for q in 0..t.tn / 4 {
        out.push_str(&format!("let b_{q} = tile_b[(kk * BN + tx * TN) / 4u + {q}u]; "));
    }
    for i in 0..t.tm {
        for j in 0..t.tn {
            let (a, b) =
                (format!("a_{}.{}", i / 4, LANE[i as usize % 4]), format!("b_{}.{}", j / 4, LANE[j as usize % 4]));
            out.push_str(&format!("acc_{i}_{j} = fma({a}, {b}, acc_{i}_{j}); "));
        }
    }
    out
}

/// The epilogue of every output of the thread's block that falls inside C.
fn stores(t: Tile) -> String {
    let mut out = String::new();
    for i in 0..t.tm {
        out.push_str(&format!("{{ let m = m0 + ty * TM + {i}u; if (m < dims.m) {{ "));
        for j in 0..t.tn {
            out.push_str(&format!(
                "{{ let n = n0 + tx * TN + {j}u; if (n < dims.n) {{ epilogue(m, n, acc_{i}_{j}); }} }} "
            ));
        }
        out.push_str("} }\n");
    }
    out
}

/// Compiles a kernel from `shaders/` with the shared helpers (and the step uniform) prepended.
pub fn pipeline(device: &wgpu::Device, name: &str, source: &str, uses_step: bool) -> wgpu::ComputePipeline {
    let step = if uses_step { STEP } else { "" };
    compile(device, name, &format!("{COMMON}\n{step}\n{source}"))
}

/// A kernel that selects the largest values of a row (`shaders/row_select.wgsl` prepended).
pub fn row_select_pipeline(device: &wgpu::Device, name: &str, source: &str, uses_step: bool) -> wgpu::ComputePipeline {
    pipeline(device, name, &format!("{ORDER_KEY}\n{ROW_SELECT}\n{source}"), uses_step)
}

/// A kernel of BatchTopK's selection over the batch (`shaders/batchtopk_common.wgsl` prepended).
pub fn batchtopk_pipeline(device: &wgpu::Device, name: &str, source: &str) -> wgpu::ComputePipeline {
    pipeline(device, name, &format!("{ORDER_KEY}\n{BATCHTOPK_COMMON}\n{source}"), false)
}

pub fn product_pipeline(device: &wgpu::Device, name: &str, product: Product) -> wgpu::ComputePipeline {
    compile(device, name, &product.source())
}

fn compile(device: &wgpu::Device, name: &str, source: &str) -> wgpu::ComputePipeline {
    let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some(name),
        source: wgpu::ShaderSource::Wgsl(source.into()),
    });
    device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: Some(name),
        layout: None,
        module: &module,
        entry_point: Some("main"),
        compilation_options: Default::default(),
        cache: None,
    })
}

/// The kernels' sources, by name.
pub mod source {
    pub const CENTER: &str = include_str!("shaders/center.wgsl");
    pub const TOPK: &str = include_str!("shaders/topk.wgsl");
    pub const BATCHTOPK_COUNT: &str = include_str!("shaders/batchtopk_count.wgsl");
    pub const BATCHTOPK_CUT: &str = include_str!("shaders/batchtopk_cut.wgsl");
    pub const BATCHTOPK_APPLY: &str = include_str!("shaders/batchtopk_apply.wgsl");
    pub const BATCHTOPK_THRESHOLD: &str = include_str!("shaders/batchtopk_threshold.wgsl");
    pub const AUXK_GATE: &str = include_str!("shaders/auxk_gate.wgsl");
    pub const AUXK_SELECT: &str = include_str!("shaders/auxk_select.wgsl");
    pub const AUXK_ERROR: &str = include_str!("shaders/auxk_error.wgsl");
    pub const RECON_ERROR: &str = include_str!("shaders/recon_error.wgsl");
    pub const ROW_STATS: &str = include_str!("shaders/row_stats.wgsl");
    pub const FEATURE_COLUMNS: &str = include_str!("shaders/feature_columns.wgsl");
    pub const INPUT_COLUMNS: &str = include_str!("shaders/input_columns.wgsl");
    pub const B_DEC_CORRECTION: &str = include_str!("shaders/b_dec_correction.wgsl");
    pub const RADIAL: &str = include_str!("shaders/radial.wgsl");
    pub const NORMALIZE: &str = include_str!("shaders/normalize.wgsl");
    pub const ADAM: &str = include_str!("shaders/adam.wgsl");
    pub const FINISH: &str = include_str!("shaders/finish.wgsl");
    pub const RESAMPLE: &str = include_str!("shaders/resample.wgsl");
}

/// Checks that the kernels fit the adapter: 256 threads a workgroup, the workgroup memory of the
/// smallest tile, and eight storage buffers a stage (the resampling kernel's).
pub fn check_kernel_limits(limits: &wgpu::Limits) -> Result<(), GpuError> {
    let too_large = |what: &str, needed: u32, limit: u32, limit_name| GpuError::TooLarge {
        what: what.to_string(),
        needed: needed.to_string(),
        limit: limit.to_string(),
        limit_name,
    };
    if limits.max_compute_invocations_per_workgroup < 256 || limits.max_compute_workgroup_size_x < 256 {
        return Err(too_large(
            "a workgroup of the kernels",
            256,
            limits.max_compute_invocations_per_workgroup.min(limits.max_compute_workgroup_size_x),
            "maxComputeInvocationsPerWorkgroup",
        ));
    }
    let small = Tile::SMALL.workgroup_bytes();
    if small > limits.max_compute_workgroup_storage_size {
        return Err(too_large(
            "a matrix-product tile (bytes of workgroup memory)",
            small,
            limits.max_compute_workgroup_storage_size,
            "maxComputeWorkgroupStorageSize",
        ));
    }
    if limits.max_storage_buffers_per_shader_stage < 8 {
        return Err(too_large(
            "the resampling kernel (storage buffers)",
            8,
            limits.max_storage_buffers_per_shader_stage,
            "maxStorageBuffersPerShaderStage",
        ));
    }
    Ok(())
}

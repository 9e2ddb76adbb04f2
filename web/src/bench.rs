//! The Benchmarks page's measurements: the site's heavy kernels (the SAE training step on the CPU
//! and on WebGPU, retrieval over the memory store, the chain-of-thought checker) timed in the
//! reader's own browser, in the worker, and the reference figures measured on the project's
//! machine that the page sets beside them.
//!
//! Nothing here is analysis: each benchmark calls the core crate exactly as the project's own
//! benchmarks do (`cargo xtask bench sae|memory|cot`, `web/tests/memory_bench.rs`,
//! `web/tests/cot_bench.rs`) and only reads the clock around the call. The clock is the web's
//! (`performance.now()` in the worker); core crates never read one.

use frontier_base::limits::{check_bytes, human_bytes};
use serde::{Deserialize, Serialize};

/// One benchmark, with its size. The page posts it to the worker as [`crate::jobs::Job::Benchmark`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BenchJob {
    /// The ReLU SAE training step (`StepParams::benchmark`) on the CPU, in wasm on one thread.
    SaeCpu { d_in: usize, d_sae: usize, batch: usize },
    /// The same step on WebGPU, where the browser has an adapter.
    SaeGpu { d_in: usize, d_sae: usize, batch: usize },
    /// Top-`k` retrieval over `memories` stored vectors of `dims` numbers.
    Retrieval { memories: usize, dims: usize, k: usize },
    /// The chain-of-thought checker on a dense synthetic trace of about `bytes` bytes.
    Traces { bytes: usize },
}

/// The most memory a benchmark may build (the SAE lab's own budget for one run).
pub const BENCH_BUDGET_BYTES: u64 = frontier_sae::memory::WASM_BUDGET_BYTES;
/// The largest SAE step a benchmark times: 10¹¹ FLOP is about ten seconds of one CPU thread.
pub const MAX_STEP_FLOP: f64 = 1e11;
/// The most memories the retrieval benchmark stores.
pub const MAX_MEMORIES: usize = 200_000;
/// The widest embeddings the retrieval benchmark stores.
pub const MAX_DIMS: usize = 1536;
/// The largest trace the checker benchmark writes.
pub const MAX_TRACE_BYTES: usize = 16 << 20;
/// Bytes a stored memory holds besides its embedding (its id, text fields and scores), an
/// over-estimate for the budget check.
const MEMORY_OVERHEAD_BYTES: u64 = 256;

/// SAE steps run untimed first, then timed one by one; fewer when a warm-up step was slow.
const SAE_WARMUP: usize = 3;
const SAE_STEPS: usize = 20;
const SAE_FEW_STEPS: usize = 8;
const SAE_SLOW_STEP_MS: f64 = 500.0;
/// GPU steps: submitted as the trainer does, timed as throughput.
const GPU_WARMUP: usize = 10;
const GPU_STEPS: usize = 100;
const GPU_FEW_STEPS: usize = 10;
/// Retrieval: untimed queries (the engine optimises the scan after its first calls), then timed.
const WARMUP_QUERIES: usize = 5;
const TIMED_QUERIES: usize = 20;
/// Checker runs of the same trace.
const TRACE_RUNS: usize = 5;

impl BenchJob {
    /// What the job does, for the message when its worker is lost.
    pub fn describe(&self) -> &'static str {
        match self {
            BenchJob::SaeCpu { .. } => "the SAE step benchmark on the CPU",
            BenchJob::SaeGpu { .. } => "the SAE step benchmark on WebGPU",
            BenchJob::Retrieval { .. } => "the retrieval benchmark",
            BenchJob::Traces { .. } => "the trace-checking benchmark",
        }
    }

    /// A stable id of the benchmark and its size: the key of [`REFERENCES`] and of exports.
    pub fn id(&self) -> String {
        match *self {
            BenchJob::SaeCpu { d_in, d_sae, batch } => format!("sae-cpu-{d_in}x{d_sae}-b{batch}"),
            BenchJob::SaeGpu { d_in, d_sae, batch } => format!("sae-gpu-{d_in}x{d_sae}-b{batch}"),
            BenchJob::Retrieval { memories, dims, k } => format!("retrieval-{memories}x{dims}-top{k}"),
            BenchJob::Traces { bytes } => format!("traces-dense-{bytes}"),
        }
    }

    /// The benchmark's name, for the table.
    pub fn title(&self) -> &'static str {
        match self {
            BenchJob::SaeCpu { .. } => "SAE training step, CPU (wasm, one thread)",
            BenchJob::SaeGpu { .. } => "SAE training step, WebGPU",
            BenchJob::Retrieval { .. } => "Memory retrieval",
            BenchJob::Traces { .. } => "Trace checking",
        }
    }

    /// Its size in words.
    pub fn workload(&self) -> String {
        match *self {
            BenchJob::SaeCpu { d_in, d_sae, batch } | BenchJob::SaeGpu { d_in, d_sae, batch } => {
                format!("{d_in}×{d_sae}, batch {batch}")
            }
            BenchJob::Retrieval { memories, dims, k } => format!("{} × {dims}, top {k}", group(memories)),
            BenchJob::Traces { bytes } => format!("{} dense synthetic trace", size_words(bytes)),
        }
    }

    /// Refuses a size that is empty, absurd, or would not fit the benchmark's memory budget,
    /// before anything is allocated.
    pub fn validate(&self) -> Result<(), String> {
        match *self {
            BenchJob::SaeCpu { d_in, d_sae, batch } | BenchJob::SaeGpu { d_in, d_sae, batch } => {
                if d_in == 0 || d_sae == 0 || batch == 0 {
                    return Err("the SAE's width, dictionary and batch must each be at least 1".into());
                }
                let flop = sae_step_flop(d_in, d_sae, batch);
                if flop.is_nan() || flop > MAX_STEP_FLOP {
                    return Err(format!(
                        "a step of {d_in}×{d_sae} at batch {batch} is {flop:.1e} FLOP; at most {MAX_STEP_FLOP:.0e}"
                    ));
                }
                let cfg = frontier_sae::TrainConfig { batch, ..frontier_sae::TrainConfig::article(d_in, d_sae) };
                frontier_sae::memory::check(&cfg, BENCH_BUDGET_BYTES).map(|_| ()).map_err(|e| e.to_string())
            }
            BenchJob::Retrieval { memories, dims, k } => {
                if memories == 0 || dims == 0 || k == 0 {
                    return Err("the memories, their dimensions and k must each be at least 1".into());
                }
                if memories > MAX_MEMORIES {
                    return Err(format!("{memories} memories; the benchmark stores at most {MAX_MEMORIES}"));
                }
                if dims > MAX_DIMS {
                    return Err(format!("{dims} dimensions; at most {MAX_DIMS}"));
                }
                if k > memories {
                    return Err(format!("top {k} of {memories} memories: k must be at most the memories"));
                }
                let bytes = (memories as u64).saturating_mul(dims as u64 * 4 + MEMORY_OVERHEAD_BYTES);
                check_bytes("the benchmark's memories", bytes, BENCH_BUDGET_BYTES).map_err(|e| e.to_string())
            }
            BenchJob::Traces { bytes } => {
                if bytes == 0 {
                    return Err("the trace must have at least 1 byte".into());
                }
                if bytes > MAX_TRACE_BYTES {
                    return Err(format!(
                        "a trace of {}; the benchmark writes at most {}",
                        human_bytes(bytes as u64),
                        human_bytes(MAX_TRACE_BYTES as u64)
                    ));
                }
                Ok(())
            }
        }
    }
}

/// FLOP of one SAE training step (forward, backward and update: 10·B·d_in·d_sae, the count
/// `cargo xtask bench sae` reports GFLOP/s with).
pub fn sae_step_flop(d_in: usize, d_sae: usize, batch: usize) -> f64 {
    10.0 * batch as f64 * d_in as f64 * d_sae as f64
}

/// One benchmark's result, measured in the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchResult {
    /// [`BenchJob::id`].
    pub id: String,
    pub benchmark: String,
    pub workload: String,
    /// The figure the page compares, in `unit`.
    pub value: f64,
    pub unit: String,
    /// Whether a larger `value` is better (steps/s) or worse (ms).
    pub higher_is_better: bool,
    /// The median of the timed repetitions (steps, queries, runs), in milliseconds; for the GPU,
    /// the mean step time over the timed submissions.
    pub median_ms: f64,
    /// Timed repetitions.
    pub samples: usize,
    /// For the SAE step: its work per second.
    pub gflop_per_second: Option<f64>,
    /// The matrix kernel the worker carries (`frontier_sae::gemm::KERNEL`), or the GPU adapter.
    pub engine: Option<String>,
}

/// The median of `values`, or `None` for none (or a value that is not a number).
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() || values.iter().any(|v| v.is_nan()) {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    Some(if !n.is_multiple_of(2) { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 })
}

/// A figure measured on the project's machine, with where it comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reference {
    /// [`BenchJob::id`] of the same benchmark at the same size.
    pub id: &'static str,
    /// For the SAE step, the matrix kernel it was measured with ([`BenchResult::engine`]).
    pub kernel: Option<&'static str>,
    pub value: f64,
    pub unit: &'static str,
    /// The figure as measured, in words (a range where runs spread).
    pub shown: &'static str,
    pub machine: &'static str,
    pub date: &'static str,
    pub source: &'static str,
}

/// The project's CI machine, where every reference figure was measured.
pub const REFERENCE_MACHINE: &str = "2-core x86-64 server (the project's CI machine), headless Chromium 156";
pub const REFERENCE_DATE: &str = "2026-12-07";

/// The kernels of the two worker builds (`frontier_sae::gemm::KERNEL` in each): the page loads
/// the relaxed one where the browser validates relaxed SIMD.
pub const KERNEL_RELAXED: &str = "wasm simd128 + relaxed-simd (fused multiply–add)";
pub const KERNEL_SIMD128: &str = "wasm simd128 (multiply, then add)";

/// Where the SAE step's references come from.
const SAE_SOURCE: &str =
    "cargo xtask bench sae (crates/sae/tests/wasm_bench.rs, release build): median step of 20 (8 for the slowest shapes) after 3 untimed";

/// A reference row for the SAE step on the CPU with `kernel`.
const fn sae_reference(
    id: &'static str,
    kernel: &'static str,
    steps_per_second: f64,
    shown: &'static str,
) -> Reference {
    Reference {
        id,
        kernel: Some(kernel),
        value: steps_per_second,
        unit: "steps/s",
        shown,
        machine: REFERENCE_MACHINE,
        date: REFERENCE_DATE,
        source: SAE_SOURCE,
    }
}

/// Reference figures, one per benchmark, size and (for the SAE step) kernel. The SAE step's rows
/// are `cargo xtask bench sae`'s two wasm columns: relaxed SIMD (the worker most browsers get)
/// and plain simd128 (the worker of a browser without relaxed SIMD).
pub const REFERENCES: &[Reference] = &[
    sae_reference("sae-cpu-64x512-b1024", KERNEL_RELAXED, 17.41, "17.4 steps/s (5.8 GFLOP/s)"),
    sae_reference("sae-cpu-64x512-b4096", KERNEL_RELAXED, 7.652, "7.65 steps/s (10.3 GFLOP/s)"),
    sae_reference("sae-cpu-256x2048-b1024", KERNEL_RELAXED, 3.095, "3.09 steps/s (16.6 GFLOP/s)"),
    sae_reference("sae-cpu-256x2048-b4096", KERNEL_RELAXED, 0.9121, "0.91 steps/s (19.6 GFLOP/s)"),
    sae_reference("sae-cpu-64x512-b1024", KERNEL_SIMD128, 15.09, "15.1 steps/s (5.1 GFLOP/s)"),
    sae_reference("sae-cpu-64x512-b4096", KERNEL_SIMD128, 4.643, "4.64 steps/s (6.2 GFLOP/s)"),
    sae_reference("sae-cpu-256x2048-b1024", KERNEL_SIMD128, 1.643, "1.64 steps/s (8.8 GFLOP/s)"),
    sae_reference("sae-cpu-256x2048-b4096", KERNEL_SIMD128, 0.4837, "0.48 steps/s (10.4 GFLOP/s)"),
    Reference {
        id: "retrieval-100000x384-top10",
        kernel: None,
        value: 12.0,
        unit: "ms per query",
        shown: "about 10–14 ms",
        machine: REFERENCE_MACHINE,
        date: REFERENCE_DATE,
        source: "cargo xtask bench memory (web/tests/memory_bench.rs): median of 20 queries after 5 untimed, V8",
    },
    Reference {
        id: "traces-dense-1000000",
        kernel: None,
        value: 118.7,
        unit: "ms per MB",
        shown: "118.7 ms per MB (corpus traces: 119.4)",
        machine: REFERENCE_MACHINE,
        date: REFERENCE_DATE,
        source: "cargo xtask bench cot (web/tests/cot_bench.rs): median of 5 runs, 1 MB dense synthetic trace",
    },
];

/// The reference figure for a result: the same benchmark and size, and for the SAE step the
/// same kernel; `None` where the project measured none.
pub fn reference_for(result: &BenchResult) -> Option<&'static Reference> {
    REFERENCES.iter().find(|r| r.id == result.id && r.kernel.is_none_or(|k| result.engine.as_deref() == Some(k)))
}

/// A benchmark's first reference figure (for the SAE step, the relaxed-SIMD kernel's).
pub fn reference(id: &str) -> Option<&'static Reference> {
    REFERENCES.iter().find(|r| r.id == id)
}

/// How many times faster (above 1) or slower (below 1) the reader's figure is than the
/// reference; `None` when either is not a positive number or the units differ.
pub fn speedup(result: &BenchResult, reference: &Reference) -> Option<f64> {
    let (yours, theirs) = (result.value, reference.value);
    if result.unit != reference.unit || !is_positive(yours) || !is_positive(theirs) {
        return None;
    }
    Some(if result.higher_is_better { yours / theirs } else { theirs / yours })
}

/// Whether `x` is a finite number above zero.
fn is_positive(x: f64) -> bool {
    x.is_finite() && x > 0.0
}

/// The comparison in words: "your machine is 1.4× faster", "2.0× slower", "about as fast"
/// (within 5 %).
pub fn speedup_words(speedup: f64) -> String {
    if !is_positive(speedup) {
        return "no comparison".into();
    }
    if (speedup - 1.0).abs() < 0.05 {
        return "your machine is about as fast".into();
    }
    if speedup > 1.0 {
        format!("your machine is {speedup:.1}× faster")
    } else {
        format!("your machine is {:.1}× slower", 1.0 / speedup)
    }
}

/// A figure with three significant digits (at most two decimals).
pub fn figure(value: f64) -> String {
    if !value.is_finite() {
        return "—".into();
    }
    let magnitude = value.abs();
    if magnitude >= 100.0 {
        format!("{value:.0}")
    } else if magnitude >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// A count with thousands separators ("100,000").
fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A size in bytes as the benchmarks name it ("1 MB" for 10⁶ bytes).
fn size_words(bytes: usize) -> String {
    if bytes.is_multiple_of(1_000_000) {
        format!("{} MB", bytes / 1_000_000)
    } else if bytes >= 1000 {
        format!("{} kB", figure(bytes as f64 / 1000.0))
    } else {
        format!("{bytes} bytes")
    }
}

/// One row of the exports: the reader's figure and the reference beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportRow {
    #[serde(flatten)]
    pub result: BenchResult,
    pub reference_value: Option<f64>,
    pub reference_machine: Option<String>,
    pub reference_date: Option<String>,
    pub reference_source: Option<String>,
    /// Reader's figure over the reference's, oriented so that above 1 is faster.
    pub speedup: Option<f64>,
}

/// The results with their references, for the JSON and CSV exports.
pub fn export_rows(results: &[BenchResult]) -> Vec<ExportRow> {
    results
        .iter()
        .map(|r| {
            let reference = reference_for(r);
            ExportRow {
                result: r.clone(),
                reference_value: reference.map(|x| x.value),
                reference_machine: reference.map(|x| x.machine.to_string()),
                reference_date: reference.map(|x| x.date.to_string()),
                reference_source: reference.map(|x| x.source.to_string()),
                speedup: reference.and_then(|x| speedup(r, x)),
            }
        })
        .collect()
}

/// The results as CSV, one row per benchmark, references beside them.
pub fn to_csv(results: &[BenchResult]) -> String {
    let mut out = String::new();
    frontier_base::csv::push_row(
        &mut out,
        [
            "id",
            "benchmark",
            "workload",
            "value",
            "unit",
            "median_ms",
            "samples",
            "gflop_per_second",
            "engine",
            "reference_value",
            "reference_machine",
            "reference_date",
            "speedup",
        ],
    );
    let number = |v: Option<f64>| v.map_or_else(String::new, |v| v.to_string());
    for row in export_rows(results) {
        let r = &row.result;
        frontier_base::csv::push_row(
            &mut out,
            [
                r.id.clone(),
                r.benchmark.clone(),
                r.workload.clone(),
                r.value.to_string(),
                r.unit.clone(),
                r.median_ms.to_string(),
                r.samples.to_string(),
                number(r.gflop_per_second),
                r.engine.clone().unwrap_or_default(),
                number(row.reference_value),
                row.reference_machine.unwrap_or_default(),
                row.reference_date.unwrap_or_default(),
                number(row.speedup),
            ],
        );
    }
    out
}

/// Milliseconds from the global `performance.now()` (the worker's or the window's).
#[cfg(target_arch = "wasm32")]
pub fn now_ms() -> f64 {
    use wasm_bindgen::JsCast;
    let global: wasm_bindgen::JsValue = js_sys::global().into();
    let performance = js_sys::Reflect::get(&global, &"performance".into()).unwrap_or(wasm_bindgen::JsValue::UNDEFINED);
    let now =
        js_sys::Reflect::get(&performance, &"now".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    now.and_then(|f| f.call0(&performance).ok()).and_then(|v| v.as_f64()).unwrap_or_else(js_sys::Date::now)
}

/// Milliseconds since the first call (native tests).
#[cfg(not(target_arch = "wasm32"))]
pub fn now_ms() -> f64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed().as_secs_f64() * 1e3
}

/// Runs a CPU benchmark (every kind but [`BenchJob::SaeGpu`], which the worker awaits through
/// [`sae_gpu`]), reporting `(done, total)` progress.
/// The benchmarks' worker's reply to `job` (every benchmark but the WebGPU one, which it awaits
/// through [`sae_gpu`]): the [`BenchResult`] as JSON, with progress reported as it goes.
pub fn reply(job: &BenchJob, mut report: impl FnMut(crate::jobs::JobReply)) -> crate::jobs::JobReply {
    use crate::jobs::JobReply;
    let measured = run(job, |done, total| report(JobReply::Progress { done, total }))
        .and_then(|r| serde_json::to_string(&r).map_err(|e| e.to_string()));
    measured.map_or_else(|error| JobReply::Failed { error }, |result| JobReply::Done { result })
}

pub fn run(job: &BenchJob, mut report: impl FnMut(usize, usize)) -> Result<BenchResult, String> {
    job.validate()?;
    match *job {
        BenchJob::SaeCpu { d_in, d_sae, batch } => sae_cpu(job, d_in, d_sae, batch, &mut report),
        BenchJob::Retrieval { memories, dims, k } => retrieval(job, memories, dims, k, &mut report),
        BenchJob::Traces { bytes } => traces(job, bytes, &mut report),
        BenchJob::SaeGpu { .. } => Err("the WebGPU benchmark runs in the worker's own loop".into()),
    }
}

/// The SAE, its optimiser and the batch `cargo xtask bench sae` times (seeds 0 and 1).
fn sae_and_batch(d_in: usize, d_sae: usize, batch: usize) -> Result<(frontier_sae::Sae, frontier_sae::Matrix), String> {
    use frontier_sae::config::InitScheme;
    use frontier_sae::rng::Rng;
    use frontier_sae::{Arch, Matrix, Sae, SaeConfig};
    let cfg = SaeConfig { d_in, d_sae, arch: Arch::Relu, k: 0, apply_b_dec_to_input: true };
    let sae = Sae::init(cfg, InitScheme::Tied, true, &mut Rng::new(0));
    let mut rng = Rng::new(1);
    let mut values =
        frontier_base::limits::try_filled("the benchmark's batch", batch * d_in, 0f32).map_err(|e| e.to_string())?;
    values.iter_mut().for_each(|v| *v = rng.normal() as f32);
    let batch = Matrix::from_vec(batch, d_in, values).ok_or("the batch's shape")?;
    Ok((sae, batch))
}

fn sae_cpu(
    job: &BenchJob,
    d_in: usize,
    d_sae: usize,
    batch: usize,
    report: &mut impl FnMut(usize, usize),
) -> Result<BenchResult, String> {
    use frontier_sae::{Backend, CpuBackend, StepParams};
    let (sae, data) = sae_and_batch(d_in, d_sae, batch)?;
    let mut backend = CpuBackend::new(sae);
    let mut step = 0u64;
    let timed = |backend: &mut CpuBackend, step: u64| -> Result<f64, String> {
        let start = now_ms();
        backend.train_step(&data, &StepParams::benchmark(step)).map_err(|e| e.to_string())?;
        Ok(now_ms() - start)
    };
    let mut last_ms = 0.0;
    let total_guess = SAE_WARMUP + SAE_STEPS;
    for i in 0..SAE_WARMUP {
        last_ms = timed(&mut backend, step)?;
        step += 1;
        report(i + 1, total_guess);
    }
    let steps = if last_ms > SAE_SLOW_STEP_MS { SAE_FEW_STEPS } else { SAE_STEPS };
    let mut times = Vec::with_capacity(steps);
    for i in 0..steps {
        times.push(timed(&mut backend, step)?);
        step += 1;
        report(SAE_WARMUP + i + 1, SAE_WARMUP + steps);
    }
    let median_ms = median(&times).ok_or("no step was timed")?;
    let gflop = sae_step_flop(d_in, d_sae, batch) / 1e9;
    Ok(BenchResult {
        id: job.id(),
        benchmark: job.title().into(),
        workload: job.workload(),
        value: 1e3 / median_ms,
        unit: "steps/s".into(),
        higher_is_better: true,
        median_ms,
        samples: steps,
        gflop_per_second: Some(gflop * 1e3 / median_ms),
        engine: Some(frontier_sae::gemm::KERNEL.into()),
    })
}

/// A unit vector of `dims` normal deviates from `seed` (the values do not matter, only the work).
fn unit_vector(seed: u64, dims: usize) -> Vec<f32> {
    let mut rng = frontier_base::rng::SplitMix64::new(seed);
    let mut v: Vec<f32> = (0..dims).map(|_| rng.normal() as f32).collect();
    frontier_memory::vector::normalize(&mut v);
    v
}

fn retrieval(
    job: &BenchJob,
    memories: usize,
    dims: usize,
    k: usize,
    report: &mut impl FnMut(usize, usize),
) -> Result<BenchResult, String> {
    use frontier_memory::store::{Config, MemoryStore, NewMemory};
    let mut store =
        MemoryStore::new(Config { capacity: memories, ..Config::article(dims) }).map_err(|e| e.to_string())?;
    let total = memories + WARMUP_QUERIES + TIMED_QUERIES;
    let every = (memories / 50).max(1);
    for i in 0..memories {
        let m = NewMemory {
            importance: (i % 10) as f64 / 10.0,
            embedding: unit_vector(i as u64 + 1, dims),
            ..NewMemory::default()
        };
        store.store(m, i as f64 / 60.0).map_err(|e| e.to_string())?;
        if (i + 1).is_multiple_of(every) {
            report(i + 1, total);
        }
    }
    let now = memories as f64 / 60.0;
    let queries: Vec<Vec<f32>> = (0..TIMED_QUERIES).map(|q| unit_vector(1_000_000 + q as u64, dims)).collect();
    for (i, q) in queries.iter().take(WARMUP_QUERIES).enumerate() {
        store.retrieve(q, k, now).map_err(|e| e.to_string())?;
        report(memories + i + 1, total);
    }
    let mut times = Vec::with_capacity(TIMED_QUERIES);
    for (i, q) in queries.iter().enumerate() {
        let start = now_ms();
        let got = store.retrieve(q, k, now).map_err(|e| e.to_string())?;
        times.push(now_ms() - start);
        if got.len() != k.min(memories) {
            return Err(format!("the store returned {} memories for top {k}", got.len()));
        }
        report(memories + WARMUP_QUERIES + i + 1, total);
    }
    let median_ms = median(&times).ok_or("no query was timed")?;
    Ok(BenchResult {
        id: job.id(),
        benchmark: job.title().into(),
        workload: job.workload(),
        value: median_ms,
        unit: "ms per query".into(),
        higher_is_better: false,
        median_ms,
        samples: TIMED_QUERIES,
        gflop_per_second: None,
        engine: None,
    })
}

fn traces(job: &BenchJob, bytes: usize, report: &mut impl FnMut(usize, usize)) -> Result<BenchResult, String> {
    use frontier_reasoning::{analyze, Options};
    let trace = frontier_reasoning::synthetic::long_trace(bytes);
    if trace.is_empty() {
        return Err("the synthetic trace is empty".into());
    }
    let mut times = Vec::with_capacity(TRACE_RUNS);
    for i in 0..TRACE_RUNS {
        let start = now_ms();
        let findings = analyze(&trace, None, Options::default()).findings.len();
        times.push(now_ms() - start);
        std::hint::black_box(findings);
        report(i + 1, TRACE_RUNS);
    }
    let median_ms = median(&times).ok_or("no run was timed")?;
    Ok(BenchResult {
        id: job.id(),
        benchmark: job.title().into(),
        workload: job.workload(),
        value: median_ms * 1e6 / trace.len() as f64,
        unit: "ms per MB".into(),
        higher_is_better: false,
        median_ms,
        samples: TRACE_RUNS,
        gflop_per_second: None,
        engine: None,
    })
}

/// The SAE step on WebGPU, timed as throughput the way `cargo xtask bench sae --gpu` times it:
/// steps submitted as the trainer submits them (a ring of slots, at most three submissions out),
/// the clock stopped when the last measurements are back. No adapter is an error that says so.
pub async fn sae_gpu(
    job: &BenchJob,
    mut now: impl FnMut() -> f64,
    mut report: impl FnMut(usize, usize),
) -> Result<BenchResult, String> {
    use frontier_sae_gpu::{GpuContext, GpuError, GpuSae};
    job.validate()?;
    let BenchJob::SaeGpu { d_in, d_sae, batch } = *job else { return Err("not a WebGPU benchmark".into()) };
    let ctx = GpuContext::new().await.map_err(|e| match e {
        GpuError::NoWebGpu => "This browser has no WebGPU, so there is nothing to time on a GPU.".to_string(),
        GpuError::NoAdapter(why) => {
            format!("This browser offers no WebGPU adapter ({why}), so there is nothing to time on a GPU.")
        }
        other => format!("WebGPU could not start: {other}"),
    })?;
    let (sae, data) = sae_and_batch(d_in, d_sae, batch)?;
    let mut gpu = GpuSae::new(&ctx, &sae, batch).await.map_err(|e| format!("the GPU refused this SAE: {e}"))?;
    gpu.write_batch(0, &data).map_err(|e| e.to_string())?;
    let start = now();
    gpu_steps(&mut gpu, 0, GPU_WARMUP).await?;
    let warm_ms = (now() - start) / GPU_WARMUP as f64;
    let steps = if warm_ms > SAE_SLOW_STEP_MS / 5.0 { GPU_FEW_STEPS } else { GPU_STEPS };
    report(GPU_WARMUP, GPU_WARMUP + steps);
    let start = now();
    gpu_steps(&mut gpu, GPU_WARMUP as u64, steps).await?;
    let mean_ms = (now() - start) / steps as f64;
    report(GPU_WARMUP + steps, GPU_WARMUP + steps);
    if !is_positive(mean_ms) {
        return Err("the browser's clock did not move: its timer may be too coarse to time the GPU".into());
    }
    let adapter = if ctx.is_software() { format!("{} (software)", ctx.describe()) } else { ctx.describe() };
    Ok(BenchResult {
        id: job.id(),
        benchmark: job.title().into(),
        workload: job.workload(),
        value: 1e3 / mean_ms,
        unit: "steps/s".into(),
        higher_is_better: true,
        median_ms: mean_ms,
        samples: steps,
        gflop_per_second: Some(sae_step_flop(d_in, d_sae, batch) / 1e9 * 1e3 / mean_ms),
        engine: Some(adapter),
    })
}

/// Submits `steps` steps and waits for the last measurements.
async fn gpu_steps(gpu: &mut frontier_sae_gpu::GpuSae, first: u64, steps: usize) -> Result<(), String> {
    use frontier_sae::StepParams;
    use frontier_sae_gpu::run::MAX_IN_FLIGHT;
    use frontier_sae_gpu::sae::{Snapshot, Submission};
    use frontier_sae_gpu::Until;
    let mut out: std::collections::VecDeque<Submission> = std::collections::VecDeque::new();
    let mut done = 0;
    while done < steps {
        let n = gpu.slots().min(steps - done);
        let batch: Vec<(usize, StepParams)> =
            (0..n).map(|i| (0, StepParams::benchmark(first + (done + i) as u64))).collect();
        out.push_back(gpu.submit(&batch, Until::Update, Snapshot::None).map_err(|e| e.to_string())?);
        done += n;
        if out.len() >= MAX_IN_FLIGHT {
            if let Some(mut oldest) = out.pop_front() {
                oldest.stats().await.map_err(|e| e.to_string())?;
            }
        }
    }
    while let Some(mut oldest) = out.pop_front() {
        oldest.stats().await.map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(id: &str, value: f64, unit: &str, higher_is_better: bool) -> BenchResult {
        BenchResult {
            id: id.into(),
            benchmark: "b".into(),
            workload: "w".into(),
            value,
            unit: unit.into(),
            higher_is_better,
            median_ms: value,
            samples: 5,
            gflop_per_second: None,
            engine: None,
        }
    }

    #[test]
    fn the_median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[1.0, f64::NAN]), None);
    }

    #[test]
    fn speedups_are_oriented_so_that_above_one_is_faster() {
        let retrieval = reference("retrieval-100000x384-top10").unwrap_or_else(|| panic!("no reference"));
        // 6 ms against 12 ms per query: twice as fast.
        let fast = result(retrieval.id, 6.0, "ms per query", false);
        assert_eq!(speedup(&fast, retrieval), Some(2.0));
        assert_eq!(speedup_words(2.0), "your machine is 2.0× faster");
        let slow = result(retrieval.id, 24.0, "ms per query", false);
        assert_eq!(speedup(&slow, retrieval), Some(0.5));
        assert_eq!(speedup_words(0.5), "your machine is 2.0× slower");
        assert_eq!(speedup_words(1.04), "your machine is about as fast");
        assert_eq!(speedup_words(1.4), "your machine is 1.4× faster");
        // Steps per second: higher is better.
        let steps = Reference { id: "x", value: 10.0, unit: "steps/s", kernel: None, ..*retrieval };
        assert_eq!(speedup(&result("x", 14.0, "steps/s", true), &steps), Some(1.4));
        // Other units, zero and non-finite figures are not compared.
        assert_eq!(speedup(&result(retrieval.id, 6.0, "steps/s", true), retrieval), None);
        assert_eq!(speedup(&result(retrieval.id, 0.0, "ms per query", false), retrieval), None);
        assert_eq!(speedup(&result(retrieval.id, f64::INFINITY, "ms per query", false), retrieval), None);
        assert_eq!(speedup_words(f64::NAN), "no comparison");
    }

    #[test]
    fn every_reference_names_a_benchmark_the_page_offers() {
        let offered: Vec<String> = crate::pages::benchmarks::OFFERED.iter().map(BenchJob::id).collect();
        for r in REFERENCES {
            assert!(offered.contains(&r.id.to_string()), "{} is not offered", r.id);
            assert!(r.value > 0.0 && !r.source.is_empty() && !r.machine.is_empty());
        }
        assert_eq!(BenchJob::Traces { bytes: 1_000_000 }.workload(), "1 MB dense synthetic trace");
        assert_eq!(BenchJob::Retrieval { memories: 100_000, dims: 384, k: 10 }.workload(), "100,000 × 384, top 10");
    }

    /// The SAE step is compared with the figure of the kernel the reader's worker carried.
    #[test]
    fn the_sae_reference_follows_the_workers_kernel() {
        let mut r = result("sae-cpu-256x2048-b1024", 6.19, "steps/s", true);
        r.engine = Some(KERNEL_RELAXED.into());
        assert_eq!(reference_for(&r).map(|x| x.value), Some(3.095));
        assert_eq!(
            reference_for(&r).and_then(|x| speedup(&r, x)).map(speedup_words).as_deref(),
            Some("your machine is 2.0× faster")
        );
        r.engine = Some(KERNEL_SIMD128.into());
        assert_eq!(reference_for(&r).map(|x| x.value), Some(1.643));
        r.engine = Some("wasm scalar".into());
        assert_eq!(reference_for(&r), None);
        // Every SAE row names one of the two builds' kernels.
        for x in REFERENCES.iter().filter(|x| x.id.starts_with("sae-cpu")) {
            assert!(matches!(x.kernel, Some(KERNEL_RELAXED | KERNEL_SIMD128)), "{}", x.id);
        }
    }

    #[test]
    fn absurd_sizes_are_refused_before_allocating() {
        for job in crate::pages::benchmarks::OFFERED {
            assert_eq!(job.validate(), Ok(()), "{job:?}");
        }
        let refused = [
            BenchJob::SaeCpu { d_in: 0, d_sae: 512, batch: 1024 },
            BenchJob::SaeCpu { d_in: 4096, d_sae: 65_536, batch: 4096 },
            BenchJob::SaeGpu { d_in: usize::MAX, d_sae: usize::MAX, batch: usize::MAX },
            BenchJob::Retrieval { memories: 0, dims: 384, k: 10 },
            BenchJob::Retrieval { memories: 10_000_000, dims: 384, k: 10 },
            BenchJob::Retrieval { memories: 100_000, dims: 100_000, k: 10 },
            BenchJob::Retrieval { memories: 5, dims: 384, k: 10 },
            BenchJob::Traces { bytes: 0 },
            BenchJob::Traces { bytes: MAX_TRACE_BYTES + 1 },
            BenchJob::Traces { bytes: usize::MAX },
        ];
        for job in refused {
            assert!(job.validate().is_err(), "{job:?} was accepted");
            assert!(run(&job, |_, _| {}).is_err(), "{job:?} ran");
        }
        // Within the step's FLOP limit but over the memory budget.
        let wide = BenchJob::SaeCpu { d_in: 60_000, d_sae: 8192, batch: 1 };
        assert!(wide.validate().is_err_and(|e| e.contains("GiB") || e.contains("MiB")), "{:?}", wide.validate());
    }

    #[test]
    fn small_benchmarks_run_natively_and_report_their_shape() {
        let mut progress = Vec::new();
        let traces =
            run(&BenchJob::Traces { bytes: 20_000 }, |d, t| progress.push((d, t))).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((traces.unit.as_str(), traces.samples, traces.id.as_str()), ("ms per MB", 5, "traces-dense-20000"));
        assert!(traces.value > 0.0 && traces.median_ms >= 0.0);
        assert_eq!(progress.last(), Some(&(5, 5)));
        let retrieval =
            run(&BenchJob::Retrieval { memories: 300, dims: 16, k: 3 }, |_, _| {}).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((retrieval.unit.as_str(), retrieval.higher_is_better), ("ms per query", false));
        let sae = run(&BenchJob::SaeCpu { d_in: 8, d_sae: 16, batch: 32 }, |_, _| {}).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (sae.unit.as_str(), sae.samples, sae.engine.as_deref()),
            ("steps/s", 20, Some(frontier_sae::gemm::KERNEL))
        );
        assert!(sae.value > 0.0 && sae.gflop_per_second.is_some_and(|g| g > 0.0));
    }

    #[test]
    fn exports_carry_the_reference_beside_each_figure() {
        let results = [
            result("traces-dense-1000000", 59.35, "ms per MB", false),
            result("sae-gpu-64x512-b1024", 500.0, "steps/s", true),
        ];
        let csv = to_csv(&results);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("id,benchmark,workload,value,unit,"));
        assert!(lines[1].starts_with("traces-dense-1000000,b,w,59.35,ms per MB,"), "{}", lines[1]);
        assert!(
            lines[1].ends_with(
                ",118.7,\"2-core x86-64 server (the project's CI machine), headless Chromium 156\",2026-12-07,2"
            ),
            "{}",
            lines[1]
        );
        assert!(lines[2].ends_with(",,,,"), "{}", lines[2]);
        let rows = export_rows(&results);
        let json = serde_json::to_value(&rows).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(json[0]["id"], "traces-dense-1000000");
        assert_eq!(json[0]["speedup"], 2.0);
        assert_eq!(json[1]["reference_value"], serde_json::Value::Null);
    }

    #[test]
    fn figures_keep_three_significant_digits() {
        assert_eq!(figure(118.74), "119");
        assert_eq!(figure(12.345), "12.3");
        assert_eq!(figure(1.2345), "1.23");
        assert_eq!(figure(f64::NAN), "—");
        assert_eq!(group(1_234_567), "1,234,567");
        assert_eq!(size_words(250_000), "250 kB");
    }
}

//! `cargo xtask bench sae`: one training step of a ReLU SAE (b_dec subtracted from the input, loss
//! MSE + 1e-3·mean|f|, backward, Adam at lr 1e-3, unit-norm decoder with its gradient projected)
//! at the four shapes, beside the same step in PyTorch on the CPU
//! (`tests/reference/bench_sae.py`), natively at 1 and 2 threads, then in wasm in headless Chromium
//! (one thread: wasm32 has none here), built once with `+simd128` and once with `+relaxed-simd`
//! (the fused multiply–add in our wasm kernel). The aims: native at least as fast as PyTorch, wasm
//! within 2× of native at one thread.
//!
//! matrixmultiply reads `MATMUL_NUM_THREADS` once per process, so each native measurement runs in a
//! child process: this binary again, with the hidden subcommand `bench-sae-native`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use frontier_sae::config::InitScheme;
use frontier_sae::rng::Rng;
use frontier_sae::{Arch, Backend, CpuBackend, Matrix, Sae, SaeConfig, StepParams};

use crate::bench::median;
use crate::cmd::{capture, describe, probe, step};

/// The size of one training step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shape {
    d_in: usize,
    d_sae: usize,
    batch: usize,
}

impl Shape {
    /// FLOP per step, counted as `bench_sae.py` counts them: five products of B·d_in·d_sae
    /// multiply-adds (encode, decode, dW_dec, d(f), dW_enc).
    fn gflop(self) -> f64 {
        10.0 * (self.batch * self.d_in * self.d_sae) as f64 / 1e9
    }
}

/// d_in 64 and 256, a dictionary 8× as wide, batches of 1024 and 4096 (the shapes).
const SHAPES: [Shape; 4] = [
    Shape { d_in: 64, d_sae: 512, batch: 1024 },
    Shape { d_in: 64, d_sae: 512, batch: 4096 },
    Shape { d_in: 256, d_sae: 2048, batch: 1024 },
    Shape { d_in: 256, d_sae: 2048, batch: 4096 },
];
const THREADS: [usize; 2] = [1, 2];
const WARMUP: usize = 3;
/// Steps timed one by one; fewer when a warm-up step took over `SLOW_STEP_S`, to keep runs short.
const STEPS: usize = 20;
const FEW_STEPS: usize = 8;
const SLOW_STEP_S: f64 = 0.5;
/// The wasm test runs for minutes, and the test runner gives up on a page after 20 s by default.
const WASM_TIMEOUT_S: u64 = 600;
/// The aims: ours/PyTorch at least 1 at each thread count, wasm/native (steps/s) at least 1/2.
const WASM_AIM: f64 = 1.0 / 2.0;

/// One side's measurement of one shape, as the JSON lines of every side report it.
#[derive(Debug, Clone, Copy)]
struct Timing {
    steps: usize,
    steps_per_second: f64,
    gflop_per_second: f64,
}

impl Timing {
    fn parse(line: &str) -> Result<Self> {
        let json: serde_json::Value =
            serde_json::from_str(line.trim()).with_context(|| format!("not a JSON line: {line:?}"))?;
        let number = |key: &str| json[key].as_f64().with_context(|| format!("no `{key}` in {line:?}"));
        Ok(Self {
            steps: number("steps")? as usize,
            steps_per_second: number("steps_per_second")?,
            gflop_per_second: number("gflop_per_second")?,
        })
    }
}

/// One line of the table: a shape at a thread count.
#[derive(Debug)]
struct Row {
    shape: Shape,
    threads: usize,
    native: Timing,
    torch: Option<Timing>,
    /// The wasm step built with `+simd128`, then with `+relaxed-simd`.
    wasm: [Option<Timing>; 2],
}

/// The step `tests/reference/bench_sae.py` runs.
fn params(step: u64) -> StepParams {
    StepParams::benchmark(step)
}

/// Runs one step and returns its time in seconds and its loss.
fn timed_step(backend: &mut CpuBackend, batch: &Matrix, step: u64) -> Result<(f64, f32)> {
    let start = Instant::now();
    let stats = backend.train_step(batch, &params(step)).with_context(|| format!("training step {step}"))?;
    Ok((start.elapsed().as_secs_f64(), stats.loss))
}

/// The hidden subcommand `bench-sae-native D_IN D_SAE BATCH STEPS`: times the step in this process
/// (at the `MATMUL_NUM_THREADS` it was started with) and prints one JSON line like `bench_sae.py`'s.
pub fn native(args: &[&str]) -> Result<()> {
    let [d_in, d_sae, batch, steps] = args else { bail!("usage: bench-sae-native D_IN D_SAE BATCH STEPS") };
    let count = |s: &str| s.parse::<usize>().with_context(|| format!("{s:?} is not a count"));
    let shape = Shape { d_in: count(d_in)?, d_sae: count(d_sae)?, batch: count(batch)? };
    let cfg = SaeConfig { d_in: shape.d_in, d_sae: shape.d_sae, arch: Arch::Relu, k: 0, apply_b_dec_to_input: true };
    let mut backend = CpuBackend::new(Sae::init(cfg, InitScheme::Tied, true, &mut Rng::new(0)));
    let mut rng = Rng::new(1);
    let values = (0..shape.batch * shape.d_in).map(|_| rng.normal() as f32).collect();
    let batch = Matrix::from_vec(shape.batch, shape.d_in, values).context("batch shape")?;

    let mut index = 0;
    let mut last = 0.0;
    for _ in 0..WARMUP {
        last = timed_step(&mut backend, &batch, index)?.0;
        index += 1;
    }
    let steps = if last > SLOW_STEP_S { FEW_STEPS.min(count(steps)?) } else { count(steps)? };
    let mut times = Vec::with_capacity(steps);
    let mut loss = f32::NAN;
    for _ in 0..steps {
        let (seconds, step_loss) = timed_step(&mut backend, &batch, index)?;
        times.push(seconds);
        loss = step_loss;
        index += 1;
    }
    let median_s = median(times).context("no steps timed")?;
    let line = serde_json::json!({
        "impl": "ours-native",
        "threads": std::env::var("MATMUL_NUM_THREADS").ok(),
        "d_in": shape.d_in,
        "d_sae": shape.d_sae,
        "batch": shape.batch,
        "steps": steps,
        "median_step_ms": median_s * 1e3,
        "steps_per_second": 1.0 / median_s,
        "gflop_per_step": shape.gflop(),
        "gflop_per_second": shape.gflop() / median_s,
        "last_loss": loss,
    });
    println!("{line}");
    Ok(())
}

fn measure_native(shape: Shape, threads: usize) -> Result<Timing> {
    let exe = std::env::current_exe().context("cannot find the running xtask binary")?;
    let output = capture(
        Command::new(exe)
            .arg("bench-sae-native")
            .args([shape.d_in, shape.d_sae, shape.batch, STEPS].map(|n| n.to_string()))
            .env("MATMUL_NUM_THREADS", threads.to_string()),
    )?;
    println!("  {}", output.trim());
    Timing::parse(&output)
}

fn measure_torch(root: &Path, python: &str, shape: Shape, threads: usize, steps: usize) -> Result<Timing> {
    let script = root.join("tests/reference/bench_sae.py");
    let output = capture(Command::new(python).arg(script).args([
        "--d-in".to_string(),
        shape.d_in.to_string(),
        "--d-sae".into(),
        shape.d_sae.to_string(),
        "--batch".into(),
        shape.batch.to_string(),
        "--steps".into(),
        steps.to_string(),
        "--warmup".into(),
        WARMUP.to_string(),
        "--threads".into(),
        threads.to_string(),
    ]))
    .context("the PyTorch reference failed")?;
    println!("  {}", output.trim());
    Timing::parse(&output)
}

/// Runs the ignored wasm test, echoing its output as it comes (it runs for minutes), and reads the
/// `SAE_BENCH {json}` line of each shape.
fn measure_wasm(root: &Path, relaxed: bool) -> Result<Vec<(Shape, Timing)>> {
    let mut cmd = crate::test::wasm_test_command_for(root, &crate::test::chromedriver(), "frontier-sae-gpu", &[])?;
    if relaxed {
        crate::relaxed::configure(root, &mut cmd);
    }
    cmd.args(["--release", "--test", "cpu_bench", "--", "--include-ignored", "--nocapture"])
        .env("WASM_BINDGEN_TEST_TIMEOUT", WASM_TIMEOUT_S.to_string());
    let shown = describe(&cmd);
    println!("$ {shown}");
    let mut child = cmd.stdout(Stdio::piped()).spawn().with_context(|| format!("could not start `{shown}`"))?;
    let stdout = child.stdout.take().context("no stdout from the wasm test")?;
    let mut results = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        println!("{line}");
        if let Some((_, json)) = line.split_once("SAE_BENCH ") {
            let value: serde_json::Value = serde_json::from_str(json.trim())?;
            let size = |key: &str| value[key].as_u64().map_or(0, |n| n as usize);
            let shape = Shape { d_in: size("d_in"), d_sae: size("d_sae"), batch: size("batch") };
            results.push((shape, Timing::parse(json)?));
        }
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("`{shown}` failed ({status})");
    }
    if results.len() != SHAPES.len() {
        bail!("the wasm test printed {} SAE_BENCH lines, not {}", results.len(), SHAPES.len());
    }
    Ok(results)
}

/// Steps/s and GFLOP/s, or a dash where a side was not measured.
fn cell(timing: Option<Timing>) -> String {
    timing.map_or_else(
        || format!("{:>9} {:>7}", "—", "—"),
        |t| format!("{:>9.2} {:>7.1}", t.steps_per_second, t.gflop_per_second),
    )
}

fn ratio(value: Option<f64>) -> String {
    value.map_or_else(|| format!("{:>8}", "—"), |v| format!("{v:>7.2}×"))
}

fn print_table(rows: &[Row]) {
    println!("\nsae: one ReLU training step (median), same machine; GFLOP/s from 10·B·d_in·d_sae FLOP per step");
    println!(
        "  {:<22} {:>3} | {:>17} | {:>17} | {:>8} | {:>17} | {:>8} | {:>17} | {:>8}",
        "d_in × d_sae, batch",
        "thr",
        "PyTorch step/s GF/s",
        "native step/s GF/s",
        "ours/PT",
        "wasm step/s GF/s",
        "wasm/nat",
        "+relaxed step/s GF/s",
        "rel/nat"
    );
    for row in rows {
        let Shape { d_in, d_sae, batch } = row.shape;
        let versus_torch = row.torch.map(|t| row.native.steps_per_second / t.steps_per_second);
        let versus_native = row.wasm.map(|w| w.map(|w| w.steps_per_second / row.native.steps_per_second));
        println!(
            "  {:<22} {:>3} | {} | {} | {} | {} | {} | {} | {}",
            format!("{d_in} × {d_sae}, {batch}"),
            row.threads,
            cell(row.torch),
            cell(Some(row.native)),
            ratio(versus_torch),
            cell(row.wasm[0]),
            ratio(versus_native[0]),
            cell(row.wasm[1]),
            ratio(versus_native[1])
        );
    }
}

/// Says, shape by shape, which aims are met.
fn print_aims(rows: &[Row]) {
    let torch: Vec<&Row> = rows.iter().filter(|r| r.torch.is_some()).collect();
    let beaten = torch.iter().filter(|r| r.torch.is_some_and(|t| r.native.steps_per_second >= t.steps_per_second));
    if torch.is_empty() {
        println!("  aim 1 (native at least as fast as PyTorch): not measured, PyTorch did not run");
    } else {
        let met = beaten.count();
        let verdict = if met == torch.len() { "met" } else { "NOT met" };
        println!("  aim 1 (native at least as fast as PyTorch): {verdict}; met in {met} of {} rows", torch.len());
    }
    for (build, name) in [(0, "simd128"), (1, "relaxed-simd")] {
        let wasm: Vec<&Row> = rows.iter().filter(|r| r.wasm[build].is_some()).collect();
        if wasm.is_empty() {
            println!("  aim 2 (wasm {name} within 2× of native): not measured, the wasm test did not run");
            continue;
        }
        let within = |native: f64, r: &Row| r.wasm[build].is_some_and(|w| w.steps_per_second >= WASM_AIM * native);
        let met = wasm.iter().filter(|r| within(r.native.steps_per_second, r)).count();
        let verdict = if met == wasm.len() { "met" } else { "NOT met" };
        println!(
            "  aim 2 (wasm {name} within 2× of native at 1 thread): {verdict}; met in {met} of {} shapes",
            wasm.len()
        );
    }
}

pub fn run(root: &Path) -> Result<()> {
    step("bench sae: native (MATMUL_NUM_THREADS=1, 2) beside PyTorch (--threads 1, 2), 4 shapes");
    let python = std::env::var("FRONTIER_TORCH_PYTHON").unwrap_or_else(|_| "python3".into());
    let has_torch = probe(Command::new(&python).args(["-c", "import torch"])).is_some();
    if !has_torch {
        println!(
            "  PyTorch is missing: `{python} -c 'import torch'` failed. `pip install torch` (or set \
             FRONTIER_TORCH_PYTHON to an interpreter that has it) for the PyTorch column; it is skipped."
        );
    }
    let mut rows = Vec::new();
    for shape in SHAPES {
        for threads in THREADS {
            let native = measure_native(shape, threads)?;
            let torch =
                if has_torch { Some(measure_torch(root, &python, shape, threads, native.steps)?) } else { None };
            rows.push(Row { shape, threads, native, torch, wasm: [None, None] });
        }
    }
    let mut failed = None;
    for (build, relaxed) in [(0, false), (1, true)] {
        let flags = if relaxed { "+simd128,+relaxed-simd" } else { "+simd128" };
        step(format!("bench sae: the same step in wasm ({flags}), headless Chromium, 1 thread (release build)"));
        match measure_wasm(root, relaxed) {
            Ok(results) => {
                for row in rows.iter_mut().filter(|r| r.threads == 1) {
                    row.wasm[build] = results.iter().find(|(shape, _)| *shape == row.shape).map(|(_, t)| *t);
                }
            }
            Err(e) => failed = Some(e),
        }
    }
    print_table(&rows);
    print_aims(&rows);
    wgpu_beside_cpu(&rows);
    failed.map_or(Ok(()), Err)
}

/// Work a wgpu measurement here may take: the first adapter wgpu finds is timed with about this
/// many GFLOP (at least one step), since a software adapter (lavapipe) runs at under 1 GFLOP/s.
const WGPU_GFLOP_BUDGET: f64 = 2.0;

/// The wgpu backend on the first adapter wgpu finds (lavapipe in CI, a GPU where there is one),
/// beside the CPU backend's best native figure, shape by shape.
fn wgpu_beside_cpu(rows: &[Row]) {
    step("bench sae: the wgpu backend on the first adapter wgpu finds, beside the CPU backend");
    println!(
        "\n  {:<22} | {:>17} | {:>17} | {:>8}",
        "d_in × d_sae, batch", "CPU step/s GF/s", "wgpu step/s GF/s", "wgpu/CPU"
    );
    for shape in SHAPES {
        let steps = ((WGPU_GFLOP_BUDGET / shape.gflop()).floor() as usize).clamp(1, STEPS);
        let wgpu = crate::bench_sae_gpu::measure_wgpu((shape.d_in, shape.d_sae, shape.batch), steps, 1);
        let cpu = rows
            .iter()
            .filter(|r| r.shape == shape)
            .map(|r| r.native)
            .max_by(|a, b| a.steps_per_second.total_cmp(&b.steps_per_second));
        let Some(cpu) = cpu else { continue };
        let label = format!("{} × {}, {}", shape.d_in, shape.d_sae, shape.batch);
        match wgpu {
            Ok((steps_per_second, gflop_per_second)) => println!(
                "  {label:<22} | {} | {:>9.2} {:>7.1} | {:>7.2}×",
                cell(Some(cpu)),
                steps_per_second,
                gflop_per_second,
                steps_per_second / cpu.steps_per_second
            ),
            Err(e) => println!("  {label:<22} | {} | wgpu did not run: {e:#}", cell(Some(cpu))),
        }
    }
}

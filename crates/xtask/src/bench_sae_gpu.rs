//! The wgpu half of `cargo xtask bench sae`, and `cargo xtask bench sae --gpu`.
//!
//! The step is the one every other side times (ReLU, b_dec subtracted, L1 1e-3, Adam, unit-norm
//! decoder: `StepParams::benchmark`) on a fixed batch. On the GPU a step's time is throughput:
//! `STEPS` steps are submitted (up to the ring's size a submission, at most three submissions
//! out), and the clock stops when the last measurements are back. PyTorch on CUDA is timed the same
//! way (`tests/reference/bench_sae.py --device cuda`: one synchronise at the end).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use frontier_sae::config::InitScheme;
use frontier_sae::rng::Rng;
use frontier_sae::{Arch, Matrix, Sae, SaeConfig, StepParams};
use frontier_sae_gpu::run::MAX_IN_FLIGHT;
use frontier_sae_gpu::sae::{Snapshot, Submission};
use frontier_sae_gpu::{GpuContext, GpuSae, Until};

use crate::cmd::{capture, probe, step};

/// The real-GPU shape (GPT-2 small's residual width, a 16,384-feature dictionary), then the
/// small shapes that show the per-step overhead.
const GPU_SHAPES: [(usize, usize, usize); 4] =
    [(768, 16_384, 4096), (64, 512, 1024), (64, 512, 4096), (256, 2048, 4096)];
const WARMUP_STEPS: usize = 10;
const GPU_STEPS: usize = 200;
/// The aim: our wgpu step at least half as fast as PyTorch CUDA's.
const GPU_AIM: f64 = 0.5;

fn gflop(d_in: usize, d_sae: usize, batch: usize) -> f64 {
    10.0 * (batch * d_in * d_sae) as f64 / 1e9
}

/// Submits `steps` steps on `gpu` and waits for the last measurements; returns the last loss.
fn run_steps(gpu: &mut GpuSae, first: u64, steps: usize) -> Result<f32> {
    let mut out: std::collections::VecDeque<Submission> = Default::default();
    let mut loss = f32::NAN;
    let mut done = 0;
    while done < steps {
        let n = gpu.slots().min(steps - done);
        let batch: Vec<(usize, StepParams)> =
            (0..n).map(|i| (0, StepParams::benchmark(first + (done + i) as u64))).collect();
        out.push_back(gpu.submit(&batch, Until::Update, Snapshot::None)?);
        done += n;
        if out.len() >= MAX_IN_FLIGHT {
            if let Some(mut oldest) = out.pop_front() {
                loss = pollster::block_on(oldest.stats())?.last().map_or(f32::NAN, |s| s.loss);
            }
        }
    }
    while let Some(mut oldest) = out.pop_front() {
        loss = pollster::block_on(oldest.stats())?.last().map_or(f32::NAN, |s| s.loss);
    }
    Ok(loss)
}

/// The hidden subcommand `bench-sae-gpu D_IN D_SAE BATCH STEPS [WARMUP]`: prints one JSON line.
pub fn gpu_native(args: &[&str]) -> Result<()> {
    let (shape, warmup) = match args {
        [d_in, d_sae, batch, steps] => ([*d_in, *d_sae, *batch, *steps], WARMUP_STEPS.to_string()),
        [d_in, d_sae, batch, steps, warmup] => ([*d_in, *d_sae, *batch, *steps], warmup.to_string()),
        _ => bail!("usage: bench-sae-gpu D_IN D_SAE BATCH STEPS [WARMUP]"),
    };
    let count = |s: &str| s.parse::<usize>().with_context(|| format!("{s:?} is not a count"));
    let [d_in, d_sae, rows, steps] = shape;
    let (d_in, d_sae, rows, steps, warmup) =
        (count(d_in)?, count(d_sae)?, count(rows)?, count(steps)?, count(&warmup)?);
    let ctx = pollster::block_on(GpuContext::new())?;
    let cfg = SaeConfig { d_in, d_sae, arch: Arch::Relu, k: 0, apply_b_dec_to_input: true };
    let sae = Sae::init(cfg, InitScheme::Tied, true, &mut Rng::new(0));
    let mut gpu = pollster::block_on(GpuSae::new(&ctx, &sae, rows))?;
    let mut rng = Rng::new(1);
    let batch =
        Matrix::from_vec(rows, d_in, (0..rows * d_in).map(|_| rng.normal() as f32).collect()).context("batch shape")?;
    gpu.write_batch(0, &batch)?;
    run_steps(&mut gpu, 0, warmup)?;
    let start = Instant::now();
    let loss = run_steps(&mut gpu, warmup as u64, steps)?;
    let seconds = start.elapsed().as_secs_f64() / steps as f64;
    let flop = gflop(d_in, d_sae, rows);
    let line = serde_json::json!({
        "impl": "ours-wgpu",
        "adapter": ctx.describe(),
        "software_adapter": ctx.is_software(),
        "d_in": d_in,
        "d_sae": d_sae,
        "batch": rows,
        "steps": steps,
        "steps_per_submission": gpu.slots(),
        "mean_step_ms": seconds * 1e3,
        "steps_per_second": 1.0 / seconds,
        "gflop_per_step": flop,
        "gflop_per_second": flop / seconds,
        "last_loss": loss,
    });
    println!("{line}");
    Ok(())
}

/// One side's steps/s and GFLOP/s from its JSON line.
fn parse(line: &str) -> Result<(f64, f64)> {
    let json: serde_json::Value = serde_json::from_str(line.trim()).with_context(|| format!("not JSON: {line:?}"))?;
    let number = |key: &str| json[key].as_f64().with_context(|| format!("no `{key}` in {line:?}"));
    Ok((number("steps_per_second")?, number("gflop_per_second")?))
}

/// Our wgpu backend on `shape`, in a child process, with `warmup` then `steps` steps.
pub fn measure_wgpu(shape: (usize, usize, usize), steps: usize, warmup: usize) -> Result<(f64, f64)> {
    let exe = std::env::current_exe().context("cannot find the running xtask binary")?;
    let (d_in, d_sae, batch) = shape;
    let args = [d_in, d_sae, batch, steps, warmup].map(|n| n.to_string());
    let output = capture(Command::new(exe).arg("bench-sae-gpu").args(args))?;
    println!("  {}", output.trim());
    parse(&output)
}

/// `cargo xtask bench sae --gpu`: our wgpu backend on the first GPU wgpu finds (Vulkan) beside
/// PyTorch on CUDA, same shapes, same machine.
pub fn run_gpu(root: &Path) -> Result<()> {
    // A prebuilt binary carried to a GPU machine runs from that checkout, wherever it lies.
    let here = std::env::current_dir().ok().filter(|d| d.join("tests/reference/bench_sae.py").is_file());
    let root = here.as_deref().unwrap_or(root);
    step("bench sae --gpu: our wgpu backend (Vulkan) beside PyTorch CUDA, float32, same machine");
    let python = std::env::var("FRONTIER_TORCH_PYTHON").unwrap_or_else(|_| "python3".into());
    let has_cuda =
        probe(Command::new(&python).args(["-c", "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)"]))
            .is_some();
    if !has_cuda {
        println!("  PyTorch with CUDA is missing (`{python}` has no torch.cuda): the PyTorch column is skipped.");
    }
    println!(
        "\n  {:<22} | {:>17} | {:>17} | {:>8}",
        "d_in × d_sae, batch", "PyTorch step/s GF/s", "wgpu step/s GF/s", "ours/PT"
    );
    let mut rows = Vec::new();
    for shape in GPU_SHAPES {
        let ours = measure_wgpu(shape, GPU_STEPS, WARMUP_STEPS)?;
        let torch = if has_cuda {
            let (d_in, d_sae, batch) = shape;
            let script = root.join("tests/reference/bench_sae.py");
            let args = ["--d-in", &d_in.to_string(), "--d-sae", &d_sae.to_string(), "--batch", &batch.to_string()]
                .map(String::from);
            let output = capture(Command::new(&python).arg(script).args(args).args([
                "--device",
                "cuda",
                "--steps",
                &GPU_STEPS.to_string(),
                "--warmup",
                &WARMUP_STEPS.to_string(),
            ]))?;
            println!("  {}", output.trim());
            Some(parse(&output)?)
        } else {
            None
        };
        rows.push((shape, ours, torch));
    }
    for ((d_in, d_sae, batch), ours, torch) in &rows {
        let cell = |t: Option<(f64, f64)>| {
            t.map_or(format!("{:>9} {:>7}", "—", "—"), |(s, g)| format!("{s:>9.2} {g:>7.0}"))
        };
        let ratio = torch.map_or("—".to_string(), |t| format!("{:.2}×", ours.0 / t.0));
        println!(
            "  {:<22} | {} | {} | {:>8}",
            format!("{d_in} × {d_sae}, {batch}"),
            cell(*torch),
            cell(Some(*ours)),
            ratio
        );
    }
    if let Some(((_, _, _), ours, Some(torch))) = rows.first() {
        let r = ours.0 / torch.0;
        let verdict = if r >= GPU_AIM { "met" } else { "NOT met" };
        println!("  aim (wgpu ≥ 50 % of PyTorch CUDA at 768 × 16384, 4096): {verdict} ({:.0} %)", 100.0 * r);
    }
    Ok(())
}

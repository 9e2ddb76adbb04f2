//! `cargo xtask bench [NAME]`: benchmarks, each timed against a reference implementation run on
//! the same machine at the same time, and reported as a ratio (absolute times vary by machine).

use std::hint::black_box;
use std::ops::ControlFlow;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use frontier_costs::{grid, AxisRange, SweepAxis, TrainingPreset};

use crate::cmd::{capture, cargo, run as run_cmd, step};

/// Timings are the median of this many runs, on each side.
const RUNS: usize = 5;

type Bench = fn(&Path) -> Result<()>;

const BENCHES: [(&str, Bench); 6] = [
    ("costs", costs),
    ("calibration", calibration),
    ("memory", memory),
    ("cot", crate::bench_cot::run),
    ("sae", crate::bench_sae::run),
    ("lm", crate::bench_lm::run),
];

/// Runs the benchmark `name`, or all of them.
pub fn run(root: &Path, name: Option<&str>) -> Result<()> {
    let selected: Vec<(&str, Bench)> = match name {
        None => BENCHES.to_vec(),
        Some(name) => match BENCHES.iter().find(|(known, _)| *known == name) {
            Some(bench) => vec![*bench],
            None => {
                let known: Vec<&str> = BENCHES.iter().map(|(known, _)| *known).collect();
                bail!("unknown benchmark {name:?}; the benchmarks are: {}", known.join(", "))
            }
        },
    };
    for (_, bench) in selected {
        bench(root)?;
    }
    Ok(())
}

/// The training-cost grid (1000 GPU counts × 1000 run lengths) against pure Python.
fn costs(root: &Path) -> Result<()> {
    step("bench costs: frontier_costs::grid, 1000 × 1000 cells (GPUs × hours, deepseek-v3)");
    let inputs = TrainingPreset::by_id("deepseek-v3").context("frontier-costs has no preset `deepseek-v3`")?.inputs;
    let x = AxisRange { axis: SweepAxis::Gpus, from: 1.0, to: 1e5, steps: 1000, log: true };
    let y = AxisRange { axis: SweepAxis::Hours, from: 1.0, to: 1e4, steps: 1000, log: true };

    let mut rust_times = Vec::with_capacity(RUNS);
    let mut rust_checksum = 0.0;
    let mut rust_cells = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let cells = grid(black_box(&inputs), black_box(&x), black_box(&y), |_, _| ControlFlow::Continue(()))?;
        rust_times.push(start.elapsed().as_secs_f64());
        // Summed in cell order, as the Python script does, so the two sums round alike.
        rust_checksum = cells.iter().map(|cell| cell.mfu).sum::<f64>();
        rust_cells = cells.len();
    }

    let script = root.join("tests").join("reference").join("bench_costs.py");
    let mut config = serde_json::Map::new();
    config.insert("inputs".into(), serde_json::to_value(inputs)?);
    config.insert("x".into(), serde_json::to_value(x)?);
    config.insert("y".into(), serde_json::to_value(y)?);
    config.insert("runs".into(), RUNS.into());
    let config = serde_json::Value::Object(config).to_string();
    let output = capture(Command::new("python3").arg(&script).arg(&config))
        .context("the Python reference did not run (python3 is needed on PATH)")?;
    let reference: serde_json::Value =
        serde_json::from_str(output.trim()).with_context(|| format!("the Python reference printed {output:?}"))?;
    let python_times: Vec<f64> = reference["seconds"]
        .as_array()
        .context("the Python reference printed no `seconds`")?
        .iter()
        .filter_map(serde_json::Value::as_f64)
        .collect();
    let python_checksum = reference["checksum"].as_f64().context("the Python reference printed no `checksum`")?;
    let python_cells = reference["cells"].as_u64().context("the Python reference printed no `cells`")?;

    let difference = ((rust_checksum - python_checksum) / python_checksum).abs();
    // A NaN difference must fail too, hence "not within" rather than "above".
    let within = difference <= 1e-9;
    if python_cells != rust_cells as u64 || !within {
        bail!(
            "Rust and Python disagree: {rust_cells} cells with MFU sum {rust_checksum} against {python_cells} cells \
             with MFU sum {python_checksum} (relative difference {difference:e})"
        );
    }
    let rust = median(rust_times).context("no Rust timings")?;
    let python = median(python_times).context("no Python timings")?;
    println!("costs: {rust_cells} cells, median of {RUNS} runs each, same machine");
    println!("  rust    frontier_costs::grid (release profile)   {:>10.1} ms", rust * 1e3);
    println!("  python  tests/reference/bench_costs.py (pure)    {:>10.1} ms", python * 1e3);
    println!("  ratio   python / rust                             {:>10.1}×", python / rust);
    println!("  checksum (sum of MFU): rust {rust_checksum:.12e}, python {python_checksum:.12e}, relative difference {difference:.1e}");
    Ok(())
}

/// One million rows uploaded to the calibration widget in headless Chromium, read in the Web
/// Worker and analysed, beside Python's csv module and NumPy on the same file. The work lives in
/// an ignored end-to-end test, which has the browser harness; this builds the site and runs it.
fn calibration(root: &Path) -> Result<()> {
    step("bench calibration: building the site (release)");
    crate::dist::run(root)?;
    step("bench calibration: 1,000,000 rows through the file input");
    run_cmd(
        cargo()
            .args(["test", "-p", "frontier-e2e", "--test", "e2e", "--", "--ignored", "--exact"])
            .args(["calibration::bench_a_million_row_upload", "--nocapture"])
            .current_dir(root)
            .env("FRONTIER_DIST", root.join("dist"))
            .env("CHROMEDRIVER", crate::test::chromedriver()),
    )
}

/// SplitMix64's finalizer over a counter, as `tests/reference/bench_memory.py` computes it.
fn mix(stream: u64, i: u64) -> f64 {
    let mut z = (stream * (1 << 32) + i + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// Row `row` of a stream of unit vectors, as the reference makes them (f32, then normalized).
fn unit_vector(stream: u64, row: usize, dims: usize) -> Vec<f32> {
    let mut v: Vec<f32> = (0..dims).map(|j| (mix(stream, (row * dims + j) as u64) * 2.0 - 1.0) as f32).collect();
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.iter_mut().for_each(|x| *x /= norm);
    v
}

/// The article's memory at the scale: 110,000 stores of 384-dimensional vectors into a
/// store of capacity 100,000 (so 10,000 evictions), a retrieval every 1,000 stores, then 100
/// timed retrievals, beside a plain NumPy version of the article's algorithm.
fn memory(root: &Path) -> Result<()> {
    use frontier_memory::store::{Config, MemoryStore, NewMemory};
    let (total, dims, capacity, every, k, queries) =
        (110_000usize, 384usize, 100_000usize, 1000usize, 10usize, 100usize);
    step("bench memory: 110,000 stores (capacity 100,000, 384 dimensions) and 100 top-10 retrievals, article policy");
    let embeddings: Vec<Vec<f32>> = (0..total).map(|i| unit_vector(1, i, dims)).collect();
    let interleaved: Vec<Vec<f32>> = (0..total / every + 1).map(|i| unit_vector(4, i, dims)).collect();
    let final_queries: Vec<Vec<f32>> = (0..queries).map(|i| unit_vector(3, i, dims)).collect();
    let mut store = MemoryStore::new(Config { capacity, ..Config::article(dims) }).map_err(anyhow::Error::msg)?;
    let (mut evicted, mut during) = (Vec::new(), Vec::new());
    let start = Instant::now();
    for (i, embedding) in embeddings.into_iter().enumerate() {
        let now = i as f64 / 60.0;
        let new =
            NewMemory { id: Some(i.to_string()), importance: mix(2, i as u64), embedding, ..NewMemory::default() };
        evicted.extend(store.store(new, now).map_err(anyhow::Error::msg)?.evicted);
        if (i + 1) % every == 0 {
            let got = store.retrieve(&interleaved[(i + 1) / every - 1], k, now).map_err(anyhow::Error::msg)?;
            during.push(got.into_iter().map(|r| r.id).collect::<Vec<_>>());
        }
    }
    let store_s = start.elapsed().as_secs_f64();
    let now = (total - 1) as f64 / 60.0;
    let mut last = Vec::new();
    let mut times = Vec::new();
    for q in &final_queries {
        let start = Instant::now();
        let got = store.retrieve(q, k, now).map_err(anyhow::Error::msg)?;
        times.push(start.elapsed().as_secs_f64());
        last.push(got.into_iter().map(|r| r.id).collect::<Vec<_>>());
    }
    let retrieve_s = times.iter().sum::<f64>() / queries as f64;
    let retrieve_median_s = median(times).context("no retrievals")?;

    let config = serde_json::json!({ "total": total, "dims": dims, "capacity": capacity, "retrieve_every": every, "k": k, "queries": queries });
    let script = root.join("tests").join("reference").join("bench_memory.py");
    let output = capture(Command::new("python3").arg(&script).arg(config.to_string()))
        .context("the NumPy reference did not run (python3 with numpy is needed)")?;
    let reference: serde_json::Value =
        serde_json::from_str(output.trim()).with_context(|| format!("the reference printed {output:?}"))?;
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .map(|a| a.iter().map(|x| x.to_string().trim_matches('"').to_string()).collect())
            .unwrap_or_default()
    };
    let py_evicted = ids(&reference["evicted"]);
    let lists = |v: &serde_json::Value| -> Vec<Vec<String>> {
        v.as_array().map(|a| a.iter().map(ids).collect()).unwrap_or_default()
    };
    let same_lists = |a: &[Vec<String>], b: &[Vec<String>]| a.iter().zip(b).filter(|(x, y)| x == y).count();
    let py_store = reference["store_seconds"].as_f64().context("no store_seconds")?;
    let py_retrieve = reference["retrieve_seconds"].as_f64().context("no retrieve_seconds")?;
    println!(
        "memory: {total} stores into capacity {capacity} ({} evictions), {dims} dimensions, same machine",
        evicted.len()
    );
    println!(
        "  store phase (with {} interleaved retrievals)   rust {:>9.1} ms   numpy {:>9.1} ms   ratio {:>6.1}×",
        during.len(),
        store_s * 1e3,
        py_store * 1e3,
        py_store / store_s
    );
    println!(
        "  top-{k} retrieval over {capacity} memories      rust {:>9.2} ms   numpy {:>9.2} ms   ratio {:>6.1}×",
        retrieve_s * 1e3,
        py_retrieve * 1e3,
        py_retrieve / retrieve_s
    );
    println!("  (rust retrieval: median {:.2} ms of {queries})", retrieve_median_s * 1e3);
    println!(
        "  agreement: evictions {} of {} in the same order; interleaved top-{k} lists {} of {}; final lists {} of {}",
        evicted.iter().zip(&py_evicted).take_while(|(a, b)| a == b).count(),
        py_evicted.len(),
        same_lists(&during, &lists(&reference["during"])),
        during.len(),
        same_lists(&last, &lists(&reference["final"])),
        last.len()
    );
    if evicted != py_evicted {
        bail!("Rust and NumPy evicted different memories");
    }
    step("bench memory: top-10 retrieval over 100,000 memories in wasm, headless Chromium (release build)");
    let mut cmd = crate::test::wasm_test_command(root, &crate::test::chromedriver())?;
    cmd.args(["--release", "--test", "memory_bench", "--", "--include-ignored", "--nocapture"]);
    run_cmd(&mut cmd)
}

/// The median of some timings (the mean of the middle two for an even count).
pub fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(Vec::new()), None);
    }
}

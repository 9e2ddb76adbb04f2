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

const BENCHES: [(&str, Bench); 2] = [("costs", costs), ("calibration", calibration)];

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
    if cfg!(debug_assertions) {
        // Timings of an unoptimised build say nothing, so the benchmarks run from a release build.
        step("bench: running xtask built with the release profile");
        return run_cmd(
            cargo()
                .args(["run", "--release", "--quiet", "-p", "frontier-xtask", "--", "bench"])
                .args(name)
                .current_dir(root),
        );
    }
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

/// The median of some timings (the mean of the middle two for an even count).
fn median(mut values: Vec<f64>) -> Option<f64> {
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

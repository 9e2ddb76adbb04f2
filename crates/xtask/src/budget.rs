//! The size budgets of the built site: what a reader downloads before a page is interactive,
//! measured gzip-compressed (as a static host serves it), route by route. The site is several
//! modules (`web/src/bundle.rs`); a route loads the boot script and one of them. `cargo xtask
//! dist` prints the sizes per route and tidy fails when a budget is exceeded.
//!
//! - The home, about, landscape and benchmarks pages load `home`: at most 400 KB.
//! - A problem's pages, its widgets and their embeds load that problem's module: at most 700 KB.
//! - The lessons (which mount any lab) load `full`, every widget: its budget holds today's size
//!   with a little room: 1,440,428 bytes with compact embed views and the Embed menu's preview,
//!   1,467,485 once BatchTopK and the AuxK loss train on the GPU (their WGSL kernels) and the
//!   trace checker gained its small-fraction fast path, 1,528,897 with the Model lab's page (its
//!   views only: the model runs in its own worker), 1,561,911 with the Benchmarks page (its views
//!   and reference figures; the benchmarks run in their own worker).
//! - The worker, loaded when a long job starts: 471,762 bytes once CSP solving, the calibration
//!   analysis, the vote over sampled answers and the judge's measurement moved there; 494,823
//!   with the same GPU kernels and fast path (SAE training and batches of traces run there).
//! - The Benchmarks page's worker (`bench_worker`: the SAE step on the CPU and WebGPU, the
//!   memory store, the trace checker), loaded when a benchmark starts: 305,233 bytes, within
//!   350 KB.
//! - The model lab's worker (`lm_worker`: the language model's engine, its tokenizer's Unicode
//!   tables and the JSON protocol), loaded only by `#/edge/model` when the model is loaded:
//!   259,622 bytes, within 300 KB. The model file itself (98 MB, `models/`) is the reader's
//!   explicit download, not part of any route's load.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

const HOME_LIMIT_BYTES: u64 = 400_000;
const PROBLEM_LIMIT_BYTES: u64 = 700_000;
const FULL_LIMIT_BYTES: u64 = 1_575_000;
const WORKER_LIMIT_BYTES: u64 = 500_000;
const LM_WORKER_LIMIT_BYTES: u64 = 300_000;
const BENCH_WORKER_LIMIT_BYTES: u64 = 350_000;

/// What one route (or the worker) loads, and the most its gzip size may be.
#[derive(Debug, Clone, PartialEq)]
pub struct Load {
    pub what: String,
    pub files: Vec<String>,
    pub limit_bytes: u64,
}

/// Each bundle in `dist` by name (`frontier-<name>-<hash>.js` and `…_bg.wasm`; Trunk's
/// `frontier-web-…` is `full`), with its files.
fn bundles(names: &[String]) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for name in names {
        let Some(rest) = name.strip_prefix("frontier-") else { continue };
        let Some(stem) = rest.strip_suffix("_bg.wasm").or_else(|| rest.strip_suffix(".js")) else { continue };
        let Some((bundle, _hash)) = stem.rsplit_once('-') else { continue };
        let bundle = if bundle == "web" { "full" } else { bundle };
        match out.iter_mut().find(|(b, _)| b == bundle) {
            Some((_, files)) => files.push(name.clone()),
            None => out.push((bundle.to_string(), vec![name.clone()])),
        }
    }
    out.sort();
    out
}

/// What each route loads, from the names of the files in `dist`.
pub fn loads(names: &[String]) -> Vec<Load> {
    let boot: Vec<String> = names.iter().filter(|n| n.starts_with("boot") && n.ends_with(".js")).cloned().collect();
    let mut out = Vec::new();
    for (bundle, files) in bundles(names) {
        let (what, limit_bytes) = match bundle.as_str() {
            "home" => ("#/, #/about, #/landscape, #/benchmarks (home)".to_string(), HOME_LIMIT_BYTES),
            "full" => ("#/lessons… (full: every widget)".to_string(), FULL_LIMIT_BYTES),
            problem => (format!("#/{problem}, its widgets and embeds ({problem})"), PROBLEM_LIMIT_BYTES),
        };
        out.push(Load { what, files: boot.iter().cloned().chain(files).collect(), limit_bytes });
    }
    // Two builds of each worker; a browser loads one (with relaxed SIMD where it validates).
    let workers = [
        ("worker", "the worker, when a long job starts", WORKER_LIMIT_BYTES),
        ("bench_worker", "the Benchmarks page's worker, when a benchmark starts", BENCH_WORKER_LIMIT_BYTES),
        ("lm_worker", "the model lab's worker, when the model loads", LM_WORKER_LIMIT_BYTES),
    ];
    for (stem, what, limit_bytes) in workers {
        let relaxed_stem = crate::relaxed::relaxed_name(stem);
        for relaxed in [false, true] {
            let files: Vec<String> = names
                .iter()
                .filter(|n| n.starts_with(stem) && (n.ends_with(".js") || n.ends_with(".wasm")))
                .filter(|n| n.starts_with(&relaxed_stem) == relaxed)
                .cloned()
                .collect();
            if !files.is_empty() {
                let what = if relaxed { format!("{what} (relaxed SIMD)") } else { what.to_string() };
                out.push(Load { what, files, limit_bytes });
            }
        }
    }
    out
}

/// Budgets exceeded in `dist` (none when there is no build yet: tidy runs before the build, and
/// `cargo xtask test` checks again after it).
pub fn violations(dist: &Path) -> Result<Vec<String>> {
    if !dist.join("index.html").is_file() {
        println!("          (no dist/ yet: sizes are checked after the release build)");
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for (load, bytes) in measure(dist)? {
        if bytes > load.limit_bytes {
            out.push(format!("{} is {bytes} bytes gzip, over its budget of {}", load.what, load.limit_bytes));
        }
    }
    Ok(out)
}

/// Prints the sizes per route against their budgets; fails when one is over.
pub fn report(dist: &Path) -> Result<()> {
    let mut over = 0;
    println!("  {:<4} {:>9}  {:<48} {:>9}  files", "", "gzip", "route", "budget");
    for (load, bytes) in measure(dist)? {
        let verdict = if bytes > load.limit_bytes {
            over += 1;
            "OVER"
        } else {
            "ok"
        };
        println!("  {verdict:<4} {bytes:>9}  {:<48} {:>9}  {}", load.what, load.limit_bytes, load.files.join(" "));
    }
    if over > 0 {
        bail!("{over} size budget(s) exceeded");
    }
    Ok(())
}

fn measure(dist: &Path) -> Result<Vec<(Load, u64)>> {
    let mut names: Vec<String> = std::fs::read_dir(dist)
        .with_context(|| format!("cannot list {}", dist.display()))?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    let mut out = Vec::new();
    for load in loads(&names) {
        let mut total = 0;
        for file in &load.files {
            total += gzip_bytes(&dist.join(file))?;
        }
        out.push((load, total));
    }
    Ok(out)
}

/// The size of `file` compressed by `gzip -9`, as a static host would serve it.
fn gzip_bytes(file: &Path) -> Result<u64> {
    let output = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(file)
        .output()
        .context("gzip did not run (it is part of every Debian system)")?;
    if !output.status.success() {
        bail!("gzip failed on {}", file.display());
    }
    Ok(output.stdout.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tidy::tests::Scratch;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn each_route_loads_the_boot_script_and_its_bundle() {
        let found = loads(&names(&[
            "boot-00aa.js",
            "frontier-home-11bb.js",
            "frontier-home-11bb_bg.wasm",
            "frontier-memory-22cc.js",
            "frontier-memory-22cc_bg.wasm",
            "frontier-web-33dd.js",
            "frontier-web-33dd_bg.wasm",
            "worker-44ee.js",
            "worker-44ee_bg.wasm",
            "worker_loader-55ff.js",
            "worker-relaxed-66ee.js",
            "worker-relaxed-66ee_bg.wasm",
            "worker-relaxed_loader-77ff.js",
            "bench_worker-12ab.js",
            "bench_worker-12ab_bg.wasm",
            "bench_worker_loader-34cd.js",
            "lm_worker-66bb.js",
            "lm_worker-66bb_bg.wasm",
            "lm_worker_loader-77cc.js",
            "lm_worker-relaxed-88dd.js",
            "lm_worker-relaxed-88dd_bg.wasm",
            "lm_worker-relaxed_loader-99ee.js",
            "app-66aa.css",
            "static-minilm-77bb.bin",
        ]));
        let summary: Vec<(&str, usize, u64)> =
            found.iter().map(|l| (l.what.as_str(), l.files.len(), l.limit_bytes)).collect();
        assert_eq!(
            summary,
            vec![
                ("#/lessons… (full: every widget)", 3, 1_575_000),
                ("#/, #/about, #/landscape, #/benchmarks (home)", 3, 400_000),
                ("#/memory, its widgets and embeds (memory)", 3, 700_000),
                ("the worker, when a long job starts", 3, 500_000),
                ("the worker, when a long job starts (relaxed SIMD)", 3, 500_000),
                ("the Benchmarks page's worker, when a benchmark starts", 3, 350_000),
                ("the model lab's worker, when the model loads", 3, 300_000),
                ("the model lab's worker, when the model loads (relaxed SIMD)", 3, 300_000),
            ]
        );
        assert_eq!(found[2].files, names(&["boot-00aa.js", "frontier-memory-22cc.js", "frontier-memory-22cc_bg.wasm"]));
    }

    #[test]
    fn a_module_over_its_budget_fails() -> Result<()> {
        let dist = Scratch::new("budget");
        dist.write("index.html", "<html></html>");
        dist.write("boot-0a.js", "boot");
        dist.write("frontier-edge-0123.js", "small");
        // Bytes that gzip cannot shrink: a SplitMix-like sequence, 1 MB of it (about 750 KB gzip).
        let mut state = 1u64;
        let noise: String = (0..1_000_000)
            .map(|_| {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                char::from(b'!' + (state >> 58) as u8)
            })
            .collect();
        dist.write("frontier-edge-0123_bg.wasm", &noise);
        dist.write("frontier-home-0123_bg.wasm", "small");
        let found = violations(&dist.0)?;
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("#/edge, its widgets and embeds (edge) is "), "{found:?}");
        Ok(())
    }

    #[test]
    fn no_build_yet_is_not_a_violation() -> Result<()> {
        let empty = Scratch::new("budget-empty");
        assert!(violations(&empty.0)?.is_empty());
        Ok(())
    }
}

//! The second build of the compute code, with relaxed SIMD (`f32x4.relaxed_madd`, a fused
//! multiply–add where the CPU has one; Chrome 114, Firefox 120). A module that holds one relaxed
//! instruction does not validate where the proposal is missing, so the worker is built twice and
//! the page picks one by feature detection (`web/src/framework/files.rs`). Its own target folder
//! keeps both builds warm: other RUSTFLAGS would otherwise rebuild everything each time.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

use crate::cmd::{cargo, run as run_cmd, step};
use crate::setup::WASM_TARGET;

/// RUSTFLAGS of the relaxed build (they replace `.cargo/config.toml`'s `+simd128`).
pub const RUSTFLAGS: &str = "-C target-feature=+simd128,+relaxed-simd";

pub fn target_dir(root: &Path) -> PathBuf {
    crate::test::target_dir(root).join("relaxed-simd")
}

/// `cmd` set up to build with relaxed SIMD in its own target folder.
pub fn configure(root: &Path, cmd: &mut Command) {
    cmd.env("RUSTFLAGS", RUSTFLAGS).env("CARGO_TARGET_DIR", target_dir(root));
}

/// The workers built twice: the one that runs long jobs (SAE training's matrix products), the
/// Benchmarks page's (which times those products) and the model lab's (the language model's
/// kernels): each one's binary, its package and the wasm-opt
/// level of its Trunk build (`web/index.html`).
pub const WORKERS: [(&str, &str, &str); 3] = [
    ("worker", "frontier-web", "-Oz"),
    ("bench_worker", "frontier-web", "-Oz"),
    ("lm_worker", "frontier-lm-worker", "-O3"),
];

/// The name of worker `stem`'s relaxed build.
pub fn relaxed_name(stem: &str) -> String {
    format!("{stem}-relaxed")
}

/// Builds every worker in [`WORKERS`] with relaxed SIMD into `dist` as `<stem>-relaxed.js`,
/// `<stem>-relaxed_bg.wasm` and `<stem>-relaxed_loader.js`, as Trunk builds the plain ones
/// (wasm-bindgen `no-modules`, then wasm-opt); `names::hash_files` then gives them
/// content-hashed names.
pub fn build_workers(root: &Path, dist: &Path, test_hooks: bool) -> Result<()> {
    step("dist: the workers again, with relaxed SIMD");
    let mut build = cargo();
    build.current_dir(root).args(["build", "--release", "--target", WASM_TARGET]);
    for (stem, package, _) in WORKERS {
        build.args(["-p", package, "--bin", stem]);
    }
    configure(root, &mut build);
    if test_hooks {
        build.env("FRONTIER_TEST_HOOKS", "1");
    } else {
        build.env_remove("FRONTIER_TEST_HOOKS");
    }
    run_cmd(&mut build)?;
    for (stem, _, opt_level) in WORKERS {
        bind(root, dist, stem, opt_level)?;
    }
    Ok(())
}

/// wasm-bindgen and wasm-opt for one relaxed worker, and its loader.
fn bind(root: &Path, dist: &Path, stem: &str, opt_level: &str) -> Result<()> {
    let name = relaxed_name(stem);
    let built = target_dir(root).join(WASM_TARGET).join(format!("release/{stem}.wasm"));
    let out = target_dir(root).join("bound");
    run_cmd(
        Command::new("wasm-bindgen")
            .args(["--target", "no-modules", "--no-typescript", "--out-name", &name, "--out-dir"])
            .arg(&out)
            .arg(&built),
    )?;
    let bound = out.join(format!("{name}_bg.wasm"));
    run_cmd(
        Command::new(crate::setup::binaryen_bin(root).join("wasm-opt"))
            .args([opt_level, "--enable-simd", "--enable-relaxed-simd", "--enable-bulk-memory", "--enable-sign-ext"])
            .args(["--enable-mutable-globals", "--enable-nontrapping-float-to-int", "--enable-reference-types"])
            .args(["--enable-multivalue"])
            .arg(&bound)
            .arg("-o")
            .arg(dist.join(format!("{name}_bg.wasm"))),
    )?;
    std::fs::copy(out.join(format!("{name}.js")), dist.join(format!("{name}.js")))
        .with_context(|| format!("cannot copy {name}'s script"))?;
    std::fs::write(dist.join(format!("{name}_loader.js")), crate::names::loader(&name))
        .with_context(|| format!("cannot write {name}'s loader"))?;
    Ok(())
}

//! `cargo xtask test`: every check CI runs, in CI's order, stopping at the first failure.
//!
//! The cheap checks come first so that a formatting slip fails in seconds, not after a release
//! build; the browser steps come last and can be skipped with `--no-browser`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

use crate::cmd::{cargo, run as run_cmd, step};
use crate::dist;
use crate::setup::{self, WASM_TARGET};
use crate::{system, tidy};

/// Whether the steps that need Chromium run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Browser {
    Yes,
    No,
}

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Packages under `crates/` that are not core crates: they may use the OS and need not build for
/// wasm.
const NOT_CORE: [&str; 2] = tidy::TOOL_CRATES;
/// Flags that keep Chromium from reaching the network on its own and work as root in a container.
const CHROMIUM_ARGS: [&str; 7] = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

type Action<'a> = Box<dyn FnOnce() -> Result<()> + 'a>;

/// Runs the steps in order and reports which one failed.
pub fn run(root: &Path, browser: Browser) -> Result<()> {
    let core = core_crates(root)?;
    println!("core crates: {}", core.join(", "));
    let chromedriver = chromedriver();
    // The same set-up as `cargo xtask serve`, plus what the tests need from the system.
    setup::run(root)?;
    if browser == Browser::Yes {
        system::ensure(&system::FOR_TESTS)?;
    }
    private_runtime_dir()?;

    let mut steps: Vec<(&str, Action<'_>)> = vec![
        ("tidy", Box::new(|| tidy::run(root))),
        ("rustfmt", Box::new(|| run_cmd(cargo().args(["fmt", "--all", "--check"]).current_dir(root)))),
        (
            "clippy (native)",
            Box::new(|| {
                run_cmd(
                    cargo()
                        .args(["clippy", "--workspace", "--all-targets", "--all-features", "--", "-D", "warnings"])
                        .current_dir(root),
                )
            }),
        ),
        (
            "clippy (wasm32)",
            Box::new(|| {
                let mut cmd = cargo();
                cmd.args(["clippy", "--target", WASM_TARGET, "-p", "frontier-web", "-p", "frontier-lm-worker"])
                    .current_dir(root);
                for name in &core {
                    cmd.args(["-p", name]);
                }
                run_cmd(cmd.args(["--", "-D", "warnings"]))
            }),
        ),
        (
            "core crates build for wasm32",
            Box::new(|| {
                // One crate at a time: together, their features would unify and could hide a crate
                // that only builds thanks to another one's features.
                for name in &core {
                    run_cmd(cargo().args(["check", "--target", WASM_TARGET, "-p", name]).current_dir(root))?;
                }
                Ok(())
            }),
        ),
        (
            "native tests",
            Box::new(|| {
                run_cmd(
                    cargo()
                        .args(["test", "--workspace", "--all-features", "--exclude", "frontier-e2e"])
                        .current_dir(root),
                )
            }),
        ),
    ];
    if browser == Browser::Yes {
        steps.push(("wasm tests in headless Chromium", Box::new(|| wasm_tests(root, &chromedriver))));
        steps.push((
            "release build (dist, with test hooks) and its size budget",
            Box::new(|| dist::run_for_tests(root)),
        ));
        steps.push(("end-to-end tests in headless Chromium", Box::new(|| e2e_tests(root, &chromedriver))));
    }

    let total = steps.len();
    for (index, (name, action)) in steps.into_iter().enumerate() {
        let number = index + 1;
        step(format!("test [{number}/{total}]: {name}"));
        if let Err(err) = action() {
            println!("xtask test: step {number}/{total} ({name}) FAILED; {} step(s) passed before it", number - 1);
            return Err(err.context(format!("xtask test: step {number}/{total} ({name}) failed")));
        }
    }
    let skipped = if browser == Browser::No { " (browser steps skipped: --no-browser)" } else { "" };
    println!("xtask test: {total} steps passed{skipped}");
    Ok(())
}

/// Mesa's lavapipe (the Vulkan adapter the native wgpu tests run on) wants a private runtime
/// folder; without one it prints a warning on every test.
fn private_runtime_dir() -> Result<()> {
    if std::env::var_os("XDG_RUNTIME_DIR").is_some() {
        return Ok(());
    }
    let dir = std::env::temp_dir().join(format!("frontier-xdg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
    }
    // Safe here: xtask is single-threaded at this point, before any step runs.
    std::env::set_var("XDG_RUNTIME_DIR", &dir);
    Ok(())
}

/// The packages under `crates/` that must build for wasm32, read from their manifests so that a
/// new crate is checked as soon as it exists.
pub fn core_crates(root: &Path) -> Result<Vec<String>> {
    let crates = root.join("crates");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&crates).with_context(|| format!("cannot list {}", crates.display()))? {
        let manifest = entry?.path().join("Cargo.toml");
        if !manifest.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&manifest).with_context(|| format!("cannot read {}", manifest.display()))?;
        let name = package_name(&text).with_context(|| format!("{} has no [package] name", manifest.display()))?;
        if !NOT_CORE.contains(&name.as_str()) {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// The `name` of the `[package]` table of a manifest.
fn package_name(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            let Some((key, value)) = line.split_once('=') else { continue };
            if key.trim() == "name" {
                return Some(value.trim().trim_matches('"').to_string());
            }
        }
    }
    None
}

pub fn chromedriver() -> PathBuf {
    std::env::var_os("CHROMEDRIVER").map_or_else(|| PathBuf::from(CHROMEDRIVER), PathBuf::from)
}

pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// The wasm tests of the app, run by wasm-bindgen-test-runner in headless Chromium, then the SAE
/// conformance suite on WebGPU (Chromium's SwiftShader adapter, which needs
/// `--enable-unsafe-webgpu`).
fn wasm_tests(root: &Path, chromedriver: &Path) -> Result<()> {
    run_cmd(&mut wasm_test_command(root, chromedriver)?)?;
    // The SAE's products against PyTorch and float64 on our own wasm kernel, built both ways.
    // (Built in frontier-sae-gpu: the core crate itself depends on no web crate.)
    let sae_tests = ["--test", "cpu_wasm"];
    run_cmd(wasm_test_command_for(root, chromedriver, "frontier-sae-gpu", &[])?.args(sae_tests))?;
    let mut relaxed = wasm_test_command_for(root, chromedriver, "frontier-sae-gpu", &[])?;
    crate::relaxed::configure(root, &mut relaxed);
    run_cmd(relaxed.args(sae_tests))?;
    let mut gpu = wasm_test_command_for(root, chromedriver, "frontier-sae-gpu", &["--enable-unsafe-webgpu"])?;
    run_cmd(gpu.args(["--test", "browser"]).env("WASM_BINDGEN_TEST_TIMEOUT", "600"))
}

/// `cargo test --target wasm32-unknown-unknown -p frontier-web`, set up to run in headless
/// Chromium; callers add arguments (the benchmarks pick one ignored test).
pub fn wasm_test_command(root: &Path, chromedriver: &Path) -> Result<Command> {
    wasm_test_command_for(root, chromedriver, "frontier-web", &[])
}

/// `cargo test --target wasm32-unknown-unknown -p PACKAGE` in headless Chromium started with
/// `extra_args` beside the usual flags.
pub fn wasm_test_command_for(root: &Path, chromedriver: &Path, package: &str, extra_args: &[&str]) -> Result<Command> {
    // The runner is part of wasm-bindgen-cli and must match Cargo.lock like the CLI does.
    setup::ensure_wasm_bindgen(root)?;
    let target = target_dir(root);
    std::fs::create_dir_all(&target).with_context(|| format!("cannot create {}", target.display()))?;
    let config = target.join(format!("webdriver-{package}.json"));
    let args: Vec<&str> = CHROMIUM_ARGS.iter().chain(extra_args).copied().collect();
    let capabilities = serde_json::json!({
        "goog:chromeOptions": { "binary": CHROMIUM, "args": args }
    });
    std::fs::write(&config, serde_json::to_string_pretty(&capabilities)?)
        .with_context(|| format!("cannot write {}", config.display()))?;
    let mut cmd = cargo();
    cmd.args(["test", "--target", WASM_TARGET, "-p", package])
        .current_dir(root)
        .env("CHROMEDRIVER", chromedriver)
        .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", &config);
    Ok(cmd)
}

/// The browser end-to-end tests against the `dist/` just built.
fn e2e_tests(root: &Path, chromedriver: &Path) -> Result<()> {
    let mut cmd: Command = cargo();
    cmd.args(["test", "-p", "frontier-e2e"])
        .current_dir(root)
        .env("FRONTIER_DIST", root.join("dist"))
        .env("FRONTIER_AXE", setup::axe_script(root))
        .env("CHROMEDRIVER", chromedriver);
    run_cmd(&mut cmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_name_comes_from_the_package_table() {
        let manifest = "[workspace]\nname = \"no\"\n\n[package]\nversion = \"1\"\nname = \"frontier-costs\"\n\n[dependencies]\nname = \"x\"\n";
        assert_eq!(package_name(manifest), Some("frontier-costs".to_string()));
        assert_eq!(package_name("[dependencies]\nname = \"x\"\n"), None);
    }

    #[test]
    fn core_crates_exclude_the_tools() -> Result<()> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let core = core_crates(&root)?;
        assert!(core.contains(&"frontier-costs".to_string()));
        assert!(!core.iter().any(|name| NOT_CORE.contains(&name.as_str())));
        Ok(())
    }
}

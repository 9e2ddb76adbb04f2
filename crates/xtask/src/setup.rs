//! `cargo xtask setup`: installs the tools the web build needs, skipping every tool that is
//! already there at the right version, so that a warm machine spends no time here.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::cmd::{cargo, probe, run as run_cmd, step};
use crate::system;

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// Newer trunk releases need a newer rustc than the pinned stable one (see TOOLCHAIN.md).
pub const TRUNK_VERSION: &str = "0.21.14";
/// Debian's binaryen 108 corrupts wasm-bindgen 0.2.130 output, so a known-good one comes from npm.
const BINARYEN_NPM_VERSION: &str = "132.0.0";
/// What trunk calls that release when it reads `wasm-opt --version` ("wasm-opt version 132 ...").
const BINARYEN_TRUNK_VERSION: &str = "version_132";
/// The accessibility engine the browser tests run on every route.
const AXE_CORE_VERSION: &str = "4.14.1";

/// Installs whatever the web build is missing, and fetches the model files (a warning, not a
/// failure, when offline).
pub fn run(root: &Path) -> Result<()> {
    system::ensure(&system::FOR_WEB_BUILD)?;
    ensure_wasm_target()?;
    ensure_trunk()?;
    ensure_wasm_bindgen(root)?;
    ensure_binaryen(root)?;
    ensure_axe_core(root)?;
    crate::models::ensure(root)
}

/// axe-core's script, which the end-to-end tests inject into each route (`FRONTIER_AXE` names it
/// for them).
pub fn axe_script(root: &Path) -> PathBuf {
    root.join(".tools").join("axe").join("node_modules").join("axe-core").join("axe.min.js")
}

fn ensure_axe_core(root: &Path) -> Result<()> {
    step(format!("setup: axe-core {AXE_CORE_VERSION} from npm into .tools/axe"));
    let manifest = root.join(".tools/axe/node_modules/axe-core/package.json");
    let version = std::fs::read_to_string(&manifest)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|v| v["version"].as_str().map(str::to_string));
    if version.as_deref() == Some(AXE_CORE_VERSION) && axe_script(root).is_file() {
        println!("present");
        return Ok(());
    }
    if probe(Command::new("npm").arg("--version")).is_none() {
        bail!("npm is missing; install it with: apt-get install nodejs npm");
    }
    run_cmd(
        Command::new("npm")
            .arg("install")
            .arg("--prefix")
            .arg(root.join(".tools").join("axe"))
            .args(["--no-audit", "--no-fund"])
            .arg(format!("axe-core@{AXE_CORE_VERSION}")),
    )
}

fn ensure_wasm_target() -> Result<()> {
    step(format!("setup: rust target {WASM_TARGET}"));
    let installed = probe(Command::new("rustup").args(["target", "list", "--installed"]))
        .context("`rustup target list --installed` did not run: install rustup (https://rustup.rs)")?;
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        println!("present");
        return Ok(());
    }
    run_cmd(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

fn ensure_trunk() -> Result<()> {
    step(format!("setup: trunk {TRUNK_VERSION}"));
    let found = probe(Command::new("trunk").arg("--version"));
    if found.as_deref().and_then(second_word) == Some(TRUNK_VERSION) {
        println!("present");
        return Ok(());
    }
    report_found("trunk", found.as_deref());
    run_cmd(install_command().args(["trunk", "--version", TRUNK_VERSION, "--locked"]))?;
    let found = probe(Command::new("trunk").arg("--version"));
    if found.as_deref().and_then(second_word) != Some(TRUNK_VERSION) {
        bail!("trunk {TRUNK_VERSION} was installed but `trunk --version` says {found:?}: is ~/.cargo/bin on PATH?");
    }
    Ok(())
}

/// wasm-bindgen-cli must be exactly the version of the `wasm-bindgen` crate in Cargo.lock, or the
/// generated JavaScript does not match the wasm and trunk tries to download another CLI.
pub fn ensure_wasm_bindgen(root: &Path) -> Result<()> {
    let version = wasm_bindgen_version(root)?;
    step(format!("setup: wasm-bindgen-cli {version} (the version in Cargo.lock)"));
    let cli = probe(Command::new("wasm-bindgen").arg("--version"));
    let runner = probe(Command::new("wasm-bindgen-test-runner").arg("--version"));
    let matches = |found: &Option<String>| found.as_deref().and_then(second_word) == Some(version.as_str());
    if matches(&cli) && matches(&runner) {
        println!("present");
        return Ok(());
    }
    report_found("wasm-bindgen", cli.as_deref());
    // Not `--locked`: the CLI's own lock file names a crate version this registry may not serve.
    run_cmd(install_command().args(["wasm-bindgen-cli", "--version", &version]))?;
    let cli = probe(Command::new("wasm-bindgen").arg("--version"));
    if !matches(&cli) {
        bail!("wasm-bindgen-cli {version} was installed but `wasm-bindgen --version` says {cli:?}: is ~/.cargo/bin on PATH?");
    }
    Ok(())
}

/// `cargo install` with one build folder for every tool (`target/tools`, or under
/// `CARGO_TARGET_DIR`): trunk and wasm-bindgen-cli share many dependencies (tokio, serde, clap),
/// which then build once, and an install cut short resumes instead of starting over.
fn install_command() -> Command {
    let mut cmd = cargo();
    cmd.arg("install");
    let tools_target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"), PathBuf::from)
        .join("tools");
    cmd.env("CARGO_TARGET_DIR", tools_target);
    cmd
}

fn ensure_binaryen(root: &Path) -> Result<()> {
    step(format!("setup: binaryen {BINARYEN_NPM_VERSION} from npm into .tools/binaryen"));
    let wasm_opt = binaryen_bin(root).join("wasm-opt");
    let found = probe(Command::new(&wasm_opt).arg("--version"));
    if found.as_deref().is_some_and(is_wanted_binaryen) {
        println!("present");
        return Ok(());
    }
    if probe(Command::new("npm").arg("--version")).is_none() {
        bail!("npm is missing; install it with: apt-get install nodejs npm");
    }
    let prefix = root.join(".tools").join("binaryen");
    run_cmd(
        Command::new("npm")
            .arg("install")
            .arg("--prefix")
            .arg(&prefix)
            .args(["--no-audit", "--no-fund"])
            .arg(format!("binaryen@{BINARYEN_NPM_VERSION}")),
    )?;
    let found = probe(Command::new(&wasm_opt).arg("--version"));
    if !found.as_deref().is_some_and(is_wanted_binaryen) {
        bail!("npm installed binaryen but `{} --version` says {found:?}", wasm_opt.display());
    }
    Ok(())
}

/// The folder whose `wasm-opt` every trunk run must find before any other.
pub fn binaryen_bin(root: &Path) -> PathBuf {
    root.join(".tools").join("binaryen").join("node_modules").join(".bin")
}

/// A `trunk` command for the workspace: the npm binaryen first on PATH (Debian's corrupts the
/// output), no version check against crates.io, and the tool versions pinned so that trunk uses
/// the installed tools instead of trying to download others.
pub fn trunk(root: &Path) -> Result<Command> {
    let inherited = std::env::var_os("PATH").unwrap_or_default();
    let path = std::env::join_paths(std::iter::once(binaryen_bin(root)).chain(std::env::split_paths(&inherited)))
        .context("a PATH entry contains a ':'")?;
    let mut cmd = Command::new("trunk");
    cmd.current_dir(root).env("PATH", path).env("TRUNK_SKIP_VERSION_CHECK", "true");
    if std::env::var_os("TRUNK_TOOLS_WASM_BINDGEN").is_none() {
        cmd.env("TRUNK_TOOLS_WASM_BINDGEN", wasm_bindgen_version(root)?);
    }
    if std::env::var_os("TRUNK_TOOLS_WASM_OPT").is_none() {
        cmd.env("TRUNK_TOOLS_WASM_OPT", BINARYEN_TRUNK_VERSION);
    }
    Ok(cmd)
}

/// The version of the `wasm-bindgen` crate in Cargo.lock.
pub fn wasm_bindgen_version(root: &Path) -> Result<String> {
    let path = root.join("Cargo.lock");
    let lock = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut versions = lock_versions(&lock, "wasm-bindgen");
    versions.dedup();
    match versions.as_slice() {
        [one] => Ok(one.clone()),
        [] => bail!("{} has no `wasm-bindgen` package; run `cargo generate-lockfile`", path.display()),
        many => bail!("{} has several `wasm-bindgen` versions ({}); keep one", path.display(), many.join(", ")),
    }
}

/// Every version of package `name` in the text of a Cargo.lock, in file order.
fn lock_versions(lock: &str, name: &str) -> Vec<String> {
    let wanted_name = format!("name = \"{name}\"");
    let mut versions = Vec::new();
    for package in lock.split("[[package]]").skip(1) {
        let mut lines = package.lines().map(str::trim);
        if lines.clone().any(|line| line == wanted_name) {
            let version = lines.find_map(|line| line.strip_prefix("version = \"")?.strip_suffix('"'));
            versions.extend(version.map(str::to_string));
        }
    }
    versions
}

/// The second word of a `--version` line such as "trunk 0.21.14".
fn second_word(text: &str) -> Option<&str> {
    text.split_whitespace().nth(1)
}

/// Whether `wasm-opt --version` output names the pinned release ("wasm-opt version 132 (...)").
fn is_wanted_binaryen(text: &str) -> bool {
    let major = BINARYEN_TRUNK_VERSION.trim_start_matches("version_");
    text.split_whitespace().nth(2) == Some(major)
}

fn report_found(tool: &str, version_output: Option<&str>) {
    match version_output {
        Some(text) => println!("found {}; installing the pinned version", text.trim()),
        None => println!("{tool} not found; installing it"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
version = 4

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "wasm-bindgen-macro",
]

[[package]]
name = "wasm-bindgen-macro"
version = "0.2.130"
"#;

    #[test]
    fn reads_the_locked_version_of_one_package_only() {
        assert_eq!(lock_versions(LOCK, "wasm-bindgen"), vec!["0.2.130".to_string()]);
        assert_eq!(lock_versions(LOCK, "wasm-bindgen-macro"), vec!["0.2.130".to_string()]);
        assert!(lock_versions(LOCK, "trunk").is_empty());
    }

    #[test]
    fn version_lines() {
        assert_eq!(second_word("trunk 0.21.14\n"), Some("0.21.14"));
        assert_eq!(second_word("wasm-bindgen 0.2.130"), Some("0.2.130"));
        assert!(is_wanted_binaryen("wasm-opt version 132 (version_132)\n"));
        assert!(!is_wanted_binaryen("wasm-opt version 108"));
    }
}

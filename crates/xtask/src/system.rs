//! System packages (Debian's): what `cargo xtask serve` and `cargo xtask test` need from the
//! machine, installed the same way for both when it is missing: as root, or through passwordless
//! sudo; otherwise the one command that installs them is printed and the task stops.

use std::process::{Command, Stdio};

use anyhow::{bail, Result};

use crate::cmd::{probe, run as run_cmd, step};

/// A Debian package and a command that shows it is there where dpkg is not.
#[derive(Debug, Clone, Copy)]
pub struct Package {
    pub name: &'static str,
    pub command: Option<&'static str>,
}

/// npm installs the pinned binaryen (wasm-opt) that every web build uses.
pub const FOR_WEB_BUILD: [Package; 2] =
    [Package { name: "nodejs", command: Some("node") }, Package { name: "npm", command: Some("npm") }];
/// Headless Chromium and its WebDriver for the browser tests; Mesa's lavapipe (Vulkan on the CPU)
/// for the native wgpu tests.
pub const FOR_TESTS: [Package; 3] = [
    Package { name: "chromium", command: Some("chromium") },
    Package { name: "chromium-driver", command: Some("chromedriver") },
    Package { name: "mesa-vulkan-drivers", command: None },
];

/// Installs whichever of `packages` is missing, or says how to.
pub fn ensure(packages: &[Package]) -> Result<()> {
    let names: Vec<&str> = packages.iter().map(|p| p.name).collect();
    step(format!("setup: system packages {}", names.join(", ")));
    let missing: Vec<&str> = packages.iter().filter(|p| !installed(p)).map(|p| p.name).collect();
    if missing.is_empty() {
        println!("present");
        return Ok(());
    }
    let command = format!("apt-get update && apt-get install -y {}", missing.join(" "));
    let as_root = probe(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() == "0");
    let sudo =
        !as_root && Command::new("sudo").args(["-n", "true"]).stdin(Stdio::null()).status().is_ok_and(|s| s.success());
    if !as_root && !sudo {
        bail!("missing system packages: {}; install them with: sudo sh -c '{command}'", missing.join(", "));
    }
    if probe(Command::new("apt-get").arg("--version")).is_none() {
        bail!(
            "missing system packages: {} (this is not a Debian-like system: install them by hand)",
            missing.join(", ")
        );
    }
    let apt = |args: &[&str]| {
        let mut cmd = if as_root { Command::new("apt-get") } else { Command::new("sudo") };
        if !as_root {
            cmd.args(["-n", "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]);
        }
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive").stdin(Stdio::null());
        cmd
    };
    run_cmd(&mut apt(&["update", "-q"]))?;
    run_cmd(apt(&["install", "-y", "-q", "--no-install-recommends"]).args(&missing))?;
    let still: Vec<&str> = packages.iter().filter(|p| !installed(p)).map(|p| p.name).collect();
    if !still.is_empty() {
        bail!("apt-get ran but {} still look missing", still.join(", "));
    }
    Ok(())
}

/// Present when its command runs (npm, for one, often comes inside another vendor's nodejs
/// package, which dpkg does not call "npm"), else when dpkg says it is installed.
fn installed(package: &Package) -> bool {
    if package.command.is_some_and(|c| probe(Command::new(c).arg("--version")).is_some()) {
        return true;
    }
    probe(Command::new("dpkg-query").args(["-W", "-f=${Status}", package.name]))
        .is_some_and(|status| status.contains("install ok installed"))
}

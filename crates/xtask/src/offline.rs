//! The service worker of a build: `dist/sw.js` from `static/sw.template.js`, with the build's
//! version and the shell it caches on install (the page, the styles, the boot script, the
//! manifest and icon). Everything else a page fetches from this site, the modules of the parts
//! of the site it opens included, is cached when first used (see the template).

use std::path::Path;

use anyhow::{bail, Context, Result};

const TEMPLATE: &str = include_str!("../../../static/sw.template.js");

/// The boot script, under its plain name or its content-hashed one (`names`).
fn is_boot(name: &str) -> bool {
    name == "boot.js" || (name.starts_with("boot-") && name.ends_with(".js"))
}

/// Whether `name`, a file at the top of `dist/`, belongs to the shell.
fn in_shell(name: &str) -> bool {
    let styles = name.starts_with("app-") && name.ends_with(".css");
    styles || is_boot(name) || matches!(name, "index.html" | "manifest.webmanifest" | "icon.svg")
}

/// FNV-1a over the shell's names and bytes: a new build of any of them is a new version.
fn version(files: &[(String, Vec<u8>)]) -> String {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    for (name, bytes) in files {
        for b in name.bytes().chain(bytes.iter().copied()) {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// The service worker's text for a shell of `names` at `version`.
pub fn service_worker(version: &str, names: &[String]) -> String {
    let mut shell: Vec<String> = vec!["./".into()];
    shell.extend(names.iter().filter(|n| *n != "index.html").map(|n| format!("./{n}")));
    let list = serde_json::to_string(&shell).unwrap_or_else(|_| "[]".into());
    TEMPLATE.replace("__VERSION__", version).replace("__SHELL__", &list)
}

/// Writes `dist/sw.js` and returns the version.
pub fn write(dist: &Path) -> Result<String> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dist).with_context(|| format!("cannot list {}", dist.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_file() && in_shell(&name) {
            files.push((name, std::fs::read(entry.path())?));
        }
    }
    files.sort();
    let found =
        |wanted: &str| files.iter().any(|(n, _)| if wanted == "the boot script" { is_boot(n) } else { n == wanted });
    for needed in ["index.html", "the boot script", "manifest.webmanifest"] {
        if !found(needed) {
            bail!("{} has no {needed}, which the service worker's shell needs", dist.display());
        }
    }
    let version = version(&files);
    let names: Vec<String> = files.into_iter().map(|(n, _)| n).collect();
    let path = dist.join("sw.js");
    std::fs::write(&path, service_worker(&version, &names))
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shell_is_the_page_and_its_styles_not_the_modules_or_assets() {
        for name in ["index.html", "app-1a2b.css", "boot.js", "boot-0a1b2c3d4e5f6789.js", "manifest.webmanifest"] {
            assert!(in_shell(name), "{name}");
        }
        for name in [
            "frontier-web-3c4d.js",
            "frontier-web-3c4d_bg.wasm",
            "frontier-home-3c4d_bg.wasm",
            "worker-0a1b2c3d4e5f6789_bg.wasm",
            "worker_loader-0a1b2c3d4e5f6789.js",
            "static-minilm-0a1b2c3d4e5f6789.bin",
            "minilm-l3.safetensors",
            "embed.js",
            "_headers",
            "sw.js",
        ] {
            assert!(!in_shell(name), "{name}");
        }
    }

    #[test]
    fn the_worker_names_its_version_and_shell() {
        let text = service_worker("00ff", &["boot.js".into(), "index.html".into()]);
        assert!(text.contains(r#"const VERSION = "00ff";"#));
        assert!(text.contains(r#"const SHELL = ["./","./boot.js"];"#));
        assert!(!text.contains("__"));
        let a = version(&[("a.js".into(), b"1".to_vec())]);
        assert_ne!(a, version(&[("a.js".into(), b"2".to_vec())]));
    }
}

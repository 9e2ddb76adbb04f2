//! `cargo xtask dist`: the release build of the site into `dist/`, with its Content-Security-Policy
//! (a `<meta>` in the page and a `_headers` file for hosts that read one) and a check that the
//! site only uses relative URLs.

use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::cmd::{run as run_cmd, step};
use crate::{html, setup};

/// Builds `dist/` from scratch, as it is deployed.
pub fn run(root: &Path) -> Result<()> {
    build(root, false)
}

/// Builds `dist/` for the end-to-end tests: the release build with its test hooks (such as the
/// SAE lab's lost-device trigger), which the deployed build never carries.
pub fn run_for_tests(root: &Path) -> Result<()> {
    build(root, true)
}

fn build(root: &Path, test_hooks: bool) -> Result<()> {
    setup::run(root)?;
    step(if test_hooks { "dist: trunk build --release, with test hooks" } else { "dist: trunk build --release" });
    let trunk = || -> Result<std::process::Command> {
        let mut cmd = setup::trunk(root)?;
        cmd.args(["build", "--release"]);
        // Read at compile time by `option_env!`; cargo rebuilds when it changes.
        if test_hooks {
            cmd.env("FRONTIER_TEST_HOOKS", "1");
        } else {
            cmd.env_remove("FRONTIER_TEST_HOOKS");
        }
        Ok(cmd)
    };
    run_cmd(&mut trunk()?)?;
    let dist = root.join("dist");
    if let Err(e) = check_wasm(&dist) {
        // Seen once: a module of zeros after a build that overlapped another build of the same
        // tree. A clean rebuild fixes it; a second failure is real and stops here.
        println!("warning: {e:#}; rebuilding once");
        run_cmd(&mut trunk()?)?;
        check_wasm(&dist)?;
    }
    let bundles = crate::bundles::build(root, &dist, test_hooks)?;
    crate::relaxed::build_workers(root, &dist, test_hooks)?;
    copy_models(root, &dist)?;
    post_process(&dist, &bundles)?;
    step("dist: sizes, gzip-compressed, against their budgets");
    crate::budget::report(&dist)
}

/// The model lab's model files (`static/models/*.gguf`, never committed: `cargo xtask assets
/// fetch` puts them there) go to `dist/models/` under their own names, when this checkout has them. A
/// site without them says on the Model lab that the model is not installed.
pub fn copy_models(root: &Path, dist: &Path) -> Result<usize> {
    let from = root.join("static/models");
    let Ok(entries) = std::fs::read_dir(&from) else {
        println!("dist: no static/models/: the Model lab will say the model is not installed on this site");
        return Ok(0);
    };
    let to = dist.join("models");
    let mut copied = 0;
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "gguf") {
            std::fs::create_dir_all(&to).with_context(|| format!("cannot create {}", to.display()))?;
            let Some(name) = path.file_name() else { continue };
            let target = to.join(name);
            // A hard link costs nothing; across file systems, a copy.
            let _ = std::fs::remove_file(&target);
            if std::fs::hard_link(&path, &target).is_err() {
                std::fs::copy(&path, &target)
                    .with_context(|| format!("cannot copy {} to {}", path.display(), target.display()))?;
            }
            println!("dist: {} → models/", path.display());
            copied += 1;
        }
    }
    Ok(copied)
}

/// Checks that every `.wasm` in `dist` starts with the WebAssembly magic number and version.
pub fn check_wasm(dist: &Path) -> Result<()> {
    let entries = std::fs::read_dir(dist).with_context(|| format!("cannot list {}", dist.display()))?;
    let mut found = 0;
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "wasm") {
            found += 1;
            let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            if !is_wasm_module(&bytes) {
                bail!(
                    "{} is not a WebAssembly module (it starts {:02x?})",
                    path.display(),
                    &bytes[..bytes.len().min(8)]
                );
            }
        }
    }
    if found == 0 {
        bail!("{} has no .wasm file", dist.display());
    }
    Ok(())
}

fn is_wasm_module(bytes: &[u8]) -> bool {
    bytes.len() > 8 && bytes.starts_with(b"\0asm") && bytes[4..8] == [1, 0, 0, 0]
}

/// Gives the files Trunk names plainly a content hash, adds the policy to `dist/index.html`,
/// writes `dist/_headers`, checks the URLs, and writes the service worker.
pub fn post_process(dist: &Path, bundles: &serde_json::Value) -> Result<()> {
    step(format!("dist: Content-Security-Policy for {}", dist.join("index.html").display()));
    let index = dist.join("index.html");
    let page = std::fs::read_to_string(&index)
        .with_context(|| format!("cannot read {} (does Trunk.toml set `dist = \"dist\"`?)", index.display()))?;
    // First the content-hashed names, which the page names in a `<meta>` the policy then covers.
    let files = crate::names::hash_files(dist)?;
    let page = crate::names::point_page_at(&page, &files).with_context(|| format!("in {}", index.display()))?;
    let page = crate::bundles::point_page_at(&page, bundles).with_context(|| format!("in {}", index.display()))?;
    println!("content-hashed names: {}", files.values().cloned().collect::<Vec<_>>().join(", "));
    let processed = html::add_csp(&page).with_context(|| format!("in {}", index.display()))?;
    for warning in &processed.warnings {
        println!("warning: {warning}");
    }
    let absolute = html::absolute_urls(&processed.html)?;
    if !absolute.is_empty() {
        bail!(
            "{} has URLs that are not relative, so the site would break under a sub-path or reach another origin \
             (is `public_url = \"./\"` set in Trunk.toml?): {}",
            index.display(),
            absolute.join(", ")
        );
    }
    std::fs::write(&index, &processed.html).with_context(|| format!("cannot write {}", index.display()))?;
    let headers = dist.join("_headers");
    std::fs::write(&headers, html::headers_file(&processed.policy))
        .with_context(|| format!("cannot write {}", headers.display()))?;
    println!(
        "{} inline script hash(es); policy: {}",
        processed.policy.script_hashes.len(),
        processed.policy.for_meta()
    );
    println!("wrote {} and {}", index.display(), headers.display());
    // After the page is final: its bytes are part of the service worker's version.
    let version = crate::offline::write(dist)?;
    println!("wrote {} (offline shell, version {version})", dist.join("sw.js").display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{copy_models, is_wasm_module};
    use crate::tidy::tests::Scratch;

    #[test]
    fn model_files_are_copied_when_the_checkout_has_them() -> anyhow::Result<()> {
        let root = Scratch::new("models-root");
        let dist = Scratch::new("models-dist");
        assert_eq!(copy_models(&root.0, &dist.0)?, 0);
        root.write("static/models/tiny.gguf", "GGUF");
        root.write("static/models/README", "not a model");
        assert_eq!(copy_models(&root.0, &dist.0)?, 1);
        assert_eq!(std::fs::read_to_string(dist.0.join("models/tiny.gguf"))?, "GGUF");
        assert!(!dist.0.join("models/README").exists());
        Ok(())
    }

    #[test]
    fn recognises_the_wasm_header() {
        assert!(is_wasm_module(b"\0asm\x01\0\0\0\x01\x04"));
        assert!(!is_wasm_module(&[0; 16]));
        assert!(!is_wasm_module(b"\0asm\x01\0\0\0"));
    }
}

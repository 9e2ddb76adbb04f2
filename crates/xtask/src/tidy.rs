//! `cargo xtask tidy`: the invariants of ARCHITECTURE.md that a machine can check in seconds,
//! before anything heavy compiles. `cargo xtask test` runs it first.
//!
//! Each check is a function from the tree (or from what `cargo metadata` says of it) to a list
//! of violations, so that the tests below can show every check failing on a bad tree.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::cmd::{capture, step};
use crate::registry;

/// Crates that are not core crates: tools that may use the OS and need not know the invariants.
pub const TOOL_CRATES: [&str; 2] = ["frontier-cli", "frontier-xtask"];
/// Crates only the browser may depend on.
const WEB_CRATES: [&str; 6] = ["wasm-bindgen", "wasm-bindgen-futures", "web-sys", "js-sys", "leptos", "gloo"];
/// `frontier-sae-gpu` reaches WebGPU through wgpu in its wasm32 build, and asks js-sys whether
/// `navigator.gpu` exists (ARCHITECTURE.md, invariant 1): these, and only these, are allowed there.
const SAE_GPU_WEB_ALLOWED: [&str; 4] = ["wasm-bindgen", "wasm-bindgen-futures", "web-sys", "js-sys"];
/// What core crates may not call, enforced by clippy's `disallowed-methods` through
/// `crates/clippy.toml`; tidy checks that the file still lists every one of them.
pub const BANNED_IN_CORE: [&str; 7] = [
    "std::time::Instant::now",
    "std::time::SystemTime::now",
    "std::thread::spawn",
    "std::thread::sleep",
    "std::env::var",
    "getrandom::fill",
    "getrandom::u64",
];
/// Folders whose Rust files are modules that need a `//!` header.
const SOURCE_ROOTS: [&str; 3] = ["crates", "web", "tests"];
/// Extensions that make a backticked word in ARCHITECTURE.md a path.
const PATH_EXTENSIONS: [&str; 9] = [".rs", ".md", ".toml", ".py", ".sh", ".wgsl", ".bin", ".html", ".css"];

/// Runs every check and fails with all violations listed.
pub fn run(root: &Path) -> Result<()> {
    let metadata = cargo_metadata(root)?;
    let checks: [(&str, Vec<String>); 7] = [
        ("core crates depend on no web crate", web_dependencies(&metadata)?),
        ("banned calls are listed for clippy", clippy_config(root)?),
        ("every module has a //! header", module_headers(root)?),
        ("every path in ARCHITECTURE.md exists", architecture_paths(root)?),
        ("chart colours come from the one theme", chart_colours(root)?),
        ("every widget is registered whole", registry::violations(root)?),
        ("the built site is within its size budget", crate::budget::violations(&root.join("dist"))?),
    ];
    let mut failed = 0;
    for (name, violations) in &checks {
        if violations.is_empty() {
            println!("  ok    {name}");
        } else {
            failed += 1;
            println!("  FAIL  {name}");
            for v in violations {
                println!("          {v}");
            }
        }
    }
    if failed > 0 {
        bail!("tidy: {failed} of {} checks failed", checks.len());
    }
    println!("tidy: {} checks passed", checks.len());
    Ok(())
}

/// The resolved graph for the two platforms the crates build for (this machine and wasm32), so
/// that other platforms' crates are neither downloaded nor judged.
fn cargo_metadata(root: &Path) -> Result<Value> {
    step("tidy: cargo metadata");
    let rustc = capture(Command::new("rustc").arg("-vV"))?;
    let host = rustc.lines().find_map(|l| l.strip_prefix("host: ")).context("`rustc -vV` names no host")?;
    let text = capture(
        Command::new("cargo")
            .args(["metadata", "--format-version", "1", "--locked", "--filter-platform", host])
            .args(["--filter-platform", crate::setup::WASM_TARGET])
            .current_dir(root),
    )?;
    serde_json::from_str(&text).context("cargo metadata printed something that is not JSON")
}

/// Core crates (workspace members under `crates/` but the tools) that reach a web crate through
/// normal or build dependencies, with the path that reaches it.
pub fn web_dependencies(metadata: &Value) -> Result<Vec<String>> {
    let packages = metadata["packages"].as_array().context("cargo metadata has no packages")?;
    let names: HashMap<&str, &str> =
        packages.iter().filter_map(|p| Some((p["id"].as_str()?, p["name"].as_str()?))).collect();
    let manifest_of: HashMap<&str, &str> =
        packages.iter().filter_map(|p| Some((p["id"].as_str()?, p["manifest_path"].as_str()?))).collect();
    let nodes = metadata["resolve"]["nodes"].as_array().context("cargo metadata has no resolve graph")?;
    let mut edges: HashMap<&str, Vec<&str>> = HashMap::new();
    for node in nodes {
        let Some(id) = node["id"].as_str() else { continue };
        let deps = node["deps"].as_array().map(Vec::as_slice).unwrap_or_default();
        let normal = deps.iter().filter(|d| {
            d["dep_kinds"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|k| k["kind"].is_null() || k["kind"].as_str() == Some("build")))
        });
        edges.insert(id, normal.filter_map(|d| d["pkg"].as_str()).collect());
    }
    let members = metadata["workspace_members"].as_array().context("cargo metadata has no workspace members")?;
    let mut violations = Vec::new();
    for member in members.iter().filter_map(Value::as_str) {
        let name = names.get(member).copied().unwrap_or(member);
        let in_crates = manifest_of.get(member).is_some_and(|m| m.replace('\\', "/").contains("/crates/"));
        if !in_crates || TOOL_CRATES.contains(&name) {
            continue;
        }
        let allowed: &[&str] = if name == "frontier-sae-gpu" { &SAE_GPU_WEB_ALLOWED } else { &[] };
        // Breadth-first from the member, remembering how each package was reached.
        let mut reached: HashMap<&str, &str> = HashMap::from([(member, member)]);
        let mut queue = std::collections::VecDeque::from([member]);
        while let Some(id) = queue.pop_front() {
            for &dep in edges.get(id).map(Vec::as_slice).unwrap_or_default() {
                if reached.contains_key(dep) {
                    continue;
                }
                reached.insert(dep, id);
                let dep_name = names.get(dep).copied().unwrap_or(dep);
                let is_web = WEB_CRATES.iter().any(|w| dep_name == *w || dep_name.starts_with("gloo-"));
                if is_web && !allowed.contains(&dep_name) {
                    let mut chain = vec![dep_name];
                    let mut at = id;
                    while at != member {
                        chain.push(names.get(at).copied().unwrap_or(at));
                        at = reached.get(at).copied().unwrap_or(member);
                    }
                    chain.push(name);
                    chain.reverse();
                    violations.push(format!("{name} depends on {dep_name} ({})", chain.join(" → ")));
                } else {
                    queue.push_back(dep);
                }
            }
        }
    }
    Ok(violations)
}

/// `crates/clippy.toml` must ban every call in [`BANNED_IN_CORE`]; the tools keep their own
/// clippy.toml so that the ban does not reach them.
pub fn clippy_config(root: &Path) -> Result<Vec<String>> {
    let mut violations = Vec::new();
    let config = root.join("crates/clippy.toml");
    match std::fs::read_to_string(&config) {
        Ok(text) => {
            for banned in BANNED_IN_CORE {
                if !text.contains(&format!("\"{banned}\"")) {
                    violations.push(format!("crates/clippy.toml does not ban {banned}"));
                }
            }
        }
        Err(_) => violations.push("crates/clippy.toml is missing: core crates' banned calls go unchecked".into()),
    }
    for tool in ["cli", "xtask"] {
        if !root.join("crates").join(tool).join("clippy.toml").is_file() {
            violations.push(format!("crates/{tool}/clippy.toml is missing: the core ban would apply to a tool"));
        }
    }
    Ok(violations)
}

/// Rust files whose first line (after inner attributes) is not a `//!` comment.
pub fn module_headers(root: &Path) -> Result<Vec<String>> {
    let mut violations = Vec::new();
    for top in SOURCE_ROOTS {
        for file in rust_files(&root.join(top))? {
            let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let first = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with("#!["));
            if !first.is_some_and(|l| l.starts_with("//!")) {
                violations.push(format!("{} has no //! header", relative(root, &file)));
            }
        }
    }
    Ok(violations)
}

/// The only file of the app that may write a colour: the theme, so every chart follows light and
/// dark and the colour-blind-safe palette.
const THEME_FILE: &str = "web/src/framework/theme.rs";

/// Colours written outside the theme (`RGBColor(…)` literals, or a theme's variant named
/// directly, which would not follow the reader's scheme) in the app's sources.
pub fn chart_colours(root: &Path) -> Result<Vec<String>> {
    let mut violations = Vec::new();
    for file in rust_files(&root.join("web/src"))? {
        let path = relative(root, &file);
        if path == THEME_FILE {
            continue;
        }
        let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {path}"))?;
        for (n, line) in text.lines().enumerate() {
            // Tests may draw in both variants on purpose.
            if line.trim_start().starts_with("mod tests") {
                break;
            }
            let fixed = ["theme::LIGHT.", "theme::DARK."].iter().any(|t| line.contains(t));
            if line.contains("RGBColor(") || fixed {
                violations.push(format!("{path}:{}: a colour outside {THEME_FILE}: {}", n + 1, line.trim()));
            }
        }
    }
    Ok(violations)
}

/// Every `.rs` file below `dir`, skipping build output and dependencies.
fn rust_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if path.is_dir() {
                if !matches!(name, "target" | "dist" | "node_modules" | "fixtures") && !name.starts_with('.') {
                    stack.push(path);
                }
            } else if name.ends_with(".rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Paths in backticks in ARCHITECTURE.md that exist nowhere. A path with a `/` is looked up
/// from the root, then under the section's own folder; a bare file name anywhere under the
/// section's folder (a section is headed by its folder, e.g. "### `crates/sae` (frontier-sae)").
/// Build output (`dist/`, `target/`) is skipped: a fresh clone has none, and CI starts there.
pub fn architecture_paths(root: &Path) -> Result<Vec<String>> {
    let path = root.join("ARCHITECTURE.md");
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let all_files = tree_paths(root)?;
    let mut section = String::new();
    let mut violations = BTreeSet::new();
    for (number, line) in text.lines().enumerate() {
        if line.starts_with('#') {
            section =
                backticked(line).into_iter().find(|w| root.join(w.trim_end_matches('/')).is_dir()).unwrap_or_default();
            continue;
        }
        for word in backticked(line) {
            if !is_path(&word) || BUILD_OUTPUT.iter().any(|dir| word.starts_with(dir)) {
                continue;
            }
            let wanted = word.trim_end_matches('/');
            let under_section = |p: &String| {
                p.starts_with(&format!("{}/", section.trim_end_matches('/')))
                    && (p.ends_with(&format!("/{wanted}")) || p == wanted)
            };
            if !root.join(wanted).exists() && !all_files.iter().any(under_section) {
                violations.insert(format!("ARCHITECTURE.md:{}: `{word}` does not exist", number + 1));
            }
        }
    }
    Ok(violations.into_iter().collect())
}

/// Every file and folder below `root` (relative, with `/`), skipping build output.
fn tree_paths(root: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if name.starts_with('.') || matches!(name, "target" | "dist" | "node_modules") {
                continue;
            }
            out.push(relative(root, &path));
            if path.is_dir() {
                stack.push(path);
            }
        }
    }
    Ok(out)
}

fn backticked(line: &str) -> Vec<String> {
    line.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// Folders a build writes; the paths ARCHITECTURE.md names in them are made, not kept.
const BUILD_OUTPUT: [&str; 2] = ["dist/", "target/"];

fn is_path(word: &str) -> bool {
    let plain = !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || "_-./".contains(c));
    plain && !word.starts_with('.') && (word.contains('/') || PATH_EXTENSIONS.iter().any(|e| word.ends_with(e)))
}

pub fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A scratch folder that removes itself.
    pub struct Scratch(pub PathBuf);

    impl Scratch {
        pub fn new(name: &str) -> Scratch {
            static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let dir = std::env::temp_dir().join(format!("frontier-tidy-{}-{name}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            Scratch(dir)
        }

        pub fn write(&self, path: &str, text: &str) {
            let file = self.0.join(path);
            if let Some(parent) = file.parent() {
                std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
            }
            std::fs::write(file, text).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    pub fn repo_root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    /// A metadata graph: `frontier-costs` → `helper` → `web-sys`.
    fn metadata(core_dep: &str) -> Value {
        serde_json::json!({
            "packages": [
                {"id": "costs", "name": "frontier-costs", "manifest_path": "/r/crates/costs/Cargo.toml"},
                {"id": "helper", "name": "helper", "manifest_path": "/reg/helper/Cargo.toml"},
                {"id": "websys", "name": "web-sys", "manifest_path": "/reg/web-sys/Cargo.toml"},
                {"id": "proptest", "name": "proptest", "manifest_path": "/reg/proptest/Cargo.toml"},
                {"id": "web", "name": "frontier-web", "manifest_path": "/r/web/Cargo.toml"}
            ],
            "workspace_members": ["costs", "web"],
            "resolve": {"nodes": [
                {"id": "costs", "deps": [
                    {"pkg": core_dep, "dep_kinds": [{"kind": null}]},
                    {"pkg": "proptest", "dep_kinds": [{"kind": "dev"}]}
                ]},
                {"id": "helper", "deps": [{"pkg": "websys", "dep_kinds": [{"kind": null}]}]},
                {"id": "proptest", "deps": [{"pkg": "websys", "dep_kinds": [{"kind": null}]}]},
                {"id": "web", "deps": [{"pkg": "websys", "dep_kinds": [{"kind": null}]}]},
                {"id": "websys", "deps": []}
            ]}
        })
    }

    #[test]
    fn a_core_crate_reaching_a_web_crate_fails() -> Result<()> {
        let found = web_dependencies(&metadata("helper"))?;
        assert_eq!(found, vec!["frontier-costs depends on web-sys (frontier-costs → helper → web-sys)".to_string()]);
        // Dev-dependencies (proptest here) and the app itself are not held to it.
        let mut clean = metadata("proptest");
        clean["resolve"]["nodes"][0]["deps"][0]["dep_kinds"] = serde_json::json!([{"kind": "dev"}]);
        assert!(web_dependencies(&clean)?.is_empty());
        Ok(())
    }

    #[test]
    fn a_missing_header_fails() -> Result<()> {
        let tree = Scratch::new("headers");
        tree.write("crates/a/src/lib.rs", "#![forbid(unsafe_code)]\n//! A.\npub mod b;\n");
        tree.write("crates/a/src/b.rs", "\n// not a module comment\npub fn f() {}\n");
        tree.write("crates/a/target/debug/build/x.rs", "generated\n");
        assert_eq!(module_headers(&tree.0)?, vec!["crates/a/src/b.rs has no //! header".to_string()]);
        Ok(())
    }

    #[test]
    fn a_colour_outside_the_theme_fails() -> Result<()> {
        let tree = Scratch::new("colours");
        tree.write(THEME_FILE, "//! The theme.\npub const INK: RGBColor = RGBColor(0, 0, 0);\n");
        tree.write(
            "web/src/chart.rs",
            "//! A chart.\nconst A: RGBColor = RGBColor(1, 2, 3);\nlet b = theme::current().ink;\n",
        );
        tree.write("web/src/fixed.rs", "//! Light only.\nlet c = crate::framework::theme::LIGHT.ink;\n#[cfg(test)]\nmod tests {\n    let d = theme::DARK.ink;\n}\n");
        let found = chart_colours(&tree.0)?;
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("web/src/chart.rs:2:"), "{found:?}");
        assert!(found[1].starts_with("web/src/fixed.rs:2:"), "{found:?}");
        Ok(())
    }

    #[test]
    fn a_missing_architecture_path_fails() -> Result<()> {
        let tree = Scratch::new("architecture");
        tree.write("crates/sae/src/cpu/auxk.rs", "//! x\n");
        tree.write("web/src/lib.rs", "//! x\n");
        tree.write(
            "ARCHITECTURE.md",
            "# A\n`web/src/lib.rs` and `Matrix::new`.\n### `crates/sae` (frontier-sae)\n`cpu/auxk.rs`, `auxk.rs`, `cpu/`, `dist/sw.js` and `gone.rs`.\n",
        );
        assert_eq!(architecture_paths(&tree.0)?, vec!["ARCHITECTURE.md:4: `gone.rs` does not exist".to_string()]);
        Ok(())
    }

    #[test]
    fn a_missing_clippy_ban_fails() -> Result<()> {
        let tree = Scratch::new("clippy");
        tree.write("crates/cli/clippy.toml", "");
        tree.write("crates/xtask/clippy.toml", "");
        tree.write("crates/clippy.toml", "disallowed-methods = [\"std::time::Instant::now\"]\n");
        let found = clippy_config(&tree.0)?;
        assert!(found.contains(&"crates/clippy.toml does not ban std::thread::spawn".to_string()), "{found:?}");
        assert!(clippy_config(&repo_root())?.is_empty());
        Ok(())
    }

    /// The ban works: clippy with the repo's `crates/clippy.toml` rejects a clock read in a
    /// scratch crate that has no dependencies (a few seconds).
    #[test]
    fn clippy_rejects_a_clock_read_under_the_core_config() -> Result<()> {
        let tree = Scratch::new("clippy-run");
        let config = std::fs::read_to_string(repo_root().join("crates/clippy.toml"))?;
        tree.write("clippy.toml", &config);
        tree.write(
            "Cargo.toml",
            "[package]\nname = \"scratch\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[workspace]\n",
        );
        tree.write(
            "src/lib.rs",
            "//! Reads the clock.\npub fn now() -> std::time::Instant { std::time::Instant::now() }\n",
        );
        let output = Command::new("cargo")
            .args(["clippy", "--quiet", "--", "-D", "warnings"])
            .current_dir(&tree.0)
            .env("CARGO_TARGET_DIR", tree.0.join("target"))
            .output()?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "clippy accepted Instant::now: {stderr}");
        assert!(stderr.contains("disallowed"), "{stderr}");
        Ok(())
    }

    #[test]
    fn the_repository_is_tidy_where_it_can_be_checked_offline() -> Result<()> {
        let root = repo_root();
        assert_eq!(module_headers(&root)?, Vec::<String>::new());
        assert_eq!(architecture_paths(&root)?, Vec::<String>::new());
        assert_eq!(chart_colours(&root)?, Vec::<String>::new());
        Ok(())
    }
}

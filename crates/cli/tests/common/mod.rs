//! Running the `frontier` binary from the integration tests.

use std::process::Command;

/// Runs `frontier args…`: (exit status, stdout parsed as JSON or null, stderr).
pub fn frontier(args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_frontier"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run frontier: {e}"));
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code().unwrap_or(-1), json, String::from_utf8_lossy(&out.stderr).into_owned())
}

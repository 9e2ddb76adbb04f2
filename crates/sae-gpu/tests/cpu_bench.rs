//! Not a test: the CPU backend's training step timed in headless Chromium
//! (`crates/sae/tests/wasm_bench.rs`), built here because `frontier-sae`, a core crate, depends on
//! no web crate. `cargo xtask bench sae` runs it, once per wasm build.

#![cfg(target_arch = "wasm32")]

#[path = "../../sae/tests/wasm_bench.rs"]
mod wasm_bench;

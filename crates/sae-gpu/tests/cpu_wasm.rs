//! The SAE crate's CPU tests that also hold in headless Chromium, where the matrix products run on
//! its own wasm kernel: the PyTorch reference and the float64 error bound (`crates/sae/tests/`).
//! They are built here because `frontier-sae`, a core crate, depends on no web crate, not even
//! for tests; `cargo xtask test` builds this file twice, with `+simd128` and with `+relaxed-simd`.

#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[path = "../../sae/tests/kernels.rs"]
mod kernels;
#[path = "../../sae/tests/reference.rs"]
mod reference;

//! Not a test (ignored): prefill and decode speed of the model in WebAssembly, single-threaded,
//! under node, with the same prompt and counts as `examples/lm_timing.rs` natively:
//!
//! `cargo test --target wasm32-unknown-unknown -p frontier-lm-worker --release --test lm_timing -- --include-ignored --nocapture`
//!
//! It lives here, not in `crates/lm`, because the core crates depend on no web crate, and here it
//! is optimised as the worker is (this crate is the final one of the link-time pass).
//!
//! The model is read through node's `fs` (`FRONTIER_LM_MODEL`, or static/models/ in this
//! workspace); `FRONTIER_LM_TIMING="PREFILL DECODE"` changes the counts (default 256 and 64). It
//! prints one `LM_TIMING {json}` line and a hash of the logits' bits, to compare two wasm builds
//! (not with the native example's: `exp`, `sin` and `cos` come from another math library there).

#![cfg(target_arch = "wasm32")]

use frontier_lm::{Lm, Logits, Serial, Session};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

const MODEL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../static/models/SmolLM2-135M-Instruct.Q4_1.gguf");

/// Runs a line of JavaScript in node's global scope (`process` is a global there; `require` is
/// not, so modules come through `process.getBuiltinModule` or the main module's `require`).
fn js(body: &str) -> Option<JsValue> {
    js_sys::Function::new_no_args(body).call0(&JsValue::NULL).ok()
}

fn now_ms() -> f64 {
    js("return performance.now()").and_then(|v| v.as_f64()).unwrap_or(0.0)
}

fn env(name: &str) -> Option<String> {
    js(&format!("return (typeof process === 'object' && process.env[{name:?}]) || null")).and_then(|v| v.as_string())
}

fn read_file(path: &str) -> Option<Vec<u8>> {
    let fs = "const fs = process.getBuiltinModule ? process.getBuiltinModule('fs') : process.mainModule.require('fs');";
    let body = format!("{fs} try {{ return new Uint8Array(fs.readFileSync({path:?})); }} catch (e) {{ return null; }}");
    let bytes = js(&body)?.dyn_into::<js_sys::Uint8Array>().ok()?;
    Some(bytes.to_vec())
}

fn fnv(mut h: u64, xs: &[f32]) -> u64 {
    for x in xs {
        h = (h ^ u64::from(x.to_bits())).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[wasm_bindgen_test]
#[ignore = "a timing run of the 135M-parameter model (about a minute); needs the model file"]
fn prefill_and_decode_speed() {
    let path = env("FRONTIER_LM_MODEL").unwrap_or_else(|| MODEL.to_string());
    let Some(bytes) = read_file(&path) else {
        console_log!("skipped: cannot read {path} (set FRONTIER_LM_MODEL or run `cargo xtask assets fetch`)");
        return;
    };
    let counts: Vec<usize> =
        env("FRONTIER_LM_TIMING").unwrap_or_default().split_whitespace().filter_map(|s| s.parse().ok()).collect();
    let (prefill, decode) = match counts[..] {
        [p, d] => (p, d),
        _ => (256, 64),
    };
    let t = now_ms();
    let lm = Lm::load(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
    drop(bytes);
    let load_ms = now_ms() - t;
    let text = "The quick brown fox jumps over the lazy dog. ".repeat(prefill / 8 + 1);
    let mut ids = lm.tokenizer.encode(&text);
    ids.truncate(prefill);
    let mut session = Session::new(&lm.model, prefill + decode).unwrap_or_else(|e| panic!("{e}"));
    let t = now_ms();
    let out = session.forward(&Serial, &ids, Logits::Last).unwrap_or_else(|e| panic!("{e}"));
    let prefill_ms = now_ms() - t;
    let mut next = frontier_lm::sample::argmax(&out.logits[0]) as u32;
    let mut hash = fnv(0xcbf2_9ce4_8422_2325, &out.logits[0]);
    let t = now_ms();
    for _ in 0..decode {
        let out = session.forward(&Serial, &[next], Logits::Last).unwrap_or_else(|e| panic!("{e}"));
        next = frontier_lm::sample::argmax(&out.logits[0]) as u32;
        hash = fnv(hash, &out.logits[0]);
    }
    let decode_ms = now_ms() - t;
    console_log!(
        "LM_TIMING {{\"load_ms\": {load_ms:.0}, \"prefill_tokens\": {}, \"prefill_tokens_per_sec\": {:.1}, \"decode_tokens\": {decode}, \"decode_tokens_per_sec\": {:.1}}}",
        ids.len(),
        ids.len() as f64 / (prefill_ms / 1000.0),
        decode as f64 / (decode_ms / 1000.0)
    );
    console_log!("logits hash: {hash:016x}");
}

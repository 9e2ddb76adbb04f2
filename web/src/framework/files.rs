//! Where this build put a file: the release build gives the workers, the boot script and the data
//! files content-hashed names (`cargo xtask dist`, `crates/xtask/src/names.rs`) and lists them in
//! `<meta name="frontier-files">`, so a cached file of an older build never meets this page.
//! Without the list (`trunk serve`) a file keeps its plain name.

use std::collections::BTreeMap;

thread_local! {
    static NAMES: BTreeMap<String, String> = read_names();
}

fn read_names() -> BTreeMap<String, String> {
    let content = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(r#"meta[name="frontier-files"]"#).ok().flatten())
        .and_then(|meta| meta.get_attribute("content"));
    content.and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_default()
}

/// The URL of `url` (`./name`, relative to the page) in this build.
pub fn resolve(url: &str) -> String {
    let Some(name) = url.strip_prefix("./") else { return url.to_string() };
    NAMES.with(|names| names.get(name).map_or_else(|| url.to_string(), |hashed| format!("./{hashed}")))
}

/// The worker that runs the labs' long jobs (SAE training among them).
pub const JOBS_WORKER: &str = "worker";
/// The worker of the Benchmarks page's timings.
pub const BENCH_WORKER: &str = "bench_worker";

/// The loader script of worker `stem`: its build with relaxed SIMD (a fused multiply–add in the
/// matrix products) where the release build made one and this browser validates it, else Trunk's
/// `<stem>_loader.js`.
pub fn worker_loader_url(stem: &str) -> String {
    let relaxed = NAMES.with(|names| names.get(&format!("{stem}-relaxed_loader.js")).cloned());
    match relaxed {
        Some(hashed) if relaxed_simd() => format!("./{hashed}"),
        _ => resolve(&format!("./{stem}_loader.js")),
    }
}

/// The loader script of the worker that runs the labs' long jobs.
pub fn worker_url() -> String {
    worker_loader_url(JOBS_WORKER)
}

/// The smallest module that uses relaxed SIMD: one function, `() -> v128`, that returns
/// `f32x4.relaxed_madd` (opcode 0xfd 0x105) of three zero constants. Only a browser that has the
/// proposal validates it.
pub const RELAXED_SIMD_PROBE: [u8; 82] = {
    let mut m = [0u8; 82];
    let head = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
        0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // types: one, () -> v128
        0x03, 0x02, 0x01, 0x00, // functions: one, of type 0
        0x0a, 0x3d, 0x01, 0x3b, 0x00, // code: 61 bytes, one body of 59, no locals
    ];
    let mut i = 0;
    while i < head.len() {
        m[i] = head[i];
        i += 1;
    }
    // Three `v128.const 0` (0xfd 0x0c and 16 zero bytes), then the instruction and `end`.
    let mut c = 0;
    while c < 3 {
        m[head.len() + 18 * c] = 0xfd;
        m[head.len() + 18 * c + 1] = 0x0c;
        c += 1;
    }
    let tail = head.len() + 54;
    m[tail] = 0xfd;
    m[tail + 1] = 0x85;
    m[tail + 2] = 0x02;
    m[tail + 3] = 0x0b;
    m
};

/// Whether this browser has relaxed SIMD (Chrome 114, Firefox 120; not Safari 18).
pub fn relaxed_simd() -> bool {
    let bytes = js_sys::Uint8Array::from(&RELAXED_SIMD_PROBE[..]);
    js_sys::WebAssembly::validate(&bytes).unwrap_or(false)
}

/// The loader script of the model lab's worker, which holds the language model: only the page
/// that uses the model loads it.
pub fn lm_worker_url() -> String {
    worker_loader_url("lm_worker")
}

//! Not a test: `cargo xtask bench sae` runs it (ignored otherwise). One ReLU SAE training step
//! (forward, MSE + L1 loss, backward, Adam, unit-norm decoder) at the four shapes, timed in
//! wasm in headless Chromium on one thread, the same step the xtask times natively; the xtask
//! builds it twice, with `+simd128` and with `+relaxed-simd`. Each shape prints one
//! `SAE_BENCH {json}` line, which the xtask reads from the runner's output.

#![cfg(target_arch = "wasm32")]

use frontier_sae::config::InitScheme;
use frontier_sae::rng::Rng;
use frontier_sae::{Arch, Backend, CpuBackend, Matrix, Sae, SaeConfig, StepParams};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// (d_in, d_sae, batch), as `crates/xtask/src/bench_sae.rs` has them.
const SHAPES: [(usize, usize, usize); 4] = [(64, 512, 1024), (64, 512, 4096), (256, 2048, 1024), (256, 2048, 4096)];
const WARMUP: usize = 3;
/// Steps timed one by one; fewer when a warm-up step took over `SLOW_STEP_MS`, so that the whole
/// run stays within a few minutes (a step of the largest shape takes seconds here).
const STEPS: usize = 20;
const FEW_STEPS: usize = 8;
const SLOW_STEP_MS: f64 = 500.0;

/// A global function of the page (`performance.now`, `setTimeout`), reached without web-sys: this
/// crate knows nothing of the web outside its tests.
fn global(path: &[&str]) -> JsValue {
    path.iter().fold(js_sys::global().into(), |object, key| {
        js_sys::Reflect::get(&object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    })
}

fn now_ms() -> f64 {
    let performance = global(&["performance"]);
    let now = global(&["performance", "now"]).dyn_into::<js_sys::Function>().ok();
    now.and_then(|f| f.call0(&performance).ok()).and_then(|v| v.as_f64()).unwrap_or(0.0)
}

/// The step `tests/reference/bench_sae.py` runs.
fn params(step: u64) -> StepParams {
    StepParams::benchmark(step)
}

/// Lets the page's event loop run (outside the timed steps): the test runner polls the page over
/// WebDriver, and a page busy for the whole benchmark (minutes) would leave its polls unanswered.
async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let set_timeout = global(&["setTimeout"]).dyn_into::<js_sys::Function>().ok();
        let scheduled = set_timeout.is_some_and(|f| f.call1(&JsValue::NULL, &resolve).is_ok());
        if !scheduled {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Runs one step and returns its time in milliseconds and its loss.
fn timed_step(backend: &mut CpuBackend, batch: &Matrix, step: u64) -> (f64, f32) {
    let start = now_ms();
    let stats = backend.train_step(batch, &params(step)).unwrap_or_else(|e| panic!("step {step}: {e}"));
    (now_ms() - start, stats.loss)
}

#[wasm_bindgen_test]
#[ignore = "a benchmark, run by `cargo xtask bench sae`"]
async fn bench_sae_training_steps() {
    for (d_in, d_sae, rows) in SHAPES {
        let cfg = SaeConfig { d_in, d_sae, arch: Arch::Relu, k: 0, apply_b_dec_to_input: true };
        let sae = Sae::init(cfg, InitScheme::Tied, true, &mut Rng::new(0));
        let mut rng = Rng::new(1);
        let values = (0..rows * d_in).map(|_| rng.normal() as f32).collect();
        let batch = Matrix::from_vec(rows, d_in, values).unwrap_or_else(|| panic!("batch shape"));
        let mut backend = CpuBackend::new(sae);
        let mut last_ms = 0.0;
        let mut step = 0;
        for _ in 0..WARMUP {
            last_ms = timed_step(&mut backend, &batch, step).0;
            step += 1;
            yield_to_browser().await;
        }
        let steps = if last_ms > SLOW_STEP_MS { FEW_STEPS } else { STEPS };
        let mut times = Vec::with_capacity(steps);
        let mut loss = f32::NAN;
        for _ in 0..steps {
            let (ms, step_loss) = timed_step(&mut backend, &batch, step);
            times.push(ms);
            loss = step_loss;
            step += 1;
            yield_to_browser().await;
        }
        times.sort_by(f64::total_cmp);
        let median_ms = if steps % 2 == 1 { times[steps / 2] } else { (times[steps / 2 - 1] + times[steps / 2]) / 2.0 };
        let gflop = 10.0 * (rows * d_in * d_sae) as f64 / 1e9;
        let line = serde_json::json!({
            "impl": "ours-wasm",
            "kernel": frontier_sae::gemm::KERNEL,
            "threads": 1,
            "d_in": d_in,
            "d_sae": d_sae,
            "batch": rows,
            "steps": steps,
            "median_step_ms": median_ms,
            "steps_per_second": 1e3 / median_ms,
            "gflop_per_step": gflop,
            "gflop_per_second": gflop * 1e3 / median_ms,
            "last_loss": loss,
        });
        console_log!("SAE_BENCH {line}");
    }
}

//! The conformance suite in the browser: the CPU backend in wasm and the wgpu backend on WebGPU
//! (in CI, headless Chromium's SwiftShader adapter, with `--enable-unsafe-webgpu`).
//!
//! `CHROMEDRIVER=$(which chromedriver) WASM_BINDGEN_TEST_WEBDRIVER_JSON=$PWD/target/webdriver-webgpu.json
//! cargo test --target wasm32-unknown-unknown -p frontier-sae-gpu --test browser`

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod suite;

use frontier_sae_gpu::Until;
use suite::subjects::{Cpu, Gpu};
use wasm_bindgen_test::wasm_bindgen_test;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

async fn gpu() -> Gpu {
    Gpu::new().await.unwrap_or_else(|e| panic!("no WebGPU adapter: {e} (is Chromium run with --enable-unsafe-webgpu?)"))
}

#[wasm_bindgen_test]
async fn fixture_cases_on_both_backends() {
    assert_eq!(suite::fixture_forward_and_gradients(&mut Cpu).await, 6);
    assert_eq!(suite::fixture_adam_step(&mut Cpu).await, 6);
    let mut gpu = gpu().await;
    assert_eq!(suite::fixture_forward_and_gradients(&mut gpu).await, 6);
    assert_eq!(suite::fixture_adam_step(&mut gpu).await, 6);
}

#[wasm_bindgen_test]
async fn topk_batchtopk_and_auxk_agree_between_backends() {
    let mut gpu = gpu().await;
    // Three of the six cases reach every new kernel (the row select, BatchTopK's counting, cut,
    // apply and threshold across workgroups, AuxK's gate, select and error): SwiftShader is too
    // slow for all six within the runner's limit. All six run natively.
    let reach_every_kernel =
        ["topk, ties", "batchtopk, ties across workgroups", "batchtopk, auxk over every dead feature"];
    for case in suite::selection::cases().into_iter().filter(|c| reach_every_kernel.contains(&c.name)) {
        suite::selection::assert_ties_straddle_the_cut(&case);
        // The full update here (SwiftShader is slow); the gradients alone are compared natively.
        for until in [Until::Update] {
            let want = suite::selection::run(&mut Cpu, &case, until).await;
            let got = suite::selection::run(&mut gpu, &case, until).await;
            suite::selection::assert_agree(&case, &got, &want);
        }
    }
}

#[wasm_bindgen_test]
async fn shapes_on_both_backends() {
    suite::shapes_forward_and_gradients(&mut Cpu).await;
    suite::shapes_first_step(&mut Cpu).await;
    let mut gpu = gpu().await;
    suite::shapes_forward_and_gradients(&mut gpu).await;
    suite::shapes_first_step(&mut gpu).await;
    let mut large = gpu.with_large_tiles();
    suite::shapes_forward_and_gradients(&mut large).await;
    suite::shapes_first_step(&mut large).await;
}

#[wasm_bindgen_test]
async fn dead_features_and_resampling_on_both_backends() {
    suite::dead_feature_counters(&mut Cpu).await;
    suite::resampling(&mut Cpu).await;
    let mut gpu = gpu().await;
    suite::dead_feature_counters(&mut gpu).await;
    suite::resampling(&mut gpu).await;
}

#[wasm_bindgen_test]
async fn thirty_training_steps_agree_between_backends() {
    let cpu = suite::training_curve(&mut Cpu).await;
    let gpu = suite::training_curve(&mut gpu().await).await;
    for (t, (c, g)) in cpu.iter().zip(&gpu).enumerate() {
        suite::assert_close(&format!("step {t} loss"), &[g.loss], &[c.loss], suite::ATOL);
        suite::assert_close(&format!("step {t} L0"), &[g.l0], &[c.l0], suite::ATOL);
    }
}

/// Without `navigator.gpu` (a browser without WebGPU) the backend says so, before asking for an
/// adapter. The property is shadowed on this page's navigator for the test, then restored.
#[wasm_bindgen_test]
async fn no_navigator_gpu_is_reported_as_such() {
    let navigator = js_sys::Reflect::get(&js_sys::global(), &"navigator".into()).unwrap();
    let descriptor = js_sys::Object::new();
    js_sys::Reflect::set(&descriptor, &"value".into(), &wasm_bindgen::JsValue::UNDEFINED).unwrap();
    js_sys::Reflect::set(&descriptor, &"configurable".into(), &true.into()).unwrap();
    let navigator: js_sys::Object = navigator.into();
    js_sys::Object::define_property(&navigator, &"gpu".into(), &descriptor);
    let result = frontier_sae_gpu::GpuContext::new().await;
    js_sys::Reflect::delete_property(&navigator, &"gpu".into()).unwrap();
    match result {
        Err(e) => assert_eq!(e, frontier_sae_gpu::GpuError::NoWebGpu),
        Ok(ctx) => panic!("a device on {} without navigator.gpu", ctx.describe()),
    }
    // Restored: the adapter is back.
    assert!(frontier_sae_gpu::GpuContext::new().await.is_ok());
}

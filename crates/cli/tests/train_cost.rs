//! The `frontier train-cost` command as a user runs it: JSON out, status 2 on bad input.

use std::process::Command;

fn frontier(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_frontier"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run frontier: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

#[test]
fn the_articles_deepseek_example() {
    let (code, out, err) = frontier(&[
        "train-cost",
        "--active-params",
        "37e9",
        "--tokens",
        "14.8e12",
        "--gpus",
        "2048",
        "--hours",
        "1320",
        "--peak-tflops",
        "989",
    ]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert!((v["mfu"].as_f64().unwrap_or(0.0) - 0.34136).abs() < 1e-5);
    assert_eq!(v["total_cost_usd"].as_f64(), Some(5_406_720.0));
    assert!((v["total_flops"].as_f64().unwrap_or(0.0) / 3.2856e24 - 1.0).abs() < 1e-12);
    for key in ["tokens_per_dollar", "flops_per_dollar", "effective_tflops_per_gpu", "gpu_hours"] {
        assert!(v[key].as_f64().is_some_and(f64::is_finite), "{key} missing");
    }
}

#[test]
fn preset_with_override_and_attention() {
    // The report's GPU-hours with causal attention at 4K: MFU 0.394 (reference table).
    let (code, out, err) = frontier(&["train-cost", "--preset", "deepseek-v3-report", "--attention", "causal"]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert!((v["mfu"].as_f64().unwrap_or(0.0) - 0.394).abs() < 1e-3, "{out}");
    assert_eq!(v["preset"], "deepseek-v3-report");
    // The same run priced at $3 per GPU-hour.
    let (_, out, _) = frontier(&["train-cost", "--preset", "llama-3.1-405b", "--usd-per-gpu-hour", "3"]);
    assert!((json(&out)["total_cost_usd"].as_f64().unwrap_or(0.0) - 92.52e6).abs() < 1.0);
}

#[test]
fn hardware_and_precision_pick_the_peak() {
    let (code, out, _) =
        frontier(&["train-cost", "--preset", "deepseek-v3", "--hardware", "h800", "--precision", "fp8"]);
    assert_eq!(code, 0);
    // Against the FP8 dense peak the article's run is at about 0.171 MFU.
    assert!((json(&out)["mfu"].as_f64().unwrap_or(0.0) - 0.1706).abs() < 1e-3);
    let (code, _, err) =
        frontier(&["train-cost", "--preset", "deepseek-v3", "--hardware", "a100-80gb", "--precision", "fp8"]);
    assert_eq!(code, 2);
    assert!(err.contains("no FP8"), "{err}");
}

#[test]
fn bad_input_exits_2_with_a_clear_message() {
    let base =
        ["train-cost", "--active-params", "37e9", "--tokens", "14.8e12", "--hours", "1320", "--peak-tflops", "989"];
    let cases: [(&[&str], &str); 5] = [
        (&["--gpus", "0"], "gpus"),
        (&["--gpus", "-5"], "gpus"),
        (&["--gpus", "NaN"], "gpus"),
        (&["--gpus", "2048", "--preset", "gpt-5"], "unknown preset"),
        (&[], "--gpus is required"),
    ];
    for (extra, expected) in cases {
        let args: Vec<&str> = base.iter().chain(extra.iter()).copied().collect();
        let (code, out, err) = frontier(&args);
        assert_eq!(code, 2, "{args:?}: {out}");
        assert!(out.is_empty());
        assert!(err.contains(expected), "{args:?}: {err}");
    }
}

//! The `frontier edge` command: article keys, realistic breakdown, speculative decoding.

mod common;

use common::frontier;

#[test]
fn article_mode_reproduces_the_example() {
    let (code, v, err) = frontier(&[
        "edge",
        "--params",
        "8e9",
        "--bits",
        "4",
        "--ram-gb",
        "8",
        "--bandwidth-gb-s",
        "100",
        "--target-tps",
        "15",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["model_size_gb"], 4.0);
    assert_eq!(v["total_memory_gb"], 4.5);
    assert_eq!(v["fits_in_ram"], true);
    assert_eq!(v["bandwidth_needed_gb_s"], 60.0);
    assert_eq!(v["bandwidth_sufficient"], true);
    assert_eq!(v["achievable_tokens_per_sec"], 25.0);
}

#[test]
fn realistic_mode_on_the_iphone() {
    let (code, v, err) = frontier(&[
        "edge",
        "--model",
        "llama-3.1-8b",
        "--quant",
        "Q4_K_M",
        "--device",
        "iphone-16-pro",
        "--context",
        "4096",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["kv_bytes_per_token"], 131_072.0);
    assert!((v["weights_gb"].as_f64().unwrap_or(0.0) - 4.913).abs() < 1e-3);
    assert_eq!(v["fits"], false);
    for key in ["kv_cache_gb", "total_memory_gb", "usable_memory_gb", "decode_tokens_per_sec", "prefill_seconds"] {
        assert!(v[key].as_f64().is_some(), "{key} missing: {v}");
    }
    assert_eq!(v["best_format"], "IQ3_M");
}

#[test]
fn speculative_adds_its_keys() {
    let (code, v, err) = frontier(&[
        "edge",
        "--model",
        "llama-3.1-8b",
        "--quant",
        "Q4_K_M",
        "--device",
        "apple-m2-max",
        "--speculative",
        "--draft",
        "llama-3.2-1b",
        "--alpha",
        "0.8",
        "--gamma",
        "4",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!((v["expected_tokens_per_step"].as_f64().unwrap_or(0.0) - 3.3616).abs() < 1e-4);
    // c = draft bytes / target bytes ≈ 0.155 here, so the speedup is about 2.07.
    let speedup = v["speedup"].as_f64().unwrap_or(0.0);
    assert!(speedup > 2.0 && speedup < 2.15, "{speedup}");
}

#[test]
fn unknown_ids_list_the_known_ones_and_exit_2() {
    let (code, _, err) = frontier(&["edge", "--model", "gpt-9", "--quant", "Q4_K_M", "--device", "iphone-16-pro"]);
    assert_eq!(code, 2);
    assert!(err.contains("llama-3.1-8b") && err.contains("phi-3-mini"), "{err}");
    let (code, _, err) = frontier(&["edge", "--model", "llama-3.1-8b", "--quant", "Q4_K_M", "--device", "toaster"]);
    assert_eq!(code, 2);
    assert!(err.contains("iphone-16-pro"), "{err}");
    let (code, _, err) = frontier(&[
        "edge",
        "--params",
        "8e9",
        "--bits",
        "-4",
        "--ram-gb",
        "8",
        "--bandwidth-gb-s",
        "100",
        "--target-tps",
        "15",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("bits"), "{err}");
}

//! `frontier sae train` and `frontier sae eval`: JSON out, SAELens files written and read back,
//! errors with exit status 2.

mod common;

use common::frontier;
use frontier_sae::io::write_npy_f32;
use frontier_sae::Matrix;

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("frontier-sae-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

#[test]
fn train_on_sparse_coding_reports_recovery_and_writes_saelens_files() {
    let dir = scratch("train");
    let out = dir.join("sae");
    let (code, json, stderr) = frontier(&[
        "sae",
        "train",
        "--data",
        "synthetic:sparse-coding",
        "--features",
        "64",
        "--dims",
        "32",
        "--active",
        "3",
        "--d-sae",
        "128",
        "--steps",
        "1500",
        "--batch",
        "512",
        "--out",
        out.to_str().unwrap_or_default(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    for key in ["mse", "fvu", "l0", "dead_fraction", "mmcs"] {
        assert!(json[key].is_number(), "{key} missing: {json}");
    }
    // The widget's worked example: 64 features in 32 dimensions, 3 active, a 4× ReLU SAE.
    assert!(json["mmcs"].as_f64().unwrap_or(0.0) > 0.9, "{json}");
    assert!(out.join("sae_weights.safetensors").is_file() && out.join("cfg.json").is_file());
    let cfg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("cfg.json")).unwrap_or_default()).unwrap_or_default();
    assert_eq!(cfg["architecture"], "standard");
    assert_eq!(cfg["d_in"], 32);
    assert_eq!(cfg["d_sae"], 128);
}

#[test]
fn eval_measures_a_saved_sae_by_hand() {
    // An identity SAE on 2-D data, written in SAELens's layout: W_enc = W_dec = I, no biases.
    let dir = scratch("eval");
    let sae = frontier_sae::Sae::identity(2, true);
    let extras = frontier_sae::saelens::Extras { l1_coefficient: Some(0.5), metadata: serde_json::Value::Null };
    let (weights, cfg) = frontier_sae::saelens::save(&sae, &extras).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("sae_weights.safetensors"), weights).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("cfg.json"), cfg).unwrap_or_else(|e| panic!("{e}"));
    // Rows (1, 0), (0, 2), (−1, 0): the ReLU drops the third row.
    let data = Matrix::from_vec(3, 2, vec![1.0, 0.0, 0.0, 2.0, -1.0, 0.0]).unwrap_or_default();
    std::fs::write(dir.join("x.npy"), write_npy_f32(&data)).unwrap_or_else(|e| panic!("{e}"));
    let weights_path = dir.join("sae_weights.safetensors");
    let data_path = dir.join("x.npy");
    let (code, json, stderr) = frontier(&[
        "sae",
        "eval",
        "--weights",
        weights_path.to_str().unwrap_or_default(),
        "--data",
        data_path.to_str().unwrap_or_default(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let close = |key: &str, want: f64| {
        let got = json[key].as_f64().unwrap_or(f64::NAN);
        assert!((got - want).abs() < 1e-9, "{key}: {got}, by hand {want}");
    };
    close("mse", 1.0 / 6.0); // one squared error of 1 over 6 elements
    close("fvu", 3.0 / 14.0); // Σ‖x − x̄‖² = 14/3
    close("l0", 2.0 / 3.0);
    close("loss", 1.0 / 6.0 + 0.5 * 3.0 / 6.0); // MSE + 0.5 · mean|f|, Σ|f| = 3 over 6 entries
}

#[test]
fn errors_exit_with_status_2_and_say_why() {
    let dir = scratch("errors");
    let bad = dir.join("x.npy");
    std::fs::write(&bad, b"not an npy file").unwrap_or_else(|e| panic!("{e}"));
    let (code, _, stderr) =
        frontier(&["sae", "train", "--data", bad.to_str().unwrap_or_default(), "--d-sae", "8", "--steps", "1"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("x.npy"), "{stderr}");
    let (code, _, stderr) = frontier(&["sae", "train", "--data", "synthetic:nope", "--d-sae", "8"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("synthetic:sparse-coding"), "{stderr}");
    let (code, _, stderr) = frontier(&["sae", "train", "--data", "synthetic:tms", "--d-sae", "8", "--arch", "gelu"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("relu, topk or batchtopk"), "{stderr}");
}

#[test]
fn train_reports_the_run_its_flags_make() {
    // The defaults (recommended ReLU) on 40 steps: the L1 warm-up is 40 / 20 = 2 steps, the
    // coefficient 1, the rate 1e-3, resampling every 500 steps (frontier_sae::config::TrainSettings).
    let small = ["sae", "train", "--data", "synthetic:sparse-coding", "--features", "16", "--dims", "8"];
    let run =
        |extra: &[&str]| frontier(&[&small[..], &["--d-sae", "32", "--steps", "40", "--batch", "32"], extra].concat());
    let (code, json, stderr) = run(&[]);
    assert_eq!(code, 0, "{stderr}");
    let cfg = &json["config"];
    assert_eq!(cfg["l1_warmup_steps"], 2, "{cfg}");
    assert_eq!((cfg["l1_coeff"].as_f64(), cfg["lr"].as_f64()), (Some(1.0), Some(0.001)), "{cfg}");
    assert_eq!((cfg["steps"].as_u64(), cfg["batch"].as_u64()), (Some(40), Some(32)), "{cfg}");
    assert_eq!(
        (cfg["sae"]["d_in"].as_u64(), cfg["sae"]["d_sae"].as_u64(), cfg["sae"]["k"].as_u64()),
        (Some(8), Some(32), Some(0))
    );
    assert_eq!(cfg["dead"]["resample_every"], 500, "{cfg}");
    assert_eq!(
        cfg["schedule"],
        serde_json::json!({ "kind": "warmup_decay", "warmup_steps": 0, "decay_fraction": 0.2 })
    );

    // The article's preset: its coefficient 1e-3, no warm-up, a constant rate.
    let (code, json, stderr) = run(&["--preset", "article"]);
    assert_eq!(code, 0, "{stderr}");
    let cfg = &json["config"];
    assert_eq!((cfg["l1_coeff"].as_f64(), cfg["l1_warmup_steps"].as_u64()), (Some(0.001), Some(0)), "{cfg}");
    assert_eq!(cfg["schedule"], serde_json::json!({ "kind": "constant" }));

    // TopK without dead-feature handling: no L1, no AuxK, no resampling.
    let (code, json, stderr) = run(&["--arch", "topk", "--k", "4", "--no-dead-handling"]);
    assert_eq!(code, 0, "{stderr}");
    let cfg = &json["config"];
    assert_eq!((cfg["sae"]["k"].as_u64(), cfg["l1_coeff"].as_f64()), (Some(4), Some(0.0)), "{cfg}");
    assert_eq!((cfg["dead"]["auxk_coeff"].as_f64(), cfg["dead"]["resample_every"].as_u64()), (Some(0.0), Some(0)));

    // A k larger than the dictionary is refused, naming the setting.
    let (code, _, stderr) = run(&["--arch", "topk", "--k", "33"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("k: must be between 1 and d_sae = 32"), "{stderr}");
    let (code, _, stderr) = run(&["--preset", "fast"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--preset fast: expected recommended or article"), "{stderr}");
}

/// The same run on every backend the run driver offers ends at the same place: on a GPU the
/// numbers agree within the conformance suite's tolerance; without a usable device the run stays
/// on the CPU and `backend_note` says why.
#[test]
fn every_backend_goes_through_the_run_driver_and_agrees() {
    let run = |backend: &str| {
        let (code, json, stderr) = frontier(&[
            "sae",
            "train",
            "--data",
            "synthetic:sparse-coding",
            "--features",
            "64",
            "--dims",
            "32",
            "--d-sae",
            "64",
            "--steps",
            "200",
            "--batch",
            "256",
            "--seed",
            "3",
            "--backend",
            backend,
        ]);
        assert_eq!(code, 0, "{stderr}");
        json
    };
    let cpu = run("cpu");
    assert_eq!(cpu["backend"], "CPU (one thread)");
    assert!(cpu["backend_note"].is_null());
    let gpu = run("webgpu");
    let backend = gpu["backend"].as_str().unwrap_or_default();
    if backend.starts_with("GPU:") {
        for key in ["mse", "l0", "mmcs"] {
            let (a, b) = (cpu[key].as_f64().unwrap_or(f64::NAN), gpu[key].as_f64().unwrap_or(f64::NAN));
            assert!((a - b).abs() <= 1e-5 + 5e-3 * a.abs(), "{key}: CPU {a}, GPU {b}");
        }
    } else {
        let note = gpu["backend_note"].as_str().unwrap_or_default();
        assert!(note.starts_with("Training on the CPU"), "{gpu}");
    }
    // Auto never trains a 64×64 step (4 MFLOP) on a GPU: too small to gain.
    assert_eq!(run("auto")["backend"], "CPU (one thread)");
    let (code, _, stderr) =
        frontier(&["sae", "train", "--data", "synthetic:tms", "--d-sae", "8", "--backend", "metal"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("expected auto, webgpu, cpu"), "{stderr}");
}

/// `--features 100000 --dims 100000` allocated a 40 GB dictionary before any check and aborted
/// with a backtrace; now the sizes are checked first and the command exits 2 naming both.
#[test]
fn oversized_synthetic_data_exits_2_before_allocating() {
    let (code, out, stderr) = frontier(&[
        "sae",
        "train",
        "--data",
        "synthetic:sparse-coding",
        "--features",
        "100000",
        "--dims",
        "100000",
        "--d-sae",
        "64",
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(stderr.contains("38.02 GiB") && stderr.contains("16.00 GiB"), "{stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("backtrace"), "{stderr}");
}

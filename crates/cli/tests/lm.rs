//! `frontier lm`: bad model files exit 2 with a clear message; with the model present (see
//! crates/lm/tests/reference.rs for where it is looked for), generate, logits and activations run.

mod common;

use std::path::PathBuf;

use common::frontier;

fn temp(name: &str, bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("frontier-lm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{e}"));
    path.to_string_lossy().into_owned()
}

fn model() -> Option<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    // Tests run in the crate's folder: a relative path is also tried from the workspace root.
    let p = std::env::var("FRONTIER_LM_MODEL")
        .map(|p| if PathBuf::from(&p).exists() { PathBuf::from(p) } else { root.join(p) })
        .unwrap_or_else(|_| root.join("static/models/SmolLM2-135M-Instruct.Q4_1.gguf"));
    if p.exists() {
        Some(p.to_string_lossy().into_owned())
    } else {
        eprintln!("skipped: no model file (set FRONTIER_LM_MODEL or run `cargo xtask assets fetch`)");
        None
    }
}

#[test]
fn garbage_missing_and_truncated_files_exit_2() {
    let garbage = temp("garbage.gguf", b"this is not a model at all");
    let (code, _, err) = frontier(&["lm", "generate", "--model", &garbage, "--prompt", "hi"]);
    assert_eq!(code, 2);
    assert!(err.contains("not a GGUF file"), "{err}");

    let (code, _, err) = frontier(&["lm", "logits", "--model", "/nonexistent/model.gguf", "--prompt", "hi"]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/model.gguf"), "{err}");

    let mut truncated = b"GGUF".to_vec();
    truncated.extend(3u32.to_le_bytes());
    truncated.extend(1u64.to_le_bytes());
    truncated.extend(1u64.to_le_bytes());
    truncated.extend(5u64.to_le_bytes());
    truncated.extend(b"gen");
    let truncated = temp("truncated.gguf", &truncated);
    let (code, _, err) = frontier(&["lm", "logits", "--model", &truncated, "--prompt", "hi"]);
    assert_eq!(code, 2);
    assert!(err.contains("metadata count at byte 16 is 1, more than the 11 bytes left"), "{err}");
    // A whole header, cut inside the first key.
    let mut cut = b"GGUF".to_vec();
    cut.extend(3u32.to_le_bytes());
    cut.extend(0u64.to_le_bytes());
    cut.extend(1u64.to_le_bytes());
    cut.extend(20u64.to_le_bytes());
    cut.extend(b"general.architecture");
    let cut = temp("cut.gguf", &cut);
    let (code, _, err) = frontier(&["lm", "logits", "--model", &cut, "--prompt", "hi"]);
    assert_eq!(code, 2);
    assert!(err.contains("truncated at byte 52: metadata value type needs 4 more bytes"), "{err}");
}

#[test]
fn generate_logits_and_activations_with_the_model() {
    let Some(model) = model() else { return };
    let (code, out, err) = frontier(&[
        "lm",
        "generate",
        "--model",
        &model,
        "--prompt",
        "What is the capital of France?",
        "--chat",
        "--max-tokens",
        "8",
    ]);
    assert_eq!(code, 0, "{err}");
    let keys: Vec<&String> = out.as_object().map(|o| o.keys().collect()).unwrap_or_default();
    assert_eq!(keys.len(), 6, "{keys:?}");
    for k in ["tokens", "text", "token_ids", "logprobs", "prefill_tokens_per_sec", "decode_tokens_per_sec"] {
        assert!(out.get(k).is_some(), "{k}");
    }
    assert!(out["text"].as_str().unwrap_or_default().contains("Paris"), "{out}");

    let (code, out, err) =
        frontier(&["lm", "logits", "--model", &model, "--prompt", "The capital of France is", "--top", "3"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out["top"][0]["token"], " Paris");

    let text = temp("text.txt", b"Hello world");
    let npy = std::env::temp_dir().join(format!("frontier-lm-{}/act.npy", std::process::id()));
    let npy = npy.to_string_lossy().into_owned();
    let (code, out, err) =
        frontier(&["lm", "activations", "--model", &model, "--layer", "3", "--text", &text, "--out", &npy]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out["shape"], serde_json::json!([2, 576]));
    let bytes = std::fs::read(&npy).unwrap_or_default();
    assert_eq!(&bytes[..6], b"\x93NUMPY");
    let header_len = usize::from(u16::from_le_bytes([bytes[8], bytes[9]]));
    assert_eq!((10 + header_len) % 64, 0);
    assert_eq!(bytes.len(), 10 + header_len + 2 * 576 * 4);

    let (code, _, err) =
        frontier(&["lm", "activations", "--model", &model, "--layer", "31", "--text", &text, "--out", &npy]);
    assert_eq!(code, 2);
    assert!(err.contains("--layer 31"), "{err}");
}

#[test]
fn generation_is_the_same_on_one_thread_and_on_a_pool_of_three() {
    let Some(model) = model() else { return };
    let run = |threads: &str| {
        let (code, out, err) = frontier(&[
            "lm",
            "generate",
            "--model",
            &model,
            "--prompt",
            "Once upon a time",
            "--max-tokens",
            "6",
            "--temperature",
            "0.8",
            "--seed",
            "7",
            "--threads",
            threads,
        ]);
        assert_eq!(code, 0, "{err}");
        (out["token_ids"].clone(), out["logprobs"].clone())
    };
    let one = run("1");
    assert_eq!(one.0.as_array().map(Vec::len), Some(6), "{one:?}");
    assert_eq!(one, run("3"));
}

//! The Rust forward pass against transformers on the same GGUF file
//! (tests/reference/smollm2_reference.py made the fixture).
//!
//! The model file (98 MB) is not committed: the tests look for `FRONTIER_LM_MODEL`, then
//! `static/models/SmolLM2-135M-Instruct.Q4_1.gguf` under the repository root (`cargo xtask
//! assets` puts it there), and print a message and pass when it is absent.
//!
//! Tolerance. Both sides compute in float32 from the same dequantized weights; they differ in the
//! order of the sums (and the decode path factors a Q4_1 block as `d·Σq·x + m·Σx`). One dot
//! product of n terms then differs by about √n·ε·Σ|w·x| (ε = 2⁻²⁴, random-walk rounding); through
//! 30 blocks these differences are amplified by the network's own gain. The bound below,
//! `LOGIT_TOL` = 0.002 absolute on logits of magnitude ~10–30, is the largest difference measured
//! over all fixture prompts (8e-5, natively) times 25: loose enough for another summation order
//! (wasm, a threaded split, another CPU), tight enough that a wrong rotation convention, a
//! misplaced nibble or a wrong epsilon (all of which move logits by 0.1 to 10) fails.

use std::path::PathBuf;
use std::sync::OnceLock;

use frontier_lm::{chat_prompt, Lm, Logits, Message, Serial, Session};
use serde_json::Value;

const LOGIT_TOL: f32 = 2e-3;
/// The residual stream grows to norms of a few hundred in late layers; its tolerance is relative.
const HIDDEN_REL_TOL: f32 = 1e-3;

#[allow(clippy::disallowed_methods)] // the test harness, not the crate, reads the environment
fn model_path() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("FRONTIER_LM_MODEL") {
        // Tests run in the crate's folder: a relative path is also tried from the workspace root.
        let from_root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(&p);
        return Some(if PathBuf::from(&p).exists() { PathBuf::from(p) } else { from_root });
    }
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../static/models/SmolLM2-135M-Instruct.Q4_1.gguf");
    p.exists().then_some(p)
}

fn lm() -> Option<&'static Lm> {
    static LM: OnceLock<Option<Lm>> = OnceLock::new();
    LM.get_or_init(|| {
        let Some(path) = model_path() else {
            eprintln!("skipped: no model file (set FRONTIER_LM_MODEL or run `cargo xtask assets fetch`)");
            return None;
        };
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Some(Lm::load(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
    })
    .as_ref()
}

fn fixture() -> Value {
    let text = include_str!("fixtures/smollm2_reference.json");
    serde_json::from_str(text).unwrap_or_else(|e| panic!("fixture: {e}"))
}

fn ids_of(v: &Value) -> Vec<u32> {
    v.as_array().map(|a| a.iter().filter_map(|x| x.as_u64()).map(|x| x as u32).collect()).unwrap_or_default()
}

fn floats(v: &Value) -> Vec<f32> {
    v.as_array().map(|a| a.iter().filter_map(Value::as_f64).map(|x| x as f32).collect()).unwrap_or_default()
}

fn cases() -> Vec<Value> {
    fixture()["cases"].as_array().cloned().unwrap_or_default()
}

#[test]
fn chat_template_renders_like_transformers() {
    let Some(lm) = lm() else { return };
    for case in cases().iter().filter(|c| c["kind"] == "chat") {
        let prompt = case["prompt"].as_str().unwrap_or_default();
        let text = chat_prompt(
            lm.tokenizer.chat_template.as_deref(),
            &[Message { role: "user".into(), content: prompt.into() }],
        );
        assert_eq!(text, case["text"].as_str().unwrap_or_default());
    }
}

#[test]
fn token_ids_match_transformers() {
    let Some(lm) = lm() else { return };
    for case in cases() {
        let text = case["text"].as_str().unwrap_or_default();
        assert_eq!(lm.tokenizer.encode(text), ids_of(&case["ids"]), "{text:?}");
        // Decoding gives the text back (these texts have no bytes the vocabulary lacks).
        assert_eq!(lm.tokenizer.decode(&ids_of(&case["ids"])), text);
    }
}

#[test]
fn logits_and_residual_stream_match_transformers() {
    let Some(lm) = lm() else { return };
    let mut worst = 0f32;
    for case in cases() {
        let ids = ids_of(&case["ids"]);
        let mut session = Session::new(&lm.model, ids.len()).unwrap_or_else(|e| panic!("{e}"));
        let d = lm.model.config.d_model;
        let mut last = std::collections::BTreeMap::new();
        let out = session
            .forward_with(&Serial, &ids, Logits::All, &mut |layer, x| {
                last.insert(layer, x[x.len() - d..].to_vec());
            })
            .unwrap_or_else(|e| panic!("{e}"));
        let Some(tops) = case["top_logits"].as_object() else { panic!("fixture without top_logits") };
        for (pos, top) in tops {
            let pos: usize = pos.parse().unwrap_or_else(|e| panic!("{e}"));
            let logits = &out.logits[pos];
            for (&id, &want) in ids_of(&top["ids"]).iter().zip(&floats(&top["values"])) {
                let got = logits[id as usize];
                worst = worst.max((got - want).abs());
                assert!(
                    (got - want).abs() <= LOGIT_TOL,
                    "{:?} position {pos} token {id}: {got} vs {want}",
                    case["prompt"]
                );
            }
            // Nothing outside the reference's top 20 beats its 20th logit by more than the tolerance.
            let twentieth = floats(&top["values"]).last().copied().unwrap_or(f32::MIN);
            let top_ids = ids_of(&top["ids"]);
            for (id, &v) in logits.iter().enumerate() {
                assert!(
                    top_ids.contains(&(id as u32)) || v <= twentieth + LOGIT_TOL,
                    "position {pos}: token {id} ({v}) enters the top 20"
                );
            }
        }
        let Some(hidden) = case["hidden_last"].as_object() else { panic!("fixture without hidden_last") };
        for (layer, h) in hidden {
            let layer: usize = layer.parse().unwrap_or_else(|e| panic!("{e}"));
            let mine = &last[&layer];
            let norm = mine.iter().map(|v| v * v).sum::<f32>().sqrt();
            let want_norm = h["norm"].as_f64().unwrap_or_default() as f32;
            assert!(
                (norm - want_norm).abs() <= HIDDEN_REL_TOL * want_norm,
                "layer {layer}: norm {norm} vs {want_norm}"
            );
            for (&a, &b) in mine.iter().zip(&floats(&h["first"])) {
                assert!((a - b).abs() <= HIDDEN_REL_TOL * want_norm, "layer {layer}: {a} vs {b}");
            }
        }
    }
    eprintln!("largest logit difference: {worst}");
}

#[test]
fn greedy_continuations_match_transformers() {
    let Some(lm) = lm() else { return };
    for case in cases() {
        let ids = ids_of(&case["ids"]);
        let want = ids_of(&case["greedy"]);
        let gaps = floats(&case["greedy_gaps"]);
        let mut session = Session::new(&lm.model, ids.len() + want.len()).unwrap_or_else(|e| panic!("{e}"));
        let mut logits =
            session.forward(&Serial, &ids, Logits::Last).unwrap_or_else(|e| panic!("{e}")).logits.remove(0);
        for (step, &w) in want.iter().enumerate() {
            let got = frontier_lm::sample::argmax(&logits) as u32;
            if got != w {
                // Only a near-tie in the reference (best and second within the tolerance) may flip.
                assert!(
                    gaps[step] <= 2.0 * LOGIT_TOL,
                    "{:?} step {step}: {got} vs {w} (gap {})",
                    case["prompt"],
                    gaps[step]
                );
                eprintln!("{:?}: near-tie at step {step} (gap {}), compared up to there", case["prompt"], gaps[step]);
                break;
            }
            logits = session.forward(&Serial, &[got], Logits::Last).unwrap_or_else(|e| panic!("{e}")).logits.remove(0);
        }
    }
}

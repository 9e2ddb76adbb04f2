//! Hand-computed checks that need no model file: GGUF errors, Q4_1/Q8_0 blocks, the kernels
//! against dequantize-then-dot, RoPE, the byte-level table, the pre-tokenizer and sampling.

#![cfg(not(target_arch = "wasm32"))] // proptest does not build for wasm32

use frontier_base::rng::Xoshiro256pp as Rng;
use frontier_lm::gguf::{self, Gguf, Value};
use frontier_lm::kernels::{matmul, Serial};
use frontier_lm::model::{rms_norm, rope};
use frontier_lm::quant::{Matrix, TensorType};
use frontier_lm::sample::{top_n, Sampler, SamplerConfig};
use frontier_lm::tokenizer::{byte_to_char_table, chat_prompt, default_system_prompt, Message};
use frontier_lm::{GgufError, Model};
use proptest::prelude::*;

fn f16_bytes(v: f32) -> [u8; 2] {
    half::f16::from_f32(v).to_bits().to_le_bytes()
}

/// A small GGUF: a few metadata values of every kind and two tensors.
fn small_file() -> Vec<u8> {
    let md = vec![
        ("general.architecture".to_string(), Value::String("llama".into())),
        ("n".to_string(), Value::U32(7)),
        ("f".to_string(), Value::F32(0.5)),
        ("b".to_string(), Value::Bool(true)),
        ("arr".to_string(), Value::Array(vec![Value::String("a".into()), Value::String("bc".into())])),
        ("nested".to_string(), Value::Array(vec![Value::Array(vec![Value::I64(-1)])])),
    ];
    let mut q = f16_bytes(0.5).to_vec();
    q.extend(f16_bytes(-1.0));
    q.extend((0..16u8).map(|i| i | ((15 - i) << 4)));
    let f32s: Vec<u8> = [1.0f32, 2.0, 3.0, 4.0].iter().flat_map(|v| v.to_le_bytes()).collect();
    gguf::write(&md, &[("q".into(), vec![32], TensorType::Q4_1, q), ("v".into(), vec![4], TensorType::F32, f32s)])
}

#[test]
fn a_small_file_parses_with_its_metadata_and_tensors() {
    let bytes = small_file();
    let g = Gguf::parse(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(g.version, 3);
    assert_eq!(g.get("n").and_then(Value::as_u64), Some(7));
    assert_eq!(g.get("arr").and_then(Value::as_array).map(<[Value]>::len), Some(2));
    assert_eq!(g.tensors.len(), 2);
    assert_eq!(g.tensor("q").map(|t| t.size), Some(20));
    assert_eq!(g.data_offset % 32, 0);
    let v = g.tensor("v").map(|t| g.tensor_data(t).to_vec()).unwrap_or_default();
    assert_eq!(&v[..4], &1.0f32.to_le_bytes());
}

#[test]
fn gguf_errors_say_what_and_where() {
    let bytes = small_file();
    let mut bad = bytes.clone();
    bad[0] = b'X';
    assert!(matches!(Gguf::parse(&bad), Err(GgufError::BadMagic { .. })));
    let mut bad = bytes.clone();
    bad[4] = 9;
    assert_eq!(Gguf::parse(&bad).err(), Some(GgufError::UnsupportedVersion(9)));
    assert!(matches!(Gguf::parse(&bytes[..10]), Err(GgufError::Truncated { at: 8, .. })));
    // The last tensor's data cut short.
    let err = Gguf::parse(&bytes[..bytes.len() - 1]).err();
    assert!(matches!(err, Some(GgufError::TensorPastEnd { ref name, .. }) if name == "v"), "{err:?}");
    // A metadata count no file could hold is refused before allocating.
    let mut bad = bytes.clone();
    bad[16..24].copy_from_slice(&u64::MAX.to_le_bytes());
    let err = Gguf::parse(&bad).err();
    assert!(matches!(err, Some(GgufError::AbsurdCount { at: 16, .. })), "{err:?}");
    let msg = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(msg.contains("metadata count at byte 16"), "{msg}");
    // A first key length of 2^60.
    let mut bad = bytes;
    bad[24..32].copy_from_slice(&(1u64 << 60).to_le_bytes());
    assert!(matches!(Gguf::parse(&bad), Err(GgufError::AbsurdCount { at: 24, .. })));
}

#[test]
fn a_file_of_another_architecture_is_refused() {
    let md = vec![("general.architecture".to_string(), Value::String("gpt2".into()))];
    let bytes = gguf::write(&md, &[]);
    let err = Model::load(&bytes).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("architecture \"gpt2\""), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn truncations_and_byte_flips_never_panic(cut in 0usize..2000, flips in prop::collection::vec((0usize..2000, any::<u8>()), 0..6)) {
        let mut bytes = small_file();
        for (at, v) in flips {
            let n = bytes.len();
            bytes[at % n] = v;
        }
        let cut = cut.min(bytes.len());
        let _ = Gguf::parse(&bytes[..cut]);
        let _ = Model::load(&bytes[..cut]);
        let _ = frontier_lm::Lm::load(&bytes[..cut]);
    }
}

#[test]
fn a_q4_1_block_dequantizes_by_hand() {
    // d = 0.5, m = -1; byte j holds element j (low nibble, value j) and element 16 + j (high
    // nibble, value 15 - j): element j = 0.5·j − 1 and element 16 + j = 0.5·(15 − j) − 1.
    let bytes = small_file();
    let g = Gguf::parse(&bytes).unwrap_or_else(|e| panic!("{e}"));
    let info = g.tensor("q").cloned().unwrap_or_else(|| panic!("no tensor"));
    let m = Matrix::from_bytes(info.ty, 1, 32, g.tensor_data(&info), "q").unwrap_or_else(|e| panic!("{e}"));
    let mut row = [0f32; 32];
    m.row(0, &mut row);
    assert_eq!(row[0], -1.0);
    assert_eq!(row[3], 0.5);
    assert_eq!(row[15], 6.5);
    assert_eq!(row[16], 6.5);
    assert_eq!(row[31], -1.0);
}

/// Random Q4_1 and Q8_0 matrices: the kernels (one token and several) equal dequantize-then-dot
/// up to float32 summation order.
#[test]
fn kernels_equal_dequantize_then_dot() {
    let mut rng = Rng::new(7);
    let mut uniform = move || (rng.uniform() * 2.0 - 1.0) as f32;
    let (rows, cols, tokens) = (37, 96, 5);
    for ty in [TensorType::Q4_1, TensorType::Q8_0, TensorType::F32] {
        let mut bytes = Vec::new();
        for _ in 0..rows * cols / 32 {
            match ty {
                TensorType::Q4_1 => {
                    bytes.extend(f16_bytes(uniform() * 0.1));
                    bytes.extend(f16_bytes(uniform()));
                    bytes.extend((0..16).map(|_| (uniform().to_bits() >> 8) as u8));
                }
                TensorType::Q8_0 => {
                    bytes.extend(f16_bytes(uniform() * 0.01));
                    bytes.extend((0..32).map(|_| (uniform().to_bits() >> 8) as u8));
                }
                _ => bytes.extend((0..32).flat_map(|_| uniform().to_le_bytes())),
            }
        }
        let m = Matrix::from_bytes(ty, rows, cols, &bytes, "m").unwrap_or_else(|e| panic!("{e}"));
        let xs: Vec<f32> = (0..tokens * cols).map(|_| uniform()).collect();
        let mut want = vec![0f64; tokens * rows];
        let mut bound = vec![0f64; tokens * rows];
        let mut w = vec![0f32; cols];
        for r in 0..rows {
            m.row(r, &mut w);
            for t in 0..tokens {
                for c in 0..cols {
                    let p = f64::from(w[c]) * f64::from(xs[t * cols + c]);
                    want[t * rows + r] += p;
                    bound[t * rows + r] += p.abs();
                }
            }
        }
        let mut one = vec![0f32; rows];
        let mut many = vec![0f32; tokens * rows];
        matmul(&Serial, &m, &xs[..cols], 1, &mut one);
        matmul(&Serial, &m, &xs, tokens, &mut many);
        // n·ε·Σ|w·x| bounds any summation order's error (n = cols terms, ε = 2⁻²⁴), doubled for
        // the factored block (d·Σq·x + m·Σx).
        let eps = f64::from(f32::EPSILON) / 2.0;
        for i in 0..rows {
            let tol = 2.0 * cols as f64 * eps * bound[i] + 1e-12;
            assert!((f64::from(one[i]) - want[i]).abs() <= tol, "{ty:?} row {i}: {} vs {}", one[i], want[i]);
        }
        for i in 0..tokens * rows {
            let tol = 2.0 * cols as f64 * eps * bound[i] + 1e-12;
            assert!((f64::from(many[i]) - want[i]).abs() <= tol, "{ty:?} {i}: {} vs {}", many[i], want[i]);
        }
    }
}

#[test]
fn rope_rotates_adjacent_pairs_by_position_times_frequency() {
    // head_dim 4: frequencies 1 and 1/base^(2/4) = 0.01 for base 10,000.
    let inv_freq = [1.0f32, 0.01];
    let mut v = [1.0f32, 0.0, 0.0, 2.0];
    rope(&mut v, 4, 3, &inv_freq);
    // Pair (1, 0) turned by 3 rad: (cos 3, sin 3). Pair (0, 2) by 0.03 rad: (−2 sin 0.03, 2 cos 0.03).
    let want = [3f32.cos(), 3f32.sin(), -2.0 * 0.03f32.sin(), 2.0 * 0.03f32.cos()];
    for (a, b) in v.iter().zip(want) {
        assert!((a - b).abs() < 1e-6, "{v:?}");
    }
    // Position 0 leaves the vector as it is.
    let mut u = [0.3f32, -0.7, 1.5, 2.5];
    rope(&mut u, 4, 0, &inv_freq);
    assert_eq!(u, [0.3, -0.7, 1.5, 2.5]);
}

#[test]
fn rms_norm_by_hand() {
    // mean(9, 16) = 12.5: x / sqrt(12.5) · w.
    let mut out = [0f32; 2];
    rms_norm(&[3.0, 4.0], &[1.0, 2.0], 0.0, &mut out);
    assert!((out[0] - 3.0 / 12.5f32.sqrt()).abs() < 1e-6 && (out[1] - 8.0 / 12.5f32.sqrt()).abs() < 1e-6);
}

#[test]
fn byte_level_table_is_gpt2s() {
    let t = byte_to_char_table();
    assert_eq!(t[usize::from(b'A')], 'A');
    assert_eq!(t[usize::from(b' ')], 'Ġ'); // U+0120: byte 32 is the 33rd non-printable byte
    assert_eq!(t[usize::from(b'\n')], 'Ċ');
    assert_eq!(t[0], 'Ā');
    assert_eq!(t[0xAD], 'Ń');
    let mut seen: Vec<char> = t.to_vec();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 256);
}

#[test]
fn chat_template_adds_the_default_system_prompt() {
    let tpl = "{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nBe brief.<|im_end|>\n' }}{% endif %}";
    assert_eq!(default_system_prompt(tpl).as_deref(), Some("Be brief."));
    let user = Message { role: "user".into(), content: "Hi".into() };
    assert_eq!(
        chat_prompt(Some(tpl), std::slice::from_ref(&user)),
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
    );
    let system = Message { role: "system".into(), content: "S".into() };
    assert_eq!(
        chat_prompt(Some(tpl), &[system, user]),
        "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
    );
}

#[test]
fn sampling_is_seeded_and_respects_top_k() {
    let logits = [1.0f32, 3.0, 2.0, 0.5];
    let greedy = Sampler::new(SamplerConfig::default()).sample(&logits);
    assert_eq!(greedy, 1);
    let cfg = SamplerConfig { temperature: 1.0, top_k: 2, top_p: 1.0, seed: 42 };
    let a: Vec<u32> = {
        let mut s = Sampler::new(cfg.clone());
        (0..50).map(|_| s.sample(&logits)).collect()
    };
    let b: Vec<u32> = {
        let mut s = Sampler::new(cfg);
        (0..50).map(|_| s.sample(&logits)).collect()
    };
    assert_eq!(a, b);
    assert!(a.iter().all(|&t| t == 1 || t == 2));
    assert!(a.contains(&1) && a.contains(&2));
    // top-p 0.5: only the most likely token (p = 0.63) is kept.
    let mut s = Sampler::new(SamplerConfig { temperature: 1.0, top_k: 0, top_p: 0.5, seed: 1 });
    assert!((0..20).all(|_| s.sample(&logits) == 1));
    let top = top_n(&logits, 2);
    assert_eq!(top.iter().map(|t| t.0).collect::<Vec<_>>(), vec![1, 2]);
}

#[test]
fn pre_tokenizer_splits_like_gpt2_with_digits_alone() {
    // A tokenizer needs a vocabulary: the byte tokens are enough for the split itself.
    let table = byte_to_char_table();
    let tokens: Vec<Value> = table.iter().map(|c| Value::String(c.to_string())).collect();
    let md = vec![
        ("tokenizer.ggml.model".to_string(), Value::String("gpt2".into())),
        ("tokenizer.ggml.tokens".to_string(), Value::Array(tokens)),
        ("tokenizer.ggml.merges".to_string(), Value::Array(vec![Value::String("Ġ t".into())])),
    ];
    let mut md = md;
    if let Some((_, Value::Array(t))) = md.get_mut(1) {
        t.push(Value::String("Ġt".into()));
    }
    let bytes = gguf::write(&md, &[]);
    let g = Gguf::parse(&bytes).unwrap_or_else(|e| panic!("{e}"));
    let tok = frontier_lm::Tokenizer::from_gguf(&g).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(tok.pieces("Hello world 123x"), vec!["Hello", " world", " ", "1", "2", "3", "x"]);
    assert_eq!(tok.pieces("it's  two\n\nlines  "), vec!["it", "'s", " ", " two", "\n", "\n", "lines", "  "]);
    assert_eq!(tok.pieces("a+=b; ?!"), vec!["a", "+=", "b", ";", " ?!"]);
    assert_eq!(tok.pieces("café 😀"), vec!["café", " 😀"]);
    assert_eq!(tok.encode(" t"), vec![256]);
    assert_eq!(tok.decode(&tok.encode("héllo\n")), "héllo\n");
}

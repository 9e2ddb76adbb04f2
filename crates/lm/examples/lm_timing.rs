//! Prefill and decode speed of the model, single-threaded (the core's path):
//! `cargo run --release -p frontier-lm --example lm_timing -- [MODEL.gguf] [PREFILL_TOKENS] [DECODE_TOKENS]`

#![allow(clippy::disallowed_methods)] // a benchmark times itself

use std::time::Instant;

use frontier_lm::{Lm, Logits, Serial, Session};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "static/models/SmolLM2-135M-Instruct.Q4_1.gguf".into());
    let prefill: usize = args.next().map_or(Ok(256), |s| s.parse())?;
    let decode: usize = args.next().map_or(Ok(64), |s| s.parse())?;
    let bytes = std::fs::read(&path)?;
    let t = Instant::now();
    let lm = Lm::load(&bytes)?;
    drop(bytes);
    println!("load: {:.2} s, {} MB of weights", t.elapsed().as_secs_f64(), lm.model.weight_bytes() / 1_000_000);
    let text = "The quick brown fox jumps over the lazy dog. ".repeat(prefill / 8 + 1);
    let mut ids = lm.tokenizer.encode(&text);
    ids.truncate(prefill);
    let mut session = Session::new(&lm.model, prefill + decode)?;
    let t = Instant::now();
    let out = session.forward(&Serial, &ids, Logits::Last)?;
    let secs = t.elapsed().as_secs_f64();
    println!("prefill: {} tokens in {secs:.3} s = {:.1} tokens/s", ids.len(), ids.len() as f64 / secs);
    let mut next = frontier_lm::sample::argmax(&out.logits[0]) as u32;
    // A hash of every logit's bits: two builds that print the same computed the same floats.
    let mut hash = fnv(0xcbf2_9ce4_8422_2325, &out.logits[0]);
    let t = Instant::now();
    for _ in 0..decode {
        let out = session.forward(&Serial, &[next], Logits::Last)?;
        next = frontier_lm::sample::argmax(&out.logits[0]) as u32;
        hash = fnv(hash, &out.logits[0]);
    }
    let secs = t.elapsed().as_secs_f64();
    println!("decode: {decode} tokens in {secs:.3} s = {:.1} tokens/s", decode as f64 / secs);
    println!("logits hash: {hash:016x}");
    Ok(())
}

fn fnv(mut h: u64, xs: &[f32]) -> u64 {
    for x in xs {
        h = (h ^ u64::from(x.to_bits())).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

//! Prints the ids, top-5 next tokens and a greedy continuation of a prompt (a debugging aid):
//! `cargo run --release -p frontier-lm --example lm_quick -- MODEL.gguf "text"`

use frontier_lm::{Lm, Logits, Serial, Session};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "static/models/SmolLM2-135M-Instruct.Q4_1.gguf".into());
    let text = args.next().unwrap_or_else(|| "The capital of France is".into());
    let lm = Lm::load(&std::fs::read(&path)?)?;
    let ids = lm.tokenizer.encode(&text);
    println!("ids: {ids:?}");
    let mut session = Session::new(&lm.model, ids.len() + 16)?;
    let out = session.forward(&Serial, &ids, Logits::All)?;
    for (p, logits) in out.logits.iter().enumerate() {
        let top = frontier_lm::sample::top_n(logits, 5);
        let max = logits.iter().copied().fold(f32::MIN, f32::max);
        println!(
            "pos {p}: max logit {max:.4} top {:?}",
            top.iter().map(|&(i, _)| (i, logits[i as usize])).collect::<Vec<_>>()
        );
    }
    let mut next = frontier_lm::sample::argmax(&out.logits[out.logits.len() - 1]) as u32;
    let mut gen = vec![next];
    for _ in 0..15 {
        let out = session.forward(&Serial, &[next], Logits::Last)?;
        next = frontier_lm::sample::argmax(&out.logits[0]) as u32;
        gen.push(next);
    }
    println!("greedy: {gen:?} {:?}", lm.tokenizer.decode(&gen));
    Ok(())
}

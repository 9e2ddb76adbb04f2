//! `frontier lm …`: the in-page language model (SmolLM2-135M-Instruct, a GGUF file) natively.
//!
//! - `generate --model F --prompt T [--chat] [--max-tokens N] [--temperature T] [--top-k K]
//!   [--top-p P] [--seed S]`: the continuation, its tokens, ids and log-probabilities, and speed;
//! - `logits --model F --prompt T [--top N]`: the next-token distribution;
//! - `activations --model F --layer L --text FILE --out FILE.npy`: the residual stream after `L`
//!   blocks (0 = the embeddings, up to the block count, before the final norm), tokens × width,
//!   as a float32 NumPy file.
//!
//! Matrix rows are split between threads here (the core stays single-threaded); every row is
//! computed by the same code whatever the split, so results are bit-identical to one thread.
//! Generation keeps its worker threads for the whole run ([`Pool`]): a decode step multiplies by
//! 211 matrices, too many to start threads for each.

use std::collections::HashMap;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use clap::{Args as ClapArgs, Subcommand};
use frontier_lm::kernels::{matvec_rows, Prepared};
use frontier_lm::quant::Matrix;
use frontier_lm::sample::{entropy, log_softmax, top_n};
use frontier_lm::{
    chat_prompt, Exec, GenerateConfig, Generator, Lm, Logits, Message, Model, SamplerConfig, Session, MAX_CONTEXT,
};
use serde_json::{json, Value};

use crate::UsageError;

#[derive(ClapArgs)]
pub struct Args {
    #[command(subcommand)]
    command: LmCommand,
}

#[derive(Subcommand)]
enum LmCommand {
    /// Generates a continuation of a prompt.
    Generate {
        #[arg(long)]
        model: String,
        #[arg(long)]
        prompt: String,
        /// Wraps the prompt in the model's chat template (a user turn, then the assistant's).
        #[arg(long)]
        chat: bool,
        #[arg(long, default_value_t = 64)]
        max_tokens: usize,
        /// 0 is greedy.
        #[arg(long, default_value_t = 0.0)]
        temperature: f32,
        /// 0 keeps every token.
        #[arg(long, default_value_t = 0)]
        top_k: usize,
        #[arg(long, default_value_t = 1.0)]
        top_p: f32,
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Worker threads for the matrix products (default: the machine's cores).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// The next-token distribution after a prompt.
    Logits {
        #[arg(long)]
        model: String,
        #[arg(long)]
        prompt: String,
        #[arg(long)]
        chat: bool,
        #[arg(long, default_value_t = 10)]
        top: usize,
    },
    /// Writes the residual stream after a layer as a .npy file (tokens × width, float32).
    Activations {
        #[arg(long)]
        model: String,
        /// Blocks applied: 0 (the embeddings) to the model's block count.
        #[arg(long)]
        layer: usize,
        /// A text file to run.
        #[arg(long)]
        text: String,
        #[arg(long)]
        out: String,
    },
}

/// Splits rows between scoped threads when there is enough work to pay for starting them.
struct Threads(usize);

impl Exec for Threads {
    fn split(&self, out: &mut [f32], row_width: usize, job: &(dyn Fn(usize, &mut [f32]) + Sync)) {
        let rows = out.len() / row_width.max(1);
        if self.0 <= 1 || out.len() < 4096 || rows < 2 * self.0 {
            job(0, out);
            return;
        }
        let per = rows.div_ceil(self.0);
        std::thread::scope(|s| {
            for (i, chunk) in out.chunks_mut(per * row_width).enumerate() {
                s.spawn(move || job(i * per, chunk));
            }
        });
    }
}

/// Worker threads that live as long as a generation, fed rows of one token's products through
/// channels. They know the model's matrices (borrowed for the thread scope); a product by any
/// other matrix, a small one, or several tokens at once goes to [`Threads`].
struct Pool<'m> {
    /// The model's matrices by address, so that a `&Matrix` handed to `matvec` can be sent to the
    /// workers as the same matrix borrowed for the scope.
    matrices: HashMap<usize, &'m Matrix>,
    jobs: Vec<Sender<Job<'m>>>,
    done: Mutex<Receiver<(usize, Vec<f32>)>>,
    fallback: Threads,
}

struct Job<'m> {
    w: &'m Matrix,
    x: Arc<(Vec<f32>, Prepared)>,
    first_row: usize,
    rows: usize,
}

/// Products smaller than this (rows × columns) run on the calling thread: waking a worker costs
/// more than a 192 × 576 product saves.
const POOL_MIN_WORK: usize = 1 << 18;

impl<'m> Pool<'m> {
    fn new<'s>(scope: &'s std::thread::Scope<'s, '_>, model: &'m Model, threads: usize) -> Self
    where
        'm: 's,
    {
        let (done_tx, done_rx) = channel::<(usize, Vec<f32>)>();
        let mut jobs = Vec::new();
        for _ in 1..threads.max(1) {
            let (tx, rx) = channel::<Job<'m>>();
            let done_tx = done_tx.clone();
            scope.spawn(move || {
                for job in rx {
                    let mut out = vec![0f32; job.rows];
                    matvec_rows(job.w, &job.x.0, &job.x.1, job.first_row, &mut out);
                    if done_tx.send((job.first_row, out)).is_err() {
                        break;
                    }
                }
            });
            jobs.push(tx);
        }
        let matrices = model.matrices().map(|m| (address(m), m)).collect();
        Pool { matrices, jobs, done: Mutex::new(done_rx), fallback: Threads(threads.max(1)) }
    }
}

fn address(m: &Matrix) -> usize {
    std::ptr::from_ref(m) as usize
}

impl Exec for Pool<'_> {
    fn split(&self, out: &mut [f32], row_width: usize, job: &(dyn Fn(usize, &mut [f32]) + Sync)) {
        self.fallback.split(out, row_width, job);
    }

    fn matvec(&self, w: &Matrix, x: &[f32], p: &Prepared, out: &mut [f32]) {
        let known = self.matrices.get(&address(w)).copied();
        let (Some(w), false) = (known, self.jobs.is_empty() || w.rows * w.cols < POOL_MIN_WORK) else {
            matvec_rows(w, x, p, 0, out);
            return;
        };
        // Equal shares in multiples of four rows (the kernels' group); the caller takes the first.
        let per = w.rows.div_ceil(self.jobs.len() + 1).div_ceil(4) * 4;
        let shared = Arc::new((x.to_vec(), p.clone()));
        let mut sent = 0;
        for (tx, first_row) in self.jobs.iter().zip((per..w.rows).step_by(per)) {
            let job = Job { w, x: Arc::clone(&shared), first_row, rows: per.min(w.rows - first_row) };
            if tx.send(job).is_ok() {
                sent += 1;
            } else {
                matvec_rows(w, x, p, first_row, &mut out[first_row..(first_row + per).min(w.rows)]);
            }
        }
        let own = per.min(w.rows);
        matvec_rows(w, x, p, 0, &mut out[..own]);
        let Ok(done) = self.done.lock() else {
            matvec_rows(w, x, p, 0, out);
            return;
        };
        for _ in 0..sent {
            match done.recv() {
                Ok((first_row, rows)) => out[first_row..first_row + rows.len()].copy_from_slice(&rows),
                // A worker died: compute everything here (the same rows give the same floats).
                Err(_) => {
                    matvec_rows(w, x, p, 0, out);
                    return;
                }
            }
        }
    }
}

fn threads(n: Option<usize>) -> Threads {
    Threads(n.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from)).max(1))
}

fn load(path: &str) -> Result<Lm, UsageError> {
    let bytes = std::fs::read(path).map_err(|e| UsageError(format!("{path}: {e}")))?;
    Lm::load(&bytes).map_err(|e| UsageError(format!("{path}: {e}")))
}

fn prompt_ids(lm: &Lm, prompt: &str, chat: bool) -> Result<Vec<u32>, UsageError> {
    let text = if chat {
        chat_prompt(lm.tokenizer.chat_template.as_deref(), &[Message { role: "user".into(), content: prompt.into() }])
    } else {
        prompt.to_string()
    };
    let ids = lm.tokenizer.encode(&text);
    if ids.is_empty() {
        return Err(UsageError("the prompt has no tokens".into()));
    }
    Ok(ids)
}

fn lm_error(e: frontier_lm::LmError) -> UsageError {
    UsageError(e.to_string())
}

pub fn run(args: &Args) -> Result<Value, UsageError> {
    match &args.command {
        LmCommand::Generate { model, prompt, chat, max_tokens, temperature, top_k, top_p, seed, threads: n } => {
            let lm = load(model)?;
            let ids = prompt_ids(&lm, prompt, *chat)?;
            std::thread::scope(|scope| {
                let exec = Pool::new(scope, &lm.model, threads(*n).0);
                let sampler = SamplerConfig { temperature: *temperature, top_k: *top_k, top_p: *top_p, seed: *seed };
                sampler.validate().map_err(UsageError)?;
                let stop: Vec<u32> =
                    [lm.tokenizer.eos, lm.tokenizer.token_id("<|endoftext|>")].into_iter().flatten().collect();
                let config = GenerateConfig { max_tokens: *max_tokens, sampler, stop, top_n: 0 };
                let token_bytes = |id: u32| lm.tokenizer.token_bytes(id);
                let start = Instant::now();
                let mut gen = Generator::new(&lm.model, &exec, &ids, config, &token_bytes).map_err(lm_error)?;
                let prefill_secs = start.elapsed().as_secs_f64();
                let start = Instant::now();
                let (mut tokens, mut token_ids, mut logprobs, mut text) =
                    (Vec::new(), Vec::new(), Vec::new(), String::new());
                while let Some(step) = gen.next_token().map_err(lm_error)? {
                    tokens.push(String::from_utf8_lossy(&lm.tokenizer.token_bytes(step.id)).into_owned());
                    token_ids.push(step.id);
                    logprobs.push(step.logprob);
                    text.push_str(&step.text);
                }
                let decode_secs = start.elapsed().as_secs_f64();
                // The first token comes from the prefill's logits; each later one costs a decode step.
                let decode_steps = token_ids.len().saturating_sub(1);
                Ok(json!({
                    "tokens": tokens,
                    "text": lm.tokenizer.decode(&token_ids),
                    "token_ids": token_ids,
                    "logprobs": logprobs,
                    "prompt_tokens": ids.len(),
                    "prefill_tokens_per_sec": ids.len() as f64 / prefill_secs.max(1e-9),
                    "decode_tokens_per_sec": if decode_steps == 0 { 0.0 } else { decode_steps as f64 / decode_secs.max(1e-9) },
                }))
            })
        }
        LmCommand::Logits { model, prompt, chat, top } => {
            let lm = load(model)?;
            let ids = prompt_ids(&lm, prompt, *chat)?;
            if ids.len() > MAX_CONTEXT {
                return Err(UsageError(format!(
                    "the prompt has {} tokens, over the limit of {MAX_CONTEXT}",
                    ids.len()
                )));
            }
            let mut session = Session::new(&lm.model, ids.len()).map_err(lm_error)?;
            let out = session.forward(&threads(None), &ids, Logits::Last).map_err(lm_error)?;
            let logits = out.logits.first().cloned().unwrap_or_default();
            let lp = log_softmax(&logits);
            let top: Vec<Value> = top_n(&logits, *top)
                .into_iter()
                .map(|(id, l)| {
                    json!({
                        "id": id,
                        "token": String::from_utf8_lossy(&lm.tokenizer.token_bytes(id)).into_owned(),
                        "logit": logits[id as usize],
                        "logprob": l,
                        "prob": f64::from(lp[id as usize]).exp(),
                    })
                })
                .collect();
            Ok(json!({
                "prompt_tokens": ids.len(),
                "token_ids": ids,
                "entropy": entropy(&logits),
                "top": top,
            }))
        }
        LmCommand::Activations { model, layer, text, out } => {
            let lm = load(model)?;
            let layers = lm.model.config.layers;
            if *layer > layers {
                return Err(UsageError(format!("--layer {layer}: from 0 (the embeddings) to {layers}")));
            }
            let text = std::fs::read_to_string(text).map_err(|e| UsageError(format!("{text}: {e}")))?;
            let ids = lm.tokenizer.encode(&text);
            if ids.is_empty() {
                return Err(UsageError("the text has no tokens".into()));
            }
            if ids.len() > MAX_CONTEXT {
                return Err(UsageError(format!("the text has {} tokens, over the limit of {MAX_CONTEXT}", ids.len())));
            }
            let mut session = Session::new(&lm.model, ids.len()).map_err(lm_error)?;
            let mut captured = Vec::new();
            session
                .forward_with(&threads(None), &ids, Logits::None, &mut |l, x| {
                    if l == *layer {
                        captured = x.to_vec();
                    }
                })
                .map_err(lm_error)?;
            let d = lm.model.config.d_model;
            std::fs::write(out, npy_f32(&captured, ids.len(), d)).map_err(|e| UsageError(format!("{out}: {e}")))?;
            let tokens: Vec<String> =
                ids.iter().map(|&id| String::from_utf8_lossy(&lm.tokenizer.token_bytes(id)).into_owned()).collect();
            Ok(json!({ "out": out, "layer": layer, "shape": [ids.len(), d], "tokens": tokens, "token_ids": ids }))
        }
    }
}

/// A NumPy .npy file, format 1.0: magic, header length, a Python dict literal padded with
/// spaces so the data starts at a multiple of 64 bytes, then little-endian float32 in C order.
pub fn npy_f32(data: &[f32], rows: usize, cols: usize) -> Vec<u8> {
    let mut header = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {cols}), }}");
    let total = (10 + header.len() + 1).div_ceil(64) * 64;
    while 10 + header.len() + 1 < total {
        header.push(' ');
    }
    header.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    for v in data {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

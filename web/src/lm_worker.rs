//! The model lab's worker: its protocol with the page, and the glue between those messages and
//! the engine (`frontier_lm`). The page sends JSON commands (`{ lm: <LmCommand JSON>, bytes? }`,
//! the model file's bytes transferred beside a `Load`); the worker answers with JSON replies and,
//! for activations, the `.npy` bytes beside them.
//!
//! Only the model's worker (`web/lm-worker`) calls [`Engine`], so the page's own modules never link the engine
//! (the link-time optimiser leaves it out of them); the protocol types are all they share. The
//! engine glue runs natively in tests too.

use frontier_lm::{GenerateConfig, Generator, Lm, Logits, SamplerConfig, Serial, Session, Step, MAX_CONTEXT};
use serde::{Deserialize, Serialize};

/// Candidates reported per generated token (the page shows the top 10).
pub const TOP_N: usize = 10;
/// The longest text the activations tool reads, in bytes (its tokens must also fit a session).
pub const MAX_ACTIVATION_TEXT_BYTES: usize = 16 << 10;

/// Chat (the instruct template around the prompt) or raw completion of the text as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Chat,
    Complete,
}

/// One generation's prompt and sampling settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenerateRequest {
    pub mode: Mode,
    pub prompt: String,
    pub max_tokens: usize,
    /// 0: greedy.
    pub temperature: f32,
    /// 0: no top-k cut.
    pub top_k: usize,
    /// 1: no nucleus cut.
    pub top_p: f32,
    pub seed: u64,
}

/// What the page asks of the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum LmCommand {
    /// Read the model file sent beside the command.
    Load,
    Generate(GenerateRequest),
    /// End the running generation after the token being computed.
    Stop,
    /// The residual stream after `layer` blocks (0: the embeddings) for `text`, as written.
    Activations {
        text: String,
        layer: usize,
    },
}

/// The loaded model, as the page describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub layers: usize,
    pub d_model: usize,
    pub heads: usize,
    pub kv_heads: usize,
    pub vocab: usize,
    pub weight_bytes: usize,
    pub max_context: usize,
    /// What the chat template makes of a one-line question, shown beside the chat mode.
    pub chat_template_example: String,
    pub load_ms: f64,
}

/// A candidate for the next token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub id: u32,
    pub text: String,
    pub logprob: f32,
}

/// One generated token and the distribution it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub id: u32,
    /// The token's own bytes, read as UTF-8 (a character split across tokens shows as U+FFFD).
    pub piece: String,
    /// The text this token completes (see `frontier_lm::Step::text`).
    pub text: String,
    pub logprob: f32,
    /// Entropy (nats) of the distribution it was drawn from.
    pub entropy: f32,
    pub top: Vec<Candidate>,
}

/// Why a generation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinishReason {
    /// The model wrote an end token.
    EndToken,
    MaxTokens,
    /// Stop was pressed.
    Stopped,
}

/// What the worker answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "snake_case")]
pub enum LmReply {
    /// The worker's wasm is running and listens.
    Ready,
    Loaded(ModelInfo),
    /// The prompt ran: its tokens, and how long the prefill took.
    Started {
        prompt: Vec<String>,
        prefill_ms: f64,
    },
    Tokens {
        tokens: Vec<TokenInfo>,
    },
    /// Decode time covers every generated token after the prefill.
    Finished {
        reason: FinishReason,
        prompt_tokens: usize,
        prefill_ms: f64,
        generated: usize,
        decode_ms: f64,
    },
    /// Token texts and residual norms; the `.npy` (tokens × d_model, f32) comes beside it.
    Activations {
        layer: usize,
        tokens: Vec<String>,
        norms: Vec<f32>,
    },
    Failed {
        error: String,
    },
}

/// The bytes a model file needs in the worker beyond the file itself, before it is read: the
/// repacked weights (at most the file's size again: Q4_1 scales widen from f16 to f32, 20 bytes a
/// block become 24) and a full-length KV cache (46,080 bytes a token for SmolLM2-135M).
pub fn load_bytes_needed(file_bytes: usize) -> usize {
    let weights = (file_bytes / 20).saturating_mul(24);
    file_bytes.saturating_add(weights).saturating_add(MAX_CONTEXT * 46_080)
}

/// The residual stream of a text: its tokens, each one's L2 norm, and the `.npy` bytes.
pub type ResidualStream = (Vec<String>, Vec<f32>, Vec<u8>);

/// A loaded model, for the worker's lifetime (the worker holds one; a new model is a new worker).
pub struct Engine {
    lm: &'static Lm,
    token_bytes: &'static dyn Fn(u32) -> Vec<u8>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("layers", &self.lm.model.config.layers).finish_non_exhaustive()
    }
}

/// A running generation and its timings.
pub struct Running {
    pub generator: Generator<'static, 'static>,
    pub prompt_tokens: usize,
    pub prefill_ms: f64,
    pub decode_ms: f64,
    pub generated: usize,
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running").field("generated", &self.generated).finish_non_exhaustive()
    }
}

static EXEC: Serial = Serial;

impl Engine {
    /// Reads a model file. The model lives as long as the worker (it is leaked on purpose: the
    /// running generation borrows it across the worker's event loop).
    pub fn load(bytes: &[u8], now_ms: &dyn Fn() -> f64) -> Result<(Engine, ModelInfo), String> {
        let t0 = now_ms();
        let lm = Lm::load(bytes).map_err(|e| format!("the model file cannot be read: {e}"))?;
        let lm: &'static Lm = Box::leak(Box::new(lm));
        let token_bytes: &'static dyn Fn(u32) -> Vec<u8> = Box::leak(Box::new(|id| lm.tokenizer.token_bytes(id)));
        let c = &lm.model.config;
        let template = frontier_lm::chat_prompt(
            lm.tokenizer.chat_template.as_deref(),
            &[frontier_lm::Message { role: "user".into(), content: "What is the capital of France?".into() }],
        );
        let info = ModelInfo {
            layers: c.layers,
            d_model: c.d_model,
            heads: c.heads,
            kv_heads: c.kv_heads,
            vocab: c.vocab,
            weight_bytes: lm.model.weight_bytes(),
            max_context: MAX_CONTEXT,
            chat_template_example: template,
            load_ms: now_ms() - t0,
        };
        Ok((Engine { lm, token_bytes }, info))
    }

    fn piece(&self, id: u32) -> String {
        String::from_utf8_lossy(&self.lm.tokenizer.token_bytes(id)).into_owned()
    }

    /// The prompt's token ids in `mode`.
    pub fn prompt_ids(&self, mode: Mode, prompt: &str) -> Vec<u32> {
        match mode {
            Mode::Chat => self.lm.chat_ids(prompt),
            Mode::Complete => self.lm.tokenizer.encode(prompt),
        }
    }

    /// Runs the prompt and returns the generation ready to produce tokens, with the prompt's
    /// tokens as text.
    pub fn start(&self, request: &GenerateRequest, now_ms: &dyn Fn() -> f64) -> Result<(Running, Vec<String>), String> {
        let ids = self.prompt_ids(request.mode, &request.prompt);
        if ids.is_empty() {
            return Err("the prompt is empty: write something for the model to continue".into());
        }
        let t = &self.lm.tokenizer;
        // Chat answers end at the turn's end; both modes end at the end-of-text token.
        let mut stop: Vec<u32> = t.eos.into_iter().collect();
        if request.mode == Mode::Chat {
            stop.extend(t.token_id("<|im_end|>"));
        }
        let config = GenerateConfig {
            max_tokens: request.max_tokens,
            sampler: SamplerConfig {
                temperature: request.temperature,
                top_k: request.top_k,
                top_p: request.top_p,
                seed: request.seed,
            },
            stop,
            top_n: TOP_N,
        };
        let t0 = now_ms();
        let generator = Generator::new(&self.lm.model, &EXEC, &ids, config, self.token_bytes)
            .map_err(|e| format!("generation cannot start: {e}"))?;
        let prefill_ms = now_ms() - t0;
        let prompt = ids.iter().map(|&id| self.piece(id)).collect();
        Ok((Running { generator, prompt_tokens: ids.len(), prefill_ms, decode_ms: 0.0, generated: 0 }, prompt))
    }

    /// A step as the page shows it.
    pub fn token_info(&self, step: Step) -> TokenInfo {
        let top = step.top.iter().map(|&(id, logprob)| Candidate { id, text: self.piece(id), logprob }).collect();
        TokenInfo {
            id: step.id,
            piece: self.piece(step.id),
            text: step.text,
            logprob: step.logprob,
            entropy: step.entropy,
            top,
        }
    }

    /// The residual stream of `text` after `layer` blocks: the tokens, each one's L2 norm, and
    /// the `.npy` file (tokens × d_model, float32) for the SAE lab.
    pub fn activations(&self, text: &str, layer: usize) -> Result<ResidualStream, String> {
        let c = &self.lm.model.config;
        if layer > c.layers {
            return Err(format!("layer {layer}: from 0 (the embeddings) to {}", c.layers));
        }
        if text.len() > MAX_ACTIVATION_TEXT_BYTES {
            return Err(format!("the text is over {} KB", MAX_ACTIVATION_TEXT_BYTES >> 10));
        }
        let ids = self.lm.tokenizer.encode(text);
        if ids.is_empty() {
            return Err("the text is empty".into());
        }
        if ids.len() > MAX_CONTEXT {
            return Err(format!("the text has {} tokens, over the {MAX_CONTEXT} a session holds", ids.len()));
        }
        let mut session = Session::new(&self.lm.model, ids.len()).map_err(|e| e.to_string())?;
        let mut kept: Vec<f32> = Vec::new();
        kept.try_reserve_exact(ids.len() * c.d_model).map_err(|_| "out of memory for the activations".to_string())?;
        session
            .forward_with(&EXEC, &ids, Logits::None, &mut |n, residual| {
                if n == layer {
                    kept.extend_from_slice(residual);
                }
            })
            .map_err(|e| e.to_string())?;
        let matrix = frontier_sae::Matrix { rows: ids.len(), cols: c.d_model, values: kept };
        let norms =
            matrix.values.chunks_exact(c.d_model).map(|row| row.iter().map(|x| x * x).sum::<f32>().sqrt()).collect();
        let tokens = ids.iter().map(|&id| self.piece(id)).collect();
        Ok((tokens, norms, frontier_sae::io::write_npy_f32(&matrix)))
    }
}

impl Running {
    /// The next token (timed into `decode_ms`), or `None` once generation has ended.
    pub fn next(&mut self, engine: &Engine, now_ms: &dyn Fn() -> f64) -> Result<Option<TokenInfo>, String> {
        let t0 = now_ms();
        let step = self.generator.next_token().map_err(|e| e.to_string())?;
        self.decode_ms += now_ms() - t0;
        Ok(step.map(|s| {
            self.generated += 1;
            engine.token_info(s)
        }))
    }

    /// How it ended, once [`Running::next`] returned `None`.
    pub fn reason(&self) -> FinishReason {
        match self.generator.finish {
            Some(frontier_lm::generate::Finish::Stop(_)) => FinishReason::EndToken,
            _ => FinishReason::MaxTokens,
        }
    }

    pub fn finished(&self, reason: FinishReason) -> LmReply {
        LmReply::Finished {
            reason,
            prompt_tokens: self.prompt_tokens,
            prefill_ms: self.prefill_ms,
            generated: self.generated,
            decode_ms: self.decode_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The model file, when this checkout has it (`cargo xtask assets`, or copied by hand).
    fn model_bytes() -> Option<Vec<u8>> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../static/models/SmolLM2-135M-Instruct.Q4_1.gguf");
        let bytes = std::fs::read(path).ok();
        if bytes.is_none() {
            println!("skipped: no model file at {path}");
        }
        bytes
    }

    #[test]
    fn commands_and_replies_round_trip_as_json() -> Result<(), serde_json::Error> {
        let command = LmCommand::Generate(GenerateRequest {
            mode: Mode::Chat,
            prompt: "Hi".into(),
            max_tokens: 16,
            temperature: 0.0,
            top_k: 0,
            top_p: 1.0,
            seed: 7,
        });
        let text = serde_json::to_string(&command)?;
        assert!(text.starts_with(r#"{"command":"generate","mode":"chat""#), "{text}");
        assert_eq!(serde_json::from_str::<LmCommand>(&text)?, command);
        let reply = LmReply::Finished {
            reason: FinishReason::Stopped,
            prompt_tokens: 3,
            prefill_ms: 1.5,
            generated: 2,
            decode_ms: 9.0,
        };
        assert_eq!(serde_json::from_str::<LmReply>(&serde_json::to_string(&reply)?)?, reply);
        Ok(())
    }

    #[test]
    fn the_memory_check_counts_the_file_its_repacked_weights_and_a_full_cache() {
        // 98,362,432 bytes of file, about as much again repacked, and 2,048 × 46,080 of cache.
        let need = load_bytes_needed(98_362_432);
        assert_eq!(need, 98_362_432 + 98_362_432 / 20 * 24 + 94_371_840);
        assert_eq!(load_bytes_needed(usize::MAX), usize::MAX);
    }

    #[test]
    fn a_file_that_is_not_a_model_is_an_error_not_a_panic() {
        let err = Engine::load(b"not a model at all", &|| 0.0).err().unwrap_or_default();
        assert!(err.contains("not a GGUF file"), "{err}");
    }

    #[test]
    fn greedy_generation_and_activations_from_the_real_file() -> Result<(), String> {
        let Some(bytes) = model_bytes() else { return Ok(()) };
        let (engine, info) = Engine::load(&bytes, &|| 0.0)?;
        assert_eq!((info.layers, info.d_model, info.vocab), (30, 576, 49_152));
        assert!(info.chat_template_example.ends_with("<|im_start|>assistant\n"));
        let request = GenerateRequest {
            mode: Mode::Complete,
            prompt: "Once upon a time, there was a little robot who".into(),
            max_tokens: 4,
            temperature: 0.0,
            top_k: 0,
            top_p: 1.0,
            seed: 0,
        };
        let (mut run, prompt) = engine.start(&request, &|| 0.0)?;
        assert_eq!(prompt.len(), run.prompt_tokens);
        let mut ids = Vec::new();
        while let Some(t) = run.next(&engine, &|| 0.0)? {
            assert_eq!(t.top.len(), TOP_N);
            assert_eq!(t.top[0].id, t.id, "greedy takes the most likely token");
            ids.push(t.id);
        }
        // The reference's first greedy tokens (crates/lm/tests/fixtures/smollm2_reference.json).
        assert_eq!(ids, [761, 253, 1767, 2470]);
        assert_eq!(run.reason(), FinishReason::MaxTokens);
        let (tokens, norms, npy) = engine.activations("The capital of France is", 6)?;
        assert_eq!((tokens.len(), norms.len()), (5, 5));
        assert!(norms.iter().all(|n| n.is_finite() && *n > 0.0));
        let back = frontier_sae::io::parse_npy(&npy).map_err(|e| e.to_string())?;
        assert_eq!((back.rows, back.cols), (5, 576));
        assert!(engine.activations("x", 31).is_err());
        Ok(())
    }
}

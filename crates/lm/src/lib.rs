//! A small language model run entirely on the client, with no knowledge of the web.
//!
//! - [`gguf`]: the GGUF file format (validated before anything is allocated);
//! - [`quant`]: tensor types (F32, F16, Q4_1, Q8_0) and the repacked weight matrices;
//! - [`kernels`]: matrix products over float32 activations (simd128 in wasm);
//! - [`model`]: the Llama forward pass with a KV cache and a hook on the residual stream;
//! - [`tokenizer`]: the file's byte-level BPE tokenizer and its chat template;
//! - [`sample`] and [`generate`]: sampling and token-by-token generation.

pub mod error;
pub mod generate;
pub mod gguf;
pub mod kernels;
pub mod model;
pub mod quant;
pub mod sample;
pub mod tokenizer;

pub use error::{GgufError, LmError};
pub use generate::{GenerateConfig, Generator, Step};
pub use gguf::Gguf;
pub use kernels::{Exec, Serial};
pub use model::{Logits, Model, Session, MAX_CONTEXT};
pub use sample::{Sampler, SamplerConfig};
pub use tokenizer::{chat_prompt, Message, Tokenizer};

/// A model and its tokenizer, read from one GGUF file.
#[derive(Debug)]
pub struct Lm {
    pub model: Model,
    pub tokenizer: Tokenizer,
}

impl Lm {
    pub fn load(bytes: &[u8]) -> Result<Self, LmError> {
        let g = Gguf::parse(bytes)?;
        Ok(Lm { model: Model::from_gguf(&g)?, tokenizer: Tokenizer::from_gguf(&g)? })
    }

    /// The token ids of a single-user-turn chat prompt, with the template's default system prompt.
    pub fn chat_ids(&self, user: &str) -> Vec<u32> {
        let text = chat_prompt(
            self.tokenizer.chat_template.as_deref(),
            &[Message { role: "user".into(), content: user.into() }],
        );
        self.tokenizer.encode(&text)
    }
}

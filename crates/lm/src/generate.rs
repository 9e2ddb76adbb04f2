//! Generation as a stream: [`Generator::next_token`] returns one token at a time with its
//! log-probability, the entropy of the distribution it came from and the top candidates, so a
//! caller can show tokens as they come and stop whenever it likes (just stop calling).

use crate::error::LmError;
use crate::kernels::Exec;
use crate::model::{Logits, Model, Session, MAX_CONTEXT};
use crate::sample::{entropy, log_softmax, top_n, Sampler, SamplerConfig};

#[derive(Debug, Clone, PartialEq)]
pub struct GenerateConfig {
    pub max_tokens: usize,
    pub sampler: SamplerConfig,
    /// Generation ends (without emitting it) at any of these ids.
    pub stop: Vec<u32>,
    /// How many top candidates each step reports.
    pub top_n: usize,
}

/// One generated token.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub id: u32,
    /// The text completed by this token: bytes of a character split across tokens wait for the
    /// token that completes it.
    pub text: String,
    /// ln p(token) under the model (temperature 1, before any cut).
    pub logprob: f32,
    /// Entropy (nats) of the model's next-token distribution.
    pub entropy: f32,
    /// The most likely ids and their log-probabilities.
    pub top: Vec<(u32, f32)>,
}

/// Why generation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    Stop(u32),
    MaxTokens,
}

pub struct Generator<'m, 'e> {
    session: Session<'m>,
    exec: &'e dyn Exec,
    sampler: Sampler,
    config: GenerateConfig,
    logits: Vec<f32>,
    produced: usize,
    pending: Vec<u8>,
    token_bytes: &'e dyn Fn(u32) -> Vec<u8>,
    pub finish: Option<Finish>,
}

impl std::fmt::Debug for Generator<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generator").field("produced", &self.produced).field("finish", &self.finish).finish()
    }
}

impl<'m, 'e> Generator<'m, 'e> {
    /// Runs the prompt (the prefill) and gets ready to produce tokens. `token_bytes` maps an id to
    /// its bytes (the tokenizer's `token_bytes`).
    pub fn new(
        model: &'m Model,
        exec: &'e dyn Exec,
        prompt: &[u32],
        config: GenerateConfig,
        token_bytes: &'e dyn Fn(u32) -> Vec<u8>,
    ) -> Result<Self, LmError> {
        config.sampler.validate().map_err(LmError::Invalid)?;
        if prompt.is_empty() {
            return Err(LmError::Invalid("the prompt has no tokens".into()));
        }
        let needed = prompt.len() + config.max_tokens;
        if needed > MAX_CONTEXT {
            return Err(LmError::TooLong { needed, limit: MAX_CONTEXT });
        }
        let mut session = Session::new(model, needed)?;
        let mut out = session.forward(exec, prompt, Logits::Last)?;
        let logits = out.logits.pop().unwrap_or_default();
        let sampler = Sampler::new(config.sampler.clone());
        Ok(Generator {
            session,
            exec,
            sampler,
            config,
            logits,
            produced: 0,
            pending: Vec::new(),
            token_bytes,
            finish: None,
        })
    }

    /// The session (its KV cache holds the prompt and what was generated).
    pub fn session(&self) -> &Session<'m> {
        &self.session
    }

    /// The next token, or `None` when generation has ended (see [`Generator::finish`]).
    pub fn next_token(&mut self) -> Result<Option<Step>, LmError> {
        if self.finish.is_some() {
            return Ok(None);
        }
        if self.produced >= self.config.max_tokens {
            self.finish = Some(Finish::MaxTokens);
            return Ok(None);
        }
        let id = self.sampler.sample(&self.logits);
        if self.config.stop.contains(&id) {
            self.finish = Some(Finish::Stop(id));
            return Ok(None);
        }
        let lp = log_softmax(&self.logits);
        let step_entropy = entropy(&self.logits);
        let top = top_n(&self.logits, self.config.top_n);
        self.pending.extend((self.token_bytes)(id));
        let text = take_complete_utf8(&mut self.pending);
        self.produced += 1;
        if self.produced < self.config.max_tokens {
            let mut out = self.session.forward(self.exec, &[id], Logits::Last)?;
            self.logits = out.logits.pop().unwrap_or_default();
        }
        Ok(Some(Step { id, text, logprob: lp[id as usize], entropy: step_entropy, top }))
    }
}

/// Removes and returns the longest prefix of `bytes` that is complete UTF-8; invalid bytes become
/// U+FFFD, and an incomplete character at the end stays for the next call.
fn take_complete_utf8(bytes: &mut Vec<u8>) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => {
            let s = s.to_string();
            bytes.clear();
            s
        }
        Err(e) if e.error_len().is_none() => {
            let valid = e.valid_up_to();
            let s = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            bytes.drain(..valid);
            s
        }
        Err(_) => {
            // An invalid sequence that is not just cut short: let lossy decoding keep up to the
            // last possibly incomplete character.
            let keep_from = bytes.len().saturating_sub(3);
            let tail_start = (keep_from..bytes.len())
                .find(|&i| bytes[i] >= 0xC0 && std::str::from_utf8(&bytes[i..]).is_err())
                .unwrap_or(bytes.len());
            let s = String::from_utf8_lossy(&bytes[..tail_start]).into_owned();
            bytes.drain(..tail_start);
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::take_complete_utf8;

    #[test]
    fn utf8_split_across_tokens_waits_for_its_end() {
        let mut b = vec![b'a', 0xF0, 0x9F];
        assert_eq!(take_complete_utf8(&mut b), "a");
        b.extend([0x98, 0x80]);
        assert_eq!(take_complete_utf8(&mut b), "😀");
        assert!(b.is_empty());
    }
}

//! Model architectures: what the memory and speed of inference depend on.
//!
//! Parameter counts are totals from the models' configs; the references section C(ii)
//! reproduces the published totals from the config fields.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// How a layer caches keys and values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Attention {
    /// Multi-head or grouped-query attention: keys and values of `kv_heads · head_dim` each.
    Standard { kv_heads: f64, head_dim: f64 },
    /// Multi-head latent attention (DeepSeek-V2/V3): one compressed latent of `kv_lora_rank`
    /// plus a shared rotary key of `rope_dim` per token and layer.
    Latent { kv_lora_rank: f64, rope_dim: f64 },
}

/// Layers that attend only to the last `window` tokens, so their cache stops growing.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SlidingWindow {
    pub window: f64,
    /// How many of the layers use the window (Gemma 2: every other one; Mistral 7B: all).
    pub layers: f64,
}

/// A mixture-of-experts layout, for expert offloading.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Experts {
    pub routed: f64,
    pub active: f64,
    /// Layers that have experts (DeepSeek-V3's first three layers are dense).
    pub moe_layers: f64,
}

/// A model's shape. Text fields are `Cow` so the preset table is a `const` of this very type
/// while pasted configs own their strings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelArch {
    pub id: Cow<'static, str>,
    pub name: Cow<'static, str>,
    pub total_params: f64,
    pub active_params: f64,
    pub layers: f64,
    pub hidden: f64,
    pub heads: f64,
    pub attention: Attention,
    pub vocab: f64,
    pub context: f64,
    pub tied_embeddings: bool,
    #[serde(default)]
    pub sliding_window: Option<SlidingWindow>,
    #[serde(default)]
    pub experts: Option<Experts>,
    pub source: Cow<'static, str>,
}

impl ModelArch {
    /// KV-cache elements per token summed over all layers (the full-attention count, before
    /// any sliding window caps it).
    pub fn kv_elements_per_token(&self) -> f64 {
        self.kv_elements_per_token_per_layer() * self.layers
    }

    pub fn kv_elements_per_token_per_layer(&self) -> f64 {
        match self.attention {
            Attention::Standard { kv_heads, head_dim } => 2.0 * kv_heads * head_dim,
            Attention::Latent { kv_lora_rank, rope_dim } => kv_lora_rank + rope_dim,
        }
    }

    /// Cached positions summed over layers for a context of `ctx` tokens: sliding-window
    /// layers keep at most `window` positions.
    pub fn cached_layer_positions(&self, ctx: f64) -> f64 {
        match self.sliding_window {
            Some(w) => {
                let windowed = w.layers.min(self.layers);
                windowed * ctx.min(w.window) + (self.layers - windowed) * ctx
            }
            None => self.layers * ctx,
        }
    }

    pub fn by_id(id: &str) -> Option<ModelArch> {
        MODELS.iter().find(|m| m.id == id).cloned()
    }
}

const fn gqa(kv_heads: f64, head_dim: f64) -> Attention {
    Attention::Standard { kv_heads, head_dim }
}

const LLAMA_SOURCE: &str = "Meta Llama 3.1 / 3.2 config.json; totals as counted in the references (C(ii))";

/// SmolLM2-135M's config.json (HuggingFaceTB/SmolLM2-135M-Instruct): 30 layers, hidden 576, 9
/// heads of 64, 3 KV heads, intermediate 1536, vocabulary 49,152, tied embeddings. Total
/// 134,515,008 = 49,152 · 576 + 30 · (2 · 576² + 2 · 576 · 192 + 3 · 576 · 1536 + 2 · 576) + 576.
const SMOLLM2_SOURCE: &str =
    "SmolLM2-135M-Instruct config.json (HuggingFaceTB); total counted from its shape, as the model lab's GGUF holds it";

pub const MODELS: &[ModelArch] = &[
    ModelArch {
        id: Cow::Borrowed("llama-3.2-1b"),
        name: Cow::Borrowed("Llama 3.2 1B"),
        total_params: 1.24e9,
        active_params: 1.24e9,
        layers: 16.0,
        hidden: 2048.0,
        heads: 32.0,
        attention: gqa(8.0, 64.0),
        vocab: 128_256.0,
        context: 131_072.0,
        tied_embeddings: true,
        sliding_window: None,
        experts: None,
        source: Cow::Borrowed(LLAMA_SOURCE),
    },
    ModelArch {
        id: Cow::Borrowed("llama-3.2-3b"),
        name: Cow::Borrowed("Llama 3.2 3B"),
        total_params: 3.21e9,
        active_params: 3.21e9,
        layers: 28.0,
        hidden: 3072.0,
        heads: 24.0,
        attention: gqa(8.0, 128.0),
        vocab: 128_256.0,
        context: 131_072.0,
        tied_embeddings: true,
        sliding_window: None,
        experts: None,
        source: Cow::Borrowed(LLAMA_SOURCE),
    },
    ModelArch {
        id: Cow::Borrowed("llama-3.1-8b"),
        name: Cow::Borrowed("Llama 3.1 8B"),
        total_params: 8.03e9,
        active_params: 8.03e9,
        layers: 32.0,
        hidden: 4096.0,
        heads: 32.0,
        attention: gqa(8.0, 128.0),
        vocab: 128_256.0,
        context: 131_072.0,
        tied_embeddings: false,
        sliding_window: None,
        experts: None,
        source: Cow::Borrowed(LLAMA_SOURCE),
    },
    ModelArch {
        id: Cow::Borrowed("llama-3.1-70b"),
        name: Cow::Borrowed("Llama 3.1 70B"),
        total_params: 70.6e9,
        active_params: 70.6e9,
        layers: 80.0,
        hidden: 8192.0,
        heads: 64.0,
        attention: gqa(8.0, 128.0),
        vocab: 128_256.0,
        context: 131_072.0,
        tied_embeddings: false,
        sliding_window: None,
        experts: None,
        source: Cow::Borrowed(LLAMA_SOURCE),
    },
    ModelArch {
        id: Cow::Borrowed("llama-3.1-405b"),
        name: Cow::Borrowed("Llama 3.1 405B"),
        total_params: 405.9e9,
        active_params: 405.9e9,
        layers: 126.0,
        hidden: 16384.0,
        heads: 128.0,
        attention: gqa(8.0, 128.0),
        vocab: 128_256.0,
        context: 131_072.0,
        tied_embeddings: false,
        sliding_window: None,
        experts: None,
        source: Cow::Borrowed(LLAMA_SOURCE),
    },
    ModelArch {
        id: Cow::Borrowed("mistral-7b"),
        name: Cow::Borrowed("Mistral 7B v0.1"),
        total_params: 7.24e9,
        active_params: 7.24e9,
        layers: 32.0,
        hidden: 4096.0,
        heads: 32.0,
        attention: gqa(8.0, 128.0),
        vocab: 32_000.0,
        context: 8192.0,
        tied_embeddings: false,
        sliding_window: Some(SlidingWindow { window: 4096.0, layers: 32.0 }),
        experts: None,
        source: Cow::Borrowed("Mistral 7B v0.1 config.json (sliding_window 4096)"),
    },
    ModelArch {
        id: Cow::Borrowed("mixtral-8x7b"),
        name: Cow::Borrowed("Mixtral 8x7B"),
        total_params: 46.7e9,
        active_params: 12.9e9,
        layers: 32.0,
        hidden: 4096.0,
        heads: 32.0,
        attention: gqa(8.0, 128.0),
        vocab: 32_000.0,
        context: 32_768.0,
        tied_embeddings: false,
        sliding_window: None,
        experts: Some(Experts { routed: 8.0, active: 2.0, moe_layers: 32.0 }),
        source: Cow::Borrowed("Mixtral 8x7B config.json; 12.9B active (2 of 8 experts)"),
    },
    ModelArch {
        id: Cow::Borrowed("deepseek-v3"),
        name: Cow::Borrowed("DeepSeek-V3"),
        total_params: 671e9,
        active_params: 37e9,
        layers: 61.0,
        hidden: 7168.0,
        heads: 128.0,
        attention: Attention::Latent { kv_lora_rank: 512.0, rope_dim: 64.0 },
        vocab: 129_280.0,
        context: 131_072.0,
        tied_embeddings: false,
        sliding_window: None,
        experts: Some(Experts { routed: 256.0, active: 8.0, moe_layers: 58.0 }),
        source: Cow::Borrowed("DeepSeek-V3 report and config (kv_lora_rank 512, qk_rope_head_dim 64; 3 dense layers)"),
    },
    ModelArch {
        id: Cow::Borrowed("qwen2.5-7b"),
        name: Cow::Borrowed("Qwen2.5 7B"),
        total_params: 7.61e9,
        active_params: 7.61e9,
        layers: 28.0,
        hidden: 3584.0,
        heads: 28.0,
        attention: gqa(4.0, 128.0),
        vocab: 152_064.0,
        context: 131_072.0,
        tied_embeddings: false,
        sliding_window: None,
        experts: None,
        source: Cow::Borrowed("Qwen2.5-7B config.json"),
    },
    ModelArch {
        id: Cow::Borrowed("qwen2.5-72b"),
        name: Cow::Borrowed("Qwen2.5 72B"),
        total_params: 72.7e9,
        active_params: 72.7e9,
        layers: 80.0,
        hidden: 8192.0,
        heads: 64.0,
        attention: gqa(8.0, 128.0),
        vocab: 152_064.0,
        context: 131_072.0,
        tied_embeddings: false,
        sliding_window: None,
        experts: None,
        source: Cow::Borrowed("Qwen2.5-72B config.json"),
    },
    ModelArch {
        id: Cow::Borrowed("gemma-2-2b"),
        name: Cow::Borrowed("Gemma 2 2B"),
        total_params: 2.61e9,
        active_params: 2.61e9,
        layers: 26.0,
        hidden: 2304.0,
        heads: 8.0,
        attention: gqa(4.0, 256.0),
        vocab: 256_000.0,
        context: 8192.0,
        tied_embeddings: true,
        sliding_window: Some(SlidingWindow { window: 4096.0, layers: 13.0 }),
        experts: None,
        source: Cow::Borrowed("Gemma 2 config (alternating 4,096-token local layers); maxtext hf_model_configs.py"),
    },
    ModelArch {
        id: Cow::Borrowed("gemma-2-9b"),
        name: Cow::Borrowed("Gemma 2 9B"),
        total_params: 9.24e9,
        active_params: 9.24e9,
        layers: 42.0,
        hidden: 3584.0,
        heads: 16.0,
        attention: gqa(8.0, 256.0),
        vocab: 256_000.0,
        context: 8192.0,
        tied_embeddings: true,
        sliding_window: Some(SlidingWindow { window: 4096.0, layers: 21.0 }),
        experts: None,
        source: Cow::Borrowed("Gemma 2 config (alternating 4,096-token local layers)"),
    },
    ModelArch {
        id: Cow::Borrowed("phi-3-mini"),
        name: Cow::Borrowed("Phi-3 mini (4K)"),
        total_params: 3.82e9,
        active_params: 3.82e9,
        layers: 32.0,
        hidden: 3072.0,
        heads: 32.0,
        attention: gqa(32.0, 96.0),
        vocab: 32_064.0,
        context: 4096.0,
        tied_embeddings: false,
        sliding_window: None,
        experts: None,
        source: Cow::Borrowed("Phi-3-mini-4k-instruct config.json (full multi-head attention)"),
    },
    ModelArch {
        id: Cow::Borrowed("smollm2-135m"),
        name: Cow::Borrowed("SmolLM2 135M"),
        total_params: 134_515_008.0,
        active_params: 134_515_008.0,
        layers: 30.0,
        hidden: 576.0,
        heads: 9.0,
        attention: gqa(3.0, 64.0),
        vocab: 49_152.0,
        context: 8192.0,
        tied_embeddings: true,
        sliding_window: None,
        experts: None,
        source: Cow::Borrowed(SMOLLM2_SOURCE),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn kv_bytes_f16(id: &str) -> f64 {
        ModelArch::by_id(id).map_or(0.0, |m| m.kv_elements_per_token() * 2.0)
    }

    #[test]
    fn kv_bytes_per_token_by_hand() {
        // 2 (K and V) · 32 layers · 8 KV heads · 128 · 2 bytes = 131,072.
        assert_eq!(kv_bytes_f16("llama-3.1-8b"), 131_072.0);
        // (512 + 64) · 61 layers · 2 bytes = 70,272.
        assert_eq!(kv_bytes_f16("deepseek-v3"), 70_272.0);
        // 2 · 32 · 32 · 96 · 2 = 393,216: full multi-head attention.
        assert_eq!(kv_bytes_f16("phi-3-mini"), 393_216.0);
        // 56 KiB and 104 KiB per token (references, C(ii)).
        assert_eq!(kv_bytes_f16("qwen2.5-7b"), 56.0 * 1024.0);
        assert_eq!(kv_bytes_f16("gemma-2-2b"), 104.0 * 1024.0);
    }

    #[test]
    fn sliding_windows_cap_the_cache() {
        let gemma = ModelArch::by_id("gemma-2-2b").unwrap_or_else(|| unreachable!());
        // At 8K: 13 global layers hold 8,192 positions, 13 local layers 4,096.
        assert_eq!(gemma.cached_layer_positions(8192.0), 13.0 * 8192.0 + 13.0 * 4096.0);
        assert_eq!(gemma.cached_layer_positions(2048.0), 26.0 * 2048.0);
    }

    #[test]
    fn smollm2_135m_parameters_from_its_shape() -> Result<(), crate::edge::config::ConfigError> {
        let m = ModelArch::by_id("smollm2-135m").unwrap_or_else(|| unreachable!());
        let (d, kv, ff, vocab) = (576.0, 3.0 * 64.0, 1536.0, 49_152.0);
        let per_layer = 2.0 * d * d + 2.0 * d * kv + 3.0 * d * ff + 2.0 * d;
        assert_eq!(m.total_params, vocab * d + 30.0 * per_layer + d);
        assert!((m.total_params - 134.5e6).abs() < 0.1e6);
        // 2 · 30 · 3 · 64 · 4 bytes = 46,080 bytes a token at float32, as frontier-lm caches it.
        assert_eq!(m.kv_elements_per_token() * 4.0, 46_080.0);
        // The same count from its config.json through the config reader.
        let config = r#"{"architectures": ["LlamaForCausalLM"], "hidden_size": 576, "intermediate_size": 1536,
            "num_attention_heads": 9, "num_hidden_layers": 30, "num_key_value_heads": 3,
            "vocab_size": 49152, "tie_word_embeddings": true, "max_position_embeddings": 8192}"#;
        let parsed = crate::edge::config::parse_config(config, "SmolLM2 135M")?;
        assert!((parsed.total_params - m.total_params).abs() / m.total_params < 1e-3, "{}", parsed.total_params);
        Ok(())
    }

    #[test]
    fn ids_are_unique_and_lower_case() {
        for (i, m) in MODELS.iter().enumerate() {
            assert!(m.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.'));
            assert!(MODELS[i + 1..].iter().all(|n| n.id != m.id));
            assert!(m.active_params <= m.total_params);
        }
    }
}

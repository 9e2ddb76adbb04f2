//! A model from a Hugging Face `config.json`: the fields real configs use (Llama, Mistral,
//! Mixtral, Qwen2, Gemma 2, Phi-3, DeepSeek-V3), with a clear error for what is missing.
//!
//! Parameters are counted from the shapes: embeddings (twice unless tied), per layer the
//! attention projections, a gated MLP of three matrices (or its experts) and two norms.

use serde_json::{Map, Value};

use super::models::{Attention, Experts, ModelArch, SlidingWindow};

/// Why a config could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    #[error("not valid JSON: {message} (line {line}, column {column})")]
    Json { message: String, line: usize, column: usize },
    #[error("the config must be a JSON object")]
    NotObject,
    #[error("missing field \"{0}\" (required to size the model)")]
    Missing(&'static str),
    #[error("field \"{field}\" must be a positive number, found {found}")]
    BadNumber { field: &'static str, found: String },
    #[error("the config describes an implausible model ({0} parameters)")]
    Implausible(f64),
    #[error("the config is larger than {0} bytes")]
    TooLarge(usize),
}

/// Real configs are a few kilobytes; anything far larger is not a config.
pub const MAX_CONFIG_BYTES: usize = 1 << 20;

fn num(obj: &Map<String, Value>, field: &'static str) -> Result<Option<f64>, ConfigError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_f64() {
            Some(n) if n.is_finite() && n > 0.0 => Ok(Some(n)),
            _ => Err(ConfigError::BadNumber { field, found: v.to_string() }),
        },
    }
}

fn required(obj: &Map<String, Value>, field: &'static str) -> Result<f64, ConfigError> {
    num(obj, field)?.ok_or(ConfigError::Missing(field))
}

/// Parses a config and names the model `name`.
pub fn parse_config(text: &str, name: &str) -> Result<ModelArch, ConfigError> {
    if text.len() > MAX_CONFIG_BYTES {
        return Err(ConfigError::TooLarge(MAX_CONFIG_BYTES));
    }
    let value: Value = serde_json::from_str(text).map_err(|e| ConfigError::Json {
        message: e.to_string(),
        line: e.line(),
        column: e.column(),
    })?;
    let obj = value.as_object().ok_or(ConfigError::NotObject)?;
    let hidden = required(obj, "hidden_size")?;
    let layers = required(obj, "num_hidden_layers")?;
    let heads = required(obj, "num_attention_heads")?;
    let vocab = required(obj, "vocab_size")?;
    let context = num(obj, "max_position_embeddings")?.unwrap_or(4096.0);
    let tied = obj.get("tie_word_embeddings").and_then(Value::as_bool).unwrap_or(false);
    let embeddings = vocab * hidden * if tied { 1.0 } else { 2.0 };

    let (attention, attn_params) = match num(obj, "kv_lora_rank")? {
        Some(kv_lora) => {
            let rope = required(obj, "qk_rope_head_dim")?;
            let nope = required(obj, "qk_nope_head_dim")?;
            let v = required(obj, "v_head_dim")?;
            let q = match num(obj, "q_lora_rank")? {
                Some(q_lora) => hidden * q_lora + q_lora + q_lora * heads * (nope + rope),
                None => hidden * heads * (nope + rope),
            };
            let kv = hidden * (kv_lora + rope) + kv_lora + kv_lora * heads * (nope + v);
            (Attention::Latent { kv_lora_rank: kv_lora, rope_dim: rope }, q + kv + heads * v * hidden)
        }
        None => {
            let kv_heads = num(obj, "num_key_value_heads")?.unwrap_or(heads);
            let head_dim = num(obj, "head_dim")?.unwrap_or(hidden / heads);
            let params = hidden * heads * head_dim * 2.0 + hidden * kv_heads * head_dim * 2.0;
            (Attention::Standard { kv_heads, head_dim }, params)
        }
    };

    let mlp = |inter: f64| 3.0 * hidden * inter;
    let routed = match num(obj, "num_local_experts")? {
        Some(n) => Some(n),
        None => num(obj, "n_routed_experts")?,
    };
    let (total_mlp, active_mlp, experts) = match routed {
        Some(routed) => {
            let k = required(obj, "num_experts_per_tok")?;
            let expert_inter = match num(obj, "moe_intermediate_size")? {
                Some(i) => i,
                None => required(obj, "intermediate_size")?,
            };
            let shared = num(obj, "n_shared_experts")?.unwrap_or(0.0);
            let dense_layers = num(obj, "first_k_dense_replace")?.unwrap_or(0.0).min(layers);
            let moe_layers = layers - dense_layers;
            let dense = if dense_layers > 0.0 { dense_layers * mlp(required(obj, "intermediate_size")?) } else { 0.0 };
            let router = hidden * routed;
            let per_layer_total = (routed + shared) * mlp(expert_inter) + router;
            let per_layer_active = (k + shared) * mlp(expert_inter) + router;
            (
                dense + moe_layers * per_layer_total,
                dense + moe_layers * per_layer_active,
                Some(Experts { routed, active: k, moe_layers }),
            )
        }
        None => {
            let inter = required(obj, "intermediate_size")?;
            (layers * mlp(inter), layers * mlp(inter), None)
        }
    };
    let norms = layers * 2.0 * hidden + hidden;
    let shared_params = embeddings + layers * attn_params + norms;
    let sliding_window = num(obj, "sliding_window")?.filter(|w| *w < context).map(|window| {
        // Gemma 2 alternates local and global layers; other families window every layer.
        let model_type = obj.get("model_type").and_then(Value::as_str).unwrap_or("");
        let windowed = if model_type.starts_with("gemma2") { (layers / 2.0).floor() } else { layers };
        SlidingWindow { window, layers: windowed }
    });
    let total_params = shared_params + total_mlp;
    if !total_params.is_finite() || total_params > 1e15 {
        return Err(ConfigError::Implausible(total_params));
    }
    Ok(ModelArch {
        id: "custom".into(),
        name: name.to_string().into(),
        total_params,
        active_params: shared_params + active_mlp,
        layers,
        hidden,
        heads,
        attention,
        vocab,
        context,
        tied_embeddings: tied,
        sliding_window,
        experts,
        source: "parameters counted from the pasted config.json".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LLAMA_3_1_8B: &str = r#"{"architectures":["LlamaForCausalLM"],"hidden_size":4096,"intermediate_size":14336,
        "max_position_embeddings":131072,"model_type":"llama","num_attention_heads":32,"num_hidden_layers":32,
        "num_key_value_heads":8,"rms_norm_eps":1e-05,"tie_word_embeddings":false,"vocab_size":128256}"#;

    #[test]
    fn llama_3_1_8b_counts_to_its_published_8_03b() -> Result<(), ConfigError> {
        // By hand: embeddings 2 · 128,256 · 4,096 = 1,050,673,152; per layer attention
        // 2 · 4096² + 2 · 4096 · 1024 = 41,943,040, MLP 3 · 4096 · 14336 = 176,160,768,
        // norms 8,192; 32 layers + final norm: 8,030,261,248 — the exact published count.
        let m = parse_config(LLAMA_3_1_8B, "Llama 3.1 8B")?;
        assert_eq!(m.total_params, 8_030_261_248.0);
        assert_eq!(m.kv_elements_per_token() * 2.0, 131_072.0);
        Ok(())
    }

    #[test]
    fn deepseek_v3_counts_to_about_671b_total_and_37b_active() -> Result<(), ConfigError> {
        let text = r#"{"hidden_size":7168,"intermediate_size":18432,"moe_intermediate_size":2048,"num_hidden_layers":61,
            "num_attention_heads":128,"num_key_value_heads":128,"n_routed_experts":256,"n_shared_experts":1,
            "num_experts_per_tok":8,"first_k_dense_replace":3,"q_lora_rank":1536,"kv_lora_rank":512,
            "qk_rope_head_dim":64,"qk_nope_head_dim":128,"v_head_dim":128,"vocab_size":129280,
            "max_position_embeddings":163840,"tie_word_embeddings":false,"model_type":"deepseek_v3"}"#;
        let m = parse_config(text, "DeepSeek-V3")?;
        // Published: 671B total, 37B activated (DeepSeek-V3 report).
        assert!((m.total_params / 671e9 - 1.0).abs() < 0.005, "{}", m.total_params);
        assert!((m.active_params / 37.5e9 - 1.0).abs() < 0.02, "{}", m.active_params);
        assert_eq!(m.kv_elements_per_token() * 2.0, 70_272.0);
        Ok(())
    }

    #[test]
    fn errors_name_the_problem() {
        assert_eq!(parse_config("[1]", "x"), Err(ConfigError::NotObject));
        assert_eq!(parse_config(r#"{"hidden_size":4096}"#, "x"), Err(ConfigError::Missing("num_hidden_layers")));
        assert!(matches!(parse_config("{\n\"a\": }", "x"), Err(ConfigError::Json { line: 2, .. })));
        let bad = LLAMA_3_1_8B.replace("\"num_hidden_layers\":32", "\"num_hidden_layers\":\"32\"");
        assert!(matches!(parse_config(&bad, "x"), Err(ConfigError::BadNumber { field: "num_hidden_layers", .. })));
        assert_eq!(parse_config(&" ".repeat(MAX_CONFIG_BYTES + 1), "x"), Err(ConfigError::TooLarge(MAX_CONFIG_BYTES)));
    }
}

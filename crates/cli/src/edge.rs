//! `frontier edge`: the article's feasibility check, or the realistic model with a preset
//! (or pasted) architecture, a weight format and a device.

use clap::Args as ClapArgs;
use frontier_costs::edge::config::parse_config;
use frontier_costs::edge::directions::speculative_on_device;
use frontier_costs::edge::inverse::{best_format, devices_meeting, max_context};
use frontier_costs::edge::realistic::{DEFAULT_COMPUTE_EFFICIENCY, DEFAULT_RUNTIME_GB};
use frontier_costs::edge::{
    ArticleEdgeInputs, Device, EdgeInputs, KvFormat, ModelArch, WeightFormat, MODELS, WEIGHT_FORMATS,
};
use serde_json::{json, Value};

use crate::UsageError;

#[derive(ClapArgs)]
pub struct Args {
    /// Article mode: parameter count.
    #[arg(long, allow_negative_numbers = true)]
    params: Option<f64>,
    /// Bits per weight (article mode; in realistic mode, instead of --quant).
    #[arg(long, allow_negative_numbers = true)]
    bits: Option<f64>,
    /// Article mode: device RAM.
    #[arg(long, allow_negative_numbers = true)]
    ram_gb: Option<f64>,
    /// Article mode: memory bandwidth.
    #[arg(long, allow_negative_numbers = true)]
    bandwidth_gb_s: Option<f64>,
    /// Article mode: tokens per second wanted.
    #[arg(long, allow_negative_numbers = true)]
    target_tps: Option<f64>,
    /// Realistic mode: a model preset (llama-3.1-8b, mixtral-8x7b, deepseek-v3, ...).
    #[arg(long)]
    model: Option<String>,
    /// Realistic mode: a Hugging Face config.json instead of a preset.
    #[arg(long)]
    config: Option<std::path::PathBuf>,
    /// Weight format (Q4_K_M, Q8_0, F16, IQ2_XXS, TQ1_0, ...).
    #[arg(long)]
    quant: Option<String>,
    /// Device preset (iphone-16-pro, apple-m2-max, rtx-4090, raspberry-pi-5, ...).
    #[arg(long)]
    device: Option<String>,
    #[arg(long, allow_negative_numbers = true, default_value_t = 4096.0)]
    context: f64,
    /// KV-cache format: F16, Q8_0 or Q4_0.
    #[arg(long, default_value = "F16")]
    kv_quant: String,
    #[arg(long, allow_negative_numbers = true, default_value_t = 1.0)]
    batch: f64,
    #[arg(long, allow_negative_numbers = true, default_value_t = 512.0)]
    prompt_tokens: f64,
    /// Add speculative decoding with --draft, --alpha and --gamma.
    #[arg(long)]
    speculative: bool,
    #[arg(long)]
    draft: Option<String>,
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.8)]
    alpha: f64,
    #[arg(long, allow_negative_numbers = true, default_value_t = 4.0)]
    gamma: f64,
    /// List which devices reach this many tokens per second.
    #[arg(long, allow_negative_numbers = true)]
    min_tps: Option<f64>,
}

fn model_by_id(id: &str) -> Result<ModelArch, UsageError> {
    ModelArch::by_id(id).ok_or_else(|| {
        let known: Vec<&str> = MODELS.iter().map(|m| m.id.as_ref()).collect();
        UsageError(format!("unknown model {id:?}; known models: {}", known.join(", ")))
    })
}

fn to_value<T: serde::Serialize>(v: &T) -> Result<Value, UsageError> {
    serde_json::to_value(v).map_err(|e| UsageError(e.to_string()))
}

fn invalid(e: impl std::fmt::Display) -> UsageError {
    UsageError(format!("invalid input: {e}"))
}

pub fn run(args: &Args) -> Result<Value, UsageError> {
    if args.model.is_none() && args.config.is_none() {
        return article(args);
    }
    let model = match (&args.model, &args.config) {
        (Some(id), _) => model_by_id(id)?,
        (None, Some(path)) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| UsageError(format!("cannot read {}: {e}", path.display())))?;
            parse_config(&text, &path.display().to_string())
                .map_err(|e| UsageError(format!("{}: {e}", path.display())))?
        }
        (None, None) => return article(args),
    };
    let bits_per_weight = match (&args.quant, args.bits) {
        (Some(q), _) => {
            WeightFormat::by_id(q)
                .ok_or_else(|| {
                    let known: Vec<&str> = WEIGHT_FORMATS.iter().map(|f| f.id).collect();
                    UsageError(format!("unknown format {q:?}; known formats: {}", known.join(", ")))
                })?
                .bits_per_weight
        }
        (None, Some(bits)) => bits,
        (None, None) => return Err(UsageError("--quant FORMAT or --bits N is required with --model".into())),
    };
    let device_id = args.device.as_deref().ok_or_else(|| UsageError("--device ID is required with --model".into()))?;
    let device = Device::by_id(device_id).ok_or_else(|| {
        UsageError(format!("unknown device {device_id:?}; known devices: {}", Device::ids().join(", ")))
    })?;
    let kv_format = KvFormat::from_id(&args.kv_quant)
        .ok_or_else(|| UsageError(format!("unknown KV format {:?}; known: F16, Q8_0, Q4_0", args.kv_quant)))?;
    let inputs = EdgeInputs {
        model,
        bits_per_weight,
        kv_format,
        context: args.context,
        batch: args.batch,
        device,
        runtime_gb: DEFAULT_RUNTIME_GB,
        compute_efficiency: DEFAULT_COMPUTE_EFFICIENCY,
        prompt_tokens: args.prompt_tokens,
    };
    let report = inputs.evaluate().map_err(invalid)?;
    let mut out = to_value(&report)?;
    let Value::Object(map) = &mut out else { return Ok(out) };
    map.insert("model".into(), json!(inputs.model.id));
    map.insert("device".into(), json!(inputs.device.id));
    map.insert("bits_per_weight".into(), json!(bits_per_weight));
    map.insert("max_context".into(), to_value(&max_context(&inputs).map_err(invalid)?)?);
    map.insert("best_format".into(), json!(best_format(&inputs).map_err(invalid)?.map(|f| f.id)));
    if args.speculative {
        let draft_id = args.draft.as_deref().ok_or_else(|| UsageError("--speculative needs --draft ID".into()))?;
        let draft = model_by_id(draft_id)?;
        let s = speculative_on_device(&inputs, &draft, args.alpha, args.gamma).map_err(invalid)?;
        map.insert("speculative".into(), to_value(&s)?);
        map.insert("expected_tokens_per_step".into(), json!(s.expected_tokens_per_step));
        map.insert("speedup".into(), json!(s.speedup));
    }
    if let Some(min) = args.min_tps {
        map.insert("devices".into(), to_value(&devices_meeting(&inputs, min).map_err(invalid)?)?);
    }
    Ok(out)
}

fn article(args: &Args) -> Result<Value, UsageError> {
    let need = |name: &str, v: Option<f64>| {
        v.ok_or_else(|| UsageError(format!("--{name} is required (or use --model for the realistic model)")))
    };
    let inputs = ArticleEdgeInputs {
        params: need("params", args.params)?,
        bits: need("bits", args.bits)?,
        ram_gb: need("ram-gb", args.ram_gb)?,
        bandwidth_gb_s: need("bandwidth-gb-s", args.bandwidth_gb_s)?,
        target_tps: need("target-tps", args.target_tps)?,
    };
    to_value(&inputs.evaluate().map_err(invalid)?)
}

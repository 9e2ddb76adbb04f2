//! `frontier edge`: the article's feasibility check, or the realistic model with a preset
//! (or pasted) architecture, a weight format and a device.

use clap::Args as ClapArgs;
use frontier_costs::edge::config::parse_config;
use frontier_costs::edge::directions::speculative_on_device;
use frontier_costs::edge::{
    ArticleEdgeInputs, Device, EdgeSettings, KvFormat, ModelArch, WeightFormat, Weights, MODELS, WEIGHT_FORMATS,
};
use serde_json::{json, Value};

use crate::UsageError;

#[derive(ClapArgs)]
pub struct Args {
    /// The article's parameter count (realistic mode: what `corrections` compares with; default 8e9).
    #[arg(long, allow_negative_numbers = true)]
    params: Option<f64>,
    /// The article's bits per weight (realistic mode: the weights' too when there is no --quant).
    #[arg(long, allow_negative_numbers = true)]
    bits: Option<f64>,
    /// The article's device RAM (realistic mode: default 8).
    #[arg(long, allow_negative_numbers = true)]
    ram_gb: Option<f64>,
    /// The article's memory bandwidth (realistic mode: what `corrections` compares with; default 100).
    #[arg(long, allow_negative_numbers = true)]
    bandwidth_gb_s: Option<f64>,
    /// The article's tokens per second wanted (realistic mode: default 15).
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
    let weights = match (&args.quant, args.bits) {
        (Some(q), _) => Weights::Format(WeightFormat::by_id(q).ok_or_else(|| {
            let known: Vec<&str> = WEIGHT_FORMATS.iter().map(|f| f.id).collect();
            UsageError(format!("unknown format {q:?}; known formats: {}", known.join(", ")))
        })?),
        (None, Some(bits)) => Weights::PlainBits(bits),
        (None, None) => return Err(UsageError("--quant FORMAT or --bits N is required with --model".into())),
    };
    let device_id = args.device.as_deref().ok_or_else(|| UsageError("--device ID is required with --model".into()))?;
    let device = Device::by_id(device_id).ok_or_else(|| {
        UsageError(format!("unknown device {device_id:?}; known devices: {}", Device::ids().join(", ")))
    })?;
    let kv_format = KvFormat::from_id(&args.kv_quant)
        .ok_or_else(|| UsageError(format!("unknown KV format {:?}; known: F16, Q8_0, Q4_0", args.kv_quant)))?;
    // The corrections compare the realistic model with the article's check: its iPhone
    // example, with whichever of the article's numbers the flags give.
    let example = ArticleEdgeInputs::EXAMPLE;
    let settings = EdgeSettings {
        article: ArticleEdgeInputs {
            params: args.params.unwrap_or(example.params),
            bits: args.bits.unwrap_or(example.bits),
            ram_gb: args.ram_gb.unwrap_or(example.ram_gb),
            bandwidth_gb_s: args.bandwidth_gb_s.unwrap_or(example.bandwidth_gb_s),
            target_tps: args.target_tps.unwrap_or(example.target_tps),
        },
        kv_format,
        context: args.context,
        batch: args.batch,
        prompt_tokens: args.prompt_tokens,
        min_tokens_per_sec: args.min_tps,
        ..EdgeSettings::new(model, weights, device)
    };
    let analysis = settings.analyze().map_err(invalid)?;
    let mut out = to_value(&analysis.realistic)?;
    let Value::Object(map) = &mut out else { return Ok(out) };
    map.insert("model".into(), json!(settings.model.id));
    map.insert("device".into(), json!(settings.device.id));
    map.insert("bits_per_weight".into(), json!(settings.weights.bits_per_weight()));
    map.insert("max_context".into(), to_value(&analysis.max_context)?);
    map.insert("best_format".into(), json!(analysis.best_format.map(|f| f.id)));
    map.insert("corrections".into(), to_value(&analysis.corrections)?);
    if args.speculative {
        let draft_id = args.draft.as_deref().ok_or_else(|| UsageError("--speculative needs --draft ID".into()))?;
        let draft = model_by_id(draft_id)?;
        let s = speculative_on_device(&settings.inputs(), &draft, args.alpha, args.gamma).map_err(invalid)?;
        map.insert("speculative".into(), to_value(&s)?);
        map.insert("expected_tokens_per_step".into(), json!(s.expected_tokens_per_step));
        map.insert("speedup".into(), json!(s.speedup));
    }
    if let Some(devices) = &analysis.devices {
        map.insert("devices".into(), to_value(devices)?);
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    fn edge(argv: &[&str]) -> Result<Value, UsageError> {
        let cli = Cli::try_parse_from(std::iter::once("edge").chain(argv.iter().copied()))
            .map_err(|e| UsageError(e.to_string()))?;
        run(&cli.args)
    }

    fn kinds(v: &Value) -> Vec<&str> {
        v["corrections"].as_array().map_or_else(Vec::new, |a| a.iter().filter_map(|c| c["kind"].as_str()).collect())
    }

    #[test]
    fn realistic_mode_prints_the_corrections_against_the_articles_example() -> Result<(), UsageError> {
        let v = edge(&["--model", "llama-3.1-8b", "--quant", "Q4_K_M", "--device", "iphone-16-pro"])?;
        assert_eq!(kinds(&v), ["bandwidth", "weights_size", "kv_cache"]);
        // 100 GB/s in the article against the iPhone's derived 60; 8e9 · 4 / 8 = 4 GB against
        // the Q4_K_M file; the fixed 0.5 GB against 131,072 B · 4,096 = 0.537 GB.
        assert_eq!(
            (v["corrections"][0]["article_gb_s"].as_f64(), v["corrections"][0]["real_gb_s"].as_f64()),
            (Some(100.0), Some(60.0))
        );
        assert_eq!(v["corrections"][1]["article_gb"].as_f64(), Some(4.0));
        assert_eq!(v["corrections"][1]["format"].as_str(), Some("Q4_K_M"));
        assert_eq!(v["corrections"][2]["kv_bytes_per_token"].as_f64(), Some(131_072.0));
        // The article's numbers come from the flags where given: told the M2 Max's 400 GB/s,
        // the bandwidth correction goes.
        let v = edge(&[
            "--model",
            "llama-3.1-8b",
            "--quant",
            "Q4_K_M",
            "--device",
            "apple-m2-max",
            "--bandwidth-gb-s",
            "400",
        ])?;
        assert_eq!(kinds(&v), ["weights_size", "kv_cache"]);
        assert_eq!(v["best_format"], "F16");
        Ok(())
    }
}

//! `frontier train-cost`: the training-efficiency model with optional attention FLOPs.

use clap::{Args as ClapArgs, ValueEnum};
use frontier_costs::training::DEFAULT_USD_PER_GPU_HOUR;
use frontier_costs::{
    Accelerator, AttentionMode, AttentionShape, Precision, TrainingInputs, TrainingPreset, ACCELERATORS,
    TRAINING_PRESETS,
};
use serde_json::{json, Value};

use crate::UsageError;

#[derive(Clone, Copy, ValueEnum)]
pub enum Attention {
    Off,
    Causal,
    Full,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PrecisionArg {
    Bf16,
    Fp8,
}

#[derive(ClapArgs)]
pub struct Args {
    /// Start from a preset (deepseek-v3, deepseek-v3-report, llama-3.1-405b); flags override it.
    #[arg(long)]
    preset: Option<String>,
    /// Parameters used per token (all of them for a dense model).
    #[arg(long, allow_negative_numbers = true)]
    active_params: Option<f64>,
    #[arg(long, allow_negative_numbers = true)]
    tokens: Option<f64>,
    #[arg(long, allow_negative_numbers = true)]
    gpus: Option<f64>,
    /// Wall-clock hours of the run.
    #[arg(long, allow_negative_numbers = true)]
    hours: Option<f64>,
    /// Dense peak per GPU in TFLOPS (or use --hardware with --precision).
    #[arg(long, allow_negative_numbers = true)]
    peak_tflops: Option<f64>,
    /// Take the peak from the hardware table (h100-sxm, h800, a100-80gb, ...).
    #[arg(long)]
    hardware: Option<String>,
    /// Which dense peak of --hardware to use.
    #[arg(long, value_enum, default_value = "bf16")]
    precision: PrecisionArg,
    #[arg(long, allow_negative_numbers = true)]
    usd_per_gpu_hour: Option<f64>,
    /// Count attention FLOPs: off (the article), causal (halved), full (PaLM).
    #[arg(long, value_enum)]
    attention: Option<Attention>,
    #[arg(long, allow_negative_numbers = true)]
    layers: Option<f64>,
    #[arg(long, allow_negative_numbers = true)]
    heads: Option<f64>,
    #[arg(long, allow_negative_numbers = true)]
    head_dim: Option<f64>,
    /// Value head dimension where it differs from --head-dim (MLA).
    #[arg(long, allow_negative_numbers = true)]
    v_head_dim: Option<f64>,
    #[arg(long, allow_negative_numbers = true)]
    seq_len: Option<f64>,
}

fn required(name: &str, value: Option<f64>) -> Result<f64, UsageError> {
    value.ok_or_else(|| UsageError(format!("--{name} is required (or start from --preset)")))
}

fn inputs_from(args: &Args) -> Result<(TrainingInputs, Option<&'static TrainingPreset>), UsageError> {
    let preset = match &args.preset {
        Some(id) => Some(TrainingPreset::by_id(id).ok_or_else(|| {
            let known: Vec<&str> = TRAINING_PRESETS.iter().map(|p| p.id).collect();
            UsageError(format!("unknown preset {id:?}; known presets: {}", known.join(", ")))
        })?),
        None => None,
    };
    let base = preset.map(|p| p.inputs);
    let pick = |name: &str, flag: Option<f64>, from_base: fn(&TrainingInputs) -> f64| match flag {
        Some(v) => Ok(v),
        None => required(name, base.as_ref().map(from_base)),
    };
    let hardware_peak = match &args.hardware {
        Some(id) => {
            let acc = Accelerator::by_id(id).ok_or_else(|| {
                let known: Vec<&str> = ACCELERATORS.iter().map(|a| a.id).collect();
                UsageError(format!("unknown hardware {id:?}; known: {}", known.join(", ")))
            })?;
            let precision = match args.precision {
                PrecisionArg::Bf16 => Precision::Bf16,
                PrecisionArg::Fp8 => Precision::Fp8,
            };
            Some(
                acc.peak_tflops(precision)
                    .ok_or_else(|| UsageError(format!("{} has no {} peak", acc.name, precision.label())))?,
            )
        }
        None => None,
    };
    let base_shape = base.map_or(AttentionShape::DEFAULT, |b| b.shape);
    let attention = match args.attention {
        Some(Attention::Off) => AttentionMode::Off,
        Some(Attention::Causal) => AttentionMode::Causal,
        Some(Attention::Full) => AttentionMode::Full,
        None => base.map_or(AttentionMode::Off, |b| b.attention),
    };
    let shape = AttentionShape {
        layers: args.layers.unwrap_or(base_shape.layers),
        heads: args.heads.unwrap_or(base_shape.heads),
        head_dim: args.head_dim.unwrap_or(base_shape.head_dim),
        v_head_dim: match (args.v_head_dim, args.head_dim) {
            (Some(v), _) => Some(v),
            (None, Some(_)) => None, // A new --head-dim alone means equal value heads.
            (None, None) => base_shape.v_head_dim,
        },
        seq_len: args.seq_len.unwrap_or(base_shape.seq_len),
    };
    let inputs = TrainingInputs {
        active_params: pick("active-params", args.active_params, |b| b.active_params)?,
        tokens: pick("tokens", args.tokens, |b| b.tokens)?,
        gpus: pick("gpus", args.gpus, |b| b.gpus)?,
        hours: pick("hours", args.hours, |b| b.hours)?,
        peak_tflops: match (args.peak_tflops, hardware_peak) {
            (Some(v), _) | (None, Some(v)) => v,
            (None, None) => required("peak-tflops", base.map(|b| b.peak_tflops))?,
        },
        usd_per_gpu_hour: args
            .usd_per_gpu_hour
            .or(base.map(|b| b.usd_per_gpu_hour))
            .unwrap_or(DEFAULT_USD_PER_GPU_HOUR),
        attention,
        shape,
    };
    Ok((inputs, preset))
}

pub fn run(args: &Args) -> Result<Value, UsageError> {
    let (inputs, preset) = inputs_from(args)?;
    let report = inputs.evaluate().map_err(|e| UsageError(format!("invalid input: {e}")))?;
    let mut out = serde_json::to_value(report).map_err(|e| UsageError(e.to_string()))?;
    if let Value::Object(map) = &mut out {
        map.insert("inputs".into(), serde_json::to_value(inputs).map_err(|e| UsageError(e.to_string()))?);
        if let Some(p) = preset {
            map.insert("preset".into(), json!(p.id));
            if let Some(claim) = p.claim {
                map.insert("claim".into(), serde_json::to_value(claim).map_err(|e| UsageError(e.to_string()))?);
            }
        }
    }
    Ok(out)
}

pub fn presets() -> Result<Value, UsageError> {
    Ok(json!({ "training_presets": TRAINING_PRESETS, "accelerators": ACCELERATORS }))
}

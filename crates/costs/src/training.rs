//! The training-efficiency model: FLOPs, model FLOPs utilization (MFU), cost.
//!
//! The base is the article's model (6 · active parameters · tokens, peak = GPUs · TFLOPS ·
//! hours). Attention FLOPs are an option, following PaLM appendix B: a full (non-causal)
//! attention adds 12 · layers · heads · head_dim · seq_len FLOPs per token, i.e.
//! 6 · L · H · T · (d_qk + d_v) with d_qk = d_v; counting only the causal half divides it by
//! two. Multi-head latent attention uses different query/key and value head sizes, so both
//! are inputs.

use serde::{Deserialize, Serialize};

use crate::error::{in_range, positive, positive_whole, InputError};

/// Upper bounds that keep every product finite in f64 and catch unit mistakes early.
pub mod limits {
    pub const ACTIVE_PARAMS: f64 = 1e15;
    /// Smallest accepted value of the continuous inputs (hours, TFLOPS, USD per GPU-hour).
    pub const SMALLEST: f64 = 1e-6;
    pub const TOKENS: f64 = 1e18;
    pub const GPUS: f64 = 1e7;
    pub const HOURS: f64 = 1e6;
    pub const PEAK_TFLOPS: f64 = 1e6;
    pub const USD_PER_GPU_HOUR: f64 = 1e4;
    pub const LAYERS: f64 = 1e4;
    pub const HEADS: f64 = 1e4;
    pub const HEAD_DIM: f64 = 1e5;
    pub const SEQ_LEN: f64 = 1e8;
}

/// The price per GPU-hour the article and DeepSeek's report both assume.
pub const DEFAULT_USD_PER_GPU_HOUR: f64 = 2.0;

/// Whether, and how, attention score and value FLOPs are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AttentionMode {
    /// The article's 6 · N · D only.
    #[default]
    Off,
    /// Half of the full count: the causal mask skips half the score matrix.
    Causal,
    /// PaLM's convention: the full score matrix, as torchtitan and PaLM count it.
    Full,
}

impl AttentionMode {
    pub const ALL: [AttentionMode; 3] = [AttentionMode::Off, AttentionMode::Causal, AttentionMode::Full];

    pub fn id(self) -> &'static str {
        match self {
            AttentionMode::Off => "off",
            AttentionMode::Causal => "causal",
            AttentionMode::Full => "full",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.id() == id)
    }

    /// FLOPs per token per (layer · head · position · head-dimension sum).
    /// Forward QKᵀ and AV are 2 FLOPs per multiply-add each, backward twice forward: 6.
    fn multiplier(self) -> f64 {
        match self {
            AttentionMode::Off => 0.0,
            AttentionMode::Causal => 3.0,
            AttentionMode::Full => 6.0,
        }
    }
}

/// The transformer shape the attention term needs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AttentionShape {
    pub layers: f64,
    pub heads: f64,
    /// Query/key head dimension.
    pub head_dim: f64,
    /// Value head dimension where it differs from `head_dim` (as in MLA); `None` means equal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v_head_dim: Option<f64>,
    pub seq_len: f64,
}

impl AttentionShape {
    /// Llama-3.1-8B's shape at 8K context: a neutral default for the sliders.
    pub const DEFAULT: AttentionShape =
        AttentionShape { layers: 32.0, heads: 32.0, head_dim: 128.0, v_head_dim: None, seq_len: 8192.0 };

    fn validate(&self) -> Result<(), InputError> {
        positive_whole("layers", self.layers, limits::LAYERS)?;
        positive_whole("heads", self.heads, limits::HEADS)?;
        positive_whole("head_dim", self.head_dim, limits::HEAD_DIM)?;
        if let Some(v) = self.v_head_dim {
            positive_whole("v_head_dim", v, limits::HEAD_DIM)?;
        }
        positive_whole("seq_len", self.seq_len, limits::SEQ_LEN)?;
        Ok(())
    }
}

/// Everything the training model needs. Field names are the JSON keys and CLI flags.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainingInputs {
    /// Parameters used per token (all of them for a dense model, the routed subset for MoE).
    pub active_params: f64,
    pub tokens: f64,
    pub gpus: f64,
    /// Wall-clock hours of the run.
    pub hours: f64,
    /// Dense peak per GPU for the precision the run uses, in TFLOPS.
    pub peak_tflops: f64,
    pub usd_per_gpu_hour: f64,
    #[serde(default)]
    pub attention: AttentionMode,
    #[serde(default = "default_shape")]
    pub shape: AttentionShape,
}

fn default_shape() -> AttentionShape {
    AttentionShape::DEFAULT
}

/// Chinchilla's compute-optimal allocation for a compute budget.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ChinchillaOptimum {
    /// The budget used: 6 · N · D of the run (Chinchilla's own C = 6ND convention).
    pub compute_flops: f64,
    pub params: f64,
    pub tokens: f64,
}

impl ChinchillaOptimum {
    /// N = sqrt(C / 120) and D = 20 · N, from C = 6 · N · D with D = 20 · N
    /// (Hoffmann et al. 2022, the 20-tokens-per-parameter rule).
    pub fn for_compute(compute_flops: f64) -> Self {
        let params = (compute_flops / 120.0).sqrt();
        Self { compute_flops, params, tokens: 20.0 * params }
    }
}

/// The model's outputs. Field names are the JSON keys the CLI prints.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrainingReport {
    /// 6 · active_params.
    pub dense_flops_per_token: f64,
    /// Attention FLOPs per token under the chosen convention (0 when off).
    pub attention_flops_per_token: f64,
    pub flops_per_token: f64,
    pub total_flops: f64,
    /// What the GPUs could have done at their dense peak over the run, in FLOPs.
    pub peak_flops: f64,
    pub mfu: f64,
    pub total_cost_usd: f64,
    pub tokens_per_dollar: f64,
    pub flops_per_dollar: f64,
    pub effective_tflops_per_gpu: f64,
    pub gpu_hours: f64,
    pub wall_clock_days: f64,
    pub tokens_per_param: f64,
    pub chinchilla: ChinchillaOptimum,
}

impl TrainingInputs {
    /// Checks every field; the error names the first bad one.
    pub fn validate(&self) -> Result<(), InputError> {
        in_range("active_params", self.active_params, 1.0, limits::ACTIVE_PARAMS)?;
        in_range("tokens", self.tokens, 1.0, limits::TOKENS)?;
        positive_whole("gpus", self.gpus, limits::GPUS)?;
        in_range("hours", self.hours, limits::SMALLEST, limits::HOURS)?;
        in_range("peak_tflops", self.peak_tflops, limits::SMALLEST, limits::PEAK_TFLOPS)?;
        in_range("usd_per_gpu_hour", self.usd_per_gpu_hour, limits::SMALLEST, limits::USD_PER_GPU_HOUR)?;
        if self.attention != AttentionMode::Off {
            self.shape.validate()?;
        }
        Ok(())
    }

    /// Attention FLOPs per token: multiplier · L · H · T · (d_qk + d_v).
    pub fn attention_flops_per_token(&self) -> f64 {
        let s = &self.shape;
        let d_v = s.v_head_dim.unwrap_or(s.head_dim);
        self.attention.multiplier() * s.layers * s.heads * s.seq_len * (s.head_dim + d_v)
    }

    /// Validates, then evaluates the model.
    pub fn evaluate(&self) -> Result<TrainingReport, InputError> {
        self.validate()?;
        Ok(self.evaluate_unchecked())
    }

    /// The arithmetic alone, for inputs already validated (sweeps call this in a loop).
    pub(crate) fn evaluate_unchecked(&self) -> TrainingReport {
        let dense_flops_per_token = 6.0 * self.active_params;
        let attention_flops_per_token = self.attention_flops_per_token();
        let flops_per_token = dense_flops_per_token + attention_flops_per_token;
        let total_flops = flops_per_token * self.tokens;
        let gpu_hours = self.gpus * self.hours;
        let gpu_seconds = gpu_hours * 3600.0;
        let peak_flops = self.peak_tflops * 1e12 * gpu_seconds;
        let total_cost_usd = gpu_hours * self.usd_per_gpu_hour;
        TrainingReport {
            dense_flops_per_token,
            attention_flops_per_token,
            flops_per_token,
            total_flops,
            peak_flops,
            mfu: total_flops / peak_flops,
            total_cost_usd,
            tokens_per_dollar: self.tokens / total_cost_usd,
            flops_per_dollar: total_flops / total_cost_usd,
            effective_tflops_per_gpu: total_flops / gpu_seconds / 1e12,
            gpu_hours,
            wall_clock_days: self.hours / 24.0,
            tokens_per_param: self.tokens / self.active_params,
            chinchilla: ChinchillaOptimum::for_compute(dense_flops_per_token * self.tokens),
        }
    }

    /// Wall-clock hours the same work would take at `target_mfu` on the same GPUs.
    /// Used to show what an article's claimed MFU would imply.
    pub fn hours_for_mfu(&self, target_mfu: f64) -> Result<f64, InputError> {
        self.validate()?;
        positive("target_mfu", target_mfu, 1.0)?;
        let total_flops = self.evaluate_unchecked().total_flops;
        Ok(total_flops / (target_mfu * self.gpus * self.peak_tflops * 1e12 * 3600.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The article's DeepSeek-V3 inputs: 37B active, 14.8T tokens, 2,048 GPUs, 55 days, 989.
    fn article_deepseek() -> TrainingInputs {
        TrainingInputs {
            active_params: 37e9,
            tokens: 14.8e12,
            gpus: 2048.0,
            hours: 55.0 * 24.0,
            peak_tflops: 989.0,
            usd_per_gpu_hour: DEFAULT_USD_PER_GPU_HOUR,
            attention: AttentionMode::Off,
            shape: AttentionShape::DEFAULT,
        }
    }

    fn close(actual: f64, expected: f64, rel: f64) -> bool {
        ((actual - expected) / expected).abs() <= rel
    }

    #[test]
    fn article_example_by_hand() -> Result<(), InputError> {
        // By hand: 6 · 37e9 · 14.8e12 = 3.2856e24 FLOPs;
        // 2048 · 989e12 · 1320 · 3600 = 9.625043e24 FLOPs of peak; ratio 0.34136.
        let r = article_deepseek().evaluate()?;
        assert!(close(r.total_flops, 3.2856e24, 1e-12));
        assert!(close(r.peak_flops, 9.625_042_944e24, 1e-9));
        assert_eq!(format!("{:.4}", r.mfu), "0.3414");
        assert!((r.mfu - 0.341_36).abs() < 1e-5);
        // 2048 · 1320 · 2 = 5,406,720 USD.
        assert_eq!(r.total_cost_usd, 5_406_720.0);
        assert!(close(r.tokens_per_dollar, 14.8e12 / 5_406_720.0, 1e-12));
        // The reference notes about 6.1e17 FLOP/$ and 338 effective TFLOPS per GPU.
        assert!(close(r.flops_per_dollar, 6.077e17, 1e-3));
        assert!(close(r.effective_tflops_per_gpu, 337.6, 1e-3));
        assert_eq!(r.gpu_hours, 2_703_360.0);
        assert_eq!(r.wall_clock_days, 55.0);
        assert!(close(r.tokens_per_param, 400.0, 1e-12));
        Ok(())
    }

    #[test]
    fn the_articles_052_would_need_a_36_day_run() -> Result<(), InputError> {
        let hours = article_deepseek().hours_for_mfu(0.52)?;
        assert!(close(hours / 24.0, 36.1, 2e-3), "{}", hours / 24.0);
        Ok(())
    }

    #[test]
    fn attention_term_matches_the_reference_table() -> Result<(), InputError> {
        // MLA: L = 61, H = 128, d_qk = 192, d_v = 128, T = 4096 gives 6.14e10 FLOPs per
        // token non-causal and 3.07e10 causal (costs_edge.md, section A1).
        let mut inputs = article_deepseek();
        inputs.shape =
            AttentionShape { layers: 61.0, heads: 128.0, head_dim: 192.0, v_head_dim: Some(128.0), seq_len: 4096.0 };
        inputs.attention = AttentionMode::Full;
        assert!(close(inputs.evaluate()?.attention_flops_per_token, 6.14e10, 1e-3));
        inputs.attention = AttentionMode::Causal;
        assert!(close(inputs.evaluate()?.attention_flops_per_token, 3.07e10, 1e-3));
        // With the report's 2.664M GPU-hours, causal gives MFU 0.394 and full 0.442.
        inputs.hours = 2.664e6 / 2048.0;
        assert!(close(inputs.evaluate()?.mfu, 0.394, 2e-3));
        inputs.attention = AttentionMode::Full;
        assert!(close(inputs.evaluate()?.mfu, 0.442, 2e-3));
        Ok(())
    }

    #[test]
    fn palm_formula_for_standard_attention() -> Result<(), InputError> {
        // With d_v = d_qk the full count is PaLM's 12 · L · H · Q · T.
        let mut inputs = article_deepseek();
        inputs.attention = AttentionMode::Full;
        inputs.shape =
            AttentionShape { layers: 126.0, heads: 128.0, head_dim: 128.0, v_head_dim: None, seq_len: 8192.0 };
        let expected = 12.0 * 126.0 * 128.0 * 128.0 * 8192.0;
        assert_eq!(inputs.evaluate()?.attention_flops_per_token, expected);
        Ok(())
    }

    #[test]
    fn chinchilla_examples() {
        // C = 1e23 gives 28.9B parameters and 0.58T tokens (costs_edge.md, B3).
        let c = ChinchillaOptimum::for_compute(1e23);
        assert!(close(c.params, 28.87e9, 1e-3));
        assert!(close(c.tokens, 0.5774e12, 1e-3));
        // Chinchilla itself: 70B on 1.4T tokens is C = 5.88e23 → 70B / 1.4T.
        let c = ChinchillaOptimum::for_compute(6.0 * 70e9 * 1.4e12);
        assert!(close(c.params, 70e9, 1e-9));
        assert!(close(c.tokens, 1.4e12, 1e-9));
    }

    #[test]
    fn invalid_inputs_name_the_field() {
        let mut inputs = article_deepseek();
        inputs.gpus = 0.0;
        assert_eq!(inputs.evaluate().map_err(|e| e.field), Err("gpus"));
        inputs.gpus = 2.5;
        assert_eq!(inputs.evaluate().map_err(|e| e.field), Err("gpus"));
        let mut inputs = article_deepseek();
        inputs.tokens = f64::NAN;
        assert_eq!(inputs.evaluate().map_err(|e| e.field), Err("tokens"));
        let mut inputs = article_deepseek();
        inputs.hours = -1.0;
        assert_eq!(inputs.evaluate().map_err(|e| e.field), Err("hours"));
        let mut inputs = article_deepseek();
        inputs.attention = AttentionMode::Causal;
        inputs.shape.seq_len = 0.0;
        assert_eq!(inputs.evaluate().map_err(|e| e.field), Err("seq_len"));
    }
}

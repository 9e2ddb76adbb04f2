//! Where the article's check and the realistic model disagree, as data: for each of the
//! article's assumptions that the chosen model and device contradict, both values, their
//! units and the source of the real one.
//!
//! Three assumptions are checked: the bandwidth the article gives the device, weights of
//! parameters · bits / 8, and a fixed 0.5 GB KV cache. A correction appears for any model
//! and device where the two values differ by more than [`TOLERANCE`]; none is tied to a
//! particular model or device.

use serde::Serialize;

use super::article::{ArticleEdgeInputs, ArticleEdgeReport};
use super::formats::{KvFormat, Weights};
use super::realistic::{EdgeInputs, EdgeReport};
use super::GIB;

/// Relative difference up to which the article's value counts as right (1 %).
pub const TOLERANCE: f64 = 0.01;

/// How the realistic KV cache is computed (references, section B4).
pub const KV_CACHE_SOURCE: &str = "Per token 2 (keys and values) · layers · KV heads · head size · bytes per element \
     (multi-head latent attention: (latent rank + rotary size) · layers · bytes), times context and batch, \
     sliding-window layers capped at their window (references, B4)";

/// Which of the article's assumptions a correction replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionKind {
    Bandwidth,
    WeightsSize,
    KvCache,
}

/// One of the article's numbers beside the realistic model's. Serialised with a `kind` tag
/// (`bandwidth`, `weights_size`, `kv_cache`); field names carry their units.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Correction {
    /// The memory bandwidth the article's check uses against the device's.
    Bandwidth {
        device: String,
        device_name: String,
        article_gb_s: f64,
        real_gb_s: f64,
        /// True where the device's bandwidth is derived rather than published.
        estimated: bool,
        source: String,
    },
    /// Parameters · bits / 8 against the whole model file the realistic model loads.
    WeightsSize {
        model: String,
        model_name: String,
        /// The weight format's id; `None` for plain N-bit weights.
        format: Option<&'static str>,
        article_params: f64,
        article_bits: f64,
        article_gb: f64,
        params: f64,
        bits_per_weight: f64,
        real_gb: f64,
        real_gib: f64,
        /// True where the format's bits per weight are nominal or derived, not measured.
        estimated: bool,
        source: String,
    },
    /// The article's fixed cache against one computed from the architecture and context.
    KvCache {
        article_gb: f64,
        kv_bytes_per_token: f64,
        context_tokens: f64,
        batch: f64,
        kv_format: KvFormat,
        real_gb: f64,
        source: String,
    },
}

impl Correction {
    pub fn kind(&self) -> CorrectionKind {
        match self {
            Correction::Bandwidth { .. } => CorrectionKind::Bandwidth,
            Correction::WeightsSize { .. } => CorrectionKind::WeightsSize,
            Correction::KvCache { .. } => CorrectionKind::KvCache,
        }
    }

    /// The article's value (GB/s for bandwidth, GB otherwise).
    pub fn article_value(&self) -> f64 {
        match self {
            Correction::Bandwidth { article_gb_s, .. } => *article_gb_s,
            Correction::WeightsSize { article_gb, .. } | Correction::KvCache { article_gb, .. } => *article_gb,
        }
    }

    /// The realistic model's value, in the same unit as [`Correction::article_value`].
    pub fn real_value(&self) -> f64 {
        match self {
            Correction::Bandwidth { real_gb_s, .. } => *real_gb_s,
            Correction::WeightsSize { real_gb, .. } | Correction::KvCache { real_gb, .. } => *real_gb,
        }
    }

    pub fn source(&self) -> &str {
        match self {
            Correction::Bandwidth { source, .. }
            | Correction::WeightsSize { source, .. }
            | Correction::KvCache { source, .. } => source,
        }
    }
}

/// True where `real` differs from `article` by more than [`TOLERANCE`] of `article`.
fn differs(article: f64, real: f64) -> bool {
    (real - article).abs() > TOLERANCE * article.abs()
}

/// The corrections for validated inputs and their reports. `weights` must be the weights
/// `inputs.bits_per_weight` came from.
pub(crate) fn find(
    article: &ArticleEdgeInputs,
    article_report: &ArticleEdgeReport,
    inputs: &EdgeInputs,
    weights: Weights,
    report: &EdgeReport,
) -> Vec<Correction> {
    let mut out = Vec::new();
    let d = &inputs.device;
    if differs(article.bandwidth_gb_s, d.bandwidth_gb_s) {
        out.push(Correction::Bandwidth {
            device: d.id.clone(),
            device_name: d.name.clone(),
            article_gb_s: article.bandwidth_gb_s,
            real_gb_s: d.bandwidth_gb_s,
            estimated: d.estimated,
            source: d.source.clone(),
        });
    }
    if differs(article_report.model_size_gb, report.weights_gb) {
        let m = &inputs.model;
        let (estimated, bits_source) = match weights.format() {
            Some(f) => (f.estimated, f.source.to_string()),
            None => (false, "plain N-bit weights, every weight at the same width".to_string()),
        };
        out.push(Correction::WeightsSize {
            model: m.id.to_string(),
            model_name: m.name.to_string(),
            format: weights.format().map(|f| f.id),
            article_params: article.params,
            article_bits: article.bits,
            article_gb: article_report.model_size_gb,
            params: m.total_params,
            bits_per_weight: inputs.bits_per_weight,
            real_gb: report.weights_gb,
            real_gib: inputs.weights_bytes() / GIB,
            estimated,
            source: format!("{bits_source}; parameters: {}", m.source),
        });
    }
    if differs(article_report.kv_cache_gb, report.kv_cache_gb) {
        out.push(Correction::KvCache {
            article_gb: article_report.kv_cache_gb,
            kv_bytes_per_token: report.kv_bytes_per_token,
            context_tokens: inputs.context,
            batch: inputs.batch,
            kv_format: inputs.kv_format,
            real_gb: report.kv_cache_gb,
            source: format!("{KV_CACHE_SOURCE}; shape: {}", inputs.model.source),
        });
    }
    out
}

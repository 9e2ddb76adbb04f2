//! The realistic feasibility model: architecture-aware memory, bandwidth-bound decode,
//! compute-bound prefill, and which side of the roofline a step sits on.

use serde::{Deserialize, Serialize};

use super::devices::Device;
use super::formats::KvFormat;
use super::models::ModelArch;
use super::GB;
use crate::error::{in_range, InputError};

/// Runtime buffers beyond weights and cache (compute graph, scratch): about 0.3 GB for a
/// llama.cpp-style runtime (references, section E; an estimate).
pub const DEFAULT_RUNTIME_GB: f64 = 0.3;
/// Fraction of peak FLOP/s prefill reaches.
pub const DEFAULT_COMPUTE_EFFICIENCY: f64 = 0.5;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EdgeInputs {
    pub model: ModelArch,
    pub bits_per_weight: f64,
    pub kv_format: KvFormat,
    /// Tokens in the context (prompt plus generated) the cache must hold.
    pub context: f64,
    pub batch: f64,
    pub device: Device,
    pub runtime_gb: f64,
    pub compute_efficiency: f64,
    pub prompt_tokens: f64,
}

/// Which resource limits a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    Memory,
    Compute,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Roofline {
    /// FLOPs per byte at which the device turns from bandwidth- to compute-bound.
    pub ridge_flops_per_byte: f64,
    pub decode_flops_per_byte: f64,
    pub decode_bound: Bound,
    pub prefill_flops_per_byte: f64,
    pub prefill_bound: Bound,
}

/// Field names are the JSON keys of `frontier edge`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EdgeReport {
    pub weights_gb: f64,
    pub kv_bytes_per_token: f64,
    pub kv_cache_gb: f64,
    pub runtime_gb: f64,
    pub total_memory_gb: f64,
    pub usable_memory_gb: f64,
    pub fits: bool,
    /// Usable memory left over (negative: how much is missing).
    pub headroom_gb: f64,
    /// Bytes read from memory per decode step: active weights plus the whole cache.
    pub bytes_per_step: f64,
    pub decode_tokens_per_sec: f64,
    pub sustained_tokens_per_sec: f64,
    /// The bandwidth ceiling: decode at 100 % bandwidth efficiency.
    pub decode_ceiling_tokens_per_sec: f64,
    pub prefill_seconds: f64,
    pub roofline: Roofline,
}

impl Device {
    /// The roofline: FLOP/s a kernel of `flops_per_byte` can reach on this device,
    /// min(peak compute, intensity · bandwidth), at 100 % efficiency.
    pub fn attainable_flops_per_s(&self, flops_per_byte: f64) -> f64 {
        self.peak_flops_per_s().min(flops_per_byte * self.bandwidth_gb_s * GB)
    }
}

impl EdgeInputs {
    pub fn validate(&self) -> Result<(), InputError> {
        let m = &self.model;
        in_range("total_params", m.total_params, 1.0, 1e15)?;
        in_range("active_params", m.active_params, 1.0, m.total_params)?;
        in_range("layers", m.layers, 1.0, 1e4)?;
        in_range("kv_elements_per_token", m.kv_elements_per_token_per_layer(), 1.0, 1e7)?;
        in_range("bits_per_weight", self.bits_per_weight, 0.5, 64.0)?;
        in_range("context", self.context, 1.0, 1e8)?;
        in_range("batch", self.batch, 1.0, 1e5)?;
        let d = &self.device;
        in_range("ram_gb", d.ram_gb, 1e-3, 1e6)?;
        in_range("usable_fraction", d.usable_fraction, 1e-3, 1.0)?;
        in_range("bandwidth_gb_s", d.bandwidth_gb_s, 1e-3, 1e6)?;
        in_range("compute_tflops", d.compute_tflops, 1e-6, 1e6)?;
        in_range("bandwidth_efficiency", d.bandwidth_efficiency, 1e-3, 1.0)?;
        in_range("sustained_factor", d.sustained_factor, 1e-3, 1.0)?;
        in_range("compute_efficiency", self.compute_efficiency, 1e-3, 1.0)?;
        if self.runtime_gb != 0.0 {
            in_range("runtime_gb", self.runtime_gb, 1e-6, 1e4)?;
        }
        in_range("prompt_tokens", self.prompt_tokens, 1.0, 1e8)?;
        Ok(())
    }

    /// KV-cache bytes per token of context in the chosen format (before sliding windows).
    pub fn kv_bytes_per_token(&self) -> f64 {
        self.model.kv_elements_per_token() * self.kv_format.bytes_per_element()
    }

    /// The whole cache for `ctx` tokens of each of `batch` sequences, in bytes.
    pub fn kv_cache_bytes(&self, ctx: f64) -> f64 {
        let per_position = self.model.kv_elements_per_token_per_layer() * self.kv_format.bytes_per_element();
        per_position * self.model.cached_layer_positions(ctx) * self.batch
    }

    pub fn weights_bytes(&self) -> f64 {
        self.model.total_params * self.bits_per_weight / 8.0
    }

    /// Memory needed for a context of `ctx` tokens, in GB.
    pub fn memory_gb(&self, ctx: f64) -> f64 {
        (self.weights_bytes() + self.kv_cache_bytes(ctx)) / GB + self.runtime_gb
    }

    pub fn evaluate(&self) -> Result<EdgeReport, InputError> {
        self.validate()?;
        let d = &self.device;
        let weights_gb = self.weights_bytes() / GB;
        let kv_cache_gb = self.kv_cache_bytes(self.context) / GB;
        let total_memory_gb = weights_gb + kv_cache_gb + self.runtime_gb;
        let usable_memory_gb = d.usable_memory_gb();
        // One decode step makes `batch` tokens: it reads the active weights once and every
        // sequence's whole cache once.
        let active_weight_bytes = self.model.active_params * self.bits_per_weight / 8.0;
        let bytes_per_step = active_weight_bytes + self.kv_cache_bytes(self.context);
        let bandwidth = d.bandwidth_bytes_per_s();
        let decode_ceiling = self.batch * bandwidth / bytes_per_step;
        let decode_tokens_per_sec = decode_ceiling * d.bandwidth_efficiency;
        let peak_flops = d.peak_flops_per_s();
        // Prefill: about 2 FLOPs per active parameter per prompt token.
        let prefill_flops = 2.0 * self.model.active_params * self.prompt_tokens;
        let prefill_seconds = prefill_flops / (peak_flops * self.compute_efficiency);
        let ridge = peak_flops / bandwidth;
        let decode_intensity = 2.0 * self.model.active_params * self.batch / bytes_per_step;
        let prefill_intensity = prefill_flops / (active_weight_bytes + self.kv_cache_bytes(self.prompt_tokens));
        let bound = |intensity: f64| if intensity < ridge { Bound::Memory } else { Bound::Compute };
        Ok(EdgeReport {
            weights_gb,
            kv_bytes_per_token: self.kv_bytes_per_token(),
            kv_cache_gb,
            runtime_gb: self.runtime_gb,
            total_memory_gb,
            usable_memory_gb,
            fits: total_memory_gb <= usable_memory_gb,
            headroom_gb: usable_memory_gb - total_memory_gb,
            bytes_per_step,
            decode_tokens_per_sec,
            sustained_tokens_per_sec: decode_tokens_per_sec * d.sustained_factor,
            decode_ceiling_tokens_per_sec: decode_ceiling,
            prefill_seconds,
            roofline: Roofline {
                ridge_flops_per_byte: ridge,
                decode_flops_per_byte: decode_intensity,
                decode_bound: bound(decode_intensity),
                prefill_flops_per_byte: prefill_intensity,
                prefill_bound: bound(prefill_intensity),
            },
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::edge::formats::WeightFormat;

    pub(crate) fn iphone_llama(context: f64) -> EdgeInputs {
        EdgeInputs {
            model: ModelArch::by_id("llama-3.1-8b").unwrap_or_else(|| unreachable!()),
            bits_per_weight: WeightFormat::by_id("Q4_K_M").map_or(0.0, |f| f.bits_per_weight),
            kv_format: KvFormat::F16,
            context,
            batch: 1.0,
            device: Device::by_id("iphone-16-pro").unwrap_or_else(|| unreachable!()),
            runtime_gb: DEFAULT_RUNTIME_GB,
            compute_efficiency: DEFAULT_COMPUTE_EFFICIENCY,
            prompt_tokens: 1000.0,
        }
    }

    #[test]
    fn iphone_16_pro_llama_8b_q4_k_m_at_4k() -> Result<(), InputError> {
        // By hand (references, A3): weights 8.03e9 · 4.8944 / 8 = 4.913 GB; KV 131,072 B ·
        // 4,096 = 0.537 GB; + 0.3 GB runtime = 5.75 GB against 8 · 0.6 = 4.8 GB usable:
        // does not fit. Ceiling 60e9 / (4.913e9 + 0.537e9) = 11.0 tokens/s.
        let r = iphone_llama(4096.0).evaluate()?;
        assert!((r.weights_gb - 4.9128).abs() < 1e-3, "{}", r.weights_gb);
        assert!((r.kv_cache_gb - 0.5369).abs() < 1e-3, "{}", r.kv_cache_gb);
        assert!((r.total_memory_gb - 5.7497).abs() < 1e-3);
        assert!(!r.fits);
        assert!((r.headroom_gb + 0.9497).abs() < 1e-3);
        assert!((r.decode_ceiling_tokens_per_sec - 11.009).abs() < 0.01, "{}", r.decode_ceiling_tokens_per_sec);
        assert_eq!(r.roofline.decode_bound, Bound::Memory);
        assert_eq!(r.roofline.prefill_bound, Bound::Compute);
        // Ridge: 2.2e12 / 60e9 = 36.7 FLOP/byte; decode sits at 2 · 8.03e9 / 5.45e9 = 2.9.
        assert!((r.roofline.ridge_flops_per_byte - 36.67).abs() < 0.01);
        assert!((r.roofline.decode_flops_per_byte - 2.947).abs() < 0.01);
        let d = &iphone_llama(4096.0).device;
        assert_eq!(d.attainable_flops_per_s(1.0), 60e9);
        assert_eq!(d.attainable_flops_per_s(1000.0), 2.2e12);
        // Prefill of 1,000 tokens: 2 · 8.03e9 · 1000 / (2.2e12 · 0.5) = 14.6 s.
        assert!((r.prefill_seconds - 14.6).abs() < 0.01);
        Ok(())
    }

    #[test]
    fn quantized_kv_shrinks_the_cache() -> Result<(), InputError> {
        let mut i = iphone_llama(32_768.0);
        let f16 = i.evaluate()?.kv_cache_gb;
        i.kv_format = KvFormat::Q4_0;
        let q4 = i.evaluate()?.kv_cache_gb;
        // 131,072 B/token · 32,768 = 4.29 GB in F16; Q4_0 is 0.5625 / 2 of it.
        assert!((f16 - 4.295).abs() < 1e-3);
        assert!((q4 / f16 - 0.28125).abs() < 1e-12);
        Ok(())
    }
}

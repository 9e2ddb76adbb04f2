//! The article's `compute_edge_feasibility`, exactly: nominal bits, a fixed 0.5 GB KV cache,
//! all of RAM usable, and every weight read once per token at full bandwidth.

use serde::{Deserialize, Serialize};

use crate::error::{in_range, InputError};

/// The article's fixed KV-cache allowance ("rough estimate for 2K context").
pub const ARTICLE_KV_CACHE_GB: f64 = 0.5;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ArticleEdgeInputs {
    pub params: f64,
    pub bits: f64,
    pub ram_gb: f64,
    pub bandwidth_gb_s: f64,
    pub target_tps: f64,
}

/// Field names are the article's dictionary keys.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ArticleEdgeReport {
    pub model_size_gb: f64,
    pub kv_cache_gb: f64,
    pub total_memory_gb: f64,
    pub fits_in_ram: bool,
    pub bandwidth_needed_gb_s: f64,
    pub bandwidth_sufficient: bool,
    pub achievable_tokens_per_sec: f64,
}

impl ArticleEdgeInputs {
    /// The article's example: "Llama 3 8B at 4-bit on iPhone 16 Pro".
    pub const EXAMPLE: ArticleEdgeInputs =
        ArticleEdgeInputs { params: 8e9, bits: 4.0, ram_gb: 8.0, bandwidth_gb_s: 100.0, target_tps: 15.0 };

    pub fn validate(&self) -> Result<(), InputError> {
        in_range("params", self.params, 1.0, 1e15)?;
        in_range("bits", self.bits, 0.1, 64.0)?;
        in_range("ram_gb", self.ram_gb, 1e-3, 1e6)?;
        in_range("bandwidth_gb_s", self.bandwidth_gb_s, 1e-3, 1e6)?;
        in_range("target_tps", self.target_tps, 1e-3, 1e6)?;
        Ok(())
    }

    pub fn evaluate(&self) -> Result<ArticleEdgeReport, InputError> {
        self.validate()?;
        let model_size_gb = self.params * self.bits / (8.0 * 1e9);
        let total_memory_gb = model_size_gb + ARTICLE_KV_CACHE_GB;
        let bytes_per_token = self.params * self.bits / 8.0;
        let bandwidth_needed_gb_s = bytes_per_token * self.target_tps / 1e9;
        Ok(ArticleEdgeReport {
            model_size_gb,
            kv_cache_gb: ARTICLE_KV_CACHE_GB,
            total_memory_gb,
            fits_in_ram: total_memory_gb <= self.ram_gb,
            bandwidth_needed_gb_s,
            bandwidth_sufficient: bandwidth_needed_gb_s <= self.bandwidth_gb_s,
            // The article divides by max(bytes_per_token, 1); validation makes that moot.
            achievable_tokens_per_sec: self.bandwidth_gb_s * 1e9 / bytes_per_token.max(1.0),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_articles_iphone_example() -> Result<(), InputError> {
        // 8e9 · 4 / 8e9 = 4 GB of weights + 0.5 GB = 4.5 GB, fits in 8 GB;
        // 100e9 / 4e9 = 25 tokens/s; 15 tokens/s needs 60 GB/s.
        let r = ArticleEdgeInputs::EXAMPLE.evaluate()?;
        assert_eq!(r.model_size_gb, 4.0);
        assert_eq!(r.total_memory_gb, 4.5);
        assert!(r.fits_in_ram);
        assert_eq!(r.achievable_tokens_per_sec, 25.0);
        assert_eq!(r.bandwidth_needed_gb_s, 60.0);
        assert!(r.bandwidth_sufficient);
        Ok(())
    }

    #[test]
    fn bad_numbers_name_the_field() {
        let bad = ArticleEdgeInputs { bits: 0.0, ..ArticleEdgeInputs::EXAMPLE };
        assert_eq!(bad.evaluate().map_err(|e| e.field), Err("bits"));
        let bad = ArticleEdgeInputs { ram_gb: f64::NAN, ..ArticleEdgeInputs::EXAMPLE };
        assert_eq!(bad.evaluate().map_err(|e| e.field), Err("ram_gb"));
    }
}

//! Sizes checked before anything is allocated: an SAE that would not fit is refused with its size.

use crate::config::{Arch, TrainConfig};
use crate::error::SaeError;

/// What the page allows one training run (wasm32 memory is at most 4 GiB, and a tab that takes
/// more than about a gigabyte is at risk on phones and small laptops).
pub const WASM_BUDGET_BYTES: u64 = 1 << 30;

/// Bytes a training run holds: weights, gradients and two Adam moments (4 copies of every
/// parameter), one batch's activations and gradients, and BatchTopK's selection indices.
pub fn training_bytes(cfg: &TrainConfig) -> u64 {
    let (d_in, d_sae, batch) = (cfg.sae.d_in as u64, cfg.sae.d_sae as u64, cfg.batch as u64);
    let params = 2 * d_in * d_sae + d_in + d_sae;
    let per_row = 4 * d_in + 3 * d_sae + d_in;
    let selection = if cfg.sae.arch == Arch::BatchTopK { 2 * d_sae * batch } else { 0 };
    4 * (4 * params + batch * per_row + selection)
}

/// Refuses a run over `budget_bytes`, naming both sizes.
pub fn check(cfg: &TrainConfig, budget_bytes: u64) -> Result<u64, SaeError> {
    let needed = training_bytes(cfg);
    if needed > budget_bytes {
        return Err(SaeError::TooBig { needed: format_bytes(needed), limit: format_bytes(budget_bytes) });
    }
    Ok(needed)
}

pub fn format_bytes(bytes: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    if bytes >= 1 << 30 {
        format!("{:.2} GiB", bytes as f64 / (MIB * 1024.0))
    } else {
        format!("{:.1} MiB", bytes as f64 / MIB)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gpt2_sized_sae_is_refused_in_the_page_with_its_size() {
        // d_in 768, d_sae 24,576, batch 4096: params 37,774,080; ×16 bytes = 604 MB, plus the batch
        // 4096 × (5·768 + 3·24,576) × 4 B = 1,271 MB: 1.75 GiB in all.
        let cfg = TrainConfig::recommended(768, 24_576, Arch::Relu, 0, 1000);
        let cfg = TrainConfig { batch: 4096, ..cfg };
        assert_eq!(training_bytes(&cfg), 4 * (4 * 37_774_080 + 4096 * (5 * 768 + 3 * 24_576)));
        match check(&cfg, WASM_BUDGET_BYTES) {
            Err(SaeError::TooBig { needed, .. }) => assert_eq!(needed, "1.75 GiB"),
            other => panic!("{other:?}"),
        }
        let small = TrainConfig::recommended(64, 512, Arch::Relu, 0, 1000);
        assert!(check(&small, WASM_BUDGET_BYTES).is_ok());
    }
}

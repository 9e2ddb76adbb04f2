//! Which backend trains a run: the user's choice, and what "auto" decides from the run's size and
//! the adapter.
//!
//! The rule comes from `cargo xtask bench sae --gpu` (NVIDIA H100, Vulkan, 2026-11-27): our GPU
//! step costs about 0.75 ms even when it has almost no arithmetic (d_in 64 × d_sae 512, batch
//! 1024: 1,341 steps/s), while the CPU backend in wasm computes about 10 GFLOP/s. So a step of
//! under ~8 MFLOP is as quick on the CPU, and auto keeps such runs there; a software adapter
//! (SwiftShader, lavapipe) computes on the CPU at well under the CPU backend's speed (lavapipe:
//! 0.6 GFLOP/s at that shape), so auto never picks one.

use frontier_sae::TrainConfig;

// The choice itself is plain configuration, kept in frontier-sae so that a lab state can hold
// it without this crate.
pub use frontier_sae::config::BackendChoice;

/// Steps of fewer floating-point operations than this stay on the CPU under auto.
pub const AUTO_GPU_MIN_FLOP: f64 = 8e6;

/// FLOP of one training step: five products of batch × d_in × d_sae multiply-adds.
pub fn step_flop(cfg: &TrainConfig) -> f64 {
    cfg.step_flop()
}

/// Whether auto wants a GPU for this run before any adapter is asked: `Err` says why not.
pub fn auto_wants_gpu(cfg: &TrainConfig) -> Result<(), String> {
    let flop = step_flop(cfg);
    if flop < AUTO_GPU_MIN_FLOP {
        return Err(format!(
            "a step is {:.1} MFLOP, under the {:.0} MFLOP where a GPU's fixed cost per step (about 0.75 ms) \
             starts to pay; choose WebGPU to use it anyway",
            flop / 1e6,
            AUTO_GPU_MIN_FLOP / 1e6
        ));
    }
    Ok(())
}

/// Whether auto accepts this adapter.
pub fn auto_accepts_adapter(software: bool, name: &str) -> Result<(), String> {
    if software {
        return Err(format!(
            "the WebGPU adapter ({name}) computes on the CPU, slower than the CPU backend; choose WebGPU to use it anyway"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use frontier_sae::config::Arch;

    fn cfg(d_in: usize, d_sae: usize, batch: usize) -> TrainConfig {
        TrainConfig { batch, ..TrainConfig::recommended(d_in, d_sae, Arch::Relu, 0, 1000) }
    }

    #[test]
    fn step_flop_counts_five_products() {
        // 10 · 1024 · 64 · 512 = 335,544,320 (the 0.336 GFLOP of the benchmark's first shape).
        assert_eq!(step_flop(&cfg(64, 512, 1024)), 335_544_320.0);
    }

    #[test]
    fn auto_keeps_tiny_runs_on_the_cpu_and_sends_larger_ones_to_the_gpu() {
        // 10 · 64 · 16 · 64 = 655,360 FLOP: far under the threshold.
        let tiny = auto_wants_gpu(&cfg(16, 64, 64)).unwrap_err();
        assert!(tiny.contains("0.7 MFLOP"), "{tiny}");
        assert!(auto_wants_gpu(&cfg(64, 512, 1024)).is_ok());
        assert!(auto_accepts_adapter(true, "SwiftShader").is_err());
        assert!(auto_accepts_adapter(false, "NVIDIA H100").is_ok());
    }

    #[test]
    fn choices_round_trip_through_their_ids() {
        for c in BackendChoice::ALL {
            assert_eq!(BackendChoice::parse(c.id()), Some(c));
        }
        assert_eq!(BackendChoice::parse("metal"), None);
    }
}

//! Devices: memory, the part an app may use, bandwidth, compute, and how they throttle.
//!
//! A device that is a GPU of the accelerator table ([`crate::hardware`]) reads its name,
//! memory, bandwidth, dense FP16/BF16 peak and "estimated" flag from that row, so no number
//! is written twice; this table adds only what is about running one model on it (the usable
//! fraction, bandwidth efficiency and thermal factor) and its own source note.

use serde::{Deserialize, Serialize};

use super::GB;
use crate::hardware::Accelerator;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Device {
    pub id: String,
    pub name: String,
    pub ram_gb: f64,
    /// Fraction of RAM one app can use (OS, other apps and per-app limits take the rest).
    pub usable_fraction: f64,
    pub bandwidth_gb_s: f64,
    /// Dense FP16 throughput of the unit that runs the model, in TFLOPS.
    pub compute_tflops: f64,
    /// Fraction of peak bandwidth decode reaches (GPU/Metal 0.6–0.8, CPU 0.3–0.6).
    pub bandwidth_efficiency: f64,
    /// Fraction of burst speed kept after minutes of load (phones throttle).
    pub sustained_factor: f64,
    /// True where a number in the row is derived or recalled rather than published.
    pub estimated: bool,
    pub source: String,
}

/// Where a row's name, memory, bandwidth and peak come from.
#[derive(Debug, Clone, Copy)]
enum Spec {
    /// A GPU of the accelerator table.
    Accelerator(&'static Accelerator),
    /// A device only this table has (phones, Macs, boards).
    Own { id: &'static str, name: &'static str, ram_gb: f64, bandwidth_gb_s: f64, compute_tflops: f64, estimated: bool },
}

#[derive(Debug, Clone, Copy)]
struct Row {
    spec: Spec,
    usable_fraction: f64,
    bandwidth_efficiency: f64,
    sustained_factor: f64,
    source: &'static str,
}

/// A GPU row: `id` in the accelerator table, then usable fraction, bandwidth efficiency,
/// sustained factor and the note on this table's own numbers.
const fn gpu(id: &str, usable: f64, bw_eff: f64, sustained: f64, source: &'static str) -> Row {
    Row {
        spec: Spec::Accelerator(Accelerator::row(id)),
        usable_fraction: usable,
        bandwidth_efficiency: bw_eff,
        sustained_factor: sustained,
        source,
    }
}

/// A row of its own: id, name, RAM (GB), usable fraction, bandwidth (GB/s), FP16 TFLOPS,
/// bandwidth efficiency, sustained factor, estimated, source.
#[allow(clippy::too_many_arguments)]
const fn own(
    id: &'static str,
    name: &'static str,
    ram_gb: f64,
    usable: f64,
    bandwidth_gb_s: f64,
    compute_tflops: f64,
    bw_eff: f64,
    sustained: f64,
    estimated: bool,
    source: &'static str,
) -> Row {
    Row {
        spec: Spec::Own { id, name, ram_gb, bandwidth_gb_s, compute_tflops, estimated },
        usable_fraction: usable,
        bandwidth_efficiency: bw_eff,
        sustained_factor: sustained,
        source,
    }
}

const ROWS: &[Row] = &[
    gpu("h100-sxm", 0.99, 0.8, 1.0, "NVIDIA datasheet, dense BF16; usable = VRAM less about 0.5 GB of runtime"),
    gpu("a100-80gb", 0.99, 0.8, 1.0, "NVIDIA A100 datasheet"),
    gpu("rtx-4090", 0.97, 0.8, 1.0, "Bandwidth from the spec sheet; FP16 tensor TFLOPS (FP32 accumulate) recalled from the Ada whitepaper"),
    own("apple-m2", "Apple M2 (24 GB)", 24.0, 0.75, 100.0, 3.6, 0.7, 1.0, true, "Apple: 100 GB/s; GPU TFLOPS recalled, not published in this form; 75% usable as canirun.dev assumes"),
    own("apple-m2-pro", "Apple M2 Pro (32 GB)", 32.0, 0.75, 200.0, 6.8, 0.7, 1.0, true, "Apple: 200 GB/s; GPU TFLOPS recalled"),
    own("apple-m2-max", "Apple M2 Max (96 GB)", 96.0, 0.75, 400.0, 13.6, 0.72, 1.0, true, "Apple: 400 GB/s; llama.cpp Metal reached ~290 GB/s (72%) on a 30-core M2 Max"),
    own("apple-m2-ultra", "Apple M2 Ultra (192 GB)", 192.0, 0.75, 800.0, 27.2, 0.7, 1.0, true, "Apple: 800 GB/s; GPU TFLOPS recalled"),
    own("apple-m3", "Apple M3 (24 GB)", 24.0, 0.75, 100.0, 4.1, 0.7, 1.0, true, "100 GB/s (ori.bot table); GPU TFLOPS recalled"),
    own("apple-m3-pro", "Apple M3 Pro (36 GB)", 36.0, 0.75, 150.0, 7.4, 0.7, 1.0, true, "150 GB/s (ori.bot table); GPU TFLOPS recalled"),
    own("apple-m3-max", "Apple M3 Max (128 GB)", 128.0, 0.75, 400.0, 16.4, 0.7, 1.0, true, "400 GB/s (macmegasite); GPU TFLOPS recalled"),
    own("apple-m4", "Apple M4 (32 GB)", 32.0, 0.75, 120.0, 4.3, 0.7, 1.0, true, "Apple: 120 GB/s; GPU TFLOPS recalled"),
    own("apple-m4-pro", "Apple M4 Pro (64 GB)", 64.0, 0.75, 273.0, 9.2, 0.7, 1.0, true, "Apple: 273 GB/s; GPU TFLOPS recalled"),
    own("apple-m4-max", "Apple M4 Max (128 GB)", 128.0, 0.75, 546.0, 18.4, 0.7, 1.0, true, "Apple: 546 GB/s; GPU TFLOPS recalled"),
    own("iphone-16-pro", "iPhone 16 Pro (A18 Pro, 8 GB)", 8.0, 0.6, 60.0, 2.2, 0.65, 0.5, true, "8 GB LPDDR5X (Wikipedia); ~60 GB/s derived from a 64-bit LPDDR5X-7500 bus, Apple publishes none; phones keep ~40-70% of burst speed after 10 minutes"),
    own("snapdragon-8-gen-3", "Snapdragon 8 Gen 3 phone (12 GB)", 12.0, 0.6, 76.8, 2.8, 0.6, 0.5, true, "LPDDR5X-4800 MHz on 64 bits = 76.8 GB/s (derived); Adreno 750 TFLOPS recalled"),
    own("snapdragon-8-elite", "Snapdragon 8 Elite phone (12 GB)", 12.0, 0.6, 84.8, 3.4, 0.6, 0.5, true, "84.8 GB/s (geektopia); Adreno 830 TFLOPS recalled"),
    own("raspberry-pi-5", "Raspberry Pi 5 (8 GB)", 8.0, 0.85, 17.0, 0.15, 0.5, 0.9, true, "LPDDR4X-4267 on a 32-bit bus ≈ 17 GB/s (derived; one source claims 34); 4 × A76 at 2.4 GHz ≈ 0.15 TFLOPS"),
];

impl Row {
    fn id(&self) -> &'static str {
        match self.spec {
            Spec::Accelerator(a) => a.id,
            Spec::Own { id, .. } => id,
        }
    }
}

impl Device {
    pub fn by_id(id: &str) -> Option<Device> {
        ROWS.iter().find(|r| r.id() == id).map(Self::from_row)
    }

    pub fn all() -> Vec<Device> {
        ROWS.iter().map(Self::from_row).collect()
    }

    pub fn ids() -> Vec<&'static str> {
        ROWS.iter().map(Row::id).collect()
    }

    /// The memory one app may use: RAM · usable fraction, in GB.
    pub fn usable_memory_gb(&self) -> f64 {
        self.ram_gb * self.usable_fraction
    }

    /// Peak dense FP16 throughput, in FLOP/s.
    pub fn peak_flops_per_s(&self) -> f64 {
        self.compute_tflops * 1e12
    }

    /// Peak memory bandwidth, in bytes per second.
    pub fn bandwidth_bytes_per_s(&self) -> f64 {
        self.bandwidth_gb_s * GB
    }

    fn from_row(r: &Row) -> Device {
        let (id, name, ram_gb, bandwidth_gb_s, compute_tflops, estimated, source) = match r.spec {
            Spec::Accelerator(a) => (
                a.id,
                a.name,
                a.memory_gb,
                a.bandwidth_gb_per_s,
                a.bf16_dense_tflops,
                a.estimated,
                format!("{}; memory, bandwidth and peak from the accelerator table: {}", r.source, a.source),
            ),
            Spec::Own { id, name, ram_gb, bandwidth_gb_s, compute_tflops, estimated } => {
                (id, name, ram_gb, bandwidth_gb_s, compute_tflops, estimated, r.source.to_string())
            }
        };
        Device {
            id: id.into(),
            name: name.into(),
            ram_gb,
            usable_fraction: r.usable_fraction,
            bandwidth_gb_s,
            compute_tflops,
            bandwidth_efficiency: r.bandwidth_efficiency,
            sustained_factor: r.sustained_factor,
            estimated,
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hardware::ACCELERATORS;

    #[test]
    fn ids_are_unique_and_every_row_has_a_source() {
        let ids = Device::ids();
        for (i, id) in ids.iter().enumerate() {
            assert!(ids[i + 1..].iter().all(|other| other != id), "duplicate {id}");
        }
        assert!(Device::all().iter().all(|d| !d.source.is_empty()));
    }

    #[test]
    fn gpus_read_their_numbers_from_the_accelerator_table() {
        // The values the edge table held before it read them there (datasheets, see hardware.rs).
        let expected =
            [("h100-sxm", 80.0, 3350.0, 989.0), ("a100-80gb", 80.0, 2039.0, 312.0), ("rtx-4090", 24.0, 1008.0, 165.2)];
        for (id, ram, bw, tflops) in expected {
            let d = Device::by_id(id).unwrap_or_else(|| panic!("no device {id}"));
            assert_eq!((d.ram_gb, d.bandwidth_gb_s, d.compute_tflops), (ram, bw, tflops), "{id}");
        }
        // Every id in both tables has the same numbers in both, and keeps both source notes.
        for d in Device::all() {
            if let Some(a) = ACCELERATORS.iter().find(|a| a.id == d.id) {
                assert_eq!(d.ram_gb, a.memory_gb, "{}", d.id);
                assert_eq!(d.bandwidth_gb_s, a.bandwidth_gb_per_s, "{}", d.id);
                assert_eq!(d.compute_tflops, a.bf16_dense_tflops, "{}", d.id);
                assert_eq!(d.estimated, a.estimated, "{}", d.id);
                assert!(d.source.contains(a.source), "{}", d.id);
            }
        }
    }

    #[test]
    fn usable_memory_and_peaks() {
        let iphone = Device::by_id("iphone-16-pro").unwrap_or_else(|| panic!("no iPhone"));
        // 8 GB · 0.6 = 4.8 GB; 2.2 TFLOPS = 2.2e12 FLOP/s; 60 GB/s = 6e10 B/s.
        assert!((iphone.usable_memory_gb() - 4.8).abs() < 1e-12);
        assert_eq!(iphone.peak_flops_per_s(), 2.2e12);
        assert_eq!(iphone.bandwidth_bytes_per_s(), 60e9);
    }
}

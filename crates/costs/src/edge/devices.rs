//! Devices: memory, the part an app may use, bandwidth, compute, and how they throttle.

use serde::{Deserialize, Serialize};

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

#[derive(Debug, Clone, Copy)]
struct Row(&'static str, &'static str, f64, f64, f64, f64, f64, f64, bool, &'static str);

const ROWS: &[Row] = &[
    Row("h100-sxm", "NVIDIA H100 SXM (80 GB)", 80.0, 0.99, 3350.0, 989.0, 0.8, 1.0, false, "NVIDIA datasheet, dense BF16; usable = VRAM less about 0.5 GB of runtime"),
    Row("a100-80gb", "NVIDIA A100 80GB SXM", 80.0, 0.99, 2039.0, 312.0, 0.8, 1.0, false, "NVIDIA A100 datasheet"),
    Row("rtx-4090", "NVIDIA GeForce RTX 4090 (24 GB)", 24.0, 0.97, 1008.0, 165.2, 0.8, 1.0, true, "Bandwidth from the spec sheet; FP16 tensor TFLOPS (FP32 accumulate) recalled from the Ada whitepaper"),
    Row("apple-m2", "Apple M2 (24 GB)", 24.0, 0.75, 100.0, 3.6, 0.7, 1.0, true, "Apple: 100 GB/s; GPU TFLOPS recalled, not published in this form; 75% usable as canirun.dev assumes"),
    Row("apple-m2-pro", "Apple M2 Pro (32 GB)", 32.0, 0.75, 200.0, 6.8, 0.7, 1.0, true, "Apple: 200 GB/s; GPU TFLOPS recalled"),
    Row("apple-m2-max", "Apple M2 Max (96 GB)", 96.0, 0.75, 400.0, 13.6, 0.72, 1.0, true, "Apple: 400 GB/s; llama.cpp Metal reached ~290 GB/s (72%) on a 30-core M2 Max"),
    Row("apple-m2-ultra", "Apple M2 Ultra (192 GB)", 192.0, 0.75, 800.0, 27.2, 0.7, 1.0, true, "Apple: 800 GB/s; GPU TFLOPS recalled"),
    Row("apple-m3", "Apple M3 (24 GB)", 24.0, 0.75, 100.0, 4.1, 0.7, 1.0, true, "100 GB/s (ori.bot table); GPU TFLOPS recalled"),
    Row("apple-m3-pro", "Apple M3 Pro (36 GB)", 36.0, 0.75, 150.0, 7.4, 0.7, 1.0, true, "150 GB/s (ori.bot table); GPU TFLOPS recalled"),
    Row("apple-m3-max", "Apple M3 Max (128 GB)", 128.0, 0.75, 400.0, 16.4, 0.7, 1.0, true, "400 GB/s (macmegasite); GPU TFLOPS recalled"),
    Row("apple-m4", "Apple M4 (32 GB)", 32.0, 0.75, 120.0, 4.3, 0.7, 1.0, true, "Apple: 120 GB/s; GPU TFLOPS recalled"),
    Row("apple-m4-pro", "Apple M4 Pro (64 GB)", 64.0, 0.75, 273.0, 9.2, 0.7, 1.0, true, "Apple: 273 GB/s; GPU TFLOPS recalled"),
    Row("apple-m4-max", "Apple M4 Max (128 GB)", 128.0, 0.75, 546.0, 18.4, 0.7, 1.0, true, "Apple: 546 GB/s; GPU TFLOPS recalled"),
    Row("iphone-16-pro", "iPhone 16 Pro (A18 Pro, 8 GB)", 8.0, 0.6, 60.0, 2.2, 0.65, 0.5, true, "8 GB LPDDR5X (Wikipedia); ~60 GB/s derived from a 64-bit LPDDR5X-7500 bus, Apple publishes none; phones keep ~40-70% of burst speed after 10 minutes"),
    Row("snapdragon-8-gen-3", "Snapdragon 8 Gen 3 phone (12 GB)", 12.0, 0.6, 76.8, 2.8, 0.6, 0.5, true, "LPDDR5X-4800 MHz on 64 bits = 76.8 GB/s (derived); Adreno 750 TFLOPS recalled"),
    Row("snapdragon-8-elite", "Snapdragon 8 Elite phone (12 GB)", 12.0, 0.6, 84.8, 3.4, 0.6, 0.5, true, "84.8 GB/s (geektopia); Adreno 830 TFLOPS recalled"),
    Row("raspberry-pi-5", "Raspberry Pi 5 (8 GB)", 8.0, 0.85, 17.0, 0.15, 0.5, 0.9, true, "LPDDR4X-4267 on a 32-bit bus ≈ 17 GB/s (derived; one source claims 34); 4 × A76 at 2.4 GHz ≈ 0.15 TFLOPS"),
];

impl Device {
    pub fn by_id(id: &str) -> Option<Device> {
        ROWS.iter().find(|r| r.0 == id).map(Self::from_row)
    }

    pub fn all() -> Vec<Device> {
        ROWS.iter().map(Self::from_row).collect()
    }

    pub fn ids() -> Vec<&'static str> {
        ROWS.iter().map(|r| r.0).collect()
    }

    fn from_row(r: &Row) -> Device {
        Device {
            id: r.0.into(),
            name: r.1.into(),
            ram_gb: r.2,
            usable_fraction: r.3,
            bandwidth_gb_s: r.4,
            compute_tflops: r.5,
            bandwidth_efficiency: r.6,
            sustained_factor: r.7,
            estimated: r.8,
            source: r.9.into(),
        }
    }
}

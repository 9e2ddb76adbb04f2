//! Accelerator table: dense tensor throughput, memory and bandwidth, one source per row.
//!
//! This is the one table of GPUs: the edge devices that are GPUs (`edge/devices.rs`) read
//! their memory, bandwidth and peak from these rows.
//!
//! Only dense peaks appear here. Datasheets also quote "with sparsity" numbers that are
//! twice as large; dividing by those halves every MFU, a bug several well-known tools
//! have shipped (see the source notes in `shared/references/costs_edge.md`, section B2).

use serde::{Deserialize, Serialize};

/// The number format the training run's matrix multiplies use, which selects the peak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    #[default]
    Bf16,
    Fp8,
}

impl Precision {
    pub const ALL: [Precision; 2] = [Precision::Bf16, Precision::Fp8];

    pub fn id(self) -> &'static str {
        match self {
            Precision::Bf16 => "bf16",
            Precision::Fp8 => "fp8",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Precision::Bf16 => "BF16 dense",
            Precision::Fp8 => "FP8 dense",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.id() == id)
    }
}

/// One accelerator, as a row of the hardware table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Accelerator {
    /// Stable lower-case id used in links, the CLI and presets.
    pub id: &'static str,
    pub name: &'static str,
    /// Dense BF16/FP16 tensor throughput per GPU, in TFLOPS.
    pub bf16_dense_tflops: f64,
    /// Dense FP8 tensor throughput per GPU, in TFLOPS; `None` where there is no FP8 unit.
    pub fp8_dense_tflops: Option<f64>,
    pub memory_gb: f64,
    pub bandwidth_gb_per_s: f64,
    /// True where a number in the row is derived or recalled rather than read in a datasheet.
    pub estimated: bool,
    pub source: &'static str,
}

impl Accelerator {
    /// The dense peak for `precision`, in TFLOPS, if the accelerator has that unit.
    pub fn peak_tflops(&self, precision: Precision) -> Option<f64> {
        match precision {
            Precision::Bf16 => Some(self.bf16_dense_tflops),
            Precision::Fp8 => self.fp8_dense_tflops,
        }
    }

    /// Finds a row by its id.
    pub fn by_id(id: &str) -> Option<&'static Accelerator> {
        ACCELERATORS.iter().find(|a| a.id == id)
    }

    /// The row with `id`, for other tables that read a GPU's numbers from this one (the edge
    /// devices). Meant for `const` items: an id missing here then stops the build.
    pub(crate) const fn row(id: &str) -> &'static Accelerator {
        let mut i = 0;
        while i < ACCELERATORS.len() {
            if frontier_base::same_str(ACCELERATORS[i].id, id) {
                return &ACCELERATORS[i];
            }
            i += 1;
        }
        panic!("no such id in the accelerator table")
    }
}

/// The accelerator table. Sources are abbreviated; the full notes are in the references.
pub const ACCELERATORS: &[Accelerator] = &[
    Accelerator {
        id: "h100-sxm",
        name: "NVIDIA H100 SXM",
        bf16_dense_tflops: 989.0,
        fp8_dense_tflops: Some(1979.0),
        memory_gb: 80.0,
        bandwidth_gb_per_s: 3350.0,
        estimated: false,
        source: "NVIDIA H100 datasheet dense figures (1,979 BF16 is the 2:4-sparsity number); dense table in meta-pytorch/tritonbench#78",
    },
    Accelerator {
        id: "h100-pcie",
        name: "NVIDIA H100 PCIe",
        bf16_dense_tflops: 756.0,
        fp8_dense_tflops: Some(1513.0),
        memory_gb: 80.0,
        bandwidth_gb_per_s: 2000.0,
        estimated: false,
        source: "NVIDIA H100 datasheet, PCIe column, dense; 756.5 dense quoted in qoofyk/LLM_Sizing_Guide#3",
    },
    Accelerator {
        id: "h800",
        name: "NVIDIA H800 SXM",
        bf16_dense_tflops: 989.0,
        fp8_dense_tflops: Some(1979.0),
        memory_gb: 80.0,
        bandwidth_gb_per_s: 3350.0,
        estimated: false,
        source: "FlashMLA maintainer: 989 TFLOPS dense, 1,979 sparse MMA, 3.35 TB/s (deepseek-ai/FlashMLA#75); FP8 dense 1,979 (LLM-Prof hardware_spec.md)",
    },
    Accelerator {
        id: "h200",
        name: "NVIDIA H200 SXM",
        bf16_dense_tflops: 989.0,
        fp8_dense_tflops: Some(1979.0),
        memory_gb: 141.0,
        bandwidth_gb_per_s: 4800.0,
        estimated: false,
        source: "NVIDIA H200 datasheet, dense; 989.5 dense in Lightning PR #21743",
    },
    Accelerator {
        id: "b200",
        name: "NVIDIA B200 (HGX, 1 kW)",
        bf16_dense_tflops: 2250.0,
        fp8_dense_tflops: Some(4500.0),
        memory_gb: 180.0,
        bandwidth_gb_per_s: 8000.0,
        estimated: false,
        source: "LLM-Prof hardware_spec.md; DGX B200 datasheet (180 GB usable of 192 nominal)",
    },
    Accelerator {
        id: "a100-40gb",
        name: "NVIDIA A100 40GB",
        bf16_dense_tflops: 312.0,
        fp8_dense_tflops: None,
        memory_gb: 40.0,
        bandwidth_gb_per_s: 1555.0,
        estimated: false,
        source: "NVIDIA A100 datasheet (dense BF16 312; no FP8 unit, 624 is INT8); LLM-Viewer hardware_params.py",
    },
    Accelerator {
        id: "a100-80gb",
        name: "NVIDIA A100 80GB SXM",
        bf16_dense_tflops: 312.0,
        fp8_dense_tflops: None,
        memory_gb: 80.0,
        bandwidth_gb_per_s: 2039.0,
        estimated: false,
        source: "NVIDIA A100 datasheet (SXM 2,039 GB/s; no FP8 unit); LLM-Prof",
    },
    Accelerator {
        id: "mi300x",
        name: "AMD Instinct MI300X",
        bf16_dense_tflops: 1307.0,
        fp8_dense_tflops: Some(2615.0),
        memory_gb: 192.0,
        bandwidth_gb_per_s: 5300.0,
        estimated: false,
        source: "AMD MI300X datasheet, dense (FP16 2,610 quoted by some resellers is the sparse figure)",
    },
    Accelerator {
        id: "l4",
        name: "NVIDIA L4",
        bf16_dense_tflops: 121.0,
        fp8_dense_tflops: Some(242.0),
        memory_gb: 24.0,
        bandwidth_gb_per_s: 300.0,
        estimated: true,
        source: "Derived: the 242 TFLOPS FP16 listing is the sparse figure, halved to 121 dense",
    },
    Accelerator {
        id: "rtx-4090",
        name: "NVIDIA GeForce RTX 4090",
        bf16_dense_tflops: 165.2,
        fp8_dense_tflops: Some(330.3),
        memory_gb: 24.0,
        bandwidth_gb_per_s: 1008.0,
        estimated: true,
        source: "NVIDIA Ada whitepaper, FP32-accumulate dense figures (recalled, not re-read; 330 BF16 needs FP16 accumulate)",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_lower_case_and_dashed() {
        for (i, a) in ACCELERATORS.iter().enumerate() {
            assert!(a.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
            assert!(ACCELERATORS[i + 1..].iter().all(|b| b.id != a.id), "duplicate {}", a.id);
            assert!(!a.source.is_empty());
        }
    }

    #[test]
    fn fp8_dense_is_twice_bf16_dense_where_both_are_published() {
        // Hopper, Blackwell and CDNA3 double the dense rate from BF16 to FP8; a row that
        // breaks this ratio most likely mixed a sparse figure into a dense column.
        for a in ACCELERATORS {
            if let Some(fp8) = a.fp8_dense_tflops {
                let ratio = fp8 / a.bf16_dense_tflops;
                assert!((ratio - 2.0).abs() < 0.01, "{}: fp8/bf16 = {ratio}", a.id);
            }
        }
    }

    #[test]
    fn h800_bf16_peak_is_the_articles_989() {
        let h800 = Accelerator::by_id("h800").map(|a| a.peak_tflops(Precision::Bf16));
        assert_eq!(h800, Some(Some(989.0)));
        let a100 = Accelerator::by_id("a100-80gb").map(|a| a.peak_tflops(Precision::Fp8));
        assert_eq!(a100, Some(None));
    }

    #[test]
    fn the_const_lookup_finds_the_same_row_as_by_id() {
        for a in ACCELERATORS {
            assert_eq!(Accelerator::row(a.id), a);
        }
        assert!(
            frontier_base::same_str("h100-sxm", "h100-sxm")
                && !frontier_base::same_str("h100-sxm", "h100-pcie")
                && !frontier_base::same_str("h100", "h100-sxm")
        );
    }
}

//! Weight and KV-cache formats with the bits per weight a whole model file really uses.
//!
//! Whole-file bits per weight are measured on Llama 3.1 8B by llama.cpp
//! (`tools/quantize/README.md`): embeddings and the output layer stay at higher precision,
//! so a file is larger than its format's nominal width suggests. For other models this is
//! an approximation; plain N-bit is the article's idealisation.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WeightFormat {
    pub id: &'static str,
    /// Bits per weight over the whole file.
    pub bits_per_weight: f64,
    /// Perplexity increase over F16 on Llama 3 8B, where llama.cpp publishes it.
    pub delta_ppl: Option<f64>,
    /// True where the bits are nominal or derived from a size, not a measured whole file.
    pub estimated: bool,
    pub source: &'static str,
}

const MEASURED: &str =
    "llama.cpp tools/quantize/README.md, whole file on Llama 3.1 8B; Δppl from llama-quantize --help (Llama 3 8B)";
const FROM_SIZE: &str =
    "Derived from llama-quantize's size on Llama 3 8B (GiB · 8 · 2^30 / 8.03e9); Δppl from llama-quantize --help";
const NOMINAL: &str = "Nominal bits per weight from llama-quantize --help; embeddings make real files larger";

pub const WEIGHT_FORMATS: &[WeightFormat] = &[
    WeightFormat { id: "F16", bits_per_weight: 16.0005, delta_ppl: Some(0.0), estimated: false, source: MEASURED },
    WeightFormat { id: "Q8_0", bits_per_weight: 8.5008, delta_ppl: Some(0.0026), estimated: false, source: MEASURED },
    WeightFormat { id: "Q6_K", bits_per_weight: 6.5633, delta_ppl: Some(0.0217), estimated: false, source: MEASURED },
    WeightFormat { id: "Q5_K_M", bits_per_weight: 5.7036, delta_ppl: Some(0.0569), estimated: false, source: MEASURED },
    WeightFormat { id: "Q5_K_S", bits_per_weight: 5.5704, delta_ppl: Some(0.1049), estimated: false, source: MEASURED },
    WeightFormat { id: "Q4_K_M", bits_per_weight: 4.8944, delta_ppl: Some(0.1754), estimated: false, source: MEASURED },
    WeightFormat { id: "Q4_K_S", bits_per_weight: 4.6672, delta_ppl: Some(0.2689), estimated: false, source: MEASURED },
    WeightFormat { id: "Q4_0", bits_per_weight: 4.643, delta_ppl: Some(0.4685), estimated: true, source: FROM_SIZE },
    WeightFormat { id: "IQ4_NL", bits_per_weight: 4.6818, delta_ppl: None, estimated: false, source: MEASURED },
    WeightFormat { id: "IQ4_XS", bits_per_weight: 4.4597, delta_ppl: None, estimated: false, source: MEASURED },
    WeightFormat { id: "Q3_K_L", bits_per_weight: 4.2979, delta_ppl: Some(0.5562), estimated: false, source: MEASURED },
    WeightFormat { id: "Q3_K_M", bits_per_weight: 4.001, delta_ppl: Some(0.6569), estimated: true, source: FROM_SIZE },
    WeightFormat { id: "IQ3_M", bits_per_weight: 3.7628, delta_ppl: None, estimated: false, source: MEASURED },
    WeightFormat { id: "Q3_K_S", bits_per_weight: 3.6429, delta_ppl: Some(1.6321), estimated: false, source: MEASURED },
    WeightFormat { id: "IQ3_XXS", bits_per_weight: 3.2548, delta_ppl: None, estimated: false, source: MEASURED },
    WeightFormat { id: "Q2_K", bits_per_weight: 3.1593, delta_ppl: Some(3.5199), estimated: false, source: MEASURED },
    WeightFormat { id: "Q2_K_S", bits_per_weight: 2.9697, delta_ppl: Some(3.1836), estimated: false, source: MEASURED },
    WeightFormat { id: "IQ2_M", bits_per_weight: 2.9294, delta_ppl: None, estimated: false, source: MEASURED },
    WeightFormat { id: "IQ2_S", bits_per_weight: 2.5, delta_ppl: None, estimated: true, source: NOMINAL },
    WeightFormat { id: "IQ2_XS", bits_per_weight: 2.31, delta_ppl: None, estimated: true, source: NOMINAL },
    WeightFormat { id: "IQ2_XXS", bits_per_weight: 2.3824, delta_ppl: None, estimated: false, source: MEASURED },
    WeightFormat { id: "IQ1_M", bits_per_weight: 2.146, delta_ppl: None, estimated: false, source: MEASURED },
    WeightFormat { id: "IQ1_S", bits_per_weight: 2.0042, delta_ppl: None, estimated: false, source: MEASURED },
    WeightFormat { id: "TQ2_0", bits_per_weight: 2.06, delta_ppl: None, estimated: true, source: NOMINAL },
    WeightFormat { id: "TQ1_0", bits_per_weight: 1.69, delta_ppl: None, estimated: true, source: NOMINAL },
];

impl WeightFormat {
    /// Finds a format by id, case-insensitively (`q4_k_m` works).
    pub fn by_id(id: &str) -> Option<&'static WeightFormat> {
        WEIGHT_FORMATS.iter().find(|f| f.id.eq_ignore_ascii_case(id))
    }
}

/// The weights of a model: a row of the whole-file table, or plain N-bit weights (the
/// article's idealisation, every weight at exactly `bits`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Weights {
    Format(&'static WeightFormat),
    PlainBits(f64),
}

impl Weights {
    /// Bits per weight over the whole file.
    pub fn bits_per_weight(self) -> f64 {
        match self {
            Weights::Format(f) => f.bits_per_weight,
            Weights::PlainBits(bits) => bits,
        }
    }

    /// The table row, where the weights are one.
    pub fn format(self) -> Option<&'static WeightFormat> {
        match self {
            Weights::Format(f) => Some(f),
            Weights::PlainBits(_) => None,
        }
    }
}

/// The KV cache's element format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum KvFormat {
    #[default]
    F16,
    Q8_0,
    Q4_0,
}

impl KvFormat {
    pub const ALL: [KvFormat; 3] = [KvFormat::F16, KvFormat::Q8_0, KvFormat::Q4_0];

    /// Bytes per cached element: Q8_0 stores 32 values in 34 bytes, Q4_0 in 18 (ggml blocks).
    pub fn bytes_per_element(self) -> f64 {
        match self {
            KvFormat::F16 => 2.0,
            KvFormat::Q8_0 => 34.0 / 32.0,
            KvFormat::Q4_0 => 18.0 / 32.0,
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            KvFormat::F16 => "F16",
            KvFormat::Q8_0 => "Q8_0",
            KvFormat::Q4_0 => "Q4_0",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id().eq_ignore_ascii_case(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edge::GIB;

    #[test]
    fn llama_3_1_8b_file_sizes_match_llama_cpp() {
        // Llama 3.1 8B has 8,030,261,248 parameters; llama.cpp lists 4.58 GiB for Q4_K_M and
        // 7.95 GiB for Q8_0.
        let params = 8_030_261_248.0;
        let gib = |id: &str| WeightFormat::by_id(id).map_or(0.0, |f| params * f.bits_per_weight / 8.0 / GIB);
        assert!((gib("Q4_K_M") - 4.58).abs() < 0.005, "{}", gib("Q4_K_M"));
        assert!((gib("Q8_0") - 7.95).abs() < 0.005, "{}", gib("Q8_0"));
        assert!((gib("F16") - 14.96).abs() < 0.005, "{}", gib("F16"));
        assert!((gib("IQ1_S") - 1.87).abs() < 0.005, "{}", gib("IQ1_S"));
    }

    #[test]
    fn formats_are_ordered_and_lookup_ignores_case() {
        assert_eq!(WeightFormat::by_id("q4_k_m").map(|f| f.id), Some("Q4_K_M"));
        assert_eq!(KvFormat::from_id("q8_0"), Some(KvFormat::Q8_0));
        assert_eq!(KvFormat::Q4_0.bytes_per_element(), 0.5625);
    }
}

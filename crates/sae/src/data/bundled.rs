//! The bundled activations (static/sae/minilm-l3.safetensors, made by
//! tools/assets/sae_activations.py): all-MiniLM-L6-v2's residual stream after layer 3, one row per
//! token, with the token's text and the sentence it came from.

use std::ops::Range;

use serde_json::Value;

use crate::io::{parse_safetensors, InputError};
use crate::Matrix;

/// Rows of activations with their tokens in context.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenActivations {
    pub activations: Matrix,
    /// The text of each row's token (WordPiece: "##" marks a word's continuation).
    pub tokens: Vec<String>,
    /// Row where each sequence starts, then the row count.
    pub sequence_starts: Vec<usize>,
    /// Each sequence's source, an index into `source_names`.
    pub sources: Vec<usize>,
    pub source_names: Vec<String>,
    /// The model and site, as the file states them.
    pub model: String,
    pub site: String,
}

fn shape_error(message: impl Into<String>) -> InputError {
    InputError::Shape { message: message.into() }
}

impl TokenActivations {
    pub fn parse(bytes: &[u8]) -> Result<Self, InputError> {
        let st = parse_safetensors(bytes)?;
        let tensor = |name: &str| st.get(name).ok_or_else(|| shape_error(format!("no tensor `{name}`")));
        let activations = tensor("activations")?.to_matrix()?;
        let ids = tensor("token_ids")?.to_u32()?;
        let starts: Vec<usize> = tensor("sequence_starts")?.to_u32()?.into_iter().map(|v| v as usize).collect();
        let sources: Vec<usize> = tensor("sources")?.to_u32()?.into_iter().map(|v| v as usize).collect();
        let json_list = |key: &str| -> Result<Vec<String>, InputError> {
            let text = st.metadata.get(key).ok_or_else(|| shape_error(format!("no `{key}` in the metadata")))?;
            let value: Value = serde_json::from_str(text).map_err(|e| shape_error(format!("metadata `{key}`: {e}")))?;
            value
                .as_array()
                .map(|a| a.iter().map(|v| v.as_str().unwrap_or_default().to_string()).collect())
                .ok_or_else(|| shape_error(format!("metadata `{key}` is not a list")))
        };
        let vocab = json_list("vocab")?;
        let source_names = json_list("sources")?;
        let rows = activations.rows;
        if ids.len() != rows {
            return Err(shape_error(format!("{} token ids for {rows} rows", ids.len())));
        }
        let tokens = ids
            .iter()
            .map(|&id| {
                vocab
                    .get(id as usize)
                    .cloned()
                    .ok_or_else(|| shape_error(format!("token id {id} beyond the vocabulary")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let ordered = starts.windows(2).all(|w| w[0] <= w[1]);
        if starts.first() != Some(&0) || starts.last() != Some(&rows) || !ordered {
            return Err(shape_error("sequence_starts must rise from 0 to the row count"));
        }
        if sources.len() + 1 != starts.len() || sources.iter().any(|&s| s >= source_names.len()) {
            return Err(shape_error("one source per sequence, each naming a listed source"));
        }
        let meta = |key: &str| st.metadata.get(key).cloned().unwrap_or_default();
        Ok(Self {
            activations,
            tokens,
            sequence_starts: starts,
            sources,
            source_names,
            model: meta("model"),
            site: meta("site"),
        })
    }

    /// The sequence holding `row`, as a range of rows.
    pub fn sequence_of(&self, row: usize) -> Range<usize> {
        let i = self.sequence_starts.partition_point(|&s| s <= row).saturating_sub(1);
        self.sequence_starts[i]..self.sequence_starts.get(i + 1).copied().unwrap_or(self.activations.rows)
    }

    /// The source name of the sequence holding `row`.
    pub fn source_of(&self, row: usize) -> &str {
        let i = self.sequence_starts.partition_point(|&s| s <= row).saturating_sub(1);
        self.sources.get(i).and_then(|&s| self.source_names.get(s)).map_or("", String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_file_reads_and_its_sequences_hold_together() {
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../static/sae/minilm-l3.safetensors"))
            .unwrap_or_else(|e| panic!("{e}"));
        let data = TokenActivations::parse(&bytes).unwrap_or_else(|e| panic!("{e}"));
        // Counts from static/sae/README.md.
        assert_eq!(data.activations.rows, 10_240);
        assert_eq!(data.activations.cols, 384);
        assert_eq!(data.sequence_starts.len(), 372);
        assert_eq!(data.source_names, ["brown", "factbook", "sotu"]);
        let mean_norm: f64 =
            (0..data.activations.rows).map(|r| f64::from(crate::model::l2(data.activations.row(r)))).sum::<f64>()
                / data.activations.rows as f64;
        // The README's sanity summary: mean row norm 11.904.
        assert!((mean_norm - 11.904).abs() < 0.01, "{mean_norm}");
        let seq = data.sequence_of(0);
        assert_eq!(seq.start, 0);
        assert!(seq.end > 0 && seq.end <= 64);
        assert_eq!(data.sequence_of(seq.end), seq.end..data.sequence_starts[2]);
    }
}

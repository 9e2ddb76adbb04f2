//! Writing safetensors files the way the reference library (huggingface/safetensors) does, so a
//! file saved here is byte-identical to `safetensors.numpy.save_file` for the same tensors in the
//! same order: a compact JSON header with `__metadata__` first, padded with spaces so the data
//! starts on an 8-byte boundary. Where they differ (no reader can tell): the library sorts
//! tensors by dtype (widest first: I64, F64, F32, F16, U8 ...) then by name, where this writes
//! them in the order given; it lists metadata in a Rust `HashMap`'s order, which changes from run
//! to run, where this sorts the keys; and it writes `"__metadata__":{}` for an empty dict, which
//! this leaves out. With tensors in the library's order and at most one metadata key, the bytes
//! are the same.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::Tensor;

/// A safetensors file of `tensors`, data in the order given; `__metadata__` (keys sorted) is left
/// out when `metadata` is empty. Offsets follow each tensor's `data` as it is: build tensors with
/// [`Tensor::from_f32`] (or keep `data` at `product(shape) × dtype size` bytes) and give each a
/// different name, or readers will reject the file.
pub fn write_safetensors(tensors: &[Tensor], metadata: &BTreeMap<String, String>) -> Vec<u8> {
    let mut entries = Vec::with_capacity(tensors.len() + 1);
    if !metadata.is_empty() {
        let pairs: Vec<String> =
            metadata.iter().map(|(k, v)| format!("{}:{}", json_string(k), json_string(v))).collect();
        entries.push(format!("\"__metadata__\":{{{}}}", pairs.join(",")));
    }
    let mut offset = 0usize;
    for t in tensors {
        let shape: Vec<String> = t.shape.iter().map(usize::to_string).collect();
        let end = offset.saturating_add(t.data.len());
        entries.push(format!(
            "{}:{{\"dtype\":\"{}\",\"shape\":[{}],\"data_offsets\":[{offset},{end}]}}",
            json_string(&t.name),
            t.dtype.name(),
            shape.join(",")
        ));
        offset = end;
    }
    let mut header = format!("{{{}}}", entries.join(","));
    header.push_str(&" ".repeat((8 - header.len() % 8) % 8));
    let mut out = Vec::with_capacity(8 + header.len() + offset);
    out.extend_from_slice(&u64::try_from(header.len()).unwrap_or(u64::MAX).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    for t in tensors {
        out.extend_from_slice(&t.data);
    }
    out
}

/// `s` as a JSON string literal, escaped exactly as serde_json escapes it (what the reference
/// library uses): `\"`, `\\`, the short escapes `\b \f \n \r \t`, other control characters as
/// `\u00xx` in lowercase hex, everything else (DEL and non-ASCII included) as it is.
pub(crate) fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_match_serde_json() {
        for s in ["plain", "é\"\n\u{1}\u{7f}\\", "\u{8}\u{c}\r\t\u{1f}", "🙂"] {
            assert_eq!(json_string(s), serde_json::to_string(s).unwrap_or_else(|e| panic!("{e}")), "{s:?}");
        }
    }

    #[test]
    fn header_is_padded_to_eight_bytes() {
        let t = Tensor::from_f32("a", vec![2, 3], &[1.0; 6]).unwrap_or_else(|e| panic!("{e}"));
        let bytes = write_safetensors(&[t], &BTreeMap::new());
        let expected_header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}       ";
        assert_eq!(bytes.get(..8), Some(&64u64.to_le_bytes()[..]));
        assert_eq!(bytes.get(8..72), Some(expected_header.as_bytes()));
        assert_eq!(bytes.len(), 72 + 24);
    }
}

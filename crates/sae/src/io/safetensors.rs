//! Reading safetensors files: an 8-byte little-endian header length N, N bytes of JSON header
//! (`{"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {..}}`), then
//! the data, with offsets relative to its start. Everything in the header is checked before any
//! data is copied (bounds, lengths, overlaps), so a hostile header cannot make the reader
//! allocate more than the file's size; every error names the byte and the tensor.

use std::collections::BTreeMap;

use serde_json::Value;

use super::limits::check_len;
use super::safetensors_write::json_string;
use super::tensor::element_count;
use super::{Dtype, InputError, Tensor};
use crate::Matrix;

/// The reference library refuses headers over 100 MB (`MAX_HEADER_SIZE`); so does this.
const MAX_HEADER_BYTES: u64 = 100_000_000;

/// The tensors of a safetensors file, in the order of their data, and its `__metadata__`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SafeTensors {
    pub tensors: Vec<Tensor>,
    pub metadata: BTreeMap<String, String>,
}

impl SafeTensors {
    /// The tensor called `name`.
    pub fn get(&self, name: &str) -> Option<&Tensor> {
        self.tensors.iter().find(|t| t.name == name)
    }
}

/// A tensor's header entry, checked, before its data is copied.
struct Entry {
    name: String,
    dtype: Dtype,
    shape: Vec<usize>,
    begin: usize,
    end: usize,
}

/// Parses and validates a safetensors file. Dtypes other than F32, F16, BF16, F64, I32, U32, I64
/// and U8 are rejected; so are offsets outside the data, a byte length that is not
/// `product(shape) × dtype size`, and tensors whose data overlap.
pub fn parse_safetensors(bytes: &[u8]) -> Result<SafeTensors, InputError> {
    check_len(bytes.len())?;
    let err = |offset, message: String| InputError::Safetensors { offset, message };
    let Some(&[b0, b1, b2, b3, b4, b5, b6, b7]) = bytes.get(..8) else {
        return Err(err(
            0,
            format!("the file is {} bytes; safetensors starts with an 8-byte header length", bytes.len()),
        ));
    };
    let n = u64::from_le_bytes([b0, b1, b2, b3, b4, b5, b6, b7]);
    if n > MAX_HEADER_BYTES {
        return Err(err(0, format!("the header length {n} is over the 100 MB limit (is this a safetensors file?)")));
    }
    let header = usize::try_from(n).ok().and_then(|n| bytes.get(8..8 + n)).ok_or_else(|| {
        err(0, format!("the header length {n} runs past the end of the file ({} bytes)", bytes.len()))
    })?;
    let data_start = 8 + header.len();
    let data = bytes.get(data_start..).unwrap_or_default();
    let text =
        std::str::from_utf8(header).map_err(|e| err(8 + e.valid_up_to(), "the header is not UTF-8".to_owned()))?;
    let json: Value = serde_json::from_str(text).map_err(|e| {
        let offset = 8 + byte_offset(text, e.line(), e.column());
        let message = e.to_string();
        let message = message.rsplit_once(" at line ").map_or(message.as_str(), |(m, _)| m);
        err(offset, format!("the header is not valid JSON: {message}"))
    })?;
    let Value::Object(map) = json else {
        return Err(err(8, "the header must be a JSON object".to_owned()));
    };
    let at = |name: &str| 8 + text.find(&json_string(name)).unwrap_or(0);
    let mut metadata = BTreeMap::new();
    let mut entries = Vec::with_capacity(map.len());
    for (name, value) in &map {
        if name == "__metadata__" {
            metadata = read_metadata(value).map_err(|m| err(at(name), m))?;
        } else {
            let entry = read_entry(name, value, data.len()).map_err(|m| err(at(name), m))?;
            entries.push(entry);
        }
    }
    entries.sort_by(|a, b| (a.begin, a.end, &a.name).cmp(&(b.begin, b.end, &b.name)));
    let mut previous: Option<&Entry> = None;
    for e in &entries {
        match previous {
            Some(p) if e.begin < p.end && e.begin < e.end => {
                return Err(err(
                    data_start + e.begin,
                    format!(
                        "the data of tensor \"{}\" (bytes {}..{} of the data) overlaps tensor \"{}\" ({}..{})",
                        e.name, e.begin, e.end, p.name, p.begin, p.end
                    ),
                ));
            }
            Some(p) if p.end >= e.end => {}
            _ => previous = Some(e),
        }
    }
    let tensors = entries
        .into_iter()
        .map(|e| Tensor {
            data: data.get(e.begin..e.end).unwrap_or_default().to_vec(),
            name: e.name,
            dtype: e.dtype,
            shape: e.shape,
        })
        .collect();
    Ok(SafeTensors { tensors, metadata })
}

/// `__metadata__`: an object of strings.
fn read_metadata(value: &Value) -> Result<BTreeMap<String, String>, String> {
    let Value::Object(map) = value else {
        return Err("\"__metadata__\" must be an object of strings".to_owned());
    };
    map.iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k.clone(), s.clone())),
            other => Err(format!("\"__metadata__\" must hold strings, but \"{k}\" is {other}")),
        })
        .collect()
}

/// One tensor's entry, checked against the data's length.
fn read_entry(name: &str, value: &Value, data_len: usize) -> Result<Entry, String> {
    let field = |key: &str| value.get(key).ok_or_else(|| format!("tensor \"{name}\" has no \"{key}\""));
    let dtype_name =
        field("dtype")?.as_str().ok_or_else(|| format!("tensor \"{name}\": \"dtype\" must be a string"))?;
    let dtype = Dtype::from_name(dtype_name).ok_or_else(|| {
        let supported: Vec<&str> = Dtype::ALL.iter().map(|d| d.name()).collect();
        format!("tensor \"{name}\" has dtype {dtype_name}, which is not supported ({})", supported.join(", "))
    })?;
    let sizes = |key: &str| -> Result<Vec<usize>, String> {
        let bad = || format!("tensor \"{name}\": \"{key}\" must be a list of non-negative integers");
        let list = field(key)?.as_array().ok_or_else(bad)?;
        list.iter().map(|v| v.as_u64().and_then(|n| usize::try_from(n).ok()).ok_or_else(bad)).collect()
    };
    let shape = sizes("shape")?;
    let &[begin, end] = &sizes("data_offsets")?[..] else {
        return Err(format!("tensor \"{name}\": \"data_offsets\" must be [begin, end]"));
    };
    if begin > end {
        return Err(format!("tensor \"{name}\": its data_offsets [{begin}, {end}] begin after they end"));
    }
    if end > data_len {
        return Err(format!(
            "tensor \"{name}\": its data_offsets [{begin}, {end}] run past the {data_len} bytes of data"
        ));
    }
    let expected = element_count(&shape).and_then(|n| n.checked_mul(dtype.size()));
    if expected != Some(end - begin) {
        let needs = expected.map_or("more bytes than can be addressed".to_owned(), |n| format!("{n} bytes"));
        return Err(format!(
            "tensor \"{name}\": shape {shape:?} of {} needs {needs}, but its data_offsets [{begin}, {end}] span {}",
            dtype.name(),
            end - begin
        ));
    }
    Ok(Entry { name: name.to_owned(), dtype, shape, begin, end })
}

/// The byte offset of a 1-based line and column (as serde_json reports them) in `text`.
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}

/// The activation matrix of a safetensors file: the tensor named `activations` if there is one,
/// otherwise the only 2-D float tensor; when there are none or several, the error lists them all.
pub fn activations_from_safetensors(st: &SafeTensors) -> Result<Matrix, InputError> {
    if let Some(t) = st.get("activations") {
        return t.to_matrix();
    }
    let candidates: Vec<&Tensor> = st.tensors.iter().filter(|t| t.shape.len() == 2 && t.dtype.is_float()).collect();
    if let [only] = candidates[..] {
        return only.to_matrix();
    }
    let problem = if candidates.is_empty() {
        "no 2-D float tensor [tokens, d_in]".to_owned()
    } else {
        format!("{} 2-D float tensors and none named \"activations\"", candidates.len())
    };
    let listed: Vec<String> =
        st.tensors.iter().take(20).map(|t| format!("\"{}\" {:?} {}", t.name, t.shape, t.dtype.name())).collect();
    let more = st.tensors.len().saturating_sub(listed.len());
    let more = if more > 0 { format!(" and {more} more") } else { String::new() };
    let has = if listed.is_empty() { "no tensors".to_owned() } else { format!("{}{more}", listed.join(", ")) };
    Err(InputError::Shape { message: format!("the safetensors file has {problem}; it has {has}") })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(header: &str, data: &[u8]) -> Vec<u8> {
        let mut out = u64::try_from(header.len()).unwrap_or_else(|e| panic!("{e}")).to_le_bytes().to_vec();
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn empty_tensors_may_share_an_offset() {
        let header = concat!(
            r#"{"b":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},"#,
            r#""a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        );
        let st = parse_safetensors(&file(header, &[0; 4])).unwrap_or_else(|e| panic!("{e}"));
        let names: Vec<&str> = st.tensors.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    fn a_tensor_inside_another_is_an_overlap() {
        let header = concat!(
            r#"{"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},"#,
            r#""b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]},"#,
            r#""c":{"dtype":"U8","shape":[2],"data_offsets":[6,8]}}"#
        );
        let e = parse_safetensors(&file(header, &[0; 8])).map(|_| ()).map_err(|e| e.to_string());
        assert!(matches!(&e, Err(m) if m.contains("\"b\"") && m.contains("\"a\"")), "{e:?}");
    }

    #[test]
    fn json_errors_point_into_the_header() {
        // Line 2, column 4: the "o" of "nope", where it stopped looking like `null`.
        let e = parse_safetensors(&file("{\"a\":\n  nope}", &[]));
        assert!(matches!(e, Err(InputError::Safetensors { offset: 17, .. })), "{e:?}");
    }

    #[test]
    fn byte_offsets_of_lines_and_columns() {
        assert_eq!(byte_offset("ab\ncd", 2, 2), 4);
        assert_eq!(byte_offset("ab", 9, 9), 2);
    }
}

//! The byte-level BPE tokenizer stored in the GGUF file (`tokenizer.ggml.model = "gpt2"`).
//!
//! Encoding: special tokens (control tokens such as `<|im_start|>`) are cut out of the text
//! first; the rest is split into pieces (each digit alone, then GPT-2's pattern, written out by
//! hand below because the `regex` crate has no look-ahead), each piece's bytes are mapped to the
//! printable characters GPT-2 uses for bytes, and the merges are applied lowest rank first.

use std::collections::HashMap;

use crate::error::LmError;
use crate::gguf::{Gguf, Value};

/// GPT-2's byte ↔ character table: printable bytes stand for themselves, the other 68 take the
/// code points 256, 257, … in byte order (so a space is `Ġ`, U+0120, and a newline `Ċ`).
pub fn byte_to_char_table() -> [char; 256] {
    let mut table = ['\0'; 256];
    let mut next = 256u32;
    for b in 0..=255u8 {
        let printable = matches!(b, b'!'..=b'~' | 0xA1..=0xAC | 0xAE..=0xFF);
        let cp = if printable {
            u32::from(b)
        } else {
            next += 1;
            next - 1
        };
        table[usize::from(b)] = char::from_u32(cp).unwrap_or('\0');
    }
    table
}

/// Unicode letters (general category L), as sorted ranges.
struct Letters(Vec<(char, char)>);

impl Letters {
    fn new() -> Self {
        let ranges = match regex_syntax::parse(r"\p{L}") {
            Ok(hir) => match hir.kind() {
                regex_syntax::hir::HirKind::Class(regex_syntax::hir::Class::Unicode(c)) => {
                    c.ranges().iter().map(|r| (r.start(), r.end())).collect()
                }
                _ => Vec::new(),
            },
            Err(_) => Vec::new(),
        };
        Letters(ranges)
    }

    fn contains(&self, c: char) -> bool {
        if c.is_ascii() {
            return c.is_ascii_alphabetic();
        }
        self.0
            .binary_search_by(|&(lo, hi)| {
                if hi < c {
                    std::cmp::Ordering::Less
                } else if lo > c {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    Number,
    Space,
    Other,
}

/// The tokenizer: vocabulary, merge ranks and special tokens.
pub struct Tokenizer {
    tokens: Vec<String>,
    ids: HashMap<String, u32>,
    /// (left, right) → (rank, merged id).
    merges: HashMap<(u32, u32), (u32, u32)>,
    /// Special tokens, longest first (so that the longest match wins).
    specials: Vec<(String, u32)>,
    byte_char: [char; 256],
    char_byte: HashMap<char, u8>,
    /// Token id of each byte's character. Some bytes have none (SmolLM2's vocabulary lacks 21,
    /// e.g. 0x04 and 0xF5..=0xFF): like Hugging Face's BPE with no unknown token, they are dropped.
    byte_token: [Option<u32>; 256],
    letters: Letters,
    pub bos: Option<u32>,
    pub eos: Option<u32>,
    pub chat_template: Option<String>,
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokenizer")
            .field("vocab", &self.tokens.len())
            .field("merges", &self.merges.len())
            .field("specials", &self.specials.len())
            .finish()
    }
}

fn meta_err(key: &str, why: impl Into<String>) -> LmError {
    LmError::Metadata { key: key.into(), why: why.into() }
}

fn strings<'g>(g: &'g Gguf, key: &str) -> Result<Vec<&'g str>, LmError> {
    let arr = g.get(key).and_then(Value::as_array).ok_or_else(|| meta_err(key, "missing or not an array"))?;
    arr.iter().map(|v| v.as_str().ok_or_else(|| meta_err(key, "an element is not a string"))).collect()
}

impl Tokenizer {
    pub fn from_gguf(g: &Gguf) -> Result<Self, LmError> {
        let model = g.get("tokenizer.ggml.model").and_then(Value::as_str).unwrap_or("");
        if model != "gpt2" {
            return Err(meta_err(
                "tokenizer.ggml.model",
                format!("{model:?}: only byte-level BPE (\"gpt2\") is supported"),
            ));
        }
        let tokens: Vec<String> = strings(g, "tokenizer.ggml.tokens")?.into_iter().map(String::from).collect();
        let types: Vec<u64> = match g.get("tokenizer.ggml.token_type").and_then(Value::as_array) {
            Some(a) => a.iter().map(|v| v.as_u64().unwrap_or(1)).collect(),
            None => vec![1; tokens.len()],
        };
        let mut ids = HashMap::with_capacity(tokens.len());
        for (i, t) in tokens.iter().enumerate() {
            ids.entry(t.clone()).or_insert(i as u32);
        }
        let byte_char = byte_to_char_table();
        let mut byte_token = [None; 256];
        for (b, c) in byte_char.iter().enumerate() {
            byte_token[b] = ids.get(&c.to_string()).copied();
        }
        let merge_strs = strings(g, "tokenizer.ggml.merges")?;
        let mut merges = HashMap::with_capacity(merge_strs.len());
        for (rank, m) in merge_strs.iter().enumerate() {
            let Some((a, b)) = m.split_once(' ') else {
                return Err(meta_err("tokenizer.ggml.merges", format!("merge {rank} ({m:?}) is not two tokens")));
            };
            let (Some(&ia), Some(&ib), Some(&im)) = (ids.get(a), ids.get(b), ids.get(&format!("{a}{b}"))) else {
                return Err(meta_err(
                    "tokenizer.ggml.merges",
                    format!("merge {rank} ({m:?}) names a token not in the vocabulary"),
                ));
            };
            merges.entry((ia, ib)).or_insert((rank as u32, im));
        }
        // Control (3) and user-defined (4) tokens are matched in the text as they are.
        let mut specials: Vec<(String, u32)> = tokens
            .iter()
            .zip(&types)
            .enumerate()
            .filter(|(_, (_, &ty))| ty == 3 || ty == 4)
            .map(|(i, (t, _))| (t.clone(), i as u32))
            .collect();
        specials.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.1.cmp(&b.1)));
        let id = |key: &str| {
            g.get(key)
                .and_then(Value::as_u64)
                .and_then(|v| u32::try_from(v).ok())
                .filter(|&v| (v as usize) < tokens.len())
        };
        let char_byte = byte_char.iter().enumerate().map(|(b, &c)| (c, b as u8)).collect();
        Ok(Tokenizer {
            bos: id("tokenizer.ggml.bos_token_id"),
            eos: id("tokenizer.ggml.eos_token_id"),
            chat_template: g.get("tokenizer.chat_template").and_then(Value::as_str).map(String::from),
            tokens,
            ids,
            merges,
            specials,
            byte_char,
            char_byte,
            byte_token,
            letters: Letters::new(),
        })
    }

    pub fn vocab_size(&self) -> usize {
        self.tokens.len()
    }

    /// The id of a token written as it is in the vocabulary.
    pub fn token_id(&self, token: &str) -> Option<u32> {
        self.ids.get(token).copied()
    }

    /// The vocabulary entry of `id` (byte-level characters, e.g. `Ġthe`).
    pub fn token(&self, id: u32) -> Option<&str> {
        self.tokens.get(id as usize).map(String::as_str)
    }

    pub fn is_special(&self, id: u32) -> bool {
        self.specials.iter().any(|&(_, i)| i == id)
    }

    /// Token ids of `text`; special tokens written in the text are recognised.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        let mut out = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            // The earliest special token (the longest at that place).
            let mut found: Option<(usize, &str, u32)> = None;
            for (s, id) in &self.specials {
                if let Some(at) = rest.find(s.as_str()) {
                    if found.is_none_or(|(f, _, _)| at < f) {
                        found = Some((at, s, *id));
                    }
                }
            }
            match found {
                Some((at, s, id)) => {
                    self.encode_ordinary(&rest[..at], &mut out);
                    out.push(id);
                    rest = &rest[at + s.len()..];
                }
                None => {
                    self.encode_ordinary(rest, &mut out);
                    rest = "";
                }
            }
        }
        out
    }

    /// Encodes text with no special tokens in it.
    pub fn encode_ordinary(&self, text: &str, out: &mut Vec<u32>) {
        for piece in self.pieces(text) {
            self.bpe(piece, out);
        }
    }

    fn class(&self, c: char) -> Class {
        if c.is_whitespace() {
            Class::Space
        } else if self.letters.contains(c) {
            Class::Letter
        } else if c.is_numeric() {
            Class::Number
        } else {
            Class::Other
        }
    }

    /// Splits `text` as the tokenizer's pre-tokenizer does: every numeric character alone, then
    /// in each stretch between them GPT-2's pattern
    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
    pub fn pieces<'t>(&self, text: &'t str) -> Vec<&'t str> {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, c) in text.char_indices() {
            if c.is_numeric() {
                self.gpt2_split(&text[start..i], &mut out);
                out.push(&text[i..i + c.len_utf8()]);
                start = i + c.len_utf8();
            }
        }
        self.gpt2_split(&text[start..], &mut out);
        out
    }

    fn gpt2_split<'t>(&self, s: &'t str, out: &mut Vec<&'t str>) {
        let chars: Vec<(usize, char)> = s.char_indices().collect();
        let classes: Vec<Class> = chars.iter().map(|&(_, c)| self.class(c)).collect();
        let at = |i: usize| chars.get(i).map_or(s.len(), |&(b, _)| b);
        let n = chars.len();
        let mut i = 0;
        while i < n {
            let c = chars[i].1;
            let next = chars.get(i + 1).map(|&(_, c)| c);
            // Contractions: 's 't 'm 'd 're 've 'll (lower case, as in GPT-2).
            if c == '\'' {
                let two = chars.get(i + 2).map(|&(_, c)| c);
                let len = match (next, two) {
                    (Some('r'), Some('e')) | (Some('v'), Some('e')) | (Some('l'), Some('l')) => 3,
                    (Some('s' | 't' | 'm' | 'd'), _) => 2,
                    _ => 0,
                };
                if len > 0 {
                    out.push(&s[at(i)..at(i + len)]);
                    i += len;
                    continue;
                }
            }
            // ` ?X+` for X = letters, numbers, or neither-nor-space.
            let lead = usize::from(c == ' ' && i + 1 < n && classes[i + 1] != Class::Space);
            let class = classes[i + lead];
            if class != Class::Space {
                let mut j = i + lead;
                while j < n && classes[j] == class {
                    j += 1;
                }
                out.push(&s[at(i)..at(j)]);
                i = j;
                continue;
            }
            // Whitespace: `\s+(?!\S)` keeps the last space for the word that follows; `\s+` takes
            // a single space before a word.
            let mut j = i;
            while j < n && classes[j] == Class::Space {
                j += 1;
            }
            if j < n && j - i > 1 {
                j -= 1;
            }
            out.push(&s[at(i)..at(j)]);
            i = j;
        }
    }

    /// Applies the merges to one piece.
    fn bpe(&self, piece: &str, out: &mut Vec<u32>) {
        let mut parts: Vec<u32> = piece.bytes().filter_map(|b| self.byte_token[usize::from(b)]).collect();
        loop {
            let mut best: Option<(u32, usize, u32)> = None;
            for (i, w) in parts.windows(2).enumerate() {
                if let Some(&(rank, merged)) = self.merges.get(&(w[0], w[1])) {
                    if best.is_none_or(|(r, _, _)| rank < r) {
                        best = Some((rank, i, merged));
                    }
                }
            }
            let Some((_, i, merged)) = best else { break };
            parts[i] = merged;
            parts.remove(i + 1);
        }
        out.extend_from_slice(&parts);
    }

    /// The bytes a token stands for (special tokens: their text).
    pub fn token_bytes(&self, id: u32) -> Vec<u8> {
        let Some(t) = self.tokens.get(id as usize) else { return Vec::new() };
        if self.is_special(id) {
            return t.as_bytes().to_vec();
        }
        let mut bytes = Vec::with_capacity(t.len());
        for c in t.chars() {
            match self.char_byte.get(&c) {
                Some(&b) => bytes.push(b),
                None => bytes.extend_from_slice(c.to_string().as_bytes()),
            }
        }
        bytes
    }

    /// The text of `ids` (invalid UTF-8 across token boundaries becomes U+FFFD).
    pub fn decode(&self, ids: &[u32]) -> String {
        let bytes: Vec<u8> = ids.iter().flat_map(|&id| self.token_bytes(id)).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// The byte-level character of a byte (e.g. `Ġ` for a space).
    pub fn byte_char(&self, b: u8) -> char {
        self.byte_char[usize::from(b)]
    }
}

/// A chat message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub role: String,
    pub content: String,
}

/// The system prompt the template adds when the conversation has none: the text between
/// `<|im_start|>system\n` and `<|im_end|>` inside the template, if it has one.
pub fn default_system_prompt(template: &str) -> Option<String> {
    let start = template
        .find("<|im_start|>system\\n")
        .map(|i| i + "<|im_start|>system\\n".len())
        .or_else(|| template.find("<|im_start|>system\n").map(|i| i + "<|im_start|>system\n".len()))?;
    let end = template[start..].find("<|im_end|>")? + start;
    Some(template[start..end].to_string())
}

/// ChatML, as the model's template renders it: each message as
/// `<|im_start|>{role}\n{content}<|im_end|>\n`, a default system message first when the
/// conversation does not start with one, and `<|im_start|>assistant\n` to ask for the answer.
pub fn chat_prompt(template: Option<&str>, messages: &[Message]) -> String {
    let mut out = String::new();
    if messages.first().is_none_or(|m| m.role != "system") {
        if let Some(system) = template.and_then(default_system_prompt) {
            out.push_str(&format!("<|im_start|>system\n{system}<|im_end|>\n"));
        }
    }
    for m in messages {
        out.push_str(&format!("<|im_start|>{}\n{}<|im_end|>\n", m.role, m.content));
    }
    out.push_str("<|im_start|>assistant\n");
    out
}

//! The Llama forward pass: embedding, 30 × (RMSNorm → grouped-query attention with RoPE → residual,
//! RMSNorm → SwiGLU MLP → residual), final RMSNorm, LM head (tied to the embedding when the file
//! has no `output.weight`).
//!
//! RoPE rotates *adjacent* pairs (2i, 2i+1): llama.cpp's converter permutes the rows of the Q and
//! K projections from Hugging Face's half-split layout (i, i + 64/2) to that interleaved one, and
//! since Q and K are permuted alike, attention scores are the same as the original model's.

use crate::error::LmError;
use crate::gguf::Gguf;
use crate::kernels::{matmul, simd, Exec};
use crate::quant::{Data, Matrix};

/// The longest sequence a session holds. The KV cache costs 2 (K and V) × layers × kv_heads ×
/// head_dim × 4 bytes per token = 46,080 bytes for SmolLM2-135M, so 2,048 tokens take 94 MB: beside
/// the model's 100 MB, about what a page can count on. The model was trained to 8,192.
pub const MAX_CONTEXT: usize = 2048;

/// Hyper-parameters, from the `llama.*` metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub layers: usize,
    pub d_model: usize,
    pub d_ff: usize,
    pub heads: usize,
    pub kv_heads: usize,
    pub head_dim: usize,
    pub vocab: usize,
    pub rope_base: f32,
    pub rms_eps: f32,
    pub trained_context: usize,
}

impl Config {
    /// Bytes of KV cache per token.
    pub fn kv_bytes_per_token(&self) -> usize {
        2 * self.layers * self.kv_heads * self.head_dim * 4
    }
}

#[derive(Debug, Clone)]
struct Layer {
    attn_norm: Vec<f32>,
    q: Matrix,
    k: Matrix,
    v: Matrix,
    o: Matrix,
    ffn_norm: Vec<f32>,
    gate: Matrix,
    up: Matrix,
    down: Matrix,
}

/// A loaded model. It owns its (repacked) weights: the file's bytes can be dropped after `load`.
#[derive(Debug, Clone)]
pub struct Model {
    pub config: Config,
    embedding: Matrix,
    layers: Vec<Layer>,
    final_norm: Vec<f32>,
    /// `None`: the LM head is the embedding matrix.
    output: Option<Matrix>,
    /// RoPE's inverse frequencies, computed as transformers does (float32 pow).
    inv_freq: Vec<f32>,
}

fn meta_usize(g: &Gguf, key: &str) -> Result<usize, LmError> {
    let v = g.get(key).ok_or_else(|| LmError::Metadata { key: key.into(), why: "missing".into() })?;
    v.as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&n| n > 0 && n <= 1 << 20)
        .ok_or_else(|| LmError::Metadata { key: key.into(), why: format!("{v:?} is not a count from 1 to 2^20") })
}

fn meta_f32(g: &Gguf, key: &str) -> Result<f32, LmError> {
    let v = g.get(key).ok_or_else(|| LmError::Metadata { key: key.into(), why: "missing".into() })?;
    v.as_f32()
        .filter(|x| x.is_finite() && *x > 0.0)
        .ok_or_else(|| LmError::Metadata { key: key.into(), why: format!("{v:?} is not a positive float") })
}

fn tensor(g: &Gguf, name: &str, rows: usize, cols: usize) -> Result<Matrix, LmError> {
    let info = g.tensor(name).ok_or_else(|| LmError::Tensor { name: name.into(), why: "missing".into() })?;
    let want: &[u64] = if rows == 1 { &[cols as u64] } else { &[cols as u64, rows as u64] };
    if info.dims != want {
        return Err(LmError::Tensor {
            name: name.into(),
            why: format!("dimensions {:?}, expected {want:?}", info.dims),
        });
    }
    Matrix::from_bytes(info.ty, rows, cols, g.tensor_data(info), name)
}

fn vector(g: &Gguf, name: &str, len: usize) -> Result<Vec<f32>, LmError> {
    let m = tensor(g, name, 1, len)?;
    match m.data {
        Data::F32(v) => Ok(v),
        _ => Err(LmError::Tensor { name: name.into(), why: "a norm weight must be F32 or F16".into() }),
    }
}

impl Model {
    /// Reads a GGUF file of the `llama` architecture.
    pub fn load(bytes: &[u8]) -> Result<Self, LmError> {
        let g = Gguf::parse(bytes)?;
        Self::from_gguf(&g)
    }

    pub fn from_gguf(g: &Gguf) -> Result<Self, LmError> {
        let arch = g.get("general.architecture").and_then(|v| v.as_str()).unwrap_or("");
        if arch != "llama" {
            return Err(LmError::Architecture(arch.into()));
        }
        let layers = meta_usize(g, "llama.block_count")?;
        let d_model = meta_usize(g, "llama.embedding_length")?;
        let d_ff = meta_usize(g, "llama.feed_forward_length")?;
        let heads = meta_usize(g, "llama.attention.head_count")?;
        let kv_heads = match g.get("llama.attention.head_count_kv") {
            Some(_) => meta_usize(g, "llama.attention.head_count_kv")?,
            None => heads,
        };
        let rope_base = meta_f32(g, "llama.rope.freq_base").unwrap_or(10_000.0);
        let rms_eps = meta_f32(g, "llama.attention.layer_norm_rms_epsilon")?;
        let trained_context = meta_usize(g, "llama.context_length")?;
        if d_model % heads != 0 || heads % kv_heads != 0 || (d_model / heads) % 2 != 0 {
            return Err(LmError::Metadata {
                key: "llama.attention.head_count".into(),
                why: format!(
                    "{heads} heads and {kv_heads} KV heads do not divide width {d_model} into even head sizes"
                ),
            });
        }
        let head_dim = d_model / heads;
        if let Ok(rot) = meta_usize(g, "llama.rope.dimension_count") {
            if rot != head_dim {
                return Err(LmError::Metadata {
                    key: "llama.rope.dimension_count".into(),
                    why: format!("{rot}: partial rotary embeddings are not supported"),
                });
            }
        }
        let embd_info = g
            .tensor("token_embd.weight")
            .ok_or_else(|| LmError::Tensor { name: "token_embd.weight".into(), why: "missing".into() })?;
        let vocab = embd_info.dims.get(1).and_then(|&v| usize::try_from(v).ok()).unwrap_or(0);
        if vocab == 0 || vocab > 1 << 20 {
            return Err(LmError::Tensor {
                name: "token_embd.weight".into(),
                why: format!("dimensions {:?}", embd_info.dims),
            });
        }
        let kv_dim = kv_heads * head_dim;
        let embedding = tensor(g, "token_embd.weight", vocab, d_model)?;
        let mut ls = Vec::new();
        for i in 0..layers {
            let n = |s: &str| format!("blk.{i}.{s}.weight");
            ls.push(Layer {
                attn_norm: vector(g, &n("attn_norm"), d_model)?,
                q: tensor(g, &n("attn_q"), d_model, d_model)?,
                k: tensor(g, &n("attn_k"), kv_dim, d_model)?,
                v: tensor(g, &n("attn_v"), kv_dim, d_model)?,
                o: tensor(g, &n("attn_output"), d_model, d_model)?,
                ffn_norm: vector(g, &n("ffn_norm"), d_model)?,
                gate: tensor(g, &n("ffn_gate"), d_ff, d_model)?,
                up: tensor(g, &n("ffn_up"), d_ff, d_model)?,
                down: tensor(g, &n("ffn_down"), d_model, d_ff)?,
            });
        }
        let final_norm = vector(g, "output_norm.weight", d_model)?;
        let output = match g.tensor("output.weight") {
            Some(_) => Some(tensor(g, "output.weight", vocab, d_model)?),
            None => None,
        };
        let inv_freq = (0..head_dim / 2).map(|i| 1.0 / rope_base.powf((2 * i) as f32 / head_dim as f32)).collect();
        let config =
            Config { layers, d_model, d_ff, heads, kv_heads, head_dim, vocab, rope_base, rms_eps, trained_context };
        Ok(Model { config, embedding, layers: ls, final_norm, output, inv_freq })
    }

    /// The LM head (the embedding when tied).
    fn head(&self) -> &Matrix {
        self.output.as_ref().unwrap_or(&self.embedding)
    }

    /// Every matrix the forward pass multiplies by (each layer's seven, then the LM head).
    pub fn matrices(&self) -> impl Iterator<Item = &Matrix> {
        self.layers
            .iter()
            .flat_map(|l| [&l.q, &l.k, &l.v, &l.o, &l.gate, &l.up, &l.down])
            .chain(std::iter::once(self.head()))
    }

    /// Bytes of weights held.
    pub fn weight_bytes(&self) -> usize {
        let l: usize = self
            .layers
            .iter()
            .map(|l| {
                l.q.bytes() + l.k.bytes() + l.v.bytes() + l.o.bytes() + l.gate.bytes() + l.up.bytes() + l.down.bytes()
            })
            .sum();
        l + self.embedding.bytes() + self.output.as_ref().map_or(0, Matrix::bytes)
    }
}

/// RMSNorm as transformers computes it: `w * (x / sqrt(mean(x²) + eps))`, in float32.
pub fn rms_norm(x: &[f32], w: &[f32], eps: f32, out: &mut [f32]) {
    let ss = simd::dot(x, x) / x.len() as f32;
    let scale = 1.0 / (ss + eps).sqrt();
    for ((o, &x), &w) in out.iter_mut().zip(x).zip(w) {
        *o = w * (x * scale);
    }
}

/// Rotates adjacent pairs of each head of `v` (heads × head_dim) by `pos · inv_freq[i]`.
pub fn rope(v: &mut [f32], head_dim: usize, pos: usize, inv_freq: &[f32]) {
    for head in v.chunks_exact_mut(head_dim) {
        for (i, pair) in head.chunks_exact_mut(2).enumerate() {
            let angle = pos as f32 * inv_freq[i];
            let (sin, cos) = angle.sin_cos();
            let (a, b) = (pair[0], pair[1]);
            pair[0] = a * cos - b * sin;
            pair[1] = b * cos + a * sin;
        }
    }
}

/// The keys and values of the tokens seen so far, and their count.
#[derive(Debug, Clone)]
pub struct Session<'m> {
    model: &'m Model,
    /// Per layer: positions × kv_dim.
    keys: Vec<Vec<f32>>,
    values: Vec<Vec<f32>>,
    len: usize,
    limit: usize,
}

/// What [`Session::forward`] returns.
#[derive(Debug, Clone)]
pub struct Output {
    /// Logits of the positions asked for (each `vocab` long), in order.
    pub logits: Vec<Vec<f32>>,
}

/// Which positions of a forward call need logits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Logits {
    None,
    Last,
    All,
}

impl<'m> Session<'m> {
    /// A session for up to `limit` tokens (prompt and output), at most [`MAX_CONTEXT`]. The KV
    /// cache is reserved now, so running out of memory is an error here, not an abort later.
    pub fn new(model: &'m Model, limit: usize) -> Result<Self, LmError> {
        if limit == 0 || limit > MAX_CONTEXT {
            return Err(LmError::Invalid(format!("session limit {limit}: from 1 to {MAX_CONTEXT} tokens")));
        }
        let c = &model.config;
        let per_layer = limit * c.kv_heads * c.head_dim;
        let mut keys = Vec::with_capacity(c.layers);
        let mut values = Vec::with_capacity(c.layers);
        for _ in 0..c.layers {
            for store in [&mut keys, &mut values] {
                let mut v: Vec<f32> = Vec::new();
                v.try_reserve_exact(per_layer).map_err(|_| {
                    LmError::OutOfMemory(format!(
                        "KV cache of {limit} tokens ({} bytes)",
                        limit * c.kv_bytes_per_token()
                    ))
                })?;
                store.push(v);
            }
        }
        Ok(Session { model, keys, values, len: 0, limit })
    }

    pub fn model(&self) -> &'m Model {
        self.model
    }

    /// Tokens in the cache.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Forgets every token (keeps the memory).
    pub fn clear(&mut self) {
        self.len = 0;
        for v in self.keys.iter_mut().chain(self.values.iter_mut()) {
            v.clear();
        }
    }

    /// Runs `tokens` after those already in the cache.
    pub fn forward(&mut self, exec: &dyn Exec, tokens: &[u32], logits: Logits) -> Result<Output, LmError> {
        self.forward_with(exec, tokens, logits, &mut |_, _| {})
    }

    /// Like [`Session::forward`], calling `hook(n, residual)` with the residual stream of these
    /// tokens (tokens × d_model, row-major) after `n` blocks, for `n` = 0 (the embeddings) to
    /// `layers` (before the final norm). The hook may change it: the change flows on.
    pub fn forward_with(
        &mut self,
        exec: &dyn Exec,
        tokens: &[u32],
        logits: Logits,
        hook: &mut dyn FnMut(usize, &mut [f32]),
    ) -> Result<Output, LmError> {
        let m = self.model;
        let c = &m.config;
        let n = tokens.len();
        if n == 0 {
            return Ok(Output { logits: Vec::new() });
        }
        if self.len + n > self.limit {
            return Err(LmError::TooLong { needed: self.len + n, limit: self.limit });
        }
        if let Some(&id) = tokens.iter().find(|&&t| t as usize >= c.vocab) {
            return Err(LmError::BadToken { id, vocab: c.vocab });
        }
        let d = c.d_model;
        let kv_dim = c.kv_heads * c.head_dim;
        let mut x = vec![0f32; n * d];
        for (row, &t) in x.chunks_exact_mut(d).zip(tokens) {
            m.embedding.row(t as usize, row);
        }
        hook(0, &mut x);
        let mut h = vec![0f32; n * d];
        let mut q = vec![0f32; n * d];
        let mut k = vec![0f32; n * kv_dim];
        let mut v = vec![0f32; n * kv_dim];
        let mut att = vec![0f32; n * d];
        let mut proj = vec![0f32; n * d];
        let mut gate = vec![0f32; n * c.d_ff];
        let mut up = vec![0f32; n * c.d_ff];
        let mut scores = vec![0f32; self.len + n];
        let start = self.len;
        for (li, layer) in m.layers.iter().enumerate() {
            for (hr, xr) in h.chunks_exact_mut(d).zip(x.chunks_exact(d)) {
                rms_norm(xr, &layer.attn_norm, c.rms_eps, hr);
            }
            matmul(exec, &layer.q, &h, n, &mut q);
            matmul(exec, &layer.k, &h, n, &mut k);
            matmul(exec, &layer.v, &h, n, &mut v);
            for t in 0..n {
                rope(&mut q[t * d..(t + 1) * d], c.head_dim, start + t, &m.inv_freq);
                rope(&mut k[t * kv_dim..(t + 1) * kv_dim], c.head_dim, start + t, &m.inv_freq);
            }
            self.keys[li].extend_from_slice(&k);
            self.values[li].extend_from_slice(&v);
            attention(c, &q, &self.keys[li], &self.values[li], start, n, &mut scores, &mut att);
            matmul(exec, &layer.o, &att, n, &mut proj);
            for (x, p) in x.iter_mut().zip(&proj) {
                *x += p;
            }
            for (hr, xr) in h.chunks_exact_mut(d).zip(x.chunks_exact(d)) {
                rms_norm(xr, &layer.ffn_norm, c.rms_eps, hr);
            }
            matmul(exec, &layer.gate, &h, n, &mut gate);
            matmul(exec, &layer.up, &h, n, &mut up);
            for (g, u) in gate.iter_mut().zip(&up) {
                // SiLU(g) · u, as torch computes silu: g / (1 + e^-g).
                *g = *g / (1.0 + (-*g).exp()) * u;
            }
            matmul(exec, &layer.down, &gate, n, &mut proj);
            for (x, p) in x.iter_mut().zip(&proj) {
                *x += p;
            }
            hook(li + 1, &mut x);
        }
        self.len += n;
        let first = match logits {
            Logits::None => return Ok(Output { logits: Vec::new() }),
            Logits::Last => n - 1,
            Logits::All => 0,
        };
        let rows = n - first;
        for (hr, xr) in h.chunks_exact_mut(d).zip(x[first * d..].chunks_exact(d)) {
            rms_norm(xr, &m.final_norm, c.rms_eps, hr);
        }
        let mut out = vec![0f32; rows * c.vocab];
        matmul(exec, m.head(), &h[..rows * d], rows, &mut out);
        Ok(Output { logits: out.chunks_exact(c.vocab).map(<[f32]>::to_vec).collect() })
    }
}

/// Causal grouped-query attention of `n` new queries (at positions `start..start + n`) over the
/// cached keys and values (the new ones included).
#[allow(clippy::too_many_arguments)]
fn attention(
    c: &Config,
    q: &[f32],
    keys: &[f32],
    values: &[f32],
    start: usize,
    n: usize,
    scores: &mut [f32],
    out: &mut [f32],
) {
    let (hd, d) = (c.head_dim, c.d_model);
    let kv_dim = c.kv_heads * hd;
    let group = c.heads / c.kv_heads;
    let scale = 1.0 / (hd as f32).sqrt();
    for t in 0..n {
        let seen = start + t + 1;
        for head in 0..c.heads {
            let kvh = head / group;
            let qh = &q[t * d + head * hd..t * d + (head + 1) * hd];
            let mut max = f32::NEG_INFINITY;
            for (p, s) in scores[..seen].iter_mut().enumerate() {
                let kp = &keys[p * kv_dim + kvh * hd..p * kv_dim + (kvh + 1) * hd];
                *s = simd::dot(qh, kp) * scale;
                max = max.max(*s);
            }
            let mut sum = 0f32;
            for s in &mut scores[..seen] {
                *s = (*s - max).exp();
                sum += *s;
            }
            let o = &mut out[t * d + head * hd..t * d + (head + 1) * hd];
            o.fill(0.0);
            for (p, &s) in scores[..seen].iter().enumerate() {
                simd::axpy(o, s / sum, &values[p * kv_dim + kvh * hd..p * kv_dim + (kvh + 1) * hd]);
            }
        }
    }
}

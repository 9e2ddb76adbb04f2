//! Choosing the next token: greedy, or sampling with temperature, top-k and top-p from a seeded
//! generator; and the numbers shown beside each token (log-probability, entropy, top candidates).

// The project's seeded generator (xoshiro256++): the same sequence on every platform.
use frontier_base::rng::Xoshiro256pp as Rng;

/// How to choose tokens.
#[derive(Debug, Clone, PartialEq)]
pub struct SamplerConfig {
    /// 0 means greedy.
    pub temperature: f32,
    /// 0 means no top-k cut.
    pub top_k: usize,
    /// 1 means no nucleus cut.
    pub top_p: f32,
    pub seed: u64,
}

impl Default for SamplerConfig {
    fn default() -> Self {
        SamplerConfig { temperature: 0.0, top_k: 0, top_p: 1.0, seed: 0 }
    }
}

impl SamplerConfig {
    pub fn validate(&self) -> Result<(), String> {
        if !(self.temperature.is_finite() && self.temperature >= 0.0) {
            return Err(format!("temperature {} must be 0 (greedy) or positive", self.temperature));
        }
        if !(self.top_p > 0.0 && self.top_p <= 1.0) {
            return Err(format!("top-p {} must be in (0, 1]", self.top_p));
        }
        Ok(())
    }
}

/// The index of the largest logit (the first one on ties, like torch's argmax).
pub fn argmax(logits: &[f32]) -> usize {
    let mut best = 0;
    for (i, &v) in logits.iter().enumerate() {
        if v > logits[best] {
            best = i;
        }
    }
    best
}

/// Log-softmax of `logits` (in f64 for the sums).
pub fn log_softmax(logits: &[f32]) -> Vec<f32> {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let sum: f64 = logits.iter().map(|&l| f64::from(l - max).exp()).sum();
    let lse = f64::from(max) + sum.ln();
    logits.iter().map(|&l| (f64::from(l) - lse) as f32).collect()
}

/// Entropy (nats) of the distribution of `logits`.
pub fn entropy(logits: &[f32]) -> f32 {
    let lp = log_softmax(logits);
    -lp.iter().map(|&l| f64::from(l).exp() * f64::from(l)).filter(|v| v.is_finite()).sum::<f64>() as f32
}

/// The `n` most likely ids with their log-probabilities, most likely first (ties: lower id first).
pub fn top_n(logits: &[f32], n: usize) -> Vec<(u32, f32)> {
    let lp = log_softmax(logits);
    let mut idx: Vec<u32> = (0..logits.len() as u32).collect();
    let n = n.min(idx.len());
    let cmp = |a: &u32, b: &u32| lp[*b as usize].total_cmp(&lp[*a as usize]).then(a.cmp(b));
    if n < idx.len() && n > 0 {
        idx.select_nth_unstable_by(n - 1, cmp);
    }
    idx.truncate(n);
    idx.sort_by(cmp);
    idx.into_iter().map(|i| (i, lp[i as usize])).collect()
}

/// A sampler: its settings and its generator.
#[derive(Debug, Clone)]
pub struct Sampler {
    pub config: SamplerConfig,
    rng: Rng,
}

impl Sampler {
    pub fn new(config: SamplerConfig) -> Self {
        let rng = Rng::new(config.seed);
        Sampler { config, rng }
    }

    /// The next token id given the logits.
    pub fn sample(&mut self, logits: &[f32]) -> u32 {
        let c = &self.config;
        if c.temperature == 0.0 || logits.len() < 2 {
            return argmax(logits) as u32;
        }
        // Candidates sorted by logit (ties: lower id first), cut to top-k.
        let mut idx: Vec<u32> = (0..logits.len() as u32).collect();
        let cmp = |a: &u32, b: &u32| logits[*b as usize].total_cmp(&logits[*a as usize]).then(a.cmp(b));
        if c.top_k > 0 && c.top_k < idx.len() {
            idx.select_nth_unstable_by(c.top_k - 1, cmp);
            idx.truncate(c.top_k);
        }
        idx.sort_by(cmp);
        let max = logits[idx[0] as usize];
        let t = f64::from(c.temperature);
        let mut probs: Vec<f64> =
            idx.iter().map(|&i| ((f64::from(logits[i as usize]) - f64::from(max)) / t).exp()).collect();
        let total: f64 = probs.iter().sum();
        for p in &mut probs {
            *p /= total;
        }
        // Nucleus: the smallest prefix whose mass reaches top_p.
        if c.top_p < 1.0 {
            let mut mass = 0.0;
            let mut keep = probs.len();
            for (i, p) in probs.iter().enumerate() {
                mass += p;
                if mass >= f64::from(c.top_p) {
                    keep = i + 1;
                    break;
                }
            }
            probs.truncate(keep);
            idx.truncate(keep);
        }
        let total: f64 = probs.iter().sum();
        let mut u = self.rng.uniform() * total;
        for (i, p) in probs.iter().enumerate() {
            if u < *p {
                return idx[i];
            }
            u -= p;
        }
        idx[idx.len() - 1]
    }
}

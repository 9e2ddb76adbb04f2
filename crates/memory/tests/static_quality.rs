//! How closely the in-page embedders follow the full all-MiniLM-L6-v2: Spearman correlation of
//! their cosine similarities with the full model's over every pair of 40 sentences (the full
//! model's values come from `tools/assets/static_embeddings.py`, committed as a fixture).

use frontier_memory::embed::{Embedder, HashEmbedder};
use frontier_memory::static_model::StaticEmbedder;
use frontier_memory::vector::dot;

fn fixture() -> (Vec<String>, Vec<Vec<f64>>) {
    let v: serde_json::Value = serde_json::from_str(include_str!("fixtures/minilm_similarities.json"))
        .unwrap_or_else(|e| panic!("fixture: {e}"));
    let sentences = v["sentences"].as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect());
    let cosine = v["cosine"].as_array().map(|rows| {
        rows.iter()
            .map(|r| r.as_array().map(|r| r.iter().filter_map(|x| x.as_f64()).collect()).unwrap_or_default())
            .collect()
    });
    (sentences.unwrap_or_default(), cosine.unwrap_or_default())
}

/// Ranks with ties averaged.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut r = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        for &k in &order[i..=j] {
            r[k] = (i + j) as f64 / 2.0 + 1.0;
        }
        i = j + 1;
    }
    r
}

fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = ra.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = rb.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

fn agreement(embedder: &dyn Embedder) -> f64 {
    let (sentences, full) = fixture();
    assert_eq!(sentences.len(), 40);
    let vectors: Vec<Vec<f32>> = sentences.iter().map(|s| embedder.embed(s)).collect();
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for i in 0..sentences.len() {
        for j in i + 1..sentences.len() {
            ours.push(f64::from(dot(&vectors[i], &vectors[j])));
            theirs.push(full[i][j]);
        }
    }
    assert_eq!(ours.len(), 780);
    spearman(&ours, &theirs)
}

#[test]
fn spearman_by_hand() {
    // Ranks (1,2,3,4) against (1,3,2,4): d² = 0+1+1+0 = 2, ρ = 1 − 6·2/(4·15) = 0.8.
    assert!((spearman(&[0.1, 0.2, 0.3, 0.4], &[1.0, 3.0, 2.0, 4.0]) - 0.8).abs() < 1e-12);
}

#[test]
fn the_static_model_follows_the_full_model_better_than_hashing() {
    let bytes = include_bytes!("../assets/static-minilm.bin");
    let model = StaticEmbedder::from_bytes(bytes).unwrap_or_else(|e| panic!("{e}"));
    let static_rho = agreement(&model);
    let hash_rho = agreement(&HashEmbedder::default());
    println!("Spearman with all-MiniLM-L6-v2 over 780 pairs: static {static_rho:.3}, hash {hash_rho:.3}");
    // Measured when the table was made: see the README. A regression of more than 0.02 fails.
    assert!(static_rho >= STATIC_RHO - 0.02, "static {static_rho:.3} (was {STATIC_RHO})");
    assert!(static_rho > hash_rho, "static {static_rho:.3} vs hash {hash_rho:.3}");
}

/// Spearman of the committed table when it was made (hashing: 0.230).
const STATIC_RHO: f64 = 0.497;

//! TopK, BatchTopK and the AuxK loss over several steps, with the CPU backend as the reference:
//! ties at every cut of the first step (paired features: feature j + d_sae/2 starts as a copy of
//! feature j, so their pre-activations are equal bit for bit on any backend, and an odd number to
//! keep splits a pair), and dead features, so that AuxK's selection, loss and gradients, and the
//! firing counters it reads on the device, all count.

use frontier_sae::config::{Arch, SaeConfig};
use frontier_sae::{Matrix, Sae, StepParams};
use frontier_sae_gpu::Until;

use super::{assert_close, params, random_batch, random_sae, Outcome, Subject, ATOL};

/// A run of a few steps from given weights and firing counters.
pub struct Case {
    pub name: &'static str,
    pub sae: Sae,
    pub counts: Vec<u64>,
    pub batches: Vec<Matrix>,
    pub params: Vec<StepParams>,
}

/// Steps in each case.
const STEPS: u64 = 5;

/// A random SAE whose second half of features copies the first (encoder columns, biases,
/// decoder rows).
fn paired_sae(cfg: SaeConfig, seed: u64) -> Sae {
    let mut sae = random_sae(cfg, seed);
    let (d_in, d_sae) = (cfg.d_in, cfg.d_sae);
    let half = d_sae / 2;
    for j in 0..half {
        for i in 0..d_in {
            sae.w_enc.values[i * d_sae + half + j] = sae.w_enc.values[i * d_sae + j];
            sae.w_dec.values[(half + j) * d_in + i] = sae.w_dec.values[j * d_in + i];
        }
        sae.b_enc[half + j] = sae.b_enc[j];
    }
    sae
}

fn case(
    name: &'static str,
    cfg: SaeConfig,
    rows: usize,
    dead: &[usize],
    step: impl Fn(u64) -> StepParams,
    seed: u64,
) -> Case {
    let counts = (0..cfg.d_sae).map(|j| if dead.contains(&j) { 10 } else { 0 }).collect();
    Case {
        name,
        sae: paired_sae(cfg, seed),
        counts,
        batches: (0..STEPS).map(|t| random_batch(rows, cfg.d_in, seed * 100 + t)).collect(),
        params: (0..STEPS).map(step).collect(),
    }
}

/// The cases: TopK and BatchTopK with ties, and each with AuxK on dead features (fewer dead than
/// k_aux for BatchTopK, so that every dead feature is a candidate), and AuxK on a run whose
/// features only die after a few steps (before that AuxK adds nothing).
pub fn cases() -> Vec<Case> {
    let cfg = |d_in, d_sae, arch, k, centre| SaeConfig { d_in, d_sae, arch, k, apply_b_dec_to_input: centre };
    let plain = |t| StepParams { step: t, ..params(1e-3, 0.01, true) };
    let auxk = |coeff, k_aux| move |t| StepParams { step: t, auxk_coeff: coeff, k_aux, ..params(1e-3, 0.0, true) };
    // Dead features come in pairs too, so that AuxK's cut splits a pair.
    let pairs = |first: &[usize], half: usize| first.iter().flat_map(|&j| [j, j + half]).collect::<Vec<_>>();
    vec![
        // Rows wider than a byte of indices: the tie rounds take two bytes.
        case("topk, ties", cfg(8, 600, Arch::TopK, 3, true), 9, &[], plain, 21),
        case("batchtopk, ties", cfg(8, 40, Arch::BatchTopK, 3, false), 9, &[], plain, 22),
        // 66,560 pre-activations: 17 counting workgroups merge their histograms, and the flat
        // indices take three bytes.
        case("batchtopk, ties across workgroups", cfg(4, 1024, Arch::BatchTopK, 3, true), 65, &[], plain, 26),
        case("topk, auxk", cfg(8, 600, Arch::TopK, 3, true), 9, &pairs(&[1, 4, 7, 11, 260], 300), auxk(0.25, 3), 23),
        case("topk, auxk once features die", cfg(8, 40, Arch::TopK, 2, false), 6, &[], auxk(0.25, 4), 25),
        case(
            "batchtopk, auxk over every dead feature",
            cfg(6, 300, Arch::BatchTopK, 5, true),
            11,
            &pairs(&[0, 9, 33], 150),
            auxk(1.0 / 32.0, 64),
            24,
        ),
    ]
}

/// The cut of the first step falls inside a group of tied pre-activations, above zero: kept and
/// dropped elements share a value, so only the tie-breaking decides.
pub fn assert_ties_straddle_the_cut(case: &Case) {
    let cfg = case.sae.cfg;
    let h = case.sae.pre_activations(&case.batches[0]).unwrap_or_else(|e| panic!("{e}"));
    let split = |values: &mut Vec<f32>, keep: usize| {
        values.sort_by(|a, b| b.total_cmp(a));
        keep < values.len() && values[keep - 1] == values[keep] && values[keep] > 0.0
    };
    let p = case.params[0];
    let straddles = match cfg.arch {
        Arch::BatchTopK if p.auxk_coeff == 0.0 => split(&mut h.values.clone(), cfg.k * h.rows),
        Arch::TopK if p.auxk_coeff == 0.0 => (0..h.rows).all(|r| split(&mut h.row(r).to_vec(), cfg.k)),
        _ => {
            let dead: Vec<usize> = (0..cfg.d_sae).filter(|&j| case.counts[j] >= p.dead_window).collect();
            let split_rows = (0..h.rows)
                .filter(|&r| split(&mut dead.iter().map(|&j| h.row(r)[j]).collect(), p.k_aux.min(dead.len())))
                .count();
            // With no dead feature, or more wanted than are dead, nothing is cut.
            p.k_aux >= dead.len() || split_rows > 0
        }
    };
    assert!(straddles, "{}: no tie at the cut of the first step", case.name);
}

/// The case's steps on `s`, the last one up to `until`, with what each backend must show on its
/// own: exactly k (TopK) or k · rows (BatchTopK) positive features where the cut is tied above
/// zero, and an AuxK loss exactly where features were dead before the step.
pub async fn run<S: Subject>(s: &mut S, case: &Case, until: Until) -> Outcome {
    let who = format!("{} on {}", case.name, s.name());
    let out = s.run(&case.sae, &case.counts, &case.batches, &case.params, until).await;
    assert_eq!(out.stats.len(), case.batches.len(), "{who}");
    let first = out.stats[0];
    if case.params[0].auxk_coeff > 0.0 {
        let window = case.params[0].dead_window;
        let mut dead_before = case.counts.iter().filter(|&&c| c >= window).count();
        for (t, stats) in out.stats.iter().enumerate() {
            assert_eq!(stats.aux_loss > 0.0, dead_before > 0, "{who}, step {t}: {dead_before} dead, {stats:?}");
            dead_before = stats.dead;
        }
        assert!(out.stats.iter().any(|s| s.aux_loss > 0.0), "{who}: no feature was ever dead");
    } else {
        assert_eq!(first.l0, case.sae.cfg.k as f32, "{who}: L0 of the first step, where the cut splits ties");
        assert!(out.stats.iter().all(|s| s.aux_loss == 0.0), "{who}");
    }
    out
}

/// The same case on two backends: each step's measurements, the gradients (when the last step
/// stopped there) or else the firing counters, the weights and BatchTopK's threshold.
pub fn assert_agree(case: &Case, got: &Outcome, want: &Outcome) {
    let who = case.name;
    for (t, (g, w)) in got.stats.iter().zip(&want.stats).enumerate() {
        for (what, g, w) in [
            ("loss", g.loss, w.loss),
            ("mse", g.mse, w.mse),
            ("sparsity", g.sparsity_loss, w.sparsity_loss),
            ("AuxK", g.aux_loss, w.aux_loss),
            ("L0", g.l0, w.l0),
        ] {
            assert_close(&format!("{who}, step {t}: {what}"), &[g], &[w], ATOL);
        }
    }
    if let (Some(g), Some(w)) = (&got.grads, &want.grads) {
        for (n, label) in ["dW_enc", "db_enc", "dW_dec", "db_dec"].iter().enumerate() {
            assert_close(&format!("{who}: last step's {label}"), &g[n], &w[n], ATOL);
        }
    } else {
        // Only a whole step moves the counters on the CPU (the GPU counts them with the gradients).
        assert_eq!(got.steps_since_fired, want.steps_since_fired, "{who}: steps since fired");
        let dead = |o: &Outcome| o.stats.iter().map(|s| s.dead).collect::<Vec<_>>();
        assert_eq!(dead(got), dead(want), "{who}: dead features after each step");
    }
    // Adam moves an element by about lr a step whatever its gradient's size, so an element whose
    // gradient is near zero moves by an amount set by the gradient's last bits: a tenth of lr.
    let atol = f64::from(case.params[0].lr) * 0.1;
    let (g, w) = (&got.sae, &want.sae);
    assert_close(&format!("{who}: W_enc"), &g.w_enc.values, &w.w_enc.values, atol);
    assert_close(&format!("{who}: b_enc"), &g.b_enc, &w.b_enc, atol);
    assert_close(&format!("{who}: W_dec"), &g.w_dec.values, &w.w_dec.values, atol);
    assert_close(&format!("{who}: b_dec"), &g.b_dec, &w.b_dec, atol);
    assert_close(&format!("{who}: threshold"), &[g.threshold], &[w.threshold], ATOL);
    if case.sae.cfg.arch == Arch::BatchTopK {
        assert!(w.threshold > 0.0, "{who}: the threshold followed the kept features");
    }
}

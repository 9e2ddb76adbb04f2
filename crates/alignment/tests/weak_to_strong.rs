//! The weak-to-strong lab against scikit-learn and PyTorch (fixture made by
//! `tests/reference/weak_to_strong_reference.py`), the auxiliary loss's gradient against finite
//! differences, and the numbers the lab gives on the shipped corpus.
//!
//! Training runs at the default settings take a few seconds each in a debug build, so the labs
//! are built once and shared.

use std::sync::OnceLock;

use frontier_alignment::weak_to_strong::*;
use frontier_alignment::SplitMix64;
use serde_json::Value;

fn fixture() -> &'static Value {
    static F: OnceLock<Value> = OnceLock::new();
    F.get_or_init(|| {
        let text = include_str!("fixtures/weak_to_strong_reference.json");
        serde_json::from_str(text).unwrap_or_else(|e| panic!("fixture: {e}"))
    })
}

fn corpus() -> &'static Corpus {
    static C: OnceLock<Corpus> = OnceLock::new();
    C.get_or_init(|| Corpus::shipped().unwrap_or_else(|e| panic!("shipped corpus: {e}")))
}

/// The pretrained lab and its default run (20 words, 600 truth labels).
fn standard() -> &'static (Lab, Outcome) {
    static L: OnceLock<(Lab, Outcome)> = OnceLock::new();
    L.get_or_init(|| {
        let lab = Lab::standard(corpus()).unwrap_or_else(|e| panic!("lab: {e}"));
        let outcome = lab.run(WeakConfig::default()).unwrap_or_else(|e| panic!("run: {e}"));
        (lab, outcome)
    })
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}")).iter().filter_map(Value::as_f64).collect()
}

fn number(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn texts(split: Split) -> Vec<&'static str> {
    corpus().split(split).into_iter().map(|i| corpus().sentences()[i].text.as_str()).collect()
}

fn truth(split: Split) -> Vec<f64> {
    corpus().split(split).into_iter().map(|i| if corpus().sentences()[i].is_news { 1.0 } else { 0.0 }).collect()
}

fn embeddings(split: Split) -> Features {
    let idx = corpus().split(split);
    let data = idx.iter().flat_map(|&i| corpus().embedding(i).iter().copied()).collect();
    Features::new(idx.len(), corpus().dims(), data).unwrap_or_else(|| panic!("shape"))
}

fn correct(model: &LogisticModel, x: &Features, truth: &[f64]) -> i64 {
    model.predictions(x).iter().zip(truth).filter(|(p, t)| **p == (**t == 1.0)).count() as i64
}

/// Largest coefficient difference relative to the largest coefficient, and the intercept's.
fn distance(model: &LogisticModel, reference: &Value) -> (f64, f64) {
    let coef = floats(&reference["coef"]);
    assert_eq!(coef.len(), model.weights.len());
    let scale = coef.iter().fold(0.0f64, |m, c| m.max(c.abs()));
    let worst = model.weights.iter().zip(&coef).fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
    (worst / scale, (model.bias - number(&reference["intercept"])).abs())
}

#[test]
fn shipped_corpus_has_the_documented_shape() {
    let c = corpus();
    assert_eq!((c.sentences().len(), c.dims()), (2800, 384));
    for (split, n) in [(Split::WeakTrain, 600), (Split::StrongTrain, 1200), (Split::Test, 1000)] {
        let idx = c.split(split);
        assert_eq!(idx.len(), n);
        assert_eq!(idx.iter().filter(|&&i| c.sentences()[i].is_news).count(), n / 2, "{split:?} is balanced");
    }
    for (i, s) in c.sentences().iter().enumerate() {
        assert_eq!(s.is_news, s.genre == 'a');
        let norm: f32 = c.embedding(i).iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 0.01, "row {i} has norm {norm}");
    }
    assert_eq!(fixture()["test_sentences"].as_u64(), Some(1000));
}

#[test]
fn weak_supervisors_match_scikit_learn() {
    let l2 = number(&fixture()["l2"]);
    assert_eq!(l2, TrainConfig::default().l2);
    let (weak, strong, test) = (texts(Split::WeakTrain), texts(Split::StrongTrain), texts(Split::Test));
    let (weak_truth, strong_truth, test_truth) =
        (truth(Split::WeakTrain), truth(Split::StrongTrain), truth(Split::Test));
    for reference in fixture()["weak"].as_array().unwrap_or_else(|| panic!("weak")) {
        let words = reference["words"].as_u64().unwrap_or_else(|| panic!("words")) as usize;
        let vocab = Vocabulary::most_frequent(weak.iter().copied(), words);
        let expected: Vec<&str> =
            reference["vocabulary"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        assert_eq!(vocab.words, expected, "{words} words");
        let x = vocab.bag_of_words(weak.iter().copied());
        let model = train(&x, &weak_truth, TransferLoss::CrossEntropy, &TrainConfig::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let ours = correct(&model, &vocab.bag_of_words(test.iter().copied()), &test_truth);
        let theirs = reference["test_correct"].as_i64().unwrap_or_default();
        assert!((ours - theirs).abs() <= 1, "{words} words: {ours} right, scikit-learn {theirs}");
        let labels = correct(&model, &vocab.bag_of_words(strong.iter().copied()), &strong_truth);
        let theirs = reference["strong_train_label_correct"].as_i64().unwrap_or_default();
        assert!((labels - theirs).abs() <= 1, "{words} words: {labels} labels right, scikit-learn {theirs}");
        let (coef, intercept) = distance(&model, reference);
        assert!(coef < 1e-5 && intercept < 1e-5, "{words} words: coefficients off by {coef:.2e}, {intercept:.2e}");
    }
}

#[test]
fn ceiling_matches_scikit_learn() {
    let (lab, outcome) = standard();
    let reference = &fixture()["ceiling"];
    let theirs = reference["test_correct"].as_i64().unwrap_or_default();
    let ours = (outcome.ceiling_accuracy * 1000.0).round() as i64;
    assert!((ours - theirs).abs() <= 1, "ceiling {ours} right, scikit-learn {theirs}");
    let (coef, intercept) = distance(lab.ceiling(), reference);
    assert!(coef < 1e-5 && intercept < 1e-5, "coefficients off by {coef:.2e}, {intercept:.2e}");
}

/// The same objective as scikit-learn's (its supervisor's soft labels are in the fixture), and
/// our own supervisor's labels beside them.
#[test]
fn naive_student_matches_scikit_learn_on_soft_labels() {
    let reference = &fixture()["naive"];
    let words = reference["words"].as_u64().unwrap_or_default() as usize;
    let theirs_soft = floats(&reference["soft_labels"]);
    let weak = texts(Split::WeakTrain);
    let vocab = Vocabulary::most_frequent(weak.iter().copied(), words);
    let config = TrainConfig::default();
    let weak_x = vocab.bag_of_words(weak.iter().copied());
    let supervisor =
        train(&weak_x, &truth(Split::WeakTrain), TransferLoss::CrossEntropy, &config).unwrap_or_else(|e| panic!("{e}"));
    let ours_soft = supervisor.probabilities(&vocab.bag_of_words(texts(Split::StrongTrain)));
    assert_eq!(ours_soft.len(), theirs_soft.len());
    let worst = ours_soft.iter().zip(&theirs_soft).fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
    assert!(worst < 1e-4, "soft labels differ by up to {worst:.2e}");

    let student = train(&embeddings(Split::StrongTrain), &theirs_soft, TransferLoss::CrossEntropy, &config)
        .unwrap_or_else(|e| panic!("{e}"));
    let ours = correct(&student, &embeddings(Split::Test), &truth(Split::Test));
    let theirs = reference["test_correct"].as_i64().unwrap_or_default();
    assert!((ours - theirs).abs() <= 1, "naive {ours} right, scikit-learn {theirs}");
    let (coef, intercept) = distance(&student, reference);
    assert!(coef < 1e-5 && intercept < 1e-5, "coefficients off by {coef:.2e}, {intercept:.2e}");
    let lab = (standard().1.naive_accuracy * 1000.0).round() as i64;
    assert!((lab - theirs).abs() <= 1, "the lab's naive student: {lab} right, scikit-learn {theirs}");
}

/// The auxiliary loss's value and gradient for one batch, as PyTorch computed them.
#[test]
fn aux_loss_matches_pytorch() {
    let case = &fixture()["logconf"];
    let (z, weak) = (floats(&case["z"]), floats(&case["weak"]));
    let (aux_coef, warmup_frac) = (number(&case["aux_coef"]), number(&case["warmup_frac"]));
    for c in case["cases"].as_array().unwrap_or_else(|| panic!("cases")) {
        let alpha = aux_coefficient(aux_coef, warmup_frac, number(&c["step_frac"]));
        assert!((alpha - number(&c["alpha"])).abs() < 1e-15);
        let p: Vec<f64> = z.iter().map(|z| 1.0 / (1.0 + (-z).exp())).collect();
        let p0: Vec<f64> = p.iter().map(|p| 1.0 - p).collect();
        let threshold = quantile_linear(&p0, weak.iter().sum::<f64>() / weak.len() as f64);
        assert!((threshold - number(&c["threshold"])).abs() < 1e-12, "threshold {threshold}");
        let targets = confidence_targets(&p, &weak, alpha);
        // The same batch as a one-feature model whose feature is the logit itself.
        let x = Features::new(z.len(), 1, z.iter().map(|&v| v as f32).collect()).unwrap_or_else(|| panic!("shape"));
        let model = LogisticModel { weights: vec![1.0], bias: 0.0 };
        let loss = objective(&model, &x, &targets, 0.0);
        assert!((loss - number(&c["loss"])).abs() < 1e-6, "loss {loss} vs {}", c["loss"]);
        let n = z.len() as f64;
        for ((p, t), g) in p.iter().zip(&targets).zip(floats(&c["grad_z"])) {
            assert!(((p - t) / n - g).abs() < 1e-12, "dL/dz {} vs {g}", (p - t) / n);
        }
    }
}

/// The auxiliary loss recomputes its hardened labels from the model, so its gradient is
/// checked on the loss as a whole (the hardened labels do not change under the small steps, which
/// is asserted). Features, weights and the step are multiples of powers of two, so the f32 logits
/// are exact and the difference quotient is limited only by its O(h²) truncation.
#[test]
fn aux_loss_gradient_matches_finite_differences() {
    let mut rng = SplitMix64::new(11);
    let (rows, cols) = (40, 5);
    let grid = |v: f64, step: f64| (v / step).round() * step;
    let data: Vec<f32> = (0..rows * cols).map(|_| grid(rng.normal().clamp(-2.0, 2.0), 1.0 / 16.0) as f32).collect();
    let x = Features::new(rows, cols, data).unwrap_or_else(|| panic!("shape"));
    let weak: Vec<f64> = (0..rows).map(|_| rng.next_f64()).collect();
    let weights = (0..cols).map(|_| grid(rng.normal() * 0.5, 1.0 / 256.0)).collect();
    let model = LogisticModel { weights, bias: 0.3 };
    let (alpha, l2) = (0.5, 0.01);
    let targets = |m: &LogisticModel| confidence_targets(&m.probabilities(&x), &weak, alpha);
    let hardened = |m: &LogisticModel| -> Vec<bool> {
        targets(m).iter().zip(&weak).map(|(t, w)| t - (1.0 - alpha) * w > 0.25).collect()
    };
    let loss = |m: &LogisticModel| objective(m, &x, &targets(m), l2);
    let (grad_w, grad_b) = gradient(&model, &x, &targets(&model), l2);
    let h = 1.0 / 1024.0;
    let analytic: Vec<f64> = grad_w.iter().copied().chain([grad_b]).collect();
    for (k, analytic) in analytic.into_iter().enumerate() {
        let (mut up, mut down) = (model.clone(), model.clone());
        if k < cols {
            up.weights[k] += h;
            down.weights[k] -= h;
        } else {
            up.bias += h;
            down.bias -= h;
        }
        assert_eq!(hardened(&up), hardened(&model), "parameter {k}: a step changed the hardened labels");
        assert_eq!(hardened(&down), hardened(&model), "parameter {k}: a step changed the hardened labels");
        let numeric = (loss(&up) - loss(&down)) / (2.0 * h);
        assert!((numeric - analytic).abs() < 1e-6, "parameter {k}: {numeric} vs {analytic}");
    }
    assert!(hardened(&model).iter().any(|&b| b) && !hardened(&model).iter().all(|&b| b));
}

#[test]
fn pgr_is_the_papers_ratio_and_refuses_a_missing_gap() {
    // Weak 60%, ceiling 90%, student 75%: half the gap recovered.
    let pgr = performance_gap_recovered(0.6, 0.75, 0.9).unwrap_or_else(|e| panic!("{e}"));
    assert!((pgr - 0.5).abs() < 1e-12);
    assert_eq!(performance_gap_recovered(0.6, 0.6, 0.9), Ok(0.0));
    assert!((performance_gap_recovered(0.6, 0.9, 0.9).unwrap_or_default() - 1.0).abs() < 1e-12);
    assert!(performance_gap_recovered(0.6, 0.5, 0.9).unwrap_or_default() < 0.0, "worse than the teacher");
    assert!(matches!(performance_gap_recovered(0.8, 0.85, 0.81), Err(PgrUndefined::GapTooSmall { .. })));
    assert!(matches!(performance_gap_recovered(0.8, 0.85, 0.7), Err(PgrUndefined::NoGap { .. })));
}

/// The numbers measured on the shipped corpus (20 words, 600 truth labels, defaults): weak 66.8%,
/// ceiling 88.3%, naive 76.3% (PGR 44%), auxiliary loss 81.6% (PGR 69%). Bands, not exact values,
/// so that a harmless change of arithmetic order does not fail the test.
#[test]
fn standard_run_gives_the_measured_numbers() {
    let o = &standard().1;
    let within = |name: &str, value: f64, lo: f64, hi: f64| assert!((lo..=hi).contains(&value), "{name} = {value}");
    within("weak", o.weak_accuracy, 0.66, 0.68);
    within("ceiling", o.ceiling_accuracy, 0.875, 0.89);
    within("naive", o.naive_accuracy, 0.75, 0.78);
    within("aux", o.aux_accuracy, 0.80, 0.83);
    within("naive PGR", o.naive_pgr.unwrap_or(f64::NAN), 0.35, 0.55);
    within("aux PGR", o.aux_pgr.unwrap_or(f64::NAN), 0.6, 0.8);
    within("weak labels", o.weak_label_accuracy, 0.67, 0.70);
    assert_eq!(o.pgr_note, None);
    assert_eq!(o.vocabulary.len(), 20);
    assert_eq!(o.test_sentences, 1000);
    // The naive student copies more of its teacher's mistakes than the auxiliary-loss one does.
    assert!(o.naive_agreement_with_weak > o.aux_agreement_with_weak);
    let json = serde_json::to_value(o).unwrap_or_else(|e| panic!("{e}"));
    assert!(json["aux_pgr"].is_number() && json["vocabulary"].is_array());
}

/// Without pretraining the student only imitates: on random word vectors the PGR is near zero or
/// negative, or undefined because the student's own ceiling is barely above the teacher.
#[test]
fn random_feature_student_collapses_to_imitation() {
    let student = StudentFeatures::RandomWords { dims: 384, seed: 1 };
    let lab = Lab::new(corpus(), student, TrainConfig::default(), TransferLoss::AUX_DEFAULT)
        .unwrap_or_else(|e| panic!("{e}"));
    let o = lab.run(WeakConfig { words: 10, train_examples: 600 }).unwrap_or_else(|e| panic!("{e}"));
    assert!((0.70..=0.75).contains(&o.ceiling_accuracy), "random-feature ceiling {}", o.ceiling_accuracy);
    for pgr in [o.naive_pgr, o.aux_pgr] {
        assert!(pgr.is_some_and(|p| p < 0.15), "PGR {pgr:?}");
    }
    assert!(o.naive_agreement_with_weak > 0.8, "agreement {}", o.naive_agreement_with_weak);
}

#[test]
fn bad_settings_are_errors() {
    let lab = &standard().0;
    assert!(matches!(lab.run(WeakConfig { words: 0, train_examples: 600 }), Err(ExperimentError::Words(0))));
    assert!(matches!(
        lab.run(WeakConfig { words: 5, train_examples: 601 }),
        Err(ExperimentError::TrainExamples { asked: 601, available: 600 })
    ));
    assert!(matches!(
        Lab::new(
            corpus(),
            StudentFeatures::RandomWords { dims: 0, seed: 1 },
            TrainConfig::default(),
            TransferLoss::AUX_DEFAULT
        ),
        Err(ExperimentError::Dims(0))
    ));
}

/// The lab's numbers over the slider's range, both students, with timings:
/// `cargo test --release -p frontier-alignment --test weak_to_strong -- --ignored --nocapture`.
#[test]
#[ignore]
#[allow(clippy::disallowed_methods)] // a hand-run report prints how long each part took
fn print_sweep() {
    let words = [1, 2, 5, 10, 20, 50, 100, 300];
    for student in [StudentFeatures::Embedding, StudentFeatures::RandomWords { dims: 384, seed: 1 }] {
        let start = std::time::Instant::now();
        let lab = Lab::new(corpus(), student, TrainConfig::default(), TransferLoss::AUX_DEFAULT)
            .unwrap_or_else(|e| panic!("{e}"));
        let built = start.elapsed();
        let one = lab.run(WeakConfig::default()).unwrap_or_else(|e| panic!("{e}"));
        println!("{student:?}: lab {built:?}, one run {:?}", start.elapsed() - built);
        println!("{}", serde_json::to_string(&one).unwrap_or_default());
        for p in lab.sweep(&words, 600).unwrap_or_else(|e| panic!("{e}")) {
            let pct = |v: Option<f64>| v.map_or("  -".to_string(), |v| format!("{:3.0}", v * 100.0));
            println!(
                "words {:3}: weak {:.3}  ceiling {:.3}  naive {:.3} (PGR {}%)  aux {:.3} (PGR {}%)",
                p.words,
                p.weak_accuracy,
                lab.ceiling_accuracy(),
                p.naive_accuracy,
                pct(p.naive_pgr),
                p.aux_accuracy,
                pct(p.aux_pgr)
            );
        }
    }
}

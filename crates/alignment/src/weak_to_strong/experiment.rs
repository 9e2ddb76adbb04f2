//! The experiment: a weak supervisor trained on truth labels the strong student's training set;
//! the student learns from those labels, plainly or with the auxiliary confidence loss; the
//! performance gap recovered says how much of the way from weak to the student's own ceiling
//! (trained on truth) it got.

use serde::Serialize;

use super::corpus::{Corpus, Sentence, Split};
use super::features::{random_word_features, Features, Vocabulary};
use super::logistic::{train, LogisticModel, TrainConfig, TrainError, TransferLoss};

/// Below this many accuracy points between the ceiling and the weak supervisor the PGR is not
/// reported: on 1,000 test sentences one accuracy carries about 1.5 points of sampling noise, so
/// a smaller denominator makes the ratio mostly noise.
pub const MIN_GAP: f64 = 0.02;
/// The slider's range for the weak supervisor's vocabulary.
pub const MAX_WEAK_WORDS: usize = 300;
/// The most dimensions the control student's random word vectors may have.
pub const MAX_RANDOM_DIMS: usize = 4096;

/// The strong student's features.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum StudentFeatures {
    /// The shipped all-MiniLM-L6-v2 sentence embeddings: a pretrained strong model.
    Embedding,
    /// The control: random ±1 word vectors summed (see `random_word_features`), a strong model
    /// with no pretraining behind it.
    RandomWords { dims: usize, seed: u64 },
}

/// The strong student as a person chooses it; the serde name is the id links use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StudentChoice {
    /// The pretrained sentence embeddings.
    Embedding,
    /// The control with no pretraining: random word features as wide as the embeddings, so
    /// that pretraining is the only difference.
    Random,
}

impl StudentChoice {
    pub const ALL: [StudentChoice; 2] = [StudentChoice::Embedding, StudentChoice::Random];

    pub fn id(self) -> &'static str {
        match self {
            StudentChoice::Embedding => "embedding",
            StudentChoice::Random => "random",
        }
    }

    pub fn parse(id: &str) -> Option<StudentChoice> {
        StudentChoice::ALL.into_iter().find(|c| c.id() == id)
    }

    /// The features; `seed` draws the random words (the embeddings ignore it).
    pub fn features(self, seed: u64) -> StudentFeatures {
        match self {
            StudentChoice::Embedding => StudentFeatures::Embedding,
            StudentChoice::Random => StudentFeatures::RandomWords { dims: 384, seed },
        }
    }
}

/// The weak supervisor: logistic regression on which of its `words` most frequent words occur,
/// trained on the first `train_examples` truth-labelled weak-train sentences. Both make it
/// stronger; `words` is the slider.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
pub struct WeakConfig {
    pub words: usize,
    pub train_examples: usize,
}

impl Default for WeakConfig {
    fn default() -> Self {
        WeakConfig { words: 20, train_examples: 600 }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExperimentError {
    #[error("the corpus has no {0:?} sentences")]
    EmptySplit(Split),
    #[error("the weak supervisor needs 1 to {MAX_WEAK_WORDS} words, got {0}")]
    Words(usize),
    #[error("the weak supervisor needs 2 to {available} training examples, got {asked}")]
    TrainExamples { asked: usize, available: usize },
    #[error("random features need 1 to {MAX_RANDOM_DIMS} dimensions, got {0}")]
    Dims(usize),
    #[error("training failed: {0}")]
    Train(#[from] TrainError),
}

/// Why a PGR is not reported.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, thiserror::Error)]
pub enum PgrUndefined {
    #[error("the strong ceiling ({ceiling:.3}) is no better than the weak supervisor ({weak:.3}): no gap to recover")]
    NoGap { weak: f64, ceiling: f64 },
    #[error(
        "the gap between ceiling ({ceiling:.3}) and weak ({weak:.3}) is under {MIN_GAP}: the ratio would be noise"
    )]
    GapTooSmall { weak: f64, ceiling: f64 },
}

/// PGR = (weak→strong − weak) / (ceiling − weak) (Burns et al. 2023): 0 when the student only
/// matches its supervisor, 1 when it does as well as if it had been trained on truth.
pub fn performance_gap_recovered(weak: f64, weak_to_strong: f64, ceiling: f64) -> Result<f64, PgrUndefined> {
    let gap = ceiling - weak;
    if gap <= 0.0 {
        Err(PgrUndefined::NoGap { weak, ceiling })
    } else if gap < MIN_GAP {
        Err(PgrUndefined::GapTooSmall { weak, ceiling })
    } else {
        Ok((weak_to_strong - weak) / gap)
    }
}

/// One run of the lab. Accuracies are on the test split.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Outcome {
    pub weak: WeakConfig,
    /// The words the weak supervisor looks for, most frequent first.
    pub vocabulary: Vec<String>,
    pub test_sentences: usize,
    pub weak_accuracy: f64,
    /// How often the weak supervisor's labels on the strong-train split are right.
    pub weak_label_accuracy: f64,
    /// The student trained on truth.
    pub ceiling_accuracy: f64,
    /// The student trained on the weak labels with plain cross-entropy.
    pub naive_accuracy: f64,
    /// The student trained on the weak labels with the auxiliary confidence loss.
    pub aux_accuracy: f64,
    pub naive_pgr: Option<f64>,
    pub aux_pgr: Option<f64>,
    /// Why the PGRs are missing, when they are.
    pub pgr_note: Option<String>,
    /// Share of test sentences where the student predicts what the weak supervisor predicts:
    /// near 1 means imitation, errors included.
    pub naive_agreement_with_weak: f64,
    pub aux_agreement_with_weak: f64,
}

/// One point of the sweep over the weak supervisor's vocabulary.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct SweepPoint {
    pub words: usize,
    pub weak_accuracy: f64,
    pub naive_accuracy: f64,
    pub aux_accuracy: f64,
    pub naive_pgr: Option<f64>,
    pub aux_pgr: Option<f64>,
}

/// What stays fixed while the weak supervisor changes: the splits, the student's features and
/// its ceiling. Build once (one student training), then `run` per slider position (a small weak
/// training and two student trainings: about 0.1 s natively at opt-level 3).
#[derive(Debug, Clone)]
pub struct Lab {
    weak_texts: Vec<String>,
    weak_truth: Vec<bool>,
    strong_texts: Vec<String>,
    strong_truth: Vec<bool>,
    test_texts: Vec<String>,
    test_truth: Vec<bool>,
    strong_x: Features,
    test_x: Features,
    student: StudentFeatures,
    train: TrainConfig,
    loss: TransferLoss,
    ceiling: LogisticModel,
    ceiling_accuracy: f64,
}

fn accuracy(predicted: &[bool], truth: &[bool]) -> f64 {
    let right = predicted.iter().zip(truth).filter(|(p, t)| p == t).count();
    right as f64 / truth.len().max(1) as f64
}

fn targets(labels: &[bool]) -> Vec<f64> {
    labels.iter().map(|&b| if b { 1.0 } else { 0.0 }).collect()
}

impl Lab {
    /// `aux` is the loss for the "with auxiliary loss" student (normally `TransferLoss::AUX_DEFAULT`).
    pub fn new(
        corpus: &Corpus,
        student: StudentFeatures,
        train_config: TrainConfig,
        aux: TransferLoss,
    ) -> Result<Lab, ExperimentError> {
        let part = |split| {
            let idx = corpus.split(split);
            if idx.is_empty() {
                Err(ExperimentError::EmptySplit(split))
            } else {
                Ok(idx)
            }
        };
        let (weak_idx, strong_idx, test_idx) = (part(Split::WeakTrain)?, part(Split::StrongTrain)?, part(Split::Test)?);
        let s: &[Sentence] = corpus.sentences();
        let texts = |idx: &[usize]| idx.iter().map(|&i| s[i].text.clone()).collect::<Vec<_>>();
        let truth = |idx: &[usize]| idx.iter().map(|&i| s[i].is_news).collect::<Vec<_>>();
        let features = |idx: &[usize]| -> Result<Features, ExperimentError> {
            match student {
                StudentFeatures::Embedding => {
                    let data = idx.iter().flat_map(|&i| corpus.embedding(i).iter().copied()).collect();
                    Features::new(idx.len(), corpus.dims(), data).ok_or(ExperimentError::Dims(corpus.dims()))
                }
                StudentFeatures::RandomWords { dims, seed } => {
                    if dims == 0 || dims > MAX_RANDOM_DIMS {
                        return Err(ExperimentError::Dims(dims));
                    }
                    Ok(random_word_features(idx.iter().map(|&i| s[i].text.as_str()), dims, seed))
                }
            }
        };
        let (strong_x, test_x) = (features(&strong_idx)?, features(&test_idx)?);
        let test_truth = truth(&test_idx);
        let strong_truth = truth(&strong_idx);
        let ceiling = train(&strong_x, &targets(&strong_truth), TransferLoss::CrossEntropy, &train_config)?;
        let ceiling_accuracy = accuracy(&ceiling.predictions(&test_x), &test_truth);
        Ok(Lab {
            weak_texts: texts(&weak_idx),
            weak_truth: truth(&weak_idx),
            strong_texts: texts(&strong_idx),
            strong_truth,
            test_texts: texts(&test_idx),
            test_truth,
            strong_x,
            test_x,
            student,
            train: train_config,
            loss: aux,
            ceiling,
            ceiling_accuracy,
        })
    }

    /// The pretrained student with the defaults of the paper's code.
    pub fn standard(corpus: &Corpus) -> Result<Lab, ExperimentError> {
        Lab::new(corpus, StudentFeatures::Embedding, TrainConfig::default(), TransferLoss::AUX_DEFAULT)
    }

    pub fn ceiling_accuracy(&self) -> f64 {
        self.ceiling_accuracy
    }

    /// The student trained on truth (its weights are compared with scikit-learn's in the tests).
    pub fn ceiling(&self) -> &LogisticModel {
        &self.ceiling
    }

    pub fn student(&self) -> StudentFeatures {
        self.student
    }

    /// How many truth-labelled sentences the weak supervisor can be given at most.
    pub fn weak_train_available(&self) -> usize {
        self.weak_texts.len()
    }

    /// Trains the weak supervisor, labels the strong-train split with its probabilities, and
    /// trains the naive and the auxiliary-loss students on them.
    pub fn run(&self, weak: WeakConfig) -> Result<Outcome, ExperimentError> {
        if weak.words == 0 || weak.words > MAX_WEAK_WORDS {
            return Err(ExperimentError::Words(weak.words));
        }
        let available = self.weak_texts.len();
        if weak.train_examples < 2 || weak.train_examples > available {
            return Err(ExperimentError::TrainExamples { asked: weak.train_examples, available });
        }
        let n = weak.train_examples;
        let vocabulary = Vocabulary::most_frequent(self.weak_texts[..n].iter().map(String::as_str), weak.words);
        let weak_x = vocabulary.bag_of_words(self.weak_texts[..n].iter().map(String::as_str));
        let supervisor = train(&weak_x, &targets(&self.weak_truth[..n]), TransferLoss::CrossEntropy, &self.train)?;
        let weak_test = supervisor.predictions(&vocabulary.bag_of_words(self.test_texts.iter().map(String::as_str)));
        let strong_bow = vocabulary.bag_of_words(self.strong_texts.iter().map(String::as_str));
        let soft_labels = supervisor.probabilities(&strong_bow);

        let naive = train(&self.strong_x, &soft_labels, TransferLoss::CrossEntropy, &self.train)?;
        let aux = train(&self.strong_x, &soft_labels, self.loss, &self.train)?;
        let (naive_test, aux_test) = (naive.predictions(&self.test_x), aux.predictions(&self.test_x));

        let weak_accuracy = accuracy(&weak_test, &self.test_truth);
        let naive_accuracy = accuracy(&naive_test, &self.test_truth);
        let aux_accuracy = accuracy(&aux_test, &self.test_truth);
        let pgr = |a| performance_gap_recovered(weak_accuracy, a, self.ceiling_accuracy);
        let (naive_pgr, aux_pgr) = (pgr(naive_accuracy), pgr(aux_accuracy));
        let hard_labels: Vec<bool> = soft_labels.iter().map(|&p| p > 0.5).collect();
        Ok(Outcome {
            weak: WeakConfig { words: vocabulary.words.len(), train_examples: n },
            vocabulary: vocabulary.words,
            test_sentences: self.test_truth.len(),
            weak_accuracy,
            weak_label_accuracy: accuracy(&hard_labels, &self.strong_truth),
            ceiling_accuracy: self.ceiling_accuracy,
            naive_accuracy,
            aux_accuracy,
            pgr_note: naive_pgr.as_ref().err().map(ToString::to_string),
            naive_pgr: naive_pgr.ok(),
            aux_pgr: aux_pgr.ok(),
            naive_agreement_with_weak: accuracy(&naive_test, &weak_test),
            aux_agreement_with_weak: accuracy(&aux_test, &weak_test),
        })
    }

    /// The lab at each vocabulary size in `words`, with `train_examples` truth labels for the
    /// weak supervisor; the ceiling is trained once.
    pub fn sweep(&self, words: &[usize], train_examples: usize) -> Result<Vec<SweepPoint>, ExperimentError> {
        words
            .iter()
            .map(|&w| {
                let o = self.run(WeakConfig { words: w, train_examples })?;
                Ok(SweepPoint {
                    words: o.weak.words,
                    weak_accuracy: o.weak_accuracy,
                    naive_accuracy: o.naive_accuracy,
                    aux_accuracy: o.aux_accuracy,
                    naive_pgr: o.naive_pgr,
                    aux_pgr: o.aux_pgr,
                })
            })
            .collect()
    }
}

/// The paper's headline PGRs (Burns et al. 2023, arXiv 2312.09390), for display beside the lab.
/// Rounded figures from its text, not a re-analysis; the tasks, models and metric differ from
/// this lab's, so they are context, not targets.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PaperPgr {
    pub setting: &'static str,
    pub method: &'static str,
    /// Approximate, read from the paper's text and figures; `None` where it gives no single figure.
    pub pgr: Option<f64>,
    pub note: &'static str,
}

pub const PAPER_PGR: [PaperPgr; 5] = [
    PaperPgr { setting: "NLP classification (22 tasks)", method: "naive", pgr: Some(0.5), note: "often above 50%" },
    PaperPgr {
        setting: "NLP, largest weak-strong gap",
        method: "naive",
        pgr: Some(0.25),
        note: "about 25% for the smallest supervisor and largest student",
    },
    PaperPgr {
        setting: "NLP, largest weak-strong gap",
        method: "auxiliary confidence loss",
        pgr: Some(0.8),
        note: "about 80% for the same supervisor and student",
    },
    PaperPgr { setting: "chess puzzles", method: "naive", pgr: None, note: "poor, especially for large gaps" },
    PaperPgr { setting: "ChatGPT reward modelling", method: "naive", pgr: Some(0.1), note: "about 10%" },
];

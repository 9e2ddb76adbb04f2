//! Weak-to-strong generalization (Burns et al. 2023, arXiv 2312.09390) at the size of a page: a
//! weak supervisor (logistic regression on a few frequent words) labels news and fiction
//! sentences from the Brown corpus; a strong student (logistic regression on all-MiniLM-L6-v2
//! embeddings) learns from those labels, with plain cross-entropy or with the paper's auxiliary
//! confidence loss; the performance gap recovered (PGR) says how far it got beyond its teacher
//! toward its own ceiling. A control student on random word vectors, which stands in for a strong
//! model without pretraining, shows what is left when the prior knowledge is taken away.
//!
//! Not a reproduction: the paper fine-tunes GPT-4-family models; here both sides are linear and
//! the "strength" of the student is only what the pretrained embedding already knows.
//!
//! Measured on the shipped corpus (1,000 test sentences; `tests/weak_to_strong.rs`): with the
//! 20 most frequent words the weak supervisor gets 66.8%, the student's ceiling 88.3%, the naive
//! student 76.3% (PGR 44%), the auxiliary-loss student 81.6% (PGR 69%). Over 1 to 300 words the
//! auxiliary loss beat naive training every time (naive PGR 14–72%, auxiliary 66–83%). On random
//! word vectors the same students recover nothing (PGR −30% to +3%) and agree with their teacher
//! on 80–90% of test sentences.

pub mod corpus;
pub mod experiment;
pub mod features;
pub mod logistic;

pub use corpus::{Corpus, CorpusError, Sentence, Split, SHIPPED_CORPUS};
pub use experiment::{
    performance_gap_recovered, ExperimentError, Lab, Outcome, PaperPgr, PgrUndefined, StudentChoice, StudentFeatures,
    SweepPoint, WeakConfig, MAX_RANDOM_DIMS, MAX_WEAK_WORDS, MIN_GAP, PAPER_PGR,
};
pub use features::{random_word_features, words, Features, Vocabulary};
pub use logistic::{
    aux_coefficient, confidence_targets, gradient, objective, quantile_linear, train, LogisticModel, TrainConfig,
    TrainError, TransferLoss,
};

//! The eight open problems: what each is, what is still open, and which widgets exist.

/// One open problem of LLM research, as shown on the home page and its own page.
pub struct Problem {
    /// Route segment: `#/<id>`.
    pub id: &'static str,
    pub name: &'static str,
    /// One line on what is still open.
    pub open_question: &'static str,
    /// The problem page's explanation, one paragraph per entry.
    pub explanation: &'static [&'static str],
}

pub const PROBLEMS: &[Problem] = &[
    Problem {
        id: "reasoning",
        name: "Reliable reasoning",
        open_question: "Models still slip on short, checkable steps, and their written reasoning does not always reflect how they got the answer.",
        explanation: &[
            "A transformer spends roughly the same computation on every token it writes. Some questions need two steps of thought and others need twenty, so a fixed budget per token fits neither well. Writing out intermediate steps (chain of thought) buys extra computation, but the steps themselves can be wrong: an arithmetic slip in the middle, a conclusion that contradicts an earlier line, or a final answer that nothing before it supports.",
            "What is open: how to make each step trustworthy, how to check long traces cheaply, and how to tell a faithful trace from a plausible story written after the fact. Verifiers that recompute arithmetic or solve constraints exactly are one piece of the answer, because they are right by construction where they apply.",
        ],
    },
    Problem {
        id: "hallucination",
        name: "Hallucination",
        open_question: "Fluent, confident and wrong: models do not know what they do not know, and their confidence is often miscalibrated.",
        explanation: &[
            "A language model is trained to produce likely text, not true text. When its training data disagrees with itself, it learns a mixture, and it can state either side with the same fluency. Invented citations are the clearest case: the format of a reference is learned perfectly while the link to a real paper is not.",
            "What is open: measuring how well a model's confidence tracks its accuracy (calibration), repairing it after training, and using it to abstain when unsure. Even the yardstick is debated: the expected calibration error changes with the binning convention, so numbers from different libraries are not always comparable.",
        ],
    },
    Problem {
        id: "memory",
        name: "Long-term memory",
        open_question: "Long context windows are not memory: nothing persists across conversations, and storing, updating and forgetting facts well is unsolved.",
        explanation: &[
            "Even a million-token context is forgotten when the conversation ends. A useful assistant needs to store what it learned, retrieve what matters now rather than what is merely recent, update facts that changed, and forget on request.",
            "What is open: scoring what to retrieve (relevance, recency, importance), resolving conflicts between an old fact and a new one, evicting sensibly at capacity, and making deletion real so that nothing derived from a forgotten fact lingers.",
        ],
    },
    Problem {
        id: "training",
        name: "Efficient training",
        open_question: "Frontier training runs cost tens to hundreds of millions of dollars, and much of the hardware's peak goes unused.",
        explanation: &[
            "A training run's compute is roughly six floating-point operations per parameter per token (two for the forward pass, four for the backward pass). Divide that by what the GPUs could have done at their peak over the run's wall-clock time and you get the model FLOPs utilization (MFU): the fraction of the hardware that did useful work. Well-run large jobs reach 35 to 45 percent.",
            "What is open: raising utilization across tens of thousands of GPUs (communication, failures, pipeline bubbles), cutting FLOPs per token (mixture-of-experts models use only a fraction of their parameters per token), and spending a fixed budget on the right balance of model size and data. MFU itself is reported under different conventions, which this page makes explicit.",
        ],
    },
    Problem {
        id: "alignment",
        name: "Scalable alignment",
        open_question: "Today's methods rely on people judging outputs; that breaks down when outputs are too complex for people to check.",
        explanation: &[
            "Reinforcement learning from human feedback works when raters can tell good outputs from bad ones. For long proofs, large programs or expert medical advice they often cannot, and a model can learn to produce outputs that look right to a rater without being right.",
            "What is open: oversight that scales beyond the overseer. Debate (two models argue, a judge decides) rests on the hope that exposing a lie is easier than finding the truth; recursive reward modelling lets models help people evaluate models. Both have known failure modes, such as arguments too long to refute.",
        ],
    },
    Problem {
        id: "interpretability",
        name: "Interpretability",
        open_question: "We cannot yet read what a model computes: its neurons mix many concepts, and the tools to separate them are young.",
        explanation: &[
            "A network represents more features than it has neurons by overlapping them (superposition), so single neurons rarely mean one thing. Sparse autoencoders try to undo this: they learn a larger dictionary of directions of which only a few are active for any input, in the hope that each direction is one interpretable feature.",
            "What is open: whether the features found are the model's own or artifacts of the method, how to measure dictionary quality without ground truth, dead and redundant features, and how to scale all of this to frontier models.",
        ],
    },
    Problem {
        id: "edge",
        name: "Edge inference",
        open_question: "Running capable models on phones and laptops is limited by memory capacity and bandwidth, not arithmetic.",
        explanation: &[
            "Generating one token with a dense model reads every weight once, so the speed limit on a device is roughly its memory bandwidth divided by the model's size in bytes. Whether the model fits at all depends on its size after quantization, the key-value cache for the context, and how much memory the operating system actually lets one app use.",
            "What is open: quantizing further without losing quality, running mixture-of-experts models whose total size exceeds device memory, keeping speed up when a phone heats up, and making long contexts fit.",
        ],
    },
    Problem {
        id: "grounding",
        name: "Multimodal grounding",
        open_question: "Vision-language models see images as a grid of patches at low resolution and still struggle with counting, spatial relations and fine detail.",
        explanation: &[
            "A vision encoder turns an image into a fixed or bounded number of tokens. How it resizes, crops or tiles the image decides what survives: small text and thin objects can vanish, and a center crop can discard a large part of a wide photo before the language model sees anything.",
            "What is open: grounding words in the right image regions, spending tokens where detail matters (regions of interest) rather than uniformly, and benchmarks that measure spatial understanding rather than guessing.",
        ],
    },
];

/// A dependency the article names between two problems: progress on `from` enables `to`
/// (or, where `urgency` is set, makes `to` more urgent).
pub struct Dependency {
    pub from: &'static str,
    pub to: &'static str,
    pub urgency: bool,
    /// The article's reason, in our words.
    pub why: &'static str,
}

/// The dependencies of the article's closing summary ("the eight problems are not
/// independent"). Long-term memory is the one problem it connects to none of the others.
pub const DEPENDENCIES: &[Dependency] = &[
    Dependency {
        from: "interpretability",
        to: "reasoning",
        urgency: false,
        why: "fixing reasoning needs to know why a model reasons incorrectly, which is an interpretability question",
    },
    Dependency {
        from: "training",
        to: "hallucination",
        urgency: false,
        why: "fewer hallucinations need calibrated uncertainty, which the article files under efficient training",
    },
    Dependency {
        from: "grounding",
        to: "hallucination",
        urgency: false,
        why: "fewer hallucinations about images need grounding in what is actually there",
    },
    Dependency {
        from: "interpretability",
        to: "alignment",
        urgency: false,
        why: "checking a model's goals from its internals, when outputs cannot be verified, needs interpretability",
    },
    Dependency {
        from: "reasoning",
        to: "alignment",
        urgency: false,
        why: "oversight schemes such as debate rely on reasoning that can be checked step by step",
    },
    Dependency {
        from: "edge",
        to: "alignment",
        urgency: true,
        why: "models that run on every device reach more people, which makes alignment more urgent",
    },
];

/// The article's table of simple tasks that defeat models, as it prints it (approximate
/// figures, no benchmark or source named).
pub struct ReasoningFailure {
    pub task: &'static str,
    pub example: &'static str,
    pub gpt4o_percent: f64,
    pub human_percent: f64,
}

pub const ARTICLE_REASONING_FAILURES: [ReasoningFailure; 5] = [
    ReasoningFailure {
        task: "Counting",
        example: "How many 'r's in 'strawberry'?",
        gpt4o_percent: 40.0,
        human_percent: 99.0,
    },
    ReasoningFailure {
        task: "Spatial",
        example: "Facing north, turn right: which way now?",
        gpt4o_percent: 75.0,
        human_percent: 99.0,
    },
    ReasoningFailure {
        task: "Temporal",
        example: "Tuesday is 2 days after X: when was X?",
        gpt4o_percent: 80.0,
        human_percent: 99.0,
    },
    ReasoningFailure {
        task: "Negation",
        example: "What is NOT true given these 3 facts?",
        gpt4o_percent: 65.0,
        human_percent: 95.0,
    },
    ReasoningFailure {
        task: "Constraint satisfaction",
        example: "Assign 5 people to 3 rooms",
        gpt4o_percent: 30.0,
        human_percent: 90.0,
    },
];

/// Finds a problem by its route id.
pub fn problem(id: &str) -> Option<&'static Problem> {
    PROBLEMS.iter().find(|p| p.id == id)
}

//! The widget registry: every widget, the problem it belongs to, and how to render it.

pub mod calibration;
pub mod cot;
pub mod csp;
pub mod debate;
pub mod edge;
pub mod grounding;
pub mod memory;
pub mod pixel_debate;
pub mod probes;
pub mod sae;
pub mod train_cost;
pub mod weak_to_strong;

use frontier_state::Query;
use leptos::prelude::*;

/// A widget as listed on home and problem pages.
pub struct WidgetInfo {
    pub id: &'static str,
    pub problem: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
}

pub const WIDGETS: &[WidgetInfo] = &[
    WidgetInfo {
        id: "cot",
        problem: "reasoning",
        title: "Chain-of-thought checker",
        summary: "Paste a chain of thought: arithmetic checked exactly, contradictions and unsupported steps found, beside the article's three rules.",
    },
    WidgetInfo {
        id: "csp",
        problem: "reasoning",
        title: "Constraint solver: people and rooms",
        summary: "Assign people to rooms under constraints: a SAT solver says whether it can be done, counts the ways, and checks a model's answer.",
    },
    WidgetInfo {
        id: "probes",
        problem: "reasoning",
        title: "Reasoning probes",
        summary: "Fresh counting, compass, calendar, negation and room questions with exact answers; grade a model beside the article's figures.",
    },
    WidgetInfo {
        id: "train-cost",
        problem: "training",
        title: "Training efficiency and cost",
        summary: "FLOPs, MFU and dollars of a training run, from the article's formula to the conventions behind published numbers.",
    },
    WidgetInfo {
        id: "calibration",
        problem: "hallucination",
        title: "Calibration",
        summary: "Upload model confidences: ECE and its relatives under every convention, recalibration, abstention.",
    },
    WidgetInfo {
        id: "memory",
        problem: "memory",
        title: "Long-term memory",
        summary: "Fill a memory, query it at any time, correct it, make it forget, watch it evict; a quiz grades it.",
    },
    WidgetInfo {
        id: "debate",
        problem: "alignment",
        title: "Debate over a long computation",
        summary: "Two debaters disagree about a million-step computation; the judge checks one step. Play the liar, the honest side or the judge.",
    },
    WidgetInfo {
        id: "pixel-debate",
        problem: "alignment",
        title: "Pixel debate",
        summary: "A judge sees six pixels of a digit; an honest and a lying debater choose which. A toy reproduction of Irving et al.",
    },
    WidgetInfo {
        id: "weak-to-strong",
        problem: "alignment",
        title: "Weak-to-strong generalization",
        summary: "A weak supervisor labels sentences, a strong student learns from it: the gap recovered, naively and with the auxiliary confidence loss.",
    },
    WidgetInfo {
        id: "sae",
        problem: "interpretability",
        title: "Sparse autoencoders",
        summary: "Train a sparse autoencoder in your browser on superposed toy features or real MiniLM activations, measure it, and browse its features.",
    },
    WidgetInfo {
        id: "grounding",
        problem: "grounding",
        title: "How vision encoders see your image",
        summary: "Tokens per image under CLIP, LLaVA-NeXT, Qwen2-VL and InternVL, drawn over your own image; regions of interest planned.",
    },
    WidgetInfo {
        id: "edge-feasibility",
        problem: "edge",
        title: "Edge feasibility",
        summary: "Will a model fit on a device, how fast will it run, and what would make it fit.",
    },
];

pub fn widget(id: &str) -> Option<&'static WidgetInfo> {
    WIDGETS.iter().find(|w| w.id == id)
}

pub fn widgets_of(problem: &str) -> impl Iterator<Item = &'static WidgetInfo> + '_ {
    WIDGETS.iter().filter(move |w| w.problem == problem)
}

/// Renders a widget by id, full-size or embedded.
pub fn render(info: &'static WidgetInfo, query: Query, embed: bool) -> AnyView {
    match info.id {
        "cot" => view! { <cot::CotLab query=query embed=embed/> }.into_any(),
        "csp" => view! { <csp::CspLab query=query embed=embed/> }.into_any(),
        "probes" => view! { <probes::ProbesLab query=query embed=embed/> }.into_any(),
        "train-cost" => view! { <train_cost::TrainCost query=query embed=embed/> }.into_any(),
        "calibration" => view! { <calibration::Calibration query=query embed=embed/> }.into_any(),
        "memory" => view! { <memory::MemoryLab query=query embed=embed/> }.into_any(),
        "debate" => view! { <debate::DebateLab query=query embed=embed/> }.into_any(),
        "pixel-debate" => view! { <pixel_debate::PixelDebate query=query embed=embed/> }.into_any(),
        "weak-to-strong" => view! { <weak_to_strong::WeakToStrongLab query=query embed=embed/> }.into_any(),
        "sae" => view! { <sae::SaeLab query=query embed=embed/> }.into_any(),
        "grounding" => view! { <grounding::GroundingLab query=query embed=embed/> }.into_any(),
        "edge-feasibility" => view! { <edge::EdgeFeasibility query=query embed=embed/> }.into_any(),
        _ => view! { <p>"This widget is not available."</p> }.into_any(),
    }
}

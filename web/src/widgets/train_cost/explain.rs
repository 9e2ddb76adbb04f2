//! What the widget computes, each number's formula, and where the conventions come from.

use leptos::prelude::*;

#[component]
pub fn Explanation() -> impl IntoView {
    view! {
        <h3>"What this computes"</h3>
        <dl class="formulas">
            <dt>"Total compute"</dt>
            <dd>"6 · active parameters · tokens. Each parameter costs about 2 FLOPs per token in the forward pass and 4 in the backward pass (EleutherAI, Transformer Math 101). Mixture-of-experts models count only the parameters a token actually uses."</dd>
            <dt>"Attention FLOPs (optional)"</dt>
            <dd>"6 · layers · heads · sequence length · (query/key head size + value head size) per token, the PaLM convention (appendix B), which for ordinary attention is 12 · L · H · d · T. \"Causal\" halves it because the mask skips half the score matrix. The article leaves attention out."</dd>
            <dt>"Model FLOPs utilization (MFU)"</dt>
            <dd>"Total compute ÷ (GPUs · dense peak FLOP/s · wall-clock seconds). Use the dense peak for the precision the run's matrix multiplies use: datasheets also print a \"with sparsity\" number twice as large, and dividing by it halves the MFU."</dd>
            <dt>"Cost"</dt>
            <dd>"GPUs · hours · price per GPU-hour. This is rented-compute cost of the final run only: no research, ablations, failed runs, staff or data."</dd>
            <dt>"Chinchilla-optimal size"</dt>
            <dd>"For the run's compute C = 6 · N · D, Hoffmann et al. (2022) found loss is lowest near D = 20 · N, so N = √(C / 120). Modern models train far past this on purpose, because a smaller model is cheaper to serve."</dd>
        </dl>
        <h3>"Why the article's 0.52 is not what its numbers give"</h3>
        <p>"The article computes DeepSeek-V3's efficiency from 37B active parameters, 14.8T tokens and 2,048 H800 GPUs for 55 days at 989 TFLOPS, and states MFU ≈ 0.52. Its own formula gives 0.341. No common convention reaches 0.52: counting attention raises it to about 0.39 (causal) or 0.44 (full), and dividing by the H800's FP8 dense peak (the precision DeepSeek-V3 trained its matrix multiplies in) lowers it to about 0.17. The cost, $5.4M at $2 per GPU-hour, matches the report's $5.3M for pre-training."</p>
        <p class="source">"Sources: DeepSeek-V3 technical report (arXiv 2412.19437); Llama 3 paper (arXiv 2407.21783) and the Llama 3.1 model card; PaLM (arXiv 2204.02311), appendix B; Hoffmann et al., Training Compute-Optimal Large Language Models (arXiv 2203.15556). Hardware rows carry their own sources."</p>
    }
}

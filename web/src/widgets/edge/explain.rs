//! What the edge widget computes and where its numbers come from.

use leptos::prelude::*;

#[component]
pub fn Explanation() -> impl IntoView {
    view! {
        <h3>"What this computes"</h3>
        <dl class="formulas">
            <dt>"The article's check"</dt>
            <dd>"Model size = parameters · bits / 8; add a fixed 0.5 GB for the cache; it fits if that is at most the RAM. Speed = bandwidth / model size, because generating a token reads every weight once."</dd>
            <dt>"Weights"</dt>
            <dd>"Total parameters · bits per weight / 8, with the bits a whole llama.cpp file really uses: embeddings and the output layer stay at higher precision, so Q4_K_M is 4.89 bits per weight, not 4. Mixture-of-experts models must hold all experts, so memory uses total parameters."</dd>
            <dt>"KV cache"</dt>
            <dd>"Per token: 2 (keys and values) · layers · KV heads · head size · bytes per element; for multi-head latent attention, (latent rank + rotary size) · layers · bytes. Sliding-window layers stop growing at their window. Q8_0 and Q4_0 caches store 32 values in 34 and 18 bytes."</dd>
            <dt>"Fits"</dt>
            <dd>"Weights + cache + about 0.3 GB of runtime buffers, against RAM times the fraction one app may use: phones and Macs keep much of their memory for the system."</dd>
            <dt>"Decode speed"</dt>
            <dd>"Each step reads the active weights once and the whole cache once: tokens/s = batch · bandwidth · efficiency / (active weight bytes + cache bytes). Phones then slow down as they heat up (the sustained factor)."</dd>
            <dt>"Prefill and the roofline"</dt>
            <dd>"A prompt costs about 2 FLOPs per active parameter per token, done in parallel, so prefill is limited by compute while decode is limited by bandwidth. The ridge point, peak FLOP/s ÷ bandwidth, separates the two."</dd>
            <dt>"Speculative decoding"</dt>
            <dd>"A draft proposes γ tokens, each accepted with probability α: expected tokens per target step (1 − α^(γ+1)) / (1 − α); speedup that divided by (γ · c + 1), where c is the draft's cost relative to the target's (Leviathan et al. 2023, theorem 3.8). The draft's memory counts too."</dd>
        </dl>
        <p class="source">"Sources: llama.cpp tools/quantize/README.md (file sizes, perplexity), model config files, device datasheets and the derivations marked \"estimated\"; Leviathan et al., Fast Inference from Transformers via Speculative Decoding (2023); Alizadeh et al., LLM in a flash (2023)."</p>
    }
}

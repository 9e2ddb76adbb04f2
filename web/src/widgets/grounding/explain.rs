//! What the grounding widget computes and where each formula comes from.

use leptos::prelude::*;

#[component]
pub fn Explanation() -> impl IntoView {
    view! {
        <p>"A vision encoder cuts an image into patches and passes one token per patch (or per group of patches) to the language model. How many tokens an image gets, and how many of its pixels each token has to summarise, decides what fine detail can survive: small text, distant objects, which cup is on the left."</p>
        <ul>
            <li><strong>"CLIP ViT-L/14"</strong>" sees a fixed square of 224 or 336 px in 14-px patches: 256 or 576 tokens. Its processor resizes the short side and crops the centre; LLaVA-1.5 pads to a square instead; squashing distorts shapes. The crop is the only way a 1080p frame gets 45×45 px per token, and it drops 44 % of a 16:9 frame."</li>
            <li><strong>"LLaVA-NeXT AnyRes"</strong>" picks the grid (336×672, 672×336, 672×672, 1008×336 or 336×1008, as height×width) that keeps the most pixels, encodes each 336-px tile, drops the features that only saw padding, adds 576 tokens for a low-resolution view of the whole image, and one newline token after each row (delimiters: 28 for a 1080p frame, which the processor counts in its 1,948 = 1,920 + 28)."</li>
            <li><strong>"Qwen2-VL"</strong>" resizes to multiples of 28 px within a pixel budget (smart_resize) and merges 2×2 patches of 14 px: one token per 28×28 px, plus two delimiters, the vision start and end tokens."</li>
            <li><strong>"InternVL"</strong>" stretches the image to the grid of 448-px tiles whose shape is closest to the image's, 256 tokens per tile, plus a 448-px thumbnail when there is more than one tile, all between two delimiters, <img> and </img>."</li>
        </ul>
        <p>"One convention for every scheme: \"visual tokens\" are what the patch grid yields, one per (merged) patch of every view, and \"delimiters\" are the other tokens the scheme puts in the language model's sequence for the image; an image costs their sum in the context. CLIP's class token counts in neither: the language model never receives it (LLaVA-1.5 drops it and adds no delimiters)."</p>
        <p>"Every count is checked against the processors' code in transformers 5.24.0 on 157 image sizes (tests/reference/grounding_reference.py). Two details matter: AnyRes truncates (not rounds) when it removes padding, and Qwen's processor in transformers rounds a side below 14 px to zero before applying the minimum, where qwen-vl-utils clamps it to 28."</p>
        <p>"The region planner follows the article's GroundedVisualEncoder: the whole image at the encoder's resolution, then each region cropped, resized to the same square and encoded again. The article mean-pools each region to one token plus a projection of its box; keeping every patch token costs (input/patch)² tokens per region instead. \"Finer by\" compares the pixels one patch covers in the region's pass with the whole-image pass (geometric mean of both axes)."</p>
        <p>"Your image is decoded by your browser in this page. Only its width and height enter the link; a copy scaled down to 1,600 px is kept in this browser's storage so a reload still shows it."</p>
    }
}

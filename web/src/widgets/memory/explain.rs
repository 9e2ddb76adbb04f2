//! The explanation beside the memory widget.

use leptos::prelude::*;

#[component]
pub fn Explanation() -> impl IntoView {
    view! {
        <div class="explain-text">
            <p>"The article's memory stores each message with its embedding, time, importance and an access count. A query scores every memory by 0.5·cosine + 0.2·exp(−age/720 h) + 0.2·importance + 0.1·min(accesses/10, 1) and returns the best k, counting each as accessed. Forgetting removes every memory with cosine ≥ 0.85 to a query; when full, the memory with the lowest 0.3·importance + 0.3·recency + 0.4·min(accesses/10, 1) is evicted."</p>
            <p>"Its comment calls exp(−age/720) a 30-day half-life. It is a 30-day time constant: the score halves after 720·ln 2 ≈ 499 hours (20.8 days) and is e⁻¹ ≈ 0.37 at 30 days. Choose “half-life” for a true one, and “from the last access” to measure recency as Generative Agents (Park et al. 2023) and LangChain's time-weighted retriever do."</p>
            <p>"Generative Agents scales relevance, recency and importance to [0, 1] over the candidates of each query before adding them, so the weights mean what they say whatever the embedder's typical cosine."</p>
            <p>"Updates: the article only adds. Here a new fact that changes an old one (“I live in Zurich now” after “I live in Bern”) supersedes it: the old memory stays, with the day it stopped being true, so questions about the past still find it. A repeat changes nothing; the same fact said more fully updates the memory. The rules are a small set of English patterns (where someone lives and works, names, ages, favourites, likes), shown with every decision."</p>
            <p>"Forgetting for privacy goes by subject or id and follows what was derived from a memory (a weekly summary of a lunch goes with the lunch). Forgetting by similarity is kept as the article's tool, approximate by nature."</p>
            <p>"Embeddings: hashed words and character n-grams, computed in this page. They are lexical: “live” matches “live”, not “moved”. The quiz shows where that is enough and where it is not."</p>
            <p>"Eviction keeps its order in a kinetic tournament: every eviction score is a fixed part plus a recency that decays at one shared rate, so two memories swap order at most once as time passes, at a time known in advance. A store or an eviction costs O(log n) rather than a sort of the whole store."</p>
        </div>
    }
}

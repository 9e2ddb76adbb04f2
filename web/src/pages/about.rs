//! About: what the site is, the privacy promise, sharing and embedding, sources.

use leptos::prelude::*;

#[component]
pub fn About() -> impl IntoView {
    let embed_example = r#"<iframe src="…/#/embed/train-cost?s=…" title="Training efficiency and cost" width="100%" height="720" style="border:0" loading="lazy" data-frontier-lab></iframe>
<script src="…/embed.js" defer></script>"#;
    view! {
        <section class="page prose">
            <h1>"About Frontier Lab"</h1>
            <p>"Frontier Lab is a set of interactive tools for the open problems of large-language-model research. Each tool runs a real analysis, written in Rust and compiled to WebAssembly, entirely inside your browser."</p>
            <h2>"Privacy"</h2>
            <p>"Nothing you type or upload leaves this page. There is no server behind the site, no account and no analytics; the page's Content-Security-Policy forbids connections to any other origin, so this is enforced by the browser, not just promised. Your work is saved in this browser's local storage, and only there."</p>
            <h2>"Sharing"</h2>
            <p>"Every widget has a " <strong>"Share link"</strong> " button. The link contains the widget's settings (never your uploaded data), so whoever opens it sees what you see. A " <strong>"Classroom link"</strong> " also hides chosen controls and the explanation, for exercises."</p>
            <h2>"Embedding"</h2>
            <p>"The " <strong>"Embed"</strong> " button copies an " <code>"<iframe>"</code> " line. The embedded widget reports its height to the page around it; the optional helper script resizes the frame to fit:"</p>
            <pre><code>{embed_example}</code></pre>
            <p>"In a sandboxed frame without storage the widget still works; it says that changes are not saved and offers export."</p>
            <h2>"Sources"</h2>
            <p>"Every formula and preset states its source next to it. Where an article's claim and the arithmetic disagree, both are shown with the reason."</p>
        </section>
    }
}

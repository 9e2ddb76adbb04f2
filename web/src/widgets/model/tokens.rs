//! The generated tokens, coloured by the probability the model gave each (with a legend and a
//! table as the text alternative), and the details of the token in focus: the ten likeliest
//! next tokens as a bar chart, the entropy, and the log-probability of the whole text.

use leptos::prelude::*;

use super::client::{Client, Generation};
use crate::framework::chart::{Axis, Bar, BarChart, BarRow, DataTable, Figure};
use crate::framework::theme;
use crate::lm_worker::TokenInfo;

/// Probability bands, from likeliest to least likely: (lower bound, legend label).
pub const BANDS: [(f32, &str); 5] =
    [(0.9, "90 % or more"), (0.5, "50 to 90 %"), (0.2, "20 to 50 %"), (0.05, "5 to 20 %"), (0.0, "under 5 %")];

/// The band of a probability (0: the likeliest); anything not a probability falls in the last.
pub fn band(p: f32) -> usize {
    BANDS.iter().position(|&(lo, _)| p >= lo).unwrap_or(BANDS.len() - 1)
}

/// A log-probability as a probability.
pub fn probability(logprob: f32) -> f32 {
    logprob.exp()
}

/// A probability as a percentage for people: 3 significant figures below 1 %.
pub fn percent(p: f32) -> String {
    let v = 100.0 * p;
    if v >= 1.0 {
        format!("{v:.1} %")
    } else {
        format!("{v:.3} %")
    }
}

/// A token's text as it reads in a table: whitespace made visible.
pub fn visible(text: &str) -> String {
    if text.is_empty() {
        return "∅".into();
    }
    text.replace('\n', "↵").replace('\t', "⇥").replace(' ', "·")
}

/// The log-probability of the whole generated text: the sum over its tokens (natural log).
pub fn text_logprob(tokens: &[TokenInfo]) -> f32 {
    tokens.iter().map(|t| t.logprob).sum()
}

#[component]
pub fn Legend() -> impl IntoView {
    view! {
        <p class="tok-legend" aria-label="Colour key: the probability the model gave each token">
            "Probability the model gave the token: "
            {BANDS.iter().enumerate().map(|(i, (_, label))| view! {
                <span class=format!("tok tok-b{i}")>{*label}</span>" "
            }).collect_view()}
        </p>
    }
}

/// The stream: the prompt's tokens muted, then each generated token, focusable.
#[component]
pub fn Stream(client: Client, selected: RwSignal<Option<usize>>) -> impl IntoView {
    // Keyed by generation and position: tokens already shown stay in place (and keep focus)
    // while new ones stream in.
    let keys = move || client.generation.with(|g| (0..g.tokens.len()).map(|i| (g.serial, i)).collect::<Vec<_>>());
    let token = move |(_, i): (u64, usize)| {
        let t = client.generation.with_untracked(|g| g.tokens.get(i).cloned());
        t.map(|t| {
            let p = probability(t.logprob);
            let label = format!("{}: {}", visible(&t.piece), percent(p));
            view! {
                <span class=move || format!("tok tok-b{}{}", band(p), if selected.get() == Some(i) { " tok-selected" } else { "" })
                    tabindex="0" role="button" data-testid="lm-token" data-token-id=t.id.to_string()
                    aria-label=label title=percent(p)
                    on:click=move |_| selected.set(Some(i)) on:focus=move |_| selected.set(Some(i))>{t.text}</span>
            }
        })
    };
    let prompt = move || client.generation.with(|g| g.prompt.concat());
    view! {
        <div class="lm-stream" data-testid="lm-stream" aria-live="off">
            <span class="lm-prompt">{prompt}</span>
            <For each=keys key=|k| *k children=token/>
            {move || client.generation.with(|g| g.running).then(|| view! { <span class="lm-cursor" aria-hidden="true">"▍"</span> })}
        </div>
    }
}

/// Every generated token as a table: the colours' text alternative.
#[component]
pub fn TokenTable(client: Client) -> impl IntoView {
    let rows = move || {
        client.generation.with(|g: &Generation| {
            g.tokens
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    view! {
                        <tr><td>{(i + 1).to_string()}</td><td class="mono">{visible(&t.piece)}</td><td>{t.id.to_string()}</td>
                            <td>{percent(probability(t.logprob))}</td><td>{format!("{:.3}", t.logprob)}</td><td>{format!("{:.3}", t.entropy)}</td></tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <details class="data-table">
            <summary>"The tokens as a table"</summary>
            <div class="table-scroll" tabindex="0">
                <table>
                    <thead><tr><th scope="col">"#"</th><th scope="col">"Token"</th><th scope="col">"Id"</th><th scope="col">"Probability"</th>
                        <th scope="col">"Log-probability"</th><th scope="col">"Entropy (nats)"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </details>
    }
}

/// The details of the selected token, and the whole text's log-probability.
#[component]
pub fn Details(client: Client, selected: RwSignal<Option<usize>>) -> impl IntoView {
    // Only a change of the selected token redraws its chart, not every token that streams in.
    let chosen =
        Memo::new(move |_| selected.get().and_then(|i| client.generation.with(|g| g.tokens.get(i).cloned().map(|t| (i, t)))));
    let whole = move || {
        let (count, logprob) = client.generation.with(|g| (g.tokens.len(), text_logprob(&g.tokens)));
        (count > 0).then(|| format!("Log-probability of the whole text ({count} tokens): {logprob:.2} nats."))
    };
    let details = move || match chosen.get() {
        None => view! { <p class="hint">"Click or focus a token to see what else the model considered there."</p> }.into_any(),
        Some((i, t)) => {
            let chart = BarChart {
                axis: Axis {
                    min: 0.0,
                    max: 1.0,
                    log: false,
                    ticks: [0.0, 0.25, 0.5, 0.75, 1.0].iter().map(|&v| (v, format!("{:.0} %", 100.0 * v))).collect(),
                    title: "Probability".into(),
                },
                rows: t
                    .top
                    .iter()
                    .map(|c| {
                        let p = probability(c.logprob);
                        BarRow {
                            label: visible(&c.text),
                            bars: vec![Bar {
                                from: 0.0,
                                to: f64::from(p),
                                series: usize::from(c.id != t.id),
                                value_label: Some(percent(p)),
                            }],
                            marks: Vec::new(),
                        }
                    })
                    .collect(),
                legend: Vec::new(),
            };
            let svg = Signal::derive(move || {
                chart.svg(theme::current()).unwrap_or_else(|e| format!("<p>chart unavailable: {e}</p>"))
            });
            let table = DataTable {
                headers: vec!["Candidate".into(), "Id".into(), "Probability".into()],
                rows: t.top.iter().map(|c| vec![visible(&c.text), c.id.to_string(), percent(probability(c.logprob))]).collect(),
            };
            let caption = format!(
                "Token {}, “{}” ({}): the ten likeliest tokens at that place; the one drawn is in the first colour",
                i + 1,
                visible(&t.piece),
                percent(probability(t.logprob))
            );
            view! {
                <div class="lm-details" data-testid="lm-details">
                    <p>
                        {format!("Token {}: “{}”, probability {}, log-probability {:.3}. ", i + 1, visible(&t.piece), percent(probability(t.logprob)), t.logprob)}
                        <span data-testid="lm-entropy">{format!("Entropy of the distribution it came from: {:.3} nats.", t.entropy)}</span>
                    </p>
                    <Figure svg=svg caption=caption table=table name="model-next-tokens"/>
                </div>
            }
            .into_any()
        }
    };
    view! {
        <p class="hint" data-testid="lm-text-logprob">{whole}</p>
        {details}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_fall_in_their_bands() {
        assert_eq!(band(1.0), 0);
        assert_eq!(band(0.9), 0);
        assert_eq!(band(0.89), 1);
        assert_eq!(band(0.5), 1);
        assert_eq!(band(0.2), 2);
        assert_eq!(band(0.1), 3);
        assert_eq!(band(0.05), 3);
        assert_eq!(band(0.049), 4);
        assert_eq!(band(0.0), 4);
        assert_eq!(band(f32::NAN), 4);
        assert_eq!(band(probability(0.0)), 0);
        assert_eq!(band(probability(f32::NEG_INFINITY)), 4);
    }

    #[test]
    fn texts_and_numbers_read_plainly() {
        assert_eq!(visible(" a\nb\t"), "·a↵b⇥");
        assert_eq!(visible(""), "∅");
        assert_eq!(percent(0.5), "50.0 %");
        assert_eq!(percent(0.00012), "0.012 %");
        let t = |logprob| TokenInfo { id: 0, piece: String::new(), text: String::new(), logprob, entropy: 0.0, top: vec![] };
        assert_eq!(text_logprob(&[t(-1.0), t(-0.5)]), -1.5);
    }
}

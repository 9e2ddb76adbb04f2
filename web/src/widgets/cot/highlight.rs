//! The trace drawn step by step with each finding marked where it points, and a text list of
//! the findings for screen readers and for copying.

use std::sync::Arc;

use frontier_reasoning::{Analysis, Finding, FindingType};
use leptos::prelude::*;

/// Traces with more steps than this show only the steps with findings.
const MAX_STEPS_SHOWN: usize = 400;

/// Pieces of `text` (which starts at byte `base` of the trace): (text, index of the finding
/// that covers it). Where findings overlap, the one that starts first wins the piece.
fn pieces(text: &str, base: usize, findings: &[(usize, &Finding)]) -> Vec<(String, Option<usize>)> {
    let end = base + text.len();
    let mut cuts: Vec<usize> = vec![base, end];
    for (_, f) in findings {
        for at in [f.start, f.end] {
            if at > base && at < end && text.is_char_boundary(at - base) {
                cuts.push(at);
            }
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .map(|w| {
            let covering = findings.iter().find(|(_, f)| f.start <= w[0] && w[1] <= f.end && f.start < f.end);
            (text[w[0] - base..w[1] - base].to_owned(), covering.map(|(i, _)| *i))
        })
        .collect()
}

pub fn type_class(kind: FindingType) -> &'static str {
    match kind {
        FindingType::ArithmeticError => "cot-mark cot-arith",
        FindingType::SelfContradiction => "cot-mark cot-contra",
        FindingType::PhantomStep => "cot-mark cot-phantom",
        FindingType::UnsupportedNumber => "cot-mark cot-unsupported",
    }
}

#[component]
pub fn HighlightedTrace(trace: Signal<String>, analysis: Signal<Arc<Analysis>>, label: &'static str) -> impl IntoView {
    let body = move || {
        let trace = trace.get();
        let analysis = analysis.get();
        let many = analysis.step_spans.len() > MAX_STEPS_SHOWN;
        let hidden = if many {
            analysis.step_spans.iter().filter(|s| !analysis.findings.iter().any(|f| f.step == s.index)).count()
        } else {
            0
        };
        let rows = analysis
            .step_spans
            .iter()
            .filter(|s| !many || analysis.findings.iter().any(|f| f.step == s.index))
            .map(|s| {
                let here: Vec<(usize, &Finding)> =
                    analysis.findings.iter().enumerate().filter(|(_, f)| f.step == s.index).collect();
                let flagged = !here.is_empty();
                let parts = pieces(s.text(&trace), s.start, &here)
                    .into_iter()
                    .map(|(text, finding)| match finding.and_then(|i| analysis.findings.get(i)) {
                        Some(f) => view! {
                            <mark class=type_class(f.kind) title=f.message.clone() tabindex="0"
                                aria-label=format!("{}: {}", f.kind.label(), f.message)>{text}</mark>
                        }
                        .into_any(),
                        None => view! { <span>{text}</span> }.into_any(),
                    })
                    .collect_view();
                view! {
                    <li class="cot-step" class:cot-flagged=flagged data-step=s.index.to_string()>
                        <span class="cot-num" aria-hidden="true">{s.index.to_string()}</span>
                        <span class="cot-text">{parts}</span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <ol class="cot-trace" start="0" aria-label=label>{rows}</ol>
            {(hidden > 0).then(|| view! { <p class="hint">{format!("{hidden} steps without findings are not shown.")}</p> })}
        }
    };
    view! { <div class="cot-trace-box">{body}</div> }
}

#[component]
pub fn FindingsTable(analysis: Signal<Arc<Analysis>>, caption: &'static str) -> impl IntoView {
    move || {
        let analysis = analysis.get();
        if analysis.findings.is_empty() {
            return view! { <p class="status">"No findings."</p> }.into_any();
        }
        let rows = analysis
            .findings
            .iter()
            .map(|f| {
                view! {
                    <tr>
                        <td>{f.step.to_string()}</td>
                        <td>{f.kind.label()}</td>
                        <td>{f.message.clone()}</td>
                        <td>{f.expected.clone().unwrap_or_default()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-scroll" tabindex="0">
                <table class="cot-findings">
                    <caption>{caption}</caption>
                    <thead><tr><th scope="col">"Step"</th><th scope="col">"Type"</th><th scope="col">"What"</th><th scope="col">"Expected"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(start: usize, end: usize) -> Finding {
        Finding {
            kind: FindingType::ArithmeticError,
            step: 0,
            start,
            end,
            message: String::new(),
            expected: None,
            detail: None,
        }
    }

    #[test]
    fn pieces_cover_the_text_once() {
        let f = [finding(12, 15), finding(13, 20)];
        let here: Vec<(usize, &Finding)> = f.iter().enumerate().collect();
        let p = pieces("abcdefghij", 10, &here);
        let joined: String = p.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(joined, "abcdefghij");
        assert_eq!(
            p,
            vec![("ab".into(), None), ("c".into(), Some(0)), ("de".into(), Some(0)), ("fghij".into(), Some(1))]
        );
    }
}

//! The chain-of-thought checker: paste a trace (or upload many) and see its arithmetic checked
//! exactly, its self-contradictions and its unsupported steps, beside what the article's three
//! rules find on the same trace.

mod batch;
mod highlight;
use frontier_labs::cot as state;

pub use state::CotState;

use std::sync::Arc;

use frontier_base::csv::push_row;
use frontier_reasoning::arith::Check;
use frontier_reasoning::batch::BatchReport;
use frontier_reasoning::trace::StepMode;
use frontier_reasoning::{Analysis, FindingType};
use frontier_state::{Control, CompactView, WidgetMeta};
use leptos::prelude::*;

use crate::framework::choice::Choice;
use crate::framework::dom;
use crate::framework::frame::{ExportItem, WidgetFrame};
use crate::framework::host::Host;
use crate::framework::widget::Widget;
use highlight::{FindingsTable, HighlightedTrace};
use state::MAX_TRACE_BYTES;

/// Traces at least this long are checked after a pause in typing rather than at every key.
const DEBOUNCE_FROM_BYTES: usize = 100_000;

const STEP_MODES: &[(&str, &str)] =
    &[("lines", "One per line"), ("numbered", "Numbered (\"Step 3:\", \"3.\")"), ("sentences", "One per sentence")];

/// Both analyses of the current trace.
#[derive(Clone, PartialEq)]
struct Results {
    detectors: Arc<Analysis>,
    baseline: Arc<Analysis>,
}

fn run(s: &CotState) -> Results {
    let (detectors, baseline) = s.analyses();
    Results { detectors: Arc::new(detectors), baseline: Arc::new(baseline) }
}

fn findings_csv(analysis: &Analysis, mode: &str) -> String {
    let mut out = String::new();
    push_row(&mut out, ["mode", "type", "step", "start", "end", "message", "expected"]);
    for f in &analysis.findings {
        push_row(
            &mut out,
            [
                mode.to_string(),
                f.kind.id().to_string(),
                f.step.to_string(),
                f.start.to_string(),
                f.end.to_string(),
                f.message.clone(),
                f.expected.clone().unwrap_or_default(),
            ],
        );
    }
    out
}

fn exports(state: RwSignal<CotState>, batch: RwSignal<Option<BatchReport>>) -> Vec<ExportItem> {
    let json = move || -> Result<String, String> {
        let s = state.get_untracked();
        let r = run(&s);
        let value = serde_json::json!({
            "widget": "cot", "state": s,
            "detectors": { "steps": r.detectors.steps, "findings": r.detectors.findings, "equations": r.detectors.checks },
            "baseline": { "steps": r.baseline.steps, "findings": r.baseline.findings },
            "batch": batch.get_untracked(),
        });
        serde_json::to_string_pretty(&value).map_err(|e| e.to_string())
    };
    let csv = move || -> Result<String, String> {
        let r = run(&state.get_untracked());
        let mut out = findings_csv(&r.detectors, "detectors");
        out.push_str(findings_csv(&r.baseline, "baseline").split_once('\n').map_or("", |(_, rest)| rest));
        Ok(out)
    };
    vec![
        ExportItem {
            label: "Findings (JSON)",
            filename: "cot.json".into(),
            mime: "application/json",
            make: Arc::new(json),
        },
        ExportItem {
            label: "Findings (CSV)",
            filename: "cot-findings.csv".into(),
            mime: "text/csv",
            make: Arc::new(csv),
        },
    ]
}

#[component]
fn Input(state: RwSignal<CotState>) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let set_trace = move |text: String| {
        if text.len() > MAX_TRACE_BYTES {
            error.set(Some(format!(
                "This trace is {} KB; the editor keeps {} KB. Use \"Many traces\" below for larger files.",
                text.len() >> 10,
                MAX_TRACE_BYTES >> 10
            )));
            return;
        }
        error.set(None);
        state.update(|s| s.trace = text);
    };
    let on_file = move |ev: leptos::ev::Event| {
        let Some(file) = dom::event_file(&ev) else { return };
        // Refused before reading: the editor's limit is far below what a file can hold.
        if file.size() > MAX_TRACE_BYTES as f64 {
            return error.set(Some(format!(
                "{} is {} KB; the editor keeps {} KB. Use \"Many traces\" below for larger files.",
                file.name(),
                file.size() as u64 >> 10,
                MAX_TRACE_BYTES >> 10
            )));
        }
        leptos::task::spawn_local(async move {
            match dom::read_file_text(&file).await {
                Ok(text) => set_trace(text),
                Err(e) => error.set(Some(format!("{} could not be read: {e}", file.name()))),
            }
        });
    };
    let mode_id = move || state.with(|s| s.steps.id().to_string());
    view! {
        <fieldset class="group">
            <legend>"The trace"</legend>
            <div class="field">
                <label for="cot-question">"The question (optional: its numbers support the conclusions)"</label>
                <textarea id="cot-question" class="wide" data-testid="cot-question" rows="2" spellcheck="false"
                    prop:value=move || state.with(|s| s.question.clone())
                    on:input=move |ev| state.update(|s| s.question = event_target_value(&ev))></textarea>
            </div>
            <div class="field">
                <label for="cot-trace">"Chain of thought"</label>
                <textarea id="cot-trace" class="wide" data-testid="cot-trace" rows="10" spellcheck="false"
                    prop:value=move || state.with(|s| s.trace.clone())
                    on:input=move |ev| set_trace(event_target_value(&ev))></textarea>
            </div>
            <div class="row">
                <Choice id="cot-steps" label="Steps" options=STEP_MODES value=Signal::derive(mode_id)
                    on_change=Callback::new(move |v: String| state.update(|s| s.steps = StepMode::parse(&v).unwrap_or_default()))/>
                <div class="field">
                    <label for="cot-file">"Or open a text file"</label>
                    <input id="cot-file" type="file" accept=".txt,.md,text/plain" on:change=on_file/>
                </div>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </fieldset>
    }
}

#[component]
fn Summary(results: Memo<Results>) -> impl IntoView {
    let rows = move || {
        let r = results.get();
        FindingType::ALL
            .iter()
            .map(|k| {
                view! {
                    <tr>
                        <th scope="row">{k.label()}</th>
                        <td data-testid=format!("cot-count-{}", k.id())>{r.detectors.count(*k).to_string()}</td>
                        <td data-testid=format!("cot-baseline-{}", k.id())>{r.baseline.count(*k).to_string()}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let line = move || {
        let r = results.get();
        let checked = r.detectors.checks.len();
        let wrong = r.detectors.checks.iter().filter(|c| c.verdict.is_error()).count();
        format!(
            "{} steps; {checked} equations checked exactly, {wrong} wrong; {} findings in all.",
            r.detectors.steps,
            r.detectors.findings.len()
        )
    };
    view! {
        <section class="cot-summary" aria-label="Summary">
            <p class="status" data-testid="cot-summary">{line}</p>
            <div class="table-scroll" tabindex="0">
                <table>
                    <caption>"Findings by type"</caption>
                    <thead><tr><th scope="col">"Type"</th><th scope="col">"These detectors"</th><th scope="col">"The article's rules"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn Equations(checks: Signal<Vec<Check>>) -> impl IntoView {
    move || {
        let checks = checks.get();
        if checks.is_empty() {
            return view! { <p class="status">"No equations found."</p> }.into_any();
        }
        let rows = checks
            .iter()
            .map(|c| {
                view! {
                    <tr class:cot-wrong=c.verdict.is_error()>
                        <td>{c.expression.clone()}</td>
                        <td>{c.written.clone()}</td>
                        <td>{c.computed.clone()}</td>
                        <td>{c.verdict.describe()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-scroll" tabindex="0">
                <table class="cot-equations">
                    <caption>"Every equation, computed exactly"</caption>
                    <thead><tr><th scope="col">"Left side"</th><th scope="col">"Written"</th><th scope="col">"Exact value"</th><th scope="col">"Verdict"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    }
}

#[component]
fn Explanation() -> impl IntoView {
    view! {
        <p>"The article proposes three rules for spotting reasoning failures in a chain of thought: a first line that says \"therefore\", a regular expression for products a*b=c, and a line whose first 30 characters appear after \"not\" in an earlier line. Run on real model solutions they mostly misfire: the regular expression reads \"1.5*30 = 45\" as 5*30 and never sees + − / ÷ × or a dollar sign, and the negation rule almost never matches a real contradiction."</p>
        <p>"These detectors do the same jobs with more care. Arithmetic is parsed and computed with exact fractions of any size, in the notations traces use (x and ×, LaTeX, percentages, thousands separators, currency and units, GSM8K's <<a*b=c>> annotations); a result is accepted when it is the exact value rounded to the digits written, and a wrong one is named: off by a power of ten, sign dropped, truncated, a percentage not divided by 100. Clock times, dates, ranges, labels and equations with unknowns are skipped, not flagged. A claim is compared with the computation given for it, a quantity with its earlier value, \"X is Y\" with \"X is not Y\". A conclusion's numbers must appear earlier, in the question, or in its own computation."</p>
        <p>"Their precision and recall are measured on a labeled corpus of real GSM8K model solutions and written traces, and on a second corpus held out while they were written; `cargo xtask bench cot` prints both, beside the article's rules on the same traces."</p>
    }
}

/// The widget as the registry declares it.
pub struct CotWidget;

impl Widget for CotWidget {
    type State = CotState;
    const META: WidgetMeta = WidgetMeta {
        id: "cot",
        problem: "reasoning",
        title: "Chain-of-thought checker",
        summary: "Paste a chain of thought: arithmetic checked exactly, contradictions and unsupported steps found, beside the article's three rules.",
        intro: "Paste a chain of thought: its arithmetic checked exactly, its contradictions and unsupported steps found, beside the article's three rules.",
        controls: &[
            Control { id: "baseline", label: "The article's rules" },
            Control { id: "equations", label: "Equations checked" },
            Control { id: "batch", label: "Many traces" },
                    Control { id: "input", label: "The trace" },
            Control { id: "summary", label: "Summary" },
            Control { id: "findings", label: "The detectors' findings" },
        ],
        views: &[
            CompactView { id: "summary", label: "What the checker finds (summary)", height_px: 400, shows: &["summary"] },
            CompactView { id: "findings", label: "The trace with its findings", height_px: 1000, shows: &["findings"] },
        ],
    };

    fn example() -> CotState {
        CotState::example()
    }

    fn explain() -> AnyView {
        view! { <Explanation/> }.into_any()
    }

    fn view(host: Host<CotState>) -> AnyView {
        view! { <CotLab host=host/> }.into_any()
    }

    fn page_work(s: &CotState) -> frontier_base::work::Work {
        frontier_reasoning::analyze::check_work(s.trace.len(), s.question.len())
    }

    #[cfg(test)]
    fn open_natively(s: &CotState) {
        let _ = run(s);
    }
}

#[component]
fn CotLab(host: Host<CotState>) -> impl IntoView {
    let state = host.state;
    // Short traces are checked as they are typed. A long one (checking runs at roughly 0.3–0.5 s
    // per MB in the page) is checked once typing pauses, so keys never wait on it.
    let checked = RwSignal::new(state.get_untracked());
    let edits = StoredValue::new(0u64);
    Effect::new(move |_| {
        let s = state.get();
        if s.trace.len() < DEBOUNCE_FROM_BYTES {
            checked.set(s);
            return;
        }
        edits.update_value(|n| *n += 1);
        let this_edit = edits.get_value();
        set_timeout(
            move || {
                if edits.get_value() == this_edit {
                    checked.set(s);
                }
            },
            std::time::Duration::from_millis(400),
        );
    });
    let results = Memo::new(move |_| checked.with(run));
    let batch = RwSignal::new(None::<BatchReport>);
    let show = host.shows();
    // The text the findings were computed on (a long trace lags the editor by a pause).
    let trace = Signal::derive(move || checked.with(|s| s.trace.clone()));
    let detectors = Signal::derive(move || results.get().detectors);
    let baseline = Signal::derive(move || results.get().baseline);
    let checks = Signal::derive(move || results.get().detectors.checks.clone());
    let mode = Signal::derive(move || state.with(|s| s.steps));
    view! {
        <WidgetFrame host=host.clone() exports=exports(state, batch)>
            {show("input").then(|| view! { <div class="control" data-control="input"> <Input state=state/> </div> })}
            {show("summary").then(|| view! { <div class="control" data-control="summary"> <Summary results=results/> </div> })}
            <div class="cot-columns">
                {show("findings").then(|| view! { <div class="control" data-control="findings">
                <section aria-label="These detectors">
                    <h3>"These detectors"</h3>
                    <HighlightedTrace trace=trace analysis=detectors label="The trace with the detectors' findings"/>
                    <FindingsTable analysis=detectors caption="The detectors' findings"/>
                </section> </div> })}
                {show("baseline").then(|| view! { <div class="control" data-control="baseline">
                    <section aria-label="The article's rules">
                        <h3>"The article's rules"</h3>
                        <HighlightedTrace trace=trace analysis=baseline label="The trace with the article's rules' findings"/>
                        <FindingsTable analysis=baseline caption="The article's rules' findings"/>
                    </section> </div> })}
            </div>
            {show("equations").then(|| view! { <div class="control" data-control="equations"> <Equations checks=checks/> </div> })}
            {show("batch").then(|| view! { <div class="control" data-control="batch"> <batch::Batch mode=mode report=batch/> </div> })}
        </WidgetFrame>
    }
}

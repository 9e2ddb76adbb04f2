//! Self-consistency: majority-vote accuracy against the number of samples, and whether
//! agreement among samples is a calibrated confidence. Data: the bundled example, or pasted or uploaded
//! JSONL (`{"id", "samples", "gold"}`), kept in this page only.

use frontier_calibration::consistency::{analyse, ConsistencyReport};
use frontier_calibration::samples::consistency_sample;
use frontier_calibration::{evaluate, Binning};
use leptos::prelude::*;
use plotters::prelude::*;

use wasm_bindgen::JsCast;

use crate::framework::theme::current as theme;
use crate::framework::chart::{draw_svg, DataTable, Figure};
use crate::framework::dom;
use crate::framework::worker::{JobOutcome, JobProgress, JobRunner};
use crate::jobs::{Job, MAX_ANSWERS_FILE_BYTES};


fn accuracy_svg(acc: &[f64]) -> Result<String, String> {
    let err = |e: &dyn std::fmt::Display| e.to_string();
    let k_max = acc.len().max(2) as f64;
    draw_svg((560, 260), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(48)
            .build_cartesian_2d(1.0..k_max, 0.0..1.0)
            .map_err(|e| err(&e))?;
        chart
            .configure_mesh()
            .x_desc("Samples per question (k)")
            .y_desc("Majority-vote accuracy")
            .label_style(("sans-serif", 12).into_font().color(&theme().ink))
            .draw()
            .map_err(|e| err(&e))?;
        let points = acc.iter().enumerate().map(|(i, &a)| ((i + 1) as f64, a));
        chart.draw_series(LineSeries::new(points.clone(), theme().series[0].stroke_width(2))).map_err(|e| err(&e))?;
        chart.draw_series(points.map(|p| Circle::new(p, 3, theme().series[0].filled()))).map_err(|e| err(&e))?;
        Ok(())
    })
}

/// The bundled example's vote, computed on the page (a few dozen questions).
fn example_report() -> ConsistencyReport {
    analyse(&consistency_sample())
}

#[component]
pub fn SelfConsistency() -> impl IntoView {
    let pasted = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    // Nothing is computed until the section is first opened: it starts closed, and the page's
    // thread has the rest of the lab to draw. The reader's own answers are read and voted over
    // in the worker: a 20 MB file holds tens of thousands of questions.
    let opened = RwSignal::new(false);
    let computed: RwSignal<Option<ConsistencyReport>> = RwSignal::new(None);
    Effect::new(move |_| {
        if opened.get() && computed.with_untracked(Option::is_none) {
            computed.set(Some(example_report()));
        }
    });
    let report = Memo::new(move |_| computed.get().unwrap_or_else(|| analyse(&[])));
    let runner = JobRunner::new();
    let analyse_blob = move |blob: web_sys::Blob, name: String| {
        message.set(None);
        runner.start(&Job::SelfConsistency, Some(blob), move |outcome| {
            let parsed = match outcome {
                JobOutcome::Done(json) => serde_json::from_str::<ConsistencyReport>(&json).map_err(|e| e.to_string()),
                JobOutcome::Failed(e) => Err(e),
            };
            match parsed {
                Ok(r) => {
                    message.set(Some(format!("{name}: {} questions analysed.", r.questions)));
                    computed.set(Some(r));
                }
                Err(e) => message.set(Some(format!("{name}: {e}"))),
            }
        });
    };
    let analyse_pasted = move |_| match dom::bytes_blob(pasted.get_untracked().as_bytes()) {
        Ok(blob) => analyse_blob(blob, "Pasted text".into()),
        Err(e) => message.set(Some(format!("Pasted text: {e}"))),
    };
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        input.set_value("");
        if file.size() > MAX_ANSWERS_FILE_BYTES as f64 {
            message.set(Some(format!(
                "{} is {:.1} MB; the limit for sampled answers is {} MB.",
                file.name(),
                file.size() / 1048576.0,
                MAX_ANSWERS_FILE_BYTES >> 20
            )));
            return;
        }
        let name = file.name();
        analyse_blob(file.into(), name);
    };
    let svg = Signal::derive(move || {
        accuracy_svg(&report.get().accuracy_at_k).unwrap_or_else(|e| format!("<p>chart unavailable: {e}</p>"))
    });
    let caption = Signal::derive(move || {
        let r = report.get();
        match (r.accuracy_at_k.first(), r.accuracy_at_k.last()) {
            (Some(one), Some(all)) => {
                let method = if r.simulated_questions == 0 {
                    "exact under resampling".to_string()
                } else {
                    let worst = r.accuracy_standard_error.iter().copied().fold(0.0, f64::max);
                    format!(
                        "exact under resampling, but {} questions with too many distinct answers for the exact sum are simulated with {} votes at each k: standard error at most {worst:.4}",
                        r.simulated_questions, r.trials_per_k
                    )
                };
                format!(
                    "Majority-vote accuracy over {} questions: {:.3} with one sample, {:.3} with {} ({method}; ties broken at random).",
                    r.questions, one, all, r.accuracy_at_k.len()
                )
            }
            _ => "No questions.".to_string(),
        }
    });
    let table = Signal::derive(move || DataTable {
        headers: vec!["k".into(), "Accuracy".into(), "Standard error".into()],
        rows: report.with(|r| {
            r.accuracy_at_k
                .iter()
                .zip(&r.accuracy_standard_error)
                .enumerate()
                .map(|(i, (a, se))| vec![(i + 1).to_string(), format!("{a:.4}"), format!("{se:.4}")])
                .collect()
        }),
    });
    let agreement = move || {
        let r = report.get();
        let cal = evaluate(&r.agreement, &r.vote_correct, 10, Binning::Article);
        format!(
            "Agreement (the winning answer's share of samples) as a confidence: vote accuracy {:.3}, mean agreement {:.3}, ECE {:.4}.",
            cal.accuracy, cal.mean_confidence, cal.ece
        )
    };
    view! {
        <details class="self-consistency" on:toggle=move |_| opened.set(true)>
            <summary>"Self-consistency: vote over several sampled answers"</summary>
            <Figure svg=svg caption=caption table=table name="calibration-self-consistency"/>
            <p data-testid="agreement">{agreement}</p>
            <label for="sc-paste">"Paste JSONL: one {\"id\", \"samples\": [...], \"gold\"} per line"</label>
            <textarea id="sc-paste" rows="3" spellcheck="false" prop:value=move || pasted.get()
                on:input=move |ev| pasted.set(event_target_value(&ev))></textarea>
            <div class="row">
                <label class="button">"Upload JSONL"
                    <input type="file" class="visually-hidden" data-testid="sc-file" accept=".jsonl,.json,.txt" on:change=on_file/>
                </label>
                <button type="button" on:click=analyse_pasted>"Analyse pasted answers"</button>
                <button type="button" on:click=move |_| { runner.cancel(); computed.set(Some(example_report())); message.set(None); }>"Back to the example"</button>
            </div>
            <JobProgress runner=runner label="Voting over the answers"/>
            <p class="status" aria-live="polite">{move || message.get()}</p>
        </details>
    }
}

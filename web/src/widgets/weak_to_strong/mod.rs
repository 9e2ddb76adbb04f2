//! The weak-to-strong widget: a weak supervisor (a bag of its most frequent words) labels
//! sentences; a strong student (logistic regression on MiniLM sentence embeddings) learns from
//! those labels, naively or with the auxiliary confidence loss; the performance gap recovered
//! is shown beside Burns et al.'s figures. Everything trains in this browser, in the Web Worker.

use std::sync::Arc;

use frontier_alignment::weak_to_strong::{
    Outcome, StudentChoice, SweepPoint, WeakConfig, MAX_WEAK_WORDS, PAPER_PGR,
};
use frontier_state::{CompactView, Control, WidgetMeta, WidgetState};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::framework::chart::{Axis, Bar, BarChart, BarRow, DataTable, Figure};
use crate::framework::choice::Choice;
use crate::framework::dom;
use crate::framework::frame::{ExportItem, WidgetFrame};
use crate::framework::host::Host;
use crate::framework::scale::Scale;
use crate::framework::seed::NewSeed;
use crate::framework::slider::NumberField;
use crate::framework::theme;
use crate::framework::widget::Widget;
use crate::framework::worker::{JobOutcome, JobProgress, JobRunner};
use crate::jobs::Job;

/// The sentences and their embeddings, served by this site (1.4 MB).
const CORPUS_URL: &str = "./weak-to-strong-brown.bin";
const SWEEP_WORDS: [usize; 9] = [1, 2, 5, 10, 20, 50, 100, 200, 300];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeakToStrongState {
    /// How many of its most frequent words the weak supervisor looks for.
    pub words: usize,
    /// Truth-labelled sentences the weak supervisor trains on.
    pub train_examples: usize,
    /// α of the auxiliary confidence loss.
    pub aux_coef: f64,
    pub student: StudentChoice,
    /// Draws the random control's word vectors (links from before it existed used 1).
    #[serde(default = "first_seed")]
    pub seed: u64,
}

fn first_seed() -> u64 {
    1
}

/// Seeds stay below this: short in links, and within the seed field's range.
const SEEDS_BELOW: u64 = 1_000_000;

impl WeakToStrongState {
    pub fn example() -> Self {
        WeakToStrongState { words: 20, train_examples: 600, aux_coef: 0.5, student: StudentChoice::Embedding, seed: 1 }
    }

}

impl WidgetState for WeakToStrongState {
    const WIDGET_ID: &'static str = <WeakToStrongWidget as crate::framework::widget::Widget>::META.id;
    const VERSION: u32 = 1;

    fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_WEAK_WORDS).contains(&self.words) {
            return Err(format!("words: 1 to {MAX_WEAK_WORDS}"));
        }
        if !(2..=600).contains(&self.train_examples) {
            return Err("train_examples: 2 to 600".into());
        }
        if !(0.0..=1.0).contains(&self.aux_coef) {
            return Err("aux_coef: 0 to 1".into());
        }
        if self.seed >= SEEDS_BELOW {
            return Err(format!("seed: below {SEEDS_BELOW}"));
        }
        Ok(())
    }
}

/// The corpus file as this site serves it; the worker parses it with each job.
#[derive(Clone)]
enum Data {
    Loading,
    Ready(Arc<Vec<u8>>),
    Failed(String),
}

/// The result of one job: an outcome (or sweep), or why there is none.
type Trained<T> = RwSignal<Option<Result<T, String>>>;

/// Runs the lab in the worker with the corpus attached; `done` gets the parsed result.
fn start_job<T: serde::de::DeserializeOwned + Send + Sync + 'static>(
    runner: JobRunner,
    corpus: &[u8],
    job: Job,
    into: Trained<T>,
) {
    let blob = match dom::bytes_blob(corpus) {
        Ok(b) => b,
        Err(e) => return into.set(Some(Err(e))),
    };
    runner.start(&job, Some(blob), move |outcome| {
        into.set(Some(match outcome {
            JobOutcome::Done(json) => serde_json::from_str(&json).map_err(|e| e.to_string()),
            JobOutcome::Failed(e) => Err(e),
        }))
    });
}

impl WeakToStrongState {
    fn job(&self, sweep: Option<Vec<usize>>) -> Job {
        Job::WeakToStrong {
            student: self.student,
            seed: self.seed,
            aux_coef: self.aux_coef,
            weak: WeakConfig { words: self.words, train_examples: self.train_examples },
            sweep,
        }
    }
}

const STUDENTS: &[(&str, &str)] = &[
    ("embedding", "Pretrained: MiniLM sentence embeddings"),
    ("random", "Control: random word features (no pretraining)"),
];

fn pgr(p: Option<f64>) -> String {
    p.map_or_else(|| "—".into(), |p| format!("{:.0} %", 100.0 * p))
}

/// Test accuracy of the four models as bars from chance (50 %) up, drawn in the one theme.
#[component]
fn Bars(outcome: Outcome) -> impl IntoView {
    let rows = [
        ("Weak supervisor", outcome.weak_accuracy, "weak", 1),
        ("Strong student, naive", outcome.naive_accuracy, "naive", 0),
        ("Strong student, auxiliary loss", outcome.aux_accuracy, "aux", 0),
        ("Strong ceiling (trained on truth)", outcome.ceiling_accuracy, "ceiling", 2),
    ];
    let percent = |a: f64| format!("{:.1}%", 100.0 * a);
    // Accuracy from 50 % (chance on this balanced task) to 100 %.
    let chart = BarChart {
        axis: Axis {
            min: 0.5,
            max: 1.0,
            log: false,
            ticks: [0.5, 0.75, 1.0].iter().map(|t| (*t, format!("{:.0}%", 100.0 * t))).collect(),
            title: "Test accuracy".into(),
        },
        rows: rows
            .iter()
            .map(|(label, acc, _, series)| BarRow {
                label: (*label).into(),
                bars: vec![Bar { from: 0.5, to: *acc, series: *series, value_label: Some(percent(*acc)) }],
                marks: Vec::new(),
            })
            .collect(),
        legend: Vec::new(),
    };
    let svg = Signal::derive(move || {
        chart.svg(theme::current()).unwrap_or_else(|e| format!("<p>chart unavailable: {e}</p>"))
    });
    let table = DataTable {
        headers: vec!["Model".into(), "Test accuracy".into()],
        rows: rows.iter().map(|(label, acc, _, _)| vec![(*label).into(), percent(*acc)]).collect(),
    };
    let caption = format!("Test accuracy on {} held-out sentences (chance is 50 %).", outcome.test_sentences);
    view! {
        <Figure svg=svg caption=caption table=table name="weak-to-strong-accuracy">
            <p class="chart-values">
                {rows.iter().enumerate().map(|(i, (label, acc, id, _))| view! {
                    {(i > 0).then_some(" · ")}{format!("{label}: ")}<span data-testid=format!("w2s-{id}")>{percent(*acc)}</span>
                }).collect_view()}
            </p>
        </Figure>
    }
}

#[component]
fn Results(outcome: Trained<Outcome>) -> impl IntoView {
    move || {
        outcome.get().map(|r| match r {
            Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
            Ok(o) => view! {
                <div class="big-row">
                    <div class="big"><span class="big-label">"Gap recovered, naive"</span><span class="big-value" data-testid="pgr-naive">{pgr(o.naive_pgr)}</span>
                        <span class="big-note">{format!("agrees with the supervisor on {:.0} %", 100.0 * o.naive_agreement_with_weak)}</span></div>
                    <div class="big"><span class="big-label">"Gap recovered, auxiliary loss"</span><span class="big-value" data-testid="pgr-aux">{pgr(o.aux_pgr)}</span>
                        <span class="big-note">{format!("agrees with the supervisor on {:.0} %", 100.0 * o.aux_agreement_with_weak)}</span></div>
                </div>
                {o.pgr_note.clone().map(|n| view! { <p class="claim">{n}</p> })}
                <Bars outcome=o.clone()/>
                <p class="hint">{format!("The supervisor's words: {}.", o.vocabulary.join(", "))}</p>
            }.into_any(),
        })
    }
}

#[component]
fn Sweep(data: RwSignal<Data>, state: RwSignal<WeakToStrongState>) -> impl IntoView {
    let points: Trained<Vec<SweepPoint>> = RwSignal::new(None);
    let runner = JobRunner::new();
    let run = move |_| {
        if let Data::Ready(corpus) = data.get_untracked() {
            points.set(None);
            start_job(runner, &corpus, state.with_untracked(|s| s.job(Some(SWEEP_WORDS.to_vec()))), points);
        }
    };
    view! {
        <section class="group" aria-labelledby="w2s-sweep">
            <h3 id="w2s-sweep">"A stronger supervisor"</h3>
            <button type="button" data-testid="w2s-sweep-run" on:click=run>"Train at every vocabulary size"</button>
            <JobProgress runner=runner label="Training at every vocabulary size"/>
            {move || points.get().map(|p| match p {
                Err(e) => view! { <p class="error">{e}</p> }.into_any(),
                Ok(points) => view! {
                    <div class="table-scroll" tabindex="0"><table data-testid="w2s-sweep-table">
                        <caption>"Accuracy and gap recovered as the supervisor looks for more words"</caption>
                        <thead><tr><th scope="col">"Words"</th><th scope="col">"Weak"</th><th scope="col">"Naive"</th><th scope="col">"Auxiliary"</th><th scope="col">"PGR naive"</th><th scope="col">"PGR auxiliary"</th></tr></thead>
                        <tbody>{points.into_iter().map(|p| view! { <tr>
                            <td class="num">{p.words}</td><td class="num">{format!("{:.3}", p.weak_accuracy)}</td><td class="num">{format!("{:.3}", p.naive_accuracy)}</td>
                            <td class="num">{format!("{:.3}", p.aux_accuracy)}</td><td class="num">{pgr(p.naive_pgr)}</td><td class="num">{pgr(p.aux_pgr)}</td>
                        </tr> }).collect_view()}</tbody>
                    </table></div>
                }.into_any(),
            })}
        </section>
    }
}

#[component]
fn Paper() -> impl IntoView {
    view! {
        <section class="group" aria-labelledby="w2s-paper">
            <h3 id="w2s-paper">"Burns et al. (2023), for comparison"</h3>
            <table data-testid="w2s-paper">
                <caption>"Performance gap recovered as the paper reports it (GPT-2 to GPT-4 scale models; not reproduced here)"</caption>
                <thead><tr><th scope="col">"Setting"</th><th scope="col">"Method"</th><th scope="col">"PGR"</th><th scope="col">"Note"</th></tr></thead>
                <tbody>{PAPER_PGR.iter().map(|p| view! { <tr><td>{p.setting}</td><td>{p.method}</td><td class="num">{pgr(p.pgr)}</td><td>{p.note}</td></tr> }).collect_view()}</tbody>
            </table>
        </section>
    }
}

#[component]
fn Explanation() -> impl IntoView {
    view! {
        <p>"Weak-to-strong generalization (Burns et al., 2023) asks whether a strong model supervised by a weaker one can do better than its supervisor: a stand-in for humans supervising models smarter than they are. The measure is the performance gap recovered, PGR = (student − weak) / (ceiling − weak): 0 when the student only imitates its supervisor, 1 when it does as well as if it had been trained on the truth."</p>
        <p>"Here the task is telling news from fiction in the Brown corpus, sentence by sentence. The weak supervisor is logistic regression on which of its most frequent words a sentence contains; the strong student is logistic regression on all-MiniLM-L6-v2 sentence embeddings, which stand for a pretrained model's latent knowledge. The auxiliary confidence loss mixes the weak labels with the student's own hardened predictions, (1 − α)·CE(f, weak) + α·CE(f, hardened f), with the threshold and warm-up of the paper's released code, so the student may disagree with its supervisor where it is confident."</p>
        <p>"Switch the student to random word features and the gap recovered collapses toward imitation: weak-to-strong generalization relies on what the strong model already knows. All models train in this page, in about a tenth of a second each natively; sentences and embeddings come from this site (crates/alignment/assets/PROVENANCE-weak-to-strong.md)."</p>
    }
}

fn exports(outcome: Trained<Outcome>, state: RwSignal<WeakToStrongState>) -> Vec<ExportItem> {
    let json = move || -> Result<String, String> {
        let o = outcome.get_untracked().ok_or("the data is still loading")??;
        serde_json::to_string_pretty(
            &serde_json::json!({ "widget": "weak-to-strong", "state": state.get_untracked(), "outcome": o }),
        )
        .map_err(|e| e.to_string())
    };
    vec![ExportItem {
        label: "Results (JSON)",
        filename: "weak-to-strong.json".into(),
        mime: "application/json",
        make: Arc::new(json),
    }]
}

/// The widget as the registry declares it.
pub struct WeakToStrongWidget;

impl Widget for WeakToStrongWidget {
    type State = WeakToStrongState;
    const META: WidgetMeta = WidgetMeta {
        id: "weak-to-strong",
        problem: "alignment",
        title: "Weak-to-strong generalization",
        summary: "A weak supervisor labels sentences, a strong student learns from it: the gap recovered, naively and with the auxiliary confidence loss.",
        intro: "A weak supervisor labels sentences; a strong student learns from its labels. How much of the gap does it recover?",
        controls: &[
            Control { id: "settings", label: "Supervisor and student" },
            Control { id: "sweep", label: "Sweep" },
            Control { id: "paper", label: "The paper's figures" },
                    Control { id: "results", label: "Results" },
        ],
        views: &[
            CompactView { id: "results", label: "Performance gap recovered", height_px: 760, shows: &["results"] },
        ],
    };

    fn example() -> WeakToStrongState {
        WeakToStrongState::example()
    }

    fn explain() -> AnyView {
        view! { <Explanation/> }.into_any()
    }

    fn view(host: Host<WeakToStrongState>) -> AnyView {
        view! { <WeakToStrongLab host=host/> }.into_any()
    }

    /// Training runs in the worker; the page draws the result.
    fn page_work(_: &WeakToStrongState) -> frontier_base::work::Work {
        frontier_base::work::Work { flop: 1e5, bytes: 64 << 10 }
    }

    #[cfg(test)]
    /// Nothing: opening computes nothing on the page (training is the worker's job, which its
    /// own test runs: `jobs::tests::the_weak_to_strong_job_is_the_lab_run_in_the_worker`).
    fn open_natively(_: &WeakToStrongState) {}
}

#[component]
fn WeakToStrongLab(host: Host<WeakToStrongState>) -> impl IntoView {
    let state = host.state;
    let data = RwSignal::new(Data::Loading);
    // An embed (a reader scrolling someone's post asked for nothing) fetches the 1.4 MB corpus
    // and trains only when its reader presses Train.
    let started = RwSignal::new(!host.embed);
    Effect::new(move |fetched: Option<bool>| {
        if fetched == Some(true) || !started.get() {
            return fetched.unwrap_or(false);
        }
        leptos::task::spawn_local(async move {
            data.set(match dom::fetch_bytes(CORPUS_URL).await {
                Ok(bytes) => Data::Ready(Arc::new(bytes)),
                Err(e) => Data::Failed(format!("The sentences could not be loaded: {e}")),
            });
        });
        true
    });
    // Every model trains in the worker (about a second of wasm in all): the page stays free. A
    // new setting cancels the job it makes stale.
    let outcome: Trained<Outcome> = RwSignal::new(None);
    let runner = JobRunner::new();
    Effect::new(move |_| {
        let job = state.with(|s| s.job(None));
        data.with(|d| match d {
            Data::Loading => {}
            Data::Failed(e) => outcome.set(Some(Err(e.clone()))),
            Data::Ready(corpus) => start_job(runner, corpus, job, outcome),
        });
    });
    let set_words = Callback::new(move |v: f64| {
        let n = v.round() as usize;
        if !(1..=MAX_WEAK_WORDS).contains(&n) {
            return Err(format!("1 to {MAX_WEAK_WORDS} words"));
        }
        state.update(|s| s.words = n);
        Ok(())
    });
    let set_examples = Callback::new(move |v: f64| {
        // Classes alternate in the training split, so an even count stays balanced.
        let n = ((v.round() as usize) / 2 * 2).clamp(2, 600);
        state.update(|s| s.train_examples = n);
        Ok(())
    });
    let set_alpha = Callback::new(move |v: f64| {
        if !(0.0..=1.0).contains(&v) {
            return Err("between 0 and 1".to_string());
        }
        state.update(|s| s.aux_coef = v);
        Ok(())
    });
    let set_seed = Callback::new(move |v: f64| {
        if !(0.0..SEEDS_BELOW as f64).contains(&v) {
            return Err(format!("a whole number below {SEEDS_BELOW}"));
        }
        state.update(|s| s.seed = v.round() as u64);
        Ok(())
    });
    let show = host.shows();
    view! {
        <WidgetFrame host=host.clone() exports=exports(outcome, state)>
            {show("settings").then(|| view! { <div class="control" data-control="settings">
                <fieldset class="group">
                    <legend>"Supervisor and student"</legend>
                    <div class="row">
                        <NumberField id="w2s-words" label="Words the supervisor looks for" whole=true value=Signal::derive(move || state.with(|s| s.words as f64))
                            on_change=set_words scale=Scale { min: 1.0, max: MAX_WEAK_WORDS as f64, log: true } display=|v| format!("{v}")/>
                        <NumberField id="w2s-examples" label="Sentences it learns from" whole=true value=Signal::derive(move || state.with(|s| s.train_examples as f64))
                            on_change=set_examples scale=Scale { min: 2.0, max: 600.0, log: true } display=|v| format!("{v}")/>
                        <NumberField id="w2s-alpha" label="Auxiliary loss weight α" value=Signal::derive(move || state.with(|s| s.aux_coef))
                            on_change=set_alpha scale=Scale { min: 0.0, max: 1.0, log: false } display=|v| format!("{v:.2}")/>
                        <Choice id="w2s-student" label="Strong student" options=STUDENTS value=Signal::derive(move || state.with(|s| s.student.id().to_string()))
                            on_change=Callback::new(move |v: String| if let Some(c) = StudentChoice::parse(&v) { state.update(|s| s.student = c) })/>
                    </div>
                    {move || (state.with(|s| s.student) == StudentChoice::Random).then(|| view! {
                        <div class="row">
                            <NumberField id="w2s-seed" label="Seed of the random words" whole=true value=Signal::derive(move || state.with(|s| s.seed as f64))
                                on_change=set_seed scale=Scale { min: 0.0, max: (SEEDS_BELOW - 1) as f64, log: false } display=|v| format!("{v}")/>
                            <NewSeed id="w2s-seed" below=SEEDS_BELOW on_seed=Callback::new(move |seed: u64| state.update(|s| s.seed = seed))/>
                        </div>
                    })}
                </fieldset> </div> })}
            {move || (!started.get()).then(|| view! {
                <p class="status" data-testid="w2s-waiting">"Training the supervisor and the students takes about a second of this computer's time, in the background."
                    " "<button type="button" on:click=move |_| started.set(true)>"Train"</button></p>
            })}
            {move || (started.get() && matches!(data.get(), Data::Loading)).then(|| view! { <p class="status">"Loading 2,800 sentences and their embeddings from this site…"</p> })}
            <JobProgress runner=runner label="Training the supervisor and the students"/>
            {show("results").then(|| view! { <div class="control" data-control="results"> <Results outcome=outcome/> </div> })}
            {show("sweep").then(|| view! { <div class="control" data-control="sweep"> <Sweep data=data state=state/> </div> })}
            {show("paper").then(|| view! { <div class="control" data-control="paper"> <Paper/> </div> })}
        </WidgetFrame>
    }
}

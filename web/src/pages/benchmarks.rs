//! Benchmarks: the site's heavy kernels timed in the reader's own browser, one at a time and only
//! on a click, in the worker (`crate::bench` through `crate::jobs::Job::Benchmark`), with the
//! figures measured on the project's machine beside them. The page only posts jobs and shows
//! their results.

use leptos::prelude::*;

use crate::bench::{self, BenchJob, BenchResult};
use crate::framework::dom;
use crate::framework::worker::{JobOutcome, JobProgress, JobRunner};
use crate::jobs::Job;

/// The SAE shapes (d_in, d_sae) `cargo xtask bench sae` times, and the batches offered.
const SAE_SHAPES: [(usize, usize); 2] = [(64, 512), (256, 2048)];
const SAE_BATCHES: [usize; 2] = [1024, 4096];
const RETRIEVAL: BenchJob = BenchJob::Retrieval { memories: 100_000, dims: 384, k: 10 };
const TRACES: BenchJob = BenchJob::Traces { bytes: 1_000_000 };

/// Every benchmark and size the page can start.
pub const OFFERED: [BenchJob; 10] = [
    BenchJob::SaeCpu { d_in: 64, d_sae: 512, batch: 1024 },
    BenchJob::SaeCpu { d_in: 256, d_sae: 2048, batch: 1024 },
    BenchJob::SaeCpu { d_in: 64, d_sae: 512, batch: 4096 },
    BenchJob::SaeCpu { d_in: 256, d_sae: 2048, batch: 4096 },
    BenchJob::SaeGpu { d_in: 64, d_sae: 512, batch: 1024 },
    BenchJob::SaeGpu { d_in: 256, d_sae: 2048, batch: 1024 },
    BenchJob::SaeGpu { d_in: 64, d_sae: 512, batch: 4096 },
    BenchJob::SaeGpu { d_in: 256, d_sae: 2048, batch: 4096 },
    RETRIEVAL,
    TRACES,
];

/// The benchmarks listed on the page at SAE batch `batch`, each with what it holds in memory.
fn listed(batch: usize) -> Vec<(BenchJob, &'static str)> {
    let mut out = Vec::new();
    for (d_in, d_sae) in SAE_SHAPES {
        out.push((BenchJob::SaeCpu { d_in, d_sae, batch }, "seconds; the weights, Adam's moments and one batch"));
    }
    for (d_in, d_sae) in SAE_SHAPES {
        out.push((BenchJob::SaeGpu { d_in, d_sae, batch }, "seconds; needs a WebGPU adapter"));
    }
    out.push((RETRIEVAL, "several seconds to store the vectors; about 150 MB of memory"));
    out.push((TRACES, "about a second; the trace is 1 MB"));
    out
}

/// What the status line says.
#[derive(Debug, Clone, PartialEq)]
enum Status {
    Running(String),
    Done(String),
    Failed(String),
}

impl Status {
    fn text(self) -> String {
        match self {
            Status::Running(t) | Status::Done(t) | Status::Failed(t) => t,
        }
    }
}

/// The page, for [`crate::bundle::Bundle::benchmarks`].
pub fn page() -> AnyView {
    view! { <Benchmarks/> }.into_any()
}

#[component]
pub fn Benchmarks() -> impl IntoView {
    // The benchmarks run in a worker of their own, so that the labs' worker does not carry them.
    let runner = JobRunner::for_worker(crate::framework::files::BENCH_WORKER);
    let results: RwSignal<Vec<BenchResult>> = RwSignal::new(Vec::new());
    let status: RwSignal<Option<Status>> = RwSignal::new(None);
    let batch = RwSignal::new(SAE_BATCHES[0]);
    let running = move || runner.progress.with(Option::is_some);
    let start = move |job: BenchJob| {
        if runner.is_running() {
            return;
        }
        status.set(Some(Status::Running(format!("Running {} ({})…", job.title(), job.workload()))));
        runner.start(&Job::Benchmark { bench: job }, None, move |outcome| {
            let parsed = match outcome {
                JobOutcome::Done(json) => serde_json::from_str::<BenchResult>(&json).map_err(|e| e.to_string()),
                JobOutcome::Failed(e) => Err(e),
            };
            match parsed {
                Ok(result) => {
                    status.set(Some(Status::Done(format!("Done: {} ({}).", result.benchmark, result.workload))));
                    results.update(|all| {
                        all.retain(|r| r.id != result.id);
                        all.push(result);
                    });
                }
                Err(e) => status.set(Some(Status::Failed(format!("{} ({}): {e}", job.title(), job.workload())))),
            }
        });
    };
    // Cancel stops the worker without a reply: a run that ended without one was cancelled.
    Effect::new(move |_| {
        if runner.progress.with(Option::is_none) && status.with_untracked(|s| matches!(s, Some(Status::Running(_)))) {
            status.set(Some(Status::Done("Cancelled.".into())));
        }
    });
    let relaxed = crate::framework::files::relaxed_simd();
    let on_batch = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev).parse::<usize>().ok().filter(|b| SAE_BATCHES.contains(b));
        if let Some(b) = value {
            batch.set(b);
        }
    };
    let export_json = move |_| {
        let rows = bench::export_rows(&results.get_untracked());
        let saved = serde_json::to_string_pretty(&rows)
            .map_err(|e| e.to_string())
            .and_then(|text| dom::download_bytes("frontier-lab-benchmarks.json", "application/json", text.as_bytes()));
        if let Err(e) = saved {
            status.set(Some(Status::Failed(format!("Export failed: {e}"))));
        }
    };
    let export_csv = move |_| {
        let text = bench::to_csv(&results.get_untracked());
        if let Err(e) = dom::download_bytes("frontier-lab-benchmarks.csv", "text/csv", text.as_bytes()) {
            status.set(Some(Status::Failed(format!("Export failed: {e}"))));
        }
    };
    let no_results = move || results.with(Vec::is_empty);
    view! {
        <section class="page benchmarks" data-testid="benchmarks">
            <h1>"Benchmarks"</h1>
            <p class="lead">"How fast are this site's heaviest computations on your machine? Each benchmark below runs the same code the labs run, in a background worker of this page, and sets your figure beside the one measured on the project's machine."</p>
            <p>"Nothing starts until you press its button, one benchmark runs at a time, and Cancel stops it at once. Nothing is sent anywhere: the figures stay in this page until you export them."</p>
            <p data-testid="bench-simd">{if relaxed {
                "This browser has WebAssembly relaxed SIMD: the worker it loads uses a fused multiply–add in the SAE's matrix products."
            } else {
                "This browser has no WebAssembly relaxed SIMD: the worker it loads uses plain SIMD for the SAE's matrix products."
            }}</p>
            <div class="controls">
                <label>"SAE batch (rows per step) "
                    <select data-testid="bench-batch" on:change=on_batch prop:disabled=running>
                        {SAE_BATCHES.iter().map(|b| view! { <option value=b.to_string() selected=move || batch.get() == *b>{b.to_string()}</option> }).collect_view()}
                    </select>
                </label>
            </div>
            <div class="table-scroll" tabindex="0">
                <table data-testid="bench-list">
                    <caption>"Benchmarks you can run"</caption>
                    <thead><tr><th scope="col">"Benchmark"</th><th scope="col">"Size"</th><th scope="col">"Takes"</th><th scope="col"><span class="visually-hidden">"Run"</span></th></tr></thead>
                    <tbody>
                        {move || listed(batch.get()).into_iter().map(|(job, takes)| {
                            let id = job.id();
                            let label = format!("Run {}, {}", job.title(), job.workload());
                            view! {
                                <tr data-bench=id.clone()>
                                    <td>{job.title()}</td>
                                    <td>{job.workload()}</td>
                                    <td>{takes}</td>
                                    <td><button type="button" data-testid=format!("bench-run-{id}") aria-label=label prop:disabled=running on:click=move |_| start(job)>"Run"</button></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <JobProgress runner=runner label="Benchmark"/>
            <p role="status" data-testid="bench-status" class=move || if status.with(|s| matches!(s, Some(Status::Failed(_)))) { "error" } else { "" }>
                {move || status.get().map(Status::text)}
            </p>
            <h2>"Results"</h2>
            <ResultsTable results=results/>
            <div class="toolbar">
                <button type="button" data-testid="bench-export-json" prop:disabled=no_results on:click=export_json>"Export JSON"</button>
                <button type="button" data-testid="bench-export-csv" prop:disabled=no_results on:click=export_csv>"Export CSV"</button>
            </div>
            <h2>"Reference figures"</h2>
            <p>{format!("Measured on a {}, {}.", bench::REFERENCE_MACHINE, bench::REFERENCE_DATE)}</p>
            <ul data-testid="bench-references">
                {bench::REFERENCES.iter().map(|r| {
                    let kernel = r.kernel.map(|k| format!(", {k}")).unwrap_or_default();
                    view! { <li><code>{r.id}</code>{kernel}": "{r.shown}". "{r.source}"."</li> }
                }).collect_view()}
            </ul>
            <p>"The SAE step is counted as 10·B·d_in·d_sae floating-point operations (forward, backward and Adam update). WebGPU figures depend on the graphics card far more than on anything else, so the project publishes none for comparison. Timings in a browser vary with other tabs, power saving and heat: run a benchmark twice before trusting one figure."</p>
        </section>
    }
}

/// The reader's figures with the reference beside each.
#[component]
fn ResultsTable(results: RwSignal<Vec<BenchResult>>) -> impl IntoView {
    move || {
        let all = results.get();
        if all.is_empty() {
            return view! { <p data-testid="bench-no-results">"No results yet: run a benchmark above."</p> }.into_any();
        }
        view! {
            <div class="table-scroll" tabindex="0">
                <table data-testid="bench-results">
                    <caption>"Your browser's figures beside the project's machine"</caption>
                    <thead><tr>
                        <th scope="col">"Benchmark"</th><th scope="col">"Size"</th><th scope="col">"Your browser"</th>
                        <th scope="col">"Project's machine"</th><th scope="col">"Comparison"</th><th scope="col">"Details"</th>
                    </tr></thead>
                    <tbody>
                        {all.into_iter().map(|r| {
                            let reference = bench::reference_for(&r);
                            let theirs = reference.map_or_else(|| "not measured".to_string(), |x| format!("{} {}", bench::figure(x.value), x.unit));
                            let comparison = reference.and_then(|x| bench::speedup(&r, x)).map_or_else(|| "—".to_string(), bench::speedup_words);
                            let mut details = vec![format!("median {} ms over {}", bench::figure(r.median_ms), r.samples)];
                            if let Some(g) = r.gflop_per_second {
                                details.push(format!("{} GFLOP/s", bench::figure(g)));
                            }
                            if let Some(e) = &r.engine {
                                details.push(e.clone());
                            }
                            view! {
                                <tr data-result=r.id.clone()>
                                    <td>{r.benchmark.clone()}</td>
                                    <td>{r.workload.clone()}</td>
                                    <td class="num" data-testid="bench-yours">{format!("{} {}", bench::figure(r.value), r.unit)}</td>
                                    <td class="num">{theirs}</td>
                                    <td data-testid="bench-comparison">{comparison}</td>
                                    <td>{details.join("; ")}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    }
}

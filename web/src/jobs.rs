//! Jobs the Web Worker runs, and its replies. Both sides exchange these as JSON strings; a
//! job that reads a file gets the file beside its JSON and reads it through [`ByteSource`].

use std::ops::ControlFlow;

use frontier_alignment::weak_to_strong::{Corpus, Lab, StudentChoice, TrainConfig, TransferLoss, WeakConfig};
use frontier_calibration::data::{ColumnMapping, Dataset, ParseError};
use frontier_calibration::reader::Reader;
use frontier_costs::{AxisRange, TrainingInputs};
use frontier_reasoning::batch::analyze_batch;
use frontier_reasoning::trace::StepMode;
use serde::{Deserialize, Serialize};

/// The largest corpus the weak-to-strong job reads (the shipped one is 1.4 MB).
const MAX_CORPUS_BYTES: u64 = 16 << 20;

/// Work for the worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// MFU and cost over a grid of two training inputs, as CSV.
    CostGrid { inputs: TrainingInputs, x: AxisRange, y: AxisRange },
    /// Parses the attached confidence file; the result is a [`ReadOutcome`] as JSON.
    ReadCalibration { skip_invalid: bool, mapping: ColumnMapping },
    /// Checks every trace of the attached file (JSON Lines, CSV or text separated by blank
    /// lines); the result is a `frontier_reasoning::batch::BatchReport` as JSON.
    AnalyzeTraces { mode: StepMode },
    /// Trains the weak-to-strong lab on the attached corpus (`weak-to-strong-brown.bin`): the
    /// result is an `Outcome` as JSON, or with `sweep` the `SweepPoint`s at those vocabulary
    /// sizes. About a second of wasm: too long for the page's own thread.
    WeakToStrong { student: StudentChoice, seed: u64, aux_coef: f64, weak: WeakConfig, sweep: Option<Vec<usize>> },
    /// Solves and counts a room-assignment problem (the CSP widget's text): a
    /// `frontier_reasoning::csp::Solution` as JSON. A hard one runs to the solver's work limits,
    /// seconds in wasm.
    SolveCsp { problem: String, count_limit: u64 },
    /// Measures the pixel-debate judge on the first `digits` held-out digits, with greedy and
    /// random debaters: `[(name, Accuracy)]` as JSON. The attached file is a [`PixelBundle`].
    MeasureJudge { pixels: usize, seed: u64, digits: usize },
    /// The calibration lab's whole analysis of the attached data set (written by
    /// `frontier_calibration::analysis::encode`): an `Analysis` as JSON.
    AnalyseCalibration { bins: usize, binning: frontier_calibration::Binning },
    /// Reads the attached sampled answers (JSONL) and votes over them: a
    /// `frontier_calibration::consistency::ConsistencyReport` as JSON.
    SelfConsistency,
    /// Decodes the attached image and scales it to `width` pixels wide (the height follows the
    /// image, after any EXIF rotation): a [`DisplayCopy`] as JSON. It needs the browser's
    /// decoders, so the worker runs it itself (`src/bin/worker.rs`), not [`run_job`].
    DisplayCopy { width: u32 },
    /// Times one of the site's kernels in this browser (the Benchmarks page): a
    /// `crate::bench::BenchResult` as JSON. Only the benchmarks' own worker runs it
    /// (`src/bin/bench_worker.rs`, through `crate::bench::reply` and `crate::bench::sae_gpu`), so
    /// that the labs' worker does not carry the benchmarks.
    Benchmark { bench: crate::bench::BenchJob },
}

/// An image scaled for display, made in the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DisplayCopy {
    pub width: u32,
    pub height: u32,
    /// A JPEG data URL.
    pub url: String,
}

impl Job {
    /// What the job does, for the message when its worker is lost.
    pub fn describe(&self) -> &'static str {
        match self {
            Job::CostGrid { .. } => "the cost grid",
            Job::ReadCalibration { .. } => "reading the confidence file",
            Job::AnalyzeTraces { .. } => "checking the file of traces",
            Job::WeakToStrong { .. } => "training the weak-to-strong lab",
            Job::SolveCsp { .. } => "solving the problem",
            Job::MeasureJudge { .. } => "measuring the judge",
            Job::AnalyseCalibration { .. } => "analysing the data",
            Job::SelfConsistency => "the vote over the sampled answers",
            Job::DisplayCopy { .. } => "scaling the image",
            Job::Benchmark { bench } => bench.describe(),
        }
    }
}

/// What the worker sends back.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobReply {
    /// The worker's wasm is loaded and it listens for a job.
    Ready,
    Progress {
        done: usize,
        total: usize,
    },
    Done {
        result: String,
    },
    Failed {
        error: String,
    },
}

/// A file the job reads piece by piece (a `Blob` in the worker, bytes in tests).
pub trait ByteSource {
    fn size_bytes(&self) -> u64;
    fn read(&mut self, start: u64, end: u64) -> Result<Vec<u8>, String>;
}

impl ByteSource for &[u8] {
    fn size_bytes(&self) -> u64 {
        <[u8]>::len(self) as u64
    }

    fn read(&mut self, start: u64, end: u64) -> Result<Vec<u8>, String> {
        let range =
            usize::try_from(start).map_err(|e| e.to_string())?..usize::try_from(end).map_err(|e| e.to_string())?;
        self.get(range).map(<[u8]>::to_vec).ok_or_else(|| "read past the end".to_string())
    }
}

/// The result of reading a confidence file: the data, or the error and, when the columns
/// were not recognised, the header for a mapping step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReadOutcome {
    pub dataset: Option<Dataset>,
    pub error: Option<String>,
    pub columns: Option<Vec<String>>,
    /// From the worker, the data set comes as bytes beside this JSON
    /// (`frontier_calibration::analysis::encode`): parsing millions of rows of JSON would hold
    /// the page for seconds. `skipped` then carries the rows the encoding leaves out.
    #[serde(default)]
    pub encoded: bool,
    #[serde(default)]
    pub skipped: Vec<frontier_calibration::data::RowError>,
}

impl ReadOutcome {
    /// The data set of an outcome whose rows came as bytes.
    pub fn with_bytes(mut self, bytes: Option<&[u8]>) -> Result<Self, String> {
        if self.encoded {
            let bytes = bytes.ok_or("the worker sent no rows")?;
            let dataset = frontier_calibration::analysis::decode(bytes)?;
            self.dataset = Some(Dataset { skipped: std::mem::take(&mut self.skipped), ..dataset });
            self.encoded = false;
        }
        Ok(self)
    }
}

/// A finished job: its reply, and for a result too large to send as JSON, its bytes.
pub struct Finished {
    pub reply: JobReply,
    pub bytes: Option<Vec<u8>>,
}

impl From<JobReply> for Finished {
    fn from(reply: JobReply) -> Self {
        Finished { reply, bytes: None }
    }
}

/// Bytes read per step: big enough that the per-call cost vanishes, small enough for
/// progress to move several times a second and memory to stay flat.
pub const READ_CHUNK_BYTES: u64 = 4 << 20;

/// Streams `source` through the calibration reader, reporting bytes read.
pub fn read_calibration(
    source: &mut dyn ByteSource,
    skip_invalid: bool,
    mapping: &ColumnMapping,
    mut report: impl FnMut(u64, u64),
) -> Result<ReadOutcome, String> {
    let total = source.size_bytes();
    let mut reader = Reader::new(None, skip_invalid, mapping.clone());
    let mut start = 0;
    let mut parsed: Result<(), ParseError> = Ok(());
    while start < total && parsed.is_ok() {
        let end = (start + READ_CHUNK_BYTES).min(total);
        let chunk = source.read(start, end)?;
        parsed = reader.feed(&chunk);
        start = end;
        report(start, total);
    }
    let columns = reader.header().map(<[String]>::to_vec);
    let result = parsed.and_then(|()| reader.finish());
    Ok(match result {
        Ok(dataset) => {
            ReadOutcome { dataset: Some(dataset), error: None, columns: None, encoded: false, skipped: Vec::new() }
        }
        Err(e) => {
            let columns = matches!(e, ParseError::UnknownShape(_)).then_some(columns).flatten();
            ReadOutcome { dataset: None, error: Some(e.to_string()), columns, encoded: false, skipped: Vec::new() }
        }
    })
}

/// Trace files larger than this are refused before reading.
pub const MAX_TRACE_FILE_BYTES: u64 = 64 << 20;
/// Files of sampled answers larger than this are refused before reading (text per sample makes
/// them far smaller in rows than confidence files).
pub const MAX_ANSWERS_FILE_BYTES: u64 = 20 << 20;

/// Reads the whole attached trace file as UTF-8 text.
fn read_text(source: &mut dyn ByteSource) -> Result<String, String> {
    read_text_within(source, MAX_TRACE_FILE_BYTES, "of traces")
}

/// Reads the whole attached file as UTF-8 text, if it is at most `limit` bytes.
fn read_text_within(source: &mut dyn ByteSource, limit: u64, what: &str) -> Result<String, String> {
    let size = source.size_bytes();
    if size > limit {
        return Err(format!("the file is {} MB; at most {} MB {what} at once", size >> 20, limit >> 20));
    }
    let bytes = source.read(0, size)?;
    String::from_utf8(bytes).map_err(|e| format!("the file is not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))
}

/// The weak-to-strong lab on the corpus in `source`: one outcome, or a sweep, as JSON.
fn weak_to_strong(
    source: &mut dyn ByteSource,
    student: StudentChoice,
    seed: u64,
    aux_coef: f64,
    weak: WeakConfig,
    sweep: Option<&[usize]>,
) -> Result<String, String> {
    let size = source.size_bytes();
    if size > MAX_CORPUS_BYTES {
        return Err(format!("the corpus is {size} bytes; at most {MAX_CORPUS_BYTES}"));
    }
    let corpus = Corpus::from_bytes(&source.read(0, size)?).map_err(|e| e.to_string())?;
    let loss = TransferLoss::AuxConfidence { aux_coef, warmup_frac: 0.1 };
    let lab = Lab::new(&corpus, student.features(seed), TrainConfig::default(), loss).map_err(|e| e.to_string())?;
    match sweep {
        Some(words) => serde_json::to_string(&lab.sweep(words, weak.train_examples).map_err(|e| e.to_string())?),
        None => serde_json::to_string(&lab.run(weak).map_err(|e| e.to_string())?),
    }
    .map_err(|e| e.to_string())
}

/// The pixel-debate judge and its digits in one attachment (a job carries one file): the judge
/// file's length as 8 little-endian bytes, the judge file, then the digits file.
pub struct PixelBundle;

impl PixelBundle {
    pub fn pack(judge: &[u8], digits: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(8 + judge.len() + digits.len());
        out.extend_from_slice(&(judge.len() as u64).to_le_bytes());
        out.extend_from_slice(judge);
        out.extend_from_slice(digits);
        out
    }

    /// The judge's bytes and the digits' bytes.
    pub fn unpack(bytes: &[u8]) -> Result<(&[u8], &[u8]), String> {
        let (len, rest) = bytes.split_first_chunk::<8>().ok_or("the bundle has no length")?;
        let len = usize::try_from(u64::from_le_bytes(*len)).map_err(|e| e.to_string())?;
        if len > rest.len() {
            return Err(format!("the bundle says its judge is {len} bytes; {} are there", rest.len()));
        }
        Ok(rest.split_at(len))
    }
}

/// The largest bundle the judge measurement reads (the shipped files are under 1 MB).
const MAX_PIXEL_BUNDLE_BYTES: u64 = 16 << 20;

/// The judge measured as [`Job::MeasureJudge`] asks.
fn measure_judge(source: &mut dyn ByteSource, pixels: usize, seed: u64, digits: usize) -> Result<String, String> {
    use frontier_alignment::pixel::{evaluate, Digits, Judge, Strategy};
    let size = source.size_bytes();
    if size > MAX_PIXEL_BUNDLE_BYTES {
        return Err(format!("the judge and digits are {size} bytes; at most {MAX_PIXEL_BUNDLE_BYTES}"));
    }
    let bytes = source.read(0, size)?;
    let (judge, set) = PixelBundle::unpack(&bytes)?;
    let judge = Judge::from_bytes(judge).map_err(|e| e.to_string())?;
    let set = Digits::from_bytes(set).map_err(|e| e.to_string())?;
    let set = &set.as_slice()[..digits.min(set.len())];
    let rows: Vec<_> = [("Greedy debaters", Strategy::Greedy), ("Random reveals by both", Strategy::Random)]
        .into_iter()
        .map(|(name, strategy)| (name.to_string(), evaluate(&judge, set, pixels, strategy, seed)))
        .collect();
    serde_json::to_string(&rows).map_err(|e| e.to_string())
}

/// Runs a job, reporting progress through `report`. Runs in the worker; also callable
/// directly in tests. `input` is the file attached to the job, if any.
pub fn run_job(job: &Job, input: Option<&mut dyn ByteSource>, mut report: impl FnMut(JobReply)) -> Finished {
    let Job::ReadCalibration { skip_invalid, mapping } = job else { return run_json_job(job, input, report).into() };
    let Some(source) = input else { return JobReply::Failed { error: "no file was attached".into() }.into() };
    // Progress in KiB: the numbers stay readable in the bar's text.
    let outcome = read_calibration(source, *skip_invalid, mapping, |done, total| {
        report(JobReply::Progress { done: (done / 1024) as usize, total: (total / 1024) as usize })
    });
    let encoded = outcome.and_then(|mut o| {
        let bytes = match o.dataset.take() {
            Some(d) => {
                o.skipped = d.skipped.clone();
                o.encoded = true;
                Some(frontier_calibration::analysis::encode(&d)?)
            }
            None => None,
        };
        Ok((serde_json::to_string(&o).map_err(|e| e.to_string())?, bytes))
    });
    match encoded {
        Ok((result, bytes)) => Finished { reply: JobReply::Done { result }, bytes },
        Err(error) => JobReply::Failed { error }.into(),
    }
}

/// Every job whose whole result is its JSON.
fn run_json_job(job: &Job, input: Option<&mut dyn ByteSource>, mut report: impl FnMut(JobReply)) -> JobReply {
    match job {
        Job::CostGrid { inputs, x, y } => {
            let cells = frontier_costs::grid(inputs, x, y, |done, total| {
                report(JobReply::Progress { done, total });
                ControlFlow::Continue(())
            });
            match cells {
                Ok(cells) => {
                    let mut csv = String::new();
                    frontier_base::csv::push_row(&mut csv, [x.axis.id(), y.axis.id(), "mfu", "total_cost_usd"]);
                    for c in cells {
                        let row = [c.x, c.y, c.mfu, c.total_cost_usd];
                        frontier_base::csv::push_row(&mut csv, row.iter().map(f64::to_string));
                    }
                    JobReply::Done { result: csv }
                }
                Err(e) => JobReply::Failed { error: e.to_string() },
            }
        }
        Job::AnalyzeTraces { mode } => {
            let Some(source) = input else { return JobReply::Failed { error: "no file was attached".into() } };
            let batch = read_text(source).and_then(|text| {
                analyze_batch(&text, *mode, |done, total| report(JobReply::Progress { done, total }))
                    .map_err(|e| e.to_string())
            });
            match batch.and_then(|r| serde_json::to_string(&r).map_err(|e| e.to_string())) {
                Ok(result) => JobReply::Done { result },
                Err(error) => JobReply::Failed { error },
            }
        }
        Job::WeakToStrong { student, seed, aux_coef, weak, sweep } => {
            let Some(source) = input else { return JobReply::Failed { error: "no corpus was attached".into() } };
            let result = weak_to_strong(source, *student, *seed, *aux_coef, *weak, sweep.as_deref());
            match result {
                Ok(result) => JobReply::Done { result },
                Err(error) => JobReply::Failed { error },
            }
        }
        Job::SolveCsp { problem, count_limit } => {
            let solved = frontier_reasoning::csp::parse(problem)
                .map_err(|e| e.to_string())
                .map(|p| frontier_reasoning::csp::solve(&p, *count_limit))
                .and_then(|solution| serde_json::to_string(&solution).map_err(|e| e.to_string()));
            match solved {
                Ok(result) => JobReply::Done { result },
                Err(error) => JobReply::Failed { error },
            }
        }
        Job::MeasureJudge { pixels, seed, digits } => {
            let Some(source) = input else { return JobReply::Failed { error: "no judge was attached".into() } };
            match measure_judge(source, *pixels, *seed, *digits) {
                Ok(result) => JobReply::Done { result },
                Err(error) => JobReply::Failed { error },
            }
        }
        Job::SelfConsistency => {
            use frontier_calibration::consistency::{analyse, parse_questions};
            let Some(source) = input else { return JobReply::Failed { error: "no answers were attached".into() } };
            let report = read_text_within(source, MAX_ANSWERS_FILE_BYTES, "of sampled answers")
                .and_then(|text| parse_questions(&text).map_err(|e| e.to_string()))
                .and_then(|q| if q.is_empty() { Err("no questions found".to_string()) } else { Ok(analyse(&q)) })
                .and_then(|r| serde_json::to_string(&r).map_err(|e| e.to_string()));
            match report {
                Ok(result) => JobReply::Done { result },
                Err(error) => JobReply::Failed { error },
            }
        }
        Job::AnalyseCalibration { bins, binning } => {
            let Some(source) = input else { return JobReply::Failed { error: "no data was attached".into() } };
            let analysed = source
                .read(0, source.size_bytes())
                .and_then(|bytes| frontier_calibration::analysis::decode(&bytes))
                .map(|d| frontier_calibration::analysis::analyse(&d, *bins, *binning))
                .and_then(|a| serde_json::to_string(&a).map_err(|e| e.to_string()));
            match analysed {
                Ok(result) => JobReply::Done { result },
                Err(error) => JobReply::Failed { error },
            }
        }
        Job::ReadCalibration { .. } => JobReply::Failed { error: "read through run_job".into() },
        Job::DisplayCopy { .. } => JobReply::Failed { error: "images are scaled by the browser in the worker".into() },
        Job::Benchmark { .. } => {
            JobReply::Failed { error: "benchmarks run in the Benchmarks page's own worker".into() }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worker's weak-to-strong job gives what the lab gives when run directly.
    #[test]
    fn the_weak_to_strong_job_is_the_lab_run_in_the_worker() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../crates/alignment/assets/weak-to-strong-brown.bin");
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let weak = WeakConfig { words: 20, train_examples: 600 };
        let job = Job::WeakToStrong { student: StudentChoice::Embedding, seed: 1, aux_coef: 0.5, weak, sweep: None };
        let mut source: &[u8] = &bytes;
        let JobReply::Done { result } = run_job(&job, Some(&mut source), |_| {}).reply else {
            panic!("the job failed")
        };
        let from_job: frontier_alignment::weak_to_strong::Outcome =
            serde_json::from_str(&result).unwrap_or_else(|e| panic!("{e}"));
        let corpus = Corpus::from_bytes(&bytes).unwrap_or_else(|e| panic!("{e}"));
        let loss = TransferLoss::AuxConfidence { aux_coef: 0.5, warmup_frac: 0.1 };
        let lab = Lab::new(&corpus, StudentChoice::Embedding.features(1), TrainConfig::default(), loss)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(from_job, lab.run(weak).unwrap_or_else(|e| panic!("{e}")));
    }

    /// The worker's solver job answers what the solver answers: the article's example has two
    /// solutions (counted by hand in `frontier_reasoning::csp::examples`).
    #[test]
    fn the_csp_job_is_the_solver_run_in_the_worker() {
        use frontier_reasoning::csp::{parse, solve, Solution, EXAMPLE, EXAMPLE_SOLUTION_COUNT};
        let job = Job::SolveCsp { problem: EXAMPLE.into(), count_limit: 1000 };
        let JobReply::Done { result } = run_job(&job, None, |_| {}).reply else { panic!("the job failed") };
        let from_job: Solution = serde_json::from_str(&result).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(from_job.count, EXAMPLE_SOLUTION_COUNT);
        let problem = parse(EXAMPLE).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(from_job, solve(&problem, 1000));
        let bad = Job::SolveCsp { problem: "people: Ana\nrooms:".into(), count_limit: 10 };
        assert!(matches!(run_job(&bad, None, |_| {}).reply, JobReply::Failed { .. }));
    }

    /// The judge measured in the worker from the packed files gives what the lab gives directly.
    #[test]
    fn the_judge_measurement_is_the_labs() {
        use frontier_alignment::pixel::{evaluate, Accuracy, Digits, Judge, Strategy};
        let asset = |name: &str| {
            let path = format!("{}/../crates/alignment/assets/{name}", env!("CARGO_MANIFEST_DIR"));
            std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
        };
        let (judge_bytes, digit_bytes) = (asset("pixel-judge.bin"), asset("pixel-digits.bin"));
        let bundle = PixelBundle::pack(&judge_bytes, &digit_bytes);
        assert_eq!(PixelBundle::unpack(&bundle), Ok((judge_bytes.as_slice(), digit_bytes.as_slice())));
        assert!(PixelBundle::unpack(&bundle[..7]).is_err());
        assert!(PixelBundle::unpack(&[255, 255, 255, 255, 0, 0, 0, 0, 1]).is_err());
        let job = Job::MeasureJudge { pixels: 6, seed: 3, digits: 5 };
        let mut source: &[u8] = &bundle;
        let JobReply::Done { result } = run_job(&job, Some(&mut source), |_| {}).reply else {
            panic!("the job failed")
        };
        let rows: Vec<(String, Accuracy)> = serde_json::from_str(&result).unwrap_or_else(|e| panic!("{e}"));
        let judge = Judge::from_bytes(&judge_bytes).unwrap_or_else(|e| panic!("{e}"));
        let digits = Digits::from_bytes(&digit_bytes).unwrap_or_else(|e| panic!("{e}"));
        let greedy = evaluate(&judge, &digits.as_slice()[..5], 6, Strategy::Greedy, 3);
        assert_eq!(rows[0], ("Greedy debaters".to_string(), greedy));
        assert_eq!(rows.len(), 2);
    }

    /// The worker's analysis of an encoded data set is the analysis in the page.
    #[test]
    fn the_calibration_analysis_job_is_the_labs() {
        use frontier_calibration::analysis::{analyse, encode, Analysis};
        use frontier_calibration::samples::DataChoice;
        let d = DataChoice::Multiclass.sample().unwrap_or_else(|| panic!("no sample"));
        let bytes = encode(&d).unwrap_or_else(|e| panic!("{e}"));
        let job = Job::AnalyseCalibration { bins: 12, binning: frontier_calibration::Binning::Quantile };
        let mut source: &[u8] = &bytes;
        let JobReply::Done { result } = run_job(&job, Some(&mut source), |_| {}).reply else {
            panic!("the job failed")
        };
        let from_job: Analysis = serde_json::from_str(&result).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(from_job, analyse(&d, 12, frontier_calibration::Binning::Quantile));
        let mut truncated: &[u8] = &bytes[..bytes.len() - 3];
        assert!(matches!(run_job(&job, Some(&mut truncated), |_| {}).reply, JobReply::Failed { .. }));
    }

    #[test]
    fn a_file_read_in_chunks_gives_the_parsers_rows() {
        // 400,000 rows of 13 bytes: a little over one chunk, so a line straddles the cut.
        let mut text = String::from("pred,conf,label\n");
        for i in 0..400_000 {
            text.push_str(if i % 4 == 0 { "a,0.250000,b\n" } else { "a,0.750000,a\n" });
        }
        let mut source: &[u8] = text.as_bytes();
        let mut steps = Vec::new();
        let outcome =
            read_calibration(&mut source, false, &ColumnMapping::default(), |done, total| steps.push((done, total)))
                .unwrap_or_else(|e| panic!("{e}"));
        let data = outcome.dataset.unwrap_or_else(|| panic!("{:?}", outcome.error));
        assert_eq!(data.confidences.len(), 400_000);
        assert_eq!(data.correct.iter().filter(|&&ok| ok).count(), 300_000);
        let total = text.len() as u64;
        assert_eq!(steps, vec![(READ_CHUNK_BYTES, total), (total, total)]);
    }

    /// The worker's read sends the rows as bytes beside a small JSON; the page gets back the
    /// data set the parser read, skipped rows included.
    #[test]
    fn the_read_job_sends_its_rows_as_bytes() {
        let text = "pred,conf,label\na,0.9,a\nb,oops,b\nc,0.6,d\n";
        let job = Job::ReadCalibration { skip_invalid: true, mapping: ColumnMapping::default() };
        let mut source: &[u8] = text.as_bytes();
        let Finished { reply: JobReply::Done { result }, bytes } = run_job(&job, Some(&mut source), |_| {}) else {
            panic!("the job failed")
        };
        let outcome: ReadOutcome = serde_json::from_str(&result).unwrap_or_else(|e| panic!("{e}"));
        assert!(outcome.encoded && outcome.dataset.is_none() && bytes.is_some());
        let outcome = outcome.with_bytes(bytes.as_deref()).unwrap_or_else(|e| panic!("{e}"));
        let mut direct: &[u8] = text.as_bytes();
        let expected = read_calibration(&mut direct, true, &ColumnMapping::default(), |_, _| {})
            .unwrap_or_else(|e| panic!("{e}"))
            .dataset;
        assert_eq!(outcome.dataset, expected);
        assert_eq!(outcome.dataset.map(|d| (d.confidences.len(), d.skipped.len())), Some((2, 1)));
        assert!(ReadOutcome { encoded: true, ..ReadOutcome::default() }.with_bytes(None).is_err());
    }

    fn hostile(name: &str) -> Vec<u8> {
        let path = format!("{}/../tests/hostile/files/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The job's error for the hostile file `name`.
    fn refused(job: &Job, name: &str) -> String {
        let bytes = hostile(name);
        let mut source: &[u8] = &bytes;
        match run_job(job, Some(&mut source), |_| {}).reply {
            JobReply::Failed { error } => error,
            other => panic!("{name} was accepted: {other:?}"),
        }
    }

    /// The hostile files for the trace checker's "Many traces" and for self-consistency's sampled
    /// answers: each is refused with where and why, in the worker, without a panic.
    #[test]
    fn hostile_trace_and_answer_files_are_refused() {
        let traces = Job::AnalyzeTraces { mode: StepMode::Lines };
        let not_utf8 = refused(&traces, "traces-not-utf8.jsonl");
        // The first line and its newline are 23 bytes: the first bad byte is byte 23 (from 0).
        assert!(not_utf8.contains("not UTF-8") && not_utf8.contains("byte 23"), "{not_utf8}");
        let deep = refused(&traces, "traces-deep.jsonl");
        assert!(deep.contains("line 1"), "{deep}");
        // 50,000 columns and no `trace` column: not a CSV of traces, so it is checked as one
        // plain-text trace, a bounded result.
        let wide = hostile("traces-wide-header.csv");
        let mut source: &[u8] = &wide;
        let JobReply::Done { result } = run_job(&traces, Some(&mut source), |_| {}).reply else { panic!("refused") };
        let report: serde_json::Value = serde_json::from_str(&result).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((report["format"].as_str(), report["rows"].as_array().map(Vec::len)), (Some("text"), Some(1)));
        let votes = Job::SelfConsistency;
        let deep = refused(&votes, "samples-deep.jsonl");
        assert!(deep.contains("line 1"), "{deep}");
        let mistyped = refused(&votes, "samples-mistyped.jsonl");
        assert!(mistyped.contains("row 1, column samples"), "{mistyped}");
        let not_utf8 = refused(&votes, "samples-not-utf8.jsonl");
        assert!(not_utf8.contains("not UTF-8"), "{not_utf8}");
    }

    /// The benchmarks' worker runs a benchmark and refuses an absurd size with a message; the
    /// labs' worker runs none.
    #[test]
    fn the_benchmark_job_times_a_small_trace_and_refuses_absurd_sizes() {
        use crate::bench::{reply, BenchJob, BenchResult};
        let job = Job::Benchmark { bench: BenchJob::Traces { bytes: 10_000 } };
        assert!(
            matches!(run_job(&job, None, |_| {}).reply, JobReply::Failed { error } if error.contains("own worker"))
        );
        let mut steps = 0;
        let JobReply::Done { result } = reply(&BenchJob::Traces { bytes: 10_000 }, |_| steps += 1) else {
            panic!("the job failed")
        };
        let measured: BenchResult = serde_json::from_str(&result).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((measured.id.as_str(), measured.unit.as_str(), steps), ("traces-dense-10000", "ms per MB", 5));
        let absurd = BenchJob::Retrieval { memories: usize::MAX, dims: 384, k: 10 };
        assert!(matches!(reply(&absurd, |_| {}), JobReply::Failed { error } if error.contains("at most")));
        let gpu = BenchJob::SaeGpu { d_in: 8, d_sae: 16, batch: 8 };
        assert!(matches!(reply(&gpu, |_| {}), JobReply::Failed { .. }));
        let text = serde_json::to_string(&job).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(text, r#"{"kind":"benchmark","bench":{"kind":"traces","bytes":10000}}"#);
    }

    /// The vote over sampled answers in the worker is the lab's.
    #[test]
    fn the_self_consistency_job_is_the_labs() {
        use frontier_calibration::consistency::{analyse, parse_questions, ConsistencyReport};
        let text = "{\"id\": \"1\", \"samples\": [\"4\", \"4\", \"5\"], \"gold\": \"4\"}\n{\"id\": \"2\", \"samples\": [\"x\", \"y\", \"y\"], \"gold\": \"y\"}\n";
        let mut source: &[u8] = text.as_bytes();
        let JobReply::Done { result } = run_job(&Job::SelfConsistency, Some(&mut source), |_| {}).reply else {
            panic!("the job failed")
        };
        let from_job: ConsistencyReport = serde_json::from_str(&result).unwrap_or_else(|e| panic!("{e}"));
        let questions = parse_questions(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(from_job, analyse(&questions));
        assert_eq!(from_job.questions, 2);
    }

    #[test]
    fn unknown_columns_come_back_for_a_mapping_step() {
        let mut source: &[u8] = b"answer,score,gold\nparis,0.9,paris\n";
        let outcome = read_calibration(&mut source, false, &ColumnMapping::default(), |_, _| {})
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(outcome.columns, Some(vec!["answer".to_string(), "score".into(), "gold".into()]));
        assert!(outcome.dataset.is_none());
    }
}

//! `frontier sae train` trains a sparse autoencoder on synthetic data with known features or on a
//! file of activations and prints its final metrics; `frontier sae eval` measures a saved SAE
//! (SAELens layout) on a file of activations.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args as ClapArgs, Subcommand};
use frontier_sae::config::{Arch, DictionarySize, Preset, TrainSettings};
use frontier_sae::data::{DataSource, SyntheticSpec};
use frontier_sae::io::parse_activations;
use frontier_sae::metrics::evaluate;
use frontier_sae::report::try_report_of;
use frontier_sae::saelens::{self, Extras, CONFIG_FILE, WEIGHTS_FILE};
use frontier_sae::{Matrix, Trainer};
use frontier_sae_gpu::choice::BackendChoice;
use frontier_sae_gpu::driver::Driver;
use serde_json::{json, Value};

use crate::UsageError;

/// Natively a run may use this much memory (the page allows 1 GiB).
const CLI_BUDGET_BYTES: u64 = 16 << 30;
/// How long one slice of the run driver trains before the loop looks again (a GPU run submits
/// and reads back within each).
const SLICE_MS: f64 = 250.0;

#[derive(ClapArgs)]
pub struct Args {
    #[command(subcommand)]
    command: SaeCommand,
}

#[derive(Subcommand)]
enum SaeCommand {
    /// Trains an SAE and prints mse, fvu, l0, dead_fraction (and mmcs on synthetic data).
    Train(TrainArgs),
    /// Measures a saved SAE on activations: mse, fvu, l0 and the article's loss.
    Eval {
        /// sae_weights.safetensors (cfg.json is read from the same folder).
        #[arg(long)]
        weights: PathBuf,
        /// Activations: .npy (f32, f16, f64), .safetensors or .csv, shape [rows, d_in].
        #[arg(long)]
        data: PathBuf,
    },
}

#[derive(ClapArgs)]
struct TrainArgs {
    /// synthetic:sparse-coding | synthetic:tms | a file (.npy, .safetensors, .csv).
    #[arg(long)]
    data: String,
    /// Dictionary size.
    #[arg(long)]
    d_sae: usize,
    /// relu | topk | batchtopk
    #[arg(long, default_value = "relu")]
    arch: String,
    /// Active features per row (topk, batchtopk).
    #[arg(long, default_value_t = 8)]
    k: usize,
    /// The sparsity coefficient of the article's loss (MSE + l1 · mean|f|). Default: 1e-3 with
    /// --preset article, 1 for recommended ReLU, 0 for TopK and BatchTopK.
    #[arg(long)]
    l1: Option<f32>,
    #[arg(long, default_value_t = 3000)]
    steps: u64,
    #[arg(long, default_value_t = 1024)]
    batch: usize,
    #[arg(long)]
    lr: Option<f32>,
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Write sae_weights.safetensors and cfg.json here.
    #[arg(long)]
    out: Option<PathBuf>,
    /// `recommended` (tied init, geometric-median b_dec, unit-norm decoder, warm-ups, resampling or
    /// AuxK) or `article` (the article's model, loss and nn.Linear initialisation, nothing else).
    #[arg(long, default_value = "recommended")]
    preset: String,
    /// Sparse coding: true features, their dimension, mean active per sample, correlation.
    #[arg(long)]
    features: Option<usize>,
    #[arg(long)]
    dims: Option<usize>,
    #[arg(long)]
    active: Option<f32>,
    #[arg(long)]
    correlation: Option<f32>,
    /// Toy model: probability that a feature is zero.
    #[arg(long)]
    sparsity: Option<f32>,
    /// Turn off resampling (ReLU) and AuxK (TopK, BatchTopK).
    #[arg(long)]
    no_dead_handling: bool,
    /// cpu (the default); webgpu (wgpu natively, on Vulkan, falling back to the CPU with a note
    /// when no device can be had); auto (the GPU only on a hardware adapter for steps of at least
    /// 8 MFLOP). The page's run driver makes the choice, recovers a lost device from its last
    /// checkpoint (three times at most) and says in `backend_note` why a run is on the CPU.
    #[arg(long, default_value = "cpu")]
    backend: String,
}

pub fn run(args: &Args) -> Result<Value, UsageError> {
    match &args.command {
        SaeCommand::Train(train) => run_train(train),
        SaeCommand::Eval { weights, data } => run_eval(weights, data),
    }
}

/// The flags as the run's settings, the same type the page fills in.
fn settings(args: &TrainArgs) -> Result<TrainSettings, UsageError> {
    let arch = Arch::parse(&args.arch)
        .ok_or_else(|| UsageError(format!("--arch {}: expected relu, topk or batchtopk", args.arch)))?;
    let preset = Preset::parse(&args.preset)
        .ok_or_else(|| UsageError(format!("--preset {}: expected recommended or article", args.preset)))?;
    Ok(TrainSettings {
        preset,
        arch,
        dictionary: DictionarySize::Features(args.d_sae),
        k: args.k,
        l1: args.l1,
        lr: args.lr,
        steps: args.steps,
        batch: args.batch,
        seed: args.seed,
        dead_handling: !args.no_dead_handling,
    })
}

fn run_train(args: &TrainArgs) -> Result<Value, UsageError> {
    let settings = settings(args)?;
    settings.validate().map_err(|e| UsageError(e.to_string()))?;
    let data = data_source(args)?;
    let cfg = settings.config(data.d_in());
    let choice = BackendChoice::parse(&args.backend).ok_or_else(|| {
        UsageError(format!(
            "--backend {}: expected {}",
            args.backend,
            BackendChoice::ALL.map(BackendChoice::id).join(", ")
        ))
    })?;
    let started = Instant::now();
    let trainer = Trainer::new(cfg, data, CLI_BUDGET_BYTES).map_err(|e| UsageError(e.to_string()))?;
    let mut driver = Driver::new(trainer);
    pollster::block_on(driver.choose_backend(choice));
    while !driver.done() {
        pollster::block_on(driver.slice(SLICE_MS, || started.elapsed().as_secs_f64() * 1e3)).map_err(UsageError)?;
    }
    let train_seconds = started.elapsed().as_secs_f64();
    let sae = pollster::block_on(driver.sae()).map_err(UsageError)?;
    let schedule = driver.schedule().ok_or_else(|| UsageError("the run has no backend".into()))?;
    let summary = try_report_of(&sae, schedule, true).map_err(|e| UsageError(e.to_string()))?.summary;
    let mut out = serde_json::to_value(&summary).map_err(|e| UsageError(e.to_string()))?;
    out["train_seconds"] = json!(train_seconds);
    out["backend"] = json!(driver.backend());
    out["backend_note"] = json!(driver.note());
    out["config"] = shortest_floats(&cfg)?;
    if let Some(dir) = &args.out {
        let extras = Extras {
            l1_coefficient: Some(cfg.l1_coeff),
            metadata: json!({ "data": args.data, "steps": cfg.steps, "seed": cfg.seed, "train": shortest_floats(&cfg)? }),
        };
        let (weights, text) = saelens::save(&sae, &extras).map_err(|e| UsageError(e.to_string()))?;
        std::fs::create_dir_all(dir).map_err(|e| UsageError(format!("cannot create {}: {e}", dir.display())))?;
        write(&dir.join(WEIGHTS_FILE), &weights)?;
        write(&dir.join(CONFIG_FILE), text.as_bytes())?;
        out["out"] = json!(dir.display().to_string());
    }
    Ok(out)
}

fn data_source(args: &TrainArgs) -> Result<DataSource, UsageError> {
    let Some(mut spec) = SyntheticSpec::parse(&args.data) else {
        if args.data.starts_with("synthetic:") {
            return Err(UsageError(format!("--data {}: expected synthetic:sparse-coding or synthetic:tms", args.data)));
        }
        return Ok(DataSource::activations(read_matrix(Path::new(&args.data))?));
    };
    match &mut spec {
        SyntheticSpec::SparseCoding(s) => {
            s.n_features = args.features.unwrap_or(s.n_features);
            s.d = args.dims.unwrap_or(s.d);
            s.avg_active = args.active.unwrap_or(s.avg_active);
            s.correlation = args.correlation.unwrap_or(s.correlation);
            s.seed = args.seed;
        }
        SyntheticSpec::Tms(t) => {
            t.n_features = args.features.unwrap_or(t.n_features);
            t.m_hidden = args.dims.unwrap_or(t.m_hidden);
            t.sparsity = args.sparsity.unwrap_or(t.sparsity);
            t.seed = args.seed;
        }
    }
    spec.build_within(args.batch, CLI_BUDGET_BYTES).map_err(|e| UsageError(e.to_string()))
}

fn run_eval(weights_path: &Path, data_path: &Path) -> Result<Value, UsageError> {
    let weights = read(weights_path)?;
    let cfg_path = weights_path.with_file_name(CONFIG_FILE);
    let config = String::from_utf8(read(&cfg_path)?).map_err(|e| {
        UsageError(format!("{}: not UTF-8 (byte {})", cfg_path.display(), e.utf8_error().valid_up_to()))
    })?;
    let (sae, extras) = saelens::load(&weights, &config).map_err(|e| UsageError(e.to_string()))?;
    let data = read_matrix(data_path)?;
    if data.cols != sae.cfg.d_in {
        return Err(UsageError(format!(
            "{}: {} columns, but the SAE expects d_in = {}",
            data_path.display(),
            data.cols,
            sae.cfg.d_in
        )));
    }
    let l1 = extras.l1_coefficient.unwrap_or(0.0);
    let e = evaluate(&sae, &data, l1).map_err(|e| UsageError(e.to_string()))?;
    Ok(json!({
        "mse": e.mse, "fvu": e.fvu, "l0": e.l0, "loss": e.loss, "l1_coefficient": l1,
        "l1": e.l1, "nmse": e.nmse, "dead_fraction": e.dead_fraction, "dense_fraction": e.dense_fraction,
        "shrinkage": e.shrinkage, "rows": e.rows, "d_in": sae.cfg.d_in, "d_sae": sae.cfg.d_sae,
        "architecture": sae.cfg.arch.id(),
    }))
}

/// JSON of `value` with f32 fields written as their shortest decimal (0.9, not 0.8999999761581421,
/// which a detour through `serde_json::Value`'s f64 would print).
fn shortest_floats<T: serde::Serialize>(value: &T) -> Result<Value, UsageError> {
    let text = serde_json::to_string(value).map_err(|e| UsageError(e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| UsageError(e.to_string()))
}

fn read_matrix(path: &Path) -> Result<Matrix, UsageError> {
    let bytes = read(path)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    parse_activations(name, &bytes).map_err(|e| UsageError(format!("{}: {e}", path.display())))
}

fn read(path: &Path) -> Result<Vec<u8>, UsageError> {
    std::fs::read(path).map_err(|e| UsageError(format!("cannot read {}: {e}", path.display())))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), UsageError> {
    std::fs::write(path, bytes).map_err(|e| UsageError(format!("cannot write {}: {e}", path.display())))
}

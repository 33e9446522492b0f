//! `simulate sweep` and `simulate merge`: argument handling and printing around
//! [`soft_balancing::sweep`].

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use soft_balancing::output::write_atomic;
use soft_balancing::plot::{self, PlotOptions};
use soft_balancing::report;
use soft_balancing::scenario::experiment::{MAX_POINTS, MAX_RUNS_PER_POINT};
use soft_balancing::scenario::{Scenario, keys};
use soft_balancing::sweep::charts;
use soft_balancing::sweep::error::SweepError;
use soft_balancing::sweep::options::{DesignKind, SweepOptions, SweepRequest};
use soft_balancing::sweep::run;

use crate::Failure;
use crate::common::whole;
use crate::common::{Common, apply_changes, load, out_is_free, provenance, split_set};

/// Flags left out of the command line `sweep.json` records: how the work was split, resumed
/// or checked does not change the rows, so a merged sweep records what an unsharded one does.
pub const SWEEP_ONLY: &[(&str, bool)] =
    &[("--shard", true), ("--resume", false), ("--verify", true)];

const SWEEP_HELP: &str = "\
Examples:
  simulate sweep scenarios/ufa2015.toml --set events.ID.amount_bn=0:5:0.5 --runs 100
  simulate sweep FILE --set decision.noise_sd=0.01,0.05 --set decision.domination_weight=1:3:0.5
  simulate sweep FILE --design lhs --samples 200 --set decision.money_weight=5:15 --runs 50
  simulate sweep FILE --runs 10000                        (no axes: one big Monte Carlo ensemble)
  simulate sweep FILE ... --shard 2/8 --out out/s2        (the 2nd of 8 slices; see docs/cluster.md)
  simulate merge out/s1 out/s2 ... --out out/merged

--set KEY=VALUES takes `min:max:step` or `a,b,c` for a grid, `min:max` for --design random|lhs,
and a single number for a fixed change applied to every point. Key paths: `simulate explain params`
lists the parameters; scenario values are events.ID.FIELD, actors.ID.FIELD,
ties.STATE.PATRON.FIELD, bases.ID.FIELD, deals.ID.FIELD (docs/sweeps.md).
Without --set axes, the scenario's [sweep] table is used.

Outputs in --out (default out/<scenario name>/sweep): sweep.csv (one row per point: the point's
seed and values, then mean, sd, p5, p50, p95 of every final share and index, then the
probability of each [[outcomes]] entry), sweep_long.csv (the same, one row per point, output and
statistic), sweep.json (definition and provenance), charts (--plot), report.html, and runs.csv
with --keep-runs. Results are flushed per point; --resume continues a killed sweep.";

/// Arguments of `simulate sweep`.
#[derive(Args)]
#[command(after_help = SWEEP_HELP)]
pub struct SweepArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// How points are chosen: grid, random or lhs (Latin hypercube) [default: the scenario's
    /// [sweep] design, else grid].
    #[arg(long, value_name = "DESIGN", value_parser = ["grid", "random", "lhs"])]
    design: Option<String>,
    /// Points to draw with --design random|lhs.
    #[arg(allow_negative_numbers = true, long, value_name = "N", value_parser = whole::<u64>(1, MAX_POINTS as u64))]
    samples: Option<u64>,
    /// Replicates per point [default: the scenario's [sweep] runs, else 20].
    #[arg(allow_negative_numbers = true, long, value_name = "N", value_parser = whole::<u64>(1, MAX_RUNS_PER_POINT))]
    runs: Option<u64>,
    /// Run only slice K of N (points i with i mod N = K-1), e.g. --shard 3/8; merge the slices
    /// with `simulate merge`. In a SLURM job array numbered 1-N, `--shard slurm/N` takes K from
    /// SLURM_ARRAY_TASK_ID (`slurm` alone also takes N from SLURM_ARRAY_TASK_COUNT).
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Continue an interrupted sweep in the output folder without recomputing finished points.
    #[arg(long)]
    resume: bool,
    /// Also write every run's final results to runs.csv.
    #[arg(long)]
    keep_runs: bool,
    /// Re-run K points of the sweep in the output folder from scratch and check they match.
    #[arg(allow_negative_numbers = true, long, value_name = "K", value_parser = whole::<usize>(1, MAX_POINTS as u64),
          conflicts_with_all = ["resume", "shard", "keep_runs"])]
    verify: Option<usize>,
    /// Decision rule for every state [default: the scenario's].
    #[arg(long, value_name = "NAME")]
    lens: Option<String>,
    /// Chart files to write; report.html embeds every chart either way.
    #[arg(long, value_name = "FORMAT", default_value = "svg", value_parser = PlotOptions::NAMES)]
    plot: String,
    #[command(flatten)]
    common: Common,
}

/// A library error as a failure: bad input exits 2, the machine's problems 1. Errors about a
/// swept key name the `--set` flag that gave it.
pub fn sweep_failure(e: SweepError) -> Failure {
    let input = e.is_input();
    let msg = match &e {
        SweepError::Axis { .. } | SweepError::Point { .. } | SweepError::RepeatedAxis { .. } => {
            format!("--set {e}")
        }
        SweepError::NeedsSamples { .. } => format!("--design: {e}: add --samples N"),
        SweepError::SamplesWithGrid => {
            format!("--samples: {e}\n  help: drop --samples, or add --design lhs (or random)")
        }
        SweepError::NeedsAxes { .. } => format!("--design: {e}: add --set KEY=min:max"),
        SweepError::NotThisSweep { .. } => format!("--resume: {e}"),
        _ => e.to_string(),
    };
    if input {
        Failure::Input(msg)
    } else {
        Failure::Other(msg)
    }
}

/// Parses `K/N`, `slurm/N` (K from `SLURM_ARRAY_TASK_ID`) or `slurm` (K from
/// `SLURM_ARRAY_TASK_ID`, N from `SLURM_ARRAY_TASK_COUNT`). Arrays are numbered from 1
/// (`--array=1-N`). Prefer `slurm/N`: rerunning one task (`sbatch --array=3`) changes
/// `SLURM_ARRAY_TASK_COUNT` but not N.
pub fn parse_shard(text: &str) -> Result<(usize, usize), Failure> {
    let env = |name: &str| {
        std::env::var(name).map_err(|_| {
            Failure::Input(format!(
                "--shard {text}: {name} is not set\n  help: `slurm` shards run inside a SLURM job array (sbatch --array=1-N); elsewhere give --shard K/N"
            ))
        })
    };
    let resolved;
    let text = if text == "slurm" {
        resolved = format!(
            "{}/{}",
            env("SLURM_ARRAY_TASK_ID")?,
            env("SLURM_ARRAY_TASK_COUNT")?
        );
        resolved.as_str()
    } else if let Some(n) = text.strip_prefix("slurm/") {
        resolved = format!("{}/{n}", env("SLURM_ARRAY_TASK_ID")?);
        resolved.as_str()
    } else {
        text
    };
    let bad = || {
        Failure::Input(format!(
            "--shard {text}: expected K/N with 1 <= K <= N, e.g. --shard 2/8 (or slurm/N in a job array numbered 1-N)"
        ))
    };
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let (k, n): (usize, usize) = (
        k.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// Warns when SCO applicants waited beyond the bound in some of a sweep's runs (a sweep writes
/// no event log, so the warning says how to see the waits).
pub fn warn_applicants_waited(report: &run::SweepReport) {
    crate::common::warn_applicants_waited(
        report.applicants_waited,
        report.runs_done,
        "run one point with `simulate FILE --set KEY=VALUE` for its events.csv",
    );
}

/// A progress bar of `total` runs on stderr, hidden when `quiet` or stderr is not a terminal.
pub fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(
        Some(total),
        if quiet || !std::io::stderr().is_terminal() {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        },
    );
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {per_sec}  ETA {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// Builds the sweep's options from the arguments and the scenario (applying fixed changes): the
/// command line is read here, and merged with the scenario's `[sweep]` table by the library
/// ([`SweepRequest::resolve`]).
fn options(sc: &mut Scenario, args: &SweepArgs) -> Result<SweepOptions, Failure> {
    crate::common::no_set_on_a_dropped_event(&args.common.set, &args.common.without)?;
    let mut fixed = apply_changes(sc, args.lens.as_deref(), &[], &args.common.without)?;
    let mut request = SweepRequest {
        design: args.design.as_deref().map(|d| match d {
            "random" => DesignKind::Random,
            "lhs" => DesignKind::Lhs,
            _ => DesignKind::Grid,
        }),
        samples: args.samples.map(|n| n as usize),
        axes: Vec::new(),
        runs: args.runs.map(|n| n as usize),
    };
    let mut fixed_keys: Vec<&str> = Vec::new();
    for item in &args.common.set {
        let (key, text) = split_set(item)?;
        if fixed_keys.contains(&key) || request.axes.iter().any(|(k, _)| k == key) {
            return Err(Failure::Input(format!(
                "--set {item}: {key} is given twice\n  help: give each key once: one value, or the values to sweep"
            )));
        }
        if let Ok(x) = text.parse::<f64>() {
            fixed_keys.push(key);
            keys::set(sc, key, x).map_err(|e| Failure::Input(format!("--set {item}: {e}")))?;
            fixed.push(format!("--set {key}={x}"));
            continue;
        }
        request.axes.push((key.to_string(), text.to_string()));
    }
    let spec = request.resolve(sc).map_err(sweep_failure)?;
    if let Some(a) = spec
        .axes
        .iter()
        .find(|a| fixed_keys.contains(&a.key.as_str()))
    {
        return Err(Failure::Input(format!(
            "--set {}: the scenario's [sweep] table sweeps this key\n  help: leave it to the [sweep] table, or sweep it from the command line instead",
            a.key
        )));
    }
    let shard = args.shard.as_deref().map(parse_shard).transpose()?;
    let out = args
        .common
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(&sc.name).join("sweep"));
    let command = provenance(sc, &args.scenario, &out, SWEEP_ONLY);
    Ok(SweepOptions {
        spec,
        seed: args.common.seed.unwrap_or(sc.seed),
        jobs: args.common.jobs(),
        shard,
        resume: args.resume,
        keep_runs: args.keep_runs,
        out,
        fixed,
        command,
    })
}

/// The results a sweep writes (the others' are refused: `common::out_is_free`).
fn owns(name: &str) -> bool {
    matches!(name, "sweep.json" | "sweep.partial.csv")
}

/// The results of a sensitivity analysis's design: a sweep's and `sensitivity.csv`. Both
/// `simulate sensitivity` and `simulate merge` (which merges a sharded design, whose indices
/// `simulate sensitivity --resume` then computes again) may replace them.
pub fn owns_design(name: &str) -> bool {
    owns(name) || name == "sensitivity.csv"
}

/// `simulate sweep`.
pub fn sweep(args: SweepArgs) -> Result<(), Failure> {
    let mut sc = load(&args.scenario)?;
    let opts = options(&mut sc, &args)?;
    out_is_free(&opts.out, owns)?;
    crate::common::not_the_others_design(&opts.out, false)?;
    if let Some(k) = args.verify {
        let done = opts.out.join("sweep.csv");
        if !done.is_file() {
            return Err(Failure::Input(format!(
                "--verify {k}: {} holds no finished sweep (no sweep.csv)\n  help: give --out the folder a finished sweep of this scenario wrote, with the same axes",
                opts.out.display()
            )));
        }
        let results = run::verify(&sc, &opts, k).map_err(sweep_failure)?;
        let bad: Vec<usize> = results
            .iter()
            .filter(|(_, ok)| !ok)
            .map(|(i, _)| *i)
            .collect();
        for (i, ok) in &results {
            println!("point {i}: {}", if *ok { "matches" } else { "DIFFERS" });
        }
        if bad.is_empty() {
            println!(
                "verified {} points of {}/sweep.csv: all match",
                results.len(),
                opts.out.display()
            );
            return Ok(());
        }
        return Err(Failure::Other(format!(
            "{} of {} re-run points differ from sweep.csv: {bad:?}",
            bad.len(),
            results.len()
        )));
    }
    let points = opts.spec.points(opts.seed).len();
    let mine = match opts.shard {
        Some((k, n)) => (0..points).filter(|i| i % n == k - 1).count(),
        None => points,
    };
    let total_runs = (mine * opts.spec.runs) as u64;
    let bar = progress_bar(total_runs, args.common.quiet);
    let started = Instant::now();
    let report = run::run_sweep(&sc, &opts, &|n| bar.set_position(n)).map_err(sweep_failure)?;
    bar.finish_and_clear();
    warn_applicants_waited(&report);
    let secs = started.elapsed().as_secs_f64();
    let mut charts = Vec::new();
    if opts.shard.is_none() {
        let plot_opts = PlotOptions::parse(&args.plot).unwrap_or_default();
        let drawn = charts::charts(&sc, &opts, &report.rows, &plot_opts).map_err(sweep_failure)?;
        let other = |e: &dyn std::fmt::Display| Failure::Other(e.to_string());
        plot::write_files(&opts.out, &drawn, &plot_opts).map_err(|e| other(&e))?;
        for c in &drawn {
            for (name, _) in c.files(&plot_opts) {
                charts.push(opts.out.join(name));
            }
        }
        let about = format!(
            "{} over {}, seed {}, {} runs per point; {}",
            sc.path,
            opts.spec
                .axes
                .iter()
                .map(|a| format!("{}={}", a.key, a.values.text()))
                .collect::<Vec<_>>()
                .join(", "),
            opts.seed,
            opts.spec.runs,
            opts.command.join(" ")
        );
        let html = report::sweep::page(&sc, &about, &drawn);
        let path = opts.out.join("report.html");
        write_atomic(&path, html.as_bytes()).map_err(|e| other(&e))?;
        charts.push(path);
    }
    if !args.common.quiet {
        let shard = opts.shard.map_or(String::new(), |(k, n)| {
            format!(
                " (shard {k}/{n}: {} of {} points)",
                report.my_points, report.total_points
            )
        });
        println!(
            "{} sweep of {}: {} points x {} runs{shard}",
            opts.spec.design.name(),
            sc.name,
            report.total_points,
            opts.spec.runs
        );
        if report.resumed_points > 0 {
            println!(
                "resumed: {} points were already done",
                report.resumed_points
            );
        }
        println!(
            "ran {} runs in {secs:.2} s ({:.0} runs/s)",
            report.runs_done,
            if secs > 0.0 {
                report.runs_done as f64 / secs
            } else {
                0.0
            }
        );
        for f in report.files.iter().chain(&charts) {
            println!("wrote {}", f.display());
        }
    }
    Ok(())
}

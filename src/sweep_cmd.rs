//! `simulate sweep` and `simulate merge`: argument handling and printing around
//! [`soft_balancing::sweep`].

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use soft_balancing::keys;
use soft_balancing::scenario::Scenario;
use soft_balancing::sweep::{
    self, Axis, Design, SweepError, SweepOptions, SweepSpec, chart, parse_values,
};

use crate::{Failure, apply_changes, load, split_set};

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
probability of each [[outcomes]] entry), sweep.json (definition and provenance), charts, and
runs.csv with --keep-runs. Results are flushed per point; --resume continues a killed sweep.";

/// Arguments of `simulate sweep`.
#[derive(Args)]
#[command(after_help = SWEEP_HELP)]
pub struct SweepArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// A swept key and its values (min:max:step, a,b,c, or min:max with --design random|lhs),
    /// or KEY=VALUE to fix a value for every point. Repeat for more axes.
    #[arg(long = "set", value_name = "KEY=VALUES")]
    set: Vec<String>,
    /// How points are chosen: grid, random or lhs (Latin hypercube) [default: the scenario's
    /// [sweep] design, else grid].
    #[arg(long, value_name = "DESIGN", value_parser = ["grid", "random", "lhs"])]
    design: Option<String>,
    /// Points to draw with --design random|lhs.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    samples: Option<u64>,
    /// Replicates per point [default: the scenario's [sweep] runs, else 20].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    runs: Option<u64>,
    /// Threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_name = "N", default_value_t = 0)]
    jobs: usize,
    /// Output folder [default: out/<scenario name>/sweep].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Seed of the sweep [default: the scenario's seed].
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
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
    #[arg(long, value_name = "K")]
    verify: Option<usize>,
    /// Decision rule for every state [default: the scenario's].
    #[arg(long, value_name = "NAME")]
    lens: Option<String>,
    /// Drop the scripted event with this id at every point.
    #[arg(long = "without", value_name = "EVENT_ID")]
    without: Vec<String>,
    /// No progress bar and no summary.
    #[arg(long, short)]
    quiet: bool,
}

/// Arguments of `simulate merge`.
#[derive(Args)]
pub struct MergeArgs {
    /// Output folders of the shards (each holds sweep.csv and sweep.json).
    #[arg(required = true, value_name = "DIR")]
    dirs: Vec<PathBuf>,
    /// Folder for the merged sweep.csv and sweep.json.
    #[arg(long, value_name = "DIR", default_value = "out/merged")]
    out: PathBuf,
}

fn sweep_failure(e: SweepError) -> Failure {
    match e {
        SweepError::Input(m) => Failure::Input(m),
        SweepError::Io(m) => Failure::Other(m),
    }
}

/// Parses `K/N`, `slurm/N` (K from `SLURM_ARRAY_TASK_ID`) or `slurm` (K from
/// `SLURM_ARRAY_TASK_ID`, N from `SLURM_ARRAY_TASK_COUNT`). Arrays are numbered from 1
/// (`--array=1-N`). Prefer `slurm/N`: rerunning one task (`sbatch --array=3`) changes
/// `SLURM_ARRAY_TASK_COUNT` but not N.
fn parse_shard(text: &str) -> Result<(usize, usize), Failure> {
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

/// Builds the sweep's options from the arguments and the scenario (applying fixed changes).
fn options(sc: &mut Scenario, args: &SweepArgs) -> Result<SweepOptions, Failure> {
    let mut fixed = apply_changes(sc, args.lens.as_deref(), &[], &args.without)?;
    let file_spec = sc.sweep.clone();
    let design_name = args
        .design
        .clone()
        .or_else(|| file_spec.as_ref().map(|s| s.design.name().to_string()));
    let samples = args
        .samples
        .map(|n| n as usize)
        .or(match file_spec.as_ref().map(|s| s.design) {
            Some(Design::Random(n)) | Some(Design::Lhs(n)) => Some(n),
            _ => None,
        });
    let design = match design_name.as_deref() {
        None | Some("grid") => Design::Grid,
        Some(d) => {
            let n = samples.ok_or_else(|| {
                Failure::Input(format!(
                    "--design {d}: needs --samples N (the number of points to draw)"
                ))
            })?;
            if d == "random" {
                Design::Random(n)
            } else {
                Design::Lhs(n)
            }
        }
    };
    let mut axes = Vec::new();
    for item in &args.set {
        let (key, text) = split_set(item)?;
        if let Ok(x) = text.parse::<f64>() {
            keys::set(sc, key, x).map_err(|e| Failure::Input(format!("--set {item}: {e}")))?;
            fixed.push(format!("--set {key}={x}"));
            continue;
        }
        let values = parse_values(text, design != Design::Grid)
            .map_err(|m| Failure::Input(format!("--set {item}: {m}")))?;
        let (min, max) =
            keys::range(sc, key).map_err(|e| Failure::Input(format!("--set {item}: {e}")))?;
        if let Some((lo, hi)) = values.bounds()
            && (lo < min || hi > max)
        {
            return Err(Failure::Input(format!(
                "--set {item}: values reach outside the valid range of {key}, {min} to {max}\n  help: keep the swept values within the range"
            )));
        }
        axes.push(Axis {
            key: key.to_string(),
            values,
        });
    }
    let axes = if axes.is_empty() {
        file_spec
            .as_ref()
            .map(|s| s.axes.clone())
            .unwrap_or_default()
    } else {
        axes
    };
    if design != Design::Grid && axes.is_empty() {
        return Err(Failure::Input(
            "--design random|lhs needs axes: --set KEY=min:max".into(),
        ));
    }
    let runs = args
        .runs
        .map(|n| n as usize)
        .or(file_spec.as_ref().map(|s| s.runs))
        .unwrap_or(20);
    let shard = args.shard.as_deref().map(parse_shard).transpose()?;
    Ok(SweepOptions {
        spec: SweepSpec { design, runs, axes },
        seed: args.seed.unwrap_or(sc.seed),
        jobs: args.jobs,
        shard,
        resume: args.resume,
        keep_runs: args.keep_runs,
        out: args
            .out
            .clone()
            .unwrap_or_else(|| PathBuf::from("out").join(&sc.name).join("sweep")),
        fixed,
    })
}

/// `simulate sweep`.
pub fn sweep(args: SweepArgs) -> Result<(), Failure> {
    let mut sc = load(&args.scenario)?;
    let opts = options(&mut sc, &args)?;
    if let Some(k) = args.verify {
        let results = sweep::verify(&sc, &opts, k).map_err(sweep_failure)?;
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
    let bar = ProgressBar::with_draw_target(
        Some(total_runs),
        if args.quiet || !std::io::stderr().is_terminal() {
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
    let started = Instant::now();
    let report = sweep::run_sweep(&sc, &opts, &|n| bar.set_position(n)).map_err(sweep_failure)?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    let mut charts = Vec::new();
    if opts.shard.is_none() {
        charts = draw_charts(&sc, &opts).map_err(Failure::Other)?;
    }
    if !args.quiet {
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

/// Charts of a finished sweep: each index (and each outcome's probability) over one swept key
/// (mean and 5-95% band), or its mean as a heatmap over two.
fn draw_charts(sc: &Scenario, opts: &SweepOptions) -> Result<Vec<PathBuf>, String> {
    let axes = &opts.spec.axes;
    if axes.is_empty() || axes.len() > 2 {
        return Ok(Vec::new());
    }
    let path = opts.out.join("sweep.csv");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap_or("").split(',').collect();
    let rows: Vec<Vec<f64>> = lines
        .map(|l| {
            l.split(',')
                .map(|x| x.parse().unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    let col = |name: &str| head.iter().position(|h| *h == name);
    let mut targets: Vec<(String, String)> = soft_balancing::record::Indices::NAMES
        .iter()
        .map(|n| (n.to_string(), format!("{n}_mean")))
        .collect();
    for o in &sc.outcomes {
        targets.push((format!("p_{}", o.id), format!("p_{}", o.id)));
    }
    let mut written = Vec::new();
    for (name, mean_col) in targets {
        let Some(m) = col(&mean_col) else { continue };
        let file = opts.out.join(format!("sweep_{name}.svg"));
        let title = format!(
            "{} over {} — {} (seed {})",
            name,
            axes.iter()
                .map(|a| a.key.as_str())
                .collect::<Vec<_>>()
                .join(" x "),
            sc.name,
            opts.seed
        );
        if axes.len() == 1 {
            let mut pts: Vec<(f64, f64, f64, f64)> = rows
                .iter()
                .map(|r| {
                    let x = r[2];
                    let (lo, hi) = match (col(&format!("{name}_p5")), col(&format!("{name}_p95"))) {
                        (Some(a), Some(b)) => (r[a], r[b]),
                        _ => (r[m], r[m]),
                    };
                    (x, r[m], lo, hi)
                })
                .collect();
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            let (x, mean, lo, hi): (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) = (
                pts.iter().map(|p| p.0).collect(),
                pts.iter().map(|p| p.1).collect(),
                pts.iter().map(|p| p.2).collect(),
                pts.iter().map(|p| p.3).collect(),
            );
            chart::line_band(
                &file,
                &title,
                &axes[0].key,
                &name,
                &chart::Band {
                    x: &x,
                    mean: &mean,
                    lo: &lo,
                    hi: &hi,
                },
            )?;
        } else {
            if opts.spec.design != Design::Grid {
                return Ok(written);
            }
            let xs = axes[0].values.grid();
            let ys = axes[1].values.grid();
            let mut z = vec![vec![0.0; ys.len()]; xs.len()];
            for (i, r) in rows.iter().enumerate() {
                z[i / ys.len()][i % ys.len()] = r[m];
            }
            chart::heatmap(&file, &title, &axes[0].key, &axes[1].key, &xs, &ys, &z)?;
        }
        written.push(file);
    }
    Ok(written)
}

/// `simulate merge`.
pub fn merge(args: MergeArgs) -> Result<(), Failure> {
    let files = sweep::merge(&args.dirs, &args.out).map_err(sweep_failure)?;
    println!("merged {} shard folders", args.dirs.len());
    for f in files {
        println!("wrote {}", f.display());
    }
    Ok(())
}

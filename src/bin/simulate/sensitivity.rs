//! `simulate sensitivity FILE --method morris|sobol`: global sensitivity analysis run as a
//! sweep, argument handling and printing around [`soft_balancing::sweep::sensitivity`].

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use soft_balancing::output::text::fixed;
use soft_balancing::scenario::experiment::MAX_RUNS_PER_POINT;
use soft_balancing::scenario::keys;
use soft_balancing::sensitivity::{Analysis, DesignError, Factor, Measured, Method};
use soft_balancing::sweep::error::SweepError;
use soft_balancing::sweep::options::SweepOptions;
use soft_balancing::sweep::{run, sensitivity};

use crate::Failure;
use crate::common::whole;
use crate::common::{Common, apply_changes, load, provenance, split_set};
use crate::sweep::{parse_shard, progress_bar, sweep_failure, warn_applicants_waited};

const HELP: &str = "\
Examples:
  simulate sensitivity scenarios/sco2001.toml --method morris            every parameter, valid ranges
  simulate sensitivity FILE --method morris --params decision --around 0.5   default x (1 +- 0.5)
  simulate sensitivity FILE --method sobol --samples 256 \\
      --set decision.money_weight=5:15 --set decision.domination_weight=7:21 --output us_influence
  simulate sensitivity FILE --method sobol ... --shard 2/8 --out out/s2   then simulate merge, then
  simulate sensitivity FILE --method sobol ... --out out/merged --resume  (the indices, no runs)

Factors: --set KEY=min:max, any key path `simulate sweep` takes; --set KEY=VALUE fixes a value.
Without intervals: every model parameter (--params SECTION,... for some sections) over its
documented valid range (`simulate explain params`), or over default x (1 +- F) with --around F.

Outputs (--output NAME, repeatable): a final share (KGZ_RUS), an index (us_influence), an
outcome's probability (p_<id>), checks_passed (scorecard lines passing by their share of runs),
distance and distance_out (the distance to the record up to 2010 and after, as `simulate
calibrate` measures it: lines' shares and dates, UN votes), un_votes (the UN-vote term alone,
2001-2010), or all. Default: the indices, every p_<id> and checks_passed. distance, distance_out
and un_votes run each point's runs again when the indices are computed.

Writes into --out (default out/<scenario>/sensitivity_<method>): sweep.csv and sweep.json (the
design's points, as any sweep), sensitivity.csv (one row per output and factor), a chart per
output (sensitivity_<output>.svg) and report.html. See docs/sensitivity.md.";

/// Arguments of `simulate sensitivity`.
#[derive(Args)]
#[command(after_help = HELP)]
pub struct SensitivityArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// morris (elementary effects: screening) or sobol (variance-based first-order and total
    /// indices).
    #[arg(long, value_name = "METHOD", value_parser = ["morris", "sobol"])]
    method: String,
    /// Morris: trajectories (each is factors + 1 points), 2 to 100000 [default: 10].
    #[arg(allow_negative_numbers = true, long, value_name = "R", value_parser = whole::<u64>(2, 100_000))]
    trajectories: Option<u64>,
    /// Morris: grid levels per factor (even) [default: 4].
    #[arg(allow_negative_numbers = true, long, value_name = "P", value_parser = whole::<u64>(2, 1000))]
    levels: Option<u64>,
    /// Sobol: base rows of Saltelli's design (each is factors + 2 points); a power of two
    /// [default: 128].
    #[arg(allow_negative_numbers = true, long, value_name = "N", value_parser = whole::<u64>(2, 10_000_000))]
    samples: Option<u64>,
    /// Replicates per point; the output at a point is their mean.
    #[arg(allow_negative_numbers = true, long, value_name = "N", default_value_t = 10, value_parser = whole::<u64>(1, MAX_RUNS_PER_POINT))]
    runs: u64,
    /// Without --set intervals: only the parameters of these sections (comma-separated:
    /// decision, bases, loans, strategy, energy, partnership, enlargement, lenses, shocks).
    #[arg(long, value_name = "SECTION,...", value_delimiter = ',')]
    params: Vec<String>,
    /// Without --set intervals: vary each parameter over default x (1 - F) to default x (1 + F)
    /// within its valid range, instead of its whole valid range (parameters whose default is 0
    /// are then left out).
    #[arg(allow_negative_numbers = true, long, value_name = "F", value_parser = parse_fraction)]
    around: Option<f64>,
    /// An output to analyse (repeatable), or `all`.
    #[arg(long = "output", value_name = "NAME")]
    outputs: Vec<String>,
    /// Bootstrap resamples for the confidence intervals, 2 to 1000000.
    #[arg(allow_negative_numbers = true, long, value_name = "B", default_value_t = 1000, value_parser = whole::<u64>(2, 1_000_000))]
    resamples: u64,
    /// Run only slice K of N of the design's points (see `simulate sweep --shard`).
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Continue an interrupted run in the output folder (or analyse a merged one) without
    /// recomputing finished points.
    #[arg(long)]
    resume: bool,
    /// Decision rule for every state [default: the scenario's].
    #[arg(long, value_name = "NAME")]
    lens: Option<String>,
    #[command(flatten)]
    common: Common,
}

fn parse_fraction(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(f) if f > 0.0 && f.is_finite() => Ok(f),
        _ => Err(format!(
            "`{s}` is not a positive number (e.g. 0.5 for ±50 %)"
        )),
    }
}

/// A library error as a failure, naming the flag behind it.
fn failure(e: SweepError) -> Failure {
    match &e {
        SweepError::Output { .. } => Failure::Input(format!("--output: {e}")),
        SweepError::Section { .. } => Failure::Input(format!("--params: {e}")),
        SweepError::EmptyInterval { .. } => Failure::Input(format!("--set {e}")),
        SweepError::Design(d) => {
            let flag = match d {
                DesignError::Levels(_) => "--levels",
                DesignError::TooFew { what, .. } if what.contains("trajector") => "--trajectories",
                DesignError::TooFew { .. } => "--samples",
                _ => "--set",
            };
            Failure::Input(format!("{flag}: {e}"))
        }
        _ => sweep_failure(e),
    }
}

/// `simulate sensitivity`.
pub fn sensitivity(args: SensitivityArgs) -> Result<(), Failure> {
    let mut sc = load(&args.scenario)?;
    crate::common::no_set_on_a_dropped_event(&args.common.set, &args.common.without)?;
    let mut fixed = apply_changes(&mut sc, args.lens.as_deref(), &[], &args.common.without)?;
    let mut factors = Vec::new();
    for item in &args.common.set {
        let (key, text) = split_set(item)?;
        if let Ok(x) = text.parse::<f64>() {
            keys::set(&mut sc, key, x).map_err(|e| Failure::Input(format!("--set {item}: {e}")))?;
            fixed.push(format!("--set {key}={x}"));
            continue;
        }
        let bad = || {
            Failure::Input(format!(
                "--set {item}: a factor is KEY=min:max (an interval), or KEY=VALUE to fix a value"
            ))
        };
        let (lo, hi) = text.split_once(':').ok_or_else(bad)?;
        let (min, max) = (
            lo.trim().parse::<f64>().map_err(|_| bad())?,
            hi.trim().parse::<f64>().map_err(|_| bad())?,
        );
        factors.push(Factor {
            key: key.to_string(),
            min,
            max,
        });
    }
    let mut skipped = Vec::new();
    if factors.is_empty() {
        (factors, skipped) =
            sensitivity::default_factors(&args.params, args.around).map_err(failure)?;
    } else if !args.params.is_empty() || args.around.is_some() {
        return Err(Failure::Input(
            "--params/--around choose parameters when no --set KEY=min:max names the factors; give one or the other".into(),
        ));
    }
    // Each method's own options; another method's is a mistake worth naming.
    let misplaced = |flag: &str, method: &str, own: &str| {
        Failure::Input(format!(
            "{flag}: applies to --method {method}, not --method {}\n  help: drop {flag}; --method {} takes {own}",
            args.method, args.method
        ))
    };
    let method = match args.method.as_str() {
        "morris" => {
            if args.samples.is_some() {
                return Err(misplaced(
                    "--samples",
                    "sobol",
                    "--trajectories and --levels",
                ));
            }
            Method::Morris {
                trajectories: args.trajectories.unwrap_or(10) as usize,
                levels: args.levels.unwrap_or(4) as usize,
            }
        }
        _ => {
            if args.trajectories.is_some() {
                return Err(misplaced("--trajectories", "morris", "--samples"));
            }
            if args.levels.is_some() {
                return Err(misplaced("--levels", "morris", "--samples"));
            }
            let samples = args.samples.unwrap_or(128);
            // Saltelli's estimators are balanced at powers of two of a scrambled Sobol sequence.
            if !samples.is_power_of_two() {
                let below = 1u64 << (63 - samples.leading_zeros());
                return Err(Failure::Input(format!(
                    "--samples {samples}: not a power of two\n  help: the Sobol sequence covers the factors evenly at powers of two; use {below} or {}",
                    below * 2
                )));
            }
            Method::Sobol {
                samples: samples as usize,
            }
        }
    };
    let spec = sensitivity::spec(&sc, method, &factors, args.runs as usize).map_err(failure)?;
    let outputs = sensitivity::resolve_outputs(&sc, &args.outputs).map_err(failure)?;
    let shard = args.shard.as_deref().map(parse_shard).transpose()?;
    let seed = args.common.seed.unwrap_or(sc.seed);
    let out = args.common.out.clone().unwrap_or_else(|| {
        PathBuf::from("out")
            .join(&sc.name)
            .join(format!("sensitivity_{}", method.name()))
    });
    crate::common::out_is_free(&out, crate::sweep::owns_design)?;
    crate::common::not_the_others_design(&out, true)?;
    let command = provenance(&mut sc, &args.scenario, &out, crate::sweep::SWEEP_ONLY);
    let opts = SweepOptions {
        spec,
        seed,
        jobs: args.common.jobs(),
        shard,
        resume: args.resume,
        keep_runs: false,
        out,
        fixed,
        command: command.clone(),
    };
    let points = method.points(factors.len());
    let mine = match shard {
        Some((k, n)) => (0..points).filter(|i| i % n == k - 1).count(),
        None => points,
    };
    let bar = progress_bar((mine * opts.spec.runs) as u64, args.common.quiet);
    let started = Instant::now();
    let report = run::run_sweep(&sc, &opts, &|n| bar.set_position(n)).map_err(sweep_failure)?;
    bar.finish_and_clear();
    warn_applicants_waited(&report);
    let secs = started.elapsed().as_secs_f64();
    let quiet = args.common.quiet;
    if !quiet {
        let sizes = match method {
            Method::Morris {
                trajectories,
                levels,
            } => format!("{trajectories} trajectories on {levels} levels"),
            Method::Sobol { samples } => format!("{samples} base rows"),
        };
        let shard_note = shard.map_or(String::new(), |(k, n)| {
            format!(" (shard {k}/{n}: {} of them)", report.my_points)
        });
        println!(
            "{} sensitivity of {}: {} factors, {sizes}: {points} points{shard_note} x {} runs, seed {seed}",
            method.name(),
            sc.name,
            factors.len(),
            opts.spec.runs
        );
        if !skipped.is_empty() {
            println!(
                "left out (default 0, no relative interval): {}",
                skipped.join(", ")
            );
        }
        if report.resumed_points > 0 {
            println!(
                "resumed: {} points were already done",
                report.resumed_points
            );
        }
        println!("ran {} runs in {secs:.2} s", report.runs_done);
    }
    let mut files = report.files.clone();
    if shard.is_none() {
        let analysis = sensitivity::analyse(
            &sc,
            &opts.spec,
            &report.rows,
            &outputs,
            args.resamples as usize,
            seed,
            args.common.jobs(),
        )
        .map_err(failure)?;
        let about = format!(
            "{} (SHA-256 {}), seed {seed}, {} runs per point; {}",
            sc.path,
            &sc.sha256[..12.min(sc.sha256.len())],
            opts.spec.runs,
            command.join(" ")
        );
        files.extend(sensitivity::write(&sc, &analysis, &opts.out, &about).map_err(sweep_failure)?);
        if !quiet {
            print_summary(&analysis);
        }
    }
    if !quiet {
        for f in files {
            println!("wrote {}", f.display());
        }
    }
    Ok(())
}

/// Prints each output's five most influential factors.
fn print_summary(a: &Analysis) {
    let width = a.factors.iter().map(|f| f.key.len()).max().unwrap_or(6);
    for o in &a.outputs {
        println!(
            "{}: mean {:.3}, sd {:.3} over the points",
            o.name, o.mean, o.sd
        );
        for f in o.ranking().into_iter().take(5) {
            let key = &a.factors[f].key;
            match &o.indices {
                Measured::Morris(m) => println!(
                    "  {key:<width$}  mu* {:.3} ± {:.3}  mu {}  sigma {:.3}",
                    m[f].mu_star,
                    m[f].mu_star_conf,
                    fixed(m[f].mu, 3, true),
                    m[f].sigma
                ),
                Measured::Sobol(s) => println!(
                    "  {key:<width$}  S1 {} ± {:.2}  ST {} ± {:.2}",
                    fixed(s[f].s1, 2, false),
                    s[f].s1_conf,
                    fixed(s[f].st, 2, false),
                    s[f].st_conf
                ),
            }
        }
    }
}

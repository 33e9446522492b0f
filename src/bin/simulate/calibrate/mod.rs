//! `simulate calibrate FILE`: approximate Bayesian computation of the parameters against the
//! scenario's scorecard and the UN votes, argument handling and printing around
//! [`soft_balancing::runs::calibrate`].

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use soft_balancing::abc::Settings;
use soft_balancing::output::write_atomic;
use soft_balancing::runs::calibrate::checkpoint;
use soft_balancing::runs::calibrate::distance::{Target, line_year, scored, term_counts};
use soft_balancing::runs::calibrate::{
    self, CalibrateError, DEFAULT_AROUND, DEFAULT_PARAMS, Parameter, Progress, Request,
};
use soft_balancing::runs::unvote::{self, Observation};
use soft_balancing::scenario::experiment::round12;
use soft_balancing::scenario::keys;
use soft_balancing::scenario::keys::split_setting;
use soft_balancing::sweep::store::sha256_hex;

mod shard;

/// The latest year `--fit-until` takes.
const LAST_FIT_YEAR: i32 = 2200;

use crate::Failure;
use crate::common::whole;
use crate::common::{Common, commit, load, provenance, stage};
use crate::sweep::{parse_shard, progress_bar};

/// The most runs per parameter set with the UN votes, whose records are kept while a set is
/// scored (as `validate --data`).
const MAX_RUNS_WITH_DATA: u64 = 5000;

const HELP: &str = "\
Examples:
  simulate calibrate scenarios/sco2001.toml                      the default parameters and budget
  simulate calibrate FILE --particles 40 --generations 3 --runs 10   a quick look
  simulate calibrate FILE --param decision.money_weight=5:15 --param decision.temperature=0.3:0.9
  simulate calibrate FILE --fit-until 2008 --data none           fit on lines to 2008, no votes
  simulate calibrate FILE --resume                               continue a killed calibration
  simulate calibrate FILE --shard 2/8; ... --merge-shards        one generation on 8 nodes

What it does: approximate Bayesian computation by adaptive population Monte Carlo (Lenormand,
Jabot and Deffuant 2013; the ABC-SMC of Beaumont et al. 2009 and Toni et al. 2009). Generation 0
draws --particles parameter sets from uniform priors; each later generation moves the nearest
half around and keeps the nearest, until few new sets beat the tolerance or --generations are
done. A set's distance is the root mean square of its terms over --runs runs: each [[checks]]
line's shortfall from its share of runs, each dated line's error in months over its tolerance,
and the UN-vote observation model's error over the votes' spread. Only lines and votes up to
--fit-until count; later ones are reported out of sample.

Parameters (--param KEY=min:max, repeatable; uniform priors): without them, decision.money_weight,
regime_weight, leaning_weight, security_weight and temperature (what the scorecard and the
final shares depend on most, docs/sensitivity.md), each over default x (1 +- 0.5).

Writes into --out (default out/<scenario>/calibration): calibration.csv (the kept sample of
every generation: one row per generation, particle and parameter), posterior.csv (per
parameter: prior, default, median, 5-95 %, default inside or not), distance.csv (every term at
the posterior median and at the defaults), scorecard_in_sample.csv and
scorecard_out_of_sample.csv (the scorecard at the posterior median), marginal_<key>.svg and
report.html. Same seed, same bytes, on any --jobs. See docs/calibration.md.

Interruptions: after each generation, calibration.partial.csv in --out holds the generations
done (checksummed; removed when the output is complete). Run the same command with --resume to
continue from it: the output is the uninterrupted run's, byte for byte. A checkpoint of another
calibration, or a changed one, is refused (exit 2) naming the file, line and column.

On a cluster, one generation at a time: --shard K/N (K = 1..N, as many tasks) scores a slice of
the next generation's proposals and writes calibration.shard_K_of_N.csv into --out; then
--merge-shards adds the generation to the checkpoint, and after the last one writes the output,
the same bytes as an unsharded run (docs/cluster.md).";

/// Arguments of `simulate calibrate`.
#[derive(Args)]
#[command(after_help = HELP)]
pub struct CalibrateArgs {
    /// Replay scenario with [[checks]].
    scenario: PathBuf,
    /// A parameter to calibrate with its uniform prior, KEY=min:max (repeatable) [default: five
    /// decision parameters over default x (1 +- 0.5)].
    #[arg(long = "param", value_name = "KEY=MIN:MAX")]
    params: Vec<String>,
    /// Parameter sets per generation, 4 to 1000000.
    #[arg(allow_negative_numbers = true, long, value_name = "N", default_value_t = 400, value_parser = whole::<u64>(4, 1_000_000))]
    particles: u64,
    /// The most generations, the draw from the prior included.
    #[arg(allow_negative_numbers = true, long, value_name = "G", default_value_t = 10, value_parser = whole::<u64>(1, 1000))]
    generations: u64,
    /// Runs per parameter set (their ensemble is what is scored).
    #[arg(allow_negative_numbers = true, long, value_name = "N", default_value_t = 20, value_parser = whole::<u64>(1, 100_000))]
    runs: u64,
    /// Runs per ensemble of the scorecards at the posterior median and at the defaults.
    #[arg(allow_negative_numbers = true, long, value_name = "N", default_value_t = 200, value_parser = whole::<u64>(1, 1_000_000))]
    scorecard_runs: u64,
    /// Share of the particles kept from one generation to the next (0 to 1).
    #[arg(allow_negative_numbers = true, long, value_name = "A", default_value_t = 0.5, value_parser = parse_fraction)]
    alpha: f64,
    /// Stop when fewer than this share of a generation's new sets fall within the tolerance.
    #[arg(allow_negative_numbers = true, long, value_name = "P", default_value_t = 0.05, value_parser = parse_fraction)]
    p_acc_min: f64,
    /// The last year in sample: lines dated up to it, and UN votes from 2001 to it, are fitted;
    /// later ones are out of sample.
    #[arg(allow_negative_numbers = true, long, value_name = "YEAR", default_value_t = 2010, value_parser = clap::value_parser!(i32).range(1900..=i64::from(LAST_FIT_YEAR)))]
    fit_until: i32,
    /// Measured data the distance also uses: `unga` (UN General Assembly voting agreement,
    /// shipped), a CSV file in its format, or `none` [default: unga when the scenario has
    /// USA, RUS and CHN patrons, starts by --fit-until and has at least 3 state-years of the
    /// votes by then, else none, with a note]. Votes with fewer than 3 state-years of the
    /// scenario's states are refused.
    #[arg(long, value_name = "unga|FILE|none")]
    data: Option<String>,
    /// Continue an interrupted calibration from the checkpoint in the output folder
    /// (calibration.partial.csv): finished generations are not run again, and the output is
    /// the uninterrupted run's, byte for byte.
    #[arg(long)]
    resume: bool,
    /// Score only slice K of N of the next generation's proposals (j with j mod N = K-1),
    /// reading the checkpoint in --out, and write calibration.shard_K_of_N.csv there; gather
    /// the slices with --merge-shards (`slurm/N` takes K from a SLURM job array).
    #[arg(long, value_name = "K/N", conflicts_with_all = ["resume", "merge_shards"])]
    shard: Option<String>,
    /// Gather the shard files of the next generation in --out into the checkpoint; when that
    /// was the last generation, write the output as --resume does.
    #[arg(long, conflicts_with = "resume")]
    merge_shards: bool,
    /// Stop once generation K is done and checkpointed, writing no output (for tests of
    /// --resume).
    #[arg(long, value_name = "K", hide = true)]
    stop_after_generation: Option<u64>,
    #[command(flatten)]
    common: Common,
}

fn parse_fraction(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(f) if f > 0.0 && f < 1.0 => Ok(f),
        _ => Err(format!("`{s}` is not a number between 0 and 1 (exclusive)")),
    }
}

/// The files `simulate calibrate` writes.
fn owns(name: &str) -> bool {
    matches!(
        name,
        "calibration.csv"
            | "posterior.csv"
            | "distance.csv"
            | "scorecard_in_sample.csv"
            | "scorecard_out_of_sample.csv"
            | "report.html"
            | checkpoint::FILE
    ) || (name.starts_with("marginal_") && name.ends_with(".svg"))
        || name.ends_with(".partial")
        || checkpoint::shard_of(name).is_some()
}

/// `--param KEY=min:max`, parsed.
fn parse_param(item: &str) -> Result<Parameter, Failure> {
    let bad = || {
        Failure::Input(format!(
            "--param {item}: expected KEY=min:max, e.g. --param decision.money_weight=5:15"
        ))
    };
    let (key, text) = item.split_once('=').ok_or_else(bad)?;
    let (lo, hi) = text.split_once(':').ok_or_else(bad)?;
    let (min, max) = (
        lo.trim().parse::<f64>().map_err(|_| bad())?,
        hi.trim().parse::<f64>().map_err(|_| bad())?,
    );
    Ok(Parameter {
        key: key.trim().to_string(),
        min,
        max,
        default: 0.0,
    })
}

/// The default parameters: [`DEFAULT_PARAMS`] over default x (1 +- [`DEFAULT_AROUND`]) within
/// their valid ranges.
fn default_params(sc: &soft_balancing::Scenario) -> Result<Vec<Parameter>, Failure> {
    let mut copy = sc.clone();
    DEFAULT_PARAMS
        .iter()
        .map(|key| {
            let other = |e: &dyn std::fmt::Display| Failure::Other(format!("{key}: {e}"));
            let v = keys::get(&mut copy, key).map_err(|e| other(&e))?;
            let (lo, hi) = keys::range(sc, key).map_err(|e| other(&e))?;
            let (a, b) = (v * (1.0 - DEFAULT_AROUND), v * (1.0 + DEFAULT_AROUND));
            Ok(Parameter {
                key: key.to_string(),
                min: round12(a.min(b).max(lo)),
                max: round12(a.max(b).min(hi)),
                default: v,
            })
        })
        .collect()
}

/// The measured votes `--data` names, or the default.
fn read_votes(
    name: Option<&str>,
    sc: &soft_balancing::Scenario,
    fit_until: i32,
) -> Result<Option<(String, Vec<Observation>, String)>, Failure> {
    let has_patrons = ["USA", "RUS", "CHN"]
        .iter()
        .all(|id| sc.patron_slot(id).is_some());
    let (source, text) = match name {
        Some("none") => return Ok(None),
        None if !has_patrons || sc.start.year() > fit_until => return Ok(None),
        None | Some("unga") => ("unga".to_string(), unvote::UNGA.to_string()),
        Some(file) => {
            let text = crate::common::read_input(
                Path::new(file),
                &format!("--data {file}"),
                "give `unga` (the shipped UN voting data), `none`, or a CSV file with columns year, iso3, agree_us, agree_ru, agree_cn, nvotes",
            )?;
            (file.to_string(), text)
        }
    };
    if !has_patrons {
        return Err(Failure::Input(format!(
            "--data {source}: the scenario lacks one of the patrons USA, RUS and CHN the votes are about\n  help: give --data none"
        )));
    }
    let obs = unvote::parse(&text).map_err(|e| Failure::Input(format!("--data {source}: {e}")))?;
    // Votes that hold too few of the scenario's states to be fitted would be the same constant
    // penalty for every parameter set: no information, counted as a term.
    let window = (unvote::DEFAULT_FIT_WINDOW.0, fit_until);
    let n = unvote::state_years(&obs, sc, window);
    if n < 3 {
        let problem = format!(
            "{n} state-years of the scenario's states in the votes' fit window {}-{}, need 3",
            window.0, window.1
        );
        if name.is_none() {
            eprintln!(
                "note: the UN votes are left out of the calibration: {problem} (the shipped votes cover the region's states); give --data FILE with rows for this scenario's states to use votes"
            );
            return Ok(None);
        }
        return Err(Failure::Input(format!(
            "--data {source}: {problem}\n  help: give --data none, or a file with rows (iso3 = the scenario's state ids) for those years"
        )));
    }
    let sum = sha256_hex(text.as_bytes());
    Ok(Some((source, obs, sum)))
}

/// A checkpoint or shard file refused: exit 2 naming `flag`, the file, the line and the column.
fn refused(flag: &str, path: &Path, e: checkpoint::CheckpointError) -> Failure {
    Failure::Input(format!(
        "{flag}: {}: {e}\n  help: use the command that wrote it, or run without --resume, --shard and --merge-shards to start over",
        path.display()
    ))
}

fn read_text(path: &Path) -> Result<String, Failure> {
    crate::common::read_input(
        path,
        &format!("cannot read {}", path.display()),
        "use the files the calibration wrote, or start over without --resume",
    )
}

fn failure(e: CalibrateError) -> Failure {
    match e {
        CalibrateError::Key { .. } => Failure::Input(format!("--param {e}")),
        CalibrateError::Abc(_) => Failure::Input(format!(
            "--particles/--generations/--alpha/--p-acc-min: {e}"
        )),
        CalibrateError::NonFinite { .. } => Failure::Input(format!(
            "{e}\n  help: narrow the prior ranges (--param KEY=MIN:MAX) to values the \
             model can represent over the scenario's horizon"
        )),
        CalibrateError::Pool(_) | CalibrateError::Checkpoint(_) => Failure::Other(e.to_string()),
    }
}

/// `simulate calibrate`.
pub fn calibrate(args: CalibrateArgs) -> Result<(), Failure> {
    let mut sc = load(&args.scenario)?;
    if sc.checks.is_empty() {
        return Err(Failure::Input(format!(
            "{}: the scenario has no [[checks]] to calibrate against\n  help: calibrate a replay such as scenarios/sco2001.toml",
            args.scenario.display()
        )));
    }
    let (seed, changes) = args.common.apply(&mut sc, None)?;
    let mut params = if args.params.is_empty() {
        default_params(&sc)?
    } else {
        args.params
            .iter()
            .map(|p| parse_param(p))
            .collect::<Result<Vec<_>, _>>()?
    };
    for (i, p) in params.iter().enumerate() {
        if params[..i].iter().any(|q| q.key == p.key) {
            return Err(Failure::Input(format!("--param {}: named twice", p.key)));
        }
        // A key both fixed and calibrated: the prior would silently override the fixed value.
        let mut fixed = args.common.set.iter().filter_map(|s| split_setting(s));
        if let Some((_, value)) = fixed.rfind(|(k, _)| *k == p.key) {
            return Err(Failure::Input(format!(
                "--param {}: also fixed by --set {}={value}\n  help: calibrate it (--param) or fix it (--set), not both",
                p.key, p.key
            )));
        }
    }
    calibrate::check_params(&sc, &mut params).map_err(failure)?;
    let votes = read_votes(args.data.as_deref(), &sc, args.fit_until)?;
    let source = votes.as_ref().map(|v| v.0.clone());
    let data = votes
        .as_ref()
        .map_or("none".to_string(), |v| format!("{} (SHA-256 {})", v.0, v.2));
    let target = Target {
        fit_until: args.fit_until,
        votes: votes.map(|v| v.1),
    };
    // With the votes, each parameter set keeps its runs' records (about 80 KB each for the
    // replay) on each thread: bounded as in `validate --data`.
    if target.votes.is_some() && args.runs > MAX_RUNS_WITH_DATA {
        return Err(Failure::Input(format!(
            "--runs {}: more than the limit of {MAX_RUNS_WITH_DATA} runs per parameter set with the UN votes (every run's record is kept while a set is scored)\n  help: use --runs {MAX_RUNS_WITH_DATA} or fewer, or --data none",
            args.runs
        )));
    }
    let (n_in, n_out) = term_counts(&sc, &target);
    if n_in == 0 {
        return Err(Failure::Input(format!(
            "--fit-until {}: no scorecard line of {} is dated up to that year, and no data\n  help: {}",
            args.fit_until,
            sc.name,
            match scored(&sc).map(|c| line_year(&sc, c)).min() {
                Some(y) if y <= LAST_FIT_YEAR => format!("give --fit-until {y} or later"),
                Some(y) => format!(
                    "its earliest line falls in {y} (a line without `by` falls at the scenario's end), past the latest --fit-until, {LAST_FIT_YEAR}: give the lines earlier `by` dates, or --data with measured votes"
                ),
                None => "every [[checks]] line is a counterfactual (`without`), which a calibration does not score: add a line without `without`".to_string(),
            }
        )));
    }
    let settings = Settings {
        particles: args.particles as usize,
        alpha: args.alpha,
        p_acc_min: args.p_acc_min,
        generations: args.generations as usize,
    };
    let out_dir = args
        .common
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(&sc.name).join("calibration"));
    let quiet = args.common.quiet;
    let applicants = soft_balancing::engine::mechanisms::enlargement::possible_applicants(&sc);
    let bound = soft_balancing::engine::mechanisms::enlargement::MAX_APPLICANTS;
    if applicants > bound {
        // A calibration writes no event log and scores thousands of runs: warn up front.
        eprintln!(
            "warning: up to {applicants} states may apply to the SCO at once, more than the {bound} a summit considers; in runs where more do, the others wait for a later summit (a plain run's events.csv lists them: simulate FILE)"
        );
    }
    let req = Request {
        params,
        settings,
        runs: args.runs as usize,
        scorecard_runs: args.scorecard_runs as usize,
        seed,
        jobs: args.common.jobs(),
        target,
    };
    let (params, sampler) = calibrate::sampler(&sc, &req).map_err(failure)?;
    // Shards to merge are in a folder that exists: none is made for a merge that finds nothing.
    if args.merge_shards && !out_dir.is_dir() {
        return Err(Failure::Input(format!(
            "--merge-shards: {} does not exist, so it holds no shard file (calibration.shard_K_of_N.csv)\n  help: run the command with --shard K/N for K = 1 to N first, with the same --out",
            out_dir.display()
        )));
    }
    // Output problems that can be known now are found before anything runs. Shards, which
    // may run at once on one folder, write only their own file and stage nothing.
    let staging = if args.shard.is_some() {
        crate::common::out_is_free(&out_dir, owns)?;
        None
    } else {
        Some(stage(&out_dir, owns)?)
    };
    // What identifies the calibration's sample: everything the rows depend on.
    let identity: Vec<(String, String)> = vec![
        ("scenario_sha256".into(), sc.sha256.clone()),
        (
            "changes".into(),
            if changes.is_empty() {
                "none".into()
            } else {
                changes.join(" ")
            },
        ),
        ("seed".into(), seed.to_string()),
        (
            "params".into(),
            params
                .iter()
                .map(|p| format!("{}={}:{}", p.key, p.min, p.max))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        ("particles".into(), settings.particles.to_string()),
        ("alpha".into(), settings.alpha.to_string()),
        ("p_acc_min".into(), settings.p_acc_min.to_string()),
        ("generations".into(), settings.generations.to_string()),
        ("runs".into(), req.runs.to_string()),
        ("fit_until".into(), args.fit_until.to_string()),
        ("data".into(), data),
    ];
    let checkpoint_path = out_dir.join(checkpoint::FILE);
    let shard = args.shard.as_deref().map(parse_shard).transpose()?;
    let flag = if shard.is_some() {
        "--shard"
    } else if args.merge_shards {
        "--merge-shards"
    } else {
        "--resume"
    };
    let sharded = shard.is_some() || args.merge_shards;
    let resumed = if (args.resume || sharded) && checkpoint_path.is_file() {
        let text = read_text(&checkpoint_path)?;
        let gens = checkpoint::read(&text, &identity, &params, sampler)
            .map_err(|e| refused(flag, &checkpoint_path, e))?;
        if !quiet && !sharded {
            eprintln!(
                "resuming from {}: {} generations done",
                checkpoint_path.display(),
                gens.len()
            );
        }
        gens
    } else {
        if args.resume && !quiet {
            eprintln!(
                "no checkpoint at {}: starting from generation 0",
                checkpoint_path.display()
            );
        }
        Vec::new()
    };
    let made_out = !out_dir.exists();
    std::fs::create_dir_all(&out_dir)
        .map_err(|e| Failure::Other(format!("cannot write {}: {e}", out_dir.display())))?;
    // A calibration that fails (a parameter set whose runs the model cannot represent, which
    // would fail the same way on --resume) leaves nothing in a folder it made. Shards, which
    // may share the folder with others running at once, leave it as it is.
    let unmade = |e: CalibrateError| {
        if made_out && !sharded {
            let _ = std::fs::remove_dir_all(&out_dir);
        }
        failure(e)
    };
    let mut resumed = resumed;
    // A finished calibration leaves no checkpoint: a shard of a chain that outlived the last
    // generation must not start the calibration over in its folder.
    if sharded && !checkpoint_path.is_file() && out_dir.join("calibration.csv").is_file() {
        return Err(Failure::Input(format!(
            "{}: {} holds a finished calibration and no checkpoint: nothing is left to shard\n  help: give another --out to start a new calibration",
            if args.merge_shards {
                "--merge-shards"
            } else {
                "--shard"
            },
            out_dir.display()
        )));
    }
    if sharded {
        let step = shard::Step {
            sc: &sc,
            req: &req,
            params: &params,
            identity: &identity,
            out_dir: &out_dir,
            checkpoint: &checkpoint_path,
            quiet,
        };
        if !shard::step(&step, shard, &mut resumed)? {
            return Ok(());
        }
    }
    if !quiet {
        eprintln!(
            "calibrating {} parameters of {}: up to {} parameter sets x {} runs ({} terms in sample to {}, {} out of sample{})",
            req.params.len(),
            sc.name,
            settings.max_simulations(),
            req.runs,
            n_in,
            args.fit_until,
            n_out,
            source
                .as_deref()
                .map_or(String::new(), |s| format!("; votes: {s}"))
        );
    }
    let bar = progress_bar((settings.max_simulations() * req.runs) as u64, quiet);
    let started = Instant::now();
    let runs = req.runs as u64;
    let report = |p: Progress| {
        match p {
        Progress::Simulations { done, .. } => bar.set_position(done as u64 * runs),
        Progress::Generation {
            generation,
            epsilon,
            p_acc,
        } if !quiet => bar.suspend(|| {
            eprintln!(
                "generation {generation}: tolerance {epsilon:.4}, {:.0} % of new sets within the last tolerance, {:.1} s",
                p_acc * 100.0,
                started.elapsed().as_secs_f64()
            )
        }),
        Progress::Scorecards if !quiet => bar.suspend(|| {
            eprintln!(
                "scorecards at the posterior median and the defaults ({} runs per ensemble)",
                req.scorecard_runs
            )
        }),
        _ => {}
    }
    };
    let stop = args.stop_after_generation.map(|k| k as usize);
    let mut save = |gens: &[checkpoint::Generation]| -> Result<bool, CalibrateError> {
        let text = checkpoint::write(&identity, &params, gens);
        write_atomic(&checkpoint_path, text.as_bytes()).map_err(|e| {
            CalibrateError::Checkpoint(format!("cannot write {}: {e}", checkpoint_path.display()))
        })?;
        Ok(stop.is_none_or(|k| gens.len() <= k))
    };
    let Some(c) = calibrate::calibrate(&sc, &req, resumed, &report, &mut save).map_err(unmade)?
    else {
        bar.finish_and_clear();
        if !quiet {
            eprintln!(
                "stopped after generation {}; {} holds it: continue with --resume",
                stop.unwrap_or(0),
                checkpoint_path.display()
            );
        }
        return Ok(());
    };
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();

    let Some(staging) = staging else {
        return Err(Failure::Other(
            "a shard has no output folder to write".into(),
        ));
    };
    let charts = soft_balancing::plot::calibrate::charts(&sc.name, &c)
        .map_err(|e| Failure::Other(e.to_string()))?;
    // The scenario's path and the command as typed in the output folder: same bytes anywhere.
    // How the work was interrupted does not change the output: `--resume` is left out.
    let command = provenance(
        &mut sc,
        &args.scenario,
        &out_dir,
        &[
            ("--resume", false),
            ("--stop-after-generation", true),
            ("--merge-shards", false),
        ],
    );
    let mut about = format!(
        "{} (SHA-256 {}), seed {seed}, {} runs per parameter set",
        sc.path,
        &sc.sha256[..12.min(sc.sha256.len())],
        req.runs
    );
    if !changes.is_empty() {
        about.push_str(&format!("; {}", changes.join(" ")));
    }
    about.push_str(&format!("; {}", command.join(" ")));
    use soft_balancing::output::calibrate as tables;
    use soft_balancing::output::csv::scorecard_csv;
    let split = |inside: bool| -> Vec<_> {
        c.median
            .lines
            .iter()
            .zip(&c.line_years)
            .filter(|(_, y)| (**y <= c.fit_until) == inside)
            .map(|(l, _)| l.clone())
            .collect()
    };
    let mut files: Vec<(String, String)> = vec![
        ("calibration.csv".into(), tables::sample_csv(&c)),
        ("posterior.csv".into(), tables::posterior_csv(&c)),
        ("distance.csv".into(), tables::distance_csv(&c)),
        (
            "scorecard_in_sample.csv".into(),
            scorecard_csv(&split(true)),
        ),
        (
            "scorecard_out_of_sample.csv".into(),
            scorecard_csv(&split(false)),
        ),
    ];
    for ch in &charts {
        files.push((format!("{}.svg", ch.name), ch.svg.clone()));
    }
    files.push((
        "report.html".into(),
        soft_balancing::report::calibrate::page(&sc, &c, &charts, &about),
    ));
    let io =
        |e: std::io::Error, p: &Path| Failure::Other(format!("cannot write {}: {e}", p.display()));
    for (name, text) in &files {
        let p = staging.dir().join(name);
        write_atomic(&p, text.as_bytes()).map_err(|e| io(e, &p))?;
    }
    commit(staging)?;
    if !quiet {
        print_summary(&c, secs);
        for (name, _) in &files {
            println!("wrote {}", out_dir.join(name).display());
        }
    }
    Ok(())
}

/// The posterior per parameter, the distances, and the scorecards' pass counts.
fn print_summary(c: &calibrate::Calibration, secs: f64) {
    let post = c.posterior();
    println!(
        "{} generations, {} parameter sets x {} runs in {secs:.1} s; final tolerance {:.4}",
        c.populations.len(),
        post.simulations,
        c.runs,
        post.epsilon
    );
    let width = c.params.iter().map(|p| p.key.len()).max().unwrap_or(9);
    println!(
        "{:<width$}  {:>9}  {:>8}  {:>8}  {:>17}  default in 5-95 %",
        "parameter", "prior", "default", "median", "5-95 %"
    );
    for (i, p) in c.params.iter().enumerate() {
        println!(
            "{:<width$}  {:>9}  {:>8}  {:>8.3}  {:>8.3} to {:<6.3}  {}",
            p.key,
            format!("{}:{}", p.min, p.max),
            p.default,
            post.quantile(i, 0.5),
            post.quantile(i, 0.05),
            post.quantile(i, 0.95),
            if c.default_inside(i) { "yes" } else { "no" }
        );
    }
    let total: f64 = post.particles.iter().map(|p| p.weight).sum();
    let mean = |d: &mut dyn Iterator<Item = (f64, f64)>| d.map(|(w, x)| w * x).sum::<f64>() / total;
    let outs = &c.out_of_sample[c.out_of_sample.len() - 1];
    let out_text = |d: f64| c.out_of_sample_text(d);
    println!(
        "posterior sample: distance {:.3} in sample, {} out of sample (weighted means)",
        mean(&mut post.particles.iter().map(|p| (p.weight, p.distance))),
        out_text(mean(
            &mut post.particles.iter().zip(outs).map(|(p, d)| (p.weight, *d))
        ))
    );
    for (name, point) in [("posterior median", &c.median), ("defaults", &c.defaults)] {
        let count = |inside: bool| {
            let lines: Vec<bool> = point
                .lines
                .iter()
                .zip(&c.line_years)
                .filter(|(_, y)| (**y <= c.fit_until) == inside)
                .map(|(l, _)| l.pass)
                .collect();
            (lines.iter().filter(|p| **p).count(), lines.len())
        };
        let ((pi, ni), (po, no)) = (count(true), count(false));
        println!(
            "{name}: distance {:.3} in sample, {} out of sample; scorecard {pi} of {ni} lines pass in sample (to {}), {po} of {no} out of sample",
            point.score.distance(true),
            out_text(point.score.distance(false)),
            c.fit_until
        );
    }
}

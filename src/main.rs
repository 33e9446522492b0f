//! `simulate`: run a soft-balancing scenario and write its results.
//!
//! The binary parses the command line, calls the library, prints and sets the exit code:
//! 0 success, 2 bad input or usage, 1 anything else.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod explain_cmd;
mod sweep_cmd;

use clap::{Args, Parser, Subcommand};
use soft_balancing::decision::Lens;
use soft_balancing::ensemble;
use soft_balancing::keys;
use soft_balancing::output::{self, write_atomic};
use soft_balancing::plot::{self, PlotOptions};
use soft_balancing::report;
use soft_balancing::scenario::Scenario;
use soft_balancing::summary::Summary;

const AFTER_HELP: &str = "\
Examples:
  simulate scenarios/ufa2015.toml                 run the Ufa 2015 scenario, write out/ufa2015/
  simulate scenarios/ufa2015.toml --runs 200      a Monte Carlo ensemble: mean and 5-95% range
  simulate scenarios/ufa2015.toml --seed 7 --set decision.domination_weight=5
  simulate check my_scenario.toml                 validate a scenario file
  simulate explain bases                          a rule in plain words, with its parameters
  simulate explain params                         every model parameter with its default

Outputs (in out/<scenario name>/ unless --out is given):
  trajectories.csv  run, date, actor, patron, share: every state's alignment over time
  indices.csv       US influence, RUS-CHN partnership, SCO cohesion, soft-balancing index
  events.csv        every event and decision, with the scores that decided it
  summary.json      final state plus provenance (version, scenario SHA-256, seed, parameters)
  *.svg / *.png     charts (--plot svg|png|both|none): alignment_<STATE>, ternary, indices
  report.html       one self-contained page: parameters, summary, every chart, the event log

The model is described in docs/model.md; the scenario format in docs/scenario-format.md.
Exit codes: 0 success, 2 bad input or usage, 1 other failure.";

/// Simulates soft balancing in Central Asia: how the Central Asian states align between the
/// US, Russia and China, year by year, given who offers what to whom.
#[derive(Parser)]
#[command(name = "simulate", version, about, after_help = AFTER_HELP, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Args)]
struct RunArgs {
    /// Scenario file to run (TOML), e.g. scenarios/ufa2015.toml.
    scenario: Option<PathBuf>,
    /// Folder for the outputs [default: out/<scenario name>].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Seed of the random generator [default: the scenario's seed].
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Number of Monte Carlo runs; with more than one the summary gives mean and 5-95% range.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    runs: u64,
    /// Decision rule (theory lens) for every state [default: the scenario's].
    #[arg(long, value_name = "NAME")]
    lens: Option<String>,
    /// Change a model parameter, e.g. --set decision.money_weight=12 (see `simulate explain params`).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Drop the scripted event with this id (a counterfactual), e.g. --without rus_credit_2009.
    #[arg(long = "without", value_name = "EVENT_ID")]
    without: Vec<String>,
    /// Threads for Monte Carlo runs [default: all cores]. Results do not depend on it.
    #[arg(long, value_name = "N", default_value_t = 0)]
    jobs: usize,
    /// Chart files to write next to the CSVs; report.html embeds every chart either way.
    #[arg(long, value_name = "FORMAT", default_value = "svg", value_parser = PlotOptions::NAMES)]
    plot: String,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a scenario file and say what is wrong, or that it is fine.
    Check {
        /// Scenario file.
        file: PathBuf,
    },
    /// Explain a rule in plain words with its parameters and defaults: a mechanism (bases,
    /// loans, energy, enlargement, partnership, shocks, decision, indices), a theory lens, or
    /// `params` for every parameter. Without a topic, list the topics.
    Explain {
        /// Mechanism, lens or `params`.
        topic: Option<String>,
    },
    /// Run a parameter sweep or a large Monte Carlo ensemble, in parallel (see docs/sweeps.md).
    Sweep(sweep_cmd::SweepArgs),
    /// Merge the output folders of a sharded sweep into the file an unsharded run writes.
    Merge(sweep_cmd::MergeArgs),
    /// Run the historical replay as an ensemble and print the validation scorecard: each
    /// stylized fact and counterfactual, the share of runs where it holds, pass or fail. Writes
    /// validation.csv and report.html (the replay's first run, the scorecard on top).
    Validate(ValidateArgs),
    /// Run a scenario under several theory lenses side by side: final alignments, the
    /// scorecard when the scenario has [[checks]], and a chart for one state; all of it also in
    /// report.html.
    Compare(CompareArgs),
}

#[derive(Args)]
#[command(after_help = "Examples:
  simulate compare scenarios/sco2001.toml --lenses all --actor KGZ
  simulate compare scenarios/ufa2015.toml --lenses soft-balancing,bandwagoning --runs 100

Writes compare.csv (final shares per lens), compare_checks.csv (the scorecard per lens, for a
scenario with [[checks]]), compare_<ACTOR>.svg and report.html (all of it on one page) to --out
(default out/<scenario>/compare).
`simulate explain LENS` describes each lens; docs/theory.md gives formulas and sources.")]
struct CompareArgs {
    /// Scenario file.
    file: PathBuf,
    /// Lenses to compare: `all` or a comma-separated list.
    #[arg(long, value_name = "LIST", default_value = "all")]
    lenses: String,
    /// Runs per lens.
    #[arg(long, value_name = "N", default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    runs: u64,
    /// State whose trajectories are charted [default: the first state of the region].
    #[arg(long, value_name = "ID")]
    actor: Option<String>,
    /// Seed [default: the scenario's].
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Change a parameter or scenario value for every lens, e.g. --set decision.money_weight=12.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Drop a scripted event for every lens (a counterfactual).
    #[arg(long = "without", value_name = "EVENT_ID")]
    without: Vec<String>,
    /// Threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_name = "N", default_value_t = 0)]
    jobs: usize,
    /// Output folder [default: out/<scenario name>/compare].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args)]
struct ValidateArgs {
    /// Replay scenario with [[checks]].
    #[arg(default_value = "scenarios/sco2001.toml")]
    file: PathBuf,
    /// Runs per ensemble (the replay, and each counterfactual).
    #[arg(long, value_name = "N", default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    runs: u64,
    /// Seed [default: the scenario's].
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Change a model parameter for every run, e.g. --set decision.money_weight=12.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_name = "N", default_value_t = 0)]
    jobs: usize,
    /// Folder for validation.csv and report.html [default: out/<scenario name>].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print only failures and errors.
    #[arg(long, short)]
    quiet: bool,
}

/// A failure and its exit code.
pub(crate) enum Failure {
    /// Bad input or usage: exit 2.
    Input(String),
    /// Anything else: exit 1.
    Other(String),
}

fn main() -> ExitCode {
    restore_sigpipe();
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Check { file }) => check(&file),
        Some(Command::Explain { topic }) => explain_cmd::explain(topic.as_deref()),
        Some(Command::Sweep(args)) => sweep_cmd::sweep(args),
        Some(Command::Merge(args)) => sweep_cmd::merge(args),
        Some(Command::Validate(args)) => validate(args),
        Some(Command::Compare(args)) => compare(args),
        None => run(cli.run),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(Failure::Other(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
    }
}

pub(crate) fn load(path: &Path) -> Result<Scenario, Failure> {
    Scenario::load(path).map_err(|e| Failure::Input(e.to_string()))
}

fn check(file: &Path) -> Result<(), Failure> {
    let sc = load(file)?;
    println!(
        "{}: ok — scenario `{}`, {} actors ({} patrons), {} events, {} steps of a {} from {} to {}",
        file.display(),
        sc.name,
        sc.actors.len(),
        sc.patrons.len(),
        sc.events.len(),
        sc.steps(),
        sc.period.name(),
        sc.start,
        sc.end
    );
    Ok(())
}

fn compare(args: CompareArgs) -> Result<(), Failure> {
    let mut sc = load(&args.file)?;
    let lenses: Vec<Lens> = if args.lenses == "all" {
        Lens::all().to_vec()
    } else {
        args.lenses
            .split(',')
            .map(|n| {
                Lens::parse(n.trim()).ok_or_else(|| {
                    Failure::Input(format!(
                        "--lenses {}: unknown lens `{}`\n  help: use `all` or a list of: {}",
                        args.lenses,
                        n.trim(),
                        Lens::names().join(", ")
                    ))
                })
            })
            .collect::<Result<_, _>>()?
    };
    let changes = apply_changes(&mut sc, None, &args.set, &args.without)?;
    let actor = match &args.actor {
        Some(id) => sc
            .actor_index(id)
            .filter(|&i| sc.actors[i].role == soft_balancing::scenario::Role::State)
            .ok_or_else(|| {
                let states: Vec<&str> = sc.states().map(|i| sc.actors[i].id.as_str()).collect();
                Failure::Input(format!(
                    "--actor {id}: not a state of this scenario\n  help: one of: {}",
                    states.join(", ")
                ))
            })?,
        None => sc
            .states()
            .find(|&i| sc.actors[i].in_region)
            .or_else(|| sc.states().next())
            .ok_or_else(|| Failure::Input("the scenario has no state to chart".into()))?,
    };
    let seed = args.seed.unwrap_or(sc.seed);
    let result =
        soft_balancing::compare::compare(&sc, &lenses, seed, args.runs as usize, args.jobs);
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(&sc.name).join("compare"));
    let io =
        |e: std::io::Error, p: &Path| Failure::Other(format!("cannot write {}: {e}", p.display()));
    std::fs::create_dir_all(&out_dir).map_err(|e| io(e, &out_dir))?;
    let figure = result.figure(&sc, actor).map_err(Failure::Other)?;
    let mut files = vec![("compare.csv".to_string(), result.csv(&sc))];
    if !sc.checks.is_empty() {
        files.push(("compare_checks.csv".to_string(), result.checks_csv()));
    }
    files.push((format!("{}.svg", figure.name), figure.svg.clone()));
    files.push((
        "report.html".to_string(),
        result.report_html(&sc, seed, &figure, &changes),
    ));
    for (name, text) in &files {
        let p = out_dir.join(name);
        write_atomic(&p, text.as_bytes()).map_err(|e| io(e, &p))?;
    }
    if !args.quiet {
        println!(
            "{} under {} lens{}, seed {seed}",
            sc.name,
            lenses.len(),
            if lenses.len() == 1 { "" } else { "es" }
        );
        for c in &changes {
            println!("  changed: {c}");
        }
        println!();
        print!("{}", result.text(&sc));
        println!();
        for (name, _) in &files[..files.len() - 1] {
            println!("wrote {}", out_dir.join(name).display());
        }
        println!("Report: {}", out_dir.join("report.html").display());
    }
    Ok(())
}

fn validate(args: ValidateArgs) -> Result<(), Failure> {
    let mut sc = load(&args.file)?;
    if sc.checks.is_empty() {
        return Err(Failure::Input(format!(
            "{}: the scenario has no [[checks]] to score\n  help: validate a replay such as scenarios/sco2001.toml",
            args.file.display()
        )));
    }
    let mut changes = apply_changes(&mut sc, None, &args.set, &[])?;
    let seed = args.seed.unwrap_or(sc.seed);
    if args.seed.is_some() {
        changes.push(format!("--seed {seed}"));
    }
    let runs = args.runs as usize;
    let lines = soft_balancing::validation::scorecard(&sc, seed, runs, args.jobs);
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(&sc.name));
    let io =
        |e: std::io::Error, p: &Path| Failure::Other(format!("cannot write {}: {e}", p.display()));
    std::fs::create_dir_all(&out_dir).map_err(|e| io(e, &out_dir))?;
    let path = out_dir.join("validation.csv");
    write_atomic(&path, soft_balancing::validation::csv(&lines).as_bytes())
        .map_err(|e| io(e, &path))?;

    // The report: the replay's first run (stream 0 of the seed, as in the ensembles above), its
    // charts embedded (no chart files: those are `simulate FILE`'s), the scorecard on top.
    let prm = sc.params.clone();
    let records = ensemble::run_many(&sc, &prm, seed, 1, args.jobs);
    let summary = Summary::new(&sc, &prm, &records, seed, changes, command_line());
    let plot_opts = PlotOptions::parse("none").unwrap_or_default();
    let charts = plot::render(&sc, &summary, &records, &plot_opts)
        .map_err(|e| Failure::Other(e.to_string()))?;
    let scorecard = soft_balancing::validation::report_section(&lines, runs, seed);
    let report_path = out_dir.join("report.html");
    let html = report::html_with(&sc, &summary, &records, &charts, &plot_opts, &[scorecard]);
    write_atomic(&report_path, html.as_bytes()).map_err(|e| io(e, &report_path))?;
    let failed = lines.iter().filter(|l| !l.pass).count();
    if !args.quiet {
        println!(
            "Validation of {} ({} runs per ensemble, seed {seed})\n",
            sc.name, runs
        );
        println!(
            "{:<15} {:>6}  {:>5}  {:<6} what",
            "fact", "share", "need", "result"
        );
    }
    for l in &lines {
        if args.quiet && l.pass {
            continue;
        }
        let what = match &l.without {
            Some(w) => format!(
                "without {w}: {} {}",
                l.label,
                if l.expect == "fails" {
                    "does NOT happen"
                } else {
                    "happens"
                }
            ),
            None => l.label.clone(),
        };
        println!(
            "{:<15} {:>5.0}%  {:>4.0}%  {:<6} {what}",
            l.fact,
            l.share * 100.0,
            l.threshold * 100.0,
            if l.pass { "pass" } else { "FAIL" }
        );
    }
    if !args.quiet {
        println!(
            "\n{} of {} lines pass; wrote {}",
            lines.len() - failed,
            lines.len(),
            path.display()
        );
        println!("Report: {}", report_path.display());
    }
    if failed > 0 {
        return Err(Failure::Other(format!("{failed} scorecard line(s) fail")));
    }
    Ok(())
}

/// Lets `simulate ... | head` end quietly like other command-line tools: the Rust runtime ignores
/// SIGPIPE, which turns a closed pipe into a panic in `println!`.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in `main`, before any thread starts; resetting a signal's
    // disposition to its default has no other effect on the program.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// The command line for the provenance, less `--jobs` (which does not change results, so that
/// the outputs are byte-identical whatever the thread count).
fn command_line() -> Vec<String> {
    let mut out = Vec::new();
    let mut args = std::env::args();
    while let Some(a) = args.next() {
        if a == "--jobs" {
            args.next();
        } else if !a.starts_with("--jobs=") {
            out.push(a);
        }
    }
    out
}

/// Splits `KEY=VALUE`.
pub(crate) fn split_set(item: &str) -> Result<(&str, &str), Failure> {
    match item.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() && !v.trim().is_empty() => Ok((k.trim(), v.trim())),
        _ => Err(Failure::Input(format!(
            "--set {item}: expected KEY=VALUE\n  help: e.g. --set decision.money_weight=12"
        ))),
    }
}

/// Applies `--lens`, `--set KEY=VALUE` (one number each) and `--without` to `sc`, in that order;
/// returns the changes as text for the provenance and the printed summary. Shared by every
/// subcommand that runs a scenario.
pub(crate) fn apply_changes(
    sc: &mut Scenario,
    lens: Option<&str>,
    sets: &[String],
    without: &[String],
) -> Result<Vec<String>, Failure> {
    let mut changes = Vec::new();
    if let Some(name) = lens {
        let lens = Lens::parse(name).ok_or_else(|| {
            Failure::Input(format!(
                "--lens {name}: unknown lens\n  help: use one of: {}",
                Lens::names().join(", ")
            ))
        })?;
        sc.set_lens(lens);
        changes.push(format!("--lens {name}"));
    }
    for item in sets {
        let (key, value) = split_set(item)?;
        let x: f64 = value.parse().map_err(|_| {
            Failure::Input(format!(
                "--set {item}: `{value}` is not a number\n  help: write one number, e.g. --set decision.money_weight=12 (ranges are for `simulate sweep`)"
            ))
        })?;
        keys::set(sc, key, x).map_err(|e| Failure::Input(format!("--set {item}: {e}")))?;
        changes.push(format!("--set {key}={x}"));
    }
    for id in without {
        if sc.remove_event(id) == 0 {
            let ids: Vec<&str> = sc.events.iter().filter_map(|e| e.id.as_deref()).collect();
            return Err(Failure::Input(format!(
                "--without {id}: no scripted event has this id\n  help: event ids in {}: {}",
                sc.path,
                if ids.is_empty() {
                    "(none)".to_string()
                } else {
                    ids.join(", ")
                }
            )));
        }
        changes.push(format!("--without {id}"));
    }
    Ok(changes)
}

fn run(args: RunArgs) -> Result<(), Failure> {
    let Some(path) = args.scenario.clone() else {
        return Err(Failure::Input(
            "no scenario given\n  help: try `simulate scenarios/ufa2015.toml`, or `simulate --help`".to_string(),
        ));
    };
    let mut sc = load(&path)?;
    let mut changes = apply_changes(&mut sc, args.lens.as_deref(), &args.set, &args.without)?;
    let seed = args.seed.unwrap_or(sc.seed);
    if args.seed.is_some() {
        changes.push(format!("--seed {seed}"));
    }
    let runs = args.runs as usize;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(&sc.name));

    let prm = sc.params.clone();
    let records = ensemble::run_many(&sc, &prm, seed, runs, args.jobs);
    let command = command_line();
    let summary = Summary::new(&sc, &prm, &records, seed, changes, command);

    let io = |e: std::io::Error, what: &Path| {
        Failure::Other(format!("cannot write {}: {e}", what.display()))
    };
    std::fs::create_dir_all(&out_dir).map_err(|e| io(e, &out_dir))?;
    let files: [(&str, String); 4] = [
        ("trajectories.csv", output::trajectories_csv(&sc, &records)),
        ("indices.csv", output::indices_csv(&records)),
        ("events.csv", output::events_csv(&sc, &records)),
        ("summary.json", summary.to_json()),
    ];
    for (name, text) in &files {
        let p = out_dir.join(name);
        write_atomic(&p, text.as_bytes()).map_err(|e| io(e, &p))?;
    }
    let plot_opts = PlotOptions::parse(&args.plot).unwrap_or_default();
    let charts = plot::render(&sc, &summary, &records, &plot_opts)
        .map_err(|e| Failure::Other(e.to_string()))?;
    let chart_files = plot::write_files(&out_dir, &charts, &plot_opts)
        .map_err(|e| Failure::Other(e.to_string()))?;
    let report_path = out_dir.join("report.html");
    let html = report::html(&sc, &summary, &records, &charts, &plot_opts);
    write_atomic(&report_path, html.as_bytes()).map_err(|e| io(e, &report_path))?;
    if !args.quiet {
        print!("{}", summary.to_text(25));
        println!(
            "\nWrote {}/: trajectories.csv, indices.csv, events.csv, summary.json",
            out_dir.display()
        );
        println!("Wrote {chart_files} chart files (--plot {})", args.plot);
        println!("Report: {}", report_path.display());
    }
    Ok(())
}

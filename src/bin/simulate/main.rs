//! `simulate`: run a soft-balancing scenario and write its results.
//!
//! The binary parses the command line, calls the library, prints and sets the exit code:
//! 0 success, 2 bad input or usage, 1 anything else. One file per subcommand; the flags they
//! share, and the code that applies them, are in [`common`].

mod calibrate;
mod check;
mod class;
mod common;
mod compare;
mod explain;
mod lab;
mod landscape;
mod merge;
mod plain;
mod run;
mod scenarios;
mod sensitivity;
mod sweep;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

const AFTER_HELP: &str = "\
Examples:
  simulate scenarios/ufa2015.toml                 run the Ufa 2015 scenario, write out/ufa2015/
  simulate scenarios/ufa2015.toml --runs 200      a Monte Carlo ensemble: mean and 5-95% range
  simulate scenarios/ufa2015.toml --seed 7 --set decision.domination_weight=7
  simulate check my_scenario.toml                 validate a scenario file
  simulate scenarios                              the shipped scenarios, usable by name anywhere
  simulate explain bases                          a rule in plain words, with its parameters
  simulate explain params                         every model parameter with its default

Outputs (in out/<scenario name>/ unless --out is given):
  trajectories.csv  run, date, actor, patron, share: every state's alignment over time
  indices.csv       US influence, RUS-CHN partnership, SCO cohesion, soft-balancing index
  events.csv        every event and decision, with the scores that decided it
                    (the three are .parquet instead with --runs above 1, unless --format csv)
  quantiles.csv     per state, patron and date: mean and quantiles of the share over the runs
  partnership.csv   the balancers' partnership of the first run, term by term, per date
  summary.json      final state plus provenance (version, scenario SHA-256, seed, parameters)
  *.svg / *.png     charts (--plot svg|png|both|none): alignment_<STATE>, indices, ternary (three patrons)
  report.html       one self-contained page: parameters, summary, every chart, the event log

The model is described in docs/model.md; the scenario format in docs/scenario-format.md.
Exit codes: 0 success, 2 bad input or usage, 1 other failure.";

/// Simulates soft balancing in Central Asia: how the Central Asian states align between the
/// US, Russia and China, year by year, given who offers what to whom.
#[derive(Parser)]
#[command(name = "simulate", version, about, after_help = AFTER_HELP, args_conflicts_with_subcommands = true, disable_help_subcommand = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    run: run::RunArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a scenario file and say what is wrong, or that it is fine.
    Check {
        /// Scenario file.
        file: PathBuf,
    },
    /// List the scenarios compiled into the binary; any command finds them by name
    /// (`simulate sco2001`) from any folder.
    Scenarios {
        /// Print this scenario's file (to copy and edit it).
        #[arg(long, value_name = "NAME")]
        print: Option<String>,
    },
    /// Explain a rule in plain words with its parameters and defaults: a mechanism (bases,
    /// loans, energy, enlargement, partnership, shocks, strategy, decision, indices), the
    /// lenses or one theory lens, determinism, or `params` for every parameter. Without a topic,
    /// list the topics.
    Explain {
        /// Mechanism, lens or `params`.
        topic: Option<String>,
    },
    /// Run a parameter sweep or a large Monte Carlo ensemble, in parallel (see docs/sweeps.md).
    Sweep(sweep::SweepArgs),
    /// Global sensitivity analysis: Morris screening or Sobol indices of any outputs over any
    /// parameters, run as a sweep (parallel, shardable, resumable; see docs/sensitivity.md).
    Sensitivity(sensitivity::SensitivityArgs),
    /// Calibrate parameters against the scenario's scorecard and the UN votes by approximate
    /// Bayesian computation (ABC-SMC): a posterior sample, its marginals, the scorecard at the
    /// posterior median in and out of sample.
    Calibrate(calibrate::CalibrateArgs),
    /// Merge the output folders of a sharded sweep into the file an unsharded run writes.
    Merge(merge::MergeArgs),
    /// Run the historical replay as an ensemble and print the validation scorecard: each
    /// stylized fact and counterfactual, the share of runs where it holds, pass or fail. Writes
    /// validation.csv and report.html (the replay's first run, the scorecard on top).
    Validate(validate::ValidateArgs),
    /// Run a scenario under several theory lenses side by side: final alignments, the
    /// scorecard when the scenario has [[checks]], and a chart for one state; all of it also in
    /// report.html.
    Compare(compare::CompareArgs),
    /// Print the JSON Schema of the scenario format (shipped as schema/scenario.schema.json):
    /// a TOML editor that reads the `#:schema` line at the top of a scenario file (VS Code's
    /// Even Better TOML, any taplo-based editor) then completes keys, shows each key's meaning,
    /// unit and range on hover, and marks errors as you type.
    Schema,
    /// Every local minimum of a landscape (Axelrod and Bennett 1993): a scenario's actors, or
    /// an actors file and a propensity file.
    Landscape(landscape::LandscapeArgs),
    /// Open the lab: a page on http://127.0.0.1:PORT/ with sliders for the parameters that
    /// matter, switches for the scripted events, a lens and the runs; its charts redraw as you
    /// move them, two settings side by side (A vs B), the setting in the URL (docs/lab.md).
    Lab(lab::LabArgs),
    /// Build docs/teaching.md's three exercises into a class kit: worksheet.html (to print, the
    /// answer key on its last page), report.html and answers.json, every number computed by
    /// running the exercises' commands.
    Class(class::ClassArgs),
    /// Print this message or the help of a command (`simulate help sweep` is `simulate sweep
    /// --help`).
    Help {
        /// The command.
        command: Option<String>,
    },
}

/// A failure and its exit code.
pub enum Failure {
    /// Bad input or usage: exit 2.
    Input(String),
    /// Anything else: exit 1.
    Other(String),
}

fn main() -> ExitCode {
    restore_sigpipe();
    if let Some(msg) = mistaken_command() {
        eprintln!("error: {msg}");
        return ExitCode::from(2);
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Check { file }) => check::check(&file),
        Some(Command::Scenarios { print: None }) => scenarios::scenarios(),
        Some(Command::Scenarios { print: Some(name) }) => scenarios::print(&name),
        Some(Command::Explain { topic }) => explain::explain(topic.as_deref()),
        Some(Command::Schema) => {
            print!("{}", soft_balancing::scenario::schema::schema_text());
            Ok(())
        }
        Some(Command::Sweep(args)) => sweep::sweep(args),
        Some(Command::Sensitivity(args)) => sensitivity::sensitivity(args),
        Some(Command::Calibrate(args)) => calibrate::calibrate(args),
        Some(Command::Merge(args)) => merge::merge(args),
        Some(Command::Validate(args)) => validate::validate(args),
        Some(Command::Compare(args)) => compare::compare(args),
        Some(Command::Landscape(args)) => landscape::landscape(args),
        Some(Command::Lab(args)) => lab::lab(args),
        Some(Command::Help { command }) => help(command.as_deref()),
        Some(Command::Class(args)) => class::class(args),
        None => run::run(cli.run),
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

/// A first word that is neither a command nor a scenario but looks like a mistyped command
/// (`chek`, `validat`) or a command that does not exist (`run`): clap would take it for the
/// scenario and blame the next word, so it is named here, with the command meant.
fn mistaken_command() -> Option<String> {
    use clap::CommandFactory;
    // args_os: `args` panics on an argument that is not UTF-8 (clap then names it).
    let first = std::env::args_os().nth(1)?.into_string().ok()?;
    let path = std::path::Path::new(&first);
    // Two scenarios in a row (`simulate a.toml b.toml`): clap would call the second a command.
    let is_scenario = |word: &str| {
        let p = std::path::Path::new(word);
        word.ends_with(".toml") || soft_balancing::scenario::shipped::Shipped::named_by(p).is_some()
    };
    if is_scenario(&first)
        && let Some(second) = std::env::args_os()
            .nth(2)
            .and_then(|a| a.into_string().ok())
        && is_scenario(&second)
    {
        return Some(format!(
            "`{first}` and `{second}`: simulate runs one scenario at a time\n  help: run each on its own, `simulate {first}` then `simulate {second}`: each writes out/<its scenario's name>/"
        ));
    }
    if first.starts_with('-')
        || path.exists()
        || first.ends_with(".toml")
        || soft_balancing::scenario::shipped::Shipped::named_by(path).is_some()
    {
        return None;
    }
    let cli = Cli::command();
    let names: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).collect();
    if names.contains(&first.as_str()) {
        return None;
    }
    if first == "run" {
        return Some(
            "`run` is not a command: a scenario runs with `simulate FILE`\n  help: e.g. simulate scenarios/ufa2015.toml --runs 20".to_string(),
        );
    }
    let meant = soft_balancing::error::closest(&first, names.iter().copied())?;
    Some(format!(
        "`{first}` is not a command or a scenario file\n  help: did you mean `simulate {meant}`? (`simulate --help` lists the commands)"
    ))
}

/// `simulate help [COMMAND]`: the help of the program or of one command.
fn help(command: Option<&str>) -> Result<(), Failure> {
    use clap::CommandFactory;
    let mut cli = Cli::command();
    let mut target = match command {
        None => cli,
        Some(name) => match cli.find_subcommand_mut(name) {
            Some(sub) => sub.clone().bin_name(format!("simulate {name}")),
            None => {
                let names: Vec<String> = cli
                    .get_subcommands()
                    .map(|c| c.get_name().to_string())
                    .collect();
                return Err(Failure::Input(format!(
                    "help {name}: no such command\n  help: one of: {}",
                    names.join(", ")
                )));
            }
        },
    };
    target
        .print_help()
        .map_err(|e| Failure::Other(e.to_string()))
}

/// Lets `simulate ... | head` end quietly like other command-line tools: the Rust runtime ignores
/// SIGPIPE, which turns a closed pipe into a panic in `println!`.
#[allow(unsafe_code)]
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in `main`, before any thread starts; resetting a signal's
    // disposition to its default has no other effect on the program.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

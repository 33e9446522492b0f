//! `simulate FILE`: run a scenario once or as an ensemble; write CSVs, summary, charts, report.

use std::path::{Path, PathBuf};

use clap::Args;
use soft_balancing::output::summary::Summary;
use soft_balancing::output::{csv, write_atomic};
use soft_balancing::plot::{self, PlotOptions};
use soft_balancing::report;
use soft_balancing::runs::ensemble;

use crate::Failure;
use crate::common::{Common, command_line, load};

/// Arguments of `simulate FILE`.
#[derive(Args)]
pub struct RunArgs {
    /// Scenario file to run (TOML), e.g. scenarios/ufa2015.toml.
    pub scenario: Option<PathBuf>,
    /// Number of Monte Carlo runs; with more than one the summary gives mean and 5-95% range.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub runs: u64,
    /// Decision rule (theory lens) for every state [default: the scenario's].
    #[arg(long, value_name = "NAME")]
    pub lens: Option<String>,
    /// Print every key decision (by default the first 25; all are in events.csv either way).
    #[arg(long)]
    pub all: bool,
    /// Chart files to write next to the CSVs; report.html embeds every chart either way.
    #[arg(long, value_name = "FORMAT", default_value = "svg", value_parser = PlotOptions::NAMES)]
    pub plot: String,
    #[command(flatten)]
    pub common: Common,
}

/// Runs `simulate FILE`.
pub fn run(args: RunArgs) -> Result<(), Failure> {
    let Some(path) = args.scenario.clone() else {
        return Err(Failure::Input(
            "no scenario given\n  help: try `simulate scenarios/ufa2015.toml`, or `simulate --help`".to_string(),
        ));
    };
    let mut sc = load(&path)?;
    let (seed, changes) = args.common.apply(&mut sc, args.lens.as_deref())?;
    let runs = args.runs as usize;
    let out_dir = args
        .common
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(&sc.name));

    let prm = sc.params.clone();
    let records = ensemble::run_many(&sc, &prm, seed, runs, args.common.jobs())
        .map_err(|e| Failure::Other(e.to_string()))?;
    let command = command_line();
    let summary = Summary::new(&sc, &prm, &records, seed, changes, command);

    let io = |e: std::io::Error, what: &Path| {
        Failure::Other(format!("cannot write {}: {e}", what.display()))
    };
    std::fs::create_dir_all(&out_dir).map_err(|e| io(e, &out_dir))?;
    let files: [(&str, String); 5] = [
        ("trajectories.csv", csv::trajectories_csv(&sc, &records)),
        ("indices.csv", csv::indices_csv(&records)),
        ("events.csv", csv::events_csv(&sc, &records)),
        ("partnership.csv", csv::partnership_csv(&sc, &records)),
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
    let html = report::run::html(&sc, &summary, &records, &charts, &plot_opts);
    write_atomic(&report_path, html.as_bytes()).map_err(|e| io(e, &report_path))?;
    if !args.common.quiet {
        print!(
            "{}",
            summary.to_text(if args.all { usize::MAX } else { 25 })
        );
        println!(
            "\nWrote {}/: trajectories.csv, indices.csv, events.csv, partnership.csv, summary.json",
            out_dir.display()
        );
        println!("Wrote {chart_files} chart files (--plot {})", args.plot);
        println!("Report: {}", report_path.display());
    }
    Ok(())
}

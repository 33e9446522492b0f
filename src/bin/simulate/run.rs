//! `simulate FILE`: run a scenario once or as an ensemble; write CSVs, summary, charts, report.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;
use soft_balancing::output::log::is_decision;
use soft_balancing::output::summary::Summary;
use soft_balancing::output::{csv, write_atomic};
use soft_balancing::plot::{self, PlotOptions};
use soft_balancing::report;
use soft_balancing::runs::digest::{Digest, check_finite};
use soft_balancing::runs::ensemble;

use crate::Failure;
use crate::common::{Common, commit, load, provenance, stage};

/// The files `simulate FILE` writes (others in its folder, such as `validate`'s, are kept).
fn owns(name: &str) -> bool {
    matches!(
        name,
        "trajectories.csv"
            | "indices.csv"
            | "events.csv"
            | "partnership.csv"
            | "summary.json"
            | "report.html"
    ) || [".svg", ".png", ".partial"]
        .iter()
        .any(|e| name.ends_with(e))
}

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
    // Output problems that can be known now are found before anything runs.
    let staging = stage(&out_dir, owns)?;
    let dir = staging.dir().to_path_buf();
    let command = provenance(&mut sc, &path, &out_dir, &[]);

    let prm = sc.params.clone();
    let io = |e: std::io::Error, what: &Path| {
        Failure::Other(format!("cannot write {}: {e}", what.display()))
    };
    // The runs stream through: each batch's rows are appended to the tables and folded into
    // the digest the summary, charts and report read, so memory does not grow with --runs.
    let names = ["trajectories.csv", "indices.csv", "events.csv"];
    let mut tables = Vec::new();
    for (name, header) in names.iter().zip([
        csv::TRAJECTORIES_HEADER.to_string(),
        csv::indices_header(),
        csv::EVENTS_HEADER.to_string(),
    ]) {
        let p = dir.join(name);
        let mut f = std::fs::File::create(&p)
            .map(std::io::BufWriter::new)
            .map_err(|e| io(e, &p))?;
        f.write_all(header.as_bytes()).map_err(|e| io(e, &p))?;
        tables.push((p, f));
    }
    let mut digest = Digest::default();
    let mut text = String::new();
    let streamed = ensemble::run_batches(
        &sc,
        &prm,
        seed,
        runs,
        args.common.jobs(),
        |first, batch| {
            for (r, rec) in batch.iter().enumerate() {
                check_finite(&sc, first + r + 1, rec).map_err(|e| {
                Failure::Input(format!(
                    "{e}\n  help: the scenario's numbers combine into values the model cannot represent; reduce the amounts involved ({})",
                    sc.path
                ))
            })?;
                digest.add_with(rec, is_decision);
            }
            for (k, (p, f)) in tables.iter_mut().enumerate() {
                text.clear();
                match k {
                    0 => csv::trajectories_rows(&mut text, &sc, first, batch),
                    1 => csv::indices_rows(&mut text, first, batch),
                    _ => csv::events_rows(&mut text, &sc, first, batch),
                }
                f.write_all(text.as_bytes()).map_err(|e| io(e, p))?;
            }
            Ok::<(), Failure>(())
        },
    );
    streamed.map_err(|e| Failure::Other(e.to_string()))??;
    for (p, f) in tables {
        let file = f.into_inner().map_err(|e| io(e.into_error(), &p))?;
        file.sync_all().map_err(|e| io(e, &p))?;
    }
    // The first run's partnership and the forces that moved it.
    let p = dir.join("partnership.csv");
    let partnership = csv::partnership_csv(&sc, digest.first.as_slice());
    write_atomic(&p, partnership.as_bytes()).map_err(|e| io(e, &p))?;
    let summary = Summary::of_digest(&sc, &prm, &digest, seed, changes, command);
    let p = dir.join("summary.json");
    write_atomic(&p, summary.to_json().as_bytes()).map_err(|e| io(e, &p))?;
    let plot_opts = PlotOptions::parse(&args.plot).unwrap_or_default();
    let charts = plot::render_digest(&sc, &summary, &digest, &plot_opts)
        .map_err(|e| Failure::Other(e.to_string()))?;
    let chart_files =
        plot::write_files(&dir, &charts, &plot_opts).map_err(|e| Failure::Other(e.to_string()))?;
    let first = digest.first.as_slice();
    let html = report::run::html(&sc, &summary, first, &charts, &plot_opts);
    let p = dir.join("report.html");
    write_atomic(&p, html.as_bytes()).map_err(|e| io(e, &p))?;
    commit(staging)?;
    let report_path = out_dir.join("report.html");
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

//! `simulate FILE`: run a scenario once or as an ensemble; write CSVs, summary, charts, report.

use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};

use clap::Args;
use soft_balancing::engine::record::{RunRecord, What};
use soft_balancing::output::log::is_decision;
use soft_balancing::output::parquet::{Events, IndicesTable, Trajectories};
use soft_balancing::output::summary::Summary;
use soft_balancing::output::{csv, write_atomic};
use soft_balancing::plot::{self, PlotOptions};
use soft_balancing::report;
use soft_balancing::runs::digest::{Digest, check_finite};
use soft_balancing::runs::ensemble;
use soft_balancing::scenario::Scenario;

use crate::Failure;
use crate::common::whole;
use crate::common::{Common, commit, load, provenance, stage, warn_applicants_waited};

/// The files `simulate FILE` writes (others in its folder, such as `validate`'s, are kept).
fn owns(name: &str) -> bool {
    matches!(
        name,
        "trajectories.csv"
            | "indices.csv"
            | "events.csv"
            | "trajectories.parquet"
            | "indices.parquet"
            | "events.parquet"
            | "quantiles.csv"
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
    #[arg(allow_negative_numbers = true, long, value_name = "N", default_value_t = 1, value_parser = whole::<u64>(1, 1_000_000))]
    pub runs: u64,
    /// Decision rule (theory lens) for every state [default: the scenario's].
    #[arg(long, value_name = "NAME")]
    pub lens: Option<String>,
    /// Print every key decision, every time it was taken (by default the first 25, a decision taken again listed once; all are in events.csv or events.parquet and summary.json either way).
    #[arg(long)]
    pub all: bool,
    /// Format of the per-run tables (trajectories, indices, events): csv, or parquet (columnar,
    /// read by pandas, polars, R arrow and DuckDB; about a third of the CSV's size for ensembles).
    /// quantiles.csv (per state, patron and date, over the runs) is written either way.
    /// [default: csv for a single run, parquet for more than one]
    #[arg(long, value_name = "FORMAT", value_parser = ["csv", "parquet"])]
    pub format: Option<String>,
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
    // The runs stream through: each run's rows are formatted by the worker that ran it, and
    // each batch is appended to the tables and folded into the digest the summary, charts and
    // report read while the workers run the next batch, so memory does not grow with --runs and
    // both cores work to the end.
    let parquet = args.format.as_deref().map_or(runs > 1, |f| f == "parquet");
    let mut tables = if parquet {
        Tables::parquet(&sc, &dir, runs)?
    } else {
        Tables::csv(&dir)?
    };
    let jobs = args.common.jobs();
    let mut digest = Digest::for_runs(runs);
    // Runs in which a summit had more applicants than it considers.
    let mut waited = 0;
    let streamed = ensemble::run_batches_with(
        &sc,
        &prm,
        seed,
        runs,
        jobs,
        |r, rec| {
            let mut text: [String; 3] = Default::default();
            if !parquet {
                let one = std::slice::from_ref(rec);
                csv::trajectories_rows(&mut text[0], &sc, r, one);
                csv::indices_rows(&mut text[1], r, one);
                csv::events_rows(&mut text[2], &sc, r, one);
            }
            text
        },
        |first, batch, text| {
            let (checked, written) = rayon::join(
                || {
                    for (r, rec) in batch.iter().enumerate() {
                        check_finite(&sc, first + r + 1, rec).map_err(|e| {
                            Failure::Input(format!(
                                "{e}\n  help: the scenario's numbers combine into values the model cannot represent; reduce the amounts involved ({})",
                                path.display()
                            ))
                        })?;
                        if rec.log.iter().any(|e| e.what == What::NotConsidered) {
                            waited += 1;
                        }
                    }
                    digest.add_batch_with(batch, is_decision);
                    // Every quantile read below (the table, the summary, the fan charts) is
                    // read from values sorted once, in parallel: after the last batch, while
                    // its rows are still being written.
                    if first + batch.len() == runs {
                        digest.settle();
                    }
                    Ok::<(), Failure>(())
                },
                || tables.write(&sc, first, batch, text),
            );
            checked?;
            written
        },
    );
    streamed.map_err(|e| Failure::Other(e.to_string()))??;
    let table_files = tables.finish()?;
    warn_applicants_waited(
        waited,
        args.runs,
        "events.csv: \"is not considered at this summit\"",
    );
    let p = dir.join("quantiles.csv");
    write_atomic(&p, csv::quantiles_csv(&sc, &digest).as_bytes()).map_err(|e| io(e, &p))?;
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
            "\nWrote {}/: {table_files}, quantiles.csv, partnership.csv, summary.json",
            out_dir.display()
        );
        println!("Wrote {chart_files} chart files (--plot {})", args.plot);
        println!("Report: {}", report_path.display());
    }
    Ok(())
}

/// The per-run tables being written, as CSV or Parquet (one value per command: its size does
/// not matter).
#[allow(clippy::large_enum_variant)]
enum Tables {
    Csv([(PathBuf, BufWriter<File>); 3]),
    Parquet {
        trajectories: (PathBuf, Trajectories<BufWriter<File>>),
        indices: (PathBuf, IndicesTable<BufWriter<File>>),
        events: (PathBuf, Events<BufWriter<File>>),
    },
}

fn create(p: &Path) -> Result<BufWriter<File>, Failure> {
    File::create(p)
        .map(BufWriter::new)
        .map_err(|e| Failure::Other(format!("cannot write {}: {e}", p.display())))
}

fn failed(p: &Path, e: impl std::fmt::Display) -> Failure {
    Failure::Other(format!("cannot write {}: {e}", p.display()))
}

impl Tables {
    fn csv(dir: &Path) -> Result<Tables, Failure> {
        let open = |name: &str, header: &str| -> Result<(PathBuf, BufWriter<File>), Failure> {
            let p = dir.join(name);
            let mut f = create(&p)?;
            f.write_all(header.as_bytes()).map_err(|e| failed(&p, e))?;
            Ok((p, f))
        };
        Ok(Tables::Csv([
            open("trajectories.csv", csv::TRAJECTORIES_HEADER)?,
            open("indices.csv", &csv::indices_header())?,
            open("events.csv", csv::EVENTS_HEADER)?,
        ]))
    }

    /// Parquet tables for an ensemble of `runs` runs.
    fn parquet(sc: &Scenario, dir: &Path, runs: usize) -> Result<Tables, Failure> {
        let (t, i, e) = (
            dir.join("trajectories.parquet"),
            dir.join("indices.parquet"),
            dir.join("events.parquet"),
        );
        let mut trajectories = Trajectories::new(sc, create(&t)?).map_err(|x| failed(&t, x))?;
        trajectories.expect(runs);
        let indices = IndicesTable::new(create(&i)?).map_err(|x| failed(&i, x))?;
        let events = Events::new(create(&e)?).map_err(|x| failed(&e, x))?;
        Ok(Tables::Parquet {
            trajectories: (t, trajectories),
            indices: (i, indices),
            events: (e, events),
        })
    }

    /// Appends a batch: the CSV rows each run's worker formatted, or the records as Parquet.
    fn write(
        &mut self,
        sc: &Scenario,
        first: usize,
        batch: &[RunRecord],
        text: &[[String; 3]],
    ) -> Result<(), Failure> {
        match self {
            Tables::Csv(files) => {
                for (k, (p, f)) in files.iter_mut().enumerate() {
                    for run in text {
                        f.write_all(run[k].as_bytes()).map_err(|e| failed(p, e))?;
                    }
                }
                Ok(())
            }
            Tables::Parquet {
                trajectories: (tp, t),
                indices: (ip, i),
                events: (ep, e),
            } => {
                let (a, (b, c)) = rayon::join(
                    || t.write(first, batch).map_err(|x| failed(tp, x)),
                    || {
                        (
                            i.write(first, batch).map_err(|x| failed(ip, x)),
                            e.write(sc, first, batch).map_err(|x| failed(ep, x)),
                        )
                    },
                );
                a.and(b).and(c)
            }
        }
    }

    /// Finishes and flushes every table; the names written, for the closing message.
    fn finish(self) -> Result<&'static str, Failure> {
        let done = |p: &Path, f: BufWriter<File>| -> Result<(), Failure> {
            let file = f.into_inner().map_err(|e| failed(p, e.into_error()))?;
            file.sync_all().map_err(|e| failed(p, e))
        };
        match self {
            Tables::Csv(files) => {
                for (p, f) in files {
                    done(&p, f)?;
                }
                Ok("trajectories.csv, indices.csv, events.csv")
            }
            Tables::Parquet {
                trajectories: (tp, t),
                indices: (ip, i),
                events: (ep, e),
            } => {
                done(&tp, t.finish().map_err(|x| failed(&tp, x))?)?;
                done(&ip, i.finish().map_err(|x| failed(&ip, x))?)?;
                done(&ep, e.finish().map_err(|x| failed(&ep, x))?)?;
                Ok("trajectories.parquet, indices.parquet, events.parquet")
            }
        }
    }
}

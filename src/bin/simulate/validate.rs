//! `simulate validate [FILE]`: the historical replay's scorecard.

use std::path::{Path, PathBuf};

use clap::Args;
use soft_balancing::output::summary::Summary;
use soft_balancing::output::{csv, text, write_atomic};
use soft_balancing::plot::{self, PlotOptions};
use soft_balancing::report;
use soft_balancing::runs::digest::{NonFinite, check_finite};
use soft_balancing::runs::unvote::{self, Observation};
use soft_balancing::runs::{ablation, ensemble, scorecard};

use crate::Failure;
use crate::common::whole;
use crate::common::{Common, commit, load, provenance, stage, warn_applicants_waited};

/// The files `simulate validate` writes (others in its folder, such as a run's, are kept).
fn owns(name: &str) -> bool {
    matches!(
        name,
        "validation.csv" | "ablations.csv" | "unvote.csv" | "unvote_turns.csv" | "report.html"
    ) || name.ends_with(".partial")
}

/// Arguments of `simulate validate`.
#[derive(Args)]
pub struct ValidateArgs {
    /// Replay scenario with [[checks]].
    #[arg(default_value = "scenarios/sco2001.toml")]
    file: PathBuf,
    /// Runs per ensemble (the replay, and each counterfactual).
    #[arg(allow_negative_numbers = true, long, value_name = "N", default_value_t = 200, value_parser = whole::<u64>(1, 1_000_000))]
    runs: u64,
    /// Decision rule (theory lens) for every state [default: the scenario's].
    #[arg(long, value_name = "NAME")]
    lens: Option<String>,
    /// Also hold the replay against measured data: `unga` (UN General Assembly voting
    /// agreement 1992-2015, Bailey, Strezhnev and Voeten 2017, shipped in data/) or a CSV file
    /// in the same format. Fits the observation model on 2001-2010 and reports 2011-2015 out of
    /// sample; writes unvote.csv and unvote_turns.csv.
    #[arg(long, value_name = "unga|FILE")]
    data: Option<String>,
    /// Also run the scorecard once per causal channel of the model switched off (SCO
    /// membership, SCO pressure, norms, partnership growth, all four soft-balancing channels,
    /// conditional credit, energy, fear of domination, regime security, security ties, Russia's
    /// alliance, joint actions, money, differences in trade growth): a table of channels x
    /// lines, and ablations.csv. A line that no channel and no counterfactual line on its
    /// outcome can break is not evidence.
    #[arg(long)]
    ablations: bool,
    #[command(flatten)]
    common: Common,
}

/// Runs `simulate validate` (with `--quiet`, prints only failing lines).
pub fn validate(args: ValidateArgs) -> Result<(), Failure> {
    let mut sc = load(&args.file)?;
    if sc.checks.is_empty() {
        return Err(Failure::Input(format!(
            "{}: the scenario has no [[checks]] to score\n  help: validate a replay such as scenarios/sco2001.toml",
            args.file.display()
        )));
    }
    let (seed, changes) = args.common.apply(&mut sc, args.lens.as_deref())?;
    let runs = args.runs as usize;
    // Measured data are read before anything runs or is written.
    let data = match args.data.as_deref() {
        None => None,
        Some(name) => Some(read_data(name)?),
    };
    let out_dir = args
        .common
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(&sc.name).join("validate"));
    // Output problems that can be known now are found before anything runs.
    let staging = stage(&out_dir, owns)?;
    let command = provenance(&mut sc, &args.file, &out_dir, &[]);
    let jobs = args.common.jobs();
    let other = |e: &dyn std::fmt::Display| Failure::Other(e.to_string());
    let (lines, waits) =
        scorecard::scorecard_counting_waits(&sc, seed, runs, jobs).map_err(|e| other(&e))?;
    warn_applicants_waited(
        waits.waited,
        waits.runs,
        "a plain run's events.csv lists them: simulate FILE",
    );
    let table = if args.ablations {
        Some(ablation::ablations(&sc, seed, runs, jobs).map_err(|e| other(&e))?)
    } else {
        None
    };
    // The report shows the replay's first run. With measured data, the model's yearly shares
    // are the mean over every run, streamed a batch at a time: memory does not grow with --runs.
    let prm = sc.params.clone();
    let records = ensemble::run_many(&sc, &prm, seed, 1, jobs).map_err(|e| other(&e))?;
    // A value that overflowed (a growth rate compounded over centuries) does so in every run.
    if let Some(r) = records.first() {
        check_finite(&sc, 1, r).map_err(|e| Failure::Input(e.to_string()))?;
    }
    let check = match &data {
        None => None,
        Some((source, obs)) => {
            let bad = |e: &dyn std::fmt::Display| Failure::Input(format!("--data {source}: {e}"));
            let mut mean = unvote::SeriesMean::new(&sc, &records[0], runs).map_err(|e| bad(&e))?;
            // Every run averaged is checked: one value that overflowed would make the mean NaN.
            ensemble::run_batches(&sc, &prm, seed, runs, jobs, |first, batch| {
                for (k, r) in batch.iter().enumerate() {
                    check_finite(&sc, first + k + 1, r)?;
                    mean.add(r);
                }
                Ok(())
            })
            .map_err(|e| other(&e))?
            .map_err(|e: NonFinite| Failure::Input(e.to_string()))?;
            let model = mean.finish(&sc).map_err(|e| bad(&e))?;
            let check = unvote::check(
                obs,
                &model,
                unvote::DEFAULT_FIT_WINDOW,
                unvote::DEFAULT_TEST_WINDOW,
            )
            .map_err(|e| bad(&e))?;
            Some((source.as_str(), check))
        }
    };

    // The report: the replay's first run (stream 0 of the seed, as in the ensembles above), its
    // charts embedded (no chart files: those are `simulate FILE`'s), the scorecard on top.
    let first = &records[..1];
    let summary = Summary::new(&sc, &prm, first, seed, changes.clone(), command);
    let plot_opts = PlotOptions::parse("none").unwrap_or_default();
    let charts = plot::render(&sc, &summary, first, &plot_opts).map_err(|e| other(&e))?;
    let mut sections = vec![report::scorecard::report_section(&lines, runs, seed)];
    let mut files = vec![("validation.csv", csv::scorecard_csv(&lines))];
    if let Some(table) = &table {
        files.push(("ablations.csv", csv::ablations_csv(table)));
    }
    let mut svgs: Vec<(String, String)> = Vec::new();
    if let Some((source, check)) = &check {
        files.push(("unvote.csv", csv::unvote_csv(check)));
        files.push(("unvote_turns.csv", csv::unvote_turns_csv(check)));
        let figure = plot::votes::chart(check).map_err(|e| other(&e))?;
        sections.push(report::scorecard::unvote_section(
            check, source, runs, &figure,
        ));
        svgs.push((format!("{}.svg", figure.name), figure.svg.clone()));
    }
    for (name, svg) in &svgs {
        files.push((name.as_str(), svg.clone()));
    }
    files.push((
        "report.html",
        report::run::html_with(&sc, &summary, first, &charts, &plot_opts, &sections),
    ));

    // Everything is computed: only now is anything written.
    let io =
        |e: std::io::Error, p: &Path| Failure::Other(format!("cannot write {}: {e}", p.display()));
    for (name, text) in &files {
        let p = staging.dir().join(name);
        write_atomic(&p, text.as_bytes()).map_err(|e| io(e, &p))?;
    }
    commit(staging)?;
    let path = out_dir.join("validation.csv");
    let report_path = out_dir.join("report.html");
    let failed = lines.iter().filter(|l| !l.pass).count();
    let unexpected = lines.iter().filter(|l| l.unexpected_failure()).count();
    if !args.common.quiet {
        println!(
            "Validation of {} ({} runs per ensemble, seed {seed})",
            sc.name, runs
        );
        for c in &changes {
            println!("  changed: {c}");
        }
        println!();
        println!(
            "{:<15} {:>6}  {:>5}  {:<6} what",
            "fact", "share", "need", "result"
        );
    }
    for l in &lines {
        if args.common.quiet && l.pass {
            continue;
        }
        let what = match (&l.without, &l.timing) {
            (Some(w), Some(t)) if l.expect == "fails" => format!(
                "without {w}: {} does NOT happen within {} months of {}",
                l.label, t.history.tolerance_months, t.history.date
            ),
            (Some(w), _) => format!(
                "without {w}: {} {}",
                l.label,
                if l.expect == "fails" {
                    "does NOT happen"
                } else {
                    "happens"
                }
            ),
            // The share is of runs in which the outcome does not happen: say so.
            (None, _) if l.expect == "fails" => format!("{}: does NOT happen", l.label),
            (None, _) => l.label.clone(),
        };
        println!(
            "{:<15} {:>5}%  {:>4}%  {:<6} {what}",
            l.fact,
            text::percent(l.share),
            text::percent(l.threshold),
            if l.pass { "pass" } else { "FAIL" }
        );
        // A line that happens often enough but at the wrong time: the share alone reads as a
        // pass, so the date is named.
        if let Some(t) = l
            .timing
            .as_ref()
            .filter(|t| !l.pass && l.expect != "fails" && l.share >= l.threshold && !t.on_time())
            && let (Some(median), Some(error)) = (t.median, t.error_months())
        {
            println!(
                "{:<36}fails on its date: median {median}, history {}, {error:+} months (tolerance {})",
                "", t.history.date, t.history.tolerance_months
            );
        }
        match (&l.known_failure, l.pass) {
            (Some(why), false) => println!("{:<36}known failure: {why}", ""),
            (Some(_), true) => println!(
                "{:<36}listed as a known failure but passes in these {runs} runs: if it still passes with more runs (near its threshold a few runs decide), update the scenario and the docs",
                ""
            ),
            _ => {}
        }
    }
    if !args.common.quiet {
        let dated = text::dated_text(&lines);
        if !dated.is_empty() {
            println!("\n{dated}");
        }
        println!(
            "\n{} of {} lines pass ({} known failure{}); wrote {}",
            lines.len() - failed,
            lines.len(),
            failed - unexpected,
            if failed - unexpected == 1 { "" } else { "s" },
            path.display()
        );
        if let Some(table) = &table {
            println!("\n{}", text::ablations_text(&lines, table));
            println!("wrote {}", out_dir.join("ablations.csv").display());
        }
        if let Some((source, check)) = &check {
            println!("\n{}", text::unvote_text(check, source));
            println!(
                "wrote {}, {} and {} (measured and predicted agreement per state)",
                out_dir.join("unvote.csv").display(),
                out_dir.join("unvote_turns.csv").display(),
                out_dir.join("unvote.svg").display()
            );
        }
        println!("Report: {}", report_path.display());
    }
    if unexpected > 0 {
        return Err(Failure::Other(format!(
            "{unexpected} scorecard line(s) fail unexpectedly"
        )));
    }
    Ok(())
}

/// The measured data `--data` names: `unga` (the shipped copy) or a CSV file in its format.
fn read_data(name: &str) -> Result<(String, Vec<Observation>), Failure> {
    let (source, text) = if name == "unga" {
        (
            "UNGA voting agreement, Bailey, Strezhnev and Voeten 2017".to_string(),
            unvote::UNGA.to_string(),
        )
    } else {
        let text = crate::common::read_input(
            Path::new(name),
            &format!("--data {name}"),
            "give `unga` (the shipped UN voting data) or a CSV file with columns year, iso3, agree_us, agree_ru, agree_cn, nvotes",
        )?;
        (name.to_string(), text)
    };
    let obs = unvote::parse(&text).map_err(|e| Failure::Input(format!("--data {name}: {e}")))?;
    Ok((source, obs))
}

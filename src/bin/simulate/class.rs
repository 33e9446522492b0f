//! `simulate class`: docs/teaching.md's three exercises built into a class kit: a report, a
//! printable worksheet with an answer key, and the numbers as JSON, every number computed here
//! by running the commands the exercises name (through the same library calls as those
//! commands), never typed by hand.

use std::path::{Path, PathBuf};

use clap::Args;
use soft_balancing::engine::record::What;
use soft_balancing::output::log::{base_of, describe, is_decision};
use soft_balancing::output::summary::Summary;
use soft_balancing::output::write_atomic;
use soft_balancing::plot::PlotOptions;
use soft_balancing::report::class::{Answers, CreditSweep, IranRun, LensScore};
use soft_balancing::runs::compare::{self, Start};
use soft_balancing::runs::digest::Digest;
use soft_balancing::runs::ensemble;
use soft_balancing::scenario::{Lens, Scenario};
use soft_balancing::sweep::charts;
use soft_balancing::sweep::options::SweepRequest;
use soft_balancing::sweep::run::run_sweep;
use soft_balancing::sweep::table::header;

use crate::Failure;
use crate::common::whole;
use crate::common::{apply_changes, commit, load, stage};

/// The credit sweep of exercise (a).
const CREDIT_KEY: &str = "events.rus_credit_2009.amount_bn";
const CREDIT_VALUES: &str = "0:3:0.25";
const CREDIT_RUNS: usize = 100;
/// Runs per lens of exercise (b) (`simulate compare`'s default).
const LENS_RUNS: usize = 50;
/// Runs per ensemble of exercise (c).
const IRAN_RUNS: usize = 100;

/// Arguments of `simulate class`.
#[derive(Args)]
pub struct ClassArgs {
    /// Output folder [default: out/class].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Threads, at most 256 (0: all cores) [default: all cores]. Results do not depend on it.
    #[arg(allow_negative_numbers = true, long, value_name = "N", value_parser = whole::<u16>(0, 256))]
    jobs: Option<u16>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

/// The files `simulate class` writes (its `sweep/` subfolder is rewritten whole).
fn owns(name: &str) -> bool {
    matches!(name, "report.html" | "worksheet.html" | "answers.json") || name.ends_with(".partial")
}

fn other(e: &dyn std::fmt::Display) -> Failure {
    Failure::Other(e.to_string())
}

/// Runs `simulate class`.
pub fn class(args: ClassArgs) -> Result<(), Failure> {
    let jobs = args.jobs.map_or(0, usize::from);
    let out = args
        .out
        .unwrap_or_else(|| PathBuf::from("out").join("class"));
    let staging = stage(&out, owns)?;
    let dir = staging.dir().to_path_buf();
    let (credit, charts) = credit_sweep(&dir.join("sweep"), jobs)?;
    let (lenses_command, lenses, same_lines) = lens_scores(jobs)?;
    // Each with a folder of its own, as docs/teaching.md writes them: the reports stay side by
    // side.
    let soft = "enlargement.veto_threshold=-0.05";
    let iran = [
        (vec![], vec![], None),
        (
            vec![],
            vec!["iran_applies"],
            Some("out/ufa2015_without_iran"),
        ),
        (vec![soft], vec![], Some("out/ufa2015_soft")),
        (
            vec![soft],
            vec!["iran_applies"],
            Some("out/ufa2015_soft_without_iran"),
        ),
    ]
    .iter()
    .map(|(sets, without, out)| iran_run(sets, without, *out, jobs))
    .collect::<Result<Vec<_>, _>>()?;
    let answers = Answers {
        tool: format!("simulate {}", soft_balancing::VERSION),
        credit,
        lenses_command,
        lenses,
        same_lines,
        iran,
    };
    let files = [
        ("answers.json", answers.to_json()),
        (
            "worksheet.html",
            soft_balancing::report::class::worksheet(&answers),
        ),
        (
            "report.html",
            soft_balancing::report::class::report(&answers, &charts),
        ),
    ];
    for (name, text) in &files {
        let p = dir.join(name);
        write_atomic(&p, text.as_bytes()).map_err(|e| other(&e))?;
    }
    commit(staging)?;
    if !args.quiet {
        println!("Wrote {}/:", out.display());
        println!("  worksheet.html  the three exercises to print, the answer key on its last page");
        println!("  report.html     every exercise's results on one page");
        println!("  answers.json    the answer key's numbers");
        println!("  sweep/          exercise (a)'s sweep (sweep.csv, charts)");
    }
    Ok(())
}

/// Exercise (a): `simulate sweep scenarios/sco2001.toml --set
/// events.rus_credit_2009.amount_bn=0:3:0.25 --runs 100`, written into `out`.
fn credit_sweep(
    out: &Path,
    jobs: usize,
) -> Result<(CreditSweep, Vec<soft_balancing::plot::Chart>), Failure> {
    let file = Path::new("scenarios/sco2001.toml");
    let sc = load(file)?;
    let request = SweepRequest {
        design: None,
        samples: None,
        axes: vec![(CREDIT_KEY.to_string(), CREDIT_VALUES.to_string())],
        runs: Some(CREDIT_RUNS),
    };
    let spec = request.resolve(&sc).map_err(|e| other(&e))?;
    let typed = [
        "sweep",
        "scenarios/sco2001.toml",
        "--set",
        &format!("{CREDIT_KEY}={CREDIT_VALUES}"),
        "--runs",
        &CREDIT_RUNS.to_string(),
    ]
    .map(str::to_string);
    let mut command = vec!["simulate".to_string()];
    command.extend(typed.iter().cloned());
    let opts = soft_balancing::sweep::options::SweepOptions {
        spec,
        seed: sc.seed,
        jobs,
        shard: None,
        resume: false,
        keep_runs: false,
        out: out.to_path_buf(),
        fixed: Vec::new(),
        // As `simulate sweep` records it: as typed in the output folder.
        command: command
            .iter()
            .cloned()
            .chain(["--out".to_string(), ".".to_string()])
            .collect(),
    };
    let report = run_sweep(&sc, &opts, &|_| {}).map_err(|e| other(&e))?;
    let columns: Vec<String> = header(&sc, &opts.spec)
        .split(',')
        .map(str::to_string)
        .collect();
    let lead = 2 + opts.spec.axes.len();
    let col = |name: &str| {
        columns
            .iter()
            .position(|c| c == name)
            .map(|k| k - lead)
            .ok_or_else(|| Failure::Other(format!("sco2001 has no outcome column {name}")))
    };
    let cols = [
        col("p_manas_ordered_2009")?,
        col("p_manas_reversal_2009")?,
        col("p_manas_closed_2014")?,
    ];
    let mut rows: Vec<(f64, [f64; 3])> = report
        .rows
        .iter()
        .map(|r| (r.values[0], cols.map(|c| r.cells[c])))
        .collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let even_chance = rows.iter().find(|(_, p)| p[0] >= 0.5).map(|r| r.0);
    let no_buyback = even_chance.and_then(|e| {
        rows.iter()
            .find(|(c, p)| *c >= e && p[1] < 0.5)
            .map(|r| r.0)
    });
    // Below the threshold: the largest credit under it at which the bargaining of 2009 happens
    // (the reversal in at least half the runs) almost never with an order (in under a tenth),
    // and what its first run decides in 2009.
    let below_credit = rows
        .iter()
        .rev()
        .find(|(c, p)| even_chance.is_some_and(|e| *c < e) && p[0] < 0.1 && p[1] >= 0.5)
        .map(|r| r.0);
    let below = match below_credit {
        Some(credit) => Some((credit, decisions_2009(&sc, credit)?)),
        None => None,
    };
    // The chart the exercise reads: the order's share of runs against the credit.
    let plot_opts = PlotOptions::parse("svg").unwrap_or_default();
    let all = charts::charts(&sc, &opts, &report.rows, &plot_opts).map_err(|e| other(&e))?;
    soft_balancing::plot::write_files(out, &all, &plot_opts).map_err(|e| other(&e))?;
    let shown: Vec<_> = all
        .into_iter()
        .filter(|c| c.name.starts_with("sweep_p_manas"))
        .collect();
    Ok((
        CreditSweep {
            command: command.join(" "),
            rows,
            even_chance,
            no_buyback,
            below,
        },
        shown,
    ))
}

/// Kyrgyzstan's and the US's decisions on Manas in 2009, in the first run of sco2001 with the
/// 2009 credit at `credit` bn USD, as the event log words them (`2009-02 KGZ will not renew ...`).
fn decisions_2009(sc: &Scenario, credit: f64) -> Result<Vec<String>, Failure> {
    let mut sc = sc.clone();
    let set = [format!("{CREDIT_KEY}={credit}")];
    apply_changes(&mut sc, None, &set, &[])?;
    let prm = sc.params.clone();
    let records = ensemble::run_many(&sc, &prm, sc.seed, 1, 1).map_err(|e| other(&e))?;
    let manas = sc.bases.iter().position(|b| b.id == "manas");
    let Some(rec) = records.first() else {
        return Ok(Vec::new());
    };
    Ok(rec
        .log
        .iter()
        .filter(|e| e.date.year() == 2009 && is_decision(e))
        .filter(|e| manas.is_some_and(|m| base_of(&e.what) == Some(m)))
        .map(|e| format!("{} {}", e.date, describe(&sc, e).1))
        .collect())
}

/// Exercise (b): `simulate compare scenarios/sco2001.toml --lenses all --actor KGZ`.
fn lens_scores(jobs: usize) -> Result<LensAnswers, Failure> {
    let sc = load(Path::new("scenarios/sco2001.toml"))?;
    let result = compare::compare(&sc, Lens::all(), sc.seed, LENS_RUNS, jobs, Start::Same)
        .map_err(|e| other(&e))?;
    let scores = result
        .lenses
        .iter()
        .map(|l| LensScore {
            lens: l.lens.name().to_string(),
            passes: l.scorecard.iter().filter(|c| c.pass).count(),
            lines: l.scorecard.len(),
            manas_2009: l
                .scorecard
                .iter()
                .any(|c| c.outcome == "manas_ordered_2009" && c.without.is_none() && c.pass),
            manas_2009_share: l
                .scorecard
                .iter()
                .find(|c| c.outcome == "manas_ordered_2009" && c.without.is_none())
                .map_or(0.0, |c| c.share),
        })
        .collect();
    let same_lines = result
        .same_lines()
        .iter()
        .map(|group| {
            let names = group
                .iter()
                .map(|&k| result.lenses[k].lens.name().to_string())
                .collect();
            let facts = match group[..] {
                [a, b, ..] => result
                    .telling_facts(&sc, a, b, compare::Comparison::TELLING)
                    .iter()
                    .map(|f| {
                        format!(
                            "{}: {:.2} under {}, {:.2} under {}",
                            f.place(&sc),
                            f.shares.0,
                            result.lenses[a].lens.name(),
                            f.shares.1,
                            result.lenses[b].lens.name()
                        )
                    })
                    .collect(),
                _ => Vec::new(),
            };
            (names, facts)
        })
        .collect();
    Ok((
        "simulate compare scenarios/sco2001.toml --lenses all --actor KGZ".to_string(),
        scores,
        same_lines,
    ))
}

/// Exercise (b)'s command, each lens's scorecard, and the lenses that pass the same lines.
type LensAnswers = (String, Vec<LensScore>, Vec<(Vec<String>, Vec<String>)>);

/// Exercise (c): `simulate scenarios/ufa2015.toml --runs 100 --format csv` with `sets` and
/// `without`, into `out` (the default folder when `None`).
fn iran_run(
    sets: &[&str],
    without: &[&str],
    out: Option<&str>,
    jobs: usize,
) -> Result<IranRun, Failure> {
    let mut sc = load(Path::new("scenarios/ufa2015.toml"))?;
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let without: Vec<String> = without.iter().map(|s| s.to_string()).collect();
    apply_changes(&mut sc, None, &sets, &without)?;
    let prm = sc.params.clone();
    let records = ensemble::run_many(&sc, &prm, sc.seed, IRAN_RUNS, jobs).map_err(|e| other(&e))?;
    let mut digest = Digest::default();
    for r in &records {
        digest.add_with(r, is_decision);
    }
    let summary = Summary::of_digest(&sc, &prm, &digest, sc.seed, Vec::new(), Vec::new());
    let share = |text: &str| {
        summary
            .key_decisions
            .iter()
            .filter(|d| d.decision.contains(text))
            .map(|d| d.share_of_runs)
            .fold(0.0, f64::max)
    };
    let mut command = format!("simulate scenarios/ufa2015.toml --runs {IRAN_RUNS}");
    for s in &sets {
        command.push_str(&format!(" --set {s}"));
    }
    command.push_str(" --format csv");
    for w in &without {
        command.push_str(&format!(" --without {w}"));
    }
    if let Some(out) = out {
        command.push_str(&format!(" --out {out}"));
    }
    // Who vetoes Iran alone, and in what share of runs at least once.
    let irn = sc.actor_index("IRN");
    let mut vetoes: Vec<(String, usize)> = Vec::new();
    for r in &records {
        let mut seen: Vec<usize> = Vec::new();
        for e in &r.log {
            if matches!(e.what, What::CandidateVetoed(c) if Some(c) == irn)
                && !seen.contains(&e.actor)
            {
                seen.push(e.actor);
            }
        }
        for a in seen {
            let id = sc.actors[a].id.clone();
            match vetoes.iter_mut().find(|(v, _)| *v == id) {
                Some((_, n)) => *n += 1,
                None => vetoes.push((id, 1)),
            }
        }
    }
    Ok(IranRun {
        iran_vetoed_by: vetoes
            .into_iter()
            .map(|(id, n)| (id, n as f64 / records.len().max(1) as f64))
            .collect(),
        command,
        iran_approved: share("approves IRN's accession"),
        iran_member: share("IRN becomes a full SCO member"),
        cohesion_start: summary
            .initial_indices
            .get("sco_cohesion")
            .copied()
            .unwrap_or_default(),
        cohesion_end: summary
            .final_indices
            .get("sco_cohesion")
            .copied()
            .unwrap_or_default(),
    })
}

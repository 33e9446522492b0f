//! `simulate compare FILE`: a scenario under several theory lenses side by side.

use std::path::{Path, PathBuf};

use clap::Args;
use soft_balancing::output::write_atomic;
use soft_balancing::runs::compare;
use soft_balancing::scenario::{Lens, Role};

use crate::Failure;
use crate::common::{
    Common, apply_changes, commit, load, provenance, stage, warn_applicants_waited, whole,
};

/// The files `simulate compare` writes.
fn owns(name: &str) -> bool {
    matches!(name, "compare.csv" | "compare_checks.csv" | "report.html")
        || name.ends_with(".partial")
        || (name.starts_with("compare_") && name.ends_with(".svg"))
}

/// Arguments of `simulate compare`.
#[derive(Args)]
#[command(after_help = "Examples:
  simulate compare scenarios/sco2001.toml --lenses all --actor KGZ
  simulate compare scenarios/ufa2015.toml --lenses soft-balancing,bandwagoning --runs 100

Every lens starts from the same alignment (where the scenario as written starts its states) unless
--own-start. Prints the final alignments, the scorecard per lens, where the lenses disagree (states,
patrons, dates), which lenses pass the same lines and the facts that would tell them apart, and,
for a scenario whose outcomes name episodes, the class handout (each lens's prediction for each).
Writes compare.csv (final shares per lens), compare_checks.csv (the scorecard per lens, for a
scenario with [[checks]]), compare_<ACTOR>.svg and report.html (all of it on one page) to --out
(default out/<scenario>/compare).
`simulate explain LENS` describes each lens; docs/theory.md gives formulas and sources.")]
pub struct CompareArgs {
    /// Scenario file.
    file: PathBuf,
    /// Lenses to compare: `all` or a comma-separated list.
    #[arg(long, value_name = "LIST", default_value = "all")]
    lenses: String,
    /// Runs per lens.
    #[arg(allow_negative_numbers = true, long, value_name = "N", default_value_t = 50, value_parser = whole::<u64>(1, 100_000))]
    runs: u64,
    /// State whose trajectories are charted [default: the first state of the region]. An id
    /// may start with `-`.
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    actor: Option<String>,
    /// Start each lens where its own scores point (for states the scenario gives no alignment)
    /// instead of every lens from the same alignment, where the scenario as written starts.
    #[arg(long)]
    own_start: bool,
    #[command(flatten)]
    common: Common,
}

/// Runs `simulate compare`.
pub fn compare(args: CompareArgs) -> Result<(), Failure> {
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
    let repeated = (1..lenses.len()).find(|&k| lenses[..k].contains(&lenses[k]));
    if let Some(twice) = repeated.map(|k| lenses[k]) {
        return Err(Failure::Input(format!(
            "--lenses {}: `{}` is given twice\n  help: name each lens once",
            args.lenses,
            twice.name()
        )));
    }
    let changes = apply_changes(&mut sc, None, &args.common.set, &args.common.without)?;
    let actor = match &args.actor {
        Some(id) => sc
            .actor_index(id)
            .filter(|&i| sc.actors[i].role == Role::State)
            .ok_or_else(|| {
                let states: Vec<&str> = sc.states().map(|i| sc.actors[i].id.as_str()).collect();
                let meant = soft_balancing::error::did_you_mean(id, states.iter().copied());
                Failure::Input(format!(
                    "--actor {id}: not a state of this scenario\n  help: {meant}one of: {}",
                    states.join(", ")
                ))
            })?,
        None => sc
            .states()
            .find(|&i| sc.actors[i].in_region)
            .or_else(|| sc.states().next())
            .ok_or_else(|| {
                Failure::Input(format!(
                    "{}: the scenario has no state, so the lenses have nothing to compare\n  help: add an [[actors]] entry with role = \"state\"",
                    args.file.display()
                ))
            })?,
    };
    let seed = args.common.seed.unwrap_or(sc.seed);
    let out_dir = args
        .common
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(&sc.name).join("compare"));
    // Output problems that can be known now are found before anything runs.
    let staging = stage(&out_dir, owns)?;
    provenance(&mut sc, &args.file, &out_dir, &[]);
    let start = if args.own_start {
        compare::Start::Own
    } else {
        compare::Start::Same
    };
    let result = compare::compare(
        &sc,
        &lenses,
        seed,
        args.runs as usize,
        args.common.jobs(),
        start,
    )
    .map_err(|e| match e {
        compare::CompareError::NonFinite(e) => Failure::Input(e.to_string()),
        compare::CompareError::Pool(e) => Failure::Other(e.to_string()),
    })?;
    warn_applicants_waited(
        result.lenses.iter().map(|l| l.waited).sum(),
        args.runs * result.lenses.len() as u64,
        "a plain run's events.csv lists them: simulate FILE --lens LENS",
    );
    let io =
        |e: std::io::Error, p: &Path| Failure::Other(format!("cannot write {}: {e}", p.display()));
    let figure = result
        .figure(&sc, actor)
        .map_err(|e| Failure::Other(e.to_string()))?;
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
        let p = staging.dir().join(name);
        write_atomic(&p, text.as_bytes()).map_err(|e| io(e, &p))?;
    }
    commit(staging)?;
    if !args.common.quiet {
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

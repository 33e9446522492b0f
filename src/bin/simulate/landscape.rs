//! `simulate landscape`: every local minimum of a landscape (Axelrod and Bennett 1993), from a
//! scenario's actors at its start or from an actors file and a propensity file.

use std::path::{Path, PathBuf};

use clap::Args;
use soft_balancing::engine::decision::landscape::{Landscape, MAX_ACTORS};
use soft_balancing::runs::landscape;

use crate::Failure;
use crate::common::load;

/// Arguments of `simulate landscape`.
#[derive(Args)]
#[command(after_help = "Examples:
  simulate landscape scenarios/sco2001.toml
  simulate landscape --actors data/landscape_syria2016/Actor_data.csv \\
                     --propensity data/landscape_syria2016/Pairwise_propensity_Feb_20.csv

From a scenario: every actor, sized by power (the geometric mean of GDP and military spending,
bn USD), with the model's affinity as propensity (docs/theory.md, landscape). From files: the
format of data/landscape_syria2016/ (data/README.md; its files are built in, so the example
runs from any folder). Prints every local minimum of the energy over two sides, lowest first,
with the share of all partitions whose steepest descent ends in it.")]
pub struct LandscapeArgs {
    /// Scenario file (its actors at its start).
    #[arg(required_unless_present = "actors", conflicts_with = "actors")]
    file: Option<PathBuf>,
    /// Actors file: `id,actor,strength`.
    #[arg(long, value_name = "CSV", requires = "propensity")]
    actors: Option<PathBuf>,
    /// Propensity file: a square table of 1-5 ratings (propensity = rating - 3).
    #[arg(long, value_name = "CSV", requires = "actors")]
    propensity: Option<PathBuf>,
}

/// The files of data/landscape_syria2016/, compiled in: the example in `--help` runs from any
/// folder, as the shipped scenarios and the UN votes do.
const SYRIA: [(&str, &str); 3] = [
    (
        "Actor_data.csv",
        include_str!("../../../data/landscape_syria2016/Actor_data.csv"),
    ),
    (
        "Actor_data_weaksyria.csv",
        include_str!("../../../data/landscape_syria2016/Actor_data_weaksyria.csv"),
    ),
    (
        "Pairwise_propensity_Feb_20.csv",
        include_str!("../../../data/landscape_syria2016/Pairwise_propensity_Feb_20.csv"),
    ),
];

/// The compiled-in copy of `p` when no file is at `p` and it names one of data/landscape_syria2016/.
fn shipped_copy(p: &Path) -> Option<&'static str> {
    if p.exists() || p.parent()?.file_name()? != "landscape_syria2016" {
        return None;
    }
    let name = p.file_name()?;
    SYRIA
        .iter()
        .find(|(n, _)| name == *n)
        .map(|(_, text)| *text)
}

/// Runs `simulate landscape`.
pub fn landscape(args: LandscapeArgs) -> Result<(), Failure> {
    let read = |p: &Path| match shipped_copy(p) {
        Some(text) => Ok(text.to_string()),
        None => crate::common::read_input(
            p,
            &format!("cannot read {}", p.display()),
            "give a CSV file (docs/theory.md, landscape theory)",
        ),
    };
    let (title, l) = match (&args.file, &args.actors, &args.propensity) {
        (Some(file), _, _) => {
            let sc = load(file)?;
            let title = format!(
                "{} at {}: {} actors sized by power, propensity = affinity",
                sc.name,
                sc.start,
                sc.actors.len()
            );
            (title, landscape::of_scenario(&sc))
        }
        (None, Some(a), Some(p)) => {
            let (an, pn) = (a.display().to_string(), p.display().to_string());
            let l = landscape::read(&an, &read(a)?, &pn, &read(p)?).map_err(Failure::Input)?;
            (format!("{}: {} actors", a.display(), l.len()), l)
        }
        _ => {
            return Err(Failure::Input(
                "give a scenario file, or --actors and --propensity".into(),
            ));
        }
    };
    let minima = l.local_minima().ok_or_else(|| {
        Failure::Input(format!(
            "{} actors: the enumeration handles 1 to {MAX_ACTORS}",
            l.len()
        ))
    })?;
    println!("Landscape of {title}");
    print_sizes(&l);
    // An actor of size 0 weighs nothing in the energy: where none has size, every partition
    // has energy 0 and is a "minimum", which says nothing.
    let weightless: Vec<&str> = l
        .names
        .iter()
        .zip(&l.size)
        .filter(|(_, s)| **s <= 0.0)
        .map(|(n, _)| n.as_str())
        .collect();
    if !weightless.is_empty() {
        eprintln!(
            "warning: {} of {} actors have size 0 and weigh nothing in the energy: {}{}",
            weightless.len(),
            l.len(),
            weightless.join(", "),
            if args.file.is_some() {
                " (power is the geometric mean of GDP and military spending: give them `military_bn`)"
            } else {
                ""
            }
        );
    }
    let configs = 1usize << (l.len() - 1);
    println!();
    println!(
        "{} local minim{} of {configs} partitions into two sides, lowest energy first:",
        minima.len(),
        if minima.len() == 1 { "um" } else { "a" }
    );
    for (k, m) in minima.iter().enumerate() {
        let (a, b) = l.coalitions(&m.side);
        println!(
            "{:>2}  E = {}  basin {:.0}%  {{{}}} against {{{}}}",
            k + 1,
            fmt_energy(m.energy),
            100.0 * m.basin as f64 / configs as f64,
            a.join(", "),
            b.join(", ")
        );
    }
    Ok(())
}

/// Each actor's size, as a share of the total.
fn print_sizes(l: &Landscape) {
    let total: f64 = l.size.iter().sum();
    let parts: Vec<String> = l
        .names
        .iter()
        .zip(&l.size)
        .map(|(n, s)| format!("{n} {:.1}%", 100.0 * s / total.max(f64::MIN_POSITIVE)))
        .collect();
    println!("sizes (share of the total): {}", parts.join(", "));
}

/// An energy with thousands separated, to the nearest unit (or three decimals when small).
fn fmt_energy(e: f64) -> String {
    if e.abs() >= 1000.0 {
        let r = e.round() as i64;
        let digits = r.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        format!("{}{out}", if r < 0 { "-" } else { "" })
    } else {
        format!("{e:.3}")
    }
}

//! `simulate check FILE`: validate a scenario file and say what is wrong, or that it is fine.

use std::path::Path;

use crate::Failure;
use crate::common::load;

/// Runs `simulate check`.
pub fn check(file: &Path) -> Result<(), Failure> {
    let sc = load(file)?;
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    println!(
        "{}: ok — scenario `{}`, {} ({}), {}, {} of a {} from {} to {}",
        file.display(),
        sc.name,
        count(sc.actors.len(), "actor", "actors"),
        count(sc.patrons.len(), "patron", "patrons"),
        count(sc.events.len(), "event", "events"),
        count(sc.steps(), "step", "steps"),
        sc.period.name(),
        sc.start,
        sc.end
    );
    // The months after the last whole step are not simulated.
    let last = sc.date_of(sc.steps());
    if last != sc.end {
        println!(
            "warning: `end` ({}) is not a whole number of {} steps after `start` ({}): the runs stop at {last}; set `end` to {last} or {}",
            sc.end,
            sc.period.name(),
            sc.start,
            sc.date_of(sc.steps() + 1)
        );
    }
    for w in soft_balancing::scenario::experiment::outcome_warnings(&sc) {
        println!("warning: {w}");
    }
    Ok(())
}

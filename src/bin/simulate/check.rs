//! `simulate check FILE`: validate a scenario file and say what is wrong, or that it is fine.

use std::path::Path;

use crate::Failure;
use crate::common::load;

/// Runs `simulate check`.
pub fn check(file: &Path) -> Result<(), Failure> {
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
    for w in soft_balancing::scenario::experiment::outcome_warnings(&sc) {
        println!("warning: {w}");
    }
    Ok(())
}

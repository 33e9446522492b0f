//! The validation scorecard: does a historical replay reproduce the stylized facts, for the right
//! reasons?
//!
//! A scenario's `[[checks]]` each name an outcome, whether it should hold or fail, optionally a
//! scripted event to remove (a counterfactual: the fact should disappear with its cause), and the
//! share of runs needed to pass. [`scorecard`] runs the scenario as an ensemble once as written
//! and once per distinct counterfactual, and reports each line. The replay (scenarios/sco2001.toml)
//! uses the same parameters as every other scenario: nothing is tuned per fact.

use crate::runs::ensemble::{PoolError, par_replicates, replicate};
use crate::runs::outcomes::Tracker;
use crate::scenario::Scenario;

/// One scorecard line's result.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// The stylized fact (from the check).
    pub fact: String,
    /// The outcome's id.
    pub outcome: String,
    /// What the outcome means.
    pub label: String,
    /// `holds` or `fails`.
    pub expect: &'static str,
    /// The removed event, for a counterfactual.
    pub without: Option<String>,
    /// Share of runs in which the expected result obtained.
    pub share: f64,
    /// Share needed.
    pub threshold: f64,
    /// Whether the line passes.
    pub pass: bool,
}

/// The share of `runs` replicates of `sc` (seed `seed`) in which each outcome held.
pub fn outcome_shares(
    sc: &Scenario,
    seed: u64,
    runs: usize,
    jobs: usize,
) -> Result<Vec<f64>, PoolError> {
    let results = par_replicates(runs, jobs, |r| {
        let mut world = sc.initial.clone();
        let mut tracker = Tracker::new(sc, &sc.outcomes);
        replicate(sc, &sc.params, seed, r, &mut world, &mut tracker);
        tracker.results().to_vec()
    })?;
    Ok((0..sc.outcomes.len())
        .map(|j| results.iter().filter(|r| r[j]).count() as f64 / runs.max(1) as f64)
        .collect())
}

/// Runs every check of `sc` with `runs` replicates each and returns the scorecard, in check order.
pub fn scorecard(
    sc: &Scenario,
    seed: u64,
    runs: usize,
    jobs: usize,
) -> Result<Vec<Line>, PoolError> {
    let baseline = outcome_shares(sc, seed, runs, jobs)?;
    let mut counterfactuals: Vec<(String, Vec<f64>)> = Vec::new();
    for c in &sc.checks {
        if let Some(w) = &c.without
            && !counterfactuals.iter().any(|(id, _)| id == w)
        {
            let mut cf = sc.clone();
            cf.remove_event(w);
            counterfactuals.push((w.clone(), outcome_shares(&cf, seed, runs, jobs)?));
        }
    }
    Ok(sc
        .checks
        .iter()
        .map(|c| {
            let shares = match &c.without {
                Some(w) => counterfactuals
                    .iter()
                    .find(|(id, _)| id == w)
                    .map_or(&baseline, |(_, s)| s),
                None => &baseline,
            };
            let held = shares[c.outcome];
            let share = if c.holds { held } else { 1.0 - held };
            let o = &sc.outcomes[c.outcome];
            Line {
                fact: c.fact.clone(),
                outcome: o.id.clone(),
                label: o.label.clone(),
                expect: if c.holds { "holds" } else { "fails" },
                without: c.without.clone(),
                share,
                threshold: c.threshold,
                pass: share >= c.threshold,
            }
        })
        .collect())
}

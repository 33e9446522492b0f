//! The validation scorecard: does a historical replay reproduce the stylized facts, for the right
//! reasons?
//!
//! A scenario's `[[checks]]` each name an outcome, whether it should hold or fail, optionally a
//! scripted event to remove (a counterfactual: the fact should disappear with its cause), and the
//! share of runs needed to pass. [`scorecard`] runs the scenario as an ensemble once as written
//! and once per distinct counterfactual, and reports each line. The replay (scenarios/sco2001.toml)
//! uses the same parameters as every other scenario: nothing is tuned per fact.
//!
//! A dated line is also scored by its date: over the runs in which the outcome happens, the
//! median date it first happens, the 5–95 % range (nearest-rank quantiles of the runs' dates),
//! and the error of the median against the historical date in months. It passes when the
//! outcome happens in at least `threshold` of the runs *and* the error is within the line's
//! tolerance.

use crate::date::YearMonth;
use crate::runs::ensemble::{PoolError, par_replicates, replicate};
use crate::runs::outcomes::Tracker;
use crate::scenario::Scenario;
use crate::scenario::experiment::Dated;
use crate::scenario::keys;

/// How the model dates a dated line's outcome, against history.
#[derive(Clone, Debug, PartialEq)]
pub struct Timing {
    /// The historical date, tolerance and source.
    pub history: Dated,
    /// Median model date over the runs in which the outcome happened (`None`: it never did).
    pub median: Option<YearMonth>,
    /// 5 % quantile of the model dates.
    pub p5: Option<YearMonth>,
    /// 95 % quantile of the model dates.
    pub p95: Option<YearMonth>,
}

impl Timing {
    /// Median model date minus the historical date, in months.
    pub fn error_months(&self) -> Option<i32> {
        self.median.map(|m| m.months_since(self.history.date))
    }

    /// Whether the median falls within the tolerance of the historical date.
    pub fn on_time(&self) -> bool {
        self.error_months()
            .is_some_and(|e| e.abs() <= self.history.tolerance_months)
    }
}

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
    /// For a dated line, the model's dates against history.
    pub timing: Option<Timing>,
    /// Why the scenario expects this line to fail (a documented, known failure).
    pub known_failure: Option<String>,
}

impl Line {
    /// A failure the scenario does not expect (an unexpected failure makes `validate` exit 1).
    pub fn unexpected_failure(&self) -> bool {
        !self.pass && self.known_failure.is_none()
    }
}

/// What an ensemble says about each outcome of a scenario.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OutcomeStats {
    /// Share of runs in which each outcome held.
    pub shares: Vec<f64>,
    /// For each outcome, the dates at which it first happened, one per run in which it did,
    /// sorted.
    pub dates: Vec<Vec<YearMonth>>,
    /// Runs in which an SCO applicant waited for a later summit because more applied than a
    /// summit considers (`engine::mechanisms::enlargement::MAX_APPLICANTS`).
    pub waited: u64,
}

/// The nearest-rank `q` quantile of sorted `dates`.
pub fn quantile(dates: &[YearMonth], q: f64) -> Option<YearMonth> {
    if dates.is_empty() {
        return None;
    }
    let rank = (q * dates.len() as f64).ceil() as usize;
    Some(dates[rank.clamp(1, dates.len()) - 1])
}

/// The share of `runs` replicates of `sc` (seed `seed`) in which each outcome held, and when.
pub fn outcome_stats(
    sc: &Scenario,
    seed: u64,
    runs: usize,
    jobs: usize,
) -> Result<OutcomeStats, PoolError> {
    let results = par_replicates(runs, jobs, |r| {
        let mut world = sc.initial.clone();
        let mut tracker = Tracker::new(sc, &sc.outcomes);
        replicate(sc, &sc.params, seed, r, &mut world, &mut tracker);
        (
            tracker.results().to_vec(),
            tracker.first_dates().to_vec(),
            tracker.applicant_waited(),
        )
    })?;
    let n = sc.outcomes.len();
    let shares = (0..n)
        .map(|j| results.iter().filter(|r| r.0[j]).count() as f64 / runs.max(1) as f64)
        .collect();
    let dates = (0..n)
        .map(|j| {
            let mut d: Vec<YearMonth> = results.iter().filter_map(|r| r.1[j]).collect();
            d.sort_unstable();
            d
        })
        .collect();
    let waited = results.iter().filter(|r| r.2).count() as u64;
    Ok(OutcomeStats {
        shares,
        dates,
        waited,
    })
}

/// Runs every check of `sc` with `runs` replicates each and returns the scorecard, in check order.
pub fn scorecard(
    sc: &Scenario,
    seed: u64,
    runs: usize,
    jobs: usize,
) -> Result<Vec<Line>, PoolError> {
    scorecard_counting_waits(sc, seed, runs, jobs).map(|(lines, _)| lines)
}

/// Of a scorecard's runs over all its ensembles (the scenario as written and each
/// counterfactual), how many had an SCO applicant wait for a later summit because more applied
/// than a summit considers: such a run's result is what the model says under that bound, which
/// a caller should tell the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Waits {
    /// Runs in which an applicant waited.
    pub waited: u64,
    /// Runs in all.
    pub runs: u64,
}

/// [`scorecard`], with its [`Waits`].
pub fn scorecard_counting_waits(
    sc: &Scenario,
    seed: u64,
    runs: usize,
    jobs: usize,
) -> Result<(Vec<Line>, Waits), PoolError> {
    let baseline = outcome_stats(sc, seed, runs, jobs)?;
    let mut counterfactuals: Vec<(String, OutcomeStats)> = Vec::new();
    for c in &sc.checks {
        if let Some(w) = &c.without
            && !counterfactuals.iter().any(|(id, _)| id == w)
        {
            let mut cf = sc.clone();
            for id in &c.remove {
                cf.remove_event(id);
            }
            for (key, value) in &c.settings {
                // Checked when the scenario was loaded: a known key, a value within its range.
                let applied = keys::set(&mut cf, key, *value);
                debug_assert!(applied.is_ok(), "{applied:?}");
            }
            counterfactuals.push((w.clone(), outcome_stats(&cf, seed, runs, jobs)?));
        }
    }
    let waits = Waits {
        waited: baseline.waited + counterfactuals.iter().map(|(_, s)| s.waited).sum::<u64>(),
        runs: (runs * (1 + counterfactuals.len())) as u64,
    };
    let lines = sc
        .checks
        .iter()
        .map(|c| {
            let stats = match &c.without {
                Some(w) => counterfactuals
                    .iter()
                    .find(|(id, _)| id == w)
                    .map_or(&baseline, |(_, s)| s),
                None => &baseline,
            };
            let held = match (&c.dated, c.holds) {
                // A counterfactual dated line that should fail: a run "holds" the dated fact when
                // the outcome comes within the tolerance of the historical date.
                (Some(h), false) => {
                    let on_time = stats.dates[c.outcome]
                        .iter()
                        .filter(|d| d.months_since(h.date).abs() <= h.tolerance_months)
                        .count();
                    on_time as f64 / runs.max(1) as f64
                }
                _ => stats.shares[c.outcome],
            };
            let share = if c.holds { held } else { 1.0 - held };
            let o = &sc.outcomes[c.outcome];
            let timing = c.dated.as_ref().map(|history| {
                let dates = &stats.dates[c.outcome];
                Timing {
                    history: history.clone(),
                    median: quantile(dates, 0.5),
                    p5: quantile(dates, 0.05),
                    p95: quantile(dates, 0.95),
                }
            });
            // A line that should fail has its dates in its share (above).
            let on_time = !c.holds || timing.as_ref().is_none_or(Timing::on_time);
            Line {
                fact: c.fact.clone(),
                outcome: o.id.clone(),
                label: o.label.clone(),
                expect: if c.holds { "holds" } else { "fails" },
                without: c.without.clone(),
                share,
                threshold: c.threshold,
                pass: share >= c.threshold && on_time,
                timing,
                known_failure: c.known_failure.clone(),
            }
        })
        .collect();
    Ok((lines, waits))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ym(y: i32, m: u32) -> YearMonth {
        YearMonth::new(y, m).unwrap()
    }

    #[test]
    fn quantiles_are_nearest_rank() {
        let d: Vec<YearMonth> = (1..=12).map(|m| ym(2009, m)).collect();
        assert_eq!(quantile(&d, 0.5), Some(ym(2009, 6)));
        assert_eq!(quantile(&d, 0.05), Some(ym(2009, 1)));
        assert_eq!(quantile(&d, 0.95), Some(ym(2009, 12)));
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(quantile(&d[..1], 0.95), Some(ym(2009, 1)));
    }

    #[test]
    fn a_dated_line_is_on_time_only_within_its_tolerance() {
        let t = |median: Option<YearMonth>| Timing {
            history: Dated {
                date: ym(2009, 2),
                tolerance_months: 3,
                source: String::new(),
            },
            median,
            p5: median,
            p95: median,
        };
        assert_eq!(t(Some(ym(2009, 5))).error_months(), Some(3));
        assert!(t(Some(ym(2009, 5))).on_time());
        assert!(t(Some(ym(2008, 11))).on_time());
        assert!(!t(Some(ym(2009, 6))).on_time());
        assert_eq!(t(Some(ym(2006, 10))).error_months(), Some(-28));
        assert!(!t(None).on_time());
    }
}

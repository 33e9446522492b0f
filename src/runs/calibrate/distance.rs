//! How far a parameter set's ensemble is from the historical record: the distance `simulate
//! calibrate` minimises, split into the part a calibration may see (lines and data dated up to
//! the last fitted year) and the part it must not (later lines: the out-of-sample test).
//!
//! The distance is built from the scenario's scorecard (`[[checks]]` without a counterfactual:
//! a counterfactual needs an ensemble of its own per parameter set) and, when measured UN votes
//! are given, from the fit of the UN-vote observation model ([`crate::runs::unvote`]). Each
//! piece is a dimensionless **term**, 0 when the model matches:
//!
//! - a line's **share** term: how far the share of runs in which the expected result obtained
//!   falls short of the line's threshold, as a fraction of the threshold
//!   (`max(0, threshold − share) / threshold`, 0 to 1);
//! - a dated line's **date** term: the error of the median model date in months over the
//!   line's tolerance (`|error| / tolerance`), capped at [`DATE_CAP`], which is also the term
//!   when the outcome never happens;
//! - the **votes** term: the root-mean-square error of the observation model's predicted
//!   agreement over the observed agreement's standard deviation, pooled over states and years
//!   of the window and averaged over the three patrons (1: no better than a constant; 1 also
//!   when the model's shares give no fit).
//!
//! A line belongs to the year it speaks of ([`line_year`]): its historical date, else the end
//! of its outcome's window, else the scenario's end. Lines up to `fit_until` are in sample; the
//! votes are fitted on 2001 to `fit_until` (in sample) and evaluated on the following years to
//! 2015 (out of sample). The **distance** of a sample is the root mean square of its terms, so
//! that a distance of 0.5 means terms of about half a threshold or half a tolerance.
//!
//! This follows pattern-oriented modelling (Grimm et al. 2005, *Science* 310: 987–991): many
//! weak patterns at once, each scored against its own tolerance, rather than one series fitted
//! closely.

use crate::date::YearMonth;
use crate::engine::record::{Indices, LogEntry, Observer, RunRecord};
use crate::params::Params;
use crate::runs::digest::{NonFinite, share_name};
use crate::runs::ensemble::replicate;
use crate::runs::outcomes::Tracker;
use crate::runs::scorecard::quantile;
use crate::runs::unvote::{self, Observation};
use crate::scenario::Scenario;
use crate::scenario::experiment::Check;
use crate::scenario::world::World;

/// The date term of a line whose outcome never happens, and the most any date term counts:
/// four tolerances.
pub const DATE_CAP: f64 = 4.0;

/// The kind of a term.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A line's share of runs against its threshold.
    Share,
    /// A dated line's median date against history.
    Date,
    /// The UN-vote observation model's error.
    Votes,
}

impl Kind {
    /// `share`, `date` or `votes`, as written in tables.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Share => "share",
            Kind::Date => "date",
            Kind::Votes => "votes",
        }
    }
}

/// One term of the distance.
#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    /// The outcome's id, or `un_votes`.
    pub name: String,
    /// What it measures.
    pub kind: Kind,
    /// The year it speaks of.
    pub year: i32,
    /// Whether it is in the calibration's sample (year up to `fit_until`).
    pub in_sample: bool,
    /// Its value, 0 when the model matches.
    pub value: f64,
}

/// What the distance is measured against.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// The last year in sample.
    pub fit_until: i32,
    /// Measured UN voting agreement, when the votes count.
    pub votes: Option<Vec<Observation>>,
}

/// Every term of one parameter set's ensemble.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    /// The terms: each line's share term, then its date term, in check order; then the votes.
    pub terms: Vec<Term>,
}

impl Score {
    /// The distance of the in-sample (`true`) or out-of-sample terms: their root mean square
    /// (0 when there are none).
    pub fn distance(&self, in_sample: bool) -> f64 {
        let v: Vec<f64> = self
            .terms
            .iter()
            .filter(|t| t.in_sample == in_sample)
            .map(|t| t.value * t.value)
            .collect();
        if v.is_empty() {
            0.0
        } else {
            (v.iter().sum::<f64>() / v.len() as f64).sqrt()
        }
    }
}

/// The year a scorecard line speaks of: its historical date's, else the end of its outcome's
/// window, else the scenario's last year.
pub fn line_year(sc: &Scenario, c: &Check) -> i32 {
    if let Some(d) = &c.dated {
        return d.date.year();
    }
    sc.outcomes[c.outcome]
        .by
        .map_or_else(|| sc.end.year(), |b| b.year())
}

/// The lines a calibration scores: those without a counterfactual.
pub fn scored(sc: &Scenario) -> impl Iterator<Item = &Check> {
    sc.checks.iter().filter(|c| c.without.is_none())
}

/// The number of in-sample and out-of-sample terms `sc` gives with `target`.
pub fn term_counts(sc: &Scenario, target: &Target) -> (usize, usize) {
    let mut n = (0, 0);
    for c in scored(sc) {
        let k = 1 + usize::from(c.dated.is_some());
        if line_year(sc, c) <= target.fit_until {
            n.0 += k;
        } else {
            n.1 += k;
        }
    }
    if target.votes.is_some() {
        n.0 += 1;
        n.1 += usize::from(target.fit_until < unvote::DEFAULT_TEST_WINDOW.1);
    }
    n
}

/// The two observers a calibration run feeds: the outcomes and, for the votes, the record.
struct Both<'a> {
    tracker: Tracker<'a>,
    record: Option<RunRecord>,
}

impl Observer for Both<'_> {
    fn observe(&mut self, step: usize, date: YearMonth, world: &World, indices: &Indices) {
        self.tracker.observe(step, date, world, indices);
        if let Some(r) = &mut self.record {
            r.observe(step, date, world, indices);
        }
    }

    fn log(&mut self, entry: LogEntry) {
        if let Some(r) = &mut self.record {
            r.log(entry);
        }
        self.tracker.log(entry);
    }

    fn wants_indices(&self, step: usize, last: bool) -> bool {
        self.record.is_some() || self.tracker.wants_indices(step, last)
    }
}

/// The votes term of a window: mean over patrons of RMSE over the observed SD.
fn votes_term(check: &unvote::VoteCheck, eval: &unvote::Evaluation) -> f64 {
    let (y0, y1) = eval.window;
    let obs: Vec<&unvote::SeriesPoint> = check
        .series
        .iter()
        .filter(|p| (y0..=y1).contains(&p.year))
        .collect();
    let mut total = 0.0;
    for p in 0..3 {
        let n = obs.len() as f64;
        let mean = obs.iter().map(|o| o.observed[p]).sum::<f64>() / n;
        let sd = (obs
            .iter()
            .map(|o| (o.observed[p] - mean) * (o.observed[p] - mean))
            .sum::<f64>()
            / n)
            .sqrt();
        total += match eval.pooled[p].rmse {
            Some(r) if sd > 0.0 && r.is_finite() => r / sd,
            _ => 1.0,
        };
    }
    total / 3.0
}

/// Runs `runs` replicates of `sc` with `prm` (streams `0..runs` of `seed`, one after the
/// other on this thread: callers parallelise over parameter sets) and scores them; a run whose
/// shares end as a number that is not finite (a quantity that overflowed) is an error, not a
/// score.
pub fn score(
    sc: &Scenario,
    prm: &Params,
    seed: u64,
    runs: usize,
    target: &Target,
) -> Result<Score, NonFinite> {
    let n = sc.outcomes.len();
    let mut held = vec![0usize; n];
    let mut dates: Vec<Vec<YearMonth>> = vec![Vec::new(); n];
    let mut records = Vec::new();
    let mut world = sc.initial.clone();
    for r in 0..runs {
        let mut obs = Both {
            tracker: Tracker::new(sc, &sc.outcomes),
            record: target
                .votes
                .as_ref()
                .map(|_| RunRecord::with_capacity(sc.initial.n, sc.initial.np, sc.steps())),
        };
        replicate(sc, prm, seed, r, &mut world, &mut obs);
        // A share that overflowed stays NaN to the end of the run (the move lets NaN through):
        // the last shares tell.
        let last = &obs.tracker.final_alignment;
        if let Some(k) = last.iter().position(|x| !x.is_finite()) {
            let np = sc.patrons.len().max(1);
            return Err(NonFinite {
                run: r + 1,
                // Only the last shares are kept here: the date it first happened is in a plain
                // run's error (`simulate FILE` with the same values).
                date: format!("the end, {}", sc.date_of(sc.steps())),
                what: share_name(sc, k / np, k % np),
                value: last[k],
            });
        }
        for j in 0..n {
            held[j] += usize::from(obs.tracker.results()[j]);
            if let Some(d) = obs.tracker.first_dates()[j] {
                dates[j].push(d);
            }
        }
        records.extend(obs.record);
    }
    for d in &mut dates {
        d.sort_unstable();
    }
    let mut terms = Vec::new();
    for c in scored(sc) {
        let year = line_year(sc, c);
        let in_sample = year <= target.fit_until;
        let id = &sc.outcomes[c.outcome].id;
        let h = held[c.outcome] as f64 / runs.max(1) as f64;
        let share = if c.holds { h } else { 1.0 - h };
        let miss = if c.threshold > 0.0 {
            ((c.threshold - share) / c.threshold).max(0.0)
        } else {
            0.0
        };
        terms.push(Term {
            name: id.clone(),
            kind: Kind::Share,
            year,
            in_sample,
            value: miss,
        });
        if let Some(history) = &c.dated {
            let value = quantile(&dates[c.outcome], 0.5).map_or(DATE_CAP, |m| {
                let e = m.months_since(history.date).abs() as f64;
                (e / history.tolerance_months.max(1) as f64).min(DATE_CAP)
            });
            terms.push(Term {
                name: id.clone(),
                kind: Kind::Date,
                year,
                in_sample,
                value,
            });
        }
    }
    if let Some(obs) = &target.votes {
        let fit_window = (unvote::DEFAULT_FIT_WINDOW.0, target.fit_until);
        let test_window = (target.fit_until + 1, unvote::DEFAULT_TEST_WINDOW.1);
        let check = unvote::model_series(sc, &records)
            .ok()
            .and_then(|m| unvote::check(obs, &m, fit_window, test_window).ok());
        let (inside, outside) = check.as_ref().map_or((1.0, 1.0), |c| {
            (votes_term(c, &c.in_sample), votes_term(c, &c.out_of_sample))
        });
        // No out-of-sample votes term when the fit reaches the votes' last test year.
        let windows = [
            (true, inside, target.fit_until),
            (false, outside, target.fit_until + 1),
        ];
        let n = if test_window.0 <= test_window.1 { 2 } else { 1 };
        for (in_sample, value, year) in windows.into_iter().take(n) {
            terms.push(Term {
                name: "un_votes".into(),
                kind: Kind::Votes,
                year,
                in_sample,
                value,
            });
        }
    }
    Ok(Score { terms })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(in_sample: bool, value: f64) -> Term {
        Term {
            name: "x".into(),
            kind: Kind::Share,
            year: 2005,
            in_sample,
            value,
        }
    }

    fn replay() -> Scenario {
        crate::scenario::shipped::Shipped::find("sco2001")
            .unwrap()
            .load()
            .unwrap()
    }

    #[test]
    fn lines_belong_to_their_date_else_their_window_else_the_end() {
        let sc = replay();
        let year = |id: &str| {
            let c = scored(&sc)
                .find(|c| sc.outcomes[c.outcome].id == id)
                .unwrap();
            line_year(&sc, c)
        };
        assert_eq!(year("k2_closed"), 2005, "the historical date");
        assert_eq!(year("manas_ordered_early"), 2008, "the window's end");
        assert_eq!(year("us_influence_declines"), 2014);
        let target = |votes: bool| Target {
            fit_until: 2010,
            votes: votes.then(Vec::new),
        };
        let (i, o) = term_counts(&sc, &target(false));
        assert_eq!((i, o), (16, 14));
        assert_eq!(term_counts(&sc, &target(true)), (i + 1, o + 1));
    }

    #[test]
    fn the_same_seed_gives_the_same_score_and_every_term_is_finite() {
        let sc = replay();
        let target = Target {
            fit_until: 2010,
            votes: None,
        };
        let a = score(&sc, &sc.params, 5, 3, &target).unwrap();
        assert_eq!(a, score(&sc, &sc.params, 5, 3, &target).unwrap());
        assert_eq!(a.terms.len(), 30);
        assert!(
            a.terms
                .iter()
                .all(|t| t.value.is_finite() && t.value >= 0.0)
        );
        assert!(a.terms.iter().all(|t| t.value <= DATE_CAP));
        assert!(a.distance(true) > 0.0, "the known failures are in sample");
    }

    #[test]
    fn the_distance_is_the_root_mean_square_of_a_samples_terms() {
        let s = Score {
            terms: vec![term(true, 3.0), term(true, 4.0), term(false, 1.0)],
        };
        assert!((s.distance(true) - (12.5f64).sqrt()).abs() < 1e-12);
        assert_eq!(s.distance(false), 1.0);
        assert_eq!(Score { terms: vec![] }.distance(true), 0.0);
    }
}

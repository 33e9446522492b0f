//! Comparing theory lenses: the same scenario as an ensemble under each lens.
//!
//! For each lens, [`compare`] runs the scenario's replicates and keeps, per date, the mean share
//! of every state toward every patron, the final 5–95 % range, the validation scorecard under
//! that lens (for a scenario with `[[checks]]` such as the replay), and what the lens predicts
//! for the scenario's named episodes (outcomes with an `episode`). By default every lens starts
//! from the same alignment — where the scenario as written starts its states — so the lenses
//! differ only in how states move; [`Start::Own`] lets each lens start where its own scores
//! point. Then [`Comparison::disagreements`] finds where the lenses' predictions differ, and
//! [`Comparison::same_lines`] and [`Comparison::telling_facts`] which lenses the scorecard cannot
//! tell apart and what would.
//!
//! Computation only. Each format adds its own methods to [`Comparison`] in its own module:
//! `csv` and `checks_csv` in `output::csv`, `text` in `output::text`, `figure` and `chart` in
//! `plot::compare`, `report_html` in `report::compare`.

use crate::date::YearMonth;
use crate::engine::record::What;
use crate::runs::digest::Sample;
use crate::runs::digest::{NonFinite, check_finite};
use crate::runs::ensemble::{self, PoolError, Spread};
use crate::runs::scorecard::{self, Line};
use crate::scenario::Lens;
use crate::scenario::Scenario;

/// Where each lens's states start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Start {
    /// Every lens from the same alignment: where the scenario as written (its own lenses and
    /// parameters, changes included) starts each state.
    #[default]
    Same,
    /// Each lens from where its own scores point for states the scenario gives no alignment.
    Own,
}

/// One lens's prediction for a named episode.
#[derive(Clone, Debug, PartialEq)]
pub struct EpisodeResult {
    /// Index of the outcome in the scenario.
    pub outcome: usize,
    /// Share of runs in which the outcome held.
    pub share: f64,
    /// Median date at which it first happened (event outcomes that happened).
    pub median: Option<YearMonth>,
}

/// One lens's results.
#[derive(Clone, Debug)]
pub struct LensResult {
    /// The lens.
    pub lens: Lens,
    /// Mean share at each date, `dates x actors x patrons` (patrons' rows included).
    pub mean: Vec<f64>,
    /// Final share of each state toward each patron across runs: (state, patron slot, spread).
    pub finals: Vec<(usize, usize, Spread)>,
    /// The scorecard under this lens (empty without `[[checks]]`).
    pub scorecard: Vec<Line>,
    /// The named episodes, in scenario order (empty if no outcome names one).
    pub episodes: Vec<EpisodeResult>,
    /// Runs of this lens's ensemble in which an SCO applicant waited for a later summit because
    /// more applied than a summit considers.
    pub waited: u64,
}

/// The comparison of `lenses` on `sc`.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// Dates observed.
    pub dates: Vec<YearMonth>,
    /// Per lens, in the order asked.
    pub lenses: Vec<LensResult>,
    /// Runs per lens.
    pub runs: usize,
    /// Where the lenses started.
    pub start: Start,
}

/// Where two or more lenses' mean shares of one state toward one patron differ.
#[derive(Clone, Debug, PartialEq)]
pub struct Disagreement {
    /// The state.
    pub actor: usize,
    /// The patron slot.
    pub patron: usize,
    /// First date at which the lenses' means spread by more than the threshold.
    pub first: YearMonth,
    /// Date of the largest spread.
    pub widest: YearMonth,
    /// The largest spread (highest mean minus lowest).
    pub spread: f64,
    /// Lens index with the highest mean then, and the mean.
    pub high: (usize, f64),
    /// Lens index with the lowest mean then, and the mean.
    pub low: (usize, f64),
}

/// A fact on which two lenses' predictions differ: a state's mean share toward a patron at a date.
#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    /// The state.
    pub actor: usize,
    /// The patron slot.
    pub patron: usize,
    /// The date.
    pub date: YearMonth,
    /// The mean share under the first lens and under the second.
    pub shares: (f64, f64),
}

impl Fact {
    /// Where and when, in words: `KGZ toward RUS in 2012-07`.
    pub fn place(&self, sc: &Scenario) -> String {
        format!(
            "{} toward {} in {}",
            sc.actors[self.actor].id,
            sc.patron_id(self.patron),
            self.date
        )
    }
}

/// Why a comparison could not be made.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    /// The worker threads could not start.
    #[error(transparent)]
    Pool(#[from] PoolError),
    /// A run under one of the lenses recorded a value that is not a finite number.
    #[error(transparent)]
    NonFinite(#[from] NonFinite),
}

/// Runs `sc` under each lens with `runs` replicates (seed `seed`) on `jobs` threads, every lens
/// from the same start unless `start` is [`Start::Own`].
pub fn compare(
    sc: &Scenario,
    lenses: &[Lens],
    seed: u64,
    runs: usize,
    jobs: usize,
    start: Start,
) -> Result<Comparison, CompareError> {
    let mut out = Vec::new();
    let mut dates = Vec::new();
    for &lens in lenses {
        let mut s = sc.clone();
        // The common start: the scenario as written, its states given no alignment set where
        // their own lenses' scores point, worked out in each run under that run's parameters (as
        // a run of the scenario would start, a scorecard line's changes included).
        if start == Start::Same {
            s.keep_start_lenses();
        }
        s.set_lens(lens);
        // The runs stream through a batch at a time: memory does not grow with `runs`.
        let mut mean: Vec<f64> = Vec::new();
        let mut finals_of: Vec<Sample> = Vec::new();
        let states: Vec<usize> = s.states().collect();
        let np = s.patrons.len();
        let mut waited = 0;
        ensemble::run_batches(&s, &s.params, seed, runs, jobs, |first, batch| {
            for (k, r) in batch.iter().enumerate() {
                check_finite(&s, first + k + 1, r)?;
                if r.log.iter().any(|e| e.what == What::NotConsidered) {
                    waited += 1;
                }
                if mean.is_empty() {
                    dates = r.dates.clone();
                    mean = vec![0.0; r.alignment.len()];
                    finals_of = vec![Sample::default(); states.len() * np];
                }
                for (m, x) in mean.iter_mut().zip(&r.alignment) {
                    *m += x / runs as f64;
                }
                let last = r.dates.len() - 1;
                for (j, &i) in states.iter().enumerate() {
                    for p in 0..np {
                        finals_of[j * np + p].add(r.share(last, i, p));
                    }
                }
            }
            Ok::<(), NonFinite>(())
        })??;
        let mut finals = Vec::new();
        for (j, &i) in states.iter().enumerate() {
            for p in 0..np {
                finals.push((i, p, finals_of[j * np + p].spread()));
            }
        }
        let scorecard = if s.checks.is_empty() {
            Vec::new()
        } else {
            scorecard::scorecard(&s, seed, runs, jobs)?
        };
        let episodes = if s.outcomes.iter().any(|o| o.episode.is_some()) {
            let stats = scorecard::outcome_stats(&s, seed, runs, jobs)?;
            s.outcomes
                .iter()
                .enumerate()
                .filter(|(_, o)| o.episode.is_some())
                .map(|(j, _)| {
                    let d = &stats.dates[j];
                    EpisodeResult {
                        outcome: j,
                        share: stats.shares[j],
                        median: (!d.is_empty()).then(|| d[(d.len() - 1) / 2]),
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        out.push(LensResult {
            lens,
            mean,
            finals,
            scorecard,
            episodes,
            waited,
        });
    }
    Ok(Comparison {
        dates,
        lenses: out,
        runs,
        start,
    })
}

impl Comparison {
    /// Mean share of `actor` toward patron `p` at date index `t` under lens `k`.
    pub fn mean_share(&self, sc: &Scenario, k: usize, t: usize, actor: usize, p: usize) -> f64 {
        let np = sc.patrons.len();
        self.lenses[k].mean[(t * sc.actors.len() + actor) * np + p]
    }

    /// For each state and patron whose lenses' mean shares spread by more than `threshold` at
    /// some date: when they first do, and when and between which lenses they differ most.
    /// Largest spread first.
    pub fn disagreements(&self, sc: &Scenario, threshold: f64) -> Vec<Disagreement> {
        let mut out = Vec::new();
        if self.lenses.len() < 2 {
            return out;
        }
        for actor in sc.states() {
            for patron in 0..sc.patrons.len() {
                let mut first = None;
                let mut best: Option<Disagreement> = None;
                for (t, &date) in self.dates.iter().enumerate() {
                    let shares: Vec<f64> = (0..self.lenses.len())
                        .map(|k| self.mean_share(sc, k, t, actor, patron))
                        .collect();
                    let hi =
                        (0..shares.len()).fold(0, |b, k| if shares[k] > shares[b] { k } else { b });
                    let lo =
                        (0..shares.len()).fold(0, |b, k| if shares[k] < shares[b] { k } else { b });
                    let spread = shares[hi] - shares[lo];
                    if spread > threshold && first.is_none() {
                        first = Some(date);
                    }
                    if best.as_ref().is_none_or(|b| spread > b.spread) {
                        best = Some(Disagreement {
                            actor,
                            patron,
                            first: date,
                            widest: date,
                            spread,
                            high: (hi, shares[hi]),
                            low: (lo, shares[lo]),
                        });
                    }
                }
                if let (Some(first), Some(mut d)) = (first, best) {
                    d.first = first;
                    out.push(d);
                }
            }
        }
        out.sort_by(|a, b| b.spread.total_cmp(&a.spread));
        out
    }

    /// The scorecard lines on which the lenses disagree (some pass, some fail), by index.
    pub fn split_lines(&self) -> Vec<usize> {
        let Some(first) = self.lenses.first() else {
            return Vec::new();
        };
        (0..first.scorecard.len())
            .filter(|&j| {
                let pass = first.scorecard[j].pass;
                self.lenses.iter().any(|l| l.scorecard[j].pass != pass)
            })
            .collect()
    }

    /// Groups of two or more lenses (indices) that pass exactly the same scorecard lines.
    pub fn same_lines(&self) -> Vec<Vec<usize>> {
        let passes =
            |k: usize| -> Vec<bool> { self.lenses[k].scorecard.iter().map(|l| l.pass).collect() };
        let mut groups: Vec<Vec<usize>> = Vec::new();
        if self.lenses.iter().all(|l| l.scorecard.is_empty()) {
            return groups;
        }
        for k in 0..self.lenses.len() {
            match groups.iter_mut().find(|g| passes(g[0]) == passes(k)) {
                Some(g) => g.push(k),
                None => groups.push(vec![k]),
            }
        }
        groups.retain(|g| g.len() > 1);
        groups
    }

    /// How many of [`Comparison::telling_facts`] `compare` prints per pair of lenses (the class
    /// kit's answer key cites the same ones, so students find each in what they ran).
    pub const TELLING: usize = 2;

    /// The `n` facts on which lenses `a` and `b` differ most — a state's mean share toward a
    /// patron at a date, one per state and patron, at the date of their largest difference —
    /// largest difference first.
    pub fn telling_facts(&self, sc: &Scenario, a: usize, b: usize, n: usize) -> Vec<Fact> {
        let mut out = Vec::new();
        for actor in sc.states() {
            for patron in 0..sc.patrons.len() {
                let best = (0..self.dates.len())
                    .map(|t| {
                        let x = self.mean_share(sc, a, t, actor, patron);
                        let y = self.mean_share(sc, b, t, actor, patron);
                        (t, x, y)
                    })
                    .max_by(|p, q| (p.1 - p.2).abs().total_cmp(&(q.1 - q.2).abs()));
                if let Some((t, x, y)) = best {
                    out.push(Fact {
                        actor,
                        patron,
                        date: self.dates[t],
                        shares: (x, y),
                    });
                }
            }
        }
        out.sort_by(|p, q| {
            (q.shares.0 - q.shares.1)
                .abs()
                .total_cmp(&(p.shares.0 - p.shares.1).abs())
        });
        out.truncate(n);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sco2001() -> Scenario {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        Scenario::load(&root.join("sco2001.toml")).expect("shipped scenario loads")
    }

    #[test]
    fn every_lens_starts_from_the_same_alignment_unless_asked_otherwise() {
        let sc = sco2001();
        let lenses = [
            Lens::SoftBalancing,
            Lens::BalanceOfPower,
            Lens::Bandwagoning,
        ];
        let start_of = |c: &Comparison, k: usize| -> Vec<f64> {
            let n = sc.actors.len() * sc.patrons.len();
            c.lenses[k].mean[..n].to_vec()
        };
        let same = compare(&sc, &lenses, 1, 2, 1, Start::Same).unwrap();
        for k in 1..lenses.len() {
            assert_eq!(start_of(&same, k), start_of(&same, 0), "lens {k}");
        }
        // The soft-balancing lens is the file's own: its start is the same either way.
        let own = compare(&sc, &lenses, 1, 2, 1, Start::Own).unwrap();
        assert_eq!(start_of(&own, 0), start_of(&same, 0));
        assert_ne!(start_of(&own, 1), start_of(&same, 1));
        // The lenses then go their own ways, and the comparison says where.
        assert!(!same.disagreements(&sc, 0.1).is_empty());
    }

    #[test]
    fn the_scenarios_own_lens_scores_its_lines_as_validate_does() {
        // sco2001 has a counterfactual line that changes a parameter (`set`): its states given
        // no alignment start, in that line's runs, where its parameters point, in both commands.
        let sc = sco2001();
        assert!(
            sc.checks.iter().any(|c| !c.settings.is_empty()),
            "a line with `set`"
        );
        let same = compare(&sc, &[Lens::SoftBalancing], 3, 8, 1, Start::Same).unwrap();
        let validate = scorecard::scorecard(&sc, 3, 8, 1).unwrap();
        assert_eq!(same.lenses[0].scorecard, validate);
    }
}

//! Calibration of a scenario against its record by approximate Bayesian computation
//! (`simulate calibrate`): the adaptive population Monte Carlo sampler of [`crate::abc`]
//! (Lenormand, Jabot and Deffuant 2013) run over chosen parameters with uniform priors, each
//! proposal scored by an ensemble's in-sample distance ([`distance`]).
//!
//! **Determinism.** Proposal `j` of generation `g` runs its replicates on streams `0..runs` of
//! its own seed, [`particle_seed`]`(seed, g, j)`; a generation's proposals are scored in
//! parallel on the ensemble pool and collected in proposal order, so the sample is the same on
//! any thread count. The comparison at the posterior median and at the shipped defaults runs
//! both on the base seed (common random numbers: they differ by their parameters only).

pub mod checkpoint;
pub mod distance;

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use self::checkpoint::Generation;
use self::distance::{Score, Target, line_year, score};
use crate::abc::{AbcError, Apmc, Population, Prior, Settings};
use crate::runs::digest::NonFinite;
use crate::runs::ensemble::{PoolError, pool};
use crate::runs::scorecard::{Line, scorecard};
use crate::scenario::{Scenario, keys};

/// The parameters calibrated when none are named: the decision weights the replay's scorecard
/// depends on most in the sensitivity analysis (docs/sensitivity.md: money, regime security,
/// the leader's leaning and security, whose total Sobol indices for `checks_passed` stand
/// clearly above 0) and the softmax temperature, which governs the final shares and so the fit
/// to the UN votes.
pub const DEFAULT_PARAMS: [&str; 5] = [
    "decision.money_weight",
    "decision.regime_weight",
    "decision.leaning_weight",
    "decision.security_weight",
    "decision.temperature",
];

/// The default prior's half-width relative to the default: `default × (1 ± 0.5)`, within the
/// parameter's valid range (as `simulate sensitivity --around 0.5`).
pub const DEFAULT_AROUND: f64 = 0.5;

/// A calibrated parameter: its key path, its uniform prior, its value as shipped.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// The key path (`decision.money_weight`).
    pub key: String,
    /// The prior's lower end.
    pub min: f64,
    /// The prior's upper end.
    pub max: f64,
    /// The value in the scenario before calibration (the shipped default, or `--set`'s).
    pub default: f64,
}

/// Why a calibration cannot run.
#[derive(Debug, thiserror::Error)]
pub enum CalibrateError {
    /// A setting the sampler refuses.
    #[error(transparent)]
    Abc(#[from] AbcError),
    /// A key or value the scenario refuses.
    #[error("{key}: {message}")]
    Key {
        /// The key path.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// The thread pool could not start.
    #[error(transparent)]
    Pool(#[from] PoolError),
    /// The checkpoint could not be written (the caller's message).
    #[error("{0}")]
    Checkpoint(String),
    /// A parameter set whose runs produce a number the model cannot represent.
    #[error("the parameter set {set}: {source}")]
    NonFinite {
        /// The set, `KEY=VALUE, ...`.
        set: String,
        /// What was not finite.
        source: NonFinite,
    },
}

/// [`distance::score`] of the parameter set `theta` (already applied to `s`).
fn score_set(
    s: &Scenario,
    params: &[Parameter],
    theta: &[f64],
    seed: u64,
    req: &Request,
) -> Result<Score, CalibrateError> {
    score(s, &s.params, seed, req.runs, &req.target).map_err(|source| CalibrateError::NonFinite {
        set: params
            .iter()
            .zip(theta)
            .map(|(p, v)| format!("{}={v}", p.key))
            .collect::<Vec<_>>()
            .join(", "),
        source,
    })
}

/// What to calibrate and how.
#[derive(Clone, Debug)]
pub struct Request {
    /// The parameters and their priors.
    pub params: Vec<Parameter>,
    /// The sampler's settings.
    pub settings: Settings,
    /// Replicates per proposal.
    pub runs: usize,
    /// Replicates per ensemble of the scorecards at the posterior median and the defaults.
    pub scorecard_runs: usize,
    /// The base seed.
    pub seed: u64,
    /// Threads (0: all cores).
    pub jobs: usize,
    /// What the distance is measured against.
    pub target: Target,
}

/// A parameter set's scorecard and score, for the comparison of the posterior median with the
/// shipped defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// The parameter values, in the request's order.
    pub theta: Vec<f64>,
    /// Its terms with `runs` replicates (the calibration's own measure).
    pub score: Score,
    /// The full scorecard (counterfactuals included) with `scorecard_runs` replicates.
    pub lines: Vec<Line>,
}

/// A finished calibration.
#[derive(Clone, Debug, PartialEq)]
pub struct Calibration {
    /// The parameters and priors.
    pub params: Vec<Parameter>,
    /// The sampler's settings.
    pub settings: Settings,
    /// Replicates per proposal.
    pub runs: usize,
    /// Replicates per ensemble of the two scorecards.
    pub scorecard_runs: usize,
    /// The base seed.
    pub seed: u64,
    /// The last year in sample.
    pub fit_until: i32,
    /// Whether the UN votes count.
    pub votes: bool,
    /// Every generation's kept particles (the last one is the posterior sample).
    pub populations: Vec<Population>,
    /// The out-of-sample distance of each kept particle, parallel to `populations`.
    pub out_of_sample: Vec<Vec<f64>>,
    /// The year each of the scenario's checks speaks of, in check order.
    pub line_years: Vec<i32>,
    /// The posterior median of each parameter (weighted marginal medians).
    pub median: Point,
    /// The parameters as they were.
    pub defaults: Point,
}

impl Calibration {
    /// An out-of-sample distance `d` as tables and the report show it: to three decimals, or
    /// `none` when no line or vote falls after `fit_until` (nothing out of sample, which is not
    /// a distance of 0).
    pub fn out_of_sample_text(&self, d: f64) -> String {
        if self.median.score.terms.iter().any(|t| !t.in_sample) {
            format!("{d:.3}")
        } else {
            "none".to_string()
        }
    }

    /// The posterior sample: the last generation's kept particles.
    pub fn posterior(&self) -> &Population {
        // A calibration has at least generation 0 (the sampler refuses 0 generations).
        &self.populations[self.populations.len() - 1]
    }

    /// Whether parameter `i`'s default lies within the posterior's 5–95 % interval.
    pub fn default_inside(&self, i: usize) -> bool {
        let p = self.posterior();
        let d = self.params[i].default;
        p.quantile(i, 0.05) <= d && d <= p.quantile(i, 0.95)
    }
}

/// The seed of proposal `j` of generation `g`: the base seed mixed with both indices
/// (SplitMix64's finaliser, Steele, Lea and Flood 2014), so that no two proposals share a
/// stream and none depends on scheduling.
pub fn particle_seed(seed: u64, generation: usize, j: usize) -> u64 {
    let mut z = seed ^ ((generation as u64) << 40 ^ j as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// `sc` with the parameters set to `theta`.
pub fn with_params(
    sc: &Scenario,
    params: &[Parameter],
    theta: &[f64],
) -> Result<Scenario, CalibrateError> {
    let mut s = sc.clone();
    for (p, &v) in params.iter().zip(theta) {
        keys::set(&mut s, &p.key, v).map_err(|e| CalibrateError::Key {
            key: p.key.clone(),
            message: e.to_string(),
        })?;
    }
    Ok(s)
}

/// Checks the parameters against the scenario (each key exists, each prior lies within its
/// valid range and is not empty) and fills in their current values as defaults.
pub fn check_params(sc: &Scenario, params: &mut [Parameter]) -> Result<(), CalibrateError> {
    let mut copy = sc.clone();
    for p in params.iter_mut() {
        let err = |message: String| CalibrateError::Key {
            key: p.key.clone(),
            message,
        };
        let (lo, hi) = keys::range(sc, &p.key).map_err(|e| err(e.to_string()))?;
        if !(p.min.is_finite() && p.max.is_finite() && p.min < p.max) {
            return Err(err(format!(
                "the prior {}:{} is empty: give min:max with min below max",
                p.min, p.max
            )));
        }
        if p.min < lo || p.max > hi {
            return Err(err(format!(
                "the prior {}:{} leaves the valid range {lo}:{hi}",
                p.min, p.max
            )));
        }
        p.default = keys::get(&mut copy, &p.key).map_err(|e| err(e.to_string()))?;
    }
    Ok(())
}

/// What a calibration reports as it goes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Progress {
    /// Simulations (proposals scored) so far, of the most the calibration may run.
    Simulations {
        /// Done.
        done: usize,
        /// The most.
        most: usize,
    },
    /// A generation is done.
    Generation {
        /// Its number.
        generation: usize,
        /// Its tolerance.
        epsilon: f64,
        /// The share of its proposals within the previous tolerance.
        p_acc: f64,
    },
    /// The sampler is done; the scorecards at the posterior median and the defaults run.
    Scorecards,
}

/// The sampler of the calibration `req` asks for (its parameters checked, as [`calibrate`]
/// runs it): a fresh one, before generation 0.
pub fn sampler(sc: &Scenario, req: &Request) -> Result<(Vec<Parameter>, Apmc), CalibrateError> {
    let mut params = req.params.clone();
    check_params(sc, &mut params)?;
    let prior = Prior {
        min: params.iter().map(|p| p.min).collect(),
        max: params.iter().map(|p| p.max).collect(),
    };
    let abc = Apmc::new(prior, req.settings, req.seed)?;
    Ok((params, abc))
}

/// Scores generation `g`'s proposals `share` (their numbers in `proposals`), in parallel on
/// the ensemble pool, in the order of `share`; `tick` after each.
pub fn score_share(
    sc: &Scenario,
    req: &Request,
    params: &[Parameter],
    g: usize,
    proposals: &[Vec<f64>],
    share: &[usize],
    tick: &(dyn Fn() + Sync),
) -> Result<Vec<Score>, CalibrateError> {
    let threads = pool(req.jobs)?;
    let scored: Vec<Result<Score, CalibrateError>> = threads.install(|| {
        share
            .par_iter()
            .map(|&j| {
                let s = with_params(sc, params, &proposals[j])?;
                let seed = particle_seed(req.seed, g, j);
                let out = score_set(&s, params, &proposals[j], seed, req)?;
                tick();
                Ok(out)
            })
            .collect()
    });
    scored.into_iter().collect()
}

/// The sampler of `req` with the generations `done` replayed (no run: their distances are
/// given), ready to propose the next.
pub fn replay(
    sc: &Scenario,
    req: &Request,
    done: &[Generation],
) -> Result<(Vec<Parameter>, Apmc), CalibrateError> {
    let (params, mut abc) = sampler(sc, req)?;
    for g in done {
        abc.update(g.proposals.clone(), &g.distances)?;
    }
    Ok((params, abc))
}

/// Runs the calibration `req` asks for on `sc`, continuing after the generations in `resumed`
/// (read back from a checkpoint: [`checkpoint::read`]; empty to start afresh), whose updates are
/// replayed without running anything. After each generation, `done` gets every generation so
/// far (to write a checkpoint) and says whether to go on: `Ok(false)` stops the calibration,
/// which then returns `None`.
pub fn calibrate(
    sc: &Scenario,
    req: &Request,
    resumed: Vec<Generation>,
    progress: &(dyn Fn(Progress) + Sync),
    done: &mut dyn FnMut(&[Generation]) -> Result<bool, CalibrateError>,
) -> Result<Option<Calibration>, CalibrateError> {
    let (params, mut abc) = sampler(sc, req)?;
    let most = req.settings.max_simulations();
    let mut generations: Vec<Generation> = Vec::new();
    for g in resumed {
        let pop = abc.update(g.proposals.clone(), &g.distances)?;
        progress(Progress::Generation {
            generation: pop.generation,
            epsilon: pop.epsilon,
            p_acc: pop.p_acc,
        });
        generations.push(g);
    }
    let count = AtomicUsize::new(generations.iter().map(|g| g.proposals.len()).sum());
    while !abc.finished() {
        let g = abc.generation();
        let proposals = abc.propose();
        let share: Vec<usize> = (0..proposals.len()).collect();
        let scored = score_share(sc, req, &params, g, &proposals, &share, &|| {
            let n = count.fetch_add(1, Ordering::Relaxed) + 1;
            progress(Progress::Simulations { done: n, most });
        })?;
        let d: Vec<f64> = scored.iter().map(|s| s.distance(true)).collect();
        let pop = abc.update(proposals.clone(), &d)?;
        progress(Progress::Generation {
            generation: g,
            epsilon: pop.epsilon,
            p_acc: pop.p_acc,
        });
        generations.push(Generation {
            proposals,
            distances: d,
            out_of_sample: scored.iter().map(|s| s.distance(false)).collect(),
        });
        if !done(&generations)? {
            return Ok(None);
        }
    }
    let populations = abc.history().to_vec();
    let out_of_sample = populations
        .iter()
        .map(|p| {
            p.particles
                .iter()
                .map(|q| generations[q.born].out_of_sample[q.index])
                .collect()
        })
        .collect();
    progress(Progress::Scorecards);
    let last = &populations[populations.len() - 1];
    let median: Vec<f64> = (0..params.len()).map(|i| last.quantile(i, 0.5)).collect();
    let defaults: Vec<f64> = params.iter().map(|p| p.default).collect();
    let point = |theta: Vec<f64>| -> Result<Point, CalibrateError> {
        let s = with_params(sc, &params, &theta)?;
        Ok(Point {
            score: score_set(&s, &params, &theta, req.seed, req)?,
            lines: scorecard(&s, req.seed, req.scorecard_runs, req.jobs)?,
            theta,
        })
    };
    Ok(Some(Calibration {
        median: point(median)?,
        defaults: point(defaults)?,
        line_years: sc.checks.iter().map(|c| line_year(sc, c)).collect(),
        params,
        settings: req.settings,
        runs: req.runs,
        scorecard_runs: req.scorecard_runs,
        seed: req.seed,
        fit_until: req.target.fit_until,
        votes: req.target.votes.is_some(),
        populations,
        out_of_sample,
    }))
}

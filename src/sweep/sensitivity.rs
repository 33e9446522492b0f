//! Global sensitivity analysis of a scenario, run as a sweep (`simulate sensitivity`).
//!
//! The factors are key paths with intervals; the design (Morris trajectories or Saltelli's
//! matrices, `crate::sensitivity`) becomes the sweep's points, so the runs go through the sweep
//! machinery unchanged: parallel, deterministic, sharded, resumable and mergeable, with one row
//! per point in `sweep.csv`. Every point runs with the sweep's seed (common random numbers).
//! Once every row is in, [`analyse`] reads each chosen output from the rows (the mean over the
//! point's runs of a final share or index, an outcome's probability, or the number of scorecard
//! lines that pass) and computes its indices; [`write`] writes them as a tidy CSV, a chart per
//! output and a report page.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::error::{SweepError, io_err};
use super::run::scenario_at;
use super::table::{PointRow, STATS, check_output_names, metrics};
use crate::output::write_atomic;
use crate::params::Params;
use crate::runs::calibrate::distance::{Kind, Score, Target, score};
use crate::runs::ensemble::pool;
use crate::scenario::experiment::{Axis, AxisValues, Design, SweepSpec, round12};
use crate::scenario::{Scenario, keys};
use crate::sensitivity::{Analysis, Factor, Method, analyse as analyse_one};

/// The output that counts the scorecard's lines passing at a point.
pub const CHECKS_PASSED: &str = "checks_passed";

/// Where an output's value is in a row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Source {
    /// The mean of continuous metric `m` (a final share or index).
    Mean(usize),
    /// The probability of outcome `j`.
    Probability(usize),
    /// The number of the scenario's scorecard lines without a counterfactual whose outcome
    /// holds (or fails, as the line expects) in at least its threshold share of the runs.
    ChecksPassed,
    /// The distance to the record up to 2010 that `simulate calibrate` minimises (scorecard
    /// lines' shares and dates, and the UN votes where the scenario has them): not in the rows,
    /// computed again per point when asked for.
    Distance,
    /// The same distance over the lines and votes after 2010.
    DistanceOut,
    /// The UN-vote term alone, 2001–2010: the observation model's error over the votes' spread.
    Votes,
}

impl Source {
    /// Whether the output is computed from the point's runs again rather than read from the row.
    pub fn from_record(self) -> bool {
        matches!(self, Source::Distance | Source::DistanceOut | Source::Votes)
    }
}

/// The last year in sample of the record outputs ([`Source::Distance`]), as `simulate
/// calibrate`'s default.
pub const RECORD_FIT_UNTIL: i32 = crate::runs::unvote::DEFAULT_FIT_WINDOW.1;

/// What the record outputs measure against: the scorecard up to [`RECORD_FIT_UNTIL`] and the
/// shipped UN votes when the scenario has the three patrons, starts by then and has at least
/// three state-years of the votes in its fit window.
pub fn record_target(sc: &Scenario) -> Target {
    let has_patrons = ["USA", "RUS", "CHN"]
        .iter()
        .all(|id| sc.patron_slot(id).is_some());
    let window = (crate::runs::unvote::DEFAULT_FIT_WINDOW.0, RECORD_FIT_UNTIL);
    // Only when the votes hold enough of the scenario's states to be fitted at all.
    let votes = (has_patrons && sc.start.year() <= RECORD_FIT_UNTIL)
        .then(|| crate::runs::unvote::parse(crate::runs::unvote::UNGA).ok())
        .flatten()
        .filter(|obs| crate::runs::unvote::state_years(obs, sc, window) >= 3);
    Target {
        fit_until: RECORD_FIT_UNTIL,
        votes,
    }
}

/// Every output a scenario's sensitivity analysis can read, by name: each final share
/// (`KGZ_RUS`) and index (`us_influence`), each outcome's probability (`p_<id>`), and
/// [`CHECKS_PASSED`] when the scenario has `[[checks]]`.
pub fn outputs(sc: &Scenario) -> Vec<(String, Source)> {
    let mut out: Vec<(String, Source)> = metrics(sc)
        .into_iter()
        .enumerate()
        .map(|(m, metric)| (metric.name, Source::Mean(m)))
        .collect();
    for (j, o) in sc.outcomes.iter().enumerate() {
        out.push((format!("p_{}", o.id), Source::Probability(j)));
    }
    if sc.checks.iter().any(|c| c.without.is_none()) {
        out.push((CHECKS_PASSED.to_string(), Source::ChecksPassed));
        out.push(("distance".to_string(), Source::Distance));
        out.push(("distance_out".to_string(), Source::DistanceOut));
    }
    if record_target(sc).votes.is_some() {
        out.push(("un_votes".to_string(), Source::Votes));
    }
    out
}

/// The outputs analysed when none are named: the indices, the outcomes' probabilities and
/// [`CHECKS_PASSED`] (every output but the final shares, which `all` adds).
pub fn default_outputs(sc: &Scenario) -> Vec<String> {
    let shares = metrics(sc).len() - crate::engine::record::Indices::NAMES.len();
    outputs(sc)
        .into_iter()
        .skip(shares)
        .filter(|(_, s)| !s.from_record())
        .map(|(n, _)| n)
        .collect()
}

/// The outputs named (`all`: every one), checked; none named: [`default_outputs`].
pub fn resolve_outputs(sc: &Scenario, names: &[String]) -> Result<Vec<String>, SweepError> {
    let known = outputs(sc);
    // Two outputs of the same name (ids joined by `_` can spell another output's name) could
    // not be told apart.
    let meanings = metrics(sc);
    check_output_names(
        known
            .iter()
            .map(|(name, source)| {
                let what = match *source {
                    Source::Mean(m) => meanings[m].meaning.clone(),
                    Source::Probability(j) => {
                        format!("the probability of outcome `{}`", sc.outcomes[j].id)
                    }
                    Source::ChecksPassed => "the number of scorecard lines passed".to_string(),
                    Source::Distance => "the distance to the record in sample".to_string(),
                    Source::DistanceOut => "the distance out of sample".to_string(),
                    Source::Votes => "the UN-vote term".to_string(),
                };
                (name.clone(), what)
            })
            .collect(),
    )?;
    if names.is_empty() {
        return Ok(default_outputs(sc));
    }
    let mut out = Vec::new();
    for n in names {
        if n == "all" {
            out.extend(known.iter().map(|(k, _)| k.clone()));
        } else if known.iter().any(|(k, _)| k == n) {
            out.push(n.clone());
        } else {
            return Err(SweepError::Output {
                name: n.clone(),
                known: known.iter().map(|(k, _)| k.clone()).collect(),
            });
        }
    }
    out.dedup();
    Ok(out)
}

/// The factors when none are named: every model parameter (or those of the `sections`
/// named, e.g. `decision`), over its documented valid range, or with `around = Some(f)` over
/// `default × (1 ± f)` within that range. With `around`, parameters whose default is 0 (the
/// switched-off channels) have no relative interval and are returned apart, as skipped.
pub fn default_factors(
    sections: &[String],
    around: Option<f64>,
) -> Result<(Vec<Factor>, Vec<String>), SweepError> {
    for s in sections {
        if !Params::specs()
            .iter()
            .any(|p| p.key.split('.').next() == Some(s.as_str()))
        {
            let mut names: Vec<&str> = Params::specs()
                .iter()
                .filter_map(|p| p.key.split('.').next())
                .collect();
            names.dedup();
            return Err(SweepError::Section {
                name: s.clone(),
                known: names.join(", "),
            });
        }
    }
    let mut factors = Vec::new();
    let mut skipped = Vec::new();
    for p in Params::specs() {
        let section = p.key.split('.').next().unwrap_or("");
        if !sections.is_empty() && !sections.iter().any(|s| s == section) {
            continue;
        }
        let (min, max) = match around {
            None => (p.min, p.max),
            Some(_) if p.default == 0.0 => {
                skipped.push(p.key.to_string());
                continue;
            }
            Some(f) => {
                let (a, b) = (p.default * (1.0 - f), p.default * (1.0 + f));
                (round12(a.min(b).max(p.min)), round12(a.max(b).min(p.max)))
            }
        };
        factors.push(Factor {
            key: p.key.to_string(),
            min,
            max,
        });
    }
    Ok((factors, skipped))
}

/// The sweep that runs `method` over `factors` with `runs` replicates per point; checks each
/// factor against the scenario and the design's sizes first.
pub fn spec(
    sc: &Scenario,
    method: Method,
    factors: &[Factor],
    runs: usize,
) -> Result<SweepSpec, SweepError> {
    method.design(factors.len(), 0)?;
    let mut axes = Vec::with_capacity(factors.len());
    for f in factors {
        let text = format!("{}:{}", f.min, f.max);
        let axis = keys::axis(sc, &f.key, &text, true).map_err(|source| SweepError::Axis {
            key: f.key.clone(),
            text: text.clone(),
            source,
        })?;
        if f.min >= f.max {
            return Err(SweepError::EmptyInterval { key: f.key.clone() });
        }
        axes.push(Axis {
            key: axis.key,
            values: AxisValues::Interval {
                min: f.min,
                max: f.max,
            },
        });
    }
    let design = match method {
        Method::Morris {
            trajectories,
            levels,
        } => Design::Morris {
            trajectories,
            levels,
        },
        Method::Sobol { samples } => Design::Saltelli(samples),
    };
    Ok(SweepSpec { design, runs, axes })
}

/// The method a sensitivity sweep's design runs, if it is one.
pub fn method_of(spec: &SweepSpec) -> Option<Method> {
    match spec.design {
        Design::Morris {
            trajectories,
            levels,
        } => Some(Method::Morris {
            trajectories,
            levels,
        }),
        Design::Saltelli(samples) => Some(Method::Sobol { samples }),
        _ => None,
    }
}

/// The value of output `source` in `row` (`score`: the point's score against the record, for
/// the record outputs).
fn value(sc: &Scenario, source: Source, row: &PointRow, score: Option<&Score>) -> f64 {
    let n_metrics = metrics(sc).len();
    let term = |f: &dyn Fn(&Score) -> f64| score.map_or(f64::NAN, f);
    match source {
        Source::Distance => term(&|s| s.distance(true)),
        Source::DistanceOut => term(&|s| s.distance(false)),
        Source::Votes => term(&|s| {
            s.terms
                .iter()
                .find(|t| t.in_sample && t.kind == Kind::Votes)
                .map_or(f64::NAN, |t| t.value)
        }),
        Source::Mean(m) => row.stat(m, 0),
        Source::Probability(j) => row.cells[n_metrics * STATS.len() + j],
        Source::ChecksPassed => sc
            .checks
            .iter()
            .filter(|c| c.without.is_none())
            .filter(|c| {
                let held = row.cells[n_metrics * STATS.len() + c.outcome];
                let share = if c.holds { held } else { 1.0 - held };
                share >= c.threshold
            })
            .count() as f64,
    }
}

/// Each point's score against the record ([`record_target`]): the point's runs again (its
/// seed, `spec.runs` replicates), points in parallel on up to `jobs` threads, in point order.
fn record_scores(
    sc: &Scenario,
    spec: &SweepSpec,
    rows: &[PointRow],
    jobs: usize,
) -> Result<Vec<Score>, SweepError> {
    let target = record_target(sc);
    let threads = pool(jobs)?;
    let scored: Vec<Result<Score, SweepError>> = threads.install(|| {
        rows.par_iter()
            .map(|r| {
                let at = scenario_at(sc, spec, &r.values)?;
                // The sweep already stopped at a point whose shares were not finite; these are
                // its runs again.
                score(&at, &at.params, r.seed, spec.runs, &target).map_err(|e| {
                    SweepError::BadValue {
                        point: r.point,
                        column: "distance".to_string(),
                        problem: e.to_string(),
                    }
                })
            })
            .collect()
    });
    scored.into_iter().collect()
}

/// The indices of each output in `names` from the finished sweep's `rows` (every point, in
/// point order), with `resamples` bootstrap resamples seeded by `seed`. The record outputs
/// (`distance`, `distance_out`, `un_votes`) run each point again on up to `jobs` threads.
pub fn analyse(
    sc: &Scenario,
    spec: &SweepSpec,
    rows: &[PointRow],
    names: &[String],
    resamples: usize,
    seed: u64,
    jobs: usize,
) -> Result<Analysis, SweepError> {
    let method = method_of(spec).ok_or(SweepError::NoPoints)?;
    let k = spec.axes.len();
    if rows.len() != method.points(k) || rows.iter().enumerate().any(|(i, r)| r.point != i) {
        return Err(SweepError::Shards(format!(
            "a sensitivity analysis needs every point of its design: {} of {} rows\n  help: run the missing shards and merge them, then run the same command with --resume on the merged folder",
            rows.len(),
            method.points(k)
        )));
    }
    let known = outputs(sc);
    let x: Vec<Vec<f64>> = rows.iter().map(|r| r.values.clone()).collect();
    let needs_record = names
        .iter()
        .any(|n| known.iter().any(|(k, s)| k == n && s.from_record()));
    let scores = if needs_record {
        Some(record_scores(sc, spec, rows, jobs)?)
    } else {
        None
    };
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let source = known
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| *s)
            .ok_or_else(|| SweepError::Output {
                name: name.clone(),
                known: known.iter().map(|(n, _)| n.clone()).collect(),
            })?;
        let y: Vec<f64> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| value(sc, source, r, scores.as_ref().map(|s| &s[i])))
            .collect();
        out.push(analyse_one(method, name, &x, &y, k, resamples, seed));
    }
    Ok(Analysis {
        method,
        factors: spec
            .axes
            .iter()
            .map(|a| {
                let (min, max) = a.values.bounds().unwrap_or((0.0, 0.0));
                Factor {
                    key: a.key.clone(),
                    min,
                    max,
                }
            })
            .collect(),
        outputs: out,
    })
}

/// Writes `sensitivity.csv`, a chart per output (`sensitivity_<output>.svg`) and `report.html`
/// into `dir`; returns the files written. `about` is the report's line of provenance.
pub fn write(
    sc: &Scenario,
    analysis: &Analysis,
    dir: &Path,
    about: &str,
) -> Result<Vec<PathBuf>, SweepError> {
    let mut files = Vec::new();
    let csv = dir.join("sensitivity.csv");
    write_atomic(&csv, crate::output::csv::sensitivity(analysis).as_bytes())
        .map_err(|e| io_err(&csv, e))?;
    files.push(csv);
    let charts = crate::plot::sensitivity::charts(&sc.name, analysis)?;
    for c in &charts {
        let path = dir.join(format!("{}.svg", c.name));
        write_atomic(&path, c.svg.as_bytes()).map_err(|e| io_err(&path, e))?;
        files.push(path);
    }
    let html = crate::report::sensitivity::page(sc, analysis, &charts, about);
    let page = dir.join("report.html");
    write_atomic(&page, html.as_bytes()).map_err(|e| io_err(&page, e))?;
    files.push(page);
    Ok(files)
}

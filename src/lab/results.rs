//! What the lab's page draws for one setting, as JSON: the bands of every state's alignment and
//! of the indices at each date, the mean paths through the triangle, the decisions that moved a
//! state (to mark on its chart), and the summary the command line prints, computed by the same
//! code ([`Summary`]), so that the page's numbers are the CLI's.

use serde::Serialize;

use crate::engine::record::{Indices, RunRecord, What};
use crate::output::log::{concerned, describe, is_decision};
use crate::output::summary::Summary;
use crate::plot::{hex, patron_colors};
use crate::runs::ensemble::{chunked_mean, quantile};
use crate::scenario::Scenario;

/// The 5th, 25th, 50th, 75th and 95th percentile and the mean of a quantity at each date,
/// across runs (rounded to 1e-5 for the page: charts need no more).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Band {
    /// 5th percentile.
    pub p5: Vec<f64>,
    /// 25th percentile.
    pub p25: Vec<f64>,
    /// Median.
    pub p50: Vec<f64>,
    /// 75th percentile.
    pub p75: Vec<f64>,
    /// 95th percentile.
    pub p95: Vec<f64>,
    /// Mean (summed as ensembles sum it).
    pub mean: Vec<f64>,
}

impl Band {
    /// The band of `f(run, date index)` over `runs`, for dates `0..t`.
    pub fn of(runs: &[RunRecord], t: usize, f: impl Fn(&RunRecord, usize) -> f64) -> Band {
        let mut b = Band::default();
        let mut xs = Vec::with_capacity(runs.len());
        let r5 = |x: f64| (x * 1e5).round() / 1e5;
        for k in 0..t {
            xs.clear();
            xs.extend(runs.iter().map(|r| f(r, k)));
            b.mean.push(r5(chunked_mean(&xs)));
            xs.sort_by(f64::total_cmp);
            b.p5.push(r5(quantile(&xs, 0.05)));
            b.p25.push(r5(quantile(&xs, 0.25)));
            b.p50.push(r5(quantile(&xs, 0.5)));
            b.p75.push(r5(quantile(&xs, 0.75)));
            b.p95.push(r5(quantile(&xs, 0.95)));
        }
        b
    }
}

/// A patron: id, name and chart colour.
#[derive(Clone, Debug, Serialize)]
pub struct PatronInfo {
    /// Id (`USA`).
    pub id: String,
    /// Name (`United States`).
    pub name: String,
    /// Colour, `#rrggbb` (the same as the report's charts).
    pub color: String,
}

/// One state's alignment: a band per patron, in the scenario's patron order.
#[derive(Clone, Debug, Serialize)]
pub struct StateBands {
    /// State id.
    pub id: String,
    /// State name.
    pub name: String,
    /// One band per patron.
    pub shares: Vec<Band>,
}

/// One index over time.
#[derive(Clone, Debug, Serialize)]
pub struct IndexBand {
    /// Column name (`us_influence`).
    pub key: String,
    /// The band.
    pub band: Band,
}

/// Something to mark on a chart: a decision or a scripted event, with how often it happened.
#[derive(Clone, Debug, Serialize)]
pub struct Mark {
    /// What identifies it across runs and settings: the actor and what happened (`3|ClosureOrdered(0)`).
    pub key: String,
    /// Date (in run 1, or the first run where it happened).
    pub date: String,
    /// Index into `dates` of the first date at or after it.
    pub t: usize,
    /// Actor id.
    pub actor: String,
    /// States whose charts it belongs on.
    pub states: Vec<String>,
    /// Category (`base`, `loan`, `energy`, `sco`, `event`, ...).
    pub kind: String,
    /// What happened, in words.
    pub text: String,
    /// Share of runs in which it happened.
    pub share: f64,
}

/// Everything the page draws for one setting.
#[derive(Clone, Debug, Serialize)]
pub struct Results {
    /// Dates, `YYYY-MM`.
    pub dates: Vec<String>,
    /// Patrons in the scenario's order.
    pub patrons: Vec<PatronInfo>,
    /// Every state's alignment, in scenario order.
    pub states: Vec<StateBands>,
    /// The four indices.
    pub indices: Vec<IndexBand>,
    /// Decisions that moved a state and scripted events, in date order.
    pub marks: Vec<Mark>,
    /// The summary the command line prints and writes to `summary.json`.
    pub summary: Summary,
    /// The equivalent command line.
    pub command: String,
}

impl Results {
    /// The results of `runs` (at least one) of `sc`, summarised as `summary`; `command` is the
    /// command line that gives the same numbers.
    pub fn new(sc: &Scenario, runs: &[RunRecord], summary: Summary, command: String) -> Results {
        let t = runs.iter().map(|r| r.dates.len()).min().unwrap_or(0);
        let dates: Vec<String> = runs
            .first()
            .map(|r| r.dates[..t].iter().map(|d| d.to_string()).collect())
            .unwrap_or_default();
        let colors = patron_colors(sc);
        let patrons = (0..sc.patrons.len())
            .map(|p| {
                let a = &sc.actors[sc.patrons[p]];
                PatronInfo {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    color: hex(colors[p]),
                }
            })
            .collect();
        let states = sc
            .states()
            .map(|i| StateBands {
                id: sc.actors[i].id.clone(),
                name: sc.actors[i].name.clone(),
                shares: (0..sc.patrons.len())
                    .map(|p| Band::of(runs, t, |r, k| r.share(k, i, p)))
                    .collect(),
            })
            .collect();
        let indices = Indices::NAMES
            .iter()
            .enumerate()
            .map(|(j, name)| IndexBand {
                key: name.to_string(),
                band: Band::of(runs, t, |r, k| r.indices[k].values()[j]),
            })
            .collect();
        let marks = marks(sc, runs, &dates);
        Results {
            dates,
            patrons,
            states,
            indices,
            marks,
            summary,
            command,
        }
    }

    /// As JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Decisions and scripted events, each once, with the share of runs in which it happened (same
/// actor and subject, as the summary counts them), in date order.
fn marks(sc: &Scenario, runs: &[RunRecord], dates: &[String]) -> Vec<Mark> {
    let mut order: Vec<(String, Mark)> = Vec::new();
    let mut counts: Vec<usize> = Vec::new();
    for rec in runs {
        let mut seen: Vec<usize> = Vec::new();
        for e in &rec.log {
            let scripted = matches!(e.what, What::Scripted(_));
            if !scripted && !is_decision(e) {
                continue;
            }
            let key = format!("{}|{:?}", e.actor, e.what);
            let i = match order.iter().position(|(k, _)| *k == key) {
                Some(i) => i,
                None => {
                    let (kind, text) = describe(sc, e);
                    let date = e.date.to_string();
                    let t = dates
                        .iter()
                        .position(|d| *d >= date)
                        .unwrap_or(dates.len().saturating_sub(1));
                    order.push((
                        key.clone(),
                        Mark {
                            key,
                            date,
                            t,
                            actor: sc.actors[e.actor].id.clone(),
                            states: concerned(sc, e.actor, &e.what)
                                .into_iter()
                                .map(|s| sc.actors[s].id.clone())
                                .collect(),
                            kind: kind.to_string(),
                            text,
                            share: 0.0,
                        },
                    ));
                    counts.push(0);
                    order.len() - 1
                }
            };
            if !seen.contains(&i) {
                seen.push(i);
                counts[i] += 1;
            }
        }
    }
    let n = runs.len().max(1) as f64;
    let mut marks: Vec<Mark> = order
        .into_iter()
        .zip(counts)
        .map(|((_, mut m), c)| {
            m.share = c as f64 / n;
            m
        })
        .collect();
    marks.sort_by(|a, b| a.date.cmp(&b.date));
    marks
}

//! The columns and rows of `sweep.csv`: the point, its seed and values, then per metric the mean,
//! sd, p5, p50 and p95, then each outcome's probability.

use std::fmt::Write as _;

use super::aggregate::Stats;
use crate::engine::record::Indices;
use crate::scenario::experiment::SweepSpec;
use crate::scenario::{Role, Scenario};

/// A continuous outcome reported per point.
#[derive(Clone, Debug, PartialEq)]
pub struct Metric {
    /// Column stem, e.g. `KGZ_RUS` (final share of Kyrgyzstan toward Russia) or `us_influence`.
    pub name: String,
}

/// The continuous metrics of a scenario: final share of each state toward each patron, then the
/// final indices.
pub fn metrics(sc: &Scenario) -> Vec<Metric> {
    let mut out = Vec::new();
    for a in sc.actors.iter().filter(|a| a.role == Role::State) {
        for p in 0..sc.patrons.len() {
            out.push(Metric {
                name: format!("{}_{}", a.id, sc.patron_id(p)),
            });
        }
    }
    for name in Indices::NAMES {
        out.push(Metric {
            name: name.to_string(),
        });
    }
    out
}

/// The header of `sweep.csv`.
pub fn header(sc: &Scenario, spec: &SweepSpec) -> String {
    let mut h = String::from("point,seed");
    for a in &spec.axes {
        let _ = write!(h, ",{}", a.key);
    }
    for m in metrics(sc) {
        for s in STATS {
            let _ = write!(h, ",{}_{s}", m.name);
        }
    }
    for o in &sc.outcomes {
        let _ = write!(h, ",p_{}", o.id);
    }
    h
}

/// One finished point as a `sweep.csv` row (no newline).
pub fn row(point: usize, seed: u64, values: &[f64], stats: &Stats, outcomes: usize) -> String {
    let mut r = format!("{point},{seed}");
    for v in values {
        let _ = write!(r, ",{v}");
    }
    for m in 0..stats.metrics() {
        for x in stats.summary(m) {
            let _ = write!(r, ",{x:.6}");
        }
    }
    for j in 0..outcomes {
        let _ = write!(r, ",{:.6}", stats.probability(j));
    }
    r
}

/// Statistics per metric in `sweep.csv`, in column order.
pub const STATS: [&str; 5] = ["mean", "sd", "p5", "p50", "p95"];

/// One row of `sweep.csv` as numbers: the point, its seed, its values on each axis, then the
/// cells (per metric the [`STATS`], then each outcome's probability).
#[derive(Clone, Debug, PartialEq)]
pub struct PointRow {
    /// The point's index.
    pub point: usize,
    /// The point's seed.
    pub seed: u64,
    /// Its value on each axis.
    pub values: Vec<f64>,
    /// The statistics and probabilities, in column order.
    pub cells: Vec<f64>,
}

impl PointRow {
    /// Reads a row with `axes` swept values and `cells` statistics and probabilities; `None` if
    /// a field is not a number or the row has another number of fields.
    pub fn parse(line: &str, axes: usize, cells: usize) -> Option<PointRow> {
        let mut f = line.split(',');
        let point = f.next()?.parse().ok()?;
        let seed = f.next()?.parse().ok()?;
        let mut values = Vec::with_capacity(axes);
        for _ in 0..axes {
            values.push(f.next()?.parse().ok()?);
        }
        let parsed: Vec<f64> = f.map(|x| x.parse().ok()).collect::<Option<Vec<f64>>>()?;
        if parsed.len() != cells {
            return None;
        }
        Some(PointRow {
            point,
            seed,
            values,
            cells: parsed,
        })
    }

    /// Statistic `stat` (an index into [`STATS`]) of metric `m`.
    pub fn stat(&self, m: usize, stat: usize) -> f64 {
        self.cells[m * STATS.len() + stat]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_reads_back_only_with_the_right_number_of_numbers() {
        let r = PointRow::parse("3,42,0.5,0.1,0.2", 1, 2).unwrap();
        assert_eq!(
            (r.point, r.seed, r.values, r.cells),
            (3, 42, vec![0.5], vec![0.1, 0.2])
        );
        assert!(PointRow::parse("3,42,0.5,0.1", 1, 2).is_none());
        assert!(PointRow::parse("3,42,0.5,0.1,0.2,0.3", 1, 2).is_none());
        assert!(PointRow::parse("3,42,0.5,abc,0.2", 1, 2).is_none());
    }
}

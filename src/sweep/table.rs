//! The columns and rows of `sweep.csv`: the point, its seed and values, then per metric the mean,
//! sd, p5, p50 and p95, then each outcome's probability.

use std::fmt::Write as _;

use super::aggregate::Stats;
use super::error::SweepError;
use crate::engine::record::Indices;
use crate::scenario::experiment::SweepSpec;
use crate::scenario::{Role, Scenario};

/// A continuous outcome reported per point.
#[derive(Clone, Debug, PartialEq)]
pub struct Metric {
    /// Column stem, e.g. `KGZ_RUS` (final share of Kyrgyzstan toward Russia) or `us_influence`.
    pub name: String,
    /// What it holds, in words (for messages that name the column).
    pub meaning: String,
}

/// The continuous metrics of a scenario: final share of each state toward each patron, then the
/// final indices.
pub fn metrics(sc: &Scenario) -> Vec<Metric> {
    let mut out = Vec::new();
    for a in sc.actors.iter().filter(|a| a.role == Role::State) {
        for p in 0..sc.patrons.len() {
            let patron = sc.patron_id(p);
            out.push(Metric {
                name: format!("{}_{patron}", a.id),
                meaning: format!("the share of state `{}` toward patron `{patron}`", a.id),
            });
        }
    }
    for name in Indices::NAMES {
        out.push(Metric {
            name: name.to_string(),
            meaning: format!("the index `{name}`"),
        });
    }
    out
}

/// The first name two of `columns` (name, what it holds) share, as an error naming `file`.
fn first_clash(file: &'static str, mut columns: Vec<(String, String)>) -> Result<(), SweepError> {
    // Stable: of two equal names, the one listed first comes first.
    columns.sort_by(|a, b| a.0.cmp(&b.0));
    match columns.windows(2).find(|w| w[0].0 == w[1].0) {
        Some(w) => Err(SweepError::Ambiguous {
            file,
            column: w[0].0.clone(),
            first: w[0].1.clone(),
            second: w[1].1.clone(),
        }),
        None => Ok(()),
    }
}

/// Checks that the columns of `sweep.csv` (and of `runs.csv` when `runs` is true) all have
/// different names. Ids may hold `_`, so a state `us` and a patron `influence` would make a
/// column `us_influence`, which is also an index; an outcome named like a metric would share
/// its column in `runs.csv`. Such a scenario runs, but its sweep tables could not say which
/// column is which: an error (exit 2) before anything runs.
pub fn check_names(sc: &Scenario, runs: bool) -> Result<(), SweepError> {
    let metrics: Vec<(String, String)> = metrics(sc)
        .into_iter()
        .map(|m| (m.name, m.meaning))
        .collect();
    let mut sweep = vec![
        ("point".to_string(), "the point's number".to_string()),
        ("seed".to_string(), "the point's seed".to_string()),
    ];
    for (name, meaning) in &metrics {
        for s in STATS {
            sweep.push((format!("{name}_{s}"), format!("the {s} of {meaning}")));
        }
    }
    for o in &sc.outcomes {
        let meaning = format!("the probability of outcome `{}`", o.id);
        sweep.push((format!("p_{}", o.id), meaning));
    }
    first_clash("sweep.csv", sweep)?;
    if runs {
        let mut per_run = vec![
            ("point".to_string(), "the point's number".to_string()),
            (
                "replicate".to_string(),
                "the replicate's number".to_string(),
            ),
        ];
        per_run.extend(metrics);
        for o in &sc.outcomes {
            per_run.push((o.id.clone(), format!("outcome `{}`", o.id)));
        }
        first_clash("runs.csv", per_run)?;
    }
    Ok(())
}

/// [`check_names`] for the outputs a sensitivity analysis can read (`names`, with what each
/// holds).
pub fn check_output_names(names: Vec<(String, String)>) -> Result<(), SweepError> {
    first_clash("the sensitivity analysis's outputs", names)
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

/// A cell of a `sweep.csv` row read back (by `merge` or `--resume`) that this sweep cannot
/// have written: its column and what is wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct BadCell {
    /// The column's name (from the header), or `row` for the row as a whole.
    pub column: String,
    /// What is wrong.
    pub problem: String,
}

/// Checks a row read back against what the sweep would write: as many fields as `columns`, a
/// point number below `points.len()`, the seed derived from the sweep's `seed` and the point,
/// the point's values on each axis as the sweep writes them, and every statistic and
/// probability a finite number from 0 to 1 with six decimals. Returns the point number.
pub fn check_row(
    line: &str,
    columns: &[String],
    seed: u64,
    shared_seed: bool,
    points: &[Vec<f64>],
) -> Result<usize, BadCell> {
    let bad = |k: usize, problem: String| BadCell {
        column: columns.get(k).cloned().unwrap_or_else(|| "row".into()),
        problem,
    };
    let fields: Vec<&str> = line.split(',').collect();
    if fields.len() != columns.len() {
        return Err(BadCell {
            column: "row".into(),
            problem: format!("{} fields, expected {}", fields.len(), columns.len()),
        });
    }
    let point: usize = fields[0]
        .parse()
        .map_err(|_| bad(0, format!("`{}` is not a point number", fields[0])))?;
    let Some(values) = points.get(point) else {
        return Err(bad(
            0,
            format!(
                "point {point} does not exist: the sweep has {}",
                points.len()
            ),
        ));
    };
    // Each point's own seed, or the sweep's for the designs whose points share it
    // (`Design::shares_seeds`: the sensitivity designs).
    let expected = if shared_seed {
        seed
    } else {
        super::points::point_seed(seed, point)
    };
    if fields[1] != expected.to_string() {
        return Err(bad(
            1,
            format!(
                "`{}` is not point {point}'s seed, {expected} (derived from the sweep's seed)",
                fields[1]
            ),
        ));
    }
    for (k, v) in values.iter().enumerate() {
        if fields[2 + k] != v.to_string() {
            return Err(bad(
                2 + k,
                format!("`{}` is not point {point}'s value, {v}", fields[2 + k]),
            ));
        }
    }
    for (k, cell) in fields.iter().enumerate().skip(2 + values.len()) {
        let x: f64 = cell
            .parse()
            .map_err(|_| bad(k, format!("`{cell}` is not a number")))?;
        let decimals = cell.split_once('.').map_or(0, |(_, d)| d.len());
        if !x.is_finite() || !(0.0..=1.0).contains(&x) || decimals != 6 {
            return Err(bad(
                k,
                format!("`{cell}` is not a number from 0 to 1 with six decimals"),
            ));
        }
    }
    Ok(point)
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

    /// The shared test scenario with `extra` TOML appended.
    fn scenario(extra: &str) -> Scenario {
        let text = format!(
            "{}\n{extra}",
            include_str!("../../tests/scenarios/base.toml")
        );
        crate::scenario::validate::parse(std::path::Path::new("t.toml"), &text)
            .expect("valid scenario")
    }

    #[test]
    fn a_column_name_two_outputs_would_share_is_an_error_naming_both() {
        // Distinct ids, distinct columns.
        let fine = scenario("");
        assert!(check_names(&fine, true).is_ok());
        // An outcome named like a metric: the same column in runs.csv, not in sweep.csv (there
        // it is `p_KGZ_RUS`).
        let outcome = "[[outcomes]]\nid = \"KGZ_RUS\"\nkind = \"member\"\nactor = \"KGZ\"\n";
        let sc = scenario(outcome);
        assert!(check_names(&sc, false).is_ok());
        let err = check_names(&sc, true).unwrap_err().to_string();
        assert!(
            err.contains("runs.csv") && err.contains("`KGZ_RUS`"),
            "{err}"
        );
        assert!(err.contains("state `KGZ` toward patron `RUS`"), "{err}");
        assert!(err.contains("outcome `KGZ_RUS`"), "{err}");
        // A state and a patron that spell an index.
        let mut sc = scenario("");
        let kgz = sc.actors.iter().position(|a| a.id == "KGZ").expect("KGZ");
        let usa = sc.actors.iter().position(|a| a.id == "USA").expect("USA");
        sc.actors[kgz].id = "us".into();
        sc.actors[usa].id = "influence".into();
        let err = check_names(&sc, false).unwrap_err().to_string();
        assert!(err.contains("`us_influence_mean`"), "{err}");
        assert!(err.contains("the index `us_influence`"), "{err}");
    }

    #[test]
    fn a_row_read_back_must_be_one_this_sweep_writes() {
        let columns: Vec<String> = ["point", "seed", "k", "m_mean", "p_x"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let points = vec![vec![0.5], vec![1.5]];
        let seed = super::super::points::point_seed(7, 1);
        let good = format!("1,{seed},1.5,0.250000,1.000000");
        assert_eq!(check_row(&good, &columns, 7, false, &points), Ok(1));
        let column = |line: &str| {
            check_row(line, &columns, 7, false, &points)
                .unwrap_err()
                .column
        };
        assert_eq!(column(&format!("1,{seed},1.5,abc,1.000000")), "m_mean");
        assert_eq!(column(&format!("1,{seed},1.5,NaN,1.000000")), "m_mean");
        assert_eq!(column(&format!("1,{seed},1.5,0.25,1.000000")), "m_mean");
        assert_eq!(column(&format!("1,{seed},1.5,0.250000,1.500000")), "p_x");
        assert_eq!(
            column(&format!("1,{},1.5,0.250000,1.000000", seed ^ 1)),
            "seed"
        );
        assert_eq!(column(&format!("1,{seed},2.5,0.250000,1.000000")), "k");
        assert_eq!(column(&format!("2,{seed},1.5,0.250000,1.000000")), "point");
        assert_eq!(column(&format!("1,{seed},1.5,0.250000")), "row");
    }

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

/// Header of `sweep_long.csv` after the point, its seed and the swept keys.
pub const LONG_TAIL: &str = "output,statistic,value";

/// `sweep_long.csv`: the rows of `wide` (a `sweep.csv`, header first) in tidy long form, one row
/// per point, output and statistic: `point,seed,<swept keys>,output,statistic,value`. An
/// output is a state's share toward a patron (`KGZ_USA`) or an index with the statistics
/// [`STATS`], or an outcome (its id) with the statistic `probability`. Ready for R's ggplot2,
/// pandas or a spreadsheet's pivot table.
pub fn long_form(wide: &str, axes: usize) -> String {
    let mut lines = wide.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let lead = (2 + axes).min(header.len());
    // (output, statistic) of each column after the lead: groups of the five statistics of one
    // output, then the outcomes' probabilities.
    let mut names: Vec<(String, &str)> = Vec::new();
    let mut c = lead;
    while c + STATS.len() <= header.len() {
        let Some(base) = header[c].strip_suffix(&format!("_{}", STATS[0])) else {
            break;
        };
        let group = STATS
            .iter()
            .enumerate()
            .all(|(k, s)| header[c + k] == format!("{base}_{s}"));
        if !group {
            break;
        }
        names.extend(STATS.iter().map(|s| (base.to_string(), *s)));
        c += STATS.len();
    }
    for h in &header[c..] {
        names.push((h.strip_prefix("p_").unwrap_or(h).to_string(), "probability"));
    }
    let mut out = header[..lead].join(",");
    let _ = writeln!(out, ",{LONG_TAIL}");
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let lead_text = cells[..lead.min(cells.len())].join(",");
        for ((output, stat), value) in names.iter().zip(cells.iter().skip(lead)) {
            let _ = writeln!(out, "{lead_text},{output},{stat},{value}");
        }
    }
    out
}

#[cfg(test)]
mod long_tests {
    use super::*;

    #[test]
    fn the_long_form_has_one_row_per_point_output_and_statistic() {
        let wide = "point,seed,decision.x,KGZ_USA_mean,KGZ_USA_sd,KGZ_USA_p5,KGZ_USA_p50,KGZ_USA_p95,p_closed\n\
                    0,11,0.5,0.1,0.2,0.3,0.4,0.5,0.25\n\
                    1,12,1,0.6,0.7,0.8,0.9,1.0,0.75\n";
        let long = long_form(wide, 1);
        let lines: Vec<&str> = long.lines().collect();
        assert_eq!(lines[0], "point,seed,decision.x,output,statistic,value");
        assert_eq!(lines.len(), 1 + 2 * 6);
        assert_eq!(lines[1], "0,11,0.5,KGZ_USA,mean,0.1");
        assert_eq!(lines[5], "0,11,0.5,KGZ_USA,p95,0.5");
        assert_eq!(lines[6], "0,11,0.5,closed,probability,0.25");
        assert_eq!(lines[12], "1,12,1,closed,probability,0.75");
    }
}

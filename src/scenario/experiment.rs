//! What a scenario asks of its runs, as data: named outcomes (`[[outcomes]]`), the validation
//! scorecard's lines (`[[checks]]`) and a sweep design (`[sweep]`). Checking outcomes during a run
//! is `runs::outcomes`'s job; running a sweep is `sweep`'s.

use crate::date::YearMonth;

/// The regional indices a run records, by the names outputs and `[[outcomes]]` use (defined in
/// docs/model.md; the engine computes them in this order).
pub const INDEX_NAMES: [&str; 4] = [
    "us_influence",
    "rus_chn_partnership",
    "sco_cohesion",
    "soft_balancing",
];

/// Which way a trajectory outcome expects a value to move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// The value at `by` is above the value at `from`.
    Up,
    /// The value at `by` is below the value at `from`.
    Down,
}

/// What an outcome checks.
#[derive(Clone, Debug, PartialEq)]
pub enum OutcomeKind {
    /// The actor becomes a full SCO member in the window (or is one at the start).
    Member(usize),
    /// The actor's accession is approved at a summit in the window.
    Admitted(usize),
    /// The two actors become members on the same date, in the window.
    JoinedTogether(usize, usize),
    /// The base is ordered closed in the window.
    ClosureOrdered(usize),
    /// The host reverses a closure order in the window.
    ClosureReversed(usize),
    /// The base closes in the window.
    BaseClosed(usize),
    /// The base's lease is renewed in the window.
    LeaseRenewed(usize),
    /// The host lets the base open in the window.
    BaseOpened(usize),
    /// The energy deal is signed in the window (or was signed at the start).
    DealSigned(usize),
    /// The loan is accepted in the window.
    LoanAccepted(usize),
    /// At the end of the window, the actor's share toward the patron slot is at least the threshold.
    ShareAbove(usize, usize, f64),
    /// At the end of the window, the actor's share toward the patron slot is below the threshold.
    ShareBelow(usize, usize, f64),
    /// At the end of the window, the mean share of the region's states toward the patron slot is
    /// below the threshold.
    RegionShareBelow(usize, f64),
    /// The mean share of the region's states toward the patron slot moves this way from `from`
    /// to `by`.
    RegionShareChange(usize, Direction),
    /// The index (position in [`INDEX_NAMES`]) moves this way from `from` to `by`.
    IndexChange(usize, Direction),
    /// No state of the region has a share of the threshold or more toward any patron, at any
    /// date in the window (they hedge).
    MaxShareBelow(f64),
    /// At the end of the window, in every listed state (empty: every state of the region) the
    /// security the first patron slot provides (its security tie plus its open bases' security
    /// values) exceeds what the second provides by more than the margin.
    SecurityLead(usize, usize, f64, Vec<usize>),
}

impl OutcomeKind {
    /// Every kind name, for error messages.
    pub const NAMES: [&'static str; 17] = [
        "member",
        "admitted",
        "joined_together",
        "closure_ordered",
        "closure_reversed",
        "base_closed",
        "lease_renewed",
        "base_opened",
        "deal_signed",
        "loan_accepted",
        "share_above",
        "share_below",
        "region_share_below",
        "region_share_change",
        "index_change",
        "max_share_below",
        "security_lead",
    ];
}

/// A named outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Its id (a column name in `sweep.csv`).
    pub id: String,
    /// What it checks.
    pub kind: OutcomeKind,
    /// Start of the window (inclusive); `None`: the start of the run.
    pub from: Option<YearMonth>,
    /// End of the window (inclusive); `None`: the end of the run.
    pub by: Option<YearMonth>,
    /// What it means, in words (shown in scorecards).
    pub label: String,
    /// For a change outcome, the least change that counts (0: any change in the direction).
    pub min_change: f64,
    /// The historical episode it stands for, named in `simulate compare`'s class handout
    /// (e.g. "Manas 2009").
    pub episode: Option<String>,
}

impl Outcome {
    /// Whether `date` falls inside the outcome's window.
    pub fn in_window(&self, date: YearMonth) -> bool {
        self.from.is_none_or(|f| date >= f) && self.by.is_none_or(|b| date <= b)
    }
}

impl OutcomeKind {
    /// Whether the outcome is an event with a date (a decision in the log), which a dated check
    /// can score by when it happens.
    pub fn is_event(&self) -> bool {
        matches!(
            self,
            OutcomeKind::Member(_)
                | OutcomeKind::Admitted(_)
                | OutcomeKind::JoinedTogether(..)
                | OutcomeKind::ClosureOrdered(_)
                | OutcomeKind::ClosureReversed(_)
                | OutcomeKind::BaseClosed(_)
                | OutcomeKind::LeaseRenewed(_)
                | OutcomeKind::BaseOpened(_)
                | OutcomeKind::DealSigned(_)
                | OutcomeKind::LoanAccepted(_)
        )
    }
}

/// The historical date of a dated check, with the error it tolerates and the source of the date.
#[derive(Clone, Debug, PartialEq)]
pub struct Dated {
    /// When it happened.
    pub date: YearMonth,
    /// The largest distance, in months, between the median model date and `date` that passes.
    pub tolerance_months: i32,
    /// Where the date comes from.
    pub source: String,
}

/// One line of the validation scorecard: an outcome that should hold (or fail) in at least
/// `threshold` of the runs, in the scenario as written or without one scripted event. A dated
/// line is also scored by when the outcome first happens: the median over the runs in which it
/// happens must fall within the tolerance of the historical date.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    /// Which stylized fact it tests (free text, e.g. "2" or "counterfactual").
    pub fact: String,
    /// Index into the scenario's outcomes.
    pub outcome: usize,
    /// Whether the outcome should hold (`true`) or fail.
    pub holds: bool,
    /// The counterfactual, as the words after "without": the removed events' ids as written
    /// (`a, b` for several), then any parameter changes (`; with key=value, key=value`).
    pub without: Option<String>,
    /// The ids of the removed events.
    pub remove: Vec<String>,
    /// Parameter changes made on top of the removal (`set = ["key=value"]`), by key path.
    pub settings: Vec<(String, f64)>,
    /// Share of runs needed to pass, 0–1.
    pub threshold: f64,
    /// The historical date, for a line scored by its date: one that should hold must happen
    /// with its median date within the tolerance; a counterfactual one that should fail passes
    /// in the runs in which the outcome does not come within the tolerance of the date.
    pub dated: Option<Dated>,
    /// Why the line is known to fail, when the scenario says it does: a known failure is
    /// reported as such and does not make `validate` exit 1 (but passing does get reported).
    pub known_failure: Option<String>,
}

/// How points are chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Design {
    /// Every combination of the axes' values.
    Grid,
    /// This many points drawn uniformly within the axes' ranges.
    Random(usize),
    /// This many points by Latin-hypercube sampling of the axes' ranges.
    Lhs(usize),
    /// Morris trajectories for elementary effects (`simulate sensitivity --method morris`):
    /// `trajectories` × (axes + 1) points on a grid of `levels` values per axis.
    Morris {
        /// Trajectories.
        trajectories: usize,
        /// Grid levels per axis (even).
        levels: usize,
    },
    /// Saltelli's cross-sampled design for Sobol indices (`simulate sensitivity --method
    /// sobol`): this many base rows, × (axes + 2) points.
    Saltelli(usize),
}

impl Design {
    /// The name used in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Design::Grid => "grid",
            Design::Random(_) => "random",
            Design::Lhs(_) => "lhs",
            Design::Morris { .. } => "morris",
            Design::Saltelli(_) => "saltelli",
        }
    }

    /// Whether every point runs with the sweep's own seed (common random numbers), so that two
    /// points differ only by their values, not by their draws: the sensitivity designs, whose
    /// estimators take differences between points.
    pub fn shares_seeds(self) -> bool {
        matches!(self, Design::Morris { .. } | Design::Saltelli(_))
    }
}

/// The values an axis takes.
#[derive(Clone, Debug, PartialEq)]
pub enum AxisValues {
    /// These values, in order.
    List(Vec<f64>),
    /// From `min` to `max` (inclusive) by `step` (grids).
    Steps {
        /// First value.
        min: f64,
        /// Last value (included when reached within rounding).
        max: f64,
        /// Step.
        step: f64,
    },
    /// The interval from `min` to `max` (random and Latin-hypercube designs).
    Interval {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
}

impl AxisValues {
    /// Smallest and largest value the axis can take.
    pub fn bounds(&self) -> Option<(f64, f64)> {
        match self {
            AxisValues::List(v) => {
                let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                Some((lo, hi))
            }
            AxisValues::Steps { min, max, .. } | AxisValues::Interval { min, max } => {
                Some((*min, *max))
            }
        }
    }

    /// How many grid values [`grid`](Self::grid) gives, without making them.
    pub fn grid_len(&self) -> usize {
        match self {
            AxisValues::List(v) => v.len(),
            AxisValues::Steps { min, max, step } => {
                ((max - min) / step + 1e-9).floor() as usize + 1
            }
            AxisValues::Interval { .. } => 2,
        }
    }

    /// The grid values (lists and steps).
    pub fn grid(&self) -> Vec<f64> {
        match self {
            AxisValues::List(v) => v.clone(),
            AxisValues::Steps { min, max, step } => {
                let n = ((max - min) / step + 1e-9).floor() as usize + 1;
                // Rounded to 12 significant digits so that 0.1 + 2 * 0.05 prints as 0.2.
                (0..n).map(|i| round12(min + i as f64 * step)).collect()
            }
            AxisValues::Interval { min, max } => vec![*min, *max],
        }
    }

    /// The text form, as written in files and on the command line.
    pub fn text(&self) -> String {
        match self {
            AxisValues::List(v) => v
                .iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(","),
            AxisValues::Steps { min, max, step } => format!("{min}:{max}:{step}"),
            AxisValues::Interval { min, max } => format!("{min}:{max}"),
        }
    }
}

/// `x` rounded to 12 significant digits, so that sums of decimal steps print as written
/// (`0.1 + 2 * 0.05` as `0.2`).
pub fn round12(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = libm::pow(
        10.0,
        f64::from(11 - libm::floor(libm::log10(x.abs())) as i32),
    );
    (x * scale).round() / scale
}

/// One swept key.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    /// Key path.
    pub key: String,
    /// Its values.
    pub values: AxisValues,
}

/// A scenario's `[sweep]` table: a design as the file gives it. What the file leaves out (the
/// runs per point) is filled in, with the command line's flags, by one function
/// (`sweep::SweepOptions::resolve`), so a sweep defined in the file and the same sweep given as
/// flags run the same way.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepPlan {
    /// How points are chosen.
    pub design: Design,
    /// Replicates per point, if the file gives them.
    pub runs: Option<usize>,
    /// The swept keys.
    pub axes: Vec<Axis>,
}

/// The most points a sweep may have, whatever its design: a sweep's points are made before it
/// runs, and a grid's count is the product of its axes' counts, which grows fast.
pub const MAX_POINTS: usize = 1_000_000;

/// The most runs per point a sweep (or a sensitivity analysis) may ask for, in a `[sweep]` table
/// or with `--runs`: far beyond what a run of this model needs, short of a run that never ends.
pub const MAX_RUNS_PER_POINT: u64 = 100_000_000;

/// The number of points `design` makes over `axes` (saturating, so that a product past
/// `usize::MAX` stays comparable with [`MAX_POINTS`]).
pub fn point_count(design: Design, axes: &[Axis]) -> usize {
    match design {
        Design::Grid => axes
            .iter()
            .fold(1usize, |n, a| n.saturating_mul(a.values.grid_len())),
        Design::Random(n) | Design::Lhs(n) => n,
        Design::Morris { trajectories, .. } => trajectories.saturating_mul(axes.len() + 1),
        Design::Saltelli(n) => n.saturating_mul(axes.len() + 2),
    }
}

/// A sweep's design as it runs: the file's `[sweep]` table and the command line's flags merged.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepSpec {
    /// How points are chosen.
    pub design: Design,
    /// Replicates per point.
    pub runs: usize,
    /// The swept keys.
    pub axes: Vec<Axis>,
}

/// Parses `"min:max:step"`, `"min:max"` or `"a,b,c"`. `sampling`: the design draws points from
/// intervals (random, lhs), so `"min:max"` is expected rather than a step.
pub fn parse_values(text: &str, sampling: bool) -> Result<AxisValues, ValuesError> {
    parse_values_text(text, sampling).map_err(ValuesError)
}

/// Values of a swept key that cannot be read: what is wrong, in words.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ValuesError(pub String);

fn parse_values_text(text: &str, sampling: bool) -> Result<AxisValues, String> {
    if text.trim().is_empty() {
        return Err("no values given".to_string());
    }
    let num = |s: &str| -> Result<f64, String> {
        let x: f64 = s
            .trim()
            .parse()
            .map_err(|_| format!("`{}` is not a number", s.trim()))?;
        if x.is_finite() {
            Ok(x)
        } else {
            Err(format!("`{}` is not a finite number", s.trim()))
        }
    };
    if text.contains(':') {
        let parts: Vec<&str> = text.split(':').collect();
        match parts.as_slice() {
            [a, b, c] => {
                let (min, max, step) = (num(a)?, num(b)?, num(c)?);
                if sampling {
                    return Err(format!(
                        "`{text}`: random and lhs designs take an interval `min:max`, not a step"
                    ));
                }
                if step <= 0.0 || max < min {
                    return Err(format!(
                        "`{text}`: expected min:max:step with min <= max and step > 0"
                    ));
                }
                if (max - min) / step > 1e6 {
                    return Err(format!("`{text}`: more than a million values"));
                }
                Ok(AxisValues::Steps { min, max, step })
            }
            [a, b] => {
                let (min, max) = (num(a)?, num(b)?);
                if !sampling {
                    return Err(format!(
                        "`{text}`: a grid needs a step, `min:max:step` (or draw points with a random or lhs design)"
                    ));
                }
                if max <= min {
                    return Err(format!(
                        "`{text}`: expected min:max with min < max (an interval to draw from; to fix the value, use --set KEY=VALUE)"
                    ));
                }
                Ok(AxisValues::Interval { min, max })
            }
            _ => Err(format!("`{text}`: expected min:max:step, min:max or a,b,c")),
        }
    } else {
        if sampling {
            return Err(format!(
                "`{text}`: random and lhs designs take an interval `min:max`"
            ));
        }
        let v = text
            .split(',')
            .map(num)
            .collect::<Result<Vec<f64>, String>>()
            .map_err(|e| {
                format!("{e}: write a range as min:max:step (e.g. 5:15:5) and a list as a,b,c")
            })?;
        // A value twice would run the same point twice under two labels.
        if let Some((_, x)) = v.iter().enumerate().find(|&(k, x)| v[..k].contains(x)) {
            return Err(format!("`{text}`: the value {x} is given twice"));
        }
        Ok(AxisValues::List(v))
    }
}

/// Warnings about outcomes a run can never or only rarely make true within the scenario's
/// dates, for `simulate check` (a sweep would chart them flat at 0): a window outside the
/// scenario's dates (or after the last whole step); a lease renewal when the lease ends after
/// the window (never) or has no end (only after a close and a reopening: rare); a base
/// closing when its lease ends after the window (only after an order to close it: rare).
/// Each names the outcome and says why.
pub fn outcome_warnings(sc: &super::Scenario) -> Vec<String> {
    let mut out = Vec::new();
    // The last date the runs reach: the end, or the last whole step before it when the end is
    // not a whole number of steps after the start (the remainder is not simulated).
    let last = sc.date_of(sc.steps());
    let reach = if last == sc.end {
        String::new()
    } else {
        format!(
            "; the runs reach {last} only, the last whole {} step before the end",
            sc.period.name()
        )
    };
    for o in &sc.outcomes {
        let from = o.from.unwrap_or(sc.start).max(sc.start);
        let by = o.by.unwrap_or(sc.end).min(last);
        if from > by {
            out.push(format!(
                "outcome `{}` can never happen: its window ({} to {}) lies outside the scenario's dates ({} to {}{reach})",
                o.id,
                o.from.map_or("the start".to_string(), |d| d.to_string()),
                o.by.map_or("the end".to_string(), |d| d.to_string()),
                sc.start,
                sc.end
            ));
            continue;
        }
        // A trajectory outcome is read at the dates the runs record (the start of each step and
        // the last date); a window between two of them is never read, and a change needs two.
        if !o.kind.is_event() {
            let recorded: Vec<YearMonth> = (0..=sc.steps())
                .map(|k| sc.date_of(k))
                .filter(|&d| o.in_window(d))
                .collect();
            let change = matches!(
                o.kind,
                OutcomeKind::RegionShareChange(..) | OutcomeKind::IndexChange(..)
            );
            let window = format!(
                "{} to {}",
                o.from.map_or("the start".to_string(), |d| d.to_string()),
                o.by.map_or("the end".to_string(), |d| d.to_string()),
            );
            let every = format!("every {} from {}", sc.period.name(), sc.start);
            if recorded.is_empty() {
                out.push(format!(
                    "outcome `{}` can never happen: its window ({window}) holds none of the dates the runs record ({every}); widen it to include one",
                    o.id
                ));
            } else if change && recorded.len() < 2 {
                out.push(format!(
                    "outcome `{}` can never happen: a change is measured between two recorded dates and its window ({window}) holds only {} ({every}); widen it",
                    o.id, recorded[0]
                ));
            }
            continue;
        }
        let base = match o.kind {
            OutcomeKind::LeaseRenewed(b) | OutcomeKind::BaseClosed(b) => b,
            _ => continue,
        };
        let Some(info) = sc.bases.get(base) else {
            continue;
        };
        let Some(end) = sc.initial.bases.get(base).and_then(|b| b.lease_end) else {
            // A lease with no end never comes up for renewal: only a base that closes and is
            // opened again on a new request gets a lease that can be renewed.
            if matches!(o.kind, OutcomeKind::LeaseRenewed(_)) {
                out.push(format!(
                    "outcome `{}` is rare or never: {} has no `lease_end`, so its lease comes up for renewal only if the base closes and is opened again on a new request",
                    o.id, info.name
                ));
            }
            continue;
        };
        if end <= by || info.open_ended {
            continue;
        }
        // A renewal is decided from the lease's notice before its end (as the engine's base
        // review does: `engine::mechanisms::bases::notice_months`).
        let notice = info
            .notice_months
            .unwrap_or(sc.params.bases.notice_months)
            .round() as i32;
        let due = end.plus_months(-notice);
        // The steps that review the base in the window once the renewal is due.
        let reviewed = (0..sc.steps())
            .map(|k| sc.date_of(k))
            .any(|d| d >= due && d >= from && d <= by);
        match o.kind {
            OutcomeKind::LeaseRenewed(_) if !reviewed => out.push(format!(
                "outcome `{}` can never happen: the lease of {} ends in {end} and comes up for renewal from {due} ({notice} months' notice), and no step in the outcome's window ({from} to {by}) comes after that",
                o.id, info.name
            )),
            OutcomeKind::LeaseRenewed(_) => {}
            _ => out.push(format!(
                "outcome `{}` is rare or never: the lease of {} ends in {end}, after the outcome's window ends ({by}), so the base can close in the window only after an order to close it (evict above keep by the breach cost) and its notice",
                o.id, info.name
            )),
        }
    }
    // A dated line whose date, with its tolerance, lies outside the dates the runs reach.
    for c in &sc.checks {
        let Some(d) = &c.dated else {
            continue;
        };
        let (early, late) = (
            d.date.plus_months(d.tolerance_months),
            d.date.plus_months(-d.tolerance_months),
        );
        // An event is dated within a step, before the date the runs reach; a share or an index
        // is also read at that last date.
        let latest = if sc.outcomes[c.outcome].kind.is_event() {
            last.plus_months(-1)
        } else {
            last
        };
        if early < sc.start || late > latest {
            out.push(format!(
                "the dated line on `{}` {}: {} ± {} months lies {} the dates the runs reach ({} to {latest}); correct the date or the tolerance",
                sc.outcomes[c.outcome].id,
                if c.holds {
                    "can never be met on its date"
                } else {
                    "passes whatever the runs do"
                },
                d.date,
                d.tolerance_months,
                if early < sc.start { "before" } else { "after" },
                sc.start
            ));
        }
    }
    out
}

#[cfg(test)]
mod warning_tests {
    use super::*;

    fn parsed(text: &str) -> crate::scenario::Scenario {
        crate::scenario::validate::parse(std::path::Path::new("x.toml"), text).expect("valid")
    }

    #[test]
    fn a_dated_line_outside_the_runs_dates_is_named() {
        let sco = include_str!("../../scenarios/sco2001.toml");
        assert!(outcome_warnings(&parsed(sco)).is_empty());
        let at = "date = \"2005-07\"\ntolerance_months = 6";
        let moved = sco.replacen(at, "date = \"1900-02\"\ntolerance_months = 6", 1);
        assert_ne!(moved, sco, "sco2001 has a line dated 2005-07");
        let w = outcome_warnings(&parsed(&moved));
        assert_eq!(w.len(), 1, "{w:#?}");
        assert!(
            w[0].contains("can never be met on its date: 1900-02"),
            "{}",
            w[0]
        );
        assert!(
            w[0].contains("lies before the dates the runs reach"),
            "{}",
            w[0]
        );
    }

    #[test]
    fn outcomes_that_cannot_happen_in_the_horizon_are_named() {
        let text = format!(
            "{}\n[[outcomes]]\nid = \"kant_renewed\"\nkind = \"lease_renewed\"\nbase = \"kant\"\n\
             \n[[outcomes]]\nid = \"kant_gone\"\nkind = \"base_closed\"\nbase = \"kant\"\n\
             \n[[outcomes]]\nid = \"too_late\"\nkind = \"member\"\nactor = \"IRN\"\nfrom = \"2031-01\"\n",
            include_str!("../../scenarios/ufa2015.toml")
        );
        let w = outcome_warnings(&parsed(&text));
        assert_eq!(w.len(), 3, "{w:#?}");
        assert!(
            w[0].starts_with("outcome `kant_renewed` can never happen"),
            "{}",
            w[0]
        );
        assert!(
            w[1].starts_with("outcome `kant_gone` is rare or never"),
            "{}",
            w[1]
        );
        assert!(
            w[2].starts_with("outcome `too_late` can never happen"),
            "{}",
            w[2]
        );
        // A renewal of a lease with no end.
        let text = format!(
            "{}\n[[outcomes]]\nid = \"endless\"\nkind = \"lease_renewed\"\nbase = \"manas\"\n",
            include_str!("../../tests/scenarios/base.toml")
                .replace("lease_end = ", "# lease_end = ")
        );
        let w = outcome_warnings(&parsed(&text));
        assert_eq!(w.len(), 1, "{w:#?}");
        assert!(w[0].contains("`endless` is rare or never"), "{}", w[0]);
        // A window in the remainder after the last whole step is never reached either.
        let text = format!(
            "{}\n[[outcomes]]\nid = \"in_remainder\"\nkind = \"member\"\nactor = \"IRN\"\nfrom = \"2030-08\"\n",
            include_str!("../../scenarios/ufa2015.toml")
                .replace("end = \"2030-07\"", "end = \"2030-09\"")
        );
        let sc = parsed(&text);
        assert_eq!(sc.date_of(sc.steps()).to_string(), "2030-07");
        let w = outcome_warnings(&sc);
        assert_eq!(w.len(), 1, "{w:#?}");
        assert!(w[0].contains("`in_remainder` can never happen"), "{}", w[0]);
        assert!(w[0].contains("the runs reach 2030-07 only"), "{}", w[0]);
        // A renewal is decided from the lease's notice before its end: a window then is fine.
        let base = include_str!("../../tests/scenarios/base.toml");
        let text = format!(
            "{}\n[[outcomes]]\nid = \"renewed_early\"\nkind = \"lease_renewed\"\nbase = \"manas\"\nfrom = \"2010-01\"\nby = \"2010-03\"\n",
            base.replace("lease_end = \"2014-07\"", "lease_end = \"2010-07\"")
        );
        assert!(outcome_warnings(&parsed(&text)).is_empty());
        // A share read in a window between two recorded dates (quarterly: 2009-10, 2010-01), and
        // a change over a window that holds one.
        let quarterly = base.replace("period = \"month\"", "period = \"quarter\"");
        let text = format!(
            "{quarterly}\n[[outcomes]]\nid = \"between\"\nkind = \"share_above\"\nactor = \"KGZ\"\npatron = \"RUS\"\nthreshold = 0.0\nfrom = \"2009-11\"\nby = \"2009-12\"\n\
             \n[[outcomes]]\nid = \"one_date\"\nkind = \"index_change\"\nindex = \"us_influence\"\ndirection = \"down\"\nfrom = \"2009-11\"\nby = \"2010-01\"\n"
        );
        let w = outcome_warnings(&parsed(&text));
        assert_eq!(w.len(), 2, "{w:#?}");
        assert!(w[0].contains("`between` can never happen: its window (2009-11 to 2009-12) holds none of the dates the runs record"), "{}", w[0]);
        assert!(
            w[1].contains(
                "`one_date` can never happen: a change is measured between two recorded dates"
            ),
            "{}",
            w[1]
        );
        // The shipped scenarios have none.
        for s in crate::scenario::shipped::SHIPPED {
            assert!(
                outcome_warnings(&s.load().expect("shipped")).is_empty(),
                "{}",
                s.name
            );
        }
    }
}

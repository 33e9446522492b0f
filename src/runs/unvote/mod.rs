//! # Holding simulated alignment against UN General Assembly votes
//!
//! The simulator gives, per state and year, how alignment is shared between the US,
//! Russia and China (three shares summing to 1). Alignment itself is not observed, but
//! UN General Assembly votes are: how often a state voted exactly like each patron
//! (Bailey, Strezhnev & Voeten 2017, *J. Conflict Resolution* 61(2): 430–456).
//!
//! **Observation model.** Predicted agreement of state *s* with patron *p* in year *t*
//! is a straight line in the simulated share: `a_p + b_p * share(s,p,t)`. The intercept
//! `a_p` absorbs the level (everyone agrees little with the US, which often votes in a
//! small minority), the slope `b_p` the scale. The two numbers per patron are shared by
//! all states and estimated by ordinary least squares on a *fit window* only (default
//! 2001–2010); later years (default 2011–2015) are a genuine out-of-sample test.
//!
//! **Reported.** Per state, patron and window: number of years, root-mean-square error
//! of predicted vs observed agreement (level), and the correlation of year-on-year
//! *changes* (does the model move when the votes move?); the same pooled over states;
//! and the major *turns* in the votes, each marked as reproduced by the model or not.
//! Statistics that cannot be computed are `None`, never NaN.

mod series;

pub use series::{SeriesError, SeriesMean, model_series};

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use super::cells::cells;

/// Default fit (in-sample) window, inclusive years.
pub const DEFAULT_FIT_WINDOW: (i32, i32) = (2001, 2010);
/// Default test (out-of-sample) window, inclusive years.
pub const DEFAULT_TEST_WINDOW: (i32, i32) = (2011, 2015);
/// Relative size below which a sum of squared deviations counts as zero.
const TINY: f64 = 1e-12;

/// A patron; [`Patron::index`] is its position in every `[f64; 3]` of this module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Patron {
    /// United States (index 0).
    Us,
    /// Russia (index 1).
    Rus,
    /// China (index 2).
    Chn,
}

impl Patron {
    /// All patrons in array order: US, RUS, CHN.
    pub const ALL: [Patron; 3] = [Patron::Us, Patron::Rus, Patron::Chn];
    /// Position of this patron in `[f64; 3]` arrays.
    pub fn index(self) -> usize {
        self as usize
    }
    /// ISO3 code of the patron.
    pub fn code(self) -> &'static str {
        ["USA", "RUS", "CHN"][self.index()]
    }
}

/// One row of the agreement file: a state's voting agreement with each patron in a year.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    /// Year the session opened (session + 1945).
    pub year: i32,
    /// ISO3 code of the voting state (column `iso3`).
    pub state: String,
    /// Share of recorded votes identical to US, RUS, CHN (`agree_us`, `agree_ru`, `agree_cn`).
    pub agree: [f64; 3],
    /// Recorded votes the state cast in the session (column `nvotes`).
    pub nvotes: u32,
}

/// Columns [`parse`] needs, found by name in the header.
const COLUMNS: [&str; 6] = ["year", "iso3", "agree_us", "agree_ru", "agree_cn", "nvotes"];

/// A parse failure: where (1-based line and column) and what was expected.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    /// 1-based line number in the text.
    pub line: usize,
    /// 1-based field number; `None` when a column is missing from the header.
    pub column: Option<usize>,
    /// What was expected (naming the column) and what was found.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(c) => write!(f, "line {}, column {c}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

impl std::error::Error for ParseError {}

fn perr(line: usize, column: Option<usize>, message: String) -> ParseError {
    ParseError {
        line,
        column,
        message,
    }
}

/// (index into `COLUMNS`, message) of a failure inside one row.
type RowError = (usize, String);

fn expected(k: usize, what: &str, found: &str) -> RowError {
    let col = COLUMNS[k];
    (k, format!("expected {what} in `{col}`, found {found}"))
}

fn number<T: FromStr>(k: usize, f: &str, what: &str) -> Result<T, RowError> {
    f.parse().map_err(|_| expected(k, what, &format!("`{f}`")))
}

fn row(fields: &[&str], idx: &[usize; 6]) -> Result<Observation, RowError> {
    let end = |k| expected(k, "a value", "end of row");
    let get = |k: usize| fields.get(idx[k]).copied().ok_or_else(|| end(k));
    let year = number(0, get(0)?, "a whole-number year")?;
    let state = get(1)?.to_string();
    if state.is_empty() {
        return Err(expected(1, "a state code", "nothing"));
    }
    let mut agree = [0.0_f64; 3];
    for (k, a) in (2..5).zip(agree.iter_mut()) {
        let f = get(k)?;
        *a = number(k, f, "a decimal number")?;
        if !a.is_finite() {
            return Err(expected(k, "a finite number", &format!("`{f}`")));
        } else if !(0.0..=1.0).contains(a) {
            return Err(expected(k, "a share in [0, 1]", f));
        }
    }
    let nvotes = number(5, get(5)?, "a non-negative whole number")?;
    Ok(Observation {
        year,
        state,
        agree,
        nvotes,
    })
}

/// Parses the agreement CSV (comma-separated, one record to a line; a cell may be quoted as RFC
/// 4180 quotes it, `runs::cells`).
///
/// The first non-blank line is the header; the columns `year`, `iso3`, `agree_us`,
/// `agree_ru`, `agree_cn` and `nvotes` are found by name, other columns are ignored.
/// Blank lines are skipped and fields trimmed; rows are returned in file order.
/// Agreement must be a finite number in [0, 1]; a (state, year) may occur only once.
pub fn parse(text: &str) -> Result<Vec<Observation>, ParseError> {
    let mut lines = text.lines().zip(1..).filter(|(l, _)| !l.trim().is_empty());
    let Some((header, h)) = lines.next() else {
        return Err(perr(1, None, "expected a header line, found none".into()));
    };
    let header = header.trim_start_matches('\u{feff}');
    let header = cells(header).map_err(|(_, why)| perr(h, None, why))?;
    let names: Vec<&str> = header.iter().map(|c| c.1.as_str()).collect();
    let mut idx = [0; 6];
    for (k, want) in COLUMNS.iter().enumerate() {
        let msg = format!("expected a column named `{want}` in the header");
        let pos = names.iter().position(|n| n == want);
        idx[k] = pos.ok_or_else(|| perr(h, None, msg))?;
    }
    let (mut seen, mut out) = (BTreeMap::new(), Vec::new());
    for (raw, line) in lines {
        let parsed = cells(raw).map_err(|(_, why)| perr(line, None, why))?;
        let fields: Vec<&str> = parsed.iter().map(|c| c.1.as_str()).collect();
        let at = |(k, msg): RowError| perr(line, Some(idx[k] + 1), msg);
        let o = row(&fields, &idx).map_err(at)?;
        if let Some(first) = seen.insert((o.state.clone(), o.year), line) {
            let msg = format!("expected one row per (iso3, year), also on line {first}");
            return Err(at((1, msg)));
        }
        out.push(o);
    }
    Ok(out)
}

/// Simulated alignment shares per state and year, `[US, RUS, CHN]`, each in [0, 1].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModelSeries {
    shares: BTreeMap<String, BTreeMap<i32, [f64; 3]>>,
}

impl ModelSeries {
    /// An empty series.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the shares of `state` in `year`, replacing any earlier value. Each share
    /// must be finite and in [0, 1] (else nothing is stored); the sum is not checked.
    pub fn insert(&mut self, state: &str, year: i32, shares: [f64; 3]) -> Result<(), FitError> {
        if shares.iter().any(|v| !(0.0..=1.0).contains(v)) {
            let state = state.to_string();
            return Err(FitError::InvalidShare { state, year });
        }
        let entry = self.shares.entry(state.to_string()).or_default();
        entry.insert(year, shares);
        Ok(())
    }
    /// Shares of `state` in `year`, if present.
    pub fn get(&self, state: &str, year: i32) -> Option<[f64; 3]> {
        self.shares.get(state)?.get(&year).copied()
    }
}

/// The fitted observation model: `predicted agreement = a[p] + b[p] * share[p]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    /// Inclusive years used for fitting.
    pub window: (i32, i32),
    /// Intercepts for US, RUS, CHN: predicted agreement at share 0.
    pub a: [f64; 3],
    /// Slopes for US, RUS, CHN: change in predicted agreement per unit of share.
    pub b: [f64; 3],
    /// Number of state-years used (the same for every patron).
    pub n: usize,
}

impl Fit {
    /// Predicted agreement `[US, RUS, CHN]` for the given shares.
    pub fn predict(&self, shares: [f64; 3]) -> [f64; 3] {
        std::array::from_fn(|p| self.a[p] + self.b[p] * shares[p])
    }
}

/// Errors of [`ModelSeries::insert`] and [`fit`].
#[derive(Clone, Debug, PartialEq)]
pub enum FitError {
    /// A share given to [`ModelSeries::insert`] is not finite or outside [0, 1].
    InvalidShare {
        /// State of the rejected entry.
        state: String,
        /// Year of the rejected entry.
        year: i32,
    },
    /// Fewer than 3 state-years fall in the fit window.
    TooFewPoints {
        /// State-years found.
        n: usize,
    },
    /// The simulated shares toward this patron (practically) do not vary in the window.
    NoShareVariance {
        /// Patron whose shares are constant.
        patron: Patron,
    },
}

impl fmt::Display for FitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidShare { state, year } => write!(f, "{state} {year}: share not in [0, 1]"),
            Self::TooFewPoints { n } => write!(f, "{n} state-years in fit window, need 3"),
            Self::NoShareVariance { patron: p } => write!(f, "{} shares do not vary", p.code()),
        }
    }
}

impl std::error::Error for FitError {}

/// (state, year) -> (observed agreement, shares) for pairs in both; last duplicate wins.
fn matched<'a>(obs: &'a [Observation], model: &ModelSeries) -> Matched<'a> {
    let pair = |o: &'a Observation| {
        let shares = model.get(&o.state, o.year)?;
        Some(((o.state.as_str(), o.year), (o.agree, shares)))
    };
    obs.iter().filter_map(pair).collect()
}

type Matched<'a> = BTreeMap<(&'a str, i32), ([f64; 3], [f64; 3])>;

/// The observations the votes could be fitted on for `sc` in `window`: rows of a state of the
/// scenario (by id) in a year the scenario runs through. Fewer than 3 and no fit is possible
/// ([`FitError::TooFewPoints`]), whatever the runs.
pub fn state_years(
    obs: &[Observation],
    sc: &crate::scenario::Scenario,
    window: (i32, i32),
) -> usize {
    let years = (sc.start.year(), sc.end.year());
    obs.iter()
        .filter(|o| in_window(o.year, window) && in_window(o.year, years))
        .filter(|o| sc.states().any(|s| sc.actors[s].id == o.state))
        .count()
}

fn in_window(year: i32, w: (i32, i32)) -> bool {
    w.0 <= year && year <= w.1
}

/// `[mean x, mean y, Sxx, Syy, Sxy]` (sums of squared deviations and cross-products);
/// `None` if x practically does not vary; `Syy` is set to 0 if y practically does not.
fn moments(xy: &[(f64, f64)]) -> Option<[f64; 5]> {
    let n = xy.len() as f64;
    let sum = |f: &dyn Fn(f64, f64) -> f64| xy.iter().map(|&(x, y)| f(x, y)).sum::<f64>();
    let (mx, my) = (sum(&|x, _| x) / n, sum(&|_, y| y) / n);
    let sxx = sum(&|x, _| (x - mx) * (x - mx));
    let syy = sum(&|_, y| (y - my) * (y - my));
    let flat_y = syy <= TINY * sum(&|_, y| y * y);
    let sxy = sum(&|x, y| (x - mx) * (y - my));
    let syy = if flat_y { 0.0 } else { syy };
    (sxx > TINY * sum(&|x, _| x * x)).then_some([mx, my, sxx, syy, sxy])
}

/// Fits `a_p`, `b_p` per patron by ordinary least squares over all (state, year) in both
/// `obs` and `model` with `window.0 <= year <= window.1`; states absent from `model` and
/// years outside the window are ignored. Fails (never NaN) with fewer than 3 such
/// state-years or when a patron's shares do not vary.
pub fn fit(obs: &[Observation], model: &ModelSeries, window: (i32, i32)) -> Result<Fit, FitError> {
    let mut pts = matched(obs, model);
    pts.retain(|&(_, y), _| in_window(y, window));
    let n = pts.len();
    if n < 3 {
        return Err(FitError::TooFewPoints { n });
    }
    let (mut a, mut b) = ([0.0; 3], [0.0; 3]);
    for patron in Patron::ALL {
        let p = patron.index();
        let xy: Vec<(f64, f64)> = pts.values().map(|(o, s)| (s[p], o[p])).collect();
        let Some([mx, my, sxx, _, sxy]) = moments(&xy) else {
            return Err(FitError::NoShareVariance { patron });
        };
        b[p] = sxy / sxx;
        a[p] = my - b[p] * mx;
    }
    Ok(Fit { window, a, b, n })
}

/// Pearson correlation; `None` for fewer than 3 pairs or (practically) no variance.
fn pearson(pairs: &[(f64, f64)]) -> Option<f64> {
    let [_, _, sxx, syy, sxy] = moments(pairs).filter(|_| pairs.len() >= 3)?;
    (syy > 0.0).then(|| (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// Statistics of one patron in one window.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Stats {
    /// State-years in the window with both an observation and a model value.
    pub n_years: usize,
    /// Root-mean-square error of predicted vs observed agreement; `None` if no years.
    pub rmse: Option<f64>,
    /// Year-on-year changes: consecutive calendar years both present and in the window.
    pub n_changes: usize,
    /// Pearson correlation of observed vs predicted changes; `None` if fewer than 3
    /// changes or either side does not vary.
    pub change_corr: Option<f64>,
}

/// Evaluation of a [`Fit`] on one window, per state and pooled, each `[US, RUS, CHN]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// Inclusive years evaluated.
    pub window: (i32, i32),
    /// True if `window` shares no year with the fit window (a genuine out-of-sample test).
    pub out_of_sample: bool,
    /// Per state present in both the observations and the model.
    pub by_state: BTreeMap<String, [Stats; 3]>,
    /// All state-years (RMSE) and all states' changes (correlation) pooled together.
    pub pooled: [Stats; 3],
}

/// Squared errors and (observed, predicted) changes of one patron.
type Acc = (Vec<f64>, Vec<(f64, f64)>);
/// Year, observed agreement, predicted agreement.
type Row = (i32, [f64; 3], [f64; 3]);

fn stats((sq, changes): Acc) -> Stats {
    let rmse = (!sq.is_empty()).then(|| (sq.iter().sum::<f64>() / sq.len() as f64).sqrt());
    Stats {
        n_years: sq.len(),
        rmse,
        n_changes: changes.len(),
        change_corr: pearson(&changes),
    }
}

/// Evaluates `fit` on the (state, year) in both `obs` and `model` with year in `window`.
/// Call it with `fit.window` for the in-sample and with the test window (default
/// [`DEFAULT_TEST_WINDOW`]) for the out-of-sample statistics. A change is
/// `x(t) - x(t-1)` for consecutive calendar years both present and both in `window`.
pub fn evaluate(
    obs: &[Observation],
    model: &ModelSeries,
    fit: &Fit,
    window: (i32, i32),
) -> Evaluation {
    let mut series: BTreeMap<&str, Vec<Row>> = BTreeMap::new();
    for ((s, y), (o, sh)) in matched(obs, model) {
        if in_window(y, window) {
            series.entry(s).or_default().push((y, o, fit.predict(sh)));
        }
    }
    let delta = |x: &[Row], p: usize| (x[1].1[p] - x[0].1[p], x[1].2[p] - x[0].2[p]);
    let (mut pooled, mut by_state): ([Acc; 3], BTreeMap<_, _>) = Default::default();
    for (state, rows) in series {
        let steps: Vec<&[Row]> = rows.windows(2).filter(|x| x[1].0 == x[0].0 + 1).collect();
        let acc: [Acc; 3] = std::array::from_fn(|p| {
            let sq = rows
                .iter()
                .map(|r| (r.2[p] - r.1[p]) * (r.2[p] - r.1[p]))
                .collect();
            (sq, steps.iter().map(|x| delta(x, p)).collect())
        });
        for (pool, (sq, ch)) in pooled.iter_mut().zip(&acc) {
            pool.0.extend_from_slice(sq);
            pool.1.extend_from_slice(ch);
        }
        by_state.insert(state.to_string(), acc.map(stats));
    }
    let out_of_sample = window.1 < fit.window.0 || window.0 > fit.window.1;
    let pooled = pooled.map(stats);
    Evaluation {
        window,
        out_of_sample,
        by_state,
        pooled,
    }
}

/// Settings of the turn detector; `Default` gives threshold 0.08 and fraction 0.25.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TurnParams {
    /// Minimum absolute two-session change in observed agreement for a turn.
    pub threshold: f64,
    /// Part of the observed move the model must reproduce, in the same direction.
    pub fraction: f64,
}

impl Default for TurnParams {
    fn default() -> Self {
        let (threshold, fraction) = (0.08, 0.25);
        TurnParams {
            threshold,
            fraction,
        }
    }
}

/// Direction of a turn: agreement with the patron rising (`Toward`) or falling (`Away`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Observed agreement rises.
    Toward,
    /// Observed agreement falls.
    Away,
}

impl Direction {
    /// `toward` or `away`, as written in tables.
    pub fn name(self) -> &'static str {
        match self {
            Direction::Toward => "toward",
            Direction::Away => "away",
        }
    }
}

/// A major turn in a state's observed agreement with a patron (see [`turns`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Turn {
    /// State whose votes turn.
    pub state: String,
    /// Patron the agreement refers to.
    pub patron: Patron,
    /// Middle year t of the two-session change `agree(t+1) - agree(t-1)`.
    pub year: i32,
    /// Sign of `observed_change`.
    pub direction: Direction,
    /// `agree(t+1) - agree(t-1)` in the observed votes.
    pub observed_change: f64,
    /// Predicted two-session change at t-1, t or t+1 that goes furthest in the observed
    /// direction; `None` if the model defines none of the three.
    pub model_change: Option<f64>,
    /// Whether `model_change` has the observed sign and at least `fraction` of its size.
    pub reproduced: bool,
}

/// Two-session changes `x(t+1) - x(t-1)` keyed by t, where both years exist (t need not).
fn two_session(series: &BTreeMap<i32, f64>) -> BTreeMap<i32, f64> {
    let change = |(&y, &v): (&i32, &f64)| Some((y - 1, v - series.get(&(y - 2))?));
    series.iter().filter_map(change).collect()
}

/// Major turns in the observed votes of the states present in `model`, sorted by state,
/// patron and year, each held against the model's predicted agreement.
///
/// **Detection.** With `c(t) = agree(t+1) - agree(t-1)` (calendar years, both present;
/// t itself may be missing), year t is a turn if `|c(t)| > threshold`, `|c(t)| > |c(t-1)|`
/// and `|c(t)| >= |c(t+1)|` (an undefined neighbour does not compete; a tie goes to the
/// earlier year). With the defaults this finds Uzbekistan's 2004 move away from the US
/// (toward China 2004, Russia 2005) and Turkmenistan's 2003 move toward Russia and China.
///
/// **Reproduction.** With `m(u)` the same two-session change of the predicted agreement
/// `a_p + b_p * share` (all model years, also those without votes), the turn is
/// reproduced if for some u in {t-1, t, t+1}, `m(u)` has the sign of `c(t)` and
/// `|m(u)| >= fraction * |c(t)|`.
pub fn turns(
    obs: &[Observation],
    model: &ModelSeries,
    fit: &Fit,
    params: &TurnParams,
) -> Vec<Turn> {
    use Direction::{Away, Toward};
    let mut observed: BTreeMap<(&str, Patron), BTreeMap<i32, f64>> = BTreeMap::new();
    for o in obs.iter().filter(|o| model.shares.contains_key(&o.state)) {
        for p in Patron::ALL {
            let s = observed.entry((o.state.as_str(), p)).or_default();
            s.insert(o.year, o.agree[p.index()]);
        }
    }
    let mut out = Vec::new();
    for ((state, patron), s) in observed {
        let years = model.shares.get(state).into_iter().flatten();
        let pred = years.map(|(&y, &sh)| (y, fit.predict(sh)[patron.index()]));
        let (c, m) = (two_session(&s), two_session(&pred.collect()));
        let size = |t: i32| c.get(&t).map_or(0.0, |v| v.abs());
        for (&year, &v) in &c {
            let d = v.abs();
            let peak = d > params.threshold && d > size(year - 1) && d >= size(year + 1);
            if !peak {
                continue;
            }
            let near = (year - 1..=year + 1).filter_map(|u| m.get(&u).copied());
            let model_change = near.max_by(|x, y| (v * x).total_cmp(&(v * y)));
            let needed = params.fraction * d;
            out.push(Turn {
                state: state.to_string(),
                patron,
                year,
                direction: if v > 0.0 { Toward } else { Away },
                observed_change: v,
                model_change,
                reproduced: model_change.is_some_and(|x| x * v.signum() >= needed),
            });
        }
    }
    out
}

/// The shipped copy of the UN voting data (data/unga_agreement_1992_2015.csv; source in
/// data/README.md), compiled in so that `simulate validate --data unga` works from any folder.
pub const UNGA: &str = include_str!("../../../data/unga_agreement_1992_2015.csv");

/// The whole check: the fit on the fit window, the evaluation in and out of sample, the turns.
#[derive(Clone, Debug, PartialEq)]
pub struct VoteCheck {
    /// The fitted observation model.
    pub fit: Fit,
    /// In-sample statistics (the fit window).
    pub in_sample: Evaluation,
    /// Out-of-sample statistics (the test window).
    pub out_of_sample: Evaluation,
    /// Major turns in the votes of the years the model covers, held against the model.
    pub turns: Vec<Turn>,
    /// Observed and predicted agreement per state and year, over both windows, for charts:
    /// states in name order, years in order.
    pub series: Vec<SeriesPoint>,
}

/// One state-year of the observed and predicted agreement with [US, RUS, CHN].
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesPoint {
    /// The state's id.
    pub state: String,
    /// The year.
    pub year: i32,
    /// Measured agreement.
    pub observed: [f64; 3],
    /// The observation model's prediction from the model's shares.
    pub predicted: [f64; 3],
}

/// Fits the observation model on `fit_window` and evaluates it on both windows.
pub fn check(
    obs: &[Observation],
    model: &ModelSeries,
    fit_window: (i32, i32),
    test_window: (i32, i32),
) -> Result<VoteCheck, FitError> {
    let f = fit(obs, model, fit_window)?;
    let in_sample = evaluate(obs, model, &f, fit_window);
    let out_of_sample = evaluate(obs, model, &f, test_window);
    let first_year = model.shares.values().flat_map(|m| m.keys()).min().copied();
    let turns = turns(obs, model, &f, &TurnParams::default())
        .into_iter()
        .filter(|t| first_year.is_some_and(|y| t.year > y))
        .collect();
    let (y0, y1) = (
        fit_window.0.min(test_window.0),
        fit_window.1.max(test_window.1),
    );
    let mut series: Vec<SeriesPoint> = obs
        .iter()
        .filter(|o| (y0..=y1).contains(&o.year))
        .filter_map(|o| {
            model.get(&o.state, o.year).map(|shares| SeriesPoint {
                state: o.state.clone(),
                year: o.year,
                observed: o.agree,
                predicted: f.predict(shares),
            })
        })
        .collect();
    series.sort_by(|a, b| a.state.cmp(&b.state).then(a.year.cmp(&b.year)));
    Ok(VoteCheck {
        fit: f,
        in_sample,
        out_of_sample,
        turns,
        series,
    })
}

#[cfg(test)]
mod tests;

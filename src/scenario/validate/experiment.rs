//! Validates what the scenario asks of its runs: the named `[[outcomes]]` checked in every run,
//! the `[[checks]]` of the validation scorecard, and the `[sweep]` table with its axes.

use std::collections::BTreeMap;

use super::{FORMAT_DOC, Ids, R, Scenario, V, shown};
use crate::date::YearMonth;
use crate::scenario::experiment::{
    Axis, Check, Dated, Design, Direction, INDEX_NAMES, MAX_POINTS, MAX_RUNS_PER_POINT, Outcome,
    OutcomeKind, SweepPlan, point_count,
};
use crate::scenario::keys::{self, AxisError};
use crate::scenario::raw::{OneOrMany, RawCheck, RawOutcome, RawScenario, RawSweep, S};

impl V<'_> {
    /// `[[outcomes]]`: the named discrete outcomes checked in every run.
    pub(super) fn outcomes(
        &self,
        raw: &RawScenario,
        ctx: &Ids,
        bases: &BTreeMap<String, usize>,
        deals: &BTreeMap<String, usize>,
        loans: &BTreeMap<String, usize>,
        end: YearMonth,
    ) -> R<Vec<Outcome>> {
        let mut out = Vec::new();
        let mut seen = BTreeMap::new();
        for o in &raw.outcomes {
            let o = o.get_ref();
            self.unique(&mut seen, &o.id, out.len(), "outcome")?;
            let need = |v: &Option<S<String>>, key: &str| -> R<S<String>> {
                v.clone().ok_or_else(|| {
                    self.err(
                        o.kind.span(),
                        format!("a `{}` outcome needs `{key}`", o.kind.get_ref()),
                        format!("add `{key} = \"...\"` to this outcome ({FORMAT_DOC})"),
                    )
                })
            };
            let lookup = |map: &BTreeMap<String, usize>,
                          v: &Option<S<String>>,
                          key: &str,
                          what: &str|
             -> R<usize> {
                let s = need(v, key)?;
                map.get(s.get_ref()).copied().ok_or_else(|| {
                    let known: Vec<&str> = map.keys().map(String::as_str).collect();
                    self.err(
                        s.span(),
                        format!("no {what} with id `{}`", s.get_ref()),
                        format!(
                            "use one of: {}",
                            if known.is_empty() {
                                "(none defined)".to_string()
                            } else {
                                known.join(", ")
                            }
                        ),
                    )
                })
            };
            let kind = match o.kind.get_ref().as_str() {
                "member" => OutcomeKind::Member(self.actor(ctx, &need(&o.actor, "actor")?)?),
                "admitted" => OutcomeKind::Admitted(self.actor(ctx, &need(&o.actor, "actor")?)?),
                "closure_ordered" => {
                    OutcomeKind::ClosureOrdered(lookup(bases, &o.base, "base", "base")?)
                }
                "closure_reversed" => {
                    OutcomeKind::ClosureReversed(lookup(bases, &o.base, "base", "base")?)
                }
                "base_opened" => OutcomeKind::BaseOpened(lookup(bases, &o.base, "base", "base")?),
                "joined_together" => {
                    let list = o.actors.as_ref().ok_or_else(|| {
                        self.err(
                            o.kind.span(),
                            "a `joined_together` outcome needs `actors`",
                            "add `actors = [\"IND\", \"PAK\"]`",
                        )
                    })?;
                    let ids = list.get_ref();
                    if ids.len() != 2 {
                        return Err(self.err(
                            list.span(),
                            "`actors` must name exactly two actors",
                            "write `actors = [\"IND\", \"PAK\"]`",
                        ));
                    }
                    let (a, b) = (self.actor(ctx, &ids[0])?, self.actor(ctx, &ids[1])?);
                    if a == b {
                        return Err(self.err(
                            ids[1].span(),
                            format!("`{}` is named twice", ids[1].get_ref()),
                            "name two different actors, e.g. `actors = [\"IND\", \"PAK\"]`",
                        ));
                    }
                    OutcomeKind::JoinedTogether(a, b)
                }
                "region_share_below" => {
                    let p = self.patron(ctx, &need(&o.patron, "patron")?)?;
                    OutcomeKind::RegionShareBelow(p, self.threshold(o)?)
                }
                "max_share_below" => OutcomeKind::MaxShareBelow(self.threshold(o)?),
                "region_share_change" => {
                    let p = self.patron(ctx, &need(&o.patron, "patron")?)?;
                    OutcomeKind::RegionShareChange(p, self.direction(o)?)
                }
                "index_change" => {
                    let name = need(&o.index, "index")?;
                    let k = INDEX_NAMES
                        .iter()
                        .position(|n| *n == name.get_ref().as_str())
                        .ok_or_else(|| {
                            self.err(
                                name.span(),
                                format!("unknown index `{}`", name.get_ref()),
                                format!("use one of: {}", INDEX_NAMES.join(", ")),
                            )
                        })?;
                    OutcomeKind::IndexChange(k, self.direction(o)?)
                }
                "security_lead" => {
                    let a = self.patron(ctx, &need(&o.patron, "patron")?)?;
                    let over = need(&o.over, "over")?;
                    let b = self.patron(ctx, &over)?;
                    if a == b {
                        return Err(self.err(
                            over.span(),
                            format!(
                                "`over` is `{}`, the `patron` itself: a patron never leads itself",
                                over.get_ref()
                            ),
                            "name another patron in `over`, the one the lead is over",
                        ));
                    }
                    let margin = match &o.threshold {
                        Some(t) => self.in_range(t, "threshold", 0.0, 10.0)?,
                        None => 0.0,
                    };
                    let states = match &o.actors {
                        Some(list) => list
                            .get_ref()
                            .iter()
                            .map(|id| self.state(ctx, id))
                            .collect::<R<Vec<usize>>>()?,
                        None => Vec::new(),
                    };
                    OutcomeKind::SecurityLead(a, b, margin, states)
                }
                "base_closed" => OutcomeKind::BaseClosed(lookup(bases, &o.base, "base", "base")?),
                "lease_renewed" => {
                    OutcomeKind::LeaseRenewed(lookup(bases, &o.base, "base", "base")?)
                }
                "deal_signed" => {
                    OutcomeKind::DealSigned(lookup(deals, &o.deal, "deal", "energy deal")?)
                }
                "loan_accepted" => {
                    OutcomeKind::LoanAccepted(lookup(loans, &o.loan, "loan", "loan")?)
                }
                k @ ("share_above" | "share_below") => {
                    let a = self.state(ctx, &need(&o.actor, "actor")?)?;
                    let p = self.patron(ctx, &need(&o.patron, "patron")?)?;
                    let t = self.threshold(o)?;
                    if k == "share_above" {
                        OutcomeKind::ShareAbove(a, p, t)
                    } else {
                        OutcomeKind::ShareBelow(a, p, t)
                    }
                }
                other => {
                    return Err(self.err(
                        o.kind.span(),
                        format!("unknown outcome kind `{other}`"),
                        format!("use one of: {}", OutcomeKind::NAMES.join(", ")),
                    ));
                }
            };
            let from = o.from.as_ref().map(|d| self.date(d)).transpose()?;
            let by = match &o.by {
                Some(d) => {
                    let date = self.date(d)?;
                    if date > end {
                        return Err(self.err(
                            d.span(),
                            format!("`by` {date} is after the scenario's end {end}"),
                            "use a date up to the end, or leave `by` out to mean the end",
                        ));
                    }
                    Some(date)
                }
                None => None,
            };
            if let (Some(f), Some(b)) = (from, by)
                && f > b
            {
                return Err(self.err(
                    o.kind.span(),
                    format!("the window {f} to {b} is empty"),
                    "make `from` no later than `by`",
                ));
            }
            let min_change = match &o.min_change {
                None => 0.0,
                Some(m)
                    if matches!(
                        kind,
                        OutcomeKind::IndexChange(..) | OutcomeKind::RegionShareChange(..)
                    ) =>
                {
                    self.in_range(m, "min_change", 0.0, 1.0)?
                }
                Some(m) => {
                    return Err(self.err(
                        m.span(),
                        "`min_change` applies only to `index_change` and `region_share_change`",
                        "remove `min_change` from this outcome",
                    ));
                }
            };
            out.push(Outcome {
                id: o.id.get_ref().clone(),
                kind,
                from,
                by,
                label: o.label.clone().unwrap_or_else(|| o.id.get_ref().clone()),
                min_change,
                episode: o.episode.clone(),
            });
        }
        Ok(out)
    }

    fn threshold(&self, o: &RawOutcome) -> R<f64> {
        match &o.threshold {
            Some(t) => self.in_range(t, "threshold", 0.0, 1.0),
            None => Err(self.err(
                o.kind.span(),
                format!("a `{}` outcome needs `threshold`", o.kind.get_ref()),
                "add `threshold = 0.5` (a share from 0 to 1)",
            )),
        }
    }

    fn direction(&self, o: &RawOutcome) -> R<Direction> {
        match o
            .direction
            .as_ref()
            .map(|d| (d.get_ref().as_str(), d.span()))
        {
            Some(("up", _)) => Ok(Direction::Up),
            Some(("down", _)) => Ok(Direction::Down),
            Some((other, span)) => Err(self.err(
                span,
                format!("unknown direction `{other}`"),
                "use \"up\" or \"down\"",
            )),
            None => Err(self.err(
                o.kind.span(),
                format!("a `{}` outcome needs `direction`", o.kind.get_ref()),
                "add `direction = \"up\"` or `\"down\"`, with `from` and `by` dates",
            )),
        }
    }

    /// The `[sweep]` table: its design, replicates and axes, each a key of `sc`.
    pub(super) fn sweep(&self, raw: &S<RawSweep>, sc: &Scenario) -> R<SweepPlan> {
        let r = raw.get_ref();
        let design = match r.design.as_ref().map(|d| d.get_ref().as_str()) {
            None | Some("grid") => {
                if let Some(n) = &r.samples {
                    return Err(self.err(
                        n.span(),
                        "`samples` applies to a random or lhs sweep, not a grid",
                        "drop `samples` (a grid runs every combination of the axes' values), or add `design = \"lhs\"`",
                    ));
                }
                Design::Grid
            }
            Some(k @ ("random" | "lhs")) => {
                let Some(n) = &r.samples else {
                    return Err(self.err(
                        raw.span(),
                        format!("a `{k}` sweep needs `samples`"),
                        "add `samples = 100` (the number of points to draw)",
                    ));
                };
                if *n.get_ref() < 1 || *n.get_ref() as u64 > MAX_POINTS as u64 {
                    return Err(self.err(
                        n.span(),
                        format!("samples must be from 1 to {MAX_POINTS}"),
                        "use a whole number of points, e.g. 100",
                    ));
                }
                let count = *n.get_ref() as usize;
                if k == "random" {
                    Design::Random(count)
                } else {
                    Design::Lhs(count)
                }
            }
            Some(other) => {
                let span = r.design.as_ref().map_or(raw.span(), |d| d.span());
                return Err(self.err(
                    span,
                    format!("unknown sweep design `{other}`"),
                    "use \"grid\", \"random\" or \"lhs\" (Latin hypercube)",
                ));
            }
        };
        let runs = match &r.runs {
            Some(n) if *n.get_ref() < 1 => {
                return Err(self.err(
                    n.span(),
                    "runs must be at least 1",
                    "use a whole number of replicates per point",
                ));
            }
            Some(n) if *n.get_ref() as u64 > MAX_RUNS_PER_POINT => {
                return Err(self.err(
                    n.span(),
                    format!("runs must be at most {MAX_RUNS_PER_POINT} per point"),
                    "use fewer replicates per point (a few hundred give stable shares)",
                ));
            }
            Some(n) => Some(*n.get_ref() as usize),
            None => None,
        };
        let mut axes: Vec<Axis> = Vec::new();
        for a in &r.axes {
            let a = a.get_ref();
            let key = a.key.get_ref();
            if axes.iter().any(|b| b.key == *key) {
                return Err(self.err(
                    a.key.span(),
                    format!("`{key}` is swept twice"),
                    "give each key one [[sweep.axes]] table; put all its values in that one",
                ));
            }
            let text = match a.values.get_ref() {
                toml::Value::String(s) => s.clone(),
                toml::Value::Array(items) => {
                    let mut v = Vec::new();
                    for item in items {
                        match item {
                            toml::Value::Float(x) => v.push(x.to_string()),
                            toml::Value::Integer(x) => v.push(x.to_string()),
                            _ => {
                                return Err(self.err(
                                    a.values.span(),
                                    "a list of values must hold numbers",
                                    "write e.g. values = [0.5, 1.0, 2.0]",
                                ));
                            }
                        }
                    }
                    v.join(",")
                }
                toml::Value::Float(x) => x.to_string(),
                toml::Value::Integer(x) => x.to_string(),
                _ => {
                    return Err(self.err(
                        a.values.span(),
                        "values must be a list or a \"min:max:step\" text",
                        "write values = \"0:5:0.5\" or values = [1, 2, 3]",
                    ));
                }
            };
            let axis = keys::axis(sc, key, &text, design != Design::Grid).map_err(|e| match e {
                AxisError::Key(e) => {
                    // The key error's own help becomes the located error's help.
                    let e = e.to_string();
                    let (what, help) = e.split_once("\n  help: ").unwrap_or((&e, ""));
                    self.err(
                        a.key.span(),
                        format!("cannot sweep `{key}`: {what}"),
                        help.replace("\n  help: ", "; ").replace('\n', " "),
                    )
                }
                AxisError::Values(m) => self.err(
                    a.values.span(),
                    m.to_string(),
                    "write \"min:max:step\" for a grid, \"min:max\" for random/lhs, or a list of numbers",
                ),
                AxisError::OutOfRange { min, max, .. } => self.err(
                    a.values.span(),
                    format!(
                        "values of `{key}` reach outside its valid range {} to {}",
                        shown(min),
                        shown(max)
                    ),
                    "keep the swept values within the range",
                ),
            })?;
            axes.push(axis);
        }
        if axes.is_empty() {
            return Err(self.err(
                raw.span(),
                "the sweep has no axes",
                "add [[sweep.axes]] tables with `key` and `values`",
            ));
        }
        let points = point_count(design, &axes);
        if points > MAX_POINTS {
            return Err(self.err(
                raw.span(),
                format!(
                    "the sweep has {} points, more than the limit of {MAX_POINTS}",
                    if points == usize::MAX {
                        "too many".to_string()
                    } else {
                        points.to_string()
                    }
                ),
                "use fewer values per axis (a grid has the product of their counts), or a random or lhs design with fewer samples",
            ));
        }
        Ok(SweepPlan { design, runs, axes })
    }

    /// `[[checks]]`: each names an outcome of `sc` and, optionally, one of its events to remove.
    pub(super) fn checks(&self, raw: &RawScenario, sc: &Scenario) -> R<Vec<Check>> {
        let mut checks = Vec::new();
        for c in &raw.checks {
            let c = c.get_ref();
            let Some(outcome) = sc
                .outcomes
                .iter()
                .position(|o| o.id == *c.outcome.get_ref())
            else {
                let ids: Vec<&str> = sc.outcomes.iter().map(|o| o.id.as_str()).collect();
                return Err(self.err(
                    c.outcome.span(),
                    format!("no outcome with id `{}`", c.outcome.get_ref()),
                    format!(
                        "name an [[outcomes]] id: {}",
                        if ids.is_empty() {
                            "(none defined)".to_string()
                        } else {
                            ids.join(", ")
                        }
                    ),
                ));
            };
            let holds = match c.expect.get_ref().as_str() {
                "holds" => true,
                "fails" => false,
                other => {
                    return Err(self.err(
                        c.expect.span(),
                        format!("unknown expectation `{other}`"),
                        "use \"holds\" or \"fails\"",
                    ));
                }
            };
            let remove: Vec<String> = match c.without.as_ref().map(|w| w.get_ref()) {
                None => Vec::new(),
                Some(OneOrMany::One(id)) => vec![id.clone()],
                Some(OneOrMany::Many(ids)) => ids.clone(),
            };
            if let Some(w) = &c.without {
                if remove.is_empty() {
                    return Err(self.err(
                        w.span(),
                        "`without` names no event",
                        "name the id of an [[events]] entry to remove, or a list of them",
                    ));
                }
                for (k, id) in remove.iter().enumerate() {
                    if remove[..k].contains(id) {
                        return Err(self.err(
                            w.span(),
                            format!("`without` names `{id}` twice"),
                            "name each event to remove once",
                        ));
                    }
                    if !sc
                        .events
                        .iter()
                        .any(|e| e.id.as_deref() == Some(id.as_str()))
                    {
                        return Err(self.err(
                            w.span(),
                            format!("no scripted event with id `{id}`"),
                            "name the id of an [[events]] entry to remove",
                        ));
                    }
                }
            }
            let settings = self.check_settings(c, sc, &remove)?;
            let threshold = self.in_range(&c.threshold, "threshold", 0.0, 1.0)?;
            let dated = self.dated(c, sc, outcome, holds)?;
            let mut without = remove.join(", ");
            if !settings.is_empty() {
                let changes: Vec<String> =
                    settings.iter().map(|(k, v)| format!("{k}={v}")).collect();
                without = format!("{without}; with {}", changes.join(", "));
            }
            checks.push(Check {
                fact: c.fact.clone(),
                outcome,
                holds,
                without: (!remove.is_empty()).then_some(without),
                remove,
                settings,
                threshold,
                dated,
                known_failure: c.known_failure.clone(),
            });
        }
        Ok(checks)
    }

    /// A counterfactual check's `set`: parameter changes made on top of the removed events
    /// (`remove`), each `key=value` as `--set` takes it, the key known in the scenario without
    /// those events (as the scorecard applies it) and the value within its range.
    fn check_settings(
        &self,
        c: &RawCheck,
        sc: &Scenario,
        remove: &[String],
    ) -> R<Vec<(String, f64)>> {
        let Some(set) = &c.set else {
            return Ok(Vec::new());
        };
        if c.without.is_none() {
            return Err(self.err(
                set.span(),
                "`set` without `without`",
                "a counterfactual check removes scripted events (`without`) and may change parameters on top; for a parameter change alone use `simulate validate --set` or `--ablations`",
            ));
        }
        let texts: Vec<&String> = match set.get_ref() {
            OneOrMany::One(t) => vec![t],
            OneOrMany::Many(ts) => ts.iter().collect(),
        };
        if texts.is_empty() {
            return Err(self.err(
                set.span(),
                "`set` names no change",
                "write changes as \"key=value\", e.g. set = [\"decision.money_weight=0\"], or drop `set`",
            ));
        }
        let mut trial = sc.clone();
        for id in remove {
            trial.remove_event(id);
        }
        let mut settings: Vec<(String, f64)> = Vec::new();
        for text in texts {
            let parsed = keys::split_setting(text)
                .and_then(|(k, v)| Some((k.to_string(), v.parse::<f64>().ok()?)));
            let Some((key, value)) = parsed else {
                return Err(self.err(
                    set.span(),
                    format!("`{text}` is not a change"),
                    "write it as \"key=value\", e.g. \"decision.money_weight=0\" (keys: `simulate explain params`)",
                ));
            };
            let event = key
                .strip_prefix("events.")
                .and_then(|k| k.split('.').next());
            if let Some(id) = event.filter(|id| remove.iter().any(|r| r == id)) {
                return Err(self.err(
                    set.span(),
                    format!("`{text}` changes event `{id}`, which this line removes (`without`)"),
                    "a line either removes an event or changes it: drop the change, or the id from `without`",
                ));
            }
            if let Err(e) = keys::set(&mut trial, &key, value) {
                // The key error's own help becomes the located error's help.
                let e = e.to_string();
                let (what, help) = e.split_once("\n  help: ").unwrap_or((&e, ""));
                return Err(self.err(
                    set.span(),
                    format!("cannot set `{text}`: {what}"),
                    help.replace('\n', " "),
                ));
            }
            if settings.iter().any(|(k, _)| *k == key) {
                return Err(self.err(
                    set.span(),
                    format!("`{key}` is set twice"),
                    "keep one value per key",
                ));
            }
            settings.push((key, value));
        }
        Ok(settings)
    }

    /// A check's `date`, `tolerance_months` and `source`: all or none; only for an event outcome
    /// that should hold.
    fn dated(&self, c: &RawCheck, sc: &Scenario, outcome: usize, holds: bool) -> R<Option<Dated>> {
        let (date, tolerance) = match (&c.date, &c.tolerance_months) {
            (None, None) => {
                // A source is the source of the historical date: shown beside the date, it
                // would be dropped without one.
                if let Some(s) = &c.source {
                    return Err(self.err(
                        s.span(),
                        "`source` gives where a check's historical `date` comes from, and this check has no `date`",
                        "add `date` and `tolerance_months` to score the line by its date, or cite the source in a # comment",
                    ));
                }
                return Ok(None);
            }
            (Some(d), Some(t)) => (d, t),
            (Some(d), None) => {
                return Err(self.err(
                    d.span(),
                    "a dated check needs `tolerance_months`",
                    "add e.g. `tolerance_months = 6`: the largest error in months that passes",
                ));
            }
            (None, Some(t)) => {
                return Err(self.err(
                    t.span(),
                    "`tolerance_months` without a `date`",
                    "add the historical `date = \"YYYY-MM\"` or remove `tolerance_months`",
                ));
            }
        };
        let Some(when) = YearMonth::parse(date.get_ref()) else {
            return Err(self.err(
                date.span(),
                format!("`{}` is not a date", date.get_ref()),
                "write the historical date as \"YYYY-MM\"",
            ));
        };
        let tolerance = self.in_range(tolerance, "tolerance_months", 0.0, 1200.0)?;
        if tolerance.fract() != 0.0 {
            return Err(self.err(
                c.tolerance_months
                    .as_ref()
                    .map_or(date.span(), |t| t.span()),
                "`tolerance_months` must be a whole number of months",
                "e.g. `tolerance_months = 6`",
            ));
        }
        if !sc.outcomes[outcome].kind.is_event() {
            return Err(self.err(
                c.outcome.span(),
                format!(
                    "outcome `{}` has no date to score: it is not an event",
                    c.outcome.get_ref()
                ),
                "date only event outcomes (member, admitted, joined_together, closure_ordered, \
                 closure_reversed, base_closed, lease_renewed, base_opened, deal_signed, \
                 loan_accepted)",
            ));
        }
        if !holds && c.without.is_none() {
            return Err(self.err(
                date.span(),
                "a check that expects the outcome to fail has a date to score only in a counterfactual",
                "remove `date` and `tolerance_months`, expect \"holds\", or add `without`: the line then passes when, without those events, the outcome does not come within the tolerance of the date",
            ));
        }
        Ok(Some(Dated {
            date: when,
            tolerance_months: tolerance as i32,
            source: c
                .source
                .as_ref()
                .map(|s| s.get_ref().clone())
                .unwrap_or_default(),
        }))
    }
}

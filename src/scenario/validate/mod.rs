//! The one validating conversion from [`RawScenario`] to [`Scenario`].
//!
//! Every check a user can fail lives here and reports the file, line and column of the value at
//! fault, what was expected and how to fix it. The first error found is returned.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::experiment::INDEX_NAMES;
use super::raw::{ById, RawEvent, RawScenario, S};
use super::*;
use crate::scenario::experiment::{Outcome, OutcomeKind};
use crate::scenario::world::{BaseState, BaseStatus, DealState, LoanState, LoanStatus, ScoStatus};

type R<T> = Result<T, ScenarioError>;

/// Parses and validates scenario text read from `path`.
pub fn parse(path: &Path, source: &str) -> Result<Scenario, ScenarioError> {
    let v = V { path, src: source };
    let raw: RawScenario = toml::from_str(source).map_err(|e| v.toml_error(&e))?;
    v.convert(raw)
}

/// Validation context: the file and its text, for locating errors.
struct V<'a> {
    path: &'a Path,
    src: &'a str,
}

const FORMAT_DOC: &str = "docs/scenario-format.md";

impl V<'_> {
    fn err(
        &self,
        span: Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> ScenarioError {
        ScenarioError::at(self.path, self.src, span, message, help)
    }

    fn toml_error(&self, e: &toml::de::Error) -> ScenarioError {
        let msg = e.message().trim().to_string();
        let help = if msg.starts_with("unknown field") {
            format!(
                "remove this key or correct its spelling; the keys each table takes are listed in {FORMAT_DOC}"
            )
        } else if msg.starts_with("missing field") {
            format!("add the missing key to this table; see {FORMAT_DOC} for what it means")
        } else if msg.starts_with("invalid type") {
            "write the value with the type shown (numbers without quotes, text and dates in quotes)"
                .to_string()
        } else {
            "fix the TOML syntax at this point (quotes, brackets, `key = value`)".to_string()
        };
        self.err(e.span().unwrap_or(0..0), msg, help)
    }

    fn date(&self, s: &S<String>) -> R<YearMonth> {
        YearMonth::parse(s.get_ref()).ok_or_else(|| {
            self.err(
                s.span(),
                format!("`{}` is not a date", s.get_ref()),
                "write dates as \"YYYY-MM\", e.g. \"2009-02\"",
            )
        })
    }

    fn in_range(&self, s: &S<f64>, what: &str, min: f64, max: f64) -> R<f64> {
        let x = *s.get_ref();
        if !x.is_finite() || x < min || x > max {
            let expected = if max == f64::INFINITY {
                format!("a number of at least {min}")
            } else {
                format!("a number from {min} to {max}")
            };
            return Err(self.err(
                s.span(),
                format!("{what} is {x}, expected {expected}"),
                if x < 0.0 && min >= 0.0 {
                    format!("{what} cannot be negative; use 0 for none")
                } else {
                    format!("give {what} a value within its range ({FORMAT_DOC} gives units)")
                },
            ));
        }
        Ok(x)
    }

    fn opt(&self, s: &Option<S<f64>>, what: &str, min: f64, max: f64, default: f64) -> R<f64> {
        match s {
            Some(s) => self.in_range(s, what, min, max),
            None => Ok(default),
        }
    }

    fn maybe(&self, s: &Option<S<f64>>, what: &str, min: f64, max: f64) -> R<Option<f64>> {
        s.as_ref()
            .map(|s| self.in_range(s, what, min, max))
            .transpose()
    }

    fn nonneg(&self, s: &S<f64>, what: &str) -> R<f64> {
        self.in_range(s, what, 0.0, f64::INFINITY)
    }

    fn convert(&self, raw: RawScenario) -> R<Scenario> {
        let meta = raw.scenario.get_ref();
        let name = meta.name.get_ref().clone();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(self.err(
                meta.name.span(),
                format!("scenario name `{name}` cannot be used as a folder name"),
                "use letters, digits, `_` and `-` only, e.g. \"ufa2015\"",
            ));
        }
        let start = self.date(&meta.start)?;
        let end = self.date(&meta.end)?;
        if end <= start {
            return Err(self.err(
                meta.end.span(),
                format!("end {end} is not after start {start}"),
                "set `end` to a later month than `start`",
            ));
        }
        let period = match meta.period.get_ref().as_str() {
            "month" => Period::Month,
            "quarter" => Period::Quarter,
            "year" => Period::Year,
            other => {
                return Err(self.err(
                    meta.period.span(),
                    format!("unknown period `{other}`"),
                    "use \"month\", \"quarter\" or \"year\"",
                ));
            }
        };
        let seed = match &meta.seed {
            Some(s) if *s.get_ref() < 0 => {
                return Err(self.err(s.span(), "seed is negative", "use a whole number from 0 up"));
            }
            Some(s) => *s.get_ref() as u64,
            None => 1,
        };
        let lens = match &meta.lens {
            Some(s) => self.lens(s)?,
            None => Lens::default(),
        };

        let region = meta
            .region
            .as_ref()
            .map_or("central_asia".to_string(), |s| s.get_ref().clone());

        // Actors.
        let mut actors: Vec<ActorInfo> = Vec::with_capacity(raw.actors.len());
        let mut ids: BTreeMap<String, usize> = BTreeMap::new();
        let mut patrons = Vec::new();
        for a in &raw.actors {
            let a = a.get_ref();
            let id = a.id.get_ref();
            if id.is_empty() {
                return Err(self.err(
                    a.id.span(),
                    "empty actor id",
                    "give every actor a short id such as \"KAZ\"",
                ));
            }
            if ids.contains_key(id) {
                return Err(self.err(
                    a.id.span(),
                    format!("duplicate actor id `{id}`"),
                    "each actor needs its own id; rename or remove one of the two",
                ));
            }
            let role = match a.role.get_ref().as_str() {
                "patron" => Role::Patron,
                "state" => Role::State,
                other => {
                    return Err(self.err(
                        a.role.span(),
                        format!("unknown role `{other}`"),
                        "use \"patron\" (a great power: USA, RUS, CHN) or \"state\"",
                    ));
                }
            };
            let slot = (role == Role::Patron).then(|| {
                patrons.push(actors.len());
                patrons.len() - 1
            });
            ids.insert(id.clone(), actors.len());
            let actor_lens = match &a.lens {
                Some(s) => self.lens(s)?,
                None => lens,
            };
            actors.push(ActorInfo {
                id: id.clone(),
                name: a.name.clone().unwrap_or_else(|| id.clone()),
                role,
                in_region: a.region.as_ref().is_some_and(|r| *r.get_ref() == region),
                slot,
                military_bn: self.opt(&a.military_bn, "military_bn", 0.0, f64::INFINITY, 0.0)?,
                non_interference: self.opt(
                    &a.non_interference,
                    "non_interference",
                    0.0,
                    1.0,
                    0.5,
                )?,
                lens: actor_lens,
                neighbours: Vec::new(),
            });
        }
        let Some(first_actor) = raw.actors.first() else {
            return Err(self.err(
                raw.scenario.span(),
                "the scenario has no actors",
                "add [[actors]] tables: at least one patron and one state",
            ));
        };
        if patrons.is_empty() {
            return Err(self.err(
                first_actor.span(),
                "the scenario has no patron",
                "give at least one actor `role = \"patron\"` (e.g. USA, RUS, CHN)",
            ));
        }
        let n = actors.len();
        let np = patrons.len();
        for (i, a) in raw.actors.iter().enumerate() {
            for id in a.get_ref().neighbours.iter().flatten() {
                let Some(&j) = ids.get(id.get_ref()) else {
                    return Err(self.err(
                        id.span(),
                        format!("unknown actor `{}`", id.get_ref()),
                        "list the ids of actors this one borders, from [[actors]]",
                    ));
                };
                actors[i].neighbours.push(j);
            }
        }
        if np > crate::scenario::world::MAX_PATRONS {
            return Err(self.err(
                raw.actors[patrons[crate::scenario::world::MAX_PATRONS]]
                    .get_ref()
                    .role
                    .span(),
                format!(
                    "{np} patrons; the model supports at most {}",
                    crate::scenario::world::MAX_PATRONS
                ),
                "make the smaller powers states rather than patrons",
            ));
        }
        let ctx = Ids {
            ids: &ids,
            actors: &actors,
        };

        let leading = match &meta.leading_power {
            Some(s) => self.patron(&ctx, s)?,
            None => actors[ids.get("USA").copied().unwrap_or(patrons[0])]
                .slot
                .unwrap_or(0),
        };
        let balancers = match &meta.balancers {
            Some(list) => {
                let mut out = Vec::new();
                for s in list.get_ref() {
                    let slot = self.patron(&ctx, s)?;
                    if out.contains(&slot) {
                        return Err(self.err(
                            s.span(),
                            "a patron is listed twice among the balancers",
                            "list each balancer once",
                        ));
                    }
                    if slot == leading {
                        return Err(self.err(
                            s.span(),
                            "the leading power cannot also be a balancer",
                            "list the patrons that balance the leading power, e.g. [\"RUS\", \"CHN\"]",
                        ));
                    }
                    out.push(slot);
                }
                out
            }
            None => (0..np).filter(|&p| p != leading).collect(),
        };

        let mut w = World {
            n,
            np,
            gdp: vec![0.0; n],
            gdp_growth: vec![0.0; n],
            autocracy: vec![0.0; n],
            sovereignty: vec![0.0; n],
            nationalism: vec![0.0; n],
            threat_base: vec![0.0; n],
            threat_extra: vec![0.0; n],
            sco_pressure: 0.0,
            alignment: vec![0.0; n * np],
            leaning: vec![0.0; n * np],
            trade: vec![0.0; n * np],
            trade_growth: vec![0.0; n * np],
            aid: vec![0.0; n * np],
            remittances: vec![0.0; n * np],
            debt: vec![0.0; n * np],
            security: vec![0.0; n * np],
            pressure: vec![0.0; n * np],
            goodwill: vec![0.0; n * np],
            energy_income: vec![0.0; n * np],
            backlash: vec![0.0; n * np],
            partnership: vec![0.5; np * np],
            sco: vec![ScoStatus::None; n],
            accession_date: vec![None; n],
            csto: vec![false; n],
            eeu: vec![false; n],
            bases: Vec::new(),
            loans: Vec::new(),
            deals: Vec::new(),
        };
        for p in 0..np {
            w.partnership[p * np + p] = 1.0;
        }

        let mut from_scores = Vec::new();
        for (i, a) in raw.actors.iter().enumerate() {
            let a = a.get_ref();
            w.gdp[i] = self.in_range(&a.gdp_bn, "gdp_bn", 1e-6, f64::INFINITY)?;
            w.gdp_growth[i] = self.opt(&a.gdp_growth, "gdp_growth", -0.5, 0.5, 0.0)?;
            w.autocracy[i] = self.opt(&a.autocracy, "autocracy", 0.0, 1.0, 0.5)?;
            w.sovereignty[i] = self.opt(&a.sovereignty, "sovereignty", 0.0, 1.0, 0.5)?;
            w.nationalism[i] = self.opt(&a.nationalism, "nationalism", 0.0, 1.0, 0.5)?;
            w.threat_base[i] = self.opt(&a.threat, "threat", 0.0, 1.0, 0.2)?;
            w.csto[i] = a.csto.unwrap_or(false);
            w.eeu[i] = a.eeu.unwrap_or(false);
            if let Some(s) = &a.sco {
                w.sco[i] = match s.get_ref().as_str() {
                    "member" => ScoStatus::Member,
                    "observer" => ScoStatus::Observer,
                    "applicant" => ScoStatus::Applicant,
                    "none" => ScoStatus::None,
                    other => {
                        return Err(self.err(
                            s.span(),
                            format!("unknown SCO status `{other}`"),
                            "use \"member\", \"observer\", \"applicant\" or \"none\"",
                        ));
                    }
                };
            }
            match actors[i].role {
                Role::Patron => {
                    if let Some(al) = &a.alignment {
                        return Err(self.err(
                            al.span(),
                            format!("patron `{}` has an alignment", actors[i].id),
                            "patrons do not align with others; remove `alignment` (only states have one)",
                        ));
                    }
                    let slot = actors[i].slot.unwrap_or(0);
                    w.alignment[i * np + slot] = 1.0;
                }
                Role::State if a.alignment.is_none() => {
                    // Filled in below from the state's own initial scores.
                    from_scores.push(i);
                }
                Role::State => {
                    let Some(al) = &a.alignment else {
                        unreachable!("checked by the arm above")
                    };
                    let shares = self.by_patron(&ctx, al, "share", 0.0, 1.0)?;
                    let sum: f64 = shares.iter().sum();
                    if (sum - 1.0).abs() > 1e-6 {
                        return Err(self.err(
                            al.span(),
                            format!("alignment shares of `{}` sum to {sum}, expected 1", actors[i].id),
                            "make the shares toward the patrons add up to exactly 1 (a patron left out counts as 0)",
                        ));
                    }
                    w.alignment[i * np..(i + 1) * np].copy_from_slice(&shares);
                }
            }
            if let Some(l) = &a.leaning {
                let l = self.by_patron(&ctx, l, "leaning", -2.0, 2.0)?;
                w.leaning[i * np..(i + 1) * np].copy_from_slice(&l);
            }
        }

        // Ties.
        let mut seen_ties = vec![false; n * np];
        for t in &raw.ties {
            let t = t.get_ref();
            let s = self.state(&ctx, &t.state)?;
            let p = self.patron(&ctx, &t.patron)?;
            let k = s * np + p;
            if seen_ties[k] {
                return Err(self.err(
                    t.state.span(),
                    format!(
                        "a second tie between `{}` and `{}`",
                        t.state.get_ref(),
                        t.patron.get_ref()
                    ),
                    "merge the two [[ties]] tables for this pair into one",
                ));
            }
            seen_ties[k] = true;
            w.trade[k] = self.opt(&t.trade_bn, "trade_bn", 0.0, f64::INFINITY, 0.0)?;
            w.trade_growth[k] = self.opt(&t.trade_growth, "trade_growth", -0.9, 2.0, 0.0)?;
            w.aid[k] = self.opt(&t.aid_bn, "aid_bn", 0.0, f64::INFINITY, 0.0)?;
            w.remittances[k] =
                self.opt(&t.remittances_bn, "remittances_bn", 0.0, f64::INFINITY, 0.0)?;
            w.debt[k] = self.opt(&t.debt_bn, "debt_bn", 0.0, f64::INFINITY, 0.0)?;
            w.security[k] = self.opt(&t.security, "security", 0.0, 1.0, 0.0)?;
            w.pressure[k] = self.opt(&t.pressure, "pressure", 0.0, 10.0, 0.0)?;
        }

        // Relations.
        let mut relations = vec![0.0; n * n];
        for r in &raw.relations {
            let r = r.get_ref();
            let a = self.actor(&ctx, &r.a)?;
            let b = self.actor(&ctx, &r.b)?;
            if a == b {
                return Err(self.err(
                    r.b.span(),
                    "a relation needs two different actors",
                    "name two different actors in `a` and `b`",
                ));
            }
            let x = self.in_range(&r.affinity, "affinity", -1.0, 1.0)?;
            relations[a * n + b] = x;
            relations[b * n + a] = x;
            if let (Some(pa), Some(pb)) = (actors[a].slot, actors[b].slot) {
                let v = 0.5 + 0.5 * x;
                w.partnership[pa * np + pb] = v;
                w.partnership[pb * np + pa] = v;
            }
        }

        // Bases.
        let mut bases = Vec::new();
        let mut base_ids: BTreeMap<String, usize> = BTreeMap::new();
        for b in &raw.bases {
            let b = b.get_ref();
            self.unique(&mut base_ids, &b.id, bases.len(), "base")?;
            let host = self.state(&ctx, &b.host)?;
            let user = self.patron(&ctx, &b.user)?;
            let lease_end = b.lease_end.as_ref().map(|d| self.date(d)).transpose()?;
            bases.push(BaseInfo {
                id: b.id.get_ref().clone(),
                name: b.name.clone().unwrap_or_else(|| b.id.get_ref().clone()),
                host,
                user: patrons[user],
                security_value: self.opt(&b.security_value, "security_value", 0.0, 1.0, 0.0)?,
                worth_musd: self.nonneg(&b.worth_musd, "worth_musd")?,
            });
            w.bases.push(BaseState {
                rent_musd: self.nonneg(&b.rent_musd, "rent_musd")?,
                user_aid_musd: self.opt(
                    &b.user_aid_musd,
                    "user_aid_musd",
                    0.0,
                    f64::INFINITY,
                    0.0,
                )?,
                lease_end,
                status: if b.open.unwrap_or(true) {
                    BaseStatus::Open
                } else {
                    BaseStatus::Closed
                },
                counter_refused: false,
                new_offer: false,
            });
        }

        // Loans outstanding at the start.
        let mut loans = Vec::new();
        let mut loan_ids: BTreeMap<String, usize> = BTreeMap::new();
        for l in &raw.loans {
            let l = l.get_ref();
            self.unique(&mut loan_ids, &l.id, loans.len(), "loan")?;
            let lender = self.actor(&ctx, &l.lender)?;
            let borrower = self.actor(&ctx, &l.borrower)?;
            self.distinct(lender, borrower, &l.borrower)?;
            let outstanding = self.nonneg(&l.outstanding_bn, "outstanding_bn")?;
            let term = self.maybe(&l.term_years, "term_years", 0.5, 100.0)?;
            if let Some(slot) = actors[lender].slot {
                w.debt[borrower * np + slot] += outstanding;
            }
            loans.push(LoanInfo {
                id: l.id.get_ref().clone(),
                lender,
                borrower,
                term_years: term,
            });
            w.loans.push(LoanState {
                status: LoanStatus::Active,
                outstanding_bn: outstanding,
                amount_bn: outstanding,
                value_bn: 0.0,
                pending_bn: 0.0,
                at_stake_bn: 0.0,
                condition: Condition::None,
            });
        }

        // Energy deals.
        let mut deals = Vec::new();
        let mut deal_ids: BTreeMap<String, usize> = BTreeMap::new();
        for d in &raw.energy_deals {
            let d = d.get_ref();
            self.unique(&mut deal_ids, &d.id, deals.len(), "energy deal")?;
            let supplier = self.actor(&ctx, &d.supplier)?;
            let buyer = self.actor(&ctx, &d.buyer)?;
            self.distinct(supplier, buyer, &d.buyer)?;
            let mut route = Vec::new();
            for r in d.route.iter().flatten() {
                route.push(self.actor(&ctx, r)?);
            }
            let build_months = self
                .opt(&d.build_months, "build_months", 0.0, 240.0, 48.0)?
                .round() as i32;
            let signed = d.signed.unwrap_or(false);
            let deliveries_start = d
                .deliveries_start
                .as_ref()
                .map(|s| self.date(s))
                .transpose()?;
            if signed && deliveries_start.is_none() {
                return Err(self.err(
                    d.id.span(),
                    format!("signed deal `{}` has no deliveries_start", d.id.get_ref()),
                    "add `deliveries_start = \"YYYY-MM\"` (the month flows begin) to a signed deal",
                ));
            }
            let smin = self.nonneg(&d.supplier_min_usd, "supplier_min_usd")?;
            let bmax = self.nonneg(&d.buyer_max_usd, "buyer_max_usd")?;
            deals.push(DealInfo {
                id: d.id.get_ref().clone(),
                supplier,
                buyer,
                volume_bcm: self.in_range(&d.volume_bcm, "volume_bcm", 1e-9, f64::INFINITY)?,
                buyer_max_drift_per_year: self.opt(
                    &d.buyer_max_drift_per_year,
                    "buyer_max_drift_per_year",
                    -1000.0,
                    1000.0,
                    0.0,
                )?,
                route,
                build_months,
            });
            w.deals.push(DealState {
                supplier_min_usd: smin,
                buyer_max_usd: bmax,
                signed: signed.then_some(start),
                price_usd: if signed { 0.5 * (smin + bmax) } else { 0.0 },
                deliveries_start: if signed { deliveries_start } else { None },
            });
        }

        // Params (before events, which take defaults from them).
        let mut params = Params::default();
        if let Some(sections) = &raw.params {
            for (section, table) in sections.get_ref() {
                for (name, value) in table.get_ref() {
                    let key = format!("{section}.{name}");
                    let Some(spec) = Params::specs().iter().find(|s| s.key == key) else {
                        return Err(self.err(
                            value.span(),
                            format!("unknown parameter `{key}`"),
                            "run `simulate explain params` to list every parameter and its key path",
                        ));
                    };
                    let x = self.in_range(value, &key, spec.min, spec.max)?;
                    if let Some(slot) = params.get_mut(&key) {
                        *slot = x;
                    }
                }
            }
        }

        // Events: first the loans that offers create, so any event may name them.
        for e in &raw.events {
            let ev = e.get_ref();
            if ev.kind.get_ref() == "loan_offer" {
                let Some(id) = &ev.id else {
                    return Err(self.err(
                        ev.kind.span(),
                        "a loan_offer needs an `id`",
                        "add `id = \"...\"` so that the loan can be named (debt_relief, --without)",
                    ));
                };
                self.unique(&mut loan_ids, id, loans.len(), "loan")?;
                let lender = self.actor(&ctx, req(&ev.lender, "lender", ev, self)?)?;
                let borrower = self.actor(&ctx, req(&ev.borrower, "borrower", ev, self)?)?;
                self.distinct(lender, borrower, ev.borrower.as_ref().unwrap_or(&ev.kind))?;
                let term = self.maybe(&ev.term_years, "term_years", 0.5, 100.0)?;
                loans.push(LoanInfo {
                    id: id.get_ref().clone(),
                    lender,
                    borrower,
                    term_years: term,
                });
                w.loans.push(LoanState {
                    status: LoanStatus::NotOffered,
                    outstanding_bn: 0.0,
                    amount_bn: 0.0,
                    value_bn: 0.0,
                    pending_bn: 0.0,
                    at_stake_bn: 0.0,
                    condition: Condition::None,
                });
            }
        }
        let base_hosts: Vec<usize> = bases.iter().map(|b| b.host).collect();
        // The run stops at the last whole step; an event after it would never happen.
        let step_months = period.months();
        let last_step_end = start.plus_months(end.months_since(start) / step_months * step_months);
        let mut event_ids: BTreeMap<String, usize> = BTreeMap::new();
        let mut events = Vec::new();
        for e in &raw.events {
            let ev = e.get_ref();
            if let Some(id) = &ev.id {
                self.unique(&mut event_ids, id, events.len(), "event")?;
            }
            let date = self.date(&ev.date)?;
            if date < start || date >= last_step_end {
                return Err(self.err(ev.date.span(), format!("event date {date} is outside the scenario (from {start} to before {last_step_end})"),
                    "move the event inside the scenario's dates, or widen `start`/`end`",
                ));
            }
            let refs = Refs {
                ctx: &ctx,
                bases: &base_ids,
                loans: &loan_ids,
                deals: &deal_ids,
                base_hosts: &base_hosts,
            };
            let kind = self.event_kind(ev, &refs)?;
            events.push(Event {
                id: ev.id.as_ref().map(|s| s.get_ref().clone()),
                date,
                note: ev.note.clone(),
                kind,
            });
        }
        events.sort_by_key(|e| e.date);

        let outcomes = self.outcomes(&raw, &ctx, &base_ids, &deal_ids, &loan_ids, end)?;

        let mut hasher = Sha256::new();
        hasher.update(self.src.as_bytes());
        let sha256 = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();

        let mut sc = Scenario {
            name,
            description: meta.description.clone().unwrap_or_default(),
            start,
            end,
            period,
            seed,
            lens,
            leading,
            balancers,
            actors,
            patrons,
            relations,
            bases,
            loans,
            deals,
            events,
            params,
            initial: w,
            score_start: Vec::new(),
            outcomes,
            checks: Vec::new(),
            sweep: None,
            sha256,
            path: self.path.display().to_string(),
        };
        // States given no alignment start where their own scores point: the engine computes
        // that at the start of each run, under the parameters and lens in force.
        sc.score_start = from_scores;
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
            if let Some(w) = &c.without
                && !sc
                    .events
                    .iter()
                    .any(|e| e.id.as_deref() == Some(w.get_ref().as_str()))
            {
                return Err(self.err(
                    w.span(),
                    format!("no scripted event with id `{}`", w.get_ref()),
                    "name the id of an [[events]] entry to remove",
                ));
            }
            let threshold = self.in_range(&c.threshold, "threshold", 0.0, 1.0)?;
            sc.checks.push(Check {
                fact: c.fact.clone(),
                outcome,
                holds,
                without: c.without.as_ref().map(|w| w.get_ref().clone()),
                threshold,
            });
        }
        if let Some(sweep) = &raw.sweep {
            sc.sweep = Some(self.sweep(sweep, &sc)?);
        }
        Ok(sc)
    }

    fn outcomes(
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
                    OutcomeKind::JoinedTogether(
                        self.actor(ctx, &ids[0])?,
                        self.actor(ctx, &ids[1])?,
                    )
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
                    let b = self.patron(ctx, &need(&o.over, "over")?)?;
                    OutcomeKind::SecurityLead(a, b)
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
            out.push(Outcome {
                id: o.id.get_ref().clone(),
                kind,
                from,
                by,
                label: o.label.clone().unwrap_or_else(|| o.id.get_ref().clone()),
            });
        }
        Ok(out)
    }

    fn threshold(&self, o: &super::raw::RawOutcome) -> R<f64> {
        match &o.threshold {
            Some(t) => self.in_range(t, "threshold", 0.0, 1.0),
            None => Err(self.err(
                o.kind.span(),
                format!("a `{}` outcome needs `threshold`", o.kind.get_ref()),
                "add `threshold = 0.5` (a share from 0 to 1)",
            )),
        }
    }

    fn direction(&self, o: &super::raw::RawOutcome) -> R<crate::scenario::experiment::Direction> {
        use crate::scenario::experiment::Direction;
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

    fn sweep(&self, raw: &S<super::raw::RawSweep>, sc: &Scenario) -> R<SweepPlan> {
        use crate::scenario::experiment::{Design, SweepPlan};
        use crate::scenario::keys::{self, AxisError};
        let r = raw.get_ref();
        let design = match r.design.as_ref().map(|d| d.get_ref().as_str()) {
            None | Some("grid") => Design::Grid,
            Some(k @ ("random" | "lhs")) => {
                let Some(n) = &r.samples else {
                    return Err(self.err(
                        raw.span(),
                        format!("a `{k}` sweep needs `samples`"),
                        "add `samples = 100` (the number of points to draw)",
                    ));
                };
                if *n.get_ref() < 1 {
                    return Err(self.err(
                        n.span(),
                        "samples must be at least 1",
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
            Some(n) => Some(*n.get_ref() as usize),
            None => None,
        };
        let mut axes = Vec::new();
        for a in &r.axes {
            let a = a.get_ref();
            let key = a.key.get_ref();
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
                AxisError::Key(e) => self.err(
                    a.key.span(),
                    format!("cannot sweep `{key}`"),
                    e.to_string().replace('\n', " "),
                ),
                AxisError::Values(m) => self.err(
                    a.values.span(),
                    m.to_string(),
                    "write \"min:max:step\" for a grid, \"min:max\" for random/lhs, or a list of numbers",
                ),
                AxisError::OutOfRange { min, max, .. } => self.err(
                    a.values.span(),
                    format!("values of `{key}` reach outside its valid range {min} to {max}"),
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
        Ok(SweepPlan { design, runs, axes })
    }

    fn lens(&self, s: &S<String>) -> R<Lens> {
        Lens::parse(s.get_ref()).ok_or_else(|| {
            self.err(
                s.span(),
                format!("unknown lens `{}`", s.get_ref()),
                format!("use one of: {}", Lens::names().join(", ")),
            )
        })
    }

    fn unique(
        &self,
        ids: &mut BTreeMap<String, usize>,
        id: &S<String>,
        index: usize,
        what: &str,
    ) -> R<()> {
        if id.get_ref().is_empty() {
            return Err(self.err(
                id.span(),
                format!("empty {what} id"),
                format!("give the {what} a short id"),
            ));
        }
        if ids.insert(id.get_ref().clone(), index).is_some() {
            return Err(self.err(
                id.span(),
                format!("duplicate {what} id `{}`", id.get_ref()),
                format!("each {what} needs its own id; rename or remove one of the two"),
            ));
        }
        Ok(())
    }

    fn distinct(&self, a: usize, b: usize, at: &S<String>) -> R<()> {
        if a == b {
            return Err(self.err(
                at.span(),
                "the two parties are the same actor",
                "name two different actors",
            ));
        }
        Ok(())
    }

    fn actor(&self, ctx: &Ids, s: &S<String>) -> R<usize> {
        ctx.ids.get(s.get_ref()).copied().ok_or_else(|| {
            self.err(
                s.span(),
                format!("unknown actor `{}`", s.get_ref()),
                format!("use an id from [[actors]]: {}", ctx.list(|_| true)),
            )
        })
    }

    /// An actor that must be a patron; returns its slot.
    fn patron(&self, ctx: &Ids, s: &S<String>) -> R<usize> {
        let i = self.actor(ctx, s)?;
        ctx.actors[i].slot.ok_or_else(|| {
            self.err(
                s.span(),
                format!("`{}` is not a patron", s.get_ref()),
                format!(
                    "name a patron here: {}",
                    ctx.list(|a| a.role == Role::Patron)
                ),
            )
        })
    }

    /// An actor that must be a state (not a patron).
    fn state(&self, ctx: &Ids, s: &S<String>) -> R<usize> {
        let i = self.actor(ctx, s)?;
        if ctx.actors[i].role != Role::State {
            return Err(self.err(
                s.span(),
                format!("`{}` is a patron, expected a state", s.get_ref()),
                format!("name a state here: {}", ctx.list(|a| a.role == Role::State)),
            ));
        }
        Ok(i)
    }

    fn by_patron(&self, ctx: &Ids, table: &ById, what: &str, min: f64, max: f64) -> R<Vec<f64>> {
        let np = ctx.actors.iter().filter(|a| a.role == Role::Patron).count();
        let mut out = vec![0.0; np];
        for (id, value) in table.get_ref() {
            let slot = ctx
                .ids
                .get(id)
                .and_then(|&i| ctx.actors[i].slot)
                .ok_or_else(|| {
                    self.err(
                        table.span(),
                        format!("`{id}` in this table is not a patron"),
                        format!(
                            "key the table by patron ids: {}",
                            ctx.list(|a| a.role == Role::Patron)
                        ),
                    )
                })?;
            out[slot] = self.in_range(value, &format!("{what} toward {id}"), min, max)?;
        }
        Ok(out)
    }

    fn event_kind(&self, ev: &RawEvent, refs: &Refs) -> R<EventKind> {
        let kind = ev.kind.get_ref().as_str();
        let Some((_, allowed)) = EVENT_KEYS.iter().find(|(k, _)| *k == kind) else {
            let kinds: Vec<&str> = EVENT_KEYS.iter().map(|(k, _)| *k).collect();
            return Err(self.err(
                ev.kind.span(),
                format!("unknown event kind `{kind}`"),
                format!("use one of: {}", kinds.join(", ")),
            ));
        };
        for (key, span) in ev.present_keys() {
            if !allowed.contains(&key) {
                return Err(self.err(
                    span,
                    format!("key `{key}` does not apply to a `{kind}` event"),
                    format!(
                        "a `{kind}` event takes: id, date, kind, note, {}",
                        allowed.join(", ")
                    ),
                ));
            }
        }
        let ctx = refs.ctx;
        let actor = |s: &Option<S<String>>, key: &str| -> R<usize> {
            self.actor(ctx, req(s, key, ev, self)?)
        };
        let patron = |s: &Option<S<String>>, key: &str| -> R<usize> {
            self.patron(ctx, req(s, key, ev, self)?)
        };
        let num = |s: &Option<S<f64>>, key: &str, min: f64, max: f64| -> R<f64> {
            self.in_range(req(s, key, ev, self)?, key, min, max)
        };
        let lookup = |map: &BTreeMap<String, usize>,
                      s: &Option<S<String>>,
                      key: &str,
                      what: &str|
         -> R<usize> {
            let s = req(s, key, ev, self)?;
            map.get(s.get_ref()).copied().ok_or_else(|| {
                let known: Vec<&str> = map.keys().map(String::as_str).collect();
                self.err(
                    s.span(),
                    format!("no {what} with id `{}`", s.get_ref()),
                    if known.is_empty() {
                        format!("the scenario defines no {what}; add one or remove this event")
                    } else {
                        format!("use one of: {}", known.join(", "))
                    },
                )
            })
        };
        Ok(match kind {
            "loan_offer" => {
                let loan = lookup(refs.loans, &ev.id, "id", "loan")?;
                let condition = match (&ev.close_base, &ev.join) {
                    (Some(_), Some(j)) => {
                        return Err(self.err(
                            j.span(),
                            "a loan offer takes one condition",
                            "keep either `close_base` or `join`",
                        ));
                    }
                    (Some(_), None) => {
                        let b = lookup(refs.bases, &ev.close_base, "close_base", "base")?;
                        let borrower = actor(&ev.borrower, "borrower")?;
                        if refs.base_hosts[b] != borrower {
                            // Only the host can close a base, so only the host can be offered this.
                            return Err(self.err(
                                ev.close_base.as_ref().map_or(0..0, |s| s.span()),
                                format!(
                                    "base `{}` is not on the borrower's territory",
                                    ev.close_base.as_ref().map_or("", |s| s.get_ref())
                                ),
                                "a closure condition must name a base the borrower hosts",
                            ));
                        }
                        Condition::CloseBase(b)
                    }
                    (None, Some(j)) if j.get_ref() == "EEU" => Condition::JoinEeu,
                    (None, Some(j)) => {
                        return Err(self.err(
                            j.span(),
                            format!("cannot make joining `{}` a condition", j.get_ref()),
                            "use `join = \"EEU\"`",
                        ));
                    }
                    (None, None) => Condition::None,
                };
                EventKind::LoanOffer {
                    loan,
                    amount_bn: num(&ev.amount_bn, "amount_bn", 0.0, f64::INFINITY)?,
                    grant_bn: self.opt(&ev.grant_bn, "grant_bn", 0.0, f64::INFINITY, 0.0)?,
                    grant_element: self.maybe(&ev.grant_element, "grant_element", 0.0, 1.0)?,
                    condition,
                }
            }
            "rent_offer" => EventKind::RentOffer {
                base: lookup(refs.bases, &ev.base, "base", "base")?,
                rent_musd: num(&ev.rent_musd, "rent_musd", 0.0, f64::INFINITY)?,
                aid_musd: ev
                    .aid_musd
                    .as_ref()
                    .map(|s| self.nonneg(s, "aid_musd"))
                    .transpose()?,
            },
            "debt_relief" => EventKind::DebtRelief {
                loan: lookup(refs.loans, &ev.loan, "loan", "loan")?,
                amount_bn: num(&ev.amount_bn, "amount_bn", 0.0, f64::INFINITY)?,
            },
            "aid" => EventKind::Aid {
                donor: patron(&ev.donor, "donor")?,
                recipient: self.state(ctx, req(&ev.recipient, "recipient", ev, self)?)?,
                amount_bn: num(&ev.amount_bn, "amount_bn", 0.0, f64::INFINITY)?,
            },
            "sanctions" => EventKind::Sanctions {
                by: actor(&ev.by, "by")?,
                target: actor(&ev.target, "target")?,
                severity: num(&ev.severity, "severity", 0.0, 1.0)?,
            },
            "regime_change" => {
                let a = self.state(ctx, req(&ev.actor, "actor", ev, self)?)?;
                let table = ev
                    .leaning
                    .as_ref()
                    .ok_or_else(|| missing(self, ev, "leaning"))?;
                EventKind::RegimeChange {
                    actor: a,
                    leaning: self.by_patron(ctx, table, "leaning", -2.0, 2.0)?,
                    autocracy: ev
                        .autocracy
                        .as_ref()
                        .map(|s| self.in_range(s, "autocracy", 0.0, 1.0))
                        .transpose()?,
                }
            }
            "democracy_promotion" => EventKind::DemocracyPromotion {
                by: ctx.patron_actor(patron(&ev.by, "by")?),
                target: self.state(ctx, req(&ev.target, "target", ev, self)?)?,
                intensity: num(&ev.intensity, "intensity", 0.0, 10.0)?,
            },
            "exercise" => {
                let list = ev
                    .participants
                    .as_ref()
                    .ok_or_else(|| missing(self, ev, "participants"))?;
                let mut participants = Vec::new();
                for p in list.get_ref() {
                    participants.push(self.actor(ctx, p)?);
                }
                if participants.len() < 2 {
                    return Err(self.err(
                        list.span(),
                        "an exercise needs at least two participants",
                        "list two or more actor ids",
                    ));
                }
                EventKind::Exercise { participants }
            }
            "terror" => EventKind::Terror {
                actor: actor(&ev.actor, "actor")?,
                severity: num(&ev.severity, "severity", 0.0, 1.0)?,
            },
            "declaration" => EventKind::Declaration {
                base_pressure: num(&ev.base_pressure, "base_pressure", 0.0, 10.0)?,
            },
            "trade_growth" => EventKind::TradeGrowth {
                state: self.state(ctx, req(&ev.state, "state", ev, self)?)?,
                patron: patron(&ev.patron, "patron")?,
                rate: num(&ev.rate, "rate", -0.9, 2.0)?,
            },
            "backlash" => EventKind::Backlash {
                actor: self.state(ctx, req(&ev.actor, "actor", ev, self)?)?,
                against: patron(&ev.against, "against")?,
                severity: num(&ev.severity, "severity", 0.0, 10.0)?,
            },
            "base_request" => EventKind::BaseRequest {
                base: lookup(refs.bases, &ev.base, "base", "base")?,
            },
            "application" => EventKind::Application {
                actor: self.state(ctx, req(&ev.actor, "actor", ev, self)?)?,
            },
            "energy_price" => {
                let deal = lookup(refs.deals, &ev.deal, "deal", "energy deal")?;
                if ev.supplier_min_usd.is_none() && ev.buyer_max_usd.is_none() {
                    return Err(missing(self, ev, "supplier_min_usd` or `buyer_max_usd"));
                }
                EventKind::EnergyPrice {
                    deal,
                    supplier_min_usd: ev
                        .supplier_min_usd
                        .as_ref()
                        .map(|s| self.nonneg(s, "supplier_min_usd"))
                        .transpose()?,
                    buyer_max_usd: ev
                        .buyer_max_usd
                        .as_ref()
                        .map(|s| self.nonneg(s, "buyer_max_usd"))
                        .transpose()?,
                }
            }
            _ => unreachable!("kinds come from EVENT_KEYS"),
        })
    }
}

struct Ids<'a> {
    ids: &'a BTreeMap<String, usize>,
    actors: &'a [ActorInfo],
}

impl Ids<'_> {
    fn list(&self, keep: impl Fn(&ActorInfo) -> bool) -> String {
        let v: Vec<&str> = self
            .actors
            .iter()
            .filter(|a| keep(a))
            .map(|a| a.id.as_str())
            .collect();
        v.join(", ")
    }
}

struct Refs<'a> {
    ctx: &'a Ids<'a>,
    bases: &'a BTreeMap<String, usize>,
    loans: &'a BTreeMap<String, usize>,
    deals: &'a BTreeMap<String, usize>,
    base_hosts: &'a [usize],
}

impl Ids<'_> {
    fn patron_actor(&self, slot: usize) -> usize {
        self.actors
            .iter()
            .position(|a| a.slot == Some(slot))
            .unwrap_or(0)
    }
}

/// The keys each event kind takes besides `id`, `date`, `kind` and `note`.
pub(crate) const EVENT_KEYS: &[(&str, &[&str])] = &[
    (
        "loan_offer",
        &[
            "lender",
            "borrower",
            "amount_bn",
            "grant_bn",
            "grant_element",
            "term_years",
            "close_base",
            "join",
        ],
    ),
    ("rent_offer", &["base", "rent_musd", "aid_musd"]),
    ("debt_relief", &["loan", "amount_bn"]),
    ("aid", &["donor", "recipient", "amount_bn"]),
    ("sanctions", &["by", "target", "severity"]),
    ("regime_change", &["actor", "leaning", "autocracy"]),
    ("democracy_promotion", &["by", "target", "intensity"]),
    ("exercise", &["participants"]),
    ("terror", &["actor", "severity"]),
    ("declaration", &["base_pressure"]),
    ("trade_growth", &["state", "patron", "rate"]),
    ("backlash", &["actor", "against", "severity"]),
    ("application", &["actor"]),
    ("base_request", &["base"]),
    (
        "energy_price",
        &["deal", "supplier_min_usd", "buyer_max_usd"],
    ),
];

/// A required key of an event, or an error naming it.
fn req<'a, T>(value: &'a Option<S<T>>, key: &str, ev: &RawEvent, v: &V) -> R<&'a S<T>> {
    value.as_ref().ok_or_else(|| missing(v, ev, key))
}

fn missing(v: &V, ev: &RawEvent, key: &str) -> ScenarioError {
    let kind = ev.kind.get_ref();
    let takes = EVENT_KEYS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(String::new(), |(_, keys)| keys.join(", "));
    v.err(
        ev.kind.span(),
        format!("this `{kind}` event is missing `{key}`"),
        format!("add `{key} = ...` to the event; a `{kind}` event takes: {takes}"),
    )
}

impl RawEvent {
    /// The optional keys present in this event, with their spans.
    fn present_keys(&self) -> Vec<(&'static str, Range<usize>)> {
        let mut out = Vec::new();
        macro_rules! check {
            ($($field:ident),*) => {
                $( if let Some(x) = &self.$field { out.push((stringify!($field), x.span())); } )*
            };
        }
        check!(
            actor,
            by,
            target,
            lender,
            borrower,
            donor,
            recipient,
            state,
            patron,
            against,
            base,
            loan,
            deal,
            participants,
            amount_bn,
            grant_bn,
            grant_element,
            term_years,
            close_base,
            join,
            rent_musd,
            aid_musd,
            severity,
            intensity,
            rate,
            leaning,
            autocracy,
            base_pressure,
            supplier_min_usd,
            buyer_max_usd
        );
        out
    }
}

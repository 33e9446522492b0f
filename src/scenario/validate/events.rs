//! Validates the scripted `[[events]]`: their ids and dates, the keys each kind takes, and the
//! actors, bases, loans and deals they name. Loan offers are read first, since each creates a
//! loan that any event may name.

use std::collections::BTreeMap;
use std::ops::Range;

use super::{Assets, Event, EventKind, Header, Ids, LoanInfo, R, Role, V};
use crate::error::ScenarioError;
use crate::scenario::raw::{RawEvent, RawScenario, S};
use crate::scenario::world::{Condition, LoanState, LoanStatus, World};

/// What an event may name besides actors: ids of bases, loans and deals, and each base's host.
struct Refs<'a> {
    ctx: &'a Ids<'a>,
    bases: &'a BTreeMap<String, usize>,
    loans: &'a BTreeMap<String, usize>,
    deals: &'a BTreeMap<String, usize>,
    base_hosts: &'a [usize],
}

impl V<'_> {
    /// The loans that `loan_offer` events create, added after those outstanding at the start.
    pub(super) fn offered_loans(
        &self,
        raw: &RawScenario,
        ctx: &Ids,
        assets: &mut Assets,
        w: &mut World,
    ) -> R<()> {
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
                self.unique(&mut assets.loan_ids, id, assets.loans.len(), "loan")?;
                // The model counts debts and goodwill toward patrons only: a state's credit
                // would change nothing.
                let slot = self.patron(ctx, req(&ev.lender, "lender", ev, self)?)?;
                let lender = ctx.patron_actor(slot);
                let borrower = self.actor(ctx, req(&ev.borrower, "borrower", ev, self)?)?;
                self.distinct(lender, borrower, ev.borrower.as_ref().unwrap_or(&ev.kind))?;
                let term = self.maybe(&ev.term_years, "term_years", 0.5, 100.0)?;
                assets.loans.push(LoanInfo {
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
        Ok(())
    }

    /// The credit lines of strategic patrons: one loan per (strategic patron, state of the
    /// region), named `<PATRON>_credit_<STATE>`, added after every other loan. Returns each
    /// strategic patron's actor index with its line to each actor.
    pub(super) fn credit_lines(
        &self,
        raw: &RawScenario,
        ctx: &Ids,
        assets: &mut Assets,
        w: &mut World,
    ) -> R<Vec<(usize, Vec<Option<usize>>)>> {
        let mut out = Vec::new();
        for (p, a) in ctx.actors.iter().enumerate() {
            let (Some(_), Some(decision)) = (&a.strategy, &raw.actors[p].get_ref().decision) else {
                continue;
            };
            let mut lines = vec![None; ctx.actors.len()];
            for (s, state) in ctx.actors.iter().enumerate() {
                if state.role != Role::State || !state.in_region {
                    continue;
                }
                let id = format!("{}_credit_{}", a.id, state.id);
                if assets.loan_ids.contains_key(&id) {
                    return Err(self.err(
                        decision.span(),
                        format!("a strategic patron lends through loan `{id}`, but the scenario already has a loan with that id"),
                        format!("rename the loan `{id}`: ids of the form PATRON_credit_STATE are kept for strategic patrons"),
                    ));
                }
                assets.loan_ids.insert(id.clone(), assets.loans.len());
                lines[s] = Some(assets.loans.len());
                assets.loans.push(LoanInfo {
                    id,
                    lender: p,
                    borrower: s,
                    term_years: None,
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
            out.push((p, lines));
        }
        Ok(out)
    }

    /// The scripted events, sorted by date (file order within a date).
    pub(super) fn events(
        &self,
        raw: &RawScenario,
        header: &Header,
        ctx: &Ids,
        assets: &Assets,
    ) -> R<Vec<Event>> {
        let start = header.start;
        let end = header.end;
        let period = header.period;
        let bases = &assets.bases;
        let base_ids = &assets.base_ids;
        let loan_ids = &assets.loan_ids;
        let deal_ids = &assets.deal_ids;
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
                let help = if date < end && date >= last_step_end {
                    // In the remainder after the last whole step, which is not simulated.
                    format!(
                        "the runs stop at {last_step_end}, the last whole {} step before `end` ({end}): move `end` to {} so that the step holding {date} is simulated, or move the event before {last_step_end}",
                        period.name(),
                        last_step_end.plus_months(step_months)
                    )
                } else {
                    "move the event inside the scenario's dates, or widen `start`/`end`".to_string()
                };
                return Err(self.err(
                    ev.date.span(),
                    format!(
                        "event date {date} is outside the scenario (from {start} to before {last_step_end})"
                    ),
                    help,
                ));
            }
            let refs = Refs {
                ctx,
                bases: base_ids,
                loans: loan_ids,
                deals: deal_ids,
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
        Ok(events)
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
        // An event whose `target` is its own author (`by`): refused at the target.
        let at_itself = |same: bool, message: &str| -> R<()> {
            if same {
                return Err(self.err(
                    ev.target.as_ref().map_or(ev.kind.span(), |t| t.span()),
                    message,
                    "name another actor as the `target`",
                ));
            }
            Ok(())
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
            "sanctions" => {
                let (by, target) = (actor(&ev.by, "by")?, actor(&ev.target, "target")?);
                at_itself(by == target, "an actor cannot sanction itself")?;
                EventKind::Sanctions {
                    by,
                    target,
                    severity: num(&ev.severity, "severity", 0.0, 1.0)?,
                }
            }
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
                    let a = self.actor(ctx, p)?;
                    self.once(&mut participants, a, p, "list each participant once")?;
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
            "remittance_shock" => EventKind::RemittanceShock {
                patron: patron(&ev.patron, "patron")?,
                state: ev.state.as_ref().map(|s| self.state(ctx, s)).transpose()?,
                factor: num(&ev.factor, "factor", 0.0, 10.0)?,
            },
            "infrastructure" => {
                let lender = patron(&ev.lender, "lender")?;
                let borrower = self.state(ctx, req(&ev.borrower, "borrower", ev, self)?)?;
                let months = num(&ev.build_months, "build_months", 0.0, 600.0)?;
                if months.fract() != 0.0 {
                    return Err(self.err(
                        ev.build_months
                            .as_ref()
                            .map_or(ev.kind.span(), |m| m.span()),
                        "`build_months` must be a whole number of months",
                        "e.g. `build_months = 36`",
                    ));
                }
                EventKind::Infrastructure {
                    lender,
                    borrower,
                    amount_bn: num(&ev.amount_bn, "amount_bn", 0.0, 1000.0)?,
                    income_bn: num(&ev.income_musd, "income_musd", 0.0, 100_000.0)? / 1000.0,
                    build_months: months as i32,
                }
            }
            "use_of_force" => {
                let by = patron(&ev.by, "by")?;
                let target = actor(&ev.target, "target")?;
                at_itself(
                    ctx.actors[target].slot == Some(by),
                    "a patron cannot use force against itself",
                )?;
                EventKind::UseOfForce {
                    by,
                    target,
                    severity: num(&ev.severity, "severity", 0.0, 1.0)?,
                }
            }
            "secondary_sanctions" => {
                let (by, target) = (actor(&ev.by, "by")?, patron(&ev.target, "target")?);
                at_itself(
                    ctx.actors[by].slot == Some(target),
                    "an actor cannot sanction itself",
                )?;
                EventKind::SecondarySanctions {
                    by,
                    target,
                    severity: num(&ev.severity, "severity", 0.0, 1.0)?,
                }
            }
            "unrest" => EventKind::Unrest {
                actor: self.state(ctx, req(&ev.actor, "actor", ev, self)?)?,
                severity: num(&ev.severity, "severity", 0.0, 1.0)?,
            },
            "norms_change" => EventKind::NormsChange {
                patron: patron(&ev.patron, "patron")?,
                non_interference: num(&ev.non_interference, "non_interference", 0.0, 1.0)?,
            },
            "un_sanctions" => EventKind::UnSanctions {
                actor: actor(&ev.actor, "actor")?,
                lifted: ev.lifted.unwrap_or(false),
            },
            _ => unreachable!("kinds come from EVENT_KEYS"),
        })
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
    ("remittance_shock", &["patron", "state", "factor"]),
    (
        "infrastructure",
        &[
            "lender",
            "borrower",
            "amount_bn",
            "income_musd",
            "build_months",
        ],
    ),
    ("use_of_force", &["by", "target", "severity"]),
    ("secondary_sanctions", &["by", "target", "severity"]),
    ("unrest", &["actor", "severity"]),
    ("norms_change", &["patron", "non_interference"]),
    ("un_sanctions", &["actor", "lifted"]),
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
            buyer_max_usd,
            factor
        );
        out
    }
}

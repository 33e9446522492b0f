//! Validates the assets the scenario starts with: military `[[bases]]` (host, user, rent,
//! lease), `[[loans]]` outstanding at the start, and `[[energy_deals]]` (parties, route, prices,
//! signing).

use std::collections::BTreeMap;

use super::{Assets, BaseInfo, DealInfo, Ids, LoanInfo, R, V};
use crate::date::YearMonth;
use crate::scenario::raw::{RawDeal, RawScenario};
use crate::scenario::world::{
    BaseState, BaseStatus, Condition, DealState, LoanState, LoanStatus, World,
};

impl V<'_> {
    /// Bases, then loans, then energy deals, each added to the starting world `w`.
    pub(super) fn assets(
        &self,
        raw: &RawScenario,
        ctx: &Ids,
        patrons: &[usize],
        start: YearMonth,
        w: &mut World,
    ) -> R<Assets> {
        let (bases, base_ids) = self.bases(raw, ctx, patrons, w)?;
        let (loans, loan_ids) = self.loans(raw, ctx, w)?;
        let (deals, deal_ids) = self.deals(raw, ctx, start, w)?;
        Ok(Assets {
            bases,
            base_ids,
            loans,
            loan_ids,
            deals,
            deal_ids,
        })
    }

    /// `[[bases]]`, with their ids.
    fn bases(
        &self,
        raw: &RawScenario,
        ctx: &Ids,
        patrons: &[usize],
        w: &mut World,
    ) -> R<(Vec<BaseInfo>, BTreeMap<String, usize>)> {
        let mut bases = Vec::new();
        let mut base_ids: BTreeMap<String, usize> = BTreeMap::new();
        for b in &raw.bases {
            let b = b.get_ref();
            self.unique(&mut base_ids, &b.id, bases.len(), "base")?;
            let host = self.state(ctx, &b.host)?;
            let user = self.patron(ctx, &b.user)?;
            let lease_end = b.lease_end.as_ref().map(|d| self.date(d)).transpose()?;
            let notice_months = self.maybe(&b.notice_months, "notice_months", 0.0, 120.0)?;
            bases.push(BaseInfo {
                id: b.id.get_ref().clone(),
                name: b.name.clone().unwrap_or_else(|| b.id.get_ref().clone()),
                host,
                user: patrons[user],
                security_value: self.opt(&b.security_value, "security_value", 0.0, 1.0, 0.0)?,
                worth_musd: self.nonneg(&b.worth_musd, "worth_musd")?,
                notice_months,
                open_ended: notice_months.is_some() && lease_end.is_none(),
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
                asked: None,
            });
        }
        Ok((bases, base_ids))
    }

    /// `[[loans]]` outstanding at the start, with their ids; a patron's loan adds to the
    /// borrower's debt toward it.
    fn loans(
        &self,
        raw: &RawScenario,
        ctx: &Ids,
        w: &mut World,
    ) -> R<(Vec<LoanInfo>, BTreeMap<String, usize>)> {
        let np = w.np;
        let mut loans = Vec::new();
        let mut loan_ids: BTreeMap<String, usize> = BTreeMap::new();
        for l in &raw.loans {
            let l = l.get_ref();
            self.unique(&mut loan_ids, &l.id, loans.len(), "loan")?;
            // The model counts debts to patrons only: a loan from a state would change nothing.
            let slot = self.patron(ctx, &l.lender)?;
            let lender = ctx.patron_actor(slot);
            let borrower = self.actor(ctx, &l.borrower)?;
            self.distinct(lender, borrower, &l.borrower)?;
            let outstanding = self.nonneg(&l.outstanding_bn, "outstanding_bn")?;
            let term = self.maybe(&l.term_years, "term_years", 0.5, 100.0)?;
            w.debt[borrower * np + slot] += outstanding;
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
        Ok((loans, loan_ids))
    }

    /// A deal's `route_km`: one length per transit state of its `route` (transit income is paid
    /// per kilometre).
    fn route_km(&self, d: &RawDeal, states: usize) -> R<Vec<f64>> {
        let Some(list) = &d.route_km else {
            if states == 0 {
                return Ok(Vec::new());
            }
            return Err(self.err(
                d.id.span(),
                format!("deal `{}` has a route but no `route_km`", d.id.get_ref()),
                format!("add `route_km = [...]`: the length of the pipeline in each of the {states} transit states of `route`, in km, in the same order"),
            ));
        };
        if list.get_ref().len() != states {
            return Err(self.err(
                list.span(),
                format!(
                    "route_km lists {} lengths for a route of {states} transit states",
                    list.get_ref().len()
                ),
                "give one length in km per state of `route`, in the same order",
            ));
        }
        list.get_ref()
            .iter()
            .map(|km| self.nonneg(km, "route_km"))
            .collect()
    }

    /// `[[energy_deals]]`, with their ids; a signed deal starts at `start`.
    fn deals(
        &self,
        raw: &RawScenario,
        ctx: &Ids,
        start: YearMonth,
        w: &mut World,
    ) -> R<(Vec<DealInfo>, BTreeMap<String, usize>)> {
        let mut deals = Vec::new();
        let mut deal_ids: BTreeMap<String, usize> = BTreeMap::new();
        for d in &raw.energy_deals {
            let d = d.get_ref();
            self.unique(&mut deal_ids, &d.id, deals.len(), "energy deal")?;
            let supplier = self.actor(ctx, &d.supplier)?;
            let buyer = self.actor(ctx, &d.buyer)?;
            self.distinct(supplier, buyer, &d.buyer)?;
            let mut route = Vec::new();
            for r in d.route.iter().flatten() {
                let state = self.actor(ctx, r)?;
                let help = "list each transit state between supplier and buyer once, in order; transit income is paid per state";
                if state == supplier || state == buyer {
                    return Err(self.err(
                        r.span(),
                        format!(
                            "`{}` is a party to the deal, not a transit state",
                            r.get_ref()
                        ),
                        help,
                    ));
                }
                self.once(&mut route, state, r, help)?;
            }
            let route_km = self.route_km(d, route.len())?;
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
                route_km,
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
        Ok((deals, deal_ids))
    }
}

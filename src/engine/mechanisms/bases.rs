//! Base leases: a host keeps or evicts a foreign base; rivals make offers conditional on
//! closure; the user counter-offers up to what the base is worth to it.
//!
//! Rule (all terms in score points, the same weights as the alignment scores):
//!
//! - `keep = money_weight * (rent + tied aid) / GDP + security_weight * security_value * threat
//!   + leaning_weight * leaning(host -> user)`
//! - `evict = money_weight * (yearly value of offers conditional on closure) / GDP
//!   + sco_pressure_weight * SCO pressure (member hosts, bases of non-member users only)
//!   + regime_weight * autocracy * user's pressure on the regime
//!   + leaning_weight * max(0, strongest leaning toward another patron)`
//!
//! Each step the host of an open base compares `keep` with `evict + noise` (the noise, with
//! standard deviation `decision.decision_noise_sd`, is the host's varying reading of its
//! options; the logged `evict` includes it):
//!
//! - the host orders the base closed, with the lease's notice (`notice_months` of the base, or
//!   `bases.notice_months`), whenever `evict - keep - breach_cost > 0`, for whatever reason
//!   evicting is worth more: a rival's offer conditional on closure (which pays only once the
//!   base is gone), the user's pressure on the regime (Uzbekistan gave the US notice to leave
//!   K2 on 29 July 2005, after US criticism of the Andijan killings; Cooley 2012), or SCO
//!   pressure. There is no breach cost when the lease is up for renewal (within the notice of
//!   its end) or runs without an end date until either side ends it with notice (an
//!   open-ended lease: a scenario gives the base `notice_months` and no `lease_end`);
//! - otherwise, a host that prefers the base gone (`evict > keep`) but not by enough to break
//!   the lease announces that it will not renew it, which then closes at the lease's end, at
//!   no cost;
//! - a base kept at renewal time has its lease renewed for `renewal_years`.
//!
//! While a closure is pending, the user offers the rent that would make keeping worth
//! `counter_offer_margin` more than evicting, if that stays within the base's worth to it (no
//! rent can when money is worth nothing to the host, `decision.money_weight = 0`); a
//! host with a new offer on the table (the user's counter-offer or a scripted `rent_offer`)
//! reverses the order when `keep > evict + noise`, and the lender then withdraws what it still
//! held back. Case: Manas, Kyrgyzstan: the 2009 closure order and reversal, and the 2011
//! announcement that the lease would not be renewed after 2014 (Cooley 2012).

use crate::date::YearMonth;
use crate::engine::context::{Ctx, noise};
use crate::engine::mechanisms::loans;
use crate::engine::record::What;
use crate::params::Params;
use crate::scenario::world::{BUDGETS, BaseStatus, LoanStatus, RENT, ScoStatus, World};
use crate::scenario::{Condition, Scenario};

/// What keeping base `b` is worth to its host, score points.
pub fn keep_value(sc: &Scenario, w: &World, prm: &Params, b: usize) -> f64 {
    let info = &sc.bases[b];
    let st = &w.bases[b];
    let d = &prm.decision;
    let host = info.host;
    let user = sc.actors[info.user].slot.unwrap_or(0);
    d.money_weight * (st.rent_musd + st.user_aid_musd) / 1000.0 / w.gdp[host]
        + d.security_weight * info.security_value * w.threat(host)
        + d.leaning_weight * w.leaning[w.ix(host, user)]
}

/// The extra yearly rent, millions of USD, that raises what keeping a base is worth to `host` by
/// `gap` score points: `gap · GDP / money_weight` (the inverse of the money term of
/// [`keep_value`]). None when money is worth nothing to the host (`decision.money_weight = 0`,
/// as in the `money` ablation): then no rent closes any gap, and the user makes no offer.
pub fn rent_closing(gap: f64, w: &World, prm: &Params, host: usize) -> Option<f64> {
    let weight = prm.decision.money_weight;
    (weight > 0.0).then(|| gap * w.gdp[host] * 1000.0 / weight)
}

/// Grant-equivalent value (billions of USD) of the offers that wait on base `b` closing.
pub fn offers_at_stake(w: &World, b: usize) -> f64 {
    w.loans
        .iter()
        .filter(|l| l.condition == Condition::CloseBase(b))
        .map(|l| match l.status {
            LoanStatus::Offered => l.value_bn,
            LoanStatus::Active => l.at_stake_bn,
            _ => 0.0,
        })
        .sum()
}

/// What evicting base `b` is worth to its host, score points.
pub fn evict_value(sc: &Scenario, w: &World, prm: &Params, b: usize) -> f64 {
    let info = &sc.bases[b];
    let d = &prm.decision;
    let host = info.host;
    let user = sc.actors[info.user].slot.unwrap_or(0);
    let yearly =
        offers_at_stake(w, b) * std::f64::consts::LN_2 / prm.loans.transfer_half_life_years;
    // Collective SCO pressure targets bases of powers outside the organisation (the 2005
    // Astana declaration asked the US coalition for a timetable to leave).
    let sco = if w.sco[host] == ScoStatus::Member && w.sco[info.user] != ScoStatus::Member {
        prm.bases.sco_pressure_weight * w.sco_pressure
    } else {
        0.0
    };
    let rival_leaning = (0..w.np)
        .filter(|&p| p != user)
        .map(|p| w.leaning[w.ix(host, p)])
        .fold(0.0f64, f64::max);
    d.money_weight * yearly / w.gdp[host]
        + sco
        + d.regime_weight * w.autocracy[host] * w.pressure[w.ix(host, user)]
        + d.leaning_weight * rival_leaning
}

/// A patron asks to open base `b` (closed or never opened): the host lets it open when keeping
/// it is worth more than not (`keep > evict + noise`, the same scores as for a closure, with no
/// breach cost). The lease runs to the base's `lease_end`, or `renewal_years` from now.
pub fn request(ctx: &mut Ctx, w: &mut World, b: usize) {
    let (sc, prm) = (ctx.sc, ctx.prm);
    if w.bases[b].status != BaseStatus::Closed {
        return;
    }
    let host = sc.bases[b].host;
    let keep = keep_value(sc, w, prm, b);
    // As in the reviews, the noise is the host's reading of the eviction side, and is logged.
    let evict = evict_value(sc, w, prm, b) + noise(ctx.rng, prm.decision.decision_noise_sd);
    if keep > evict {
        w.bases[b].status = BaseStatus::Open;
        w.bases[b].counter_refused = false;
        if !sc.bases[b].open_ended && w.bases[b].lease_end.is_none_or(|end| end <= ctx.date) {
            let months = (prm.bases.renewal_years * 12.0).round() as i32;
            w.bases[b].lease_end = Some(ctx.date.plus_months(months));
        }
        ctx.log_answer(w, host, What::BaseOpened(b), keep, evict, 0.0);
    } else {
        ctx.log_answer(w, host, What::BaseRefused(b), evict, keep, 0.0);
    }
}

/// Reviews every base once per step.
pub fn review(ctx: &mut Ctx, w: &mut World) {
    for b in 0..w.bases.len() {
        match w.bases[b].status {
            BaseStatus::Open => review_open(ctx, w, b),
            BaseStatus::ClosureOrdered {
                effective,
                not_renewing,
            } => review_closing(ctx, w, b, effective, not_renewing),
            BaseStatus::Closed => {}
        }
    }
}

/// The notice of base `b`'s lease, months: the base's own `notice_months`, else
/// `bases.notice_months`.
pub fn notice_months(sc: &Scenario, prm: &Params, b: usize) -> i32 {
    sc.bases[b]
        .notice_months
        .unwrap_or(prm.bases.notice_months)
        .round() as i32
}

/// What breaking base `b`'s lease at `date` costs its host, score points: nothing when the
/// renewal is due (within the lease's notice of its end) or the lease is open-ended (ended
/// with notice at any time), else `bases.breach_cost`.
pub fn breach_cost(sc: &Scenario, prm: &Params, w: &World, b: usize, date: YearMonth) -> f64 {
    let notice = notice_months(sc, prm, b);
    let renewal_due = w.bases[b]
        .lease_end
        .is_some_and(|end| date.plus_months(notice) >= end);
    if renewal_due || sc.bases[b].open_ended {
        0.0
    } else {
        prm.bases.breach_cost
    }
}

fn review_open(ctx: &mut Ctx, w: &mut World, b: usize) {
    let (sc, prm) = (ctx.sc, ctx.prm);
    // An offer made while the base is open has no closure to reverse.
    w.bases[b].new_offer = false;
    let host = sc.bases[b].host;
    let notice = notice_months(sc, prm, b);
    let lease_end = w.bases[b].lease_end;
    let renewal_due = lease_end.is_some_and(|end| ctx.date.plus_months(notice) >= end);
    let keep = keep_value(sc, w, prm, b);
    // The host's reading of the eviction side varies a little from run to run.
    let evict = evict_value(sc, w, prm, b) + noise(ctx.rng, prm.decision.decision_noise_sd);
    let soon = ctx.date.plus_months(notice.max(1));
    let until_lease_end = lease_end.filter(|&end| end > ctx.date);
    // Ending a lease at its renewal, or an open-ended one with its notice, breaks nothing.
    let breach = breach_cost(sc, prm, w, b, ctx.date);
    if evict - keep - breach > 0.0 {
        // Closing with notice: a rival's offer pays only once the base is gone.
        let effective = until_lease_end.map_or(soon, |end| end.min(soon));
        w.bases[b].status = BaseStatus::ClosureOrdered {
            effective,
            not_renewing: false,
        };
        ctx.log_answer(w, host, What::ClosureOrdered(b), evict, keep, 0.0);
        loans::accept_conditional(ctx, w, b);
        return;
    }
    if let Some(end) = until_lease_end
        && !renewal_due
        && evict - keep > 0.0
    {
        // A host that prefers the base gone, but not by enough to break the lease, lets it run
        // out: it announces it will not renew, at no cost (Kyrgyzstan on Manas, 2011-2014).
        w.bases[b].status = BaseStatus::ClosureOrdered {
            effective: end,
            not_renewing: true,
        };
        ctx.log_answer(w, host, What::NonRenewal(b), evict, keep, 0.0);
        return;
    }
    if renewal_due {
        let years = prm.bases.renewal_years;
        let end = lease_end
            .unwrap_or(ctx.date)
            .plus_months((years * 12.0).round() as i32);
        w.bases[b].lease_end = Some(end);
        ctx.log_answer(w, host, What::LeaseRenewed(b), keep, evict, 0.0);
    }
}

/// Reviews base `b` under a closure taking effect at `effective` (`not_renewing`: an announced
/// non-renewal rather than an order).
fn review_closing(
    ctx: &mut Ctx,
    w: &mut World,
    b: usize,
    effective: crate::date::YearMonth,
    not_renewing: bool,
) {
    let (sc, prm) = (ctx.sc, ctx.prm);
    let host = sc.bases[b].host;
    if ctx.date >= effective {
        w.bases[b].status = BaseStatus::Closed;
        ctx.log(effective, host, What::BaseClosed(b), 0.0, 0.0, 0.0);
        loans::complete_conditional(ctx, w, b);
        return;
    }
    // Offers made after the order are taken up now.
    loans::accept_conditional(ctx, w, b);
    let keep = keep_value(sc, w, prm, b);
    let evict = evict_value(sc, w, prm, b);
    let d = &prm.decision;
    // The user counters with what keeping would take, up to the base's worth to it.
    let mut new_offer = std::mem::take(&mut w.bases[b].new_offer);
    let gap = evict + prm.bases.counter_offer_margin - keep;
    if gap > 0.0 {
        // When money is worth nothing to the host, no rent closes the gap: no counter-offer.
        if let Some(extra_musd) = rent_closing(gap, w, prm, host) {
            let st = &w.bases[b];
            let total = st.rent_musd + st.user_aid_musd + extra_musd;
            let user = sc.bases[b].user;
            // A strategic user also keeps within what its yearly rent budget has left (a
            // scripted user's is unlimited).
            let budget = sc.actors[user].slot.map_or(0, |p| p * BUDGETS + RENT);
            if total <= sc.bases[b].worth_musd && extra_musd <= w.budget_left[budget] {
                w.budget_left[budget] -= extra_musd;
                w.bases[b].rent_musd += extra_musd;
                new_offer = true;
                ctx.log(ctx.date, user, What::CounterOffer(b), 0.0, 0.0, total);
            } else if !w.bases[b].counter_refused {
                w.bases[b].counter_refused = true;
                ctx.log(ctx.date, user, What::NoCounterOffer(b), 0.0, 0.0, total);
            }
        } else if !w.bases[b].counter_refused {
            w.bases[b].counter_refused = true;
            let user = sc.bases[b].user;
            ctx.log(ctx.date, user, What::NoRentCanHelp(b), 0.0, 0.0, 0.0);
        }
    } else {
        // The current terms already beat evicting (the order came on a noisy reading): the user
        // restates them and the host reconsiders.
        new_offer = true;
    }
    // The host reconsiders only when it has a new offer on the table.
    if !new_offer {
        return;
    }
    let keep = keep_value(sc, w, prm, b);
    let evict = evict + noise(ctx.rng, d.decision_noise_sd);
    if keep > evict {
        w.bases[b].status = BaseStatus::Open;
        w.bases[b].counter_refused = false;
        let what = if not_renewing {
            What::NonRenewalWithdrawn(b)
        } else {
            What::ClosureReversed(b)
        };
        ctx.log_answer(w, host, what, keep, evict, 0.0);
        loans::withdraw_conditional(ctx, w, b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::mechanisms::testkit::{self, Kit};
    use crate::engine::record::RunRecord;

    /// The lease mechanism alone on a one-base world: a host with a US base and a Russian
    /// conditional offer.
    fn manas(credit_bn: f64, worth_musd: f64) -> (Kit, RunRecord) {
        let mut kit = testkit::manas_world(
            credit_bn,
            if credit_bn > 0.1 { 0.15 } else { 0.0 },
            worth_musd,
        );
        let rec = kit.run_months(12);
        (kit, rec)
    }

    /// The cost of breaking a lease, as the base review and a strategic patron both reckon it:
    /// nothing within the base's own notice of the lease's end (not the default notice), and
    /// nothing for an open-ended lease.
    #[test]
    fn breaking_a_lease_costs_nothing_within_its_own_notice_or_when_open_ended() {
        let kit = testkit::manas_world(2.0, 0.15, 17.4);
        let (mut sc, w) = (kit.sc, kit.world);
        let prm = sc.params.clone();
        assert!(prm.bases.breach_cost > 0.0);
        // Manas's lease ends 2014-07; the default notice is six months.
        let at = |y, m| YearMonth::new(y, m).expect("a date");
        assert_eq!(
            breach_cost(&sc, &prm, &w, 0, at(2013, 1)),
            prm.bases.breach_cost
        );
        assert_eq!(breach_cost(&sc, &prm, &w, 0, at(2014, 2)), 0.0);
        // With a notice of its own of 24 months, the renewal is due from July 2012.
        sc.bases[0].notice_months = Some(24.0);
        assert_eq!(
            breach_cost(&sc, &prm, &w, 0, at(2012, 6)),
            prm.bases.breach_cost
        );
        assert_eq!(breach_cost(&sc, &prm, &w, 0, at(2013, 1)), 0.0);
        // Open-ended: ended with notice at any time.
        sc.bases[0].open_ended = true;
        assert_eq!(breach_cost(&sc, &prm, &w, 0, at(2010, 1)), 0.0);
    }

    /// Regression: in quarterly steps the closure ordered for a credit offered in February, and
    /// the credit taken, were logged in January, before the offer.
    #[test]
    fn an_answer_is_not_dated_before_the_offer_it_answers() {
        let mut kit = testkit::manas_world(2.0, 0.15, 17.4);
        kit.sc.period = crate::date::Period::Quarter;
        let rec = kit.run_months(12);
        let offered = YearMonth::new(2009, 2).expect("a date");
        let when = |f: &dyn Fn(&What) -> bool| rec.log.iter().find(|e| f(&e.what)).map(|e| e.date);
        assert_eq!(
            when(&|w| matches!(w, What::ClosureOrdered(_))),
            Some(offered)
        );
        assert_eq!(when(&|w| matches!(w, What::LoanAccepted(_))), Some(offered));
    }

    #[test]
    fn a_conditional_credit_larger_than_the_rent_gap_leads_to_eviction() {
        // The US cannot outbid it (worth only the current rent): the base closes.
        let (kit, rec) = manas(2.0, 17.4);
        assert!(
            rec.log
                .iter()
                .any(|e| matches!(e.what, What::ClosureOrdered(0))),
            "{:?}",
            rec.log
        );
        assert_eq!(kit.world.bases[0].status, BaseStatus::Closed);
    }

    #[test]
    fn a_small_credit_does_not_move_the_host() {
        let (kit, rec) = manas(0.02, 17.4);
        assert!(
            !rec.log
                .iter()
                .any(|e| matches!(e.what, What::ClosureOrdered(_)))
        );
        assert_eq!(kit.world.bases[0].status, BaseStatus::Open);
    }

    #[test]
    fn a_higher_counter_offer_leads_to_renewal() {
        // The base is worth far more to the US than the rent: it raises the rent and the host
        // reverses its order; Russia withdraws what it held back.
        let (kit, rec) = manas(2.0, 400.0);
        let order = rec
            .log
            .iter()
            .position(|e| matches!(e.what, What::ClosureOrdered(0)));
        let offer = rec
            .log
            .iter()
            .position(|e| matches!(e.what, What::CounterOffer(0)));
        let reversal = rec
            .log
            .iter()
            .position(|e| matches!(e.what, What::ClosureReversed(0)));
        assert!(
            order < offer && offer < reversal && order.is_some(),
            "{:?}",
            rec.log
        );
        assert_eq!(kit.world.bases[0].status, BaseStatus::Open);
        assert!(kit.world.bases[0].rent_musd > 17.4);
        assert_eq!(kit.world.loans[0].status, LoanStatus::Withdrawn);
    }
}

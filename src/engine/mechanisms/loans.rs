//! Loans, credit and debt relief.
//!
//! A lender offers credit (face value, grant element, optional outright grant) with an optional
//! condition. Its value to the borrower is its grant equivalent, `value = amount * grant_element
//! + grant`, which the model spends down as goodwill (see `loans.transfer_half_life_years`), so
//! its yearly worth is `value * ln2 / half_life`.
//!
//! - **No condition**: a borrower that is a state accepts when `money_weight * yearly / GDP >
//!   extra fear of domination + noise` (the noise, standard deviation
//!   `decision.decision_noise_sd`, is its reading of the cost, and is logged with it) — a loan from
//!   a patron that already dominates the state's external money can be refused. A patron
//!   borrowing from another patron weighs no alignment and takes any credit worth something.
//! - **Join the EEU**: the cost adds `eeu_sovereignty_cost * sovereignty` (nothing if already in);
//!   accepted, the borrower joins and its trade and remittances move (`engine::mechanisms::eeu`).
//! - **Close a base**: decided by the base-lease rule (`engine::mechanisms::bases`): the offer
//!   counts on the eviction side. When the host orders the closure, `upfront_fraction` of the
//!   credit is paid; the rest stays at stake until the base actually closes, and is withdrawn if
//!   the host reverses itself.
//!
//! Paid credit adds to the borrower's debt to the lender (which amortises over its term) and to
//! goodwill. A write-off (debt relief) reduces the debt and adds goodwill worth the repayments
//! forgiven, `amount * (1 - grant_element)`. A patron lending to another patron (Chinese credit to
//! Russian banks after 2014) raises their partnership.

use crate::engine::context::{Ctx, noise};
use crate::engine::mechanisms::{concert, eeu};
use crate::engine::record::What;
use crate::params::Params;
use crate::scenario::world::{LoanStatus, World};
use crate::scenario::{Condition, Role, Scenario};

/// A loan is offered (from a `loan_offer` event).
pub fn offer(
    ctx: &mut Ctx,
    w: &mut World,
    loan: usize,
    amount_bn: f64,
    grant_bn: f64,
    grant_element: f64,
    condition: Condition,
) {
    let info = &ctx.sc.loans[loan];
    if let Some(p) = ctx.sc.actors[info.lender].slot {
        concert::offered(ctx.sc, ctx.prm, w, ctx.date, info.borrower, p);
    }
    let l = &mut w.loans[loan];
    l.status = LoanStatus::Offered;
    l.amount_bn = amount_bn;
    l.value_bn = amount_bn * grant_element + grant_bn;
    l.condition = condition;
    match condition {
        // The base-lease rule decides; the offer waits on the eviction side.
        Condition::CloseBase(_) => {}
        Condition::None | Condition::JoinEeu => decide(ctx, w, loan),
    }
}

/// Yearly score value to `borrower` of a grant-equivalent `value_bn`.
fn yearly_score(w: &World, prm: &Params, borrower: usize, value_bn: f64) -> f64 {
    prm.decision.money_weight * value_bn * std::f64::consts::LN_2
        / prm.loans.transfer_half_life_years
        / w.gdp[borrower]
}

/// What an offer of grant-equivalent `value_bn` from `lender` is worth to `borrower` a year,
/// and what taking it costs it (extra fear of domination, the EEU condition), before the
/// borrower's noise: `(gain, cost)` in score points. The loan rule decides by it, and strategic
/// patrons (`engine::mechanisms::strategy`) foresee the decision by it.
pub fn appraise(
    sc: &Scenario,
    w: &World,
    prm: &Params,
    (lender, borrower): (usize, usize),
    value_bn: f64,
    condition: Condition,
) -> (f64, f64) {
    let gain = yearly_score(w, prm, borrower, value_bn);
    let mut cost = 0.0;
    if sc.actors[borrower].role == Role::State
        && let Some(slot) = sc.actors[lender].slot
    {
        // Extra fear of domination from the new money.
        let np = w.np;
        let mut money = [0.0; crate::scenario::world::MAX_PATRONS];
        for (p, m) in money.iter_mut().enumerate().take(np) {
            *m = crate::engine::decision::money_bn(sc, w, prm, borrower, p);
        }
        let mut before = [0.0; crate::scenario::world::MAX_PATRONS];
        let total_before =
            crate::engine::decision::exposure(w, prm, borrower, &money[..np], &mut before);
        money[slot] += value_bn * std::f64::consts::LN_2 / prm.loans.transfer_half_life_years;
        let mut after = [0.0; crate::scenario::world::MAX_PATRONS];
        let total_after =
            crate::engine::decision::exposure(w, prm, borrower, &money[..np], &mut after);
        cost += crate::engine::decision::domination_penalty(
            w,
            prm,
            borrower,
            slot,
            before[slot],
            total_before,
        ) - crate::engine::decision::domination_penalty(
            w,
            prm,
            borrower,
            slot,
            after[slot],
            total_after,
        );
    }
    if condition == Condition::JoinEeu && !w.eeu[borrower] {
        cost += prm.loans.eeu_sovereignty_cost * w.sovereignty[borrower];
    }
    (gain, cost)
}

/// The borrower decides an offer without a base condition.
fn decide(ctx: &mut Ctx, w: &mut World, loan: usize) {
    let (sc, prm) = (ctx.sc, ctx.prm);
    let info = &sc.loans[loan];
    let (lender, borrower) = (info.lender, info.borrower);
    let l = &w.loans[loan];
    let (gain, mut cost) = appraise(sc, w, prm, (lender, borrower), l.value_bn, l.condition);
    // The noise is the borrower's reading of the cost, and is logged with it. A patron
    // borrowing from another patron weighs no alignment, so it decides on the numbers alone.
    if sc.actors[borrower].role == Role::State {
        cost += noise(ctx.rng, prm.decision.decision_noise_sd);
    }
    if gain > cost {
        disburse(ctx, w, loan, 1.0);
        w.loans[loan].status = LoanStatus::Active;
        if w.loans[loan].condition == Condition::JoinEeu {
            eeu::join(sc, prm, w, borrower);
        }
        ctx.log_answer(
            w,
            borrower,
            What::LoanAccepted(loan),
            gain,
            cost,
            w.loans[loan].amount_bn,
        );
    } else {
        w.loans[loan].status = LoanStatus::Declined;
        ctx.log_answer(
            w,
            borrower,
            What::LoanDeclined(loan),
            gain,
            cost,
            w.loans[loan].amount_bn,
        );
    }
}

/// Pays `fraction` of a loan's face and grant value.
fn disburse(ctx: &mut Ctx, w: &mut World, loan: usize, fraction: f64) {
    let sc = ctx.sc;
    let info = &sc.loans[loan];
    let (lender, borrower) = (info.lender, info.borrower);
    let (amount, value) = (w.loans[loan].amount_bn, w.loans[loan].value_bn);
    let paid = amount * fraction;
    let l = &mut w.loans[loan];
    l.outstanding_bn += paid;
    l.pending_bn = amount - paid;
    l.at_stake_bn = value * (1.0 - fraction);
    if let Some(slot) = sc.actors[lender].slot {
        let k = w.ix(borrower, slot);
        w.debt[k] += paid;
        w.goodwill[k] += value * fraction;
        if let Some(bslot) = sc.actors[borrower].slot {
            let gain = ctx.prm.loans.patron_loan_gain * paid / w.gdp[borrower];
            w.add_partnership(slot, bslot, gain);
        }
    }
}

/// The host ordered base `b` closed or announced that it will not renew its lease: standing
/// offers conditional on it are taken, their first tranche paid.
pub fn accept_conditional(ctx: &mut Ctx, w: &mut World, b: usize) {
    for loan in 0..w.loans.len() {
        if w.loans[loan].status == LoanStatus::Offered
            && w.loans[loan].condition == Condition::CloseBase(b)
        {
            disburse(ctx, w, loan, ctx.prm.loans.upfront_fraction);
            w.loans[loan].status = LoanStatus::Active;
            let borrower = ctx.sc.loans[loan].borrower;
            let gain = yearly_score(w, ctx.prm, borrower, w.loans[loan].value_bn);
            ctx.log_answer(
                w,
                borrower,
                What::LoanAccepted(loan),
                gain,
                0.0,
                w.loans[loan].amount_bn,
            );
        }
    }
}

/// Base `b` closed: what was held back is paid.
pub fn complete_conditional(ctx: &mut Ctx, w: &mut World, b: usize) {
    for loan in 0..w.loans.len() {
        let l = &w.loans[loan];
        if l.status == LoanStatus::Active
            && l.condition == Condition::CloseBase(b)
            && l.pending_bn + l.at_stake_bn > 0.0
        {
            let (pending, at_stake) = (l.pending_bn, l.at_stake_bn);
            let sc = ctx.sc;
            let info = &sc.loans[loan];
            let l = &mut w.loans[loan];
            l.outstanding_bn += pending;
            l.pending_bn = 0.0;
            l.at_stake_bn = 0.0;
            if let Some(slot) = sc.actors[info.lender].slot {
                let k = w.ix(info.borrower, slot);
                w.debt[k] += pending;
                w.goodwill[k] += at_stake;
            }
            ctx.log(
                ctx.date,
                info.borrower,
                What::LoanCompleted(loan),
                0.0,
                0.0,
                pending,
            );
        }
    }
}

/// The host reversed its order on base `b`: lenders withdraw what they held back.
pub fn withdraw_conditional(ctx: &mut Ctx, w: &mut World, b: usize) {
    for loan in 0..w.loans.len() {
        let l = &mut w.loans[loan];
        let held_back = l.status == LoanStatus::Active && l.pending_bn + l.at_stake_bn > 0.0;
        if l.condition == Condition::CloseBase(b) && (l.status == LoanStatus::Offered || held_back)
        {
            let withdrawn = l.pending_bn;
            l.status = LoanStatus::Withdrawn;
            l.pending_bn = 0.0;
            l.at_stake_bn = 0.0;
            let (lender, borrower) = (ctx.sc.loans[loan].lender, ctx.sc.loans[loan].borrower);
            // In answer to the host's reversal, logged under the same date.
            ctx.log(
                ctx.answer_date(w, borrower),
                lender,
                What::LoanWithdrawn(loan),
                0.0,
                0.0,
                withdrawn,
            );
        }
    }
}

/// A write-off of `amount_bn` of loan `loan`.
pub fn relieve(ctx: &mut Ctx, w: &mut World, loan: usize, amount_bn: f64) -> f64 {
    let info = &ctx.sc.loans[loan];
    let cut = amount_bn.min(w.loans[loan].outstanding_bn);
    w.loans[loan].outstanding_bn -= cut;
    if let Some(slot) = ctx.sc.actors[info.lender].slot {
        let k = w.ix(info.borrower, slot);
        w.debt[k] = (w.debt[k] - cut).max(0.0);
        w.goodwill[k] += cut * (1.0 - ctx.prm.loans.grant_element);
    }
    cut
}

/// Named loans are repaid at the yearly rate `1 / term` of what is outstanding (the stock decays
/// geometrically), each over its own term. The engine has already scaled every debt tie by the
/// default term's factor (debt not attributed to a named loan: a scenario's `debt_bn` ties);
/// here each named loan's share of the tie is moved from the default factor to its own, so a
/// 20-year concessional loan keeps its pull twice as long as a 10-year commercial one.
pub fn amortise(ctx: &mut Ctx, w: &mut World) {
    let default_keep = (1.0 - ctx.dt / ctx.prm.loans.term_years).max(0.0);
    for loan in 0..w.loans.len() {
        let info = &ctx.sc.loans[loan];
        let term = info.term_years.unwrap_or(ctx.prm.loans.term_years);
        let keep = (1.0 - ctx.dt / term).max(0.0);
        let before = w.loans[loan].outstanding_bn;
        w.loans[loan].outstanding_bn = before * keep;
        if let Some(slot) = ctx.sc.actors[info.lender].slot {
            let k = w.ix(info.borrower, slot);
            w.debt[k] = (w.debt[k] + before * (keep - default_keep)).max(0.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::mechanisms::testkit;

    #[test]
    fn a_debt_fades_over_its_own_loans_term() {
        let debt_after = |term: &str| {
            let mut kit = testkit::loan_world("CHN", 1.0, term, 0.2);
            kit.run_months(60);
            let chn = kit.sc.patron_slot("CHN").unwrap();
            let kgz = kit.sc.actor_index("KGZ").unwrap();
            (
                kit.world.debt[kit.world.ix(kgz, chn)],
                kit.world.loans[0].outstanding_bn,
            )
        };
        let (long, long_outstanding) = debt_after("term_years = 20");
        let (short, short_outstanding) = debt_after("term_years = 5");
        let (default, _) = debt_after("");
        // The debt tie is the loan's own outstanding amount, whatever the default term.
        assert!(
            (long - long_outstanding).abs() < 1e-12,
            "{long} {long_outstanding}"
        );
        assert!((short - short_outstanding).abs() < 1e-12);
        assert!(
            long > default && default > short,
            "{long} {default} {short}"
        );
    }

    #[test]
    fn an_unconditional_loan_is_taken_and_becomes_debt() {
        let mut kit = testkit::loan_world("CHN", 1.0, "", 0.2);
        let rec = kit.run_months(2);
        assert!(
            rec.log
                .iter()
                .any(|e| matches!(e.what, What::LoanAccepted(0))),
            "{:?}",
            rec.log
        );
        let chn = kit.sc.patron_slot("CHN").unwrap();
        assert!(kit.world.debt[kit.world.ix(kit.sc.actor_index("KGZ").unwrap(), chn)] > 0.9);
    }

    #[test]
    fn a_loan_from_a_dominant_patron_is_refused_only_when_fear_outweighs_money() {
        // The same loan pushes China's share of the state's external money past the threshold.
        // At the default weights money wins (a gift never repels at the defaults)...
        let mut kit = testkit::loan_world("CHN", 20.0, "", 1.0);
        let rec = kit.run_months(2);
        assert!(
            rec.log
                .iter()
                .any(|e| matches!(e.what, What::LoanAccepted(0))),
            "{:?}",
            rec.log
        );
        // ...while a fear of domination stronger than the value of money turns down a loan that
        // makes China the state's main source of money.
        let mut kit = testkit::loan_world("CHN", 20.0, "", 1.0);
        kit.sc.params.decision.domination_weight = 60.0;
        let rec = kit.run_months(2);
        assert!(
            rec.log
                .iter()
                .any(|e| matches!(e.what, What::LoanDeclined(0))),
            "{:?}",
            rec.log
        );
    }

    #[test]
    fn an_eeu_condition_costs_a_sovereignty_minded_state() {
        let mut kit = testkit::loan_world("RUS", 0.05, "join = \"EEU\"", 0.0);
        let rec = kit.run_months(2);
        assert!(
            rec.log
                .iter()
                .any(|e| matches!(e.what, What::LoanDeclined(0))),
            "{:?}",
            rec.log
        );
        let mut kit = testkit::loan_world("RUS", 10.0, "join = \"EEU\"", 0.0);
        let rec = kit.run_months(2);
        assert!(
            rec.log
                .iter()
                .any(|e| matches!(e.what, What::LoanAccepted(0))),
            "{:?}",
            rec.log
        );
        assert!(kit.world.eeu[kit.sc.actor_index("KGZ").unwrap()]);
    }
}

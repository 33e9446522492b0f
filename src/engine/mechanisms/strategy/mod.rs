//! Strategic patrons: a patron with `decision = "strategic"` chooses its own offers within a
//! yearly budget per instrument, instead of (or besides) the offers a scenario scripts.
//!
//! Every step, after the scripted events, each strategic patron `p` weighs its options in the
//! states of the region by the value of their outcome to it under the same scores the states
//! use: the change an option makes to the alignment share the state favours toward `p` (the
//! softmax of its scores, `engine::decision`), times the state's importance
//! (`(GDP / mean regional GDP)^strategy.size_elasticity`), valued at `strategy.share_value_gdp`
//! times the mean GDP of the region's states per unit of share, times the chance the state takes the offer (foreseen with the rule
//! the state decides by, and the known spread of its noise). The value carries the patron's own
//! multiplicative noise (`strategy.valuation_noise`), drawn from the run's strategy side stream,
//! so a strategic patron leaves every other rule's random numbers unchanged. Per instrument and
//! step it makes at most the one offer of largest expected net value, and only if that is
//! positive and within what the year's budget has left:
//!
//! - **credit** (face value against the `credit_bn` budget) through its credit line to the
//!   state, with no condition or conditional on closing a rival's open base there; sizes 1/8,
//!   1/4, 1/2 and 1 of `strategy.max_credit_share_of_gdp` times the state's GDP, each cut to
//!   what keeps the state's debt to all patrons (with credit offered and not yet paid out)
//!   within `strategy.max_debt_share_of_gdp` times its GDP; none smaller than $1m. Its expected
//!   cost is the grant element it gives away (`loans.grant_element` of the face value) times the
//!   chance the offer is taken. The loan rule then decides as for any offer;
//! - **grants** (against `aid_bn`): a one-off transfer that adds to goodwill; sizes 1/4, 1/2 and
//!   1 of `strategy.max_grant_share_of_gdp` times GDP;
//! - **rent** (new yearly rent against `rent_musd`): for each of its open bases whose host could
//!   order a closure, the rent that puts keeping the base beyond the reach of the host's noise,
//!   when the expected surplus it saves (the chance of a closure this step times the base's
//!   worth to it less what it pays) exceeds the extra rent; and, for each of its closed bases,
//!   a request to open it when the host is more likely than not to agree at the current rent
//!   and the rent fits the budget.
//!
//! A patron offers a state credit or a grant at most once per `strategy.cooldown_months`, and
//! asks for a base at most as often. Budgets are renewed at each anniversary of the start. Every
//! offer is logged with its expected value and cost before the state decides.

use crate::engine::context::{Ctx, Rng, noise};
use crate::engine::decision;
use crate::engine::lookups::Lookups;
use crate::engine::mechanisms::{bases, loans};
use crate::engine::record::What;
use crate::params::Params;
use crate::scenario::world::{
    BUDGETS, BaseStatus, CREDIT, GRANT, LoanStatus, MAX_PATRONS, RENT, World,
};
use crate::scenario::{Condition, Scenario};

/// Fractions of the largest credit (or grant) a patron weighs.
const CREDIT_SIZES: [f64; 4] = [0.125, 0.25, 0.5, 1.0];
const GRANT_SIZES: [f64; 3] = [0.25, 0.5, 1.0];

/// The smallest credit or grant a patron offers, bn USD ($1m): a budget's or a debt ceiling's
/// last crumbs are no package (the smallest offers on record to a Central Asian state are tens
/// of millions).
const MIN_OFFER_BN: f64 = 0.001;

/// One step of every strategic patron, in slot order. `srng` is the run's strategy stream.
pub fn step(ctx: &mut Ctx, w: &mut World, lk: &Lookups, srng: &mut Rng) {
    let sc = ctx.sc;
    let months_in = ctx.date.months_since(sc.start);
    let renew = months_in % 12 < sc.period.months();
    for (p, &a) in sc.patrons.iter().enumerate() {
        let Some(st) = &sc.actors[a].strategy else {
            continue;
        };
        if renew {
            w.budget_left[p * BUDGETS..][..BUDGETS].copy_from_slice(&st.budgets());
        }
        credit(ctx, w, lk, srng, p);
        grant(ctx, w, lk, srng, p);
        rent(ctx, w, p);
        request(ctx, w, p);
    }
}

/// The share state `s` favours toward patron slot `p` in world `w`: the softmax of its scores
/// under its lens.
fn favoured_share(sc: &Scenario, lk: &Lookups, w: &World, prm: &Params, s: usize, p: usize) -> f64 {
    let np = w.np;
    let mut money = [0.0; MAX_PATRONS];
    decision::money_row(w, prm, lk, s, &mut money[..np]);
    let partnership = decision::balancer_partnership(sc, w);
    let mut target = [0.0; MAX_PATRONS];
    let lens = sc.lens_of(s);
    decision::favoured_with(
        lens,
        sc,
        lk,
        w,
        prm,
        s,
        &money[..np],
        partnership,
        &mut target,
    );
    target[p]
}

/// What changes in a hypothetical: debt and goodwill of the pair added, and a base closed.
#[derive(Clone, Copy)]
struct Change {
    debt_bn: f64,
    goodwill_bn: f64,
    closed: Option<usize>,
}

/// The share `s` favours toward `p` after `change`; the world is restored exactly afterwards.
fn share_after(
    sc: &Scenario,
    lk: &Lookups,
    w: &mut World,
    prm: &Params,
    s: usize,
    p: usize,
    change: Change,
) -> f64 {
    let k = w.ix(s, p);
    let (debt, goodwill) = (w.debt[k], w.goodwill[k]);
    w.debt[k] += change.debt_bn;
    w.goodwill[k] += change.goodwill_bn;
    let status = change
        .closed
        .map(|b| std::mem::replace(&mut w.bases[b].status, BaseStatus::Closed));
    let share = favoured_share(sc, lk, w, prm, s, p);
    w.debt[k] = debt;
    w.goodwill[k] = goodwill;
    if let (Some(b), Some(status)) = (change.closed, status) {
        w.bases[b].status = status;
    }
    share
}

/// The chance that `margin + ε > 0` for the decision noise `ε` (uniform, standard deviation
/// `sd`): how a patron foresees a state's yes/no choice.
fn chance(margin: f64, sd: f64) -> f64 {
    if sd == 0.0 {
        return if margin > 0.0 { 1.0 } else { 0.0 };
    }
    (0.5 + margin / (2.0 * 3f64.sqrt() * sd)).clamp(0.0, 1.0)
}

/// What one whole unit of state `s`'s favoured share is worth to a patron, bn USD:
/// `strategy.share_value_gdp` times the mean GDP of the region's states now, times the state's
/// importance, `(GDP / that mean)^size_elasticity`. Counted in the region's GDP, the value keeps
/// pace with the economies it buys into.
fn worth_of_share(w: &World, prm: &Params, lk: &Lookups, s: usize) -> f64 {
    let n = lk.region_states.len().max(1) as f64;
    let mean = lk.region_states.iter().map(|&r| w.gdp[r]).sum::<f64>() / n;
    if mean <= 0.0 {
        return 0.0;
    }
    let importance = libm::pow(w.gdp[s] / mean, prm.strategy.size_elasticity);
    prm.strategy.share_value_gdp * mean * importance
}

/// Whether `last` is at least the cooldown before `date`.
fn rested(ctx: &Ctx, last: Option<crate::date::YearMonth>) -> bool {
    let cooldown = ctx.prm.strategy.cooldown_months.round() as i32;
    last.is_none_or(|d| ctx.date.months_since(d) >= cooldown)
}

/// The cost of breaking the lease of base `b` now, as the base review reckons it: none when the
/// renewal is due (within the notice period of the lease's end), or when, with no rival offer at
/// stake and a lease still running, the host can simply decline to renew.
fn breach(ctx: &Ctx, w: &World, b: usize, offers: bool) -> f64 {
    let running = w.bases[b].lease_end.is_some_and(|end| end > ctx.date);
    if !offers && running {
        0.0
    } else {
        bases::breach_cost(ctx.sc, ctx.prm, w, b, ctx.date)
    }
}

/// The best credit offer (state, amount, condition) by expected net value, if any is worth
/// making, and makes it.
fn credit(ctx: &mut Ctx, w: &mut World, lk: &Lookups, srng: &mut Rng, p: usize) {
    let (sc, prm) = (ctx.sc, ctx.prm);
    let a = sc.patrons[p];
    let Some(st) = &sc.actors[a].strategy else {
        return;
    };
    let left = w.budget_left[p * BUDGETS + CREDIT];
    if left <= 0.0 {
        return;
    }
    let ge = prm.loans.grant_element;
    let sd = prm.decision.decision_noise_sd;
    let yearly = std::f64::consts::LN_2 / prm.loans.transfer_half_life_years;
    let mut best: Option<(f64, f64, f64, usize, f64, Condition)> = None;
    for &s in &lk.region_states {
        let Some(line) = st.credit_line[s] else {
            continue;
        };
        let l = &w.loans[line];
        let busy = l.status == LoanStatus::Offered
            || (l.status == LoanStatus::Active && l.pending_bn + l.at_stake_bn > 0.0);
        if busy || !rested(ctx, w.last_credit[w.ix(s, p)]) {
            continue;
        }
        // Rivals' open bases on the state's soil (the first few, in scenario order). A
        // balancer's partner is no rival: balancers coordinate against the leading power's
        // presence (the SCO's 2005 call for a timetable), not against each other's bases.
        let mut rivals = [0; 4];
        let mut count = 0;
        for b in 0..sc.bases.len() {
            let info = &sc.bases[b];
            let open = w.bases[b].status == BaseStatus::Open;
            let partner = sc.balancers.contains(&p)
                && sc.actors[info.user]
                    .slot
                    .is_some_and(|q| sc.balancers.contains(&q));
            if info.host == s && info.user != a && !partner && open && count < rivals.len() {
                rivals[count] = b;
                count += 1;
            }
        }
        // What the state can still borrow: lenders weigh its capacity to repay.
        let room = prm.strategy.max_debt_share_of_gdp * w.gdp[s] - owed(sc, w, s);
        if room < MIN_OFFER_BN {
            continue;
        }
        let before = favoured_share(sc, lk, w, prm, s, p);
        let weight = worth_of_share(w, prm, lk, s);
        let largest = prm.strategy.max_credit_share_of_gdp * w.gdp[s];
        for frac in CREDIT_SIZES {
            let amount = (frac * largest).min(left).min(room);
            if amount < MIN_OFFER_BN {
                continue;
            }
            let value = amount * ge;
            let change = Change {
                debt_bn: amount,
                goodwill_bn: value,
                closed: None,
            };
            // No condition: the state takes it when its gain beats its cost plus noise.
            let (gain, cost) = loans::appraise(sc, w, prm, (a, s), value, Condition::None);
            let taken = chance(gain - cost, sd);
            let after = share_after(sc, lk, w, prm, s, p, change);
            let mut options = [(Condition::None, 0.0, 0.0); 5];
            options[0] = (Condition::None, taken, after);
            // Conditional on closing a rival's open base: the host orders the closure at its
            // next review when evicting, with this offer at stake, beats keeping plus the
            // breach cost.
            for (i, &b) in rivals[..count].iter().enumerate() {
                let margin = bases::evict_value(sc, w, prm, b)
                    + prm.decision.money_weight * value * yearly / w.gdp[s]
                    - bases::keep_value(sc, w, prm, b)
                    - breach(ctx, w, b, true);
                let closed = Change {
                    closed: Some(b),
                    ..change
                };
                let after = share_after(sc, lk, w, prm, s, p, closed);
                options[i + 1] = (Condition::CloseBase(b), chance(margin, sd), after);
            }
            for &(condition, p_take, after) in &options[..count + 1] {
                let worth = weight * (after - before) * p_take;
                let worth = worth * (1.0 + noise(srng, prm.strategy.valuation_noise));
                let expected_cost = value * p_take;
                let net = worth - expected_cost;
                if net > 0.0 && best.is_none_or(|(n, ..)| net > n) {
                    best = Some((net, worth, expected_cost, s, amount, condition));
                }
            }
        }
    }
    let Some((_, worth, expected_cost, s, amount, condition)) = best else {
        return;
    };
    let Some(line) = st.credit_line[s] else {
        return;
    };
    w.budget_left[p * BUDGETS + CREDIT] -= amount;
    let k = w.ix(s, p);
    w.last_credit[k] = Some(ctx.date);
    let base = match condition {
        Condition::CloseBase(b) => Some(b),
        _ => None,
    };
    ctx.log(
        ctx.date,
        a,
        What::PatronCredit { loan: line, base },
        worth,
        expected_cost,
        amount,
    );
    loans::offer(ctx, w, line, amount, 0.0, ge, condition);
}

/// What state `s` owes every patron of the scenario, billions of USD: its debt ties, plus credit
/// offered to it and not yet answered, plus credit taken and held back until its condition is
/// met (each will add to the debt).
fn owed(sc: &Scenario, w: &World, s: usize) -> f64 {
    let debt: f64 = decision::row(&w.debt, s, w.np).iter().sum();
    let coming: f64 = sc
        .loans
        .iter()
        .zip(&w.loans)
        .filter(|(info, _)| info.borrower == s)
        .map(|(_, l)| match l.status {
            LoanStatus::Offered => l.amount_bn,
            LoanStatus::Active => l.pending_bn,
            _ => 0.0,
        })
        .sum();
    debt + coming
}

/// The best one-off grant by expected net value, if any is worth giving, and gives it.
fn grant(ctx: &mut Ctx, w: &mut World, lk: &Lookups, srng: &mut Rng, p: usize) {
    let (sc, prm) = (ctx.sc, ctx.prm);
    let a = sc.patrons[p];
    let left = w.budget_left[p * BUDGETS + GRANT];
    if left <= 0.0 {
        return;
    }
    let mut best: Option<(f64, f64, usize, f64)> = None;
    for &s in &lk.region_states {
        if !rested(ctx, w.last_grant[w.ix(s, p)]) {
            continue;
        }
        let before = favoured_share(sc, lk, w, prm, s, p);
        let weight = worth_of_share(w, prm, lk, s);
        let largest = prm.strategy.max_grant_share_of_gdp * w.gdp[s];
        for frac in GRANT_SIZES {
            let amount = (frac * largest).min(left);
            if amount < MIN_OFFER_BN {
                continue;
            }
            let change = Change {
                debt_bn: 0.0,
                goodwill_bn: amount,
                closed: None,
            };
            let after = share_after(sc, lk, w, prm, s, p, change);
            let worth = weight * (after - before);
            let worth = worth * (1.0 + noise(srng, prm.strategy.valuation_noise));
            let net = worth - amount;
            if net > 0.0 && best.is_none_or(|(n, ..)| net > n) {
                best = Some((net, worth, s, amount));
            }
        }
    }
    let Some((_, worth, s, amount)) = best else {
        return;
    };
    w.budget_left[p * BUDGETS + GRANT] -= amount;
    let k = w.ix(s, p);
    w.last_grant[k] = Some(ctx.date);
    w.goodwill[k] += amount;
    crate::engine::mechanisms::concert::offered(sc, prm, w, ctx.date, s, p);
    ctx.log(ctx.date, a, What::PatronGrant(s), worth, amount, amount);
}

/// Raises the rent of the patron's open bases whose hosts could order a closure this step, when
/// the surplus the raise is expected to save exceeds it.
fn rent(ctx: &mut Ctx, w: &mut World, p: usize) {
    let (sc, prm) = (ctx.sc, ctx.prm);
    let a = sc.patrons[p];
    let sd = prm.decision.decision_noise_sd;
    for b in 0..sc.bases.len() {
        if sc.bases[b].user != a || w.bases[b].status != BaseStatus::Open {
            continue;
        }
        let host = sc.bases[b].host;
        let offers = bases::offers_at_stake(w, b) > 0.0;
        let threshold = bases::keep_value(sc, w, prm, b) + breach(ctx, w, b, offers);
        let evict = bases::evict_value(sc, w, prm, b);
        let p_close = chance(evict - threshold, sd);
        if p_close <= 0.0 {
            continue;
        }
        // The rent that puts keeping beyond the noise's reach, with the counter-offer margin.
        let gap = evict - threshold + 3f64.sqrt() * sd + prm.bases.counter_offer_margin;
        let Some(extra) = bases::rent_closing(gap, w, prm, host) else {
            continue;
        };
        let paid = w.bases[b].rent_musd + w.bases[b].user_aid_musd;
        let surplus = sc.bases[b].worth_musd - paid;
        let saved = p_close * surplus;
        let left = &mut w.budget_left[p * BUDGETS + RENT];
        if extra > 0.0 && paid + extra <= sc.bases[b].worth_musd && extra <= *left && saved > extra
        {
            *left -= extra;
            w.bases[b].rent_musd += extra;
            w.bases[b].new_offer = true;
            ctx.log(ctx.date, a, What::PatronRent(b), saved, extra, paid + extra);
        }
    }
}

/// Asks to open the patron's closed bases whose hosts are more likely than not to agree.
fn request(ctx: &mut Ctx, w: &mut World, p: usize) {
    let (sc, prm) = (ctx.sc, ctx.prm);
    let a = sc.patrons[p];
    for b in 0..sc.bases.len() {
        if sc.bases[b].user != a || w.bases[b].status != BaseStatus::Closed {
            continue;
        }
        if !rested(ctx, w.bases[b].asked) {
            continue;
        }
        let paid = w.bases[b].rent_musd + w.bases[b].user_aid_musd;
        if paid > w.budget_left[p * BUDGETS + RENT] {
            continue;
        }
        let margin = bases::keep_value(sc, w, prm, b) - bases::evict_value(sc, w, prm, b);
        let p_agree = chance(margin, prm.decision.decision_noise_sd);
        if p_agree <= 0.5 {
            continue;
        }
        w.bases[b].asked = Some(ctx.date);
        ctx.log(ctx.date, a, What::PatronAsks(b), p_agree, 0.5, paid);
        bases::request(ctx, w, b);
        if w.bases[b].status == BaseStatus::Open {
            w.budget_left[p * BUDGETS + RENT] -= paid;
        }
    }
}

#[cfg(test)]
mod tests;

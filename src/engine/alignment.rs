//! Step 6 of the step loop: every state re-scores its patrons and moves its alignment part of
//! the way toward the softmax of the scores, plus seeded noise (`engine::decision` holds the
//! rule and its lenses; docs/model.md §4 writes it out).
//!
//! Two copies of the pass compute the same numbers, bit for bit. [`align_states`] follows the
//! rule as `engine::decision` states it, state by state, for any mix of lenses. When every state
//! reads the soft-balancing lens (the shipped scenarios, and the default), [`align_soft`] does
//! the same arithmetic with what is common to all states worked out once per step instead of
//! once per state and patron; it is the engine's hottest loop (over half of a run of ufa2015,
//! docs/performance.md). A test holds the two to the same bits on every shipped scenario.

use super::context::{Ctx, Rng, noise};
use super::decision;
use super::decision::softmax;
use super::lookups::Lookups;
use crate::scenario::Lens;
use crate::scenario::world::{BaseStatus, MAX_PATRONS, ScoStatus, World};

/// How far and how noisily a state moves in one step, and what the hedging lens needs.
#[derive(Clone, Copy, Debug)]
pub(super) struct Pace {
    /// Share of the way toward its target a state moves in one step.
    pub rate: f64,
    /// Standard deviation of the noise added to each share in one step.
    pub noise_sd: f64,
    /// Memory kept per step of the patrons' past changes in behaviour (hedging lens).
    pub volatility: f64,
    /// The step's length in years.
    pub dt: f64,
}

/// Every state scores every patron and moves part of the way toward the softmax of the scores,
/// plus seeded noise; shares stay positive and sum to one. Also refreshes `money`. `all_soft`:
/// every state reads the soft-balancing lens ([`align_soft`] then runs the pass).
pub(super) fn update_alignment(
    ctx: &mut Ctx,
    w: &mut World,
    lk: &Lookups,
    money: &mut [f64],
    f: &Pace,
    all_soft: bool,
) {
    // The common numbers of patrons get their own copy of the loop, with the row length known
    // at compile time; the arithmetic is the same for every copy.
    match (w.np, all_soft) {
        (2, true) => align_soft::<2>(ctx, w, lk, money, f),
        (3, true) => align_soft::<3>(ctx, w, lk, money, f),
        (4, true) => align_soft::<4>(ctx, w, lk, money, f),
        (2, false) => align_states::<2>(ctx, w, lk, money, f),
        (3, false) => align_states::<3>(ctx, w, lk, money, f),
        (4, false) => align_states::<4>(ctx, w, lk, money, f),
        _ => align_states::<0>(ctx, w, lk, money, f),
    }
}

/// [`update_alignment`] with `NP` patrons (0: any number, read from the world).
pub(super) fn align_states<const NP: usize>(
    ctx: &mut Ctx,
    w: &mut World,
    lk: &Lookups,
    money: &mut [f64],
    f: &Pace,
) {
    let (sc, prm) = (ctx.sc, ctx.prm);
    let np = if NP == 0 { w.np } else { NP };
    assert!(np == w.np && np <= MAX_PATRONS);
    let (rate, noise_sd) = (f.rate, f.noise_sd);
    let mut target = [0.0; MAX_PATRONS];
    // Nothing in this pass changes the partnership: one mean for every state.
    let partnership = decision::balancer_partnership(sc, w);
    // The states move in turn, in actor order: a lens that reads other states' alignment (the
    // landscape) sees the moves of the states before it, as the landscape's descent does.
    for &s in &lk.states {
        let row = decision::row_mut(money, s, np);
        decision::money_row(w, prm, lk, s, row);
        let lens = sc.lens_of(s);
        if lens == Lens::Hedging {
            // Hedgers read the volatility of the patrons' behaviour, this step's change included.
            decision::track_behaviour(sc, lk, w, prm, s, row, partnership, f.volatility, f.dt);
        }
        if lens == Lens::SoftBalancing {
            // The same call as below with the lens a constant: the compiler resolves the rule at
            // compile time for the common lens.
            let soft = Lens::SoftBalancing;
            decision::favoured_with(soft, sc, lk, w, prm, s, row, partnership, &mut target);
        } else {
            decision::favoured_with(lens, sc, lk, w, prm, s, row, partnership, &mut target);
        }
        let row = decision::row_mut(&mut w.alignment, s, np);
        move_toward(row, &target[..np], rate, noise_sd, ctx.rng);
    }
}

/// Moves a state's alignment `row` part of the way (`rate`) toward `target`, plus seeded noise
/// drawn patron by patron in slot order, then rescales it: shares stay positive and sum to one.
#[inline(always)]
fn move_toward(row: &mut [f64], target: &[f64], rate: f64, noise_sd: f64, rng: &mut Rng) {
    let mut sum = 0.0;
    for (x, &t) in row.iter_mut().zip(target) {
        let y = *x + rate * (t - *x) + noise(rng, noise_sd);
        *x = y.max(1e-6);
        sum += *x;
    }
    let inv = 1.0 / sum;
    for x in row.iter_mut() {
        *x *= inv;
    }
}

/// [`align_states`] when every state reads the soft-balancing lens, with `NP` patrons (2 to 4):
/// the same operations on the same numbers in the same order, so the same bits, with the
/// parameters' products, the balancers' partnership and the patrons' terms worked out once per
/// step, each state's rows read as fixed-size arrays, and no per-patron table of components.
/// Each expression below is the one in `decision::StateTerms::components`, `money_row`,
/// `exposure_row` and `softmax`, term by term.
pub(super) fn align_soft<const NP: usize>(
    ctx: &mut Ctx,
    w: &mut World,
    lk: &Lookups,
    money: &mut [f64],
    f: &Pace,
) {
    let (sc, prm) = (ctx.sc, ctx.prm);
    assert!(NP == w.np && (2..=MAX_PATRONS).contains(&NP));
    let d = &prm.decision;
    let (rate, noise_sd) = (f.rate, f.noise_sd);
    // Common to every state this step.
    let goodwill_rate = std::f64::consts::LN_2 / prm.loans.transfer_half_life_years;
    let per_year = 1.0 / prm.loans.term_years;
    let room = (1.0 - d.domination_threshold).max(1e-9);
    let neg_domination = -(d.domination_weight / room);
    let per_t = 1.0 / d.temperature;
    let neg_regime = -d.regime_weight;
    let menace_weight = prm.shocks.menace_weight;
    let pull = d.sco_weight * decision::balancer_partnership(sc, w);
    let concert_weight = prm.lenses.concert_weight;
    let kept: [f64; NP] = std::array::from_fn(|p| 1.0 - w.money_discount[p]);
    let non_interference: [f64; NP] = std::array::from_fn(|p| w.non_interference[p]);
    let is_balancer: [bool; NP] = std::array::from_fn(|p| lk.is_balancer[p]);
    // Each per-pair quantity as rows of NP: a state's row is one bounds check away.
    fn rows<const NP: usize>(v: &[f64]) -> &[[f64; NP]] {
        v.as_chunks::<NP>().0
    }
    let (trade, aid) = (rows::<NP>(&w.trade), rows::<NP>(&w.aid));
    let (remittances, goodwill) = (rows::<NP>(&w.remittances), rows::<NP>(&w.goodwill));
    let (energy, projects) = (rows::<NP>(&w.energy_income), rows::<NP>(&w.project_income));
    let (debts, securities, pressures) = (
        rows::<NP>(&w.debt),
        rows::<NP>(&w.security),
        rows::<NP>(&w.pressure),
    );
    let (leanings, backlashes, menaces) = (
        rows::<NP>(&w.leaning),
        rows::<NP>(&w.backlash),
        rows::<NP>(&w.menace),
    );
    let (money, _) = money.as_chunks_mut::<NP>();
    for &s in &lk.states {
        // Money from each patron (`decision::money_row`).
        let (trade, aid, remittances) = (&trade[s], &aid[s], &remittances[s]);
        let (goodwill, energy, projects) = (&goodwill[s], &energy[s], &projects[s]);
        let mut m = [0.0; NP];
        for p in 0..NP {
            m[p] = trade[p] * d.trade_value
                + aid[p]
                + remittances[p] * d.remittance_value
                + goodwill[p] * goodwill_rate
                + energy[p]
                + projects[p];
        }
        // Rent and tied aid of the open bases on its soil, and their security.
        let mut base_security = [-0.0; NP];
        if lk.hosts_bases[s] {
            for p in 0..NP {
                for &b in lk.bases_of(s * NP + p) {
                    let base = &w.bases[b];
                    if base.status != BaseStatus::Closed {
                        m[p] += (base.rent_musd + base.user_aid_musd) / 1000.0;
                    }
                }
                base_security[p] = lk
                    .bases_of(s * NP + p)
                    .iter()
                    .filter(|&&b| w.bases[b].status != BaseStatus::Closed)
                    .map(|&b| sc.bases[b].security_value)
                    .sum();
            }
        }
        for p in 0..NP {
            m[p] *= kept[p];
        }
        money[s] = m;

        // Exposure: each patron's share of money plus debt service (`decision::exposure_row`).
        let debt = &debts[s];
        let mut share = [0.0; NP];
        let mut total = 0.0;
        for p in 0..NP {
            share[p] = m[p] + debt[p] * per_year;
            total += share[p];
        }
        let inv = if total > 0.0 { 1.0 / total } else { 0.0 };
        for x in &mut share {
            *x *= inv;
        }
        let per_gdp = 1.0 / w.gdp[s];
        let dependence = total * per_gdp;

        // The state's own terms (`decision::StateTerms::new`).
        let threat = w.threat(s);
        let member = if w.sco[s] == ScoStatus::Member {
            1.0
        } else {
            0.0
        };
        let coordination = pull * (member + concert_weight * w.concert[s]);
        let (autocracy, nationalism) = (w.autocracy[s], w.nationalism[s]);
        let norms = d.norms_weight * w.sovereignty[s];
        let (security, pressure) = (&securities[s], &pressures[s]);
        let (leaning, backlash, menace) = (&leanings[s], &backlashes[s], &menaces[s]);

        // Scores (`Components::total`, in its order), then the softmax.
        let mut score = [0.0; NP];
        for p in 0..NP {
            let excess = (share[p] - d.domination_threshold).max(0.0);
            score[p] = d.money_weight * m[p] * per_gdp
                + (d.security_weight * (security[p] + base_security[p]) * threat
                    - menace_weight * menace[p])
                + neg_regime * pressure[p] * autocracy
                + norms * non_interference[p]
                + neg_domination * (nationalism + backlash[p]) * dependence * excess * excess
                + d.debt_weight * debt[p] * per_gdp
                + d.leaning_weight * leaning[p]
                + if is_balancer[p] { coordination } else { 0.0 };
        }
        let max = score.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut target = [0.0; NP];
        let mut sum = 0.0;
        for p in 0..NP {
            target[p] = softmax::exp((score[p] - max) * per_t);
            sum += target[p];
        }
        let per_sum = 1.0 / sum;
        for x in &mut target {
            *x *= per_sum;
        }
        let row = &mut w.alignment.as_chunks_mut::<NP>().0[s];
        move_toward(row, &target, rate, noise_sd, ctx.rng);
    }
}

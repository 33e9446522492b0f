//! Step 6 of the step loop: every state re-scores its patrons and moves its alignment part of
//! the way toward the softmax of the scores, plus seeded noise (`engine::decision` holds the
//! rule and its lenses; docs/model.md §4 writes it out).
//!
//! Two passes compute the same numbers, bit for bit. [`align_states`] follows the rule as
//! `engine::decision` states it, state by state, for any mix of lenses. When every state reads
//! the soft-balancing lens (the shipped scenarios, and the default), [`align_soft`] repeats
//! money and exposure term by term in the same order, calls the same functions for fear of
//! domination and the softmax, and sums the score directly instead of building each patron's
//! components and asking the lens: this is the
//! engine's hottest loop (about half of a run of ufa2015, docs/performance.md). A test
//! (`engine::tests`) holds the two to the same bits on every shipped scenario.

use super::context::{Ctx, Rng, noise, noise_rows};
use super::decision;
use super::decision::softmax;
use super::lookups::Lookups;
use crate::scenario::Lens;
use crate::scenario::world::{MAX_PATRONS, ScoStatus, World};

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
    let sc = ctx.sc;
    // A copy the compiler knows no write to the world changes (see `align_soft`).
    let prm = &ctx.prm.clone();
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
    settle(row, target, rate, |_| noise(rng, noise_sd));
}

/// [`move_toward`] with the noise drawn beforehand (`shake`, by [`noise_rows`]): the same
/// arithmetic in the same order, so the same bits.
#[inline(always)]
fn move_with<const NP: usize>(
    row: &mut [f64; NP],
    target: &[f64; NP],
    rate: f64,
    shake: &[f64; NP],
) {
    settle(row, target, rate, |p| shake[p]);
}

/// The move itself: each share part of the way (`rate`) toward its target plus `shake(p)`,
/// floored, then all rescaled to sum to one.
#[inline(always)]
fn settle(row: &mut [f64], target: &[f64], rate: f64, mut shake: impl FnMut(usize) -> f64) {
    let mut sum = 0.0;
    for (p, (x, &t)) in row.iter_mut().zip(target).enumerate() {
        let y = *x + rate * (t - *x) + shake(p);
        // At least 1e-6, written so that NaN passes (`f64::max` would turn it into 1e-6): a
        // score that overflowed then reaches the record, where `runs::digest::check_finite`
        // stops the run naming it, instead of turning silently into equal shares.
        *x = if y < 1e-6 { 1e-6 } else { y };
        sum += *x;
    }
    let inv = 1.0 / sum;
    for x in row.iter_mut() {
        *x *= inv;
    }
}

/// [`align_states`] when every state reads the soft-balancing lens, with `NP` patrons (2 to 4):
/// money and exposure as `decision::money_row` and `decision::exposure_row` compute them, term
/// by term in the same order; the same functions for fear of domination and the softmax; the
/// score (`decision::StateTerms::components`, then `Components::total`) with its terms in the
/// same order; and the noise of a block of states drawn at once ([`noise_rows`]): so the same bits. What
/// is common to every state (the balancers' pull, the parameters' signs, the share of money
/// sanctions leave) is worked out once per step, each state's rows are read as fixed-size
/// arrays of columns cut to one length, and no per-patron table of components is built.
pub(super) fn align_soft<const NP: usize>(
    ctx: &mut Ctx,
    w: &mut World,
    lk: &Lookups,
    money: &mut [f64],
    f: &Pace,
) {
    let sc = ctx.sc;
    // A copy of the parameters on the stack: the compiler then knows that writing the states'
    // rows cannot change them, and works out what depends only on them (the reciprocals of the
    // temperature and of the loan term, the domination weight over its room) once per step, not
    // once per state.
    let prm = &ctx.prm.clone();
    assert!(NP == w.np && (2..=MAX_PATRONS).contains(&NP));
    let d = &prm.decision;
    // Common to every state this step.
    let pull = d.sco_weight * decision::balancer_partnership(sc, w);
    let neg_regime = -d.regime_weight;
    let non_interference: [f64; NP] = std::array::from_fn(|p| w.non_interference[p]);
    let kept: [f64; NP] = std::array::from_fn(|p| 1.0 - w.money_discount[p]);
    let is_balancer: [bool; NP] = std::array::from_fn(|p| lk.is_balancer[p]);
    let (goodwill_rate, per_year) = (decision::goodwill_rate(prm), 1.0 / prm.loans.term_years);
    // Every column the pass reads, cut to the same length `n` (one entry, or one row of NP, per
    // actor): one check that a state is below `n` then covers every read of its row, instead of
    // one check per column.
    let n = w.gdp.len();
    fn cut<T>(v: &[T], n: usize) -> &[T] {
        &v[..n]
    }
    let col = |v| cut(v, n);
    let (gdp, autocracy, nationalism) = (col(&w.gdp), col(&w.autocracy), col(&w.nationalism));
    let (sovereignty, concert) = (col(&w.sovereignty), col(&w.concert));
    let (threat_base, threat_extra) = (col(&w.threat_base), col(&w.threat_extra));
    let sco = &w.sco[..n];
    let hosts_bases = &lk.hosts_bases[..n];
    fn cut_rows<const NP: usize>(v: &[f64], n: usize) -> &[[f64; NP]] {
        &v.as_chunks::<NP>().0[..n]
    }
    let rows = |v| cut_rows::<NP>(v, n);
    let (debts, securities) = (rows(&w.debt), rows(&w.security));
    let (pressures, leanings) = (rows(&w.pressure), rows(&w.leaning));
    let (backlashes, menaces) = (rows(&w.backlash), rows(&w.menace));
    let (trades, aids) = (rows(&w.trade), rows(&w.aid));
    let (remittances, goodwills) = (rows(&w.remittances), rows(&w.goodwill));
    let (energies, projects) = (rows(&w.energy_income), rows(&w.project_income));
    let money = &mut money.as_chunks_mut::<NP>().0[..n];
    let mut alignment = std::mem::take(&mut w.alignment);
    let alignments = &mut alignment.as_chunks_mut::<NP>().0[..n];
    // The states in blocks, each block's noise drawn first: the pass draws nothing else, so
    // these are the numbers drawn state by state, but read from the generator in one go.
    const BLOCK: usize = 32;
    let mut shakes = [[0.0; NP]; BLOCK];
    for block in lk.states.chunks(BLOCK) {
        let shakes = &mut shakes[..block.len()];
        noise_rows(ctx.rng, f.noise_sd, shakes);
        for (&s, shake) in block.iter().zip(shakes.iter()) {
            // `decision::money_row`, with the same terms in the same order.
            let m = &mut money[s];
            let (trade, aid, remittance) = (&trades[s], &aids[s], &remittances[s]);
            let (goodwill, energy, project) = (&goodwills[s], &energies[s], &projects[s]);
            for p in 0..NP {
                let flows = [
                    trade[p],
                    aid[p],
                    remittance[p],
                    goodwill[p],
                    energy[p],
                    project[p],
                ];
                m[p] = decision::flows_bn(prm, goodwill_rate, flows);
            }
            // Security of the open bases on its soil (the empty sum is -0.0: adding it changes
            // nothing), and their rent.
            let mut base_security = [-0.0; NP];
            if hosts_bases[s] {
                for (p, x) in base_security.iter_mut().enumerate() {
                    let bases = lk.bases_of(s * NP + p);
                    *x = decision::open_base_security(sc, w, bases.iter().copied());
                    for &b in bases {
                        if let Some(rent) = decision::open_base_money(w, b) {
                            m[p] += rent;
                        }
                    }
                }
            }
            for p in 0..NP {
                m[p] *= kept[p];
            }
            // `decision::exposure_row`.
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
            let per_gdp = 1.0 / gdp[s];
            let dependence = total * per_gdp;
            let threat = (threat_base[s] + threat_extra[s]).min(1.0);
            let member = if sco[s] == ScoStatus::Member {
                1.0
            } else {
                0.0
            };
            let coordination = pull * (member + prm.lenses.concert_weight * concert[s]);
            let (autocracy, nationalism) = (autocracy[s], nationalism[s]);
            let norms = d.norms_weight * sovereignty[s];
            let (security, pressure) = (&securities[s], &pressures[s]);
            let (leaning, backlash, menace) = (&leanings[s], &backlashes[s], &menaces[s]);
            let mut score = [0.0; NP];
            for p in 0..NP {
                score[p] = d.money_weight * m[p] * per_gdp
                    + (d.security_weight * (security[p] + base_security[p]) * threat
                        - prm.shocks.menace_weight * menace[p])
                    + neg_regime * pressure[p] * autocracy
                    + norms * non_interference[p]
                    + decision::domination(prm, nationalism + backlash[p], share[p], dependence)
                    + d.debt_weight * debt[p] * per_gdp
                    + d.leaning_weight * leaning[p]
                    + if is_balancer[p] { coordination } else { 0.0 };
            }
            let mut target = [0.0; NP];
            softmax(&score, d.temperature, &mut target);
            move_with(&mut alignments[s], &target, f.rate, shake);
        }
    }
    w.alignment = alignment;
}

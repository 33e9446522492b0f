//! How a state scores its patrons and its options: the decision rule.
//!
//! Each step every state scores every patron from documented components (money, security,
//! regime security, norms, fear of domination, debt leverage, the leader's leaning and, under the
//! soft-balancing lens, SCO coordination), then moves its alignment part of the way toward the
//! softmax of those scores. Discrete choices (keep or evict a base, take a loan) reuse the same
//! weights, so one parameter set drives both. docs/model.md writes out each formula.
//!
//! The rule sits behind [`DecisionRule`] so that other IR theories can plug in; [`Lens`] names the
//! rules a scenario can choose.

use crate::engine::lookups::Lookups;
use crate::params::Params;
use crate::scenario::Scenario;
use crate::scenario::world::MAX_PATRONS;
use crate::scenario::world::{BaseStatus, ScoStatus, World};

/// The parts of one state's score for one patron, in score points.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Components {
    /// Money (trade value, aid, rent, goodwill from grants and credit, energy and transit income)
    /// as a share of GDP, times `decision.money_weight`.
    pub money: f64,
    /// Security provided (ties and bases) times the threat the state faces.
    pub security: f64,
    /// Minus the patron's pressure on the regime times autocracy.
    pub regime: f64,
    /// Shared sovereignty / non-interference norms.
    pub norms: f64,
    /// Minus fear of domination once this patron's share of the state's external money is too large.
    pub domination: f64,
    /// Creditor's leverage: debt owed to the patron relative to GDP.
    pub debt: f64,
    /// The leader's own leaning.
    pub leaning: f64,
    /// The pull of the balancers' coordination (soft-balancing lens): partnership times the
    /// state's engagement (SCO membership and the joint actions it has witnessed).
    pub coordination: f64,
}

impl Components {
    /// Sum of all parts.
    pub fn total(&self) -> f64 {
        self.money
            + self.security
            + self.regime
            + self.norms
            + self.domination
            + self.debt
            + self.leaning
            + self.coordination
    }
}

/// A decision rule: turns the components of each patron's score into the score the state acts
/// on. Implementations must be pure functions of their inputs (determinism). The lenses in
/// `engine::decision::lenses` implement it.
pub trait DecisionRule {
    /// The score state `s` gives patron slot `p`, from its components.
    fn score(
        &self,
        sc: &Scenario,
        w: &World,
        prm: &Params,
        s: usize,
        p: usize,
        c: &Components,
    ) -> f64;
}

pub mod landscape;
pub mod lenses;
pub mod softmax;

pub use softmax::softmax;

use crate::scenario::Lens;

/// Yearly money from patron slot `p` to state `s`, billions of USD: trade value, aid, the
/// counted share of remittances, goodwill
/// spent down at its decay rate, energy and transit income, and rent plus tied aid of the
/// patron's open bases on the state's soil; less the share third states forgo under secondary
/// sanctions on the patron.
pub fn money_bn(sc: &Scenario, w: &World, prm: &Params, s: usize, p: usize) -> f64 {
    let k = w.ix(s, p);
    let mut m = flows_bn(
        prm,
        goodwill_rate(prm),
        [
            w.trade[k],
            w.aid[k],
            w.remittances[k],
            w.goodwill[k],
            w.energy_income[k],
            w.project_income[k],
        ],
    );
    let patron_actor = sc.patrons[p];
    let bases =
        (0..sc.bases.len()).filter(|&b| sc.bases[b].host == s && sc.bases[b].user == patron_actor);
    for rent in bases.filter_map(|b| open_base_money(w, b)) {
        m += rent;
    }
    m * (1.0 - w.money_discount[p])
}

/// [`money_bn`] from every patron to state `s`, with the bases looked up, into `out` (one entry
/// per patron slot).
#[inline(always)]
pub fn money_row(w: &World, prm: &Params, lk: &Lookups, s: usize, out: &mut [f64]) {
    let rate = goodwill_rate(prm);
    // The row's length, not `w.np`: a caller that knows the number of patrons at compile time
    // gets loops the compiler unrolls, without bounds checks.
    let np = out.len();
    debug_assert_eq!(np, w.np);
    let (trade, aid) = (row(&w.trade, s, np), row(&w.aid, s, np));
    let (remittances, goodwill) = (row(&w.remittances, s, np), row(&w.goodwill, s, np));
    let (energy, projects) = (row(&w.energy_income, s, np), row(&w.project_income, s, np));
    for (p, m) in out.iter_mut().enumerate() {
        let mut x = flows_bn(
            prm,
            rate,
            [
                trade[p],
                aid[p],
                remittances[p],
                goodwill[p],
                energy[p],
                projects[p],
            ],
        );
        if lk.hosts_bases[s] {
            for &b in lk.bases_of(s * np + p) {
                if let Some(rent) = open_base_money(w, b) {
                    x += rent;
                }
            }
        }
        // Secondary sanctions on the patron: third states forgo part of its money.
        *m = x * (1.0 - w.money_discount[p]);
    }
}

/// The money of one pair before bases, billions of USD a year, from its trade, aid,
/// remittances, goodwill stock, energy income and income from completed infrastructure projects
/// (in that order).
#[inline(always)]
pub(crate) fn flows_bn(
    prm: &Params,
    goodwill_rate: f64,
    [trade, aid, remittances, goodwill, energy, projects]: [f64; 6],
) -> f64 {
    let d = &prm.decision;
    trade * d.trade_value
        + aid
        + remittances * d.remittance_value
        + goodwill * goodwill_rate
        + energy
        + projects
}

/// Yearly worth of a goodwill stock, per billion: it is spent down at its decay rate.
pub(crate) fn goodwill_rate(prm: &Params) -> f64 {
    std::f64::consts::LN_2 / prm.loans.transfer_half_life_years
}

/// Actor `a`'s row of a per-pair vector (`np` entries). Sliced as `[a * np..][..np]` so that the
/// row's length is `np` itself: when `np` is a compile-time constant the compiler knows it, and
/// drops the bounds checks of the loops over the row.
#[inline(always)]
pub fn row(v: &[f64], a: usize, np: usize) -> &[f64] {
    &v[a * np..][..np]
}

/// [`row`], mutable.
#[inline(always)]
pub fn row_mut(v: &mut [f64], a: usize, np: usize) -> &mut [f64] {
    &mut v[a * np..][..np]
}

/// Yearly rent plus tied aid of base `b`, billions of USD, unless it is closed (a base under a
/// closure order still pays).
#[inline(always)]
pub(crate) fn open_base_money(w: &World, b: usize) -> Option<f64> {
    let state = &w.bases[b];
    (state.status != BaseStatus::Closed).then(|| (state.rent_musd + state.user_aid_musd) / 1000.0)
}

/// Security a patron's open bases on the state's soil provide, 0–1 each.
pub fn base_security(sc: &Scenario, w: &World, s: usize, p: usize) -> f64 {
    let patron_actor = sc.patrons[p];
    let bases =
        (0..sc.bases.len()).filter(|&b| sc.bases[b].host == s && sc.bases[b].user == patron_actor);
    open_base_security(sc, w, bases)
}

/// Sum of the security values of the open bases among `bases`.
#[inline(always)]
pub(crate) fn open_base_security(
    sc: &Scenario,
    w: &World,
    bases: impl Iterator<Item = usize>,
) -> f64 {
    bases
        .filter(|&b| w.bases[b].status != BaseStatus::Closed)
        .map(|b| sc.bases[b].security_value)
        .sum()
}

/// Exposure of state `s` to each patron: that patron's share of the state's external money plus
/// debt service (debt over the default term). Writes the shares into `out[..np]` and returns the
/// total (money plus debt service, billions of USD a year).
pub fn exposure(
    w: &World,
    prm: &Params,
    s: usize,
    money: &[f64],
    out: &mut [f64; MAX_PATRONS],
) -> f64 {
    exposure_row(w, prm, s, &money[..w.np], out)
}

/// [`exposure`] for `money` with one entry per patron slot.
#[inline(always)]
pub(crate) fn exposure_row(
    w: &World,
    prm: &Params,
    s: usize,
    money: &[f64],
    out: &mut [f64; MAX_PATRONS],
) -> f64 {
    let np = money.len();
    let debt = row(&w.debt, s, np);
    let per_year = 1.0 / prm.loans.term_years;
    let mut total = 0.0;
    for p in 0..np {
        out[p] = money[p] + debt[p] * per_year;
        total += out[p];
    }
    let inv = if total > 0.0 { 1.0 / total } else { 0.0 };
    for x in out.iter_mut().take(np) {
        *x *= inv;
    }
    total
}

/// Penalty for fear of domination toward patron `p` of state `s`, whose exposure to `p` is
/// `share` of a total external exposure of `total_bn` a year (both from [`exposure`]).
pub fn domination_penalty(
    w: &World,
    prm: &Params,
    s: usize,
    p: usize,
    share: f64,
    total_bn: f64,
) -> f64 {
    let nationalism = w.nationalism[s] + w.backlash[w.ix(s, p)];
    // Over GDP as the alignment pass divides (times the reciprocal), so both give the same bits.
    domination(prm, nationalism, share, total_bn * (1.0 / w.gdp[s]))
}

/// [`domination_penalty`] of a state whose nationalism toward the patron (its own plus any
/// backlash) is `nationalism` and whose external exposure is `dependence` of its GDP.
///
/// Hirschman's (1945) influence effect of trade grows with both the concentration of a state's
/// external economy on one partner and the weight of that economy in the state's own: the
/// penalty is `weight * nationalism * dependence * excess^2 / (1 - threshold)`, with `excess` the
/// share above the threshold. Its marginal cost per unit of the patron's money (per GDP) grows
/// from 0 at the threshold to at most `weight * nationalism * (1 - threshold)` when the patron
/// supplies everything, so extra money from a patron attracts the state whenever
/// `money_weight > weight * nationalism * (1 - threshold)`, at every level of dependence.
#[inline(always)]
pub(crate) fn domination(prm: &Params, nationalism: f64, share: f64, dependence: f64) -> f64 {
    let d = &prm.decision;
    let excess = (share - d.domination_threshold).max(0.0);
    let room = (1.0 - d.domination_threshold).max(1e-9);
    // The weight over the room is the same for every state and patron: one division, which the
    // compiler lifts out of the loops over patrons.
    -(d.domination_weight / room) * nationalism * dependence * excess * excess
}

/// Mean partnership among the balancers (1 when there is only one).
pub fn balancer_partnership(sc: &Scenario, w: &World) -> f64 {
    let b = &sc.balancers;
    let mut sum = 0.0;
    let mut count = 0;
    for i in 0..b.len() {
        for j in i + 1..b.len() {
            sum += w.partnership_of(b[i], b[j]);
            count += 1;
        }
    }
    if count == 0 { 1.0 } else { sum / count as f64 }
}

/// The score components of state `s` for every patron, with the scenario's lookups built and
/// the balancers' mean partnership ([`balancer_partnership`]) computed by the caller, once for
/// every state of a step.
#[allow(clippy::too_many_arguments)]
pub fn components_with(
    sc: &Scenario,
    lk: &Lookups,
    w: &World,
    prm: &Params,
    s: usize,
    money: &[f64],
    partnership: f64,
    out: &mut [Components; MAX_PATRONS],
) {
    let terms = StateTerms::new(
        sc.lens_of(s),
        sc,
        lk,
        w,
        prm,
        s,
        &money[..w.np],
        partnership,
    );
    for (p, out) in out.iter_mut().enumerate().take(w.np) {
        *out = terms.components(p);
    }
}

/// What state `s`'s components need, read once per state: its own attributes, its rows of the
/// per-pair quantities, its exposure to each patron and the security of each patron's bases on
/// its soil. [`StateTerms::components`] then gives the components for one patron.
pub struct StateTerms<'a> {
    prm: &'a Params,
    /// One over the state's GDP (multiplied: cheaper than dividing by it for every patron).
    per_gdp: f64,
    threat: f64,
    coordination: f64,
    autocracy: f64,
    sovereignty: f64,
    nationalism: f64,
    money: &'a [f64],
    security: &'a [f64],
    pressure: &'a [f64],
    debt: &'a [f64],
    leaning: &'a [f64],
    backlash: &'a [f64],
    menace: &'a [f64],
    share: [f64; MAX_PATRONS],
    /// External exposure (money plus debt service) over GDP.
    dependence: f64,
    base_security: [f64; MAX_PATRONS],
    non_interference: &'a [f64],
    is_balancer: &'a [bool; MAX_PATRONS],
}

impl<'a> StateTerms<'a> {
    /// The terms of state `s`, whose money from each patron is `money` (one entry per patron
    /// slot, from [`money_bn`]), read under `lens` (the coordination term counts only under soft
    /// balancing); `partnership` is [`balancer_partnership`].
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        lens: Lens,
        sc: &Scenario,
        lk: &'a Lookups,
        w: &'a World,
        prm: &'a Params,
        s: usize,
        money: &'a [f64],
        partnership: f64,
    ) -> StateTerms<'a> {
        let d = &prm.decision;
        let np = money.len();
        debug_assert_eq!(np, w.np);
        let mut share = [0.0; MAX_PATRONS];
        let total = exposure_row(w, prm, s, money, &mut share);
        let per_gdp = 1.0 / w.gdp[s];
        // Soft balancing (Pape 2005; Paul 2005): the state responds to the balancers'
        // coordination — their partnership — as far as it is engaged in it: through the SCO, and
        // through the joint actions it has witnessed (`engine::mechanisms::concert`).
        let coordination = if lens == Lens::SoftBalancing {
            let member = if w.sco[s] == ScoStatus::Member {
                1.0
            } else {
                0.0
            };
            d.sco_weight * partnership * (member + prm.lenses.concert_weight * w.concert[s])
        } else {
            0.0
        };
        // The empty sum is -0.0, as for a patron without bases here: adding it changes nothing.
        let mut base_security = [-0.0; MAX_PATRONS];
        if lk.hosts_bases[s] {
            for (p, x) in base_security.iter_mut().enumerate().take(np) {
                *x = open_base_security(sc, w, lk.bases_of(s * np + p).iter().copied());
            }
        }
        StateTerms {
            prm,
            per_gdp,
            threat: w.threat(s),
            coordination,
            autocracy: w.autocracy[s],
            sovereignty: w.sovereignty[s],
            nationalism: w.nationalism[s],
            money,
            security: row(&w.security, s, np),
            pressure: row(&w.pressure, s, np),
            debt: row(&w.debt, s, np),
            leaning: row(&w.leaning, s, np),
            backlash: row(&w.backlash, s, np),
            menace: row(&w.menace, s, np),
            share,
            dependence: total * per_gdp,
            base_security,
            non_interference: &w.non_interference,
            is_balancer: &lk.is_balancer,
        }
    }

    /// The components of the state's score for patron slot `p`.
    #[inline(always)]
    pub fn components(&self, p: usize) -> Components {
        let d = &self.prm.decision;
        Components {
            money: d.money_weight * self.money[p] * self.per_gdp,
            security: d.security_weight * (self.security[p] + self.base_security[p]) * self.threat
                - self.prm.shocks.menace_weight * self.menace[p],
            regime: -d.regime_weight * self.pressure[p] * self.autocracy,
            norms: d.norms_weight * self.sovereignty * self.non_interference[p],
            domination: domination(
                self.prm,
                self.nationalism + self.backlash[p],
                self.share[p],
                self.dependence,
            ),
            debt: d.debt_weight * self.debt[p] * self.per_gdp,
            leaning: d.leaning_weight * self.leaning[p],
            coordination: if self.is_balancer[p] {
                self.coordination
            } else {
                0.0
            },
        }
    }
}

/// The alignment state `s` favours (the softmax of its scores) under `lens` (the state's), with the scenario's lookups built and the balancers'
/// mean partnership ([`balancer_partnership`]) computed by the caller, once for every state of a
/// step; `money` has one entry per patron slot. A caller that passes the lens as a constant gets
/// the rule resolved at compile time.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub fn favoured_with(
    lens: Lens,
    sc: &Scenario,
    lk: &Lookups,
    w: &World,
    prm: &Params,
    s: usize,
    money: &[f64],
    partnership: f64,
    out: &mut [f64],
) {
    let np = money.len();
    let terms = StateTerms::new(lens, sc, lk, w, prm, s, money, partnership);
    let mut scores = [0.0; MAX_PATRONS];
    for (p, score) in scores.iter_mut().enumerate().take(np) {
        *score = lens.score(sc, w, prm, s, p, &terms.components(p));
    }
    softmax(&scores[..np], prm.decision.temperature, &mut out[..np]);
}

/// Updates what each patron does for or to state `s` (money, security, regime pressure and debt,
/// in score points: the components a patron's actions move) and the volatility of that
/// behaviour: `v ← v · keep + (1 − keep) · |change| / dt`, a moving average of its yearly change
/// with memory `keep` per step. The first step only records the behaviour. Used by the hedging
/// lens (Kuik 2008: hedging answers uncertainty about what the powers will do).
#[allow(clippy::too_many_arguments)]
pub fn track_behaviour(
    sc: &Scenario,
    lk: &Lookups,
    w: &mut World,
    prm: &Params,
    s: usize,
    money: &[f64],
    partnership: f64,
    keep: f64,
    dt: f64,
) {
    let np = money.len();
    let mut now = [0.0; MAX_PATRONS];
    {
        let terms = StateTerms::new(sc.lens_of(s), sc, lk, w, prm, s, money, partnership);
        for (p, b) in now.iter_mut().enumerate().take(np) {
            let c = terms.components(p);
            *b = c.money + c.security + c.regime + c.debt;
        }
    }
    for (p, &b) in now.iter().enumerate().take(np) {
        let k = s * np + p;
        let last = w.behaviour[k];
        if last.is_finite() {
            w.volatility[k] = w.volatility[k] * keep + (1.0 - keep) * (b - last).abs() / dt;
        }
        w.behaviour[k] = b;
    }
}

/// Sets the alignment of each state in `states` to the alignment it favours in `w` (states a
/// scenario gives no starting alignment begin where their own scores point). The scores are read
/// from an even spread, so a lens that looks at the current alignment (hedging) starts from the
/// same point whichever way the run was set up.
pub fn start_from_scores(sc: &Scenario, w: &mut World, prm: &Params, states: &[usize]) {
    if states.is_empty() {
        return;
    }
    let lk = Lookups::new(sc);
    let np = w.np;
    for &s in states {
        w.alignment[s * np..(s + 1) * np].fill(1.0 / np as f64);
        let mut money = [0.0; MAX_PATRONS];
        money_row(w, prm, &lk, s, &mut money[..np]);
        let mut target = [0.0; MAX_PATRONS];
        let partnership = balancer_partnership(sc, w);
        favoured_with(
            sc.start_lens_of(s),
            sc,
            &lk,
            w,
            prm,
            s,
            &money[..np],
            partnership,
            &mut target,
        );
        w.alignment[s * np..(s + 1) * np].copy_from_slice(&target[..np]);
    }
}

/// For each state the scenario gives a starting alignment (in actor order), the alignment its
/// scores favour in the starting world, where [`start_from_scores`] would start it if it were
/// given none: from the first step the state moves from the one toward the other, whatever
/// happens, so a large gap shows as a move in the first years that no event causes.
pub fn favoured_at_start(sc: &Scenario) -> Vec<(usize, Vec<f64>)> {
    let mut w = sc.initial.clone();
    start_from_scores(sc, &mut w, &sc.params, &sc.score_start);
    let given: Vec<usize> = Lookups::new(sc)
        .states
        .into_iter()
        .filter(|s| !sc.score_start.contains(s))
        .collect();
    let mut favoured = w.clone();
    start_from_scores(sc, &mut favoured, &sc.params, &given);
    let np = w.np;
    given
        .into_iter()
        .map(|s| (s, row(&favoured.alignment, s, np).to_vec()))
        .collect()
}

/// Power of an actor: the geometric mean of GDP and military spending, billions of USD.
/// Military spending is taken to keep its initial share of GDP, so power grows with the economy.
pub fn power(sc: &Scenario, w: &World, a: usize) -> f64 {
    let military = sc.actors[a].military_bn * w.gdp[a] / sc.initial.gdp[a];
    (w.gdp[a] * military).sqrt()
}

#[cfg(test)]
mod tests;

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

use crate::params::Params;
use crate::scenario::Scenario;
use crate::world::{BaseStatus, ScoStatus, World};

/// Most patrons a scenario may have (alignment rows live in fixed-size arrays on the stack, so
/// the step loop allocates nothing).
pub const MAX_PATRONS: usize = 8;

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
    /// SCO coordination bonus for the balancers (soft-balancing lens).
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
/// [`crate::lenses`] implement it.
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

pub use crate::lenses::Lens;

/// Yearly money from patron slot `p` to state `s`, billions of USD: trade value, aid, the
/// counted share of remittances, goodwill
/// spent down at its decay rate, energy and transit income, and rent plus tied aid of the
/// patron's open bases on the state's soil.
pub fn money_bn(sc: &Scenario, w: &World, prm: &Params, s: usize, p: usize) -> f64 {
    let k = w.ix(s, p);
    let goodwill_rate = std::f64::consts::LN_2 / prm.loans.transfer_half_life_years;
    let mut m = w.trade[k] * prm.decision.trade_value
        + w.aid[k]
        + w.remittances[k] * prm.decision.remittance_value
        + w.goodwill[k] * goodwill_rate
        + w.energy_income[k];
    let patron_actor = sc.patrons[p];
    for (info, state) in sc.bases.iter().zip(&w.bases) {
        if info.host == s && info.user == patron_actor && state.status != BaseStatus::Closed {
            m += (state.rent_musd + state.user_aid_musd) / 1000.0;
        }
    }
    m
}

/// Security a patron's open bases on the state's soil provide, 0–1 each.
pub fn base_security(sc: &Scenario, w: &World, s: usize, p: usize) -> f64 {
    let patron_actor = sc.patrons[p];
    sc.bases
        .iter()
        .zip(&w.bases)
        .filter(|(info, st)| {
            info.host == s && info.user == patron_actor && st.status != BaseStatus::Closed
        })
        .map(|(info, _)| info.security_value)
        .sum()
}

/// Exposure of state `s` to each patron: that patron's share of the state's external money plus
/// debt service (debt over the default term). Writes into `out[..np]`.
pub fn exposure(w: &World, prm: &Params, s: usize, money: &[f64], out: &mut [f64; MAX_PATRONS]) {
    let np = w.np;
    let mut total = 0.0;
    for p in 0..np {
        out[p] = money[p] + w.debt[w.ix(s, p)] / prm.loans.term_years;
        total += out[p];
    }
    for x in out.iter_mut().take(np) {
        *x = if total > 0.0 { *x / total } else { 0.0 };
    }
}

/// Penalty for fear of domination at exposure `share` toward patron `p`.
pub fn domination_penalty(w: &World, prm: &Params, s: usize, p: usize, share: f64) -> f64 {
    let d = &prm.decision;
    let nationalism = w.nationalism[s] + w.backlash[w.ix(s, p)];
    -d.domination_weight * nationalism * (share - d.domination_threshold).max(0.0)
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

/// The components of state `s`'s score for every patron. `money` holds the state's yearly money
/// from each patron (from [`money_bn`]).
pub fn components(
    sc: &Scenario,
    w: &World,
    prm: &Params,
    s: usize,
    money: &[f64],
    out: &mut [Components; MAX_PATRONS],
) {
    let d = &prm.decision;
    let gdp = w.gdp[s];
    let threat = w.threat(s);
    let mut share = [0.0; MAX_PATRONS];
    exposure(w, prm, s, money, &mut share);
    let coordination =
        if w.sco[s] == ScoStatus::Member && sc.lens_of(s) == crate::decision::Lens::SoftBalancing {
            d.sco_weight * balancer_partnership(sc, w)
        } else {
            0.0
        };
    for p in 0..w.np {
        let k = w.ix(s, p);
        let patron = &sc.actors[sc.patrons[p]];
        out[p] = Components {
            money: d.money_weight * money[p] / gdp,
            security: d.security_weight * (w.security[k] + base_security(sc, w, s, p)) * threat,
            regime: -d.regime_weight * w.pressure[k] * w.autocracy[s],
            norms: d.norms_weight * w.sovereignty[s] * patron.non_interference,
            domination: domination_penalty(w, prm, s, p, share[p]),
            debt: d.debt_weight * w.debt[k] / gdp,
            leaning: d.leaning_weight * w.leaning[k],
            coordination: if sc.balancers.contains(&p) {
                coordination
            } else {
                0.0
            },
        };
    }
}

/// The alignment state `s` favours now: the softmax (at `decision.temperature`) of its scores
/// for each patron under its lens. `money` holds its yearly money from each patron.
pub fn favoured(sc: &Scenario, w: &World, prm: &Params, s: usize, money: &[f64], out: &mut [f64]) {
    let np = w.np;
    let mut comps = [Components::default(); MAX_PATRONS];
    components(sc, w, prm, s, money, &mut comps);
    let lens = sc.lens_of(s);
    let mut scores = [0.0; MAX_PATRONS];
    for p in 0..np {
        scores[p] = lens.score(sc, w, prm, s, p, &comps[p]);
    }
    softmax(&scores[..np], prm.decision.temperature, &mut out[..np]);
}

/// Sets the alignment of each state in `states` to the alignment it favours in `w` (states a
/// scenario gives no starting alignment begin where their own scores point). The scores are read
/// from an even spread, so a lens that looks at the current alignment (hedging) starts from the
/// same point whichever way the run was set up.
pub fn start_from_scores(sc: &Scenario, w: &mut World, prm: &Params, states: &[usize]) {
    let np = w.np;
    for &s in states {
        w.alignment[s * np..(s + 1) * np].fill(1.0 / np as f64);
        let mut money = [0.0; MAX_PATRONS];
        for (p, m) in money.iter_mut().enumerate().take(np) {
            *m = money_bn(sc, w, prm, s, p);
        }
        let mut target = [0.0; MAX_PATRONS];
        favoured(sc, w, prm, s, &money[..np], &mut target);
        w.alignment[s * np..(s + 1) * np].copy_from_slice(&target[..np]);
    }
}

/// Softmax of `scores[..n]` at temperature `t`, into `out`.
pub fn softmax(scores: &[f64], t: f64, out: &mut [f64]) {
    let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut sum = 0.0;
    for (o, &x) in out.iter_mut().zip(scores) {
        *o = ((x - max) / t).exp();
        sum += *o;
    }
    for o in out.iter_mut().take(scores.len()) {
        *o /= sum;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_sums_to_one_and_orders_like_scores() {
        let mut out = [0.0; 3];
        softmax(&[0.1, 0.5, 0.2], 0.35, &mut out);
        assert!((out.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(out[1] > out[2] && out[2] > out[0]);
    }
}

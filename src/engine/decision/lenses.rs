//! Theory lenses: the decision rules a class can compare.
//!
//! Every lens starts from the same interests — the components of `engine::decision` (money,
//! security, regime security, norms, fear of domination, debt leverage, the leader's leaning) —
//! and adds what its theory says matters most. The soft-balancing lens adds SCO coordination
//! (computed in the components, for SCO members only). docs/theory.md gives each lens's idea,
//! formula, sources and predictions for Central Asia. Parameters: the `lenses` section.
//!
//! Only the alignment rule goes through the lens; base, loan, energy and enlargement decisions use
//! the shared scores of their mechanisms whatever the lens.

use crate::engine::decision::{Components, DecisionRule, power};
use crate::params::Params;
use crate::scenario::world::World;
use crate::scenario::{Lens, Scenario};

/// Patron slot `p`'s share of the patrons' combined power.
pub fn power_share(sc: &Scenario, w: &World, p: usize) -> f64 {
    let total: f64 = sc.patrons.iter().map(|&a| power(sc, w, a)).sum();
    if total > 0.0 {
        power(sc, w, sc.patrons[p]) / total
    } else {
        0.0
    }
}

/// How threatening patron slot `p` is to state `s` (balance of threat): power share x
/// (1 + proximity if it borders the state) x (1 + hostile intentions), where intentions are the
/// patron's pressure on the regime, the standing rivalry between them and the leader's dislike.
pub fn threat(sc: &Scenario, w: &World, prm: &Params, s: usize, p: usize) -> f64 {
    let k = w.ix(s, p);
    let patron = sc.patrons[p];
    let near = if sc.actors[s].neighbours.contains(&patron) {
        prm.lenses.proximity
    } else {
        0.0
    };
    let intentions = w.pressure[k] + (-sc.relation(s, patron)).max(0.0) + (-w.leaning[k]).max(0.0);
    power_share(sc, w, p) * (1.0 + near) * (1.0 + intentions)
}

impl DecisionRule for Lens {
    // Inlined into the step loop, where the soft-balancing score is just the components' total.
    #[inline(always)]
    fn score(
        &self,
        sc: &Scenario,
        w: &World,
        prm: &Params,
        s: usize,
        p: usize,
        c: &Components,
    ) -> f64 {
        let l = &prm.lenses;
        let even = 1.0 / w.np as f64;
        match self {
            Lens::SoftBalancing => c.total(),
            Lens::BalanceOfPower => c.total() - l.power_weight * (power_share(sc, w, p) - even),
            Lens::Bandwagoning => c.total() + l.power_weight * (power_share(sc, w, p) - even),
            Lens::BalanceOfThreat => c.total() - l.threat_weight * threat(sc, w, prm, s, p),
            Lens::Omnibalancing => c.total() + (l.regime_multiplier - 1.0) * (c.regime + c.leaning),
            Lens::Hedging => c.total() - l.hedging_weight * (w.alignment[w.ix(s, p)] - even),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::mechanisms::testkit;

    #[test]
    fn names_round_trip() {
        for name in Lens::names() {
            assert_eq!(Lens::parse(name).unwrap().name(), *name);
        }
        assert_eq!(Lens::all().len(), Lens::names().len());
        assert!(Lens::parse("realism").is_none());
    }

    /// Final share of KGZ toward each patron in the lens test world under `lens`.
    fn final_shares(lens: Lens) -> Vec<f64> {
        final_shares_with(lens, 2.0)
    }

    /// The same, with China's trade with the state set to `chn_trade_bn`.
    fn final_shares_with(lens: Lens, chn_trade_bn: f64) -> Vec<f64> {
        let mut kit = testkit::lens_world();
        crate::scenario::keys::set(&mut kit.sc, "ties.KGZ.CHN.trade_bn", chn_trade_bn).unwrap();
        kit.world = kit.sc.initial.clone();
        kit.sc.set_lens(lens);
        kit.run_months(10 * 12);
        let s = kit.sc.actor_index("KGZ").unwrap();
        kit.world.alignment_of(s).to_vec()
    }

    // In the test world the US is the strongest patron; Russia, as strong as China, borders the
    // state and presses its regime, so it is the most threatening; the state starts evenly
    // aligned.

    #[test]
    fn bandwagoning_moves_toward_the_strongest_and_balance_of_power_away() {
        let base = final_shares(Lens::SoftBalancing);
        let band = final_shares(Lens::Bandwagoning);
        let bop = final_shares(Lens::BalanceOfPower);
        assert!(
            band[0] > base[0] + 0.05,
            "bandwagoning {band:?} vs {base:?}"
        );
        assert!(
            bop[0] < base[0] - 0.05,
            "balance of power {bop:?} vs {base:?}"
        );
    }

    #[test]
    fn balance_of_threat_moves_away_from_the_near_hostile_patron() {
        let base = final_shares(Lens::SoftBalancing);
        let bot = final_shares(Lens::BalanceOfThreat);
        assert!(
            bot[1] < base[1] - 0.05,
            "balance of threat {bot:?} vs {base:?}"
        );
    }

    #[test]
    fn omnibalancing_puts_regime_pressure_first() {
        let base = final_shares(Lens::SoftBalancing);
        let omni = final_shares(Lens::Omnibalancing);
        assert!(
            omni[1] < base[1] - 0.05,
            "omnibalancing {omni:?} vs {base:?}"
        );
    }

    #[test]
    fn hedging_keeps_the_spread_wider() {
        let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
        // China's money is three times the others': the interests alone concentrate on China.
        let base = final_shares_with(Lens::SoftBalancing, 6.0);
        let hedge = final_shares_with(Lens::Hedging, 6.0);
        assert!(
            max(&hedge) < max(&base) - 0.03,
            "hedging {hedge:?} vs {base:?}"
        );
    }
}

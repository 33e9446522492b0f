//! Membership of the Eurasian Economic Union (EEU): what joining does beyond a loan's condition.
//!
//! A state joins in a run by accepting credit conditional on joining (`engine::mechanisms::loans`).
//! Joining moves its ties at once, through the two things the union is (Treaty on the Eurasian
//! Economic Union, Astana, 29 May 2014):
//!
//! - **the customs union** (Part Two, Section VII: the common external tariff): trade with each
//!   patron inside the union grows by `loans.eeu_trade_creation`, and trade with each patron
//!   outside falls by `loans.eeu_trade_diversion` — the common tariff is higher than the tariffs
//!   of the Central Asian joiners, so imports from China are diverted toward Russia (Isakova,
//!   Koczan and Plekhanov 2016 found such diversion in Kazakhstan's imports after the 2010
//!   customs union);
//! - **the common labour market** (Article 97: members' workers need no work permit): remittances
//!   from each patron inside the union grow by `loans.eeu_migration_gain`, deepening the state's
//!   dependence on it.
//!
//! States that are members at a scenario's start already carry these effects in their ties; they
//! are applied only on joining. No state leaves the union in the model (none has left; the
//! treaty's Article 118 lets one withdraw), so a cost of leaving has nothing to act on; a
//! member's stake in staying is the trade and remittances above, which its scores already count.

use crate::params::Params;
use crate::scenario::Scenario;
use crate::scenario::world::World;

/// State `s` joins the EEU: it becomes a member and its trade and remittances move.
pub fn join(sc: &Scenario, prm: &Params, w: &mut World, s: usize) {
    if w.eeu[s] {
        return;
    }
    w.eeu[s] = true;
    let l = &prm.loans;
    for (p, &patron) in sc.patrons.iter().enumerate() {
        let k = w.ix(s, p);
        if w.eeu[patron] {
            w.trade[k] *= 1.0 + l.eeu_trade_creation;
            w.remittances[k] *= 1.0 + l.eeu_migration_gain;
        } else {
            w.trade[k] *= (1.0 - l.eeu_trade_diversion).max(0.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::mechanisms::testkit;
    use crate::scenario::world::World;

    /// Kyrgyzstan offered $10bn of Russian credit conditional on joining the EEU (Russia a
    /// member), with remittances from Russia; the world after two months.
    fn after(
        join: bool,
        tweak: impl Fn(&mut crate::params::Params),
    ) -> (World, usize, usize, usize) {
        let condition = if join { "join = \"EEU\"" } else { "" };
        let mut kit = testkit::loan_world("RUS", 10.0, condition, 0.0);
        let rus = kit.sc.actor_index("RUS").unwrap();
        kit.sc.initial.eeu[rus] = true;
        let kgz = kit.sc.actor_index("KGZ").unwrap();
        let k = kit.sc.initial.ix(kgz, 1);
        kit.sc.initial.remittances[k] = 2.0;
        tweak(&mut kit.sc.params);
        kit.run_months(2);
        assert_eq!(kit.world.eeu[kgz], join);
        (kit.world, kgz, 1, 2)
    }

    #[test]
    fn joining_the_customs_union_pulls_trade_toward_russia_and_away_from_china() {
        let (with, s, rus, chn) = after(true, |_| {});
        let (without, ..) = after(false, |_| {});
        assert!(with.trade[with.ix(s, rus)] > without.trade[without.ix(s, rus)]);
        assert!(with.trade[with.ix(s, chn)] < without.trade[without.ix(s, chn)]);
    }

    #[test]
    fn the_common_labour_market_raises_remittances_from_russia() {
        let (with, s, rus, chn) = after(true, |_| {});
        let (without, ..) = after(false, |_| {});
        assert!(with.remittances[with.ix(s, rus)] > without.remittances[without.ix(s, rus)]);
        assert_eq!(
            with.remittances[with.ix(s, chn)],
            without.remittances[without.ix(s, chn)]
        );
    }

    #[test]
    fn each_effect_alone_raises_the_share_toward_russia() {
        let share = |join: bool, trade: bool, migration: bool| {
            let (w, s, rus, _) = after(join, |p| {
                if !trade {
                    p.loans.eeu_trade_creation = 0.0;
                    p.loans.eeu_trade_diversion = 0.0;
                }
                if !migration {
                    p.loans.eeu_migration_gain = 0.0;
                }
            });
            w.alignment_of(s)[rus]
        };
        let none = share(true, false, false);
        assert!(share(true, true, false) > none);
        assert!(share(true, false, true) > none);
    }
}

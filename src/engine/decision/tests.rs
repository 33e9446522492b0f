//! Tests of the decision rule: the looked-up scores match their definitions bit for bit, and
//! money never repels.

use super::*;
use crate::date::YearMonth;
use crate::engine;
use crate::engine::record::{Indices, LogEntry, Observer};
use crate::scenario::synthetic;

/// Keeps the world of every step.
struct Snapshots(Vec<World>);

impl Observer for Snapshots {
    fn observe(&mut self, _: usize, _: YearMonth, w: &World, _: &Indices) {
        self.0.push(w.clone());
    }
    fn log(&mut self, _: LogEntry) {}
}

#[test]
fn the_looked_up_money_and_components_match_their_definitions_bit_for_bit() {
    // Many bases, closures and deals: 40 states over 10 years.
    let sc = synthetic::scenario(40, 10, 3);
    let lk = Lookups::new(&sc);
    let mut snaps = Snapshots(Vec::new());
    engine::run(&sc, &sc.params, 4, 0, &mut snaps);
    let (prm, d) = (&sc.params, &sc.params.decision);
    let np = sc.patrons.len();
    for w in snaps.0.iter().step_by(5) {
        let partnership = balancer_partnership(&sc, w);
        for s in sc.states() {
            let mut row = vec![0.0; np];
            money_row(w, prm, &lk, s, &mut row);
            let money: Vec<f64> = (0..np).map(|p| money_bn(&sc, w, prm, s, p)).collect();
            assert_eq!(
                row.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                money.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
            );
            let mut share = [0.0; MAX_PATRONS];
            let total = exposure(w, prm, s, &money, &mut share);
            let terms = StateTerms::new(sc.lens_of(s), &sc, &lk, w, prm, s, &row, partnership);
            let member = w.sco[s] == ScoStatus::Member;
            let soft = sc.lens_of(s) == crate::scenario::Lens::SoftBalancing;
            for p in 0..np {
                // Each component as docs/model.md writes it, with the scenario scanned (dividing
                // by GDP as the engine does: multiplying by its reciprocal).
                let k = w.ix(s, p);
                let per_gdp = 1.0 / w.gdp[s];
                let want = Components {
                    money: d.money_weight * money[p] * per_gdp,
                    security: d.security_weight
                        * (w.security[k] + base_security(&sc, w, s, p))
                        * w.threat(s)
                        - prm.shocks.menace_weight * w.menace[k],
                    regime: -d.regime_weight * w.pressure[k] * w.autocracy[s],
                    norms: d.norms_weight * w.sovereignty[s] * w.non_interference[p],
                    domination: domination_penalty(w, prm, s, p, share[p], total),
                    debt: d.debt_weight * w.debt[k] * per_gdp,
                    leaning: d.leaning_weight * w.leaning[k],
                    coordination: if soft && sc.balancers.contains(&p) {
                        let member = if member { 1.0 } else { 0.0 };
                        d.sco_weight
                            * partnership
                            * (member + prm.lenses.concert_weight * w.concert[s])
                    } else {
                        0.0
                    },
                };
                let got = terms.components(p);
                let bits = |c: &Components| {
                    [
                        c.money,
                        c.security,
                        c.regime,
                        c.norms,
                        c.domination,
                        c.debt,
                        c.leaning,
                        c.coordination,
                    ]
                    .map(f64::to_bits)
                };
                assert_eq!(
                    bits(&got),
                    bits(&want),
                    "state {s}, patron {p}: {got:?} != {want:?}"
                );
            }
        }
    }
}

#[test]
fn softmax_sums_to_one_and_orders_like_scores() {
    let mut out = [0.0; 3];
    softmax(&[0.1, 0.5, 0.2], 0.35, &mut out);
    assert!((out.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    assert!(out[1] > out[2] && out[2] > out[0]);
    // Equal scores: equal shares.
    softmax(&[4.0, 4.0, 4.0], 0.1, &mut out);
    assert_eq!(out, [1.0 / 3.0; 3]);
}

mod money_sign {
    //! Fear of domination must not make a gift repel: the marginal effect of a patron's money on
    //! the state's score for it is positive across the range of dependence the shipped
    //! scenarios reach (and, at the default weights, everywhere).
    use super::super::*;
    use crate::date::YearMonth;
    use crate::engine;
    use crate::engine::record::{Indices, LogEntry, Observer};

    struct Snapshots(Vec<World>);

    impl Observer for Snapshots {
        fn observe(&mut self, step: usize, _: YearMonth, w: &World, _: &Indices) {
            if step.is_multiple_of(6) {
                self.0.push(w.clone());
            }
        }
        fn log(&mut self, _: LogEntry) {}
    }

    /// Money plus fear of domination of state `s` toward patron `p` with `money`.
    fn money_terms(sc: &Scenario, w: &World, s: usize, p: usize, money: &[f64]) -> f64 {
        let lk = Lookups::new(sc);
        let terms = StateTerms::new(sc.lens_of(s), sc, &lk, w, &sc.params, s, money, 1.0);
        let c = terms.components(p);
        c.money + c.domination
    }

    #[test]
    fn more_money_from_a_patron_raises_the_states_score_for_it_in_the_shipped_scenarios() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut checked = 0;
        let mut max_share: f64 = 0.0;
        for file in ["sco2001.toml", "ufa2015.toml"] {
            let sc = Scenario::load(&root.join(file)).expect("shipped scenario loads");
            let mut snaps = Snapshots(Vec::new());
            engine::run(&sc, &sc.params, sc.seed, 0, &mut snaps);
            let lk = Lookups::new(&sc);
            for w in &snaps.0 {
                for s in sc.states() {
                    let np = w.np;
                    let mut money = vec![0.0; np];
                    money_row(w, &sc.params, &lk, s, &mut money);
                    let mut share = [0.0; MAX_PATRONS];
                    exposure(w, &sc.params, s, &money, &mut share);
                    for p in 0..np {
                        max_share = max_share.max(share[p]);
                        // A gift of 1% of GDP a year, and of 0.01%.
                        for gift in [0.01, 0.0001] {
                            let mut more = money.clone();
                            more[p] += gift * w.gdp[s];
                            let before = money_terms(&sc, w, s, p, &money);
                            let after = money_terms(&sc, w, s, p, &more);
                            assert!(
                                after > before,
                                "{file}: {} toward patron {p} at share {:.2}: {before} -> {after}",
                                sc.actors[s].id,
                                share[p]
                            );
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(checked > 1000, "{checked}");
        // The runs reach high dependence on one patron, so the test covers the penalty's range.
        assert!(max_share > 0.6, "{max_share}");
    }

    #[test]
    fn at_the_default_weights_money_attracts_at_every_share_and_dependence() {
        let prm = Params::default();
        let d = &prm.decision;
        // Nationalism up to 1.0 (the most nationalist state of the shipped scenarios, 0.7, plus
        // a backlash, 0.3).
        for nat in [0.0, 0.5, 0.7, 1.0] {
            for dep in [0.001, 0.05, 0.3, 1.0, 3.0] {
                for i in 0..=100 {
                    // The patron supplies `x` of a total `dep` (per GDP); add a small gift.
                    let x = i as f64 / 100.0;
                    let gift = 1e-4;
                    let (m, total) = (x * dep, dep);
                    let score = |m: f64, total: f64| {
                        d.money_weight * m + domination(&prm, nat, m / total, total)
                    };
                    let gain = score(m + gift, total + gift) - score(m, total);
                    assert!(gain > 0.0, "nat {nat} dep {dep} share {x}: {gain}");
                }
            }
        }
        // And the bound is what the docs say: a weight above it makes a large gift repel.
        let mut strong = prm.clone();
        strong.decision.domination_weight = 1.1 * d.money_weight / (1.0 - d.domination_threshold);
        let score = |m: f64, total: f64| {
            strong.decision.money_weight * m + domination(&strong, 1.0, m / total, total)
        };
        assert!(score(0.99 + 1e-4, 1.0 + 1e-4) < score(0.99, 1.0));
    }
}

//! Partnership between the balancers (above all RUS–CHN): trust and coordination.
//!
//! Events move it at once: joint exercises (`partnership.exercise_gain` for each pair of
//! participating patrons), energy deals between them when signed (`energy.partnership_gain`),
//! sanctions on a balancer when imposed (`partnership.sanction_gain * severity` with every
//! other balancer, as much lost with the sanctioner), and credit from one to the other when paid
//! (`loans.patron_loan_gain`). Each step it also drifts, per year, by the sum of seven terms
//! (each written to `World::partnership_drift` and to `partnership.csv` for the first run):
//!
//! - **coercion** `+ coercion_gain_per_year * (coercion[a] + coercion[b])`: pressure on either
//!   balancer from another power *anywhere* — sanctions, tariffs, export controls — kept as a
//!   stock that fades with `coercion_half_life_years`. A common adversary's pressure pushes them
//!   together: Russia turned to China after the 2014 sanctions (Gabuev 2015; Ünaldılar Kocamaz
//!   2019), and US tariffs on China from 2018 preceded the 2019 "new era" partnership.
//! - **flows** `+ flow_gain_per_100bcm * (energy flowing between the two) / 100`: mutual
//!   dependence counts while the oil and gas flow, not only on the day a deal is signed.
//! - **credit** `+ credit_gain_per_year * (credit outstanding from one to the other) / borrower
//!   GDP`.
//! - **opposition** `+ opposition_gain_per_year * US influence in the region`: a shared target;
//!   the more present the leading power in the region, the more the balancers coordinate.
//! - **rivalry** `- rivalry_loss_per_year * mean over the region's states of rivalry(s)`, where
//!   `rivalry(s)` is the gap between the two balancers' shares of the state's external money
//!   (competing for the same client), times `1 - accommodation` in a state where they divide the
//!   labour — one leads in security, the other in money — rather than compete for both.
//! - **bypass** `- energy.rivalry_per_100bcm * (regional gas to one balancer avoiding the
//!   other) / 100`: the end of Russia's transit monopoly.
//! - **reversion** `- (partnership - starting level) * ln 2 / reversion_half_life_years`: the
//!   treaty-based relationship pulls the partnership back toward where the scenario starts it
//!   when nothing else moves it, so with no events and no forces it stays where it is (a test
//!   runs ufa2015 with every event removed and checks that it does not drift).
//!
//! Each force is then scaled by the room it has to act: a force that raises the partnership by
//! `1 - partnership`, one that lowers it by `partnership` (the pull back by 1), so the
//! partnership approaches 0 and 1 smoothly instead of hitting them (logistic growth). The terms
//! recorded are the scaled ones. Partnership stays within 0–1.

use crate::engine::context::Ctx;
use crate::engine::decision::row;
use crate::engine::lookups::Lookups;
use crate::engine::mechanisms::energy;
use crate::scenario::world::{PartnershipDrift, World};

/// One step of drift for every pair of balancers. `money` is yearly money per (actor, patron)
/// (read for the region's states only).
pub fn update(ctx: &mut Ctx, w: &mut World, lk: &Lookups, money: &[f64]) {
    let sc = ctx.sc;
    let prm = &ctx.prm.partnership;
    let np = w.np;
    let mut influence = 0.0;
    for &s in &lk.region_states {
        influence += w.alignment[s * np + sc.leading];
    }
    let count = lk.region_states.len();
    if count > 0 {
        influence /= count as f64;
    }
    let reversion_rate = std::f64::consts::LN_2 / prm.reversion_half_life_years;
    for (i, pair) in lk.balancer_pairs.iter().enumerate() {
        let (a, b) = (pair.a, pair.b);
        let mut rivalry = 0.0;
        for &s in &lk.region_states {
            let row = row(money, s, np);
            let total: f64 = row.iter().sum();
            if total > 0.0 {
                let gap = (row[a] - row[b]).abs() / total;
                // A division of labour: the one behind in money leads in security.
                let (sa, sb) = (w.security[s * np + a], w.security[s * np + b]);
                let divided = (row[a] - row[b]) * (sa - sb) < 0.0;
                rivalry += if divided {
                    gap * (1.0 - prm.accommodation)
                } else {
                    gap
                };
            }
        }
        if count > 0 {
            rivalry /= count as f64;
        }
        let bypass = energy::flowing_volume(ctx, w, pair.to_a.iter().copied())
            + energy::flowing_volume(ctx, w, pair.to_b.iter().copied());
        let between = energy::flowing_volume(ctx, w, pair.between.iter().copied());
        let (actor_a, actor_b) = (sc.patrons[a], sc.patrons[b]);
        let credit =
            w.debt[w.ix(actor_a, b)] / w.gdp[actor_a] + w.debt[w.ix(actor_b, a)] / w.gdp[actor_b];
        let level = w.partnership_of(a, b);
        let start = sc.initial.partnership_of(a, b);
        let drift = PartnershipDrift {
            a,
            b,
            coercion: prm.coercion_gain_per_year * (w.coercion[a] + w.coercion[b]),
            flows: prm.flow_gain_per_100bcm * between / 100.0,
            credit: prm.credit_gain_per_year * credit,
            opposition: prm.opposition_gain_per_year * influence,
            rivalry: -prm.rivalry_loss_per_year * rivalry,
            bypass: -ctx.prm.energy.rivalry_per_100bcm * bypass / 100.0,
            reversion: -(level - start) * reversion_rate,
        };
        // Room to move: the forces that raise the partnership act on what is left below 1, those
        // that lower it on what there is, so it approaches its bounds smoothly (logistic growth).
        let drift = drift.bounded(level);
        if let Some(slot) = w.partnership_drift.get_mut(i) {
            *slot = drift;
        }
        w.add_partnership(a, b, drift.total() * ctx.dt);
    }
}

#[cfg(test)]
mod tests {
    use crate::engine;
    use crate::engine::record::RunRecord;
    use crate::scenario::Scenario;

    /// ufa2015 with nothing scripted: no events, no pressure on either balancer, no random
    /// shocks or noise.
    fn unscripted() -> Scenario {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut sc = Scenario::load(&root.join("ufa2015.toml")).expect("shipped scenario");
        sc.events.clear();
        sc.initial.coercion.iter_mut().for_each(|c| *c = 0.0);
        let s = &mut sc.params.shocks;
        s.terror_rate_per_year = 0.0;
        s.regime_change_rate_per_year = 0.0;
        s.backlash_rate_per_year = 0.0;
        sc.params.decision.noise_sd = 0.0;
        sc.params.decision.decision_noise_sd = 0.0;
        sc
    }

    fn path(sc: &Scenario) -> RunRecord {
        let mut rec = RunRecord::with_capacity(sc.initial.n, sc.initial.np, sc.steps());
        engine::run(sc, &sc.params, sc.seed, 0, &mut rec);
        rec
    }

    #[test]
    fn with_nothing_scripted_the_partnership_moves_only_by_named_forces() {
        let sc = unscripted();
        let rec = path(&sc);
        let dt = sc.period.years();
        // Every step's move is the sum of the recorded terms (the decomposition explains it).
        for t in 1..rec.partnership.len() {
            let (level, drift) = rec.partnership[t];
            let moved = level - rec.partnership[t - 1].0;
            assert!((moved - drift.total() * dt).abs() < 1e-12, "step {t}");
        }
        // The pull back to the start always opposes the gap.
        for (level, drift) in &rec.partnership[1..] {
            let start = rec.partnership[0].0;
            assert!(drift.reversion * (level - start) <= 0.0);
        }
        // With no forces at all (no region, no flows, no pressure) it does not move.
        let mut still = unscripted();
        for d in &mut still.deals {
            d.volume_bcm = 0.0;
        }
        still.params.partnership.opposition_gain_per_year = 0.0;
        still.params.partnership.rivalry_loss_per_year = 0.0;
        let rec = path(&still);
        let start = rec.partnership[0].0;
        assert!(
            rec.partnership
                .iter()
                .all(|(p, _)| (p - start).abs() < 1e-12)
        );
    }

    #[test]
    fn coercion_of_a_balancer_raises_the_partnership_while_it_lasts() {
        let calm = path(&unscripted());
        let mut sc = unscripted();
        let rus = sc.patron_slot("RUS").expect("RUS is a patron");
        sc.initial.coercion[rus] = 1.0;
        let pressed = path(&sc);
        let after = |rec: &RunRecord, t: usize| rec.partnership[t].0;
        let (five_years, end) = (20, calm.partnership.len() - 1);
        assert!(after(&pressed, five_years) > after(&calm, five_years) + 0.05);
        // The stock fades: the gap grows ever more slowly.
        let gap = |t: usize| after(&pressed, t) - after(&calm, t);
        assert!(gap(end) - gap(end - 20) < gap(20) - gap(0));
    }
}

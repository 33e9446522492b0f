//! Partnership between the balancers (above all RUS–CHN): trust and coordination.
//!
//! Events move it directly: joint exercises (`partnership.exercise_gain` for each pair of
//! participating patrons), energy deals between them (`energy.partnership_gain`), sanctions on a
//! balancer by another power (`partnership.sanction_gain * severity` with every other balancer:
//! shared opposition), and credit from one to the other (`loans.patron_loan_gain`). Each step it
//! also drifts, per year:
//!
//! `+ opposition_gain_per_year * US influence in the region` (a shared target: the more present
//! the leading power, the more the balancers coordinate)
//! `- rivalry_loss_per_year * rivalry` (rivalry = mean over the region's states of the gap
//! between the two balancers' shares of the state's external money: China's economic reach into
//! Russia's "backyard")
//! `- energy.rivalry_per_100bcm * (regional gas to one balancer avoiding the other) / 100`.
//!
//! Partnership stays within 0–1.

use crate::engine::context::Ctx;
use crate::engine::decision::row;
use crate::engine::lookups::Lookups;
use crate::engine::mechanisms::energy;
use crate::scenario::world::World;

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
    for pair in &lk.balancer_pairs {
        let (a, b) = (pair.a, pair.b);
        let mut rivalry = 0.0;
        for &s in &lk.region_states {
            let row = row(money, s, np);
            let total: f64 = row.iter().sum();
            if total > 0.0 {
                rivalry += (row[a] - row[b]).abs() / total;
            }
        }
        if count > 0 {
            rivalry /= count as f64;
        }
        let flows = energy::flowing_volume(ctx, w, pair.to_a.iter().copied())
            + energy::flowing_volume(ctx, w, pair.to_b.iter().copied());
        let drift = prm.opposition_gain_per_year * influence
            - prm.rivalry_loss_per_year * rivalry
            - ctx.prm.energy.rivalry_per_100bcm * flows / 100.0;
        w.add_partnership(a, b, drift * ctx.dt);
    }
}

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

use crate::engine::Ctx;
use crate::mechanisms::energy;
use crate::scenario::Role;
use crate::world::World;

/// One step of drift for every pair of balancers. `money` is yearly money per (actor, patron).
pub fn update(ctx: &mut Ctx, w: &mut World, money: &[f64]) {
    let sc = ctx.sc;
    let prm = &ctx.prm.partnership;
    let np = w.np;
    let mut influence = 0.0;
    let mut count = 0usize;
    for (s, a) in sc.actors.iter().enumerate() {
        if a.in_region && a.role == Role::State {
            influence += w.alignment[s * np + sc.leading];
            count += 1;
        }
    }
    if count > 0 {
        influence /= count as f64;
    }
    for i in 0..sc.balancers.len() {
        for j in i + 1..sc.balancers.len() {
            let (a, b) = (sc.balancers[i], sc.balancers[j]);
            let mut rivalry = 0.0;
            for (s, info) in sc.actors.iter().enumerate() {
                if info.in_region && info.role == Role::State {
                    let row = &money[s * np..(s + 1) * np];
                    let total: f64 = row.iter().sum();
                    if total > 0.0 {
                        rivalry += (row[a] - row[b]).abs() / total;
                    }
                }
            }
            if count > 0 {
                rivalry /= count as f64;
            }
            let flows = energy::regional_flow_to(ctx, w, a, sc.patrons[b])
                + energy::regional_flow_to(ctx, w, b, sc.patrons[a]);
            let drift = prm.opposition_gain_per_year * influence
                - prm.rivalry_loss_per_year * rivalry
                - ctx.prm.energy.rivalry_per_100bcm * flows / 100.0;
            w.add_partnership(a, b, drift * ctx.dt);
        }
    }
}

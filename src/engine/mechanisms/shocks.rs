//! Shocks and scripted events: what happens to actors, and offers they receive.
//!
//! Scripted events come from the scenario's `[[events]]`, each applied in the step that holds its
//! date, in date order. Random shocks are drawn every step for each state of the region, at
//! yearly rates from the `shocks` parameters (terror, regime change, nationalist backlash); three
//! uniform draws per state per step are always taken, so changing a rate does not shift the
//! random stream of everything else (common random numbers across a sweep).
//!
//! Effects, in plain words:
//! - **sanctions**: the target's GDP falls by `sanction_gdp_effect * severity`; a sanctioned
//!   state's trade with the sanctioner falls by `severity` and the sanctioner's pressure on its
//!   regime rises; a sanctioned patron's unsigned energy deals get a lower minimum price
//!   (`energy.sanction_price_effect`), its partnership with the other balancers rises
//!   (`partnership.sanction_gain * severity`) while that with the sanctioner falls as much, and
//!   the coercion it suffers rises by `severity` (a stock that drives the partnership while it
//!   lasts; see `partnership`);
//! - **regime change**: the new leader's leanings replace the old (and autocracy, if given);
//! - **democracy promotion** / criticism: the patron's pressure on the regime rises by
//!   `intensity` (it fades with `regime_pressure_half_life_years`);
//! - **exercise**: partnership between each pair of participating patrons rises by
//!   `exercise_gain`; each participating state's security tie with each participating patron
//!   rises by `exercise_security_gain`;
//! - **terror**: the state's threat rises by `severity` (fading with `threat_half_life_years`),
//!   which raises the value of security providers;
//! - **declaration**: collective SCO pressure on foreign bases rises by `base_pressure`;
//! - **remittance shock**: migrants' remittances from a patron to one state (or to every state)
//!   are multiplied by `factor` (a rouble collapse, a crackdown on migrants);
//! - **trade growth**, **backlash**, **application**, **aid**, **energy price**, **rent offer**,
//!   **loan offer**, **debt relief**: as their names say; offers are decided by the
//!   mechanisms that own them.

use crate::engine::context::{Ctx, noise};
use crate::engine::mechanisms::{concert, loans, threats};
use crate::engine::record::What;
use crate::scenario::world::{ScoStatus, World};
use crate::scenario::{EventKind, Role};
use rand::RngExt;

/// Applies scripted event `i`.
pub fn apply_scripted(ctx: &mut Ctx, w: &mut World, i: usize) {
    let sc = ctx.sc;
    let ev = &sc.events[i];
    let date = ev.date;
    let np = w.np;
    let actor = match &ev.kind {
        EventKind::LoanOffer { loan, .. } => sc.loans[*loan].lender,
        EventKind::RentOffer { base, .. } => sc.bases[*base].user,
        EventKind::DebtRelief { loan, .. } => sc.loans[*loan].lender,
        EventKind::Aid { donor, .. } => sc.patrons[*donor],
        EventKind::Sanctions { by, .. } => *by,
        EventKind::RegimeChange { actor, .. } => *actor,
        EventKind::DemocracyPromotion { by, .. } => *by,
        EventKind::Exercise { participants } => participants[0],
        EventKind::Terror { actor, .. } => *actor,
        // The members' declaration together: the log names the first member (actor order).
        EventKind::Declaration { .. } => (0..w.n)
            .find(|&a| w.sco[a] == ScoStatus::Member)
            .unwrap_or(0),
        EventKind::TradeGrowth { state, .. } => *state,
        EventKind::Backlash { actor, .. } => *actor,
        EventKind::Application { actor } => *actor,
        EventKind::BaseRequest { base } => sc.bases[*base].user,
        EventKind::EnergyPrice { deal, .. } => sc.deals[*deal].supplier,
        EventKind::RemittanceShock { patron, state, .. } => state.unwrap_or(sc.patrons[*patron]),
        EventKind::UseOfForce { by, .. } => sc.patrons[*by],
        EventKind::Infrastructure { lender, .. } => sc.patrons[*lender],
        EventKind::SecondarySanctions { by, .. } => *by,
        EventKind::Unrest { actor, .. } | EventKind::UnSanctions { actor, .. } => *actor,
        EventKind::NormsChange { patron, .. } => sc.patrons[*patron],
    };
    // The actor an offer is made to answers it no earlier than this (`Ctx::answer_date`).
    let answering = match &ev.kind {
        EventKind::LoanOffer { loan, .. } | EventKind::DebtRelief { loan, .. } => {
            Some(sc.loans[*loan].borrower)
        }
        EventKind::RentOffer { base, .. } | EventKind::BaseRequest { base } => {
            Some(sc.bases[*base].host)
        }
        _ => None,
    };
    if let Some(a) = answering {
        w.offered[a] = Some(date);
    }
    let mut logged_value = 0.0;
    match &ev.kind {
        EventKind::LoanOffer {
            loan,
            amount_bn,
            grant_bn,
            grant_element,
            condition,
        } => {
            ctx.log(date, actor, What::Scripted(i), 0.0, 0.0, *amount_bn);
            let mut sub = Ctx {
                sc,
                prm: ctx.prm,
                rng: ctx.rng,
                obs: ctx.obs,
                date,
                dt: ctx.dt,
            };
            loans::offer(
                &mut sub,
                w,
                *loan,
                *amount_bn,
                *grant_bn,
                grant_element.unwrap_or(ctx.prm.loans.grant_element),
                *condition,
            );
            return;
        }
        EventKind::RentOffer {
            base,
            rent_musd,
            aid_musd,
        } => {
            let b = &mut w.bases[*base];
            b.rent_musd = *rent_musd;
            if let Some(a) = aid_musd {
                b.user_aid_musd = *a;
            }
            b.new_offer = true;
            logged_value = b.rent_musd + b.user_aid_musd;
        }
        EventKind::DebtRelief { loan, amount_bn } => {
            logged_value = loans::relieve(ctx, w, *loan, *amount_bn);
        }
        EventKind::Aid {
            donor,
            recipient,
            amount_bn,
        } => {
            let k = w.ix(*recipient, *donor);
            if *amount_bn > w.aid[k] {
                concert::offered(sc, ctx.prm, w, date, *recipient, *donor);
            }
            w.aid[k] = *amount_bn;
            logged_value = *amount_bn;
        }
        EventKind::Sanctions {
            by,
            target,
            severity,
        } => {
            let (by, target, severity) = (*by, *target, *severity);
            w.gdp[target] *= 1.0 - ctx.prm.shocks.sanction_gdp_effect * severity;
            let by_slot = sc.actors[by].slot;
            match (sc.actors[target].role, sc.actors[target].slot) {
                (Role::State, _) => {
                    if let Some(p) = by_slot {
                        let k = w.ix(target, p);
                        w.trade[k] *= 1.0 - severity;
                        w.pressure[k] += severity;
                    }
                }
                (Role::Patron, Some(t)) => {
                    for (info, st) in sc.deals.iter().zip(w.deals.iter_mut()) {
                        if info.supplier == target && st.signed.is_none() {
                            st.supplier_min_usd *=
                                1.0 - ctx.prm.energy.sanction_price_effect * severity;
                        }
                    }
                    // Pressure from another power anywhere: a stock that fades, and drives the
                    // partnership while it lasts (engine::mechanisms::partnership).
                    if by_slot != Some(t) {
                        w.coercion[t] += severity;
                    }
                    let gain = ctx.prm.partnership.sanction_gain * severity;
                    if sc.balancers.contains(&t) {
                        for &b in &sc.balancers {
                            w.add_partnership(t, b, gain);
                        }
                    }
                    if let Some(p) = by_slot {
                        w.add_partnership(t, p, -gain);
                    }
                }
                (Role::Patron, None) => {}
            }
            logged_value = severity;
        }
        EventKind::RegimeChange {
            actor,
            leaning,
            autocracy,
        } => {
            w.leaning[actor * np..(actor + 1) * np].copy_from_slice(leaning);
            if let Some(a) = autocracy {
                w.autocracy[*actor] = *a;
            }
        }
        EventKind::DemocracyPromotion {
            by,
            target,
            intensity,
        } => {
            let p = sc.actors[*by].slot.unwrap_or(0);
            let k = w.ix(*target, p);
            w.pressure[k] += intensity;
            logged_value = *intensity;
        }
        EventKind::Exercise { participants } => {
            concert::exercise(sc, w, participants);
            let gain = ctx.prm.partnership.exercise_gain;
            let sec = ctx.prm.partnership.exercise_security_gain;
            for &a in participants {
                for &b in participants {
                    match (sc.actors[a].slot, sc.actors[b].slot) {
                        (Some(pa), Some(pb)) if pa < pb => w.add_partnership(pa, pb, gain),
                        (None, Some(pb)) => {
                            let k = w.ix(a, pb);
                            w.security[k] = (w.security[k] + sec).min(1.0);
                        }
                        _ => {}
                    }
                }
            }
        }
        EventKind::Terror { actor, severity } => {
            w.threat_extra[*actor] += severity;
            logged_value = *severity;
        }
        EventKind::Declaration { base_pressure } => {
            w.sco_pressure += base_pressure;
            concert::declaration(sc, w);
            logged_value = *base_pressure;
        }
        EventKind::TradeGrowth {
            state,
            patron,
            rate,
        } => {
            let k = w.ix(*state, *patron);
            w.trade_growth[k] = *rate;
            logged_value = *rate;
        }
        EventKind::Backlash {
            actor,
            against,
            severity,
        } => {
            let k = w.ix(*actor, *against);
            w.backlash[k] += severity;
            logged_value = *severity;
        }
        EventKind::BaseRequest { base } => {
            ctx.log(
                date,
                actor,
                What::Scripted(i),
                0.0,
                0.0,
                w.bases[*base].rent_musd,
            );
            let mut sub = Ctx {
                sc,
                prm: ctx.prm,
                rng: ctx.rng,
                obs: ctx.obs,
                date,
                dt: ctx.dt,
            };
            crate::engine::mechanisms::bases::request(&mut sub, w, *base);
            return;
        }
        EventKind::Application { actor } => {
            if w.sco[*actor] < ScoStatus::Applicant {
                w.sco[*actor] = ScoStatus::Applicant;
            }
        }
        EventKind::RemittanceShock {
            patron,
            state,
            factor,
        } => {
            // One state, or every state with remittances from the patron.
            for s in 0..w.n {
                if state.is_none_or(|x| x == s) {
                    let k = w.ix(s, *patron);
                    w.remittances[k] *= factor;
                }
            }
            logged_value = *factor;
        }
        EventKind::Infrastructure {
            amount_bn,
            lender,
            borrower,
            ..
        } => {
            concert::offered(sc, ctx.prm, w, date, *borrower, *lender);
            logged_value = *amount_bn;
        }
        EventKind::UseOfForce {
            by,
            target,
            severity,
        } => {
            threats::force(ctx, w, *by, *target, *severity);
            logged_value = *severity;
        }
        EventKind::SecondarySanctions {
            target, severity, ..
        } => {
            let cut = ctx.prm.shocks.secondary_cost * severity;
            w.money_discount[*target] = (w.money_discount[*target] + cut).min(0.9);
            logged_value = *severity;
        }
        EventKind::Unrest {
            actor: state,
            severity,
        } => {
            // The unrest is logged before the CSTO patrons' answer to it.
            ctx.log(date, actor, What::Scripted(i), 0.0, 0.0, *severity);
            threats::unrest(ctx, w, *state, *severity, date);
            return;
        }
        EventKind::NormsChange {
            patron,
            non_interference,
        } => {
            w.non_interference[*patron] = *non_interference;
            logged_value = *non_interference;
        }
        EventKind::UnSanctions { actor, lifted } => {
            w.un_sanctioned[*actor] = !lifted;
        }
        EventKind::EnergyPrice {
            deal,
            supplier_min_usd,
            buyer_max_usd,
        } => {
            let st = &mut w.deals[*deal];
            if let Some(x) = supplier_min_usd {
                st.supplier_min_usd = *x;
            }
            if let Some(x) = buyer_max_usd {
                st.buyer_max_usd = *x;
            }
        }
    }
    ctx.log(date, actor, What::Scripted(i), 0.0, 0.0, logged_value);
    // The offer is logged first; the state's decision follows.
    if matches!(ev.kind, EventKind::Infrastructure { .. }) {
        crate::engine::mechanisms::projects::offer(ctx, w, i);
    }
}

/// Draws this step's random shocks for the region's states (`region_states`, in actor order).
pub fn random(ctx: &mut Ctx, w: &mut World, region_states: &[usize]) {
    let s = &ctx.prm.shocks;
    let dt = ctx.dt;
    let np = w.np;
    for &a in region_states {
        let (u_terror, u_regime, u_backlash): (f64, f64, f64) =
            (ctx.rng.random(), ctx.rng.random(), ctx.rng.random());
        if u_terror < s.terror_rate_per_year * dt {
            w.threat_extra[a] += s.terror_severity;
            ctx.log(ctx.date, a, What::RandomTerror, 0.0, 0.0, s.terror_severity);
        }
        if u_regime < s.regime_change_rate_per_year * dt {
            for p in 0..np {
                w.leaning[a * np + p] = noise(ctx.rng, s.leaning_sd);
            }
            ctx.log(ctx.date, a, What::RandomRegimeChange, 0.0, 0.0, 0.0);
        }
        if u_backlash < s.backlash_rate_per_year * dt {
            // Against the patron with the largest trade and aid: the visible foreign presence.
            let target = (0..np)
                .max_by(|&x, &y| {
                    let vx = w.trade[a * np + x] + w.aid[a * np + x];
                    let vy = w.trade[a * np + y] + w.aid[a * np + y];
                    vx.total_cmp(&vy)
                })
                .unwrap_or(0);
            w.backlash[a * np + target] += s.backlash_severity;
            ctx.log(
                ctx.date,
                a,
                What::RandomBacklash(target),
                0.0,
                0.0,
                s.backlash_severity,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::mechanisms::testkit::{self, Kit};
    use crate::engine::record::What;

    /// Kyrgyzstan with $1bn a year of remittances from Russia, and `events`; no noise, no shocks.
    fn migrants(events: &str) -> Kit {
        Kit::new(&format!(
            r#"
[scenario]
name = "test"
start = "2014-01"
end = "2017-01"
period = "month"
[params.shocks]
terror_rate_per_year = 0.0
regime_change_rate_per_year = 0.0
backlash_rate_per_year = 0.0
[params.decision]
noise_sd = 0.0
[[actors]]
id = "USA"
role = "patron"
gdp_bn = 17000.0
[[actors]]
id = "RUS"
role = "patron"
gdp_bn = 2000.0
[[actors]]
id = "CHN"
role = "patron"
gdp_bn = 10000.0
[[actors]]
id = "KGZ"
role = "state"
region = "central_asia"
gdp_bn = 7.0
alignment = {{ USA = 0.2, RUS = 0.5, CHN = 0.3 }}
[[actors]]
id = "TJK"
role = "state"
region = "central_asia"
gdp_bn = 9.0
alignment = {{ USA = 0.2, RUS = 0.5, CHN = 0.3 }}
[[ties]]
state = "KGZ"
patron = "RUS"
remittances_bn = 1.0
[[ties]]
state = "TJK"
patron = "RUS"
remittances_bn = 2.0
{events}
"#
        ))
    }

    const ROUBLE: &str = r#"
[[events]]
date = "2014-12"
kind = "remittance_shock"
patron = "RUS"
factor = 0.5
"#;

    #[test]
    fn an_sco_declaration_is_logged_as_its_members_not_the_first_actor() {
        // USA is the first actor; KAZ the first SCO member.
        let mut kit = testkit::quiet_world(
            "2005-01",
            r#"
[[actors]]
id = "USA"
role = "patron"
gdp_bn = 13000.0
[[actors]]
id = "RUS"
role = "patron"
gdp_bn = 800.0
[[actors]]
id = "KAZ"
role = "state"
gdp_bn = 57.0
sco = "member"
alignment = { USA = 0.3, RUS = 0.7 }
[[events]]
date = "2005-07"
kind = "declaration"
base_pressure = 1.0
"#,
        );
        let rec = kit.run_months(12);
        let row = rec
            .log
            .iter()
            .find(|e| matches!(e.what, What::Scripted(_)))
            .expect("the declaration is logged");
        assert_eq!(kit.sc.actors[row.actor].id, "KAZ");
    }

    #[test]
    fn a_remittance_shock_cuts_the_flow_and_the_pull_of_its_source() {
        let (kgz, tjk, rus) = (3, 4, 1);
        let mut without = migrants("");
        without.run_months(36);
        let mut with = migrants(ROUBLE);
        with.run_months(36);
        let np = with.world.np;
        assert_eq!(with.world.remittances[kgz * np + rus], 0.5);
        assert_eq!(with.world.remittances[tjk * np + rus], 1.0);
        for s in [kgz, tjk] {
            let share = |k: &Kit| k.world.alignment[s * np + rus];
            assert!(share(&with) < share(&without) - 0.005, "state {s}");
        }
        // A crackdown on migrants in one state leaves the other's remittances alone.
        let mut one = migrants(&format!("{ROUBLE}state = \"TJK\"\n"));
        one.run_months(36);
        assert_eq!(one.world.remittances[kgz * np + rus], 1.0);
        assert_eq!(one.world.remittances[tjk * np + rus], 1.0);
    }
}

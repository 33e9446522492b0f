//! Threats and protection: a patron's use of force, and unrest that the CSTO answers
//! (docs/model.md §12). Called from the scripted events (`shocks`).
//!
//! - **Use of force** raises the *menace* a patron poses in every state's eyes (Walt 1987:
//!   aggressive intentions), in full for the target and the patron's neighbours, less for the
//!   rest, more where the state has a minority of the patron's nationality; the menace fades and
//!   enters the security component of the state's score for that patron.
//! - **Unrest** raises a state's (internal) threat; a CSTO member's CSTO patrons deploy to protect
//!   the regime (logged as their decision), which raises its security tie with them and its
//!   leader's leaning toward them.

use crate::engine::context::Ctx;
use crate::engine::record::What;
use crate::scenario::Role;
use crate::scenario::world::World;

/// Patron slot `by` uses force against `target` with `severity`: every state other than the
/// target reads it as a threat to itself, in full if it borders the patron, at
/// `force_spillover` otherwise, plus `force_minority_weight` times its share of people of the
/// patron's nationality (capped at twice the severity). The target itself takes the whole
/// severity. The menace fades with `menace_half_life_years` and enters the security component.
pub fn force(ctx: &Ctx, w: &mut World, by: usize, target: usize, severity: f64) {
    let sc = ctx.sc;
    let s = &ctx.prm.shocks;
    let patron_actor = sc.patrons[by];
    for a in 0..w.n {
        if sc.actors[a].role != Role::State {
            continue;
        }
        let k = w.ix(a, by);
        let felt = if a == target {
            1.0
        } else {
            let near = sc.actors[a].neighbours.contains(&patron_actor);
            let base = if near { 1.0 } else { s.force_spillover };
            (base + s.force_minority_weight * w.minority[k]).min(2.0)
        };
        w.menace[k] += severity * felt;
    }
}

/// Unrest in `actor` with `severity`: its threat rises (internal, to the regime); if it is a
/// CSTO member, each CSTO patron deploys to protect the regime (logged as its decision), which
/// raises the state's security tie with it and its leader's leaning toward it.
pub fn unrest(
    ctx: &mut Ctx,
    w: &mut World,
    actor: usize,
    severity: f64,
    date: crate::date::YearMonth,
) {
    let sc = ctx.sc;
    let s = &ctx.prm.shocks;
    w.threat_extra[actor] += s.unrest_threat * severity;
    if !w.csto[actor] {
        return;
    }
    for p in 0..w.np {
        let patron_actor = sc.patrons[p];
        if !w.csto[patron_actor] || patron_actor == actor {
            continue;
        }
        let k = w.ix(actor, p);
        w.security[k] = (w.security[k] + s.csto_protection_gain * severity).min(1.0);
        w.leaning[k] += s.csto_leaning_gain * severity;
        ctx.log(
            date,
            patron_actor,
            What::CstoDeploys(actor),
            0.0,
            0.0,
            severity,
        );
    }
}

#[cfg(test)]
mod tests {
    //! The sign of each instrument's effect, in paired runs with and without it.
    use crate::engine::mechanisms::testkit::{Kit, region};
    use crate::engine::record::What;

    const KAZ: usize = 3;
    const UZB: usize = 4;
    const IRN: usize = 5;
    const RUS: usize = 1;

    fn share(kit: &Kit, state: usize, patron: usize) -> f64 {
        kit.world.alignment[state * kit.world.np + patron]
    }

    fn paired(event: &str, months: i32) -> (Kit, Kit) {
        let mut without = region("");
        without.run_months(months);
        let mut with = region(event);
        with.run_months(months);
        (without, with)
    }

    #[test]
    fn a_use_of_force_pushes_states_away_from_the_aggressor_most_its_neighbours() {
        let (without, with) = paired(
            r#"
[[events]]
date = "2022-02"
kind = "use_of_force"
by = "RUS"
target = "USA"
severity = 0.8
"#,
            24,
        );
        let drop_kaz = share(&without, KAZ, RUS) - share(&with, KAZ, RUS);
        let drop_uzb = share(&without, UZB, RUS) - share(&with, UZB, RUS);
        assert!(drop_uzb > 0.0, "a distant state moves away too: {drop_uzb}");
        assert!(
            drop_kaz > drop_uzb,
            "the neighbour with a Russian minority most: {drop_kaz} vs {drop_uzb}"
        );
    }

    #[test]
    fn secondary_sanctions_on_a_patron_cost_it_third_states() {
        let (without, with) = paired(
            r#"
[[events]]
date = "2022-03"
kind = "secondary_sanctions"
by = "USA"
target = "RUS"
severity = 0.6
"#,
            24,
        );
        assert!(share(&with, KAZ, RUS) < share(&without, KAZ, RUS));
        assert!(share(&with, UZB, RUS) < share(&without, UZB, RUS));
        assert!(with.world.money_discount[RUS] > 0.0);
    }

    #[test]
    fn the_alliance_protects_a_member_regime_and_wins_its_gratitude() {
        let unrest = r#"
[[events]]
date = "2022-01"
kind = "unrest"
actor = "KAZ"
severity = 0.7
"#;
        let (without, with) = paired(unrest, 24);
        let rec = {
            let mut kit = region(unrest);
            kit.run_months(24)
        };
        let deploys = rec
            .log
            .iter()
            .position(|e| matches!(e.what, What::CstoDeploys(KAZ)) && e.actor == RUS);
        let unrest_at = rec
            .log
            .iter()
            .position(|e| matches!(e.what, What::Scripted(_)) && e.actor == KAZ);
        // The log tells the unrest first, then the alliance's answer to it.
        assert!(
            matches!((unrest_at, deploys), (Some(u), Some(d)) if u < d),
            "{:?}",
            rec.log
        );
        assert!(share(&with, KAZ, RUS) > share(&without, KAZ, RUS));
        // Unrest in a state outside the alliance brings no deployment.
        let rec = {
            let mut kit = region(&unrest.replace("KAZ", "UZB"));
            kit.run_months(24)
        };
        assert!(
            !rec.log
                .iter()
                .any(|e| matches!(e.what, What::CstoDeploys(_)))
        );
    }

    #[test]
    fn a_patron_that_drops_non_interference_loses_sovereignty_minded_states() {
        let (without, with) = paired(
            r#"
[[events]]
date = "2022-02"
kind = "norms_change"
patron = "CHN"
non_interference = 0.0
"#,
            24,
        );
        let chn = 2;
        assert!(share(&with, UZB, chn) < share(&without, UZB, chn));
        assert_eq!(with.world.non_interference[chn], 0.0);
    }

    #[test]
    fn an_applicant_under_un_sanctions_waits_until_they_are_lifted() {
        let sanctioned = r#"
[[events]]
date = "2022-01"
kind = "un_sanctions"
actor = "IRN"
"#;
        let mut kit = region(sanctioned);
        let rec = kit.run_months(48);
        assert!(
            rec.log
                .iter()
                .any(|e| e.what == What::NotEligible && e.actor == IRN)
        );
        assert!(
            !rec.log
                .iter()
                .any(|e| e.what == What::Admitted && e.actor == IRN)
        );
        let lifted = format!(
            "{sanctioned}\n[[events]]\ndate = \"2023-01\"\nkind = \"un_sanctions\"\nactor = \"IRN\"\nlifted = true\n"
        );
        let mut kit = region(&lifted);
        let rec = kit.run_months(48);
        let last_refusal = rec
            .log
            .iter()
            .filter(|e| e.what == What::NotEligible)
            .map(|e| e.date)
            .max();
        assert!(
            last_refusal.is_some_and(|d| d.year() == 2022),
            "{last_refusal:?}"
        );
    }
}

//! The balancers' concert: the joint, non-military actions of the balancers (Russia and China)
//! that each state has witnessed, the behaviour the soft-balancing lens responds to.
//!
//! Soft balancing is coordinated action by second-tier powers short of alliances and arms —
//! territorial denial, entangling diplomacy, economic strengthening and signals of resolve
//! (Pape 2005, pp. 36–37; Paul 2005, p. 58) — so the lens reads the balancers' coordination from
//! what they *do together* in the run, not from membership alone. Each state keeps a stock
//! `concert[s]` that fades with `lenses.concert_half_life_years` and rises by one for each joint
//! action it sees:
//!
//! - **a joint exercise** of two or more balancers (a signal of resolve): every state taking part,
//!   and every full SCO member (the exercises are announced and held in the SCO's name);
//! - **an SCO declaration** against the leading power's presence (territorial denial, entangling
//!   diplomacy: the 2005 Astana declaration): every full SCO member, the signatories;
//! - **coordinated offers**: an offer of credit, a grant or a project by one balancer to a state
//!   within `lenses.concert_window_months` of another balancer's offer to the same state (two
//!   balancers courting one client at once: the 2009 Russian credit and Chinese SCO loan).
//!
//! The lens then adds `decision.sco_weight x P̄ x (member + lenses.concert_weight x concert)` to
//! the balancers' scores (`engine::decision`): with no partnership or with neither membership nor
//! joint action, there is nothing to respond to.

use crate::date::YearMonth;
use crate::params::Params;
use crate::scenario::Scenario;
use crate::scenario::world::{ScoStatus, World};

/// A joint exercise of `participants`: when two or more balancers take part, every state that
/// takes part and every full SCO member sees a joint action.
pub fn exercise(sc: &Scenario, w: &mut World, participants: &[usize]) {
    let balancers = participants
        .iter()
        .filter(|&&a| sc.actors[a].slot.is_some_and(|p| sc.balancers.contains(&p)))
        .count();
    if balancers < 2 {
        return;
    }
    for s in 0..w.n {
        if sc.actors[s].slot.is_none()
            && (participants.contains(&s) || w.sco[s] == ScoStatus::Member)
        {
            w.concert[s] += 1.0;
        }
    }
}

/// An SCO declaration against the leading power's presence: every full SCO member (not a patron)
/// signs it.
pub fn declaration(sc: &Scenario, w: &mut World) {
    for s in 0..w.n {
        if sc.actors[s].slot.is_none() && w.sco[s] == ScoStatus::Member {
            w.concert[s] += 1.0;
        }
    }
}

/// Patron slot `p` makes state `s` an offer (credit, a grant, a project) on `date`. When `p` is
/// a balancer and another balancer made `s` an offer within `lenses.concert_window_months`, the
/// state sees a coordinated offer.
pub fn offered(sc: &Scenario, prm: &Params, w: &mut World, date: YearMonth, s: usize, p: usize) {
    if s >= w.n || sc.actors[s].slot.is_some() {
        return;
    }
    let window = prm.lenses.concert_window_months.round() as i32;
    let np = w.np;
    if sc.balancers.contains(&p) {
        let coordinated = sc.balancers.iter().any(|&q| {
            q != p && w.last_offer[s * np + q].is_some_and(|d| date.months_since(d).abs() <= window)
        });
        if coordinated {
            w.concert[s] += 1.0;
        }
    }
    w.last_offer[s * np + p] = Some(date);
}

#[cfg(test)]
mod tests {
    use crate::engine::mechanisms::testkit;

    /// Kyrgyzstan (an SCO member or not) and Kazakhstan (a member), with `events`.
    fn kit(kgz_sco: &str, events: &str) -> testkit::Kit {
        testkit::quiet_world(
            "2005-01",
            &format!(
                r#"
[[actors]]
id = "USA"
role = "patron"
gdp_bn = 5000.0
military_bn = 200.0
[[actors]]
id = "RUS"
role = "patron"
gdp_bn = 3000.0
military_bn = 120.0
sco = "member"
[[actors]]
id = "CHN"
role = "patron"
gdp_bn = 3000.0
military_bn = 120.0
sco = "member"
[[actors]]
id = "KGZ"
role = "state"
gdp_bn = 10.0
sco = "{kgz_sco}"
[[actors]]
id = "KAZ"
role = "state"
gdp_bn = 100.0
sco = "member"
{events}"#
            ),
        )
    }

    fn concert_after(kgz_sco: &str, events: &str, months: i32) -> (f64, f64) {
        let mut k = kit(kgz_sco, events);
        k.run_months(months);
        let (kgz, kaz) = (
            k.sc.actor_index("KGZ").unwrap(),
            k.sc.actor_index("KAZ").unwrap(),
        );
        (k.world.concert[kgz], k.world.concert[kaz])
    }

    #[test]
    fn a_joint_exercise_is_seen_by_its_participants_and_the_sco_members_and_fades() {
        let joint = "[[events]]\ndate = \"2005-02\"\nkind = \"exercise\"\nparticipants = [\"RUS\", \"CHN\", \"KGZ\"]\n";
        let (kgz, kaz) = concert_after("none", joint, 2);
        assert!(kgz > 0.9 && kaz > 0.9, "{kgz} {kaz}");
        // Years later it has faded.
        let (later, _) = concert_after("none", joint, 120);
        assert!(later < 0.1 * kgz, "{later}");
        // Russia alone with a state is no concert of the balancers.
        let alone = "[[events]]\ndate = \"2005-02\"\nkind = \"exercise\"\nparticipants = [\"RUS\", \"KGZ\"]\n";
        assert_eq!(concert_after("member", alone, 2), (0.0, 0.0));
    }

    #[test]
    fn a_declaration_is_seen_by_the_members_only() {
        let decl = "[[events]]\ndate = \"2005-02\"\nkind = \"declaration\"\nbase_pressure = 0.2\n";
        let (kgz, kaz) = concert_after("observer", decl, 2);
        assert_eq!(kgz, 0.0);
        assert!(kaz > 0.9);
    }

    #[test]
    fn offers_by_two_balancers_to_one_state_within_the_window_are_coordinated() {
        let aid = |donor: &str, date: &str| {
            format!(
                "[[events]]\ndate = \"{date}\"\nkind = \"aid\"\ndonor = \"{donor}\"\nrecipient = \"KGZ\"\namount_bn = 0.1\n"
            )
        };
        let together = aid("RUS", "2005-02") + &aid("CHN", "2005-08");
        let (kgz, kaz) = concert_after("none", &together, 9);
        assert!(kgz > 0.7 && kaz == 0.0, "{kgz} {kaz}");
        // Years apart, or one balancer and the leading power: no coordination.
        let apart = aid("RUS", "2005-02") + &aid("CHN", "2008-02");
        assert_eq!(concert_after("none", &apart, 40).0, 0.0);
        let mixed = aid("RUS", "2005-02") + &aid("USA", "2005-03");
        assert_eq!(concert_after("none", &mixed, 4).0, 0.0);
    }
}

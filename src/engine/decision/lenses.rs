//! Theory lenses: the decision rules a class can compare.
//!
//! Every lens starts from the same interests — the components of `engine::decision` (money,
//! security, regime security, norms, fear of domination, debt leverage, the leader's leaning) —
//! and adds what its theory says matters most. The soft-balancing lens adds SCO coordination
//! (computed in the components, for SCO members only). docs/theory.md gives each lens's idea,
//! formula, sources (with pages) and predictions for Central Asia. Parameters: the `lenses`
//! section.
//!
//! Only the alignment rule goes through the lens; base, loan, energy and enlargement decisions use
//! the shared scores of their mechanisms whatever the lens (docs/theory.md says why).

use crate::engine::decision::landscape::affinity;
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

/// Military spending of actor `a` now, bn USD (it keeps its initial share of GDP).
fn military(sc: &Scenario, w: &World, a: usize) -> f64 {
    let gdp0 = sc.initial.gdp[a];
    if gdp0 > 0.0 {
        sc.actors[a].military_bn * w.gdp[a] / gdp0
    } else {
        0.0
    }
}

/// Patron slot `p`'s share of the patrons' combined military spending: offensive capability.
pub fn military_share(sc: &Scenario, w: &World, p: usize) -> f64 {
    let total: f64 = sc.patrons.iter().map(|&a| military(sc, w, a)).sum();
    if total > 0.0 {
        military(sc, w, sc.patrons[p]) / total
    } else {
        0.0
    }
}

/// How threatening patron slot `p` is to state `s` (Walt 1987, pp. 21-26):
/// `reach x capability + intentions`. Capability is the mean of aggregate power (power share)
/// and offensive capability (military share); reach is 1 for a patron the state borders and
/// `lenses.distant_reach` otherwise (proximity); intentions are read from what the patron does
/// in the run — its pressure on the regime (democracy promotion, sanctions on the state) and the
/// menace of its use of force — plus the standing rivalry between them.
pub fn threat(sc: &Scenario, w: &World, prm: &Params, s: usize, p: usize) -> f64 {
    let k = w.ix(s, p);
    let patron = sc.patrons[p];
    let reach = if sc.actors[s].neighbours.contains(&patron) {
        1.0
    } else {
        prm.lenses.distant_reach
    };
    let capability = 0.5 * (power_share(sc, w, p) + military_share(sc, w, p));
    let intentions = w.pressure[k] + w.menace[k] + (-sc.relation(s, patron)).max(0.0);
    reach * capability + intentions
}

/// Patron slot `p`'s expected rise (Schweller 1994): the power share it would gain over the next
/// ten years if every patron's economy kept its growth rate (power grows with GDP), 0 if it
/// would lose share.
pub fn rise(sc: &Scenario, w: &World, p: usize) -> f64 {
    let later = |a: usize| power(sc, w, a) * libm::pow(1.0 + w.gdp_growth[a], 10.0);
    let total: f64 = sc.patrons.iter().map(|&a| later(a)).sum();
    if total > 0.0 {
        (later(sc.patrons[p]) / total - power_share(sc, w, p)).max(0.0)
    } else {
        0.0
    }
}

/// How strongly state `s` hedges (Kuik 2008): `lenses.hedging_weight x U / (U +
/// lenses.volatility_half)`, where `U` is the volatility of the patrons' behaviour toward it
/// (summed over patrons, score points per year): nothing under certainty, up to the weight.
pub fn hedging_strength(w: &World, prm: &Params, s: usize) -> f64 {
    let l = &prm.lenses;
    let u: f64 = w.volatility[s * w.np..(s + 1) * w.np].iter().sum();
    l.hedging_weight * u / (u + l.volatility_half)
}

/// The landscape lens's frustration of state `s` if it sided with patron slot `p` (Axelrod and
/// Bennett 1993): `Σ_{j≠s} (size_j / Σ size) · affinity(s, j) · (1 − a[j,p])`, sizes from power.
pub fn frustration(sc: &Scenario, w: &World, s: usize, p: usize) -> f64 {
    let np = w.np;
    let (mut acc, mut total) = (0.0, 0.0);
    for j in 0..sc.actors.len() {
        let size = power(sc, w, j);
        total += size;
        if j != s && size > 0.0 {
            acc += size * affinity(sc, w, s, j) * (1.0 - w.alignment[j * np + p]);
        }
    }
    if total > 0.0 { acc / total } else { 0.0 }
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
            Lens::BalanceOfThreat => c.total() - l.threat_weight * threat(sc, w, prm, s, p),
            Lens::Bandwagoning => c.total() + l.threat_weight * threat(sc, w, prm, s, p),
            Lens::BandwagoningForProfit => {
                let revisionist = if p == sc.leading { 0.0 } else { 1.0 };
                c.total() + l.profit_weight * revisionist * rise(sc, w, p)
            }
            Lens::Omnibalancing => {
                let protection = w.autocracy[s] * c.security.max(0.0);
                c.total() + (l.regime_multiplier - 1.0) * (c.regime + c.leaning + protection)
            }
            Lens::Hedging => {
                c.total() - hedging_strength(w, prm, s) * (w.alignment[w.ix(s, p)] - even)
            }
            Lens::Landscape => c.total() - l.landscape_weight * frustration(sc, w, s, p),
        }
    }
}

#[cfg(test)]
mod tests {
    //! Each lens's signature prediction, on a constructed case where the theories disagree.
    use super::*;
    use crate::engine::mechanisms::testkit::{self, Kit};

    #[test]
    fn names_round_trip() {
        for name in Lens::names() {
            assert_eq!(Lens::parse(name).unwrap().name(), *name);
        }
        assert_eq!(Lens::all().len(), Lens::names().len());
        assert!(Lens::parse("realism").is_none());
    }

    /// Final shares (USA, RUS, CHN) of KGZ in `kit` after `years` under `lens`.
    fn shares(mut kit: Kit, lens: Lens, years: i32) -> Vec<f64> {
        kit.sc.set_lens(lens);
        kit.run_months(years * 12);
        let s = kit.sc.actor_index("KGZ").unwrap();
        kit.world.alignment_of(s).to_vec()
    }

    fn argmax(v: &[f64]) -> usize {
        (0..v.len()).fold(0, |b, i| if v[i] > v[b] { i } else { b })
    }

    fn argmin(v: &[f64]) -> usize {
        (0..v.len()).fold(0, |b, i| if v[i] < v[b] { i } else { b })
    }

    const USA: usize = 0;
    const RUS: usize = 1;
    const CHN: usize = 2;

    /// Three patrons with growth rates, and Kyrgyzstan starting evenly aligned, trading $2bn a
    /// year with each; `extra` adds to the state's entry, `more` adds tables (events, actors).
    fn world(growth: [f64; 3], extra: &str, more: &str) -> Kit {
        world_with(growth, extra, "", 2.0, more)
    }

    /// The same with Russia's security tie `rus_security` in `rus_tie` (e.g. `security = 0.5`)
    /// and China's trade `chn_trade_bn`.
    fn world_with(
        growth: [f64; 3],
        extra: &str,
        rus_tie: &str,
        chn_trade_bn: f64,
        more: &str,
    ) -> Kit {
        let [gu, gr, gc] = growth;
        testkit::quiet_world(
            "2005-01",
            &format!(
                r#"
[[actors]]
id = "USA"
role = "patron"
gdp_bn = 5000.0
gdp_growth = {gu}
military_bn = 200.0
non_interference = 0.5
[[actors]]
id = "RUS"
role = "patron"
gdp_bn = 3000.0
gdp_growth = {gr}
military_bn = 120.0
non_interference = 0.5
[[actors]]
id = "CHN"
role = "patron"
gdp_bn = 3000.0
gdp_growth = {gc}
military_bn = 120.0
non_interference = 0.5
[[actors]]
id = "KGZ"
role = "state"
gdp_bn = 10.0
alignment = {{ USA = 0.333333, RUS = 0.333333, CHN = 0.333334 }}
{extra}
[[ties]]
state = "KGZ"
patron = "USA"
trade_bn = 2.0
[[ties]]
state = "KGZ"
patron = "RUS"
trade_bn = 2.0
{rus_tie}
[[ties]]
state = "KGZ"
patron = "CHN"
trade_bn = {chn_trade_bn}
{more}"#
            ),
        )
    }

    // The distant giant and the hostile neighbour: the US is the strongest patron and borders
    // nothing; Russia, weaker, borders the state and presses its regime.
    fn giant_and_neighbour() -> Kit {
        testkit::lens_world()
    }

    #[test]
    fn balance_of_power_leans_away_from_the_strongest_balance_of_threat_from_the_near_hostile_one()
    {
        let base = shares(giant_and_neighbour(), Lens::SoftBalancing, 10);
        let bop = shares(giant_and_neighbour(), Lens::BalanceOfPower, 10);
        let bot = shares(giant_and_neighbour(), Lens::BalanceOfThreat, 10);
        // Waltz: against aggregate power, whatever it does or wherever it is.
        assert_eq!(argmin(&bop), USA, "balance of power {bop:?}");
        assert!(bop[USA] < base[USA] - 0.05, "{bop:?} vs {base:?}");
        // Walt: against the threat — the weaker neighbour that presses the regime.
        assert_eq!(argmin(&bot), RUS, "balance of threat {bot:?}");
        assert!(bot[RUS] < base[RUS] - 0.05, "{bot:?} vs {base:?}");
        assert!(bot[USA] > bop[USA] + 0.05, "{bot:?} vs {bop:?}");
    }

    #[test]
    fn bandwagoning_in_walts_sense_appeases_the_threat() {
        let base = shares(giant_and_neighbour(), Lens::SoftBalancing, 10);
        let band = shares(giant_and_neighbour(), Lens::Bandwagoning, 10);
        let bot = shares(giant_and_neighbour(), Lens::BalanceOfThreat, 10);
        // Toward the source of danger, not the strongest: Russia, not the US.
        assert_eq!(argmax(&band), RUS, "bandwagoning {band:?}");
        assert!(band[RUS] > base[RUS] + 0.05, "{band:?} vs {base:?}");
        assert!(band[RUS] > bot[RUS] + 0.2, "{band:?} vs {bot:?}");
    }

    #[test]
    fn balance_of_threat_reads_intentions_from_the_patrons_actions_and_balance_of_power_does_not() {
        // The same world, with and without US democracy promotion in 2010.
        let promotion = r#"
[[events]]
date = "2010-01"
kind = "democracy_promotion"
by = "USA"
target = "KGZ"
intensity = 0.3
"#;
        let us_after = |lens: Lens, more: &str| {
            let mut kit = world([0.0; 3], "autocracy = 0.9", more);
            kit.sc.set_lens(lens);
            kit.run_months(6 * 12);
            kit.world.alignment_of(3)[USA]
        };
        let drop = |lens: Lens| us_after(lens, "") - us_after(lens, promotion);
        let (bop, bot) = (drop(Lens::BalanceOfPower), drop(Lens::BalanceOfThreat));
        // Both lose the regime's goodwill; only balance of threat also reads a hostile intent.
        assert!(bop > 0.0 && bot > bop + 0.02, "drop: bop {bop}, bot {bot}");
    }

    #[test]
    fn bandwagoning_for_profit_joins_the_rising_revisionist_and_balance_of_power_resists_it() {
        // China grows 10% a year, the others 2%: the rising revisionist (the US leads).
        let rising = || world([0.02, 0.02, 0.10], "", "");
        let base = shares(rising(), Lens::SoftBalancing, 10);
        let profit = shares(rising(), Lens::BandwagoningForProfit, 10);
        let bop = shares(rising(), Lens::BalanceOfPower, 10);
        let walt = shares(rising(), Lens::Bandwagoning, 10);
        assert_eq!(argmax(&profit), CHN, "for profit {profit:?}");
        assert!(profit[CHN] > base[CHN] + 0.05, "{profit:?} vs {base:?}");
        // Walt's bandwagoner follows the threat, not the trend; Waltz's balancer leans away
        // from China as it grows.
        assert!(profit[CHN] > walt[CHN] + 0.05, "{profit:?} vs {walt:?}");
        assert!(bop[CHN] < bop[RUS], "balance of power {bop:?}");
        // A rising status-quo power draws no profit-seekers: the same growth for the US.
        let us_rising = shares(
            world([0.10, 0.02, 0.02], "", ""),
            Lens::BandwagoningForProfit,
            10,
        );
        let us_base = shares(world([0.10, 0.02, 0.02], "", ""), Lens::SoftBalancing, 10);
        assert!(
            (us_rising[USA] - us_base[USA]).abs() < 1e-9,
            "{us_rising:?}"
        );
    }

    #[test]
    fn omnibalancing_sides_with_the_patron_that_protects_the_regime_and_only_an_autocrat_does() {
        // Russia protects (a security tie) a state under threat; China pays more.
        let case = |autocracy: f64| {
            world_with(
                [0.0; 3],
                &format!("autocracy = {autocracy}\nthreat = 0.8"),
                "security = 0.5",
                5.0,
                "",
            )
        };
        let base = shares(case(0.9), Lens::SoftBalancing, 10);
        let omni = shares(case(0.9), Lens::Omnibalancing, 10);
        assert!(omni[RUS] > base[RUS] + 0.05, "{omni:?} vs {base:?}");
        assert_eq!(argmax(&omni), RUS, "{omni:?}");
        // A leader with no regime to protect (autocracy 0, no leanings) decides on interests.
        let free = shares(case(0.0), Lens::Omnibalancing, 10);
        let free_base = shares(case(0.0), Lens::SoftBalancing, 10);
        assert_eq!(free, free_base);
    }

    #[test]
    fn hedging_answers_the_volatility_of_the_patrons_behaviour_not_a_fixed_temperature() {
        // China's money is three times the others'; in the volatile world the US turns its aid
        // on and off every half-year.
        let mut swings = String::new();
        for year in 2005..2015 {
            for (month, amount) in [("01", 0.5), ("07", 0.0)] {
                swings.push_str(&format!(
                    "[[events]]\ndate = \"{year}-{month}\"\nkind = \"aid\"\ndonor = \"USA\"\nrecipient = \"KGZ\"\namount_bn = {amount}\n"
                ));
            }
        }
        let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
        let steady = |lens| shares(world_with([0.0; 3], "", "", 6.0, ""), lens, 10);
        let volatile = |lens| shares(world_with([0.0; 3], "", "", 6.0, &swings), lens, 10);
        let (s_base, s_hedge) = (steady(Lens::SoftBalancing), steady(Lens::Hedging));
        let (v_base, v_hedge) = (volatile(Lens::SoftBalancing), volatile(Lens::Hedging));
        // Under certainty a hedger decides on interests (nearly: security ties age a little).
        assert!(
            (max(&s_hedge) - max(&s_base)).abs() < 0.01,
            "{s_hedge:?} vs {s_base:?}"
        );
        // When a patron's behaviour swings, the hedger spreads its ties.
        assert!(
            max(&v_hedge) < max(&v_base) - 0.04,
            "{v_hedge:?} vs {v_base:?}"
        );
    }

    /// Joint actions of Russia and China that Kyrgyzstan witnesses: a joint exercise it takes
    /// part in every two years, and offers from both within months of each other.
    fn concert_events() -> String {
        let mut e = String::new();
        for year in (2005..2015).step_by(2) {
            e.push_str(&format!(
                "[[events]]\ndate = \"{year}-03\"\nkind = \"exercise\"\nparticipants = [\"RUS\", \"CHN\", \"KGZ\"]\n"
            ));
        }
        e
    }

    /// Russia and China close (affinity 1: partnership 1) or estranged (affinity -1: partnership
    /// 0), Kyrgyzstan an SCO member or not (`sco`), with `events`.
    fn concert_world(affinity: f64, sco: &str, events: &str) -> Kit {
        world(
            [0.0; 3],
            &format!("sco = \"{sco}\""),
            &format!("[[relations]]\na = \"RUS\"\nb = \"CHN\"\naffinity = {affinity}\n{events}"),
        )
    }

    #[test]
    fn soft_balancing_responds_to_the_balancers_coordination_and_the_others_do_not() {
        // An SCO member; Russia and China close (affinity 0.8) or estranged (-0.8).
        let case = |affinity: f64| {
            world(
                [0.0; 3],
                "sco = \"member\"",
                &format!("[[relations]]\na = \"RUS\"\nb = \"CHN\"\naffinity = {affinity}\n"),
            )
        };
        let both = |v: &[f64]| v[RUS] + v[CHN];
        let soft = both(&shares(case(0.8), Lens::SoftBalancing, 10))
            - both(&shares(case(-0.8), Lens::SoftBalancing, 10));
        let bop = both(&shares(case(0.8), Lens::BalanceOfPower, 10))
            - both(&shares(case(-0.8), Lens::BalanceOfPower, 10));
        assert!(soft > 0.05, "soft balancing: {soft}");
        assert!(bop.abs() < 1e-9, "balance of power: {bop}");
    }

    #[test]
    fn soft_balancing_pull_vanishes_without_coordination_and_the_balance_of_powers_does_not() {
        // Pape and Paul: the pull is the balancers' coordinated action. A state outside the SCO
        // that takes part in Russia and China's joint exercises leans toward both; with the same
        // exercises and the balancers estranged, or close and doing nothing together, there is
        // no coordination to respond to and it decides on interests alone — here read under the
        // profit lens with no growth, which adds nothing to the interests. Balance of power's
        // pull away from the strongest is the same whether the balancers coordinate or not.
        let run = |kit: Kit, lens| shares(kit, lens, 10);
        let both = |v: &[f64]| v[RUS] + v[CHN];
        let exercises = concert_events();
        let coordinated = run(concert_world(1.0, "none", &exercises), Lens::SoftBalancing);
        let estranged = run(concert_world(-1.0, "none", &exercises), Lens::SoftBalancing);
        let idle = run(concert_world(1.0, "none", ""), Lens::SoftBalancing);
        let interests = |kit: Kit| run(kit, Lens::BandwagoningForProfit);
        assert!(
            both(&coordinated) > both(&estranged) + 0.03,
            "{coordinated:?} vs {estranged:?}"
        );
        assert!(
            both(&coordinated) > both(&interests(concert_world(1.0, "none", &exercises))) + 0.03,
            "{coordinated:?}"
        );
        assert_eq!(
            estranged,
            interests(concert_world(-1.0, "none", &exercises)),
            "no partnership, no pull"
        );
        assert_eq!(
            idle,
            interests(concert_world(1.0, "none", "")),
            "no joint action, no pull"
        );
        let bop_close = run(concert_world(1.0, "none", &exercises), Lens::BalanceOfPower);
        let bop_apart = run(
            concert_world(-1.0, "none", &exercises),
            Lens::BalanceOfPower,
        );
        assert!(
            (bop_close[USA] - bop_apart[USA]).abs() < 1e-9,
            "{bop_close:?} vs {bop_apart:?}"
        );
        assert!(
            bop_apart[USA] < estranged[USA] - 0.02,
            "{bop_apart:?} vs {estranged:?}"
        );
    }

    #[test]
    fn landscape_sides_against_a_large_rival_whatever_the_interests() {
        // A large state aligned with Russia and hostile to Kyrgyzstan.
        let more = r#"
[[actors]]
id = "BIG"
role = "state"
gdp_bn = 10000.0
military_bn = 500.0
alignment = { USA = 0.1, RUS = 0.8, CHN = 0.1 }
leaning = { RUS = 2.0 }
[[relations]]
a = "BIG"
b = "KGZ"
affinity = -0.8
"#;
        let base = shares(world([0.0; 3], "", more), Lens::SoftBalancing, 10);
        let land = shares(world([0.0; 3], "", more), Lens::Landscape, 10);
        let bop = shares(world([0.0; 3], "", more), Lens::BalanceOfPower, 10);
        // The rival's side is Russia's: the landscape moves the state off it; interests and the
        // balance of power, blind to the rival, do not.
        assert_eq!(argmin(&land), RUS, "landscape {land:?}");
        assert!(land[RUS] < base[RUS] - 0.05, "{land:?} vs {base:?}");
        assert!(land[RUS] < bop[RUS] - 0.05, "{land:?} vs {bop:?}");
    }
}

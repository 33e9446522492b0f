//! Ablations: the scorecard with one of the model's channels switched off at a time.
//!
//! A scorecard line is evidence for a mechanism only if removing the mechanism can make it fail.
//! Each [`Channel`] names one causal channel of the model and how to switch it off: parameters
//! set to zero, or scripted offers of one kind removed. [`ablations`] runs the whole scorecard
//! (the replay and its counterfactuals) once per channel, so the table of channels × lines shows
//! which line depends on which channel, and which lines no channel can break (those are not
//! evidence for any of them).

use crate::runs::ensemble::PoolError;
use crate::runs::scorecard::{Line, scorecard};
use crate::scenario::keys::{self, KeyError};
use crate::scenario::{Condition, EventKind, Scenario};

/// A causal channel of the model and how to switch it off.
#[derive(Clone, Copy, Debug)]
pub struct Channel {
    /// Short name (a column of `ablations.csv`).
    pub name: &'static str,
    /// What is switched off, in words.
    pub what: &'static str,
    /// Parameters set to zero.
    pub zero: &'static [&'static str],
    /// Scripted offers removed.
    pub remove: Remove,
    /// Other channels (by name, earlier in [`CHANNELS`]) switched off with this one.
    pub with: &'static [&'static str],
}

/// Scripted offers a channel removes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Remove {
    /// None.
    Nothing,
    /// Loan offers that carry a condition (close a base, join the EEU).
    ConditionalCredit,
    /// The differences in trade growth: every tie's trade grows at one common rate (the
    /// trade-weighted mean of the scenario's rates) and scripted changes of trade growth go.
    TradeGrowthGap,
}

/// The channels, soft balancing's first. The first four are the soft-balancing channels: the
/// pull of the balancers' coordination (through SCO membership and joint actions), collective
/// SCO pressure against foreign bases, shared non-interference norms, and the Russia–China
/// partnership's growth (joint exercises, common opposition to sanctions, energy and credit
/// ties). Joint actions alone (`joint_actions`) are a part of the first; `money` and
/// `trade_growth` test the economic explanation of the drift toward China.
pub const CHANNELS: [Channel; 14] = [
    Channel {
        name: "sco_membership",
        what: "the soft-balancing lens's pull toward the balancers, through SCO membership and the joint actions states witness (decision.sco_weight = 0)",
        zero: &["decision.sco_weight"],
        remove: Remove::Nothing,
        with: &[],
    },
    Channel {
        name: "sco_pressure",
        what: "collective SCO pressure against foreign bases (bases.sco_pressure_weight = 0)",
        zero: &["bases.sco_pressure_weight"],
        remove: Remove::Nothing,
        with: &[],
    },
    Channel {
        name: "sco_norms",
        what: "shared sovereignty and non-interference norms (decision.norms_weight = 0)",
        zero: &["decision.norms_weight"],
        remove: Remove::Nothing,
        with: &[],
    },
    Channel {
        name: "partnership",
        what: "growth of the RUS-CHN partnership (coercion, flows, credit, opposition, exercise, sanction, signing and loan gains = 0)",
        zero: &[
            "partnership.coercion_gain_per_year",
            "partnership.flow_gain_per_100bcm",
            "partnership.credit_gain_per_year",
            "partnership.opposition_gain_per_year",
            "partnership.exercise_gain",
            "partnership.sanction_gain",
            "energy.partnership_gain",
            "loans.patron_loan_gain",
        ],
        remove: Remove::Nothing,
        with: &[],
    },
    Channel {
        name: "soft_balancing",
        what: "all four soft-balancing channels above at once",
        zero: &[],
        remove: Remove::Nothing,
        with: &["sco_membership", "sco_pressure", "sco_norms", "partnership"],
    },
    Channel {
        name: "conditional_credit",
        what: "every loan offer with a condition (close a base, join the EEU) removed",
        zero: &[],
        remove: Remove::ConditionalCredit,
        with: &[],
    },
    Channel {
        name: "energy",
        what: "energy rent, transit fees and the energy partnership gain (= 0)",
        zero: &[
            "energy.rent_share",
            "energy.transit_usd_per_tcm_100km",
            "energy.partnership_gain",
        ],
        remove: Remove::Nothing,
        with: &[],
    },
    Channel {
        name: "domination",
        what: "fear of domination (decision.domination_weight = 0)",
        zero: &["decision.domination_weight"],
        remove: Remove::Nothing,
        with: &[],
    },
    Channel {
        name: "regime_security",
        what: "regime security: pressure on the regime (decision.regime_weight = 0)",
        zero: &["decision.regime_weight"],
        remove: Remove::Nothing,
        with: &[],
    },
    Channel {
        name: "security",
        what: "security ties against threats (decision.security_weight = 0)",
        zero: &["decision.security_weight"],
        remove: Remove::Nothing,
        with: &[],
    },
    Channel {
        name: "alliance",
        what: "Russia's CSTO alliance: the floor it keeps under its allies' security ties (partnership.alliance_security = 0)",
        zero: &["partnership.alliance_security"],
        remove: Remove::Nothing,
        with: &[],
    },
    Channel {
        name: "joint_actions",
        what: "states' response to the balancers' joint actions: exercises, SCO declarations, coordinated offers (lenses.concert_weight = 0); membership's pull stays",
        zero: &["lenses.concert_weight"],
        remove: Remove::Nothing,
        with: &[],
    },
    Channel {
        name: "money",
        what: "what the patrons' money is worth to a state in its alignment: trade, aid, remittances, credit, rent, energy and project income (decision.money_weight = 0; fear of domination, which reads the shares of that money, stays)",
        zero: &["decision.money_weight"],
        remove: Remove::Nothing,
        with: &[],
    },
    Channel {
        name: "trade_growth",
        what: "the differences in trade growth: every state's trade with every patron grows at one rate, the trade-weighted mean of the scenario's rates, and scripted changes of trade growth are removed",
        zero: &[],
        remove: Remove::TradeGrowthGap,
        with: &[],
    },
];

/// `sc` with `channel` (and the channels it names in `with`) switched off.
pub fn without(sc: &Scenario, channel: &Channel) -> Result<Scenario, KeyError> {
    let mut s = sc.clone();
    switch_off(&mut s, channel)?;
    Ok(s)
}

fn switch_off(s: &mut Scenario, channel: &Channel) -> Result<(), KeyError> {
    for other in CHANNELS.iter().filter(|c| channel.with.contains(&c.name)) {
        switch_off(s, other)?;
    }
    for key in channel.zero {
        keys::set(s, key, 0.0)?;
    }
    if channel.remove == Remove::TradeGrowthGap {
        let w = &mut s.initial;
        let trade: f64 = w.trade.iter().sum();
        let weighted: f64 = w
            .trade
            .iter()
            .zip(&w.trade_growth)
            .map(|(t, g)| t * g)
            .sum();
        // (A scenario whose trade sums beyond the largest double keeps its own rates' mean
        // undefined: then no growth at all, rather than NaN.)
        let common = if trade > 0.0 { weighted / trade } else { 0.0 };
        let common = if common.is_finite() { common } else { 0.0 };
        w.trade_growth.fill(common);
        s.events
            .retain(|e| !matches!(e.kind, EventKind::TradeGrowth { .. }));
    }
    if channel.remove == Remove::ConditionalCredit {
        s.events.retain(|e| {
            !matches!(
                e.kind,
                EventKind::LoanOffer {
                    condition: Condition::CloseBase(_) | Condition::JoinEeu,
                    ..
                }
            )
        });
    }
    Ok(())
}

/// The scorecard with one channel switched off.
#[derive(Clone, Debug)]
pub struct Ablation {
    /// The channel.
    pub channel: Channel,
    /// The scorecard without it, in check order.
    pub lines: Vec<Line>,
}

/// Why ablations could not run.
#[derive(Debug, thiserror::Error)]
pub enum AblationError {
    /// A channel's parameter is not in this scenario's parameters (cannot happen with the
    /// shipped parameter set).
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The worker threads could not start.
    #[error(transparent)]
    Pool(#[from] PoolError),
}

/// The scorecard of `sc` (`runs` replicates per ensemble, seed `seed`) with each channel of
/// [`CHANNELS`] switched off in turn.
pub fn ablations(
    sc: &Scenario,
    seed: u64,
    runs: usize,
    jobs: usize,
) -> Result<Vec<Ablation>, AblationError> {
    CHANNELS
        .iter()
        .map(|c| {
            let s = without(sc, c)?;
            Ok(Ablation {
                channel: *c,
                lines: scorecard(&s, seed, runs, jobs)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_channel_switches_off_what_it_names() {
        let sc = Scenario::load(std::path::Path::new("scenarios/sco2001.toml")).unwrap();
        for c in &CHANNELS {
            let mut s = without(&sc, c).unwrap();
            let included = CHANNELS.iter().filter(|o| c.with.contains(&o.name));
            for key in c.zero.iter().chain(included.flat_map(|o| o.zero)) {
                assert_eq!(keys::get(&mut s, key).unwrap(), 0.0, "{} {key}", c.name);
            }
        }
        let soft = CHANNELS
            .iter()
            .find(|c| c.name == "soft_balancing")
            .unwrap();
        assert_eq!(soft.with.len(), 4, "all four soft-balancing channels");
        assert!(
            soft.with
                .iter()
                .all(|n| CHANNELS.iter().any(|c| c.name == *n && !c.zero.is_empty()))
        );
        let conditional = |s: &Scenario| {
            s.events
                .iter()
                .filter(|e| {
                    matches!(
                        e.kind,
                        EventKind::LoanOffer {
                            condition: Condition::CloseBase(_) | Condition::JoinEeu,
                            ..
                        }
                    )
                })
                .count()
        };
        assert!(conditional(&sc) > 0, "the replay has conditional credit");
        let credit = CHANNELS
            .iter()
            .find(|c| c.name == "conditional_credit")
            .unwrap();
        assert_eq!(conditional(&without(&sc, credit).unwrap()), 0);

        // One rate of trade growth for every tie, and no scripted change of it.
        let growth = CHANNELS.iter().find(|c| c.name == "trade_growth").unwrap();
        let s = without(&sc, growth).unwrap();
        let rates = &s.initial.trade_growth;
        assert!(rates.iter().all(|&g| g == rates[0]));
        assert!(sc.initial.trade_growth.iter().any(|&g| g != rates[0]));
        let changes = |s: &Scenario| {
            s.events
                .iter()
                .filter(|e| matches!(e.kind, EventKind::TradeGrowth { .. }))
                .count()
        };
        assert!(
            changes(&sc) > 0,
            "the replay scripts changes of trade growth"
        );
        assert_eq!(changes(&s), 0);
    }
}

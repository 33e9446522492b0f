//! The theory lenses a state can decide by, as names a scenario and `--lens` use. What each
//! lens does is the engine's (`engine::decision::lenses`); docs/theory.md gives the
//! theories and their sources.

/// The theory lens a state decides by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lens {
    /// Soft balancing (Pape 2005; Paul 2005): interests plus a pull toward the balancers, their
    /// partnership times the state's engagement in their coordinated, non-military action
    /// against the leading power (SCO membership and the joint actions it has witnessed).
    #[default]
    SoftBalancing,
    /// Balance of power (Waltz 1979): lean against the strongest patron by capabilities.
    BalanceOfPower,
    /// Balance of threat (Walt 1987): lean against the most threatening patron — capability,
    /// reach (proximity) and intentions read from its actions.
    BalanceOfThreat,
    /// Bandwagoning in Walt's sense (1987): appease the threat — lean toward the most
    /// threatening patron.
    Bandwagoning,
    /// Bandwagoning for profit (Schweller 1994): lean toward a rising revisionist patron to share
    /// its gains.
    BandwagoningForProfit,
    /// Omnibalancing (David 1991): the leader's survival against internal and external threats
    /// first — pressure on the regime, protection of the regime and the leader's leanings weigh
    /// several times more.
    Omnibalancing,
    /// Hedging (Kuik 2008): under uncertainty keep options open — the more volatile the patrons'
    /// behaviour, the less attractive more commitment to any one is.
    Hedging,
    /// Landscape theory (Axelrod and Bennett 1993): side with whoever minimises frustration, the
    /// size-weighted affinity with the actors on the other side.
    Landscape,
}

const ALL: [Lens; 8] = [
    Lens::SoftBalancing,
    Lens::BalanceOfPower,
    Lens::BalanceOfThreat,
    Lens::Bandwagoning,
    Lens::BandwagoningForProfit,
    Lens::Omnibalancing,
    Lens::Hedging,
    Lens::Landscape,
];

impl Lens {
    /// Every lens name, as written in scenario files and `--lens`.
    pub fn names() -> &'static [&'static str] {
        &[
            "soft-balancing",
            "balance-of-power",
            "balance-of-threat",
            "bandwagoning",
            "bandwagoning-for-profit",
            "omnibalancing",
            "hedging",
            "landscape",
        ]
    }
    /// Every lens.
    pub fn all() -> &'static [Lens] {
        &ALL
    }

    /// The lens with this name.
    pub fn parse(name: &str) -> Option<Lens> {
        Lens::names()
            .iter()
            .position(|n| *n == name)
            .map(|i| ALL[i])
    }

    /// A short name of at most 8 characters, for the columns of terminal tables.
    pub fn short(self) -> &'static str {
        [
            "soft-bal", "bal-pow", "bal-thr", "bandwag", "profit", "omnibal", "hedging", "landscp",
        ][ALL.iter().position(|l| *l == self).unwrap_or(0)]
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        Lens::names()[ALL.iter().position(|l| *l == self).unwrap_or(0)]
    }
}

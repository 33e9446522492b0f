//! The theory lenses a state can decide by, as names a scenario and `--lens` use. What each
//! lens does is the engine's (`engine::decision::lenses`); docs/theory.md gives the
//! theories and their sources.

/// The theory lens a state decides by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lens {
    /// Soft balancing (Pape 2005; Paul 2005): interests plus a bonus for Russia and China in an
    /// SCO member's scores, growing with their partnership — coordinated non-military action
    /// against the leading power.
    #[default]
    SoftBalancing,
    /// Balance of power (Waltz 1979): lean against the strongest patron by capabilities.
    BalanceOfPower,
    /// Balance of threat (Walt 1987): lean against the most threatening patron — power,
    /// proximity and hostile intentions.
    BalanceOfThreat,
    /// Bandwagoning (Walt 1987; Schweller 1994): lean toward the strongest patron.
    Bandwagoning,
    /// Omnibalancing (David 1991): the leader's regime survival first — pressure on the regime and
    /// the leader's own leanings weigh several times more.
    Omnibalancing,
    /// Hedging (Kuik 2008): keep options open — the more committed to a patron, the less attractive
    /// more commitment is.
    Hedging,
}

const ALL: [Lens; 6] = [
    Lens::SoftBalancing,
    Lens::BalanceOfPower,
    Lens::BalanceOfThreat,
    Lens::Bandwagoning,
    Lens::Omnibalancing,
    Lens::Hedging,
];

impl Lens {
    /// Every lens name, as written in scenario files and `--lens`.
    pub fn names() -> &'static [&'static str] {
        &[
            "soft-balancing",
            "balance-of-power",
            "balance-of-threat",
            "bandwagoning",
            "omnibalancing",
            "hedging",
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

    /// Its name.
    pub fn name(self) -> &'static str {
        Lens::names()[ALL.iter().position(|l| *l == self).unwrap_or(0)]
    }
}

//! The shipped scenarios, compiled into the binary: `simulate lab` offers them, and they run
//! from any folder after `cargo install`. Each is the text of the file under `scenarios/`, so a
//! shipped scenario validates to the same [`Scenario`] (same SHA-256) as the file it came from.

use std::path::Path;

use super::Scenario;
use super::validate::parse;
use crate::error::ScenarioError;

/// One scenario compiled into the binary.
#[derive(Clone, Copy, Debug)]
pub struct Shipped {
    /// Its name (the file's stem and the scenario's `name`).
    pub name: &'static str,
    /// The file it was read from, relative to the crate's root.
    pub file: &'static str,
    /// The file's text.
    pub text: &'static str,
}

/// Every shipped scenario, in the order the README lists them.
pub const SHIPPED: [Shipped; 5] = [
    Shipped {
        name: "ufa2015",
        file: "scenarios/ufa2015.toml",
        text: include_str!("../../scenarios/ufa2015.toml"),
    },
    Shipped {
        name: "samarkand2022",
        file: "scenarios/samarkand2022.toml",
        text: include_str!("../../scenarios/samarkand2022.toml"),
    },
    Shipped {
        name: "sco2001",
        file: "scenarios/sco2001.toml",
        text: include_str!("../../scenarios/sco2001.toml"),
    },
    Shipped {
        name: "sco2001_strategic",
        file: "scenarios/sco2001_strategic.toml",
        text: include_str!("../../scenarios/sco2001_strategic.toml"),
    },
    Shipped {
        name: "sco2001_strategic_both",
        file: "scenarios/sco2001_strategic_both.toml",
        text: include_str!("../../scenarios/sco2001_strategic_both.toml"),
    },
];

impl Shipped {
    /// The shipped scenario called `name`, if any.
    pub fn find(name: &str) -> Option<Shipped> {
        SHIPPED.iter().copied().find(|s| s.name == name)
    }

    /// Validates the compiled-in text (as if read from [`Shipped::file`]).
    pub fn load(&self) -> Result<Scenario, ScenarioError> {
        parse(Path::new(self.file), self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_scenario_validates_under_its_own_name() {
        for s in SHIPPED {
            let sc = s.load().unwrap_or_else(|e| panic!("{}: {e}", s.name));
            assert_eq!(sc.name, s.name);
            assert_eq!(sc.path, s.file);
        }
    }
}

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

    /// The shipped scenario a path names when no such file exists: its name (`sco2001`), its
    /// file name (`sco2001.toml`) or its file under any `scenarios/` folder
    /// (`scenarios/sco2001.toml`), so the commands of the docs work from any folder after
    /// `cargo install`. The caller checks that the file is absent: a file on disk always wins.
    pub fn named_by(path: &Path) -> Option<Shipped> {
        let text = path.to_str()?;
        if let Some(s) = Shipped::find(text) {
            return Some(s);
        }
        let stem = path.file_name()?.to_str()?.strip_suffix(".toml")?;
        let parent_ok = match path.parent().and_then(|p| p.file_name()) {
            None => true,
            Some(dir) => dir == "scenarios",
        };
        Shipped::find(stem).filter(|_| parent_ok)
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

    #[test]
    fn a_shipped_scenario_is_found_by_name_file_name_or_scenarios_path() {
        for p in [
            "sco2001",
            "sco2001.toml",
            "scenarios/sco2001.toml",
            "../x/scenarios/sco2001.toml",
        ] {
            assert_eq!(
                Shipped::named_by(Path::new(p)).map(|s| s.name),
                Some("sco2001"),
                "{p}"
            );
        }
        for p in [
            "sco2002",
            "other/sco2001.toml",
            "sco2001.txt",
            "scenarios/mine.toml",
        ] {
            assert!(Shipped::named_by(Path::new(p)).is_none(), "{p}");
        }
    }
}

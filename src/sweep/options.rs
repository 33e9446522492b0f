//! What a sweep needs besides the scenario, and the one place where a scenario's `[sweep]` table
//! and the command line are merged ([`SweepRequest::resolve`]).

use std::path::PathBuf;

use super::error::SweepError;
use crate::scenario::experiment::{Design, MAX_POINTS, SweepSpec, point_count};
use crate::scenario::{Scenario, keys};

/// Everything a sweep needs besides the scenario.
#[derive(Clone, Debug)]
pub struct SweepOptions {
    /// The design.
    pub spec: SweepSpec,
    /// The sweep's seed.
    pub seed: u64,
    /// Threads (0: all cores).
    pub jobs: usize,
    /// Run only points `i` with `i % count == index - 1`: `(index, count)`, 1-based index.
    pub shard: Option<(usize, usize)>,
    /// Continue an interrupted sweep in `out`.
    pub resume: bool,
    /// Also write every run's results to `runs.csv`.
    pub keep_runs: bool,
    /// Output folder.
    pub out: PathBuf,
    /// Fixed changes applied before sweeping (`--set KEY=VALUE` with one value, `--without`,
    /// `--lens`), as text for the provenance; already applied to the scenario.
    pub fixed: Vec<String>,
    /// The command line, as recorded in `sweep.json`.
    pub command: Vec<String>,
}

/// Replicates per point when neither the command line nor the scenario's `[sweep]` table says.
pub const DEFAULT_RUNS: usize = 20;

/// Which kind of design was asked for (the number of points comes separately).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DesignKind {
    /// Every combination of the axes' values.
    Grid,
    /// Points drawn uniformly.
    Random,
    /// Latin-hypercube points.
    Lhs,
}

impl DesignKind {
    /// The kind of `design`; `None` for the sensitivity designs, which `simulate sensitivity`
    /// builds and a scenario's `[sweep]` table cannot name.
    pub fn of(design: Design) -> Option<DesignKind> {
        match design {
            Design::Grid => Some(DesignKind::Grid),
            Design::Random(_) => Some(DesignKind::Random),
            Design::Lhs(_) => Some(DesignKind::Lhs),
            Design::Morris { .. } | Design::Saltelli(_) => None,
        }
    }

    /// The name used in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            DesignKind::Grid => "grid",
            DesignKind::Random => "random",
            DesignKind::Lhs => "lhs",
        }
    }
}

/// A sweep as the user asks for it (on the command line or from any other front end), before
/// the scenario's `[sweep]` table fills in what it leaves out.
#[derive(Clone, Debug, Default)]
pub struct SweepRequest {
    /// The kind of design, if asked.
    pub design: Option<DesignKind>,
    /// Points to draw for a random or Latin-hypercube design, if given.
    pub samples: Option<usize>,
    /// Swept keys with their values as text (`min:max:step`, `a,b,c`, `min:max`), in order.
    pub axes: Vec<(String, String)>,
    /// Replicates per point, if given.
    pub runs: Option<usize>,
}

impl SweepRequest {
    /// The sweep to run: this request, with what it leaves out taken from the scenario's
    /// `[sweep]` table, and then from the defaults (a grid; [`DEFAULT_RUNS`] runs per point).
    /// The only place where a file's sweep and the command line meet, so that the same sweep
    /// runs the same way however it was given.
    pub fn resolve(&self, sc: &Scenario) -> Result<SweepSpec, SweepError> {
        let file = sc.sweep.as_ref();
        let kind = self
            .design
            .or(file.and_then(|f| DesignKind::of(f.design)))
            .unwrap_or(DesignKind::Grid);
        let samples = self.samples.or(match file.map(|f| f.design) {
            Some(Design::Random(n) | Design::Lhs(n)) => Some(n),
            _ => None,
        });
        let design = match kind {
            DesignKind::Grid if self.samples.is_some() => return Err(SweepError::SamplesWithGrid),
            DesignKind::Grid => Design::Grid,
            k => {
                let n = samples.ok_or(SweepError::NeedsSamples { design: k.name() })?;
                if k == DesignKind::Random {
                    Design::Random(n)
                } else {
                    Design::Lhs(n)
                }
            }
        };
        let sampling = design != Design::Grid;
        let mut axes = Vec::new();
        for (k, (key, text)) in self.axes.iter().enumerate() {
            if self.axes[..k].iter().any(|(first, _)| first == key) {
                return Err(SweepError::RepeatedAxis { key: key.clone() });
            }
            let axis = keys::axis(sc, key, text, sampling).map_err(|source| SweepError::Axis {
                key: key.clone(),
                text: text.clone(),
                source,
            })?;
            axes.push(axis);
        }
        if axes.is_empty()
            && let Some(f) = file
        {
            axes = f.axes.clone();
        }
        if sampling && axes.is_empty() {
            return Err(SweepError::NeedsAxes {
                design: kind.name(),
            });
        }
        let points = point_count(design, &axes);
        if points > MAX_POINTS {
            return Err(SweepError::TooManyPoints { points });
        }
        let runs = self
            .runs
            .or(file.and_then(|f| f.runs))
            .unwrap_or(DEFAULT_RUNS);
        Ok(SweepSpec { design, runs, axes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::validate::parse;

    const BASE: &str = include_str!("../../tests/scenarios/base.toml");

    fn with_sweep(table: &str) -> Scenario {
        let text = format!("{BASE}\n{table}");
        parse(std::path::Path::new("t.toml"), &text).expect("valid scenario")
    }

    #[test]
    fn a_sweep_table_without_runs_runs_as_many_as_the_command_line_default() {
        let sc = with_sweep(
            "[sweep]\n[[sweep.axes]]\nkey = \"decision.money_weight\"\nvalues = \"5:15:5\"\n",
        );
        let from_file = SweepRequest::default().resolve(&sc).expect("resolves");
        assert_eq!(from_file.runs, DEFAULT_RUNS);
        let from_flags = SweepRequest {
            axes: vec![("decision.money_weight".into(), "5:15:5".into())],
            ..SweepRequest::default()
        }
        .resolve(&sc)
        .expect("resolves");
        assert_eq!(from_file, from_flags);
    }

    #[test]
    fn the_command_line_overrides_the_file_and_the_file_fills_the_rest() {
        let sc = with_sweep(
            "[sweep]\nruns = 7\n[[sweep.axes]]\nkey = \"decision.money_weight\"\nvalues = \"5:15:5\"\n",
        );
        assert_eq!(
            SweepRequest::default().resolve(&sc).map(|s| s.runs).ok(),
            Some(7)
        );
        let req = SweepRequest {
            runs: Some(3),
            ..SweepRequest::default()
        };
        assert_eq!(req.resolve(&sc).map(|s| s.runs).ok(), Some(3));
        let lhs = SweepRequest {
            design: Some(DesignKind::Lhs),
            ..SweepRequest::default()
        };
        assert!(matches!(
            lhs.resolve(&sc),
            Err(SweepError::NeedsSamples { design: "lhs" })
        ));
    }

    /// Regression: a key given twice silently took the second values, and rows were labelled
    /// with values that were not used.
    #[test]
    fn a_key_swept_twice_is_refused() {
        let sc = with_sweep("");
        let req = SweepRequest {
            axes: vec![
                ("decision.money_weight".into(), "5:15:5".into()),
                ("decision.money_weight".into(), "1,2".into()),
            ],
            ..SweepRequest::default()
        };
        assert!(matches!(
            req.resolve(&sc),
            Err(SweepError::RepeatedAxis { key }) if key == "decision.money_weight"
        ));
    }

    /// Regression: each axis was capped but not their product; a grid that passed `check`
    /// aborted the process allocating its points.
    #[test]
    fn a_grid_past_the_point_limit_is_refused_before_its_points_are_made() {
        let sc = with_sweep("");
        let keys = [
            "decision.money_weight",
            "decision.domination_weight",
            "decision.noise_sd",
        ];
        let req = SweepRequest {
            axes: keys
                .iter()
                .map(|k| {
                    (
                        k.to_string(),
                        (0..200)
                            .map(|i| format!("{}", f64::from(i) * 1e-4))
                            .collect::<Vec<_>>()
                            .join(","),
                    )
                })
                .collect(),
            ..SweepRequest::default()
        };
        assert!(matches!(
            req.resolve(&sc),
            Err(SweepError::TooManyPoints { points: 8_000_000 })
        ));
    }
}

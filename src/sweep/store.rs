//! The sweep's files: its definition (`sweep.json`) and merging shards.
//!
//! `sweep.json` records the definition — scenario file and SHA-256, seed, lens, fixed changes,
//! design, axes, runs, number of points and columns — and, for a shard, which shard. Two outputs
//! belong to the same sweep when their definitions are equal apart from the shard. `simulate
//! merge` checks that, checks every point is present exactly once, and writes the `sweep.csv` and
//! `sweep.json` an unsharded run writes, byte for byte.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::SweepError;
use super::options::SweepOptions;
use super::table::header;
use crate::output::write_atomic;
use crate::scenario::Scenario;
use crate::scenario::experiment::Design;

/// One swept key, as recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AxisMeta {
    /// Key path.
    pub key: String,
    /// Values as written (`min:max:step`, `min:max` or a list).
    pub values: String,
}

/// A sweep's definition and provenance (`sweep.json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepMeta {
    /// Tool and version.
    pub tool: String,
    /// Scenario name.
    pub scenario: String,
    /// Scenario file as given.
    pub scenario_file: String,
    /// SHA-256 of the scenario file.
    pub scenario_sha256: String,
    /// The sweep's seed; point i uses the seed in column `seed` of `sweep.csv`.
    pub seed: u64,
    /// Lens in force.
    pub lens: String,
    /// Changes applied to every point (`--set` with one value, `--without`, `--lens`).
    pub fixed: Vec<String>,
    /// `grid`, `random` or `lhs`.
    pub design: String,
    /// Points drawn, for random and lhs designs; base rows of a saltelli design; trajectories
    /// of a morris design.
    pub samples: Option<usize>,
    /// Grid levels of a morris design.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<usize>,
    /// Replicates per point.
    pub runs: usize,
    /// Swept keys.
    pub axes: Vec<AxisMeta>,
    /// Points in the whole sweep.
    pub points: usize,
    /// How percentiles are computed.
    pub percentiles: String,
    /// How to re-run one row alone.
    pub rerun: String,
    /// The columns of `sweep.csv`.
    pub columns: Vec<String>,
    /// `K/N` for a shard's output; absent for a whole sweep.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
}

impl SweepMeta {
    /// The definition of the sweep `opts` runs on `sc`.
    pub fn new(sc: &Scenario, opts: &SweepOptions, points: usize) -> SweepMeta {
        let spec = &opts.spec;
        SweepMeta {
            tool: format!("simulate {}", crate::VERSION),
            scenario: sc.name.clone(),
            scenario_file: sc.path.clone(),
            scenario_sha256: sc.sha256.clone(),
            seed: opts.seed,
            lens: sc.lens.name().to_string(),
            fixed: opts.fixed.clone(),
            design: spec.design.name().to_string(),
            samples: match spec.design {
                Design::Grid => None,
                Design::Random(n) | Design::Lhs(n) | Design::Saltelli(n) => Some(n),
                Design::Morris { trajectories, .. } => Some(trajectories),
            },
            levels: match spec.design {
                Design::Morris { levels, .. } => Some(levels),
                _ => None,
            },
            runs: spec.runs,
            axes: spec.axes.iter().map(|a| AxisMeta { key: a.key.clone(), values: a.values.text() }).collect(),
            points,
            percentiles: format!("p5/p50/p95 from a {}-bin histogram over 0-1: exact to within {}", super::aggregate::BINS, 1.0 / super::aggregate::BINS as f64),
            rerun: "simulate SCENARIO_FILE --set KEY=VALUE (each swept key at the row's value) [fixed changes] --seed SEED --runs RUNS replays a row's runs".to_string(),
            columns: header(sc, spec).split(',').map(str::to_string).collect(),
            shard: opts.shard.map(|(k, n)| format!("{k}/{n}")),
        }
    }

    /// Pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

fn read_meta(dir: &Path) -> Result<SweepMeta, SweepError> {
    let path = dir.join("sweep.json");
    let text = fs::read_to_string(&path).map_err(|e| {
        SweepError::Shards(format!("{}: {e}\n  help: is this a sweep output folder? A shard whose task failed has none: rerun that task", path.display()))
    })?;
    serde_json::from_str(&text).map_err(|e| {
        SweepError::Shards(format!("{}: not a sweep definition ({e})", path.display()))
    })
}

/// Merges shard output folders into `out`: checks they come from one sweep and cover every point
/// exactly once, then writes `sweep.csv` and `sweep.json` as an unsharded run would.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<Vec<PathBuf>, SweepError> {
    let Some(first_dir) = dirs.first() else {
        return Err(SweepError::Shards(
            "merge needs at least one shard folder".into(),
        ));
    };
    let first = read_meta(first_dir)?;
    let mut whole = first.clone();
    whole.shard = None;
    let mut rows: BTreeMap<usize, (String, PathBuf)> = BTreeMap::new();
    let mut shards_seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut shard_count = None;
    for dir in dirs {
        let meta = read_meta(dir)?;
        let mut def = meta.clone();
        def.shard = None;
        if def != whole {
            let what = if def.scenario_sha256 != whole.scenario_sha256 {
                "scenario file (SHA-256)"
            } else if def.seed != whole.seed {
                "seed"
            } else {
                "sweep definition"
            };
            return Err(SweepError::Shards(format!(
                "{} and {} come from different sweeps: the {what} differs\n  help: merge only the shards of one sweep",
                first_dir.display(),
                dir.display()
            )));
        }
        if let Some(s) = &meta.shard {
            let n = s.split('/').nth(1).and_then(|n| n.parse::<usize>().ok());
            if shard_count.is_some_and(|c| Some(c) != n) {
                return Err(SweepError::Shards(format!(
                    "{}: shard {s} is from a different split",
                    dir.display()
                )));
            }
            shard_count = n;
            if let Some(other) = shards_seen.insert(s.clone(), dir.clone()) {
                return Err(SweepError::Shards(format!(
                    "shard {s} appears twice: {} and {}",
                    other.display(),
                    dir.display()
                )));
            }
        }
        let path = dir.join("sweep.csv");
        let text = fs::read_to_string(&path).map_err(|e| {
            SweepError::Shards(format!(
                "{}: {e}\n  help: rerun this shard's task",
                path.display()
            ))
        })?;
        let mut lines = text.lines();
        if lines
            .next()
            .map(|h| h.split(',').map(str::to_string).collect::<Vec<_>>())
            != Some(whole.columns.clone())
        {
            return Err(SweepError::Shards(format!(
                "{}: its columns do not match sweep.json",
                path.display()
            )));
        }
        for l in lines {
            let i: usize = l
                .split(',')
                .next()
                .and_then(|x| x.parse().ok())
                .ok_or_else(|| {
                    SweepError::Shards(format!("{}: a row without a point number", path.display()))
                })?;
            if let Some((_, other)) = rows.insert(i, (l.to_string(), dir.clone())) {
                return Err(SweepError::Shards(format!(
                    "point {i} appears in both {} and {}",
                    other.display(),
                    dir.display()
                )));
            }
        }
    }
    let missing: Vec<usize> = (0..whole.points)
        .filter(|i| !rows.contains_key(i))
        .collect();
    if !missing.is_empty() {
        let mut shards_missing = Vec::new();
        if let Some(n) = shard_count {
            for k in 1..=n {
                if !shards_seen.contains_key(&format!("{k}/{n}")) {
                    shards_missing.push(format!("{k}/{n}"));
                }
            }
        }
        let shown: Vec<String> = missing.iter().take(10).map(|i| i.to_string()).collect();
        return Err(SweepError::Shards(format!(
            "incomplete sweep: {} of {} points missing (points {}{}){}\n  help: rerun the missing shard tasks, then merge again",
            missing.len(),
            whole.points,
            shown.join(", "),
            if missing.len() > 10 { ", ..." } else { "" },
            if shards_missing.is_empty() {
                String::new()
            } else {
                format!("; missing shards: {}", shards_missing.join(", "))
            }
        )));
    }
    fs::create_dir_all(out).map_err(|e| crate::sweep::error::io_err(out, e))?;
    let mut csv = whole.columns.join(",");
    csv.push('\n');
    for (row, _) in rows.values() {
        csv.push_str(row);
        csv.push('\n');
    }
    let csv_path = out.join("sweep.csv");
    write_atomic(&csv_path, csv.as_bytes())
        .map_err(|e| crate::sweep::error::io_err(&csv_path, e))?;
    let json_path = out.join("sweep.json");
    write_atomic(&json_path, whole.to_json().as_bytes())
        .map_err(|e| crate::sweep::error::io_err(&json_path, e))?;
    Ok(vec![csv_path, json_path])
}

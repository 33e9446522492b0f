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
use super::table::{check_row, header};
use crate::output::write_atomic;
use crate::scenario::Scenario;
use crate::scenario::experiment::{Axis, Design, MAX_POINTS, SweepSpec, parse_values, point_count};

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
    /// `grid`, `random`, `lhs`, `morris` or `saltelli`.
    pub design: String,
    /// Points drawn, for random and lhs designs; base rows of a saltelli design; trajectories
    /// of a morris design; left out for a grid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
    /// Every parameter in force at every point, by key path, before the swept keys take each
    /// point's values (those are in `sweep.csv`).
    #[serde(default)]
    pub params: BTreeMap<String, f64>,
    /// The command line as typed in the output folder (scenario path relative to it, `--out .`
    /// last; without `--jobs`, `--shard`, `--resume` and `--verify`, which do not change the
    /// rows).
    #[serde(default)]
    pub command: Vec<String>,
    /// `K/N` for a shard's output; absent for a whole sweep.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// SHA-256 of the `sweep.csv` written with this file (header and rows), which `merge` and
    /// `--resume` check; absent while the sweep runs (`sweep.partial.json`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows_sha256: Option<String>,
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
            params: crate::params::Params::specs()
                .iter()
                .zip(sc.params.values())
                .map(|(s, v)| (s.key.to_string(), v))
                .collect(),
            command: opts.command.clone(),
            shard: opts.shard.map(|(k, n)| format!("{k}/{n}")),
            rows_sha256: None,
        }
    }

    /// The definition alone: without the shard and the checksum of the rows.
    pub fn definition(&self) -> SweepMeta {
        SweepMeta {
            shard: None,
            rows_sha256: None,
            ..self.clone()
        }
    }

    /// What makes two outputs parts of one sweep: the definition without where each was
    /// written from (the scenario's path and the command line, relative to each output
    /// folder; the scenario's SHA-256 stays).
    pub fn identity(&self) -> SweepMeta {
        SweepMeta {
            scenario_file: String::new(),
            command: Vec::new(),
            ..self.definition()
        }
    }

    /// The fields of [`SweepMeta::identity`] (and the shard) in which `other` differs from this
    /// one, by their names in `sweep.json`, joined with commas: empty when the two are one sweep.
    pub fn differences(&self, other: &SweepMeta) -> String {
        let fields = |m: &SweepMeta| {
            let id = SweepMeta {
                shard: m.shard.clone(),
                ..m.identity()
            };
            match serde_json::to_value(id) {
                Ok(serde_json::Value::Object(map)) => map,
                _ => serde_json::Map::new(),
            }
        };
        let (a, b) = (fields(self), fields(other));
        let mut names: Vec<&String> = a.keys().chain(b.keys()).collect();
        names.sort();
        names.dedup();
        names.retain(|k| a.get(*k) != b.get(*k));
        names
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// This definition with the checksum of `csv`, the `sweep.csv` written with it.
    pub fn with_rows(&self, csv: &str) -> SweepMeta {
        SweepMeta {
            rows_sha256: Some(sha256_hex(csv.as_bytes())),
            ..self.clone()
        }
    }

    /// The sweep's points, made again from the definition alone (design, samples, axes, seed).
    pub fn points(&self) -> Result<Vec<Vec<f64>>, String> {
        let design = match (self.design.as_str(), self.samples) {
            ("grid", _) => Design::Grid,
            ("random", Some(n)) => Design::Random(n),
            ("lhs", Some(n)) => Design::Lhs(n),
            ("saltelli", Some(n)) => Design::Saltelli(n),
            ("morris", Some(n)) => Design::Morris {
                trajectories: n,
                levels: self.levels.ok_or("a morris design without `levels`")?,
            },
            (d, _) => return Err(format!("unknown design `{d}`")),
        };
        let sampling = design != Design::Grid;
        let mut axes = Vec::new();
        for a in &self.axes {
            let values =
                parse_values(&a.values, sampling).map_err(|e| format!("axis {}: {e}", a.key))?;
            axes.push(Axis {
                key: a.key.clone(),
                values,
            });
        }
        let count = point_count(design, &axes);
        if count > MAX_POINTS || count != self.points {
            return Err(format!(
                "its axes make {count} points, not the {} it records",
                self.points
            ));
        }
        Ok(SweepSpec {
            design,
            runs: self.runs,
            axes,
        }
        .points(self.seed))
    }

    /// Pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks the rows of `text`, a `sweep.csv` (`header`: whether its first line is the header),
/// against the sweep `meta` defines; a problem names `path`, the line and the column.
pub fn check_rows(
    path: &Path,
    text: &str,
    header: bool,
    meta: &SweepMeta,
    points: &[Vec<f64>],
) -> Result<Vec<(usize, String)>, SweepError> {
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate().skip(usize::from(header)) {
        let shared = matches!(meta.design.as_str(), "morris" | "saltelli");
        let point = check_row(line, &meta.columns, meta.seed, shared, points).map_err(|bad| {
            SweepError::BadFile {
                path: path.to_path_buf(),
                problem: format!(
                    "line {}{}, column {}: {}; the file was edited or is corrupt\n  help: rerun the sweep (or the shard) that wrote it",
                    n + 1,
                    line.split(',')
                        .next()
                        .and_then(|p| p.parse::<usize>().ok())
                        .map_or(String::new(), |p| format!(" (point {p})")),
                    bad.column,
                    bad.problem
                ),
            }
        })?;
        rows.push((point, line.to_string()));
    }
    Ok(rows)
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
    let whole = first.definition();
    let identity = first.identity();
    let points = whole.points().map_err(|e| {
        SweepError::Shards(format!(
            "{}: {e}\n  help: the file was edited or is corrupt; rerun the sweep",
            first_dir.join("sweep.json").display()
        ))
    })?;
    let mut rows: BTreeMap<usize, (String, PathBuf)> = BTreeMap::new();
    let mut shards_seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut shard_count = None;
    for dir in dirs {
        let meta = read_meta(dir)?;
        let def = meta.identity();
        if def != identity {
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
        if text
            .lines()
            .next()
            .map(|h| h.split(',').map(str::to_string).collect::<Vec<_>>())
            != Some(whole.columns.clone())
        {
            return Err(SweepError::Shards(format!(
                "{}: its columns do not match sweep.json",
                path.display()
            )));
        }
        let n = shard_count.unwrap_or(1);
        let k = meta
            .shard
            .as_deref()
            .and_then(|s| s.split('/').next()?.parse::<usize>().ok())
            .unwrap_or(1);
        let checked = check_rows(&path, &text, true, &whole, &points)?;
        // The rows are the ones the shard wrote: their checksum is in its sweep.json.
        match &meta.rows_sha256 {
            Some(sum) if *sum == sha256_hex(text.as_bytes()) => {}
            Some(_) => {
                return Err(SweepError::Shards(format!(
                    "{}: its rows do not match the checksum in sweep.json: edited or corrupt\n  help: rerun this shard's task",
                    path.display()
                )));
            }
            None => {
                return Err(SweepError::Shards(format!(
                    "{}: sweep.json has no checksum of the rows (rows_sha256)\n  help: rerun this shard's task with this version",
                    dir.join("sweep.json").display()
                )));
            }
        }
        for (i, l) in checked {
            if i % n != k - 1 {
                return Err(SweepError::Shards(format!(
                    "{}: point {i} does not belong to shard {k}/{n}\n  help: rerun this shard's task",
                    path.display()
                )));
            }
            if let Some((_, other)) = rows.insert(i, (l, dir.clone())) {
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
    write_atomic(&json_path, whole.with_rows(&csv).to_json().as_bytes())
        .map_err(|e| crate::sweep::error::io_err(&json_path, e))?;
    let long_path = out.join("sweep_long.csv");
    write_atomic(
        &long_path,
        super::table::long_form(&csv, whole.axes.len()).as_bytes(),
    )
    .map_err(|e| crate::sweep::error::io_err(&long_path, e))?;
    Ok(vec![csv_path, json_path, long_path])
}

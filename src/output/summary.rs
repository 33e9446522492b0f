//! The run summary: final alignments, indices and key decisions, with provenance.
//!
//! One [`Summary`] serves both the printed summary and `summary.json`. With several runs
//! (Monte Carlo), each number is given as mean with the 5–95 % range across runs, and each
//! decision as the share of runs in which it happened.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::engine::record::{Indices, RunRecord};
use crate::output::log::{describe, is_decision};
use crate::output::text::percent;
use crate::params::Params;
use crate::runs::digest::Digest;
use crate::runs::ensemble::Spread;
use crate::scenario::{Role, Scenario};

/// Where a result came from: enough to trace it and re-run it.
#[derive(Clone, Debug, Serialize)]
pub struct Provenance {
    /// Tool name and version.
    pub tool: String,
    /// Scenario file as given.
    pub scenario_file: String,
    /// SHA-256 of the scenario file's bytes.
    pub scenario_sha256: String,
    /// Seed of run 1 (run r uses ChaCha stream r-1 of this seed).
    pub seed: u64,
    /// Lens in force (`--lens` or the scenario's).
    pub lens: String,
    /// Number of runs.
    pub runs: usize,
    /// Every parameter in force, by key path.
    pub params: BTreeMap<String, f64>,
    /// Changes made from the command line (`--set`, `--without`, `--lens`, `--seed`).
    pub changes: Vec<String>,
    /// The command line.
    pub command: Vec<String>,
}

/// One state's final alignment.
#[derive(Clone, Debug, Serialize)]
pub struct FinalAlignment {
    /// State id.
    pub actor: String,
    /// Share toward each patron (by patron id).
    pub shares: BTreeMap<String, Spread>,
}

/// One decision and how often it happened.
#[derive(Clone, Debug, Serialize)]
pub struct KeyDecision {
    /// Date (in run 1, or the first run where it happened).
    pub date: String,
    /// Actor id.
    pub actor: String,
    /// Category.
    pub kind: String,
    /// What was decided and the scores that decided it.
    pub decision: String,
    /// Share of runs in which this decision (same actor, kind and subject) happened at least
    /// `repeat + 1` times.
    pub share_of_runs: f64,
    /// How many times the actor had taken the same decision before, in the run: 0 the first
    /// time, 1 the second (a lease renewed again, a yearly veto repeated), ...
    pub repeat: usize,
}

/// The summary of one invocation.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// Scenario description.
    pub description: String,
    /// First and last date.
    pub start: String,
    /// Last date.
    pub end: String,
    /// The patrons in the scenario's order: the order of every table and chart.
    pub patrons: Vec<String>,
    /// Final alignment of every state.
    pub final_alignment: Vec<FinalAlignment>,
    /// Indices at the start (run 1).
    pub initial_indices: BTreeMap<String, f64>,
    /// Indices at the end.
    pub final_indices: BTreeMap<String, Spread>,
    /// Decisions, in date order of run 1 (then those that happened only in other runs).
    pub key_decisions: Vec<KeyDecision>,
    /// Provenance.
    pub provenance: Provenance,
}

impl Summary {
    /// Builds the summary of `runs` (at least one).
    pub fn new(
        sc: &Scenario,
        prm: &Params,
        runs: &[RunRecord],
        seed: u64,
        changes: Vec<String>,
        command: Vec<String>,
    ) -> Summary {
        let mut digest = Digest::default();
        for r in runs {
            digest.add_with(r, is_decision);
        }
        Summary::of_digest(sc, prm, &digest, seed, changes, command)
    }

    /// Builds the summary of the runs `digest` accumulated (at least one; decisions counted with
    /// `output::log::is_decision`).
    pub fn of_digest(
        sc: &Scenario,
        prm: &Params,
        digest: &Digest,
        seed: u64,
        changes: Vec<String>,
        command: Vec<String>,
    ) -> Summary {
        let last = digest.dates().saturating_sub(1);
        let mut final_alignment = Vec::new();
        for (i, a) in sc.actors.iter().enumerate() {
            if a.role != Role::State {
                continue;
            }
            let mut shares = BTreeMap::new();
            for p in 0..sc.patrons.len() {
                shares.insert(
                    sc.patron_id(p).to_string(),
                    digest.share(last, i, p).spread(),
                );
            }
            final_alignment.push(FinalAlignment {
                actor: a.id.clone(),
                shares,
            });
        }
        let mut final_indices = BTreeMap::new();
        for (k, name) in Indices::NAMES.iter().enumerate() {
            final_indices.insert(name.to_string(), digest.index(last, k).spread());
        }
        let first = digest.first.as_ref();
        let initial_indices = Indices::NAMES
            .iter()
            .zip(first.map(|r| r.indices[0].values()).unwrap_or_default())
            .map(|(n, v)| (n.to_string(), v))
            .collect();
        let key_decisions = digest
            .decisions()
            .iter()
            .map(|d| {
                let (kind, decision) = describe(sc, &d.first);
                KeyDecision {
                    date: d.first.date.to_string(),
                    actor: sc.actors[d.first.actor].id.clone(),
                    kind: kind.to_string(),
                    decision,
                    share_of_runs: d.runs as f64 / digest.runs as f64,
                    repeat: d.occurrence,
                }
            })
            .collect();
        let runs = digest.runs;

        let values = prm.values();
        let params = Params::specs()
            .iter()
            .zip(values)
            .map(|(s, v)| (s.key.to_string(), v))
            .collect();
        Summary {
            scenario: sc.name.clone(),
            description: sc.description.clone(),
            start: sc.start.to_string(),
            end: sc.end.to_string(),
            patrons: (0..sc.patrons.len())
                .map(|p| sc.patron_id(p).to_string())
                .collect(),
            final_alignment,
            initial_indices,
            final_indices,
            key_decisions,
            provenance: Provenance {
                tool: format!("simulate {}", crate::VERSION),
                scenario_file: sc.path.clone(),
                scenario_sha256: sc.sha256.clone(),
                seed,
                lens: sc.lens.name().to_string(),
                runs,
                params,
                changes,
                command,
            },
        }
    }

    /// The summary as pretty JSON.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// The short, readable text summary printed by `simulate`: with `max_decisions` the
    /// first time each decision was taken, at most that many (`usize::MAX`: every decision,
    /// every time it was taken).
    pub fn to_text(&self, max_decisions: usize) -> String {
        let p = &self.provenance;
        let multi = p.runs > 1;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} ({} to {}), seed {}, lens {}, {} run{}",
            self.scenario,
            self.start,
            self.end,
            p.seed,
            p.lens,
            p.runs,
            if multi { "s" } else { "" }
        );
        for c in &p.changes {
            let _ = writeln!(out, "  changed: {c}");
        }
        // The scenario's patron order (USA RUS CHN), as in the charts and the report.
        let patrons = &self.patrons;
        let _ = writeln!(
            out,
            "\nFinal alignment ({}):",
            if multi {
                "mean [5% - 95%] across runs"
            } else {
                "share toward each patron"
            }
        );
        // Columns as wide as the longest id (up to 40 characters) needs.
        let longest = |ids: &mut dyn Iterator<Item = usize>| ids.max().unwrap_or(0);
        let width = longest(&mut patrons.iter().map(|id| id.chars().count() + 1)).max(if multi {
            20
        } else {
            7
        });
        let first =
            longest(&mut self.final_alignment.iter().map(|f| f.actor.chars().count())).max(6);
        let _ = write!(out, "  {:<first$}", "state");
        for id in patrons {
            let _ = write!(out, "{id:>width$}");
        }
        out.push('\n');
        for f in &self.final_alignment {
            let _ = write!(out, "  {:<first$}", f.actor);
            for s in patrons.iter().filter_map(|id| f.shares.get(id)) {
                let cell = if multi {
                    format!("{:.2} [{:.2}-{:.2}]", s.mean, s.p5, s.p95)
                } else {
                    format!("{:.2}", s.mean)
                };
                let _ = write!(out, "{cell:>width$}");
            }
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "\nIndices (start -> end{}):",
            if multi { ", mean [5% - 95%]" } else { "" }
        );
        for (name, end) in &self.final_indices {
            let start = self.initial_indices.get(name).copied().unwrap_or(0.0);
            if multi {
                let _ = writeln!(
                    out,
                    "  {name:<22}{start:.3} -> {:.3} [{:.3}-{:.3}]",
                    end.mean, end.p5, end.p95
                );
            } else {
                let _ = writeln!(out, "  {name:<22}{start:.3} -> {:.3}", end.mean);
            }
        }
        let _ = writeln!(
            out,
            "\nKey decisions{}:",
            if multi {
                " (run 1 first; % = share of runs)"
            } else {
                ""
            }
        );
        if self.key_decisions.is_empty() {
            let _ = writeln!(out, "  (none)");
        }
        // A summit's decision taken again (the same veto every year) is listed once unless
        // every decision is asked for; any other decision taken again is an episode of its own
        // (Manas ordered closed in 2005 and again in 2009) and is listed each time.
        let every = max_decisions == usize::MAX;
        let shown: Vec<&KeyDecision> = self
            .key_decisions
            .iter()
            .filter(|d| every || d.repeat == 0 || d.kind != "sco")
            .take(max_decisions)
            .collect();
        for d in &shown {
            if multi {
                let _ = writeln!(
                    out,
                    "  {} {:>5}  {}",
                    d.date,
                    format!("{}%", percent(d.share_of_runs)),
                    d.decision
                );
            } else {
                let _ = writeln!(out, "  {}  {}", d.date, d.decision);
            }
        }
        if self.key_decisions.len() > shown.len() {
            let _ = writeln!(
                out,
                "  ... {} more (a summit's repeated veto is listed once here), every one in events.csv",
                self.key_decisions.len() - shown.len()
            );
        }
        out
    }
}

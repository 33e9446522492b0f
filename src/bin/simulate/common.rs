//! What every subcommand shares: the common flags ([`Common`]), loading a scenario, applying
//! `--lens`, `--set` and `--without`, and the command line recorded in the provenance.

use std::path::{Component, Path, PathBuf};

use clap::Args;
use soft_balancing::output::folder::{FolderError, Staging};
use soft_balancing::runs::ensemble::MAX_JOBS;
use soft_balancing::scenario::shipped::Shipped;
use soft_balancing::scenario::{Lens, Scenario, keys};
use soft_balancing::sweep::points::MAX_POINT_SEED;

use crate::Failure;

/// The flags every subcommand that runs a scenario takes.
#[derive(Args, Clone, Debug, Default)]
pub struct Common {
    /// Change a model parameter or scenario value, e.g. --set decision.money_weight=12 (see
    /// `simulate explain params`); `simulate sweep` also takes ranges (min:max:step, a,b,c).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Drop the scripted event with this id (a counterfactual), e.g. --without rus_credit_2009.
    /// An id may start with `-` (`--without -x` drops the event `-x`).
    #[arg(long = "without", value_name = "EVENT_ID", allow_hyphen_values = true)]
    pub without: Vec<String>,
    /// Seed of the random generator, 0 to 2^53 - 1 (exact in any spreadsheet) [default: the
    /// scenario's seed].
    #[arg(allow_negative_numbers = true, long, value_name = "N", value_parser = whole::<u64>(0, MAX_POINT_SEED))]
    pub seed: Option<u64>,
    /// Threads, at most 256 (0: all cores) [default: all cores]. Results do not depend on it.
    #[arg(allow_negative_numbers = true, long, value_name = "N", value_parser = whole::<u16>(0, MAX_JOBS as u64))]
    pub jobs: Option<u16>,
    /// Output folder [default: out/<scenario name>/ for a run; its sweep/, validate/, compare/,
    /// sensitivity_<method>/ or calibration/ subfolder for those commands].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print nothing but errors (and, for validate, the scorecard lines that fail).
    #[arg(long, short)]
    pub quiet: bool,
}

impl Common {
    /// Threads for the library (0: all cores).
    pub fn jobs(&self) -> usize {
        self.jobs.map_or(0, usize::from)
    }

    /// Applies `--lens` (given by subcommands that take it), `--set` and `--without` to `sc`;
    /// returns the seed in force and the changes as text for the provenance (`--seed` included
    /// when given).
    pub fn apply(
        &self,
        sc: &mut Scenario,
        lens: Option<&str>,
    ) -> Result<(u64, Vec<String>), Failure> {
        let mut changes = apply_changes(sc, lens, &self.set, &self.without)?;
        let seed = self.seed.unwrap_or(sc.seed);
        if self.seed.is_some() {
            changes.push(format!("--seed {seed}"));
        }
        Ok((seed, changes))
    }
}

/// A flag's parser for a whole number from `min` to `max`: `--runs 1.5` or `--runs -1` says "`1.5`
/// is not a whole number from 1 to 10000000" rather than Rust's "invalid digit found in string".
pub fn whole<T: TryFrom<u64> + Clone + Send + Sync + 'static>(
    min: u64,
    max: u64,
) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static {
    move |s: &str| {
        s.trim()
            .parse::<u64>()
            .ok()
            .filter(|x| (min..=max).contains(x))
            .and_then(|x| T::try_from(x).ok())
            .ok_or_else(|| format!("`{s}` is not a whole number from {min} to {max}"))
    }
}

/// Stages the output folder `out` before anything runs: a file in its place, a folder holding
/// files that are not outputs, or a place that cannot be written is bad input (exit 2) named
/// with `--out`.
pub fn stage(out: &Path, owns: fn(&str) -> bool) -> Result<Staging, Failure> {
    Staging::new(out, owns).map_err(|e| {
        let help = match e {
            FolderError::NotAFolder { .. } | FolderError::NoName { .. } => {
                "give --out a folder (new or one simulate wrote), e.g. out/run1"
            }
            FolderError::Foreign { .. } => {
                "give --out a new folder, or one that holds only simulate's output"
            }
            FolderError::OtherCommand { .. } => {
                "give --out a folder of this command's own (each command's default is a folder of its own, e.g. out/<scenario>/sweep for a sweep)"
            }
            FolderError::Io { .. } => "give --out a folder in a place you can write",
        };
        Failure::Input(format!("--out {}: {e}\n  help: {help}", out.display()))
    })
}

/// For commands that write into `out` as they go (sweep, sensitivity, merge): `out` must not be
/// a file, nor hold the results of a command that does not write the files `owns` claims.
/// Checked before anything runs.
pub fn out_is_free(out: &Path, owns: fn(&str) -> bool) -> Result<(), Failure> {
    if out.exists() && !out.is_dir() {
        return Err(Failure::Input(format!(
            "--out {}: it exists and is not a folder\n  help: give --out a folder (new or one simulate wrote)",
            out.display()
        )));
    }
    if out.is_dir() {
        soft_balancing::output::folder::check_results_are_ours(out, owns).map_err(|e| {
            Failure::Input(format!(
                "--out {}: {e}\n  help: give --out a folder of this command's own (by default each command writes into a folder of its own)",
                out.display()
            ))
        })?;
    }
    Ok(())
}

/// The kind of design (`grid`, `random`, `lhs`, `morris`, `saltelli`) and the definition a
/// sweep folder's `sweep.json`, or its `sweep.partial.json`, records, if it holds one.
fn design_in(out: &Path) -> Option<(String, serde_json::Value)> {
    ["sweep.json", "sweep.partial.json"].iter().find_map(|f| {
        let text = std::fs::read_to_string(out.join(f)).ok()?;
        let v: serde_json::Value = serde_json::from_str(&text).ok()?;
        Some((v.get("design")?.as_str()?.to_string(), v))
    })
}

/// A sensitivity analysis's designs; the others are a sweep's.
fn is_sensitivity_design(design: &str) -> bool {
    matches!(design, "morris" | "saltelli")
}

/// `simulate sweep` and `simulate sensitivity` write the same files (`sweep.json`, `sweep.csv`):
/// each refuses a folder that holds the other's design, which it would replace. `sensitivity`:
/// the command asking.
pub fn not_the_others_design(out: &Path, sensitivity: bool) -> Result<(), Failure> {
    match design_in(out) {
        Some((design, _)) if is_sensitivity_design(&design) != sensitivity => {
            let (other, kind) = if sensitivity {
                ("simulate sweep", "a sweep")
            } else {
                ("simulate sensitivity", "a sensitivity analysis")
            };
            Err(Failure::Input(format!(
                "--out {}: holds the results of {other} ({kind}, its design `{design}`), which this command would replace\n  help: give --out a folder of this command's own (by default each command writes into a folder of its own)",
                out.display()
            )))
        }
        _ => Ok(()),
    }
}

/// `simulate merge` into `out`: a folder holding another sweep's results (another scenario, seed,
/// runs, lens, design, axes or fixed changes than the shards in `first_shard`) is refused: the
/// merge would leave that sweep's report.html and charts beside the merged results.
pub fn merge_target_is_free(out: &Path, first_shard: &Path) -> Result<(), Failure> {
    let (Some((_, old)), Some((_, new))) = (design_in(out), design_in(first_shard)) else {
        return Ok(());
    };
    const SAME: [&str; 8] = [
        "scenario_sha256",
        "seed",
        "runs",
        "lens",
        "design",
        "axes",
        "fixed",
        "params",
    ];
    let differ: Vec<&str> = SAME
        .into_iter()
        .filter(|k| old.get(k) != new.get(k))
        .collect();
    if differ.is_empty() {
        return Ok(());
    }
    Err(Failure::Input(format!(
        "--out {}: holds the results of another sweep (its {} differ from the shards'), whose report.html and charts the merge would leave beside the merged results\n  help: merge into a new folder, e.g. --out out/merged_2, or remove that folder first",
        out.display(),
        differ
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    )))
}

/// Renames a written output folder into place.
pub fn commit(staging: Staging) -> Result<(), Failure> {
    staging.commit().map_err(|e| Failure::Other(e.to_string()))
}

/// Reads and validates a scenario file; a bad file is bad input (exit 2). When no file is at
/// `path` and it names a shipped scenario (`sco2001`, `scenarios/sco2001.toml`: see
/// `simulate scenarios`), the copy compiled into the binary is used, so the documented
/// commands work from any folder.
pub fn load(path: &Path) -> Result<Scenario, Failure> {
    if !path.exists()
        && let Some(s) = Shipped::named_by(path)
    {
        // A name without `.toml` next to a file of that name: the student who edited the file
        // must know it is not the one read.
        let local = path.with_extension("toml");
        if path.extension().is_none() && local.is_file() {
            eprintln!(
                "warning: `{}` is the scenario built into simulate; {} here is not read\n  help: give the file's name, {}, to run your copy",
                path.display(),
                local.display(),
                local.display()
            );
        }
        return s.load().map_err(|e| Failure::Other(e.to_string()));
    }
    if !path.exists() {
        // Neither a file nor a built-in scenario: say both, with the built-in names.
        let names: Vec<&str> = soft_balancing::scenario::shipped::SHIPPED
            .iter()
            .map(|s| s.name)
            .collect();
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        return Err(Failure::Input(format!(
            "cannot read scenario {}: there is no such file, and no scenario built into simulate has that name\n  help: {}give a scenario file's path (e.g. scenarios/ufa2015.toml) or the name of a built-in one: {}",
            path.display(),
            soft_balancing::error::did_you_mean(&stem, names.iter().copied()),
            names.join(", ")
        )));
    }
    Scenario::load(path).map_err(|e| Failure::Input(e.to_string()))
}

/// `path` made absolute against the working folder, `.` and `..` resolved as text (no
/// symbolic links followed, so the answer does not depend on where links point).
fn absolute(path: &Path) -> PathBuf {
    let joined = std::env::current_dir().unwrap_or_default().join(path);
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `file` relative to the folder `dir`, with `/` between parts whatever the platform.
pub fn relative_to(file: &Path, dir: &Path) -> String {
    let (file, dir) = (absolute(file), absolute(dir));
    let f: Vec<Component> = file.components().collect();
    let d: Vec<Component> = dir.components().collect();
    let common = f.iter().zip(&d).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); d.len() - common];
    parts.extend(
        f[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// Records where a command's results come from in terms of its output folder `out`, so the
/// same command writes the same bytes whatever the working folder and however `--out` is
/// spelled: sets `sc.path` to the scenario file relative to `out` (a shipped scenario read from
/// the binary, with no file at `file`, keeps its name `scenarios/NAME.toml`) and returns the
/// command line as it would be typed in `out`: `simulate`, the arguments with the scenario's
/// path so rewritten, `--out .` last. Left out: `--jobs` (results do not depend on it) and the
/// flags in `drop` (each with its value when `takes_value`).
pub fn provenance(
    sc: &mut Scenario,
    file: &Path,
    out: &Path,
    drop: &[(&str, bool)],
) -> Vec<String> {
    if file.exists() {
        sc.path = relative_to(file, out);
    }
    let mut skip: Vec<(&str, bool)> = vec![("--jobs", true), ("--out", true)];
    skip.extend_from_slice(drop);
    let mut command = vec!["simulate".to_string()];
    let mut args = std::env::args_os().skip(1);
    let mut scenario_seen = false;
    'next: while let Some(a) = args.next() {
        let text = a.to_string_lossy().into_owned();
        for (flag, takes_value) in &skip {
            if text == *flag {
                if *takes_value {
                    args.next();
                }
                continue 'next;
            }
            if *takes_value && text.starts_with(&format!("{flag}=")) {
                continue 'next;
            }
        }
        if !scenario_seen && a == file.as_os_str() {
            scenario_seen = true;
            command.push(sc.path.clone());
        } else {
            command.push(text);
        }
    }
    command.push("--out".to_string());
    command.push(".".to_string());
    command
}

/// Splits `KEY=VALUE`.
pub fn split_set(item: &str) -> Result<(&str, &str), Failure> {
    keys::split_setting(item).ok_or_else(|| {
        Failure::Input(format!(
            "--set {item}: expected KEY=VALUE\n  help: e.g. --set decision.money_weight=12"
        ))
    })
}

/// Applies `--lens`, `--set KEY=VALUE` (one number each) and `--without` to `sc`, in that order;
/// returns the changes as text for the provenance and the printed summary. Shared by every
/// subcommand that runs a scenario.
pub fn apply_changes(
    sc: &mut Scenario,
    lens: Option<&str>,
    sets: &[String],
    without: &[String],
) -> Result<Vec<String>, Failure> {
    no_set_on_a_dropped_event(sets, without)?;
    let mut changes = Vec::new();
    if let Some(name) = lens {
        let lens = Lens::parse(name).ok_or_else(|| {
            Failure::Input(format!(
                "--lens {name}: unknown lens\n  help: use one of: {}",
                Lens::names().join(", ")
            ))
        })?;
        sc.set_lens(lens);
        changes.push(format!("--lens {name}"));
    }
    let mut seen: Vec<&str> = Vec::new();
    for item in sets {
        let (key, value) = split_set(item)?;
        if seen.contains(&key) {
            return Err(Failure::Input(format!(
                "--set {item}: {key} is given twice\n  help: give each key once"
            )));
        }
        seen.push(key);
        let x: f64 = value.parse().map_err(|_| {
            Failure::Input(format!(
                "--set {item}: `{value}` is not a number\n  help: write one number, e.g. --set decision.money_weight=12 (ranges are for `simulate sweep`)"
            ))
        })?;
        keys::set(sc, key, x).map_err(|e| Failure::Input(format!("--set {item}: {e}")))?;
        changes.push(format!("--set {key}={x}"));
    }
    for (k, id) in without.iter().enumerate() {
        if without[..k].contains(id) {
            return Err(Failure::Input(format!(
                "--without {id}: given twice\n  help: give each event id once"
            )));
        }
        if sc.remove_event(id) == 0 {
            let ids: Vec<&str> = sc.events.iter().filter_map(|e| e.id.as_deref()).collect();
            let meant = soft_balancing::error::did_you_mean(id, ids.iter().copied());
            return Err(Failure::Input(format!(
                "--without {id}: no scripted event has this id\n  help: {meant}event ids in {}: {}",
                sc.path,
                if ids.is_empty() {
                    "(none)".to_string()
                } else {
                    ids.join(", ")
                }
            )));
        }
        changes.push(format!("--without {id}"));
    }
    Ok(changes)
}

/// Refuses a `--set events.ID.FIELD` (a value or a sweep's axis) when `--without ID` drops the
/// event: a value of an event that does not happen would change nothing.
pub fn no_set_on_a_dropped_event(sets: &[String], without: &[String]) -> Result<(), Failure> {
    for item in sets {
        let key = item
            .split_once('=')
            .map_or(item.as_str(), |(k, _)| k)
            .trim();
        if let Some(id) = key
            .strip_prefix("events.")
            .and_then(|rest| rest.split_once('.'))
            .map(|(id, _)| id)
            && without.iter().any(|w| w == id)
        {
            return Err(Failure::Input(format!(
                "--set {item}: the event {id} is dropped by --without {id}, so its value would change nothing\n  help: give either the --set or the --without"
            )));
        }
    }
    Ok(())
}

/// The largest data, checkpoint or shard file a command reads (`--data`, `landscape`'s tables,
/// a calibration's checkpoint): 256 MiB. A larger file, or an endless one such as `/dev/zero`,
/// is refused before it fills the memory.
pub const MAX_INPUT_BYTES: u64 = 256 << 20;

/// The text of the file at `path`, at most [`MAX_INPUT_BYTES`] of UTF-8; `what` names it in
/// the error (e.g. `--data votes.csv`), with `help` saying what to give instead.
pub fn read_input(path: &Path, what: &str, help: &str) -> Result<String, Failure> {
    use std::io::Read;
    let fail = |e: &dyn std::fmt::Display| Failure::Input(format!("{what}: {e}\n  help: {help}"));
    let file = std::fs::File::open(path).map_err(|e| fail(&e))?;
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(&e))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(fail(&format!(
            "larger than the limit of {} MiB",
            MAX_INPUT_BYTES >> 20
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        fail(&format!(
            "not UTF-8 text (byte {} is not valid UTF-8)",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Warns on standard error when, in `waited` of `runs` runs, an SCO applicant waited for a later
/// summit because more states applied than a summit considers: never silent, even when the
/// event log is not written. `where_logged` says where the waits are listed.
pub fn warn_applicants_waited(waited: u64, runs: u64, where_logged: &str) {
    if waited > 0 {
        eprintln!(
            "warning: in {waited} of {runs} runs more states applied to the SCO at a summit than the {} a summit considers; the others waited for a later summit ({where_logged})",
            soft_balancing::engine::mechanisms::enlargement::MAX_APPLICANTS
        );
    }
}

//! End-to-end tests of the shipped post-2022 scenario, scenarios/samarkand2022.toml: it loads,
//! runs through the binary and writes its files; the SCO members decide Iran's and Belarus's
//! accession (whatever they decide); and the same seed gives the same bytes on any number of
//! threads.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;

use common::{OUTPUT_FILES, Outcome, parse_csv, read, read_bytes, run_in, samarkand2022, tempdir};
use tempfile::TempDir;

/// `simulate <samarkand2022> --out out --plot none EXTRA...` in a fresh temporary folder.
fn run(extra: &[&str]) -> (TempDir, Outcome) {
    let tmp = tempdir();
    let scenario = samarkand2022();
    let mut args: Vec<&str> = vec![scenario.to_str().unwrap(), "--out", "out", "--plot", "none"];
    args.extend_from_slice(extra);
    let out = run_in(tmp.path(), &args);
    (tmp, out)
}

fn out_dir(tmp: &TempDir) -> PathBuf {
    tmp.path().join("out")
}

#[test]
fn samarkand2022_checks() {
    let tmp = tempdir();
    let scenario = samarkand2022();
    let out = run_in(tmp.path(), ["check", scenario.to_str().unwrap()]);
    out.expect_code(0).no_panic().stdout_has("samarkand2022");
}

#[test]
fn samarkand2022_runs_and_writes_its_files() {
    let (tmp, out) = run(&[]);
    out.expect_code(0).no_panic();
    let dir = out_dir(&tmp);
    for f in OUTPUT_FILES.iter().chain(["report.html"].iter()) {
        let p = dir.join(f);
        assert!(p.is_file(), "{} was not written", p.display());
        assert!(!read_bytes(&p).is_empty(), "{} is empty", p.display());
    }
    // Quarterly from 2022-09 to 2035-09: the last recorded date is the end.
    let traj = parse_csv(&read(&dir.join("trajectories.csv")));
    let date = traj.col("date");
    assert!(traj.rows.iter().any(|r| r[date] == "2035-09"));
    assert!(traj.rows.iter().all(|r| r[date].as_str() >= "2022-09"));
}

/// The enlargement rules, not the script, decide Iran's and Belarus's accession: the event log
/// holds an SCO decision (an approval, a veto or an accession) naming each of them.
#[test]
fn samarkand2022_decides_iran_and_belarus() {
    let (tmp, out) = run(&[]);
    out.expect_code(0);
    let events = parse_csv(&read(&out_dir(&tmp).join("events.csv")));
    let (kind, decision) = (events.col("kind"), events.col("decision"));
    for actor in ["IRN", "BLR"] {
        let decided = events.rows.iter().any(|r| {
            let d = &r[decision];
            r[kind] == "sco"
                && d.contains(actor)
                && (d.contains("accession") || d.contains("vetoed") || d.contains("approves"))
        });
        assert!(
            decided,
            "no SCO decision naming {actor} in events.csv:\n{}",
            events
                .rows
                .iter()
                .filter(|r| r[kind] == "sco")
                .map(|r| r[decision].clone())
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    // Nothing in the script names Iran: its path is the members' bargaining alone.
    let text = read(&samarkand2022());
    for block in text.split("[[events]]").skip(1) {
        let event = block.split("\n[[").next().unwrap_or(block);
        assert!(
            !event.contains("actor = \"IRN\""),
            "an event names Iran:\n{event}"
        );
    }
}

#[test]
fn samarkand2022_is_deterministic_across_threads() {
    let (a_tmp, a) = run(&["--runs", "6", "--jobs", "1"]);
    let (b_tmp, b) = run(&["--runs", "6", "--jobs", "2"]);
    a.expect_code(0);
    b.expect_code(0);
    for f in [
        "trajectories.parquet",
        "indices.parquet",
        "events.parquet",
        "quantiles.csv",
        "partnership.csv",
    ] {
        assert_eq!(
            read_bytes(&out_dir(&a_tmp).join(f)),
            read_bytes(&out_dir(&b_tmp).join(f)),
            "{f} differs between --jobs 1 and --jobs 2"
        );
    }
    // And the same seed run twice gives the same trajectories.
    let (c_tmp, c) = run(&["--runs", "6", "--jobs", "2"]);
    c.expect_code(0);
    assert_eq!(
        read_bytes(&out_dir(&b_tmp).join("trajectories.parquet")),
        read_bytes(&out_dir(&c_tmp).join("trajectories.parquet")),
    );
}

//! End-to-end tests of the `simulate` binary on the shipped scenario, scenarios/ufa2015.toml.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{Csv, OUTPUT_FILES, Outcome, parse_csv, read, read_bytes, run_in, tempdir, ufa2015};
use serde_json::Value;
use tempfile::TempDir;

const TRAJECTORIES_HEADER: &str = "run,date,actor,patron,share";
const INDICES_HEADER: &str =
    "run,date,us_influence,rus_chn_partnership,sco_cohesion,soft_balancing";
const EVENTS_HEADER: &str = "run,date,actor,kind,decision,score_for,score_against,bn_usd,musd_a_year,usd_per_1000m3,bcm_a_year,severity,candidates,growth_a_year,remittance_factor,non_interference,base_pressure";

/// A run of the binary on ufa2015 in a fresh temporary folder, writing to `<tmp>/out`.
struct Run {
    tmp: TempDir,
    out: Outcome,
}

impl Run {
    /// `simulate <ufa2015> --out out EXTRA...`, run inside a new temporary folder. The command
    /// line is the same whatever the folder, so two runs with the same `extra` record the same
    /// command in their provenance.
    fn ufa(extra: &[&str]) -> Run {
        let tmp = tempdir();
        let scenario = ufa2015();
        let mut args: Vec<&str> = vec![scenario.to_str().unwrap(), "--out", "out"];
        args.extend_from_slice(extra);
        let out = run_in(tmp.path(), &args);
        Run { tmp, out }
    }

    fn dir(&self) -> PathBuf {
        self.tmp.path().join("out")
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir().join(name)
    }

    fn text(&self, name: &str) -> String {
        read(&self.file(name))
    }

    fn bytes(&self, name: &str) -> Vec<u8> {
        read_bytes(&self.file(name))
    }

    fn csv(&self, name: &str) -> Csv {
        parse_csv(&self.text(name))
    }

    fn summary(&self) -> Value {
        serde_json::from_str(&self.text("summary.json")).expect("summary.json is valid JSON")
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

fn num(s: &str) -> f64 {
    s.parse()
        .unwrap_or_else(|_| panic!("{s:?} is not a number"))
}

/// The scenario file as TOML, to check what it scripts.
fn ufa_toml() -> toml::Table {
    read(&ufa2015())
        .parse()
        .expect("ufa2015.toml is valid TOML")
}

// ---------------------------------------------------------------------------------------------
// A default run.

#[test]
fn runs_and_writes_the_documented_files() {
    let run = Run::ufa(&[]);
    run.out.expect_code(0).no_panic();
    assert!(run.out.stderr.is_empty(), "stderr: {}", run.out.stderr);
    for f in OUTPUT_FILES {
        assert!(run.file(f).is_file(), "{f} was not written");
    }
    // No temporary files are left behind: only the data files, the report and the charts
    // (one alignment chart per state, the triangle and the indices).
    let mut names: Vec<String> = std::fs::read_dir(run.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<String> = OUTPUT_FILES.iter().map(|s| s.to_string()).collect();
    expected.push("report.html".into());
    expected.push("ternary.svg".into());
    expected.push("indices.svg".into());
    for state in [
        "KAZ", "KGZ", "TJK", "UZB", "TKM", "IND", "PAK", "IRN", "MNG",
    ] {
        expected.push(format!("alignment_{state}.svg"));
    }
    expected.sort();
    assert_eq!(names, expected);

    assert_eq!(
        first_line(&run.text("trajectories.csv")),
        TRAJECTORIES_HEADER
    );
    assert_eq!(first_line(&run.text("indices.csv")), INDICES_HEADER);
    assert_eq!(first_line(&run.text("events.csv")), EVENTS_HEADER);
}

#[test]
fn without_out_writes_to_out_slash_scenario_name() {
    let tmp = tempdir();
    let out = run_in(tmp.path(), [ufa2015()]);
    out.expect_code(0).no_panic();
    for f in OUTPUT_FILES {
        assert!(
            tmp.path().join("out").join("ufa2015").join(f).is_file(),
            "out/ufa2015/{f} was not written"
        );
    }
}

/// Checks trajectories.csv: every state has a share toward each patron at every date of every
/// run, the shares lie in [0, 1] and sum to one. Returns the dates of run 1.
fn check_trajectories(csv: &Csv, runs: usize) -> Vec<String> {
    assert_eq!(csv.header.join(","), TRAJECTORIES_HEADER);
    let (run, date, actor, patron, share) = (
        csv.col("run"),
        csv.col("date"),
        csv.col("actor"),
        csv.col("patron"),
        csv.col("share"),
    );
    let mut sums: BTreeMap<(usize, String, String), (f64, usize)> = BTreeMap::new();
    let mut patrons = std::collections::BTreeSet::new();
    for row in &csv.rows {
        let x = num(&row[share]);
        assert!(
            x.is_finite() && (-1e-9..=1.0 + 1e-9).contains(&x),
            "share out of [0, 1]: {row:?}"
        );
        patrons.insert(row[patron].clone());
        let r: usize = row[run].parse().expect("run number");
        let e = sums
            .entry((r, row[date].clone(), row[actor].clone()))
            .or_insert((0.0, 0));
        e.0 += x;
        e.1 += 1;
    }
    assert_eq!(
        patrons.into_iter().collect::<Vec<_>>(),
        ["CHN", "RUS", "USA"],
        "patrons in trajectories.csv"
    );
    for ((r, d, a), (sum, n)) in &sums {
        assert_eq!(*n, 3, "run {r} {d} {a}: {n} patrons, expected 3");
        assert!(
            (sum - 1.0).abs() <= 1e-5,
            "run {r} {d} {a}: shares sum to {sum}"
        );
    }
    let run_ids: std::collections::BTreeSet<usize> = sums.keys().map(|k| k.0).collect();
    assert_eq!(run_ids, (1..=runs).collect(), "run numbers");
    let states: std::collections::BTreeSet<&str> = sums.keys().map(|k| k.2.as_str()).collect();
    assert_eq!(
        states.into_iter().collect::<Vec<_>>(),
        [
            "IND", "IRN", "KAZ", "KGZ", "MNG", "PAK", "TJK", "TKM", "UZB"
        ],
        "states in trajectories.csv"
    );
    let mut dates: Vec<String> = csv
        .rows
        .iter()
        .filter(|r| r[run] == "1")
        .map(|r| r[date].clone())
        .collect();
    dates.dedup();
    dates
}

#[test]
fn trajectories_shares_sum_to_one_at_every_date() {
    let run = Run::ufa(&[]);
    run.out.expect_code(0);
    let dates = check_trajectories(&run.csv("trajectories.csv"), 1);
    // Quarterly from 2015-07 to 2030-07: 15 years of 4 steps, plus the start.
    assert_eq!(dates.len(), 61, "dates: {dates:?}");
    assert_eq!(dates.first().map(String::as_str), Some("2015-07"));
    assert_eq!(dates.last().map(String::as_str), Some("2030-07"));
    let mut sorted = dates.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, dates, "dates are in order, each once");
}

#[test]
fn indices_are_finite_at_every_date() {
    let run = Run::ufa(&[]);
    run.out.expect_code(0);
    let csv = run.csv("indices.csv");
    assert_eq!(csv.header.join(","), INDICES_HEADER);
    assert_eq!(csv.rows.len(), 61);
    for row in &csv.rows {
        assert_eq!(row[0], "1");
        for v in &row[2..] {
            assert!(num(v).is_finite(), "{row:?}");
        }
    }
}

#[test]
fn summary_json_has_provenance() {
    let run = Run::ufa(&[]);
    run.out.expect_code(0);
    let s = run.summary();
    let p = &s["provenance"];
    assert_eq!(
        p["scenario_sha256"].as_str(),
        Some(common::sha256_hex(&read_bytes(&ufa2015())).as_str()),
        "provenance.scenario_sha256 is the SHA-256 of the scenario file"
    );
    assert_eq!(p["seed"].as_u64(), Some(2015), "the scenario's seed");
    assert_eq!(p["runs"].as_u64(), Some(1));
    let params = p["params"]
        .as_object()
        .expect("provenance.params is an object");
    assert_eq!(
        params.get("decision.money_weight").and_then(Value::as_f64),
        Some(10.0),
        "params: {params:?}"
    );
    assert!(params.values().all(|v| v.as_f64().is_some()));
    assert_eq!(p["changes"].as_array().map(Vec::len), Some(0));
    assert_eq!(s["scenario"].as_str(), Some("ufa2015"));

    // Final alignment: one entry per state, shares summing to one.
    let fa = s["final_alignment"].as_array().expect("final_alignment");
    assert_eq!(fa.len(), 9);
    for a in fa {
        let shares = a["shares"].as_object().expect("shares");
        let sum: f64 = shares
            .values()
            .map(|v| v["mean"].as_f64().expect("mean"))
            .sum();
        assert!((sum - 1.0).abs() <= 1e-5, "{a}");
    }
}

#[test]
fn stdout_summary_names_final_alignment_and_accessions() {
    let run = Run::ufa(&[]);
    run.out
        .expect_code(0)
        .stdout_has("Final alignment")
        .stdout_has("IND becomes a full SCO member")
        .stdout_has("PAK becomes a full SCO member")
        .stdout_has("Wrote out/");
}

// ---------------------------------------------------------------------------------------------
// The 2017 enlargement comes from the bargaining rule, not from the script.

#[test]
fn scenario_does_not_script_ind_or_pak_accession() {
    let sc = ufa_toml();
    let events = sc
        .get("events")
        .and_then(|e| e.as_array())
        .expect("[[events]]");
    for ev in events {
        let kind = ev.get("kind").and_then(|k| k.as_str()).unwrap_or("");
        let actor = ev.get("actor").and_then(|k| k.as_str()).unwrap_or("");
        assert!(
            !(kind == "application" && (actor == "IND" || actor == "PAK")),
            "the scenario scripts an application by {actor}: {ev:?}"
        );
        // No event of any kind names them.
        let text = toml::to_string(ev).unwrap();
        assert!(
            !text.contains("\"IND\"") && !text.contains("\"PAK\""),
            "an event names IND or PAK: {text}"
        );
    }
    // They start as applicants, not members.
    for a in sc["actors"].as_array().unwrap() {
        let id = a["id"].as_str().unwrap();
        if id == "IND" || id == "PAK" {
            assert_eq!(a.get("sco").and_then(|s| s.as_str()), Some("applicant"));
        }
    }
}

#[test]
fn ind_and_pak_become_members_in_2017() {
    let run = Run::ufa(&[]);
    run.out.expect_code(0);
    let csv = run.csv("events.csv");
    assert_eq!(csv.header.join(","), EVENTS_HEADER);
    let (date, actor, kind, decision) = (
        csv.col("date"),
        csv.col("actor"),
        csv.col("kind"),
        csv.col("decision"),
    );
    for id in ["IND", "PAK"] {
        let joined: Vec<&Vec<String>> = csv
            .rows
            .iter()
            .filter(|r| r[actor] == id && r[decision].contains("becomes a full SCO member"))
            .collect();
        assert_eq!(joined.len(), 1, "{id} accession rows: {joined:?}");
        assert!(
            joined[0][date].starts_with("2017-"),
            "{id} joins in {}",
            joined[0][date]
        );
        assert_eq!(joined[0][kind], "sco");
        // The accession follows a summit decision on that candidate.
        assert!(
            csv.rows.iter().any(|r| r[actor] == id
                && r[kind] == "sco"
                && r[decision].contains("approves")
                && r[date] < joined[0][date]),
            "no summit decision before {id}'s accession"
        );
    }
    // Every row's numbers parse; at most one quantity column is filled; rows are by date.
    for row in &csv.rows {
        for c in ["score_for", "score_against"] {
            assert!(num(&row[csv.col(c)]).is_finite(), "{row:?}");
        }
        let filled: Vec<&String> = row[csv.col("bn_usd")..]
            .iter()
            .filter(|c| !c.is_empty())
            .collect();
        assert!(filled.len() <= 1, "{row:?}");
        for c in filled {
            assert!(num(c).is_finite(), "{row:?}");
        }
    }
    for pair in csv.rows.windows(2) {
        if pair[0][csv.col("run")] == pair[1][csv.col("run")] {
            assert!(
                pair[0][date] <= pair[1][date],
                "events.csv is not by date: {pair:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Determinism.

#[test]
fn same_seed_gives_byte_identical_files() {
    let a = Run::ufa(&["--seed", "42"]);
    let b = Run::ufa(&["--seed", "42"]);
    a.out.expect_code(0);
    b.out.expect_code(0);
    for f in OUTPUT_FILES {
        assert!(a.bytes(f) == b.bytes(f), "{f} differs between two runs");
    }
    assert_eq!(a.out.stdout, b.out.stdout);
}

/// summary.json without `provenance.command`, which records the command line as typed.
fn summary_without_command(run: &Run) -> Value {
    let mut s = run.summary();
    let p = s["provenance"].as_object_mut().expect("provenance");
    assert!(p.remove("command").is_some(), "provenance.command");
    s
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    // 300 runs: three batches, each written while the next is being run.
    let a = Run::ufa(&["--runs", "300", "--jobs", "1", "--plot", "none"]);
    let b = Run::ufa(&["--runs", "300", "--jobs", "2", "--plot", "none"]);
    a.out.expect_code(0);
    b.out.expect_code(0);
    for f in [
        "trajectories.parquet",
        "indices.parquet",
        "events.parquet",
        "quantiles.csv",
        "partnership.csv",
    ] {
        assert!(
            a.bytes(f) == b.bytes(f),
            "{f} differs between --jobs 1 and --jobs 2"
        );
    }
    assert_eq!(summary_without_command(&a), summary_without_command(&b));
    let a = Run::ufa(&["--runs", "8", "--jobs", "1", "--format", "csv"]);
    let b = Run::ufa(&["--runs", "8", "--jobs", "2", "--format", "csv"]);
    a.out.expect_code(0);
    b.out.expect_code(0);
    for f in [
        "trajectories.csv",
        "indices.csv",
        "events.csv",
        "quantiles.csv",
    ] {
        assert!(
            a.bytes(f) == b.bytes(f),
            "{f} differs between --jobs 1 and --jobs 2"
        );
    }
    // summary.json differs only in the recorded command line.
    assert_eq!(summary_without_command(&a), summary_without_command(&b));
    assert_eq!(a.summary()["provenance"]["runs"].as_u64(), Some(8));
    check_trajectories(&a.csv("trajectories.csv"), 8);
}

#[test]
fn a_different_seed_changes_trajectories() {
    let a = Run::ufa(&[]);
    let b = Run::ufa(&["--seed", "7"]);
    a.out.expect_code(0);
    b.out.expect_code(0);
    assert!(
        a.bytes("trajectories.csv") != b.bytes("trajectories.csv"),
        "--seed 7 gives the same trajectories as the scenario's seed"
    );
    let p = &b.summary()["provenance"];
    assert_eq!(p["seed"].as_u64(), Some(7));
    assert!(
        p["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_str() == Some("--seed 7")),
        "changes: {}",
        p["changes"]
    );
}

// ---------------------------------------------------------------------------------------------
// Flags.

/// Runs ufa2015 with `extra` flags and expects a usage error naming `needle`, with no output.
fn usage_error(extra: &[&str], needle: &str) -> Outcome {
    let run = Run::ufa(extra);
    run.out.expect_code(2).no_panic().stderr_has(needle);
    assert!(
        !run.dir().exists(),
        "output written despite the bad flag {extra:?}"
    );
    assert!(
        run.out.stdout.is_empty(),
        "stdout for a bad flag: {}",
        run.out.stdout
    );
    run.out
}

#[test]
fn set_unknown_parameter_is_rejected() {
    usage_error(&["--set", "nonsense.key=1"], "--set nonsense.key=1")
        .stderr_has("unknown key `nonsense.key`")
        .stderr_has("help:");
}

#[test]
fn set_out_of_range_is_rejected() {
    usage_error(
        &["--set", "decision.temperature=-1"],
        "--set decision.temperature=-1",
    )
    .stderr_has("range");
}

#[test]
fn set_without_value_is_rejected() {
    usage_error(
        &["--set", "decision.temperature"],
        "--set decision.temperature",
    )
    .stderr_has("KEY=VALUE");
}

#[test]
fn set_non_number_is_rejected() {
    usage_error(
        &["--set", "decision.temperature=warm"],
        "--set decision.temperature=warm",
    );
}

#[test]
fn set_non_finite_is_rejected() {
    usage_error(
        &["--set", "decision.temperature=NaN"],
        "--set decision.temperature=NaN",
    );
    usage_error(
        &["--set", "decision.temperature=inf"],
        "--set decision.temperature=inf",
    );
}

#[test]
fn unknown_lens_is_rejected() {
    usage_error(&["--lens", "realism"], "--lens realism").stderr_has("soft-balancing");
}

#[test]
fn zero_runs_is_rejected() {
    usage_error(&["--runs", "0"], "--runs");
}

#[test]
fn without_unknown_event_is_rejected() {
    usage_error(&["--without", "no_such_event"], "--without no_such_event")
        .stderr_has("peace_mission_2016");
}

/// An event id may start with `-` (the format allows it): `--without -x` names it, and an
/// unknown one is reported as an unknown event, not as a flag.
#[test]
fn without_takes_an_event_id_that_starts_with_a_dash() {
    usage_error(&["--without", "-no-such"], "--without -no-such").stderr_has("peace_mission_2016");
}

/// Regression: the example in `simulate landscape --help` failed outside the project folder
/// (the Syria files were read from disk only); they are compiled in, as the scenarios are.
#[test]
fn the_landscape_example_runs_from_any_folder() {
    let tmp = tempdir();
    let out = run_in(
        tmp.path(),
        [
            "landscape",
            "--actors",
            "data/landscape_syria2016/Actor_data.csv",
            "--propensity",
            "data/landscape_syria2016/Pairwise_propensity_Feb_20.csv",
        ],
    );
    out.expect_code(0).no_panic();
    assert!(out.stdout.contains("Actor_data.csv"), "{}", out.stdout);
    // Another file of that name elsewhere is still an error naming it.
    run_in(
        tmp.path(),
        [
            "landscape",
            "--actors",
            "elsewhere/Actor_data.csv",
            "--propensity",
            "x.csv",
        ],
    )
    .expect_code(2)
    .stderr_has("cannot read elsewhere/Actor_data.csv");
}

/// Actors without military spending have no power and weigh nothing in the landscape's
/// energy: `landscape` says which, and a scenario whose actors all have it does not warn.
#[test]
fn landscape_warns_about_actors_of_size_zero() {
    let tmp = tempdir();
    let base = common::fixture("base.toml");
    let out = run_in(tmp.path(), [Path::new("landscape"), &base]);
    out.expect_code(0)
        .no_panic()
        .stderr_has("have size 0 and weigh nothing in the energy: KGZ, KAZ");
    let text = read(&base);
    let armed = tmp.path().join("armed.toml");
    std::fs::write(
        &armed,
        text.replace("role = \"state\"", "role = \"state\"\nmilitary_bn = 0.1"),
    )
    .unwrap();
    let out = run_in(tmp.path(), [Path::new("landscape"), &armed]);
    out.expect_code(0).no_panic();
    assert!(!out.stderr.contains("size 0"), "{}", out.stderr);
}

/// The actors and propensity files are read as RFC 4180 writes them: a quoted name may hold a
/// comma (it was split there, and the error blamed the wrong cell), and a name listed twice is
/// refused (it printed a coalition against itself).
#[test]
fn landscape_files_read_quoted_cells_and_refuse_a_name_twice() {
    let tmp = tempdir();
    let actors = tmp.path().join("actors.csv");
    let propensity = tmp.path().join("propensity.csv");
    std::fs::write(&propensity, ",A,B,C\nA,,1,5\nB,1,,1\nC,5,1,\n").unwrap();
    let run = |text: &str| {
        std::fs::write(&actors, text).unwrap();
        run_in(
            tmp.path(),
            [
                "landscape".as_ref(),
                "--actors".as_ref(),
                actors.as_os_str(),
                "--propensity".as_ref(),
                propensity.as_os_str(),
            ],
        )
    };
    let quoted = run("id,actor,strength\n1,\"U,S\",10\n2,B,5\n3,C,5\n");
    quoted.expect_code(0).no_panic();
    assert!(quoted.stdout.contains("U,S"), "{}", quoted.stdout);
    run("id,actor,strength\n1,A,10\n2,A,5\n3,C,5\n")
        .expect_code(2)
        .no_panic()
        .stderr_has("actors.csv:3:1: actor `A` is listed twice");
    run("id,actor,strength\n1,\"A,10\n2,B,5\n3,C,5\n")
        .expect_code(2)
        .no_panic()
        .stderr_has("actors.csv:2:3: a quoted cell is not closed on its line");
}

/// A student's slips get the word they meant: a mistyped command (clap took it for the scenario
/// and blamed the next word), a parameter key or an event id with a typo, a parameter without
/// its section, a sweep range written 5-15; and a built-in scenario's name next to an edited
/// file of that name says which one is read.
#[test]
fn slips_of_the_keyboard_get_the_word_meant() {
    let tmp = tempdir();
    for (args, says) in [
        (
            &["chek", "ufa2015.toml"][..],
            "did you mean `simulate check`?",
        ),
        (&["validat", "sco2001"], "did you mean `simulate validate`?"),
        (&["run", "ufa2015"], "`run` is not a command"),
        (&["explain", "enlargment"], "did you mean `enlargement`?"),
        (
            &["scenarios/ufa2015.toml", "scenarios/sco2001.toml"],
            "simulate runs one scenario at a time",
        ),
    ] {
        run_in(tmp.path(), args)
            .expect_code(2)
            .no_panic()
            .stderr_has(says);
    }
    usage_error(
        &["--set", "decision.money_weigth=12"],
        "did you mean `decision.money_weight`?",
    );
    usage_error(
        &["--set", "money_weight=12"],
        "did you mean `decision.money_weight`?",
    );
    usage_error(
        &["--without", "peace_mision_2016"],
        "did you mean `peace_mission_2016`?",
    );
    // A value for an event that --without drops: refused by a run and by a sweep alike (the
    // run ignored it, the sweep called the key unknown).
    usage_error(
        &[
            "--without",
            "iran_applies",
            "--set",
            "events.iran_applies.severity=1",
        ],
        "the event iran_applies is dropped by --without iran_applies",
    );
    run_in(
        tmp.path(),
        [
            "sweep",
            "sco2001",
            "--without",
            "rus_credit_2009",
            "--set",
            "events.rus_credit_2009.amount_bn=1,2",
        ],
    )
    .expect_code(2)
    .stderr_has("the event rus_credit_2009 is dropped by --without rus_credit_2009");
    run_in(
        tmp.path(),
        ["sweep", "ufa2015", "--set", "decision.money_weight=5-15"],
    )
    .expect_code(2)
    .stderr_has("write a range as min:max:step");
    std::fs::write(tmp.path().join("ufa2015.toml"), read(&common::ufa2015())).unwrap();
    run_in(tmp.path(), ["check", "ufa2015"])
        .expect_code(0)
        .stderr_has("ufa2015.toml here is not read");
    // An argument that is not UTF-8 is an unreadable file, not a panic of the slip check.
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let odd = std::ffi::OsStr::from_bytes(b"\xff\xfe");
        run_in(tmp.path(), [odd]).expect_code(2).no_panic();
    }
}

#[test]
fn unknown_flag_is_rejected() {
    usage_error(&["--frobnicate"], "--frobnicate");
}

#[test]
fn missing_scenario_file_is_rejected() {
    let tmp = tempdir();
    let path = tmp.path().join("no_such_file.toml");
    for args in [
        vec![path.as_os_str(), "--out".as_ref(), "out".as_ref()],
        vec!["check".as_ref(), path.as_os_str()],
    ] {
        let out = run_in(tmp.path(), &args);
        out.expect_code(2)
            .no_panic()
            .stderr_has(&path.display().to_string());
        assert!(!tmp.path().join("out").exists());
    }
}

#[test]
fn no_scenario_is_a_usage_error() {
    let tmp = tempdir();
    let out = run_in(tmp.path(), Vec::<&str>::new());
    out.expect_code(2).no_panic().stderr_has("help:");
}

#[test]
fn without_drops_the_event_and_records_it() {
    let base = Run::ufa(&[]);
    let run = Run::ufa(&["--without", "peace_mission_2016"]);
    base.out.expect_code(0);
    run.out
        .expect_code(0)
        .no_panic()
        .stdout_has("--without peace_mission_2016");
    let p = &run.summary()["provenance"];
    assert!(
        p["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_str() == Some("--without peace_mission_2016")),
        "provenance.changes: {}",
        p["changes"]
    );
    assert!(
        base.text("events.csv").contains("Peace Mission 2016"),
        "the baseline logs the exercise"
    );
    assert!(
        !run.text("events.csv").contains("Peace Mission 2016"),
        "the exercise is still in events.csv"
    );
}

#[test]
fn set_is_applied_and_recorded() {
    let run = Run::ufa(&["--set", "decision.money_weight=12"]);
    run.out.expect_code(0);
    let p = &run.summary()["provenance"];
    assert_eq!(p["params"]["decision.money_weight"].as_f64(), Some(12.0));
    assert!(
        p["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_str() == Some("--set decision.money_weight=12")),
        "changes: {}",
        p["changes"]
    );
}

#[test]
fn explain_lists_parameters() {
    let tmp = tempdir();
    let out = run_in(tmp.path(), ["explain", "params"]);
    out.expect_code(0)
        .no_panic()
        .stdout_has("decision.money_weight")
        .stdout_has("decision.temperature");
    let topics = run_in(tmp.path(), ["explain"]);
    topics
        .expect_code(0)
        .stdout_has("bases")
        .stdout_has("balance-of-threat");
    let bases = run_in(tmp.path(), ["explain", "bases"]);
    bases
        .expect_code(0)
        .stdout_has("bases.notice_months")
        .stdout_has("Manas");
    // Markdown is rendered as plain text: no stars, fences, backticks or anchors.
    for raw in ["**", "```", "`", "](#", "### "] {
        assert!(!bases.stdout.contains(raw), "explain bases prints `{raw}`");
    }
    let lens = run_in(tmp.path(), ["explain", "omnibalancing"]);
    lens.expect_code(0)
        .stdout_has("David")
        .stdout_has("lenses.regime_multiplier");
    run_in(tmp.path(), ["explain", "realism"])
        .expect_code(2)
        .stderr_has("unknown topic");
}

#[test]
fn quiet_prints_nothing() {
    for flag in ["--quiet", "-q"] {
        let run = Run::ufa(&[flag]);
        run.out.expect_code(0).no_panic();
        assert!(run.out.stdout.is_empty(), "{flag}: {}", run.out.stdout);
        assert!(run.out.stderr.is_empty(), "{flag}: {}", run.out.stderr);
        for f in OUTPUT_FILES {
            assert!(run.file(f).is_file(), "{flag}: {f} not written");
        }
    }
}

#[test]
fn check_accepts_the_shipped_scenario() {
    let tmp = tempdir();
    let path = ufa2015();
    let out = run_in(tmp.path(), [Path::new("check"), &path]);
    out.expect_code(0).no_panic().stdout_has("ok");
    assert!(!out.stdout.contains("warning"), "{}", out.stdout);
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

/// A state given a starting alignment far from where its scores point moves toward them from
/// the first step: `check` names it, and names nothing once the state starts from its scores.
#[test]
fn check_names_a_starting_alignment_far_from_the_scores() {
    let tmp = tempdir();
    let text = read(&ufa2015());
    let guessed = text.replace(
        "alignment = { USA = 0.10, RUS = 0.58, CHN = 0.32 }",
        "alignment = { USA = 0.80, RUS = 0.10, CHN = 0.10 }",
    );
    assert_ne!(guessed, text, "the scenario's Tajik alignment moved");
    let path = tmp.path().join("guessed.toml");
    std::fs::write(&path, &guessed).unwrap();
    run_in(tmp.path(), [Path::new("check"), &path])
        .expect_code(0)
        .stdout_has("TJK toward USA 0.80 → ");
    // No state given an alignment: none is named.
    let scores: String = text
        .lines()
        .filter(|l| !l.starts_with("alignment = "))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&path, scores).unwrap();
    let out = run_in(tmp.path(), [Path::new("check"), &path]);
    out.expect_code(0).no_panic();
    assert!(!out.stdout.contains("note:"), "{}", out.stdout);
}

/// A scripted credit larger than the borrower's GDP is most likely a slip: `check` says so.
#[test]
fn check_names_a_loan_larger_than_the_borrowers_gdp() {
    let tmp = tempdir();
    let base = read(&common::manifest_dir().join("tests/scenarios/base.toml"));
    let path = tmp.path().join("large.toml");
    std::fs::write(
        &path,
        base.replacen("amount_bn = 2.0", "amount_bn = 200.0", 1),
    )
    .unwrap();
    run_in(tmp.path(), [Path::new("check"), &path])
        .expect_code(0)
        .stdout_has(
            "warning: the loan offer `rus_credit` (2009-02) of $200.00bn is larger than KGZ's GDP",
        );
    std::fs::write(&path, &base).unwrap();
    let out = run_in(tmp.path(), [Path::new("check"), &path]);
    assert!(!out.stdout.contains("GDP then"), "{}", out.stdout);
}

/// Scripted events that can change nothing are named by `check`.
#[test]
fn check_names_events_that_change_nothing() {
    let tmp = tempdir();
    let base = read(&common::manifest_dir().join("tests/scenarios/base.toml"));
    let path = tmp.path().join("idle.toml");
    let idle = format!(
        "{base}\n[[events]]\nid = \"rejoin\"\ndate = \"2009-01\"\nkind = \"application\"\nactor = \"KGZ\"\n\
         \n[[events]]\nid = \"early_relief\"\ndate = \"2009-01\"\nkind = \"debt_relief\"\nloan = \"rus_credit\"\namount_bn = 1.0\n"
    );
    std::fs::write(&path, idle).unwrap();
    run_in(tmp.path(), [Path::new("check"), &path])
        .expect_code(0)
        .stdout_has("`rejoin` (2009-01) is an SCO application by KGZ, a member from the start")
        .stdout_has(
            "`early_relief` (2009-01) relieves debt on rus_credit, which owes nothing then",
        );
    // Relief on a strategic patron's credit line: the patron may have lent on it by then.
    let strategic = base.replacen(
        "id = \"RUS\"\n",
        "id = \"RUS\"\ndecision = \"strategic\"\nbudget = { credit_bn = 1.0 }\n",
        1,
    );
    assert_ne!(strategic, base);
    let relief = format!(
        "{strategic}\n[[events]]\nid = \"line_relief\"\ndate = \"2010-06\"\nkind = \"debt_relief\"\nloan = \"RUS_credit_KGZ\"\namount_bn = 0.1\n"
    );
    std::fs::write(&path, relief).unwrap();
    let out = run_in(tmp.path(), [Path::new("check"), &path]);
    out.expect_code(0).no_panic();
    assert!(!out.stdout.contains("line_relief"), "{}", out.stdout);
}

/// A loan offer conditional on closing a base that is closed at the start (and not requested
/// again before the offer) can never be taken: `check` says so.
#[test]
fn an_offer_conditional_on_a_closed_base_is_named() {
    let tmp = tempdir();
    let base = read(&common::manifest_dir().join("tests/scenarios/base.toml"));
    let closed = base.replace(
        "lease_end = \"2014-07\"",
        "lease_end = \"2014-07\"\nopen = false",
    );
    let path = tmp.path().join("closed.toml");
    std::fs::write(&path, &closed).unwrap();
    run_in(tmp.path(), [Path::new("check"), &path])
        .expect_code(0)
        .stdout_has("warning: the loan offer `rus_credit` (2009-02) is conditional on closing");
    // Requested again before the offer: it may open, then close; no warning.
    let requested = format!(
        "{closed}\n[[events]]\ndate = \"2009-01\"\nkind = \"base_request\"\nbase = \"manas\"\n"
    );
    std::fs::write(&path, requested).unwrap();
    let out = run_in(tmp.path(), [Path::new("check"), &path]);
    out.expect_code(0);
    assert!(
        !out.stdout.contains("conditional on closing"),
        "{}",
        out.stdout
    );
}

/// An `end` that is not a whole number of steps after `start` gets a warning, and an event in
/// the months it leaves out an error that says how to reach it.
#[test]
fn an_end_between_two_steps_is_named_with_its_fix() {
    let tmp = tempdir();
    let text = read(&ufa2015()).replace("end = \"2030-07\"", "end = \"2030-09\"");
    let path = tmp.path().join("odd_end.toml");
    std::fs::write(&path, &text).unwrap();
    run_in(tmp.path(), [Path::new("check"), &path])
        .expect_code(0)
        .stdout_has("warning: `end` (2030-09) is not a whole number of quarter steps after `start` (2015-07): the runs stop at 2030-07; set `end` to 2030-07 or 2030-10");
    let with_event = format!(
        "{text}\n[[events]]\ndate = \"2030-08\"\nkind = \"application\"\nactor = \"IRN\"\n"
    );
    std::fs::write(&path, with_event).unwrap();
    run_in(tmp.path(), [Path::new("check"), &path])
        .expect_code(2)
        .stderr_has("the runs stop at 2030-07, the last whole quarter step before `end` (2030-09): move `end` to 2030-10");
}

#[test]
fn terminal_tables_keep_the_scenarios_patron_order_and_never_cut_a_name() {
    let tmp = tempdir();
    let out = run_in(
        tmp.path(),
        [
            ufa2015().to_str().unwrap(),
            "--plot",
            "none",
            "--out",
            tmp.path().join("run").to_str().unwrap(),
        ],
    );
    out.expect_code(0);
    let header = out
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("state"))
        .expect("the final alignment's header");
    assert_eq!(
        header.split_whitespace().collect::<Vec<_>>(),
        ["state", "USA", "RUS", "CHN"],
        "the scenario's patron order, as in the charts"
    );
    let cmp = run_in(
        tmp.path(),
        [
            "compare",
            common::manifest_dir()
                .join("scenarios/sco2001.toml")
                .to_str()
                .unwrap(),
            "--lenses",
            "all",
            "--runs",
            "2",
            "--out",
            tmp.path().join("cmp").to_str().unwrap(),
        ],
    );
    cmp.expect_code(0);
    for name in ["balance-of-power", "balance-of-threat", "omnibalancing"] {
        assert!(cmp.stdout.contains(name), "{name} in full:\n{}", cmp.stdout);
    }
    assert!(cmp.stdout.contains("of-threat"), "wrapped, not cut");
    assert!(
        cmp.stdout
            .contains("counterfactual not pak_member (without ind_application)"),
        "labels in full"
    );
}

#[test]
fn all_prints_every_key_decision() {
    let tmp = tempdir();
    let sco = common::manifest_dir().join("scenarios/sco2001.toml");
    let args = |all: bool| {
        let mut a = vec![
            sco.to_str().unwrap().to_string(),
            "--plot".into(),
            "none".into(),
            "--out".into(),
            tmp.path().join("o").to_str().unwrap().to_string(),
        ];
        if all {
            a.push("--all".into());
        }
        a
    };
    let short = run_in(tmp.path(), args(false));
    // The default listing keeps the 2009 Manas episode (a closure ordered again after 2005),
    // listing a summit's yearly veto once.
    short
        .expect_code(0)
        .stdout_has("2009-02  KGZ orders Manas air base closed")
        .stdout_has("2009-03  KGZ reverses its order to close Manas air base")
        .stdout_has("more (a summit's repeated veto is listed once here), every one in events.csv");
    assert_eq!(
        short.stdout.matches("PAK alone is vetoed by RUS").count(),
        1
    );
    let long = run_in(tmp.path(), args(true));
    long.expect_code(0);
    assert!(!long.stdout.contains("every one in events.csv"));
    let dated = |s: &str| {
        s.lines()
            .filter(|l| l.starts_with("  ") && l.as_bytes().get(2).is_some_and(u8::is_ascii_digit))
            .count()
    };
    assert!(dated(&long.stdout) > dated(&short.stdout));
    // Every decision, every time it was taken: as many lines as summary.json's key decisions.
    let summary: serde_json::Value =
        serde_json::from_str(&common::read(&tmp.path().join("o/summary.json"))).unwrap();
    let listed = summary["key_decisions"].as_array().unwrap();
    assert_eq!(dated(&long.stdout), listed.len());
    assert!(listed.iter().any(|d| d["repeat"].as_u64() > Some(0)));
}

//! `simulate sensitivity` through the real binary: the same bytes on any thread count, shards
//! merged and analysed equal to one run, a parameter the scenario never reads getting exactly
//! zero (common random numbers), the files and the report section, and bad input rejected with
//! exit code 2 before anything is written.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::*;

/// A small Sobol analysis of ufa2015: 2 factors, 8 base rows (32 points), 2 runs each.
/// `strategy.share_value_gdp` matters only to strategic patrons, which ufa2015 has none of.
fn sobol_args(out: &Path, extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = [
        "sensitivity",
        &ufa2015().display().to_string(),
        "--method",
        "sobol",
        "--set",
        "decision.money_weight=5:15",
        "--set",
        "strategy.share_value_gdp=1:4",
        "--samples",
        "8",
        "--runs",
        "2",
        "--resamples",
        "50",
        "--out",
        &out.display().to_string(),
        "-q",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

#[test]
fn jobs_do_not_change_the_bytes_and_an_unread_parameter_gets_exactly_zero() {
    let dir = tempdir();
    let (a, b) = (dir.path().join("j1"), dir.path().join("j2"));
    run_in(dir.path(), sobol_args(&a, &["--jobs", "1"])).expect_code(0);
    run_in(dir.path(), sobol_args(&b, &["--jobs", "2"])).expect_code(0);
    // (report.html names the command line, which names the output folder.)
    for f in [
        "sweep.csv",
        "sensitivity.csv",
        "sensitivity_us_influence.svg",
    ] {
        assert!(
            read_bytes(&a.join(f)) == read_bytes(&b.join(f)),
            "{f} differs between --jobs 1 and 2"
        );
    }
    let csv = parse_csv(&read(&a.join("sensitivity.csv")));
    assert_eq!(
        csv.header,
        [
            "output", "factor", "min", "max", "S1", "S1_conf", "ST", "ST_conf", "rank"
        ]
    );
    // The indices, then one row per outcome's probability: 4 outputs (ufa2015 has no checks).
    let outputs: Vec<&str> = csv.rows.iter().map(|r| r[0].as_str()).collect();
    assert!(outputs.contains(&"us_influence") && outputs.contains(&"soft_balancing"));
    for r in csv
        .rows
        .iter()
        .filter(|r| r[1] == "strategy.share_value_gdp")
    {
        assert_eq!(
            (r[4].as_str(), r[6].as_str()),
            ("0.000000", "0.000000"),
            "{r:?}"
        );
    }
    // Every point runs with the sweep's seed.
    let sweep = parse_csv(&read(&a.join("sweep.csv")));
    let seed = sweep.col("seed");
    assert_eq!(sweep.rows.len(), 8 * 4);
    assert!(sweep.rows.iter().all(|r| r[seed] == "2015"));
}

#[test]
fn shards_merged_and_analysed_equal_one_run() {
    let dir = tempdir();
    let whole = dir.path().join("whole");
    run_in(dir.path(), sobol_args(&whole, &[])).expect_code(0);
    let mut shards = Vec::new();
    for k in 1..=3 {
        let out = dir.path().join(format!("s{k}"));
        run_in(
            dir.path(),
            sobol_args(&out, &["--shard", &format!("{k}/3")]),
        )
        .expect_code(0);
        assert!(
            !out.join("sensitivity.csv").exists(),
            "a shard analyses nothing"
        );
        shards.push(out.display().to_string());
    }
    let merged = dir.path().join("merged");
    let mut args = vec!["merge".to_string()];
    args.extend(shards);
    args.extend(["--out".to_string(), merged.display().to_string()]);
    run_in(dir.path(), args).expect_code(0);
    let out = run_in(dir.path(), {
        let mut a = sobol_args(&merged, &["--resume"]);
        a.retain(|x| x != "-q");
        a
    });
    out.expect_code(0).stdout_has("ran 0 runs");
    for f in [
        "sweep.csv",
        "sensitivity.csv",
        "sensitivity_us_influence.svg",
    ] {
        assert!(
            read_bytes(&whole.join(f)) == read_bytes(&merged.join(f)),
            "{f} differs between one run and merged shards"
        );
    }
}

#[test]
fn morris_on_the_replay_scores_checks_and_writes_its_report() {
    let dir = tempdir();
    let out = dir.path().join("m");
    let sco = manifest_dir().join("scenarios/sco2001.toml");
    let o = run_in(
        dir.path(),
        [
            "sensitivity",
            &sco.display().to_string(),
            "--method",
            "morris",
            "--set",
            "decision.money_weight=5:15",
            "--set",
            "decision.temperature=0.3:0.9",
            "--set",
            "lenses.hedging_weight=0:3",
            "--trajectories",
            "3",
            "--runs",
            "1",
            "--output",
            "checks_passed",
            "--output",
            "us_influence",
            "--out",
            &out.display().to_string(),
        ],
    );
    o.expect_code(0)
        .no_panic()
        .stdout_has("morris sensitivity of sco2001: 3 factors, 3 trajectories on 4 levels: 12 points x 1 runs")
        .stdout_has("checks_passed: mean");
    let csv = parse_csv(&read(&out.join("sensitivity.csv")));
    assert_eq!(
        csv.header,
        [
            "output",
            "factor",
            "min",
            "max",
            "mu",
            "mu_star",
            "mu_star_conf",
            "sigma",
            "rank"
        ]
    );
    assert_eq!(csv.rows.len(), 2 * 3);
    // The hedging lens's weight: the replay runs the soft-balancing lens, which never reads it.
    let hedging = csv
        .rows
        .iter()
        .find(|r| r[1] == "lenses.hedging_weight")
        .unwrap();
    assert_eq!(hedging[5], "0.000000");
    assert_eq!(hedging[8], "3", "ranked last");
    let html = read(&out.join("report.html"));
    assert!(html.contains("<section id=\"sensitivity\">"));
    assert!(html.contains("Sensitivity analysis (morris)"));
    assert!(html.contains("id=\"out-checks_passed\""));
    assert!(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"));
    assert!(out.join("sensitivity_checks_passed.svg").exists());
}

#[test]
fn bad_input_exits_2_naming_the_flag_before_writing_anything() {
    let dir = tempdir();
    let out = dir.path().join("bad");
    let cases: [(&[&str], &str); 6] = [
        (
            &["--output", "nonsense"],
            "--output: unknown output `nonsense`",
        ),
        // Another method's option would be ignored.
        (
            &["--levels", "4"],
            "--levels: applies to --method morris, not --method sobol",
        ),
        (&["--trajectories", "4"], "--trajectories: applies to"),
        (
            &["--set", "decision.money_weight=5:1"],
            "--set decision.money_weight",
        ),
        (
            &["--set", "no.such_key=0:1"],
            "--set no.such_key=0:1: unknown key",
        ),
        (&["--params", "decision"], "--params/--around"),
    ];
    for (extra, needle) in cases {
        let o = run_in(dir.path(), sobol_args(&out, extra));
        o.expect_code(2).stderr_has(needle).no_panic();
        assert!(!out.exists(), "{extra:?} wrote {}", out.display());
    }
    let morris = |extra: &[&str]| {
        let mut a = sobol_args(&out, &[]);
        a.retain(|x| x != "sobol");
        let i = a.iter().position(|x| x == "--method").unwrap();
        a.insert(i + 1, "morris".into());
        let j = a.iter().position(|x| x == "--samples").unwrap();
        a.drain(j..j + 2);
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    for (extra, needle) in [
        (&["--levels", "3"][..], "an even number of levels"),
        (&["--samples", "4"], "--samples: applies to --method sobol"),
    ] {
        run_in(dir.path(), morris(extra))
            .expect_code(2)
            .stderr_has(needle)
            .no_panic();
        assert!(!out.exists());
    }
}

/// The record outputs (`distance`, `distance_out`, `un_votes`: the distance `simulate
/// calibrate` minimises) run each point again: the same bytes on any thread count, a row per
/// factor in sensitivity.csv, and none of them analysed unless asked for.
#[test]
fn the_distance_to_the_record_is_an_output_on_request() {
    let dir = tempdir();
    let replay = manifest_dir().join("scenarios/sco2001.toml");
    let args = |out: &str, jobs: &str| -> Vec<String> {
        [
            "sensitivity",
            replay.to_str().unwrap(),
            "--method",
            "morris",
            "--set",
            "decision.money_weight=5:15",
            "--set",
            "decision.temperature=0.3:0.9",
            "--trajectories",
            "2",
            "--runs",
            "2",
            "--resamples",
            "20",
            "--output",
            "distance",
            "--output",
            "distance_out",
            "--output",
            "un_votes",
            "--jobs",
            jobs,
            "--out",
            out,
            "-q",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    run_in(dir.path(), args("a", "1")).expect_code(0);
    run_in(dir.path(), args("b", "2")).expect_code(0);
    let (a, b) = (
        read(&dir.path().join("a/sensitivity.csv")),
        read(&dir.path().join("b/sensitivity.csv")),
    );
    assert_eq!(a, b, "the record outputs do not depend on --jobs");
    let csv = parse_csv(&a);
    for output in ["distance", "distance_out", "un_votes"] {
        let rows = csv.rows.iter().filter(|r| r[0] == output).count();
        assert_eq!(rows, 2, "{output}: one row per factor");
    }
    // By default they are not analysed (they cost a second pass).
    run_in(
        dir.path(),
        [
            "sensitivity",
            replay.to_str().unwrap(),
            "--method",
            "morris",
            "--set",
            "decision.money_weight=5:15",
            "--trajectories",
            "2",
            "--runs",
            "1",
            "--resamples",
            "20",
            "--out",
            "c",
            "-q",
        ],
    )
    .expect_code(0);
    let c = read(&dir.path().join("c/sensitivity.csv"));
    assert!(c.contains("checks_passed") && !c.contains("distance"));
}

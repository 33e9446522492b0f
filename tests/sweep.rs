//! `simulate sweep` and `simulate merge` through the real binary: results independent of the
//! thread count, shards merging into the unsharded output byte for byte, a killed sweep resumed
//! to the same output, and bad sweep definitions rejected before anything runs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;

/// A small two-axis grid over ufa2015: 6 points.
fn grid_args(out: &Path, extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = vec![
        "sweep".into(),
        ufa2015().display().to_string(),
        "--set".into(),
        "decision.domination_weight=0.5:1.5:0.5".into(),
        "--set".into(),
        "decision.noise_sd=0.01,0.03".into(),
        "--runs".into(),
        "40".into(),
        "--out".into(),
        out.display().to_string(),
        "-q".into(),
    ];
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

#[test]
fn jobs_do_not_change_the_bytes() {
    let dir = tempdir();
    let (a, b) = (dir.path().join("j1"), dir.path().join("j2"));
    run_in(dir.path(), grid_args(&a, &["--jobs", "1"])).expect_code(0);
    run_in(dir.path(), grid_args(&b, &["--jobs", "2"])).expect_code(0);
    for f in ["sweep.csv", "sweep.json"] {
        assert_eq!(
            read_bytes(&a.join(f)),
            read_bytes(&b.join(f)),
            "{f} differs between --jobs 1 and 2"
        );
    }
    // Repeated invocations too.
    let c = dir.path().join("j2b");
    run_in(dir.path(), grid_args(&c, &["--jobs", "2"])).expect_code(0);
    assert_eq!(
        read_bytes(&b.join("sweep.csv")),
        read_bytes(&c.join("sweep.csv"))
    );
    let csv = read(&a.join("sweep.csv"));
    assert_eq!(csv.lines().count(), 1 + 6, "header plus 6 points");
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .starts_with("point,seed,decision.domination_weight,decision.noise_sd,KAZ_USA_mean")
    );
}

#[test]
fn shards_merge_into_the_unsharded_output() {
    let dir = tempdir();
    let whole = dir.path().join("whole");
    run_in(dir.path(), grid_args(&whole, &[])).expect_code(0);
    let mut shards = Vec::new();
    for k in 1..=4 {
        let d = dir.path().join(format!("s{k}"));
        run_in(dir.path(), grid_args(&d, &["--shard", &format!("{k}/4")])).expect_code(0);
        shards.push(d);
    }
    let merged = dir.path().join("merged");
    let mut args: Vec<String> = vec!["merge".into()];
    args.extend(shards.iter().map(|d| d.display().to_string()));
    args.extend(["--out".to_string(), merged.display().to_string()]);
    run_in(dir.path(), &args)
        .expect_code(0)
        .stdout_has("--resume --out");
    for f in ["sweep.csv", "sweep.json"] {
        assert_eq!(
            read_bytes(&whole.join(f)),
            read_bytes(&merged.join(f)),
            "merged {f} differs"
        );
    }
    // The merge draws no charts; the sweep's command with --resume on the merged folder runs
    // nothing again and draws the charts and report.html of the unsharded run.
    run_in(dir.path(), grid_args(&merged, &["--resume"])).expect_code(0);
    let mut drawn = 0;
    for e in std::fs::read_dir(&whole).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".svg") || name == "report.html" {
            drawn += 1;
            assert_eq!(
                read_bytes(&whole.join(&name)),
                read_bytes(&merged.join(&name)),
                "{name} drawn after the merge differs"
            );
        }
    }
    assert!(drawn > 1, "the unsharded sweep drew its charts and report");
}

#[test]
fn merge_refuses_a_missing_or_foreign_shard() {
    let dir = tempdir();
    let mut shards = Vec::new();
    for k in 1..=3 {
        let d = dir.path().join(format!("s{k}"));
        run_in(dir.path(), grid_args(&d, &["--shard", &format!("{k}/3")])).expect_code(0);
        shards.push(d);
    }
    let out = dir.path().join("m");
    let missing = run_in(
        dir.path(),
        [
            "merge",
            &shards[0].display().to_string(),
            &shards[2].display().to_string(),
            "--out",
            &out.display().to_string(),
        ],
    );
    missing.expect_code(2).stderr_has("missing shards: 2/3");
    assert!(!out.join("sweep.csv").exists());

    // A shard of a sweep with another seed.
    let other = dir.path().join("other");
    run_in(
        dir.path(),
        grid_args(&other, &["--shard", "2/3", "--seed", "99"]),
    )
    .expect_code(0);
    let foreign = run_in(
        dir.path(),
        [
            "merge",
            &shards[0].display().to_string(),
            &other.display().to_string(),
            &shards[2].display().to_string(),
            "--out",
            &out.display().to_string(),
        ],
    );
    foreign.expect_code(2).stderr_has("the seed differs");

    // Into one of its own shards: it would replace shard 1, and the set could not be merged again.
    let before = read(&shards[0].join("sweep.csv"));
    let mut into_shard: Vec<String> = vec!["merge".into()];
    into_shard.extend(shards.iter().map(|d| d.display().to_string()));
    into_shard.extend(["--out".into(), shards[0].display().to_string()]);
    run_in(dir.path(), into_shard)
        .expect_code(2)
        .no_panic()
        .stderr_has("which the merge would replace");
    assert_eq!(read(&shards[0].join("sweep.csv")), before);
}

#[test]
fn a_killed_sweep_resumes_to_the_same_output() {
    let dir = tempdir();
    let args = |out: &Path| {
        let mut v = grid_args(out, &["--jobs", "1"]);
        // Enough work that the kill lands mid-way: 11 points x 300 runs.
        v[3] = "decision.domination_weight=0:2.5:0.25".into();
        v[5] = "decision.noise_sd=0.01".into();
        v[7] = "300".into();
        v
    };
    let whole = dir.path().join("whole");
    run_in(dir.path(), args(&whole)).expect_code(0);

    let killed = dir.path().join("killed");
    let partial = killed.join("sweep.partial.csv");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_simulate"))
        .args(args(&killed))
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start simulate");
    // Kill it once at least one point is flushed (or give up waiting after a while).
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if std::fs::read_to_string(&partial).is_ok_and(|t| t.lines().count() >= 1) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = child.kill();
    let status = child.wait().expect("wait");
    if status.success() {
        eprintln!("note: the sweep finished before it could be killed; resume still checked below");
    } else {
        assert!(
            !killed.join("sweep.csv").exists(),
            "a killed sweep must not leave a final sweep.csv"
        );
        let done = read(&partial).lines().count();
        assert!((1..11).contains(&done), "partial rows: {done}");
    }
    let mut resume = args(&killed);
    resume.push("--resume".into());
    run_in(dir.path(), &resume).expect_code(0);
    for f in ["sweep.csv", "sweep.json"] {
        assert_eq!(
            read_bytes(&whole.join(f)),
            read_bytes(&killed.join(f)),
            "resumed {f} differs"
        );
    }
    assert!(!partial.exists());
}

#[test]
fn resume_refuses_partial_results_of_another_sweep() {
    let dir = tempdir();
    let out = dir.path().join("s");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("sweep.partial.csv"), "0,1\n").unwrap();
    std::fs::write(out.join("sweep.partial.json"), "{\"not\": \"a sweep\"}").unwrap();
    run_in(dir.path(), grid_args(&out, &["--resume"]))
        .expect_code(2)
        .stderr_has("sweep.partial.json");
}

/// `--resume` over a finished sweep of another definition recomputed every point and replaced
/// its files, exit 0 (a job array that reused an output folder lost finished results). It is
/// refused, naming what differs, and the finished files stay as they were.
#[test]
fn resume_never_replaces_a_finished_sweep_of_another_definition() {
    let dir = tempdir();
    let out = dir.path().join("s");
    run_in(dir.path(), grid_args(&out, &[])).expect_code(0);
    let before = read(&out.join("sweep.csv"));
    run_in(dir.path(), grid_args(&out, &["--resume"])).expect_code(0);
    let mut other = grid_args(&out, &["--resume"]);
    let runs = other.iter().position(|a| a == "--runs").unwrap();
    other[runs + 1] = "20".into();
    run_in(dir.path(), other)
        .expect_code(2)
        .no_panic()
        .stderr_has("come from a different sweep (what differs: runs)");
    run_in(dir.path(), grid_args(&out, &["--resume", "--seed", "5"]))
        .expect_code(2)
        .stderr_has("(what differs: seed)");
    assert_eq!(read(&out.join("sweep.csv")), before);
}

/// A finished sweep resumed again takes its rows from sweep.csv: a row cut short there is bad
/// input (exit 2, naming the point), not a panic while drawing the charts.
#[test]
fn resuming_a_finished_sweep_with_a_cut_row_is_an_input_error() {
    let dir = tempdir();
    let out = dir.path().join("s");
    run_in(dir.path(), grid_args(&out, &[])).expect_code(0);
    let path = out.join("sweep.csv");
    let text = read(&path);
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let cut = lines[2].rfind(',').unwrap();
    lines[2].truncate(cut);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    run_in(dir.path(), grid_args(&out, &["--resume"]))
        .expect_code(2)
        .stderr_has("point 1")
        .no_panic();
}

#[test]
fn verify_reruns_points_and_detects_a_tampered_row() {
    let dir = tempdir();
    let out = dir.path().join("v");
    run_in(dir.path(), grid_args(&out, &[])).expect_code(0);
    let ok = run_in(dir.path(), grid_args(&out, &["--verify", "3"]));
    ok.expect_code(0);
    assert!(ok.stdout.contains("all match"), "{}", ok.stdout);
    // Change one number in point 0's row.
    let csv = read(&out.join("sweep.csv"));
    let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
    let cells: Vec<&str> = lines[1].split(',').collect();
    let mut changed: Vec<String> = cells.iter().map(|s| s.to_string()).collect();
    changed[4] = "0.999999".into();
    lines[1] = changed.join(",");
    std::fs::write(out.join("sweep.csv"), lines.join("\n") + "\n").unwrap();
    let bad = run_in(dir.path(), grid_args(&out, &["--verify", "6"]));
    bad.expect_code(1);
    assert!(bad.stdout.contains("point 0: DIFFERS"), "{}", bad.stdout);
}

#[test]
fn keep_runs_writes_one_row_per_run() {
    let dir = tempdir();
    let out = dir.path().join("k");
    run_in(dir.path(), grid_args(&out, &["--keep-runs"])).expect_code(0);
    let runs = read(&out.join("runs.csv"));
    assert_eq!(runs.lines().count(), 1 + 6 * 40);
    assert!(runs.starts_with("point,replicate,KAZ_USA"));
}

#[test]
fn a_point_reruns_alone_with_simulate_and_its_seed() {
    // The row's seed and values reproduce its runs with plain `simulate`: the mean of the final
    // US influence over its runs equals the sweep's mean.
    let dir = tempdir();
    let out = dir.path().join("p");
    run_in(
        dir.path(),
        [
            "sweep",
            &ufa2015().display().to_string(),
            "--set",
            "decision.domination_weight=0.5,2",
            "--runs",
            "12",
            "--out",
            &out.display().to_string(),
            "-q",
        ],
    )
    .expect_code(0);
    let csv = parse_csv(&read(&out.join("sweep.csv")));
    let row = &csv.rows[1];
    let seed = &row[csv.col("seed")];
    let mean: f64 = row[csv.col("us_influence_mean")].parse().unwrap();
    let single = dir.path().join("single");
    run_in(
        dir.path(),
        [
            &ufa2015().display().to_string(),
            "--set",
            "decision.domination_weight=2",
            "--seed",
            seed,
            "--runs",
            "12",
            "--out",
            &single.display().to_string(),
            "-q",
        ],
    )
    .expect_code(0);
    let summary: serde_json::Value =
        serde_json::from_str(&read(&single.join("summary.json"))).unwrap();
    let rerun = summary["final_indices"]["us_influence"]["mean"]
        .as_f64()
        .unwrap();
    assert!(
        (rerun - mean).abs() < 5e-7,
        "sweep mean {mean}, rerun mean {rerun}"
    );
}

#[test]
fn bad_sweep_definitions_are_rejected_before_anything_runs() {
    let dir = tempdir();
    let out = dir.path().join("bad");
    let file = ufa2015().display().to_string();
    let out_s = out.display().to_string();
    let cases: &[(&[&str], &str)] = &[
        (&["--set", "decision.nonsense=0:1:0.1"], "unknown key"),
        (
            &["--set", "decision.temperature=-1:1:0.5"],
            "outside the valid range",
        ),
        (&["--set", "decision.money_weight=5:1:1"], "min <= max"),
        (
            &["--set", "decision.money_weight=1:5"],
            "a grid needs a step",
        ),
        (&["--set", "decision.money_weight=a,b"], "not a number"),
        (
            &["--set", "events.no_such_event.amount_bn=1:2:1"],
            "unknown key",
        ),
        (
            &["--design", "lhs", "--set", "decision.money_weight=1:5"],
            "--samples",
        ),
        (&["--shard", "5/4"], "--shard"),
        (&["--shard", "x"], "--shard"),
        (&["--runs", "0"], "--runs"),
        (&["--design", "spiral"], "--design"),
        // Options that would be ignored or would run a point twice under two labels.
        (
            &["--samples", "3", "--set", "decision.money_weight=1:3:1"],
            "--samples: a grid runs every combination",
        ),
        (
            &["--set", "decision.money_weight=1,2,1"],
            "the value 1 is given twice",
        ),
        (
            &[
                "--design",
                "lhs",
                "--samples",
                "3",
                "--set",
                "decision.money_weight=2:2",
            ],
            "min < max",
        ),
        // --verify checks a finished sweep: none in the folder, or no point, is an input error.
        (
            &["--verify", "1", "--set", "decision.money_weight=1:3:1"],
            "holds no finished sweep",
        ),
        (&["--verify", "0"], "--verify"),
        (&["--verify", "1", "--resume"], "cannot be used with"),
    ];
    for (extra, needle) in cases {
        let mut args = vec!["sweep", file.as_str(), "--out", out_s.as_str()];
        args.extend_from_slice(extra);
        let o = run_in(dir.path(), &args);
        o.expect_code(2).stderr_has(needle);
        assert!(!o.stderr.contains("panicked"));
        assert!(!out.exists(), "{extra:?} created output");
    }
}

/// Regression: a key given twice (`--set` twice, or two `[[sweep.axes]]` tables) silently took
/// the second values, and rows were labelled with values that were not used; a grid whose axes
/// were each within their cap but whose product was not aborted the process allocating it.
#[test]
fn repeated_keys_and_oversized_grids_are_rejected_before_anything_runs() {
    let dir = tempdir();
    let out = dir.path().join("bad");
    let file = ufa2015().display().to_string();
    let out_s = out.display().to_string();
    let big = (0..200)
        .map(|i| format!("{}", f64::from(i) * 1e-4))
        .collect::<Vec<_>>()
        .join(",");
    let w = format!("decision.money_weight={big}");
    let d = format!("decision.domination_weight={big}");
    let n = format!("decision.noise_sd={big}");
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "--set",
                "decision.money_weight=5:15:5",
                "--set",
                "decision.money_weight=1,2",
            ],
            "decision.money_weight is given twice",
        ),
        (
            &[
                "--set",
                "decision.money_weight=5",
                "--set",
                "decision.money_weight=1,2",
            ],
            "given twice",
        ),
        (
            &["--set", &w, "--set", &d, "--set", &n],
            "8000000 points, more than the limit of 1000000",
        ),
        (
            &[
                "--design",
                "random",
                "--samples",
                "2000000",
                "--set",
                "decision.money_weight=1:5",
            ],
            "`2000000` is not a whole number from 1 to 1000000",
        ),
    ];
    for (extra, needle) in cases {
        let mut args = vec!["sweep", file.as_str(), "--out", out_s.as_str()];
        args.extend_from_slice(extra);
        let o = run_in(dir.path(), &args);
        o.expect_code(2).no_panic().stderr_has(needle);
        assert!(!out.exists(), "{extra:?} created output");
    }
    // The same in a scenario's [sweep] table, found by `check`.
    let base = read(&fixture("base.toml"));
    for (table, needle) in [
        (
            "[sweep]\n[[sweep.axes]]\nkey = \"decision.money_weight\"\nvalues = \"5:15:5\"\n\
             [[sweep.axes]]\nkey = \"decision.money_weight\"\nvalues = [1, 2]\n"
                .to_string(),
            "`decision.money_weight` is swept twice",
        ),
        (
            "[sweep]\n[[sweep.axes]]\nkey = \"decision.money_weight\"\nvalues = \"0:1000:0.001\"\n\
             [[sweep.axes]]\nkey = \"decision.domination_weight\"\nvalues = \"0:100:0.001\"\n"
                .to_string(),
            "more than the limit of 1000000",
        ),
        // A run count that would never end, and more samples than a sweep may have points.
        (
            "[sweep]\nruns = 9223372036854775807\n[[sweep.axes]]\nkey = \"decision.money_weight\"\nvalues = [1.0]\n"
                .to_string(),
            "runs must be at most 100000000 per point",
        ),
        (
            "[sweep]\ndesign = \"lhs\"\nsamples = 1000001\n[[sweep.axes]]\nkey = \"decision.money_weight\"\nvalues = \"1:2\"\n"
                .to_string(),
            "samples must be from 1 to 1000000",
        ),
    ] {
        let path = dir.path().join("swept.toml");
        std::fs::write(&path, format!("{base}\n{table}")).unwrap();
        run_in(dir.path(), ["check", path.to_str().unwrap()])
            .expect_code(2)
            .no_panic()
            .stderr_has(needle);
    }
}

/// `rows` with cell `col` of data row `row` (1-based, after the header) replaced by `value`.
fn edit_cell(text: &str, row: usize, col: usize, value: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut cells: Vec<String> = lines[row].split(',').map(str::to_string).collect();
    cells[col] = value.to_string();
    lines[row] = cells.join(",");
    lines.join("\n") + "\n"
}

/// Regression: merge copied any cell into sweep.csv (`abc`, `NaN`, an edited value, a wrong
/// seed). Each shard's rows are now checked against the checksum in its sweep.json, and every
/// cell against what the sweep writes (seeds derived from point numbers, values from the
/// design, statistics finite and within 0-1), and a problem names the shard, line and column.
#[test]
fn merge_refuses_tampered_or_corrupt_shards() {
    let dir = tempdir();
    let mut shards = Vec::new();
    for k in 1..=2 {
        let d = dir.path().join(format!("s{k}"));
        run_in(dir.path(), grid_args(&d, &["--shard", &format!("{k}/2")])).expect_code(0);
        shards.push(d);
    }
    let csv = shards[1].join("sweep.csv");
    let json = shards[1].join("sweep.json");
    let (clean_csv, clean_json) = (read(&csv), read(&json));
    let merge = || {
        let out = dir.path().join("m");
        let o = run_in(
            dir.path(),
            [
                "merge",
                &shards[0].display().to_string(),
                &shards[1].display().to_string(),
                "--out",
                &out.display().to_string(),
            ],
        );
        assert!(
            !out.join("sweep.csv").exists(),
            "merged despite: {}",
            o.stderr
        );
        o
    };
    // An edited value: the checksum no longer matches.
    std::fs::write(&csv, edit_cell(&clean_csv, 1, 4, "0.123456")).unwrap();
    merge()
        .expect_code(2)
        .no_panic()
        .stderr_has("s2/sweep.csv")
        .stderr_has("checksum");
    // Cells no sweep writes, with the checksum forged to match: named by line and column.
    let header: Vec<String> = clean_csv
        .lines()
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    for (col, value, needle) in [
        (4, "abc", "`abc` is not a number"),
        (4, "NaN", "`NaN` is not a number from 0 to 1"),
        (4, "inf", "`inf` is not a number from 0 to 1"),
        (1, "12345", "is not point"),
        (2, "99", "is not point"),
    ] {
        let text = edit_cell(&clean_csv, 1, col, value);
        std::fs::write(&csv, &text).unwrap();
        let sum = sha256_hex(text.as_bytes());
        let forged = clean_json.replace(
            &clean_json[clean_json.find("\"rows_sha256\": \"").unwrap() + 16..][..64],
            &sum,
        );
        std::fs::write(&json, forged).unwrap();
        merge()
            .expect_code(2)
            .no_panic()
            .stderr_has("s2/sweep.csv")
            .stderr_has(&format!("line 2 (point 1), column {}", header[col]))
            .stderr_has(needle);
    }
    // Restored, the shards merge.
    std::fs::write(&csv, &clean_csv).unwrap();
    std::fs::write(&json, &clean_json).unwrap();
    run_in(
        dir.path(),
        [
            "merge",
            &shards[0].display().to_string(),
            &shards[1].display().to_string(),
            "--out",
            &dir.path().join("m").display().to_string(),
        ],
    )
    .expect_code(0);
}

/// Regression: `--resume` took any row of the partial file as done. A tampered row is refused
/// with exit 2 naming the file, line and column; nothing is finished from it.
#[test]
fn resume_refuses_tampered_partial_rows() {
    let dir = tempdir();
    let out = dir.path().join("s");
    run_in(dir.path(), grid_args(&out, &[])).expect_code(0);
    let text = read(&out.join("sweep.csv"));
    let json = read(&out.join("sweep.json"));
    std::fs::remove_file(out.join("sweep.csv")).unwrap();
    std::fs::remove_file(out.join("sweep.json")).unwrap();
    // A partial file as a killed run leaves it: the definition without the checksum, some rows.
    let start = json.find(",\n  \"rows_sha256\"").unwrap();
    let end = json[start + 2..].find('\n').unwrap() + start + 2;
    let partial_json = format!("{}{}", &json[..start], &json[end..]);
    std::fs::write(out.join("sweep.partial.json"), partial_json).unwrap();
    let rows: String = text
        .lines()
        .skip(1)
        .take(3)
        .map(|l| format!("{l}\n"))
        .collect();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    for (col, value) in [(1usize, "7"), (5, "NaN"), (6, "abc")] {
        let edited = edit_cell(&format!("h\n{rows}"), 2, col, value);
        let edited: String = edited.lines().skip(1).map(|l| format!("{l}\n")).collect();
        std::fs::write(out.join("sweep.partial.csv"), edited).unwrap();
        run_in(dir.path(), grid_args(&out, &["--resume"]))
            .expect_code(2)
            .no_panic()
            .stderr_has("sweep.partial.csv")
            .stderr_has(&format!("line 2 (point 1), column {}", header[col]));
        assert!(!out.join("sweep.csv").exists());
    }
    // The untouched rows resume to the same output.
    std::fs::write(out.join("sweep.partial.csv"), &rows).unwrap();
    run_in(dir.path(), grid_args(&out, &["--resume"])).expect_code(0);
    assert_eq!(read(&out.join("sweep.csv")), text);
    assert_eq!(read(&out.join("sweep.json")), json);
}

/// A summit that considers only the first applicants is never silent: a sweep, `validate` and
/// `compare` (which write no event log) warn like a plain run does, and `calibrate` up front, with the number of runs in which
/// applicants waited.
#[test]
fn applicants_beyond_the_bound_are_warned_about_by_every_command() {
    let dir = tempdir();
    // A synthetic world whose observers all apply: more applicants than a summit considers.
    let text = soft_balancing::scenario::synthetic::toml_text(150, 2, 3)
        .replace("sco = \"observer\"", "sco = \"applicant\"");
    let applicants = text.matches("sco = \"applicant\"").count();
    assert!(applicants > 20, "{applicants} applicants");
    let path = dir.path().join("crowded.toml");
    std::fs::write(&path, text).unwrap();
    let file = path.display().to_string();
    let out = dir.path().join("sw").display().to_string();
    let sweep = [
        "sweep",
        &file,
        "--set",
        "decision.noise_sd=0.01,0.03",
        "--runs",
        "3",
        "--plot",
        "none",
        "-q",
        "--out",
        &out,
    ];
    run_in(dir.path(), sweep)
        .expect_code(0)
        .stderr_has("warning: in 6 of 6 runs more states applied to the SCO at a summit");
    let out = dir.path().join("plain").display().to_string();
    run_in(
        dir.path(),
        [&file, "--runs", "2", "--plot", "none", "-q", "--out", &out],
    )
    .expect_code(0)
    .stderr_has("warning: in 2 of 2 runs more states applied to the SCO at a summit");
    // `validate` writes no event log either, and warns too (3 runs as written).
    let checked = dir.path().join("crowded_checked.toml");
    let check = us_influence_check("us_down", "down", "2015-01", "2016-12", 0.0);
    std::fs::write(&checked, format!("{}{check}", read(&path))).unwrap();
    let out = dir.path().join("validated").display().to_string();
    run_in(
        dir.path(),
        [
            "validate",
            &checked.display().to_string(),
            "--runs",
            "3",
            "-q",
            "--out",
            &out,
        ],
    )
    .expect_code(0)
    .stderr_has("warning: in 3 of 3 runs more states applied to the SCO at a summit")
    .stderr_has("simulate FILE");
    // `compare` too: 2 runs under each of 2 lenses.
    let out = dir.path().join("compared").display().to_string();
    run_in(
        dir.path(),
        [
            "compare",
            &checked.display().to_string(),
            "--lenses",
            "soft-balancing,hedging",
            "--runs",
            "2",
            "-q",
            "--out",
            &out,
        ],
    )
    .expect_code(0)
    .stderr_has("warning: in 4 of 4 runs more states applied to the SCO at a summit");
    // `calibrate` scores thousands of runs without an event log: it warns up front.
    let out = dir.path().join("calibrated").display().to_string();
    let o = run_in(
        dir.path(),
        [
            "calibrate",
            &checked.display().to_string(),
            "--particles",
            "4",
            "--generations",
            "1",
            "--runs",
            "1",
            "--scorecard-runs",
            "1",
            "--fit-until",
            "2016",
            "--data",
            "none",
            "-q",
            "--out",
            &out,
        ],
    );
    o.expect_code(0)
        .stderr_has("warning: up to")
        .stderr_has("states may apply to the SCO at once");
    // And nothing when every applicant is considered.
    let out = dir.path().join("ufa").display().to_string();
    let o = run_in(dir.path(), grid_args(Path::new(&out), &[]));
    o.expect_code(0);
    assert!(!o.stderr.contains("applied to the SCO"), "{}", o.stderr);
}

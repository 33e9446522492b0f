//! `simulate calibrate` through the real binary: the same bytes on any thread count, the files
//! and what they hold (the sample per generation, the posterior, the scorecard at the posterior
//! median split in and out of sample, the marginal charts, the report), and bad input rejected
//! with exit code 2 naming the flag, before anything is written. That the sampler finds a known
//! posterior is tested on models with known answers in `src/abc/tests.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::*;

fn replay() -> String {
    manifest_dir()
        .join("scenarios/sco2001.toml")
        .display()
        .to_string()
}

/// A small calibration of the replay: 12 sets per generation, 2 generations, 4 runs each.
fn args(out: &str, extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = [
        "calibrate",
        &replay(),
        "--particles",
        "12",
        "--generations",
        "2",
        "--runs",
        "4",
        "--scorecard-runs",
        "4",
        "--out",
        out,
        "-q",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

const FILES: [&str; 11] = [
    "calibration.csv",
    "posterior.csv",
    "distance.csv",
    "scorecard_in_sample.csv",
    "scorecard_out_of_sample.csv",
    "marginal_decision_money_weight.svg",
    "marginal_decision_regime_weight.svg",
    "marginal_decision_leaning_weight.svg",
    "marginal_decision_security_weight.svg",
    "marginal_decision_temperature.svg",
    "report.html",
];

#[test]
fn jobs_do_not_change_the_bytes_and_another_seed_changes_the_sample() {
    let (a, b, c) = (tempdir(), tempdir(), tempdir());
    run_in(a.path(), args("out", &["--jobs", "1"])).expect_code(0);
    run_in(b.path(), args("out", &["--jobs", "2"])).expect_code(0);
    run_in(c.path(), args("out", &["--seed", "99"])).expect_code(0);
    for f in FILES {
        assert!(
            read_bytes(&a.path().join("out").join(f)) == read_bytes(&b.path().join("out").join(f)),
            "{f} differs between --jobs 1 and 2"
        );
    }
    assert_ne!(
        read(&a.path().join("out/calibration.csv")),
        read(&c.path().join("out/calibration.csv"))
    );
}

#[test]
fn the_files_hold_the_sample_the_posterior_and_the_split_scorecard() {
    let dir = tempdir();
    let out = dir.path().join("cal");
    let o = run_in(
        dir.path(),
        args("cal", &[])
            .into_iter()
            .filter(|a| a != "-q")
            .collect::<Vec<_>>(),
    );
    o.expect_code(0)
        .stdout_has("default in 5-95 %")
        .stdout_has("decision.money_weight")
        .stdout_has("out of sample")
        .stderr_has("generation 1: tolerance");
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut want: Vec<String> = FILES.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(
        names, want,
        "exactly the calibration's files, nothing half-written"
    );

    // The sample: 2 generations x 6 kept particles x 5 parameters, weights summing to 1.
    let s = parse_csv(&read(&out.join("calibration.csv")));
    assert_eq!(s.rows.len(), 2 * 6 * 5);
    let (g, w, p, eps, d) = (
        s.col("generation"),
        s.col("weight"),
        s.col("parameter"),
        s.col("epsilon"),
        s.col("distance"),
    );
    for gen_ in ["0", "1"] {
        let rows: Vec<&Vec<String>> = s
            .rows
            .iter()
            .filter(|r| r[g] == gen_ && r[p] == "decision.money_weight")
            .collect();
        assert_eq!(rows.len(), 6);
        let total: f64 = rows.iter().map(|r| r[w].parse::<f64>().unwrap()).sum();
        assert!(
            (total - 1.0).abs() < 1e-4,
            "weights of generation {gen_}: {total}"
        );
        let eps: f64 = rows[0][eps].parse().unwrap();
        assert!(
            rows.iter()
                .all(|r| r[d].parse::<f64>().unwrap() <= eps + 1e-9)
        );
    }

    // The posterior: each parameter within its prior, the default's place stated.
    let post = parse_csv(&read(&out.join("posterior.csv")));
    assert_eq!(post.rows.len(), 5);
    for r in &post.rows {
        let f = |c: &str| r[post.col(c)].parse::<f64>().unwrap();
        assert!(f("prior_min") <= f("p5") && f("p5") <= f("median"));
        assert!(f("median") <= f("p95") && f("p95") <= f("prior_max"));
        assert!(["true", "false"].contains(&r[post.col("default_inside_90")].as_str()));
    }
    let money = &post.rows[0];
    assert_eq!(money[0], "decision.money_weight");
    assert_eq!(money[post.col("default")], "10");
    assert_eq!(money[post.col("prior_min")], "5");
    assert_eq!(money[post.col("prior_max")], "15");

    // The scorecard at the posterior median: lines to 2010 in sample, later ones out.
    let inside = read(&out.join("scorecard_in_sample.csv"));
    let outside = read(&out.join("scorecard_out_of_sample.csv"));
    assert!(inside.contains("k2_closed") && inside.contains("manas_ordered_2009"));
    assert!(!inside.contains("pos_signed") && !inside.contains("manas_closed_2014"));
    assert!(outside.contains("pos_signed") && outside.contains("manas_closed_2014"));
    assert!(
        outside.contains("sanctions_2014"),
        "counterfactuals are reported too"
    );

    // The distance's terms: votes in and out of sample, at the median and the defaults.
    let dist = parse_csv(&read(&out.join("distance.csv")));
    for point in ["posterior_median", "defaults"] {
        for sample in ["in", "out"] {
            assert!(
                dist.rows
                    .iter()
                    .any(|r| r[0] == point && r[1] == sample && r[2] == "votes")
            );
            assert!(
                dist.rows
                    .iter()
                    .any(|r| r[0] == point && r[1] == sample && r[2] == "distance")
            );
        }
    }

    // Charts are well-formed SVG naming the parameter; the report is self-contained.
    let svg = read(&out.join("marginal_decision_money_weight.svg"));
    roxmltree::Document::parse(&svg).expect("well-formed SVG");
    assert!(svg.contains("default 10") && svg.contains("prior"));
    let html = read(&out.join("report.html"));
    assert!(html.contains("<section id=\"calibration\">"));
    assert!(html.contains("out of sample (after 2010)"));
    assert!(!html.contains("<script") && !html.contains("http"));
}

#[test]
fn fit_until_moves_lines_out_of_sample_and_data_none_drops_the_votes() {
    let dir = tempdir();
    run_in(
        dir.path(),
        args(
            "cal",
            &[
                "--fit-until",
                "2006",
                "--data",
                "none",
                "--param",
                "decision.money_weight=5:15",
            ],
        ),
    )
    .expect_code(0);
    let out = dir.path().join("cal");
    let inside = read(&out.join("scorecard_in_sample.csv"));
    assert!(inside.contains("k2_closed") && !inside.contains("manas_ordered_2009"));
    assert!(!read(&out.join("distance.csv")).contains("votes"));
    assert_eq!(parse_csv(&read(&out.join("posterior.csv"))).rows.len(), 1);
    assert!(out.join("marginal_decision_money_weight.svg").exists());
    assert!(!out.join("marginal_decision_temperature.svg").exists());
}

/// Votes that hold none of the scenario's states cannot be fitted: the same penalty for every
/// parameter set. Named with `--data`, they are refused; by default they would be left out.
#[test]
fn votes_without_the_scenarios_states_are_refused_naming_the_state_years() {
    let dir = tempdir();
    let votes = dir.path().join("votes.csv");
    std::fs::write(
        &votes,
        "year,iso3,agree_us,agree_ru,agree_cn,nvotes\n\
         2003,GEO,0.5,0.6,0.6,80\n2004,GEO,0.5,0.6,0.6,80\n2005,GEO,0.5,0.6,0.6,80\n",
    )
    .unwrap();
    let out = run_in(dir.path(), args("cal", &["--data", "votes.csv"]));
    out.expect_code(2)
        .stderr_has("--data votes.csv")
        .stderr_has("0 state-years")
        .no_panic();
    assert!(!dir.path().join("cal").exists(), "nothing may be written");
}

fn rejected(extra: &[&str], flag: &str) {
    let dir = tempdir();
    let mut a = args("cal", &[]);
    a.extend(extra.iter().map(|s| s.to_string()));
    run_in(dir.path(), &a)
        .expect_code(2)
        .stderr_has(flag)
        .no_panic();
    assert!(
        !Path::new(&dir.path().join("cal")).exists(),
        "{extra:?}: nothing may be written"
    );
}

#[test]
fn bad_flags_exit_2_naming_the_flag_before_anything_runs() {
    rejected(&["--param", "decision.no_such=1:2"], "--param");
    rejected(&["--param", "decision.money_weight=5"], "--param");
    rejected(&["--param", "decision.money_weight=15:5"], "--param");
    rejected(&["--param", "decision.money_weight=-5:15"], "--param");
    rejected(
        &[
            "--param",
            "decision.money_weight=5:15",
            "--param",
            "decision.money_weight=6:9",
        ],
        "--param",
    );
    // A key both calibrated and fixed: the prior silently won.
    rejected(
        &[
            "--param",
            "decision.money_weight=5:15",
            "--set",
            "decision.money_weight=3",
        ],
        "--param decision.money_weight: also fixed by --set decision.money_weight=3",
    );
    rejected(&["--particles", "2"], "--particles");
    rejected(&["--generations", "0"], "--generations");
    rejected(&["--alpha", "1.5"], "--alpha");
    rejected(&["--p-acc-min", "0"], "--p-acc-min");
    // A negative number is read as the flag's value and refused as such (clap had advised
    // `-- -1`, which would make it the scenario file).
    rejected(
        &["--p-acc-min", "-1"],
        "invalid value '-1' for '--p-acc-min <P>'",
    );
    rejected(
        &["--fit-until", "-5"],
        "invalid value '-5' for '--fit-until <YEAR>'",
    );
    rejected(&["--fit-until", "1995", "--data", "none"], "--fit-until");
    rejected(&["--data", "no_such_file.csv"], "--data");
    rejected(&["--runs", "6000"], "--runs");
    // A scenario without [[checks]] has nothing to calibrate against.
    let dir = tempdir();
    run_in(
        dir.path(),
        [
            "calibrate",
            &ufa2015().display().to_string(),
            "--out",
            "cal",
        ],
    )
    .expect_code(2)
    .stderr_has("[[checks]]");
    assert!(!dir.path().join("cal").exists());
}

/// `args` with three generations, so that a calibration can stop after the first or second.
fn three(out: &str, extra: &[&str]) -> Vec<String> {
    let mut a = args(out, extra);
    let g = a.iter().position(|x| x == "--generations").unwrap();
    a[g + 1] = "3".into();
    a
}

#[test]
fn a_resumed_calibration_writes_the_bytes_of_an_uninterrupted_one() {
    let dir = tempdir();
    run_in(dir.path(), three("whole", &[])).expect_code(0);
    // Stopped after generation 0, resumed and stopped after 1, resumed to the end, on another
    // thread count.
    run_in(dir.path(), three("cut", &["--stop-after-generation", "0"])).expect_code(0);
    let cut = dir.path().join("cut");
    assert!(cut.join("calibration.partial.csv").exists());
    assert!(
        !cut.join("calibration.csv").exists(),
        "a stopped run writes no output"
    );
    run_in(
        dir.path(),
        three(
            "cut",
            &["--resume", "--stop-after-generation", "1", "--jobs", "1"],
        ),
    )
    .expect_code(0);
    let partial = read(&cut.join("calibration.partial.csv"));
    assert!(partial.lines().any(|l| l.starts_with("1,0,")));
    run_in(dir.path(), three("cut", &["--resume", "--jobs", "2"])).expect_code(0);
    for f in FILES {
        assert!(
            read_bytes(&dir.path().join("whole").join(f)) == read_bytes(&cut.join(f)),
            "{f} differs between the uninterrupted and the resumed calibration"
        );
    }
    assert!(
        !cut.join("calibration.partial.csv").exists(),
        "the checkpoint is removed with the finished output"
    );
    // --resume with no checkpoint starts from generation 0, to the same bytes.
    run_in(dir.path(), three("fresh", &["--resume"])).expect_code(0);
    assert_eq!(
        read_bytes(&dir.path().join("whole/calibration.csv")),
        read_bytes(&dir.path().join("fresh/calibration.csv"))
    );
}

/// Stops a calibration after generation 1 in `dir/cut`, changes its checkpoint with `edit`, and
/// expects `--resume` (with `extra`) to exit 2 naming the file and `needles`, writing nothing.
fn refused(edit: impl Fn(&str) -> String, extra: &[&str], needles: &[&str]) {
    let dir = tempdir();
    run_in(dir.path(), three("cut", &["--stop-after-generation", "1"])).expect_code(0);
    let path = dir.path().join("cut/calibration.partial.csv");
    let text = edit(&read(&path));
    std::fs::write(&path, &text).unwrap();
    let mut a = three("cut", &["--resume"]);
    a.extend(extra.iter().map(|s| s.to_string()));
    let out = run_in(dir.path(), &a);
    out.expect_code(2)
        .stderr_has("calibration.partial.csv")
        .no_panic();
    for n in needles {
        out.stderr_has(n);
    }
    assert!(!dir.path().join("cut/calibration.csv").exists());
    assert_eq!(
        read(&path),
        text,
        "the refused checkpoint is left as it was"
    );
}

/// `text` with the field in `column` of the row starting with `row` replaced by `value`.
fn set_field(text: &str, row: &str, column: usize, value: &str) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with(row) {
                let mut f: Vec<&str> = l.split(',').collect();
                f[column] = value;
                f.join(",")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn resume_refuses_another_calibrations_or_a_tampered_checkpoint() {
    let same = |t: &str| t.to_string();
    // Another calibration: another seed, another budget, other priors.
    refused(same, &["--seed", "7"], &["line 3", "another calibration"]);
    refused(
        same,
        &["--p-acc-min", "0.1"],
        &["line 8", "column p_acc_min"],
    );
    refused(
        same,
        &["--param", "decision.money_weight=5:15"],
        &["column params"],
    );
    // A parameter value the sampler does not propose (line 15 is generation 0, proposal 0).
    refused(
        |t| set_field(t, "0,2,", 2, "0.1"),
        &[],
        &[
            "column decision.",
            "not the value this calibration proposes",
        ],
    );
    refused(
        |t| set_field(t, "1,3,", 4, "9.5"),
        &[],
        &[
            "column decision.money_weight",
            "not the value this calibration proposes",
        ],
    );
    // A distance of the last generation changed: well formed, and no later proposal depends
    // on it, but not the rows the checksum was made of. (Changed in generation 0, it moves
    // generation 1's proposals, refused at their row.)
    refused(
        |t| set_field(t, "1,2,", 2, "0.1"),
        &[],
        &["line 13", "column rows_sha256", "checksum"],
    );
    // Not a distance, a row out of order, a missing field, a generation cut short.
    refused(
        |t| set_field(t, "0,2,", 3, "-1"),
        &[],
        &["line 17", "column out_of_sample_distance"],
    );
    refused(
        |t| set_field(t, "0,2,", 1, "3"),
        &[],
        &["line 17", "column proposal"],
    );
    refused(
        |t| t.replacen("\n0,0,", "\n0,0", 1),
        &[],
        &["line 15", "fields"],
    );
    refused(
        |t| {
            let mut l: Vec<&str> = t.lines().collect();
            l.pop();
            l.join("\n") + "\n"
        },
        &[],
        &["generation 1 stops after"],
    );
    refused(|_| "garbage\n".to_string(), &[], &["line 1"]);
}

#[test]
fn a_calibration_sharded_generation_by_generation_writes_the_unsharded_bytes() {
    let dir = tempdir();
    run_in(dir.path(), three("whole", &[])).expect_code(0);
    let sh = dir.path().join("sh");
    // Three generations, each: three shards (in any order, any --jobs), then the merge.
    for g in 0..3 {
        for k in [3, 1, 2] {
            run_in(
                dir.path(),
                three("sh", &["--shard", &format!("{k}/3"), "--jobs", "1"]),
            )
            .expect_code(0);
        }
        assert!(sh.join("calibration.shard_2_of_3.csv").exists());
        assert!(!sh.join("calibration.csv").exists(), "generation {g}");
        run_in(dir.path(), three("sh", &["--merge-shards"])).expect_code(0);
        assert!(!sh.join("calibration.shard_2_of_3.csv").exists());
    }
    for f in FILES {
        assert!(
            read_bytes(&dir.path().join("whole").join(f)) == read_bytes(&sh.join(f)),
            "{f} differs between the unsharded and the sharded calibration"
        );
    }
    assert!(!sh.join("calibration.partial.csv").exists());
    // A shard after the last merge does not start the calibration over in its folder.
    run_in(dir.path(), three("sh", &["--shard", "1/3"]))
        .expect_code(2)
        .stderr_has("nothing is left to shard");
    assert!(!sh.join("calibration.shard_1_of_3.csv").exists());
    // Nothing is left to shard in a finished checkpoint: stopped after its last generation.
    run_in(dir.path(), three("last", &["--stop-after-generation", "2"])).expect_code(0);
    run_in(dir.path(), three("last", &["--shard", "1/2"]))
        .expect_code(2)
        .stderr_has("nothing is left to shard");
}

#[test]
fn merging_refuses_a_missing_another_calibrations_or_a_tampered_shard() {
    let dir = tempdir();
    // No folder at all: refused, and none is made (nor its parent).
    run_in(dir.path(), three("none/sub", &["--merge-shards"]))
        .expect_code(2)
        .stderr_has("does not exist");
    assert!(!dir.path().join("none").exists(), "a folder was made");
    for k in [1, 2] {
        run_in(dir.path(), three("sh", &["--shard", &format!("{k}/2")])).expect_code(0);
    }
    let shard = dir.path().join("sh/calibration.shard_2_of_2.csv");
    let good = read(&shard);
    std::fs::remove_file(&shard).unwrap();
    run_in(dir.path(), three("sh", &["--merge-shards"]))
        .expect_code(2)
        .stderr_has("calibration.shard_2_of_2.csv is missing")
        .stderr_has("--shard 2/2");
    // A shard of another seed.
    run_in(dir.path(), three("sh", &["--shard", "2/2", "--seed", "7"])).expect_code(0);
    run_in(dir.path(), three("sh", &["--merge-shards"]))
        .expect_code(2)
        .stderr_has("calibration.shard_2_of_2.csv")
        .stderr_has("another calibration");
    // A distance changed after writing; a row of another shard's proposal.
    std::fs::write(&shard, set_field(&good, "0,1,", 2, "0.01")).unwrap();
    run_in(dir.path(), three("sh", &["--merge-shards"]))
        .expect_code(2)
        .stderr_has("column rows_sha256");
    std::fs::write(&shard, set_field(&good, "0,1,", 1, "2")).unwrap();
    run_in(dir.path(), three("sh", &["--merge-shards"]))
        .expect_code(2)
        .stderr_has("column proposal");
    assert!(!dir.path().join("sh/calibration.partial.csv").exists());
    // The good shard merges.
    std::fs::write(&shard, good).unwrap();
    run_in(dir.path(), three("sh", &["--merge-shards"])).expect_code(0);
    assert!(dir.path().join("sh/calibration.partial.csv").exists());
}

//! `simulate class` through the real binary: the answer key's numbers are those the commands the
//! exercises name print and write, run from a folder with no scenario files (the shipped ones
//! compiled in), and the worksheet is a printable page holding them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{parse_csv, read, run_in, tempdir};
use serde_json::Value;

#[test]
fn the_answer_keys_numbers_are_the_command_lines() {
    let tmp = tempdir();
    let dir = tmp.path();
    run_in(dir, ["class", "--jobs", "2", "-q"]).expect_code(0);
    let out = dir.join("out").join("class");
    let answers: Value = serde_json::from_str(&read(&out.join("answers.json"))).unwrap();

    // (a) The credit sweep: every row of sweep.csv.
    let credit = &answers["credit"];
    let cmd: Vec<String> = credit["command"]
        .as_str()
        .unwrap()
        .split(' ')
        .skip(1)
        .map(str::to_string)
        .collect();
    let mut args = cmd.clone();
    args.extend(["--jobs", "2", "-q"].map(String::from));
    run_in(dir, &args).expect_code(0);
    let csv = parse_csv(&read(&dir.join("out/sco2001/sweep/sweep.csv")));
    let key = csv.col("events.rus_credit_2009.amount_bn");
    let cols = [
        csv.col("p_manas_ordered_2009"),
        csv.col("p_manas_reversal_2009"),
        csv.col("p_manas_closed_2014"),
    ];
    let rows = credit["rows"].as_array().unwrap();
    assert_eq!(rows.len(), csv.rows.len());
    for (row, want) in csv.rows.iter().zip(rows) {
        assert_eq!(row[key].parse::<f64>().unwrap(), want[0].as_f64().unwrap());
        for (k, c) in cols.iter().enumerate() {
            assert_eq!(
                row[*c].parse::<f64>().unwrap(),
                want[1][k].as_f64().unwrap(),
                "{row:?}"
            );
        }
    }
    assert_eq!(
        read(&out.join("sweep/sweep.csv")),
        read(&dir.join("out/sco2001/sweep/sweep.csv")),
        "the kit's sweep is the command's, byte for byte"
    );

    // (b) The lenses: "LENS N of M lines pass" as `simulate compare` prints it.
    let printed = run_in(
        dir,
        [
            "compare",
            "scenarios/sco2001.toml",
            "--lenses",
            "all",
            "--jobs",
            "2",
        ],
    );
    printed.expect_code(0);
    for l in answers["lenses"].as_array().unwrap() {
        let line = format!(
            "{} {} of {} lines pass",
            l["lens"].as_str().unwrap(),
            l["passes"],
            l["lines"]
        );
        let squeezed: Vec<String> = printed
            .stdout
            .lines()
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        assert!(squeezed.contains(&line), "compare does not print `{line}`");
    }

    // (c) Iran: summary.json's SCO cohesion and the key decisions' shares of runs.
    for run in answers["iran"].as_array().unwrap() {
        let cmd: Vec<String> = run["command"]
            .as_str()
            .unwrap()
            .split(' ')
            .skip(1)
            .map(str::to_string)
            .collect();
        let mut args = cmd.clone();
        args.extend(["--plot", "none", "--jobs", "2", "-q"].map(String::from));
        run_in(dir, &args).expect_code(0);
        // Its own folder, as the command names it, so that the reports stay side by side.
        let folder = match cmd.iter().position(|a| a == "--out") {
            Some(k) => cmd[k + 1].clone(),
            None => "out/ufa2015".to_string(),
        };
        let s: Value = serde_json::from_str(&read(&dir.join(folder).join("summary.json"))).unwrap();
        assert_eq!(
            s["final_indices"]["sco_cohesion"], run["cohesion_end"],
            "{cmd:?}"
        );
        assert_eq!(s["initial_indices"]["sco_cohesion"], run["cohesion_start"]);
        let share = |text: &str| {
            s["key_decisions"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["decision"].as_str().unwrap().contains(text))
                .map(|d| d["share_of_runs"].as_f64().unwrap())
                .fold(0.0, f64::max)
        };
        assert_eq!(
            share("approves IRN's accession"),
            run["iran_approved"].as_f64().unwrap()
        );
        assert_eq!(
            share("IRN becomes a full SCO member"),
            run["iran_member"].as_f64().unwrap()
        );
        // Who vetoes Iran: the members the key names are those the runs' summaries show.
        for v in run["iran_vetoed_by"].as_array().unwrap() {
            let who = v[0].as_str().unwrap();
            assert!(
                share(&format!("IRN alone is vetoed by {who}")) > 0.0,
                "{cmd:?}: {who}"
            );
        }
    }
    // The worksheet's commands are those docs/teaching.md gives, word for word.
    let teaching = read(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/teaching.md"));
    let commands = [&credit["command"], &answers["lenses_command"]]
        .into_iter()
        .chain(
            answers["iran"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| &r["command"]),
        );
    for c in commands {
        let c = c.as_str().unwrap();
        assert!(teaching.contains(c), "docs/teaching.md does not give `{c}`");
    }
    // Every question has its answer: the default consensus names its vetoing member, (a) 3
    // quotes a run's decisions below the threshold, (b) 3 names lenses that pass the same lines.
    assert!(
        !answers["iran"][0]["iran_vetoed_by"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let below = &credit["below"];
    assert!(below[0].as_f64().unwrap() < credit["even_chance"].as_f64().unwrap());
    assert!(
        below[1].as_array().unwrap().iter().any(|d| d
            .as_str()
            .unwrap()
            .contains("KGZ will not renew the lease of Manas")),
        "{below}"
    );
    for (lenses, _) in answers["same_lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g[0].clone(), g[1].clone()))
    {
        assert!(lenses.as_array().unwrap().len() >= 2);
    }

    // The worksheet prints: print styles, the key on its own page, the numbers in it.
    let sheet = read(&out.join("worksheet.html"));
    assert!(sheet.contains("@media print"));
    assert!(sheet.contains("class=\"key\""));
    let even = credit["even_chance"].as_f64().unwrap();
    assert!(
        sheet.contains(&format!("${even}bn")),
        "the key names ${even}bn"
    );
    assert!(!sheet.contains("<script"), "the worksheet runs nothing");
}

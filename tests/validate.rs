//! The validation scorecard of the historical replay (scenarios/sco2001.toml), through the real
//! binary with a smaller ensemble than the default 200 runs, and the counterfactual machinery.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use soft_balancing::scenario::Scenario;

fn sco2001() -> std::path::PathBuf {
    manifest_dir().join("scenarios").join("sco2001.toml")
}

/// `simulate validate scenarios/sco2001.toml ARGS... --out OUT` in `dir`.
fn validate_replay(dir: &std::path::Path, out: &std::path::Path, args: &[&str]) -> Outcome {
    let mut all = vec![
        "validate".to_string(),
        sco2001().display().to_string(),
        "--out".to_string(),
        out.display().to_string(),
    ];
    all.extend(args.iter().map(|a| a.to_string()));
    run_in(dir, all)
}

/// Writes `text` as `NAME.toml` in `dir`, runs `simulate validate` on it with `runs` runs per
/// ensemble (any exit but a panic) and reads its validation.csv.
fn validate_text(dir: &std::path::Path, name: &str, text: &str, runs: &str) -> Csv {
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text).unwrap();
    let out = dir.join(name);
    let o = run_in(
        dir,
        [
            "validate",
            &path.display().to_string(),
            "--runs",
            runs,
            "--out",
            &out.display().to_string(),
        ],
    );
    o.no_panic();
    parse_csv(&read(&out.join("validation.csv")))
}

/// Every scorecard line passes with 60 runs per ensemble (each line's own threshold, 80 % of
/// runs, applies) except the two the scenario lists as known failures, and the scorecard is
/// written as validation.csv with the dated lines' timing.
#[test]
fn the_replay_passes_its_scorecard_except_its_known_failures() {
    let dir = tempdir();
    let out = dir.path().join("v");
    let o = run_in(
        dir.path(),
        [
            "validate",
            &sco2001().display().to_string(),
            "--runs",
            "60",
            "--out",
            &out.display().to_string(),
        ],
    );
    o.expect_code(0);
    assert!(
        o.stdout.contains("30 of 32 lines pass (2 known failures)"),
        "{}",
        o.stdout
    );
    let csv = parse_csv(&read(&out.join("validation.csv")));
    assert_eq!(csv.rows.len(), 32);
    let failing: Vec<&str> = csv
        .rows
        .iter()
        .filter(|r| r[csv.col("result")] != "pass")
        .map(|r| r[csv.col("outcome")].as_str())
        .collect();
    assert_eq!(failing, ["manas_ordered_early", "cagp_signed"]);
    assert!(
        csv.rows
            .iter()
            .filter(|r| r[csv.col("result")] != "pass")
            .all(|r| !r[csv.col("known_failure")].is_empty())
    );
    let counterfactuals = csv
        .rows
        .iter()
        .filter(|r| !r[csv.col("without")].is_empty())
        .count();
    assert_eq!(counterfactuals, 11);
    // Dated lines: the historical date, the model's median and range, the error in months.
    let dated: Vec<_> = csv
        .rows
        .iter()
        .filter(|r| !r[csv.col("historical_date")].is_empty())
        .collect();
    // Nine dated facts of the record, and one counterfactual: without the 2014 sanctions the
    // Power of Siberia deal is not signed within six months of May 2014.
    assert_eq!(dated.len(), 10);
    let late = dated
        .iter()
        .find(|r| r[csv.col("fact")] == "counterfactual")
        .unwrap();
    assert_eq!(late[csv.col("outcome")], "pos_signed");
    assert_eq!(late[csv.col("result")], "pass");
    let months: i32 = late[csv.col("error_months")].parse().unwrap();
    assert!(
        months > 6,
        "without the sanctions the deal is {months} months off"
    );
    assert!(o.stdout.contains("pos_signed (cf.)"));
    let manas = dated
        .iter()
        .find(|r| r[csv.col("outcome")] == "manas_ordered")
        .unwrap();
    assert_eq!(manas[csv.col("historical_date")], "2009-02");
    assert_eq!(manas[csv.col("model_median")], "2009-02");
    assert_eq!(manas[csv.col("error_months")], "0");
    let k2 = dated
        .iter()
        .find(|r| r[csv.col("outcome")] == "k2_closed")
        .unwrap();
    assert_eq!(k2[csv.col("historical_date")], "2005-11");
    let error: i32 = k2[csv.col("error_months")].parse().unwrap();
    assert!(error.abs() <= 6, "K2 closes {error} months off");
    assert!(o.stdout.contains("Dated facts"));
}

/// A failing line makes the command exit 1 and says which line failed: with Russia's 2009
/// credit worth almost nothing (grant element 0), Kyrgyzstan does not order Manas closed.
#[test]
fn a_failing_line_exits_1() {
    let dir = tempdir();
    let o = run_in(
        dir.path(),
        [
            "validate",
            &sco2001().display().to_string(),
            "--runs",
            "20",
            "--set",
            "events.rus_credit_2009.amount_bn=0",
            "--set",
            "events.rus_credit_2009.grant_bn=0",
            "--out",
            &dir.path().join("v").display().to_string(),
        ],
    );
    o.expect_code(1);
    assert!(
        o.stdout
            .contains("FAIL   Kyrgyzstan orders Manas closed in 2009"),
        "{}",
        o.stdout
    );
}

/// Each counterfactual removes exactly the named events and nothing else.
#[test]
fn each_counterfactual_removes_only_the_named_events() {
    let sc = Scenario::load(&sco2001()).unwrap_or_else(|e| panic!("{e}"));
    let named: Vec<&Vec<String>> = sc
        .checks
        .iter()
        .filter(|c| c.without.is_some())
        .map(|c| &c.remove)
        .collect();
    assert_eq!(named.len(), 11);
    for ids in named {
        let mut cf = sc.clone();
        for id in ids {
            assert_eq!(cf.remove_event(id), 1, "{id} should name exactly one event");
        }
        assert_eq!(cf.events.len(), sc.events.len() - ids.len());
        let kept: Vec<_> = sc
            .events
            .iter()
            .filter(|e| !ids.iter().any(|id| e.id.as_deref() == Some(id.as_str())))
            .collect();
        assert!(
            cf.events.iter().zip(kept).all(|(a, b)| a == b),
            "{ids:?}: other events changed"
        );
        assert_eq!(cf.params, sc.params);
        assert_eq!(cf.initial, sc.initial);
    }
}

#[test]
fn a_scenario_without_checks_cannot_be_validated() {
    let dir = tempdir();
    run_in(dir.path(), ["validate", &ufa2015().display().to_string()])
        .expect_code(2)
        .stderr_has("no [[checks]]");
}

/// `--data unga` holds the replay against the shipped UN voting data: the tidy table has every
/// state of the data that the scenario has, each patron, both windows and the pooled rows; the
/// fit rows hold the observation model; the report carries the section.
#[test]
fn the_replay_is_held_against_un_votes_in_and_out_of_sample() {
    let dir = tempdir();
    let out = dir.path().join("v");
    validate_replay(dir.path(), &out, &["--runs", "20", "--data", "unga"])
        .expect_code(0)
        .stdout_has("fitted on 2001-2010")
        .stdout_has("out of sample 2011-2015");
    let csv = parse_csv(&read(&out.join("unvote.csv")));
    for state in ["KAZ", "KGZ", "TJK", "UZB", "TKM", "ALL"] {
        for sample in ["in", "out"] {
            assert_eq!(
                csv.rows
                    .iter()
                    .filter(|r| r[csv.col("state")] == state && r[csv.col("sample")] == sample)
                    .count(),
                3,
                "{state} {sample}"
            );
        }
    }
    let fit: Vec<_> = csv
        .rows
        .iter()
        .filter(|r| r[csv.col("state")] == "FIT")
        .collect();
    assert_eq!(fit.len(), 3);
    assert!(fit.iter().all(|r| r[csv.col("window")] == "2001-2010"));
    let turns = parse_csv(&read(&out.join("unvote_turns.csv")));
    assert!(
        turns
            .rows
            .iter()
            .any(|r| r[turns.col("state")] == "UZB" && r[turns.col("year")] == "2004"),
        "Uzbekistan's 2004 turn is among the turns"
    );
    let report = read(&out.join("report.html"));
    assert!(report.contains("id=\"unvote\""));
    // The chart of measured and predicted agreement, one panel per state, in the report and as
    // a file.
    assert!(report.contains("<figure id=\"chart-unvote\">"));
    let svg = read(&out.join("unvote.svg"));
    for state in ["KAZ", "KGZ", "TJK", "UZB", "TKM"] {
        assert!(svg.contains(&format!(">\n{state}\n<")), "{state} panel");
    }
    // What docs/calibration.md says of the model as it stands: pooled change correlations
    // below 0.3 in absolute value, and no turn in the votes reproduced.
    for r in csv.rows.iter().filter(|r| r[csv.col("state")] == "ALL") {
        let corr: f64 = r[csv.col("change_corr")].parse().unwrap();
        assert!(
            corr.abs() < 0.3,
            "pooled change correlation {corr} ({:?})",
            r
        );
    }
    assert!(
        turns
            .rows
            .iter()
            .all(|r| r[turns.col("reproduced")] == "false"),
        "docs/calibration.md says no turn is reproduced: update it"
    );
}

/// A broken data file is bad input: exit 2, the file's line and column named, nothing written.
#[test]
fn broken_vote_data_is_an_input_error_before_anything_is_written() {
    let dir = tempdir();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "year,iso3,agree_us,agree_ru,agree_cn,nvotes\n2003,KAZ,0.1,abc,0.8,70\n",
    )
    .unwrap();
    let out = dir.path().join("v");
    let bad = bad.display().to_string();
    validate_replay(dir.path(), &out, &["--runs", "2", "--data", &bad])
        .expect_code(2)
        .stderr_has("line 2")
        .no_panic();
    assert!(!out.exists(), "nothing written");
    // Well-formed data about no state of the scenario: nothing to fit, still nothing written.
    let other = dir.path().join("other.csv");
    let mut text = String::from("year,iso3,agree_us,agree_ru,agree_cn,nvotes\n");
    for year in 2001..=2015 {
        text.push_str(&format!("{year},ZZZ,0.1,0.7,0.8,70\n"));
    }
    std::fs::write(&other, text).unwrap();
    let other = other.display().to_string();
    validate_replay(dir.path(), &out, &["--runs", "2", "--data", &other])
        .expect_code(2)
        .stderr_has("--data")
        .no_panic();
    assert!(!out.exists(), "nothing written when the fit cannot be made");
    run_in(
        dir.path(),
        [
            "validate",
            &sco2001().display().to_string(),
            "--data",
            "nope.csv",
        ],
    )
    .expect_code(2)
    .stderr_has("--data nope.csv");
}

/// `--ablations` runs the scorecard with each channel off. The thesis's own test: with the
/// soft-balancing channels off, the partnership no longer strengthens after the 2014 sanctions
/// (docs/calibration.md, "Ablations", says so); without conditional credit, Kyrgyzstan no longer
/// orders Manas closed in 2009.
#[test]
fn switching_off_soft_balancing_breaks_a_line_of_the_scorecard() {
    let dir = tempdir();
    let out = dir.path().join("v");
    validate_replay(dir.path(), &out, &["--runs", "30", "--ablations"])
        .expect_code(0)
        .stdout_has("Ablations");
    let csv = parse_csv(&read(&out.join("ablations.csv")));
    assert_eq!(csv.rows.len(), 14 * 32);
    let result = |channel: &str, outcome: &str| {
        csv.rows
            .iter()
            .find(|r| {
                r[csv.col("channel")] == channel
                    && r[csv.col("outcome")] == outcome
                    && r[csv.col("without")].is_empty()
            })
            .map(|r| r[csv.col("result")].clone())
            .unwrap()
    };
    assert_eq!(
        result("soft_balancing", "partnership_up_after_2014"),
        "FAIL"
    );
    assert_eq!(result("conditional_credit", "manas_ordered_2009"), "FAIL");
    assert_eq!(result("conditional_credit", "manas_reversal_2009"), "FAIL");
    // Russia's security lead in its allies rests on the alliance, which China does not have.
    assert_eq!(result("alliance", "russia_security_lead"), "FAIL");
    assert_eq!(result("domination", "china_not_dominant"), "FAIL");
    // The drift toward China rests on money, not on China's faster trade growth.
    assert_eq!(result("money", "drift_to_china"), "FAIL");
    assert_eq!(result("trade_growth", "drift_to_china"), "pass");
    // The SCO's pull, its pressure on bases and its norms alone break no line of the record.
    // (The two known failures aside: without SCO pressure, Kyrgyzstan no longer orders Manas
    // closed in 2005, so that known failure passes. Counterfactual lines aside: without the
    // norms, the counterfactual of the US decline fails, docs/calibration.md.)
    let known = ["manas_ordered_early", "cagp_signed"];
    for channel in ["sco_membership", "sco_pressure", "sco_norms"] {
        assert!(
            csv.rows
                .iter()
                .filter(|r| r[csv.col("channel")] == channel)
                .filter(|r| r[csv.col("without")].is_empty())
                .filter(|r| !known.contains(&r[csv.col("outcome")].as_str()))
                .all(|r| r[csv.col("result")] == "pass"),
            "{channel}"
        );
    }
    assert_eq!(result("sco_pressure", "manas_ordered_early"), "pass");
}

/// Regression: validation.csv wrote `fact` unquoted and the label quoted with its `"` rewritten
/// as `'`; a fact with a comma, a quote or a newline broke the table. Every text cell now follows
/// RFC 4180 and reads back as written.
#[test]
fn validation_csv_quotes_every_text_cell_as_rfc_4180() {
    let dir = tempdir();
    let text = read(&sco2001());
    // Line breaks in free text print as spaces (`Scenario::make_text_printable`); commas and
    // quotes stay and are quoted.
    let fact = "1, \"the\" fact second line";
    let label = "US influence \"rises\", then  falls";
    let edited = text.replacen(
        "fact = \"1\"",
        "fact = \"1, \\\"the\\\" fact\\nsecond line\"",
        1,
    );
    // The first outcome's label, whatever it says.
    let first_label = edited
        .lines()
        .find(|l| l.starts_with("label = \""))
        .expect("an outcome label")
        .to_string();
    let edited = edited.replacen(
        &first_label,
        "label = \"US influence \\\"rises\\\", then\\r\\nfalls\"",
        1,
    );
    assert_eq!(edited.matches("second line").count(), 1);
    assert_eq!(edited.matches("then\\r\\nfalls").count(), 1);
    let csv = validate_text(dir.path(), "quoted", &edited, "4");
    let checks = text.lines().filter(|l| *l == "[[checks]]").count();
    assert_eq!(csv.rows.len(), checks);
    assert!(csv.rows.iter().any(|r| r[csv.col("fact")] == fact));
    // parse_csv drops carriage returns outside quotes only: inside a quoted cell it keeps them.
    assert!(
        csv.rows.iter().any(|r| r[csv.col("label")] == label),
        "{:?}",
        csv.rows
            .iter()
            .map(|r| &r[csv.col("label")])
            .collect::<Vec<_>>()
    );
}

/// A counterfactual check's `set` changes parameters on top of its removed events: the replay's
/// line "without the three causes of the US decline" fails to see the decline far more often
/// with money worth nothing than with the events removed alone (which leave money's growth to
/// carry the decline), and the line names the change.
#[test]
fn a_counterfactual_check_changes_parameters_on_top_of_its_removals() {
    let dir = tempdir();
    let text = read(&sco2001());
    let setting = "set = \"decision.money_weight=0\"";
    assert!(
        text.contains(setting),
        "the replay's US-decline counterfactual changed"
    );
    let share = |scenario: &str, name: &str| {
        let csv = validate_text(dir.path(), name, scenario, "10");
        let row = csv
            .rows
            .iter()
            .find(|r| {
                r[csv.col("fact")] == "counterfactual"
                    && r[csv.col("outcome")] == "us_influence_declines"
            })
            .expect("the counterfactual line")
            .clone();
        (
            row[csv.col("share")].parse::<f64>().unwrap(),
            row[csv.col("without")].clone(),
        )
    };
    let (with_set, named) = share(&text, "with_set");
    let (events_only, plain) = share(&text.replacen(setting, "", 1), "events_only");
    assert!(
        named.ends_with("regime_change_2010; with decision.money_weight=0"),
        "{named}"
    );
    assert!(plain.ends_with("regime_change_2010"), "{plain}");
    assert!(
        with_set >= events_only + 0.5,
        "with money worth nothing {with_set}, events removed alone {events_only}"
    );
}

/// The replay's one check `set` (on its undated US-decline counterfactual) and its line number.
const SETTING: &str = "set = \"decision.money_weight=0\"";

fn setting_line(text: &str) -> usize {
    text.lines()
        .position(|l| l.starts_with(SETTING))
        .expect("the replay's check setting")
        + 1
}

/// A check's `set` is read like `--set`: a known key, a value in its range, each key once, and
/// only with `without`; anything else is an error located at the `set` line (exit 2).
#[test]
fn a_bad_check_setting_is_located() {
    let dir = tempdir();
    let text = read(&sco2001());
    let setting = SETTING;
    let line = setting_line(&text);
    let cases = [
        ("set = \"decision.no_such_weight=0\"", "cannot set"),
        (
            "set = \"decision.money_weight=-5\"",
            "outside the valid range",
        ),
        ("set = \"decision.money_weight\"", "is not a change"),
        ("set = []", "names no change"),
        (
            "set = [\"decision.money_weight=0\", \"decision.money_weight=1\"]",
            "set twice",
        ),
        // A key of an event the same check removes: it would be set on nothing (this said
        // "unknown key", as if the event did not exist).
        (
            "set = \"events.andijan_criticism.intensity=0.5\"",
            "changes event `andijan_criticism`, which this line removes (`without`)",
        ),
    ];
    for (k, (bad, message)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("bad{k}.toml"));
        std::fs::write(&path, text.replacen(setting, bad, 1)).unwrap();
        let o = run_in(dir.path(), ["check", &path.display().to_string()]);
        o.expect_code(2)
            .no_panic()
            .stderr_has(&format!("{}:{line}:7: ", path.display()))
            .stderr_has(message)
            .stderr_has("help:");
    }
    // `set` alone, without events removed: pointed at, with what to use instead.
    let start = text.find(setting).unwrap();
    let check_start = text[..start].rfind("[[checks]]").unwrap();
    let without_line = text[check_start..start]
        .lines()
        .find(|l| l.starts_with("without = "))
        .unwrap();
    let path = dir.path().join("alone.toml");
    std::fs::write(&path, text.replacen(without_line, "", 1)).unwrap();
    let o = run_in(dir.path(), ["check", &path.display().to_string()]);
    o.expect_code(2)
        .no_panic()
        .stderr_has("`set` without `without`")
        .stderr_has("--ablations");
}

/// A check's `source` is the source of its historical date: on a check without a date it would
/// be shown nowhere, so it is refused, located (exit 2).
#[test]
fn a_source_without_a_date_is_refused() {
    let dir = tempdir();
    let text = read(&sco2001());
    let setting = SETTING;
    // The line after it.
    let line = setting_line(&text) + 1;
    let path = dir.path().join("sourced.toml");
    std::fs::write(
        &path,
        text.replacen(setting, &format!("{setting}\nsource = \"a book\""), 1),
    )
    .unwrap();
    let o = run_in(dir.path(), ["check", &path.display().to_string()]);
    o.expect_code(2)
        .no_panic()
        .stderr_has(&format!("{}:{line}:10: ", path.display()))
        .stderr_has("has no `date`");
}

/// A dated check that expects its outcome to fail is a counterfactual's: without `without`, the
/// scenario is refused at the date, with what to do instead (exit 2).
#[test]
fn a_dated_check_expected_to_fail_needs_a_counterfactual() {
    let dir = tempdir();
    let text = read(&sco2001());
    let check = "outcome = \"pos_signed\"\nexpect = \"fails\"\nwithout = \"sanctions_2014\"\n";
    assert!(
        text.contains(check),
        "the replay's dated counterfactual changed"
    );
    let path = dir.path().join("undated.toml");
    std::fs::write(
        &path,
        text.replacen(check, "outcome = \"pos_signed\"\nexpect = \"fails\"\n", 1),
    )
    .unwrap();
    run_in(dir.path(), ["check", &path.display().to_string()])
        .expect_code(2)
        .no_panic()
        .stderr_has("has a date to score only in a counterfactual")
        .stderr_has("add `without`");
}

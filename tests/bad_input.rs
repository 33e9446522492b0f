//! Broken scenarios: every file in `tests/scenarios/bad/` is `tests/scenarios/base.toml` with
//! exactly one defect. Both `simulate check FILE` and `simulate FILE --out DIR` must reject it
//! with exit code 2, point at the defect (`FILE:LINE:COL`, the source line and a caret under the
//! column), suggest a fix (`help:`), never panic, and write nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::{Outcome, fixture, manifest_dir, read, run_in, tempdir, us_influence_check};

/// Checks the located error in `out` for `path`: the `path:line:col: ` header, the echoed source
/// line, a caret under the column, and a `help:` line.
fn assert_located(out: &Outcome, path: &Path, line: usize, col: usize, message: &str) {
    out.expect_code(2).no_panic();
    let at = format!("{}:{line}:{col}: ", path.display());
    out.stderr_has(&at).stderr_has(message).stderr_has("help:");

    // The source line is echoed as `LINE | text` and the caret line below it puts `^` under
    // the column (columns count characters).
    let lines: Vec<&str> = out.stderr.lines().collect();
    let prefix = format!("{line} | ");
    let k = lines
        .iter()
        .position(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no source line {prefix:?} in stderr:\n{}", out.stderr));
    let source_line = &lines[k][prefix.len()..];
    let expected_text = std::fs::read_to_string(path)
        .expect("read fixture")
        .lines()
        .nth(line - 1)
        .unwrap_or("")
        .trim_end_matches('\r')
        .to_string();
    assert_eq!(source_line, expected_text, "echoed source line");
    let caret_line = lines
        .get(k + 1)
        .expect("a caret line after the source line");
    let caret = caret_line
        .chars()
        .position(|c| c == '^')
        .unwrap_or_else(|| panic!("no caret in {caret_line:?}"));
    assert_eq!(
        caret,
        prefix.chars().count() + col - 1,
        "caret under column {col}:\n{}",
        out.stderr
    );
}

/// Runs both `check` and a full run on `rel` (under tests/scenarios/) and checks the error.
fn rejects(rel: &str, line: usize, col: usize, message: &str) {
    let path = fixture(rel);
    assert!(path.is_file(), "missing fixture {}", path.display());
    let tmp = tempdir();

    let out = run_in(tmp.path(), [Path::new("check"), &path]);
    assert_located(&out, &path, line, col, message);
    assert!(
        out.stdout.is_empty(),
        "check printed to stdout: {}",
        out.stdout
    );

    let dir = tmp.path().join("out");
    let out = run_in(
        tmp.path(),
        [path.as_os_str(), "--out".as_ref(), dir.as_os_str()],
    );
    assert_located(&out, &path, line, col, message);
    assert!(
        !dir.exists(),
        "{} was created for an invalid scenario",
        dir.display()
    );
    // Nor anything else (such as the default out/<name>/) in the working directory.
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "the run wrote something into its working directory"
    );
}

/// One test per broken fixture: file, line and column of the defect, and a word of the message.
macro_rules! bad {
    ($($name:ident: $file:literal at $line:literal : $col:literal, $msg:literal;)*) => {
        $(
            #[test]
            fn $name() {
                rejects(concat!("bad/", $file), $line, $col, $msg);
            }
        )*
    };
}

bad! {
    toml_syntax_error: "syntax_error.toml" at 34:8, "string values must be quoted";
    unknown_key_in_scenario: "unknown_key_scenario.toml" at 8:1, "unknown field `sed`";
    unknown_key_in_actor: "unknown_key_actor.toml" at 37:1, "unknown field `threats`";
    unknown_key_in_event: "unknown_key_event.toml" at 109:1, "unknown field `severty`";
    unknown_top_level_table: "unknown_table.toml" at 11:3, "unknown field `actor`";
    unknown_actor_in_tie: "unknown_actor_in_tie.toml" at 50:9, "unknown actor `KGY`";
    unknown_actor_in_event: "unknown_actor_in_event.toml" at 108:9, "unknown actor `UZB`";
    duplicate_actor_id: "duplicate_actor_id.toml" at 42:6, "duplicate actor id `KGZ`";
    duplicate_base_id: "duplicate_base_id.toml" at 71:6, "duplicate base id `manas`";
    alignment_shares_not_summing_to_one: "shares_not_summing_to_one.toml" at 39:13, "sum to 1.1";
    negative_trade: "negative_trade.toml" at 52:12, "trade_bn is -1";
    negative_rent: "negative_rent.toml" at 95:13, "rent_musd is -5";
    share_above_one: "share_above_one.toml" at 39:21, "share toward USA is 1.2";
    date_outside_scenario: "date_outside_scenario.toml" at 106:8, "outside the scenario";
    malformed_date: "malformed_date.toml" at 99:8, "`2010-13` is not a date";
    date_with_sign: "date_with_sign.toml" at 99:8, "`2010-+1` is not a date";
    unknown_base_in_event: "unknown_base_in_event.toml" at 94:8, "no base with id `kant`";
    unknown_loan_in_debt_relief: "unknown_loan_in_debt_relief.toml" at 101:8, "no loan with id `exim_rail`";
    unknown_event_kind: "unknown_event_kind.toml" at 107:8, "unknown event kind `earthquake`";
    key_not_for_event_kind: "key_not_for_kind.toml" at 103:12, "key `borrower` does not apply to a `debt_relief` event";
    missing_event_key: "missing_required_key.toml" at 107:8, "missing `severity`";
    missing_actor_key: "missing_actor_key.toml" at 32:1, "missing field `gdp_bn`";
    wrong_value_type: "wrong_type.toml" at 36:10, "invalid type";
    unknown_parameter: "unknown_parameter.toml" at 78:13, "unknown parameter `decision.noise_sdd`";
    parameter_out_of_range: "parameter_out_of_range.toml" at 78:12, "decision.noise_sd is 0.9";
    unknown_lens: "unknown_lens.toml" at 9:8, "unknown lens `realism`";
    empty_file: "empty.toml" at 1:1, "missing field `scenario`";
    budget_without_strategic_decision: "budget_without_strategic.toml" at 24:10, "a `budget` needs `decision = \"strategic\"`";
    unknown_patron_decision: "unknown_decision.toml" at 24:12, "unknown decision `clever`";
}

#[test]
fn valid_base_fixture_passes_check() {
    let path = fixture("base.toml");
    let tmp = tempdir();
    let out = run_in(tmp.path(), [Path::new("check"), &path]);
    out.expect_code(0).no_panic().stdout_has(": ok");
    assert!(out.stderr.is_empty(), "stderr: {}", out.stderr);
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "check wrote files"
    );
}

#[test]
fn valid_base_fixture_runs() {
    let path = fixture("base.toml");
    let tmp = tempdir();
    let dir = tmp.path().join("results");
    let out = run_in(
        tmp.path(),
        [path.as_os_str(), "--out".as_ref(), dir.as_os_str()],
    );
    out.expect_code(0).no_panic();
    for f in common::OUTPUT_FILES {
        assert!(dir.join(f).is_file(), "{f} not written");
    }
}

/// Regression: money worth nothing to the states (`decision.money_weight = 0`, the low end of
/// its documented range, and the `money` ablation channel) made the rent a user needs to keep
/// Manas a division by zero, and the replay stopped with "a value of a log entry ... = inf".
/// With no worth in money, no rent can keep a base: the user makes no counter-offer, and the
/// log says why (in the replay, Kyrgyzstan orders Manas closed in 2009 in some runs).
#[test]
fn money_worth_nothing_runs_without_an_infinite_rent() {
    let tmp = tempdir();
    let dir = tmp.path().join("results");
    for scenario in ["sco2001.toml", "sco2001_strategic.toml"] {
        let path = manifest_dir().join("scenarios").join(scenario);
        let out = run_in(
            tmp.path(),
            [
                path.as_os_str(),
                "--set".as_ref(),
                "decision.money_weight=0".as_ref(),
                "--runs".as_ref(),
                "3".as_ref(),
                "--format".as_ref(),
                "csv".as_ref(),
                "--plot".as_ref(),
                "none".as_ref(),
                "--out".as_ref(),
                dir.as_os_str(),
            ],
        );
        out.expect_code(0).no_panic();
        let events = read(&dir.join("events.csv"));
        assert!(
            !events.contains("inf") && !events.contains("NaN"),
            "{scenario}"
        );
        let closures = events.matches("orders ").count();
        let reasons = events.matches("makes no counter-offer for").count();
        assert!(
            closures == 0 || reasons > 0,
            "{scenario}: {closures} closure orders and no word on the missing counter-offer"
        );
    }
}

/// Every fixture in bad/ is covered by a test above, and each is the base file with one small
/// edit (apart from its first comment line), so that a test fails for the reason it names.
#[test]
fn every_bad_fixture_is_the_base_with_one_defect() {
    const COVERED: &[&str] = &[
        "syntax_error",
        "unknown_key_scenario",
        "unknown_key_actor",
        "unknown_key_event",
        "unknown_table",
        "unknown_actor_in_tie",
        "unknown_actor_in_event",
        "duplicate_actor_id",
        "duplicate_base_id",
        "shares_not_summing_to_one",
        "negative_trade",
        "negative_rent",
        "share_above_one",
        "date_outside_scenario",
        "malformed_date",
        "date_with_sign",
        "unknown_base_in_event",
        "unknown_loan_in_debt_relief",
        "unknown_event_kind",
        "key_not_for_kind",
        "missing_required_key",
        "missing_actor_key",
        "wrong_type",
        "unknown_parameter",
        "parameter_out_of_range",
        "unknown_lens",
        "empty",
        "budget_without_strategic",
        "unknown_decision",
    ];
    let base = common::read(&fixture("base.toml"));
    let base: Vec<&str> = base.lines().skip(1).collect();
    let mut found = Vec::new();
    for entry in std::fs::read_dir(fixture("bad")).expect("tests/scenarios/bad") {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        assert!(
            COVERED.contains(&stem.as_str()),
            "fixture {stem}.toml has no test"
        );
        found.push(stem.clone());
        if stem == "empty" {
            assert!(common::read(&path).is_empty(), "empty.toml is not empty");
            continue;
        }
        let text = common::read(&path);
        let lines: Vec<&str> = text.lines().skip(1).collect();
        let prefix = base.iter().zip(&lines).take_while(|(a, b)| a == b).count();
        let suffix = base[prefix..]
            .iter()
            .rev()
            .zip(lines[prefix..].iter().rev())
            .take_while(|(a, b)| a == b)
            .count();
        let removed = base.len() - prefix - suffix;
        let added = lines.len() - prefix - suffix;
        assert!(
            removed <= 1 && added <= 7 && removed + added > 0,
            "{stem}.toml is not the base with one small edit ({removed} lines removed, {added} added)"
        );
    }
    for c in COVERED {
        assert!(found.iter().any(|f| f == c), "fixture {c}.toml is missing");
    }
}

/// Line and column do not depend on the file's line endings.
#[test]
fn crlf_line_endings_give_the_same_location() {
    let tmp = tempdir();
    let text = common::read(&fixture("bad/negative_trade.toml")).replace('\n', "\r\n");
    let path = tmp.path().join("negative_trade_crlf.toml");
    std::fs::write(&path, text).unwrap();
    let out = run_in(tmp.path(), [Path::new("check"), &path]);
    assert_located(&out, &path, 52, 12, "trade_bn is -1");
}

/// Columns count characters, not bytes: a multi-byte character before the defect on the same
/// line does not shift the column.
#[test]
fn column_counts_characters() {
    let tmp = tempdir();
    let base = common::read(&fixture("base.toml"));
    let text = base.replace(
        "alignment = { USA = 0.3, RUS = 0.5, CHN = 0.2 }",
        "alignment = { \"CHN\" = 0.2, \"RUS\" = 0.5, \"USA\" = 0.3 }; # \u{e9}",
    );
    assert_ne!(text, base);
    // The syntax error (`;`) comes after the table; put a multi-byte character before it.
    let text = text.replace("{ \"CHN\"", "{ \"CH\u{d1}\"");
    let path = tmp.path().join("utf8.toml");
    std::fs::write(&path, &text).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains('\u{d1}'))
        .expect("edited line")
        + 1;
    let source_line = text.lines().nth(line - 1).unwrap();
    let col = source_line.chars().position(|c| c == ';').unwrap() + 1;
    let out = run_in(tmp.path(), [Path::new("check"), &path]);
    assert_located(&out, &path, line, col, "");
}

#[test]
fn missing_file_is_a_usage_error() {
    let tmp = tempdir();
    let path = tmp.path().join("no_such_scenario.toml");
    let out = run_in(tmp.path(), [Path::new("check"), &path]);
    out.expect_code(2)
        .no_panic()
        .stderr_has(&path.display().to_string())
        .stderr_has("help:")
        .stderr_has("or the name of a built-in one: ");
    // A slip in a built-in scenario's name gets the name.
    run_in(tmp.path(), ["check", "sco201"])
        .expect_code(2)
        .stderr_has("did you mean `sco2001`?");
}

// ---------------------------------------------------------------------------------------------
// Hostile input (issue 13): each test below failed on the code before the fix it names.

/// `tests/scenarios/base.toml` with the first `from` replaced by `to`, written to `dir`.
fn base_with(dir: &Path, name: &str, from: &str, to: &str) -> std::path::PathBuf {
    let base = common::read(&fixture("base.toml"));
    assert!(base.contains(from), "base.toml has no {from:?}");
    let path = dir.join(name);
    std::fs::write(&path, base.replacen(from, to, 1)).unwrap();
    path
}

/// `simulate check FILE` and `simulate FILE --out DIR` both exit 2 with `message`, and write
/// nothing.
fn both_reject(dir: &Path, path: &Path, message: &str) -> Outcome {
    let out = run_in(dir, [Path::new("check"), path]);
    out.expect_code(2).no_panic().stderr_has(message);
    let target = dir.join("never");
    let run = run_in(
        dir,
        [path.as_os_str(), "--out".as_ref(), target.as_os_str()],
    );
    run.expect_code(2).no_panic().stderr_has(message);
    assert!(!target.exists(), "output written for a bad scenario");
    out
}

/// TOML slips a student makes get a fix they can act on: a parameter straight under
/// `[params]`, a decimal comma, an unquoted date.
#[test]
fn toml_slips_get_a_fix_that_works() {
    let dir = common::tempdir();
    let base = common::read(&fixture("base.toml"));
    let params = dir.path().join("params.toml");
    std::fs::write(&params, format!("{base}\n[params]\nmoney_weight = 12\n")).unwrap();
    both_reject(dir.path(), &params, "write [params.decision]");
    let comma = base_with(dir.path(), "comma.toml", "gdp_bn = 4.7", "gdp_bn = 4,7");
    both_reject(dir.path(), &comma, "write decimals with a dot");
    let start = base.lines().find(|l| l.starts_with("start = ")).unwrap();
    let date = base_with(dir.path(), "date.toml", start, &start.replace('"', ""));
    both_reject(dir.path(), &date, "write dates as quoted text");
    // A key set twice: the key named, and the line that set it first.
    let seed = base.lines().position(|l| l.starts_with("seed = ")).unwrap() + 1;
    let twice = base_with(dir.path(), "twice.toml", "\nseed = ", "\nseed = 7\nseed = ");
    both_reject(dir.path(), &twice, "duplicate key `seed`").stderr_has(&format!(
        "already set on line {seed} of this table: keep one of lines {seed} and {}",
        seed + 1
    ));
}

/// A loan from a state would change nothing (the model counts debts to patrons only): refused.
/// A parameter table misspelt gets the key it was most likely meant to be.
#[test]
fn a_loan_from_a_state_and_a_misspelt_parameter_table_are_named() {
    let dir = common::tempdir();
    let from_state = base_with(
        dir.path(),
        "from_state.toml",
        "lender = \"CHN\"\nborrower = \"KGZ\"",
        "lender = \"KAZ\"\nborrower = \"KGZ\"",
    );
    both_reject(dir.path(), &from_state, "`KAZ` is not a patron");
    let offer_from_state = base_with(
        dir.path(),
        "offer_from_state.toml",
        "lender = \"RUS\"\nborrower = \"KGZ\"",
        "lender = \"KAZ\"\nborrower = \"KGZ\"",
    );
    both_reject(dir.path(), &offer_from_state, "`KAZ` is not a patron");
    let typo = base_with(
        dir.path(),
        "typo.toml",
        "[params.decision]",
        "[params.decison]",
    );
    both_reject(dir.path(), &typo, "there is no `[params.decison]`")
        .stderr_has("did you mean `decision.decision_noise_sd`?");
}

/// A table header given twice is named with the line of the first; a scenario name too long
/// for a folder is refused where it is written.
#[test]
fn a_table_given_twice_and_a_name_too_long_are_named() {
    let dir = common::tempdir();
    let base = common::read(&fixture("base.toml"));
    let twice = dir.path().join("twice.toml");
    std::fs::write(&twice, format!("{base}\n[scenario]\nseed = 3\n")).unwrap();
    let first = base.lines().position(|l| l.trim() == "[scenario]").unwrap() + 1;
    both_reject(dir.path(), &twice, "table `[scenario]` appears twice")
        .stderr_has(&format!("into the one on line {first}"));
    let name = base.lines().find(|l| l.starts_with("name = ")).unwrap();
    let long = base_with(
        dir.path(),
        "long.toml",
        name,
        &format!("name = \"{}\"", "a".repeat(300)),
    );
    both_reject(dir.path(), &long, "scenario name is 300 characters long");
}

/// A security lead of a patron over itself can never hold: refused where it is written.
#[test]
fn a_security_lead_over_itself_is_refused() {
    let dir = common::tempdir();
    let base = common::read(&fixture("base.toml"));
    let path = dir.path().join("self_lead.toml");
    std::fs::write(
        &path,
        format!("{base}\n[[outcomes]]\nid = \"lead\"\nkind = \"security_lead\"\npatron = \"RUS\"\nover = \"RUS\"\n"),
    )
    .unwrap();
    both_reject(dir.path(), &path, "a patron never leads itself");
}

/// A whole number longer than 64 bits is named as too large, not by the reader's type names.
#[test]
fn a_whole_number_past_64_bits_is_named_too_large() {
    let dir = common::tempdir();
    let base = common::read(&fixture("base.toml"));
    let seed = base.lines().find(|l| l.starts_with("seed = ")).unwrap();
    for big in [
        "99999999999999999999",
        "12345678901234567890",
        "123456789012345678901234",
    ] {
        let path = base_with(dir.path(), "big.toml", seed, &format!("seed = {big}"));
        let out = both_reject(dir.path(), &path, "is too large");
        out.stderr_has("write a smaller number");
        assert!(!out.stderr.contains("i128"), "{}", out.stderr);
    }
}

/// Regression: an error past column 65,535 panicked in the error's display (the caret was
/// padded with a formatting width, which is a u16).
#[test]
fn an_error_past_column_65535_is_located_without_a_panic() {
    let tmp = tempdir();
    // One neighbour, then blanks enough to put the unknown id past column 65,535 (a neighbour
    // listed twice is an error of its own, found first).
    let list = format!("\"KAZ\",{}\"NOPE\"", " ".repeat(66_000));
    let path = base_with(
        tmp.path(),
        "wide.toml",
        "sco = \"member\"\nalignment = { USA = 0.3",
        &format!("sco = \"member\"\nneighbours = [{list}]\nalignment = {{ USA = 0.3"),
    );
    let out = both_reject(tmp.path(), &path, "unknown actor `NOPE`");
    let col = "neighbours = [".len() + list.len() - "\"NOPE\"".len() + 1;
    assert!(col > 65_535);
    out.stderr_has(&format!(":{col}: unknown actor"));
    // The echoed line is cut to a window around the column, with the caret under the id.
    let lines: Vec<&str> = out.stderr.lines().collect();
    let k = lines
        .iter()
        .position(|l| l.contains("| …"))
        .expect("a cut line");
    assert!(lines[k].chars().count() < 200, "{}", lines[k]);
    let caret = lines[k + 1].chars().position(|c| c == '^').unwrap();
    let under: String = lines[k].chars().skip(caret).take(5).collect();
    assert_eq!(under, "\"NOPE");
}

/// Regression: ids were any text, so an id with `,`, `"`, a newline or `<` broke CSVs and the
/// report, two ids could name the same chart file, and invisible characters were accepted.
#[test]
fn ids_outside_the_documented_character_set_are_rejected() {
    let tmp = tempdir();
    let cases = [
        ("comma", "id = \"KGZ\"", "id = \"K,Z\"", "contains `,`"),
        ("quote", "id = \"KGZ\"", "id = \"K\\\"Z\"", "contains `\"`"),
        ("newline", "id = \"KGZ\"", "id = \"K\\nZ\"", "U+000A"),
        (
            "script",
            "id = \"USA\"",
            "id = \"<script>alert(1)</script>\"",
            "contains `<`",
        ),
        ("dot", "id = \"KGZ\"", "id = \"K.Z\"", "contains `.`"),
        ("slash", "id = \"KGZ\"", "id = \"K/Z\"", "contains `/`"),
        (
            "zero_width",
            "id = \"KAZ\"",
            "id = \"KA\u{200b}Z\"",
            "U+200B",
        ),
        ("control", "id = \"KAZ\"", "id = \"KA\\u0007Z\"", "U+0007"),
        ("space", "id = \"manas\"", "id = \"man as\"", "contains ` `"),
        (
            "case",
            "id = \"KAZ\"",
            "id = \"kgz\"",
            "differs from `KGZ` only in case",
        ),
        (
            "long",
            "id = \"exim_road\"",
            "id = \"a_loan_id_that_goes_on_and_on_past_forty_chars\"",
            "more than the limit of 40",
        ),
    ];
    for (name, from, to, message) in cases {
        let path = base_with(tmp.path(), &format!("{name}.toml"), from, to);
        both_reject(tmp.path(), &path, message);
    }
}

/// Regression: amounts near 1e308 passed the "at least 0" check, and runs wrote NaN shares,
/// `null` in summary.json and `inf` in events.csv with exit 0.
#[test]
fn numbers_beyond_the_documented_limit_are_rejected() {
    let tmp = tempdir();
    for (name, from, to, message) in [
        ("gdp", "gdp_bn = 4.7", "gdp_bn = 1e308", "gdp_bn is 1e308"),
        (
            "amount",
            "amount_bn = 2.0",
            "amount_bn = 1.7e308",
            "amount_bn is 1.7e308",
        ),
        (
            "rent",
            "rent_musd = 60.0",
            "rent_musd = 2e7",
            "expected a number from 0 to 1e7",
        ),
        (
            "inf",
            "worth_musd = 150.0",
            "worth_musd = inf",
            "worth_musd is inf",
        ),
        ("nan", "trade_bn = 4.0", "trade_bn = nan", "trade_bn is NaN"),
    ] {
        let path = base_with(tmp.path(), &format!("{name}.toml"), from, to);
        both_reject(tmp.path(), &path, message);
    }
    // The same limit holds for values given on the command line.
    let out = run_in(
        tmp.path(),
        [
            fixture("base.toml").as_os_str(),
            "--set".as_ref(),
            "events.rus_credit.amount_bn=1e300".as_ref(),
            "--out".as_ref(),
            tmp.path().join("never").as_os_str(),
        ],
    );
    out.expect_code(2).no_panic().stderr_has("--set");
    assert!(!tmp.path().join("never").exists());
}

/// Regression: a scenario shorter than one period ran with no step.
#[test]
fn a_scenario_without_a_step_is_rejected() {
    let tmp = tempdir();
    let base = common::read(&fixture("base.toml"))
        .replacen("end = \"2011-01\"", "end = \"2009-06\"", 1)
        .replacen("period = \"month\"", "period = \"year\"", 1);
    let path = tmp.path().join("no_step.toml");
    std::fs::write(&path, base).unwrap();
    both_reject(
        tmp.path(),
        &path,
        "shorter than one year: the scenario has no step",
    )
    .stderr_has(&format!("{}:6:7: ", path.display()));
}

/// Regression: a TOML date literal was reported as "invalid type: map".
#[test]
fn a_toml_date_literal_is_named_as_such() {
    let tmp = tempdir();
    let path = base_with(
        tmp.path(),
        "date.toml",
        "start = \"2009-01\"",
        "start = 2009-01-01",
    );
    both_reject(tmp.path(), &path, "`2009-01-01` is a TOML date literal")
        .stderr_has(&format!("{}:5:9: ", path.display()))
        .stderr_has("\"YYYY-MM\"");
}

/// Regression: a file that is not UTF-8 got "cannot read scenario ...: check the path".
#[test]
fn a_file_that_is_not_utf8_is_located() {
    let tmp = tempdir();
    let mut bytes = common::read(&fixture("base.toml")).into_bytes();
    let at = bytes.windows(5).position(|w| w == b"KGZ\"\n").unwrap();
    bytes[at + 1] = 0xff;
    let path = tmp.path().join("latin1.toml");
    std::fs::write(&path, bytes).unwrap();
    both_reject(tmp.path(), &path, "not UTF-8").stderr_has(&format!("{}:33:", path.display()));
}

/// Regression: the whole file was read whatever its size (`/dev/zero` until memory ran out).
/// A file one byte over the limit is refused with the limit in the message.
#[test]
fn a_file_over_the_size_limit_is_refused() {
    let tmp = tempdir();
    let path = tmp.path().join("huge.toml");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(soft_balancing::scenario::load::MAX_SCENARIO_BYTES + 1)
        .unwrap();
    both_reject(tmp.path(), &path, "larger than the limit of 16 MiB");
}

/// Regression (unix): `/dev/zero` is refused after the limit, not read until memory runs out.
#[cfg(unix)]
#[test]
fn an_endless_file_is_refused() {
    let tmp = tempdir();
    let out = run_in(tmp.path(), ["check", "/dev/zero"]);
    out.expect_code(2)
        .no_panic()
        .stderr_has("larger than the limit");
}

/// Regression (unix): the other files a command reads (measured votes, a landscape's tables)
/// were read whole: `--data /dev/zero` ran until the kernel killed the process. They are
/// refused after their limit, before anything runs or is written.
#[cfg(unix)]
#[test]
fn an_endless_data_file_is_refused() {
    let tmp = tempdir();
    let sco2001 = common::manifest_dir().join("scenarios/sco2001.toml");
    let sco2001 = sco2001.to_str().unwrap();
    for args in [
        vec!["validate", sco2001, "--data", "/dev/zero", "--out", "v"],
        vec!["calibrate", sco2001, "--data", "/dev/zero", "--out", "c"],
        vec![
            "landscape",
            "--actors",
            "/dev/zero",
            "--propensity",
            "/dev/zero",
        ],
    ] {
        run_in(tmp.path(), &args)
            .expect_code(2)
            .no_panic()
            .stderr_has("larger than the limit of 256 MiB");
    }
    assert!(!tmp.path().join("v").exists() && !tmp.path().join("c").exists());
}

/// A scenario too large to run (steps or actors past the documented limits) is refused at
/// load, naming the limit, not aborted by the allocator.
#[test]
fn scenarios_past_the_size_limits_are_refused() {
    let tmp = tempdir();
    let path = base_with(
        tmp.path(),
        "long.toml",
        "start = \"2009-01\"",
        "start = \"1009-01\"",
    );
    both_reject(tmp.path(), &path, "more than the limit of 6000");
}

/// Control characters put in a name by TOML's escapes (an ANSI colour, a bell) reached the SVG
/// charts raw, which made them ill-formed XML, and the terminal. They now print as `�`.
#[test]
fn control_characters_in_free_text_reach_no_output() {
    let dir = common::tempdir();
    // The scenario's name must be a folder name: a refusal that quotes it shows `�`.
    let named = base_with(
        dir.path(),
        "named.toml",
        "name = \"base\"",
        "name = \"b\\u001b[31mRED\"",
    );
    let refused = run_in(dir.path(), [Path::new("check"), &named]);
    refused
        .expect_code(2)
        .no_panic()
        .stderr_has("scenario name `b\u{fffd}[31mRED`");
    let path = base_with(
        dir.path(),
        "ansi.toml",
        "id = \"KGZ\"",
        "id = \"KGZ\"\nname = \"b\\u001b[31mRED\\u0007\\u202eX\\nY\"",
    );
    let out_dir = dir.path().join("out");
    let out = run_in(
        dir.path(),
        [
            path.as_os_str(),
            "--out".as_ref(),
            out_dir.as_os_str(),
            "--plot".as_ref(),
            "svg".as_ref(),
        ],
    );
    out.expect_code(0).no_panic();
    let bad = |c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t') || c == '\u{202e}';
    assert!(!out.stdout.chars().any(bad), "{:?}", out.stdout);
    let mut seen = 0;
    for entry in std::fs::read_dir(&out_dir).unwrap() {
        let p = entry.unwrap().path();
        if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("svg" | "html" | "json" | "csv")
        ) {
            let text = common::read(&p);
            assert!(
                !text.chars().any(bad),
                "{} holds a control character",
                p.display()
            );
            seen += 1;
        }
    }
    assert!(seen >= 4, "only {seen} files");
    let chart = common::read(&out_dir.join("alignment_KGZ.svg"));
    assert!(
        chart.contains("b\u{fffd}[31mRED\u{fffd}\u{fffd}X Y"),
        "{chart}"
    );
}

/// A growth rate compounded over centuries carried trade past the largest double; the shares
/// then fell silently to equal ones (`f64::max` turned NaN into the floor) and the run exited 0.
/// Now the run, and a comparison of lenses, stop with exit 2 naming the share and the date; a
/// sweep or a sensitivity analysis names the point and the column, and (regression) no longer
/// leaves its partial results behind: the point fails the same way on `--resume`.
#[test]
fn a_value_that_overflows_stops_the_run_naming_it() {
    let dir = common::tempdir();
    let path = dir.path().join("overflow.toml");
    let scenario = r#"
[scenario]
name = "overflow"
start = "2005-01"
end = "2805-01"
period = "year"
[[actors]]
id = "USA"
role = "patron"
gdp_bn = 14000.0
[[actors]]
id = "RUS"
role = "patron"
gdp_bn = 1300.0
[[actors]]
id = "KGZ"
role = "state"
region = "central_asia"
gdp_bn = 4.7
alignment = { USA = 0.3, RUS = 0.7 }
[[ties]]
state = "KGZ"
patron = "USA"
trade_bn = 1.0
trade_growth = 2.0
"#;
    std::fs::write(&path, scenario).unwrap();
    let share = "the share of KGZ toward USA = NaN at 2652-01, which is not a finite number";
    let cell = "column KGZ_USA_mean: `NaN` is not a number from 0 to 1";
    let growth = "--set=ties.KGZ.USA.trade_growth=0:2:2";
    let morris = "--set=ties.KGZ.USA.trade_growth=1:2";
    for (sub, says) in [
        (&[][..], share),
        (&["compare", "--runs", "2"][..], share),
        (&["sweep", growth, "--runs", "2"][..], cell),
        (&["sensitivity", "--method", "morris", morris][..], cell),
    ] {
        let out_dir = dir.path().join("out");
        let mut args: Vec<&std::ffi::OsStr> = sub.iter().map(|s| s.as_ref()).collect();
        // The scenario after the command (and before a run's flags).
        let at = usize::from(!sub.is_empty());
        args.insert(at, path.as_os_str());
        args.extend(["--out".as_ref(), out_dir.as_os_str()]);
        run_in(dir.path(), args)
            .expect_code(2)
            .no_panic()
            .stderr_has(says);
        assert!(!out_dir.exists(), "{sub:?} wrote output");
    }
    // A calibration needs a line to score: the same world with one, over the same horizon.
    let checked = dir.path().join("overflow_checked.toml");
    let check = us_influence_check("us_up", "up", "2005-01", "2010-12", 0.8);
    std::fs::write(&checked, format!("{scenario}{check}")).unwrap();
    let out_dir = dir.path().join("out");
    let calibrate: [&std::ffi::OsStr; 17] = [
        "calibrate".as_ref(),
        checked.as_os_str(),
        "--param".as_ref(),
        morris.trim_start_matches("--set=").as_ref(),
        "--particles".as_ref(),
        "4".as_ref(),
        "--generations".as_ref(),
        "1".as_ref(),
        "--runs".as_ref(),
        "2".as_ref(),
        "--scorecard-runs".as_ref(),
        "2".as_ref(),
        "--fit-until".as_ref(),
        "2100".as_ref(),
        "-q".as_ref(),
        "--out".as_ref(),
        out_dir.as_os_str(),
    ];
    run_in(dir.path(), calibrate)
        .expect_code(2)
        .no_panic()
        .stderr_has("run 1 recorded the share of KGZ toward USA = NaN")
        .stderr_has("help: narrow the prior ranges");
    assert!(!out_dir.exists(), "calibrate left its folder");
}

/// An event id given twice to `--without` was reported as no event at all ("event ids:
/// (none)"); a lens given twice to `compare` ran twice.
#[test]
fn a_repeated_without_or_lens_is_named_as_such() {
    let dir = common::tempdir();
    let sco = common::manifest_dir().join("scenarios/sco2001.toml");
    let twice = run_in(
        dir.path(),
        [
            sco.as_os_str(),
            "--without".as_ref(),
            "oil_crash".as_ref(),
            "--without".as_ref(),
            "oil_crash".as_ref(),
        ],
    );
    twice
        .expect_code(2)
        .no_panic()
        .stderr_has("--without oil_crash: given twice");
    let lenses = run_in(
        dir.path(),
        [
            "compare".as_ref(),
            sco.as_os_str(),
            "--lenses".as_ref(),
            "hedging,hedging".as_ref(),
        ],
    );
    lenses
        .expect_code(2)
        .no_panic()
        .stderr_has("--lenses hedging,hedging: `hedging` is given twice");
}

/// Input that made no sense and was accepted: a sanction on oneself, an exercise listing one
/// participant twice (which passed "at least two participants"), a `[sweep]` grid with
/// `samples` (silently ignored), a transit state twice or a party as transit, a state its own
/// neighbour, an event removed twice by one counterfactual.
#[test]
fn self_sanctions_repeated_participants_and_a_grid_with_samples_are_refused() {
    let dir = common::tempdir();
    let event = "[[events]]\nid = \"terror\"";
    let cases = [
        (
            "sanction.toml",
            "[[events]]\nid = \"s\"\ndate = \"2010-01\"\nkind = \"sanctions\"\nby = \"USA\"\ntarget = \"USA\"\nseverity = 0.5\n\n",
            "an actor cannot sanction itself",
        ),
        (
            "exercise.toml",
            "[[events]]\nid = \"x\"\ndate = \"2010-01\"\nkind = \"exercise\"\nparticipants = [\"RUS\", \"RUS\"]\n\n",
            "`RUS` is listed twice",
        ),
        // A transit state twice (paid twice), or a party to the deal as its own transit state.
        (
            "route_twice.toml",
            "[[energy_deals]]\nid = \"g\"\nsupplier = \"KAZ\"\nbuyer = \"CHN\"\nvolume_bcm = 5.0\nsupplier_min_usd = 200.0\nbuyer_max_usd = 250.0\nroute = [\"KGZ\", \"KGZ\"]\nroute_km = [100.0, 100.0]\n\n",
            "`KGZ` is listed twice",
        ),
        (
            "route_party.toml",
            "[[energy_deals]]\nid = \"g\"\nsupplier = \"KAZ\"\nbuyer = \"CHN\"\nvolume_bcm = 5.0\nsupplier_min_usd = 200.0\nbuyer_max_usd = 250.0\nroute = [\"KAZ\"]\nroute_km = [100.0]\n\n",
            "`KAZ` is a party to the deal, not a transit state",
        ),
    ];
    for (name, added, message) in cases {
        let path = base_with(dir.path(), name, event, &format!("{added}{event}"));
        both_reject(dir.path(), &path, message);
    }
    let base = common::read(&fixture("base.toml"));
    let path = dir.path().join("grid.toml");
    std::fs::write(
        &path,
        format!(
            "{base}\n[sweep]\nsamples = 5\n[[sweep.axes]]\nkey = \"decision.money_weight\"\nvalues = \"1:3:1\"\n"
        ),
    )
    .unwrap();
    both_reject(
        dir.path(),
        &path,
        "`samples` applies to a random or lhs sweep, not a grid",
    );
    // A state its own neighbour, or a neighbour twice.
    let kaz = "id = \"KAZ\"\nrole = \"state\"";
    for (list, message) in [
        ("[\"KAZ\"]", "`KAZ` is listed as its own neighbour"),
        ("[\"KGZ\", \"KGZ\"]", "`KGZ` is listed twice"),
    ] {
        let path = base_with(
            dir.path(),
            "neighbours.toml",
            kaz,
            &format!("{kaz}\nneighbours = {list}"),
        );
        both_reject(dir.path(), &path, message);
    }
    // A counterfactual naming one event twice.
    let path = dir.path().join("without.toml");
    std::fs::write(
        &path,
        format!(
            "{base}\n{}[[checks]]\nfact = \"1\"\noutcome = \"us_up\"\nexpect = \"fails\"\nthreshold = 0.5\nwithout = [\"terror\", \"terror\"]\n",
            us_influence_check("us_up", "up", "2005-01", "2010-12", 0.0)
        ),
    )
    .unwrap();
    both_reject(dir.path(), &path, "`without` names `terror` twice");
}

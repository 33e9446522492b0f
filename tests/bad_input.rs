//! Broken scenarios: every file in `tests/scenarios/bad/` is `tests/scenarios/base.toml` with
//! exactly one defect. Both `simulate check FILE` and `simulate FILE --out DIR` must reject it
//! with exit code 2, point at the defect (`FILE:LINE:COL`, the source line and a caret under the
//! column), suggest a fix (`help:`), never panic, and write nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::{Outcome, fixture, run_in, tempdir};

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
        .stderr_has("help:");
}

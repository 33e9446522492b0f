//! The shipped variant with a strategic Russia (scenarios/sco2001_strategic.toml) runs, and its
//! strategic patron makes offers, each year within its budgets.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;

use common::{manifest_dir, parse_csv, read, run_in, tempdir};
use soft_balancing::date::YearMonth;
use soft_balancing::scenario::Scenario;

#[test]
fn the_strategic_variant_runs_and_its_patron_offers_within_its_budgets() {
    let path = manifest_dir()
        .join("scenarios")
        .join("sco2001_strategic.toml");
    let sc = Scenario::load(&path).expect("the variant loads");
    let rus = sc.actor_index("RUS").unwrap();
    let budget = sc.actors[rus]
        .strategy
        .clone()
        .expect("Russia is strategic");
    let tmp = tempdir();
    let out = run_in(
        tmp.path(),
        [
            path.as_os_str(),
            "--runs".as_ref(),
            "8".as_ref(),
            "--format".as_ref(),
            "csv".as_ref(),
            "--out".as_ref(),
            "out".as_ref(),
        ],
    );
    out.expect_code(0).no_panic();
    let events = parse_csv(&read(&tmp.path().join("out").join("events.csv")));
    let (run, date, actor, kind, text, value) = (
        events.col("run"),
        events.col("date"),
        events.col("actor"),
        events.col("kind"),
        events.col("decision"),
        events.col("bn_usd"),
    );
    // Sums per (run, budget year, instrument); budget years start at the scenario's start.
    let mut spent: BTreeMap<(String, i32, &str), f64> = BTreeMap::new();
    for row in events.rows.iter().filter(|r| r[kind] == "strategy") {
        assert_eq!(row[actor], "RUS", "{row:?}");
        let when = YearMonth::parse(&row[date]).unwrap();
        let year = when.months_since(sc.start) / 12;
        let instrument = if row[text].contains(" credit") {
            "credit"
        } else if row[text].contains(" grant") {
            "grant"
        } else {
            continue;
        };
        let x: f64 = row[value].parse().unwrap();
        *spent
            .entry((row[run].clone(), year, instrument))
            .or_default() += x;
    }
    let runs_with_credit = spent.keys().filter(|k| k.2 == "credit").map(|k| &k.0);
    let runs_with_credit: std::collections::BTreeSet<_> = runs_with_credit.collect();
    assert_eq!(
        runs_with_credit.len(),
        8,
        "Russia offered no credit in some runs"
    );
    assert!(spent.keys().any(|k| k.2 == "grant"), "Russia gave no grant");
    for ((r, year, instrument), x) in &spent {
        let limit = match *instrument {
            "credit" => budget.credit_bn,
            _ => budget.aid_bn,
        };
        assert!(
            *x <= limit + 1e-5,
            "run {r}, budget year {year}: {instrument} {x} over the budget {limit}"
        );
    }
}

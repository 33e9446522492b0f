//! Strategic patrons' unit tests: offers within budgets, the debt ceiling, the sign of their
//! effect, and the conditions a balancer may attach.
use super::*;
use crate::engine::mechanisms::testkit::Kit;
use crate::engine::record::RunRecord;

/// Kyrgyzstan hosting a US base at $17.4m a year (worth `worth_musd` to the US), Kazakhstan
/// beside it; `rus` and `usa` are extra keys of those patrons (a decision and a budget), and
/// `events` any scripted events. Shocks and the alignment noise are off; the decision noise
/// stays on, as strategic patrons foresee it.
fn world(rus: &str, usa: &str, worth_musd: f64, events: &str) -> Kit {
    Kit::new(&format!(
        r#"
[scenario]
name = "test"
start = "2009-01"
end = "2012-01"
period = "month"
seed = 7

[params.shocks]
terror_rate_per_year = 0.0
regime_change_rate_per_year = 0.0
backlash_rate_per_year = 0.0
[params.decision]
noise_sd = 0.0

[[actors]]
id = "USA"
role = "patron"
gdp_bn = 14000.0
military_bn = 660.0
non_interference = 0.1
{usa}
[[actors]]
id = "RUS"
role = "patron"
gdp_bn = 1300.0
military_bn = 66.0
non_interference = 0.8
{rus}
[[actors]]
id = "CHN"
role = "patron"
gdp_bn = 11000.0
military_bn = 215.0
non_interference = 1.0

[[actors]]
id = "KGZ"
role = "state"
region = "central_asia"
gdp_bn = 4.7
threat = 0.2
sco = "member"
alignment = {{ USA = 0.3, RUS = 0.4, CHN = 0.3 }}

[[actors]]
id = "KAZ"
role = "state"
region = "central_asia"
gdp_bn = 115.0
sco = "member"
alignment = {{ USA = 0.2, RUS = 0.5, CHN = 0.3 }}

[[ties]]
state = "KGZ"
patron = "RUS"
trade_bn = 1.0
[[ties]]
state = "KGZ"
patron = "CHN"
trade_bn = 1.0
[[ties]]
state = "KAZ"
patron = "RUS"
trade_bn = 15.0
[[ties]]
state = "KAZ"
patron = "CHN"
trade_bn = 15.0

[[bases]]
id = "manas"
host = "KGZ"
user = "USA"
rent_musd = 17.4
security_value = 0.05
worth_musd = {worth_musd}
lease_end = "2014-07"
{events}
"#
    ))
}

/// A strategic Russia that values alignment highly enough to spend in this small world.
const STRATEGIC_RUS: &str = "decision = \"strategic\"\nbudget = { credit_bn = 1.5, aid_bn = 0.05 }\n[params.strategy]\nshare_value_gdp = 1.7";

fn run(kit: &mut Kit) -> RunRecord {
    kit.run_months(36)
}

/// Sums per year of the run (budget years start at the scenario's start).
fn per_year(
    rec: &RunRecord,
    start: crate::date::YearMonth,
    keep: impl Fn(&What) -> bool,
) -> [f64; 3] {
    let mut sums = [0.0; 3];
    for e in rec.log.iter().filter(|e| keep(&e.what)) {
        sums[(e.date.months_since(start) / 12) as usize] += e.value;
    }
    sums
}

#[test]
fn a_strategic_patron_makes_offers_within_its_yearly_budgets() {
    let mut kit = world(STRATEGIC_RUS, "", 17.4, "");
    let rec = run(&mut kit);
    let start = kit.sc.start;
    let credit = per_year(&rec, start, |w| matches!(w, What::PatronCredit { .. }));
    let grants = per_year(&rec, start, |w| matches!(w, What::PatronGrant(_)));
    assert!(
        credit.iter().sum::<f64>() > 0.0,
        "no credit offered: {:?}",
        rec.log
    );
    assert!(
        grants.iter().sum::<f64>() > 0.0,
        "no grant given: {:?}",
        rec.log
    );
    for year in 0..3 {
        assert!(
            credit[year] <= 1.5 + 1e-12,
            "year {year}: credit {}",
            credit[year]
        );
        assert!(
            grants[year] <= 0.05 + 1e-12,
            "year {year}: grants {}",
            grants[year]
        );
    }
    // Every offer is followed by the state's decision on it, and logs value above cost.
    for (i, e) in rec.log.iter().enumerate() {
        if let What::PatronCredit { loan, .. } = e.what {
            assert!(e.score_for > e.score_against, "{e:?}");
            let next = rec.log[i + 1].what;
            assert!(
                matches!(next, What::LoanAccepted(l) | What::LoanDeclined(l) if l == loan)
                    || matches!(rec.log[i].what, What::PatronCredit { base: Some(_), .. }),
                "{next:?}"
            );
        }
    }
}

#[test]
fn a_strategic_lender_stops_at_the_borrowers_debt_ceiling() {
    // A budget far beyond what Kyrgyzstan (GDP 4.7 bn) can carry, over six years.
    let rus = |ceiling: f64| {
        format!(
            "decision = \"strategic\"\nbudget = {{ credit_bn = 20.0 }}\n[params.strategy]\n\
             share_value_gdp = 1.7\nmax_debt_share_of_gdp = {ceiling}"
        )
    };
    let owed = |ceiling: f64| {
        let mut kit = world(&rus(ceiling), "", 17.4, "");
        let rec = kit.run_months(72);
        let lent: f64 = rec
            .log
            .iter()
            .filter(|e| matches!(e.what, What::PatronCredit { .. }))
            .map(|e| e.value)
            .sum();
        let kgz = kit.sc.actor_index("KGZ").unwrap_or_else(|| panic!("KGZ"));
        let debt: f64 = decision::row(&kit.world.debt, kgz, kit.world.np)
            .iter()
            .sum();
        (lent, debt / kit.world.gdp[kgz])
    };
    // Debt only amortises and GDP only grows after an offer, so the ceiling holds at the end.
    let (lent, ratio) = owed(0.55);
    assert!(lent > 0.0, "no credit offered");
    assert!(ratio <= 0.55 + 1e-12, "debt {ratio} of GDP");
    // Without a binding ceiling the same lender takes the state far beyond it.
    let (more, unbounded) = owed(100.0);
    assert!(
        more > lent && unbounded > 0.55,
        "{more} lent, debt {unbounded} of GDP"
    );
}

#[test]
fn a_patron_with_no_budget_or_scripted_offers_makes_none() {
    for rus in ["decision = \"strategic\"", "decision = \"scripted\"", ""] {
        let mut kit = world(rus, "", 17.4, "");
        let rec = run(&mut kit);
        assert!(
            !rec.log.iter().any(|e| matches!(
                e.what,
                What::PatronCredit { .. } | What::PatronGrant(_) | What::PatronAsks(_)
            )),
            "{rus}: {:?}",
            rec.log
        );
    }
    // A scripted decision is the default: the same run, byte for byte.
    let a = run(&mut world("decision = \"scripted\"", "", 17.4, ""));
    let b = run(&mut world("", "", 17.4, ""));
    assert_eq!(a, b);
}

#[test]
fn strategic_offers_raise_the_patrons_share() {
    // Paired runs, the same seed: Russia scripted (no offers) against Russia strategic.
    let mut scripted = world("", "", 17.4, "");
    run(&mut scripted);
    let mut strategic = world(STRATEGIC_RUS, "", 17.4, "");
    run(&mut strategic);
    let (kgz, rus) = (3, 1);
    let np = scripted.world.np;
    let share = |k: &Kit| k.world.alignment[kgz * np + rus];
    assert!(
        share(&strategic) > share(&scripted) + 0.01,
        "{} vs {}",
        share(&strategic),
        share(&scripted)
    );
}

#[test]
fn a_strategic_balancer_never_asks_for_its_partners_base_to_close() {
    // A Chinese post in Kyrgyzstan beside Manas; Russia strategic. Russia may make its credit
    // conditional on closing the leading power's base, never its fellow balancer's.
    let post = r#"
[[bases]]
id = "chn_post"
host = "KGZ"
user = "CHN"
rent_musd = 17.4
security_value = 0.05
worth_musd = 30.0
lease_end = "2014-07"
"#;
    let rec = run(&mut world(STRATEGIC_RUS, "", 17.4, post));
    let bases: Vec<Option<usize>> = rec
        .log
        .iter()
        .filter_map(|e| match e.what {
            What::PatronCredit { base, .. } => Some(base),
            _ => None,
        })
        .collect();
    assert!(!bases.is_empty(), "Russia makes credit offers");
    assert!(!bases.contains(&Some(1)), "{bases:?}");
}

#[test]
fn a_strategic_user_outbids_a_rival_offer_before_the_host_decides() {
    // Russia offers credit conditional on closing the base in the first month.
    let offer = r#"
[[events]]
id = "rus_credit"
date = "2009-01"
kind = "loan_offer"
lender = "RUS"
borrower = "KGZ"
amount_bn = 1.0
grant_bn = 0.1
close_base = "manas"
"#;
    let usa = "decision = \"strategic\"\nbudget = { rent_musd = 300.0 }";
    let mut strategic = world("", usa, 400.0, offer);
    let rec = run(&mut strategic);
    let raised = rec
        .log
        .iter()
        .position(|e| matches!(e.what, What::PatronRent(0)));
    assert!(raised.is_some(), "{:?}", rec.log);
    assert!(
        !rec.log
            .iter()
            .any(|e| matches!(e.what, What::ClosureOrdered(0))),
        "{:?}",
        rec.log
    );
    assert_eq!(strategic.world.bases[0].status, BaseStatus::Open);
    // The same offer against a scripted US: the host orders the closure (or its end at the
    // lease's term) first.
    let mut scripted = world("", "", 400.0, offer);
    let rec = run(&mut scripted);
    assert!(
        rec.log
            .iter()
            .any(|e| matches!(e.what, What::ClosureOrdered(0) | What::NonRenewal(0))),
        "{:?}",
        rec.log
    );
}

#[test]
fn a_strategic_user_asks_for_a_closed_base_its_host_would_grant() {
    let mut kit = world(
        "",
        "decision = \"strategic\"\nbudget = { rent_musd = 50.0 }",
        60.0,
        "",
    );
    kit.sc.initial.bases[0].status = BaseStatus::Closed;
    let rec = run(&mut kit);
    let asked = rec
        .log
        .iter()
        .position(|e| matches!(e.what, What::PatronAsks(0)));
    let opened = rec
        .log
        .iter()
        .position(|e| matches!(e.what, What::BaseOpened(0)));
    assert!(asked.is_some() && asked < opened, "{:?}", rec.log);
    // Without the budget for the rent it does not ask.
    let mut kit = world(
        "",
        "decision = \"strategic\"\nbudget = { rent_musd = 10.0 }",
        60.0,
        "",
    );
    kit.sc.initial.bases[0].status = BaseStatus::Closed;
    let rec = run(&mut kit);
    assert!(
        !rec.log
            .iter()
            .any(|e| matches!(e.what, What::PatronAsks(0)))
    );
}

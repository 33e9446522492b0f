//! Small hand-made worlds for the mechanisms' unit tests, written as scenario text so that the
//! tests go through the same validation as users' files. Random shocks and noise are switched
//! off so each test isolates one rule.

use std::path::Path;

use crate::engine;
use crate::engine::record::RunRecord;
use crate::scenario::Scenario;
use crate::scenario::validate::parse;
use crate::scenario::world::World;

pub struct Kit {
    pub sc: Scenario,
    pub world: World,
}

impl Kit {
    pub fn new(text: &str) -> Kit {
        let sc = parse(Path::new("test.toml"), text).unwrap_or_else(|e| panic!("{e}"));
        let world = sc.initial.clone();
        Kit { sc, world }
    }

    /// Runs from the scenario's start for `months` months; keeps the final world.
    pub fn run_months(&mut self, months: i32) -> RunRecord {
        self.sc.end = self.sc.start.plus_months(months);
        let mut rec =
            RunRecord::with_capacity(self.sc.initial.n, self.sc.initial.np, self.sc.steps());
        self.world = engine::run(&self.sc, &self.sc.params, self.sc.seed, 0, &mut rec);
        rec
    }
}

const QUIET: &str = r#"
[params.shocks]
terror_rate_per_year = 0.0
regime_change_rate_per_year = 0.0
backlash_rate_per_year = 0.0
[params.decision]
decision_noise_sd = 0.0
noise_sd = 0.0
"#;

const PATRONS: &str = r#"
[[actors]]
id = "USA"
role = "patron"
gdp_bn = 14000.0
military_bn = 660.0
non_interference = 0.1
[[actors]]
id = "RUS"
role = "patron"
gdp_bn = 1300.0
military_bn = 66.0
non_interference = 0.8
[[actors]]
id = "CHN"
role = "patron"
gdp_bn = 11000.0
military_bn = 215.0
non_interference = 1.0
"#;

/// A world of `body` (actors, ties, events) from `start` to 2030, monthly, with no random shocks
/// and no noise.
pub fn quiet_world(start: &str, body: &str) -> Kit {
    Kit::new(&format!(
        "{}{QUIET}{body}",
        header(start, "2030-01", "month")
    ))
}

fn header(start: &str, end: &str, period: &str) -> String {
    format!(
        "[scenario]\nname = \"test\"\nstart = \"{start}\"\nend = \"{end}\"\nperiod = \"{period}\"\nseed = 7\n"
    )
}

/// Kyrgyzstan hosting a US base (rent $17.4m), offered Russian credit conditional on closure.
pub fn manas_world(credit_bn: f64, grant_bn: f64, worth_musd: f64) -> Kit {
    Kit::new(&format!(
        r#"{}{PATRONS}{QUIET}
[[actors]]
id = "KGZ"
role = "state"
region = "central_asia"
gdp_bn = 4.7
threat = 0.2
sco = "member"
alignment = {{ USA = 0.3, RUS = 0.5, CHN = 0.2 }}

[[bases]]
id = "manas"
host = "KGZ"
user = "USA"
rent_musd = 17.4
security_value = 0.05
worth_musd = {worth_musd}
lease_end = "2014-07"

[[events]]
id = "rus_credit"
date = "2009-02"
kind = "loan_offer"
lender = "RUS"
borrower = "KGZ"
amount_bn = {credit_bn}
grant_bn = {grant_bn}
close_base = "manas"
"#,
        header("2009-01", "2011-01", "month")
    ))
}

/// A state whose external money comes roughly evenly from Russia and China, offered a loan.
pub fn loan_world(lender: &str, credit_bn: f64, condition: &str, nationalism: f64) -> Kit {
    Kit::new(&format!(
        r#"{}{PATRONS}{QUIET}
[[actors]]
id = "KGZ"
role = "state"
region = "central_asia"
gdp_bn = 20.0
nationalism = {nationalism}
alignment = {{ USA = 0.2, RUS = 0.4, CHN = 0.4 }}

[[ties]]
state = "KGZ"
patron = "CHN"
trade_bn = 5.0

[[ties]]
state = "KGZ"
patron = "RUS"
trade_bn = 6.0

[[events]]
id = "offer"
date = "2009-01"
kind = "loan_offer"
lender = "{lender}"
borrower = "KGZ"
amount_bn = {credit_bn}
{condition}
"#,
        header("2009-01", "2011-01", "month")
    ))
}

/// Russia and China negotiating a gas deal from 2004.
pub fn energy_world(supplier_min: f64, buyer_max: f64, drift: f64, events: &str) -> Kit {
    Kit::new(&format!(
        r#"{}{PATRONS}{QUIET}
[[actors]]
id = "KAZ"
role = "state"
region = "central_asia"
gdp_bn = 100.0
alignment = {{ USA = 0.2, RUS = 0.5, CHN = 0.3 }}

[[energy_deals]]
id = "gas"
supplier = "RUS"
buyer = "CHN"
volume_bcm = 38.0
supplier_min_usd = {supplier_min}
buyer_max_usd = {buyer_max}
buyer_max_drift_per_year = {drift}
build_months = 60

{events}
"#,
        header("2004-01", "2014-01", "month")
    ))
}

/// A state evenly aligned between the strongest patron (the US), a neighbouring Russia that
/// presses its regime, and China as strong as Russia, with equal money from each: for the lens
/// tests.
pub fn lens_world() -> Kit {
    Kit::new(&format!(
        r#"{}{QUIET}
[[actors]]
id = "USA"
role = "patron"
gdp_bn = 5000.0
military_bn = 200.0
non_interference = 0.5
[[actors]]
id = "RUS"
role = "patron"
gdp_bn = 3000.0
military_bn = 120.0
non_interference = 0.5
[[actors]]
id = "CHN"
role = "patron"
gdp_bn = 3000.0
military_bn = 120.0
non_interference = 0.5
[[actors]]
id = "KGZ"
role = "state"
region = "central_asia"
gdp_bn = 10.0
autocracy = 0.9
threat = 0.3
neighbours = ["RUS"]
alignment = {{ USA = 0.333333, RUS = 0.333333, CHN = 0.333334 }}

[[ties]]
state = "KGZ"
patron = "USA"
trade_bn = 2.0
[[ties]]
state = "KGZ"
patron = "RUS"
trade_bn = 2.0
pressure = 0.5
[[ties]]
state = "KGZ"
patron = "CHN"
trade_bn = 2.0
"#,
        header("2005-01", "2020-01", "month")
    ))
}

/// The SCO at Ufa (July 2015) with the given applicants among India and Pakistan.
pub fn sco_world(applicants: &[&str]) -> Kit {
    let status = |id: &str| {
        if applicants.contains(&id) {
            "applicant"
        } else {
            "observer"
        }
    };
    Kit::new(&format!(
        r#"{}{PATRONS}{QUIET}
[[actors]]
id = "KAZ"
role = "state"
region = "central_asia"
gdp_bn = 184.0
military_bn = 2.2
sco = "member"
alignment = {{ USA = 0.2, RUS = 0.5, CHN = 0.3 }}
[[actors]]
id = "KGZ"
role = "state"
region = "central_asia"
gdp_bn = 6.6
military_bn = 0.1
sco = "member"
alignment = {{ USA = 0.15, RUS = 0.55, CHN = 0.3 }}
[[actors]]
id = "TJK"
role = "state"
region = "central_asia"
gdp_bn = 7.9
military_bn = 0.2
sco = "member"
alignment = {{ USA = 0.1, RUS = 0.6, CHN = 0.3 }}
[[actors]]
id = "UZB"
role = "state"
region = "central_asia"
gdp_bn = 67.0
military_bn = 1.5
sco = "member"
alignment = {{ USA = 0.3, RUS = 0.4, CHN = 0.3 }}
[[actors]]
id = "IND"
role = "state"
gdp_bn = 2100.0
military_bn = 51.0
sco = "{}"
alignment = {{ USA = 0.4, RUS = 0.45, CHN = 0.15 }}
[[actors]]
id = "PAK"
role = "state"
gdp_bn = 270.0
military_bn = 9.5
sco = "{}"
alignment = {{ USA = 0.35, RUS = 0.05, CHN = 0.6 }}

[[relations]]
a = "RUS"
b = "IND"
affinity = 0.5
[[relations]]
a = "CHN"
b = "IND"
affinity = -0.3
[[relations]]
a = "CHN"
b = "PAK"
affinity = 0.3
"#,
        header("2015-07", "2020-07", "quarter"),
        status("IND"),
        status("PAK")
    ))
    .with_members(&["RUS", "CHN"])
}

impl Kit {
    fn with_members(mut self, ids: &[&str]) -> Kit {
        for id in ids {
            let i = self.sc.actor_index(id).expect("actor");
            self.sc.initial.sco[i] = crate::scenario::world::ScoStatus::Member;
        }
        self.world = self.sc.initial.clone();
        self
    }
}

/// KAZ (borders Russia, 15 % Russians, CSTO), UZB (borders no patron), and a candidate IRN;
/// no noise, no random shocks; then `events`.
pub fn region(events: &str) -> Kit {
    Kit::new(&format!(
        r#"
[scenario]
name = "test"
start = "2022-01"
end = "2026-01"
period = "month"
leading_power = "USA"
balancers = ["RUS", "CHN"]
region = "central_asia"
{QUIET}
[[actors]]
id = "USA"
role = "patron"
gdp_bn = 23000.0
military_bn = 800.0
non_interference = 0.1
[[actors]]
id = "RUS"
role = "patron"
gdp_bn = 2200.0
military_bn = 86.0
non_interference = 0.8
sco = "member"
csto = true
[[actors]]
id = "CHN"
role = "patron"
gdp_bn = 17900.0
military_bn = 290.0
non_interference = 1.0
sco = "member"
[[actors]]
id = "KAZ"
role = "state"
region = "central_asia"
gdp_bn = 220.0
neighbours = ["RUS", "CHN"]
minority = {{ RUS = 0.15 }}
csto = true
sco = "member"
threat = 0.2
alignment = {{ USA = 0.2, RUS = 0.45, CHN = 0.35 }}
[[actors]]
id = "UZB"
role = "state"
region = "central_asia"
gdp_bn = 80.0
sco = "member"
threat = 0.2
alignment = {{ USA = 0.2, RUS = 0.4, CHN = 0.4 }}
[[actors]]
id = "IRN"
role = "state"
gdp_bn = 350.0
sco = "applicant"
alignment = {{ USA = 0.05, RUS = 0.45, CHN = 0.5 }}
[[ties]]
state = "KAZ"
patron = "RUS"
trade_bn = 25.0
security = 0.5
[[ties]]
state = "KAZ"
patron = "CHN"
trade_bn = 30.0
[[ties]]
state = "UZB"
patron = "RUS"
trade_bn = 9.0
[[ties]]
state = "UZB"
patron = "CHN"
trade_bn = 9.0
{events}
"#
    ))
}

//! The raw scenario file, exactly as TOML gives it.
//!
//! These types mirror the file's tables one for one, reject unknown keys (`deny_unknown_fields`)
//! and keep each value's position (`Spanned`) so that validation can point at the line and column
//! of a bad value. Nothing here is checked beyond its TOML type; `validate` turns a
//! [`RawScenario`] into a `Scenario` whose invariants hold.

// Fields mirror the file format one for one; docs/scenario-format.md documents each key.
#![allow(missing_docs)]

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// A value with its byte span in the file.
pub type S<T> = Spanned<T>;

/// A table of numbers keyed by actor id, e.g. `alignment = { USA = 0.2, RUS = 0.5, CHN = 0.3 }`.
pub type ById = S<BTreeMap<String, S<f64>>>;

/// `[params.SECTION]` tables: section name -> parameter name -> value.
pub type ParamTables = BTreeMap<String, S<BTreeMap<String, S<f64>>>>;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub scenario: S<RawMeta>,
    #[serde(default)]
    pub actors: Vec<S<RawActor>>,
    #[serde(default)]
    pub ties: Vec<S<RawTie>>,
    #[serde(default)]
    pub relations: Vec<S<RawRelation>>,
    #[serde(default)]
    pub bases: Vec<S<RawBase>>,
    #[serde(default)]
    pub loans: Vec<S<RawLoan>>,
    #[serde(default)]
    pub energy_deals: Vec<S<RawDeal>>,
    #[serde(default)]
    pub events: Vec<S<RawEvent>>,
    #[serde(default)]
    pub params: Option<S<ParamTables>>,
    #[serde(default)]
    pub outcomes: Vec<S<RawOutcome>>,
    #[serde(default)]
    pub sweep: Option<S<RawSweep>>,
    #[serde(default)]
    pub checks: Vec<S<RawCheck>>,
}

/// `[[checks]]`: one line of the validation scorecard.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCheck {
    pub fact: String,
    pub outcome: S<String>,
    pub expect: S<String>,
    #[serde(default)]
    pub without: Option<S<OneOrMany>>,
    #[serde(default)]
    pub set: Option<S<OneOrMany>>,
    pub threshold: S<f64>,
    #[serde(default)]
    pub date: Option<S<String>>,
    #[serde(default)]
    pub tolerance_months: Option<S<f64>>,
    #[serde(default)]
    pub source: Option<S<String>>,
    #[serde(default)]
    pub known_failure: Option<String>,
}

/// One id or a list of ids (a counterfactual's removed events).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    /// One id.
    One(String),
    /// Several.
    Many(Vec<String>),
}

/// `[[outcomes]]`: a discrete outcome every run is checked for.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOutcome {
    pub id: S<String>,
    pub kind: S<String>,
    #[serde(default)]
    pub actor: Option<S<String>>,
    #[serde(default)]
    pub patron: Option<S<String>>,
    #[serde(default)]
    pub base: Option<S<String>>,
    #[serde(default)]
    pub deal: Option<S<String>>,
    #[serde(default)]
    pub loan: Option<S<String>>,
    #[serde(default)]
    pub threshold: Option<S<f64>>,
    #[serde(default)]
    pub actors: Option<S<Vec<S<String>>>>,
    #[serde(default)]
    pub over: Option<S<String>>,
    #[serde(default)]
    pub index: Option<S<String>>,
    #[serde(default)]
    pub direction: Option<S<String>>,
    #[serde(default)]
    pub min_change: Option<S<f64>>,
    #[serde(default)]
    pub from: Option<S<String>>,
    #[serde(default)]
    pub by: Option<S<String>>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub episode: Option<String>,
}

/// `[sweep]`: a parameter sweep's design.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSweep {
    #[serde(default)]
    pub design: Option<S<String>>,
    #[serde(default)]
    pub samples: Option<S<i64>>,
    #[serde(default)]
    pub runs: Option<S<i64>>,
    #[serde(default)]
    pub axes: Vec<S<RawAxis>>,
}

/// `[[sweep.axes]]`: one swept key and its values (`"min:max:step"`, `"min:max"` for random or
/// Latin-hypercube designs, or a list of numbers).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAxis {
    pub key: S<String>,
    pub values: S<toml::Value>,
}

/// `[scenario]`: name, clock, seed, lens and which actors the indices are about.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    pub name: S<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub start: S<String>,
    pub end: S<String>,
    pub period: S<String>,
    #[serde(default)]
    pub seed: Option<S<i64>>,
    #[serde(default)]
    pub lens: Option<S<String>>,
    #[serde(default)]
    pub leading_power: Option<S<String>>,
    #[serde(default)]
    pub balancers: Option<S<Vec<S<String>>>>,
    #[serde(default)]
    pub region: Option<S<String>>,
}

/// `[[actors]]`: a patron or a state.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawActor {
    pub id: S<String>,
    #[serde(default)]
    pub name: Option<String>,
    pub role: S<String>,
    #[serde(default)]
    pub region: Option<S<String>>,
    pub gdp_bn: S<f64>,
    #[serde(default)]
    pub gdp_growth: Option<S<f64>>,
    #[serde(default)]
    pub military_bn: Option<S<f64>>,
    #[serde(default)]
    pub autocracy: Option<S<f64>>,
    #[serde(default)]
    pub sovereignty: Option<S<f64>>,
    #[serde(default)]
    pub nationalism: Option<S<f64>>,
    #[serde(default)]
    pub threat: Option<S<f64>>,
    #[serde(default)]
    pub non_interference: Option<S<f64>>,
    #[serde(default)]
    pub coercion: Option<S<f64>>,
    #[serde(default)]
    pub alignment: Option<ById>,
    #[serde(default)]
    pub leaning: Option<ById>,
    #[serde(default)]
    pub sco: Option<S<String>>,
    #[serde(default)]
    pub csto: Option<bool>,
    #[serde(default)]
    pub eeu: Option<bool>,
    #[serde(default)]
    pub lens: Option<S<String>>,
    #[serde(default)]
    pub neighbours: Option<Vec<S<String>>>,
    #[serde(default)]
    pub minority: Option<ById>,
    #[serde(default)]
    pub un_sanctioned: Option<bool>,
    #[serde(default)]
    pub decision: Option<S<String>>,
    #[serde(default)]
    pub budget: Option<S<RawBudget>>,
}

/// `budget = { ... }` of a strategic patron: what it may commit each year, per instrument.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBudget {
    #[serde(default)]
    pub credit_bn: Option<S<f64>>,
    #[serde(default)]
    pub aid_bn: Option<S<f64>>,
    #[serde(default)]
    pub rent_musd: Option<S<f64>>,
}

/// `[[ties]]`: what flows between one state and one patron.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTie {
    pub state: S<String>,
    pub patron: S<String>,
    #[serde(default)]
    pub trade_bn: Option<S<f64>>,
    #[serde(default)]
    pub trade_growth: Option<S<f64>>,
    #[serde(default)]
    pub aid_bn: Option<S<f64>>,
    #[serde(default)]
    pub remittances_bn: Option<S<f64>>,
    #[serde(default)]
    pub debt_bn: Option<S<f64>>,
    #[serde(default)]
    pub security: Option<S<f64>>,
    #[serde(default)]
    pub pressure: Option<S<f64>>,
}

/// `[[relations]]`: a standing affinity (friendship positive, rivalry negative) between two actors.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRelation {
    pub a: S<String>,
    pub b: S<String>,
    pub affinity: S<f64>,
}

/// `[[bases]]`: a foreign military base.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBase {
    pub id: S<String>,
    #[serde(default)]
    pub name: Option<String>,
    pub host: S<String>,
    pub user: S<String>,
    pub rent_musd: S<f64>,
    #[serde(default)]
    pub user_aid_musd: Option<S<f64>>,
    #[serde(default)]
    pub security_value: Option<S<f64>>,
    pub worth_musd: S<f64>,
    #[serde(default)]
    pub lease_end: Option<S<String>>,
    #[serde(default)]
    pub notice_months: Option<S<f64>>,
    #[serde(default)]
    pub open: Option<bool>,
}

/// `[[loans]]`: a loan outstanding at the start.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLoan {
    pub id: S<String>,
    pub lender: S<String>,
    pub borrower: S<String>,
    pub outstanding_bn: S<f64>,
    #[serde(default)]
    pub term_years: Option<S<f64>>,
}

/// `[[energy_deals]]`: a deal signed or under negotiation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDeal {
    pub id: S<String>,
    pub supplier: S<String>,
    pub buyer: S<String>,
    pub volume_bcm: S<f64>,
    pub supplier_min_usd: S<f64>,
    pub buyer_max_usd: S<f64>,
    #[serde(default)]
    pub buyer_max_drift_per_year: Option<S<f64>>,
    #[serde(default)]
    pub route: Option<Vec<S<String>>>,
    #[serde(default)]
    pub route_km: Option<S<Vec<S<f64>>>>,
    #[serde(default)]
    pub signed: Option<bool>,
    #[serde(default)]
    pub deliveries_start: Option<S<String>>,
    #[serde(default)]
    pub build_months: Option<S<f64>>,
}

/// `[[events]]`: one scripted offer or shock. Which keys apply depends on `kind`; validation
/// rejects keys that do not belong to the kind.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    #[serde(default)]
    pub id: Option<S<String>>,
    pub date: S<String>,
    pub kind: S<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub actor: Option<S<String>>,
    #[serde(default)]
    pub by: Option<S<String>>,
    #[serde(default)]
    pub target: Option<S<String>>,
    #[serde(default)]
    pub lender: Option<S<String>>,
    #[serde(default)]
    pub borrower: Option<S<String>>,
    #[serde(default)]
    pub donor: Option<S<String>>,
    #[serde(default)]
    pub recipient: Option<S<String>>,
    #[serde(default)]
    pub state: Option<S<String>>,
    #[serde(default)]
    pub patron: Option<S<String>>,
    #[serde(default)]
    pub against: Option<S<String>>,
    #[serde(default)]
    pub base: Option<S<String>>,
    #[serde(default)]
    pub loan: Option<S<String>>,
    #[serde(default)]
    pub deal: Option<S<String>>,
    #[serde(default)]
    pub participants: Option<S<Vec<S<String>>>>,
    #[serde(default)]
    pub amount_bn: Option<S<f64>>,
    #[serde(default)]
    pub grant_bn: Option<S<f64>>,
    #[serde(default)]
    pub grant_element: Option<S<f64>>,
    #[serde(default)]
    pub term_years: Option<S<f64>>,
    #[serde(default)]
    pub close_base: Option<S<String>>,
    #[serde(default)]
    pub join: Option<S<String>>,
    #[serde(default)]
    pub rent_musd: Option<S<f64>>,
    #[serde(default)]
    pub aid_musd: Option<S<f64>>,
    #[serde(default)]
    pub severity: Option<S<f64>>,
    #[serde(default)]
    pub intensity: Option<S<f64>>,
    #[serde(default)]
    pub rate: Option<S<f64>>,
    #[serde(default)]
    pub leaning: Option<ById>,
    #[serde(default)]
    pub autocracy: Option<S<f64>>,
    #[serde(default)]
    pub base_pressure: Option<S<f64>>,
    #[serde(default)]
    pub supplier_min_usd: Option<S<f64>>,
    #[serde(default)]
    pub buyer_max_usd: Option<S<f64>>,
    #[serde(default)]
    pub factor: Option<S<f64>>,
    #[serde(default)]
    pub non_interference: Option<S<f64>>,
    #[serde(default)]
    pub lifted: Option<bool>,
    #[serde(default)]
    pub income_musd: Option<S<f64>>,
    #[serde(default)]
    pub build_months: Option<S<f64>>,
}

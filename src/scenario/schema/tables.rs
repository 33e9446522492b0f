//! The scenario format's keys, table by table: name, type and range, whether required, meaning.
//! A test checks each table against the loader's serde shape (`scenario::raw`).

use crate::scenario::experiment::{MAX_POINTS, MAX_RUNS_PER_POINT};
use crate::scenario::validate::MAX_SEED;

/// A key's type.
#[derive(Clone, Copy, Debug)]
pub enum Ty {
    /// Text.
    Text,
    /// A number within a range.
    Num(f64, f64),
    /// A whole number within a range.
    Int(i64, i64),
    /// true or false.
    Bool,
    /// A month, `"YYYY-MM"`.
    Date,
    /// A list of ids.
    Ids,
    /// A list of numbers.
    Nums,
    /// A table of numbers keyed by patron id, each within a range.
    ByPatron(f64, f64),
    /// One text, or a list of texts.
    OneOrMany,
    /// An inline table (checked by the loader).
    Table,
    /// Anything (checked by the loader).
    Any,
}

/// One key of a table: name, type, whether required, meaning.
pub type Key = (&'static str, Ty, bool, &'static str);

/// `[scenario]`.
pub const META: &[Key] = &[
    (
        "name",
        Ty::Text,
        true,
        "short name: the output folder's name",
    ),
    (
        "description",
        Ty::Text,
        false,
        "a sentence on what the scenario is",
    ),
    ("start", Ty::Date, true, "first month, \"YYYY-MM\""),
    ("end", Ty::Date, true, "last month, \"YYYY-MM\""),
    (
        "period",
        Ty::Text,
        true,
        "step length: \"month\", \"quarter\" or \"year\"",
    ),
    (
        "seed",
        Ty::Int(0, MAX_SEED as i64),
        false,
        "default random seed",
    ),
    (
        "lens",
        Ty::Text,
        false,
        "decision rule for every state (a theory lens)",
    ),
    (
        "leading_power",
        Ty::Text,
        false,
        "the patron whose influence is balanced (e.g. USA)",
    ),
    (
        "balancers",
        Ty::Ids,
        false,
        "the patrons that balance it (e.g. RUS, CHN)",
    ),
    (
        "region",
        Ty::Text,
        false,
        "the region whose states the indices and shocks cover",
    ),
];

/// `[[actors]]`.
pub const ACTOR: &[Key] = &[
    ("id", Ty::Text, true, "unique id (letters, digits, _ and -)"),
    ("name", Ty::Text, false, "display name"),
    (
        "role",
        Ty::Text,
        true,
        "\"patron\" (a great power) or \"state\"",
    ),
    (
        "region",
        Ty::Text,
        false,
        "in the region when equal to [scenario] region",
    ),
    ("gdp_bn", Ty::Num(1e-6, 1e7), true, "GDP, bn USD"),
    (
        "gdp_growth",
        Ty::Num(-0.5, 0.5),
        false,
        "growth per year, fraction",
    ),
    (
        "military_bn",
        Ty::Num(0.0, 1e7),
        false,
        "military spending, bn USD a year",
    ),
    (
        "autocracy",
        Ty::Num(0.0, 1.0),
        false,
        "0 democratic, 1 closed autocracy",
    ),
    (
        "sovereignty",
        Ty::Num(0.0, 1.0),
        false,
        "attachment to sovereignty norms",
    ),
    (
        "nationalism",
        Ty::Num(0.0, 1.0),
        false,
        "sensitivity to domination by one patron",
    ),
    (
        "threat",
        Ty::Num(0.0, 1.0),
        false,
        "standing external threat",
    ),
    (
        "non_interference",
        Ty::Num(0.0, 1.0),
        false,
        "a patron's respect for non-interference",
    ),
    (
        "coercion",
        Ty::Num(0.0, 10.0),
        false,
        "pressure a patron suffers from other powers at the start",
    ),
    (
        "alignment",
        Ty::ByPatron(0.0, 1.0),
        false,
        "initial shares toward each patron, summing to 1",
    ),
    (
        "leaning",
        Ty::ByPatron(-2.0, 2.0),
        false,
        "the leader's own leaning toward each patron",
    ),
    (
        "sco",
        Ty::Text,
        false,
        "\"member\", \"observer\", \"applicant\" or \"none\"",
    ),
    ("csto", Ty::Bool, false, "CSTO member"),
    ("eeu", Ty::Bool, false, "Eurasian Economic Union member"),
    ("lens", Ty::Text, false, "this actor's decision rule"),
    ("neighbours", Ty::Ids, false, "the actors this one borders"),
    (
        "minority",
        Ty::ByPatron(0.0, 1.0),
        false,
        "share of the population of each patron's nationality",
    ),
    (
        "un_sanctioned",
        Ty::Bool,
        false,
        "under UN Security Council sanctions at the start",
    ),
    (
        "decision",
        Ty::Text,
        false,
        "a patron's offers: \"scripted\" or \"strategic\"",
    ),
    (
        "budget",
        Ty::Table,
        false,
        "a strategic patron's yearly budgets: credit_bn, aid_bn, rent_musd",
    ),
];

/// `[[ties]]`.
pub const TIE: &[Key] = &[
    ("state", Ty::Text, true, "state id"),
    ("patron", Ty::Text, true, "patron id"),
    (
        "trade_bn",
        Ty::Num(0.0, 1e7),
        false,
        "trade turnover, bn USD a year",
    ),
    (
        "trade_growth",
        Ty::Num(-0.9, 2.0),
        false,
        "trade growth per year, fraction",
    ),
    ("aid_bn", Ty::Num(0.0, 1e7), false, "aid, bn USD a year"),
    (
        "remittances_bn",
        Ty::Num(0.0, 1e7),
        false,
        "migrants' remittances from the patron, bn USD a year",
    ),
    (
        "debt_bn",
        Ty::Num(0.0, 1e7),
        false,
        "debt owed to the patron, bn USD",
    ),
    (
        "security",
        Ty::Num(0.0, 1.0),
        false,
        "security the patron provides, 0-1",
    ),
    (
        "pressure",
        Ty::Num(0.0, 10.0),
        false,
        "the patron's pressure on the regime",
    ),
];

/// `[[relations]]`.
pub const RELATION: &[Key] = &[
    ("a", Ty::Text, true, "actor id"),
    ("b", Ty::Text, true, "actor id"),
    (
        "affinity",
        Ty::Num(-1.0, 1.0),
        true,
        "how much a wants b in the SCO (enlargement bargaining)",
    ),
];

/// `[[bases]]`.
pub const BASE: &[Key] = &[
    ("id", Ty::Text, true, "unique id"),
    ("name", Ty::Text, false, "display name"),
    ("host", Ty::Text, true, "host state id"),
    ("user", Ty::Text, true, "user patron id"),
    (
        "rent_musd",
        Ty::Num(0.0, 1e7),
        true,
        "rent, million USD a year",
    ),
    (
        "user_aid_musd",
        Ty::Num(0.0, 1e7),
        false,
        "aid tied to the base, million USD a year",
    ),
    (
        "security_value",
        Ty::Num(0.0, 1.0),
        false,
        "security the base gives the host, 0-1",
    ),
    (
        "worth_musd",
        Ty::Num(0.0, 1e7),
        true,
        "the most the user pays a year to keep it, million USD",
    ),
    (
        "lease_end",
        Ty::Date,
        false,
        "end of the lease, \"YYYY-MM\"",
    ),
    (
        "notice_months",
        Ty::Num(0.0, 120.0),
        false,
        "the lease's notice; without lease_end: open-ended",
    ),
    ("open", Ty::Bool, false, "open at the start (default true)"),
];

/// `[[loans]]`.
pub const LOAN: &[Key] = &[
    ("id", Ty::Text, true, "unique id"),
    ("lender", Ty::Text, true, "lender id"),
    ("borrower", Ty::Text, true, "borrower id"),
    (
        "outstanding_bn",
        Ty::Num(0.0, 1e7),
        true,
        "outstanding at the start, bn USD",
    ),
    (
        "term_years",
        Ty::Num(0.5, 100.0),
        false,
        "repayment term, years",
    ),
];

/// `[[energy_deals]]`.
pub const DEAL: &[Key] = &[
    ("id", Ty::Text, true, "unique id"),
    ("supplier", Ty::Text, true, "supplier id"),
    ("buyer", Ty::Text, true, "buyer id"),
    (
        "volume_bcm",
        Ty::Num(1e-9, 1e7),
        true,
        "volume, bcm a year (more than 0)",
    ),
    (
        "supplier_min_usd",
        Ty::Num(0.0, 1e7),
        true,
        "supplier's minimum price, USD per 1000 m3",
    ),
    (
        "buyer_max_usd",
        Ty::Num(0.0, 1e7),
        true,
        "buyer's maximum price, USD per 1000 m3",
    ),
    (
        "buyer_max_drift_per_year",
        Ty::Num(-1000.0, 1000.0),
        false,
        "yearly change of the buyer's maximum, USD",
    ),
    ("route", Ty::Ids, false, "transit states, in order"),
    (
        "route_km",
        Ty::Nums,
        false,
        "km of route in each transit state (required with route)",
    ),
    ("signed", Ty::Bool, false, "signed at the start"),
    (
        "deliveries_start",
        Ty::Date,
        false,
        "first deliveries of a signed deal, \"YYYY-MM\"",
    ),
    (
        "build_months",
        Ty::Num(0.0, 240.0),
        false,
        "months from signing to deliveries",
    ),
];

/// `[[outcomes]]`.
pub const OUTCOME: &[Key] = &[
    ("id", Ty::Text, true, "unique id (a column of sweep.csv)"),
    (
        "kind",
        Ty::Text,
        true,
        "what it checks (member, closure_ordered, index_change, ...)",
    ),
    ("actor", Ty::Text, false, "actor id"),
    ("patron", Ty::Text, false, "patron id"),
    ("base", Ty::Text, false, "base id"),
    ("deal", Ty::Text, false, "energy deal id"),
    ("loan", Ty::Text, false, "loan id"),
    (
        "threshold",
        Ty::Num(0.0, 10.0),
        false,
        "threshold, 0-1 (security_lead's margin: 0-10)",
    ),
    (
        "actors",
        Ty::Ids,
        false,
        "actor ids (joined_together, security_lead)",
    ),
    ("over", Ty::Text, false, "the other patron (security_lead)"),
    ("index", Ty::Text, false, "index name (index_change)"),
    ("direction", Ty::Text, false, "\"up\" or \"down\""),
    (
        "min_change",
        Ty::Num(0.0, 1.0),
        false,
        "least change that counts",
    ),
    ("from", Ty::Date, false, "window start, \"YYYY-MM\""),
    ("by", Ty::Date, false, "window end, \"YYYY-MM\""),
    ("label", Ty::Text, false, "what it means, in words"),
    (
        "episode",
        Ty::Text,
        false,
        "the episode it scores, for compare's class handout",
    ),
];

/// `[[checks]]`.
pub const CHECK: &[Key] = &[
    ("fact", Ty::Text, true, "which stylized fact it tests"),
    ("outcome", Ty::Text, true, "an [[outcomes]] id"),
    ("expect", Ty::Text, true, "\"holds\" or \"fails\""),
    (
        "without",
        Ty::OneOrMany,
        false,
        "scripted event(s) to remove: a counterfactual",
    ),
    (
        "set",
        Ty::OneOrMany,
        false,
        "with `without`: parameter change(s) on top, \"key=value\" as --set takes them",
    ),
    (
        "threshold",
        Ty::Num(0.0, 1.0),
        true,
        "share of runs needed to pass",
    ),
    (
        "date",
        Ty::Date,
        false,
        "historical date of a dated check, \"YYYY-MM\"",
    ),
    (
        "tolerance_months",
        Ty::Num(0.0, 1200.0),
        false,
        "largest error of the median date that passes",
    ),
    ("source", Ty::Text, false, "where the date comes from"),
    (
        "known_failure",
        Ty::Text,
        false,
        "why the line is known to fail",
    ),
];

/// `[sweep]`.
pub const SWEEP: &[Key] = &[
    (
        "design",
        Ty::Text,
        false,
        "\"grid\", \"lhs\", \"random\", \"morris\" or \"saltelli\"",
    ),
    (
        "samples",
        Ty::Int(1, MAX_POINTS as i64),
        false,
        "points to sample",
    ),
    (
        "runs",
        Ty::Int(1, MAX_RUNS_PER_POINT as i64),
        false,
        "runs per point",
    ),
    ("axes", Ty::Any, false, "[[sweep.axes]]: key and values"),
];

/// `[[events]]`: the keys any event kind may take (each kind takes the subset `EVENT_KEYS`
/// lists), with their meaning.
pub const EVENT: &[Key] = &[
    (
        "id",
        Ty::Text,
        false,
        "id (to name the event in --without and in checks)",
    ),
    ("date", Ty::Date, true, "month it happens, \"YYYY-MM\""),
    (
        "kind",
        Ty::Text,
        true,
        "what happens (loan_offer, sanctions, exercise, ...)",
    ),
    ("note", Ty::Text, false, "a note shown in the log"),
    ("actor", Ty::Text, false, "actor id"),
    ("by", Ty::Text, false, "acting actor id"),
    ("target", Ty::Text, false, "target actor id"),
    ("lender", Ty::Text, false, "lender id"),
    ("borrower", Ty::Text, false, "borrower id"),
    ("donor", Ty::Text, false, "donor patron id"),
    ("recipient", Ty::Text, false, "recipient state id"),
    ("state", Ty::Text, false, "state id"),
    ("patron", Ty::Text, false, "patron id"),
    ("against", Ty::Text, false, "patron id"),
    ("base", Ty::Text, false, "base id"),
    ("loan", Ty::Text, false, "loan id"),
    ("deal", Ty::Text, false, "energy deal id"),
    ("participants", Ty::Ids, false, "actor ids"),
    ("amount_bn", Ty::Num(0.0, 1e7), false, "amount, bn USD"),
    (
        "grant_bn",
        Ty::Num(0.0, 1e7),
        false,
        "outright grant, bn USD",
    ),
    (
        "grant_element",
        Ty::Num(0.0, 1.0),
        false,
        "grant element of credit, fraction",
    ),
    (
        "term_years",
        Ty::Num(0.5, 100.0),
        false,
        "repayment term, years",
    ),
    (
        "close_base",
        Ty::Text,
        false,
        "base the offer asks to close",
    ),
    (
        "join",
        Ty::Text,
        false,
        "\"EEU\": the offer asks the borrower to join",
    ),
    (
        "rent_musd",
        Ty::Num(0.0, 1e7),
        false,
        "rent, million USD a year",
    ),
    (
        "aid_musd",
        Ty::Num(0.0, 1e7),
        false,
        "tied aid, million USD a year",
    ),
    (
        "severity",
        Ty::Num(0.0, 10.0),
        false,
        "severity, 0 to 1 (backlash: 0 to 10, in units of nationalism); the loader checks the \
         range of the event's kind",
    ),
    ("intensity", Ty::Num(0.0, 10.0), false, "intensity"),
    ("rate", Ty::Num(-0.9, 2.0), false, "yearly rate"),
    (
        "leaning",
        Ty::ByPatron(-2.0, 2.0),
        false,
        "the new leader's leanings",
    ),
    ("autocracy", Ty::Num(0.0, 1.0), false, "the new autocracy"),
    (
        "base_pressure",
        Ty::Num(0.0, 10.0),
        false,
        "collective SCO pressure on foreign bases",
    ),
    (
        "supplier_min_usd",
        Ty::Num(0.0, 1e7),
        false,
        "new supplier minimum, USD",
    ),
    (
        "buyer_max_usd",
        Ty::Num(0.0, 1e7),
        false,
        "new buyer maximum, USD",
    ),
    ("factor", Ty::Num(0.0, 10.0), false, "multiplier"),
    (
        "non_interference",
        Ty::Num(0.0, 1.0),
        false,
        "a patron's new non-interference",
    ),
    ("lifted", Ty::Bool, false, "UN sanctions lifted"),
    (
        "income_musd",
        Ty::Num(0.0, 100_000.0),
        false,
        "a project's yearly income, million USD",
    ),
    (
        "build_months",
        Ty::Num(0.0, 600.0),
        false,
        "months to build",
    ),
];

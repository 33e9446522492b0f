//! Key paths: the numeric values of a scenario that `--set` and sweeps can change (docs/sweeps.md
//! lists every settable field, per event kind and per table, and the numbers that are not).
//!
//! | key path | what it changes |
//! |---|---|
//! | `SECTION.NAME` | a model parameter, e.g. `decision.money_weight` (`simulate explain params` lists them) |
//! | `events.ID.FIELD` | a number in the scripted event with that id, e.g. `events.rus_credit_2009.amount_bn`, `events.annexation_2022.severity` (`event_field` lists them per kind) |
//! | `actors.ID.FIELD` | an actor's starting attribute: `gdp_bn`, `gdp_growth`, `autocracy`, `sovereignty`, `nationalism`, `threat` |
//! | `ties.STATE.PATRON.FIELD` | a tie: `trade_bn`, `trade_growth`, `aid_bn`, `remittances_bn`, `debt_bn`, `security`, `pressure` |
//! | `bases.ID.FIELD` | a base: `rent_musd`, `user_aid_musd`, `security_value`, `worth_musd` |
//! | `deals.ID.FIELD` | an energy deal: `volume_bcm`, `supplier_min_usd`, `buyer_max_usd`, `buyer_max_drift_per_year` |
//!
//! Each value is checked against the same range the scenario file accepts; an unknown key or a
//! value out of range is an error before anything runs.

use crate::error::closest;
use crate::params::Params;
use crate::scenario::experiment::{Axis, ValuesError, parse_values};
use crate::scenario::validate::shown;
use crate::scenario::{EventKind, Scenario};

/// A key path that cannot be set.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KeyError {
    /// No such key.
    #[error("unknown key `{key}`\n  help: {help}")]
    Unknown {
        /// The key as given.
        key: String,
        /// What would be valid here.
        help: String,
    },
    /// The value is outside the key's range.
    #[error(
        "{key} = {} is outside the valid range {} to {}\n  help: choose a value in range",
        shown(*value),
        shown(*min),
        shown(*max)
    )]
    OutOfRange {
        /// The key.
        key: String,
        /// The value given.
        value: f64,
        /// Smallest valid value.
        min: f64,
        /// Largest valid value.
        max: f64,
    },
}

/// A swept key and its values that cannot make an axis.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AxisError {
    /// The key cannot be set.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The values cannot be read.
    #[error(transparent)]
    Values(#[from] ValuesError),
    /// The values reach outside the key's range.
    #[error(
        "values reach outside the valid range of {key}, {min} to {max}\n  help: keep the swept values within the range"
    )]
    OutOfRange {
        /// The key.
        key: String,
        /// Smallest valid value.
        min: f64,
        /// Largest valid value.
        max: f64,
    },
}

/// The axis that sweeps `key` over `text` (`min:max:step`, `a,b,c`, or `min:max` when
/// `sampling`), checked against the key's range. The one reading of a swept key, for a
/// scenario's `[sweep]` table and the command line alike.
pub fn axis(sc: &Scenario, key: &str, text: &str, sampling: bool) -> Result<Axis, AxisError> {
    let (min, max) = range(sc, key)?;
    let values = parse_values(text, sampling)?;
    if let Some((lo, hi)) = values.bounds()
        && (lo < min || hi > max)
    {
        return Err(AxisError::OutOfRange {
            key: key.to_string(),
            min,
            max,
        });
    }
    Ok(Axis {
        key: key.to_string(),
        values,
    })
}

/// The top of an amount's range: the limit on any number in a scenario.
const BIG: f64 = crate::scenario::validate::MAX_NUMBER;

/// Splits a change written `KEY=VALUE` (as `--set` and a check's `set` take it) into its key and
/// value, trimmed; `None` unless both are there.
pub fn split_setting(item: &str) -> Option<(&str, &str)> {
    let (k, v) = item.split_once('=')?;
    let (k, v) = (k.trim(), v.trim());
    (!k.is_empty() && !v.is_empty()).then_some((k, v))
}

/// Sets `key` to `value` in `sc`.
pub fn set(sc: &mut Scenario, key: &str, value: f64) -> Result<(), KeyError> {
    let (slot, min, max) = match locate(sc, key) {
        Ok(found) => found,
        Err(e) => return Err(suggest(sc, e)),
    };
    if !value.is_finite() || value < min || value > max {
        return Err(KeyError::OutOfRange {
            key: key.to_string(),
            value,
            min,
            max,
        });
    }
    *slot = value;
    Ok(())
}

/// The current value of `key` in `sc`.
pub fn get(sc: &mut Scenario, key: &str) -> Result<f64, KeyError> {
    match locate(sc, key) {
        Ok((slot, _, _)) => Ok(*slot),
        Err(e) => Err(suggest(sc, e)),
    }
}

/// Checks that `key` exists in `sc` and returns its valid range.
pub fn range(sc: &Scenario, key: &str) -> Result<(f64, f64), KeyError> {
    let mut copy = sc.clone();
    locate(&mut copy, key)
        .map(|(_, min, max)| (min, max))
        .map_err(|e| suggest(sc, e))
}

/// "`meant`" when it is a key of `sc`, else "the `what` `id`": the id was a slip, but the field
/// may not be one that the `what` has.
fn or_id(sc: &Scenario, meant: String, what: &str, id: &str) -> String {
    if locate(&mut sc.clone(), &meant).is_ok() {
        format!("`{meant}`")
    } else {
        format!("the {what} `{id}`")
    }
}

/// An unknown key's error with the key the user most likely meant, when one is a slip of the
/// keyboard away (`decision.money_weigth`, an event id with a typo) or a parameter's name given
/// without its section (`money_weight`).
fn suggest(sc: &Scenario, e: KeyError) -> KeyError {
    let KeyError::Unknown { key, help } = e else {
        return e;
    };
    let params = || Params::specs().iter().map(|s| s.key);
    let parts: Vec<&str> = key.split('.').collect();
    let meant: Option<String> = match parts.as_slice() {
        // A parameter's name without its section, as given or with a slip.
        [name] => {
            let short = |k: &'static str| k.rsplit_once('.').map_or(k, |(_, n)| n);
            let n = if params().any(|k| short(k) == *name) {
                Some(*name)
            } else {
                closest(name, params().map(short))
            };
            n.and_then(|n| params().find(|&k| short(k) == n))
                .map(|k| format!("`{k}`"))
        }
        [
            section @ ("events" | "actors" | "bases" | "deals"),
            id,
            field,
        ] => {
            let ids: Vec<&str> = match *section {
                "events" => sc.events.iter().filter_map(|e| e.id.as_deref()).collect(),
                "actors" => sc.actors.iter().map(|a| a.id.as_str()).collect(),
                "bases" => sc.bases.iter().map(|b| b.id.as_str()).collect(),
                _ => sc.deals.iter().map(|d| d.id.as_str()).collect(),
            };
            // An id that exists is not a slip: the field is, and the help lists the fields.
            let what = section.trim_end_matches('s');
            (!ids.contains(id))
                .then(|| closest(id, ids.iter().copied()))
                .flatten()
                .map(|m| or_id(sc, format!("{section}.{m}.{field}"), what, m))
        }
        ["ties", state, patron, field] => {
            // Each id as given when it is one, else the one it is a slip of.
            let ids = || sc.actors.iter().map(|a| a.id.as_str());
            let fix = |id: &str| match ids().find(|&a| a == id) {
                Some(a) => Some(a),
                None => closest(id, ids()),
            };
            match (fix(state), fix(patron)) {
                (Some(s), Some(p)) if (s, p) != (*state, *patron) => {
                    let meant = format!("ties.{s}.{p}.{field}");
                    locate(&mut sc.clone(), &meant)
                        .is_ok()
                        .then(|| format!("`{meant}`"))
                }
                _ => None,
            }
        }
        _ => closest(&key, params()).map(|k| format!("`{k}`")),
    };
    let help = match meant {
        Some(m) => format!("did you mean {m}? {help}"),
        None => help,
    };
    KeyError::Unknown { key, help }
}

fn unknown(key: &str, help: impl Into<String>) -> KeyError {
    KeyError::Unknown {
        key: key.to_string(),
        help: help.into(),
    }
}

fn ids<'a>(it: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = it.collect();
    if v.is_empty() {
        "(none)".to_string()
    } else {
        v.join(", ")
    }
}

/// The slot `key` names, with its valid range.
fn locate<'a>(sc: &'a mut Scenario, key: &str) -> Result<(&'a mut f64, f64, f64), KeyError> {
    let parts: Vec<&str> = key.split('.').collect();
    match parts.as_slice() {
        ["events", id, field] => event_field(sc, key, id, field),
        ["actors", id, field] => {
            let Some(a) = sc.actor_index(id) else {
                return Err(unknown(
                    key,
                    format!(
                        "actor ids: {}",
                        ids(sc.actors.iter().map(|a| a.id.as_str()))
                    ),
                ));
            };
            let w = &mut sc.initial;
            Ok(match *field {
                "gdp_bn" => (&mut w.gdp[a], 1e-6, BIG),
                "gdp_growth" => (&mut w.gdp_growth[a], -0.5, 0.5),
                "autocracy" => (&mut w.autocracy[a], 0.0, 1.0),
                "sovereignty" => (&mut w.sovereignty[a], 0.0, 1.0),
                "nationalism" => (&mut w.nationalism[a], 0.0, 1.0),
                "threat" => (&mut w.threat_base[a], 0.0, 1.0),
                _ => {
                    return Err(unknown(
                        key,
                        "actor fields: gdp_bn, gdp_growth, autocracy, sovereignty, nationalism, threat",
                    ));
                }
            })
        }
        ["ties", state, patron, field] => {
            // A tie joins a state to a patron, as in [[ties]].
            let state = sc
                .actor_index(state)
                .filter(|&s| sc.actors[s].role == crate::scenario::Role::State);
            let (Some(s), Some(p)) = (state, sc.patron_slot(patron)) else {
                return Err(unknown(
                    key,
                    "write ties.STATE.PATRON.FIELD with a state id and a patron id",
                ));
            };
            // The tie's debt includes what the pair's named loans still owe at the start (the
            // loader adds their `outstanding_bn`): it cannot be set below that.
            let patron = sc.patrons[p];
            let named: f64 = (sc.loans.iter().zip(&sc.initial.loans))
                .filter(|(info, _)| info.borrower == s && info.lender == patron)
                .map(|(_, state)| state.outstanding_bn)
                .sum();
            let w = &mut sc.initial;
            let k = w.ix(s, p);
            Ok(match *field {
                "trade_bn" => (&mut w.trade[k], 0.0, BIG),
                "trade_growth" => (&mut w.trade_growth[k], -0.9, 2.0),
                "aid_bn" => (&mut w.aid[k], 0.0, BIG),
                "remittances_bn" => (&mut w.remittances[k], 0.0, BIG),
                "debt_bn" => (&mut w.debt[k], named, BIG),
                "security" => (&mut w.security[k], 0.0, 1.0),
                "pressure" => (&mut w.pressure[k], 0.0, 10.0),
                _ => {
                    return Err(unknown(
                        key,
                        "tie fields: trade_bn, trade_growth, aid_bn, remittances_bn, debt_bn, security, pressure",
                    ));
                }
            })
        }
        ["bases", id, field] => {
            let Some(b) = sc.bases.iter().position(|b| b.id == *id) else {
                return Err(unknown(
                    key,
                    format!("base ids: {}", ids(sc.bases.iter().map(|b| b.id.as_str()))),
                ));
            };
            Ok(match *field {
                "rent_musd" => (&mut sc.initial.bases[b].rent_musd, 0.0, BIG),
                "user_aid_musd" => (&mut sc.initial.bases[b].user_aid_musd, 0.0, BIG),
                "security_value" => (&mut sc.bases[b].security_value, 0.0, 1.0),
                "worth_musd" => (&mut sc.bases[b].worth_musd, 0.0, BIG),
                _ => {
                    return Err(unknown(
                        key,
                        "base fields: rent_musd, user_aid_musd, security_value, worth_musd",
                    ));
                }
            })
        }
        ["deals", id, field] => {
            let Some(d) = sc.deals.iter().position(|d| d.id == *id) else {
                return Err(unknown(
                    key,
                    format!("deal ids: {}", ids(sc.deals.iter().map(|d| d.id.as_str()))),
                ));
            };
            Ok(match *field {
                "volume_bcm" => (&mut sc.deals[d].volume_bcm, 1e-9, BIG),
                "supplier_min_usd" => (&mut sc.initial.deals[d].supplier_min_usd, 0.0, BIG),
                "buyer_max_usd" => (&mut sc.initial.deals[d].buyer_max_usd, 0.0, BIG),
                "buyer_max_drift_per_year" => {
                    (&mut sc.deals[d].buyer_max_drift_per_year, -1000.0, 1000.0)
                }
                _ => {
                    return Err(unknown(
                        key,
                        "deal fields: volume_bcm, supplier_min_usd, buyer_max_usd, buyer_max_drift_per_year",
                    ));
                }
            })
        }
        [section, name] => {
            let full = format!("{section}.{name}");
            let Some(spec) = Params::specs().iter().find(|s| s.key == full) else {
                return Err(unknown(
                    key,
                    "run `simulate explain params` for parameter keys; scenario values are events.ID.FIELD, actors.ID.FIELD, ties.STATE.PATRON.FIELD, bases.ID.FIELD, deals.ID.FIELD",
                ));
            };
            let (min, max) = (spec.min, spec.max);
            match sc.params.get_mut(&full) {
                Some(slot) => Ok((slot, min, max)),
                None => Err(unknown(
                    key,
                    "run `simulate explain params` to list parameters",
                )),
            }
        }
        _ => Err(unknown(
            key,
            "key paths are SECTION.NAME (parameters), events.ID.FIELD, actors.ID.FIELD, ties.STATE.PATRON.FIELD, bases.ID.FIELD or deals.ID.FIELD",
        )),
    }
}

fn event_field<'a>(
    sc: &'a mut Scenario,
    key: &str,
    id: &str,
    field: &str,
) -> Result<(&'a mut f64, f64, f64), KeyError> {
    let known = ids(sc.events.iter().filter_map(|e| e.id.as_deref()));
    let Some(ev) = sc.events.iter_mut().find(|e| e.id.as_deref() == Some(id)) else {
        return Err(unknown(key, format!("event ids: {known}")));
    };
    let kind = ev.kind.name();
    if event_slot(&mut ev.kind, field).is_none() {
        // What this kind of event lets a user set, found by asking the same match for each name.
        let mut probe = ev.kind.clone();
        let settable: Vec<&str> = EVENT_FIELDS
            .iter()
            .copied()
            .filter(|f| event_slot(&mut probe, f).is_some())
            .collect();
        let help = if settable.is_empty() {
            format!(
                "an event of kind `{kind}` has no number to set; `--without {id}` drops it (docs/sweeps.md lists the settable fields of each kind)"
            )
        } else {
            format!(
                "an event of kind `{kind}` has no settable field `{field}`; its settable fields: {}",
                settable.join(", ")
            )
        };
        return Err(unknown(key, help));
    }
    // Found above; asked again because a borrow returned on one path only cannot be kept.
    event_slot(&mut ev.kind, field).ok_or_else(|| unknown(key, "no such field"))
}

/// Every field name [`event_slot`] knows, for listing a kind's settable fields.
const EVENT_FIELDS: [&str; 9] = [
    "amount_bn",
    "grant_bn",
    "rent_musd",
    "severity",
    "intensity",
    "base_pressure",
    "rate",
    "factor",
    "non_interference",
];

/// The number `field` names in an event of this kind, with its range, or `None`.
fn event_slot<'a>(kind: &'a mut EventKind, field: &str) -> Option<(&'a mut f64, f64, f64)> {
    Some(match (kind, field) {
        (EventKind::LoanOffer { amount_bn, .. }, "amount_bn") => (amount_bn, 0.0, BIG),
        (EventKind::LoanOffer { grant_bn, .. }, "grant_bn") => (grant_bn, 0.0, BIG),
        (EventKind::RentOffer { rent_musd, .. }, "rent_musd") => (rent_musd, 0.0, BIG),
        (EventKind::DebtRelief { amount_bn, .. }, "amount_bn") => (amount_bn, 0.0, BIG),
        (EventKind::Aid { amount_bn, .. }, "amount_bn") => (amount_bn, 0.0, BIG),
        (EventKind::Sanctions { severity, .. }, "severity") => (severity, 0.0, 1.0),
        (EventKind::DemocracyPromotion { intensity, .. }, "intensity") => (intensity, 0.0, 10.0),
        (EventKind::Terror { severity, .. }, "severity") => (severity, 0.0, 1.0),
        (EventKind::Declaration { base_pressure }, "base_pressure") => (base_pressure, 0.0, 10.0),
        (EventKind::TradeGrowth { rate, .. }, "rate") => (rate, -0.9, 2.0),
        (EventKind::Backlash { severity, .. }, "severity") => (severity, 0.0, 10.0),
        (EventKind::RemittanceShock { factor, .. }, "factor") => (factor, 0.0, 10.0),
        (EventKind::UseOfForce { severity, .. }, "severity") => (severity, 0.0, 1.0),
        (EventKind::SecondarySanctions { severity, .. }, "severity") => (severity, 0.0, 1.0),
        (EventKind::Unrest { severity, .. }, "severity") => (severity, 0.0, 1.0),
        (
            EventKind::NormsChange {
                non_interference, ..
            },
            "non_interference",
        ) => (non_interference, 0.0, 1.0),
        (EventKind::Infrastructure { amount_bn, .. }, "amount_bn") => (amount_bn, 0.0, 1000.0),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::mechanisms::testkit;

    #[test]
    fn sets_parameters_and_scenario_values() {
        let mut sc = testkit::manas_world(2.0, 0.15, 17.4).sc;
        set(&mut sc, "decision.money_weight", 12.0).unwrap();
        assert_eq!(sc.params.decision.money_weight, 12.0);
        set(&mut sc, "events.rus_credit.amount_bn", 3.5).unwrap();
        assert_eq!(get(&mut sc, "events.rus_credit.amount_bn").unwrap(), 3.5);
        set(&mut sc, "bases.manas.worth_musd", 99.0).unwrap();
        assert_eq!(sc.bases[0].worth_musd, 99.0);
        set(&mut sc, "actors.KGZ.nationalism", 0.9).unwrap();
        set(&mut sc, "ties.KGZ.RUS.trade_bn", 2.0).unwrap();
        // A tie is between a state and a patron, as in [[ties]].
        assert!(set(&mut sc, "ties.USA.RUS.trade_bn", 2.0).is_err());
        let k = sc.initial.ix(
            sc.actor_index("KGZ").unwrap(),
            sc.patron_slot("RUS").unwrap(),
        );
        assert_eq!(sc.initial.trade[k], 2.0);
    }

    fn shipped(name: &str) -> Scenario {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(format!("{name}.toml"));
        Scenario::load(&path).expect("shipped scenario")
    }

    #[test]
    fn an_unknown_event_field_lists_the_fields_of_its_kind() {
        let mut sc = testkit::manas_world(2.0, 0.15, 17.4).sc;
        let e = set(&mut sc, "events.rus_credit.amount", 3.0).unwrap_err();
        let help = e.to_string();
        assert!(
            help.contains("its settable fields: amount_bn, grant_bn"),
            "{help}"
        );
    }

    #[test]
    fn a_slip_in_an_id_gets_the_key_meant() {
        let sc = shipped("sco2001");
        let help = |key: &str| range(&sc, key).unwrap_err().to_string();
        assert!(help("actors.kgz.gdp_bn").contains("did you mean `actors.KGZ.gdp_bn`?"));
        assert!(help("ties.kgz.rus.trade_bn").contains("did you mean `ties.KGZ.RUS.trade_bn`?"));
        assert!(help("bases.MANAS.worth_musd").contains("did you mean `bases.manas.worth_musd`?"));
        // The id was a slip, but the kind of event has no such field: the event is named.
        let e = help("events.rus_credit_2009x.severity");
        assert!(
            e.contains("did you mean the event `rus_credit_2009`?"),
            "{e}"
        );
        // An id that exists with a wrong field is not taken for a slip of another id.
        let e = help("actors.KGZ.military_bn");
        assert!(!e.contains("did you mean"), "{e}");
    }

    #[test]
    fn a_debt_tie_cannot_be_set_below_its_named_loans() {
        // sco2001 lends KGZ 0.5 bn from RUS as a named loan; the tie's debt includes it, and
        // amortisation moves the loan's share of the tie: a tie below it would owe less than
        // the loan.
        let mut sc = shipped("sco2001");
        let key = "ties.KGZ.RUS.debt_bn";
        let (min, _) = range(&sc, key).unwrap();
        let loan = sc
            .loans
            .iter()
            .position(|l| l.id == "kgz_rus_debt")
            .unwrap();
        assert!(min > 0.0 && min == sc.initial.loans[loan].outstanding_bn);
        assert!(get(&mut sc, key).unwrap() >= min);
        let err = set(&mut sc, key, 0.0).unwrap_err();
        assert!(matches!(err, KeyError::OutOfRange { .. }), "{err}");
        set(&mut sc, key, min + 1.0).unwrap();
        assert_eq!(get(&mut sc, key).unwrap(), min + 1.0);
        // Another pair has no named loan: its debt can be set to zero.
        set(&mut sc, "ties.KGZ.CHN.debt_bn", 0.0).unwrap();
    }

    #[test]
    fn the_severity_of_force_and_of_secondary_sanctions_can_be_set() {
        let mut sc = shipped("samarkand2022");
        for key in [
            "events.annexation_2022.severity",
            "events.secondary_sanctions_2023.severity",
        ] {
            set(&mut sc, key, 0.25).unwrap();
            assert_eq!(get(&mut sc, key).unwrap(), 0.25, "{key}");
            assert!(set(&mut sc, key, 1.5).is_err(), "{key} above its range");
        }
    }

    #[test]
    fn rejects_unknown_keys_and_values_out_of_range() {
        let mut sc = testkit::manas_world(2.0, 0.15, 17.4).sc;
        assert!(matches!(
            set(&mut sc, "decision.nonsense", 1.0),
            Err(KeyError::Unknown { .. })
        ));
        assert!(matches!(
            set(&mut sc, "events.nope.amount_bn", 1.0),
            Err(KeyError::Unknown { .. })
        ));
        assert!(matches!(
            set(&mut sc, "events.rus_credit.severity", 1.0),
            Err(KeyError::Unknown { .. })
        ));
        assert!(matches!(
            set(&mut sc, "decision.temperature", -1.0),
            Err(KeyError::OutOfRange { .. })
        ));
        assert!(matches!(
            set(&mut sc, "actors.KGZ.autocracy", 1.5),
            Err(KeyError::OutOfRange { .. })
        ));
    }
}

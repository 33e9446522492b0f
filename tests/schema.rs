//! The scenario format's JSON Schema (schema/scenario.schema.json): the shipped file is what
//! `simulate schema` prints, every shipped and test scenario validates against it, each shipped
//! scenario names it on its first line for TOML editors, and a scenario with a misspelt key or an
//! impossible value does not validate.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::Value;

fn schema() -> Value {
    serde_json::from_str(&read(&manifest_dir().join("schema/scenario.schema.json")))
        .expect("the shipped schema is JSON")
}

/// The errors of `v` against the subset of JSON Schema the scenario schema uses (type, enum,
/// pattern of dates, minimum and maximum, properties, required, additionalProperties, items,
/// anyOf), each with the path to the value.
fn errors(schema: &Value, v: &Value, path: &str, out: &mut Vec<String>) {
    if let Some(any) = schema.get("anyOf").and_then(Value::as_array) {
        let ok = any.iter().any(|s| {
            let mut e = Vec::new();
            errors(s, v, path, &mut e);
            e.is_empty()
        });
        if !ok {
            out.push(format!("{path}: matches none of the allowed forms"));
        }
        return;
    }
    if let Some(t) = schema.get("type").and_then(Value::as_str) {
        let ok = match t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "number" => v.is_number(),
            "integer" => v.is_i64() || v.is_u64(),
            "boolean" => v.is_boolean(),
            _ => true,
        };
        if !ok {
            out.push(format!("{path}: expected {t}, found {v}"));
            return;
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array)
        && !options.contains(v)
    {
        out.push(format!("{path}: {v} is not one of the allowed values"));
    }
    if let (Some(p), Some(s)) = (schema.get("pattern"), v.as_str()) {
        // The one pattern the schema uses: a month, YYYY-MM.
        assert_eq!(p, "^[0-9]{4}-(0[1-9]|1[0-2])$");
        let b = s.as_bytes();
        let ok = b.len() == 7
            && b[..4].iter().all(u8::is_ascii_digit)
            && b[4] == b'-'
            && matches!(
                &s[5..],
                "01" | "02" | "03" | "04" | "05" | "06" | "07" | "08" | "09" | "10" | "11" | "12"
            );
        if !ok {
            out.push(format!("{path}: `{s}` is not a month (YYYY-MM)"));
        }
    }
    if let Some(x) = v.as_f64() {
        if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
            && x < min
        {
            out.push(format!("{path}: {x} is below {min}"));
        }
        if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
            && x > max
        {
            out.push(format!("{path}: {x} is above {max}"));
        }
    }
    if let Some(obj) = v.as_object() {
        let props = schema.get("properties").and_then(Value::as_object);
        for req in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let k = req.as_str().unwrap();
            if !obj.contains_key(k) {
                out.push(format!("{path}: missing `{k}`"));
            }
        }
        for (k, x) in obj {
            let sub = format!("{path}.{k}");
            match props.and_then(|p| p.get(k)) {
                Some(s) => errors(s, x, &sub, out),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => out.push(format!("{sub}: unknown key")),
                    Some(s @ Value::Object(_)) => errors(s, x, &sub, out),
                    _ => {}
                },
            }
        }
    }
    if let (Some(items), Some(list)) = (schema.get("items"), v.as_array()) {
        for (i, x) in list.iter().enumerate() {
            errors(items, x, &format!("{path}[{i}]"), out);
        }
    }
}

fn validate(text: &str) -> Vec<String> {
    let toml: toml::Value = toml::from_str(text).expect("TOML");
    let json = serde_json::to_value(toml).expect("as JSON");
    let mut out = Vec::new();
    errors(&schema(), &json, "$", &mut out);
    out
}

#[test]
fn the_shipped_schema_is_what_simulate_schema_prints() {
    let o = run_in(&manifest_dir(), ["schema"]);
    o.expect_code(0);
    assert_eq!(
        o.stdout,
        read(&manifest_dir().join("schema/scenario.schema.json")),
        "schema/scenario.schema.json is stale: run `simulate schema > schema/scenario.schema.json`"
    );
}

#[test]
fn every_shipped_and_test_scenario_validates_and_names_the_schema() {
    let mut checked = 0;
    for dir in ["scenarios", "tests/scenarios"] {
        for entry in std::fs::read_dir(manifest_dir().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let text = read(&path);
            let errs = validate(&text);
            assert!(errs.is_empty(), "{}: {errs:?}", path.display());
            if dir == "scenarios" {
                assert!(
                    text.starts_with("#:schema ../schema/scenario.schema.json\n"),
                    "{} names the schema on its first line",
                    path.display()
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 5, "{checked}");
}

#[test]
fn a_misspelt_key_or_an_impossible_value_does_not_validate() {
    let good = read(&manifest_dir().join("scenarios/ufa2015.toml"));
    assert!(validate(&good).is_empty());
    let misspelt = good.replacen("gdp_bn =", "gdb_bn =", 1);
    assert!(
        validate(&misspelt)
            .iter()
            .any(|e| e.contains("gdb_bn: unknown key")),
        "{:?}",
        validate(&misspelt)
    );
    let impossible = good.replacen("autocracy = ", "autocracy = 7 # ", 1);
    assert!(
        validate(&impossible)
            .iter()
            .any(|e| e.contains("is above 1"))
    );
    let bad_date = good.replacen("start = \"2015-07\"", "start = \"2015-13\"", 1);
    assert!(
        validate(&bad_date)
            .iter()
            .any(|e| e.contains("is not a month"))
    );
}

//! Tables where the format asks for tables. Serde reads a table's keys from a TOML list by
//! position, so `budget = [2.5, 0.2]` would set the first two budget keys and `check` would call
//! the file fine: a value given by position is not a key named, and a misspelling or a slip of
//! order would pass unseen. Before the scenario is read, its TOML is walked beside the
//! format's JSON Schema (`scenario::schema`), and a list where a table belongs is an error at
//! that list.

use std::ops::Range;

use serde_json::Value;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The first list where a table belongs: its place, the message and the help. `None` when every
/// table is a table, or when the text is not TOML (the reader then says where it breaks).
pub(super) fn list_for_a_table(src: &str) -> Option<(Range<usize>, String, String)> {
    let doc = DeTable::parse(src).ok()?;
    let schema = crate::scenario::schema::schema();
    table(doc.get_ref(), &schema, "")
}

fn table(t: &DeTable<'_>, node: &Value, path: &str) -> Option<(Range<usize>, String, String)> {
    for (key, value) in t {
        let key = key.get_ref().as_ref();
        let child = node
            .get("properties")
            .and_then(|p| p.get(key))
            .or_else(|| node.get("additionalProperties").filter(|a| a.is_object()));
        if let Some(child) = child {
            let path = if path.is_empty() {
                key.to_string()
            } else {
                format!("{path}.{key}")
            };
            if let Some(found) = value_of(value, child, &path) {
                return Some(found);
            }
        }
    }
    None
}

fn value_of(
    v: &Spanned<DeValue<'_>>,
    node: &Value,
    path: &str,
) -> Option<(Range<usize>, String, String)> {
    match (node.get("type").and_then(Value::as_str), v.get_ref()) {
        (Some("object"), DeValue::Table(t)) => table(t, node, path),
        (Some("object"), DeValue::Array(_)) => {
            let keys: Vec<&str> = node
                .get("properties")
                .and_then(Value::as_object)
                .map(|p| p.keys().map(String::as_str).collect())
                .unwrap_or_default();
            const SHOWN: usize = 8;
            let example = match keys.len() {
                0 => String::new(),
                n if n <= SHOWN => format!(" (its keys: {})", keys.join(", ")),
                n => format!(
                    " (its keys: {}, and {} more)",
                    keys[..SHOWN].join(", "),
                    n - SHOWN
                ),
            };
            Some((
                v.span(),
                format!("`{path}` is a list, where a table is expected"),
                format!(
                    "write a table with its keys named, `{{ key = value, ... }}` or a `[...]` section{example}: values given by position are not read; see docs/scenario-format.md"
                ),
            ))
        }
        (Some("array"), DeValue::Array(items)) => {
            let item = node.get("items")?;
            items.iter().find_map(|x| value_of(x, item, path))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::list_for_a_table;

    #[test]
    fn a_list_where_a_table_belongs_is_named_and_located() {
        let ok =
            "[scenario]\nname = \"a\"\n[[actors]]\nid = \"USA\"\nbudget = { credit_bn = 1.0 }\n";
        assert!(list_for_a_table(ok).is_none());
        let budget = ok.replace("{ credit_bn = 1.0 }", "[1, 2]");
        let (span, msg, _) = list_for_a_table(&budget).unwrap_or_else(|| panic!("not found"));
        assert_eq!(msg, "`actors.budget` is a list, where a table is expected");
        assert_eq!(&budget[span], "[1, 2]");
        let header = "scenario = [\"a\", \"b\"]\n";
        let (_, msg, _) = list_for_a_table(header).unwrap_or_else(|| panic!("not found"));
        assert_eq!(msg, "`scenario` is a list, where a table is expected");
        // A list of lists where a list of tables belongs.
        let relations = "relations = [[\"USA\", \"RUS\", -0.5]]\n";
        let (_, msg, _) = list_for_a_table(relations).unwrap_or_else(|| panic!("not found"));
        assert_eq!(msg, "`relations` is a list, where a table is expected");
        // Lists of values stay lists; text that is not TOML is left to the reader.
        assert!(list_for_a_table("[[events]]\nparticipants = [\"RUS\", \"CHN\"]\n").is_none());
        assert!(list_for_a_table("[scenario\n").is_none());
    }
}

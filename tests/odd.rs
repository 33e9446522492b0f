//! docs/odd.md, the model in the ODD protocol, cannot drift from the code where it names
//! parameters: its "Submodels" element holds one table per parameter section, and each table
//! must be exactly the one [`Params::specs`] gives (key, default, valid range, unit), every
//! parameter listed once. When a parameter is added, renamed or its default changes, this test
//! fails and prints the table to paste (or run with `ODD_PRINT=1` to print them all).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use soft_balancing::params::Params;

/// The table of one section's parameters, as docs/odd.md must hold it.
fn table(section: &str) -> String {
    let mut t = String::from("| parameter | default | valid range | unit |\n|---|---|---|---|\n");
    for p in Params::specs()
        .iter()
        .filter(|p| p.key.split('.').next() == Some(section))
    {
        t.push_str(&format!(
            "| `{}` | {} | {} to {} | {} |\n",
            p.key, p.default, p.min, p.max, p.unit
        ));
    }
    t
}

fn sections() -> Vec<&'static str> {
    let mut s: Vec<&str> = Params::specs()
        .iter()
        .filter_map(|p| p.key.split('.').next())
        .collect();
    s.dedup();
    s
}

#[test]
fn odd_lists_every_parameter_with_the_codes_default_range_and_unit() {
    let doc = read(&manifest_dir().join("docs/odd.md"));
    if std::env::var_os("ODD_PRINT").is_some() {
        for s in sections() {
            println!("#### `{s}`\n\n{}", table(s));
        }
    }
    let mut stale = Vec::new();
    for s in sections() {
        let want = table(s);
        if !doc.contains(&want) {
            stale.push(format!(
                "docs/odd.md: the table of `{s}` is not the code's; paste this:\n\n{want}"
            ));
        }
    }
    assert!(stale.is_empty(), "\n{}", stale.join("\n"));
    // No stray parameter: every `section.name` row in a table is a parameter.
    for line in doc.lines().filter(|l| l.starts_with("| `")) {
        let key = line.trim_start_matches("| `").split('`').next().unwrap();
        if key.contains('.') && sections().contains(&key.split('.').next().unwrap()) {
            assert!(
                Params::specs().iter().any(|p| p.key == key),
                "docs/odd.md names `{key}`, which is not a parameter"
            );
        }
    }
}

#[test]
fn odd_has_the_seven_elements_in_order() {
    let doc = read(&manifest_dir().join("docs/odd.md"));
    let headings = [
        "## 1. Purpose and patterns",
        "## 2. Entities, state variables and scales",
        "## 3. Process overview and scheduling",
        "## 4. Design concepts",
        "## 5. Initialisation",
        "## 6. Input data",
        "## 7. Submodels",
    ];
    let mut at = 0;
    for h in headings {
        let i = doc[at..]
            .find(h)
            .unwrap_or_else(|| panic!("docs/odd.md lacks `{h}` (after the previous element)"));
        at += i + h.len();
    }
}

//! `simulate explain [TOPIC]`: the model's rules in plain words, with their parameters.
//!
//! The text is the matching section of docs/model.md or docs/theory.md, compiled into the binary
//! so the tool and the documentation cannot drift apart; the parameter values printed are those
//! in force by default.

use soft_balancing::params::Params;
use soft_balancing::scenario::Lens;

use crate::Failure;
use crate::plain::plain;

const MODEL: &str = include_str!("../../../docs/model.md");
const THEORY: &str = include_str!("../../../docs/theory.md");

/// (topic, heading prefix in docs/model.md, parameter section, one-line summary)
const TOPICS: &[(&str, &str, &str, &str)] = &[
    (
        "decision",
        "## 4.",
        "decision",
        "how a state scores the patrons and moves its alignment",
    ),
    (
        "bases",
        "### 5.1",
        "bases",
        "base leases: keep or evict, conditional offers, counter-offers",
    ),
    (
        "loans",
        "### 5.2",
        "loans",
        "loans, credit with conditions, debt relief",
    ),
    (
        "energy",
        "### 5.3",
        "energy",
        "energy deals: bargaining ranges, transit, rivalry",
    ),
    (
        "enlargement",
        "### 5.4",
        "enlargement",
        "SCO enlargement: consensus, package bargaining",
    ),
    (
        "partnership",
        "### 5.5",
        "partnership",
        "RUS-CHN partnership: what builds and erodes it",
    ),
    (
        "shocks",
        "### 5.6",
        "shocks",
        "sanctions, regime change, democracy promotion, terror, exercises",
    ),
    (
        "strategy",
        "## 11.",
        "strategy",
        "strategic patrons: offers chosen within yearly budgets",
    ),
    (
        "indices",
        "## 6.",
        "",
        "US influence, partnership, SCO cohesion, soft-balancing index",
    ),
    (
        "lenses",
        "## 7.",
        "lenses",
        "the theory lenses side by side (each lens also has a topic of its own)",
    ),
    (
        "determinism",
        "## 8.",
        "",
        "seeds, streams, and why results do not depend on threads",
    ),
];

/// The text of the section starting with a heading that begins with `prefix`, up to the next
/// heading of the same or higher level.
fn section<'a>(doc: &'a str, prefix: &str) -> Option<&'a str> {
    let level = prefix.chars().take_while(|c| *c == '#').count();
    let start = doc.lines().position(|l| l.starts_with(prefix))?;
    let lines: Vec<&str> = doc.lines().collect();
    let end = lines[start + 1..]
        .iter()
        .position(|l| {
            let h = l.chars().take_while(|c| *c == '#').count();
            h > 0 && h <= level && l.chars().nth(h) == Some(' ')
        })
        .map_or(lines.len(), |i| start + 1 + i);
    let from = lines[..start].iter().map(|l| l.len() + 1).sum::<usize>();
    let to = lines[..end]
        .iter()
        .map(|l| l.len() + 1)
        .sum::<usize>()
        .min(doc.len());
    Some(doc[from..to].trim_end())
}

/// `text` without its tables of parameters (a header row `| Key | Unit | Default | Range ...`
/// and the rows under it): [`print_params`] prints the same parameters from the code, with the
/// values in force, so each is listed once.
fn without_param_tables(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_table = false;
    for line in text.lines() {
        if line.starts_with("| Key | Unit | Default | Range") {
            in_table = true;
        } else if in_table && !line.starts_with('|') {
            in_table = false;
        }
        if !in_table {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The parameters of `section` (`bases`, `lenses`, ...): all of them, or with `only_in`, those
/// whose name the text mentions (a lens's own parameters among every lens's).
fn print_params(section: &str, only_in: Option<&str>) {
    let prefix = format!("{section}.");
    let specs: Vec<_> = Params::specs()
        .iter()
        .filter(|s| s.key.starts_with(&prefix))
        .filter(|s| {
            only_in.is_none_or(|text| {
                let name = &s.key[prefix.len()..];
                text.contains(name)
            })
        })
        .collect();
    if specs.is_empty() {
        return;
    }
    println!("\nParameters (change with --set KEY=VALUE or a [params.{section}] table):");
    for s in specs {
        let head = format!(
            "{} = {}  ({}; valid {} to {})",
            s.key, s.default, s.unit, s.min, s.max
        );
        print!("{}", crate::plain::wrapped_after(&head, "  ", "      "));
        print!("{}", crate::plain::wrapped(s.doc, "      "));
    }
}

/// `simulate explain [TOPIC]`.
pub fn explain(topic: Option<&str>) -> Result<(), Failure> {
    let Some(topic) = topic else {
        println!("simulate explain TOPIC prints a rule in plain words with its parameters.\n");
        println!("Mechanisms and model parts:");
        for (name, _, _, what) in TOPICS {
            println!("  {name:<20} {what}");
        }
        println!("\nTheory lenses (--lens NAME, or lens = \"NAME\" in a scenario):");
        for l in Lens::names() {
            println!("  {l}");
        }
        println!(
            "\nOther topics:\n  params               every parameter: key path, default, range, unit, source"
        );
        return Ok(());
    };
    if topic == "params" {
        println!(
            "Model parameters (set in a scenario's [params.SECTION] table or with --set KEY=VALUE):\n"
        );
        for s in Params::specs() {
            let head = format!(
                "{}  = {}  [{} .. {}]  ({})",
                s.key, s.default, s.min, s.max, s.unit
            );
            print!("{}", crate::plain::wrapped_after(&head, "", "    "));
            println!("{}", crate::plain::wrapped(s.doc, "    "));
        }
        return Ok(());
    }
    if let Some((_, heading, params, _)) = TOPICS.iter().find(|t| t.0 == topic) {
        let text = section(MODEL, heading).unwrap_or("(no section in docs/model.md)");
        print!("{}", plain(&without_param_tables(text)));
        if !params.is_empty() {
            print_params(params, None);
        }
        println!("\n(From docs/model.md.)");
        return Ok(());
    }
    if Lens::parse(topic).is_some() {
        let text =
            section(THEORY, &format!("## {topic}")).unwrap_or("(no section in docs/theory.md)");
        print!("{}", plain(&without_param_tables(text)));
        print_params("lenses", Some(text));
        println!("\n(From docs/theory.md.)");
        return Ok(());
    }
    let mut known: Vec<&str> = TOPICS.iter().map(|t| t.0).collect();
    known.extend(Lens::names());
    known.push("params");
    let meant = soft_balancing::error::did_you_mean(topic, known.iter().copied());
    Err(Failure::Input(format!(
        "explain {topic}: unknown topic\n  help: {meant}one of: {}",
        known.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_and_lens_has_a_section() {
        for (name, heading, _, _) in TOPICS {
            assert!(
                section(MODEL, heading).is_some(),
                "docs/model.md has no section for {name}"
            );
        }
        for l in Lens::names() {
            assert!(
                section(THEORY, &format!("## {l}")).is_some(),
                "docs/theory.md has no section for {l}"
            );
        }
    }

    #[test]
    fn a_parameter_table_is_left_to_the_parameter_list() {
        let text = "intro\n\n| Key | Unit | Default | Range | Reason |\n| --- | --- | --- | --- | --- |\n| `a.b` | x | 1 | 0–2 | why |\n\nafter\n";
        assert_eq!(without_param_tables(text), "intro\n\n\nafter\n");
        // Every section that has a table names each of its keys in the list printed after it.
        for (name, heading, params, _) in TOPICS {
            let text = section(MODEL, heading).unwrap_or_default();
            let rows = text.lines().filter(|l| l.starts_with("| `"));
            // Parameter rows (`section.name`), not the rows of a table of event kinds.
            let keys = rows.filter_map(|l| l.split('`').nth(1).filter(|k| k.contains('.')));
            for key in keys {
                assert!(
                    key.starts_with(&format!("{params}.")),
                    "explain {name}: its table lists {key}, which its parameter list does not"
                );
            }
        }
    }

    #[test]
    fn a_section_stops_at_the_next_heading_of_its_level() {
        let doc = "# A\n## 1. x\ntext\n### sub\nmore\n## 2. y\nother\n";
        assert_eq!(section(doc, "## 1."), Some("## 1. x\ntext\n### sub\nmore"));
        assert_eq!(section(doc, "### sub"), Some("### sub\nmore"));
    }
}

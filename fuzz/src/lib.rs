//! What both fuzz targets do with a scenario's text: load it, and when it loads, run it briefly
//! and write every output in memory, checking the output contract (docs/output-contract.md)
//! on the way. Any panic, in the loader, the engine or an output, is a finding.

use std::path::Path;

use soft_balancing::output::csv;
use soft_balancing::output::log::is_decision;
use soft_balancing::output::summary::Summary;
use soft_balancing::output::text::xml_escape;
use soft_balancing::runs::digest::{Digest, check_finite};
use soft_balancing::runs::ensemble;
use soft_balancing::scenario::validate::parse;

/// Runs at most this many shares (dates × actors × patrons) per fuzz input, to keep an
/// execution short; larger valid scenarios are only loaded.
const MAX_CELLS: usize = 200_000;

/// Loads `text` and, when it is a valid scenario, runs one replicate twice (same seed) and writes its
/// outputs: the error's message must display, the run must be deterministic, and every output
/// must keep the contract.
pub fn exercise(text: &str) {
    let sc = match parse(Path::new("fuzz.toml"), text) {
        Ok(sc) => sc,
        Err(e) => {
            // Displaying an error must not panic (it did past column 65,535).
            let _ = e.to_string();
            return;
        }
    };
    // The contract's id rule: what validation accepts needs no quoting or escaping.
    for a in &sc.actors {
        assert!(!a.id.is_empty() && a.id.len() <= 40, "id length {:?}", a.id);
        assert!(
            a.id.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
            "id {:?}",
            a.id
        );
    }
    let cells = (sc.steps() + 1) * sc.actors.len() * sc.patrons.len().max(1);
    if cells > MAX_CELLS {
        return;
    }
    let prm = sc.params.clone();
    let runs = ensemble::run_many(&sc, &prm, sc.seed, 1, 1).expect("one thread starts");
    let again = ensemble::run_many(&sc, &prm, sc.seed, 1, 1).expect("one thread starts");
    assert_eq!(runs, again, "same scenario and seed, different runs");
    for (r, rec) in runs.iter().enumerate() {
        if let Err(e) = check_finite(&sc, r + 1, rec) {
            // The binary stops with exit 2 here; the fuzzer reports it so that it can be looked at.
            panic!("non-finite output from a valid scenario: {e}");
        }
    }
    let mut digest = Digest::default();
    for rec in &runs {
        digest.add_with(rec, is_decision);
    }
    let summary = Summary::of_digest(&sc, &prm, &digest, sc.seed, Vec::new(), Vec::new());
    let _ = summary.to_json();
    for f in &summary.final_alignment {
        for (p, s) in &f.shares {
            for x in [s.mean, s.p5, s.p50, s.p95] {
                assert!(x.is_finite(), "summary: {} toward {p} is {x}", f.actor);
            }
        }
    }
    for (name, s) in &summary.final_indices {
        for x in [s.mean, s.p5, s.p50, s.p95] {
            assert!(x.is_finite(), "summary: {name} is {x}");
        }
    }
    for table in [
        csv::trajectories_csv(&sc, &runs),
        csv::indices_csv(&runs),
        csv::events_csv(&sc, &runs),
    ] {
        check_rfc4180(&table);
    }
    // The page is built only when the scenario holds markup to escape (it is the slowest part).
    let texts = || {
        [&sc.name, &sc.description]
            .into_iter()
            .chain(sc.actors.iter().map(|a| &a.name))
    };
    if !texts().any(|t| t.contains('<')) {
        return;
    }
    let html = soft_balancing::report::run::html(
        &sc,
        &summary,
        &runs[..1],
        &[],
        &soft_balancing::plot::PlotOptions::default(),
    );
    // Every string from the scenario is escaped: the page holds no markup the scenario wrote.
    for text in texts() {
        if text.contains('<') {
            assert!(
                !html.contains(text.as_str()),
                "unescaped {text:?} in report.html"
            );
            assert!(html.contains(&xml_escape(text)));
        }
    }
}

/// Checks that `table` is RFC 4180 CSV whose rows all have the header's number of fields.
pub fn check_rfc4180(table: &str) {
    let mut widths = Vec::new();
    let (mut fields, mut quoted, mut at_start) = (1usize, false, true);
    let mut chars = table.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                } else {
                    quoted = false;
                }
            }
            continue;
        }
        match c {
            '"' => {
                assert!(at_start, "a quote inside an unquoted field");
                quoted = true;
            }
            ',' => {
                fields += 1;
                at_start = true;
                continue;
            }
            '\n' => {
                widths.push(fields);
                fields = 1;
                at_start = true;
                continue;
            }
            '\r' => panic!("a bare carriage return outside quotes"),
            _ => {}
        }
        at_start = false;
    }
    assert!(!quoted, "an unterminated quoted field");
    if let Some(&w) = widths.first() {
        assert!(widths.iter().all(|&x| x == w), "rows of different widths");
    }
}

/// The valid scenarios the structure-aware target mutates.
pub const BASES: [&str; 5] = [
    include_str!("../../tests/scenarios/base.toml"),
    include_str!("../../scenarios/ufa2015.toml"),
    include_str!("../../scenarios/sco2001.toml"),
    include_str!("../../scenarios/samarkand2022.toml"),
    include_str!("../../scenarios/sco2001_strategic.toml"),
];

/// One change to a valid scenario's text.
#[derive(arbitrary::Arbitrary, Debug)]
pub enum Edit {
    /// The `which`-th number given after `=` becomes `value`.
    Number {
        /// Which number (modulo their count).
        which: u16,
        /// Its new value (NaN and infinities written as TOML writes them).
        value: f64,
    },
    /// The `which`-th number becomes a power of ten (huge, tiny, negative).
    Magnitude {
        /// Which number.
        which: u16,
        /// The exponent.
        exponent: i16,
        /// Negative.
        negative: bool,
    },
    /// The `which`-th defined id becomes `to`, everywhere it is used or at its definition only.
    Id {
        /// Which id.
        which: u16,
        /// The new id.
        to: String,
        /// Renamed at every use (a consistent rename) rather than only where it is defined.
        everywhere: bool,
    },
    /// The `which`-th date becomes `year-month`.
    Date {
        /// Which date.
        which: u16,
        /// Year.
        year: i16,
        /// Month.
        month: u8,
    },
    /// The `which`-th quoted text becomes `to`.
    Text {
        /// Which text.
        which: u16,
        /// The new text.
        to: String,
    },
    /// Line `which` is removed.
    DropLine {
        /// Which line.
        which: u16,
    },
    /// Line `which` is written twice.
    RepeatLine {
        /// Which line.
        which: u16,
    },
}

/// A valid scenario and changes to it.
#[derive(arbitrary::Arbitrary, Debug)]
pub struct Mutation {
    /// Which of [`BASES`].
    pub base: u8,
    /// The changes, applied in order.
    pub edits: Vec<Edit>,
}

impl Mutation {
    /// The mutated text.
    pub fn text(&self) -> String {
        let mut text = BASES[usize::from(self.base) % BASES.len()].to_string();
        for e in self.edits.iter().take(16) {
            text = apply(&text, e);
        }
        text
    }
}

/// `s` as a TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `x` as a TOML float.
fn toml_float(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        format!("{x:?}")
    }
}

/// Byte ranges of the numbers written after `= ` (including inside inline tables).
fn numbers(text: &str) -> Vec<std::ops::Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 2 < b.len() {
        if b[i] == b'=' && b[i + 1] == b' ' {
            let start = i + 2;
            let mut end = start;
            while end < b.len() && (b[end].is_ascii_digit() || b"+-.eE_".contains(&b[end])) {
                end += 1;
            }
            if b[start..end].iter().any(u8::is_ascii_digit) {
                out.push(start..end);
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// Byte ranges of the quoted texts (without the quotes) on `key = "..."` lines.
fn quoted(text: &str, pick: impl Fn(&str, &str) -> bool) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some((key, rest)) = line.split_once(" = \"")
            && let Some(end) = rest.find('"')
            && pick(key.trim(), &rest[..end])
        {
            let start = offset + key.len() + 4;
            out.push(start..start + end);
        }
        offset += line.len();
    }
    out
}

fn is_date(s: &str) -> bool {
    s.len() == 7 && s.as_bytes()[4] == b'-' && s.bytes().filter(u8::is_ascii_digit).count() == 6
}

fn replace(text: &str, r: std::ops::Range<usize>, with: &str) -> String {
    format!("{}{with}{}", &text[..r.start], &text[r.end..])
}

fn apply(text: &str, edit: &Edit) -> String {
    let pick = |v: &[std::ops::Range<usize>], which: u16| -> Option<std::ops::Range<usize>> {
        (!v.is_empty()).then(|| v[usize::from(which) % v.len()].clone())
    };
    match edit {
        Edit::Number { which, value } => match pick(&numbers(text), *which) {
            Some(r) => replace(text, r, &toml_float(*value)),
            None => text.to_string(),
        },
        Edit::Magnitude {
            which,
            exponent,
            negative,
        } => match pick(&numbers(text), *which) {
            Some(r) => {
                let sign = if *negative { "-" } else { "" };
                replace(text, r, &format!("{sign}1e{}", exponent % 400))
            }
            None => text.to_string(),
        },
        Edit::Id {
            which,
            to,
            everywhere,
        } => match pick(&quoted(text, |k, _| k == "id"), *which) {
            Some(r) => {
                let old = format!("\"{}\"", &text[r.clone()]);
                let new = toml_string(to);
                if *everywhere {
                    text.replace(&old, &new)
                } else {
                    replace(text, r.start - 1..r.end + 1, &new)
                }
            }
            None => text.to_string(),
        },
        Edit::Date { which, year, month } => match pick(&quoted(text, |_, v| is_date(v)), *which) {
            Some(r) => replace(text, r, &format!("{year:04}-{month:02}")),
            None => text.to_string(),
        },
        Edit::Text { which, to } => match pick(&quoted(text, |_, _| true), *which) {
            Some(r) => replace(text, r.start - 1..r.end + 1, &toml_string(to)),
            None => text.to_string(),
        },
        Edit::DropLine { which } | Edit::RepeatLine { which } => {
            let lines: Vec<&str> = text.split_inclusive('\n').collect();
            let k = usize::from(*which) % lines.len().max(1);
            let mut out = String::new();
            for (j, l) in lines.iter().enumerate() {
                if j != k || matches!(edit, Edit::RepeatLine { .. }) {
                    out.push_str(l);
                }
                if j == k && matches!(edit, Edit::RepeatLine { .. }) {
                    out.push_str(l);
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bases_are_valid_and_edits_reach_numbers_ids_and_dates() {
        for base in BASES {
            assert!(!numbers(base).is_empty());
            assert!(!quoted(base, |k, _| k == "id").is_empty());
            assert!(!quoted(base, |_, v| is_date(v)).is_empty());
            exercise(base);
        }
        let m = Mutation {
            base: 0,
            edits: vec![Edit::Magnitude {
                which: 3,
                exponent: 308,
                negative: false,
            }],
        };
        assert!(m.text().contains("1e308"));
        exercise(&m.text());
    }
}

//! The layout's rules, checked on the source: imports point one way (ARCHITECTURE.md, "Layers
//! and the direction of imports"). Reads every file under `src/`, collects the module paths it
//! names (`use` trees and inline `crate::`/`super::` paths, test modules excluded), and checks:
//!
//! 1. a file imports only from its own layer or the layers below it;
//! 2. inside the engine, no module imports the step loop (`engine/mod.rs`), and the decision rule
//!    never imports a mechanism;
//! 3. no two files import each other, directly or round a loop.
//!
//! The checker is tested on a made-up tree too, so that a rule that stopped biting would show.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// The layers, lowest first: a file may import from its own layer and those before it.
const LAYERS: [(&str, &[&str]); 10] = [
    (
        "vocabulary",
        &["date", "error", "params", "sensitivity", "abc"],
    ),
    ("scenario", &["scenario"]),
    ("engine", &["engine"]),
    ("runs", &["runs"]),
    ("output", &["output"]),
    ("plot", &["plot"]),
    ("report", &["report"]),
    ("sweep", &["sweep"]),
    ("lab", &["lab"]),
    ("binary", &["bin"]),
];

/// The layer of a module path (its first segment), if it has one (`lib.rs` has none).
fn layer(module: &[String]) -> Option<usize> {
    let first = module.first()?;
    LAYERS
        .iter()
        .position(|(_, tops)| tops.contains(&first.as_str()))
}

/// Module path of a file under `src/` (`engine/mod.rs` -> [engine]; `bin/simulate/run.rs` ->
/// [bin, simulate, run]).
fn module_of(rel: &str) -> Vec<String> {
    let stem = rel.trim_end_matches(".rs");
    let mut parts: Vec<String> = stem.split('/').map(str::to_string).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// Whether the file is a module's root (`mod.rs`, `lib.rs`, a binary's `main.rs`), which
/// changes what `super` and a bare child name refer to.
fn is_root(rel: &str) -> bool {
    rel.ends_with("mod.rs") || rel.ends_with("lib.rs") || rel.ends_with("main.rs")
}

/// The text before the first `#[cfg(test)]` (test modules may reach anywhere). Comments stay:
/// a doc link to `crate::x` is an arrow on the map too, and should point the same way.
fn code(text: &str) -> String {
    let cut = text.find("#[cfg(test)]").unwrap_or(text.len());
    text[..cut].to_string()
}

/// Expands a `use` tree (`a::{b, c::{d, e}}`) into its paths.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or("").trim();
        return vec![path.trim_end_matches("::self").to_string()];
    };
    let prefix = tree[..open].trim_end_matches("::");
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    let mut out = Vec::new();
    for item in items.into_iter().map(str::trim).filter(|s| !s.is_empty()) {
        for p in expand(item) {
            out.push(if p == "self" {
                prefix.to_string()
            } else {
                format!("{prefix}::{p}")
            });
        }
    }
    out
}

/// Every module path a file names, as written (`crate::x::y`, `super::z`, `child::w`).
fn named_paths(text: &str) -> Vec<String> {
    let code = code(text);
    let mut out = Vec::new();
    // `use` trees (a line starting with `use` or `pub use`), which may span lines.
    let lines: Vec<&str> = code.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i].trim_start();
        let l = ["pub(crate) ", "pub(super) ", "pub "]
            .iter()
            .find_map(|p| l.strip_prefix(p))
            .unwrap_or(l);
        if let Some(rest) = l.strip_prefix("use ") {
            let mut tree = rest.to_string();
            while !tree.contains(';') && i + 1 < lines.len() {
                i += 1;
                tree.push_str(lines[i]);
            }
            let end = tree.find(';').unwrap_or(tree.len());
            out.extend(expand(&tree[..end]));
        }
        i += 1;
    }
    // Inline paths.
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(i) = code[from..].find(start) {
            let at = from + i;
            let path: String = code[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            out.push(path.trim_end_matches(':').to_string());
            from = at + start.len();
        }
    }
    out
}

/// The absolute module path `path` (as written in the file `rel`) refers to, if it is one of
/// the crate's own (not `std`, not another crate).
fn absolute(rel: &str, path: &str, children: &BTreeSet<String>) -> Option<Vec<String>> {
    let me = module_of(rel);
    let here: Vec<String> = if is_root(rel) {
        me.clone()
    } else {
        me[..me.len().saturating_sub(1)].to_vec()
    };
    let parts: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let (first, tail) = parts.split_first()?;
    let mut base = match *first {
        "crate" => Vec::new(),
        "soft_balancing" => Vec::new(),
        "super" => here[..here.len().saturating_sub(1)].to_vec(),
        "self" => here.clone(),
        name if children.contains(name) => {
            let mut b = here.clone();
            b.push(name.to_string());
            return Some(
                b.into_iter()
                    .chain(tail.iter().map(|s| s.to_string()))
                    .collect(),
            );
        }
        _ => return None,
    };
    let mut tail = tail.to_vec();
    while tail.first() == Some(&"super") {
        base.pop();
        tail.remove(0);
    }
    base.extend(tail.iter().map(|s| s.to_string()));
    Some(base)
}

/// The file (relative to `src/`) that defines the longest prefix of `module`.
fn file_of(module: &[String], files: &BTreeSet<String>) -> Option<String> {
    for k in (1..=module.len()).rev() {
        let stem = module[..k].join("/");
        for cand in [format!("{stem}.rs"), format!("{stem}/mod.rs")] {
            if files.contains(&cand) {
                return Some(cand);
            }
        }
    }
    None
}

/// Checks the rules on a tree given as (path under `src/`, text); returns every violation.
fn violations(tree: &BTreeMap<String, String>) -> Vec<String> {
    let files: BTreeSet<String> = tree.keys().cloned().collect();
    // Files compiled only for tests (`#[cfg(test)] mod x;`) may reach anywhere.
    let mut test_only = BTreeSet::new();
    for (rel, text) in tree {
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        for w in lines.windows(2) {
            if w[0] == "#[cfg(test)]" {
                let m = w[1]
                    .trim_start_matches("pub(crate) ")
                    .trim_start_matches("pub ");
                if let Some(name) = m.strip_prefix("mod ").and_then(|m| m.strip_suffix(';')) {
                    let mut module = module_of(rel);
                    if !is_root(rel) {
                        module.pop();
                    }
                    module.push(name.to_string());
                    if let Some(f) = file_of(&module, &files) {
                        test_only.insert(f);
                    }
                }
            }
        }
    }
    let mut bad = Vec::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, text) in tree {
        if test_only.contains(rel) {
            continue;
        }
        let me = module_of(rel);
        let in_binary = rel.starts_with("bin/");
        let children: BTreeSet<String> = code(text)
            .lines()
            .filter_map(|l| {
                let l = l
                    .trim()
                    .trim_start_matches("pub(crate) ")
                    .trim_start_matches("pub ");
                l.strip_prefix("mod ")?
                    .strip_suffix(';')
                    .map(str::to_string)
            })
            .collect();
        for path in named_paths(text) {
            // The binary reaches the library by its crate name; its own modules by `crate::`.
            if in_binary && path.starts_with("crate::") {
                continue;
            }
            let Some(target) = absolute(rel, &path, &children) else {
                continue;
            };
            let Some(file) = file_of(&target, &files) else {
                continue;
            };
            if file == *rel || file == "lib.rs" {
                continue;
            }
            edges.entry(rel.clone()).or_default().insert(file.clone());
            let (from, to) = (layer(&me), layer(&target));
            if let (Some(f), Some(t)) = (from, to)
                && t > f
            {
                bad.push(format!(
                    "{rel} ({}) imports `{path}` from a higher layer ({})",
                    LAYERS[f].0, LAYERS[t].0
                ));
            }
            if rel.starts_with("engine/") && rel != "engine/mod.rs" && file == "engine/mod.rs" {
                bad.push(format!("{rel} imports the step loop: `{path}`"));
            }
            if rel.starts_with("engine/decision/") && file.starts_with("engine/mechanisms/") {
                bad.push(format!(
                    "{rel}: the decision rule imports a mechanism: `{path}`"
                ));
            }
        }
    }
    // Loops: a depth-first search from every file, in file order.
    for start in edges.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((at, trail)) = stack.pop() {
            for next in edges.get(&at).into_iter().flatten() {
                if next == start {
                    let mut lp = trail.clone();
                    lp.push(start.clone());
                    bad.push(format!("import loop: {}", lp.join(" -> ")));
                } else if seen.insert(next.clone()) {
                    let mut t = trail.clone();
                    t.push(next.clone());
                    stack.push((next.clone(), t));
                }
            }
        }
    }
    bad.sort();
    bad.dedup();
    bad
}

fn read_tree(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("src/ is readable")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            read_tree(&p, root, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            let rel = p
                .strip_prefix(root)
                .expect("under src")
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, fs::read_to_string(&p).expect("readable"));
        }
    }
}

#[test]
fn imports_point_one_way_and_never_round_a_loop() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut tree = BTreeMap::new();
    read_tree(&root, &root, &mut tree);
    assert!(tree.len() > 40, "read the source tree");
    let bad = violations(&tree);
    assert!(
        bad.is_empty(),
        "layout rules broken:\n  {}",
        bad.join("\n  ")
    );
}

#[test]
fn the_checker_catches_an_upward_import_a_step_loop_import_and_a_loop() {
    let tree: BTreeMap<String, String> = [
        ("lib.rs", "pub mod scenario;\npub mod engine;\npub mod runs;\n"),
        ("scenario/mod.rs", "pub mod keys;\nuse crate::runs::ensemble::Spread;\nuse keys::Key;\n"),
        ("scenario/keys.rs", "use crate::scenario::{Scenario, world::World};\n"),
        ("engine/mod.rs", "pub mod context;\npub mod mechanisms;\nuse context::Ctx;\n"),
        ("engine/context.rs", "use crate::scenario::Scenario;\n"),
        ("engine/mechanisms/mod.rs", "pub mod bases;\n"),
        (
            "engine/mechanisms/bases.rs",
            "use crate::engine::{context::Ctx, run_in};\nfn f() { super::super::context::noise(); }\n",
        ),
        ("runs/mod.rs", "pub mod ensemble;\n"),
        ("runs/ensemble.rs", "use crate::engine;\n#[cfg(test)]\nuse crate::sweep::x;\n"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    let bad = violations(&tree);
    assert!(
        bad.iter()
            .any(|b| b
                .starts_with("scenario/mod.rs (scenario) imports `crate::runs::ensemble::Spread`")),
        "{bad:?}"
    );
    assert!(
        bad.iter()
            .any(|b| b
                == "engine/mechanisms/bases.rs imports the step loop: `crate::engine::run_in`"),
        "{bad:?}"
    );
    assert!(
        bad.iter()
            .any(|b| b.starts_with("import loop: scenario/keys.rs -> scenario/mod.rs")),
        "{bad:?}"
    );
    // Test code may reach anywhere; a downward import is fine.
    assert!(!bad.iter().any(|b| b.starts_with("runs/")), "{bad:?}");
    assert!(
        !bad.iter().any(|b| b.starts_with("engine/context.rs")),
        "{bad:?}"
    );
}

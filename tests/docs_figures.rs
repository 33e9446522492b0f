//! The docs' figures cannot go stale: every number README.md, docs/teaching.md,
//! docs/calibration.md, docs/model.md, docs/sensitivity.md and docs/theory.md quote from the tool's output carries a marker with the
//! command that produces it, and this test runs each command and checks that its output still
//! says what the paragraph says.
//!
//! A marker is an HTML comment (invisible when the Markdown is rendered) just before the
//! paragraph that quotes the figure:
//!
//! ```text
//! <!-- figure: validate scenarios/sco2001.toml --runs 60 => "30 of 32 lines pass" -->
//! <!-- figure: validate scenarios/sco2001.toml --runs 60 => validation.csv: "cagp_signed" -->
//! ```
//!
//! The arguments are given to `simulate` (run from the project root, with `--out` set to a
//! temporary folder unless the command is `explain`, `landscape` or `check`, which write nothing); the quoted text must appear both in the
//! paragraph that follows the marker (with the list, table or code block it introduces) and in
//! the command's standard output (or in the named file
//! of its output folder), whitespace runs counting as one space. Change the model and this test
//! names the stale paragraph; edit the paragraph and it names the marker to update. Figures that
//! are inputs (a source's number, an assumption) carry no marker: the docs say where they come
//! from.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;

/// The documents whose figures are checked.
const DOCS: [&str; 6] = [
    "README.md",
    "docs/teaching.md",
    "docs/calibration.md",
    "docs/model.md",
    "docs/sensitivity.md",
    "docs/theory.md",
];

/// One marker: where it is, the command, the file (None: stdout) and the quoted text.
#[derive(Debug)]
struct Figure {
    doc: &'static str,
    line: usize,
    args: String,
    file: Option<String>,
    text: String,
    paragraph: String,
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn figures() -> Vec<Figure> {
    let mut out = Vec::new();
    for doc in DOCS {
        let text = read(&manifest_dir().join(doc));
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(rest) = line.trim().strip_prefix("<!-- figure:") else {
                continue;
            };
            let body = rest
                .strip_suffix("-->")
                .unwrap_or_else(|| panic!("{doc}:{}: a figure marker ends on its line", i + 1));
            let (args, target) = body
                .split_once("=>")
                .unwrap_or_else(|| panic!("{doc}:{}: write `ARGS => \"TEXT\"`", i + 1));
            let target = target.trim();
            let (file, quoted) = match target.split_once(": \"") {
                Some((f, q)) if !f.contains('"') => (Some(f.trim().to_string()), format!("\"{q}")),
                _ => (None, target.to_string()),
            };
            let quoted = quoted.trim();
            assert!(
                quoted.len() >= 2 && quoted.starts_with('"') && quoted.ends_with('"'),
                "{doc}:{}: quote the figure's text",
                i + 1
            );
            // The paragraph: the lines after the marker (and any further markers) up to a blank
            // line — or past it, when what follows continues the block (a list, a table, an
            // indented or fenced block introduced by the paragraph).
            let body: Vec<&str> = lines[i + 1..]
                .iter()
                .skip_while(|l| l.trim().starts_with("<!-- figure:"))
                .copied()
                .collect();
            let continues = |l: &str| {
                ["- ", "* ", "  ", "```", "|"]
                    .iter()
                    .any(|p| l.starts_with(p))
            };
            let mut paragraph: Vec<&str> = Vec::new();
            for (k, l) in body.iter().enumerate() {
                if l.trim().is_empty() {
                    let next = body[k + 1..].iter().find(|n| !n.trim().is_empty());
                    if !next.is_some_and(|n| continues(n)) {
                        break;
                    }
                }
                paragraph.push(l);
            }
            out.push(Figure {
                doc,
                line: i + 1,
                args: args.trim().to_string(),
                file,
                text: quoted[1..quoted.len() - 1].to_string(),
                paragraph: paragraph.join("\n"),
            });
        }
    }
    out
}

/// The stale figures among `figures`, each named by file, line and paragraph.
fn stale(figures: &[Figure], dir: &std::path::Path) -> Vec<String> {
    // Each distinct command runs once, on a few threads (the commands are independent).
    let mut commands: Vec<&str> = Vec::new();
    for f in figures {
        if !commands.contains(&f.args.as_str()) {
            commands.push(&f.args);
        }
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: std::sync::Mutex<Vec<Option<(Outcome, std::path::PathBuf)>>> =
        std::sync::Mutex::new((0..commands.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                loop {
                    let k = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(command) = commands.get(k) else {
                        break;
                    };
                    let out = dir.join(format!("run{k}"));
                    let mut args: Vec<String> =
                        command.split_whitespace().map(String::from).collect();
                    if !matches!(
                        args.first().map(String::as_str),
                        Some("explain" | "landscape" | "check")
                    ) {
                        args.push("--out".into());
                        args.push(out.display().to_string());
                    }
                    let o = run_in(&manifest_dir(), &args);
                    results.lock().unwrap()[k] = Some((o, out));
                }
            });
        }
    });
    let results = results.into_inner().unwrap();
    let mut stale = Vec::new();
    for f in figures {
        if !squash(&f.paragraph).contains(&squash(&f.text)) {
            stale.push(format!(
                "{}:{}: the marker quotes \"{}\" but the paragraph after it does not say so: \
                 update the marker or the paragraph\n  paragraph: {}",
                f.doc,
                f.line,
                f.text,
                squash(&f.paragraph)
            ));
            continue;
        }
        let k = commands.iter().position(|c| *c == f.args).unwrap();
        let (o, out) = results[k].as_ref().unwrap();
        // `validate` exits 1 when a line fails that should pass: a result the docs may quote,
        // not a broken command (that is exit 2).
        let scored = f.args.starts_with("validate") && o.code == Some(1);
        if !matches!(o.code, Some(0)) && !scored {
            stale.push(format!(
                "{}:{}: `simulate {}` failed:\n{}\n{}",
                f.doc, f.line, f.args, o.stdout, o.stderr
            ));
            continue;
        }
        let produced = match &f.file {
            None => o.stdout.clone(),
            Some(name) => std::fs::read_to_string(out.join(name)).unwrap_or_default(),
        };
        if !squash(&produced).contains(&squash(&f.text)) {
            let head: String = squash(&f.paragraph).chars().take(90).collect();
            stale.push(format!(
                "{}:{}: stale paragraph (\"{head}...\"): it quotes \"{}\", which `simulate {}` \
                 no longer produces{}",
                f.doc,
                f.line,
                f.text,
                f.args,
                f.file
                    .as_ref()
                    .map_or(String::new(), |n| format!(" in {n}"))
            ));
        }
    }
    stale
}

#[test]
fn every_quoted_figure_is_what_the_tool_produces_now() {
    let figures = figures();
    assert!(
        figures.len() >= 10,
        "the docs mark their figures ({} markers found)",
        figures.len()
    );
    let dir = tempdir();
    let stale = stale(&figures, dir.path());
    assert!(stale.is_empty(), "\n{}", stale.join("\n"));
}

/// The checker catches a stale paragraph: one whose quoted figure the tool does not produce,
/// and one that no longer says what its marker quotes; and it passes a true one.
#[test]
fn a_stale_paragraph_is_named() {
    let figure = |text: &str, paragraph: &str| Figure {
        doc: "docs/example.md",
        line: 7,
        args: "explain params".into(),
        file: None,
        text: text.into(),
        paragraph: paragraph.into(),
    };
    let dir = tempdir();
    let found = stale(
        &[
            figure(
                "decision.money_weight",
                "The key decision.money_weight weighs money.",
            ),
            figure("money_weight = 12345", "We set money_weight = 12345 here."),
            figure("decision.money_weight", "This paragraph was rewritten."),
        ],
        dir.path(),
    );
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].starts_with("docs/example.md:7: stale paragraph"));
    assert!(found[1].contains("does not say so"));
}

//! Errors a user can cause, with where they are and how to fix them.
//!
//! A scenario error always names the file, the line and the column of the offending value (from
//! TOML's spans), says what was expected, and suggests a fix. The binary prints it and exits
//! with code 2.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Something wrong with a scenario file.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error(
        "cannot read scenario {path}: {source}\n  help: check the path; scenarios ship in scenarios/, e.g. scenarios/ufa2015.toml"
    )]
    Io {
        /// The file asked for.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The file is larger than a scenario can be.
    #[error(
        "cannot read scenario {}: it is larger than the limit of {} MiB\n  help: a scenario is a short TOML file (the shipped ones are under 100 KB); check the path",
        path.display(),
        limit >> 20
    )]
    TooLarge {
        /// The file asked for.
        path: PathBuf,
        /// The limit in bytes.
        limit: u64,
    },
    /// The file was read but is not a valid scenario.
    #[error("{0}")]
    Invalid(Box<Located>),
}

/// An error at a place in a file.
#[derive(Debug)]
pub struct Located {
    /// The file.
    pub path: PathBuf,
    /// Line, 1-based.
    pub line: usize,
    /// Column, 1-based, in characters.
    pub column: usize,
    /// The text of the offending line, for display.
    pub source_line: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )?;
        let gutter = " ".repeat(self.line.to_string().len());
        let (text, caret) = excerpt(&self.source_line, self.column);
        writeln!(f, "{gutter} |")?;
        writeln!(f, "{} | {text}", self.line)?;
        // Padding is built, not formatted with a width: a width past 65,535 panics.
        writeln!(f, "{gutter} | {}^", " ".repeat(caret - 1))?;
        write!(f, "  help: {}", self.help)
    }
}

impl ScenarioError {
    /// An error at byte span `span` of `source`, the text of `path`.
    pub fn at(
        path: &Path,
        source: &str,
        span: Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        let (line, column, source_line) = locate(source, span.start);
        // A message quotes what the file says, which TOML's escapes can fill with control
        // characters: shown as `�`, they cannot move the terminal's cursor.
        let shown = |s: String| -> String {
            if s.chars().any(|c| c != '\n' && unprintable(c)) {
                s.chars()
                    .map(|c| {
                        if c != '\n' && unprintable(c) {
                            '\u{fffd}'
                        } else {
                            c
                        }
                    })
                    .collect()
            } else {
                s
            }
        };
        ScenarioError::Invalid(Box::new(Located {
            path: path.to_path_buf(),
            line,
            column,
            source_line,
            message: shown(message.into()),
            help: shown(help.into()),
        }))
    }

    /// The location, when the error has one.
    pub fn location(&self) -> Option<&Located> {
        match self {
            ScenarioError::Io { .. } | ScenarioError::TooLarge { .. } => None,
            ScenarioError::Invalid(loc) => Some(loc),
        }
    }
}

/// Line (1-based), column (1-based, characters) and the line's text for a byte offset.
fn locate(source: &str, offset: usize) -> (usize, usize, String) {
    let offset = offset.min(source.len());
    let before = &source[..floor_char_boundary(source, offset)];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    let line_end = source[line_start..]
        .find('\n')
        .map_or(source.len(), |i| line_start + i);
    let text = source[line_start..line_end]
        .trim_end_matches('\r')
        .to_string();
    (line, column, text)
}

/// Longest source line echoed whole; a longer one is cut to a window around the column.
pub const ECHO_CHARS: usize = 160;

/// The part of `line` to echo and the caret's column in it (1-based): the whole line when it
/// is short, else [`ECHO_CHARS`] characters around `column` with `…` where text was cut. Control
/// characters are shown as `�` so that the echo cannot move the terminal's cursor.
fn excerpt(line: &str, column: usize) -> (String, usize) {
    let shown = |c: char| {
        if c.is_control() && c != '\t' {
            '\u{fffd}'
        } else {
            c
        }
    };
    let n = line.chars().count();
    if n <= ECHO_CHARS {
        return (line.chars().map(shown).collect(), column.max(1));
    }
    let half = ECHO_CHARS / 2;
    let first = column
        .saturating_sub(half + 1)
        .min(n.saturating_sub(ECHO_CHARS));
    let mut text: String = line
        .chars()
        .skip(first)
        .take(ECHO_CHARS)
        .map(shown)
        .collect();
    let mut caret = column.max(1) - first;
    if first > 0 {
        text.insert(0, '…');
        caret += 1;
    }
    if first + ECHO_CHARS < n {
        text.push('…');
    }
    (text, caret)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Whether `c` cannot be printed as it is: a control character, or one that overrides the
/// direction of the text around it (U+202A–U+202E, U+2066–U+2069).
pub fn unprintable(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with line breaks and tabs as spaces and every other [`unprintable`] character as `�`.
pub fn printable(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if unprintable(c) => '\u{fffd}',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_line_and_column() {
        let src = "a = 1\nbb = 2\n";
        assert_eq!(locate(src, 0), (1, 1, "a = 1".into()));
        assert_eq!(locate(src, 11), (2, 6, "bb = 2".into()));
        assert_eq!(locate(src, 999).0, 3);
    }

    /// Regression: a caret past column 65,535 was formatted with a width, which panics
    /// ("Formatting argument out of range").
    #[test]
    fn an_error_past_column_65535_is_displayed_without_panicking() {
        let line = format!("neighbours = [{}\"ZZZ\"]", "\"A\", ".repeat(14_000));
        let column = line.find("ZZZ").unwrap() + 1;
        assert!(column > 65_535);
        let e = ScenarioError::at(
            Path::new("big.toml"),
            &line,
            column - 1..column,
            "unknown",
            "fix",
        );
        let text = e.to_string();
        assert!(text.starts_with(&format!("big.toml:1:{column}: unknown")));
        let echo = text.lines().nth(2).unwrap();
        let caret = text.lines().nth(3).unwrap();
        assert!(echo.chars().count() < 200, "long lines are cut: {echo}");
        let at = caret.chars().position(|c| c == '^').unwrap();
        assert_eq!(echo.chars().nth(at), Some('Z'), "{echo}\n{caret}");
    }

    #[test]
    fn control_characters_are_not_echoed() {
        let (text, caret) = excerpt("a = \"\u{1b}[2J\"", 5);
        assert!(!text.contains('\u{1b}'));
        assert_eq!(caret, 5);
    }
}

/// The candidate nearest to `word` by edit distance (insertions, deletions, substitutions and
/// swaps of neighbouring characters; a difference of case alone is one edit), if it is near enough to be a slip of the
/// keyboard: at most one edit for words up to four characters, two up to ten, three beyond.
/// Errors use it to ask "did you mean …?".
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let w: Vec<char> = word.to_lowercase().chars().collect();
    let limit = match w.len() {
        0 => return None,
        1..=4 => 1,
        5..=10 => 2,
        _ => 3,
    };
    // Distances in half edits: the same word in another case counts half a slip, so that
    // `kgz` means `KGZ` rather than `KAZ`, one letter away in capitals.
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        // The distance is at least the difference in length: most candidates end here.
        if c == word || w.len().abs_diff(c.chars().count()) > limit {
            continue;
        }
        let d = (2 * edit_distance(&w, &c.to_lowercase().chars().collect::<Vec<_>>())).max(1);
        if d <= 2 * limit && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// "did you mean `X`? " for the [`closest`] candidate, or nothing: the start of a help line.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(word, candidates).map_or(String::new(), |m| format!("did you mean `{m}`? "))
}

/// Optimal string alignment distance between `a` and `b`.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[n][m]
}

#[cfg(test)]
mod closest_tests {
    use super::closest;

    #[test]
    fn a_slip_of_the_keyboard_finds_its_word_and_nothing_else_does() {
        let keys = [
            "decision.money_weight",
            "decision.noise_sd",
            "bases.breach_cost",
        ];
        assert_eq!(
            closest("decision.money_weigth", keys),
            Some("decision.money_weight")
        );
        assert_eq!(
            closest("chek", ["check", "compare", "validate"]),
            Some("check")
        );
        assert_eq!(
            closest("validat", ["check", "compare", "validate"]),
            Some("validate")
        );
        assert_eq!(closest("usa", ["USA", "RUS"]), Some("USA"));
        // Another case is half a slip: `kgz` is KGZ, not KAZ (one letter from `kgz` in capitals).
        assert_eq!(closest("kgz", ["KAZ", "KGZ"]), Some("KGZ"));
        assert_eq!(
            closest(
                "actors.kgz.gdp_bn",
                ["actors.KAZ.gdp_bn", "actors.KGZ.gdp_bn"]
            ),
            Some("actors.KGZ.gdp_bn")
        );
        assert_eq!(closest("something_else", keys), None);
        assert_eq!(closest("", keys), None);
    }
}

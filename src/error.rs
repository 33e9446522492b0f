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
        let gutter = self.line.to_string().len();
        writeln!(f, "{:gutter$} |", "")?;
        writeln!(f, "{} | {}", self.line, self.source_line)?;
        writeln!(f, "{:gutter$} | {:>col$}", "", "^", col = self.column)?;
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
        ScenarioError::Invalid(Box::new(Located {
            path: path.to_path_buf(),
            line,
            column,
            source_line,
            message: message.into(),
            help: help.into(),
        }))
    }

    /// The location, when the error has one.
    pub fn location(&self) -> Option<&Located> {
        match self {
            ScenarioError::Io { .. } => None,
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

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
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
}

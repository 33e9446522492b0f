//! Helpers shared by the integration tests: run the real `simulate` binary in a temporary
//! directory, read what it wrote, and parse its CSV files.

// Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

/// The crate's root folder.
pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped Ufa 2015 scenario, as an absolute path.
pub fn ufa2015() -> PathBuf {
    manifest_dir().join("scenarios").join("ufa2015.toml")
}

/// The shipped Samarkand 2022 scenario, as an absolute path.
pub fn samarkand2022() -> PathBuf {
    manifest_dir().join("scenarios").join("samarkand2022.toml")
}

/// A fixture under `tests/scenarios/`, e.g. `fixture("bad/empty.toml")`.
pub fn fixture(rel: &str) -> PathBuf {
    manifest_dir().join("tests").join("scenarios").join(rel)
}

/// A fresh temporary folder, removed when dropped.
pub fn tempdir() -> TempDir {
    tempfile::tempdir().expect("create a temporary directory")
}

/// What one invocation of the binary did.
#[derive(Debug)]
pub struct Outcome {
    /// Exit code (`None` if killed by a signal).
    pub code: Option<i32>,
    /// Everything written to stdout.
    pub stdout: String,
    /// Everything written to stderr.
    pub stderr: String,
}

impl Outcome {
    /// Panics with the full output unless the exit code is `code`.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "expected exit code {code}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Panics unless stderr contains `needle`.
    pub fn stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr does not contain {needle:?}:\n{}",
            self.stderr
        );
        self
    }

    /// Panics unless stdout contains `needle`.
    pub fn stdout_has(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "stdout does not contain {needle:?}:\n{}",
            self.stdout
        );
        self
    }

    /// Panics if either stream reports a panic.
    pub fn no_panic(&self) -> &Self {
        for (name, text) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            assert!(
                !text.contains("panicked"),
                "the binary panicked ({name}):\n{text}"
            );
        }
        self
    }
}

/// The `simulate` binary built by cargo for these tests.
pub fn simulate() -> Command {
    Command::cargo_bin("simulate").expect("the simulate binary is built")
}

/// Runs `simulate ARGS...` with `dir` as the working directory.
pub fn run_in<I, S>(dir: &Path, args: I) -> Outcome
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let out = simulate()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run the simulate binary");
    Outcome {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A file's text; panics with the path if it cannot be read.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// A file's bytes; panics with the path if it cannot be read.
pub fn read_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The data files a run writes.
pub const OUTPUT_FILES: [&str; 6] = [
    "trajectories.csv",
    "indices.csv",
    "events.csv",
    "quantiles.csv",
    "partnership.csv",
    "summary.json",
];

/// A parsed CSV file: the header line's fields and the rows.
#[derive(Debug)]
pub struct Csv {
    /// Column names.
    pub header: Vec<String>,
    /// Rows, each with as many fields as the header.
    pub rows: Vec<Vec<String>>,
}

impl Csv {
    /// Index of column `name`; panics if absent.
    pub fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name:?} in {:?}", self.header))
    }
}

/// Parses CSV text as written by the binary (RFC 4180 quoting: fields with commas, quotes or
/// newlines are quoted, quotes doubled). Panics on a row whose width differs from the header's.
pub fn parse_csv(text: &str) -> Csv {
    let mut records: Vec<Vec<String>> = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => record.push(std::mem::take(&mut field)),
            '\n' => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            '\r' => {}
            _ => field.push(c),
        }
    }
    assert!(!quoted, "unterminated quoted field in CSV");
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    assert!(!records.is_empty(), "empty CSV");
    let header = records.remove(0);
    for (i, r) in records.iter().enumerate() {
        assert_eq!(
            r.len(),
            header.len(),
            "CSV row {} has {} fields, the header {}: {r:?}",
            i + 2,
            r.len(),
            header.len()
        );
    }
    Csv {
        header,
        rows: records,
    }
}

/// Peak resident size, in KB, of the largest child this process has waited for so far.
#[allow(unsafe_code)]
pub fn children_peak_kb() -> i64 {
    // SAFETY: getrusage writes into the zeroed struct it is given and reads nothing else.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage), 0);
        usage.ru_maxrss
    }
}

/// TOML for one outcome on the US-influence index (`direction` "up" or "down" from `from` to
/// `by`, by more than 0.02) and one check of it that passes at `threshold`: appended to a
/// scenario, it gives `validate` and `calibrate` a scorecard line.
pub fn us_influence_check(
    id: &str,
    direction: &str,
    from: &str,
    by: &str,
    threshold: f64,
) -> String {
    format!(
        r#"
[[outcomes]]
id = "{id}"
kind = "index_change"
index = "us_influence"
direction = "{direction}"
min_change = 0.02
from = "{from}"
by = "{by}"
label = "US influence moves {direction}"

[[checks]]
fact = "1"
outcome = "{id}"
expect = "holds"
threshold = {threshold:?}
"#
    )
}

//! Reading a scenario file: the file's text (at most [`MAX_SCENARIO_BYTES`], UTF-8), then the one
//! validating conversion (`validate::parse`).

use std::io::Read;
use std::path::Path;

use super::Scenario;
use super::validate::parse;
use crate::error::ScenarioError;

/// The largest scenario file read: 16 MiB (the shipped scenarios are under 100 KB). A larger
/// file, or an endless one such as `/dev/zero`, is refused before it fills the memory.
pub const MAX_SCENARIO_BYTES: u64 = 16 << 20;

impl Scenario {
    /// Reads and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let io = |source| ScenarioError::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let mut bytes = Vec::new();
        file.take(MAX_SCENARIO_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
        if bytes.len() as u64 > MAX_SCENARIO_BYTES {
            return Err(ScenarioError::TooLarge {
                path: path.to_path_buf(),
                limit: MAX_SCENARIO_BYTES,
            });
        }
        let source = match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes());
                return Err(ScenarioError::at(
                    path,
                    &text,
                    at..at + 1,
                    format!("the file is not UTF-8 text (byte {at} is not valid UTF-8)"),
                    "save the scenario as UTF-8 text; a scenario is a TOML file, not a binary",
                ));
            }
        };
        parse(path, &source)
    }
}

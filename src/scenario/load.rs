//! Reading a scenario file: the file's text, then the one validating conversion
//! (`validate::parse`).

use std::path::Path;

use super::Scenario;
use super::validate::parse;
use crate::error::ScenarioError;

impl Scenario {
    /// Reads and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let source = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        parse(path, &source)
    }
}

//! Writing results: CSV tables ([`csv`]), the printed and JSON summary ([`summary`]), and text
//! for people ([`text`]: log entries in words, escaping).
//!
//! Outputs read only the recorded results (`engine::record::RunRecord`), the results of
//! `runs` and the scenario; they never run the engine. Numbers are written with fixed
//! precision so that the same run gives the same bytes. Files are written to a temporary name and
//! renamed into place, so an interrupted run never leaves a half-written file under the final
//! name.

pub mod csv;
pub mod summary;
pub mod text;

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Writes `bytes` to `path` atomically (temporary file, then rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = path.with_extension(format!(
        "{}.partial",
        path.extension().and_then(|e| e.to_str()).unwrap_or("tmp")
    ));
    {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    fs::rename(&tmp, path)
}

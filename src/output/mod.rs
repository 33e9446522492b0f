//! Writing results: CSV tables ([`csv`]), the per-run tables as Parquet ([`parquet`]), the
//! printed and JSON summary ([`summary`]), text for people ([`text`]: tables, escaping; [`log`]:
//! log entries in words), and a calibration's tables ([`calibrate`]).
//!
//! Outputs read only the recorded results (`engine::record::RunRecord`), the results of
//! `runs` and the scenario; they never run the engine. Numbers are written with fixed
//! precision so that the same run gives the same bytes. Files are written to a temporary name and
//! renamed into place, so an interrupted run never leaves a half-written file under the final
//! name.

pub mod calibrate;
pub mod csv;
pub mod folder;
pub mod log;
pub mod parquet;
pub mod summary;
pub mod text;

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Writes `bytes` to `path` atomically (temporary file, then rename). On failure (a full disk)
/// the temporary file is removed: nothing is left under either name.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = path.with_extension(format!(
        "{}.partial",
        path.extension().and_then(|e| e.to_str()).unwrap_or("tmp")
    ));
    let written = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: a full disk left `report.html.partial` behind. `/dev/full` stands in for the
    /// full disk: the temporary name is a link to it, so every write fails with ENOSPC.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_failed_write_leaves_no_partial_file() {
        let dir = std::env::temp_dir().join(format!("sb-full-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("report.html");
        let partial = dir.join("report.html.partial");
        std::os::unix::fs::symlink("/dev/full", &partial).unwrap();
        assert!(write_atomic(&path, &[b'x'; 1 << 16]).is_err());
        assert!(
            fs::symlink_metadata(&partial).is_err(),
            "the partial file was left"
        );
        assert!(!path.exists());
        fs::remove_dir_all(&dir).unwrap();
    }
}

//! Output folders written whole or not at all: a run writes into a fresh temporary folder next
//! to its target ([`Staging`]) and renames it into place when every file is written, so a killed
//! or failed run leaves the previous complete output (or none), never a mix of two runs' files.
//!
//! Commands share folders (`simulate FILE` and `simulate validate FILE` both default to
//! `out/<scenario>/`), so each command names the files it owns: on commit, the old folder's
//! files owned by the command are dropped (a chart of a state the new run no longer has does not
//! survive), and everything else in it (another command's files, subfolders) is carried over.
//!
//! What can be known before the runs start is checked when the folder is staged: the target is
//! not a file, its parent can be written, and an existing folder holds only outputs
//! (`simulate` never replaces a folder holding other files: `--out .` in a project is refused).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Why an output folder cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    /// The target names no folder of its own (`.`, `..`, `/`).
    #[error("{} does not name a folder of its own", path.display())]
    NoName {
        /// The target.
        path: PathBuf,
    },
    /// The target exists and is not a folder.
    #[error("{} exists and is not a folder", path.display())]
    NotAFolder {
        /// The target.
        path: PathBuf,
    },
    /// The target is a folder holding files this program does not write.
    #[error(
        "{} holds {}, which simulate does not write; it replaces only folders of its own output",
        path.display(),
        file.display()
    )]
    Foreign {
        /// The target.
        path: PathBuf,
        /// The first file found that is not an output.
        file: PathBuf,
    },
    /// The target holds another command's results: both would write `report.html`, and one
    /// command's run would drop the other's charts.
    #[error(
        "{} holds the results of {command} ({}), which this command would mix with its own",
        path.display(),
        file.display()
    )]
    OtherCommand {
        /// The target.
        path: PathBuf,
        /// The file that marks the other command's results.
        file: PathBuf,
        /// The command that wrote it.
        command: &'static str,
    },
    /// The folder could not be made, read or renamed.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> FolderError + '_ {
    move |source| FolderError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Whether `name` is a file an output folder holds: tables (CSV, Parquet), JSON, charts, the report and
/// temporary files of interrupted writes.
pub fn is_output_file(name: &str) -> bool {
    [
        ".csv", ".parquet", ".json", ".svg", ".png", ".html", ".partial",
    ]
    .iter()
    .any(|ext| name.ends_with(ext))
}

/// The files that mark a folder as one of this program's outputs.
const MARKERS: [&str; 4] = [
    "summary.json",
    "validation.csv",
    "compare.csv",
    "report.html",
];

/// Files that mark a folder as one command's results, with the command. A command writes into a
/// folder that holds none of these but its own ([`check_results_are_ours`]).
const RESULTS: [(&str, &str); 9] = [
    ("summary.json", "a run (simulate FILE)"),
    ("validation.csv", "simulate validate"),
    ("compare.csv", "simulate compare"),
    ("worksheet.html", "simulate class"),
    ("calibration.csv", "simulate calibrate"),
    ("calibration.partial.csv", "simulate calibrate"),
    ("sensitivity.csv", "simulate sensitivity"),
    ("sweep.json", "simulate sweep"),
    ("sweep.partial.csv", "simulate sweep"),
];

/// Fails when `target` holds another command's results: a file of [`RESULTS`] that `owns` does
/// not claim. Two commands' results in one folder would replace each other's `report.html`.
pub fn check_results_are_ours(target: &Path, owns: fn(&str) -> bool) -> Result<(), FolderError> {
    match RESULTS
        .iter()
        .find(|(file, _)| !owns(file) && target.join(file).is_file())
    {
        Some(&(file, command)) => Err(FolderError::OtherCommand {
            path: target.to_path_buf(),
            file: target.join(file),
            command,
        }),
        None => Ok(()),
    }
}

/// An output folder being written: files go to [`Staging::dir`], a fresh folder next to the
/// target; [`Staging::commit`] puts it in the target's place. Dropped without a commit, the
/// temporary folder is removed.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    tmp: PathBuf,
    owns: fn(&str) -> bool,
    committed: bool,
}

impl Staging {
    /// Checks `target` and makes a fresh temporary folder next to it. Fails, before anything is
    /// run, when the target is a file, when it is a folder holding files that are not outputs
    /// (subfolders, such as `compare/` inside a run's folder, are kept), or when its parent
    /// cannot be written.
    /// `owns` says which file names the command writes.
    pub fn new(target: &Path, owns: fn(&str) -> bool) -> Result<Staging, FolderError> {
        check_target(target)?;
        check_results_are_ours(target, owns)?;
        // The last part as written: `out/.` and `out/..` name the folder they lead to, once it
        // exists (the command recorded in an output folder ends `--out .`, to be run from inside
        // it; the check above has made sure such a folder holds only outputs).
        let text = target.to_string_lossy();
        let last = text.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        if matches!(last, "." | "..")
            && target.is_dir()
            && let Ok(resolved) = fs::canonicalize(target)
            && resolved.file_name().is_some()
        {
            return Staging::new(&resolved, owns);
        }
        let name = match target.file_name() {
            Some(n) if !matches!(last, "" | "." | "..") => n.to_string_lossy().into_owned(),
            _ => {
                return Err(FolderError::NoName {
                    path: target.to_path_buf(),
                });
            }
        };
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(io_at(&parent))?;
        let tmp = parent.join(format!(".{name}.partial"));
        // What a killed commit put aside comes back first (the temporary folder holds only
        // files this program wrote, so a stale one is removed below).
        recover(target, &aside(&tmp), owns)?;
        // A folder left by a killed run is stale: the next run into the same target starts over.
        if tmp.exists() {
            fs::remove_dir_all(&tmp).map_err(io_at(&tmp))?;
        }
        fs::create_dir(&tmp).map_err(io_at(&tmp))?;
        Ok(Staging {
            target: target.to_path_buf(),
            tmp,
            owns,
            committed: false,
        })
    }

    /// The temporary folder to write into.
    pub fn dir(&self) -> &Path {
        &self.tmp
    }

    /// The folder the output will have when committed.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Puts the written folder in the target's place: the old folder is renamed aside, the new
    /// one renamed into place, then what the command does not own in the old one (subfolders,
    /// other commands' files) is moved into the new one, and the rest removed. Killed between
    /// the two renames, the previous output survives whole as `.NAME.old` next to the target;
    /// killed later, the carried entries wait there. Either way the next staging of the same
    /// target recovers them ([`Staging::new`]).
    pub fn commit(mut self) -> Result<(), FolderError> {
        let old = aside(&self.tmp);
        if self.target.is_dir() {
            recover(&self.target, &old, self.owns)?;
            fs::rename(&self.target, &old).map_err(io_at(&self.target))?;
            fs::rename(&self.tmp, &self.target).map_err(io_at(&self.target))?;
            self.committed = true;
            recover(&self.target, &old, self.owns)?;
        } else {
            fs::rename(&self.tmp, &self.target).map_err(io_at(&self.target))?;
            self.committed = true;
        }
        Ok(())
    }
}

/// `.NAME.old` beside `.NAME.partial`.
fn aside(tmp: &Path) -> PathBuf {
    tmp.with_file_name(
        tmp.file_name()
            .map(|n| n.to_string_lossy().replace(".partial", ".old"))
            .unwrap_or_else(|| ".out.old".into()),
    )
}

/// Brings back what a commit put aside in `old`: the whole folder when `target` is missing
/// (a commit killed between its two renames), else the entries `owns` does not claim and
/// `target` lacks; then removes `old`.
fn recover(target: &Path, old: &Path, owns: fn(&str) -> bool) -> Result<(), FolderError> {
    if !old.is_dir() {
        return Ok(());
    }
    if !target.exists() {
        return fs::rename(old, target).map_err(io_at(target));
    }
    for entry in fs::read_dir(old).map_err(io_at(old))? {
        let entry = entry.map_err(io_at(old))?;
        let is_dir = entry.file_type().map_err(io_at(&entry.path()))?.is_dir();
        let name = entry.file_name().to_string_lossy().into_owned();
        let to = target.join(entry.file_name());
        if (is_dir || !owns(&name)) && !to.exists() {
            fs::rename(entry.path(), &to).map_err(io_at(&to))?;
        }
    }
    fs::remove_dir_all(old).map_err(io_at(old))
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// The checks [`Staging::new`] makes on the target, without making anything.
pub fn check_target(target: &Path) -> Result<(), FolderError> {
    let meta = match fs::symlink_metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_at(target)(e)),
    };
    if !meta.is_dir() {
        return Err(FolderError::NotAFolder {
            path: target.to_path_buf(),
        });
    }
    let mut files = Vec::new();
    for entry in fs::read_dir(target).map_err(io_at(target))? {
        let entry = entry.map_err(io_at(target))?;
        let kind = entry.file_type().map_err(io_at(&entry.path()))?;
        if kind.is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if !kind.is_file() || !is_output_file(&name) {
            return Err(FolderError::Foreign {
                path: target.to_path_buf(),
                file: entry.path(),
            });
        }
        files.push(name);
    }
    files.sort();
    // Files that look like outputs in a folder with none of the files every output has (a
    // folder of someone's own CSVs) are not replaced either.
    if let Some(first) = files.first()
        && !files.iter().any(|f| {
            MARKERS.contains(&f.as_str())
                || f == "sweep.json"
                || f == "calibration.partial.csv"
                || f.starts_with("calibration.shard_")
        })
    {
        return Err(FolderError::Foreign {
            path: target.to_path_buf(),
            file: target.join(first),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_files(name: &str) -> bool {
        name != "extra.csv"
    }

    /// What a run writes, as far as these tests need.
    fn a_run(name: &str) -> bool {
        matches!(name, "summary.json" | "report.html") || name.ends_with(".svg")
    }

    #[test]
    fn a_folder_holding_another_commands_results_is_refused_untouched() {
        let root = tmp();
        let target = root.join("sweep");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("sweep.json"), "{}").unwrap();
        fs::write(target.join("sweep_p_x.svg"), "<svg/>").unwrap();
        fs::write(target.join("report.html"), "the sweep's").unwrap();
        let e = Staging::new(&target, a_run).unwrap_err();
        assert!(
            matches!(
                e,
                FolderError::OtherCommand {
                    command: "simulate sweep",
                    ..
                }
            ),
            "{e}"
        );
        assert!(target.join("sweep_p_x.svg").exists());
        assert!(!root.join(".sweep.partial").exists());
        // Its own results, or none, are fine.
        fs::remove_file(target.join("sweep.json")).unwrap();
        fs::write(target.join("summary.json"), "{}").unwrap();
        assert!(Staging::new(&target, a_run).is_ok());
        fs::remove_dir_all(&root).unwrap();
    }

    fn tmp() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "sb-folder-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_committed_folder_replaces_the_old_one_whole_and_keeps_its_subfolders() {
        let root = tmp();
        let target = root.join("out");
        fs::create_dir_all(target.join("compare")).unwrap();
        fs::write(target.join("summary.json"), "old").unwrap();
        fs::write(target.join("alignment_OLD.svg"), "old").unwrap();
        fs::write(target.join("compare").join("compare.csv"), "kept").unwrap();
        fs::write(target.join("extra.csv"), "kept").unwrap();
        let s = Staging::new(&target, run_files).unwrap();
        fs::write(s.dir().join("summary.json"), "new").unwrap();
        // Until the commit the old output is untouched.
        assert_eq!(
            fs::read_to_string(target.join("summary.json")).unwrap(),
            "old"
        );
        s.commit().unwrap();
        assert_eq!(
            fs::read_to_string(target.join("summary.json")).unwrap(),
            "new"
        );
        assert!(
            !target.join("alignment_OLD.svg").exists(),
            "a file of the old run survived"
        );
        assert_eq!(
            fs::read_to_string(target.join("compare").join("compare.csv")).unwrap(),
            "kept"
        );
        assert_eq!(
            fs::read_to_string(target.join("extra.csv")).unwrap(),
            "kept"
        );
        let left: Vec<_> = fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("out")]);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn what_a_killed_commit_put_aside_is_recovered_by_the_next_staging() {
        let root = tmp();
        let target = root.join("out");
        // Killed between the two renames: only `.out.old` is left.
        let old = root.join(".out.old");
        fs::create_dir_all(old.join("compare")).unwrap();
        fs::write(old.join("summary.json"), "old").unwrap();
        let s = Staging::new(&target, run_files).unwrap();
        assert_eq!(
            fs::read_to_string(target.join("summary.json")).unwrap(),
            "old"
        );
        drop(s);
        // Killed after the swap, before the carried entries were moved back.
        fs::create_dir_all(old.join("sub")).unwrap();
        fs::write(old.join("extra.csv"), "kept").unwrap();
        fs::write(old.join("summary.json"), "older").unwrap();
        let s = Staging::new(&target, run_files).unwrap();
        assert!(target.join("sub").is_dir());
        assert_eq!(
            fs::read_to_string(target.join("extra.csv")).unwrap(),
            "kept"
        );
        assert_eq!(
            fs::read_to_string(target.join("summary.json")).unwrap(),
            "old"
        );
        assert!(!old.exists());
        drop(s);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_dropped_staging_leaves_the_old_output_and_no_temporary_folder() {
        let root = tmp();
        let target = root.join("out");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("summary.json"), "old").unwrap();
        {
            let s = Staging::new(&target, run_files).unwrap();
            fs::write(s.dir().join("summary.json"), "new").unwrap();
        }
        assert_eq!(
            fs::read_to_string(target.join("summary.json")).unwrap(),
            "old"
        );
        assert_eq!(fs::read_dir(&root).unwrap().count(), 1);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn files_and_foreign_folders_are_refused() {
        let root = tmp();
        let file = root.join("file");
        fs::write(&file, "x").unwrap();
        assert!(matches!(
            Staging::new(&file, run_files),
            Err(FolderError::NotAFolder { .. })
        ));
        let mine = root.join("mine");
        fs::create_dir_all(&mine).unwrap();
        fs::write(mine.join("notes.txt"), "x").unwrap();
        assert!(matches!(
            Staging::new(&mine, run_files),
            Err(FolderError::Foreign { .. })
        ));
        let data = root.join("data");
        fs::create_dir_all(&data).unwrap();
        fs::write(data.join("prices.csv"), "x").unwrap();
        assert!(matches!(
            Staging::new(&data, run_files),
            Err(FolderError::Foreign { .. })
        ));
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_target_that_names_no_folder_of_its_own_is_refused() {
        let root = tmp();
        for target in [root.join(".."), PathBuf::from("/")] {
            assert!(
                matches!(
                    Staging::new(&target, run_files),
                    Err(FolderError::NoName { .. } | FolderError::Foreign { .. })
                ),
                "{}",
                target.display()
            );
        }
        assert!(matches!(
            Staging::new(Path::new("/."), run_files),
            Err(FolderError::NoName { .. } | FolderError::Foreign { .. })
        ));
        fs::remove_dir_all(&root).unwrap();
    }

    /// The command recorded in an output folder ends `--out .`: run from inside the folder, it
    /// writes the folder again; a folder holding other files is still refused.
    #[test]
    fn dot_names_the_existing_folder_it_leads_to() {
        let root = tmp();
        let staged = Staging::new(&root.join("."), run_files).expect("an empty folder");
        assert_eq!(staged.target(), fs::canonicalize(&root).unwrap());
        drop(staged);
        fs::write(root.join("notes.txt"), "x").unwrap();
        assert!(matches!(
            Staging::new(&root.join("."), run_files),
            Err(FolderError::Foreign { .. })
        ));
        fs::remove_dir_all(&root).unwrap();
    }
}

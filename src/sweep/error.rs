//! What can go wrong in a sweep, one variant per kind of problem. Messages name the sweep's
//! keys, files and points, never a command-line flag: the binary adds those.

use std::path::{Path, PathBuf};

use crate::plot::PlotError;
use crate::runs::ensemble::PoolError;
use crate::scenario::keys::{AxisError, KeyError};

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// A swept key and its values that cannot make an axis.
    #[error("{key}={text}: {source}")]
    Axis {
        /// The key.
        key: String,
        /// The values as given.
        text: String,
        /// Why.
        source: AxisError,
    },
    /// A point's value cannot be set.
    #[error("{key}: {source}")]
    Point {
        /// The key.
        key: String,
        /// Why.
        source: KeyError,
    },
    /// A random or Latin-hypercube design without its number of points.
    #[error("a {design} design needs a number of samples (the points to draw)")]
    NeedsSamples {
        /// The design's name.
        design: &'static str,
    },
    /// A number of samples for a grid, which runs every combination of its axes' values.
    #[error(
        "a grid runs every combination of its axes' values; a number of samples applies to a random or lhs design"
    )]
    SamplesWithGrid,
    /// A random or Latin-hypercube design without an interval to draw from.
    #[error("a {design} design needs swept keys with intervals (KEY=min:max)")]
    NeedsAxes {
        /// The design's name.
        design: &'static str,
    },
    /// An output the analysis cannot read.
    #[error("unknown output `{name}`\n  help: outputs of this scenario: {}, or all", known.join(", "))]
    Output {
        /// The name given.
        name: String,
        /// The outputs there are.
        known: Vec<String>,
    },
    /// A parameter section that does not exist.
    #[error("unknown parameter section `{name}`\n  help: sections: {known}")]
    Section {
        /// The name given.
        name: String,
        /// The sections there are.
        known: String,
    },
    /// A factor whose interval has no width.
    #[error("{key}: a factor needs an interval min:max with min < max")]
    EmptyInterval {
        /// The key.
        key: String,
    },
    /// A sensitivity design that cannot be built.
    #[error(transparent)]
    Design(#[from] crate::sensitivity::DesignError),
    /// The same key swept twice.
    #[error("{key} is swept twice\n  help: give each key one set of values")]
    RepeatedAxis {
        /// The key.
        key: String,
    },
    /// More points than a sweep may have.
    #[error(
        "the sweep has {} points, more than the limit of {}\n  help: use fewer values per axis (a grid has the product of their counts), or fewer samples",
        if *points == usize::MAX { "too many".to_string() } else { points.to_string() },
        crate::scenario::experiment::MAX_POINTS
    )]
    TooManyPoints {
        /// Points asked for (`usize::MAX`: past counting).
        points: usize,
    },
    /// A point's row holds a value no sweep may write (not finite, or outside 0-1).
    #[error(
        "point {point}, column {column}: {problem}: the runs produced a value that cannot be written\n  help: the scenario's numbers at this point combine into values the model cannot represent; reduce them"
    )]
    BadValue {
        /// The point.
        point: usize,
        /// The column.
        column: String,
        /// What is wrong.
        problem: String,
    },
    /// Two outputs whose names, made by joining ids with `_`, would be the same column.
    #[error(
        "{file} would have two columns named `{column}`: {first}, and {second}\n  help: rename one of the ids in the scenario: ids joined by `_` must not spell another column's name"
    )]
    Ambiguous {
        /// The file (or `sensitivity outputs`).
        file: &'static str,
        /// The column's name.
        column: String,
        /// What the first column would hold.
        first: String,
        /// What the second would hold.
        second: String,
    },
    /// Nothing to run.
    #[error("the sweep has no points")]
    NoPoints,
    /// Results on disk (partial or finished) from another sweep.
    #[error(
        "the results in {} come from a different sweep (what differs: {differ})\n  help: rerun with the same definition, use another --out, or remove {} to start over",
        dir.display(),
        remove
    )]
    NotThisSweep {
        /// The output folder.
        dir: PathBuf,
        /// The files to remove to start over.
        remove: String,
        /// What differs, in sweep.json's words (`runs`, `seed`, `axes`, ...).
        differ: String,
    },
    /// A results file whose columns are not this sweep's.
    #[error(
        "{}: its columns do not match this sweep's definition\n  help: use the same scenario and swept values that produced it",
        path.display()
    )]
    Columns {
        /// The file.
        path: PathBuf,
    },
    /// A file that cannot be read as what it should be.
    #[error("{}: {problem}", path.display())]
    BadFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// Shard folders that do not make one whole sweep.
    #[error("{0}")]
    Shards(String),
    /// The worker threads could not start.
    #[error(transparent)]
    Threads(#[from] PoolError),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A chart could not be drawn or written.
    #[error(transparent)]
    Chart(#[from] PlotError),
}

impl SweepError {
    /// Whether the problem is in what the user gave (exit 2), rather than the machine (exit 1).
    pub fn is_input(&self) -> bool {
        !matches!(
            self,
            SweepError::Threads(_) | SweepError::Io { .. } | SweepError::Chart(_)
        )
    }
}

pub(crate) fn io_err(path: &Path, source: std::io::Error) -> SweepError {
    SweepError::Io {
        path: path.to_path_buf(),
        source,
    }
}

//! `simulate merge DIR...`: the shards of a sweep merged into the files an unsharded run writes.

use std::path::PathBuf;

use clap::Args;
use soft_balancing::sweep::store;

use crate::Failure;
use crate::common::out_is_free;
use crate::sweep::sweep_failure;

/// Arguments of `simulate merge`.
#[derive(Args)]
pub struct MergeArgs {
    /// Output folders of the shards (each holds sweep.csv and sweep.json).
    #[arg(required = true, value_name = "DIR")]
    dirs: Vec<PathBuf>,
    /// Folder for the merged sweep.csv and sweep.json.
    #[arg(long, value_name = "DIR", default_value = "out/merged")]
    out: PathBuf,
}

/// `simulate merge`.
pub fn merge(args: MergeArgs) -> Result<(), Failure> {
    // A merge may replace a merged sweep, or a sensitivity analysis's design.
    out_is_free(&args.out, crate::sweep::owns_design)?;
    // Merging into one of the shards would replace it: the set could not be merged again.
    let out = std::fs::canonicalize(&args.out).ok();
    let same = |d: &&PathBuf| out.is_some() && std::fs::canonicalize(d).ok() == out;
    if let Some(dir) = args.dirs.iter().find(same) {
        return Err(Failure::Input(format!(
            "--out {}: is the shard folder {}, which the merge would replace\n  help: merge into a folder of its own, e.g. --out out/merged",
            args.out.display(),
            dir.display()
        )));
    }
    if let Some(first) = args.dirs.first() {
        crate::common::merge_target_is_free(&args.out, first)?;
    }
    let files = store::merge(&args.dirs, &args.out).map_err(sweep_failure)?;
    println!("merged {} shard folders", args.dirs.len());
    for f in files {
        println!("wrote {}", f.display());
    }
    // The charts and report.html need the scenario, which a merge on a cluster may not have.
    println!(
        "report.html (and the charts, for a sweep that draws them): run the sweep's command again with --resume --out {} (no point is run again)",
        args.out.display()
    );
    Ok(())
}

//! `simulate calibrate --shard K/N` and `--merge-shards`: one generation's proposals split
//! across tasks (each scores its slice from the checkpoint and writes
//! `calibration.shard_K_of_N.csv`), then gathered into the checkpoint
//! ([`soft_balancing::runs::calibrate::checkpoint`]).

use std::path::{Path, PathBuf};

use soft_balancing::Scenario;
use soft_balancing::output::write_atomic;
use soft_balancing::runs::calibrate::checkpoint::{self, Generation};
use soft_balancing::runs::calibrate::{self, Parameter, Request};

use super::{read_text, refused};
use crate::Failure;

/// What a shard or a merge works on.
pub(super) struct Step<'a> {
    pub sc: &'a Scenario,
    pub req: &'a Request,
    pub params: &'a [Parameter],
    pub identity: &'a [(String, String)],
    pub out_dir: &'a Path,
    pub checkpoint: &'a Path,
    pub quiet: bool,
}

/// With `shard`, scores its slice of the generation after `resumed` and writes its file; without,
/// merges the shard files into `resumed` and the checkpoint. Returns whether the sampler is
/// finished, so that the output is to be written.
pub(super) fn step(
    c: &Step<'_>,
    shard: Option<(usize, usize)>,
    resumed: &mut Vec<Generation>,
) -> Result<bool, Failure> {
    let flag = if shard.is_some() {
        "--shard"
    } else {
        "--merge-shards"
    };
    let (_, abc) = calibrate::replay(c.sc, c.req, resumed).map_err(super::failure)?;
    let g = abc.generation();
    if abc.finished() {
        return Err(Failure::Input(format!(
            "{}: {} holds a finished sampler ({g} generations): nothing is left to shard\n  help: run the command with --resume to write the output",
            flag,
            c.checkpoint.display()
        )));
    }
    let proposals = abc.propose();
    let shard_identity = |k: usize, n: usize| {
        let mut id = c.identity.to_vec();
        id.push(("generation".into(), g.to_string()));
        id.push(("shard".into(), format!("{k}/{n}")));
        id
    };
    if let Some((k, n)) = shard {
        let share = checkpoint::shard_share(proposals.len(), k, n);
        let scored = calibrate::score_share(c.sc, c.req, c.params, g, &proposals, &share, &|| {})
            .map_err(super::failure)?;
        let rows: Vec<(usize, f64, f64, Vec<f64>)> = share
            .iter()
            .zip(&scored)
            .map(|(&j, s)| (j, s.distance(true), s.distance(false), proposals[j].clone()))
            .collect();
        let path = c.out_dir.join(checkpoint::shard_file(k, n));
        let text = checkpoint::write_shard(&shard_identity(k, n), c.params, g, &rows);
        write_atomic(&path, text.as_bytes())
            .map_err(|e| Failure::Other(format!("cannot write {}: {e}", path.display())))?;
        if !c.quiet {
            println!(
                "generation {g}, shard {k}/{n}: {} of {} proposals scored; wrote {}",
                share.len(),
                proposals.len(),
                path.display()
            );
        }
        return Ok(false);
    }
    // --merge-shards: every shard of one count, each once.
    let mut found: Vec<(usize, usize, PathBuf)> = Vec::new();
    let entries = std::fs::read_dir(c.out_dir)
        .map_err(|e| Failure::Other(format!("cannot read {}: {e}", c.out_dir.display())))?;
    for entry in entries {
        let entry = entry
            .map_err(|e| Failure::Other(format!("cannot read {}: {e}", c.out_dir.display())))?;
        if let Some((k, n)) = checkpoint::shard_of(&entry.file_name().to_string_lossy()) {
            found.push((k, n, entry.path()));
        }
    }
    found.sort();
    let n = found.first().map_or(0, |f| f.1);
    if n == 0 {
        return Err(Failure::Input(format!(
            "--merge-shards: no shard file (calibration.shard_K_of_N.csv) in {}\n  help: run the command with --shard K/N for K = 1 to N first",
            c.out_dir.display()
        )));
    }
    for k in 1..=n {
        if !found.iter().any(|f| f.0 == k && f.1 == n) {
            return Err(Failure::Input(format!(
                "--merge-shards: {} is missing from {}\n  help: run the command with --shard {k}/{n}",
                checkpoint::shard_file(k, n),
                c.out_dir.display()
            )));
        }
    }
    if let Some(f) = found.iter().find(|f| f.1 != n || f.0 == 0 || f.0 > n) {
        return Err(Failure::Input(format!(
            "--merge-shards: {} is not one of the {n} shards of {}\n  help: remove the shard files of another split",
            f.2.display(),
            c.out_dir.display()
        )));
    }
    let m = proposals.len();
    let mut next = checkpoint::Generation {
        proposals: proposals.clone(),
        distances: vec![0.0; m],
        out_of_sample: vec![0.0; m],
    };
    for (k, _, path) in &found {
        let share = checkpoint::shard_share(m, *k, n);
        let rows = checkpoint::read_shard(
            &read_text(path)?,
            &shard_identity(*k, n),
            c.params,
            g,
            &proposals,
            &share,
        )
        .map_err(|e| refused(flag, path, e))?;
        for (j, d, o) in rows {
            next.distances[j] = d;
            next.out_of_sample[j] = o;
        }
    }
    resumed.push(next);
    let text = checkpoint::write(c.identity, c.params, resumed);
    write_atomic(c.checkpoint, text.as_bytes())
        .map_err(|e| Failure::Other(format!("cannot write {}: {e}", c.checkpoint.display())))?;
    for (_, _, path) in &found {
        let _ = std::fs::remove_file(path);
    }
    let (_, abc) = calibrate::replay(c.sc, c.req, resumed).map_err(super::failure)?;
    if !abc.finished() {
        if !c.quiet {
            println!(
                "generation {g} merged from {n} shards into {}; next: generation {} with --shard K/N, then --merge-shards",
                c.checkpoint.display(),
                g + 1
            );
        }
        return Ok(false);
    }
    Ok(true)
}

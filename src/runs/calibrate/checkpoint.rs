//! A calibration's checkpoint, `calibration.partial.csv`: what `simulate calibrate --resume`
//! needs to continue a killed calibration bit for bit, as text (the binary writes it atomically
//! after each generation and removes it when the calibration's folder is committed).
//!
//! **What it holds.** The sampler draws generation `g`'s proposals from a generator seeded by
//! (seed, g) and the populations before it ([`crate::abc`]), and proposal `j` runs on its own
//! seed ([`super::particle_seed`]): no generator state survives a generation. So the checkpoint
//! holds only each finished generation's proposals and their in- and out-of-sample distances,
//! one row per proposal; resuming replays the sampler's updates on them (pure maths, no run),
//! which rebuilds every population, weight and tolerance exactly, then goes on.
//!
//! **Why it is trusted.** Above the rows, `# key: value` lines identify the calibration (the
//! scenario's SHA-256, the changes, the seed, the parameters and priors, the sampler's
//! settings, the runs, the fit, the data) and give `rows_sha256`, the SHA-256 of the rest of the
//! file. Reading refuses another calibration's checkpoint (naming the line and key that
//! differ) and a tampered one: every row must have the columns' count, its generation and
//! proposal in order, distances that are finite numbers from 0, and parameter values equal to
//! the last bit to those the sampler proposes when replayed; the rows must match their checksum.
//! Numbers are written in Rust's shortest form that reads back to the same bits.

use sha2::{Digest, Sha256};

use super::Parameter;
use crate::abc::Apmc;

/// The checkpoint's file name in the output folder.
pub const FILE: &str = "calibration.partial.csv";

const TITLE: &str = "# simulate calibrate checkpoint: the generations done, for --resume";

/// One finished generation: its proposals in order and their distances.
#[derive(Clone, Debug, PartialEq)]
pub struct Generation {
    /// The parameter sets proposed, in proposal order.
    pub proposals: Vec<Vec<f64>>,
    /// Each proposal's in-sample distance (what the sampler sees).
    pub distances: Vec<f64>,
    /// Each proposal's out-of-sample distance.
    pub out_of_sample: Vec<f64>,
}

/// Why a checkpoint is refused: where and what.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct CheckpointError {
    /// The line (1-based).
    pub line: usize,
    /// The column's name, or the header's key.
    pub column: String,
    /// What is wrong.
    pub message: String,
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn columns(params: &[Parameter]) -> Vec<String> {
    let mut c: Vec<String> = [
        "generation",
        "proposal",
        "distance",
        "out_of_sample_distance",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    c.extend(params.iter().map(|p| p.key.clone()));
    c
}

/// The checkpoint's text: the identity lines (`identity`: key and value, as the caller states
/// the calibration), the rows' checksum, the columns and a row per proposal of `generations`.
pub fn write(
    identity: &[(String, String)],
    params: &[Parameter],
    generations: &[Generation],
) -> String {
    let rows = generations.iter().enumerate().flat_map(|(g, done)| {
        (0..done.proposals.len()).map(move |j| {
            (
                g,
                j,
                done.distances[j],
                done.out_of_sample[j],
                done.proposals[j].as_slice(),
            )
        })
    });
    text(identity, params, rows)
}

/// A shard's file name: `calibration.shard_I_of_N.csv`.
pub fn shard_file(shard: usize, shards: usize) -> String {
    format!("calibration.shard_{shard}_of_{shards}.csv")
}

/// The shard and shard count a file name gives, when it is a shard's.
pub fn shard_of(name: &str) -> Option<(usize, usize)> {
    let (i, n) = name
        .strip_prefix("calibration.shard_")?
        .strip_suffix(".csv")?
        .split_once("_of_")?;
    Some((i.parse().ok()?, n.parse().ok()?))
}

/// The proposals of a generation of `n` that shard `shard` of `shards` scores: `j` with
/// `j mod shards = shard - 1` (round-robin, as sweeps).
pub fn shard_share(n: usize, shard: usize, shards: usize) -> Vec<usize> {
    (0..n).filter(|j| j % shards == shard - 1).collect()
}

/// A shard's text: as a checkpoint, its `identity` including the generation and the shard,
/// with a row per proposal it scored: `(proposal, distance, out-of-sample distance, values)`.
pub fn write_shard(
    identity: &[(String, String)],
    params: &[Parameter],
    generation: usize,
    rows: &[(usize, f64, f64, Vec<f64>)],
) -> String {
    text(
        identity,
        params,
        rows.iter()
            .map(|(j, d, o, theta)| (generation, *j, *d, *o, theta.as_slice())),
    )
}

fn text<'a>(
    identity: &[(String, String)],
    params: &[Parameter],
    rows: impl Iterator<Item = (usize, usize, f64, f64, &'a [f64])>,
) -> String {
    let mut body = columns(params).join(",");
    body.push('\n');
    for (g, j, d, o, theta) in rows {
        body.push_str(&format!("{g},{j},{d},{o}"));
        for v in theta {
            body.push_str(&format!(",{v}"));
        }
        body.push('\n');
    }
    let mut o = format!("{TITLE}\n");
    for (k, v) in identity {
        o.push_str(&format!("# {k}: {v}\n"));
    }
    o.push_str(&format!("# rows_sha256: {}\n", sha256_hex(body.as_bytes())));
    o.push_str(&body);
    o
}

fn err(line: usize, column: &str, message: String) -> CheckpointError {
    CheckpointError {
        line,
        column: column.to_string(),
        message,
    }
}

/// A checkpoint's or shard's lines, checked up to the columns: the title, `identity`, the
/// checksum. Returns the lines, the checksum and the index of the columns' line.
fn head<'t>(
    text: &'t str,
    identity: &[(String, String)],
    params: &[Parameter],
) -> Result<(Vec<&'t str>, String, usize), CheckpointError> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let line = |i: usize| lines.get(i).map_or("", |l| l.trim_end_matches('\n'));
    if line(0) != TITLE {
        return Err(err(
            1,
            "title",
            format!("expected `{TITLE}`: this is not a calibration's checkpoint"),
        ));
    }
    let header =
        |i: usize| -> Option<(&str, &str)> { line(i).strip_prefix("# ")?.split_once(": ") };
    for (n, (key, want)) in identity.iter().enumerate() {
        let i = n + 1;
        match header(i) {
            Some((k, v)) if k == key && v == want => {}
            Some((k, v)) if k == key => {
                return Err(err(
                    i + 1,
                    key,
                    format!(
                        "the checkpoint's calibration has {key} `{v}`, this one `{want}`: it is another calibration's checkpoint"
                    ),
                ));
            }
            _ => {
                return Err(err(
                    i + 1,
                    key,
                    format!("expected `# {key}: {want}`, found `{}`", line(i)),
                ));
            }
        }
    }
    let sum_line = identity.len() + 1;
    let sum = match header(sum_line) {
        Some(("rows_sha256", v)) => v.to_string(),
        _ => {
            return Err(err(
                sum_line + 1,
                "rows_sha256",
                format!("expected `# rows_sha256: HEX`, found `{}`", line(sum_line)),
            ));
        }
    };
    let cols = columns(params);
    let first = sum_line + 1;
    if line(first) != cols.join(",") {
        return Err(err(
            first + 1,
            "header",
            format!("expected the columns `{}`", cols.join(",")),
        ));
    }
    Ok((lines, sum, first))
}

/// Checks that the lines from the columns' on match the checksum on the line before.
fn check_sum(lines: &[&str], first: usize, sum: &str) -> Result<(), CheckpointError> {
    let rest: String = lines[first.min(lines.len())..].concat();
    if sha256_hex(rest.as_bytes()) != sum {
        return Err(err(
            first,
            "rows_sha256",
            "the rows do not match their checksum: the file was changed after it was written"
                .to_string(),
        ));
    }
    Ok(())
}

/// Checks row `line` (number `lineno`) as generation `g`'s proposal `j` at `theta`; returns
/// its two distances.
fn row(
    lineno: usize,
    line: &str,
    cols: &[String],
    g: usize,
    j: usize,
    theta: &[f64],
) -> Result<(f64, f64), CheckpointError> {
    let fields: Vec<&str> = line.trim_end_matches('\n').split(',').collect();
    if fields.len() != cols.len() {
        return Err(err(
            lineno,
            "row",
            format!("{} fields, the header has {}", fields.len(), cols.len()),
        ));
    }
    for (c, want) in [(0, g), (1, j)] {
        if fields[c].parse::<usize>().ok() != Some(want) {
            return Err(err(
                lineno,
                &cols[c],
                format!(
                    "`{}`: expected {want} (generation {g}, proposal {j} comes here)",
                    fields[c]
                ),
            ));
        }
    }
    let distance = |c: usize| -> Result<f64, CheckpointError> {
        match fields[c].parse::<f64>() {
            Ok(d) if d.is_finite() && d >= 0.0 => Ok(d),
            _ => Err(err(
                lineno,
                &cols[c],
                format!("`{}` is not a distance (a finite number from 0)", fields[c]),
            )),
        }
    };
    let d = (distance(2)?, distance(3)?);
    for (i, want) in theta.iter().enumerate() {
        let f = fields[4 + i];
        if f.parse::<f64>().map(f64::to_bits).ok() != Some(want.to_bits()) {
            return Err(err(
                lineno,
                &cols[4 + i],
                format!("`{f}` is not the value this calibration proposes here ({want})"),
            ));
        }
    }
    Ok(d)
}

/// Reads a checkpoint written by [`write`] for the calibration `identity` names, replaying
/// `abc` (a fresh sampler of that calibration) to check each generation's proposals. Returns
/// the generations done.
pub fn read(
    text: &str,
    identity: &[(String, String)],
    params: &[Parameter],
    mut abc: Apmc,
) -> Result<Vec<Generation>, CheckpointError> {
    let (lines, sum, first) = head(text, identity, params)?;
    let cols = columns(params);
    let rows = &lines[(first + 1).min(lines.len())..];
    let mut at = 0;
    let mut out = Vec::new();
    while at < rows.len() {
        let g = abc.generation();
        if abc.finished() {
            return Err(err(
                first + 2 + at,
                "generation",
                format!(
                    "the calibration stopped after generation {}: no generation {g} follows",
                    g - 1
                ),
            ));
        }
        let proposals = abc.propose();
        let n = proposals.len();
        let mut done = Generation {
            proposals: Vec::with_capacity(n),
            distances: Vec::with_capacity(n),
            out_of_sample: Vec::with_capacity(n),
        };
        for (j, theta) in proposals.into_iter().enumerate() {
            let lineno = first + 2 + at;
            let Some(line) = rows.get(at) else {
                return Err(err(
                    lineno - 1,
                    "proposal",
                    format!("generation {g} stops after {j} of its {n} proposals"),
                ));
            };
            let (d, o) = row(lineno, line, &cols, g, j, &theta)?;
            done.distances.push(d);
            done.out_of_sample.push(o);
            done.proposals.push(theta);
            at += 1;
        }
        abc.update(done.proposals.clone(), &done.distances)
            .map_err(|e| err(first + 1 + at, "distance", e.to_string()))?;
        out.push(done);
    }
    check_sum(&lines, first, &sum)?;
    Ok(out)
}

/// Reads a shard written by [`write_shard`] for the calibration and shard `identity` names:
/// its rows must be generation `generation`'s proposals `mine`, in order, at the values
/// `proposals` gives. Returns each one's proposal number and distances.
pub fn read_shard(
    text: &str,
    identity: &[(String, String)],
    params: &[Parameter],
    generation: usize,
    proposals: &[Vec<f64>],
    mine: &[usize],
) -> Result<Vec<(usize, f64, f64)>, CheckpointError> {
    let (lines, sum, first) = head(text, identity, params)?;
    let cols = columns(params);
    let rows = &lines[(first + 1).min(lines.len())..];
    if rows.len() != mine.len() {
        return Err(err(
            first + 1 + rows.len(),
            "proposal",
            format!(
                "{} rows: the shard scores {} proposals of generation {generation}",
                rows.len(),
                mine.len()
            ),
        ));
    }
    let mut out = Vec::with_capacity(mine.len());
    for (at, (&j, line)) in mine.iter().zip(rows).enumerate() {
        let (d, o) = row(first + 2 + at, line, &cols, generation, j, &proposals[j])?;
        out.push((j, d, o));
    }
    check_sum(&lines, first, &sum)?;
    Ok(out)
}

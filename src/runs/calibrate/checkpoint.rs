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
    let mut rows = columns(params).join(",");
    rows.push('\n');
    for (g, done) in generations.iter().enumerate() {
        for (j, theta) in done.proposals.iter().enumerate() {
            rows.push_str(&format!(
                "{g},{j},{},{}",
                done.distances[j], done.out_of_sample[j]
            ));
            for v in theta {
                rows.push_str(&format!(",{v}"));
            }
            rows.push('\n');
        }
    }
    let mut o = format!("{TITLE}\n");
    for (k, v) in identity {
        o.push_str(&format!("# {k}: {v}\n"));
    }
    o.push_str(&format!("# rows_sha256: {}\n", sha256_hex(rows.as_bytes())));
    o.push_str(&rows);
    o
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
    let err = |line: usize, column: &str, message: String| CheckpointError {
        line,
        column: column.to_string(),
        message,
    };
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
    let rows = &lines[(first + 1).min(lines.len())..];
    let mut at = 0;
    let mut out = Vec::new();
    while at < rows.len() {
        let g = abc.generation();
        let lineno = first + 2 + at;
        if abc.finished() {
            return Err(err(
                lineno,
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
            let Some(row) = rows.get(at) else {
                return Err(err(
                    lineno - 1,
                    "proposal",
                    format!("generation {g} stops after {j} of its {n} proposals"),
                ));
            };
            let fields: Vec<&str> = row.trim_end_matches('\n').split(',').collect();
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
            done.distances.push(distance(2)?);
            done.out_of_sample.push(distance(3)?);
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
            done.proposals.push(theta);
            at += 1;
        }
        let distances = done.distances.clone();
        abc.update(done.proposals.clone(), &distances)
            .map_err(|e| err(first + 1 + at, "distance", e.to_string()))?;
        out.push(done);
    }
    let rest: String = lines[first.min(lines.len())..].concat();
    if sha256_hex(rest.as_bytes()) != sum {
        return Err(err(
            sum_line + 1,
            "rows_sha256",
            "the rows do not match their checksum: the file was changed after it was written"
                .to_string(),
        ));
    }
    Ok(out)
}

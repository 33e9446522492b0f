//! A finished sweep's charts, from the rows the sweep holds in memory: each index (and each
//! outcome's probability) over one swept key, its mean with the 5–95 % band, or its mean as a
//! heatmap over two keys on a grid. Drawing is `plot::sweep`'s.

use std::path::PathBuf;

use super::error::SweepError;
use super::options::SweepOptions;
use super::table::{PointRow, STATS, metrics};
use crate::engine::record::Indices;
use crate::plot::sweep::{Band, heatmap, line_band};
use crate::scenario::Scenario;
use crate::scenario::experiment::Design;

/// A charted column: its name, the column of its mean, and the columns of its 5th and 95th
/// percentiles if it has a spread (a probability has none).
type Target = (String, usize, Option<(usize, usize)>);

/// Draws the charts of a sweep whose rows (in point order) are `rows` into `opts.out`; returns
/// the files written. Sweeps over no key or more than two draw nothing.
pub fn draw(
    sc: &Scenario,
    opts: &SweepOptions,
    rows: &[PointRow],
) -> Result<Vec<PathBuf>, SweepError> {
    let axes = &opts.spec.axes;
    if axes.is_empty() || axes.len() > 2 {
        return Ok(Vec::new());
    }
    let n_metrics = metrics(sc).len();
    let first_index = n_metrics - Indices::NAMES.len();
    let mut targets: Vec<Target> = Indices::NAMES
        .iter()
        .enumerate()
        .map(|(k, n)| {
            let m = first_index + k;
            (
                n.to_string(),
                m * STATS.len(),
                Some((m * STATS.len() + 2, m * STATS.len() + 4)),
            )
        })
        .collect();
    for (j, o) in sc.outcomes.iter().enumerate() {
        targets.push((format!("p_{}", o.id), n_metrics * STATS.len() + j, None));
    }
    let mut written = Vec::new();
    for (name, mean_col, band) in targets {
        let file = opts.out.join(format!("sweep_{name}.svg"));
        let title = format!(
            "{} over {} — {} (seed {})",
            name,
            axes.iter()
                .map(|a| a.key.as_str())
                .collect::<Vec<_>>()
                .join(" x "),
            sc.name,
            opts.seed
        );
        if axes.len() == 1 {
            let mut pts: Vec<(f64, f64, f64, f64)> = rows
                .iter()
                .map(|r| {
                    let mean = r.cells[mean_col];
                    let (lo, hi) = band.map_or((mean, mean), |(a, b)| (r.cells[a], r.cells[b]));
                    (r.values[0], mean, lo, hi)
                })
                .collect();
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            let x: Vec<f64> = pts.iter().map(|p| p.0).collect();
            let mean: Vec<f64> = pts.iter().map(|p| p.1).collect();
            let lo: Vec<f64> = pts.iter().map(|p| p.2).collect();
            let hi: Vec<f64> = pts.iter().map(|p| p.3).collect();
            let band = Band {
                x: &x,
                mean: &mean,
                lo: &lo,
                hi: &hi,
            };
            line_band(&file, &title, &axes[0].key, &name, &band)?;
        } else {
            if opts.spec.design != Design::Grid {
                return Ok(written);
            }
            let xs = axes[0].values.grid();
            let ys = axes[1].values.grid();
            let mut z = vec![vec![0.0; ys.len()]; xs.len()];
            for r in rows {
                if let Some(cell) = z
                    .get_mut(r.point / ys.len())
                    .and_then(|col| col.get_mut(r.point % ys.len()))
                {
                    *cell = r.cells[mean_col];
                }
            }
            heatmap(&file, &title, &axes[0].key, &axes[1].key, &xs, &ys, &z)?;
        }
        written.push(file);
    }
    Ok(written)
}

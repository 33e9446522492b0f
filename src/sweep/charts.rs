//! A finished sweep's charts, from the rows the sweep holds in memory: each index (and each
//! outcome's probability) over one swept key, its mean with the 5–95 % band, or its mean as a
//! heatmap over two keys on a grid. Drawing is `plot::sweep`'s.

use super::error::SweepError;
use super::options::SweepOptions;
use super::table::{PointRow, STATS, metrics};
use crate::engine::record::Indices;
use crate::plot::sweep::{Band, Labels, heatmap, line_band};
use crate::plot::{Chart, PlotOptions};
use crate::scenario::Scenario;
use crate::scenario::experiment::Design;

/// A charted column: its name, the column of its mean, and the columns of its 5th and 95th
/// percentiles if it has a spread (a probability has none).
type Target = (String, usize, Option<(usize, usize)>);

/// An output's title in words and its y-axis label.
fn words(sc: &Scenario, name: &str) -> (String, String) {
    let lead = sc.patron_id(sc.leading);
    let bal: Vec<&str> = sc.balancers.iter().map(|&p| sc.patron_id(p)).collect();
    let end = sc.end;
    match name {
        "us_influence" => (
            format!("{lead} influence in the region at the end ({end})"),
            format!("mean share toward {lead} (0–1)"),
        ),
        "rus_chn_partnership" => (
            format!("{} partnership at the end ({end})", bal.join("–")),
            "partnership (0–1)".to_string(),
        ),
        "sco_cohesion" => (
            format!("SCO cohesion at the end ({end})"),
            "cohesion (0–1)".to_string(),
        ),
        "soft_balancing" => (
            format!("Soft-balancing index at the end ({end})"),
            "index (0–1)".to_string(),
        ),
        other => match sc
            .outcomes
            .iter()
            .find(|o| other.strip_prefix("p_") == Some(o.id.as_str()))
        {
            Some(o) => (
                format!("Share of runs in which {}", o.label),
                format!("share of runs ({other})"),
            ),
            None => (other.to_string(), other.to_string()),
        },
    }
}

/// A swept key with its unit, for an axis: `decision.domination_weight (weight)`.
fn axis_label(key: &str) -> String {
    match crate::params::Params::specs().iter().find(|s| s.key == key) {
        Some(s) if !s.unit.is_empty() => format!("{key} ({})", s.unit),
        _ => key.to_string(),
    }
}

/// The charts of a sweep whose rows (in point order) are `rows`: each index's final value and
/// each outcome's probability over the swept key (or as a heatmap over two keys of a grid).
/// Sweeps over no key or more than two draw none.
pub fn charts(
    sc: &Scenario,
    opts: &SweepOptions,
    rows: &[PointRow],
    plot: &PlotOptions,
) -> Result<Vec<Chart>, SweepError> {
    let axes = &opts.spec.axes;
    if axes.is_empty() || axes.len() > 2 {
        return Ok(Vec::new());
    }
    if axes.len() == 2 && opts.spec.design != Design::Grid {
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
    let mut out = Vec::new();
    for (name, mean_col, band) in targets {
        let file = format!("sweep_{name}");
        let (title, y_label) = words(sc, &name);
        let subtitle = format!(
            "{name} over {} · scenario {} · seed {} · {} runs per point",
            axes.iter()
                .map(|a| a.key.as_str())
                .collect::<Vec<_>>()
                .join(" × "),
            sc.name,
            opts.seed,
            opts.spec.runs
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
            let x_label = axis_label(&axes[0].key);
            let labels = Labels {
                name: &file,
                title: &title,
                subtitle: &subtitle,
                x: &x_label,
                y: &y_label,
            };
            out.push(line_band(&labels, &band, plot)?);
        } else {
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
            let (x_label, y_label) = (axis_label(&axes[0].key), axis_label(&axes[1].key));
            let labels = Labels {
                name: &file,
                title: &title,
                subtitle: &subtitle,
                x: &x_label,
                y: &y_label,
            };
            out.push(heatmap(&labels, &xs, &ys, &z, plot)?);
        }
    }
    Ok(out)
}

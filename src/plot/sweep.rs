//! Sweep charts (SVG): an outcome's mean with its 90 % band over one swept key, or a heatmap of
//! its mean over two.

use std::path::Path;

use plotters::prelude::*;

use super::{PlotError, fonts};

/// Turns a drawing error on the chart written to `path` into a [`PlotError`].
fn draw_err<E: std::fmt::Display>(path: &Path) -> impl Fn(E) -> PlotError + '_ {
    move |e| PlotError::Draw {
        chart: path.display().to_string(),
        message: e.to_string(),
    }
}

/// A line with a band: x values, means, and 5th–95th percentiles.
pub struct Band<'a> {
    /// Swept values.
    pub x: &'a [f64],
    /// Mean at each x.
    pub mean: &'a [f64],
    /// 5th percentile at each x.
    pub lo: &'a [f64],
    /// 95th percentile at each x.
    pub hi: &'a [f64],
}

/// Draws `band` to an SVG file.
pub fn line_band(
    path: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    band: &Band,
) -> Result<(), PlotError> {
    fonts()?;
    let root = SVGBackend::new(path, (800, 500)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_err(path))?;
    let (x0, x1) = min_max(band.x);
    let (_, y1) = min_max(band.hi);
    let y1 = if y1 <= 1.0 { 1.0 } else { y1 };
    let x1 = if x1 > x0 { x1 } else { x0 + 1.0 };
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(60)
        .build_cartesian_2d(x0..x1, 0.0..y1)
        .map_err(draw_err(path))?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .draw()
        .map_err(draw_err(path))?;
    let blue = RGBColor(31, 90, 170);
    let mut poly: Vec<(f64, f64)> = band.x.iter().zip(band.hi).map(|(&x, &y)| (x, y)).collect();
    poly.extend(band.x.iter().zip(band.lo).rev().map(|(&x, &y)| (x, y)));
    // A probability has no band: draw one only where the runs spread.
    if band.lo.iter().zip(band.hi).any(|(l, h)| l != h) {
        chart
            .draw_series(std::iter::once(Polygon::new(poly, blue.mix(0.2).filled())))
            .map_err(draw_err(path))?
            .label("5-95% of runs")
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - 5), (x + 15, y + 5)], blue.mix(0.2).filled())
            });
    }
    chart
        .draw_series(LineSeries::new(
            band.x.iter().zip(band.mean).map(|(&x, &y)| (x, y)),
            blue.stroke_width(2),
        ))
        .map_err(draw_err(path))?
        .label(if band.lo == band.hi {
            "share of runs"
        } else {
            "mean"
        })
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 15, y)], blue.stroke_width(2)));
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(draw_err(path))?;
    root.present().map_err(draw_err(path))
}

/// Draws a heatmap of `z[i][j]` (value at `xs[i]`, `ys[j]`) to an SVG file, colour from 0 to 1.
pub fn heatmap(
    path: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    xs: &[f64],
    ys: &[f64],
    z: &[Vec<f64>],
) -> Result<(), PlotError> {
    fonts()?;
    let root = SVGBackend::new(path, (800, 600)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_err(path))?;
    let (nx, ny) = (xs.len(), ys.len());
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..nx as f64, 0.0..ny as f64)
        .map_err(draw_err(path))?;
    let fmt_x = |v: &f64| {
        xs.get(*v as usize)
            .map_or(String::new(), |x| format!("{x:.3}"))
    };
    let fmt_y = |v: &f64| {
        ys.get(*v as usize)
            .map_or(String::new(), |y| format!("{y:.3}"))
    };
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .x_labels(nx.min(12))
        .y_labels(ny.min(12))
        .x_label_formatter(&fmt_x)
        .y_label_formatter(&fmt_y)
        .draw()
        .map_err(draw_err(path))?;
    chart
        .draw_series((0..nx).flat_map(|i| {
            (0..ny).map(move |j| {
                let v = z[i][j].clamp(0.0, 1.0);
                let c = RGBColor(
                    (255.0 * v) as u8,
                    (80.0 + 80.0 * (1.0 - v)) as u8,
                    (255.0 * (1.0 - v)) as u8,
                );
                Rectangle::new(
                    [(i as f64, j as f64), (i as f64 + 1.0, j as f64 + 1.0)],
                    c.filled(),
                )
            })
        }))
        .map_err(draw_err(path))?;
    root.present().map_err(draw_err(path))
}

fn min_max(v: &[f64]) -> (f64, f64) {
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) }
}

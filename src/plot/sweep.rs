//! Sweep charts: an output's mean with its 5–95 % band over one swept key, a marker at each
//! sampled point, on a y axis fitted to the data; or a heatmap of its mean over two keys, each
//! cell labelled with its value. Rendered as [`Chart`]s (SVG, and PNG when asked) like a run's.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Chart, DrawResult, MUTED, PlotError, PlotOptions, Scale, fonts, render_drawing};

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

/// What a sweep chart says about itself: file stem, title in words, subtitle, axis labels.
pub struct Labels<'a> {
    /// File stem, e.g. `sweep_sco_cohesion`.
    pub name: &'a str,
    /// Title in words, e.g. "SCO cohesion at the end".
    pub title: &'a str,
    /// Second line: scenario, seed, runs, the swept key.
    pub subtitle: &'a str,
    /// The x axis.
    pub x: &'a str,
    /// The y axis.
    pub y: &'a str,
}

const WIDTH: u32 = 880;
const HEIGHT: u32 = 540;
const BLUE: RGBColor = RGBColor(31, 90, 170);
const GRID: RGBColor = RGBColor(0xe4, 0xe4, 0xe4);

/// The y range drawn for values in `lo..=hi` (all within 0–1): the data with a margin, at
/// least 0.05 tall, inside 0–1.
pub fn fitted_range(lo: f64, hi: f64) -> (f64, f64) {
    let (lo, hi) = if lo <= hi { (lo, hi) } else { (0.0, 1.0) };
    let pad = ((hi - lo) * 0.1).max(0.01);
    let (mut a, mut b) = (lo - pad, hi + pad);
    if b - a < 0.05 {
        let mid = (a + b) / 2.0;
        a = mid - 0.025;
        b = mid + 0.025;
    }
    if a < 0.0 {
        b = (b - a).min(1.0);
        a = 0.0;
    }
    if b > 1.0 {
        a = (a - (b - 1.0)).max(0.0);
        b = 1.0;
    }
    (a, b)
}

fn title_block<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    labels: &Labels,
    s: Scale,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.draw(&Text::new(
        labels.title.to_string(),
        (s.px(20.0), s.px(12.0)),
        s.bold(18.0),
    ))?;
    root.draw(&Text::new(
        labels.subtitle.to_string(),
        (s.px(20.0), s.px(38.0)),
        s.font(12.0).color(&MUTED),
    ))?;
    Ok(())
}

fn draw_line<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    labels: &Labels,
    band: &Band,
    s: Scale,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    title_block(root, labels, s)?;
    let (x0, x1) = min_max(band.x);
    let xpad = if x1 > x0 { (x1 - x0) * 0.03 } else { 0.5 };
    let probability = band.lo == band.hi;
    let lo = band
        .lo
        .iter()
        .chain(band.mean)
        .copied()
        .fold(f64::INFINITY, f64::min);
    let hi = band
        .hi
        .iter()
        .chain(band.mean)
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    // A probability keeps its whole scale (0 to 1), so "never" reads as never; a share or an
    // index gets an axis fitted to its values, so its band is readable.
    let (y0, y1) = if probability {
        (0.0, 1.0)
    } else {
        fitted_range(lo, hi)
    };
    let area = root.clone().shrink(
        (0, s.px(56.0)),
        (s.u(WIDTH as f64), s.u(HEIGHT as f64 - 56.0)),
    );
    let mut chart = ChartBuilder::on(&area)
        .margin_top(s.u(12.0))
        .margin_left(s.u(10.0))
        .margin_right(s.u(24.0))
        .margin_bottom(s.u(8.0))
        .x_label_area_size(s.u(48.0))
        .y_label_area_size(s.u(64.0))
        .build_cartesian_2d((x0 - xpad)..(x1 + xpad), y0..y1)?;
    let digits = if y1 - y0 < 0.2 { 3 } else { 2 };
    chart
        .configure_mesh()
        .x_labels(band.x.len().clamp(2, 11))
        .y_labels(6)
        .y_label_formatter(&|v| format!("{v:.digits$}"))
        .x_label_formatter(&|v| trim(*v))
        .x_desc(labels.x)
        .y_desc(labels.y)
        .label_style(s.font(12.0))
        .axis_desc_style(s.font(13.0))
        .bold_line_style(GRID.stroke_width(s.u(1.0).max(1)))
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED.stroke_width(s.u(1.0).max(1)))
        .draw()?;
    if !probability {
        let mut poly: Vec<(f64, f64)> = band.x.iter().zip(band.hi).map(|(&x, &y)| (x, y)).collect();
        poly.extend(band.x.iter().zip(band.lo).rev().map(|(&x, &y)| (x, y)));
        chart.draw_series(std::iter::once(Polygon::new(poly, BLUE.mix(0.18).filled())))?;
        for (lo_or_hi, _) in [(band.lo, 0), (band.hi, 1)] {
            chart.draw_series(LineSeries::new(
                band.x.iter().zip(lo_or_hi).map(|(&x, &y)| (x, y)),
                BLUE.mix(0.45).stroke_width(s.u(1.0).max(1)),
            ))?;
        }
    }
    chart.draw_series(LineSeries::new(
        band.x.iter().zip(band.mean).map(|(&x, &y)| (x, y)),
        BLUE.stroke_width(s.u(2.0).max(1)),
    ))?;
    chart.draw_series(
        band.x
            .iter()
            .zip(band.mean)
            .map(|(&x, &y)| Circle::new((x, y), s.u(4.0), BLUE.filled())),
    )?;
    if probability && band.mean.iter().all(|&m| m == 0.0) {
        chart.draw_series(std::iter::once(Text::new(
            "never happened, in any run at any sampled value",
            ((x0 + x1) / 2.0, 0.5),
            s.font(14.0)
                .color(&MUTED)
                .pos(Pos::new(HPos::Center, VPos::Center)),
        )))?;
    }
    // Key, top right.
    let kx = WIDTH as f64 - 250.0;
    let ky = 20.0;
    let style = s
        .font(12.0)
        .color(&MUTED)
        .pos(Pos::new(HPos::Left, VPos::Center));
    root.draw(&Circle::new(
        (s.px(kx + 12.0), s.px(ky)),
        s.u(4.0),
        BLUE.filled(),
    ))?;
    root.draw(&Text::new(
        if probability {
            "share of runs, at each sampled value"
        } else {
            "mean of runs, at each sampled value"
        },
        (s.px(kx + 28.0), s.px(ky)),
        style.clone(),
    ))?;
    if !probability {
        root.draw(&Rectangle::new(
            [
                (s.px(kx), s.px(ky + 16.0)),
                (s.px(kx + 24.0), s.px(ky + 28.0)),
            ],
            BLUE.mix(0.18).filled(),
        ))?;
        root.draw(&Text::new(
            "5–95 % of runs",
            (s.px(kx + 28.0), s.px(ky + 22.0)),
            style,
        ))?;
    }
    Ok(())
}

fn draw_heat<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    labels: &Labels,
    xs: &[f64],
    ys: &[f64],
    z: &[Vec<f64>],
    s: Scale,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    title_block(root, labels, s)?;
    let (nx, ny) = (xs.len(), ys.len());
    let area = root.clone().shrink(
        (0, s.px(56.0)),
        (s.u(WIDTH as f64), s.u(HEIGHT as f64 + 20.0 - 56.0)),
    );
    let mut chart = ChartBuilder::on(&area)
        .margin_top(s.u(12.0))
        .margin_left(s.u(10.0))
        .margin_right(s.u(24.0))
        .margin_bottom(s.u(8.0))
        .x_label_area_size(s.u(48.0))
        .y_label_area_size(s.u(72.0))
        .build_cartesian_2d(0.0..nx as f64, 0.0..ny as f64)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(labels.x)
        .y_desc(labels.y)
        .x_labels(0)
        .y_labels(0)
        .x_label_formatter(&|_| String::new())
        .y_label_formatter(&|_| String::new())
        .label_style(s.font(12.0))
        .axis_desc_style(s.font(13.0))
        .axis_style(MUTED.stroke_width(s.u(1.0).max(1)))
        .draw()?;
    // Each value at the middle of its row or column of cells (at most 12 per axis).
    let step = |n: usize| n.div_ceil(12).max(1);
    for (i, x) in xs.iter().enumerate().step_by(step(nx)) {
        let (px, py) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
        root.draw(&Text::new(
            trim(*x),
            (px, py + s.px(6.0)),
            s.font(12.0).pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
    }
    for (j, y) in ys.iter().enumerate().step_by(step(ny)) {
        let (px, py) = chart.backend_coord(&(0.0, j as f64 + 0.5));
        root.draw(&Text::new(
            trim(*y),
            (px - s.px(6.0), py),
            s.font(12.0).pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
    }
    let (lo, hi) = min_max(&z.iter().flatten().copied().collect::<Vec<_>>());
    let span = if hi > lo { hi - lo } else { 1.0 };
    let shade = |v: f64| {
        let f = ((v - lo) / span).clamp(0.0, 1.0);
        // From a pale blue to a deep blue: one hue, read in black and white too.
        RGBColor(
            (235.0 - 205.0 * f) as u8,
            (242.0 - 172.0 * f) as u8,
            (250.0 - 110.0 * f) as u8,
        )
    };
    chart.draw_series((0..nx).flat_map(|i| {
        (0..ny).map(move |j| {
            Rectangle::new(
                [(i as f64, j as f64), (i as f64 + 1.0, j as f64 + 1.0)],
                shade(z[i][j]).filled(),
            )
        })
    }))?;
    if nx <= 16 && ny <= 16 {
        for (i, col) in z.iter().enumerate() {
            for (j, &v) in col.iter().enumerate() {
                let dark = (v - lo) / span > 0.55;
                chart.draw_series(std::iter::once(Text::new(
                    format!("{v:.2}"),
                    (i as f64 + 0.5, j as f64 + 0.5),
                    s.font(11.0)
                        .color(if dark { &WHITE } else { &BLACK })
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                )))?;
            }
        }
    }
    root.draw(&Text::new(
        format!("mean: {} (palest) to {} (darkest)", trim3(lo), trim3(hi)),
        (s.px(20.0), s.px(HEIGHT as f64 + 40.0)),
        s.font(12.0).color(&MUTED),
    ))?;
    Ok(())
}

/// A sweep chart of `band` over one key.
pub fn line_band(labels: &Labels, band: &Band, opts: &PlotOptions) -> Result<Chart, PlotError> {
    fonts()?;
    render_drawing(
        labels.name,
        labels.title,
        caption_line(labels, band.lo == band.hi),
        (WIDTH, HEIGHT),
        opts,
        |root, s| draw_line(root, labels, band, s),
        |root, s| draw_line(root, labels, band, s),
    )
}

/// A heatmap of `z[i][j]` (the mean at `xs[i]`, `ys[j]`) over two keys.
pub fn heatmap(
    labels: &Labels,
    xs: &[f64],
    ys: &[f64],
    z: &[Vec<f64>],
    opts: &PlotOptions,
) -> Result<Chart, PlotError> {
    fonts()?;
    render_drawing(
        labels.name,
        labels.title,
        format!(
            "{}: the mean at each pair of values of {} and {} (darker is higher).",
            labels.title, labels.x, labels.y
        ),
        (WIDTH, HEIGHT + 60),
        opts,
        |root, s| draw_heat(root, labels, xs, ys, z, s),
        |root, s| draw_heat(root, labels, xs, ys, z, s),
    )
}

fn caption_line(labels: &Labels, probability: bool) -> String {
    if probability {
        format!(
            "{}: the share of runs in which it happened, at each sampled value of {} (dots).",
            labels.title, labels.x
        )
    } else {
        format!(
            "{}: the mean across runs at each sampled value of {} (dots), with the band holding \
             the middle 90 % of runs; the y axis is fitted to the data.",
            labels.title, labels.x
        )
    }
}

/// A number as short as it reads: `0.5`, `2`, `1.25`.
fn trim(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

fn trim3(v: f64) -> String {
    format!("{v:.3}")
}

fn min_max(v: &[f64]) -> (f64, f64) {
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_y_axis_fits_the_data_inside_zero_to_one() {
        assert_eq!(fitted_range(0.0, 1.0), (0.0, 1.0));
        let (a, b) = fitted_range(0.70, 0.72);
        assert!(a > 0.6 && b < 0.8 && b - a >= 0.05 - 1e-12, "{a} {b}");
        let (a, b) = fitted_range(0.0, 0.0);
        assert!(a == 0.0 && b >= 0.05, "{a} {b}");
        let (a, b) = fitted_range(1.0, 1.0);
        assert!(b == 1.0 && a <= 0.95 + 1e-12, "{a} {b}");
    }

    #[test]
    fn numbers_on_the_axis_are_short() {
        assert_eq!(trim(0.5), "0.5");
        assert_eq!(trim(2.0), "2");
        assert_eq!(trim(1.25), "1.25");
        assert_eq!(trim(-0.0), "0");
    }
}

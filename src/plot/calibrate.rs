//! A calibration's marginals: per parameter, a histogram of the posterior sample (weighted)
//! over the whole prior range, with the prior's own level (what each bin would hold under the
//! uniform prior), the posterior's 5–95 % interval and median, and the shipped default.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Chart, PlotError, fonts};
use crate::runs::calibrate::Calibration;

const WIDTH: u32 = 640;
const HEIGHT: u32 = 340;
const BINS: usize = 20;
const LEFT: i32 = 60;
const RIGHT: i32 = 620;
const TOP: i32 = 70;
const BOTTOM: i32 = 290;
const BAR: RGBColor = RGBColor(0x1f, 0x5f, 0xbf);
const BAND: RGBColor = RGBColor(0xdd, 0xe8, 0xf6);
const DEFAULT: RGBColor = RGBColor(0xc0, 0x39, 0x2b);
const MUTED: RGBColor = RGBColor(0x5a, 0x5a, 0x5a);

/// One chart per parameter, named `marginal_<key>` (dots in the key become `_`).
pub fn charts(scenario: &str, c: &Calibration) -> Result<Vec<Chart>, PlotError> {
    fonts()?;
    (0..c.params.len()).map(|i| chart(scenario, c, i)).collect()
}

/// The weighted share of the posterior sample in each of `BINS` equal bins of the prior.
pub fn histogram(c: &Calibration, i: usize) -> Vec<f64> {
    let post = c.posterior();
    let (lo, hi) = (c.params[i].min, c.params[i].max);
    let mut bins = vec![0.0; BINS];
    let total: f64 = post.particles.iter().map(|p| p.weight).sum();
    for p in &post.particles {
        let x = (p.theta[i] - lo) / (hi - lo);
        let b = ((x * BINS as f64) as usize).min(BINS - 1);
        bins[b] += if total > 0.0 { p.weight / total } else { 0.0 };
    }
    bins
}

fn chart(scenario: &str, c: &Calibration, i: usize) -> Result<Chart, PlotError> {
    let p = &c.params[i];
    let name = format!("marginal_{}", p.key.replace('.', "_"));
    let err = |m: String| PlotError::Draw {
        chart: name.clone(),
        message: m,
    };
    let bins = histogram(c, i);
    let post = c.posterior();
    let (median, p5, p95) = (
        post.quantile(i, 0.5),
        post.quantile(i, 0.05),
        post.quantile(i, 0.95),
    );
    let top = bins.iter().copied().fold(1.0 / BINS as f64, f64::max) * 1.1;
    let px = |v: f64| LEFT + ((v - p.min) / (p.max - p.min) * (RIGHT - LEFT) as f64).round() as i32;
    let py = |v: f64| BOTTOM - (v / top * (BOTTOM - TOP) as f64).round() as i32;
    let title = format!("{}: posterior of {}", scenario, p.key);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let d =
            |r: Result<(), DrawingAreaErrorKind<std::io::Error>>| r.map_err(|e| err(e.to_string()));
        let text = |s: f64| ("sans-serif", s).into_font().color(&BLACK);
        d(root.fill(&WHITE))?;
        d(root.draw(&Text::new(title.clone(), (12, 10), text(15.0))))?;
        d(root.draw(&Text::new(
            format!(
                "generation {}, {} particles, tolerance {:.3}; x axis: the prior {} to {}",
                post.generation,
                post.particles.len(),
                post.epsilon,
                p.min,
                p.max
            ),
            (12, 32),
            text(11.0).color(&MUTED),
        )))?;
        // The 5-95 % interval, shaded.
        d(root.draw(&Rectangle::new(
            [(px(p5), TOP), (px(p95).max(px(p5) + 1), BOTTOM)],
            BAND.filled(),
        )))?;
        let width = (RIGHT - LEFT) / BINS as i32;
        for (b, &h) in bins.iter().enumerate() {
            let x = LEFT + b as i32 * (RIGHT - LEFT) / BINS as i32;
            if h > 0.0 {
                d(root.draw(&Rectangle::new(
                    [(x + 1, py(h)), (x + width - 1, BOTTOM)],
                    BAR.filled(),
                )))?;
            }
        }
        // The prior's level: each bin's share under the uniform prior.
        let level = py(1.0 / BINS as f64);
        d(root.draw(&PathElement::new(
            vec![(LEFT, level), (RIGHT, level)],
            BLACK.stroke_width(1),
        )))?;
        d(root.draw(&Text::new(
            "prior".to_string(),
            (RIGHT - 4, level - 3),
            text(11.0).pos(Pos::new(HPos::Right, VPos::Bottom)),
        )))?;
        // Axis.
        d(root.draw(&PathElement::new(
            vec![(LEFT, BOTTOM), (RIGHT, BOTTOM)],
            BLACK.stroke_width(1),
        )))?;
        for k in 0..=4 {
            let v = p.min + (p.max - p.min) * k as f64 / 4.0;
            d(root.draw(&Text::new(
                format!("{}", crate::scenario::experiment::round12(v)),
                (px(v), BOTTOM + 6),
                text(11.0).pos(Pos::new(HPos::Center, VPos::Top)),
            )))?;
        }
        // The median and the default.
        let marks = [
            (median, BLACK, format!("posterior median {median:.3}")),
            (p.default, DEFAULT, format!("default {}", p.default)),
        ];
        for (k, (v, colour, label)) in marks.into_iter().enumerate() {
            let x = px(v.clamp(p.min, p.max));
            d(root.draw(&PathElement::new(
                vec![(x, TOP - 4), (x, BOTTOM)],
                colour.stroke_width(2),
            )))?;
            d(root.draw(&Text::new(
                label,
                (LEFT + k as i32 * 260, 52),
                text(12.0).color(&colour),
            )))?;
        }
        d(root.draw(&Text::new(
            "bars: weighted share of the posterior sample per bin; shaded: its 5-95 % interval"
                .to_string(),
            (LEFT, BOTTOM + 26),
            text(11.0).color(&MUTED),
        )))?;
        d(root.present())?;
    }
    Ok(Chart {
        name: name.clone(),
        title,
        caption: format!(
            "The posterior of {} (bars) over its prior range; red: the shipped default, black: the posterior median.",
            p.key
        ),
        size: (WIDTH, HEIGHT),
        svg,
        png: None,
    })
}

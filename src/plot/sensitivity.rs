//! Sensitivity charts: per output, a horizontal bar for each factor, most influential at the
//! top, with its 95 % bootstrap interval. Sobol: the first-order index `S1` (light) and the
//! total index `ST` (dark); Morris: `mu_star` (dark, with its interval) and `sigma` (light).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Chart, PlotError, fonts};
use crate::sensitivity::{Analysis, Measured, OutputIndices};

/// At most this many factors per chart (the most influential); the CSV has them all.
pub const MAX_FACTORS: usize = 30;

const WIDTH: u32 = 900;
const LABELS: i32 = 300;
const ROW: i32 = 24;
const TOP: i32 = 78;
const DARK: RGBColor = RGBColor(0x1f, 0x5f, 0xbf);
const LIGHT: RGBColor = RGBColor(0x9e, 0xc0, 0xea);
const MUTED: RGBColor = RGBColor(0x5a, 0x5a, 0x5a);

fn draw_err(name: &str) -> impl Fn(String) -> PlotError + '_ {
    move |message| PlotError::Draw {
        chart: name.to_string(),
        message,
    }
}

/// One chart per output of `analysis`, named `sensitivity_<output>`.
pub fn charts(scenario: &str, analysis: &Analysis) -> Result<Vec<Chart>, PlotError> {
    fonts()?;
    analysis
        .outputs
        .iter()
        .map(|o| chart(scenario, analysis, o))
        .collect()
}

/// The bars of one factor: (first bar, its interval, second bar, its interval).
type Bars = (f64, f64, f64, f64);

fn chart(scenario: &str, a: &Analysis, o: &OutputIndices) -> Result<Chart, PlotError> {
    let name = format!("sensitivity_{}", o.name);
    let chart_name = name.clone();
    let err = draw_err(&chart_name);
    let order: Vec<usize> = o.ranking().into_iter().take(MAX_FACTORS).collect();
    let bars: Vec<Bars> = order
        .iter()
        .map(|&f| match &o.indices {
            Measured::Sobol(s) => (s[f].s1, s[f].s1_conf, s[f].st, s[f].st_conf),
            Measured::Morris(m) => (m[f].mu_star, m[f].mu_star_conf, m[f].sigma, 0.0),
        })
        .collect();
    // The headline measure is dark: ST for Sobol, mu* for Morris.
    let (c1, c2) = match a.method {
        crate::sensitivity::Method::Morris { .. } => (DARK, LIGHT),
        crate::sensitivity::Method::Sobol { .. } => (LIGHT, DARK),
    };
    let (first, second, what) = match a.method {
        crate::sensitivity::Method::Sobol { .. } => (
            "S1 (first order)",
            "ST (total)",
            "Sobol indices: share of the output's variance",
        ),
        crate::sensitivity::Method::Morris { .. } => (
            "mu* (mean |effect|)",
            "sigma (spread of effects)",
            "Morris: effect of moving a factor across its whole interval",
        ),
    };
    let hi = bars
        .iter()
        .map(|b| (b.0 + b.1).max(b.2 + b.3))
        .fold(0.0, f64::max);
    let lo = bars
        .iter()
        .map(|b| (b.0 - b.1).min(0.0))
        .fold(0.0, f64::min);
    let (x0, x1) = match a.method {
        crate::sensitivity::Method::Sobol { .. } => (lo.max(-0.5), hi.clamp(0.1, 1.5)),
        crate::sensitivity::Method::Morris { .. } => (0.0, if hi > 0.0 { hi * 1.05 } else { 1.0 }),
    };
    let height = (TOP + ROW * bars.len().max(1) as i32 + 50) as u32;
    let right = WIDTH as i32 - 30;
    let px = |v: f64| LABELS + ((v - x0) / (x1 - x0) * (right - LABELS) as f64).round() as i32;
    let title = format!("{}: {} — {}", o.name, what, scenario);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
        let text = |s: f64| ("sans-serif", s).into_font().color(&BLACK);
        root.draw(&Text::new(title.clone(), (12, 10), text(16.0)))
            .map_err(|e| err(e.to_string()))?;
        let shown = if order.len() < a.factors.len() {
            format!(
                "the {} most influential of {} factors; ",
                order.len(),
                a.factors.len()
            )
        } else {
            String::new()
        };
        root.draw(&Text::new(
            format!(
                "{shown}bars: 95% bootstrap intervals; output mean {:.3}, sd {:.3} over the points",
                o.mean, o.sd
            ),
            (12, 32),
            text(12.0).color(&MUTED),
        ))
        .map_err(|e| err(e.to_string()))?;
        // Legend.
        for (i, (label, colour)) in [(first, c1), (second, c2)].into_iter().enumerate() {
            let x = LABELS + i as i32 * 220;
            root.draw(&Rectangle::new([(x, 52), (x + 14, 62)], colour.filled()))
                .map_err(|e| err(e.to_string()))?;
            root.draw(&Text::new(
                label.to_string(),
                (x + 20, 57),
                text(12.0).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(|e| err(e.to_string()))?;
        }
        // Axis: ticks and a line at 0.
        let bottom = TOP + ROW * bars.len().max(1) as i32;
        let step = tick_step(x1 - x0);
        let mut t = libm::ceil(x0 / step);
        while t * step <= x1 + 1e-12 {
            let v = t * step;
            let x = px(v);
            root.draw(&PathElement::new(
                vec![(x, TOP - 4), (x, bottom)],
                RGBColor(0xe4, 0xe4, 0xe4).stroke_width(1),
            ))
            .map_err(|e| err(e.to_string()))?;
            let decimals = (-libm::floor(libm::log10(step))).max(0.0) as usize;
            root.draw(&Text::new(
                format!("{v:.decimals$}"),
                (x, bottom + 6),
                text(11.0).pos(Pos::new(HPos::Center, VPos::Top)),
            ))
            .map_err(|e| err(e.to_string()))?;
            t += 1.0;
        }
        root.draw(&PathElement::new(
            vec![(px(0.0), TOP - 4), (px(0.0), bottom)],
            BLACK.stroke_width(1),
        ))
        .map_err(|e| err(e.to_string()))?;
        for (row, (&f, b)) in order.iter().zip(&bars).enumerate() {
            let y = TOP + ROW * row as i32;
            root.draw(&Text::new(
                a.factors[f].key.clone(),
                (LABELS - 8, y + ROW / 2),
                text(12.0).pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(|e| err(e.to_string()))?;
            for (k, (v, conf, colour)) in [(b.0, b.1, c1), (b.2, b.3, c2)].into_iter().enumerate() {
                let top = y + 3 + k as i32 * 9;
                let (l, r) = (px(v.min(0.0).max(x0)), px(v.max(0.0).min(x1)));
                root.draw(&Rectangle::new(
                    [(l, top), (r.max(l + 1), top + 8)],
                    colour.filled(),
                ))
                .map_err(|e| err(e.to_string()))?;
                if conf > 0.0 {
                    let (wl, wr) = (px((v - conf).max(x0)), px((v + conf).min(x1)));
                    let mid = top + 4;
                    for seg in [
                        vec![(wl, mid), (wr, mid)],
                        vec![(wl, mid - 3), (wl, mid + 3)],
                        vec![(wr, mid - 3), (wr, mid + 3)],
                    ] {
                        root.draw(&PathElement::new(seg, BLACK.stroke_width(1)))
                            .map_err(|e| err(e.to_string()))?;
                    }
                }
            }
        }
        root.present().map_err(|e| err(e.to_string()))?;
    }
    Ok(Chart {
        name,
        title,
        caption: format!(
            "Each factor's {first} and {second}, most influential first, with 95% bootstrap intervals."
        ),
        size: (WIDTH, height),
        svg,
        png: None,
    })
}

/// A round step (1, 2 or 5 times a power of ten) that cuts `span` into 4 to 10 ticks.
fn tick_step(span: f64) -> f64 {
    if span <= 0.0 || !span.is_finite() {
        return 1.0;
    }
    let raw = span / 5.0;
    let p = libm::pow(10.0, libm::floor(libm::log10(raw)));
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * p)
}

#[cfg(test)]
mod tests {
    #[test]
    fn ticks_are_round_numbers() {
        assert_eq!(super::tick_step(0.131), 0.05);
        assert_eq!(super::tick_step(1.0), 0.2);
        assert_eq!(super::tick_step(8.0), 2.0);
    }
}

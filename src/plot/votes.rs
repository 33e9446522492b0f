//! The UN-vote chart: per state, measured voting agreement with the US, Russia and China
//! (solid) against what the observation model predicts from the model's alignment (dashed), with
//! the fit window and the out-of-sample years marked.

use super::{Chart, PlotError, fonts};
use crate::runs::unvote::{Patron, VoteCheck};

/// Colours of the three patrons, as in every other chart (USA blue, RUS red, CHN gold).
const COLOURS: [(u8, u8, u8); 3] = [(0x1f, 0x5f, 0xbf), (0xd0, 0x24, 0x24), (0xe6, 0x9a, 0x00)];

/// Panels per row.
const COLUMNS: usize = 3;

fn draw_err(e: impl std::fmt::Display) -> PlotError {
    PlotError::Draw {
        chart: "unvote".into(),
        message: e.to_string(),
    }
}

/// The chart of `check`: one panel per state.
pub fn chart(check: &VoteCheck) -> Result<Chart, PlotError> {
    use plotters::prelude::*;
    fonts()?;
    let mut states: Vec<&str> = check.series.iter().map(|p| p.state.as_str()).collect();
    states.dedup();
    let rows = states.len().div_ceil(COLUMNS).max(1);
    let size = (360 * COLUMNS as u32, 80 + 260 * rows as u32);
    let (y0, y1) = (
        check.fit.window.0.min(check.out_of_sample.window.0),
        check.fit.window.1.max(check.out_of_sample.window.1),
    );
    let split = check.fit.window.1 as f64 + 0.5;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let (head, body) = root.split_vertically(50);
        head.draw(&Text::new(
            "UN General Assembly agreement: measured (solid) and predicted from the model (dashed)",
            (12, 8),
            ("sans-serif", 16),
        ))
        .map_err(draw_err)?;
        for (k, p) in Patron::ALL.iter().enumerate() {
            let (r, g, b) = COLOURS[k];
            let x = 12 + k as i32 * 120;
            head.draw(&PathElement::new(
                vec![(x, 36), (x + 28, 36)],
                RGBColor(r, g, b).stroke_width(3),
            ))
            .map_err(draw_err)?;
            head.draw(&Text::new(
                p.code().to_string(),
                (x + 34, 28),
                ("sans-serif", 14),
            ))
            .map_err(draw_err)?;
        }
        head.draw(&Text::new(
            format!(
                "fitted {}-{}, out of sample {}-{} (right of the grey line)",
                check.fit.window.0,
                check.fit.window.1,
                check.out_of_sample.window.0,
                check.out_of_sample.window.1
            ),
            (380, 28),
            ("sans-serif", 13),
        ))
        .map_err(draw_err)?;
        let panels = body.split_evenly((rows, COLUMNS));
        for (state, panel) in states.iter().zip(panels.iter()) {
            let mut chart = ChartBuilder::on(panel)
                .caption(*state, ("sans-serif", 15))
                .margin(8)
                .x_label_area_size(24)
                .y_label_area_size(36)
                .build_cartesian_2d(y0 as f64 - 0.5..y1 as f64 + 0.5, 0.0..1.0)
                .map_err(draw_err)?;
            chart
                .configure_mesh()
                .disable_mesh()
                .x_labels(4)
                .y_labels(5)
                .x_label_formatter(&|x| format!("{:.0}", x))
                .draw()
                .map_err(draw_err)?;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(split, 0.0), (split, 1.0)],
                    RGBColor(150, 150, 150).stroke_width(1),
                )))
                .map_err(draw_err)?;
            let points: Vec<_> = check.series.iter().filter(|p| p.state == *state).collect();
            for (k, &(r, g, b)) in COLOURS.iter().enumerate() {
                let colour = RGBColor(r, g, b);
                let observed = points.iter().map(|p| (p.year as f64, p.observed[k]));
                chart
                    .draw_series(LineSeries::new(observed, colour.stroke_width(2)))
                    .map_err(draw_err)?;
                let predicted: Vec<(f64, f64)> = points
                    .iter()
                    .map(|p| (p.year as f64, p.predicted[k]))
                    .collect();
                chart
                    .draw_series(DashedLineSeries::new(
                        predicted,
                        6,
                        4,
                        colour.stroke_width(2),
                    ))
                    .map_err(draw_err)?;
            }
        }
        root.present().map_err(draw_err)?;
    }
    Ok(Chart {
        name: "unvote".into(),
        title: "UN votes: measured and predicted agreement".into(),
        caption: "One panel per state: measured UN General Assembly voting agreement with each \
                  patron (solid) and the agreement the observation model predicts from the \
                  model's alignment (dashed). Left of the grey line the years the line was \
                  fitted on, right of it the years out of sample. Where the solid lines jump \
                  and the dashed ones do not, the model misses a turn."
            .into(),
        size,
        svg,
        png: None,
    })
}

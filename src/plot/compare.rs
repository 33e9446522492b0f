//! The comparison chart: one state's alignment under each theory lens, one panel per patron.

use super::{Chart, PlotError, fonts, hex};
use crate::output::text::xml_escape as esc;
use crate::runs::compare::Comparison;
use crate::scenario::{Lens, Scenario};

/// Distinct colours for up to six lenses (colour-blind-safe Okabe-Ito palette).
const LENS_COLOURS: [(u8, u8, u8); 8] = [
    (0, 114, 178),
    (213, 94, 0),
    (0, 158, 115),
    (204, 121, 167),
    (230, 159, 0),
    (86, 180, 233),
    (0, 0, 0),
    (153, 153, 153),
];

impl Comparison {
    /// Lenses per legend row: as many 240-pixel entries as the chart is wide.
    fn legend_columns(&self, sc: &Scenario) -> usize {
        ((360 * sc.patrons.len().max(1)) / 240).max(1)
    }

    /// The chart's height: the panels, then one legend row per `legend_columns` lenses.
    fn height(&self, sc: &Scenario) -> u32 {
        let rows = self.lenses.len().div_ceil(self.legend_columns(sc)).max(1);
        340 + 30 + 22 * rows as u32
    }

    /// The comparison chart's title.
    fn chart_title(&self, sc: &Scenario, actor: usize) -> String {
        format!(
            "{} ({}): alignment under each lens — {}, mean of {} runs",
            sc.actors[actor].id, sc.actors[actor].name, sc.name, self.runs
        )
    }

    /// The comparison chart of `actor` ([`Comparison::chart`]) with its file stem
    /// (`compare_<ID>`), title, caption and size, for the report.
    pub fn figure(&self, sc: &Scenario, actor: usize) -> Result<Chart, PlotError> {
        let svg = self.chart(sc, actor)?;
        let id = &sc.actors[actor].id;
        Ok(Chart {
            name: format!("compare_{id}"),
            title: self.chart_title(sc, actor),
            caption: format!(
                "One panel per patron: {id}'s share of alignment toward it over time, the mean of \
                 {} runs under each lens, one line per lens (colours as in the legend and the \
                 tables above). Where the lines part, the theories predict different paths.",
                self.runs
            ),
            size: (360 * sc.patrons.len() as u32, self.height(sc)),
            svg,
            png: None,
        })
    }

    /// An SVG chart: one panel per patron, the mean share of `actor` toward it over time, one
    /// line per lens.
    pub fn chart(&self, sc: &Scenario, actor: usize) -> Result<String, PlotError> {
        use plotters::prelude::*;
        fonts()?;
        let np = sc.patrons.len();
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (360 * np as u32, self.height(sc)))
                .into_drawing_area();
            root.fill(&WHITE).map_err(|e| PlotError::Draw {
                chart: format!("compare_{}", sc.actors[actor].id),
                message: e.to_string(),
            })?;
            let title = self.chart_title(sc, actor);
            let root = root
                .titled(&title, ("sans-serif", 18))
                .map_err(|e| PlotError::Draw {
                    chart: format!("compare_{}", sc.actors[actor].id),
                    message: e.to_string(),
                })?;
            let (body, legend) = root.split_vertically(340);
            let panels = body.split_evenly((1, np));
            let x0 = self.dates.first().map_or(0.0, |d| d.as_year_fraction());
            let x1 = self
                .dates
                .last()
                .map_or(1.0, |d| d.as_year_fraction())
                .max(x0 + 0.1);
            for (p, panel) in panels.iter().enumerate() {
                let mut chart = ChartBuilder::on(panel)
                    .caption(
                        format!("share toward {}", sc.patron_id(p)),
                        ("sans-serif", 15),
                    )
                    .margin(8)
                    .margin_right(20)
                    .x_label_area_size(30)
                    .y_label_area_size(40)
                    .build_cartesian_2d(x0..x1, 0.0..1.0)
                    .map_err(|e| PlotError::Draw {
                        chart: format!("compare_{}", sc.actors[actor].id),
                        message: e.to_string(),
                    })?;
                chart
                    .configure_mesh()
                    .x_desc("year")
                    .y_desc("share")
                    .x_label_formatter(&|x| format!("{:.0}", x.floor()))
                    // Light horizontal and vertical lines at the labels only: no mesh.
                    .bold_line_style(RGBColor(0xe4, 0xe4, 0xe4))
                    .light_line_style(TRANSPARENT)
                    .axis_style(RGBColor(0x55, 0x55, 0x55))
                    .draw()
                    .map_err(|e| PlotError::Draw {
                        chart: format!("compare_{}", sc.actors[actor].id),
                        message: e.to_string(),
                    })?;
                for (k, _) in self.lenses.iter().enumerate() {
                    let (r, g, b) = LENS_COLOURS[k % LENS_COLOURS.len()];
                    let points =
                        self.dates.iter().enumerate().map(|(t, d)| {
                            (d.as_year_fraction(), self.mean_share(sc, k, t, actor, p))
                        });
                    chart
                        .draw_series(LineSeries::new(points, RGBColor(r, g, b).stroke_width(2)))
                        .map_err(|e| PlotError::Draw {
                            chart: format!("compare_{}", sc.actors[actor].id),
                            message: e.to_string(),
                        })?;
                }
            }
            for (k, l) in self.lenses.iter().enumerate() {
                let (r, g, b) = LENS_COLOURS[k % LENS_COLOURS.len()];
                let per_row = self.legend_columns(sc) as i32;
                let x = 20 + (k as i32 % per_row) * 240;
                let y = 15 + (k as i32 / per_row) * 22;
                legend
                    .draw(&PathElement::new(
                        vec![(x, y), (x + 30, y)],
                        RGBColor(r, g, b).stroke_width(3),
                    ))
                    .map_err(|e| PlotError::Draw {
                        chart: format!("compare_{}", sc.actors[actor].id),
                        message: e.to_string(),
                    })?;
                legend
                    .draw(&Text::new(
                        l.lens.name().to_string(),
                        (x + 38, y - 8),
                        ("sans-serif", 14),
                    ))
                    .map_err(|e| PlotError::Draw {
                        chart: format!("compare_{}", sc.actors[actor].id),
                        message: e.to_string(),
                    })?;
            }
            root.present().map_err(|e| PlotError::Draw {
                chart: format!("compare_{}", sc.actors[actor].id),
                message: e.to_string(),
            })?;
        }
        Ok(svg)
    }
}

/// A lens's name with a swatch of its colour in the comparison chart.
pub fn lens_label(k: usize, lens: Lens) -> String {
    let (r, g, b) = LENS_COLOURS[k % LENS_COLOURS.len()];
    format!(
        "<span class=\"swatch\" style=\"background:{}\"></span>{}",
        hex(plotters::style::RGBColor(r, g, b)),
        esc(lens.name())
    )
}

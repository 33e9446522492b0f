//! Comparing theory lenses: the same scenario as an ensemble under each lens.
//!
//! For each lens, [`compare`] runs the scenario's replicates and keeps, per date, the mean share
//! of every state toward every patron, the final 5–95 % range, and — for a scenario with
//! `[[checks]]` such as the replay — the validation scorecard under that lens.

use crate::ensemble::{self, Spread};
use crate::lenses::Lens;
use crate::plot::{Chart, hex, patron_colors, xml_escape as esc};
use crate::report::{self, Section};
use crate::scenario::{Role, Scenario};
use crate::validation::{self, Line};

/// One lens's results.
#[derive(Clone, Debug)]
pub struct LensResult {
    /// The lens.
    pub lens: Lens,
    /// Mean share at each date, `dates x actors x patrons` (patrons' rows included).
    pub mean: Vec<f64>,
    /// Final share of each state toward each patron across runs: (state, patron slot, spread).
    pub finals: Vec<(usize, usize, Spread)>,
    /// The scorecard under this lens (empty without `[[checks]]`).
    pub scorecard: Vec<Line>,
}

/// The comparison of `lenses` on `sc`.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// Dates observed.
    pub dates: Vec<crate::date::YearMonth>,
    /// Per lens, in the order asked.
    pub lenses: Vec<LensResult>,
    /// Runs per lens.
    pub runs: usize,
}

/// Runs `sc` under each lens with `runs` replicates (seed `seed`) on `jobs` threads.
pub fn compare(sc: &Scenario, lenses: &[Lens], seed: u64, runs: usize, jobs: usize) -> Comparison {
    let mut out = Vec::new();
    let mut dates = Vec::new();
    for &lens in lenses {
        let mut s = sc.clone();
        s.set_lens(lens);
        let records = ensemble::run_many(&s, &s.params, seed, runs, jobs);
        dates = records[0].dates.clone();
        let len = records[0].alignment.len();
        let mut mean = vec![0.0; len];
        for r in &records {
            for (m, x) in mean.iter_mut().zip(&r.alignment) {
                *m += x / runs as f64;
            }
        }
        let last = dates.len() - 1;
        let mut finals = Vec::new();
        for (i, a) in s.actors.iter().enumerate() {
            if a.role != Role::State {
                continue;
            }
            for p in 0..s.patrons.len() {
                let mut xs: Vec<f64> = records.iter().map(|r| r.share(last, i, p)).collect();
                finals.push((i, p, Spread::of(&mut xs)));
            }
        }
        let scorecard = if s.checks.is_empty() {
            Vec::new()
        } else {
            validation::scorecard(&s, seed, runs, jobs)
        };
        out.push(LensResult {
            lens,
            mean,
            finals,
            scorecard,
        });
    }
    Comparison {
        dates,
        lenses: out,
        runs,
    }
}

impl Comparison {
    /// Mean share of `actor` toward patron `p` at date index `t` under lens `k`.
    pub fn mean_share(&self, sc: &Scenario, k: usize, t: usize, actor: usize, p: usize) -> f64 {
        let np = sc.patrons.len();
        self.lenses[k].mean[(t * sc.actors.len() + actor) * np + p]
    }

    /// `compare.csv`: lens, state, patron, final mean, p5, p95.
    pub fn csv(&self, sc: &Scenario) -> String {
        let mut s = String::from("lens,actor,patron,final_mean,final_p5,final_p95\n");
        for l in &self.lenses {
            for (a, p, sp) in &l.finals {
                s.push_str(&format!(
                    "{},{},{},{:.6},{:.6},{:.6}\n",
                    l.lens.name(),
                    sc.actors[*a].id,
                    sc.patron_id(*p),
                    sp.mean,
                    sp.p5,
                    sp.p95
                ));
            }
        }
        s
    }

    /// `compare_checks.csv`: lens, fact, outcome, without, share, threshold, result.
    pub fn checks_csv(&self) -> String {
        let mut s = String::from("lens,fact,outcome,without,share,threshold,result\n");
        for l in &self.lenses {
            for c in &l.scorecard {
                s.push_str(&format!(
                    "{},{},{},{},{:.4},{:.2},{}\n",
                    l.lens.name(),
                    c.fact,
                    c.outcome,
                    c.without.as_deref().unwrap_or(""),
                    c.share,
                    c.threshold,
                    if c.pass { "pass" } else { "FAIL" }
                ));
            }
        }
        s
    }

    /// The side-by-side table printed by `simulate compare`.
    pub fn text(&self, sc: &Scenario) -> String {
        let np = sc.patrons.len();
        let ids: Vec<&str> = (0..np).map(|p| sc.patron_id(p)).collect();
        let width = 5 * np + 2;
        let mut s = format!(
            "Final alignment by lens: mean share toward {} across {} runs\n\n{:<6}",
            ids.join(" / "),
            self.runs,
            "state"
        );
        for l in &self.lenses {
            let name = l.lens.name();
            s.push_str(&format!("{:>width$}", &name[..name.len().min(width - 1)]));
        }
        s.push('\n');
        for (i, a) in sc.actors.iter().enumerate() {
            if a.role != Role::State {
                continue;
            }
            s.push_str(&format!("{:<6}", a.id));
            for l in &self.lenses {
                let cells: Vec<String> = (0..np)
                    .map(|p| {
                        let sp = l
                            .finals
                            .iter()
                            .find(|(x, q, _)| *x == i && *q == p)
                            .map_or(0.0, |f| f.2.mean);
                        format!("{sp:.2}").trim_start_matches('0').to_string()
                    })
                    .collect();
                s.push_str(&format!("{:>width$}", cells.join("  ")));
            }
            s.push('\n');
        }
        if self.lenses.iter().any(|l| !l.scorecard.is_empty()) {
            s.push_str(&format!(
                "\nStylized facts and counterfactuals: share of runs in which each holds (pass at its threshold)\n\n{:<44}",
                "line"
            ));
            for l in &self.lenses {
                let name = l.lens.name();
                s.push_str(&format!("{:>9}", &name[..name.len().min(8)]));
            }
            s.push('\n');
            let rows = self.lenses[0].scorecard.len();
            for j in 0..rows {
                let c = &self.lenses[0].scorecard[j];
                let mut label = match &c.without {
                    Some(w) => format!("{} {} (without {w})", c.fact, c.outcome),
                    None => format!("{} {}", c.fact, c.outcome),
                };
                label.truncate(43);
                s.push_str(&format!("{label:<44}"));
                for l in &self.lenses {
                    let line = &l.scorecard[j];
                    s.push_str(&format!(
                        "{:>7.0}%{}",
                        line.share * 100.0,
                        if line.pass { " " } else { "x" }
                    ));
                }
                s.push('\n');
            }
            s.push_str("(x: fails its threshold)\n");
            for l in &self.lenses {
                let pass = l.scorecard.iter().filter(|c| c.pass).count();
                s.push_str(&format!(
                    "  {:<18} {pass} of {} lines pass\n",
                    l.lens.name(),
                    l.scorecard.len()
                ));
            }
        }
        s
    }
}

/// Distinct colours for up to six lenses (colour-blind-safe Okabe-Ito palette).
const LENS_COLOURS: [(u8, u8, u8); 6] = [
    (0, 114, 178),
    (213, 94, 0),
    (0, 158, 115),
    (204, 121, 167),
    (230, 159, 0),
    (86, 180, 233),
];

impl Comparison {
    /// The comparison chart's title.
    fn chart_title(&self, sc: &Scenario, actor: usize) -> String {
        format!(
            "{} ({}): alignment under each lens — {}, mean of {} runs",
            sc.actors[actor].id, sc.actors[actor].name, sc.name, self.runs
        )
    }

    /// The comparison chart of `actor` ([`Comparison::chart`]) with its file stem
    /// (`compare_<ID>`), title, caption and size, for the report.
    pub fn figure(&self, sc: &Scenario, actor: usize) -> Result<Chart, String> {
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
            size: (360 * sc.patrons.len() as u32, 420),
            svg,
            png: None,
        })
    }

    /// An SVG chart: one panel per patron, the mean share of `actor` toward it over time, one
    /// line per lens.
    pub fn chart(&self, sc: &Scenario, actor: usize) -> Result<String, String> {
        use plotters::prelude::*;
        crate::sweep::chart::fonts()?;
        let np = sc.patrons.len();
        let mut svg = String::new();
        {
            let root =
                SVGBackend::with_string(&mut svg, (360 * np as u32, 420)).into_drawing_area();
            root.fill(&WHITE).map_err(|e| e.to_string())?;
            let title = self.chart_title(sc, actor);
            let root = root
                .titled(&title, ("sans-serif", 18))
                .map_err(|e| e.to_string())?;
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
                    .map_err(|e| e.to_string())?;
                chart
                    .configure_mesh()
                    .x_desc("year")
                    .y_desc("share")
                    .x_label_formatter(&|x| format!("{:.0}", x.floor()))
                    .draw()
                    .map_err(|e| e.to_string())?;
                for (k, _) in self.lenses.iter().enumerate() {
                    let (r, g, b) = LENS_COLOURS[k % LENS_COLOURS.len()];
                    let points =
                        self.dates.iter().enumerate().map(|(t, d)| {
                            (d.as_year_fraction(), self.mean_share(sc, k, t, actor, p))
                        });
                    chart
                        .draw_series(LineSeries::new(points, RGBColor(r, g, b).stroke_width(2)))
                        .map_err(|e| e.to_string())?;
                }
            }
            for (k, l) in self.lenses.iter().enumerate() {
                let (r, g, b) = LENS_COLOURS[k % LENS_COLOURS.len()];
                let x = 20 + (k as i32 % 3) * 220;
                let y = 15 + (k as i32 / 3) * 22;
                legend
                    .draw(&PathElement::new(
                        vec![(x, y), (x + 30, y)],
                        RGBColor(r, g, b).stroke_width(3),
                    ))
                    .map_err(|e| e.to_string())?;
                legend
                    .draw(&Text::new(
                        l.lens.name().to_string(),
                        (x + 38, y - 8),
                        ("sans-serif", 14),
                    ))
                    .map_err(|e| e.to_string())?;
            }
            root.present().map_err(|e| e.to_string())?;
        }
        Ok(svg)
    }
}

/// A lens's name with a swatch of its colour in the comparison chart.
fn lens_label(k: usize, lens: Lens) -> String {
    let (r, g, b) = LENS_COLOURS[k % LENS_COLOURS.len()];
    format!(
        "<span class=\"swatch\" style=\"background:{}\"></span>{}",
        hex(plotters::style::RGBColor(r, g, b)),
        esc(lens.name())
    )
}

impl Comparison {
    /// The "Lenses compared" section of `report.html`: the changes applied, the final alignments
    /// side by side, the scorecard per lens (for a scenario with `[[checks]]`) and `figure`, the
    /// chart of one state ([`Comparison::figure`]).
    pub fn report_section(&self, sc: &Scenario, figure: &Chart, changes: &[String]) -> Section {
        use std::fmt::Write as _;
        let np = sc.patrons.len();
        let colors = patron_colors(sc);
        let ids: Vec<&str> = (0..np).map(|p| sc.patron_id(p)).collect();
        let mut o = String::new();
        let _ = writeln!(
            o,
            "<p>The same scenario run {} times under each of {} theory lenses (decision rules), \
             with the same seed: the runs differ only in how states weigh their options. \
             <code>simulate explain LENS</code> describes each lens.</p>",
            self.runs,
            self.lenses.len()
        );
        let changed = if changes.is_empty() {
            "none: the scenario as written".to_string()
        } else {
            changes
                .iter()
                .map(|c| format!("<code>{}</code>", esc(c)))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let _ = writeln!(o, "<p><b>Changes applied to every lens:</b> {changed}</p>");

        // Final alignment, side by side.
        let end = self.dates.last().map(|d| d.to_string()).unwrap_or_default();
        let _ = writeln!(
            o,
            "<h3>Final alignment, {end}</h3>\n<p class=\"note\">Each state's mean share toward \
             each patron across the {} runs of each lens; the largest share in bold. Hover a \
             number for its 5–95 % range.</p>\n<div class=\"scroll\">\n<table class=\"compact\">\n\
             <tr><th rowspan=\"2\">State</th>",
            self.runs
        );
        for (k, l) in self.lenses.iter().enumerate() {
            let _ = write!(
                o,
                "<th class=\"group\" colspan=\"{np}\">{}</th>",
                lens_label(k, l.lens)
            );
        }
        o.push_str("</tr>\n<tr>");
        for _ in &self.lenses {
            for (p, id) in ids.iter().enumerate() {
                let _ = write!(
                    o,
                    "<th class=\"num{}\" style=\"border-top:3px solid {}\">{}</th>",
                    if p == 0 { " group" } else { "" },
                    hex(colors[p]),
                    esc(id)
                );
            }
        }
        o.push_str("</tr>\n");
        for (i, a) in sc.actors.iter().enumerate() {
            if a.role != Role::State {
                continue;
            }
            let _ = write!(
                o,
                "<tr><td><b>{}</b> {}</td>",
                esc(&a.id),
                esc(crate::plot::full_name(a))
            );
            for l in &self.lenses {
                let cells: Vec<Spread> = (0..np)
                    .map(|p| {
                        l.finals
                            .iter()
                            .find(|(x, q, _)| *x == i && *q == p)
                            .map_or_else(Spread::default, |f| f.2)
                    })
                    .collect();
                let top = cells
                    .iter()
                    .map(|c| c.mean)
                    .fold(f64::NEG_INFINITY, f64::max);
                for (p, c) in cells.iter().enumerate() {
                    let value = format!("{:.2}", c.mean);
                    let _ = write!(
                        o,
                        "<td class=\"num{}\" title=\"{} toward {}: 5–95 % {:.2}–{:.2}\">{}</td>",
                        if p == 0 { " group" } else { "" },
                        esc(&a.id),
                        esc(ids[p]),
                        c.p5,
                        c.p95,
                        if c.mean == top {
                            format!("<b>{value}</b>")
                        } else {
                            value
                        }
                    );
                }
            }
            o.push_str("</tr>\n");
        }
        o.push_str("</table>\n</div>\n");

        // The scorecard per lens.
        if let Some(first) = self.lenses.first().filter(|l| !l.scorecard.is_empty()) {
            let _ = writeln!(
                o,
                "<h3>Scorecard per lens</h3>\n<p class=\"note\">The scenario's stylized facts \
                 and counterfactuals (<code>simulate validate</code>), scored under each lens: the \
                 share of the {} runs in which the expected result obtained, and whether it \
                 reaches the line's threshold. A counterfactual reruns the lens's ensemble without \
                 the named scripted event, where the fact should fail.</p>\n\
                 <div class=\"scroll\">\n<table class=\"compact\">\n<tr><th>Fact</th><th>What</th>\
                 <th>Expected, threshold</th>",
                self.runs
            );
            for (k, l) in self.lenses.iter().enumerate() {
                let _ = write!(o, "<th class=\"group lens\">{}</th>", lens_label(k, l.lens));
            }
            o.push_str("</tr>\n");
            for (j, c) in first.scorecard.iter().enumerate() {
                let without = c.without.as_deref().map_or(String::new(), |w| {
                    format!(
                        "<br><span class=\"note\">without <code class=\"id\">{}</code></span>",
                        esc(w)
                    )
                });
                let _ = write!(
                    o,
                    "<tr><td>{}</td><td>{}{without}</td><td class=\"nowrap\">{}, ≥ {:.0} %</td>",
                    esc(&c.fact),
                    esc(&c.label),
                    esc(c.expect),
                    c.threshold * 100.0
                );
                for l in &self.lenses {
                    let Some(line) = l.scorecard.get(j) else {
                        o.push_str("<td class=\"group\"></td>");
                        continue;
                    };
                    let _ = write!(
                        o,
                        "<td class=\"num group {}\">{:.0} %<br>{}</td>",
                        if line.pass { "pass" } else { "fail" },
                        line.share * 100.0,
                        report::verdict(line.pass)
                    );
                }
                o.push_str("</tr>\n");
            }
            let _ = write!(o, "<tr><th colspan=\"3\">Lines that pass</th>");
            for l in &self.lenses {
                let pass = l.scorecard.iter().filter(|c| c.pass).count();
                let _ = write!(
                    o,
                    "<th class=\"num group\">{pass} of {}</th>",
                    l.scorecard.len()
                );
            }
            o.push_str("</tr>\n</table>\n</div>\n");
        }

        // The chart.
        let _ = writeln!(
            o,
            "<h3>Trajectories under each lens</h3>\n<figure id=\"chart-{}\">\n{}\n<figcaption>\
             <b>{}.</b> {} File: <code>{}.svg</code>.</figcaption>\n</figure>",
            esc(&figure.name),
            report::inline_svg(figure),
            esc(&figure.title),
            esc(&figure.caption),
            esc(&figure.name)
        );
        Section {
            id: "lenses".into(),
            title: "Lenses compared".into(),
            html: o,
        }
    }

    /// `report.html` of `simulate compare`: the scenario's name, description, seed and runs at
    /// the top, then [`Comparison::report_section`].
    pub fn report_html(
        &self,
        sc: &Scenario,
        seed: u64,
        figure: &Chart,
        changes: &[String],
    ) -> String {
        let tool = format!("simulate {}", crate::VERSION);
        let meta = format!(
            "{} to {} in steps of a {} · seed {seed} · {} lens{} · {} run{} per lens · {tool}",
            sc.start,
            sc.end,
            sc.period.name(),
            self.lenses.len(),
            if self.lenses.len() == 1 { "" } else { "es" },
            self.runs,
            if self.runs == 1 { "" } else { "s" },
        );
        let footer = format!(
            "Written by {} from <code>{}</code> (SHA-256 <code>{}</code>). The same command with \
             the same scenario file and seed gives the same numbers.",
            esc(&tool),
            esc(&sc.path),
            esc(&sc.sha256)
        );
        report::page(
            &format!("{} — lenses compared", sc.name),
            &sc.name,
            &sc.description,
            &meta,
            &[self.report_section(sc, figure, changes)],
            &footer,
        )
    }
}

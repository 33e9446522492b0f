//! The page of `simulate compare`: the lenses side by side, the scorecard per lens, the chart,
//! where the lenses disagree and the class handout.

use super::Section;
use crate::output::text::{percent, xml_escape as esc};
use crate::plot::compare::lens_label;
use crate::plot::{Chart, hex, patron_colors};
use crate::runs::compare::Comparison;
use crate::runs::ensemble::Spread;
use crate::scenario::{Role, Scenario};

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
                    "<tr><td>{}</td><td>{}{without}</td><td class=\"nowrap\">{}, ≥ {} %</td>",
                    esc(&c.fact),
                    esc(&c.label),
                    esc(c.expect),
                    percent(c.threshold)
                );
                for l in &self.lenses {
                    let Some(line) = l.scorecard.get(j) else {
                        o.push_str("<td class=\"group\"></td>");
                        continue;
                    };
                    let _ = write!(
                        o,
                        "<td class=\"num group {}\">{} %<br>{}</td>",
                        if line.pass { "pass" } else { "fail" },
                        percent(line.share),
                        super::verdict(line.pass)
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
            super::inline_svg(figure),
            esc(&figure.title),
            esc(&figure.caption),
            esc(&figure.name)
        );

        // Where the lenses disagree, and the class handout, as `compare` prints them.
        let _ = writeln!(
            o,
            "<h3>Where the lenses disagree</h3>\n<pre>{}</pre>",
            esc(self.differences_text(sc).trim())
        );
        let handout = self.handout_text(sc);
        if !handout.is_empty() {
            let _ = writeln!(
                o,
                "<h3>Class handout</h3>\n<pre>{}</pre>",
                esc(handout.trim())
            );
        }
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
        super::page(
            &format!("{} — lenses compared", sc.name),
            &sc.name,
            &sc.description,
            &meta,
            &[self.report_section(sc, figure, changes)],
            &footer,
        )
    }
}

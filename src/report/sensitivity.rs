//! The sensitivity analysis as a report page: how to read it, the factors and their intervals,
//! the most influential factors of every output, and each output's chart and table.

use std::fmt::Write as _;

use super::{Section, inline_svg, page as shell};
use crate::output::text::xml_escape as esc;
use crate::plot::Chart;
use crate::scenario::Scenario;
use crate::sensitivity::{Analysis, Measured, Method};

/// Top factors listed per output in the summary table.
const TOP: usize = 3;

/// The analysis as a section: the summary table (each output's most influential factors) and,
/// per output, its chart (from `charts`, in output order) and its full table.
pub fn section(a: &Analysis, charts: &[Chart]) -> Section {
    let mut o = String::new();
    let (headline, how) = match a.method {
        Method::Morris {
            trajectories,
            levels,
        } => (
            "μ*",
            format!(
                "Morris screening: {trajectories} trajectories on a grid of {levels} levels, {} \
                 points. A factor's elementary effect is the change in the output when the \
                 factor alone moves by {:.3} of its interval, divided by that step: an output \
                 change per whole interval. <b>μ*</b> (the mean absolute effect) ranks the \
                 factors; <b>μ</b> (the mean effect) gives the sign when effects agree; \
                 <b>σ</b> (their spread) is large when a factor's effect depends on the other \
                 factors (interactions) or on where it starts (non-linearity). Intervals are \
                 95 % bootstrap intervals of μ*.",
                a.method.points(a.factors.len()),
                crate::sensitivity::morris::delta(levels)
            ),
        ),
        Method::Sobol { samples } => (
            "ST",
            format!(
                "Sobol indices from Saltelli's design on a scrambled Sobol sequence: {samples} \
                 base rows, {} points. <b>S1</b> is the share of the output's variance over the \
                 factors' intervals that a factor explains alone; <b>ST</b> the share it explains \
                 with all its interactions. ST − S1 is what it does only together with others; \
                 ST near 0 means the factor can be fixed anywhere in its interval without \
                 changing the output. Intervals are 95 % bootstrap intervals; an S1 slightly \
                 below 0 is an estimate of 0.",
                a.method.points(a.factors.len())
            ),
        ),
    };
    let _ = writeln!(
        o,
        "<p class=\"note\">{how} Every point runs with the same seed (common random numbers), \
         and its output is the mean over its runs.</p>"
    );
    let _ = writeln!(
        o,
        "<h3>Most influential factors</h3>\n<div class=\"scroll\">\n<table class=\"compact\">\n\
         <tr><th>Output</th><th class=\"num\">mean</th><th class=\"num\">sd</th><th>Top \
         factors by {headline}</th></tr>"
    );
    for out in &a.outputs {
        let top: Vec<String> = out
            .ranking()
            .into_iter()
            .take(TOP)
            .map(|f| {
                let v = match &out.indices {
                    Measured::Morris(m) => m[f].mu_star,
                    Measured::Sobol(s) => s[f].st,
                };
                format!(
                    "<code class=\"id\">{}</code> {v:.3}",
                    esc(&a.factors[f].key)
                )
            })
            .collect();
        let _ = writeln!(
            o,
            "<tr><td><a href=\"#out-{0}\"><code class=\"id\">{0}</code></a></td><td class=\"num\">{1:.3}</td>\
             <td class=\"num\">{2:.3}</td><td>{3}</td></tr>",
            esc(&out.name),
            out.mean,
            out.sd,
            top.join(", ")
        );
    }
    o.push_str("</table>\n</div>\n");
    let _ = writeln!(
        o,
        "<h3>Factors</h3>\n<p class=\"note\">{} factors, each varied uniformly over its interval: {}</p>",
        a.factors.len(),
        a.factors
            .iter()
            .map(|f| format!(
                "<code class=\"id\">{}</code> {}–{}",
                esc(&f.key),
                f.min,
                f.max
            ))
            .collect::<Vec<_>>()
            .join("; ")
    );
    for (out, chart) in a.outputs.iter().zip(charts) {
        let _ = writeln!(
            o,
            "<h3 id=\"out-{0}\"><code class=\"id\">{0}</code></h3>\n<figure>{1}<figcaption>{2}</figcaption></figure>",
            esc(&out.name),
            inline_svg(chart),
            esc(&chart.caption)
        );
        o.push_str("<details><summary>Every factor</summary>\n<div class=\"scroll\">\n<table class=\"compact\">\n");
        match &out.indices {
            Measured::Morris(m) => {
                o.push_str("<tr><th>Factor</th><th class=\"num\">μ</th><th class=\"num\">μ*</th><th class=\"num\">± 95 %</th><th class=\"num\">σ</th></tr>\n");
                for f in out.ranking() {
                    let _ = writeln!(
                        o,
                        "<tr><td><code class=\"id\">{}</code></td><td class=\"num\">{:.4}</td><td class=\"num\">{:.4}</td><td class=\"num\">{:.4}</td><td class=\"num\">{:.4}</td></tr>",
                        esc(&a.factors[f].key),
                        m[f].mu,
                        m[f].mu_star,
                        m[f].mu_star_conf,
                        m[f].sigma
                    );
                }
            }
            Measured::Sobol(s) => {
                o.push_str("<tr><th>Factor</th><th class=\"num\">S1</th><th class=\"num\">± 95 %</th><th class=\"num\">ST</th><th class=\"num\">± 95 %</th></tr>\n");
                for f in out.ranking() {
                    let _ = writeln!(
                        o,
                        "<tr><td><code class=\"id\">{}</code></td><td class=\"num\">{:.4}</td><td class=\"num\">{:.4}</td><td class=\"num\">{:.4}</td><td class=\"num\">{:.4}</td></tr>",
                        esc(&a.factors[f].key),
                        s[f].s1,
                        s[f].s1_conf,
                        s[f].st,
                        s[f].st_conf
                    );
                }
            }
        }
        o.push_str("</table>\n</div>\n</details>\n");
    }
    Section {
        id: "sensitivity".into(),
        title: format!("Sensitivity analysis ({})", a.method.name()),
        html: o,
    }
}

/// The page of `simulate sensitivity`: the section above on its own page; `about` is the line
/// of provenance (scenario file, seed, runs per point, command).
pub fn page(sc: &Scenario, a: &Analysis, charts: &[Chart], about: &str) -> String {
    shell(
        &format!("{}: sensitivity analysis", sc.name),
        &format!("{}: which parameters matter", sc.name),
        &sc.description,
        about,
        &[section(a, charts)],
        &format!("simulate {}", crate::VERSION),
    )
}

//! A calibration as a report section and as the page of `simulate calibrate`: the method and
//! its settings, the posterior per parameter against its prior and default, the generations,
//! the marginal charts, the distance in and out of sample at the posterior median and at the
//! defaults, and the two scorecards with in-sample and out-of-sample lines apart.

use std::fmt::Write as _;

use super::{Section, inline_svg, page as shell, verdict};
use crate::output::text::{percent, xml_escape as esc};
use crate::plot::Chart;
use crate::runs::calibrate::Calibration;
use crate::runs::scorecard::Line;
use crate::scenario::Scenario;

fn line_cells(l: &Line) -> String {
    let error = l
        .timing
        .as_ref()
        .and_then(|t| {
            t.error_months()
                .map(|e| format!("{e:+} mo (±{})", t.history.tolerance_months))
        })
        .unwrap_or_default();
    format!(
        "<td class=\"num\">{}%</td><td class=\"num\">{}</td><td>{}</td>",
        percent(l.share),
        esc(&error),
        verdict(l.pass)
    )
}

fn scorecard_table(o: &mut String, c: &Calibration, in_sample: bool) {
    let _ = writeln!(
        o,
        "<div class=\"scroll\">\n<table class=\"compact\">\n<tr><th>line</th><th class=\"num\">year</th>\
         <th class=\"num\">need</th><th class=\"num\">median: share</th><th class=\"num\">date error</th>\
         <th>result</th><th class=\"num\">defaults: share</th><th class=\"num\">date error</th><th>result</th></tr>"
    );
    for (k, (m, d)) in c.median.lines.iter().zip(&c.defaults.lines).enumerate() {
        let year = c.line_years[k];
        if (year <= c.fit_until) != in_sample {
            continue;
        }
        let what = match &m.without {
            Some(w) => format!("{} (without {w})", m.outcome),
            None => m.outcome.clone(),
        };
        let _ = writeln!(
            o,
            "<tr><td title=\"{}\">{}</td><td class=\"num\">{year}</td><td class=\"num\">{}%</td>{}{}</tr>",
            esc(&m.label),
            esc(&what),
            percent(m.threshold),
            line_cells(m),
            line_cells(d)
        );
    }
    let _ = writeln!(o, "</table>\n</div>");
}

/// The calibration as a section, with the marginal `charts` (in parameter order).
pub fn section(c: &Calibration, charts: &[Chart]) -> Section {
    let mut o = String::new();
    let post = c.posterior();
    let sims = post.simulations;
    let _ = writeln!(
        o,
        "<p class=\"note\">Approximate Bayesian computation by adaptive population Monte Carlo \
         (Lenormand, Jabot and Deffuant 2013; the ABC-SMC family of Beaumont et al. 2009 and Toni \
         et al. 2009): {} particles per generation, {:.0} % kept from one generation to the next, \
         stopping when fewer than {:.0} % of a generation's proposals fall within the tolerance or \
         after {} generations. It ran {} generations, {sims} parameter sets of {} runs each. Priors \
         are uniform on the intervals below. The distance is the root mean square of the \
         scorecard's in-sample terms (each line's shortfall from its share of runs, each dated \
         line's error over its tolerance{}) up to {}; later lines are out of sample, never seen by \
         the calibration.</p>",
        c.settings.particles,
        c.settings.alpha * 100.0,
        c.settings.p_acc_min * 100.0,
        c.settings.generations,
        c.populations.len(),
        c.runs,
        if c.votes {
            ", and the UN-vote observation model's error over the votes' spread"
        } else {
            ""
        },
        c.fit_until
    );
    let _ = writeln!(
        o,
        "<h3>Posterior</h3>\n<div class=\"scroll\">\n<table class=\"compact\">\n<tr><th>parameter</th>\
         <th class=\"num\">prior</th><th class=\"num\">default</th><th class=\"num\">median</th>\
         <th class=\"num\">5–95 %</th><th class=\"num\">mean ± sd</th><th>default inside</th></tr>"
    );
    for (i, p) in c.params.iter().enumerate() {
        let (m, sd) = post.mean_sd(i);
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"num\">{} – {}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{:.3}</td><td class=\"num\">{:.3} – {:.3}</td>\
             <td class=\"num\">{m:.3} ± {sd:.3}</td><td>{}</td></tr>",
            esc(&p.key),
            p.min,
            p.max,
            p.default,
            post.quantile(i, 0.5),
            post.quantile(i, 0.05),
            post.quantile(i, 0.95),
            if c.default_inside(i) { "yes" } else { "no" }
        );
    }
    let _ = writeln!(o, "</table>\n</div>");
    let weights: f64 = post.particles.iter().map(|p| p.weight).sum();
    let post_out: f64 = post
        .particles
        .iter()
        .zip(&c.out_of_sample[c.out_of_sample.len() - 1])
        .map(|(p, d)| p.weight * d)
        .sum::<f64>()
        / weights.max(f64::MIN_POSITIVE);
    let out = |d: f64| c.out_of_sample_text(d);
    let _ = writeln!(
        o,
        "<h3>Distance in and out of sample</h3>\n<table class=\"compact\">\n<tr><th></th>\
         <th class=\"num\">in sample (to {})</th><th class=\"num\">out of sample</th></tr>\n\
         <tr><td>posterior sample (weighted mean)</td><td class=\"num\">{:.3}</td><td class=\"num\">{}</td></tr>\n\
         <tr><td>posterior median</td><td class=\"num\">{:.3}</td><td class=\"num\">{}</td></tr>\n\
         <tr><td>defaults</td><td class=\"num\">{:.3}</td><td class=\"num\">{}</td></tr>\n</table>",
        c.fit_until,
        post.particles
            .iter()
            .map(|p| p.weight * p.distance)
            .sum::<f64>()
            / weights.max(f64::MIN_POSITIVE),
        out(post_out),
        c.median.score.distance(true),
        out(c.median.score.distance(false)),
        c.defaults.score.distance(true),
        out(c.defaults.score.distance(false)),
    );
    let _ = writeln!(
        o,
        "<h3>Generations</h3>\n<table class=\"compact\">\n<tr><th class=\"num\">generation</th>\
         <th class=\"num\">tolerance</th><th class=\"num\">accepted share</th>\
         <th class=\"num\">simulations</th><th class=\"num\">effective sample size</th></tr>"
    );
    for p in &c.populations {
        let _ = writeln!(
            o,
            "<tr><td class=\"num\">{}</td><td class=\"num\">{:.4}</td><td class=\"num\">{:.2}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{:.1}</td></tr>",
            p.generation,
            p.epsilon,
            p.p_acc,
            p.simulations,
            p.ess()
        );
    }
    let _ = writeln!(o, "</table>\n<h3>Marginals</h3>");
    for ch in charts {
        let _ = writeln!(
            o,
            "<figure>{}<figcaption>{}</figcaption></figure>",
            inline_svg(ch),
            esc(&ch.caption)
        );
    }
    let _ = writeln!(
        o,
        "<h3>Scorecard at the posterior median: in sample (to {})</h3>\n<p class=\"note\">{} runs \
         per ensemble, seed {}, the defaults alongside on the same seed.</p>",
        c.fit_until, c.scorecard_runs, c.seed
    );
    scorecard_table(&mut o, c, true);
    let _ = writeln!(
        o,
        "<h3>Scorecard at the posterior median: out of sample (after {})</h3>",
        c.fit_until
    );
    scorecard_table(&mut o, c, false);
    Section {
        id: "calibration".into(),
        title: "Calibration".into(),
        html: o,
    }
}

/// The page of `simulate calibrate`; `about` is the line of provenance.
pub fn page(sc: &Scenario, c: &Calibration, charts: &[Chart], about: &str) -> String {
    shell(
        &format!("{}: calibration", sc.name),
        &format!("{}: which parameter values reproduce the record", sc.name),
        &sc.description,
        about,
        &[section(c, charts)],
        &format!("simulate {}", crate::VERSION),
    )
}

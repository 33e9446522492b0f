//! The validation scorecard as a section of a report page.

use std::fmt::Write as _;

use super::{Section, verdict};
use crate::output::text::{percent, xml_escape as esc};
use crate::plot::Chart;
use crate::runs::scorecard::Line;
use crate::runs::unvote::{Patron, Stats, VoteCheck};

/// The scorecard as a section of `report.html`: how to read it, the runs per ensemble and the
/// seed, and a table of every line with its result.
pub fn report_section(lines: &[Line], runs: usize, seed: u64) -> Section {
    let passed = lines.iter().filter(|l| l.pass).count();
    let mut removed: Vec<&str> = Vec::new();
    for w in lines.iter().filter_map(|l| l.without.as_deref()) {
        if !removed.contains(&w) {
            removed.push(w);
        }
    }
    let ensembles = 1 + removed.len();
    let mut o = String::new();
    let known = lines
        .iter()
        .filter(|l| !l.pass && l.known_failure.is_some())
        .count();
    let unexpected = lines.iter().filter(|l| l.unexpected_failure()).count();
    let _ = writeln!(
        o,
        "<p class=\"callout{}\"><b>{passed} of {} lines pass{}.</b> {} ensemble{} of {runs} run{} \
         each (the replay as written{}), seed {seed}.</p>",
        if unexpected == 0 { "" } else { " fail" },
        lines.len(),
        match known {
            0 => String::new(),
            1 => " (1 known failure)".to_string(),
            k => format!(" ({k} known failures)"),
        },
        ensembles,
        if ensembles == 1 { "" } else { "s" },
        if runs == 1 { "" } else { "s" },
        match removed.len() {
            0 => String::new(),
            1 => ", and once for its counterfactual".to_string(),
            n => format!(", and once for each of its {n} counterfactuals"),
        }
    );
    let _ = writeln!(
        o,
        "<p class=\"note\">How to read it: each line is a stylized fact of the historical record, \
         stated as an outcome the model must produce by its own rules, or a counterfactual: the \
         same ensemble with scripted events removed (and for some, parameters changed), where the \
         fact should disappear with its cause, or for a dated one not happen on time. \
         <i>Share of runs</i> is the share of the {runs} runs in which the expected result \
         obtained (the outcome happened when it should hold, did not when it should fail); a line \
         passes when that share reaches its threshold. Run <i>r</i> draws from stream <i>r</i> − 1 \
         of seed {seed}. The rest of this page reports the replay's first run.</p>"
    );
    o.push_str(
        "<div class=\"scroll\">\n<table class=\"scorecard\">\n<tr><th>Fact</th><th>What</th>\
         <th>Expected</th><th>Counterfactual: without</th><th>Share of runs</th>\
         <th>Threshold</th><th>Date: model median (5–95 %) vs history, error</th>\
         <th>Result</th></tr>\n",
    );
    for l in lines {
        let date = l.timing.as_ref().map_or("—".to_string(), |t| {
            let d = |x: Option<crate::date::YearMonth>| {
                x.map_or("never".to_string(), |x| x.to_string())
            };
            format!(
                "{} ({}–{}) vs {}: {} (±{}){}",
                d(t.median),
                d(t.p5),
                d(t.p95),
                t.history.date,
                t.error_months()
                    .map_or("—".to_string(), |e| format!("{e:+} mo")),
                t.history.tolerance_months,
                if t.history.source.is_empty() {
                    String::new()
                } else {
                    format!("<br><small>{}</small>", esc(&t.history.source))
                }
            )
        });
        let _ = writeln!(
            o,
            "<tr class=\"{}\"><td>{}</td><td>{}<br><code class=\"id\">{}</code></td>\
             <td>{}</td><td>{}</td><td class=\"num\">{} %</td><td class=\"num\">{} %</td>\
             <td>{}</td><td>{}</td></tr>",
            if l.pass { "pass" } else { "fail" },
            esc(&l.fact),
            match &l.known_failure {
                Some(why) => format!(
                    "{}<br><small>Known failure: {}</small>",
                    esc(&l.label),
                    esc(why)
                ),
                None => esc(&l.label),
            },
            esc(&l.outcome),
            esc(l.expect),
            l.without
                .as_deref()
                .map_or("—".to_string(), |w| format!("<code>{}</code>", esc(w))),
            percent(l.share),
            percent(l.threshold),
            date,
            verdict(l.pass)
        );
    }
    o.push_str("</table>\n</div>\n");
    Section {
        id: "validation".into(),
        title: "Validation scorecard".into(),
        html: o,
    }
}

/// The UN-vote check as a section of `report.html`: how to read it, the fitted observation
/// model, a table per state and patron (change correlation and RMSE, in and out of sample), and
/// every turn in the votes with whether the model reproduces it.
pub fn unvote_section(c: &VoteCheck, source: &str, runs: usize, figure: &Chart) -> Section {
    let opt = |x: Option<f64>, d: usize| x.map_or("—".to_string(), |v| format!("{v:.d$}"));
    let mut o = String::new();
    let _ = writeln!(
        o,
        "<p class=\"note\">Measured data: {}. The model's yearly alignment shares (the mean of \
         {runs} runs) are mapped to predicted voting agreement with each patron by a straight line, \
         <i>agreement = a + b × share</i>, fitted by least squares on {}–{} only; {}–{} is out of \
         sample. <i>r</i> is the correlation of year-on-year changes (does the model move when the \
         votes move?); RMSE the typical gap in agreement (0.05 = five points). Fitted on {} \
         state-years: {}.</p>",
        esc(source),
        c.fit.window.0,
        c.fit.window.1,
        c.out_of_sample.window.0,
        c.out_of_sample.window.1,
        c.fit.n,
        Patron::ALL
            .iter()
            .map(|p| format!(
                "{} a = {:.3}, b = {:.3}",
                p.code(),
                c.fit.a[p.index()],
                c.fit.b[p.index()]
            ))
            .collect::<Vec<_>>()
            .join("; ")
    );
    o.push_str(
        "<div class=\"scroll\">\n<table class=\"compact\">\n<tr><th>State</th><th>Patron</th>\
         <th class=\"num\">r in sample</th><th class=\"num\">RMSE in sample</th>\
         <th class=\"num\">r out of sample</th><th class=\"num\">RMSE out of sample</th></tr>\n",
    );
    let states = c
        .in_sample
        .by_state
        .keys()
        .map(String::as_str)
        .chain(std::iter::once("pooled"));
    for state in states {
        let (a, b) = if state == "pooled" {
            (Some(&c.in_sample.pooled), Some(&c.out_of_sample.pooled))
        } else {
            (
                c.in_sample.by_state.get(state),
                c.out_of_sample.by_state.get(state),
            )
        };
        for p in Patron::ALL {
            let cell = |st: Option<&[Stats; 3]>| match st {
                Some(st) => (
                    opt(st[p.index()].change_corr, 2),
                    opt(st[p.index()].rmse, 3),
                ),
                None => ("—".into(), "—".into()),
            };
            let ((ra, ea), (rb, eb)) = (cell(a), cell(b));
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{ra}</td><td class=\"num\">{ea}</td>\
                 <td class=\"num\">{rb}</td><td class=\"num\">{eb}</td></tr>",
                esc(state),
                p.code()
            );
        }
    }
    o.push_str("</table>\n</div>\n");
    let reproduced = c.turns.iter().filter(|t| t.reproduced).count();
    let _ = writeln!(
        o,
        "<h3>Turns in the votes</h3>\n<p class=\"note\">A turn: agreement with a patron moves by \
         more than 0.08 over two sessions, more than in the years around it. The model reproduces it \
         when its predicted agreement moves the same way by at least a quarter as much within a \
         year. {reproduced} of {} reproduced.</p>",
        c.turns.len()
    );
    o.push_str(
        "<table class=\"compact\">\n<tr><th>State</th><th>Patron</th><th>Year</th>\
         <th class=\"num\">Votes</th><th class=\"num\">Model</th><th>Reproduced</th></tr>\n",
    );
    for t in &c.turns {
        let _ = writeln!(
            o,
            "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{:+.3}</td>\
             <td class=\"num\">{}</td><td>{}</td></tr>",
            if t.reproduced { "pass" } else { "fail" },
            esc(&t.state),
            t.patron.code(),
            t.year,
            t.observed_change,
            t.model_change
                .map_or("—".to_string(), |v| format!("{v:+.3}")),
            verdict(t.reproduced)
        );
    }
    o.push_str("</table>\n");
    let _ = writeln!(
        o,
        "<h3>Measured and predicted, per state</h3>\n<figure id=\"chart-{}\">\n{}\n<figcaption>\
         <b>{}.</b> {} File: <code>{}.svg</code>.</figcaption>\n</figure>",
        esc(&figure.name),
        super::inline_svg(figure),
        esc(&figure.title),
        esc(&figure.caption),
        esc(&figure.name)
    );
    Section {
        id: "unvote".into(),
        title: "UN votes: the model against measured data".into(),
        html: o,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runs::scorecard::Line;

    fn line(fact: &str, label: &str, without: Option<&str>, share: f64) -> Line {
        Line {
            fact: fact.into(),
            outcome: "o_1".into(),
            label: label.into(),
            expect: if without.is_some() { "fails" } else { "holds" },
            without: without.map(String::from),
            share,
            threshold: 0.8,
            pass: share >= 0.8,
            timing: None,
            known_failure: None,
        }
    }

    #[test]
    fn the_report_section_shows_every_line_escaped_and_marks_failures() {
        let lines = [
            line("1", "A & B rise", None, 0.9),
            line("counterfactual", "C <happens>", Some("ev_1"), 0.25),
        ];
        let s = report_section(&lines, 40, 7);
        assert_eq!(s.id, "validation");
        assert_eq!(s.title, "Validation scorecard");
        let h = &s.html;
        assert!(h.contains(
            "<p class=\"callout fail\"><b>1 of 2 lines pass.</b> 2 ensembles of 40 runs each"
        ));
        assert!(h.contains("seed 7"));
        assert!(h.contains("A &amp; B rise") && h.contains("C &lt;happens&gt;"));
        assert!(!h.contains("<happens>"));
        assert_eq!(h.matches("<tr class=\"pass\">").count(), 1);
        assert_eq!(h.matches("<tr class=\"fail\">").count(), 1);
        assert!(h.contains("<td><code>ev_1</code></td><td class=\"num\">25 %</td><td class=\"num\">80 %</td><td>—</td><td><span class=\"verdict fail\">FAIL</span></td>"));
        assert!(h.contains("<td>holds</td><td>—</td><td class=\"num\">90 %</td>"));
    }
}

//! The validation scorecard as a section of a report page.

use std::fmt::Write as _;

use super::{Section, verdict};
use crate::output::text::xml_escape as esc;
use crate::runs::scorecard::Line;

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
    let _ = writeln!(
        o,
        "<p class=\"callout{}\"><b>{passed} of {} lines pass.</b> {} ensemble{} of {runs} run{} \
         each (the replay as written{}), seed {seed}.</p>",
        if passed == lines.len() { "" } else { " fail" },
        lines.len(),
        ensembles,
        if ensembles == 1 { "" } else { "s" },
        if runs == 1 { "" } else { "s" },
        match removed.len() {
            0 => String::new(),
            1 => ", and once without one scripted event".to_string(),
            n => format!(", and once without each of {n} scripted events"),
        }
    );
    let _ = writeln!(
        o,
        "<p class=\"note\">How to read it: each line is a stylized fact of the historical record, \
         stated as an outcome the model must produce by its own rules, or a counterfactual: the \
         same ensemble with one scripted event removed, where the fact should disappear with its \
         cause. <i>Share of runs</i> is the share of the {runs} runs in which the expected result \
         obtained (the outcome happened when it should hold, did not when it should fail); a line \
         passes when that share reaches its threshold. Run <i>r</i> draws from stream <i>r</i> − 1 \
         of seed {seed}. The rest of this page reports the replay's first run.</p>"
    );
    o.push_str(
        "<div class=\"scroll\">\n<table class=\"scorecard\">\n<tr><th>Fact</th><th>What</th>\
         <th>Expected</th><th>Counterfactual: event removed</th><th>Share of runs</th>\
         <th>Threshold</th><th>Result</th></tr>\n",
    );
    for l in lines {
        let _ = writeln!(
            o,
            "<tr class=\"{}\"><td>{}</td><td>{}<br><code class=\"id\">{}</code></td>\
             <td>{}</td><td>{}</td><td class=\"num\">{:.0} %</td><td class=\"num\">{:.0} %</td>\
             <td>{}</td></tr>",
            if l.pass { "pass" } else { "fail" },
            esc(&l.fact),
            esc(&l.label),
            esc(&l.outcome),
            esc(l.expect),
            l.without
                .as_deref()
                .map_or("—".to_string(), |w| format!("<code>{}</code>", esc(w))),
            l.share * 100.0,
            l.threshold * 100.0,
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
        assert!(h.contains("<td><code>ev_1</code></td><td class=\"num\">25 %</td><td class=\"num\">80 %</td><td><span class=\"verdict fail\">FAIL</span></td>"));
        assert!(h.contains("<td>holds</td><td>—</td><td class=\"num\">90 %</td>"));
    }
}

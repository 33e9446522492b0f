//! The validation scorecard: does a historical replay reproduce the stylized facts, for the right
//! reasons?
//!
//! A scenario's `[[checks]]` each name an outcome, whether it should hold or fail, optionally a
//! scripted event to remove (a counterfactual: the fact should disappear with its cause), and the
//! share of runs needed to pass. [`scorecard`] runs the scenario as an ensemble once as written
//! and once per distinct counterfactual, and reports each line. The replay (scenarios/sco2001.toml)
//! uses the same parameters as every other scenario: nothing is tuned per fact.

use rayon::prelude::*;

use crate::engine::{self, rng_for};
use crate::outcomes::Tracker;
use crate::scenario::Scenario;

/// One scorecard line's result.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// The stylized fact (from the check).
    pub fact: String,
    /// The outcome's id.
    pub outcome: String,
    /// What the outcome means.
    pub label: String,
    /// `holds` or `fails`.
    pub expect: &'static str,
    /// The removed event, for a counterfactual.
    pub without: Option<String>,
    /// Share of runs in which the expected result obtained.
    pub share: f64,
    /// Share needed.
    pub threshold: f64,
    /// Whether the line passes.
    pub pass: bool,
}

/// The share of `runs` replicates of `sc` (seed `seed`) in which each outcome held.
pub fn outcome_shares(sc: &Scenario, seed: u64, runs: usize, jobs: usize) -> Vec<f64> {
    let one = |r: usize| {
        let mut world = sc.initial.clone();
        let mut tracker = Tracker::new(sc, &sc.outcomes);
        let mut rng = rng_for(seed, r as u64);
        engine::run_in(sc, &sc.params, &mut world, &mut rng, &mut tracker);
        tracker.results().to_vec()
    };
    let results: Vec<Vec<bool>> = match rayon::ThreadPoolBuilder::new().num_threads(jobs).build() {
        Ok(pool) => pool.install(|| (0..runs).into_par_iter().map(one).collect()),
        Err(_) => (0..runs).map(one).collect(),
    };
    (0..sc.outcomes.len())
        .map(|j| results.iter().filter(|r| r[j]).count() as f64 / runs.max(1) as f64)
        .collect()
}

/// Runs every check of `sc` with `runs` replicates each and returns the scorecard, in check order.
pub fn scorecard(sc: &Scenario, seed: u64, runs: usize, jobs: usize) -> Vec<Line> {
    let baseline = outcome_shares(sc, seed, runs, jobs);
    let mut counterfactuals: Vec<(String, Vec<f64>)> = Vec::new();
    for c in &sc.checks {
        if let Some(w) = &c.without
            && !counterfactuals.iter().any(|(id, _)| id == w)
        {
            let mut cf = sc.clone();
            cf.remove_event(w);
            counterfactuals.push((w.clone(), outcome_shares(&cf, seed, runs, jobs)));
        }
    }
    sc.checks
        .iter()
        .map(|c| {
            let shares = match &c.without {
                Some(w) => counterfactuals
                    .iter()
                    .find(|(id, _)| id == w)
                    .map_or(&baseline, |(_, s)| s),
                None => &baseline,
            };
            let held = shares[c.outcome];
            let share = if c.holds { held } else { 1.0 - held };
            let o = &sc.outcomes[c.outcome];
            Line {
                fact: c.fact.clone(),
                outcome: o.id.clone(),
                label: o.label.clone(),
                expect: if c.holds { "holds" } else { "fails" },
                without: c.without.clone(),
                share,
                threshold: c.threshold,
                pass: share >= c.threshold,
            }
        })
        .collect()
}

/// The scorecard as CSV (`validation.csv`).
pub fn csv(lines: &[Line]) -> String {
    let mut out = String::from("fact,outcome,expect,without,share,threshold,result,label\n");
    for l in lines {
        out.push_str(&format!(
            "{},{},{},{},{:.4},{:.2},{},\"{}\"\n",
            l.fact,
            l.outcome,
            l.expect,
            l.without.as_deref().unwrap_or(""),
            l.share,
            l.threshold,
            if l.pass { "pass" } else { "FAIL" },
            l.label.replace('"', "'")
        ));
    }
    out
}

/// The scorecard as a section of `report.html`: how to read it, the runs per ensemble and the
/// seed, and a table of every line with its result.
pub fn report_section(lines: &[Line], runs: usize, seed: u64) -> crate::report::Section {
    use crate::plot::xml_escape as esc;
    use std::fmt::Write as _;

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
            crate::report::verdict(l.pass)
        );
    }
    o.push_str("</table>\n</div>\n");
    crate::report::Section {
        id: "validation".into(),
        title: "Validation scorecard".into(),
        html: o,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

//! Text for people: terminal tables (comparison, UN votes, dated facts, ablations) and escaping
//! for XML and HTML. The decision log in words is `output::log`.

use crate::runs::ablation::Ablation;
use crate::runs::compare::{Comparison, Start};
use crate::runs::scorecard::Line;
use crate::runs::unvote::{Patron, Stats, VoteCheck};
use crate::scenario::{Role, Scenario};

/// `text` cut to `max` characters, an ellipsis (the last of them) marking the cut: chart
/// labels, and an error that quotes what a user typed without sending it all back.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut t: String = text.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Escapes text for XML and HTML content and attribute values. A control character other than
/// a tab or a line break, which XML 1.0 does not allow at all, becomes `�`.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The comparison of lenses as a terminal table.
impl Comparison {
    /// The side-by-side table printed by `simulate compare`: final alignments, the scorecard,
    /// where the lenses disagree, which lenses the scorecard cannot tell apart and what would,
    /// and the class handout of the scenario's named episodes.
    pub fn text(&self, sc: &Scenario) -> String {
        let np = sc.patrons.len();
        let ids: Vec<&str> = (0..np).map(|p| sc.patron_id(p)).collect();
        let width = 5 * np + 2;
        let mut s = match self.start {
            Start::Same => {
                "Every lens starts from the same alignment: where the scenario as written starts \
                            its states (--own-start: each lens from its own).\n"
                    .to_string()
            }
            Start::Own => {
                "Each lens starts where its own scores point (states the scenario gives no \
                           alignment).\n"
                    .to_string()
            }
        };
        s.push_str("Lenses: ");
        let legend: Vec<String> = self
            .lenses
            .iter()
            .map(|l| format!("{} = {}", l.lens.short(), l.lens.name()))
            .collect();
        s.push_str(&legend.join(", "));
        s.push_str(&format!(
            "\n\nFinal alignment by lens: mean share toward {} across {} runs\n\n{:<6}",
            ids.join(" / "),
            self.runs,
            "state"
        ));
        for l in &self.lenses {
            s.push_str(&format!("{:>width$}", l.lens.short()));
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
                        short_share(sp)
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
            // Each column is a share and its mark (`  100%x`): the name ends above the `%`.
            for l in &self.lenses {
                s.push_str(&format!("{:>9} ", l.lens.short()));
            }
            s.truncate(s.trim_end_matches(' ').len());
            s.push('\n');
            let rows = self.lenses[0].scorecard.len();
            for j in 0..rows {
                // A label longer than its column gets a line of its own, the numbers on the
                // next: wrapped, never cut.
                let label = line_name(&self.lenses[0].scorecard[j]);
                if label.len() >= 44 {
                    s.push_str(&format!("{label}\n{:<44}", ""));
                } else {
                    s.push_str(&format!("{label:<44}"));
                }
                for l in &self.lenses {
                    let line = &l.scorecard[j];
                    s.push_str(&format!(
                        "{:>8}%{}",
                        percent(line.share),
                        if line.pass { " " } else { "x" }
                    ));
                }
                s.truncate(s.trim_end_matches(' ').len());
                s.push('\n');
            }
            s.push_str(
                "(x: fails: a share below its threshold, or a dated line's median date outside its tolerance)\n\
                 (not: the share of runs in which the outcome does not happen)\n",
            );
            for l in &self.lenses {
                let pass = l.scorecard.iter().filter(|c| c.pass).count();
                s.push_str(&format!(
                    "  {:<24} {pass} of {} lines pass\n",
                    l.lens.name(),
                    l.scorecard.len()
                ));
            }
        }
        s.push_str(&self.differences_text(sc));
        s.push_str(&self.handout_text(sc));
        s
    }

    /// Where the lenses' predictions differ, and what tells apart the lenses the scorecard
    /// cannot.
    pub fn differences_text(&self, sc: &Scenario) -> String {
        let mut s = String::new();
        if self.lenses.len() < 2 {
            return s;
        }
        let name = |k: usize| self.lenses[k].lens.short();
        let threshold = 0.10;
        let dis = self.disagreements(sc, threshold);
        s.push_str(&format!(
            "\nWhere the lenses disagree: states whose mean share toward a patron differs by more than \
             {threshold:.2} between lenses at some date (largest first)\n\n"
        ));
        if dis.is_empty() {
            s.push_str("  nowhere: the lenses' mean shares stay within 0.10 of each other\n");
        } else {
            s.push_str(&format!(
                "{:<6} {:<7} {:<8} {:<8} {:>6}  {:<14} {:<14}\n",
                "state", "patron", "from", "widest", "spread", "highest", "lowest"
            ));
            for d in &dis {
                s.push_str(&format!(
                    "{:<6} {:<7} {:<8} {:<8} {:>6}  {:<14} {:<14}\n",
                    sc.actors[d.actor].id,
                    sc.patron_id(d.patron),
                    d.first.to_string(),
                    d.widest.to_string(),
                    short_share(d.spread),
                    format!("{} {}", name(d.high.0), short_share(d.high.1)),
                    format!("{} {}", name(d.low.0), short_share(d.low.1)),
                ));
            }
        }
        if self.lenses.iter().all(|l| l.scorecard.is_empty()) {
            return s;
        }
        let split = self.split_lines();
        s.push_str(&format!(
            "\nScorecard lines on which the lenses disagree: {} of {}\n",
            split.len(),
            self.lenses[0].scorecard.len()
        ));
        for &j in &split {
            let pass: Vec<&str> = (0..self.lenses.len())
                .filter(|&k| self.lenses[k].scorecard[j].pass)
                .map(name)
                .collect();
            s.push_str(&format!(
                "  {:<44} passes under {}\n",
                line_name(&self.lenses[0].scorecard[j]),
                if pass.is_empty() {
                    "none".to_string()
                } else {
                    pass.join(", ")
                }
            ));
        }
        let groups = self.same_lines();
        if groups.is_empty() {
            s.push_str(
                "\nNo two lenses pass the same lines: the scorecard tells every lens apart.\n",
            );
            return s;
        }
        s.push_str("\nLenses the scorecard cannot tell apart, and the facts that would:\n");
        for g in &groups {
            let names: Vec<&str> = g.iter().map(|&k| self.lenses[k].lens.name()).collect();
            let pass = self.lenses[g[0]]
                .scorecard
                .iter()
                .filter(|l| l.pass)
                .count();
            s.push_str(&format!(
                "  {} pass the same {pass} lines. Where their predictions differ most:\n",
                names.join(", ")
            ));
            for (x, &a) in g.iter().enumerate() {
                for &b in &g[x + 1..] {
                    let facts = self.telling_facts(sc, a, b, Self::TELLING);
                    let parts: Vec<String> = facts
                        .iter()
                        .map(|f| {
                            format!(
                                "{}: {} vs {}",
                                f.place(sc),
                                short_share(f.shares.0),
                                short_share(f.shares.1)
                            )
                        })
                        .collect();
                    s.push_str(&format!(
                        "    {} vs {}: {}\n",
                        name(a),
                        name(b),
                        parts.join("; ")
                    ));
                }
            }
        }
        s
    }

    /// The class handout: each lens's prediction for the scenario's named episodes.
    pub fn handout_text(&self, sc: &Scenario) -> String {
        let mut s = String::new();
        let Some(first) = self.lenses.first() else {
            return s;
        };
        if first.episodes.is_empty() {
            return s;
        }
        s.push_str(
            "\nClass handout: each lens's prediction for the named episodes (share of runs in which \
             it happens; median date of the first time)\n\n",
        );
        s.push_str(&format!("{:<24}", "lens"));
        for e in &first.episodes {
            let o = &sc.outcomes[e.outcome];
            s.push_str(&format!("{:>24}", o.episode.as_deref().unwrap_or(&o.id)));
        }
        s.push('\n');
        for l in &self.lenses {
            s.push_str(&format!("{:<24}", l.lens.name()));
            for e in &l.episodes {
                let cell = match e.median {
                    Some(d) => format!("{}% {d}", percent(e.share)),
                    None => format!("{}%", percent(e.share)),
                };
                s.push_str(&format!("{cell:>24}"));
            }
            s.push('\n');
        }
        s.push_str("Each episode is an outcome of the scenario:\n");
        for e in &first.episodes {
            let o = &sc.outcomes[e.outcome];
            s.push_str(&format!(
                "  {}: {} ({})\n",
                o.episode.as_deref().unwrap_or(&o.id),
                o.label,
                o.id
            ));
        }
        s
    }
}

/// A share as `.47` (`1.00` for one).
fn short_share(x: f64) -> String {
    format!("{x:.2}").trim_start_matches('0').to_string()
}

/// A scorecard line's short name: fact, outcome and its counterfactual, if any.
fn line_name(c: &Line) -> String {
    // A line expected to fail counts the runs in which its outcome does not happen.
    let not = if c.expect == "fails" { "not " } else { "" };
    match &c.without {
        Some(w) => format!("{} {not}{} (without {w})", c.fact, c.outcome),
        None => format!("{} {not}{}", c.fact, c.outcome),
    }
}

/// `x` with `decimals` places, with its sign when `signed`; a value that rounds to zero is
/// written without one ("0.000", never "-0.000" or "+0.000").
pub fn fixed(x: f64, decimals: usize, signed: bool) -> String {
    let s = if signed {
        format!("{x:+.decimals$}")
    } else {
        format!("{x:.decimals$}")
    };
    if s.trim_start_matches(['+', '-'])
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        format!("{:.decimals$}", 0.0)
    } else {
        s
    }
}

/// A share as a whole number of percent, without the sign, halves rounded up (1 run in 200 is
/// "1"): `<1` when it is above 0 but below 0.5 %, so that a rare decision never reads "0".
pub fn percent(share: f64) -> String {
    let pct = share * 100.0;
    if share > 0.0 && pct < 0.5 {
        "<1".to_string()
    } else {
        format!("{:.0}", pct.round())
    }
}

/// The UN-vote check as a terminal table: the fitted observation model, then per state and
/// patron the change correlation and RMSE in and out of sample, then the turns in the votes.
pub fn unvote_text(c: &VoteCheck, source: &str) -> String {
    let opt = |x: Option<f64>, d: usize| x.map_or("—".to_string(), |v| format!("{v:.d$}"));
    let mut s = format!(
        "UN General Assembly votes ({source}): agreement = a + b x share, fitted on {}-{} ({} state-years)\n",
        c.fit.window.0, c.fit.window.1, c.fit.n
    );
    for p in Patron::ALL {
        s.push_str(&format!(
            "  {}: a = {:.3}, b = {:.3}\n",
            p.code(),
            c.fit.a[p.index()],
            c.fit.b[p.index()]
        ));
    }
    let (i, o) = (&c.in_sample, &c.out_of_sample);
    s.push_str(&format!(
        "\nPer state and patron: correlation of yearly changes (model vs votes) and RMSE\n{:<6} {:<7} {:>24}   {:>24}\n",
        "state",
        "patron",
        format!("in sample {}-{}", i.window.0, i.window.1),
        format!("out of sample {}-{}", o.window.0, o.window.1)
    ));
    let rows = i
        .by_state
        .keys()
        .map(String::as_str)
        .chain(std::iter::once("pooled"));
    for state in rows {
        let (a, b) = if state == "pooled" {
            (Some(&i.pooled), Some(&o.pooled))
        } else {
            (i.by_state.get(state), o.by_state.get(state))
        };
        for p in Patron::ALL {
            let cell = |st: Option<&[Stats; 3]>| match st {
                Some(st) => {
                    let st = &st[p.index()];
                    format!(
                        "r {:>5}  rmse {:>5}  n {:>2}",
                        opt(st.change_corr, 2),
                        opt(st.rmse, 3),
                        st.n_years
                    )
                }
                None => "—".to_string(),
            };
            s.push_str(&format!(
                "{:<6} {:<7} {:>24}   {:>24}\n",
                state,
                p.code(),
                cell(a),
                cell(b)
            ));
        }
    }
    let reproduced = c.turns.iter().filter(|t| t.reproduced).count();
    s.push_str(&format!(
        "\nTurns in the votes (two-session change > 0.08): {reproduced} of {} reproduced by the model within a year\n",
        c.turns.len()
    ));
    for t in &c.turns {
        s.push_str(&format!(
            "  {} {} {} {:<6} votes {}  model {:>7}  {}\n",
            t.state,
            t.patron.code(),
            t.year,
            t.direction.name(),
            fixed(t.observed_change, 3, true),
            t.model_change
                .map_or("—".to_string(), |v| fixed(v, 3, true)),
            if t.reproduced { "yes" } else { "NO" }
        ));
    }
    s
}

/// The dated lines of a scorecard as a table: the model's median date and 5–95 % range over
/// runs, the historical date, the error in months and the tolerance. Empty without dated lines.
pub fn dated_text(lines: &[Line]) -> String {
    let dated: Vec<(&Line, &crate::runs::scorecard::Timing)> = lines
        .iter()
        .filter_map(|l| l.timing.as_ref().map(|t| (l, t)))
        .collect();
    if dated.is_empty() {
        return String::new();
    }
    let d = |x: Option<crate::date::YearMonth>| x.map_or("never".to_string(), |x| x.to_string());
    let mut o = String::from(
        "Dated facts: when the model first produces each outcome (median over the runs in which it \
         happens, 5-95 % range), against the historical date\n\n",
    );
    o.push_str(&format!(
        "{:<24} {:>8}  {:<19} {:>8}  {:>7}  {:>5}  {:<6}\n",
        "outcome", "model", "5-95 %", "history", "error", "tol.", "result"
    ));
    let counterfactuals = dated.iter().any(|(l, _)| l.without.is_some());
    for (l, t) in dated {
        // A counterfactual's row is marked: its outcome id is also a row of the record's.
        let mark = if l.without.is_some() { " (cf.)" } else { "" };
        let room = 24 - mark.len();
        let mut id = l.outcome.clone();
        if id.chars().count() > room {
            id = id.chars().take(room - 1).collect::<String>() + "~";
        }
        let id = format!("{id}{mark}");
        o.push_str(&format!(
            "{:<24} {:>8}  {:<19} {:>8}  {:>7}  {:>5}  {:<6}\n",
            id,
            d(t.median),
            format!("{} to {}", d(t.p5), d(t.p95)),
            t.history.date.to_string(),
            t.error_months()
                .map_or("-".to_string(), |e| format!("{e:+} mo")),
            format!("±{}", t.history.tolerance_months),
            if l.pass { "pass" } else { "FAIL" }
        ));
    }
    if counterfactuals {
        o.push_str(
            "\n(cf.): in the counterfactual of its scorecard line above; it passes when, without those events, the outcome does not come within the tolerance of the historical date\n",
        );
    }
    o
}

/// The ablation table for the terminal: one row per scorecard line, one column per channel,
/// each cell the share of runs in which the line holds with that channel off (`x` marks a
/// failing line), then the lines that neither a channel nor a passing counterfactual line on
/// the same outcome breaks (counterfactual lines themselves test their removed events).
pub fn ablations_text(baseline: &[Line], ablations: &[Ablation]) -> String {
    let mut s = String::from(
        "Ablations: share of runs in which each line holds with one channel switched off (x: fails)\n\n",
    );
    s.push_str(&format!("{:<4} {:<40} {:>6}", "#", "line", "all on"));
    for (k, _) in ablations.iter().enumerate() {
        s.push_str(&format!(" {:>5}", format!("c{}", k + 1)));
    }
    s.push('\n');
    let mut unbroken = Vec::new();
    for (j, l) in baseline.iter().enumerate() {
        let mut label = match &l.without {
            Some(w) => format!("{} {} (without {w})", l.fact, l.outcome),
            None => format!("{} {}", l.fact, l.outcome),
        };
        // A long label gets a line of its own, the numbers on the next: wrapped, never cut.
        if label.chars().count() > 40 {
            label = format!("{label}\n{:<45}", "");
            s.push_str(&format!("{:<4} {label}", j + 1));
        } else {
            s.push_str(&format!("{:<4} {label:<40}", j + 1));
        }
        s.push_str(&format!(
            " {:>5}{}",
            percent(l.share),
            if l.pass { " " } else { "x" }
        ));
        let mut broken = false;
        for a in ablations {
            let x = &a.lines[j];
            broken |= !x.pass;
            s.push_str(&format!(
                " {:>4}{}",
                percent(x.share),
                if x.pass { " " } else { "x" }
            ));
        }
        s.push('\n');
        // A counterfactual line is itself the test of its removed cause; a line whose outcome a
        // passing counterfactual line makes fail has its cause shown there.
        let counterfactual_breaks = baseline.iter().any(|c| {
            c.without.is_some() && c.expect == "fails" && c.outcome == l.outcome && c.pass
        });
        if !broken && l.without.is_none() && !counterfactual_breaks {
            unbroken.push(j + 1);
        }
    }
    s.push_str("\nChannels:\n");
    for (k, a) in ablations.iter().enumerate() {
        s.push_str(&format!(
            "  c{:<2} {:<18} {}\n",
            k + 1,
            a.channel.name,
            a.channel.what
        ));
    }
    if unbroken.is_empty() {
        s.push_str(
            "\nEvery line fails with at least one channel switched off or has a counterfactual line that makes it fail.\n",
        );
    } else {
        s.push_str(&format!(
            "\nLines no channel and no counterfactual line breaks (not evidence for any mechanism): {}\n",
            unbroken
                .iter()
                .map(|j| j.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn a_rare_decision_is_not_zero_percent() {
        assert_eq!(percent(1.0 / 200.0), "1");
        assert_eq!(percent(1.0 / 1000.0), "<1");
        assert_eq!(percent(0.0), "0");
        assert_eq!(percent(1.0), "100");
    }
}

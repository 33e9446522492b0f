//! The class kit of `simulate class`: docs/teaching.md's three exercises as one report
//! (`report.html`: every number and chart the exercises ask students to find) and a printable
//! worksheet (`worksheet.html`: the questions with room to answer, then the answer key on its own
//! printed page). Every number in them comes from [`Answers`], which the binary computes by
//! running the commands the exercises name; none is typed by hand.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Section, inline_svg, page as shell};
use crate::output::text::{percent, xml_escape as esc};
use crate::plot::Chart;
use crate::runs::ensemble::Spread;

/// Exercise (a): the credit sweep.
#[derive(Clone, Debug, Serialize)]
pub struct CreditSweep {
    /// The command that gives these numbers.
    pub command: String,
    /// Per credit (bn USD): the shares of runs with an order to close in 2009, a reversal in
    /// 2009 and the US leaving in 2014 (`sweep.csv`'s `p_manas_ordered_2009`,
    /// `p_manas_reversal_2009`, `p_manas_closed_2014`).
    pub rows: Vec<(f64, [f64; 3])>,
    /// The smallest credit at which the order comes in at least half the runs.
    pub even_chance: Option<f64>,
    /// The smallest credit, at or above `even_chance`, at which the reversal comes in fewer
    /// than half the runs: the US can no longer buy the base back.
    pub no_buyback: Option<f64>,
    /// Below the threshold: the largest credit swept under `even_chance` at which the reversal
    /// comes in at least half the runs and the order in under a tenth, and what Kyrgyzstan and
    /// the US decide about Manas in 2009 in the first run at that credit (the event log's words).
    pub below: Option<(f64, Vec<String>)>,
}

/// Exercise (b): one lens's scorecard.
#[derive(Clone, Debug, Serialize)]
pub struct LensScore {
    /// The lens.
    pub lens: String,
    /// Lines that pass.
    pub passes: usize,
    /// Lines scored.
    pub lines: usize,
    /// Whether "Kyrgyzstan orders Manas closed in 2009" passes under it.
    pub manas_2009: bool,
    /// The share of runs in which Kyrgyzstan orders Manas closed in 2009 under it.
    pub manas_2009_share: f64,
}

/// Exercise (c): one ensemble of ufa2015.
#[derive(Clone, Debug, Serialize)]
pub struct IranRun {
    /// The command that gives these numbers.
    pub command: String,
    /// Share of runs in which a summit approves Iran's accession.
    pub iran_approved: f64,
    /// Share of runs in which Iran becomes a full member.
    pub iran_member: f64,
    /// SCO cohesion at the start.
    pub cohesion_start: f64,
    /// SCO cohesion at the end: mean and 5–95 % range across runs.
    pub cohesion_end: Spread,
    /// The members that veto Iran alone, with the share of runs in which each does at least
    /// once.
    pub iran_vetoed_by: Vec<(String, f64)>,
}

/// Every number of the worksheet's answer key.
#[derive(Clone, Debug, Serialize)]
pub struct Answers {
    /// The version of `simulate` that computed them.
    pub tool: String,
    /// Exercise (a).
    pub credit: CreditSweep,
    /// Exercise (b): the command, then each lens's scorecard.
    pub lenses_command: String,
    /// Exercise (b).
    pub lenses: Vec<LensScore>,
    /// Exercise (b): groups of lenses that pass exactly the same lines, each with the first
    /// facts (state, patron, date, mean share under the first two lenses of the group) on which
    /// the first two of the group disagree most.
    pub same_lines: Vec<(Vec<String>, Vec<String>)>,
    /// Exercise (c): with and without Iran's application, under the default consensus and
    /// under a softer one (`enlargement.veto_threshold=-0.05`).
    pub iran: Vec<IranRun>,
}

impl Answers {
    /// As pretty JSON (`answers.json`).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

fn pct(x: f64) -> String {
    format!("{} %", percent(x))
}

fn bn(x: Option<f64>) -> String {
    x.map_or("none in the range swept".to_string(), |v| format!("${v}bn"))
}

/// The table of exercise (a).
fn credit_table(a: &CreditSweep) -> String {
    let mut o = String::from(
        "<table>\n<tr><th>credit ($bn)</th><th>order to close in 2009</th>\
         <th>reversal in 2009</th><th>US leaves in 2014</th></tr>\n",
    );
    for (credit, p) in &a.rows {
        let _ = writeln!(
            o,
            "<tr><td>{credit}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            pct(p[0]),
            pct(p[1]),
            pct(p[2])
        );
    }
    o.push_str("</table>\n");
    o
}

fn lens_table(lenses: &[LensScore]) -> String {
    let mut o = String::from(
        "<table>\n<tr><th>lens</th><th>lines that pass</th><th>runs in which KGZ orders Manas \
         closed in 2009 (the line: pass or FAIL)</th></tr>\n",
    );
    for l in lenses {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{} of {}</td><td>{} ({})</td></tr>",
            esc(&l.lens),
            l.passes,
            l.lines,
            pct(l.manas_2009_share),
            super::verdict(l.manas_2009)
        );
    }
    o.push_str("</table>\n");
    o
}

fn iran_table(runs: &[IranRun]) -> String {
    let mut o = String::from(
        "<table>\n<tr><th>command</th><th>summit approves IRN</th><th>IRN a full member</th>\
         <th>SCO cohesion, start → end [5–95 %]</th></tr>\n",
    );
    for r in runs {
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{:.3} → {:.3} [{:.3}–{:.3}]</td></tr>",
            esc(&r.command),
            pct(r.iran_approved),
            pct(r.iran_member),
            r.cohesion_start,
            r.cohesion_end.mean,
            r.cohesion_end.p5,
            r.cohesion_end.p95
        );
    }
    o.push_str("</table>\n");
    o
}

/// Question (a) 3: what Kyrgyzstan does below the threshold, in the log's words.
fn below_text(a: &CreditSweep) -> String {
    let Some((credit, decisions)) = &a.below else {
        return String::new();
    };
    let mut o = format!(
        "<p>Below the threshold, at ${credit}bn (the first run, <code>--set \
         events.rus_credit_2009.amount_bn={credit}</code>), Kyrgyzstan's and the US's decisions on \
         Manas in 2009:</p>\n<ul>\n"
    );
    for d in decisions {
        let _ = writeln!(o, "<li><code>{}</code></li>", esc(d));
    }
    o.push_str(
        "</ul>\n<p>Announcing that the lease will not be renewed breaks nothing; an order to \
         close before the lease ends costs the host the breach of the lease \
         (<code>bases.breach_cost</code>), which only a larger credit outweighs.</p>\n",
    );
    o
}

/// Question (b) 3: the lenses that pass the same lines and what separates them.
fn same_lines_text(groups: &[(Vec<String>, Vec<String>)]) -> String {
    if groups.is_empty() {
        return "<p>No two lenses pass exactly the same lines.</p>\n".to_string();
    }
    let mut o = String::new();
    for (lenses, facts) in groups {
        let _ = writeln!(
            o,
            "<p>{} pass exactly the same lines. What separates them (the largest differences in \
             mean share):</p>\n<ul>",
            esc(&lenses.join(", "))
        );
        for f in facts {
            let _ = writeln!(o, "<li>{}</li>", esc(f));
        }
        o.push_str("</ul>\n");
    }
    o
}

/// Question (c) 1: who vetoes Iran, under the default consensus.
fn vetoes_text(runs: &[IranRun]) -> String {
    let Some(first) = runs.first() else {
        return String::new();
    };
    if first.iran_vetoed_by.is_empty() {
        return "<p>No member vetoes Iran alone under the default consensus.</p>\n".to_string();
    }
    let who: Vec<String> = first
        .iran_vetoed_by
        .iter()
        .map(|(id, share)| format!("{} (in {} of the runs)", esc(id), pct(*share)))
        .collect();
    format!(
        "<p>Under the default consensus Iran alone is vetoed by {}.</p>\n",
        who.join(", ")
    )
}

/// Print styles of the worksheet: room to write, the key on its own page.
const PRINT_CSS: &str = "<style>\npre { white-space: pre-wrap; overflow-wrap: anywhere; }\n.answer { border-bottom: 1px solid #999; height: 2.2em; }\n\
.q { margin: 1.2em 0 .4em; }\n.key { break-before: page; page-break-before: always; }\n\
@media print { @page { size: A4; margin: 18mm; } body { font-size: 11pt; } \
.answer { height: 2.6em; } a { color: inherit; text-decoration: none; } }\n</style>\n";

fn questions(n: &[&str]) -> String {
    let mut o = String::new();
    for (k, q) in n.iter().enumerate() {
        let _ = writeln!(
            o,
            "<p class=\"q\">{}. {}</p>\n<div class=\"answer\"></div>\n<div class=\"answer\"></div>",
            k + 1,
            esc(q)
        );
    }
    o
}

/// The worksheet (`worksheet.html`): for each exercise its question, the command to type and
/// questions with lines to answer on; then the answer key, computed.
pub fn worksheet(a: &Answers) -> String {
    let ex_a = format!(
        "<p>Russia offered Kyrgyzstan about $2bn in February 2009. How large must the credit be \
         before Kyrgyzstan orders the US out of the Manas air base?</p>\n<pre>{}</pre>\n{}",
        esc(&a.credit.command),
        questions(&[
            "From what credit does Kyrgyzstan order Manas closed in at least half the runs?",
            "From what credit can the US no longer buy the base back (the reversal comes in fewer than half the runs)?",
            "Below the threshold, what does Kyrgyzstan do instead of an order, and why (hint: the breach cost)?",
        ])
    );
    let ex_b = format!(
        "<p>The same replay under eight theories of alignment. Which theory explains why Kyrgyzstan \
         closed Manas? Which facts can the theories not tell apart?</p>\n<pre>{}</pre>\n{}",
        esc(&a.lenses_command),
        questions(&[
            "How many of the replay's lines does each lens pass? Which lens passes most?",
            "Under which lenses does Kyrgyzstan order Manas closed in 2009?",
            "Which two lenses pass the same lines, and what fact would separate them?",
        ])
    );
    let cmds: String = a
        .iran
        .iter()
        .map(|r| format!("{}\n", esc(&r.command)))
        .collect();
    let ex_c = format!(
        "<p>Iran applies to join the SCO in April 2016. Does it get in, and what happens to the \
         SCO's cohesion if it does?</p>\n<pre>{cmds}</pre>\n{}",
        questions(&[
            "In what share of runs is Iran admitted under the default consensus? Who vetoes it?",
            "With the softer consensus (veto threshold -0.05), in what share of runs does Iran become a member?",
            "With the softer consensus, where does SCO cohesion end with Iran's application and without it? Does the difference matter, given the ranges?",
        ])
    );
    let key = format!(
        "<div class=\"key\">\n<h2>Answer key</h2>\n<p>Computed by {} when this worksheet was \
         built, by running the commands above; the same commands give the same numbers on any \
         computer.</p>\n<h3>(a) The price of an eviction</h3>\n<p>An even chance of the order \
         from <strong>{}</strong>; the US can no longer buy the base back from <strong>{}</strong> \
         (to the sweep's step of $0.25bn).</p>\n{}{}\
         <h3>(b) Eight theories, one history</h3>\n{}{}<h3>(c) Iran in the SCO</h3>\n{}{}</div>\n",
        esc(&a.tool),
        bn(a.credit.even_chance),
        bn(a.credit.no_buyback),
        below_text(&a.credit),
        credit_table(&a.credit),
        lens_table(&a.lenses),
        same_lines_text(&a.same_lines),
        vetoes_text(&a.iran),
        iran_table(&a.iran)
    );
    let sections = [
        Section {
            id: "a".into(),
            title: "(a) The price of an eviction".into(),
            html: ex_a,
        },
        Section {
            id: "b".into(),
            title: "(b) Eight theories, one history".into(),
            html: ex_b,
        },
        Section {
            id: "c".into(),
            title: "(c) Iran in the SCO".into(),
            html: format!("{ex_c}{key}"),
        },
    ];
    let page = shell(
        "Worksheet: soft balancing in Central Asia",
        "Worksheet: soft balancing in Central Asia",
        "Three exercises of docs/teaching.md, about 20-25 minutes each. Name: ______________________",
        "Run each command, read its report, and answer on the lines.",
        &sections,
        &format!("simulate {}", crate::VERSION),
    );
    page.replacen("</head>", &format!("{PRINT_CSS}</head>"), 1)
}

/// The class report (`report.html`): every exercise's results on one page, with the credit
/// sweep's chart.
pub fn report(a: &Answers, charts: &[Chart]) -> String {
    let figures: String = charts
        .iter()
        .map(|c| {
            format!(
                "<figure>{}<figcaption>{}</figcaption></figure>\n",
                inline_svg(c),
                esc(&c.caption)
            )
        })
        .collect();
    let sections = [
        Section {
            id: "a".into(),
            title: "(a) The price of an eviction".into(),
            html: format!(
                "<pre>{}</pre>\n{figures}{}",
                esc(&a.credit.command),
                credit_table(&a.credit)
            ),
        },
        Section {
            id: "b".into(),
            title: "(b) Eight theories, one history".into(),
            html: format!(
                "<pre>{}</pre>\n{}",
                esc(&a.lenses_command),
                lens_table(&a.lenses)
            ),
        },
        Section {
            id: "c".into(),
            title: "(c) Iran in the SCO".into(),
            html: iran_table(&a.iran),
        },
    ];
    shell(
        "Class report: soft balancing in Central Asia",
        "Class report: soft balancing in Central Asia",
        "The results of docs/teaching.md's three exercises, computed by running their commands.",
        &a.tool,
        &sections,
        &format!("simulate {}", crate::VERSION),
    )
}

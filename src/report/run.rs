//! The page of a run (`simulate FILE`): parameters, summary, every chart, the event log.

use std::fmt::Write as _;

use super::{Section, inline_svg, open};
use crate::engine::record::{Indices, RunRecord, What};
use crate::output::log::{describe, is_decision};
use crate::output::summary::Summary;
use crate::output::text::percent;
use crate::output::text::xml_escape as esc;
use crate::params::Params;
use crate::plot::{Chart, PlotOptions, hex, patron_colors};
use crate::runs::ensemble::Spread;
use crate::scenario::Scenario;

/// The report page for one invocation. `charts` are embedded in the order given; `opts` says
/// which chart files were written next to the report, for the captions.
pub fn html(
    sc: &Scenario,
    summary: &Summary,
    runs: &[RunRecord],
    charts: &[Chart],
    opts: &PlotOptions,
) -> String {
    html_with(sc, summary, runs, charts, opts, &[])
}

/// [`html`] with `extra` sections (a validation scorecard, say) placed before the run's own.
pub fn html_with(
    sc: &Scenario,
    summary: &Summary,
    runs: &[RunRecord],
    charts: &[Chart],
    opts: &PlotOptions,
    extra: &[Section],
) -> String {
    let mut o = String::with_capacity(
        64 * 1024
            + charts.iter().map(|c| c.svg.len()).sum::<usize>()
            + extra.iter().map(|s| s.html.len()).sum::<usize>(),
    );
    let p = &summary.provenance;
    let multi = p.runs > 1;
    open(
        &mut o,
        &format!("{} — soft-balancing simulation report", sc.name),
    );
    let _ = write!(
        o,
        "<header>\n<h1>{}</h1>\n<p class=\"lede\">{}</p>\n<p class=\"meta\">{} to {} in steps of a {} · \
         seed {} · {} run{} · lens <code>{}</code> · {}</p>\n</header>\n",
        esc(&sc.name),
        esc(&sc.description),
        summary.start,
        summary.end,
        sc.period.name(),
        p.seed,
        p.runs,
        if multi { "s" } else { "" },
        esc(&p.lens),
        esc(&p.tool)
    );
    let extra_links: String = extra.iter().map(Section::nav).collect();
    let _ = writeln!(
        o,
        "<nav>{extra_links}<a href=\"#run\">Run and parameters</a><a href=\"#summary\">Summary</a>\
         <a href=\"#charts\">Charts</a><a href=\"#log\">Event log</a></nav>"
    );
    for s in extra {
        s.write(&mut o);
    }
    run_section(&mut o, summary);
    summary_section(&mut o, sc, summary);
    charts_section(&mut o, charts, opts);
    log_section(&mut o, sc, runs, multi);
    let _ = write!(
        o,
        "<footer>Written by {} from <code>{}</code> (SHA-256 <code>{}</code>). The same command \
         with the same scenario file and seed gives the same numbers.</footer>\n</body>\n</html>\n",
        esc(&p.tool),
        esc(&p.scenario_file),
        esc(&p.scenario_sha256)
    );
    o
}

fn run_section(o: &mut String, summary: &Summary) {
    let p = &summary.provenance;
    o.push_str("<section id=\"run\">\n<h2>Run and parameters</h2>\n<table>\n");
    let rows: [(&str, String); 6] = [
        (
            "Scenario file",
            format!("<code>{}</code>", esc(&p.scenario_file)),
        ),
        (
            "SHA-256",
            format!("<code>{}</code>", esc(&p.scenario_sha256)),
        ),
        (
            "Seed",
            format!(
                "{}{}",
                p.seed,
                if p.runs > 1 {
                    " (run r draws from stream r − 1 of this seed)"
                } else {
                    ""
                }
            ),
        ),
        ("Runs", p.runs.to_string()),
        (
            "Decision rule (lens)",
            format!("<code>{}</code>", esc(&p.lens)),
        ),
        (
            "Command",
            format!("<code>{}</code>", esc(&p.command.join(" "))),
        ),
    ];
    for (k, v) in rows {
        let _ = writeln!(o, "<tr><th>{k}</th><td>{v}</td></tr>");
    }
    let changes = if p.changes.is_empty() {
        "none".to_string()
    } else {
        p.changes
            .iter()
            .map(|c| format!("<code>{}</code>", esc(c)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let _ = writeln!(
        o,
        "<tr><th>Changes from the command line</th><td>{changes}</td></tr>\n</table>"
    );
    let specs = Params::specs();
    let differ = specs
        .iter()
        .filter(|s| p.params.get(s.key).is_some_and(|v| *v != s.default))
        .count();
    let _ = writeln!(
        o,
        "<details>\n<summary>All {} model parameters ({} differ from the defaults, highlighted)</summary>\n\
         <table>\n<tr><th>Key</th><th>Value</th><th>Default</th><th>Unit</th></tr>",
        p.params.len(),
        differ
    );
    for (key, value) in &p.params {
        let spec = specs.iter().find(|s| s.key == key);
        let (default, unit) = spec.map_or((String::new(), ""), |s| (num(s.default), s.unit));
        let changed = spec.is_some_and(|s| s.default != *value);
        let _ = writeln!(
            o,
            "<tr{}><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            if changed { " class=\"changed\"" } else { "" },
            esc(key),
            num(*value),
            default,
            esc(unit)
        );
    }
    o.push_str("</table>\n</details>\n</section>\n");
}

/// A number without trailing noise: up to 4 decimals.
fn num(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

fn spread(s: &Spread, multi: bool, digits: usize) -> String {
    if multi {
        format!(
            "{:.d$} <span class=\"note\">[{:.d$}–{:.d$}]</span>",
            s.mean,
            s.p5,
            s.p95,
            d = digits
        )
    } else {
        format!("{:.d$}", s.mean, d = digits)
    }
}

fn summary_section(o: &mut String, sc: &Scenario, summary: &Summary) {
    let multi = summary.provenance.runs > 1;
    let colors = patron_colors(sc);
    let ids: Vec<&str> = (0..sc.patrons.len()).map(|p| sc.patron_id(p)).collect();
    o.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n");
    let _ = writeln!(
        o,
        "<h3>Final alignment, {}</h3>\n<p class=\"note\">Share of each state's alignment toward each patron{}.</p>\n<table>\n<tr><th>State</th>",
        summary.end,
        if multi {
            ": mean across runs, with the 5–95 % range in brackets"
        } else {
            ""
        }
    );
    for (p, id) in ids.iter().enumerate() {
        let _ = write!(
            o,
            "<th><span class=\"swatch\" style=\"background:{}\"></span>{}</th>",
            hex(colors[p]),
            esc(id)
        );
    }
    o.push_str("<th>Balance</th></tr>\n");
    for f in &summary.final_alignment {
        let name = sc
            .actor_index(&f.actor)
            .map(|i| sc.actors[i].name.as_str())
            .unwrap_or("");
        let _ = write!(o, "<tr><td><b>{}</b> {}</td>", esc(&f.actor), esc(name));
        let mut bar = String::new();
        for (p, id) in ids.iter().enumerate() {
            let s = f.shares.get(*id).copied().unwrap_or_default();
            let _ = write!(o, "<td class=\"num\">{}</td>", spread(&s, multi, 2));
            let _ = write!(
                bar,
                "<span style=\"width:{:.1}%;background:{}\" title=\"{} {:.2}\"></span>",
                (s.mean * 100.0).clamp(0.0, 100.0),
                hex(colors[p]),
                esc(id),
                s.mean
            );
        }
        let _ = writeln!(o, "<td><div class=\"bar\">{bar}</div></td></tr>");
    }
    o.push_str("</table>\n");

    let _ = writeln!(
        o,
        "<h3>Regional indices</h3>\n<table>\n<tr><th>Index</th><th>{}</th><th>{}{}</th></tr>",
        summary.start,
        summary.end,
        if multi { " (mean [5–95 %])" } else { "" }
    );
    for name in Indices::NAMES {
        let start = summary.initial_indices.get(name).copied().unwrap_or(0.0);
        let end = summary.final_indices.get(name).copied().unwrap_or_default();
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"num\">{start:.3}</td><td class=\"num\">{}</td></tr>",
            esc(&index_label(sc, name)),
            spread(&end, multi, 3)
        );
    }
    o.push_str("</table>\n");

    let _ = writeln!(
        o,
        "<h3>Key decisions</h3>\n<p class=\"note\">Every decision a state or patron took{}; the scores that decided each are in the event log below.</p>",
        if multi {
            ", each time it was taken, with the share of runs in which it happened (that often, for a decision taken again; dates from run 1, or the first run where it happened)"
        } else {
            ""
        }
    );
    if summary.key_decisions.is_empty() {
        o.push_str("<p>None.</p>\n");
    } else {
        let _ = writeln!(
            o,
            "<table>\n<tr><th>Date</th><th>Actor</th><th>Kind</th><th>Decision</th>{}</tr>",
            if multi { "<th>Runs</th>" } else { "" }
        );
        for d in &summary.key_decisions {
            let share = if multi {
                format!("<td class=\"num\">{} %</td>", percent(d.share_of_runs))
            } else {
                String::new()
            };
            let _ = writeln!(
                o,
                "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td>{share}</tr>",
                esc(&d.date),
                esc(&d.actor),
                esc(&d.kind),
                esc(&d.decision)
            );
        }
        o.push_str("</table>\n");
    }
    o.push_str("</section>\n");
}

/// A reader's name for an index column.
fn index_label(sc: &Scenario, name: &str) -> String {
    let lead = sc.patron_id(sc.leading);
    let bal: Vec<&str> = sc.balancers.iter().map(|&p| sc.patron_id(p)).collect();
    match name {
        "us_influence" => format!("{lead} influence in the region (mean share toward {lead})"),
        "rus_chn_partnership" => format!("{} partnership", bal.join("–")),
        "sco_cohesion" => "SCO cohesion".to_string(),
        "soft_balancing" => format!("Soft-balancing index: partnership × (1 − {lead} influence)"),
        other => other.to_string(),
    }
}

fn charts_section(o: &mut String, charts: &[Chart], opts: &PlotOptions) {
    o.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
    if charts.is_empty() {
        o.push_str("<p>No charts: the run recorded no dates.</p>\n");
    } else {
        o.push_str("<ul class=\"toc\">\n");
        for c in charts {
            let _ = writeln!(
                o,
                "<li><a href=\"#chart-{}\">{}</a></li>",
                esc(&c.name),
                esc(&c.title)
            );
        }
        o.push_str("</ul>\n");
    }
    for c in charts {
        let files: Vec<String> = c
            .files(opts)
            .into_iter()
            .map(|(name, _)| format!("<code>{}</code>", esc(&name)))
            .collect();
        let _ = writeln!(
            o,
            "<figure id=\"chart-{}\">\n{}\n<figcaption><b>{}.</b> {}{}</figcaption>\n</figure>",
            esc(&c.name),
            inline_svg(c),
            esc(&c.title),
            esc(&c.caption),
            if files.is_empty() {
                String::new()
            } else {
                format!(" File: {}.", files.join(", "))
            }
        );
    }
    o.push_str("</section>\n");
}

fn log_section(o: &mut String, sc: &Scenario, runs: &[RunRecord], multi: bool) {
    o.push_str("<section id=\"log\">\n<h2>Event log</h2>\n");
    let Some(rec) = runs.first() else {
        o.push_str("<p>No run.</p>\n</section>\n");
        return;
    };
    let decisions = rec
        .log
        .iter()
        .filter(|e| is_decision(e) && !is_outcome(&e.what))
        .count();
    let outcomes = rec.log.iter().filter(|e| is_outcome(&e.what)).count();
    let _ = writeln!(
        o,
        "<p class=\"note\">What happened{}, in date order: {} scripted events and shocks, {} \
         decisions, and {} outcomes that follow from earlier decisions (a base closing, deliveries \
         starting, an accession). A scored decision shows the scores that made it: the case for \
         what was done against the case for the alternative; an offer shows the amounts weighed. \
         Each year opens with the regional indices at its first date.</p>",
        if multi {
            " in run 1 (other runs differ where chance enters)"
        } else {
            ""
        },
        rec.log.len() - decisions - outcomes,
        decisions,
        outcomes
    );
    let mut log: Vec<_> = rec.log.iter().collect();
    log.sort_by_key(|e| e.date);
    let lead = sc.patron_id(sc.leading);
    let mut year = None;
    for e in log {
        if year != Some(e.date.year()) {
            if year.is_some() {
                o.push_str("</ol>\n");
            }
            year = Some(e.date.year());
            let _ = writeln!(o, "<h3>{}</h3>", e.date.year());
            if let Some(t) = rec.dates.iter().position(|d| d.year() == e.date.year()) {
                let v = rec.indices[t].values();
                let _ = writeln!(
                    o,
                    "<p class=\"year-state\">At {}: {lead} influence {:.3}, partnership {:.3}, \
                     SCO cohesion {:.3}, soft-balancing index {:.3}.</p>",
                    rec.dates[t],
                    v[0],
                    v[1],
                    v[2],
                    v[3],
                    lead = esc(lead),
                );
            }
            o.push_str("<ol class=\"log\">\n");
        }
        let (kind, text) = describe(sc, e);
        let outcome = is_outcome(&e.what);
        let decision = is_decision(e) && !outcome;
        let class = if decision {
            " decision"
        } else if outcome {
            " outcome"
        } else {
            ""
        };
        let _ = write!(
            o,
            "<li class=\"entry{class}\"><time>{}</time><span class=\"kind{class}\">{}</span>{}",
            e.date,
            esc(kind),
            esc(&text)
        );
        // Decisions of a kind not named above still show their scores when they have any;
        // outcomes that follow from earlier decisions (an accession, first deliveries) have none.
        let scored = e.score_for != 0.0 || e.score_against != 0.0;
        let names = score_names(&e.what).or(scored.then_some(("for", "against")));
        if let (true, Some((pro, con))) = (decision, names) {
            let _ = write!(
                o,
                "<span class=\"scores\">scores: {} <b>{:.3}</b> against {} <b>{:.3}</b> \
                 (margin {:+.3})</span>",
                esc(pro),
                e.score_for,
                esc(con),
                e.score_against,
                e.score_for - e.score_against
            );
        }
        o.push_str("</li>\n");
    }
    if year.is_some() {
        o.push_str("</ol>\n");
    } else {
        o.push_str("<p>Nothing happened.</p>\n");
    }
    o.push_str("</section>\n");
}

/// Whether a log entry records the consequence of an earlier decision rather than a choice.
fn is_outcome(what: &What) -> bool {
    matches!(
        what,
        What::BaseClosed(_) | What::DealFlowing(_) | What::Accession | What::LoanCompleted(_)
    )
}

/// What a decision's two scores measure, for the entries where they decide it.
fn score_names(what: &What) -> Option<(&'static str, &'static str)> {
    match what {
        What::ClosureOrdered(_) | What::NonRenewal(_) | What::BaseRefused(_) => {
            Some(("evicting", "keeping"))
        }
        What::ClosureReversed(_)
        | What::NonRenewalWithdrawn(_)
        | What::LeaseRenewed(_)
        | What::BaseOpened(_) => Some(("keeping", "evicting")),
        What::LoanAccepted(_) | What::LoanDeclined(_) => Some(("the gain", "the cost")),
        What::DealSigned(_) => Some(("the buyer's maximum price", "the supplier's minimum")),
        What::Admitted => Some(("the lowest member's value", "the veto threshold")),
        What::CandidateVetoed(_) => Some(("the vetoer's value", "the veto threshold")),
        What::PatronCredit { .. } | What::PatronGrant(_) => {
            Some(("the patron's expected value", "its expected cost"))
        }
        What::PatronRent(_) => Some(("the surplus it expects to save", "the extra rent")),
        What::PatronAsks(_) => Some(("the expected chance of yes", "the chance it needs")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_drop_trailing_zeros() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(0.25), "0.25");
        assert_eq!(num(-0.00001), "0");
        assert_eq!(num(1.23456), "1.2346");
    }

    /// Regression: the leading power's id was written unescaped into the event log's yearly
    /// lines. Ids are now restricted at load, so the id is forced in after validation here:
    /// the page must escape every string it takes from the scenario whatever validation allows.
    #[test]
    fn every_scenario_string_is_escaped_even_when_validation_is_bypassed() {
        let text = include_str!("../../tests/scenarios/base.toml");
        let mut sc = crate::scenario::validate::parse(std::path::Path::new("t.toml"), text)
            .expect("valid scenario");
        let lead = sc.patrons[sc.leading];
        sc.actors[lead].id = "<i>lead</i>".into();
        sc.actors[lead].name = "<i>name</i>".into();
        sc.name = "<i>scenario</i>".into();
        sc.description = "<i>description</i>".into();
        let prm = sc.params.clone();
        let recs = crate::runs::ensemble::run_many(&sc, &prm, 1, 1, 1).expect("one thread");
        let summary = Summary::new(&sc, &prm, &recs, 1, Vec::new(), Vec::new());
        let page = html(&sc, &summary, &recs, &[], &PlotOptions::default());
        assert!(page.contains("&lt;i&gt;lead&lt;/i&gt;"));
        assert!(!page.contains("<i>"), "unescaped scenario text in the page");
    }
}

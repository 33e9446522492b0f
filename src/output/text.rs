//! Text for people: each log entry told in words ([`describe`]), and escaping for XML and HTML.

use crate::engine::record::{LogEntry, What};
use crate::runs::ablation::Ablation;
use crate::runs::compare::Comparison;
use crate::runs::scorecard::Line;
use crate::runs::unvote::{Patron, Stats, VoteCheck};
use crate::scenario::{Condition, EventKind, Role, Scenario};

/// A short category and a sentence for a log entry, e.g. ("base", "KGZ orders Manas closed:
/// evict 0.25 > keep 0.05").
pub fn describe(sc: &Scenario, e: &LogEntry) -> (&'static str, String) {
    let actor = |i: usize| sc.actors[i].id.as_str();
    let base = |b: usize| sc.bases[b].name.as_str();
    let loan = |l: usize| sc.loans[l].id.as_str();
    let patron = |p: usize| sc.patron_id(p);
    let a = actor(e.actor);
    match e.what {
        What::Scripted(i) => ("event", describe_event(sc, i, e.value)),
        What::RandomTerror => (
            "shock",
            format!("random terror attack in {a} (threat +{:.2})", e.value),
        ),
        What::RandomRegimeChange => (
            "shock",
            format!("random regime change in {a}: a new leader with new leanings"),
        ),
        What::RandomBacklash(p) => (
            "shock",
            format!("nationalist backlash in {a} against {}", patron(p)),
        ),
        What::ClosureOrdered(b) => (
            "base",
            format!(
                "{a} orders {} closed: evict {:.3} > keep {:.3}",
                base(b),
                e.score_for,
                e.score_against
            ),
        ),
        What::NonRenewal(b) => (
            "base",
            format!(
                "{a} will not renew the lease of {}: evict {:.3} > keep {:.3}",
                base(b),
                e.score_for,
                e.score_against
            ),
        ),
        What::ClosureReversed(b) => (
            "base",
            format!(
                "{a} reverses its order to close {}: keep {:.3} > evict {:.3}",
                base(b),
                e.score_for,
                e.score_against
            ),
        ),
        What::LeaseRenewed(b) => (
            "base",
            format!(
                "{a} renews the lease of {}: keep {:.3} >= evict {:.3}",
                base(b),
                e.score_for,
                e.score_against
            ),
        ),
        What::CounterOffer(b) => (
            "base",
            format!(
                "{a} raises its offer for {} to ${:.1}m a year (rent plus tied aid)",
                base(b),
                e.value
            ),
        ),
        What::NoCounterOffer(b) => (
            "base",
            format!(
                "{a} will not match: keeping {} would take ${:.1}m a year, more than its worth ${:.1}m",
                base(b),
                e.value,
                sc.bases[b].worth_musd
            ),
        ),
        What::BaseOpened(b) => (
            "base",
            format!(
                "{a} lets {} open {}: keep {:.3} > evict {:.3}",
                actor(sc.bases[b].user),
                base(b),
                e.score_for,
                e.score_against
            ),
        ),
        What::BaseRefused(b) => (
            "base",
            format!(
                "{a} turns down {}'s request for {}: evict {:.3} >= keep {:.3}",
                actor(sc.bases[b].user),
                base(b),
                e.score_for,
                e.score_against
            ),
        ),
        What::BaseClosed(b) => (
            "base",
            format!("{} closes; {} leaves {a}", base(b), actor(sc.bases[b].user)),
        ),
        What::LoanAccepted(l) => ("loan", loan_decision(sc, e, l, "takes", ">")),
        What::LoanDeclined(l) => ("loan", loan_decision(sc, e, l, "declines", "<=")),
        What::LoanWithdrawn(l) => (
            "loan",
            format!(
                "{a} withdraws the part of {} still held back (${:.2}bn)",
                loan(l),
                e.value
            ),
        ),
        What::LoanCompleted(l) => (
            "loan",
            format!("{a} receives the rest of {} (${:.2}bn)", loan(l), e.value),
        ),
        What::DealSigned(d) => (
            "energy",
            format!(
                "{a} and {} sign {} at ${:.0}: buyer's max {:.0} >= supplier's min {:.0}",
                actor(sc.deals[d].buyer),
                sc.deals[d].id,
                e.value,
                e.score_for,
                e.score_against
            ),
        ),
        What::DealFlowing(d) => (
            "energy",
            format!(
                "deliveries start under {} ({:.1} bcm/y to {})",
                sc.deals[d].id,
                e.value,
                actor(sc.deals[d].buyer)
            ),
        ),
        What::Admitted => (
            "sco",
            format!(
                "SCO summit approves {a}'s accession in a package of {}: every member values it >= {:.2} (lowest {:.3})",
                e.value as usize, e.score_against, e.score_for
            ),
        ),
        What::CandidateVetoed(c) => (
            "sco",
            format!(
                "{} alone is vetoed by {a}: value {:.3} < {:.2}",
                actor(c),
                e.score_for,
                e.score_against
            ),
        ),
        What::Accession => ("sco", format!("{a} becomes a full SCO member")),
        What::CstoDeploys(s) => (
            "security",
            format!(
                "{a} deploys CSTO forces to protect the regime in {} (unrest severity {:.2})",
                actor(s),
                e.value
            ),
        ),
        What::NotEligible => (
            "sco",
            format!(
                "{a} is not considered for SCO membership: it is under UN Security Council sanctions"
            ),
        ),
        What::PatronCredit { loan: l, base: b } => (
            "strategy",
            format!(
                "{a} offers {} ${:.2}bn credit{} through {}: expected value ${:.3}bn > expected cost ${:.3}bn",
                actor(sc.loans[l].borrower),
                e.value,
                b.map_or(String::new(), |b| format!(
                    " conditional on closing {}",
                    base(b)
                )),
                loan(l),
                e.score_for,
                e.score_against
            ),
        ),
        What::PatronGrant(s) => (
            "strategy",
            format!(
                "{a} gives {} a ${:.3}bn grant: expected value ${:.3}bn > cost ${:.3}bn",
                actor(s),
                e.value,
                e.score_for,
                e.score_against
            ),
        ),
        What::PatronRent(b) => (
            "strategy",
            format!(
                "{a} raises its offer for {} to ${:.1}m a year before {} decides: expected surplus saved ${:.1}m > extra rent ${:.1}m",
                base(b),
                e.value,
                actor(sc.bases[b].host),
                e.score_for,
                e.score_against
            ),
        ),
        What::PatronAsks(b) => (
            "strategy",
            format!(
                "{a} asks {} to let it open {} at ${:.1}m a year: expected chance of yes {:.2} > {:.2}",
                actor(sc.bases[b].host),
                base(b),
                e.value,
                e.score_for,
                e.score_against
            ),
        ),
    }
}

/// "KGZ takes rus_credit_2009 from RUS ($2.00bn): gain 0.33 > cost 0.00" (or declines).
fn loan_decision(sc: &Scenario, e: &LogEntry, l: usize, verb: &str, cmp: &str) -> String {
    format!(
        "{} {verb} {} from {} (${:.2}bn): gain {:.3} {cmp} cost {:.3}",
        sc.actors[e.actor].id,
        sc.loans[l].id,
        sc.actors[sc.loans[l].lender].id,
        e.value,
        e.score_for,
        e.score_against
    )
}

fn describe_event(sc: &Scenario, i: usize, value: f64) -> String {
    let ev = &sc.events[i];
    let actor = |i: usize| sc.actors[i].id.as_str();
    let text = match &ev.kind {
        EventKind::LoanOffer {
            loan,
            amount_bn,
            grant_bn,
            condition,
            ..
        } => {
            let info = &sc.loans[*loan];
            let cond = match condition {
                Condition::None => String::new(),
                Condition::CloseBase(b) => format!(" conditional on closing {}", sc.bases[*b].name),
                Condition::JoinEeu => " conditional on joining the EEU".to_string(),
            };
            let grant = if *grant_bn > 0.0 {
                format!(" plus a ${grant_bn:.2}bn grant")
            } else {
                String::new()
            };
            format!(
                "{} offers {} ${amount_bn:.2}bn credit{grant}{cond}",
                actor(info.lender),
                actor(info.borrower)
            )
        }
        EventKind::RentOffer { base, .. } => {
            format!(
                "{} offers ${value:.1}m a year for {}",
                actor(sc.bases[*base].user),
                sc.bases[*base].name
            )
        }
        EventKind::DebtRelief { loan, .. } => format!(
            "{} writes off ${value:.2}bn of {} owed by {}",
            actor(sc.loans[*loan].lender),
            sc.loans[*loan].id,
            actor(sc.loans[*loan].borrower)
        ),
        EventKind::Aid {
            donor,
            recipient,
            amount_bn,
        } => {
            format!(
                "{} sets aid to {} at ${amount_bn:.2}bn a year",
                sc.patron_id(*donor),
                actor(*recipient)
            )
        }
        EventKind::Sanctions {
            by,
            target,
            severity,
        } => {
            format!(
                "{} sanctions {} (severity {severity:.2})",
                actor(*by),
                actor(*target)
            )
        }
        EventKind::RegimeChange {
            actor: a, leaning, ..
        } => {
            let l: Vec<String> = leaning
                .iter()
                .enumerate()
                .map(|(p, x)| format!("{} {x:+.2}", sc.patron_id(p)))
                .collect();
            format!(
                "regime change in {}: new leader leaning {}",
                actor(*a),
                l.join(", ")
            )
        }
        EventKind::DemocracyPromotion {
            by,
            target,
            intensity,
        } => {
            format!(
                "{} presses {} on democracy (intensity {intensity:.2})",
                actor(*by),
                actor(*target)
            )
        }
        EventKind::Exercise { participants } => {
            let p: Vec<&str> = participants.iter().map(|&i| actor(i)).collect();
            format!("joint exercise: {}", p.join(", "))
        }
        EventKind::Terror { actor: a, severity } => {
            format!("terror attack in {} (threat +{severity:.2})", actor(*a))
        }
        EventKind::Declaration { base_pressure } => {
            format!("SCO declaration against foreign bases (pressure +{base_pressure:.2})")
        }
        EventKind::TradeGrowth {
            state,
            patron,
            rate,
        } => {
            format!(
                "trade between {} and {} now grows {:.1}% a year",
                actor(*state),
                sc.patron_id(*patron),
                rate * 100.0
            )
        }
        EventKind::Backlash {
            actor: a,
            against,
            severity,
        } => {
            format!(
                "backlash in {} against {} (+{severity:.2})",
                actor(*a),
                sc.patron_id(*against)
            )
        }
        EventKind::Application { actor: a } => format!("{} applies for SCO membership", actor(*a)),
        EventKind::BaseRequest { base } => format!(
            "{} asks {} to host {} (${value:.1}m a year)",
            actor(sc.bases[*base].user),
            actor(sc.bases[*base].host),
            sc.bases[*base].name
        ),
        EventKind::RemittanceShock { patron, state, .. } => format!(
            "remittances from {} to {} change by a factor of {value:.2}",
            sc.patron_id(*patron),
            state.map_or("every state", |s| actor(s))
        ),
        EventKind::EnergyPrice { deal, .. } => {
            format!("new price positions in talks on {}", sc.deals[*deal].id)
        }
        EventKind::UseOfForce { by, target, .. } => format!(
            "{} uses force against {} (severity {value:.2}): the threat it poses rises everywhere, most for its neighbours and states with its minorities",
            sc.patron_id(*by),
            actor(*target)
        ),
        EventKind::SecondarySanctions { by, target, .. } => format!(
            "{} threatens third states dealing with {} (secondary sanctions, severity {value:.2})",
            actor(*by),
            sc.patron_id(*target)
        ),
        EventKind::Unrest { actor: a, .. } => {
            format!(
                "unrest threatens the regime in {} (severity {value:.2})",
                actor(*a)
            )
        }
        EventKind::NormsChange { patron, .. } => format!(
            "{} changes its norms: non-interference now {value:.2}",
            sc.patron_id(*patron)
        ),
        EventKind::UnSanctions { actor: a, lifted } => format!(
            "UN Security Council sanctions on {} {}",
            actor(*a),
            if *lifted { "lifted" } else { "imposed" }
        ),
    };
    match &ev.note {
        Some(note) => format!("{text} [{note}]"),
        None => text,
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

/// Whether a log entry is a decision (as opposed to an event or shock that happened).
pub fn is_decision(e: &LogEntry) -> bool {
    !matches!(
        e.what,
        What::Scripted(_) | What::RandomTerror | What::RandomRegimeChange | What::RandomBacklash(_)
    )
}

/// Escapes text for XML and HTML content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The comparison of lenses as a terminal table.
impl Comparison {
    /// The side-by-side table printed by `simulate compare`.
    pub fn text(&self, sc: &Scenario) -> String {
        let np = sc.patrons.len();
        let ids: Vec<&str> = (0..np).map(|p| sc.patron_id(p)).collect();
        // Columns as wide as the longest lens name: names are never cut.
        let longest = self
            .lenses
            .iter()
            .map(|l| l.lens.name().len())
            .max()
            .unwrap_or(0);
        let width = (5 * np + 2).max(longest + 2);
        let mut s = format!(
            "Final alignment by lens: mean share toward {} across {} runs\n\n{:<6}",
            ids.join(" / "),
            self.runs,
            "state"
        );
        for l in &self.lenses {
            s.push_str(&format!("{:>width$}", l.lens.name()));
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
            let label_of = |c: &crate::runs::scorecard::Line| match &c.without {
                Some(w) => format!("{} {} (without {w})", c.fact, c.outcome),
                None => format!("{} {}", c.fact, c.outcome),
            };
            let labels: Vec<String> = self.lenses[0].scorecard.iter().map(label_of).collect();
            // The label column fits the labels up to 48 characters; a longer label gets a line
            // of its own, its numbers on the next (wrapped, never cut).
            let lw = labels
                .iter()
                .map(String::len)
                .filter(|&n| n < 48)
                .max()
                .unwrap_or(4)
                .max(4)
                + 1;
            // A lens name wraps after its first hyphen ("balance-" over "of-threat"), so the
            // columns stay narrow and no name is cut.
            let parts = |name: &'static str| match name.split_once('-') {
                Some((a, b)) => (&name[..a.len() + 1], b),
                None => ("", name),
            };
            let cw = self
                .lenses
                .iter()
                .map(|l| {
                    let (a, b) = parts(l.lens.name());
                    a.len().max(b.len())
                })
                .max()
                .unwrap_or(0)
                .max(7)
                + 2;
            s.push_str(
                "\nStylized facts and counterfactuals: share of runs in which each holds (pass at its threshold)\n\n",
            );
            s.push_str(&format!("{:<lw$}", ""));
            for l in &self.lenses {
                s.push_str(&format!("{:>w$} ", parts(l.lens.name()).0, w = cw - 1));
            }
            s.truncate(s.trim_end_matches(' ').len());
            s.push('\n');
            s.push_str(&format!("{:<lw$}", "line"));
            for l in &self.lenses {
                s.push_str(&format!("{:>w$} ", parts(l.lens.name()).1, w = cw - 1));
            }
            s.truncate(s.trim_end_matches(' ').len());
            s.push('\n');
            for (j, label) in labels.iter().enumerate() {
                if label.len() >= lw {
                    s.push_str(&format!("{label}\n{:<lw$}", ""));
                } else {
                    s.push_str(&format!("{label:<lw$}"));
                }
                for l in &self.lenses {
                    let line = &l.scorecard[j];
                    s.push_str(&format!(
                        "{:>w$}%{}",
                        percent(line.share),
                        if line.pass { " " } else { "x" },
                        w = cw - 2
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
            "  {} {} {} {:<6} votes {:+.3}  model {:>7}  {}\n",
            t.state,
            t.patron.code(),
            t.year,
            t.direction.name(),
            t.observed_change,
            t.model_change
                .map_or("—".to_string(), |v| format!("{v:+.3}")),
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
    for (l, t) in dated {
        let mut id = l.outcome.clone();
        if id.chars().count() > 24 {
            id = id.chars().take(23).collect::<String>() + "~";
        }
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
    o
}

/// The ablation table for the terminal: one row per scorecard line, one column per channel,
/// each cell the share of runs in which the line holds with that channel off (`x` marks a
/// failing line), then the lines no channel breaks.
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
        label = label.chars().take(40).collect();
        s.push_str(&format!(
            "{:<4} {label:<40} {:>5.0}{}",
            j + 1,
            l.share * 100.0,
            if l.pass { " " } else { "x" }
        ));
        let mut broken = false;
        for a in ablations {
            let x = &a.lines[j];
            broken |= !x.pass;
            s.push_str(&format!(
                " {:>4.0}{}",
                x.share * 100.0,
                if x.pass { " " } else { "x" }
            ));
        }
        s.push('\n');
        if !broken {
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
        s.push_str("\nEvery line fails with at least one channel switched off.\n");
    } else {
        s.push_str(&format!(
            "\nLines no channel breaks (not evidence for any channel): {}\n",
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

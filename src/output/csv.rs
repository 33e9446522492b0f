//! CSV tables (RFC 4180 quoting for text fields): a run's trajectories, indices and event log;
//! an ensemble's quantiles over runs;
//! the validation scorecard; the comparison of lenses; sensitivity indices.

use std::fmt::Write as _;

use super::log::describe;
use crate::engine::record::RunRecord;
use crate::runs::ablation::Ablation;
use crate::runs::compare::Comparison;
use crate::runs::digest::Digest;
use crate::runs::scorecard::Line;
use crate::runs::unvote::{Patron, VoteCheck};
use crate::scenario::{Role, Scenario};
use crate::sensitivity::{Analysis, Measured};

/// `s` as one CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, a quote,
/// a line feed or a carriage return; as it is otherwise. Every text cell goes through here.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Header of `trajectories.csv`.
pub const TRAJECTORIES_HEADER: &str = "run,date,actor,patron,share\n";

/// Header of `events.csv`.
pub const EVENTS_HEADER: &str = "run,date,actor,kind,decision,score_for,score_against,\
bn_usd,musd_a_year,usd_per_1000m3,bcm_a_year,severity,candidates,growth_a_year,\
remittance_factor,non_interference,base_pressure\n";

/// Header of `indices.csv`.
pub fn indices_header() -> String {
    format!(
        "run,date,{}\n",
        crate::engine::record::Indices::NAMES.join(",")
    )
}

/// `trajectories.csv`: run, date, actor, patron, share — one row per state, patron and date.
pub fn trajectories_csv(sc: &Scenario, runs: &[RunRecord]) -> String {
    let mut out = String::from(TRAJECTORIES_HEADER);
    trajectories_rows(&mut out, sc, 0, runs);
    out
}

/// The rows of `trajectories.csv` for `runs`, the first of which is run `first + 1`.
pub fn trajectories_rows(out: &mut String, sc: &Scenario, first: usize, runs: &[RunRecord]) {
    for (r, rec) in runs.iter().enumerate() {
        for (t, date) in rec.dates.iter().enumerate() {
            for (i, a) in sc.actors.iter().enumerate() {
                if a.role != Role::State {
                    continue;
                }
                for p in 0..rec.np {
                    let _ = writeln!(
                        out,
                        "{},{date},{},{},{:.6}",
                        first + r + 1,
                        csv_field(&a.id),
                        csv_field(sc.patron_id(p)),
                        rec.share(t, i, p)
                    );
                }
            }
        }
    }
}

/// Header of `quantiles.csv`.
pub const QUANTILES_HEADER: &str = "date,actor,patron,runs,mean,p05,p25,p50,p75,p95\n";

/// The quantiles `quantiles.csv` gives, in its columns' order.
pub const QUANTILES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// `quantiles.csv`: for every state, patron and date, the mean of the state's share toward the
/// patron over the runs and its 5th, 25th, 50th, 75th and 95th percentiles (type 7, exact up
/// to `runs::digest::EXACT_RUNS` runs, from the 1,000-bin histogram beyond), in tidy form:
/// one row per state, patron and date.
pub fn quantiles_csv(sc: &Scenario, digest: &Digest) -> String {
    let mut out = String::from(QUANTILES_HEADER);
    let Some(first) = &digest.first else {
        return out;
    };
    for (t, date) in first.dates.iter().enumerate() {
        for (i, a) in sc.actors.iter().enumerate() {
            if a.role != Role::State {
                continue;
            }
            for p in 0..first.np {
                let s = digest.share(t, i, p);
                let q = s.quantiles(QUANTILES);
                let _ = writeln!(
                    out,
                    "{date},{},{},{},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6}",
                    csv_field(&a.id),
                    csv_field(sc.patron_id(p)),
                    s.len(),
                    s.mean(),
                    q[0],
                    q[1],
                    q[2],
                    q[3],
                    q[4]
                );
            }
        }
    }
    out
}

/// `indices.csv`: run, date and one column per index.
pub fn indices_csv(runs: &[RunRecord]) -> String {
    let mut out = indices_header();
    indices_rows(&mut out, 0, runs);
    out
}

/// The rows of `indices.csv` for `runs`, the first of which is run `first + 1`.
pub fn indices_rows(out: &mut String, first: usize, runs: &[RunRecord]) {
    for (r, rec) in runs.iter().enumerate() {
        for (date, idx) in rec.dates.iter().zip(&rec.indices) {
            let v = idx.values();
            let _ = writeln!(
                out,
                "{},{date},{:.6},{:.6},{:.6},{:.6}",
                first + r + 1,
                v[0],
                v[1],
                v[2],
                v[3]
            );
        }
    }
}

/// `x`, or 0 when it would print as zero at six decimals: a force that is nil (a product with
/// -0.0, or a pull back of a billionth) prints `0.000000`, not `-0.000000`.
fn unsigned_zero(x: f64) -> f64 {
    // The test is the printed text's, made only near zero: exactly the numbers that would show
    // as `-0.000000`.
    if x <= 0.0 && x > -1e-6 && format!("{x:.6}") == "-0.000000" {
        0.0
    } else {
        x
    }
}

/// `partnership.csv`: the first run's partnership between each pair of balancers at each date,
/// and the yearly rate of each force that moved it in the step that ended then (docs/model.md,
/// "Partnership"): run, date, a, b, partnership, one column per term, drift.
pub fn partnership_csv(sc: &Scenario, runs: &[RunRecord]) -> String {
    use crate::scenario::world::PartnershipDrift;
    let mut out = format!(
        "run,date,a,b,partnership,{},drift\n",
        PartnershipDrift::NAMES.join(",")
    );
    let Some(rec) = runs.first() else {
        return out;
    };
    let pairs = rec.partnership.len() / rec.dates.len().max(1);
    for (t, date) in rec.dates.iter().enumerate() {
        for (level, d) in rec.partnership.iter().skip(t * pairs).take(pairs) {
            let _ = write!(
                out,
                "1,{date},{},{},{level:.6}",
                csv_field(sc.patron_id(d.a)),
                csv_field(sc.patron_id(d.b))
            );
            for x in d.terms() {
                let _ = write!(out, ",{:.6}", unsigned_zero(x));
            }
            let _ = writeln!(out, ",{:.6}", unsigned_zero(d.total()));
        }
    }
    out
}

/// `events.csv`: run, date, actor, kind, decision, score_for, score_against, value.
pub fn events_csv(sc: &Scenario, runs: &[RunRecord]) -> String {
    let mut out = String::from(EVENTS_HEADER);
    events_rows(&mut out, sc, 0, runs);
    out
}

/// The rows of `events.csv` for `runs`, the first of which is run `first + 1`: each run's
/// entries by date (a stable sort: within a date, in the order the engine logged them), the
/// entry's number in the column that names it ([`crate::output::log::quantity_column`]).
pub fn events_rows(out: &mut String, sc: &Scenario, first: usize, runs: &[RunRecord]) {
    let mut order: Vec<usize> = Vec::new();
    for (r, rec) in runs.iter().enumerate() {
        order.clear();
        order.extend(0..rec.log.len());
        order.sort_by_key(|&k| rec.log[k].date);
        for &k in &order {
            let e = &rec.log[k];
            let (kind, text) = describe(sc, e);
            let _ = write!(
                out,
                "{},{},{},{kind},{},{:.6},{:.6}",
                first + r + 1,
                e.date,
                csv_field(&sc.actors[e.actor].id),
                csv_field(&text),
                e.score_for,
                e.score_against,
            );
            let filled = crate::output::log::quantity_column(sc, e);
            for c in 0..crate::output::log::QUANTITY_COLUMNS.len() {
                if filled == Some(c) {
                    let _ = write!(out, ",{:.6}", e.value);
                } else {
                    out.push(',');
                }
            }
            out.push('\n');
        }
    }
}

/// The scorecard as CSV (`validation.csv`).
pub fn scorecard_csv(lines: &[Line]) -> String {
    let mut out = String::from(
        "fact,outcome,expect,without,share,threshold,result,label,historical_date,\
         tolerance_months,model_median,model_p5,model_p95,error_months,date_source,known_failure\n",
    );
    for l in lines {
        let (history, tolerance, median, p5, p95, error, source) = match &l.timing {
            Some(t) => {
                let d =
                    |x: Option<crate::date::YearMonth>| x.map_or(String::new(), |x| x.to_string());
                (
                    t.history.date.to_string(),
                    t.history.tolerance_months.to_string(),
                    d(t.median),
                    d(t.p5),
                    d(t.p95),
                    t.error_months().map_or(String::new(), |e| e.to_string()),
                    csv_field(&t.history.source),
                )
            }
            None => Default::default(),
        };
        out.push_str(&format!(
            "{},{},{},{},{:.4},{:.2},{},{},{history},{tolerance},{median},{p5},{p95},{error},{source},{}\n",
            csv_field(&l.fact),
            csv_field(&l.outcome),
            csv_field(l.expect),
            csv_field(l.without.as_deref().unwrap_or("")),
            l.share,
            l.threshold,
            if l.pass { "pass" } else { "FAIL" },
            csv_field(&l.label),
            csv_field(l.known_failure.as_deref().unwrap_or(""))
        ));
    }
    out
}

/// The comparison of lenses as tables.
impl Comparison {
    /// `compare.csv`: lens, state, patron, final mean, p5, p95.
    pub fn csv(&self, sc: &Scenario) -> String {
        let mut s = String::from("lens,actor,patron,final_mean,final_p5,final_p95\n");
        for l in &self.lenses {
            for (a, p, sp) in &l.finals {
                s.push_str(&format!(
                    "{},{},{},{:.6},{:.6},{:.6}\n",
                    l.lens.name(),
                    csv_field(&sc.actors[*a].id),
                    csv_field(sc.patron_id(*p)),
                    sp.mean,
                    sp.p5,
                    sp.p95
                ));
            }
        }
        s
    }

    /// `compare_checks.csv`: lens, fact, outcome, without, share, threshold, result.
    pub fn checks_csv(&self) -> String {
        let mut s = String::from("lens,fact,outcome,without,share,threshold,result\n");
        for l in &self.lenses {
            for c in &l.scorecard {
                s.push_str(&format!(
                    "{},{},{},{},{:.4},{:.2},{}\n",
                    l.lens.name(),
                    csv_field(&c.fact),
                    csv_field(&c.outcome),
                    csv_field(c.without.as_deref().unwrap_or("")),
                    c.share,
                    c.threshold,
                    if c.pass { "pass" } else { "FAIL" }
                ));
            }
        }
        s
    }
}

/// `unvote.csv`: the UN-vote check in tidy form, one row per state (or `ALL`, pooled), patron
/// and window: `state,patron,window,sample,years,rmse,changes,change_corr`; then the fitted
/// observation model as rows with `state` = `FIT` (`rmse` holds `a`, `change_corr` holds `b`);
/// empty cells where a statistic is undefined.
pub fn unvote_csv(c: &VoteCheck) -> String {
    let mut s = String::from("state,patron,window,sample,years,rmse,changes,change_corr\n");
    let opt = |x: Option<f64>| x.map_or(String::new(), |v| format!("{v:.6}"));
    for (ev, sample) in [(&c.in_sample, "in"), (&c.out_of_sample, "out")] {
        let window = format!("{}-{}", ev.window.0, ev.window.1);
        let rows = ev
            .by_state
            .iter()
            .map(|(k, v)| (k.as_str(), v))
            .chain(std::iter::once(("ALL", &ev.pooled)));
        for (state, stats) in rows {
            for p in Patron::ALL {
                let st = &stats[p.index()];
                let _ = writeln!(
                    s,
                    "{},{},{window},{sample},{},{},{},{}",
                    csv_field(state),
                    p.code(),
                    st.n_years,
                    opt(st.rmse),
                    st.n_changes,
                    opt(st.change_corr)
                );
            }
        }
    }
    for p in Patron::ALL {
        let _ = writeln!(
            s,
            "FIT,{},{}-{},fit,{},{:.6},,{:.6}",
            p.code(),
            c.fit.window.0,
            c.fit.window.1,
            c.fit.n,
            c.fit.a[p.index()],
            c.fit.b[p.index()]
        );
    }
    s
}

/// `unvote_turns.csv`: each major turn in the votes and whether the model reproduces it.
pub fn unvote_turns_csv(c: &VoteCheck) -> String {
    let mut s =
        String::from("state,patron,year,direction,observed_change,model_change,reproduced\n");
    for t in &c.turns {
        let _ = writeln!(
            s,
            "{},{},{},{},{:.6},{},{}",
            csv_field(&t.state),
            t.patron.code(),
            t.year,
            t.direction.name(),
            t.observed_change,
            t.model_change.map_or(String::new(), |v| format!("{v:.6}")),
            t.reproduced
        );
    }
    s
}

/// `ablations.csv`: the scorecard with each channel switched off, in tidy form: one row per
/// channel and line, `channel,fact,outcome,without,share,threshold,result`.
pub fn ablations_csv(ablations: &[Ablation]) -> String {
    let mut s = String::from("channel,fact,outcome,without,share,threshold,result\n");
    for a in ablations {
        for l in &a.lines {
            let _ = writeln!(
                s,
                "{},{},{},{},{:.4},{:.2},{}",
                a.channel.name,
                csv_field(&l.fact),
                csv_field(&l.outcome),
                csv_field(l.without.as_deref().unwrap_or("")),
                l.share,
                l.threshold,
                if l.pass { "pass" } else { "FAIL" }
            );
        }
    }
    s
}

/// `sensitivity.csv`, tidy: one row per output and factor, in output and factor order, with the
/// factor's interval, its indices and its rank for that output (1: most influential). Morris:
/// `mu`, `mu_star`, `mu_star_conf` (half-width of the 95 % interval), `sigma`; Sobol: `S1`,
/// `S1_conf`, `ST`, `ST_conf`.
pub fn sensitivity(a: &Analysis) -> String {
    let mut out = String::from(match a.method {
        crate::sensitivity::Method::Morris { .. } => {
            "output,factor,min,max,mu,mu_star,mu_star_conf,sigma,rank\n"
        }
        crate::sensitivity::Method::Sobol { .. } => {
            "output,factor,min,max,S1,S1_conf,ST,ST_conf,rank\n"
        }
    });
    for o in &a.outputs {
        let mut rank = vec![0; a.factors.len()];
        for (r, &f) in o.ranking().iter().enumerate() {
            rank[f] = r + 1;
        }
        for (f, factor) in a.factors.iter().enumerate() {
            let (x1, x2, x3, x4) = match &o.indices {
                Measured::Morris(m) => (m[f].mu, m[f].mu_star, m[f].mu_star_conf, m[f].sigma),
                Measured::Sobol(s) => (s[f].s1, s[f].s1_conf, s[f].st, s[f].st_conf),
            };
            let _ = writeln!(
                out,
                "{},{},{},{},{x1:.6},{x2:.6},{x3:.6},{x4:.6},{}",
                csv_field(&o.name),
                csv_field(&factor.key),
                factor.min,
                factor.max,
                rank[f]
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::unsigned_zero;

    #[test]
    fn a_nil_force_prints_without_a_sign() {
        for x in [-0.0, -1e-9, -4.9e-7] {
            assert_eq!(format!("{:.6}", unsigned_zero(x)), "0.000000", "{x}");
        }
        for (x, text) in [
            (-1e-6, "-0.000001"),
            (-0.25, "-0.250000"),
            (0.0, "0.000000"),
        ] {
            assert_eq!(format!("{:.6}", unsigned_zero(x)), text, "{x}");
        }
    }
}
